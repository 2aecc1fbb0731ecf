"""Building responses from a wide file's columns at once, for the fast readers.

The exact reader (:mod:`._wide`) reads a wide CSV file row by row and cell by cell, so
that the first problem in the file is named by its line and column. The fast readers
(:mod:`._fast`, and :mod:`._arrow` with pyarrow) instead hand over the file's columns a
block of rows at a time, each column as its distinct cells and each row's index into
them; :class:`WideColumns` checks and reads each distinct cell once, by the same rules,
and builds the same :class:`~jointworking.Responses`.

It never reports a problem itself: at the first thing that is not plainly right (a cell
that is not an answer, a name that cannot be one, a blank row that is not wholly blank,
two names alike, a respondent twice) it raises :class:`GiveUp`, and the caller reads
the file again with the exact reader, which names the line, the column and the problem
exactly as it always has. So a fast path can change how long a read takes, never what
it returns or what error it raises.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt

from jointworking import _codes
from jointworking._csvsafe import restore
from jointworking._readers._csv import _Header
from jointworking.errors import ArgumentError
from jointworking.instrument import Instrument
from jointworking.responses import (
    INTERNAL,
    Responses,
    _Coded,
    _is_internal,
    _nfc,
    _text_problem,
)

IntArray = npt.NDArray[np.intp]
_BLANK = -1
"""The code of a blank organisation cell (a blank row, or a problem)."""


class GiveUp(Exception):  # noqa: N818 - not an error: the exact reader takes over
    """The fast path cannot read this file exactly as the exact reader would."""


T = TypeVar("T")


class Column:
    """One column of a block of rows: its cells as they are, or coded.

    Coded, a column is its distinct cells and each row's index into them, as pyarrow's
    dictionary encoding gives it; as it is, a list of the cells, as Python's CSV module
    gives them, and nothing is computed per cell until a table look-up maps them.
    """

    def __init__(
        self,
        cells: Sequence[str] | None = None,
        *,
        uniques: Sequence[str] = (),
        codes: IntArray | None = None,
    ) -> None:
        self._cells = cells
        self._uniques = uniques
        self._codes = codes

    def _coded(self) -> tuple[Sequence[str], IntArray]:
        if self._codes is None:
            uniques, codes = _codes.factorize(list(self._cells or ()))
            self._uniques, self._codes = [str(u) for u in uniques], codes
        return self._uniques, self._codes

    def through(
        self, table: dict[str, T], dtype: type[np.generic], fill: Callable[[str], T]
    ) -> npt.NDArray[Any]:
        """Return each row's value in `table`, filling it first for cells not yet in it."""
        if self._cells is not None:
            cells = self._cells
            try:
                return np.fromiter(map(table.__getitem__, cells), dtype, len(cells))
            except KeyError:
                for raw in dict.fromkeys(cells):
                    if raw not in table:
                        table[raw] = fill(raw)
                return np.fromiter(map(table.__getitem__, cells), dtype, len(cells))
        uniques, codes = self._coded()
        for raw in uniques:
            if raw not in table:
                table[raw] = fill(raw)
        lut = np.fromiter(map(table.__getitem__, uniques), dtype, len(uniques))
        return lut[codes]

    def blank(self) -> npt.NDArray[np.bool_]:
        """Return whether each row's cell is blank (empty or white space)."""
        uniques, codes = self._coded()
        is_blank = np.array([not cell.strip() for cell in uniques], dtype=np.bool_)
        return is_blank[codes] if uniques else np.ones(codes.size, dtype=np.bool_)

    def texts(self) -> list[str]:
        """Return the cells, one per row."""
        if self._cells is not None:
            return list(self._cells)
        uniques, codes = self._coded()
        table = np.empty(len(uniques), dtype=object)
        table[:] = list(uniques)
        return list(table[codes].tolist())


def _clean(cell: str) -> str:
    """Clean a label cell as the exact reader does; give up on text a name cannot hold."""
    text = restore(cell.strip()).strip()
    if text.isascii() and text.isprintable():
        return text
    if _text_problem(text) is not None:
        raise GiveUp
    return _nfc(text)


