"""Assess a survey: every group's placement, every relationship's shared view, findings.

The article asks for the ten questions to be "answered within each organisation and by
each organisation for specific relationships externally", and then "the results then need
to be shared" (rules R10 and R11). :func:`assess` does the whole exercise in one call:

- a *group* is the respondents of one organisation about one thing (``internal``, a
  partner, or a declared arrangement) in one wave; each group gets per-question means,
  standard deviations, counts and agreement (r_wg, r_wg(J)), and a placement on the ladder;
- a *relationship* is a pair of organisations, or a declared multi-party arrangement;
  its shared view puts every member's view side by side, with perception gaps and an
  effective rung no higher than any member's view or any member's internal rung (R7);
- *findings* say what needs attention, ranked by severity.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from types import MappingProxyType
from typing import Any, Final, Literal, TypeAlias, TypeVar

import attrs
import numpy as np

from jointworking._engine import Sampling, Settings, Tables, cell_groups, tables
from jointworking.consistency import Reliability
from jointworking.errors import ArgumentError, _shown
from jointworking.instrument import Instrument
from jointworking.ladder import Placement
from jointworking.responses import INTERNAL, Responses
from jointworking.rung import Rung
from jointworking.statistics import GroupStatistics
from jointworking.value import (
    DEFAULT_THRESHOLD,
    AddedValue,
    Estimate,
    SimulatedAddedValue,
    added_value,
    simulate_added_value,
)

__all__ = [
    "DEFAULT_RESAMPLES",
    "SCHEMA_VERSION",
    "Assessment",
    "ByRelationship",
    "Finding",
    "FindingKind",
    "GroupView",
    "Progress",
    "RelationshipKey",
    "RelationshipView",
    "Severity",
    "ValueInputs",
    "assess",
]

SCHEMA_VERSION: Final = 2
"""The version of the layout :meth:`Assessment.to_dict` produces; raised on any change
that could break a reader."""

DEFAULT_RESAMPLES: Final = 2000
"""Bootstrap resamples per group for the rung probabilities: enough that a probability
near the 0.80 confidence line is estimated to within about 0.01 (one standard error)."""
MIN_RESAMPLES: Final = 100
MAX_RESAMPLES: Final = 100_000

Severity: TypeAlias = Literal["info", "warning", "critical"]
"""How much a finding matters: ``critical`` first."""

FindingKind: TypeAlias = Literal[
    "overstated_label",
    "external_above_internal",
    "insufficient_added_value",
    "rung_jump",
    "one_sided",
    "perception_gap",
    "low_agreement",
    "unit_divergence",
    "too_few_respondents",
    "wave_order",
]
"""The kinds of :class:`Finding`, in the order findings are listed: by their consequence
for the reader, a label the evidence does not bear out first, notes on agreement and on
the data last."""

RelationshipKey: TypeAlias = tuple[str, str] | str
"""A pair of organisation names (either order) or a declared arrangement's name."""

_V = TypeVar("_V")
ByRelationship: TypeAlias = (
    Mapping[tuple[str, str], _V] | Mapping[str, _V] | Mapping[tuple[str, str] | str, _V]
)
"""A mapping keyed by :data:`RelationshipKey` (pairs, arrangement names, or both)."""


