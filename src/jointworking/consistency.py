"""Do the questions hang together on this survey? The internal consistency of each rung.

The ladder reads the collaboration questions as one scale and the partnership questions
as another. Whether they behave as scales on *your* respondents is the first thing a
reviewer of any instrument asks. :attr:`Assessment.reliability
<jointworking.Assessment.reliability>` answers it with Cronbach's alpha and McDonald's
omega total (:mod:`jointworking.reliability`) for the questions of each rung and for all
of them, over every response of the survey, and per organisation where it has enough
responses.

Examples
--------
>>> import jointworking as jw
>>> result = jw.assess(jw.load_example().responses)
>>> partnership = result.reliability.survey[1]
>>> partnership.scale, partnership.questions
('partnership', (3, 4, 5, 7, 8, 9, 10))
>>> partnership.reading
'the partnership questions hang together well: alpha 0.90'
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from types import MappingProxyType
from typing import Final, Literal, TypeAlias

import attrs
import numpy as np
import numpy.typing as npt

from jointworking._reliability_batch import reliabilities
from jointworking.errors import ArgumentError
from jointworking.instrument import Instrument
from jointworking.reliability import Alpha, Omega, cronbach_alpha, omega_total
from jointworking.rung import Rung

__all__ = ["MIN_RESPONSES", "Reliability", "ScaleName", "ScaleReliability"]

FloatArray: TypeAlias = npt.NDArray[np.float64]
IntArray: TypeAlias = npt.NDArray[np.intp]

ScaleName: TypeAlias = Literal["collaboration", "partnership", "all"]
"""A set of questions read as one scale: a rung's questions, or all of them."""

MIN_RESPONSES: Final = 30
"""Responses a set needs for its alpha and omega to be reported: with fewer, a
correlation between two questions moves by more than 0.3 from one sample to the next
(its standard error is about 1/sqrt(n)), and so do the figures built on them."""

_READINGS: Final = (
    (0.8, "hang together well"),
    (0.7, "hang together acceptably"),
    (0.6, "hang together only loosely"),
    (-math.inf, "do not hang together as one scale"),
)


@attrs.frozen
class ScaleReliability:
    """The internal consistency of one set of questions on the survey's own answers.

    Attributes
    ----------
    scale : {"collaboration", "partnership", "all"}
        Which questions: a rung's, or all of them.
    questions : tuple of int
        Their numbers.
    responses : int
        The responses they were computed over.
    alpha : Alpha or None
        Cronbach's alpha and its companions (:func:`~jointworking.reliability.cronbach_alpha`),
        or None where not meaningful (see `note`).
    omega : Omega or None
        McDonald's omega total (:func:`~jointworking.reliability.omega_total`), or None.
    note : str
        Why a figure is missing: too few responses, fewer than two questions, or
        questions that do not vary. ``""`` when both are there.
    """

    scale: ScaleName
    questions: tuple[int, ...]
    responses: int
    alpha: Alpha | None
    omega: Omega | None
    note: str = ""

    @property
    def reading(self) -> str:
        """A plain reading: ``"the partnership questions hang together well: alpha 0.86"``.

        The words follow the usual conventions for alpha (0.8 and above well, 0.7
        acceptably, 0.6 loosely; Nunnally, 1978; George and Mallery, 2003).
        """
        which = "all the questions" if self.scale == "all" else f"the {self.scale} questions"
        if self.alpha is None or math.isnan(self.alpha.raw):
            return f"{which}: not measured ({self.note or 'not enough answers'})"
        words = next(text for limit, text in _READINGS if self.alpha.raw >= limit)
        return f"{which} {words}: alpha {self.alpha.raw:.2f}"


@attrs.frozen
class Reliability:
    """The internal consistency of each rung's questions, and of all ten.

    Attributes
    ----------
    survey : tuple of ScaleReliability
        Over every response of the survey: collaboration, partnership, all.
    organisations : mapping of str to tuple of ScaleReliability
        The same, over each organisation's responses, for the organisations with at
        least `min_responses` of them.
    min_responses : int
        :data:`MIN_RESPONSES`: fewer responses and the figures are not reported.
    """

    survey: tuple[ScaleReliability, ...]
    organisations: Mapping[str, tuple[ScaleReliability, ...]] = attrs.field(repr=False)
    min_responses: int = MIN_RESPONSES


def _scales(instrument: Instrument) -> list[tuple[ScaleName, npt.NDArray[np.intp]]]:
    codes = instrument._rung_codes()
    return [
        ("collaboration", np.flatnonzero(codes == Rung.COLLABORATION)),
        ("partnership", np.flatnonzero(codes == Rung.PARTNERSHIP)),
        ("all", np.arange(codes.size)),
    ]


def _one(
    scale: ScaleName,
    answers: npt.NDArray[np.float64],
    columns: npt.NDArray[np.intp],
    numbers: tuple[int, ...],
) -> ScaleReliability:
    """One set's figures over the responses `answers`, by the functions themselves."""
    questions = tuple(numbers[j] for j in columns.tolist())
    x = answers[:, columns]
    # Only responses with an answer to at least one of the questions count.
    x = x[~np.isnan(x).all(axis=1)]
    n = int(x.shape[0])
    if columns.size < 2 or n < MIN_RESPONSES:
        return _not_reported(scale, questions, n, int(columns.size))
    try:
        alpha = cronbach_alpha(x)
    except ArgumentError as error:
        return ScaleReliability(scale, questions, n, None, None, _reason(error))
    try:
        omega: Omega | None = omega_total(x)
    except ArgumentError as error:
        return ScaleReliability(scale, questions, n, alpha, None, _reason(error))
    return ScaleReliability(scale, questions, n, alpha, omega)