class _Names:
    """A label column's names so far: raw cell to code, and the names in code order."""

    def __init__(self, read: type[_Label]) -> None:
        self._read = read
        self._codes: dict[str, int] = {}
        self.names: list[str] = []
        self._positions: dict[str, int] = {}

    def lookup(self, column: Column) -> IntArray:
        """Return each row's name code; read each new distinct cell once."""
        return column.through(self._codes, np.intp, self._code)

    def _code(self, raw: str) -> int:
        name = self._read.name(raw)
        if name is None:
            return _BLANK
        code = self._positions.setdefault(name, len(self.names))
        if code == len(self.names):
            self.names.append(name)
        return code


class _Label:
    """How one label column's cells become names (None: blank, a blank row's mark)."""

    @staticmethod
    def name(raw: str) -> str | None:
        return _clean(raw)


class _Organisation(_Label):
    @staticmethod
    def name(raw: str) -> str | None:
        name = _clean(raw)
        if not name:
            return None
        if _is_internal(name):
            raise GiveUp
        return name


class _About(_Label):
    @staticmethod
    def name(raw: str) -> str | None:
        name = _clean(raw)
        if not name:
            return None
        return INTERNAL if _is_internal(name) else name


def _identifiers(cells: Sequence[str]) -> list[str]:
    """Return respondent identifiers cleaned; give up on a blank one or a bad one."""
    texts = list(cells)
    if _codes.plain(texts):
        joined = "\n".join(texts)
        if not joined.startswith("'") and "\n'" not in joined:
            return texts
    cleaned = [_clean(cell) for cell in texts]
    if not all(cleaned):
        raise GiveUp
    return cleaned