def _same_floats(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    """Compare float tuples so that NaN (an undefined figure) equals NaN."""
    return len(a) == len(b) and all(
        x == y or (math.isnan(x) and math.isnan(y)) for x, y in zip(a, b, strict=True)
    )


def _same_float(a: float, b: float) -> bool:
    return a == b or (math.isnan(a) and math.isnan(b))


_floats_eq = attrs.cmp_using(eq=_same_floats)
_float_eq = attrs.cmp_using(eq=_same_float)


def _probabilities_eq(a: Mapping[Rung, float] | None, b: Mapping[Rung, float] | None) -> bool:
    if a is None or b is None:
        return a is b
    return dict(a) == dict(b)


_probabilities_cmp = attrs.cmp_using(eq=_probabilities_eq)


@attrs.frozen
class GroupView:
    """One group: the respondents of one organisation about one thing in one wave.

    Attributes
    ----------
    organisation : str
    about : str
        ``"internal"``, a partner organisation, or an arrangement's name.
    wave : str
        ``""`` when the responses carry no wave.
    respondents : int
        How many people answered.
    units : tuple of str
        The distinct units (departments, services) they work in, sorted.
    count : tuple of int
        Per question, in question order: how many answered (a "don't know" is not
        counted).
    mean, sd : tuple of float
        Per question: mean and sample standard deviation of the answers; NaN where
        fewer than one (mean) or two (sd) answered.
    rwg : tuple of float
        Per question: r_wg, the within-group agreement, 0 to 1; NaN where fewer than two
        answered.
    rwg_j : float
        r_wg(J) over the answered questions.
    placement : Placement or None
        Where the group's mean scores place the joint working. None only in the shared
        view (:meth:`Assessment.shared_view`) of a group smaller than the minimum group
        size, whose answers place nothing that is shared.
    uncertain : bool
        Whether the placement could well be another rung because only so many people
        answered: its `confidence` is below the assessment's required
        confidence (0.80 by default).
    small : bool
        Whether fewer than the minimum group size answered; shared outputs withhold
        everything computed from its answers.
    unit_gap : float
        The spread (max - min) of the units' index, each unit placed from its own
        per-question means, in index points; units with fewer respondents than the
        minimum group size are left out. NaN with
        fewer than two units (rule R8: the bigger and more diversified an organisation,
        the bigger the challenge).
    withheld_questions : tuple of int
        Questions answered, but by fewer people than the minimum group size: shared
        outputs treat them as unanswered, so withhold their mean, SD and r_wg and never
        count them as met (for a small group, every answered question).
    rung_probabilities : mapping of Rung to float, or None
        The probability of each rung, had other people of the same group answered: the
        share of bootstrap resamples of the group's respondents placed on each rung
        (see :func:`assess`). They sum to 1. None where not estimated (a group whose
        view is withheld, or statistics without the sums the estimate needs).
    confidence : float
        The probability of the rung the group is placed on; NaN where not estimated.
    deciding_rwg_j : float
        r_wg(J) of the questions that decide the placement (those of every rung up to
        the next one), as a scale: whether the respondents share one view of them. A
        question fewer than the minimum group size answered is not judged. NaN where
        no deciding question has two answers.
    divided : bool
        Whether `deciding_rwg_j` is below the agreement threshold: the respondents do
        not share one view of what decides the placement.
    dividing : tuple of int
        For a divided group, the deciding questions whose own r_wg is below the
        agreement threshold, most divided first.
    """

    organisation: str
    about: str
    wave: str
    respondents: int
    units: tuple[str, ...] = attrs.field(repr=False)
    count: tuple[int, ...] = attrs.field(repr=False)
    mean: tuple[float, ...] = attrs.field(repr=False, eq=_floats_eq, hash=False)
    sd: tuple[float, ...] = attrs.field(repr=False, eq=_floats_eq, hash=False)
    rwg: tuple[float, ...] = attrs.field(repr=False, eq=_floats_eq, hash=False)
    rwg_j: float = attrs.field(eq=_float_eq, hash=False)
    placement: Placement | None
    uncertain: bool
    small: bool
    unit_gap: float = attrs.field(repr=False, eq=_float_eq, hash=False)
    withheld_questions: tuple[int, ...] = attrs.field(default=(), repr=False)
    rung_probabilities: Mapping[Rung, float] | None = attrs.field(
        default=None, repr=False, eq=_probabilities_cmp, hash=False
    )
    confidence: float = attrs.field(default=math.nan, eq=_float_eq, hash=False)
    deciding_rwg_j: float = attrs.field(default=math.nan, repr=False, eq=_float_eq, hash=False)
    divided: bool = attrs.field(default=False, repr=False)
    dividing: tuple[int, ...] = attrs.field(default=(), repr=False)

    @property
    def internal(self) -> bool:
        """Whether this is the organisation's view of itself."""
        return self.about == INTERNAL

    @property
    def rung(self) -> Rung | None:
        """The rung the group is placed on (None where its placement is withheld)."""
        return None if self.placement is None else self.placement.rung

    def _repr_html_(self) -> str:
        from jointworking._display import group_html  # noqa: PLC0415 - notebooks only

        return group_html(self)

    @property
    def subject(self) -> str:
        """How the group is named in findings and reports."""
        where = "internal" if self.internal else f"about {self.about}"
        wave = f", {self.wave}" if self.wave else ""
        return f"{self.organisation} ({where}{wave})"


@attrs.frozen
class RelationshipView:
    """The view of one relationship in one wave, every member's side by side.

    Attributes
    ----------
    subject : str
        ``"A and B"`` for a pair (names sorted), or the arrangement's name.
    kind : {"pair", "arrangement"}
    members : tuple of str
        The organisations in it, sorted.
    wave : str
    views : mapping of str to Placement
        Each member that answered, and where its respondents place the joint working.
        In the shared view, members whose view is withheld are not among them.
    gaps : tuple of float
        Per question: the largest difference between members' means (max - min); NaN
        where fewer than two members' respondents answered it.
    silent : tuple of str
        Members who gave no view.
    withheld : tuple of str
        Members whose view rests on fewer respondents than the minimum group size: shared
        outputs withhold everything computed from it, and place the relationship on the
        other views.
    internal : mapping of str to Rung
        Each member's own internal rung in the same wave, where known (and, in the
        shared view, not withheld).
    effective_rung : Rung or None
        The lowest of the members' views and of their internal rungs (rule R7: an
        organisation is no better a partner than it is inside). None only in the shared
        view when every member's view is withheld.
    claimed, target : Rung or None
        What the joint working is called and what it aims for, where given.
    value : AddedValue or SimulatedAddedValue or None
        The added-value test, where values were given.
    withheld_questions : mapping of str to tuple of int
        For each member that answered, the questions its respondents answered but fewer
        of them than the minimum group size: shared outputs withhold that member's mean
        and the question's gap (for a small member, every answered question).
    internal_withheld : tuple of str
        In the shared view, members whose own internal view is withheld (too few
        respondents): their internal rung does not cap the effective rung shown.
    rung_probabilities : mapping of Rung to float, or None
        The probability of each effective rung, combining the members' views and
        internal rungs as the effective rung does (each group resampled on its own).
        None where not estimated.
    confidence : float
        The probability of the effective rung; NaN where not estimated.
    uncertain : bool
        Whether `confidence` is below the assessment's required confidence.
    """

    subject: str
    kind: Literal["pair", "arrangement"]
    members: tuple[str, ...]
    wave: str
    views: Mapping[str, Placement] = attrs.field(repr=False, hash=False)
    gaps: tuple[float, ...] = attrs.field(repr=False, eq=_floats_eq, hash=False)
    silent: tuple[str, ...]
    withheld: tuple[str, ...] = attrs.field(repr=False)
    internal: Mapping[str, Rung] = attrs.field(repr=False, hash=False)
    effective_rung: Rung | None
    claimed: Rung | None = None
    target: Rung | None = None
    value: AddedValue | SimulatedAddedValue | None = attrs.field(
        default=None, repr=False, eq=False, hash=False
    )
    withheld_questions: Mapping[str, tuple[int, ...]] = attrs.field(
        factory=lambda: MappingProxyType({}), repr=False, hash=False
    )
    internal_withheld: tuple[str, ...] = attrs.field(default=(), repr=False)
    rung_probabilities: Mapping[Rung, float] | None = attrs.field(
        default=None, repr=False, eq=_probabilities_cmp, hash=False
    )
    confidence: float = attrs.field(default=math.nan, repr=False, eq=_float_eq, hash=False)
    uncertain: bool = attrs.field(default=False, repr=False)

    @property
    def withheld_gaps(self) -> tuple[int, ...]:
        """The questions whose gap shared outputs withhold: a member answered them too few."""
        return tuple(sorted({n for few in self.withheld_questions.values() for n in few}))

    @property
    def partial(self) -> bool:
        """Whether the effective rung rests on only some of the members' evidence.

        True in the shared view when a member's view, or a member's internal view, is
        withheld.
        """
        return bool(self.internal_withheld) or bool(set(self.withheld) - set(self.views))

    def _repr_html_(self) -> str:
        from jointworking._display import relationship_html  # noqa: PLC0415 - notebooks only

        return relationship_html(self)

    @property
    def one_sided(self) -> bool:
        """Whether some member gave no view: the results are not yet shared both ways."""
        return bool(self.silent)


@attrs.frozen
class Finding:
    """Something in the results that needs attention.

    Attributes
    ----------
    kind : str
        One of :data:`~jointworking.assessment.FindingKind`.
    severity : {"info", "warning", "critical"}
    subject : str
        The group or relationship it is about.
    message : str
        A sentence naming the organisations, for people to read.
    organisations : tuple of str
        The organisations concerned.
    questions : tuple of int
        The question numbers concerned, if any.
    wave : str
    """

    kind: FindingKind
    severity: Severity
    subject: str
    message: str = attrs.field(repr=False)
    organisations: tuple[str, ...] = attrs.field(repr=False)
    questions: tuple[int, ...] = ()
    wave: str = attrs.field(default="", repr=False)


@attrs.frozen
class Progress:
    """How a group moved between two consecutive waves.

    Attributes
    ----------
    organisation, about : str
    before, after : str
        The two waves.
    rung_before, rung_after : Rung
    index_change : float
        Index points gained (negative if lost).
    interval : tuple of float
        A 90% interval for the index change: the range of changes the two samples of
        respondents are consistent with (Welch's interval on the two waves' indices, see
        :func:`assess`); ``(nan, nan)`` where not estimated.
    p_rung_moved : float
        The probability that the two waves' rungs differ, had other people of the same
        groups answered (from each wave's rung probabilities, the waves' respondents
        resampled independently); NaN where not estimated.
    uncertain_before, uncertain_after : bool
        Whether each wave's placement is uncertain (see ``GroupView.uncertain``).
    """

    organisation: str
    about: str
    before: str
    after: str
    rung_before: Rung
    rung_after: Rung
    index_change: float = attrs.field(eq=_float_eq, hash=False)
    interval: tuple[float, float] = attrs.field(
        default=(math.nan, math.nan), eq=_floats_eq, hash=False
    )
    p_rung_moved: float = attrs.field(default=math.nan, eq=_float_eq, hash=False)
    uncertain_before: bool = False
    uncertain_after: bool = False

    @property
    def rung_change(self) -> int:
        """Rungs climbed (negative if fallen)."""
        return int(self.rung_after) - int(self.rung_before)

    @property
    def clear(self) -> bool:
        """Whether the index clearly changed: its interval excludes zero."""
        low, high = self.interval
        return bool(low > 0 or high < 0)

    @property
    def direction(self) -> Literal["up", "down", "no clear change", "not estimated"]:
        """``"up"`` or ``"down"`` where the interval excludes zero, else ``"no clear change"``.

        ``"not estimated"`` where there is no interval (a question too few answered in
        either wave, or statistics without cross sums).
        """
        if math.isnan(self.interval[0]):
            return "not estimated"
        if not self.clear:
            return "no clear change"
        return "up" if self.index_change > 0 else "down"


def _value_list(values: Sequence[float | Estimate]) -> tuple[float | Estimate, ...]:
    if isinstance(values, str | bytes) or not isinstance(values, Iterable):
        raise ArgumentError(
            f"individual: expected a sequence of values or Estimates, got {type(values).__name__}"
        )
    return tuple(values)


def _default_draws(confidence: object) -> int:
    """Return 100,000 draws, or the more a confidence near 0 or 1 needs."""
    from jointworking.value import _min_draws  # noqa: PLC0415 - a peer's rule, shared

    try:
        return max(100_000, _min_draws(confidence))  # type: ignore[arg-type]
    except (TypeError, ValueError, ArithmeticError):
        return 100_000  # the simulation refuses the confidence, naming it


@attrs.frozen
class ValueInputs:
    """The inputs of the added-value test for one relationship or arrangement.

    Parameters
    ----------
    individual : sequence of float or Estimate
        The value each member delivers alone.
    joint : float or Estimate
        The value delivered jointly, before the cost of joint working.
    cost : float or Estimate, optional
        The cost of the joint working itself.
    threshold : float, optional
        The uplift counted as significant; :data:`~jointworking.DEFAULT_THRESHOLD` by
        default, a policy choice.
    optimism_bias : float, optional
        Fraction by which to reduce the joint value.
    confidence : float, optional
        For estimates: how sure a verdict must be (see
        :func:`~jointworking.simulate_added_value`).
    seed : int or None, optional
        For estimates: the Monte Carlo seed, so that a shared report is reproducible.

    Examples
    --------
    >>> ValueInputs([4.0, 6.5], 12.2, cost=0.6).test().verdict
    Verdict.SIGNIFICANT
    """

    individual: tuple[float | Estimate, ...] = attrs.field(converter=_value_list)
    joint: float | Estimate
    cost: float | Estimate = 0.0
    threshold: float = DEFAULT_THRESHOLD
    optimism_bias: float = 0.0
    confidence: float = 0.80
    seed: int | None = None

    @property
    def uncertain(self) -> bool:
        """Whether any input is an :class:`~jointworking.Estimate` other than a fixed one."""
        inputs = (*self.individual, self.joint, self.cost)
        return any(isinstance(v, Estimate) and v.kind != "fixed" for v in inputs)

    def test(self, *, draws: int | None = None) -> AddedValue | SimulatedAddedValue:
        """Run the added-value test: by simulation if any input is uncertain.

        Parameters
        ----------
        draws : int, optional
            For estimates: the draws of the simulation; by default 100,000, or more where
            the confidence asked for needs more (see
            :func:`~jointworking.simulate_added_value`).

        Raises
        ------
        ArgumentError
            As :func:`~jointworking.added_value` or
            :func:`~jointworking.simulate_added_value`.
        """
        if self.uncertain:
            if draws is None:
                draws = _default_draws(self.confidence)
            return simulate_added_value(
                self.individual,
                self.joint,
                cost=self.cost,
                threshold=self.threshold,
                optimism_bias=self.optimism_bias,
                confidence=self.confidence,
                draws=draws,
                seed=self.seed,
            )
        individual = [v.mean if isinstance(v, Estimate) else v for v in self.individual]
        joint = self.joint.mean if isinstance(self.joint, Estimate) else self.joint
        cost = self.cost.mean if isinstance(self.cost, Estimate) else self.cost
        return added_value(
            individual,
            joint,
            cost=cost,
            threshold=self.threshold,
            optimism_bias=self.optimism_bias,
        )


_PairKey: TypeAlias = frozenset[str] | str


def _pair_subject(key: _PairKey) -> str:
    return key if isinstance(key, str) else " and ".join(sorted(key))


@attrs.frozen(eq=False)
class Assessment:
    """The results of :func:`assess`: groups, relationships, findings and progress.

    The figures are held as columns of numpy arrays; the objects in `groups`,
    `relationships`, `findings` and `progress` are built the first time each is read, and
    kept, so reading one result does not cost the price of all.

    An assessment is the analyst's: it holds every figure, including those of groups too
    small to share. :meth:`shared_view` gives the assessment of what may be shared, which
    every shared output (``to_dict``/``to_json`` by default, reports, CSV tables, charts)
    reads.

    Attributes
    ----------
    instrument : Instrument
    min_group_size : int
    agreement_threshold : float
    confidence : float
        How probable a placement's rung must be for it not to be uncertain.
    resamples : int
        Bootstrap resamples per group for the rung probabilities.
    seed : int
        The seed of the resampling, so that a report can be reproduced.
    uncertainty : {"bootstrap", "normal", "none"}
        How the rung probabilities were estimated: by bootstrap of the respondents, by a
        normal approximation from merged statistics, or not at all (statistics without
        the sums it needs).
    shared : bool
        Whether this is a shared view (see :meth:`shared_view`).
    arrangements : mapping of str to tuple of str
        The declared multi-party arrangements and their members.
    groups : sequence of GroupView
        Every group in every wave, sorted by organisation, about and wave.
    relationships : sequence of RelationshipView
        Every relationship in every wave in which someone gave a view of it, sorted by
        subject and wave.
    findings : sequence of Finding
        What needs attention, on each group's and relationship's latest wave, in order
        of consequence for the reader (see :data:`~jointworking.assessment.FindingKind`),
        then most severe first, then in the order of the groups (organisation, about) or
        relationships (subject) concerned.
    progress : sequence of Progress
        Each group's change between consecutive waves.
    statistics : GroupStatistics
        The per-cell sums everything above was computed from.

    Two assessments are equal (``==``) when their settings, arrangements, groups,
    relationships, findings and progress are: assessing merged chunks of a survey's
    statistics gives an assessment equal to assessing the whole survey's statistics.
    """

    instrument: Instrument
    min_group_size: int
    agreement_threshold: float
    confidence: float
    resamples: int
    seed: int
    uncertainty: Literal["bootstrap", "normal", "none"]
    shared: bool
    arrangements: Mapping[str, tuple[str, ...]] = attrs.field(repr=False)
    groups: Sequence[GroupView] = attrs.field(repr=False)
    relationships: Sequence[RelationshipView] = attrs.field(repr=False)
    findings: Sequence[Finding] = attrs.field(repr=False)
    progress: Sequence[Progress] = attrs.field(repr=False)
    _tables: Tables = attrs.field(repr=False, alias="tables")
    _inputs: _Inputs = attrs.field(repr=False, alias="inputs")
    _cache: dict[str, Any] = attrs.field(factory=dict, repr=False, alias="cache")

    @property
    def statistics(self) -> GroupStatistics:
        """The per-cell sums the assessment was computed from (see :func:`assess`)."""
        return self._tables.statistics

    @property
    def reliability(self) -> Reliability | None:
        """Whether the questions hang together on this survey: alpha and omega per rung.

        Cronbach's alpha and McDonald's omega total for the collaboration questions, the
        partnership questions and all of them, over every response, and per organisation
        with at least :data:`~jointworking.consistency.MIN_RESPONSES` responses (see
        :mod:`jointworking.consistency`). In the shared view, over the answers that may be
        shared. None when the assessment was made from statistics, which hold no
        responses. Computed on first use.
        """
        if "reliability" not in self._cache:
            self._cache["reliability"] = _reliability(self)
        found: Reliability | None = self._cache["reliability"]
        return found

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Assessment):
            return NotImplemented
        return (
            self._settings() == other._settings()
            and dict(self.arrangements) == dict(other.arrangements)
            and self.groups == other.groups
            and self.relationships == other.relationships
            and self.findings == other.findings
            and self.progress == other.progress
        )

    __hash__ = None  # type: ignore[assignment]

    def _settings(self) -> tuple[Any, ...]:
        return (
            self.instrument,
            self.min_group_size,
            self.agreement_threshold,
            self.confidence,
            self.resamples,
            self.seed,
            self.uncertainty,
            self.shared,
        )

    def __repr__(self) -> str:
        t = self._tables
        organisations = np.unique(t.g.keys[:, 0]).size
        view = "shared view: " if self.shared else ""
        return (
            f"<Assessment: {view}{organisations} organisations, {len(self.groups)} groups,"
            f" {len(self.relationships)} relationship views, {len(self.findings)} findings>"
        )

    def _repr_html_(self) -> str:
        from jointworking._display import assessment_html  # noqa: PLC0415 - notebooks only

        return assessment_html(self.shared_view())

    def shared_view(self) -> Assessment:
        """Return the assessment of what may be shared: what every shared output shows.

        In it, a question fewer than `min_group_size` people in a group answered counts
        as unanswered (it is never met, and its mean, SD and agreement are not there),
        and a group smaller than `min_group_size` shows its size and nothing computed
        from its answers: no rung, blocking list, index or figure. A relationship with
        such a member is placed on the views that may be shared, and says so. Findings,
        progress, rung probabilities and unit gaps are computed afresh from what may be
        shared. So changing a withheld answer changes nothing in the shared view.

        Returns
        -------
        Assessment
            With ``shared`` True; the view of a shared view is itself.

        Examples
        --------
        >>> import jointworking as jw
        >>> example = jw.load_example()
        >>> result = jw.assess(example.responses, arrangements=example.arrangements)
        >>> shared = result.shared_view()
        >>> voluntary = shared.group("Northfield Voluntary Action")
        >>> voluntary.respondents, voluntary.small, voluntary.placement
        (2, True, None)
        """
        if self.shared:
            return self
        view = self._cache.get("shared")
        if view is None:
            view = self._cache["shared"] = _shared_view(self)
        result: Assessment = view
        return result

    def group(self, organisation: str, about: str = INTERNAL, wave: str | None = None) -> GroupView:
        """Return one group's view; `wave` None means the group's latest wave.

        Raises
        ------
        TypeError
            If `organisation`, `about` or `wave` is not text.
        ArgumentError
            If no such group answered; the message lists what there is.
        """
        _check_text(organisation, "organisation")
        _check_text(about, "about")
        if wave is not None:
            _check_text(wave, "wave")
        t = self._tables
        org = organisation.strip()
        subject = about.strip()
        if subject.casefold() == INTERNAL:
            subject = INTERNAL
        o, a = t.position.get(org, -1), t.position.get(subject, -1)
        rows = np.flatnonzero((t.g.keys[:, 0] == o) & (t.g.keys[:, 1] == a))
        if wave is None and rows.size:
            return self.groups[int(rows[-1])]
        for row in rows.tolist():
            if t.waves[t.g.keys[row, 2]] == wave:
                return self.groups[row]
        pairs = np.unique(t.g.keys[:, :2], axis=0).tolist()
        known = sorted({f"{t.names[p]} ({t.names[q]})" for p, q in pairs})
        raise ArgumentError(
            f"organisation: no responses from {org!r} about {subject!r}"
            + (f" in wave {wave!r}" if wave is not None else "")
            + f"; groups are: {', '.join(known)}"
        )

    def relationship(
        self, a: str, b: str | None = None, *, wave: str | None = None
    ) -> RelationshipView:
        """Return a relationship's view: a pair (either order) or an arrangement.

        Parameters
        ----------
        a, b : str
            Two organisations, in either order; or `a` alone, an arrangement's name.
        wave : str, optional
            The wave; by default the latest in which anyone gave a view of it.

        Raises
        ------
        TypeError
            If an argument is not text.
        ArgumentError
            If nobody gave a view of that relationship.
        """
        _check_text(a, "a")
        if b is not None:
            _check_text(b, "b")
        if wave is not None:
            _check_text(wave, "wave")
        t = self._tables
        key = _relationship_key((a, b) if b is not None else a, self.arrangements, "relationship")
        if isinstance(key, str):
            first, second = t.position.get(key, -1), -1
        else:
            x, y = sorted(key)
            first, second = t.position.get(x, -1), t.position.get(y, -1)
        rows = np.flatnonzero((t.rel.a == first) & (t.rel.b == second) & (first >= 0))
        for row in reversed(rows.tolist()):
            if wave is None or t.waves[t.rel.wave[row]] == wave:
                return self.relationships[int(row)]
        raise ArgumentError(
            f"relationship: nobody gave a view of {_pair_subject(key)!r}"
            + (f" in wave {wave!r}" if wave is not None else "")
        )

    def _view_for(self, shared: object) -> Assessment:
        """Return the assessment an output with `shared` lays out."""
        if not isinstance(shared, bool):
            raise TypeError(f"shared: expected True or False, got {shared!r}")
        if shared:
            return self.shared_view()
        if self.shared:
            raise ArgumentError(
                "shared: this is a shared view, which holds only what may be shared; ask"
                " the analyst's assessment for shared=False"
            )
        return self

    def to_dict(self, *, shared: bool = True) -> dict[str, Any]:
        """Return the results as plain data (see the JSON schema in the documentation).

        Parameters
        ----------
        shared : bool, optional
            True (the default) for results to be shared: the layout of
            :meth:`shared_view`, which withholds everything computed from the answers of
            a group smaller than `min_group_size`, and treats a question fewer than
            `min_group_size` people in a group answered as unanswered. False gives the
            analyst everything.

        Raises
        ------
        TypeError
            If `shared` is not a bool.
        """
        from jointworking._layout import layout  # noqa: PLC0415 - outputs load on use

        return layout(self._view_for(shared), SCHEMA_VERSION)

    def to_frame(self, *, shared: bool = True) -> Any:
        """Return the groups' placements and per-question means as a pandas DataFrame.

        One row per group, as :func:`jointworking.export.group_rows`; needs the optional
        dependency pandas (``pip install "jointworking[pandas]"``).
        """
        from jointworking.export import to_frame  # noqa: PLC0415 - pandas is optional

        return to_frame(self, shared=shared)

    def to_json(self, *, shared: bool = True, indent: int | None = 2) -> str:
        """Return :meth:`to_dict` as JSON text (NaN is written as ``null``)."""
        return json.dumps(self.to_dict(shared=shared), indent=indent, ensure_ascii=False)


