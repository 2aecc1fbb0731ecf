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

from jointworking.errors import ArgumentError
from jointworking.instrument import Instrument
from jointworking.reliability import Alpha, Omega, cronbach_alpha, omega_total
from jointworking.rung import Rung

__all__ = ["MIN_RESPONSES", "Reliability", "ScaleName", "ScaleReliability"]

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
    questions = tuple(numbers[j] for j in columns.tolist())
    x = answers[:, columns]
    # Only responses with an answer to at least one of the questions count.
    x = x[~np.isnan(x).all(axis=1)]
    n = int(x.shape[0])
    if columns.size < 2:
        return ScaleReliability(scale, questions, n, None, None, "fewer than two questions")
    if n < MIN_RESPONSES:
        note = f"{n} responses, fewer than the {MIN_RESPONSES} needed"
        return ScaleReliability(scale, questions, n, None, None, note)
    try:
        alpha = cronbach_alpha(x)
    except ArgumentError as error:
        return ScaleReliability(scale, questions, n, None, None, _reason(error))
    try:
        omega: Omega | None = omega_total(x)
    except ArgumentError as error:
        return ScaleReliability(scale, questions, n, alpha, None, _reason(error))
    return ScaleReliability(scale, questions, n, alpha, omega)


def _reason(error: ArgumentError) -> str:
    text = str(error)
    return text.split(": ", 1)[1] if ": " in text else text


def reliability(
    instrument: Instrument,
    answers: npt.NDArray[np.float64],
    organisation: npt.NDArray[np.intp],
    names: tuple[str, ...],
) -> Reliability:
    """Compute every set's alpha and omega over the survey and per organisation.

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
    scales = _scales(instrument)
    numbers = instrument.numbers
    survey = tuple(_one(name, answers, columns, numbers) for name, columns in scales)
    per: dict[str, tuple[ScaleReliability, ...]] = {}
    if organisation.size:
        order = np.argsort(organisation, kind="stable")
        codes = organisation[order]
        starts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]])
        ends = np.r_[starts[1:], codes.size]
        for start, end in zip(starts.tolist(), ends.tolist(), strict=True):
            if end - start < MIN_RESPONSES:
                continue
            rows = answers[order[start:end]]
            per[names[int(codes[start])]] = tuple(
                _one(name, rows, columns, numbers) for name, columns in scales
            )
    return Reliability(survey, MappingProxyType(dict(sorted(per.items()))))
