"""Reading a wide CSV file in chunks, with memory bounded by the chunk."""

from __future__ import annotations

import csv
import io
import itertools
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import IO

import numpy as np
import numpy.typing as npt

from jointworking._collector import paused
from jointworking._readers import _route
from jointworking._readers._cells import _build
from jointworking._readers._columns import Column, GiveUp, WideColumns
from jointworking._readers._constants import _BLOCK, _FIRST_CHARACTER, _SEP_START, Key
from jointworking._readers._csv import _DelimiterCount, _records, _sep_line
from jointworking._readers._encodings import _Decoder
from jointworking._readers._labels import _Labels, _then_raise
from jointworking._readers._source import _cannot_decode, _format_of, _identify, _suffix
from jointworking._readers._wide import _first_header, _no_rows, _WideRows
from jointworking.errors import ArgumentError, ResponseFileError
from jointworking.errors import _shown as _shown_value
from jointworking.instrument import Instrument
from jointworking.responses import (
    Responses,
)


def _check_chunk_size(chunk_size: object) -> int:
    if (
        isinstance(chunk_size, bool | np.timedelta64)
        or not isinstance(chunk_size, int | np.integer)
        or chunk_size < 1
    ):
        raise ArgumentError(
            "chunk_size: expected a whole number of respondents, 1 or more (or None to read"
            f" the file whole), got {_shown_value(chunk_size)}"
        )
    # A chunk holds at most chunk_size respondents: beyond sys.maxsize, that is no limit.
    return min(int(chunk_size), sys.maxsize)


def _not_in_chunks(what: str) -> str:
    return (
        f"reading in chunks (chunk_size) reads wide CSV files, one row per respondent, and"
        f" this is {what}; read it whole (without chunk_size), or convert it once to wide"
        " CSV: write_responses(read_responses(source), 'survey.csv') writes wide CSV"
    )


def _read_chunks(
    source: str | os.PathLike[str] | IO[bytes] | IO[str],
    instrument: Instrument,
    chosen: str | None,
    size: int,
) -> Iterator[Responses]:
    """Check what can be checked before reading; return the chunks, read as iterated."""
    if chosen == "json":
        raise ArgumentError("chunk_size: " + _not_in_chunks("JSON (format='json')"))
    name, read = _identify(source)
    kind = chosen or _format_of(_suffix(name), name)
    if kind == "json":
        raise ResponseFileError(name, _not_in_chunks("a JSON file"))
    return _chunks(name, read, kind is None, instrument, size)


def _chunks(
    name: str,
    read: Callable[..., object] | None,
    sniff: bool,
    instrument: Instrument,
    size: int,
) -> Iterator[Responses]:
    """Yield the chunks of a wide CSV file, read and decoded a block at a time."""
    with ExitStack() as stack:
        if read is None:
            try:
                read = stack.enter_context(Path(name).open("rb")).read
            except OSError as error:
                raise ResponseFileError(
                    name, f"cannot be read: {error.strerror or error}"
                ) from None
        lines = _lines(_pieces(_blocks(read, name), _Decoder(name)))
        yield from _csv_chunks(lines, name, sniff, instrument, size)


def _blocks(read: Callable[..., object], name: str) -> Iterator[bytes | str]:
    """Yield a file's content a block at a time, all bytes or all text."""
    kind: type[bytes] | type[str] | None = None
    while True:
        try:
            data = read(_BLOCK)
        except UnicodeDecodeError:
            raise _cannot_decode(name) from None
        except OSError as error:
            raise ResponseFileError(name, f"cannot be read: {error}") from None
        if isinstance(data, bytearray | memoryview):
            data = bytes(data)
        if not isinstance(data, bytes | str):
            raise ArgumentError(f"source: reading it gave {type(data).__name__}, not bytes or text")
        if not data:
            return
        if kind is None:
            kind = type(data)
        elif not isinstance(data, kind):
            raise ArgumentError(
                f"source: reading it gave {type(data).__name__} after {kind.__name__}"
            )
        yield data


def _pieces(blocks: Iterator[bytes | str], decoder: _Decoder) -> Iterator[str]:
    """Decode a file's blocks into text, in pieces of whole lines (the last may be open).

    If the decoder finds text it cannot decode, the lines before the one at fault are
    yielded, then its error is raised: the whole read does the same.
    """
    for block in blocks:
        text = decoder.feed(block)
        if text:
            yield text
        if decoder.error is not None:
            raise decoder.error
    text = decoder.end()
    if text:
        yield text
    if decoder.error is not None:
        raise decoder.error