@attrs.frozen
class _Inputs:
    """What an assessment was asked, kept to compute its shared view."""

    claims: Mapping[Any, Rung]
    targets: Mapping[Any, Rung]
    values: Mapping[Any, AddedValue | SimulatedAddedValue]
    sampling: Sampling | None
    responses: Responses | None = None


def _reliability(assessment: Assessment) -> Reliability | None:
    """Compute an assessment's reliability, over what it may show."""
    from jointworking.consistency import reliability  # noqa: PLC0415 - computed on use

    responses = assessment._inputs.responses
    if responses is None:
        return None
    answers = responses.answers
    organisation = responses._index.organisation
    if assessment.shared:
        t = assessment._tables
        cell_group = cell_groups(t.g.starts, len(t.statistics))
        group = cell_group[responses._index.cell]
        keep = ~t.g.small[group]
        answers = np.where(t.g.thin[group], np.nan, answers)[keep]
        organisation = organisation[keep]
    return reliability(assessment.instrument, answers, organisation, responses._index.names)


def _check_text(value: object, argument: str) -> None:
    if not isinstance(value, str):
        raise TypeError(f"{argument}: expected text (str), got {type(value).__name__}")


def _is_whole(value: object) -> bool:
    """Whether `value` is a whole number (not a bool, nor a numpy time delta)."""
    return isinstance(value, int | np.integer) and not isinstance(
        value, bool | np.bool_ | np.timedelta64
    )


