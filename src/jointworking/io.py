"""Read and write survey files: wide CSV, long CSV and JSON.

:func:`read_responses` reads the files people actually have: exported from a spreadsheet
or an online survey tool, in UTF-8 (with or without a byte order mark), UTF-16 or
Windows-1252 (one encoding throughout), delimited by commas, semicolons or tabs, with
labels ("Clear evidence"), numbers and "don't know" mixed in one column. Everything it
cannot read exactly is an error that names the file, the line and the column as written,
and says what was expected; no row is ever dropped silently. :func:`write_responses`
writes a file that reads back exactly, with every text cell protected against
spreadsheet formula injection.

Layouts
-------
Wide CSV, one row per respondent::

    organisation,about,respondent,unit,wave,q1,q2,q3,...,q10
    Harlow DC,internal,r1,Housing,2026-Q1,3,Some evidence,Don't know,...

Long CSV, one row per answer, recognised by its ``question`` and ``answer`` columns::

    organisation,about,respondent,unit,wave,question,answer
    Harlow DC,internal,r1,Housing,2026-Q1,q1,3

JSON, a list of records (or an object ``{"responses": [...]}``)::

    [{"organisation": "Harlow DC", "about": "internal", "respondent": "r1",
      "unit": "Housing", "wave": "2026-Q1",
      "answers": {"q1": 3, "q2": "Some evidence", "q3": null}}]

A wide CSV file too large to hold can be read in chunks: ``read_responses(path,
chunk_size=10_000)`` reads it a block at a time and yields
:class:`~jointworking.Responses` of at most that many respondents, checked as the whole
read checks them.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import json
import math
import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import IO, Any, Final, cast, overload

import attrs
import numpy as np
import numpy.typing as npt

from jointworking._csvsafe import neutralise, restore
from jointworking.errors import ArgumentError, ResponseFileError
from jointworking.errors import _shown as _shown_value
from jointworking.instrument import MORLEY_2016, Instrument, Scale
from jointworking.responses import (
    _NAMES_ALIKE,
    _WAVES_ALIKE,
    INTERNAL,
    Responses,
    _fold,
    _fold_wave,
    _is_internal,
    _LookAlikes,
    _nfc,
    _shown,
    _text_problem,
)

__all__ = ["read_responses", "write_responses"]

_STREAM: Final = "<stream>"
_FORMATS: Final = ("csv", "json")
_SUFFIXES: Final = {".csv": "csv", ".txt": "csv", ".tsv": "csv", ".json": "json"}
_SPREADSHEETS: Final = frozenset({".xlsx", ".xlsm", ".xls", ".ods", ".numbers"})
_DELIMITERS: Final = ",;\t"
_LABEL_COLUMNS: Final = ("organisation", "about", "respondent", "unit", "wave")
_HEADER_NAMES: Final = {
    "organisation": "organisation",
    "organization": "organisation",
    "about": "about",
    "respondent": "respondent",
    "unit": "unit",
    "wave": "wave",
}
_LONG_COLUMNS: Final = ("question", "answer")
_JSON_FIELDS: Final = ("organisation", "about", "respondent", "unit", "wave", "answers")
_JSON_REQUIRED: Final = ("organisation", "about", "respondent", "answers")
_SEP_LINE: Final = re.compile(r"[ \t]*sep=(.)[ \t]*(?:\r\n|\r|\n|\Z)", re.IGNORECASE)
_SEP_START: Final = re.compile(r"[ \t]*sep=", re.IGNORECASE)
# Tokens of a CSV line, enough to count delimiters outside quotes: a quoted stretch (a
# doubled quote inside one simply closes and reopens it), a run of ordinary text, one
# delimiter, or a line ending.
_HEADER_TOKENS: Final = re.compile(r'"[^"]*"?|[^",;\t\r\n]+|[,;\t]|\r\n?|\n')
_FIRST_CHARACTER: Final = re.compile(r"\s*(\S)")
_NEEDS_QUOTES: Final = re.compile(r'[,"\r\n]')
_BLOCK = 1 << 16
"""How much a chunked read reads at a time: bytes, or characters from a text stream."""
_CACHE_LIMIT: Final = 1 << 12
"""Distinct cells a reader remembers per kind before it starts afresh (bounds memory)."""


class _InvalidError(Exception):
    """A value is not what was expected; the caller adds where it is."""


class _DuplicateKeyError(Exception):
    """A JSON object holds the same key twice."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


# --------------------------------------------------------------------------- reading


@overload
def read_responses(
    source: str | os.PathLike[str] | IO[bytes] | IO[str],
    instrument: Instrument = ...,
    *,
    format: str | None = ...,
    chunk_size: None = ...,
) -> Responses: ...


@overload
def read_responses(
    source: str | os.PathLike[str] | IO[bytes] | IO[str],
    instrument: Instrument = ...,
    *,
    format: str | None = ...,
    chunk_size: int,
) -> Iterator[Responses]: ...