def _not_reported(
    scale: ScaleName, questions: tuple[int, ...], n: int, size: int
) -> ScaleReliability:
    """Return a set's result without figures: too few questions or responses."""
    if size < 2:
        return ScaleReliability(scale, questions, n, None, None, "fewer than two questions")
    note = f"{n} responses, fewer than the {MIN_RESPONSES} needed"
    return ScaleReliability(scale, questions, n, None, None, note)


def _reason(error: ArgumentError) -> str:
    text = str(error)
    return text.split(": ", 1)[1] if ": " in text else text


def _by_organisation(organisation: npt.NDArray[np.intp]) -> tuple[IntArray, IntArray, IntArray]:
    """Find the responses of the organisations with at least MIN_RESPONSES of them.

    Return the rows (organisation by organisation in code order, each organisation's in
    their order), the bounds of each organisation's run of them (one more than the
    organisations) and the organisations' codes.
    """
    if not organisation.size:
        return np.zeros(0, np.intp), np.zeros(1, np.intp), np.zeros(0, np.intp)
    small = int(organisation.min()) >= 0 and int(organisation.max()) < 2**16
    # A stable sort is unique: on small codes numpy's radix sort gives it fastest.
    order = np.argsort(organisation.astype(np.uint16) if small else organisation, kind="stable")
    codes = organisation[order]
    starts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]])
    sizes = np.diff(np.r_[starts, codes.size])
    enough = sizes >= MIN_RESPONSES
    if not enough.all():
        order = order[np.repeat(enough, sizes)]
    bounds = np.r_[0, np.cumsum(sizes[enough])].astype(np.intp)
    return order, bounds, codes[starts[enough]]


def _answered(
    table: FloatArray, missing: npt.NDArray[np.bool_], columns: IntArray, bounds: IntArray
) -> tuple[FloatArray, IntArray]:
    """`table`'s answers to `columns` from the responses that answered any; new `bounds`.

    `missing` is ``np.isnan(table)``. The answers are C-ordered, as the single path's are
    (numpy's matrix products can round differently on another layout).
    """
    whole = columns.size == table.shape[1] and bool((columns == np.arange(columns.size)).all())
    x = table if whole and table.flags.c_contiguous else table.take(columns, axis=1)
    # Taking the columns leaves them column-major: numpy then reduces each row at once.
    present = ~missing[:, columns].all(axis=1)
    if present.all():
        return np.ascontiguousarray(x, dtype=np.float64), bounds
    kept = np.r_[0, np.cumsum(present)]
    return np.ascontiguousarray(x[present], dtype=np.float64), kept[bounds]


def _scale(
    scale: ScaleName,
    columns: IntArray,
    *,
    numbers: tuple[int, ...],
    answers: FloatArray,
    grouped: FloatArray,
    bounds: IntArray,
    missing: tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_]],
) -> list[ScaleReliability]:
    """One set's figures over the survey, then over each organisation's run of `grouped`."""
    runs = list(zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True))
    if columns.size < 2:
        return [
            _one(scale, table, columns, numbers)
            for table in (answers, *(grouped[s:e] for s, e in runs))
        ]
    questions = tuple(numbers[j] for j in columns.tolist())
    whole, _ = _answered(answers, missing[0], columns, np.zeros(1, np.intp))
    parts, kept = _answered(grouped, missing[1], columns, bounds)
    tables = [
        whole,
        *(parts[s:e] for s, e in zip(kept[:-1].tolist(), kept[1:].tolist(), strict=True)),
    ]
    originals = [answers, *(grouped[s:e] for s, e in runs)]
    enough = [t for t, table in enumerate(tables) if table.shape[0] >= MIN_RESPONSES]
    figures = reliabilities([tables[t] for t in enough])
    found: list[ScaleReliability] = [
        _not_reported(scale, questions, int(table.shape[0]), int(columns.size)) for table in tables
    ]
    for t, result in zip(enough, figures, strict=True):
        n = int(tables[t].shape[0])
        if result is None:
            found[t] = _one(scale, originals[t], columns, numbers)
        elif isinstance(result.omega, ArgumentError):
            found[t] = ScaleReliability(
                scale, questions, n, result.alpha, None, _reason(result.omega)
            )
        else:
            found[t] = ScaleReliability(scale, questions, n, result.alpha, result.omega)
    return found


def reliability(
    instrument: Instrument,
    answers: npt.NDArray[np.float64],
    organisation: npt.NDArray[np.intp],
    names: tuple[str, ...],
) -> Reliability:
    """Compute every set's alpha and omega over the survey and per organisation.

    The figures are those of :func:`~jointworking.reliability.cronbach_alpha` and
    :func:`~jointworking.reliability.omega_total` on each set of responses, computed for
    all the organisations together (:mod:`jointworking._reliability_batch`).

    Parameters
    ----------
    instrument : Instrument
    answers : ndarray of float64, shape (n_responses, n_questions)
        The responses that count (in the shared view, those that may be shared, with
        withheld answers NaN).
    organisation : ndarray of intp, shape (n_responses,)
        Each response's organisation, as a position in `names`.
    names : tuple of str
    """
    rows, bounds, codes = _by_organisation(organisation)
    grouped = answers[rows]
    missing = (np.isnan(answers), np.isnan(grouped))
    found = [
        _scale(
            name,
            columns,
            numbers=instrument.numbers,
            answers=answers,
            grouped=grouped,
            bounds=bounds,
            missing=missing,
        )
        for name, columns in _scales(instrument)
    ]
    survey = tuple(figures[0] for figures in found)
    per = {
        names[code]: tuple(figures[1 + g] for figures in found)
        for g, code in enumerate(codes.tolist())
    }
    return Reliability(survey, MappingProxyType(dict(sorted(per.items()))))