def _is_real(value: object) -> bool:
    return _is_whole(value) or isinstance(value, float | np.floating)


def _whole(value: object, name: str, low: int, high: int, expected: str) -> int:
    if not isinstance(value, int | np.integer) or not _is_whole(value) or not low <= value <= high:
        raise ArgumentError(f"{name}: expected {expected}, got {_shown(value)}")
    return int(value)


def _fraction(value: object, name: str, *, open_ends: bool) -> float:
    # Compared before any conversion, so that a huge int cannot overflow a float.
    inside = _is_real(value) and (
        0 < value < 1 if open_ends else 0 <= value <= 1  # type: ignore[operator]
    )
    if not inside:
        expected = "strictly between 0 and 1" if open_ends else "from 0 to 1"
        raise ArgumentError(f"{name}: expected a number {expected}, got {_shown(value)}")
    return float(value)  # type: ignore[arg-type]


def _check_settings(
    min_group_size: object,
    agreement_threshold: object,
    confidence: object,
    resamples: object,
    seed: object,
) -> Settings:
    size = _whole(min_group_size, "min_group_size", 1, 2**62, "a whole number of at least 1")
    agreement = _fraction(agreement_threshold, "agreement_threshold", open_ends=False)
    sure = _fraction(confidence, "confidence", open_ends=True)
    _whole(
        resamples,
        "resamples",
        MIN_RESAMPLES,
        MAX_RESAMPLES,
        f"a whole number from {MIN_RESAMPLES} to {MAX_RESAMPLES:,}",
    )
    _whole(seed, "seed", 0, 2**63 - 1, "a whole number from 0 to 2**63 - 1")
    return Settings(size=size, agreement=agreement, confidence=sure)


