"""Reading a JSON survey file: a list of records."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import numpy as np
import numpy.typing as npt

from jointworking._readers._cells import _build, _is_whole, _kind, _Scores, _show_json
from jointworking._readers._constants import (
    _JSON_FIELDS,
    _JSON_REQUIRED,
    Key,
    _DuplicateKeyError,
    _InvalidError,
)
from jointworking._readers._labels import _EXPECTED_ABOUT, _RESERVED, _self_reference, _who
from jointworking.errors import ArgumentError, ResponseFileError
from jointworking.instrument import Instrument
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


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    table: dict[str, Any] = {}
    for key, value in pairs:
        if key in table:
            raise _DuplicateKeyError(key)
        table[key] = value
    return table


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