def read_responses(
    source: str | os.PathLike[str] | IO[bytes] | IO[str],
    instrument: Instrument = MORLEY_2016,
    *,
    format: str | None = None,
    chunk_size: int | None = None,
) -> Responses | Iterator[Responses]:
    r"""Read survey responses from a wide CSV, long CSV or JSON file, whole or in chunks.

    Parameters
    ----------
    source : str, os.PathLike or file object
        A path, or a file opened in binary (preferred: the encoding is then detected) or
        text mode. Messages name the path as given, the file object's ``name``, or
        ``"<stream>"``.
    instrument : Instrument, optional
        The instrument answered; :data:`~jointworking.MORLEY_2016` by default. Its scale
        reads the answers and its questions name the columns.
    format : {"csv", "json"}, optional
        By default, from the file's suffix (``.csv``, ``.txt`` and ``.tsv`` are CSV,
        ``.json`` is JSON); for a file object without a name, or a path without a
        suffix, JSON if the first non-blank character is ``[`` or ``{``, else CSV.
    chunk_size : int, optional
        Read a wide CSV file in chunks of at most this many respondents (a whole number,
        1 or more; one beyond ``sys.maxsize`` is no limit) instead of whole; see *Chunks*
        below. JSON and long CSV files cannot be read in chunks.

    Returns
    -------
    Responses or iterator of Responses
        One respondent per data row (wide CSV), per distinct organisation, about, wave
        and respondent (long CSV), or per record (JSON), in the order they first appear.
        With `chunk_size`, an iterator (a generator) of :class:`~jointworking.Responses` holding at
        most `chunk_size` respondents each, in file order; together they hold exactly
        what the whole read returns.

    Raises
    ------
    ResponseFileError
        If the file cannot be read or decoded (or mixes encodings), or anything in it is
        not what was expected. The message names the file, the line (counting the file's lines from
        1, so the header is line 1; for a record spanning several lines, the line it
        starts on) and the column by its header as written, or for JSON the record
        (counting from 1) and the field, and says what was expected. The error's
        ``line`` and ``column`` attributes hold the same (``None`` for JSON records).
        With `chunk_size`, also if the file is JSON or long CSV. Errors in the file are
        raised while iterating, when the chunk they are in is read.
    ArgumentError
        If `source`, `instrument`, `format` or `chunk_size` is not of a usable kind, or
        `chunk_size` is given with ``format="json"``.

    Notes
    -----
    **Text.** A file is read in one encoding throughout: UTF-16 if it starts with its
    byte order mark; otherwise UTF-8 (with or without a byte order mark) or Windows-1252
    (the encoding of older spreadsheet exports). Which of the two is decided by the
    first line that holds anything but ASCII: UTF-8 if that line is valid UTF-8 (or the
    file starts with UTF-8's byte order mark), Windows-1252 if not. A later line that
    disagrees, one that is not valid UTF-8 in a UTF-8 file or one holding UTF-8 text in a
    Windows-1252 file, is an error naming that line and the earlier one: the file mixes
    encodings (rows pasted from another export, say), and read either way some of its
    names would be garbled (``Café`` on one line, ``CafÃ©`` on another, two
    organisations). Save such a file as CSV UTF-8. Lines may end in CRLF, LF or CR.

    **Names.** Organisation, about, respondent, unit and wave cells are trimmed and
    stored in Unicode normalisation form C (NFC), so that ``Café`` typed with a
    precomposed é and with an e and a combining accent is one name. A name holding a
    lone surrogate, a line break, another control character (tab and NUL among them)
    or an invisible formatting character (zero-width space or joiner, word joiner, soft
    hyphen, a byte order mark, bidirectional marks, embeddings, overrides and isolates)
    is an error naming the file, line and column and the character: such text either
    cannot be written at all or shows two different names alike. Organisation names (in
    the organisation and about columns) that differ only in case, spacing or the form of
    their characters (compared after Unicode NFKC and case folding: full-width letters,
    ligatures and no-break spaces count as their plain forms) are an error naming the
    line of each, and so are waves that differ only in case, spacing, punctuation or
    zeros before a number (``2024-1`` and ``2024-01``, ``Q1`` and ``q1``): left alone,
    they would split one organisation, or one wave, in two.

    **CSV.** The delimiter, a comma, semicolon or tab, is the one the header line uses
    most often outside quotes, unless a first line such as ``sep=;`` names it. Headers
    are trimmed and case-insensitive. A file with both a ``question`` and an ``answer``
    column is *long*; otherwise it is *wide*.

    * Wide: required columns ``organisation`` (or ``organization``) and ``about``;
      optional ``respondent``, ``unit`` and ``wave``; and one column per question, headed
      ``q3``, ``3`` or the question's key (``shared_accountability``). A question without
      a column is missing for everyone. Without a ``respondent`` column, each
      respondent's identifier is its line number as text (``"2"`` for the first data
      row).
    * Long: required columns ``organisation``, ``about``, ``respondent``, ``question``
      and ``answer``; optional ``unit`` and ``wave``. A respondent is an organisation,
      about, wave and respondent identifier; its unit must be the same on all its rows
      and it may answer each question once.

    Any other column is an error, as is a row with more or fewer fields than the
    header; a column without a header is ignored only while every cell in it is blank
    (a sheet's stray empty columns). Rows whose cells are all blank, such as the empty
    rows a spreadsheet leaves at the end, are skipped; every other row is read or
    reported. Text cells that :func:`write_responses` protected against formula
    injection (a leading ``'``) are restored. Fields longer than
    :func:`csv.field_size_limit` are an error.

    **Answers.** One rule in every layout (and in :meth:`Responses.from_frame
    <jointworking.Responses.from_frame>`): a number, a label or missing.

    * A number is written with ASCII digits, an optional leading minus and an optional
      decimal part (``3``, ``3.0``, ``-1``, ``2.5``), surrounding spaces ignored; no plus
      sign, leading zeros (``03``), exponent (``1e0``) or other digits (``٣``). It must
      be one of the scale's points. In JSON, a number value (not ``true`` or ``false``)
      is read the same way.
    * A label (``Clear evidence``) or an alias (``clear``) of a point, in any case and
      spacing.
    * Missing: a blank cell, "don't know" or another of the scale's missing words, or
      JSON ``null``. Missing is NaN in the answer matrix, never zero.

    Anything else is an error naming the cell, ``NaN`` and ``Infinity`` included (as
    text, or as JSON's ``NaN`` and ``Infinity``): a missing answer must say it is
    missing.

    **JSON.** Each record holds ``organisation``, ``about``, ``respondent`` (text or a
    whole number) and ``answers`` (an object keyed by question number, ``q3`` or key,
    with a score, label or ``null``), and optionally ``unit`` and ``wave`` (text, a
    whole number or ``null``).

    **Chunks.** With `chunk_size`, a wide CSV file is read incrementally, a block of
    64 KiB at a time, so memory stays bounded by the chunk, not the file: the file, its
    text and its rows are never held whole. A path is opened when iteration starts and
    closed when the iterator is exhausted or closed; a file object is read from its
    current position and left open. Everything above holds, and every error names the
    same file, line and column, with the same message, as the whole read would (the
    encoding is decided line by line in both, and the whole read too reports the first
    problem in the file); but an error is raised only when the iteration reaches its
    chunk, after the chunks before it have been yielded.

    A respondent who answers twice for one organisation, about and wave is refused
    across chunks, naming both lines, as in the whole read. To do so without keeping
    every identifier, the read keeps a 64-bit hash of each respondent's organisation,
    about, wave and identifier, and its line, in numpy arrays: about 16 bytes per
    respondent read so far (an unrelated respondent whose hash collides would be
    reported as a repeat; with 64-bit hashes the chance is about n**2 / 2**65 for n
    respondents). Without a ``respondent`` column, each identifier is its line number,
    so nothing is kept. Each distinct organisation name and wave is kept too, to find
    ones that only look different.

    Examples
    --------
    >>> import io
    >>> survey = io.StringIO(
    ...     "organisation;about;respondent;q1;Q2;shared_accountability\n"
    ...     "Harlow DC;internal;r1;Clear evidence;2;Don't know\n"
    ...     "Harlow DC;Essex CC;r1;strong;;1\n"
    ... )
    >>> responses = read_responses(survey)
    >>> responses.about.tolist()
    ['internal', 'Essex CC']
    >>> responses.answers[:, :4].tolist()
    [[3.0, 2.0, nan, nan], [4.0, nan, 1.0, nan]]
    >>> read_responses(io.StringIO("organisation,about,q1\nHarlow DC,internal,7\n"))
    Traceback (most recent call last):
    ...
    jointworking.errors.ResponseFileError: <stream>: line 2, column 'q1': expected one of ...

    In chunks, here of at most two respondents:

    >>> survey = io.StringIO(
    ...     "organisation,about,respondent,q1\n"
    ...     "Harlow DC,internal,r1,3\nHarlow DC,internal,r2,2\nHarlow DC,Essex CC,r1,4\n"
    ... )
    >>> for chunk in read_responses(survey, chunk_size=2):
    ...     print(chunk.respondent.tolist(), chunk.answers[:, 0].tolist())
    ['r1', 'r2'] [3.0, 2.0]
    ['r1'] [4.0]
    """
    if not isinstance(instrument, Instrument):
        raise ArgumentError(f"instrument: expected an Instrument, got {instrument!r}")
    chosen = _check_format(format)
    if chunk_size is not None:
        return _read_chunks(source, instrument, chosen, _check_chunk_size(chunk_size))
    name, suffix, data = _load(source, chosen)
    text, undecodable = _decode(data, name)
    kind = chosen or _format_of(suffix, name) or _sniff(text)
    if kind == "json":
        if undecodable is not None:
            raise undecodable
        return _read_json(text, name, instrument)
    return _read_csv(text, name, instrument, undecodable)


def _check_format(format: object) -> str | None:
    if format is None:
        return None
    if isinstance(format, str) and format.strip().casefold() in _FORMATS:
        return format.strip().casefold()
    raise ArgumentError(f"format: expected 'csv', 'json' or None, got {format!r}")


def _format_of(suffix: str, name: str) -> str | None:
    """Return the format a suffix names, None for no suffix; refuse any other suffix."""
    if not suffix:
        return None
    if suffix in _SUFFIXES:
        return _SUFFIXES[suffix]
    hint = " (save the sheet as CSV UTF-8)" if suffix in _SPREADSHEETS else ""
    raise ResponseFileError(
        name,
        f"cannot tell the format from the suffix {suffix!r}{hint}; expected .csv, .txt,"
        " .tsv or .json, or pass format='csv' or format='json' (--input-format on the"
        " command line)",
    )


def _sniff(text: str) -> str:
    first = _FIRST_CHARACTER.match(text)
    return "json" if first is not None and first.group(1) in "[{" else "csv"


def _stream_name(stream: object) -> str:
    name = getattr(stream, "name", None)
    return name if isinstance(name, str) and name else _STREAM