def _check_arrangements(
    arrangements: Mapping[str, Iterable[str]] | None, survey: Responses | GroupStatistics
) -> dict[str, tuple[str, ...]]:
    if arrangements is None:
        return {}
    if not isinstance(arrangements, Mapping):
        raise ArgumentError("arrangements: expected a mapping of name to member organisations")
    names = set(survey.organisations)
    out: dict[str, tuple[str, ...]] = {}
    for raw_name, raw_members in arrangements.items():
        label: object = raw_name
        if not isinstance(label, str) or not label.strip():
            raise ArgumentError(f"arrangements: expected a name, got {raw_name!r}")
        name = raw_name.strip()
        if name.casefold() == INTERNAL or name in names:
            raise ArgumentError(
                f"arrangements: {name!r} is also an organisation's name or 'internal';"
                " give the arrangement a name of its own"
            )
        if not _is_member_list(raw_members):
            raise ArgumentError(f"arrangements: {name!r}: expected a list of member organisations")
        members = []
        for member in raw_members:
            if not _is_text(member) or not member.strip():
                raise ArgumentError(
                    f"arrangements: {name!r}: expected member names, got {member!r}"
                )
            members.append(member.strip())
        if len(set(members)) < 2 or len(set(members)) != len(members):
            raise ArgumentError(
                f"arrangements: {name!r}: expected at least two different members, each once,"
                f" got {members!r}"
            )
        if name in out:
            raise ArgumentError(f"arrangements: {name!r} is declared twice")
        out[name] = tuple(sorted(members))
    return out