def _lines(pieces: Iterator[str]) -> Iterator[str]:
    """Split pieces of whole lines into lines with their ends, as the whole text splits.

    A piece never ends inside a CRLF, so ``io.StringIO(piece, newline="")`` splits each
    piece as it would split the whole text.
    """
    for piece in pieces:
        yield from io.StringIO(piece, newline="")


def _csv_chunks(
    lines: Iterator[str], name: str, sniff: bool, instrument: Instrument, size: int
) -> Iterator[Responses]:
    """Read a wide CSV file's lines and yield its respondents `size` at a time."""
    delimiter, sep_line, read_lines = _head(lines, name, sniff)
    counted = _Counted(read_lines)
    records = _records(counted, name, delimiter, sep_line)
    header = _first_header(records, name, instrument)
    if header.long:
        raise ResponseFileError(
            name, _not_in_chunks("a long CSV file (with question and answer columns)")
        )
    # Blocks no larger than a chunk (nor than _BLOCK_LINES): memory stays bounded by it.
    block = min(_BLOCK_LINES, max(size, 64))
    if _route.READERS["python"]:
        # The CSV module has read the lines up to the header's end, and no further.
        blocks = _record_blocks(read_lines, name, delimiter, counted.count + 1, block)
    else:
        blocks = _in_blocks(records, block)
    taking = _Taking(blocks)
    reader = _WideRows(header, name, instrument)
    columns = WideColumns(header, instrument)  # its tables of cells read serve every chunk
    seen = _Seen() if "respondent" in header.labels else None
    empty = True
    while True:
        # Lists per row, for no garbage: no collection while they are made and read.
        with paused():
            numbers, cells, problem = taking.take(size)
            chunk = None
            if problem is None and numbers:
                chunk = _fast_chunk(numbers, cells, columns, reader.labels, seen)
            if chunk is None:
                chunk = _exact_chunk(numbers, cells, problem, reader, seen, name, instrument)
            # Freed before the collector runs again, which would otherwise walk them all.
            del numbers, cells
        if chunk is None:
            if empty:
                raise _no_rows(name, header)
            return
        empty = False
        yield chunk


_Block = tuple[list[int], list[list[str]]]
"""Records in a row: the line each starts on, and its cells."""


class _Taking:
    """Take a file's records a chunk at a time from its blocks of records.

    A problem met while reading the blocks (a line that cannot be decoded, a CSV error)
    is given with the chunk whose records end where it was met, as reading the records
    one at a time would meet it.
    """

    def __init__(self, blocks: Iterator[_Block]) -> None:
        self._blocks = blocks
        self._lines: list[int] = []
        self._cells: list[list[str]] = []
        self._problem: ResponseFileError | None = None
        self._done = False

    def take(self, size: int) -> tuple[list[int], list[list[str]], ResponseFileError | None]:
        """Return the next `size` records (fewer at the end), and any problem after them."""
        while len(self._lines) < size and not self._done:
            try:
                lines, cells = next(self._blocks)
            except StopIteration:
                self._done = True
                break
            except ResponseFileError as error:
                self._problem, self._done = error, True
                break
            self._lines += lines
            self._cells += cells
        lines, cells = self._lines[:size], self._cells[:size]
        del self._lines[:size], self._cells[:size]
        return lines, cells, None if self._lines else self._problem


def _in_blocks(records: Iterator[tuple[int, list[str]]], size: int) -> Iterator[_Block]:
    """Gather records into blocks of `size`; the records before a problem come first."""
    while True:
        lines: list[int] = []
        cells: list[list[str]] = []
        try:
            for line, row in itertools.islice(records, size):
                lines.append(line)
                cells.append(row)
        except ResponseFileError:
            if lines:
                yield lines, cells
            raise
        if not lines:
            return
        yield lines, cells


class _Counted:
    """Pass lines on, counting them."""

    def __init__(self, lines: Iterator[str]) -> None:
        self._lines = lines
        self.count = 0

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        line = next(self._lines)
        self.count += 1
        return line


_EMPTY = itertools.repeat("")
_BLOCK_LINES = 4096
"""Lines split into cells at a time when reading in chunks."""