def _suffix(name: str) -> str:
    return "" if name == _STREAM else Path(name).suffix.casefold()


def _identify(
    source: str | os.PathLike[str] | IO[bytes] | IO[str],
) -> tuple[str, Callable[..., object] | None]:
    """Return the name for messages, and the file object's ``read`` (None for a path)."""
    if isinstance(source, str | os.PathLike):
        name = os.fsdecode(source)
        if "\n" in name:
            raise ArgumentError(
                "source: expected a path or an open file, got text with line breaks; to read"
                " text, pass io.StringIO(text)"
            )
        return name, None
    read = getattr(source, "read", None)
    if not callable(read):
        raise ArgumentError(f"source: expected a path or an open file, got {type(source).__name__}")
    return _stream_name(source), read


def _cannot_decode(name: str) -> ResponseFileError:
    return ResponseFileError(
        name,
        "cannot be decoded with the encoding the file was opened with; open it in"
        " binary mode ('rb') so that its encoding is detected",
    )


def _load(
    source: str | os.PathLike[str] | IO[bytes] | IO[str], chosen: str | None
) -> tuple[str, str, bytes | str]:
    """Return the name for messages, the suffix and the content (bytes, or text)."""
    name, read = _identify(source)
    suffix = _suffix(name)
    if read is None:
        if chosen is None:
            _format_of(suffix, name)  # refuse an unknown suffix before reading
        try:
            return name, suffix, Path(name).read_bytes()
        except OSError as error:
            raise ResponseFileError(name, f"cannot be read: {error.strerror or error}") from None
    try:
        data = read()
    except UnicodeDecodeError:
        raise _cannot_decode(name) from None
    except OSError as error:
        raise ResponseFileError(name, f"cannot be read: {error}") from None
    if isinstance(data, bytes | bytearray | memoryview):
        return name, suffix, bytes(data)
    if isinstance(data, str):
        return name, suffix, data
    raise ArgumentError(f"source: reading it gave {type(data).__name__}, not bytes or text")


_MIXED: Final = (
    "the file mixes encodings, as when rows saved in another encoding are pasted in; save"
    " the whole file as CSV UTF-8"
)


def _byte_breaks(data: bytes, end: int) -> int:
    """Count the line ends (CRLF, LF or CR) in ``data[:end]``."""
    return data.count(b"\n", 0, end) + data.count(b"\r", 0, end) - data.count(b"\r\n", 0, end)


def _text_breaks(text: str) -> int:
    """Count the line ends (CRLF, LF or CR) in `text`."""
    return text.count("\n") + text.count("\r") - text.count("\r\n")


def _cut(data: bytes | str) -> int:
    """Return where the complete lines of `data` end: after its last line end, or 0.

    A carriage return at the very end is not taken as a line end: a line feed may follow
    it in the next block.
    """
    last = len(data) - 1
    if isinstance(data, str):
        return max(data.rfind("\n"), data.rfind("\r", 0, last)) + 1
    return max(data.rfind(b"\n"), data.rfind(b"\r", 0, last)) + 1


def _line_start(data: bytes, position: int, low: int = 0) -> int:
    """Return where the line holding byte `position` starts (not before `low`)."""
    at = max(data.rfind(b"\n", low, position), data.rfind(b"\r", low, position))
    return at + 1 if at >= 0 else low


_NON_ASCII: Final = re.compile(rb"[\x80-\xff]")
_MULTI_BYTE: Final = re.compile("[^\x00-\x7f\udc80-\udcff]")
"""A character beyond ASCII, in text decoded with ``surrogateescape``: valid UTF-8."""
_ESCAPED: Final = re.compile("[\udc80-\udcff]")
"""A byte that was not UTF-8, in text decoded with ``surrogateescape``."""
_TEXT_BREAK: Final = re.compile("[\r\n]")
_BREAK: Final = re.compile(rb"[\r\n]")


