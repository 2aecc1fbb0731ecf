"""Reading one cell: answers on the instrument's scale, and values shown in messages."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from jointworking._readers._constants import _CACHE_LIMIT, Key, _InvalidError
from jointworking.errors import ArgumentError, ResponseFileError
from jointworking.instrument import Instrument, Scale
from jointworking.responses import (
    Responses,
)


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