def _record_blocks(
    lines: Iterator[str], name: str, delimiter: str, line: int, block_lines: int
) -> Iterator[_Block]:
    """Yield blocks of the records not wholly blank, as :func:`_records` reads them.

    Lines without a quote are split at the delimiter a block at a time, exactly as the
    CSV module splits them (without quotes, a record is one line and its cells lie
    between the delimiters). From the first block holding a quote, or a line longer than
    :func:`csv.field_size_limit`, the rest goes through the CSV module, which counts
    lines from `line` on.
    """
    limit = csv.field_size_limit()
    problem: ResponseFileError | None = None
    while problem is None:
        block: list[str] = []
        try:
            block.extend(itertools.islice(lines, block_lines))
        except ResponseFileError as error:  # a line that cannot be decoded: after these
            problem = error
        if not block:
            break
        text = "".join(block)
        if '"' in text or max(map(len, block)) > limit:
            rest = itertools.chain(
                itertools.repeat("\n", line - 1),
                block,
                lines if problem is None else _then_raise(problem),
            )
            yield from _in_blocks(_records(rest, name, delimiter, sep_line=False), block_lines)
            return
        if "\r" in text:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        rows = text.split("\n")
        if text.endswith("\n"):
            rows.pop()  # after the last line end: nothing
        split = list(map(str.split, rows, itertools.repeat(delimiter)))
        numbers = range(line, line + len(rows))
        # Not wholly blank: something but spaces besides the delimiters.
        kept = list(map(str.strip, map(str.replace, rows, itertools.repeat(delimiter), _EMPTY)))
        if all(kept):
            yield list(numbers), split
        else:
            yield list(itertools.compress(numbers, kept)), list(itertools.compress(split, kept))
        line += len(rows)
    if problem is not None:
        raise problem


def _exact_chunk(  # noqa: PLR0917 - the chunk, then what reads it
    lines: Sequence[int],
    cells: Sequence[list[str]],
    problem: ResponseFileError | None,
    reader: _WideRows,
    seen: _Seen | None,
    name: str,
    instrument: Instrument,
) -> Responses | None:
    """Read a chunk's records row by row: the first problem is named by line and column."""
    keys: list[Key] = []
    units: list[str] = []
    rows: list[list[float]] = []
    where: list[int] = []
    try:
        for line, row_cells in zip(lines, cells, strict=True):
            key, unit, row = reader.read(line, row_cells)
            keys.append(key)
            units.append(unit)
            rows.append(row)
            where.append(line)
    except ResponseFileError as error:
        # Read row by row, a repeated respondent before this row is reported first.
        problem = error
    if seen is not None and keys:
        repeat = seen.add(keys, where)
        if repeat is not None:
            i, first = repeat
            raise reader.repeat(keys[i], where[i], first)
    if problem is not None:
        raise problem
    if not keys:
        return None
    return _build(name, keys, units, reader.matrix(rows), instrument)


def _fast_chunk(
    line_numbers: list[int],
    cells: list[list[str]],
    columns: WideColumns,
    labels: _Labels,
    seen: _Seen | None,
) -> Responses | None:
    """Read a chunk's records column by column; None where the exact read must read it.

    The chunk must read plainly on its own (see :class:`._columns.WideColumns`), and
    together with the chunks before it: no name or wave only looking like an earlier
    one, no respondent repeating an earlier one. Only then are its names, waves and
    respondents added to what the read remembers (as the exact read would have added
    them, each at the line it first appears on), so that a chunk handed to the exact
    read finds everything as the exact read would have left it.
    """
    if not _route.READERS["python"]:
        return None
    if set(map(len, cells)) != {columns.width}:
        return None
    lines = np.array(line_numbers, dtype=np.intp)
    columns.reset(len(cells))
    try:
        # Every row has `width` cells: column j is every width-th cell from the j-th.
        flat = list(itertools.chain.from_iterable(cells))
        width = columns.width
        columns.add([Column(flat[j::width]) for j in range(width)], lines)
        del flat
        chunk = columns.responses()
    except GiveUp:
        return None
    remembered = labels.remembering(chunk, lines)
    if remembered is None:
        return None
    if seen is not None:
        keys = list(
            zip(
                chunk.organisation.tolist(),
                chunk.about.tolist(),
                chunk.wave.tolist(),
                chunk.respondent.tolist(),
                strict=True,
            )
        )
        if seen.add(keys, line_numbers) is not None:
            return None
    labels.remember(remembered)
    return chunk


