"""The CSV dialect and header of a survey file: delimiter, records, columns."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Mapping, Sequence

import attrs

from jointworking._readers._cells import _clip
from jointworking._readers._constants import (
    _DELIMITERS,
    _HEADER_NAMES,
    _HEADER_TOKENS,
    _LONG_COLUMNS,
    _SEP_LINE,
)
from jointworking.errors import ArgumentError, ResponseFileError
from jointworking.instrument import Instrument


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
        if "".join(cells).strip():  # not wholly blank (one join, not a test per cell)
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