class WideColumns:
    """Gather a wide file's columns, a block of rows at a time, into responses.

    Parameters
    ----------
    header : _Header
        The file's header, read by the exact reader.
    instrument : Instrument
        The instrument answered.
    """

    def __init__(self, header: _Header, instrument: Instrument, capacity: int = 0) -> None:
        self._header = header
        self._instrument = instrument
        labels = header.labels
        self._where = {column: where[0] for column, where in labels.items()}
        self._names = {
            "organisation": _Names(_Organisation),
            "about": _Names(_About),
            "unit": _Names(_Label),
            "wave": _Names(_Label),
        }
        self._questions = sorted(header.questions.items())
        self._scores: dict[str, float] = {}
        self.reset(capacity)

    def reset(self, capacity: int = 0) -> None:
        """Start afresh for the next responses, keeping the cells already read."""
        self._codes: dict[str, list[IntArray]] = {column: [] for column in self._names}
        self._respondents: list[str] = []
        # The answers go straight into the matrix the responses will hold, made as large
        # as the caller expects (the file's line count, say), so that no second copy of
        # them is ever needed; it grows if the rows outnumber that.
        self._matrix = np.empty((capacity, len(self._instrument.questions)), order="F")
        self._rows = 0

    @property
    def width(self) -> int:
        """How many columns the file has (as its header)."""
        return self._header.width

    def add(
        self,
        columns: Sequence[Column],
        lines: IntArray,
        respondents: Sequence[str] | None = None,
    ) -> None:
        """Add a block of rows: one column per header column, and each row's line.

        `respondents` are the respondent column's cells, when the caller has them as a
        list (the respondent column of `columns` is then not read).
        """
        header = self._header
        blank_rows: npt.NDArray[np.bool_] | None = None
        codes: dict[str, IntArray] = {}
        for column, names in self._names.items():
            where = self._where.get(column)
            if where is None:
                codes[column] = np.zeros(lines.size, dtype=np.intp)
                continue
            codes[column] = names.lookup(columns[where])
        blank = codes["organisation"] == _BLANK
        if blank.any():
            blank_rows = self._blank_rows(columns, blank, respondents)
        no_about = codes["about"] == _BLANK
        if no_about.any() and (blank_rows is None or (no_about & ~blank_rows).any()):
            raise GiveUp
        for i in header.unnamed:
            held = ~columns[i].blank()
            if blank_rows is not None:
                held &= ~blank_rows
            if held.any():
                raise GiveUp
        keep = None if blank_rows is None else ~blank_rows
        for column, code in codes.items():
            self._codes[column].append(code if keep is None else code[keep])
        self._add_respondents(columns, lines, respondents, keep)
        self._add_answers(columns, lines.size if keep is None else int(keep.sum()), keep)

    def _add_respondents(
        self,
        columns: Sequence[Column],
        lines: IntArray,
        respondents: Sequence[str] | None,
        keep: npt.NDArray[np.bool_] | None,
    ) -> None:
        where = self._where.get("respondent")
        if where is None:  # each respondent's identifier is its line number
            kept = lines if keep is None else lines[keep]
            self._respondents.extend(map(str, kept.tolist()))
            return
        cells = respondents if respondents is not None else columns[where].texts()
        if keep is not None:
            cells = [cell for cell, k in zip(cells, keep.tolist(), strict=True) if k]
        self._respondents.extend(_identifiers(cells))

    def _add_answers(
        self, columns: Sequence[Column], n: int, keep: npt.NDArray[np.bool_] | None
    ) -> None:
        start, stop = self._rows, self._rows + n
        if stop > self._matrix.shape[0]:
            size = (max(stop, 2 * self._matrix.shape[0]), self._matrix.shape[1])
            grown = np.empty(size, order="F")
            grown[:start] = self._matrix[:start]
            self._matrix = grown
        for position, (where, _) in self._questions:
            read = columns[where].through(self._scores, np.float64, self._score)
            self._matrix[start:stop, position] = read if keep is None else read[keep]
        self._rows = stop

    def _score(self, raw: str) -> float:
        score = self._instrument.scale._read(raw)
        if score is None:
            raise GiveUp
        return score

    def _blank_rows(
        self,
        columns: Sequence[Column],
        blank: npt.NDArray[np.bool_],
        respondents: Sequence[str] | None,
    ) -> npt.NDArray[np.bool_]:
        """Return the rows wholly blank (skipped); give up if a blank organisation is not."""
        every = blank.copy()
        where_respondent = self._where.get("respondent")
        for i, column in enumerate(columns):
            if respondents is not None and i == where_respondent:
                continue
            every &= column.blank()
        if respondents is not None:
            for row in np.flatnonzero(every).tolist():
                if respondents[row].strip():
                    every[row] = False
        if (blank & ~every).any():
            raise GiveUp
        return every

    def responses(self) -> Responses:
        """Return the responses read; give up if there are none or they are not valid."""
        if not self._rows:
            raise GiveUp
        n, instrument = self._rows, self._instrument
        matrix = self._matrix if n == self._matrix.shape[0] else np.asfortranarray(self._matrix[:n])
        self._matrix = np.empty((0, 0))
        present = {position for position, _ in self._questions}
        for position in range(len(instrument.questions)):
            if position not in present:
                matrix[:, position] = np.nan  # a question without a column: missing for all
        matrix.flags.writeable = False
        coded: dict[str, _Coded] = {}
        for column, names in self._names.items():
            blocks = self._codes[column]
            codes = np.concatenate(blocks) if len(blocks) > 1 else blocks[0]
            blocks.clear()
            listed = names.names if column in self._where else [""]
            if len(listed) > 1:
                # Only the names these rows use (after a reset, earlier rows used others).
                used = np.flatnonzero(np.bincount(codes, minlength=len(listed)))
                if used.size < len(listed):
                    lut = np.zeros(len(listed), dtype=np.intp)
                    lut[used] = np.arange(used.size, dtype=np.intp)
                    codes = lut[codes]
                    listed = [listed[i] for i in used.tolist()]
            table = np.empty(len(listed), dtype=object)
            table[:] = listed
            labels = table[codes]
            labels.flags.writeable = False
            coded[column] = _Coded(labels, list(listed), codes)
        respondent = np.empty(n, dtype=object)
        respondent[:] = self._respondents
        self._respondents = []
        respondent.flags.writeable = False
        try:
            return Responses(
                instrument=instrument,
                answers=matrix,
                organisation=coded["organisation"].labels,
                about=coded["about"].labels,
                respondent=respondent,
                unit=coded["unit"].labels,
                wave=coded["wave"].labels,
                _coded=(coded["organisation"], coded["about"], coded["wave"], coded["unit"]),
            )
        except ArgumentError:
            raise GiveUp from None