def _head(lines: Iterator[str], name: str, sniff: bool) -> tuple[str, bool, Iterator[str]]:
    """Find the delimiter, as :func:`_delimiter` does, from the lines up to the header's end.

    Returns the delimiter, whether line 1 is a ``sep=`` line, and the lines for the CSV
    reader. Lines before the header with nothing in them (blank, or delimiters and
    spaces only) are counted, not kept: the reader gets an empty line, a blank row too,
    for each. With `sniff`, a file whose first character that is not a space is ``[``
    or ``{`` is JSON, and an error.
    """
    peek = list(itertools.islice(lines, 1))
    if _SEP_START.match(peek[0] if peek else ""):
        # A sep= line is read with the start of the next line, as in the whole text.
        try:
            peek.extend(itertools.islice(lines, 1))
        except ResponseFileError:
            _sep_line(peek[0], name)  # the whole read finds a bad sep= line first
            raise
    rest = itertools.chain(peek, lines)
    delimiter = _sep_line("".join(peek), name)
    if delimiter is not None:
        return delimiter, True, rest
    count = _DelimiterCount()
    limit = csv.field_size_limit()
    skipped = 0
    head: list[str] = []
    for line in rest:
        if sniff:
            first = _FIRST_CHARACTER.match(line)
            if first is not None:
                sniff = False
                if first.group(1) in "[{":
                    raise ResponseFileError(name, _not_in_chunks("a JSON file"))
        done = count.feed(line)
        if head or count.content or len(line) > limit:
            head.append(line)
        else:
            skipped += 1
        if done:
            break
    return count.delimiter(), False, itertools.chain(itertools.repeat("\n", skipped), head, rest)


_Hashes = npt.NDArray[np.int64]


class _Seen:
    """The respondents read so far, as a 64-bit hash and a line each: 16 bytes apiece.

    The hash is Python's ``hash()`` of the respondent's key (organisation, about, wave
    and identifier), so it holds within one process. The pairs are kept in runs sorted
    by hash, each run at most half as long as the one before it (as in a log-structured
    merge), so that n respondents added a chunk at a time take O(n log n) steps in all;
    merging two runs briefly takes about 20 more bytes per respondent in them.
    """

    def __init__(self) -> None:
        self._runs: list[tuple[_Hashes, _Hashes]] = []

    def add(self, keys: Sequence[Key], lines: Sequence[int]) -> tuple[int, int] | None:
        """Add one chunk's respondents, unless one of them repeats an earlier one.

        Returns None, or the position in the chunk of the first respondent that repeats
        an earlier one, and the line the earlier one is on (nothing is added then).
        """
        hashes = np.fromiter(map(hash, keys), dtype=np.int64, count=len(keys))
        order = np.argsort(hashes)
        ordered = hashes[order]
        found: tuple[int, int] | None = None
        if (ordered[1:] == ordered[:-1]).any():  # a repeat within the chunk: find the first
            first: dict[int, int] = {}
            for i, value in enumerate(hashes.tolist()):
                j = first.setdefault(value, i)
                if j != i:
                    found = (i, lines[j])
                    break
        for run, run_lines in self._runs:
            # Searched in sorted order, which walks each run once, front to back.
            at = np.minimum(np.searchsorted(run, ordered), run.size - 1)
            hit = np.flatnonzero(run[at] == ordered)
            if hit.size:
                k = hit[np.argmin(order[hit])]  # the hit earliest in the chunk
                i = int(order[k])
                if found is None or i < found[0]:
                    found = (i, int(run_lines[at[k]]))
        if found is not None:
            return found
        self._runs.append((ordered, np.asarray(lines, dtype=np.int64)[order]))
        while len(self._runs) > 1 and 2 * self._runs[-1][0].size > self._runs[-2][0].size:
            (a, a_lines), (b, b_lines) = self._runs.pop(), self._runs.pop()
            self._runs.append(_merge(a, a_lines, b, b_lines))
        return None


def _merge(a: _Hashes, a_lines: _Hashes, b: _Hashes, b_lines: _Hashes) -> tuple[_Hashes, _Hashes]:
    """Merge two runs sorted by hash, with no hash in both, into one."""
    at = np.searchsorted(b, a) + np.arange(a.size)  # where a's entries go
    hashes = np.empty(a.size + b.size, dtype=np.int64)
    lines = np.empty_like(hashes)
    from_b = np.ones(hashes.size, dtype=np.bool_)
    from_b[at] = False
    hashes[at], lines[at] = a, a_lines
    hashes[from_b], lines[from_b] = b, b_lines
    return hashes, lines
