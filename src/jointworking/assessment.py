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

import contextlib
import functools
import gc
import itertools
import json
import math
import operator
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from types import MappingProxyType
from typing import Any, Final, Literal, TypeAlias, TypeVar, overload

import attrs
import numpy as np
import numpy.typing as npt

from jointworking._engine import (
    KIND,
    KINDS,
    NO_RUNG,
    SEVERITIES,
    SEVERITY,
    Tables,
    tables,
)
from jointworking.errors import ArgumentError
from jointworking.instrument import Instrument
from jointworking.ladder import Placement, _placement
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

SCHEMA_VERSION: Final = 1
"""The version of the layout :meth:`Assessment.to_dict` produces; raised on any change
that could break a reader."""

Severity: TypeAlias = Literal["info", "warning", "critical"]
"""How much a finding matters: ``critical`` first."""

FindingKind: TypeAlias = Literal[
    "overstated_label",
    "external_above_internal",
    "perception_gap",
    "low_agreement",
    "one_sided",
    "too_few_respondents",
    "rung_jump",
    "insufficient_added_value",
    "unit_divergence",
    "wave_order",
]
"""The kinds of :class:`Finding`."""

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
    placement : Placement
        Where the group's mean scores place the joint working.
    uncertain : tuple of int
        Questions that decide the placement (those of every rung up to the next one)
        whose r_wg is below the agreement threshold. A placement with any is uncertain.
        A question fewer than the minimum group size answered is not judged.
    small : bool
        Whether fewer than the minimum group size answered; shared outputs withhold its
        per-question figures.
    unit_gap : float
        The spread (max - min) of the units' index, each unit placed from its own
        per-question means, in index points; units with fewer respondents than the
        minimum group size are left out. NaN with
        fewer than two units (rule R8: the bigger and more diversified an organisation,
        the bigger the challenge).
    withheld_questions : tuple of int
        Questions answered, but by fewer people than the minimum group size: shared
        outputs withhold their mean, SD and r_wg (for a small group, every answered
        question).
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
    placement: Placement
    uncertain: tuple[int, ...]
    small: bool
    unit_gap: float = attrs.field(repr=False, eq=_float_eq, hash=False)
    withheld_questions: tuple[int, ...] = attrs.field(default=(), repr=False)

    @property
    def internal(self) -> bool:
        """Whether this is the organisation's view of itself."""
        return self.about == INTERNAL

    @property
    def overall_withheld(self) -> bool:
        """Whether shared outputs withhold the group's overall figures.

        The index, its change between waves, and r_wg(J). They do for a small group, and
        for a group with any withheld question: the index averages the question means and
        r_wg(J) their variances, so with the other questions' figures shown either would
        give the withheld one away.
        """
        return self.small or bool(self.withheld_questions)

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
    """The shared view of one relationship in one wave.

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
    gaps : tuple of float
        Per question: the largest difference between members' means (max - min); NaN
        where fewer than two members' respondents answered it.
    silent : tuple of str
        Members who gave no view.
    withheld : tuple of str
        Members whose view rests on fewer respondents than the minimum group size:
        shared outputs show their rung but no figure computed from their answers.
    internal : mapping of str to Rung
        Each member's own internal rung in the same wave, where known.
    effective_rung : Rung
        The lowest of the members' views and of their internal rungs (rule R7: an
        organisation is no better a partner than it is inside).
    claimed, target : Rung or None
        What the joint working is called and what it aims for, where given.
    value : AddedValue or SimulatedAddedValue or None
        The added-value test, where values were given.
    withheld_questions : mapping of str to tuple of int
        For each member that answered, the questions its respondents answered but fewer
        of them than the minimum group size: shared outputs withhold that member's mean
        and the question's gap (for a small member, every answered question).
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
    effective_rung: Rung
    claimed: Rung | None = None
    target: Rung | None = None
    value: AddedValue | SimulatedAddedValue | None = attrs.field(
        default=None, repr=False, eq=False, hash=False
    )
    withheld_questions: Mapping[str, tuple[int, ...]] = attrs.field(
        factory=lambda: MappingProxyType({}), repr=False, hash=False
    )

    @property
    def withheld_gaps(self) -> tuple[int, ...]:
        """The questions whose gap shared outputs withhold: a member answered them too few."""
        return tuple(sorted({n for few in self.withheld_questions.values() for n in few}))

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
    """

    organisation: str
    about: str
    before: str
    after: str
    rung_before: Rung
    rung_after: Rung
    index_change: float = attrs.field(eq=_float_eq, hash=False)

    @property
    def rung_change(self) -> int:
        """Rungs climbed (negative if fallen)."""
        return int(self.rung_after) - int(self.rung_before)


