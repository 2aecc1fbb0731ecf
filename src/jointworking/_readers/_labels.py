"""Reading the label cells of a row: organisation, about, respondent, unit and wave."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator, Sequence
from typing import Final, cast

import numpy as np
import numpy.typing as npt

from jointworking._csvsafe import restore
from jointworking._readers._cells import _show
from jointworking._readers._constants import _CACHE_LIMIT, Key
from jointworking._readers._csv import _Header
from jointworking.errors import ResponseFileError
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

    def remembering(
        self, chunk: Responses, lines: npt.NDArray[np.intp]
    ) -> tuple[_LookAlikes[int], _LookAlikes[int]] | None:
        """Return the names and waves remembered once `chunk` is read, or None.

        None if one of the chunk's organisation names or waves only looks like one read
        before it. Nothing is changed: :meth:`remember` keeps what this returns. Each new
        name is remembered at the line it first appears on, in line order, as reading the
        chunk's rows one by one would remember it.
        """
        index = chunk._index
        first = np.full(len(index.names), lines.size, dtype=np.intp)
        rows = np.arange(lines.size, dtype=np.intp)
        np.minimum.at(first, index.organisation, rows)
        np.minimum.at(first, index.about, rows)
        names = copy.deepcopy(self._names)
        for code in np.argsort(first, kind="stable").tolist():
            name = index.names[code]
            if name == INTERNAL or first[code] == lines.size:
                continue
            if names.check(name, int(lines[first[code]])) is not None:
                return None
        first_wave = np.full(len(index.waves), lines.size, dtype=np.intp)
        np.minimum.at(first_wave, index.wave, rows)
        waves = copy.deepcopy(self._waves)
        for code in np.argsort(first_wave, kind="stable").tolist():
            wave = index.waves[code]
            if wave and waves.check(wave, int(lines[first_wave[code]])) is not None:
                return None
        return names, waves

    def remember(self, remembered: tuple[_LookAlikes[int], _LookAlikes[int]]) -> None:
        """Keep the names and waves :meth:`remembering` returned."""
        self._names, self._waves = remembered

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
