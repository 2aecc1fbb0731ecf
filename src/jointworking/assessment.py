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

import itertools
import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from types import MappingProxyType
from typing import Any, Final, Literal, TypeAlias, TypeVar

import attrs
import numpy as np
import numpy.typing as npt

from jointworking.agreement import (
    _moments_from_sums,
    _rwg_j_kernel,
    _rwg_kernel,
    _sufficient_statistics,
)
from jointworking.errors import ArgumentError
from jointworking.instrument import Instrument
from jointworking.ladder import Placement, _place, _placement
from jointworking.responses import INTERNAL, Responses
from jointworking.rung import Rung
from jointworking.value import (
    DEFAULT_THRESHOLD,
    AddedValue,
    Estimate,
    SimulatedAddedValue,
    Verdict,
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

_SEVERITY_ORDER: Final = {"critical": 0, "warning": 1, "info": 2}
#: Units whose mean index differs by this many points (one scale point on 0-4) diverge.
UNIT_GAP_POINTS: Final = 25.0
#: A per-question perception gap of at least this many scale points is reported.
PERCEPTION_GAP_POINTS: Final = 1.0

FloatArray: TypeAlias = npt.NDArray[np.float64]


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
    small : bool
        Whether fewer than the minimum group size answered; shared outputs withhold its
        per-question figures.
    unit_gap : float
        The spread (max - min) of the units' mean index, in index points; NaN with
        fewer than two units (rule R8: the bigger and more diversified an organisation,
        the bigger the challenge).
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

    @property
    def internal(self) -> bool:
        """Whether this is the organisation's view of itself."""
        return self.about == INTERNAL

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

    Attributes
    ----------
    instrument : Instrument
    min_group_size : int
    agreement_threshold : float
    arrangements : mapping of str to tuple of str
        The declared multi-party arrangements and their members.
    groups : tuple of GroupView
        Every group in every wave, sorted by organisation, about and wave.
    relationships : tuple of RelationshipView
        Every relationship in every wave in which someone gave a view of it.
    findings : tuple of Finding
        What needs attention, most severe first, on each group's and relationship's
        latest wave.
    progress : tuple of Progress
        Each group's change between consecutive waves.
    """

    instrument: Instrument
    min_group_size: int
    agreement_threshold: float
    arrangements: Mapping[str, tuple[str, ...]] = attrs.field(repr=False)
    groups: tuple[GroupView, ...] = attrs.field(repr=False)
    relationships: tuple[RelationshipView, ...] = attrs.field(repr=False)
    findings: tuple[Finding, ...] = attrs.field(repr=False)
    progress: tuple[Progress, ...] = attrs.field(repr=False)
    _group_index: Mapping[tuple[str, str, str], int] = attrs.field(repr=False, alias="group_index")
    _relationship_index: Mapping[tuple[_PairKey, str], int] = attrs.field(
        repr=False, alias="relationship_index"
    )

    def __repr__(self) -> str:
        organisations = len({g.organisation for g in self.groups})
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
        org = organisation.strip()
        subject = about.strip()
        if subject.casefold() == INTERNAL:
            subject = INTERNAL
        if wave is None:
            waves = sorted(w for (o, a, w) in self._group_index if (o, a) == (org, subject))
            if waves:
                return self.groups[self._group_index[(org, subject, waves[-1])]]
        elif (org, subject, wave) in self._group_index:
            return self.groups[self._group_index[(org, subject, wave)]]
        known = sorted({f"{o} ({a})" for (o, a, _) in self._group_index})
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
        key = _relationship_key((a, b) if b is not None else a, self.arrangements, "relationship")
        waves = sorted(w for (k, w) in self._relationship_index if k == key)
        if wave is None and waves:
            wave = waves[-1]
        if wave is not None and (key, wave) in self._relationship_index:
            return self.relationships[self._relationship_index[(key, wave)]]
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
            flagged ``"withheld": true``. False gives the analyst everything.
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
    arrangements: Mapping[str, Iterable[str]] | None, organisations: Iterable[str]
) -> dict[str, tuple[str, ...]]:
    if arrangements is None:
        return {}
    if not isinstance(arrangements, Mapping):
        raise ArgumentError("arrangements: expected a mapping of name to member organisations")
    names = set(organisations)
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


def _codes(labels: npt.NDArray[np.object_]) -> tuple[list[str], npt.NDArray[np.intp]]:
    # Labels are Python str in an object array: compare them as they are, without the
    # fixed-width copy astype(str) would make (padded to the longest, NULs stripped).
    uniques, inverse = np.unique(labels, return_inverse=True)
    return uniques.tolist(), inverse.reshape(-1).astype(np.intp)


def _spread(values: FloatArray, present: npt.NDArray[np.bool_]) -> FloatArray:
    """Return max - min over the last axis of the present values; NaN with fewer than two."""
    high = np.where(present, values, -np.inf).max(axis=-1)
    low = np.where(present, values, np.inf).min(axis=-1)
    return np.where(present.sum(axis=-1) >= 2, high - low, np.nan)


def assess(
    responses: Responses,
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
    responses : Responses
        The survey, e.g. from :func:`~jointworking.io.read_responses`.
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
    if not isinstance(responses, Responses):
        raise ArgumentError(
            f"responses: expected a Responses collection, got {type(responses).__name__}"
        )
    inst = responses.instrument
    if instrument is not None and instrument != inst:
        raise ArgumentError(
            f"instrument: the responses answer {inst.name!r}, not {instrument.name!r}"
        )
    size, agreement = _check_settings(min_group_size, agreement_threshold)
    declared = _check_arrangements(arrangements, responses.organisations)
    rung_codes = inst._rung_codes()
    numbers = inst.numbers
    scale = inst.scale

    org_labels, org_codes = _codes(responses.organisation)
    about_labels, about_codes = _codes(responses.about)
    wave_labels, wave_codes = _codes(responses.wave)
    keys, group_of = np.unique(
        np.stack([org_codes, about_codes, wave_codes], axis=1), axis=0, return_inverse=True
    )
    group_of = group_of.reshape(-1).astype(np.intp)
    n_groups = len(keys)

    count, total, total_sq = _sufficient_statistics(responses.answers, group_of, n_groups)
    mean, var = _moments_from_sums(count, total, total_sq)
    null_variance = float(np.var(np.asarray(scale.values)))
    rwg = _rwg_kernel(count, var, null_variance)
    rwg_j = _rwg_j_kernel(count, var, null_variance)
    rung, index, met = _place(mean, rung_codes, inst._thresholds(), scale.low, scale.high)
    respondents = np.bincount(group_of, minlength=n_groups)
    decisive = rung_codes[np.newaxis, :] <= np.minimum(rung + 1, Rung.PARTNERSHIP)[:, np.newaxis]
    uncertain = decisive & (rwg < agreement)

    unit_labels, unit_codes = _codes(responses.unit)
    n_units = len(unit_labels)
    named = np.array([u != "" for u in unit_labels], dtype=bool)[unit_codes]
    cell = group_of * n_units + unit_codes
    present = np.bincount(cell[named], minlength=n_groups * n_units).reshape(n_groups, -1) > 0
    _, person_index, _ = _place(
        responses.answers, rung_codes, inst._thresholds(), scale.low, scale.high
    )
    scored = named & ~np.isnan(person_index)
    unit_n = np.bincount(cell[scored], minlength=n_groups * n_units).reshape(n_groups, -1)
    unit_sum = np.bincount(cell[scored], person_index[scored], n_groups * n_units)
    with np.errstate(invalid="ignore", divide="ignore"):
        unit_mean = unit_sum.reshape(n_groups, -1) / unit_n
    unit_gap = _spread(unit_mean, unit_n > 0)

    groups: list[GroupView] = []
    for g, (o, a, w) in enumerate(keys.tolist()):
        groups.append(
            GroupView(
                organisation=org_labels[o],
                about=about_labels[a],
                wave=wave_labels[w],
                respondents=int(respondents[g]),
                units=tuple(unit_labels[u] for u in np.flatnonzero(present[g])),
                count=tuple(int(c) for c in count[g]),
                mean=tuple(mean[g].tolist()),
                sd=tuple(np.sqrt(var[g]).tolist()),
                rwg=tuple(rwg[g].tolist()),
                rwg_j=float(rwg_j[g]),
                placement=_placement(
                    int(rung[g]),
                    float(index[g]),
                    met[g],
                    mean[g],
                    rung_codes=rung_codes,
                    numbers=numbers,
                ),
                uncertain=tuple(np.asarray(numbers)[uncertain[g]].tolist()),
                small=bool(respondents[g] < size),
                unit_gap=float(unit_gap[g]),
            )
        )
    group_index = {(v.organisation, v.about, v.wave): i for i, v in enumerate(groups)}

    relationships, relationship_index = _relationships(groups, mean, count, declared)
    known = {key for key, _ in relationship_index}
    claim_of = _rungs_by_key(claims, "claims", declared, known)
    target_of = _rungs_by_key(targets, "targets", declared, known)
    value_of = _values_by_key(values, declared, known)
    relationships = [
        attrs.evolve(
            view,
            claimed=claim_of.get(key),
            target=target_of.get(key),
            value=value_of.get(key),
        )
        for (key, _), view in zip(relationship_index, relationships, strict=True)
    ]
    findings = _group_findings(groups, size, agreement, numbers) + _relationship_findings(
        relationships, list(relationship_index), groups, group_index, numbers
    )
    findings += _wave_findings(groups)
    findings.sort(key=lambda f: (_SEVERITY_ORDER[f.severity], f.kind, f.subject))
    return Assessment(
        instrument=inst,
        min_group_size=size,
        agreement_threshold=agreement,
        arrangements=MappingProxyType(declared),
        groups=tuple(groups),
        relationships=tuple(relationships),
        findings=tuple(findings),
        progress=_progress(groups),
        group_index=MappingProxyType(group_index),
        relationship_index=MappingProxyType({key: i for i, key in enumerate(relationship_index)}),
    )


def _relationships(
    groups: Sequence[GroupView],
    mean: FloatArray,
    count: FloatArray,
    arrangements: Mapping[str, tuple[str, ...]],
) -> tuple[list[RelationshipView], list[tuple[_PairKey, str]]]:
    internal_rung = {(g.organisation, g.wave): g.placement.rung for g in groups if g.internal}
    members_of: dict[tuple[_PairKey, str], list[int]] = {}
    for i, group in enumerate(groups):
        if group.internal:
            continue
        key: _PairKey
        if group.about in arrangements:
            if group.organisation not in arrangements[group.about]:
                raise ArgumentError(
                    f"responses: {group.organisation!r} answered about the arrangement"
                    f" {group.about!r} but is not among its members"
                    f" ({', '.join(arrangements[group.about])})"
                )
            key = group.about
        else:
            key = frozenset((group.organisation, group.about))
        members_of.setdefault((key, group.wave), []).append(i)
    views: list[RelationshipView] = []
    index: list[tuple[_PairKey, str]] = []
    for (key, wave), rows in sorted(
        members_of.items(), key=lambda kv: (_pair_subject(kv[0][0]), kv[0][1])
    ):
        members = arrangements[key] if isinstance(key, str) else tuple(sorted(key))
        answered = {groups[i].organisation: groups[i].placement for i in rows}
        known_internal = {
            m: internal_rung[(m, wave)] for m in members if (m, wave) in internal_rung
        }
        gaps = _spread(mean[rows].T, count[rows].T > 0)
        views.append(
            RelationshipView(
                subject=_pair_subject(key),
                kind="arrangement" if isinstance(key, str) else "pair",
                members=members,
                wave=wave,
                views=MappingProxyType(dict(sorted(answered.items()))),
                gaps=tuple(gaps.tolist()),
                silent=tuple(m for m in members if m not in answered),
                withheld=tuple(sorted(groups[i].organisation for i in rows if groups[i].small)),
                internal=MappingProxyType(known_internal),
                effective_rung=min(
                    [p.rung for p in answered.values()] + list(known_internal.values())
                ),
            )
        )
        index.append((key, wave))
    return views, index


def _rungs_by_key(
    given: ByRelationship[Rung | str] | None,
    argument: str,
    arrangements: Mapping[str, tuple[str, ...]],
    known: set[_PairKey],
) -> dict[_PairKey, Rung]:
    out: dict[_PairKey, Rung] = {}
    for raw, rung in (given or {}).items():
        key = _relationship_key(raw, arrangements, argument)
        if key not in known:
            raise ArgumentError(
                f"{argument}: nobody gave a view of {_pair_subject(key)!r}, so there is no"
                " evidence to compare with"
            )
        out[key] = Rung.parse(rung, argument=f"{argument}[{_pair_subject(key)!r}]")
    return out


def _values_by_key(
    given: ByRelationship[ValueInputs] | None,
    arrangements: Mapping[str, tuple[str, ...]],
    known: set[_PairKey],
) -> dict[_PairKey, AddedValue | SimulatedAddedValue]:
    out: dict[_PairKey, AddedValue | SimulatedAddedValue] = {}
    for raw, inputs in (given or {}).items():
        key = _relationship_key(raw, arrangements, "values")
        subject = _pair_subject(key)
        if key not in known:
            raise ArgumentError(f"values: nobody gave a view of {subject!r}")
        if not isinstance(inputs, ValueInputs):
            raise ArgumentError(f"values[{subject!r}]: expected ValueInputs, got {inputs!r}")
        try:
            out[key] = inputs.test()
        except ArgumentError as error:
            raise ArgumentError(f"values[{subject!r}]: {error}") from None
    return out


def _latest(items: Iterable[tuple[object, str, int]]) -> list[int]:
    """Return the position of the latest wave of each key among (key, wave, position)."""
    latest: dict[object, tuple[str, int]] = {}
    for key, wave, position in items:
        if key not in latest or wave > latest[key][0]:
            latest[key] = (wave, position)
    return sorted(position for _, position in latest.values())


def _group_findings(
    groups: Sequence[GroupView], size: int, agreement: float, numbers: Sequence[int]
) -> list[Finding]:
    findings: list[Finding] = []
    for i in _latest(((g.organisation, g.about), g.wave, i) for i, g in enumerate(groups)):
        g = groups[i]
        if g.small:
            findings.append(
                Finding(
                    "too_few_respondents",
                    "warning",
                    g.subject,
                    f"Only {_count(g.respondents, 'respondent')} answered for {g.subject},"
                    " fewer than"
                    f" the minimum of {size}: the placement rests on very few people, and"
                    " shared results withhold its per-question figures.",
                    (g.organisation,),
                    wave=g.wave,
                )
            )
            continue
        if g.uncertain:
            findings.append(
                Finding(
                    "low_agreement",
                    "warning",
                    g.subject,
                    f"Respondents for {g.subject} disagree on {_questions(g.uncertain)},"
                    f" which decide its placement ({g.placement.rung}): their within-group"
                    f" agreement (r_wg) is below {agreement:.2f}, so the placement is"
                    " uncertain.",
                    (g.organisation,),
                    g.uncertain,
                    g.wave,
                )
            )
        elif not math.isnan(g.rwg_j) and g.rwg_j < agreement:
            low = tuple(n for n, r in zip(numbers, g.rwg, strict=True) if r < agreement)
            findings.append(
                Finding(
                    "low_agreement",
                    "info",
                    g.subject,
                    f"Respondents for {g.subject} agree little overall (within-group"
                    f" agreement r_wg(J) = {g.rwg_j:.2f}), though not on the questions that"
                    " decide the placement.",
                    (g.organisation,),
                    low,
                    g.wave,
                )
            )
        if not math.isnan(g.unit_gap) and g.unit_gap >= UNIT_GAP_POINTS:
            findings.append(
                Finding(
                    "unit_divergence",
                    "info",
                    g.subject,
                    f"Units of {g.organisation} ({', '.join(g.units)}) differ by"
                    f" {g.unit_gap:.0f} index points in how they see its joint working: the"
                    " bigger and more diversified an organisation, the bigger the challenge.",
                    (g.organisation,),
                    wave=g.wave,
                )
            )
    return findings


_YEAR_FIRST: Final = re.compile(r"\d{4}")


def _wave_findings(groups: Sequence[GroupView]) -> list[Finding]:
    """Warn when waves, ordered as text, may not be in time order."""
    waves = sorted({g.wave for g in groups})
    if len(waves) < 2 or all(_YEAR_FIRST.match(w) for w in waves):
        return []
    order = " before ".join(repr(w) for w in waves)
    return [
        Finding(
            "wave_order",
            "warning",
            "waves",
            f"Waves are put in order as text ({order}), so the latest wave and the progress"
            " between waves are only right if that is their order in time. Name waves year"
            " first (e.g. 2025-10, 2026-03) so that text order is time order.",
            (),
            wave=waves[-1],
        )
    ]


def _numbers(numbers: Iterable[int]) -> str:
    return ", ".join(str(n) for n in numbers)


def _questions(numbers: Sequence[int]) -> str:
    word = "question" if len(numbers) == 1 else "questions"
    return f"{word} {_numbers(numbers)}"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _capped(view: RelationshipView) -> str:
    """Explain an effective rung below every member's view: an internal rung caps it."""
    lowest_view = min(p.rung for p in view.views.values())
    if view.effective_rung >= lowest_view:
        return ""
    capping = [m for m, r in view.internal.items() if r == view.effective_rung]
    return (
        f" (the members' views are higher, but {_names(capping)} is at"
        f" {view.effective_rung} internally, and an organisation is no better a partner than"
        " it is inside)"
    )


def _relationship_findings(
    views: Sequence[RelationshipView],
    keys: Sequence[tuple[_PairKey, str]],
    groups: Sequence[GroupView],
    group_index: Mapping[tuple[str, str, str], int],
    numbers: Sequence[int],
) -> list[Finding]:
    findings: list[Finding] = []
    for i in _latest((key, wave, i) for i, (key, wave) in enumerate(keys)):
        view = views[i]
        subject, members, wave = view.subject, view.members, view.wave
        if view.silent:
            findings.append(
                Finding(
                    "one_sided",
                    "warning",
                    subject,
                    f"{_names(view.silent)} gave no view of {_joint(view)}: the relationship is"
                    " seen from one side only until every member answers and the results"
                    " are shared."
                    + (
                        ""
                        if view.kind == "arrangement"
                        else f" (If {_names(view.silent)} is a multi-party arrangement rather"
                        " than an organisation, declare it with its members.)"
                    ),
                    view.silent,
                    wave=wave,
                )
            )
        rungs = {p.rung for p in view.views.values()}
        # Gaps computed from a withheld (small) group's answers are not named in findings,
        # which are shared outputs.
        wide = tuple(
            n
            for n, gap in zip(numbers, view.gaps, strict=True)
            if gap >= PERCEPTION_GAP_POINTS and not view.withheld
        )
        if len(rungs) > 1 or wide:
            placed = "; ".join(f"{m}: {p.rung}" for m, p in view.views.items())
            findings.append(
                Finding(
                    "perception_gap",
                    "warning" if len(rungs) > 1 else "info",
                    subject,
                    f"Members see {_joint(view)} differently ({placed})"
                    + (f"; gaps of a point or more on {_questions(wide)}" if wide else "")
                    + ".",
                    tuple(view.views),
                    wide,
                    wave,
                )
            )
        for member, placement in view.views.items():
            inside = view.internal.get(member)
            if inside is not None and placement.rung > inside:
                findings.append(
                    Finding(
                        "external_above_internal",
                        "warning",
                        subject,
                        f"{member} places {_joint(view)} at {placement.rung}, above its own"
                        f" internal joint working ({inside}). An organisation without"
                        " partnership working internally cannot be an effective partner"
                        " externally: the effective rung is capped.",
                        (member,),
                        groups[group_index[(member, INTERNAL, wave)]].placement.blocking,
                        wave,
                    )
                )
        effective = view.effective_rung
        if view.claimed is not None and view.claimed > effective:
            gap = int(view.claimed) - int(effective)
            holding = sorted(
                {n for p in view.views.values() for n in p.blocking if p.rung < view.claimed}
            )
            findings.append(
                Finding(
                    "overstated_label",
                    "critical" if gap >= 2 else "warning",
                    subject,
                    f"{_sentence(_joint(view))} is called a {view.claimed}, but the evidence"
                    f" places it at {effective}, {_count(gap, 'rung')} lower"
                    f"{_capped(view)}. A label the reality of performance and behaviours does"
                    " not bear out undermines credibility and confidence.",
                    members,
                    tuple(holding),
                    wave,
                )
            )
        if view.target is not None and int(view.target) - int(effective) > 1:
            findings.append(
                Finding(
                    "rung_jump",
                    "warning",
                    subject,
                    f"{_sentence(_joint(view))} aims for {view.target} from {effective}:"
                    f" organisations can't jump rungs; plan the steps"
                    f" {_steps(effective, view.target)}.",
                    members,
                    wave=wave,
                )
            )
        if view.value is not None and view.value.verdict is not Verdict.SIGNIFICANT:
            findings.append(
                Finding(
                    "insufficient_added_value",
                    "critical" if view.value.verdict is Verdict.NONE else "warning",
                    subject,
                    f"The added value of {_joint(view)} is {view.value.verdict}, not"
                    " significant: the rationale for it has to be seriously questioned.",
                    members,
                    wave=wave,
                )
            )
    return findings


def _joint(view: RelationshipView) -> str:
    """Name a relationship's joint working in a sentence."""
    if view.kind == "arrangement":
        return view.subject
    return f"the joint working of {view.subject}"


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _steps(start: Rung, end: Rung) -> str:
    return " then ".join(str(Rung(r)) for r in range(start + 1, end + 1))


def _names(names: Sequence[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _progress(groups: Sequence[GroupView]) -> tuple[Progress, ...]:
    by_subject: dict[tuple[str, str], list[GroupView]] = {}
    for g in groups:
        by_subject.setdefault((g.organisation, g.about), []).append(g)
    out: list[Progress] = []
    for (organisation, about), series in sorted(by_subject.items()):
        series.sort(key=lambda g: g.wave)
        for before, after in itertools.pairwise(series):
            out.append(
                Progress(
                    organisation=organisation,
                    about=about,
                    before=before.wave,
                    after=after.wave,
                    rung_before=before.placement.rung,
                    rung_after=after.placement.rung,
                    index_change=after.placement.index - before.placement.index,
                )
            )
    return tuple(out)


def _number(value: float) -> float | None:
    return None if math.isnan(value) else round(value, 6)


def _placement_dict(placement: Placement, *, withheld: bool) -> dict[str, Any]:
    return {
        "rung": placement.rung.label,
        "index": None if withheld else _number(placement.index),
        "next": None if placement.next is None else placement.next.label,
        "blocking": list(placement.blocking),
        # A withheld group keeps its rung and what blocks the next one; which questions
        # each person answered or met is not shared.
        "missing": None if withheld else list(placement.missing),
        "met": None if withheld else list(placement.met),
        "ahead": None if withheld else list(placement.ahead),
    }


def _to_dict(assessment: Assessment, *, shared: bool) -> dict[str, Any]:
    inst = assessment.instrument
    numbers = inst.numbers
    small = {(g.organisation, g.about, g.wave) for g in assessment.groups if g.small}

    def group(g: GroupView) -> dict[str, Any]:
        hide = shared and g.small
        return {
            "organisation": g.organisation,
            "about": g.about,
            "wave": g.wave,
            "respondents": g.respondents,
            "units": None if hide else list(g.units),
            "withheld": hide,
            "placement": _placement_dict(g.placement, withheld=hide),
            "uncertain": None if hide else list(g.uncertain),
            "rwg_j": None if hide else _number(g.rwg_j),
            "unit_gap": None if hide else _number(g.unit_gap),
            "questions": None
            if hide
            else [
                {
                    "number": n,
                    "count": c,
                    "mean": _number(m),
                    "sd": _number(s),
                    "rwg": _number(r),
                }
                for n, c, m, s, r in zip(numbers, g.count, g.mean, g.sd, g.rwg, strict=True)
            ],
        }

    def relationship(view: RelationshipView) -> dict[str, Any]:
        hidden = set(view.withheld)
        hide = shared and bool(hidden)
        return {
            "subject": view.subject,
            "kind": view.kind,
            "members": list(view.members),
            "wave": view.wave,
            "views": {
                m: _placement_dict(p, withheld=shared and m in hidden)
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
                {"number": n, "gap": _number(gap)}
                for n, gap in zip(numbers, view.gaps, strict=True)
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
                    (p.organisation, p.about, p.before) in small
                    or (p.organisation, p.about, p.after) in small
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