class _Decoder:
    """Decode a file's content, given whole or a block at a time, into text line by line.

    The encoding is found as the file is read. A text stream's text is taken as it is. A
    file that starts with UTF-16's byte order mark is UTF-16. Otherwise the file is
    UTF-8 if it starts with UTF-8's byte order mark, or if its first line holding
    anything but ASCII is valid UTF-8, and Windows-1252 if that line is not; every later
    line must agree. A line that is not valid UTF-8 in a UTF-8 file, or a line (not
    wholly ASCII) that is valid UTF-8 in a Windows-1252 file, means the file mixes
    encodings: an error naming that line, rather than "Café" read as "CafÃ©" on some
    lines.

    :meth:`feed` returns the text of the lines completed so far and keeps the unfinished
    line for the next call, so the text, and any error, are the same however the content
    is split into blocks, and the whole read and the chunked read agree. When the content
    cannot be decoded, `error` is set, the text returned ends with the line before the
    one at fault, and nothing more is returned.
    """

    def __init__(self, name: str) -> None:
        self.name = name
        self.error: ResponseFileError | None = None
        self._mode: str | None = None  # "text", "utf-16" or "bytes", once the start is seen
        self._head: list[bytes] = []  # the first bytes, until a byte order mark can be seen
        self._rest: list[bytes | str] = []  # the unfinished line
        self._line = 1  # the line the unfinished line is on
        self._encoding: str | None = None  # bytes mode: "utf-8" or "cp1252" once known
        self._why = ""  # what decided the encoding, for messages
        self._codec = "utf-16-le"
        self._utf16: codecs.IncrementalDecoder | None = None
        self._fed = 0  # bytes of the file given to the UTF-16 decoder
        self._bom = False  # whether a byte order mark may start the UTF-16 text still

    def feed(self, block: bytes | str, *, final: bool = False) -> str:
        """Return the text of the lines that `block` completes (with `final`, all the rest)."""
        if self.error is not None:
            return ""
        if self._mode is None:
            if isinstance(block, str):
                self._mode = "text"
                block = block.removeprefix("\ufeff")
            else:
                head = block if not self._head else b"".join([*self._head, block])
                if len(head) < len(codecs.BOM_UTF8) and not final:
                    self._head.append(block)
                    return ""
                self._head.clear()
                block = self._start(head)
        if self._mode == "utf-16":
            return self._from_utf16(cast("bytes", block), final)
        return self._complete(block, final)

    def end(self) -> str:
        """Return the text of the last line (which may lack a line end)."""
        return self.feed("" if self._mode == "text" else b"", final=True)

    def _start(self, head: bytes) -> bytes:
        """See how the file starts; return its content after any byte order mark."""
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            self._mode = "utf-16"
            big = head.startswith(codecs.BOM_UTF16_BE)
            self._codec = "utf-16-be" if big else "utf-16-le"
            self._utf16 = codecs.getincrementaldecoder(self._codec)()
            self._fed = len(codecs.BOM_UTF16_LE)
            self._bom = True
            return head[len(codecs.BOM_UTF16_LE) :]
        self._mode = "bytes"
        if head.startswith(codecs.BOM_UTF8):
            self._encoding = "utf-8"
            self._why = "it starts with a UTF-8 byte order mark"
            return head[len(codecs.BOM_UTF8) :]
        return head

    def _fail(self, message: str, line: int) -> None:
        self.error = ResponseFileError(self.name, message, line=line)

    def _complete(self, block: bytes | str, final: bool) -> str:
        """Add `block` to the unfinished line; decode and return the lines completed."""
        if final:
            parts, self._rest = [*self._rest, block], []
        else:
            cut = _cut(block)
            if cut == 0:
                self._rest.append(block)
                return ""
            parts, self._rest = [*self._rest, block[:cut]], [block[cut:]]
        if isinstance(block, str):
            text = "".join(cast("list[str]", parts))
            if not final:
                self._line += _text_breaks(text)
            return text
        data = b"".join(cast("list[bytes]", parts))
        text = self._text_of(data)
        if not final and self.error is None:
            self._line += _byte_breaks(data, len(data))
        return text

    def _text_of(self, data: bytes) -> str:
        """Decode whole lines of UTF-8 or Windows-1252, deciding which on the first line."""
        if self._encoding == "cp1252":
            return self._windows(data, 0)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            start = _line_start(data, error.start)
            before = data[:start]
            line = self._line + _byte_breaks(data, start)
            byte = data[error.start]
            if self._encoding is None and before.isascii():
                self._encoding = "cp1252"
                self._why = (
                    f"line {line} is not UTF-8 (byte 0x{byte:02x}) and was read as Windows-1252"
                )
                return before.decode("ascii") + self._windows(data, start)
            if self._encoding is None:
                self._utf8_from(data)
            self._fail(f"not valid UTF-8 (byte 0x{byte:02x}), though {self._why}: {_MIXED}", line)
            return before.decode("utf-8")
        if self._encoding is None and not text.isascii():
            self._utf8_from(data)
        return text

    def _utf8_from(self, data: bytes) -> None:
        """Decide UTF-8, from the first line of `data` holding anything but ASCII."""
        first = _NON_ASCII.search(data)
        assert first is not None  # called on data that is not all ASCII
        line = self._line + _byte_breaks(data, _line_start(data, first.start()))
        character = data[first.start() : first.start() + 4].decode("utf-8", "ignore")[:1]
        self._encoding = "utf-8"
        self._why = f"line {line} is UTF-8 ({character!r})"

    def _windows(self, data: bytes, start: int) -> str:
        """Decode ``data[start:]`` as Windows-1252, refusing lines that are UTF-8 text."""
        try:
            text = data[start:].decode("cp1252")
            bad = None
        except UnicodeDecodeError as error:
            text, bad = "", start + error.start
        limit = len(data) if bad is None else self._line_end(data, bad)
        begin = self._utf8_line(data, start, limit)
        if begin is not None:
            end = self._line_end(data, begin, limit)
            text = data[begin:end].decode("utf-8")
            character = next(c for c in text if not c.isascii())
            line = self._line + _byte_breaks(data, begin)
            self._fail(f"UTF-8 text ({character!r}), though {self._why}: {_MIXED}", line)
            return data[start:begin].decode("cp1252")
        if bad is not None:
            begin = _line_start(data, bad, start)
            self._fail(
                f"not UTF-8 or Windows-1252 text: byte 0x{data[bad]:02x} cannot be decoded;"
                " save the file as CSV UTF-8",
                self._line + _byte_breaks(data, begin),
            )
            return data[start:begin].decode("cp1252")
        return text

    @staticmethod
    def _utf8_line(data: bytes, start: int, limit: int) -> int | None:
        """Return where the first line of ``data[start:limit]`` that is UTF-8 text starts.

        A line counts if it is valid UTF-8 and not all ASCII. Decoded as UTF-8 with
        ``surrogateescape``, each byte that is not UTF-8 becomes one lone surrogate, so
        when the text is as long as the bytes no character took several bytes: no line
        is UTF-8 text, the common case, found without looking at any line.
        """
        escaped = data[start:limit].decode("utf-8", "surrogateescape")
        if len(escaped) == limit - start:
            return None
        low = 0
        for found in _MULTI_BYTE.finditer(escaped):
            at = found.start()
            if at < low:
                continue
            begin = max(escaped.rfind("\n", low, at), escaped.rfind("\r", low, at)) + 1
            begin = max(begin, low)
            after = _TEXT_BREAK.search(escaped, at)
            end = len(escaped) if after is None else after.start()
            if _ESCAPED.search(escaped, begin, end) is None:
                return start + len(escaped[:begin].encode("utf-8", "surrogateescape"))
            low = end
        return None

    @staticmethod
    def _line_end(data: bytes, position: int, limit: int | None = None) -> int:
        """Return where the line holding byte `position` ends (its line end's first byte)."""
        end = len(data) if limit is None else limit
        found = _BREAK.search(data, position, end)
        return end if found is None else found.start()

    def _from_utf16(self, data: bytes, final: bool) -> str:
        """Decode UTF-16 and return the lines completed."""
        assert self._utf16 is not None  # set with the mode
        try:
            text = self._utf16.decode(data, final)
        except UnicodeDecodeError as error:
            buffered = len(error.object) - len(data)
            before = bytes(error.object[: error.start]).decode(self._codec, "replace")
            done = "".join(cast("list[str]", self._rest)) + before
            self._rest.clear()
            # A carriage return just before the bad bytes ends its line.
            end = max(done.rfind("\n"), done.rfind("\r")) + 1
            self._fail(
                f"not valid UTF-16 text ({error.reason} at byte"
                f" {self._fed - buffered + error.start})",
                self._line + _text_breaks(done),
            )
            return done[:end]
        self._fed += len(data)
        if self._bom and text:
            # A byte order mark after UTF-16's own, as a UTF-8 editor's mark re-encoded.
            text, self._bom = text.removeprefix("\ufeff"), False
        return self._complete(text, final)


def _decode(data: bytes | str, name: str) -> tuple[str, ResponseFileError | None]:
    """Decode a whole file: its text, and the error at the line that cannot be decoded.

    With an error, the text holds the lines before the one at fault, so that problems on
    earlier lines are reported first, as the chunked read reports them.
    """
    if isinstance(data, str):
        return data.removeprefix("\ufeff"), None
    decoder = _Decoder(name)
    text = decoder.feed(data, final=True)
    return text, decoder.error


def _show(value: object, limit: int = 60) -> str:
    """Show a value in a message: its repr, shortened; a container by its kind."""
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _is_whole(value: Any) -> bool:
    """Whether `value` is a whole number (not a boolean): ``7`` or ``7.0``."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    return isinstance(value, int) or value.is_integer()


def _clip(header: str, limit: int = 80) -> str:
    """Shorten a very long header (a file that is not CSV at all) for messages."""
    return header if len(header) <= limit else header[: limit - 3] + "..."


def _show_json(value: object) -> str:
    """Show a JSON value in a message: text and numbers by value, others by kind."""
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        return _show(value)
    return _kind(value)


def _kind(value: object) -> str:
    """Name a JSON value's kind, for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    return "a list" if isinstance(value, list) else "an object"


class _Scores:
    """Read answers on one scale, remembering each distinct answer already read.

    What counts as an answer is :meth:`Scale.parse <jointworking.Scale.parse>`'s rule,
    the same in every layout: a number of the scale (text of ASCII digits, or a JSON
    number), a label, or missing (blank, a missing word, JSON ``null``); NaN and
    infinity, as text or as JSON's ``NaN`` and ``Infinity``, are errors.
    """

    def __init__(self, scale: Scale) -> None:
        self._scale = scale
        # Text and numbers never compare equal, and booleans never get here.
        self._cache: dict[str | float, float] = {}

    def expected(self, got: object) -> str:
        return self._scale._refusal(got, _show(got))

    def cell(self, value: str | float) -> float:
        """Read one CSV cell or JSON text or number; NaN if missing. Raises `_InvalidError`."""
        score = self._cache.get(value)
        if score is None:
            if len(self._cache) >= _CACHE_LIMIT:
                self._cache.clear()
            score = self._cache[value] = self._parse(value)
        return score

    def value(self, value: object) -> float:
        """Read one JSON answer of any kind; NaN if missing. Raises `_InvalidError`."""
        if value is None:
            return math.nan
        if (
            isinstance(value, bool)
            or not isinstance(value, str | int | float)
            or (isinstance(value, float) and math.isnan(value))
        ):
            raise _InvalidError(self.expected(value))
        return self.cell(value)

    def _parse(self, value: str | float) -> float:
        score = self._scale._read(value)
        if score is None:
            raise _InvalidError(self.expected(value))
        return score  # NaN (missing) or the score


# --------------------------------------------------------------------------- CSV


@attrs.frozen
class _Header:
    """Where each column is: labels by canonical name, questions by position."""

    line: int
    width: int
    labels: Mapping[str, tuple[int, str]]
    questions: Mapping[int, tuple[int, str]]
    long: bool
    unnamed: tuple[int, ...]


