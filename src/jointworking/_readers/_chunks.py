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

from jointworking.errors import ArgumentError, ResponseFileError
from jointworking.errors import _shown as _shown_value
from jointworking.instrument import Instrument
from jointworking._readers import _route
from jointworking._readers._cells import _build
from jointworking._readers._columns import Column, GiveUp, WideColumns
from jointworking._readers._constants import _BLOCK, _FIRST_CHARACTER, _SEP_START, Key
from jointworking._readers._csv import _DelimiterCount, _Header, _records, _sep_line
from jointworking._readers._encodings import _Decoder
from jointworking._readers._labels import _Labels
from jointworking._readers._source import _cannot_decode, _format_of, _identify, _suffix
from jointworking._readers._wide import _first_header, _no_rows, _WideRows
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
    records = _records(read_lines, name, delimiter, sep_line)
    header = _first_header(records, name, instrument)
    if header.long:
        raise ResponseFileError(
            name, _not_in_chunks("a long CSV file (with question and answer columns)")
        )
    reader = _WideRows(header, name, instrument)
    seen = _Seen() if "respondent" in header.labels else None
    empty = True
    while True:
        taken: list[tuple[int, list[str]]] = []
        problem: ResponseFileError | None = None
        try:
            taken.extend(itertools.islice(records, size))
        except ResponseFileError as error:  # the CSV module's, at the record after these
            problem = error
        chunk = None
        if problem is None and taken:
            chunk = _fast_chunk(taken, header, instrument, reader.labels, seen)
        if chunk is None:
            chunk = _exact_chunk(taken, problem, reader, seen, name, instrument)
        if chunk is None:
            if empty:
                raise _no_rows(name, header)
            return
        empty = False
        yield chunk


def _exact_chunk(  # noqa: PLR0917 - the chunk, then what reads it
    taken: Sequence[tuple[int, list[str]]],
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
        for line, cells in taken:
            key, unit, row = reader.read(line, cells)
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
    taken: Sequence[tuple[int, list[str]]],
    header: _Header,
    instrument: Instrument,
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
    lines = np.fromiter((line for line, _ in taken), dtype=np.intp, count=len(taken))
    cells = [row for _, row in taken]
    if set(map(len, cells)) != {header.width}:
        return None
    columns = WideColumns(header, instrument)
    try:
        columns.add([Column(column) for column in zip(*cells, strict=True)], lines)
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
        if seen.add(keys, lines.tolist()) is not None:
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
        found: tuple[int, int] | None = None
        first: dict[int, int] = {}
        for i, value in enumerate(hashes.tolist()):
            j = first.setdefault(value, i)
            if j != i:
                found = (i, lines[j])
                break
        for run, run_lines in self._runs:
            at = np.minimum(np.searchsorted(run, hashes), run.size - 1)
            hits = np.flatnonzero(run[at] == hashes)
            if hits.size and (found is None or hits[0] < found[0]):
                i = int(hits[0])
                found = (i, int(run_lines[at[i]]))
        if found is not None:
            return found
        order = np.argsort(hashes)
        self._runs.append((hashes[order], np.asarray(lines, dtype=np.int64)[order]))
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
