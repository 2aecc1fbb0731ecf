"""Reading a wide CSV file's text column by column, with the standard library alone.

The CSV module splits the text into rows, a block of rows at a time; each block is turned
into columns, and each column into its distinct cells and each row's index into them
(:class:`._columns.Column`), so that no Python code runs per cell beyond the CSV
module's own. :class:`._columns.WideColumns` reads the distinct cells and builds the
responses. Anything it cannot read plainly, and any record spanning more than one line
(whose line numbers the blocks do not track), makes :func:`read_wide` return None: the
exact reader then reads the file and names what is wrong, as it always has.
"""

from __future__ import annotations

import csv
import itertools
import re
from collections.abc import Iterator
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from jointworking._readers._columns import Column, GiveUp, WideColumns
from jointworking._readers._csv import _delimiter, _header
from jointworking.instrument import Instrument
from jointworking.responses import Responses

BLOCK_ROWS = 1 << 15
"""Rows turned into columns at a time: enough to amortise the work per block, few enough
that a block's rows, held as Python lists, stay small beside the answers read."""


def read_wide(text: str, name: str, instrument: Instrument) -> Responses | None:
    """Read a wide CSV file's text; return None where the exact reader must read it.

    Raises what the exact reader raises for a problem in the header (the header is read
    by the exact reader's own code), and nothing else.
    """
    delimiter, sep_line = _delimiter(text, name)
    # The lines one by one, as io.StringIO(text, newline="") gives them, but without its
    # copy of the whole text (four bytes a character).
    reader = csv.reader(_lines(text), delimiter=delimiter, strict=True)
    try:
        while True:
            line = reader.line_num + 1
            cells = next(reader)
            if (sep_line and line == 1) or not any(cell.strip() for cell in cells):
                continue
            break
        if reader.line_num != line:
            return None  # the header spans lines
        header = _header(cells, line, name, instrument)
        if header.long:
            return None
        start = _after_line(text, line)
        # At most one respondent per line: room for as many answers as there are lines.
        capacity = max(text.count("\n", start), text.count("\r", start)) + 1
        columns = WideColumns(header, instrument, capacity)
        if '"' in text[start:]:
            _read_quoted(reader, columns)
        else:
            _read_unquoted(text[start:], line + 1, delimiter, columns)
        return columns.responses()
    except (StopIteration, csv.Error, GiveUp):
        return None


_LINE_END: Final = re.compile(r"\r\n|\r|\n")
_BLOCK_CHARACTERS: Final = 1 << 19
"""Text split into lines and cells at a time, in characters (about half a megabyte)."""


def _lines(text: str) -> Iterator[str]:
    """Yield the lines of `text` with their ends (CRLF, LF or CR), as they are."""
    start = 0
    for match in _LINE_END.finditer(text):
        yield text[start : match.end()]
        start = match.end()
    if start < len(text):
        yield text[start:]


def _after_line(text: str, line: int) -> int:
    """Return where line ``line + 1`` of `text` starts (lines counted from 1)."""
    offset = 0
    for _ in range(line):
        match = _LINE_END.search(text, offset)
        if match is None:
            return len(text)
        offset = match.end()
    return offset


def _read_unquoted(text: str, line: int, delimiter: str, columns: WideColumns) -> None:
    """Read text without quotes: split into lines, and a block's lines into cells, at once.

    Without quotes, a CSV record is one line and its cells are what lies between the
    delimiters, exactly as the CSV module splits them; the lines of a block are joined
    with the delimiter and split once, so that the cells of a column are every
    `width`-th cell. A line longer than :func:`csv.field_size_limit` gives up (the
    CSV module refuses a field that long).
    """
    limit = csv.field_size_limit()
    width = columns.width
    start, end = 0, len(text)
    while start < end:
        cut = text.find("\n", start + _BLOCK_CHARACTERS)
        stop = end if cut < 0 else cut + 1
        block = text[start:stop]
        start = stop
        if "\r" in block:
            block = block.replace("\r\n", "\n").replace("\r", "\n")
        lines = block.split("\n")
        if block.endswith("\n"):
            lines.pop()  # the text after the last line end: the next block's
        numbers = np.arange(line, line + len(lines), dtype=np.intp)
        line += len(lines)
        if max(map(len, lines), default=0) > limit:
            raise GiveUp
        counts = set(map(str.count, lines, itertools.repeat(delimiter)))
        if counts != {width - 1}:
            lines, numbers = _full_lines(lines, numbers, delimiter, width)
            if not lines:
                continue
        cells = delimiter.join(lines).split(delimiter)
        del lines
        columns.add([Column(cells[j::width]) for j in range(width)], numbers)


def _full_lines(
    lines: list[str], numbers: npt.NDArray[np.intp], delimiter: str, width: int
) -> tuple[list[str], npt.NDArray[np.intp]]:
    """Drop wholly blank lines (of any width); give up on other lines of another width."""
    keep = []
    for i, text in enumerate(lines):
        if text.count(delimiter) == width - 1:
            keep.append(i)
        elif text.replace(delimiter, "").strip():
            raise GiveUp
    return [lines[i] for i in keep], numbers[keep]


def _read_quoted(reader: Any, columns: WideColumns) -> None:
    """Read the rest of the records with the CSV module, a block at a time."""
    width = columns.width
    while True:
        start = reader.line_num + 1
        rows = list(itertools.islice(reader, BLOCK_ROWS))
        if not rows:
            return
        if reader.line_num - start + 1 != len(rows):
            raise GiveUp  # a record spans lines: the blocks do not track their lines
        lines = np.arange(start, start + len(rows), dtype=np.intp)
        if set(map(len, rows)) != {width}:
            rows, lines = _full_rows(rows, lines, width)
            if not rows:
                continue
        by_column = [Column(cells) for cells in zip(*rows, strict=True)]
        del rows
        columns.add(by_column, lines)


def _full_rows(
    rows: list[list[str]], lines: npt.NDArray[np.intp], width: int
) -> tuple[list[list[str]], npt.NDArray[np.intp]]:
    """Drop wholly blank rows of any width (empty lines); give up on other short rows."""
    keep = []
    for i, row in enumerate(rows):
        if len(row) == width:
            keep.append(i)
        elif any(cell.strip() for cell in row):
            raise GiveUp
    return [rows[i] for i in keep], lines[keep]