def _sep_line(text: str, name: str) -> str | None:
    """Return the delimiter a first line such as ``sep=;`` names, or None."""
    sep = _SEP_LINE.match(text)
    if sep is None:
        return None
    delimiter = sep.group(1)
    if delimiter not in _DELIMITERS:
        raise ResponseFileError(
            name,
            f"the 'sep=' line names the delimiter {delimiter!r}; expected ',', ';' or a tab",
            line=1,
        )
    return delimiter


class _DelimiterCount:
    """Count the delimiters of the header line outside quotes, fed its text in pieces.

    The header line is the first with content (text or a quote); a quoted stretch may
    span lines. Feeding the file's text whole, or line by line, gives the same counts.
    """

    def __init__(self) -> None:
        self.counts = dict.fromkeys(_DELIMITERS, 0)
        self.content = False
        self.done = False
        self._quoted = False  # inside a quoted stretch that a piece left open

    def feed(self, text: str) -> bool:
        """Count the delimiters in `text`; return whether the header line has ended."""
        if self.done:
            return True
        start = 0
        if self._quoted:
            close = text.find('"')
            if close < 0:
                return False
            start, self._quoted = close + 1, False
        counts = self.counts
        for match in _HEADER_TOKENS.finditer(text, start):
            token = match.group()
            if token in counts:
                counts[token] += 1
            elif token[0] in "\r\n":
                if self.content:
                    self.done = True
                    return True
                self.counts = counts = dict.fromkeys(_DELIMITERS, 0)
            elif token[0] == '"':
                self.content = True
                # A quote not closed runs to the end of the text: it goes on in the next.
                self._quoted = len(token) == 1 or token[-1] != '"'
            elif not token.isspace():
                self.content = True
        return False

    def delimiter(self) -> str:
        """Return the delimiter used most often (comma, then semicolon, then tab on a tie)."""
        return max(_DELIMITERS, key=lambda d: self.counts[d])


def _delimiter(text: str, name: str) -> tuple[str, bool]:
    """Return the delimiter, and whether line 1 is a ``sep=`` line naming it."""
    delimiter = _sep_line(text, name)
    if delimiter is not None:
        return delimiter, True
    count = _DelimiterCount()
    count.feed(text)
    return count.delimiter(), False


def _csv_problem(error: csv.Error, delimiter: str) -> str:
    text = str(error)
    if "field limit" in text:
        return (
            f"a field is longer than the limit of {csv.field_size_limit()} characters"
            " (csv.field_size_limit)"
        )
    if "unexpected end of data" in text:
        return "a quoted field is not closed: the file ends inside it"
    if "expected after" in text:
        return (
            f"expected the delimiter {delimiter!r} or the end of the line after a closing"
            ' quote (a quote inside a quoted field is written twice: "")'
        )
    return f"not valid CSV: {text}"


def _records(
    lines: Iterable[str], name: str, delimiter: str, sep_line: bool
) -> Iterator[tuple[int, list[str]]]:
    """Yield (line the record starts on, cells) for every record not wholly blank.

    `lines` are the file's lines with their line ends, as ``io.StringIO(text,
    newline="")`` gives them.
    """
    reader = csv.reader(lines, delimiter=delimiter, strict=True)
    while True:
        line = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise ResponseFileError(name, _csv_problem(error, delimiter), line=line) from None
        if sep_line and line == 1:
            continue
        if any(cell.strip() for cell in cells):
            yield line, cells


def _accepted(instrument: Instrument, long: bool) -> str:
    if long:
        return (
            "expected organisation (or organization), about, respondent, unit, wave,"
            " question and answer"
        )
    numbers = ", ".join(f"q{n}" for n in instrument.numbers)
    keys = ", ".join(instrument.keys)
    return (
        "expected organisation (or organization), about, respondent, unit, wave and one"
        f" column per question: {numbers} (or the number alone, or the question's key:"
        f" {keys})"
    )


def _header(cells: Sequence[str], line: int, name: str, instrument: Instrument) -> _Header:
    written = [_clip(cell.strip()) for cell in cells]
    keys = [" ".join(cell.casefold().split()) for cell in written]
    long = all(column in keys for column in _LONG_COLUMNS)
    labels: dict[str, tuple[int, str]] = {}
    questions: dict[int, tuple[int, str]] = {}
    unnamed: list[int] = []
    for i, (key, header) in enumerate(zip(keys, written, strict=True)):
        if not key:
            unnamed.append(i)  # allowed while every cell below it is blank
            continue
        canonical = _HEADER_NAMES.get(key) or (key if long and key in _LONG_COLUMNS else None)
        if canonical is not None:
            if canonical in labels:
                raise ResponseFileError(
                    name,
                    f"a second {canonical} column (the first is {labels[canonical][1]!r});"
                    " expected each column once",
                    line=line,
                    column=header,
                )
            labels[canonical] = (i, header)
            continue
        if key in _LONG_COLUMNS:
            other = "answer" if key == "question" else "question"
            raise ResponseFileError(
                name,
                f"a {key!r} column without an {other!r} column; a long file (one row per"
                " answer) needs both",
                line=line,
                column=header,
            )
        try:
            position = instrument.position(key)
        except ArgumentError:
            raise ResponseFileError(
                name,
                f"unknown column; {_accepted(instrument, long)}",
                line=line,
                column=header,
            ) from None
        if long:
            raise ResponseFileError(
                name,
                "a question column in a long file (one row per answer, with question and"
                f" answer columns); {_accepted(instrument, long)}",
                line=line,
                column=header,
            )
        if position in questions:
            raise ResponseFileError(
                name,
                f"question {instrument.questions[position].number} already has a column,"
                f" {questions[position][1]!r}; expected one column per question",
                line=line,
                column=header,
            )
        questions[position] = (i, header)
    required = ("organisation", "about", "respondent") if long else ("organisation", "about")
    for column in required:
        if column not in labels:
            layout = "long file" if long else "file"
            raise ResponseFileError(
                name,
                f"no {column!r} column; a {layout} needs {', '.join(required)} columns"
                f" (the header has {', '.join(repr(h) for h in written)})",
                line=line,
            )
    if not long and not questions:
        raise ResponseFileError(
            name, f"no question columns; {_accepted(instrument, long)}", line=line
        )
    return _Header(line, len(cells), labels, questions, long, tuple(unnamed))


Key = tuple[str, str, str, str]
"""A respondent: organisation, about, wave, respondent."""