def _value_list(values: Sequence[float | Estimate]) -> tuple[float | Estimate, ...]:
    return tuple(values)


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

    def test(self, *, draws: int = 100_000) -> AddedValue | SimulatedAddedValue:
        """Run the added-value test: by simulation if any input is uncertain.

        Raises
        ------
        ArgumentError
            As :func:`~jointworking.added_value` or
            :func:`~jointworking.simulate_added_value`.
        """
        if self.uncertain:
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

    Attributes
    ----------
    instrument : Instrument
    min_group_size : int
    agreement_threshold : float
    arrangements : mapping of str to tuple of str
        The declared multi-party arrangements and their members.
    groups : sequence of GroupView
        Every group in every wave, sorted by organisation, about and wave.
    relationships : sequence of RelationshipView
        Every relationship in every wave in which someone gave a view of it, sorted by
        subject and wave.
    findings : sequence of Finding
        What needs attention, on each group's and relationship's latest wave: most
        severe first, then by kind, then in the order of the groups (organisation, about)
        or relationships (subject) concerned.
    progress : sequence of Progress
        Each group's change between consecutive waves.
    statistics : GroupStatistics
        The per-cell sums everything above was computed from.

    Two assessments are equal (``==``) when their settings, arrangements, groups,
    relationships, findings and progress are: assessing merged chunks of a survey gives
    an assessment equal to assessing the whole.
    """

    instrument: Instrument
    min_group_size: int
    agreement_threshold: float
    arrangements: Mapping[str, tuple[str, ...]] = attrs.field(repr=False)
    groups: Sequence[GroupView] = attrs.field(repr=False)
    relationships: Sequence[RelationshipView] = attrs.field(repr=False)
    findings: Sequence[Finding] = attrs.field(repr=False)
    progress: Sequence[Progress] = attrs.field(repr=False)
    _tables: Tables = attrs.field(repr=False, alias="tables")

    @property
    def statistics(self) -> GroupStatistics:
        """The per-cell sums the assessment was computed from (see :func:`assess`)."""
        return self._tables.statistics

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Assessment):
            return NotImplemented
        return (
            (self.instrument, self.min_group_size, self.agreement_threshold)
            == (other.instrument, other.min_group_size, other.agreement_threshold)
            and dict(self.arrangements) == dict(other.arrangements)
            and self.groups == other.groups
            and self.relationships == other.relationships
            and self.findings == other.findings
            and self.progress == other.progress
        )

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        t = self._tables
        organisations = np.unique(t.g.keys[:, 0]).size
        return (
            f"<Assessment: {organisations} organisations, {len(self.groups)} groups,"
            f" {len(self.relationships)} relationship views, {len(self.findings)} findings>"
        )

    def _repr_html_(self) -> str:
        from jointworking._display import assessment_html  # noqa: PLC0415 - notebooks only

        return assessment_html(self)

    def group(self, organisation: str, about: str = INTERNAL, wave: str | None = None) -> GroupView:
        """Return one group's view; `wave` None means the group's latest wave.

        Raises
        ------
        ArgumentError
            If no such group answered; the message lists what there is.
        """
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
        """Return a relationship's shared view: a pair (either order) or an arrangement.

        Parameters
        ----------
        a, b : str
            Two organisations, in either order; or `a` alone, an arrangement's name.
        wave : str, optional
            The wave; by default the latest in which anyone gave a view of it.

        Raises
        ------
        ArgumentError
            If nobody gave a view of that relationship.
        """
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

    def to_dict(self, *, shared: bool = True) -> dict[str, Any]:
        """Return the results as plain data (see the JSON schema in the documentation).

        Parameters
        ----------
        shared : bool, optional
            True (the default) for results to be shared: the per-question figures of
            groups smaller than `min_group_size` are withheld (``null``), and so are
            gaps and indices that would reveal them; their placement still shows,
            flagged ``"withheld": true``. So are the figures of a question fewer than
            `min_group_size` people answered, in any group, and the gaps that use
            them. False gives the analyst everything.
        """
        return _to_dict(self, shared=shared)

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


def _check_settings(min_group_size: int, agreement_threshold: float) -> tuple[int, float]:
    size: object = min_group_size
    if isinstance(size, bool) or not isinstance(size, int | np.integer) or size < 1:
        raise ArgumentError(
            f"min_group_size: expected a whole number of at least 1, got {min_group_size!r}"
        )
    level: object = agreement_threshold
    if (
        isinstance(level, bool)
        or not isinstance(level, int | float | np.integer | np.floating)
        or not 0 <= float(level) <= 1
    ):
        raise ArgumentError(
            f"agreement_threshold: expected a number from 0 to 1, got {agreement_threshold!r}"
        )
    return int(size), float(level)


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
) -> Assessment:
    """Assess a survey: groups, relationships and findings, in one call.

    Parameters
    ----------
    responses : Responses or GroupStatistics
        The survey, e.g. from :func:`~jointworking.io.read_responses`, or its per-group
        sums (:class:`~jointworking.GroupStatistics`, e.g. merged from chunks of a file
        too large to hold at once). Both give the same assessment.
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
        Groups with fewer respondents are flagged and their per-question figures are
        withheld from shared outputs. 3 by default.
    agreement_threshold : float, optional
        r_wg below this is low agreement; 0.70 by convention.

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
    """
    if not isinstance(responses, Responses | GroupStatistics):
        raise ArgumentError(
            "responses: expected a Responses collection or GroupStatistics, got"
            f" {type(responses).__name__}"
        )
    inst = responses.instrument
    if instrument is not None and instrument != inst:
        raise ArgumentError(
            f"instrument: the responses answer {inst.name!r}, not {instrument.name!r}"
        )
    size, agreement = _check_settings(min_group_size, agreement_threshold)
    declared = _check_arrangements(arrangements, responses)
    stats = (
        responses
        if isinstance(responses, GroupStatistics)
        else GroupStatistics.from_responses(responses)
    )
    t = tables(
        stats,
        size=size,
        agreement=agreement,
        arrangements=declared,
        claims=_rungs_by_key(claims, "claims", declared),
        targets=_rungs_by_key(targets, "targets", declared),
        values=_values_by_key(values, declared),
    )
    builder = _Builder(t)
    return Assessment(
        instrument=inst,
        min_group_size=size,
        agreement_threshold=agreement,
        arrangements=MappingProxyType(declared),
        groups=builder.groups,
        relationships=builder.relationships,
        findings=builder.findings,
        progress=builder.progress,
        tables=t,
    )


_T = TypeVar("_T")


@contextlib.contextmanager
def _collection_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while many objects are built at once.

    Building tens of thousands of findings would otherwise set off collections that
    walk every object in the process, for no garbage: the objects built hold no cycles.
    The collector's previous state is restored.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class _Lazy(Sequence[_T]):
    """A read-only sequence whose items are built on first access, then kept."""

    __slots__ = ("_cache", "_make", "_make_all", "_n")

    def __init__(
        self, n: int, make: Callable[[int], _T], make_all: Callable[[], list[_T]] | None = None
    ) -> None:
        self._n = n
        self._make = make
        self._make_all = make_all  # builds every item at once, quicker than one by one
        self._cache: list[_T | None] = [None] * n

    def __len__(self) -> int:
        return self._n

    @overload
    def __getitem__(self, i: int) -> _T: ...

    @overload
    def __getitem__(self, i: slice) -> tuple[_T, ...]: ...

    def __getitem__(self, i: int | slice) -> _T | tuple[_T, ...]:
        if isinstance(i, slice):
            return tuple(self._get(j) for j in range(*i.indices(self._n)))
        j = operator.index(i)
        if j < 0:
            j += self._n
        if not 0 <= j < self._n:
            raise IndexError(f"index {i} is out of range for {self._n} items")
        return self._get(j)

    def _get(self, j: int) -> _T:
        item = self._cache[j]
        if item is None:
            item = self._cache[j] = self._make(j)
        return item

    def __iter__(self) -> Iterator[_T]:
        if self._make_all is not None:
            with _collection_paused():
                every = self._make_all()
            self._make_all = None
            # Items already read keep their identity.
            for j, old in enumerate(self._cache):
                if old is not None:
                    every[j] = old
            self._cache = list[_T | None](every)
            return iter(every)
        return self._each()

    def _each(self) -> Iterator[_T]:
        cache, make = self._cache, self._make
        for j in range(self._n):
            item = cache[j]
            if item is None:
                item = cache[j] = make(j)
            yield item

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, str | bytes):
            return NotImplemented
        return len(other) == self._n and all(a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        if self._n > 6:
            return f"<{self._n} items: {self[0]!r}, ..., {self[-1]!r}>"
        return repr(tuple(self))


#: The columns _Builder reads one item at a time, as Python lists (indexing numpy one
#: item at a time is slow); each list is made the first time it is read.
_LISTS: Final[dict[str, Callable[[Tables], npt.NDArray[Any]]]] = {
    "rung_of": lambda t: t.g.rung,
    "organisation_of": lambda t: t.g.keys[:, 0],
    "about_of": lambda t: t.g.keys[:, 1],
    "wave_of": lambda t: t.g.keys[:, 2],
    "rel_groups": lambda t: t.rel.groups,
    "rel_starts": lambda t: t.rel.starts,
    "rel_a": lambda t: t.rel.a,
    "rel_b": lambda t: t.rel.b,
    "rel_wave": lambda t: t.rel.wave,
    "rel_arrangement": lambda t: t.rel.arrangement,
    "effective": lambda t: t.rel.effective,
    "claimed": lambda t: t.claimed,
    "target": lambda t: t.target,
    "internal_group": lambda t: t.internal_group,
}


class _Builder:
    """Build the result objects of one assessment from its columns, on demand."""

    rung_of: list[int]
    organisation_of: list[int]
    about_of: list[int]
    wave_of: list[int]
    rel_groups: list[int]
    rel_starts: list[int]
    rel_a: list[int]
    rel_b: list[int]
    rel_wave: list[int]
    rel_arrangement: list[bool]
    effective: list[int]
    claimed: list[int]
    target: list[int]
    internal_group: list[list[int]]

    def __getattr__(self, name: str) -> Any:
        # Called only for attributes not yet set: the columns in _LISTS.
        column = _LISTS.get(name)
        if column is None:
            raise AttributeError(name)
        values = column(self.t).tolist()
        setattr(self, name, values)
        return values

    def __init__(self, t: Tables) -> None:
        self.t = t
        inst = t.statistics.instrument
        self.numbers = inst.numbers
        self.number_array = np.asarray(inst.numbers)
        self.rung_codes = inst._rung_codes()
        self.position = t.position
        self.question_text: dict[bytes, tuple[tuple[int, ...], str]] = {}
        self.questions_by_bits: dict[int, tuple[int, ...]] = {}
        self.internal_code = self.position.get(INTERNAL, -1)
        keys = t.g.keys
        follows = np.flatnonzero((keys[1:, 0] == keys[:-1, 0]) & (keys[1:, 1] == keys[:-1, 1]))
        self.groups: _Lazy[GroupView] = _Lazy(t.n_groups, self.group)
        self.relationships: _Lazy[RelationshipView] = _Lazy(t.n_relationships, self.relationship)
        self.findings: _Lazy[Finding] = _Lazy(
            int(t.finding_kind.size), self.finding, self.every_finding
        )
        self.progress: _Lazy[Progress] = _Lazy(int(follows.size), lambda i: self.step(follows[i]))

    # ---- groups -------------------------------------------------------------------

    def group_subject(self, g: int) -> str:
        """Name group `g` in findings: "A (internal)", "A (about B, 2026)"."""
        names = self.t.names
        about = self.about_of[g]
        where = "internal" if about == self.internal_code else f"about {names[about]}"
        wave = self.t.waves[self.wave_of[g]]
        return (
            f"{names[self.organisation_of[g]]} ({where}, {wave})"
            if wave
            else (f"{names[self.organisation_of[g]]} ({where})")
        )

    def group(self, g: int) -> GroupView:
        t = self.t
        o, a, w = t.g.keys[g].tolist()
        cells = t.statistics._index.cell_keys[t.cell_starts[g] : t.cell_starts[g + 1], 3]
        return GroupView(
            organisation=t.names[o],
            about=t.names[a],
            wave=t.waves[w],
            respondents=int(t.g.respondents[g]),
            units=tuple(t.units[u] for u in cells.tolist() if t.units[u]),
            count=tuple(t.g.count[g].tolist()),
            mean=tuple(t.g.mean[g].tolist()),
            sd=tuple(np.sqrt(t.g.var[g]).tolist()),
            rwg=tuple(t.g.rwg[g].tolist()),
            rwg_j=float(t.g.rwg_j[g]),
            placement=_placement(
                int(t.g.rung[g]),
                float(t.g.index[g]),
                t.g.met[g],
                t.g.mean[g],
                rung_codes=self.rung_codes,
                numbers=self.numbers,
            ),
            uncertain=tuple(self.number_array[t.g.uncertain[g]].tolist()),
            small=bool(t.g.small[g]),
            unit_gap=float(t.g.unit_gap[g]),
            withheld_questions=tuple(self.number_array[t.g.thin[g]].tolist()),
        )

    def step(self, before: int) -> Progress:
        t = self.t
        o, a, w = t.g.keys[before].tolist()
        after = before + 1
        return Progress(
            organisation=t.names[o],
            about=t.names[a],
            before=t.waves[w],
            after=t.waves[t.g.keys[after, 2]],
            rung_before=Rung(int(t.g.rung[before])),
            rung_after=Rung(int(t.g.rung[after])),
            index_change=float(t.g.index[after] - t.g.index[before]),
        )

    # ---- relationships ------------------------------------------------------------

    def members(self, r: int) -> tuple[str, ...]:
        names = self.t.names
        if self.rel_arrangement[r]:
            return self.t.arrangements[names[self.rel_a[r]]]
        return (names[self.rel_a[r]], names[self.rel_b[r]])

    def views(self, r: int) -> dict[str, int]:
        """Each member that answered, and the row of its group, in name order."""
        names, org = self.t.names, self.organisation_of
        rows = self.rel_groups[self.rel_starts[r] : self.rel_starts[r + 1]]
        return {names[org[g]]: g for g in rows}

    def internal(self, r: int) -> dict[str, int]:
        """Each member's internal group row in the same wave, where it answered."""
        out = {}
        wave = self.rel_wave[r]
        for member in self.members(r):
            row = self.internal_group[self.position[member]][wave]
            if row >= 0:
                out[member] = row
        return out

    def joint(self, r: int) -> str:
        """Name a relationship's joint working in a sentence."""
        if self.rel_arrangement[r]:
            return self.t.rel.subject[r]
        return f"the joint working of {self.t.rel.subject[r]}"

    def relationship(self, r: int) -> RelationshipView:
        t = self.t
        members = self.members(r)
        views = self.views(r)
        claimed, target = int(t.claimed[r]), int(t.target[r])
        return RelationshipView(
            subject=t.rel.subject[r],
            kind="arrangement" if t.rel.arrangement[r] else "pair",
            members=members,
            wave=t.waves[t.rel.wave[r]],
            views=MappingProxyType({m: self.groups[g].placement for m, g in views.items()}),
            gaps=tuple(t.rel.gaps[r].tolist()),
            silent=tuple(m for m in members if m not in views),
            withheld=tuple(m for m, g in views.items() if t.g.small[g]),
            internal=MappingProxyType(
                {m: Rung(int(t.g.rung[g])) for m, g in self.internal(r).items()}
            ),
            effective_rung=Rung(int(t.rel.effective[r])),
            claimed=None if claimed == NO_RUNG else Rung(claimed),
            target=None if target == NO_RUNG else Rung(target),
            value=t.values.get(r),
            withheld_questions=MappingProxyType(
                {m: tuple(self.number_array[t.g.thin[g]].tolist()) for m, g in views.items()}
            ),
        )

    # ---- findings -----------------------------------------------------------------

    def questions(self, mask: npt.NDArray[np.bool_]) -> tuple[tuple[int, ...], str]:
        """Return the question numbers a mask selects, and how a sentence names them."""
        return self.questions_by_key(mask.tobytes(), mask)

    def questions_by_key(
        self, key: bytes, mask: npt.NDArray[np.bool_]
    ) -> tuple[tuple[int, ...], str]:
        found = self.question_text.get(key)
        if found is None:
            numbers = tuple(self.number_array[mask].tolist())
            found = self.question_text[key] = (numbers, _questions(numbers))
        return found

    def each_questions(self, masks: npt.NDArray[np.bool_]) -> list[tuple[tuple[int, ...], str]]:
        """Return :meth:`questions` for every row of `masks`, working once per distinct row."""
        if masks.shape[0] == 0:
            return []
        _, first, inverse = np.unique(_row_codes(masks), return_index=True, return_inverse=True)
        texts = np.empty(first.size, dtype=object)
        texts[:] = [self.questions(masks[i]) for i in first.tolist()]
        found: list[tuple[tuple[int, ...], str]] = texts[inverse.reshape(-1)].tolist()
        return found

    def uncertain_questions(self, g: int) -> tuple[tuple[int, ...], str]:
        """Return the questions that make group `g`'s placement uncertain."""
        return self.questions(self.t.g.uncertain[g])

    def blocking(self, g: int) -> tuple[int, ...]:
        """Return the next rung's questions that group `g` does not meet."""
        return self.questions(self.t.blocking[g])[0]

    def finding(self, i: int) -> Finding:
        t = self.t
        kind: FindingKind = KINDS[t.finding_kind[i]]
        severity: Severity = SEVERITIES[t.finding_severity[i]]
        row = int(t.finding_row[i])
        if kind == "wave_order":
            return _wave_order(t.waves)
        if kind in _GROUP_KINDS:
            return self.group_finding(kind, severity, self.group_subject(row), row)
        subject = t.rel.subject[row]
        return self.relationship_finding(kind, severity, subject, row, int(t.finding_member[i]))

    def every_finding(self) -> list[Finding]:
        """Build every finding at once: the two commonest kinds column by column."""
        t = self.t
        found = np.empty(t.finding_kind.size, dtype=object)
        built = np.zeros(t.finding_kind.size, dtype=bool)
        kind, severity, row = t.finding_kind, t.finding_severity, t.finding_row
        names = np.empty(len(t.names), dtype=object)
        names[:] = t.names
        alone = np.empty(len(t.names), dtype=object)  # each name's 1-tuple, shared
        alone[:] = [(name,) for name in t.names]
        wave_names = np.empty(max(len(t.waves), 1), dtype=object)
        wave_names[:] = t.waves or ("",)
        rung_labels = np.asarray(_RUNG_LABEL, dtype=object)
        severities = np.asarray(SEVERITIES, dtype=object)

        # Low agreement on the questions that decide a placement.
        picked = np.flatnonzero((kind == KIND["low_agreement"]) & (severity == SEVERITY["warning"]))
        groups = row[picked]
        keys = t.g.keys[groups]
        internal = keys[:, 1] == self.internal_code
        where = np.where(internal, "internal", "about ").astype(object)
        about = np.where(internal, "", names[keys[:, 1]])
        suffix = np.asarray([f", {w}" if w else "" for w in wave_names], dtype=object)
        subjects = [
            f"{o} ({w}{a}{s})"
            for o, w, a, s in zip(
                names[keys[:, 0]].tolist(),
                where.tolist(),
                about.tolist(),
                suffix[keys[:, 2]].tolist(),
                strict=True,
            )
        ]
        numbers, texts = _unzip(self.each_questions(t.g.uncertain[groups]), 2)
        threshold = f"{t.agreement:.2f}"
        # The message is _uncertain's, written out here to save a call per finding.
        messages = [
            f"Respondents for {subject} disagree on {text}, which decide its placement"
            f" ({label}): their within-group agreement (r_wg) is below {threshold}, so the"
            " placement is uncertain."
            for subject, text, label in zip(
                subjects, texts, rung_labels[t.g.rung[groups]].tolist(), strict=True
            )
        ]
        found[picked] = list(
            map(
                Finding,
                itertools.repeat("low_agreement", len(subjects)),
                itertools.repeat("warning"),
                subjects,
                messages,
                alone[keys[:, 0]].tolist(),
                numbers,
                wave_names[keys[:, 2]].tolist(),
            )
        )
        built[picked] = True

        # Members who see a relationship differently: pairs with both views column by
        # column; the rest (arrangements, one-view pairs) are built one at a time below.
        picked = np.flatnonzero(kind == KIND["perception_gap"])
        rels = row[picked]
        first = t.rel.starts[rels]
        pairs = ~t.rel.arrangement[rels] & (t.rel.starts[rels + 1] - first == 2)
        both = picked[pairs]
        if both.size:
            r = rels[pairs].tolist()
            g1, g2 = t.rel.groups[first[pairs]], t.rel.groups[first[pairs] + 1]
            subject_of = t.rel.subject
            wides, texts = _unzip(self.each_questions(t.wide[r]), 2)
            subjects = [subject_of[i] for i in r]
            first_names = names[t.g.keys[g1, 0]].tolist()
            second_names = names[t.g.keys[g2, 0]].tolist()
            # The message is _seen_differently's, written out here as one f-string.
            messages = [
                f"Members see the joint working of {subject} differently ({a}: {la}; {b}:"
                f" {lb}){_gaps(text) if wide else ''}."
                for subject, a, b, la, lb, wide, text in zip(
                    subjects,
                    first_names,
                    second_names,
                    rung_labels[t.g.rung[g1]].tolist(),
                    rung_labels[t.g.rung[g2]].tolist(),
                    wides,
                    texts,
                    strict=True,
                )
            ]
            found[both] = list(
                map(
                    Finding,
                    itertools.repeat("perception_gap", len(r)),
                    severities[severity[both]].tolist(),
                    subjects,
                    messages,
                    zip(first_names, second_names, strict=True),
                    wides,
                    wave_names[t.rel.wave[r]].tolist(),
                )
            )
            built[both] = True
        rest = np.flatnonzero(~built)
        found[rest] = [self.finding(i) for i in rest.tolist()]
        every: list[Finding] = found.tolist()
        return every

    def group_finding(self, kind: FindingKind, severity: Severity, subject: str, g: int) -> Finding:
        t = self.t
        organisation = t.names[self.organisation_of[g]]
        questions: tuple[int, ...] = ()
        if kind == "low_agreement" and severity == "warning":
            questions, text = self.uncertain_questions(g)
            message = _uncertain(subject, text, _RUNG_LABEL[self.rung_of[g]], f"{t.agreement:.2f}")
        elif kind == "low_agreement":
            questions, _ = self.questions(t.low_rwg[g])
            # Not the figure itself where a question few answered would show through it.
            figure = "below" if t.g.thin[g].any() else f"= {t.g.rwg_j[g]:.2f}, below"
            message = (
                f"Respondents for {subject} agree little overall (within-group agreement"
                f" r_wg(J) {figure} {t.agreement:.2f}), though not on the questions that"
                " decide the placement."
            )
        elif kind == "too_few_respondents":
            message = (
                f"Only {_count(int(t.g.respondents[g]), 'respondent')} answered for {subject},"
                f" fewer than the minimum of {t.size}: the placement rests on very few people,"
                " and shared results withhold its per-question figures."
            )
        else:
            message = (
                f"Units of {organisation} ({', '.join(self.groups[g].units)}) differ by"
                f" {t.g.unit_gap[g]:.0f} index points in how they see its joint working: the"
                " bigger and more diversified an organisation, the bigger the challenge."
            )
        wave = t.waves[self.wave_of[g]]
        return Finding(kind, severity, subject, message, (organisation,), questions, wave)

    def relationship_finding(
        self, kind: FindingKind, severity: Severity, subject: str, r: int, member_row: int
    ) -> Finding:
        t = self.t
        wave = t.waves[self.rel_wave[r]]
        joint = self.joint(r)
        rung = self.rung_of
        if kind == "perception_gap":
            views = self.views(r)
            wide, text = self.questions(t.wide[r])
            placed = "; ".join([f"{m}: {_RUNG_LABEL[rung[g]]}" for m, g in views.items()])
            message = _seen_differently(joint, placed, text if wide else "")
            return Finding(kind, severity, subject, message, tuple(views), wide, wave)
        if kind == "external_above_internal":
            member = t.names[self.organisation_of[member_row]]
            view = _RUNG_LABEL[rung[self.views(r)[member]]]
            message = (
                f"{member} places {joint} at {view}, above its own internal joint working"
                f" ({_RUNG_LABEL[rung[member_row]]}). An organisation without partnership"
                " working internally cannot be an effective partner externally: the"
                " effective rung is capped."
            )
            blocking = self.blocking(member_row)
            return Finding(kind, severity, subject, message, (member,), blocking, wave)
        members = self.members(r)
        effective = self.effective[r]
        if kind == "one_sided":
            views = self.views(r)
            silent = tuple(m for m in members if m not in views)
            message = (
                f"{_names(silent)} gave no view of {joint}: the relationship is seen from"
                " one side only until every member answers and the results are shared."
            )
            if not t.rel.arrangement[r]:
                message += (
                    f" (If {_names(silent)} is a multi-party arrangement rather than an"
                    " organisation, declare it with its members.)"
                )
            return Finding(kind, severity, subject, message, silent, (), wave)
        if kind == "overstated_label":
            claimed = self.claimed[r]
            message = (
                f"{_sentence(joint)} is called a {_RUNG_LABEL[claimed]}, but the evidence"
                f" places it at {_RUNG_LABEL[effective]},"
                f" {_count(claimed - effective, 'rung')} lower{self.capped(r)}. A label the"
                " reality of performance and behaviours does not bear out undermines"
                " credibility and confidence."
            )
            return Finding(kind, severity, subject, message, members, self.holding(r), wave)
        if kind == "rung_jump":
            target = Rung(self.target[r])
            message = (
                f"{_sentence(joint)} aims for {target} from {_RUNG_LABEL[effective]}:"
                f" organisations can't jump rungs; plan the steps {_steps(effective, target)}."
            )
            return Finding(kind, severity, subject, message, members, (), wave)
        verdict = t.values[r].verdict
        message = (
            f"The added value of {joint} is {verdict}, not significant: the rationale for it"
            " has to be seriously questioned."
        )
        return Finding(kind, severity, subject, message, members, (), wave)

    def holding(self, r: int) -> tuple[int, ...]:
        """Return the questions, up to the claimed rung, that views below it do not meet.

        A small member's view adds only its blocking questions, all that shared outputs
        say of what it meets.
        """
        claimed, rung, small = self.claimed[r], self.rung_of, self.t.g.small
        bits = 0
        for g in self.rel_groups[self.rel_starts[r] : self.rel_starts[r + 1]]:
            if rung[g] < claimed:
                top = rung[g] + 1 if small[g] else claimed
                bits |= self.unmet_bits(g) & self.rung_bits[top]
        found = self.questions_by_bits.get(bits)
        if found is None:
            found = tuple(n for j, n in enumerate(self.numbers) if bits >> j & 1)
            self.questions_by_bits[bits] = found
        return found

    def unmet_bits(self, g: int) -> int:
        """Return the questions group `g` does not meet as bits (bit j: the j-th question)."""
        unmet = np.packbits(~self.t.g.met[g], bitorder="little").tobytes()
        return int.from_bytes(unmet, "little")

    @functools.cached_property
    def rung_bits(self) -> list[int]:
        """Per rung, the questions that evidence it or a lower rung, as bits."""
        return [
            sum(1 << j for j in np.flatnonzero(self.rung_codes <= rung).tolist())
            for rung in range(len(Rung))
        ]

    def capped(self, r: int) -> str:
        """Explain an effective rung below every member's view: an internal rung caps it."""
        effective = self.effective[r]
        views = self.rel_groups[self.rel_starts[r] : self.rel_starts[r + 1]]
        if effective >= min([self.rung_of[g] for g in views]):
            return ""
        capping = [m for m, g in self.internal(r).items() if self.rung_of[g] == effective]
        return (
            f" (the members' views are higher, but {_names(capping)} is at"
            f" {Rung(effective)} internally, and an organisation is no better a partner"
            " than it is inside)"
        )