def _is_text(value: object) -> bool:
    return isinstance(value, str)


def _is_member_list(value: object) -> bool:
    return isinstance(value, Iterable) and not isinstance(value, str)


def _relationship_key(
    key: object, arrangements: Mapping[str, tuple[str, ...]], argument: str
) -> _PairKey:
    if isinstance(key, str):
        name = key.strip()
        if name in arrangements:
            return name
        raise ArgumentError(
            f"{argument}: {key!r} is not a declared arrangement; name a relationship by a pair"
            " of organisations, e.g. ('A', 'B'), or declare the arrangement"
        )
    if isinstance(key, tuple | list) and len(key) == 2 and all(isinstance(k, str) for k in key):
        a, b = (str(k).strip() for k in key)
        if a and b and a != b:
            return frozenset((a, b))
    raise ArgumentError(
        f"{argument}: expected a pair of two different organisation names or an arrangement's"
        f" name, got {key!r}"
    )


def assess(
    responses: Responses | GroupStatistics,
    instrument: Instrument | None = None,
    *,
    claims: ByRelationship[Rung | str] | None = None,
    targets: ByRelationship[Rung | str] | None = None,
    values: ByRelationship[ValueInputs] | None = None,
    arrangements: Mapping[str, Sequence[str]] | None = None,
    min_group_size: int = 3,
    agreement_threshold: float = 0.70,
    confidence: float = 0.80,
    resamples: int = DEFAULT_RESAMPLES,
    seed: int = 0,
) -> Assessment:
    """Assess a survey: groups, relationships and findings, in one call.

    Parameters
    ----------
    responses : Responses or GroupStatistics
        The survey, e.g. from :func:`~jointworking.io.read_responses`, or its per-group
        sums (:class:`~jointworking.GroupStatistics`, e.g. merged from chunks of a file
        too large to hold at once).
    instrument : Instrument, optional
        The instrument answered. The responses already know theirs; give it only to check
        that it is the one expected.
    claims : mapping, optional
        What each relationship is called: ``{("A", "B"): Rung.PARTNERSHIP}``, or an
        arrangement's name as the key. Rung names are accepted.
    targets : mapping, optional
        The rung each relationship aims for, keyed likewise.
    values : mapping of key to ValueInputs, optional
        The inputs of the added-value test for each relationship, keyed likewise.
    arrangements : mapping of str to sequence of str, optional
        Declared multi-party arrangements: name to member organisations. A response whose
        `about` names one belongs to it.
    min_group_size : int, optional
        Groups with fewer respondents, and questions fewer people in a group answered,
        are withheld from shared outputs (see :meth:`Assessment.shared_view`). 3 by
        default.
    agreement_threshold : float, optional
        r_wg(J) of the questions deciding a placement below this is a divided group
        (a ``low_agreement`` finding); 0.70 by convention.
    confidence : float, optional
        A placement whose rung is less probable than this is *uncertain*: other people
        of the same group could well have placed it on another rung. 0.80 by default.
    resamples : int, optional
        Bootstrap resamples of each group's respondents for the rung probabilities
        (:data:`~jointworking.assessment.DEFAULT_RESAMPLES` by default).
    seed : int, optional
        The seed of the resampling: the same survey and seed give the same
        probabilities, so a report can be reproduced. 0 by default.

    Returns
    -------
    Assessment

    Raises
    ------
    ArgumentError
        For a setting out of range, an arrangement that is badly declared or answered
        about by a non-member, or a claim, target or value about a relationship nobody
        gave a view of.

    Notes
    -----
    A group's scores are the per-question means over those who answered; a "don't know"
    is not counted. Agreement uses the uniform null distribution over the scale's points
    (variance :math:`(A^2 - 1)/12` for an A-point scale). The effective rung of a
    relationship is the lowest of its members' views and of their internal rungs in the
    same wave (R7). Findings are made on each group's and relationship's latest wave.

    *How sure a rung is.* From :class:`~jointworking.Responses`, each group's respondents
    are resampled with replacement `resamples` times (a nonparametric bootstrap) and each
    resample placed by the same rule: the share of resamples on each rung is its
    probability. From :class:`~jointworking.GroupStatistics`, which holds sums and not
    respondents, a normal approximation to that bootstrap is used where the statistics
    carry cross sums (:meth:`GroupStatistics.from_responses`, the default), and no
    probability otherwise. A relationship's effective rung combines its groups' rung
    probabilities as the effective rung combines their rungs, the groups resampled
    independently. A change between waves gets a 90% Welch interval on the index change
    (delta-method standard errors of each wave's index). From statistics, a group of fewer
    than 12 respondents gets no probabilities: the normal approximation strays too far
    from the bootstrap below that.

    Examples
    --------
    >>> from jointworking import Responses, Rung
    >>> r = Responses.from_arrays(
    ...     [[4, 4, 3, 3, 3, 4, 3, 3, 3, 3]] * 3 + [[3, 3, 2, 2, 1, 3, 2, 2, 2, 2]] * 3,
    ...     organisation=["A"] * 3 + ["B"] * 3,
    ...     about=["B"] * 3 + ["A"] * 3,
    ... )
    >>> result = assess(r, claims={("A", "B"): Rung.PARTNERSHIP})
    >>> result.relationship("B", "A").effective_rung
    Rung.COLLABORATION
    >>> sorted({f.kind for f in result.findings})
    ['overstated_label', 'perception_gap']
    >>> result.group("A", "B").confidence  # every answer alike: no doubt at all
    1.0
    """
    if not isinstance(responses, Responses | GroupStatistics):
        raise ArgumentError(
            "responses: expected a Responses collection or GroupStatistics, got"
            f" {type(responses).__name__}"
        )
    inst = responses.instrument
    if instrument is not None and not isinstance(instrument, Instrument):
        raise TypeError(f"instrument: expected an Instrument, got {type(instrument).__name__}")
    if instrument is not None and instrument != inst:
        raise ArgumentError(
            f"instrument: the responses answer {inst.name!r}, not {instrument.name!r}"
        )
    settings = _check_settings(min_group_size, agreement_threshold, confidence, resamples, seed)
    declared = _check_arrangements(arrangements, responses)
    from jointworking import _sampling  # noqa: PLC0415 - keeps import jointworking quick

    if isinstance(responses, GroupStatistics):
        stats = responses
        sampling = _sampling.from_statistics(stats, resamples=int(resamples), seed=int(seed))
    else:
        stats = GroupStatistics.from_responses(responses, cross=False)
        sampling = _sampling.from_responses(responses, resamples=int(resamples), seed=int(seed))
    inputs = _Inputs(
        claims=_rungs_by_key(claims, "claims", declared),
        targets=_rungs_by_key(targets, "targets", declared),
        values=_values_by_key(values, declared),
        sampling=sampling,
        responses=None if isinstance(responses, GroupStatistics) else responses,
    )
    return _assessment(
        stats,
        attrs.evolve(settings, sampling=sampling),
        declared,
        inputs,
        resamples=int(resamples),
        seed=int(seed),
    )