class _Labels:
    """Read and check the label cells of rows, checking each distinct cell once.

    Each label column keeps up to :data:`_CACHE_LIMIT` of its distinct cells with the name
    each gave once cleaned and checked, so that a repeated cell costs one look-up;
    respondent identifiers, nearly all distinct, are cleaned row by row. Each distinct
    organisation name and wave is remembered, to refuse one that only looks different
    from an earlier one.
    """

    def __init__(self, header: _Header, name: str) -> None:
        self._header = header
        self._name = name
        self._names: _LookAlikes[int] = _LookAlikes(_fold)
        self._waves: _LookAlikes[int] = _LookAlikes(_fold_wave)
        first: dict[str, Callable[[str, int], str]] = {
            "organisation": self._organisation,
            "about": self._about,
            "unit": self._clean_unit,
            "wave": self._wave,
        }
        # Per label column present: its position, the check of a new cell, and the cache.
        self._columns = {
            column: (where[0], first[column], cast("dict[str, str]", {}))
            for column, where in header.labels.items()
            if column in first
        }
        respondent = header.labels.get("respondent")
        self._respondent = None if respondent is None else respondent[0]

    def _clean(self, cell: str, line: int, column: str) -> str:
        """Return a label cell trimmed, unprotected and in NFC; refuse what a name cannot hold."""
        text = restore(cell.strip()).strip()
        if text.isascii() and text.isprintable():
            return text
        problem = _text_problem(text)
        if problem is not None:
            raise self.error(line, column, problem)
        return _nfc(text)

    def _organisation(self, cell: str, line: int) -> str:
        organisation = self._clean(cell, line, "organisation")
        if not organisation:
            raise self.error(
                line, "organisation", "expected the responding organisation, got a blank cell"
            )
        if _is_internal(organisation):
            raise self.error(line, "organisation", _RESERVED)
        self._check_name(organisation, line, "organisation")
        return organisation

    def _about(self, cell: str, line: int) -> str:
        about = self._clean(cell, line, "about")
        if not about:
            raise self.error(line, "about", f"{_EXPECTED_ABOUT}, got a blank cell")
        if _is_internal(about):
            return INTERNAL
        self._check_name(about, line, "about")
        return about

    def _clean_unit(self, cell: str, line: int) -> str:
        return self._clean(cell, line, "unit")

    def _wave(self, cell: str, line: int) -> str:
        wave = self._clean(cell, line, "wave")
        if wave:
            other = self._waves.check(wave, line)
            if other is not None:
                first, at = other
                raise self.error(
                    line,
                    "wave",
                    f"waves {_shown(first)} (line {at}) and {_shown(wave)} {_WAVES_ALIKE}",
                )
        return wave

    def _check_name(self, name: str, line: int, column: str) -> None:
        """Refuse a name that only looks different from an earlier one."""
        other = self._names.check(name, line)
        if other is not None:
            first, at = other
            message = f"{_shown(first)} (line {at}) and {_shown(name)} {_NAMES_ALIKE}"
            raise self.error(line, column, message)

    def _label(self, cells: Sequence[str], column: str, line: int) -> str:
        """Return the checked name in a label column (``""`` if the file has no such column)."""
        where = self._columns.get(column)
        if where is None:
            return ""
        index, first, cache = where
        cell = cells[index]
        text = cache.get(cell)
        if text is None:
            if len(cache) >= _CACHE_LIMIT:
                cache.clear()
            text = cache[cell] = first(cell, line)
        return text

    def error(self, line: int, column: str | None, message: str) -> ResponseFileError:
        header = None if column is None else self._header.labels[column][1]
        return ResponseFileError(self._name, message, line=line, column=header)

    def read(self, line: int, cells: Sequence[str]) -> tuple[Key, str]:
        """Return the respondent's key and unit."""
        if len(cells) != self._header.width:
            raise self.error(
                line,
                None,
                f"expected {self._header.width} fields, as in the header (line"
                f" {self._header.line}), got {len(cells)}",
            )
        for i in self._header.unnamed:
            if cells[i].strip():
                raise self.error(
                    line,
                    None,
                    f"column {i + 1} has no header but holds {_show(cells[i])}; give the column"
                    " a header or remove it",
                )
        organisation = self._label(cells, "organisation", line)
        about = self._label(cells, "about", line)
        if about == organisation:
            raise self.error(line, "about", _self_reference(organisation))
        if self._respondent is None:
            respondent = str(line)
        else:
            respondent = self._clean(cells[self._respondent], line, "respondent")
            if not respondent:
                raise self.error(
                    line, "respondent", "expected the respondent's identifier, got a blank cell"
                )
        wave = self._label(cells, "wave", line)
        return (organisation, about, wave, respondent), self._label(cells, "unit", line)


def _who(key: Key) -> str:
    organisation, about, wave, respondent = key
    in_wave = f", wave {wave!r}" if wave else ""
    return f"respondent {respondent!r} of {organisation!r} about {about!r}{in_wave}"


def _unit(unit: str) -> str:
    return f"unit {unit!r}" if unit else "no unit"


def _then_raise(error: ResponseFileError) -> Iterator[str]:
    """Yield nothing, then raise `error`: the lines of a file after the one at fault."""
    raise error
    yield  # pragma: no cover - makes this a generator


def _read_csv(
    text: str, name: str, instrument: Instrument, undecodable: ResponseFileError | None = None
) -> Responses:
    """Read a CSV file's text; `undecodable` is raised when the reading gets past the text."""
    delimiter, sep_line = _delimiter(text, name)
    lines: Iterable[str] = io.StringIO(text, newline="")
    if undecodable is not None:
        lines = itertools.chain(lines, _then_raise(undecodable))
    records = _records(lines, name, delimiter, sep_line)
    header = _first_header(records, name, instrument)
    if header.long:
        keys, units, matrix = _read_long(records, header, name, instrument)
    else:
        keys, units, matrix = _read_wide(records, header, name, instrument)
    if not keys:
        raise _no_rows(name, header)
    return _build(name, keys, units, matrix, instrument)


def _first_header(
    records: Iterator[tuple[int, list[str]]], name: str, instrument: Instrument
) -> _Header:
    first = next(records, None)
    if first is None:
        raise ResponseFileError(
            name, "the file is empty; expected a header row, then one row per respondent"
        )
    return _header(first[1], first[0], name, instrument)


def _no_rows(name: str, header: _Header) -> ResponseFileError:
    return ResponseFileError(
        name, f"no responses: the file has a header (line {header.line}) but no data rows"
    )


class _WideRows:
    """Read the rows of a wide file: each respondent's key, unit and scores."""

    def __init__(self, header: _Header, name: str, instrument: Instrument) -> None:
        self.labels = _Labels(header, name)
        self._name = name
        self._scores = _Scores(instrument.scale)
        self._columns = [where for _, where in sorted(header.questions.items())]
        self._positions = sorted(header.questions)
        self._questions = len(instrument.questions)

    def read(self, line: int, cells: Sequence[str]) -> tuple[Key, str, list[float]]:
        """Check the row on `line` and return its key, unit and scores (by column)."""
        key, unit = self.labels.read(line, cells)
        row: list[float] = []
        for index, column in self._columns:
            try:
                row.append(self._scores.cell(cells[index]))
            except _InvalidError as problem:
                raise ResponseFileError(
                    self._name, str(problem), line=line, column=column
                ) from None
        return key, unit, row

    def repeat(self, key: Key, line: int, first: int) -> ResponseFileError:
        """Return the error for respondent `key` on `line`, already on line `first`."""
        return self.labels.error(
            line, "respondent", f"{_who(key)} answers twice (lines {first} and {line})"
        )

    def matrix(self, rows: Sequence[Sequence[float]]) -> npt.NDArray[np.float64]:
        """Return the answer matrix of `rows`: NaN for questions without a column."""
        matrix = np.full((len(rows), self._questions), np.nan)
        if rows:
            matrix[:, self._positions] = np.array(rows, dtype=np.float64)
        return matrix


def _read_wide(
    records: Iterator[tuple[int, list[str]]], header: _Header, name: str, instrument: Instrument
) -> tuple[list[Key], list[str], npt.NDArray[np.float64]]:
    reader = _WideRows(header, name, instrument)
    seen: dict[Key, int] = {}
    keys: list[Key] = []
    units: list[str] = []
    rows: list[list[float]] = []
    for line, cells in records:
        key, unit, row = reader.read(line, cells)
        if key in seen:
            raise reader.repeat(key, line, seen[key])
        seen[key] = line
        keys.append(key)
        units.append(unit)
        rows.append(row)
    return keys, units, reader.matrix(rows)


@attrs.define
class _Respondent:
    """One respondent of a long file, as its rows are read."""

    line: int
    unit: str
    answers: dict[int, tuple[float, int]] = attrs.field(factory=dict)


