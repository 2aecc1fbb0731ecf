"""Placing joint working on the ladder, planning the climb and checking labels.

Rules R3 (the ladder), R4 (no jumping rungs), R5 (two types of joint working) and
R6 (branding partnership what is barely collaboration) of the article.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Literal, TypeAlias

import attrs
import numpy as np
import numpy.typing as npt

from jointworking.errors import ArgumentError, _shown
from jointworking.instrument import MORLEY_2016, Instrument
from jointworking.rung import Rung

__all__ = ["Answers", "LabelCheck", "LabelStatus", "Placement", "check_label", "classify", "path"]

Score: TypeAlias = float | int | None
"""One (possibly aggregated) score; ``None`` or NaN when the question was not answered."""

Answers: TypeAlias = Mapping[int, Score] | Mapping[str, Score] | Sequence[Score]
"""Scores by question number (or key), or a sequence of scores in question order."""

LabelStatus: TypeAlias = Literal["overstated", "consistent", "understated"]
"""How a claimed rung compares with the evidenced one."""


def _same_float(a: float, b: float) -> bool:
    """Compare floats so that NaN (an undefined index) equals NaN."""
    return a == b or (math.isnan(a) and math.isnan(b))


@attrs.frozen
class Placement:
    """Where a set of answers places joint working on the ladder.

    Attributes
    ----------
    rung : Rung
        The highest rung all of whose questions, and those of every rung below it, are met.
    index : float
        The joint working index, 0 to 100: the mean answered score as a percentage of the
        scale's range. NaN when no question was answered.
    blocking : tuple of int
        The question numbers of the next rung that are not met (missing answers included),
        ascending: what keeps the joint working below the next rung. Empty at the top.
    next : Rung or None
        The next rung up, or ``None`` at partnership.
    missing : tuple of int
        The question numbers with no answer, ascending.
    met : tuple of int
        The question numbers whose score is at or above their rung's threshold.
    ahead : tuple of int
        The met questions that evidence a rung above `rung`: practices already in place
        that the next climb can build on.
    scores : tuple of float
        The scores in question order, NaN where missing.
    """

    rung: Rung
    index: float = attrs.field(eq=attrs.cmp_using(eq=_same_float), hash=False)
    blocking: tuple[int, ...]
    next: Rung | None
    missing: tuple[int, ...]
    met: tuple[int, ...] = attrs.field(repr=False)
    ahead: tuple[int, ...] = attrs.field(repr=False)
    scores: tuple[float, ...] = attrs.field(repr=False, eq=False)

    @property
    def answered(self) -> int:
        """The number of questions answered."""
        return len(self.scores) - len(self.missing)

    def _repr_html_(self) -> str:
        from jointworking._display import placement_html  # noqa: PLC0415 - notebooks only

        return placement_html(self)


@attrs.frozen
class LabelCheck:
    """How the rung joint working is called compares with the rung the evidence shows.

    Attributes
    ----------
    claimed : Rung
        What the joint working is called.
    evidenced : Rung
        Where the evidence places it.
    status : {"overstated", "consistent", "understated"}
        ``"overstated"`` when the claim is above the evidence: the article's "branded
        partnership when it is barely collaboration".
    gap : int
        ``claimed - evidenced`` in rungs: positive when overstated, negative when
        understated, 0 when consistent.
    """

    claimed: Rung
    evidenced: Rung
    status: LabelStatus
    gap: int


def _place(
    scores: npt.NDArray[np.float64],
    rung_codes: npt.NDArray[np.int8],
    thresholds: npt.NDArray[np.float64],
    low: float,
    high: float,
) -> tuple[npt.NDArray[np.int8], npt.NDArray[np.float64], npt.NDArray[np.bool_]]:
    """Place many groups at once on clean arrays.

    Parameters
    ----------
    scores : ndarray, shape (..., n_questions)
        Scores within [low, high], NaN where missing. Leading axes are batch axes.
    rung_codes : ndarray, shape (n_questions,)
        The rung each question evidences (1 collaboration, 2 partnership).
    thresholds : ndarray, shape (n_questions,)
        Each question's threshold.
    low, high : float
        The ends of the scale.

    Returns
    -------
    rung : ndarray of int8, shape (...)
    index : ndarray of float64, shape (...)
    met : ndarray of bool, shape (..., n_questions)
    """
    met = scores >= thresholds  # NaN compares False: a missing answer is never met
    # Question by question rather than reducing along the short last axis, which numpy
    # does slowly; the answers are added in question order.
    batch = scores.shape[:-1]
    collaboration = np.ones(batch, dtype=bool)
    partnership = np.ones(batch, dtype=bool)
    count = np.zeros(batch, dtype=np.intp)
    total = np.zeros(batch)
    for q, code in enumerate(rung_codes.tolist()):
        if code == Rung.COLLABORATION:
            collaboration &= met[..., q]
        elif code == Rung.PARTNERSHIP:
            partnership &= met[..., q]
        answered = ~np.isnan(scores[..., q])
        count += answered
        total += np.where(answered, scores[..., q], 0.0)
    partnership &= collaboration
    rung = collaboration.astype(np.int8) + partnership.astype(np.int8)
    with np.errstate(invalid="ignore", divide="ignore"):
        index = 100.0 * (total / count - low) / (high - low)
    return rung, np.asarray(index, dtype=np.float64), met


def _check_instrument(instrument: object) -> Instrument:
    """Return `instrument` after checking it is an :class:`Instrument`."""
    if not isinstance(instrument, Instrument):
        raise ArgumentError(
            "instrument: expected an Instrument (such as MORLEY_2016, or one read with"
            f" load_instrument), got {type(instrument).__name__}"
        )
    return instrument


def _score(item: object, number: int, instrument: Instrument) -> float:
    """Return one answer as a float on the scale, NaN if missing; or raise, naming it.

    The one check of every score :func:`classify` takes: ``None`` or NaN is a missing
    answer; anything else must be a real number (int, float or numpy number, not bool or
    timedelta) within the scale.
    """
    if item is None:
        return math.nan
    scale = instrument.scale
    if isinstance(item, bool | np.timedelta64) or not isinstance(
        item, int | float | np.integer | np.floating
    ):
        raise ArgumentError(
            f"answers: question {number}: expected a number or None, got {_shown(item)}"
            " (read labels with instrument.scale.parse)"
        )
    try:
        score = float(item)
    except OverflowError:  # an int beyond the float range: off any scale
        score = math.inf
    if math.isnan(score):
        return math.nan
    if not scale.low <= score <= scale.high:
        raise ArgumentError(
            f"answers: question {number}: expected a score from {scale.low:g} to"
            f" {scale.high:g}, got {_shown(item)}"
        )
    return score


def _score_vector(answers: Answers, instrument: Instrument) -> npt.NDArray[np.float64]:
    """Validate `answers` and lay them out as floats in question order, NaN for missing."""
    n = len(instrument.questions)
    values: list[object]
    if isinstance(answers, Mapping):
        values = [None] * n
        given: dict[int, object] = {}
        for ref, value in answers.items():
            position = instrument.position(ref, argument="answers")
            if position in given:
                number = instrument.questions[position].number
                raise ArgumentError(f"answers: question {number} is given twice")
            given[position] = ref
            values[position] = value
    elif isinstance(answers, str | bytes) or not isinstance(answers, Sequence | np.ndarray):
        raise ArgumentError(
            "answers: expected a mapping of question number to score or a sequence of"
            f" {n} scores in question order, got {type(answers).__name__}"
        )
    else:
        array = np.asarray(answers, dtype=object)
        if array.ndim != 1 or len(array) != n:
            raise ArgumentError(
                f"answers: expected {n} scores in question order (one per question of"
                f" {instrument.name!r}), got shape {array.shape}"
            )
        values = list(array)
    out = np.empty(n, dtype=np.float64)
    for i, item in enumerate(values):
        out[i] = _score(item, instrument.questions[i].number, instrument)
    return out


def classify(answers: Answers, instrument: Instrument = MORLEY_2016) -> Placement:
    r"""Place joint working on the ladder transaction, collaboration, partnership.

    Parameters
    ----------
    answers : mapping or sequence
        Scores by question number (``{1: 3, 2: 4, ...}``), by question key, or a
        sequence of one score per question in question order. Scores may be aggregated
        means, so any number from the scale's lowest to its highest value is accepted;
        ``None`` or NaN marks a question nobody answered. A question left out of a
        mapping is missing.
    instrument : Instrument, optional
        The instrument answered; :data:`~jointworking.MORLEY_2016` by default.

    Returns
    -------
    Placement

    Raises
    ------
    ArgumentError
        If `instrument` is not an :class:`~jointworking.Instrument`; `answers` is neither
        a mapping nor a sequence; a score is not a number or None (bools and strings are
        refused), is off the scale or is infinite (an int too large for a float is off
        the scale); a question number is unknown or given twice; or a sequence has the
        wrong length. The message names the argument and, for a score, the question.

    Notes
    -----
    The gating is staged, as in capability maturity models. A question is *met* when
    its score is at least its rung's threshold (3, "clear evidence", by default; the
    threshold is inclusive). Collaboration needs every collaboration question met;
    partnership needs collaboration and every partnership question met; otherwise the
    joint working is transactional. A missing answer is never met: the rung rests only on
    evidence given. The index is

    .. math:: \mathrm{index} = 100 \, \frac{\bar{x} - x_{\min}}{x_{\max} - x_{\min}}

    over the answered questions, i.e. ``100 * mean / 4`` on the 0-4 scale.

    References
    ----------
    Rules R3 (the ladder) and R5 (two types of joint working): Morley, M. (2016).
    Getting the most from joint working.

    Examples
    --------
    >>> p = classify({1: 4, 2: 3, 3: 2, 4: 3, 5: 1, 6: 3, 7: 2, 8: 3, 9: 3, 10: 2})
    >>> p.rung, p.index, p.blocking, p.next
    (Rung.COLLABORATION, 65.0, (3, 5, 7, 10), Rung.PARTNERSHIP)
    >>> classify([3, 3, 3, 3, 3, 3, 3, 3, 3, None]).missing
    (10,)
    """
    instrument = _check_instrument(instrument)
    scores = _score_vector(answers, instrument)
    rung_codes = instrument._rung_codes()
    rung, index, met = _place(
        scores, rung_codes, instrument._thresholds(), instrument.scale.low, instrument.scale.high
    )
    return _placement(
        int(rung), float(index), met, scores, rung_codes=rung_codes, numbers=instrument.numbers
    )


def _placement(
    rung_code: int,
    index: float,
    met: npt.NDArray[np.bool_],
    scores: npt.NDArray[np.float64],
    *,
    rung_codes: npt.NDArray[np.int8],
    numbers: Sequence[int],
) -> Placement:
    """Build one Placement from one row of :func:`_place`'s results."""
    rung = Rung(rung_code)
    number_array = np.asarray(numbers)
    next_rung = Rung(rung + 1) if rung < Rung.PARTNERSHIP else None
    if next_rung is None:
        blocking: tuple[int, ...] = ()
    else:
        blocking = tuple(number_array[(rung_codes == next_rung) & ~met].tolist())
    return Placement(
        rung=rung,
        index=index,
        blocking=blocking,
        next=next_rung,
        missing=tuple(number_array[np.isnan(scores)].tolist()),
        met=tuple(number_array[met].tolist()),
        ahead=tuple(number_array[met & (rung_codes > rung)].tolist()),
        scores=tuple(scores.tolist()),
    )


