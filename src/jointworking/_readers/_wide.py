"""Reading a wide CSV file, one row per respondent, row by row (the exact path)."""

from __future__ import annotations

import io
import itertools
from collections.abc import Iterable, Iterator, Sequence

import numpy as np
import numpy.typing as npt

from jointworking._readers import _route
from jointworking._readers._cells import _build, _Scores
from jointworking._readers._constants import Key, _InvalidError
from jointworking._readers._csv import _delimiter, _Header, _header, _records
from jointworking._readers._labels import _Labels, _then_raise, _who
from jointworking._readers._long import _read_long
from jointworking.errors import ResponseFileError
from jointworking.instrument import Instrument
from jointworking.responses import (
    Responses,
)


def _read_csv(
    text: str, name: str, instrument: Instrument, undecodable: ResponseFileError | None = None
) -> Responses:
    """Read a CSV file's text; `undecodable` is raised when the reading gets past the text."""
    if undecodable is None:
        fast = _route.from_text(text, name, instrument)
        if fast is not None:
            return fast
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