def _assessment(
    stats: GroupStatistics,
    settings: Settings,
    declared: Mapping[str, tuple[str, ...]],
    inputs: _Inputs,
    *,
    resamples: int,
    seed: int,
    t: Tables | None = None,
) -> Assessment:
    """Compute the tables (unless given) and wrap them in an Assessment."""
    from jointworking._builder import Builder  # noqa: PLC0415 - needs this module's classes

    if t is None:
        t = tables(
            stats,
            settings,
            arrangements=declared,
            claims=inputs.claims,
            targets=inputs.targets,
            values=inputs.values,
        )
    builder = Builder(t)
    method: Literal["bootstrap", "normal", "none"] = (
        "none" if settings.sampling is None else settings.sampling.method
    )
    return Assessment(
        instrument=stats.instrument,
        min_group_size=settings.size,
        agreement_threshold=settings.agreement,
        confidence=settings.confidence,
        resamples=resamples,
        seed=seed,
        uncertainty=method,
        shared=settings.shared,
        arrangements=MappingProxyType(dict(declared)),
        groups=builder.groups,
        relationships=builder.relationships,
        findings=builder.findings,
        progress=builder.progress,
        tables=t,
        inputs=inputs,
    )


def _shared_view(assessment: Assessment) -> Assessment:
    """Assess again what may be shared: see :meth:`Assessment.shared_view`."""
    t = assessment._tables
    settings = attrs.evolve(t.settings, shared=True)
    # With nothing to withhold, the shared view's figures are the analyst's own: no small
    # group, no question too few of a group answered, and no unit's question too few of
    # a counted unit answered (the unit gap would use it).
    stats, size = t.statistics, t.size
    index = stats._index
    named = np.asarray([u != "" for u in index.units], dtype=bool)[index.cell_keys[:, 3]]
    counted_units = named & (stats.respondents >= size)
    unit_thin = counted_units[:, np.newaxis] & (stats.count > 0) & (stats.count < size)
    nothing_withheld = not (t.g.small.any() or t.g.thin.any() or unit_thin.any())
    return _assessment(
        t.statistics,
        settings,
        assessment.arrangements,
        assessment._inputs,
        resamples=assessment.resamples,
        seed=assessment.seed,
        t=attrs.evolve(t, settings=settings) if nothing_withheld else None,
    )