def _read_long(
    records: Iterator[tuple[int, list[str]]], header: _Header, name: str, instrument: Instrument
) -> tuple[list[Key], list[str], npt.NDArray[np.float64]]:
    labels = _Labels(header, name)
    scores = _Scores(instrument.scale)
    question_index, question_header = header.labels["question"]
    answer_index, answer_header = header.labels["answer"]
    positions: dict[str, int] = {}
    respondents: dict[Key, _Respondent] = {}
    for line, cells in records:
        key, unit = labels.read(line, cells)
        cell = cells[question_index]
        position = positions.get(cell)
        if position is None:
            try:
                position = positions[cell] = instrument.position(cell.strip())
            except ArgumentError:
                numbers = ", ".join(str(n) for n in instrument.numbers)
                raise ResponseFileError(
                    name,
                    f"expected a question number ({numbers}), the number with a 'q' in"
                    f" front (q1) or a question key, got {_show(cell)}",
                    line=line,
                    column=question_header,
                ) from None
        try:
            score = scores.cell(cells[answer_index])
        except _InvalidError as problem:
            raise ResponseFileError(name, str(problem), line=line, column=answer_header) from None
        respondent = respondents.get(key)
        if respondent is None:
            respondent = respondents[key] = _Respondent(line, unit)
        elif unit != respondent.unit:
            raise labels.error(
                line,
                "unit",
                f"{_who(key)} has {_unit(unit)} here but {_unit(respondent.unit)} on line"
                f" {respondent.line}; expected one unit per respondent",
            )
        if position in respondent.answers:
            number = instrument.questions[position].number
            first = respondent.answers[position][1]
            raise ResponseFileError(
                name,
                f"{_who(key)} answers question {number} twice (lines {first} and {line})",
                line=line,
                column=question_header,
            )
        respondent.answers[position] = (score, line)
    matrix = np.full((len(respondents), len(instrument.questions)), np.nan)
    for row, respondent in enumerate(respondents.values()):
        for position, (score, _) in respondent.answers.items():
            matrix[row, position] = score
    return list(respondents), [r.unit for r in respondents.values()], matrix


def _build(
    name: str,
    keys: Sequence[Key],
    units: Sequence[str],
    matrix: npt.NDArray[np.float64],
    instrument: Instrument,
) -> Responses:
    """Build the responses; any problem not caught row by row still names the file."""
    try:
        return Responses.from_arrays(
            matrix,
            organisation=[k[0] for k in keys],
            about=[k[1] for k in keys],
            wave=[k[2] for k in keys],
            respondent=[k[3] for k in keys],
            unit=list(units),
            instrument=instrument,
        )
    except ArgumentError as error:
        raise ResponseFileError(name, str(error)) from None


# --------------------------------------------------------------------------- chunks


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
        keys: list[Key] = []
        units: list[str] = []
        rows: list[list[float]] = []
        where: list[int] = []
        problem: ResponseFileError | None = None
        try:
            for line, cells in itertools.islice(records, size):
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
            if empty:
                raise _no_rows(name, header)
            return
        empty = False
        yield _build(name, keys, units, reader.matrix(rows), instrument)


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


# --------------------------------------------------------------------------- JSON


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    table: dict[str, Any] = {}
    for key, value in pairs:
        if key in table:
            raise _DuplicateKeyError(key)
        table[key] = value
    return table


def _self_reference(organisation: str) -> str:
    return (
        f"{organisation!r} is about itself; use {INTERNAL!r} for an organisation's view of its"
        " own joint working"
    )


_EXPECTED_ABOUT: Final = f"expected {INTERNAL!r} or the partner or arrangement assessed"
_RESERVED: Final = (
    f"{INTERNAL!r} is reserved for an organisation's view of itself (in the about column);"
    " expected the responding organisation's name"
)


class _JsonRecords:
    """Check JSON records one by one, filling a row of scores for each."""

    def __init__(self, name: str, instrument: Instrument) -> None:
        self._name = name
        self._instrument = instrument
        self._scores = _Scores(instrument.scale)
        self._positions: dict[str, int] = {}
        numbers = ", ".join(str(n) for n in instrument.numbers)
        self._unknown = f"unknown question; expected a number ({numbers}), q1 ... or a key"
        self._names: _LookAlikes[int] = _LookAlikes(_fold)
        self._waves: _LookAlikes[int] = _LookAlikes(_fold_wave)

    def error(self, i: int, field: str | None, message: str) -> ResponseFileError:
        where = f"record {i}" if field is None else f"record {i}, field {field!r}"
        return ResponseFileError(self._name, f"{where}: {message}")

    def _text(self, record: Mapping[str, Any], field: str, i: int, *, whole: bool = False) -> str:
        """Return a text field, trimmed; ``""`` if absent or null. `whole` allows whole numbers.

        Whole numbers (an identifier or wave exported as a number) become text, as
        :class:`~jointworking.Responses` reads them: ``7`` and ``7.0`` are ``"7"``.
        """
        value = record.get(field)
        if value is None:
            return ""
        if whole and _is_whole(value):
            return str(int(value))
        if not isinstance(value, str):
            expected = "text or a whole number" if whole else "text"
            raise self.error(i, field, f"expected {expected}, got {_show_json(value)}")
        text = value.strip()
        if text.isascii() and text.isprintable():
            return text
        problem = _text_problem(text)
        if problem is not None:
            raise self.error(i, field, problem)
        return _nfc(text)

    def _check(self, looks: _LookAlikes[int], name: str, i: int, field: str) -> None:
        """Refuse a name or wave that only looks different from an earlier record's."""
        other = looks.check(name, i)
        if other is not None:
            first, at = other
            both = f"{_shown(first)} (record {at}) and {_shown(name)}"
            end = f"waves {both} {_WAVES_ALIKE}" if field == "wave" else f"{both} {_NAMES_ALIKE}"
            raise self.error(i, field, end)

    def _parties(self, record: Mapping[str, Any], i: int) -> tuple[str, str]:
        """Return record `i`'s organisation and about, checked."""
        organisation = self._text(record, "organisation", i)
        if not organisation:
            raise self.error(i, "organisation", "expected the responding organisation's name")
        if _is_internal(organisation):
            raise self.error(i, "organisation", _RESERVED)
        self._check(self._names, organisation, i, "organisation")
        about = self._text(record, "about", i)
        if not about:
            raise self.error(i, "about", _EXPECTED_ABOUT)
        if _is_internal(about):
            about = INTERNAL
        if about == organisation:
            raise self.error(i, "about", _self_reference(organisation))
        if about != INTERNAL:
            self._check(self._names, about, i, "about")
        return organisation, about

    def read(self, i: int, record: object, row: npt.NDArray[np.float64]) -> tuple[Key, str]:
        """Check record `i`, fill `row` with its scores and return its key and unit."""
        fields = ", ".join(_JSON_FIELDS)
        if not isinstance(record, dict):
            raise self.error(i, None, f"expected an object with {fields}, got {_kind(record)}")
        for field in record:
            if field not in _JSON_FIELDS:
                raise self.error(i, field, f"unknown field; expected {fields}")
        for field in _JSON_REQUIRED:
            if field not in record:
                raise self.error(i, field, f"missing; expected {fields}")
        organisation, about = self._parties(record, i)
        respondent = self._text(record, "respondent", i, whole=True)
        if not respondent:
            raise self.error(i, "respondent", "expected the respondent's identifier")
        wave = self._text(record, "wave", i, whole=True)
        if wave:
            self._check(self._waves, wave, i, "wave")
        self._answers(i, record["answers"], row)
        return (organisation, about, wave, respondent), self._text(record, "unit", i, whole=True)

    def _answers(self, i: int, answers: object, row: npt.NDArray[np.float64]) -> None:
        if not isinstance(answers, dict):
            raise self.error(
                i, "answers", f"expected an object keyed by question, got {_kind(answers)}"
            )
        answered: dict[int, str] = {}
        for ref, value in answers.items():
            field = f"answers.{ref}"
            position = self._positions.get(ref)
            if position is None:
                try:
                    position = self._positions[ref] = self._instrument.position(ref)
                except ArgumentError:
                    raise self.error(i, field, self._unknown) from None
            if position in answered:
                number = self._instrument.questions[position].number
                raise self.error(
                    i,
                    field,
                    f"question {number} is answered twice (also as {answered[position]!r})",
                )
            answered[position] = ref
            try:
                row[position] = self._scores.value(value)
            except _InvalidError as problem:
                raise self.error(i, field, str(problem)) from None