_RUNG_LABEL: Final = tuple(str(rung) for rung in Rung)


def _uncertain(subject: str, questions: str, rung: str, agreement: str) -> str:
    """Say that a group's placement is uncertain: low agreement on deciding questions."""
    return (
        f"Respondents for {subject} disagree on {questions}, which decide its placement"
        f" ({rung}): their within-group agreement (r_wg) is below {agreement}, so the"
        " placement is uncertain."
    )


def _seen_differently(joint: str, placed: str, wide: str) -> str:
    """Say that members see a relationship differently, and where the gaps are wide."""
    gaps = _gaps(wide) if wide else ""
    return f"Members see {joint} differently ({placed}){gaps}."


def _gaps(wide: str) -> str:
    return f"; gaps of a point or more on {wide}"


def _unzip(rows: list[tuple[Any, ...]], width: int) -> tuple[list[Any], ...]:
    """Return the columns of a list of equal-length tuples."""
    if not rows:
        return tuple([] for _ in range(width))
    return tuple(list(column) for column in zip(*rows, strict=True))


def _row_codes(masks: npt.NDArray[np.bool_]) -> npt.NDArray[Any]:
    """Return each row of a 2-D boolean array as one code, equal for equal rows.

    The rows' bits packed into a 64-bit number when they fit (quick to sort), else into
    raw bytes.
    """
    packed = np.packbits(masks, axis=1)
    width = packed.shape[1]
    if width <= 8:
        padded = np.zeros((packed.shape[0], 8), dtype=np.uint8)
        padded[:, :width] = packed
        return padded.view(np.uint64).reshape(-1)
    return np.ascontiguousarray(packed).view(np.dtype((np.void, width))).reshape(-1)