def _rungs_by_key(
    given: ByRelationship[Rung | str] | None,
    argument: str,
    arrangements: Mapping[str, tuple[str, ...]],
) -> dict[_PairKey, Rung]:
    if given is not None and not isinstance(given, Mapping):
        raise ArgumentError(
            f"{argument}: expected a mapping of relationship to rung, got {type(given).__name__}"
        )
    out: dict[_PairKey, Rung] = {}
    for raw, rung in (given or {}).items():
        key = _relationship_key(raw, arrangements, argument)
        if key in out:
            raise ArgumentError(
                f"{argument}: {_pair_subject(key)!r} is given twice (a pair can be written"
                " either way round; give it once)"
            )
        out[key] = Rung.parse(rung, argument=f"{argument}[{_pair_subject(key)!r}]")
    return out


def _values_by_key(
    given: ByRelationship[ValueInputs] | None,
    arrangements: Mapping[str, tuple[str, ...]],
) -> dict[_PairKey, AddedValue | SimulatedAddedValue]:
    if given is not None and not isinstance(given, Mapping):
        raise ArgumentError(
            f"values: expected a mapping of relationship to ValueInputs, got {type(given).__name__}"
        )
    out: dict[_PairKey, AddedValue | SimulatedAddedValue] = {}
    for raw, inputs in (given or {}).items():
        key = _relationship_key(raw, arrangements, "values")
        subject = _pair_subject(key)
        if key in out:
            raise ArgumentError(
                f"values: {subject!r} is given twice (a pair can be written either way"
                " round; give it once)"
            )
        if not isinstance(inputs, ValueInputs):
            raise ArgumentError(f"values[{subject!r}]: expected ValueInputs, got {inputs!r}")
        try:
            out[key] = inputs.test()
        except ArgumentError as error:
            raise ArgumentError(f"values[{subject!r}]: {error}") from None
    return out


def _value_dict(value: AddedValue | SimulatedAddedValue) -> dict[str, Any]:
    """Return an added-value result as plain data (the layout of ``to_dict``)."""
    from jointworking._layout import value_layout  # noqa: PLC0415 - outputs load on use

    return value_layout(value)