def _read_json(text: str, name: str, instrument: Instrument) -> Responses:
    try:
        data = json.loads(text, object_pairs_hook=_unique_keys)
    except json.JSONDecodeError as error:
        raise ResponseFileError(
            name, f"not valid JSON: {error.msg} (column {error.colno})", line=error.lineno
        ) from None
    except _DuplicateKeyError as duplicate:
        raise ResponseFileError(
            name, f"an object has the key {duplicate.key!r} twice; expected each key once"
        ) from None
    except RecursionError:
        raise ResponseFileError(name, "not valid JSON: nested too deeply") from None
    except ValueError as error:
        raise ResponseFileError(name, f"not valid JSON: {error}") from None
    expected = 'expected a list of response records, or an object {"responses": [...]}'
    if isinstance(data, dict):
        if set(data) != {"responses"}:
            fields = ", ".join(repr(k) for k in data) or "none"
            raise ResponseFileError(name, f"{expected}; the object's fields are {fields}")
        data = data["responses"]
    if not isinstance(data, list):
        raise ResponseFileError(name, f"{expected}, got {_kind(data)}")
    if not data:
        raise ResponseFileError(name, "no responses: the list of records is empty")
    reader = _JsonRecords(name, instrument)
    seen: dict[Key, int] = {}
    keys: list[Key] = []
    units: list[str] = []
    matrix = np.full((len(data), len(instrument.questions)), np.nan)
    for i, record in enumerate(data, 1):
        key, unit = reader.read(i, record, matrix[i - 1])
        if key in seen:
            raise reader.error(
                i, "respondent", f"{_who(key)} answers twice (records {seen[key]} and {i})"
            )
        seen[key] = i
        keys.append(key)
        units.append(unit)
    return _build(name, keys, units, matrix, instrument)


# --------------------------------------------------------------------------- writing


def write_responses(
    responses: Responses,
    target: str | os.PathLike[str] | IO[str] | IO[bytes],
    *,
    format: str | None = None,
) -> None:
    r"""Write responses as a wide CSV or a JSON file that :func:`read_responses` reads back.

    Parameters
    ----------
    responses : Responses
    target : str, os.PathLike or file object
        A path (overwritten), or an open file: text (opened with ``newline=""`` so that
        line endings are kept as written) or binary (UTF-8 is written).
    format : {"csv", "json"}, optional
        By default, from the suffix of the path or the file object's name (``.csv``,
        ``.txt``, ``.tsv`` or ``.json``); CSV when there is no suffix.

    Raises
    ------
    ResponseFileError
        If the file cannot be written, or its suffix names no format.
    ArgumentError
        If `responses`, `target` or `format` is not of a usable kind.

    Notes
    -----
    CSV: UTF-8 without a byte order mark, ``\n`` line endings, header
    ``organisation,about,respondent,unit,wave,q1,...`` (question numbers of the
    instrument), whole scores written as ``3``, missing as a blank cell. Text cells that
    a spreadsheet would run as a formula (``=...``, ``+...``, ``-...``, ``@...``) get a
    leading ``'``, which :func:`read_responses` removes again.

    JSON: UTF-8, a list of records, one per line, with ``organisation``, ``about``,
    ``respondent``, ``unit`` and ``wave`` (``null`` where not given) and ``answers``
    keyed ``"q1"``, ... (whole scores as integers, ``null`` for missing). Names are
    written as they are: JSON is not opened by spreadsheets.

    Examples
    --------
    >>> import io
    >>> responses = Responses.from_arrays(
    ...     [[3, 2, None, 1, 1, 3, 2, 2, 1, 0]], organisation="=Harlow", about="internal"
    ... )
    >>> out = io.StringIO()
    >>> write_responses(responses, out)
    >>> print(out.getvalue(), end="")
    organisation,about,respondent,unit,wave,q1,q2,q3,q4,q5,q6,q7,q8,q9,q10
    '=Harlow,internal,1,,,3,2,,1,1,3,2,2,1,0
    >>> read_responses(io.StringIO(out.getvalue())).organisation.tolist()
    ['=Harlow']
    """
    if not isinstance(responses, Responses):
        raise ArgumentError(f"responses: expected Responses, got {type(responses).__name__}")
    chosen = _check_format(format)
    if isinstance(target, str | os.PathLike):
        name = os.fsdecode(target)
        kind = chosen or _format_of(_suffix(name), name) or "csv"
        data = _encode(_render(responses, kind), name)
        from jointworking._files import atomic_write  # noqa: PLC0415 - only when writing

        try:
            # Atomically: a failed write leaves the previous file as it was.
            atomic_write(name, lambda stream: stream.write(data), binary=True)
        except OSError as error:
            raise ResponseFileError(name, f"cannot be written: {error.strerror or error}") from None
        return
    if not callable(getattr(target, "write", None)):
        raise ArgumentError(f"target: expected a path or an open file, got {type(target).__name__}")
    name = _stream_name(target)
    kind = chosen or _format_of(_suffix(name), name) or "csv"
    text = _render(responses, kind)
    try:
        if isinstance(target, io.RawIOBase | io.BufferedIOBase) or "b" in str(
            getattr(target, "mode", "")
        ):
            cast("IO[bytes]", target).write(_encode(text, name))
        else:
            cast("IO[str]", target).write(text)
    except UnicodeEncodeError as error:
        raise ResponseFileError(
            name,
            f"cannot be written in the file's encoding ({error.encoding}); open it with"
            " encoding='utf-8'",
        ) from None
    except OSError as error:
        raise ResponseFileError(name, f"cannot be written: {error}") from None


def _encode(text: str, name: str) -> bytes:
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError as error:
        raise ResponseFileError(
            name,
            f"cannot be written as UTF-8: a name holds {_show(error.object[error.start])},"
            " a lone surrogate",
        ) from None


def _render(responses: Responses, kind: str) -> str:
    return _json(responses) if kind == "json" else _csv(responses)


def _score_text(score: float) -> str:
    if math.isnan(score):
        return ""
    return str(int(score)) if score.is_integer() else repr(score)


def _json_score(score: float) -> int | float | None:
    if math.isnan(score):
        return None
    return int(score) if score.is_integer() else score


def _quote(cell: str) -> str:
    # csv.writer leaves a lone CR unquoted when lines end in LF, so quote by hand.
    return f'"{cell.replace(chr(34), chr(34) * 2)}"' if _NEEDS_QUOTES.search(cell) else cell


def _csv(responses: Responses) -> str:
    numbers = responses.instrument.numbers
    columns = [getattr(responses, column).tolist() for column in _LABEL_COLUMNS]
    cache: dict[str, str] = {}

    def cell(text: str) -> str:
        safe = cache.get(text)
        if safe is None:
            safe = cache[text] = _quote(neutralise(text))
        return safe

    lines = [",".join([*_LABEL_COLUMNS, *(f"q{n}" for n in numbers)])]
    for labels, scores in zip(zip(*columns, strict=True), responses.answers.tolist(), strict=True):
        lines.append(",".join([*map(cell, labels), *map(_score_text, scores)]))
    return "\n".join(lines) + "\n"


def _json(responses: Responses) -> str:
    numbers = responses.instrument.numbers
    columns = [getattr(responses, column).tolist() for column in _LABEL_COLUMNS]
    records = [
        {
            "organisation": organisation,
            "about": about,
            "respondent": respondent,
            "unit": unit or None,
            "wave": wave or None,
            "answers": {f"q{n}": _json_score(s) for n, s in zip(numbers, scores, strict=True)},
        }
        for (organisation, about, respondent, unit, wave), scores in zip(
            zip(*columns, strict=True), responses.answers.tolist(), strict=True
        )
    ]
    # One record per line: readable, and json's fast encoder does not indent.
    lines = ",\n".join(json.dumps(record, ensure_ascii=False) for record in records)
    return f"[\n{lines}\n]\n"