_GROUP_KINDS: Final = frozenset(("too_few_respondents", "low_agreement", "unit_divergence"))


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


def _wave_order(waves: Sequence[str]) -> Finding:
    """Warn that waves, ordered as text, may not be in time order."""
    order = " before ".join(repr(w) for w in waves)
    return Finding(
        "wave_order",
        "warning",
        "waves",
        f"Waves are put in order as text ({order}), so the latest wave and the progress"
        " between waves are only right if that is their order in time. Name waves year"
        " first, with months or quarters zero-padded (e.g. 2025-09, 2025-10, 2026-03), so"
        " that text order is time order.",
        (),
        wave=waves[-1],
    )


def _numbers(numbers: Iterable[int]) -> str:
    return ", ".join(str(n) for n in numbers)


def _questions(numbers: Sequence[int]) -> str:
    word = "question" if len(numbers) == 1 else "questions"
    return f"{word} {_numbers(numbers)}"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _steps(start: int, end: int) -> str:
    return " then ".join(str(Rung(r)) for r in range(start + 1, end + 1))


def _names(names: Sequence[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _number(value: float) -> float | None:
    return None if math.isnan(value) else round(value, 6)


def _placement_dict(
    placement: Placement,
    *,
    withheld: bool,
    overall_withheld: bool = False,
    few: Collection[int] = (),
) -> dict[str, Any]:
    return {
        "rung": placement.rung.label,
        "index": None if withheld or overall_withheld else _number(placement.index),
        "next": None if placement.next is None else placement.next.label,
        "blocking": list(placement.blocking),
        # A withheld group keeps its rung and what blocks the next one; which questions
        # each person answered or met is not shared, nor whether a question few answered
        # is met.
        "missing": None if withheld else list(placement.missing),
        "met": None if withheld else [n for n in placement.met if n not in few],
        "ahead": None if withheld else [n for n in placement.ahead if n not in few],
    }


def _to_dict(assessment: Assessment, *, shared: bool) -> dict[str, Any]:
    inst = assessment.instrument
    numbers = inst.numbers
    no_index = {(g.organisation, g.about, g.wave) for g in assessment.groups if g.overall_withheld}

    def group(g: GroupView) -> dict[str, Any]:
        hide = shared and g.small
        return {
            "organisation": g.organisation,
            "about": g.about,
            "wave": g.wave,
            "respondents": g.respondents,
            "units": None if hide else list(g.units),
            "withheld": hide,
            "placement": _placement_dict(
                g.placement,
                withheld=hide,
                overall_withheld=shared and g.overall_withheld,
                few=g.withheld_questions if shared else (),
            ),
            "uncertain": None if hide else list(g.uncertain),
            "rwg_j": None if shared and g.overall_withheld else _number(g.rwg_j),
            "unit_gap": None if hide else _number(g.unit_gap),
            "questions": None
            if hide
            else [
                {
                    "number": n,
                    "count": c,
                    "withheld": few,
                    "mean": None if few else _number(m),
                    "sd": None if few else _number(s),
                    "rwg": None if few else _number(r),
                }
                for n, c, m, s, r in zip(numbers, g.count, g.mean, g.sd, g.rwg, strict=True)
                for few in (shared and n in g.withheld_questions,)
            ],
        }

    def relationship(view: RelationshipView) -> dict[str, Any]:
        hidden = set(view.withheld)
        withheld_gaps = set(view.withheld_gaps)
        hide = shared and bool(hidden)
        return {
            "subject": view.subject,
            "kind": view.kind,
            "members": list(view.members),
            "wave": view.wave,
            "views": {
                m: _placement_dict(
                    p,
                    withheld=shared and m in hidden,
                    overall_withheld=shared and bool(view.withheld_questions.get(m)),
                    few=view.withheld_questions.get(m, ()) if shared else (),
                )
                for m, p in view.views.items()
            },
            "silent": list(view.silent),
            "internal": {m: r.label for m, r in view.internal.items()},
            "effective_rung": view.effective_rung.label,
            "claimed": None if view.claimed is None else view.claimed.label,
            "target": None if view.target is None else view.target.label,
            "gaps": None
            if hide
            else [
                {"number": n, "withheld": few, "gap": None if few else _number(gap)}
                for n, gap in zip(numbers, view.gaps, strict=True)
                for few in (shared and n in withheld_gaps,)
            ],
            "value": None if view.value is None else _value_dict(view.value),
        }

    return {
        "schema_version": SCHEMA_VERSION,
        "shared": shared,
        "instrument": {
            "name": inst.name,
            "source": inst.source,
            "scale": list(inst.scale.values),
            "collaboration_threshold": inst.collaboration_threshold,
            "partnership_threshold": inst.partnership_threshold,
            "questions": [
                {"number": q.number, "key": q.key, "rung": q.rung.label, "text": q.text}
                for q in inst.questions
            ],
        },
        "settings": {
            "min_group_size": assessment.min_group_size,
            "agreement_threshold": assessment.agreement_threshold,
        },
        "arrangements": {k: list(v) for k, v in assessment.arrangements.items()},
        "groups": [group(g) for g in assessment.groups],
        "relationships": [relationship(v) for v in assessment.relationships],
        "findings": [
            {
                "kind": f.kind,
                "severity": f.severity,
                "subject": f.subject,
                "message": f.message,
                "organisations": list(f.organisations),
                "questions": list(f.questions),
                "wave": f.wave,
            }
            for f in assessment.findings
        ],
        "progress": [
            {
                "organisation": p.organisation,
                "about": p.about,
                "before": p.before,
                "after": p.after,
                "rung_before": p.rung_before.label,
                "rung_after": p.rung_after.label,
                "index_change": None
                if shared
                and (
                    (p.organisation, p.about, p.before) in no_index
                    or (p.organisation, p.about, p.after) in no_index
                )
                else _number(p.index_change),
            }
            for p in assessment.progress
        ],
    }


def _value_dict(value: AddedValue | SimulatedAddedValue) -> dict[str, Any]:
    if isinstance(value, AddedValue):
        return {
            "method": "point",
            "verdict": value.verdict.label,
            "threshold": value.threshold,
            "baseline": value.baseline,
            "joint": value.joint,
            "cost": value.cost,
            "optimism_bias": value.optimism_bias,
            "surplus": value.surplus,
            "uplift": value.uplift,
            "switching_value": value.switching_value,
        }
    return {
        "method": "monte_carlo",
        "verdict": value.verdict.label,
        "threshold": value.threshold,
        "confidence": value.confidence,
        "draws": value.draws,
        "seed": value.seed,
        "p_significant": value.p_significant,
        "p_positive": value.p_positive,
        "uplift": attrs.asdict(value.uplift),
        "surplus": attrs.asdict(value.surplus),
    }