def path(current: Rung | str, target: Rung | str) -> tuple[Rung, ...]:
    """List the rungs to step through, one at a time, from `current` to `target`.

    Parameters
    ----------
    current, target : Rung or str
        Where the joint working is, and where it aims to be (names are accepted).

    Returns
    -------
    tuple of Rung
        Every rung after `current` up to and including `target`, in the order they are
        reached; empty when they are equal. A path down steps through each rung too.

    Notes
    -----
    The article is plain that rungs cannot be skipped: organisations "can't just jump
    from having transactional relationships to partnership working" (rule R4). A plan
    whose path has more than one step is a jump to be broken into stages.

    Examples
    --------
    >>> path(Rung.TRANSACTION, Rung.PARTNERSHIP)
    (Rung.COLLABORATION, Rung.PARTNERSHIP)
    >>> path("partnership", "transaction")
    (Rung.COLLABORATION, Rung.TRANSACTION)
    >>> path(Rung.COLLABORATION, Rung.COLLABORATION)
    ()
    """
    start = Rung.parse(current, argument="current")
    end = Rung.parse(target, argument="target")
    step = 1 if end >= start else -1
    return tuple(Rung(value) for value in range(start + step, end + step, step))


def check_label(claimed: Rung | str, evidenced: Rung | str) -> LabelCheck:
    """Compare what joint working is called with where the evidence places it.

    Parameters
    ----------
    claimed : Rung or str
        The rung the joint working is called (``"partnership"``).
    evidenced : Rung or str
        The rung the evidence shows, e.g. ``classify(...).rung``.

    Returns
    -------
    LabelCheck

    Notes
    -----
    "Too often joint working is branded partnership when it is barely collaboration.
    Where this is the case the reality of performance and behaviours undermines
    credibility and confidence" (rule R6). The further a label overstates, the larger
    the positive `gap`.

    Examples
    --------
    >>> check_label("partnership", Rung.COLLABORATION)
    LabelCheck(claimed=Rung.PARTNERSHIP, evidenced=Rung.COLLABORATION, status='overstated', gap=1)
    """
    claim = Rung.parse(claimed, argument="claimed")
    evidence = Rung.parse(evidenced, argument="evidenced")
    gap = int(claim) - int(evidence)
    status: LabelStatus
    if gap > 0:
        status = "overstated"
    elif gap < 0:
        status = "understated"
    else:
        status = "consistent"
    return LabelCheck(claimed=claim, evidenced=evidence, status=status, gap=gap)
