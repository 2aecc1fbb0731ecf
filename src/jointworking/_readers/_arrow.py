"""Reading a wide CSV file with pyarrow's CSV reader, when pyarrow is installed.

pyarrow splits the file's bytes into columns in compiled code, each column but the
respondents' dictionary-encoded as it is read (its distinct cells and each row's index
into them), which is what :class:`._columns.WideColumns` reads, by the same rules as
every other path. The header
is read by the exact reader's own code. pyarrow is used only where it splits the file
exactly as Python's CSV module would: UTF-8 text (the whole file valid UTF-8, as the
exact reader would decide), one record per line (no line break inside a quoted cell),
quotes only around whole cells, and no field beyond :func:`csv.field_size_limit`.
Anything else, and anything :class:`._columns.WideColumns` gives up on, makes
:func:`read_wide` return None: the other readers then read the file.
"""

from __future__ import annotations

import codecs
import csv
import importlib
import io
import re
from types import ModuleType
from typing import Any

import numpy as np

from jointworking._readers._columns import Column, GiveUp, WideColumns
from jointworking._readers._csv import _delimiter, _Header, _header
from jointworking.errors import ResponseFileError
from jointworking.instrument import Instrument
from jointworking.responses import Responses

_HEAD = 1 << 16
"""Bytes read with Python's CSV module to find the header (more if the header is longer)."""
_BREAK = re.compile(rb"\r\n|\r|\n")


def available() -> ModuleType | None:
    """Return pyarrow's CSV module, or None where pyarrow is not installed."""
    try:
        return importlib.import_module("pyarrow.csv")
    except ImportError:
        return None


def read_wide(data: bytes, name: str, instrument: Instrument) -> Responses | None:
    """Read a wide CSV file's bytes with pyarrow; None where another reader must read it."""
    arrow = available()
    if arrow is None or data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None
    try:
        return _read(arrow, data.removeprefix(codecs.BOM_UTF8), name, instrument)
    except (GiveUp, UnicodeDecodeError):
        return None


def _read(arrow: ModuleType, body: bytes, name: str, instrument: Instrument) -> Responses:
    delimiter, line, offset, header = _find_header(body, name, instrument)
    if body.find(b'"', offset) >= 0 and _loose_quotes(body[offset:], delimiter):
        raise GiveUp
    where_respondent = header.labels.get("respondent", (None,))[0]
    table = _table(arrow, body, offset, delimiter, header.width, where_respondent)
    expected = _count_lines(body, offset)
    if table.num_rows != expected or expected == 0:
        raise GiveUp
    limit = csv.field_size_limit()
    columns: list[Column] = []
    respondents: list[str] | None = None
    for i in range(header.width):
        chunked = table.column(i)
        if i == where_respondent:
            respondents = chunked.to_pylist()
            if respondents and max(map(len, respondents)) > limit:
                raise GiveUp
            columns.append(Column([]))
            continue
        # Coded while pyarrow read it, a dictionary per block of the file: one for all,
        # its texts in order of first appearance, as dictionary_encode would give them.
        encoded = chunked.unify_dictionaries().combine_chunks()
        uniques = encoded.dictionary.to_pylist()
        if uniques and max(map(len, uniques)) > limit:
            raise GiveUp
        codes = encoded.indices.to_numpy(zero_copy_only=False).astype(np.intp)
        columns.append(Column(uniques=uniques, codes=codes))
        del chunked, encoded
    del table
    lines = np.arange(line + 1, line + 1 + expected, dtype=np.intp)
    reader = WideColumns(header, instrument, expected)
    reader.add(columns, lines, respondents)
    return reader.responses()


def _find_header(body: bytes, name: str, instrument: Instrument) -> tuple[str, int, int, _Header]:
    """Return the delimiter, header line, where the data starts, and the header."""
    size = _HEAD
    while True:
        head = body[:size]
        cut = max(head.rfind(b"\n"), head.rfind(b"\r", 0, len(head) - 1)) + 1
        if size < len(body) and cut == 0:
            size *= 4
            continue
        text = (head if size >= len(body) else head[:cut]).decode("utf-8")
        break
    try:
        delimiter, sep_line = _delimiter(text, name)
    except ResponseFileError:
        raise GiveUp from None
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        while True:
            line = reader.line_num + 1
            cells = next(reader)
            if (sep_line and line == 1) or not any(cell.strip() for cell in cells):
                continue
            break
    except (StopIteration, csv.Error):
        raise GiveUp from None
    if reader.line_num != line:
        raise GiveUp
    try:
        header = _header(cells, line, name, instrument)
    except ResponseFileError:
        raise GiveUp from None  # the other readers report it (or read it as a form's export)
    if header.long:
        raise GiveUp
    offset = 0
    for _ in range(line):
        match = _BREAK.search(body, offset)
        if match is None:
            raise GiveUp
        offset = match.end()
    return delimiter, line, offset, header


def _loose_quotes(rest: bytes, delimiter: str) -> bool:
    """Whether a quote stands anywhere but around a whole cell (or doubled inside one)."""
    d = re.escape(delimiter.encode())
    start = rb"(?:(?<=" + d + rb")|(?<=[\r\n])|^)"
    end = rb"(?=" + d + rb"|[\r\n]|$)"
    quoted = re.compile(start + rb'"(?:[^"]|"")*"' + end)
    return b'"' in quoted.sub(b"", rest)


def _count_lines(body: bytes, offset: int) -> int:
    """Count the lines from `offset` on (CRLF, LF or CR ends; a last line without one counts)."""
    breaks = body.count(b"\n", offset)
    if body.find(b"\r", offset) >= 0:
        breaks += body.count(b"\r", offset) - body.count(b"\r\n", offset)
    return breaks + (1 if len(body) > offset and body[-1:] not in (b"\n", b"\r") else 0)


def _table(  # noqa: PLR0917 - the bytes, then how to split them
    arrow: Any, body: bytes, offset: int, delimiter: str, width: int, texts: int | None
) -> Any:
    """Split `body` from `offset` into `width` columns; give up if pyarrow cannot, as given.

    Each column comes dictionary-encoded (its distinct cells, and each row's index into
    them), but for column `texts` (the respondents', nearly all distinct), plain text.
    """
    import pyarrow as pa  # noqa: PLC0415 - optional, imported only when reading with it

    names = [f"c{i}" for i in range(width)]
    coded = pa.dictionary(pa.int32(), pa.string())
    types = {n: pa.string() if i == texts else coded for i, n in enumerate(names)}
    try:
        return arrow.read_csv(
            pa.py_buffer(body).slice(offset),  # no copy
            read_options=arrow.ReadOptions(column_names=names),
            parse_options=arrow.ParseOptions(
                delimiter=delimiter,
                quote_char='"',
                double_quote=True,
                escape_char=False,
                newlines_in_values=False,
                ignore_empty_lines=False,
            ),
            convert_options=arrow.ConvertOptions(
                column_types=types,
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
                check_utf8=True,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowException):
        raise GiveUp from None
