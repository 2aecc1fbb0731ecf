"""The survey engine: every group, relationship and finding as columns of numpy arrays.

:func:`tables` turns :class:`~jointworking.statistics.GroupStatistics` into
:class:`Tables`: per-group and per-relationship arrays computed with whole-array
operations (sorting, ``np.add.reduceat``, ``np.bincount``, fancy indexing) and no Python
loop over respondents, groups or relationships. Findings are found the same way, as
arrays of (kind, row); their sentences are written only when a finding is read.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final, Literal, Protocol, TypeAlias

import attrs
import numpy as np
import numpy.typing as npt

from jointworking.agreement import _rwg_j_kernel, _rwg_kernel
from jointworking.errors import ArgumentError
from jointworking.ladder import _place
from jointworking.responses import INTERNAL
from jointworking.rung import Rung
from jointworking.statistics import GroupStatistics
from jointworking.value import Verdict

SIGNIFICANT: Final = Verdict.SIGNIFICANT
_YEAR_FIRST: Final = re.compile(r"\d{4}")
_NUMBER: Final = re.compile(r"(\d+)")


def _text_order_is_time_order(waves: tuple[str, ...]) -> bool:
    """Whether sorted wave names are plausibly in time order.

    They are when every name starts with a year and the numbers in them sort the same as
    text and as numbers ("2025-10" before "2025-9" as text, after it as numbers, is not).
    """
    if not all(_YEAR_FIRST.match(w) for w in waves):
        return False
    numeric = sorted(
        waves,
        key=lambda w: [(0, int(p), "") if p.isdigit() else (1, 0, p) for p in _NUMBER.split(w)],
    )
    return numeric == sorted(waves)


FloatArray: TypeAlias = npt.NDArray[np.float64]
IntArray: TypeAlias = npt.NDArray[np.intp]
BoolArray: TypeAlias = npt.NDArray[np.bool_]

#: Units whose mean index differs by this many points (one scale point on 0-4) diverge.
UNIT_GAP_POINTS: Final = 25.0
#: A per-question perception gap of at least this many scale points is reported.
PERCEPTION_GAP_POINTS: Final = 1.0

# Finding kinds by their consequence for the reader: findings sort by kind in this order,
# then by severity. A label the evidence does not bear out comes first, then an effective
# rung capped by a member's inside, value not added, a plan that skips a rung, a
# relationship seen from one side, members who see it differently; agreement and data
# quality notes come last.
KINDS: Final = (
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
)
KIND: Final = {kind: i for i, kind in enumerate(KINDS)}
SEVERITIES: Final = ("critical", "warning", "info")
SEVERITY: Final = {severity: i for i, severity in enumerate(SEVERITIES)}
NO_RUNG: Final = -1
_UNKNOWN: Final = 99  # an internal rung not known: no cap


def _did_you_mean(key: str | Iterable[str], names: Sequence[str]) -> str:
    """Suggest the answering organisation a name that nobody answered about is close to."""
    if isinstance(key, str):  # an arrangement: declared, so known
        return ""
    unknown = [n for n in key if n not in set(names)]
    hints = []
    for name in unknown:
        close = difflib.get_close_matches(name, names, n=1, cutoff=0.75)
        if close:
            hints.append(f"{close[0]!r} for {name!r}")
    return f" (did you mean {' and '.join(hints)}?)" if hints else ""


def _starts(keys: npt.NDArray[Any]) -> IntArray:
    """Return where each run of equal rows begins in row-sorted `keys`."""
    n = keys.shape[0]
    if n == 0:
        return np.zeros(0, dtype=np.intp)
    rows = keys.reshape(n, -1)
    change = np.empty(n, dtype=bool)
    change[0] = True
    # Column by column: quicker than comparing whole rows of a few numbers.
    np.not_equal(rows[1:, 0], rows[:-1, 0], out=change[1:])
    for j in range(1, rows.shape[1]):
        change[1:] |= rows[1:, j] != rows[:-1, j]
    return np.flatnonzero(change).astype(np.intp)


def cell_groups(starts: IntArray, n_cells: int) -> IntArray:
    """Return each cell's group, for groups that are runs of cells beginning at `starts`."""
    sizes = np.diff(np.r_[starts, n_cells])
    return np.repeat(np.arange(starts.size, dtype=np.intp), sizes)


def moments(
    count: npt.NDArray[np.int64], total: FloatArray, total_sq: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Means and sample variances from counts, sums and sums of squares.

    The variance is ``(n * ss - s**2) / (n * (n - 1))``: for whole-number answers the
    numerator is an exact integer, so the variance is correctly rounded and exactly 0 when
    every answer is equal. NaN mean with no answers, NaN variance with fewer than two.
    """
    n = count.astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = total / n
        var = np.maximum(n * total_sq - total * total, 0.0) / (n * (n - 1.0))
    var[count < 2] = np.nan
    mean[count < 1] = np.nan
    return mean, var


def _spread_runs(values: FloatArray, starts: IntArray) -> FloatArray:
    """Per run of rows: the max - min of the values that are not NaN (NaN with fewer than 2).

    Every run's first two rows are compared elementwise (most runs are a pair's two
    views); ``reduceat`` handles only the runs longer than two, as it is slow over many
    short runs.
    """
    n_rows = values.shape[0]
    lengths = np.diff(np.r_[starts, n_rows])
    shape = (starts.size,) + (1,) * (values.ndim - 1)
    second = np.where(lengths >= 2, starts + 1, starts)
    first_values, second_values = values[starts], values[second]
    high = np.fmax(first_values, second_values)  # fmax and fmin pass over NaN
    low = np.fmin(first_values, second_values)
    present = ~np.isnan(first_values)
    n = present.astype(np.intp)
    n += ~np.isnan(second_values) & (lengths >= 2).reshape(shape)
    longer = np.flatnonzero(lengths > 2)
    if longer.size:
        # reduceat over the longer runs' rows only, each run starting at its offset.
        rows = np.flatnonzero(np.repeat(lengths > 2, lengths))
        offsets = np.r_[0, np.cumsum(lengths[longer])[:-1]].astype(np.intp)
        picked = values[rows]
        high[longer] = np.fmax.reduceat(picked, offsets, axis=0)
        low[longer] = np.fmin.reduceat(picked, offsets, axis=0)
        n[longer] = np.add.reduceat((~np.isnan(picked)).astype(np.intp), offsets, axis=0)
    high -= low
    high[n < 2] = np.nan
    return high


class Sampling(Protocol):
    """How sure each group's figures are, given its respondents (see :mod:`._sampling`).

    Both methods take the engine's groups as runs of cells: `cell_group` is each cell's
    group. `hidden` (groups x questions) marks questions to treat as unanswered (in the
    shared view: those too few people answered), and `skip` (groups) groups to leave
    out (in the shared view: the small ones), whose rows are NaN.
    """

    @property
    def method(self) -> Literal["bootstrap", "normal"]:
        """How the probabilities are estimated."""
        ...

    def rungs(
        self, cell_group: IntArray, n_groups: int, hidden: BoolArray, skip: BoolArray
    ) -> FloatArray:
        """Return each group's probability of each rung, shape (n_groups, 3)."""
        ...

    def index_variance(
        self,
        cell_group: IntArray,
        n_groups: int,
        mean: FloatArray,
        hidden: BoolArray,
        skip: BoolArray,
    ) -> FloatArray:
        """Return the sampling variance of each group's index, shape (n_groups,)."""
        ...


@attrs.frozen
class Settings:
    """What the engine needs besides the sums: the rules an assessment was made with."""

    size: int
    agreement: float
    confidence: float
    shared: bool = False
    sampling: Sampling | None = None


@attrs.frozen(eq=False)
class Tables:
    """Columnar results; see :func:`tables`. Row orders are those of the outputs."""

    statistics: GroupStatistics
    settings: Settings
    arrangements: Mapping[str, tuple[str, ...]]
    names: tuple[str, ...]
    position: Mapping[str, int]  # each name's code (the names are not all sorted)
    waves: tuple[str, ...]
    units: tuple[str, ...]
    g: _Groups  # one row per (organisation, about, wave), sorted
    cell_starts: IntArray  # (G + 1,): each group's cells are cell_starts[g]:cell_starts[g+1]
    internal_group: IntArray  # (n_names, n_waves): the internal group's row, or -1
    rel: _Relationships  # one row per (relationship, wave), sorted by subject then wave
    steps: _Steps  # one row per group and the next wave's group of the same subject
    claimed: npt.NDArray[np.int8]
    target: npt.NDArray[np.int8]
    values: Mapping[int, Any]
    # Findings, in output order.
    finding_kind: npt.NDArray[np.int8]
    finding_severity: npt.NDArray[np.int8]
    finding_row: IntArray  # a group row, a relationship row, or -1 for wave_order
    finding_member: IntArray  # external_above_internal: the member's group row
    blocking: BoolArray  # (G, Q): the next rung's questions not met
    wide: BoolArray  # (R, Q): gaps of a point or more, where no member is withheld

    @property
    def size(self) -> int:
        return self.settings.size

    @property
    def agreement(self) -> float:
        return self.settings.agreement

    @property
    def shared(self) -> bool:
        return self.settings.shared

    @property
    def n_groups(self) -> int:
        return int(self.g.keys.shape[0])

    @property
    def n_relationships(self) -> int:
        return len(self.rel.subject)


@attrs.frozen
class _Groups:
    keys: IntArray
    starts: IntArray
    respondents: npt.NDArray[np.int64]
    count: npt.NDArray[np.int64]  # as answered, withheld or not
    mean: FloatArray  # in the shared view, NaN where withheld
    var: FloatArray
    rwg: FloatArray
    rwg_j: FloatArray
    rung: npt.NDArray[np.int8]
    index: FloatArray
    met: BoolArray
    small: BoolArray
    thin: BoolArray  # (G, Q): answered, but by fewer than the minimum group size
    unit_gap: FloatArray
    deciding_rwg_j: FloatArray  # r_wg(J) of the questions that decide the placement
    divided: BoolArray  # deciding_rwg_j below the agreement threshold
    dividing: BoolArray  # (G, Q): deciding questions whose own r_wg is below it
    probability: FloatArray  # (G, 3): each rung's probability; NaN where not estimated
    confidence: FloatArray  # the probability of the rung the group is placed on
    uncertain: BoolArray  # confidence below the required confidence

    @property
    def withheld(self) -> BoolArray:
        """(G, Q): the questions the shared view treats as unanswered."""
        hidden: BoolArray = self.thin | self.small[:, np.newaxis]
        return hidden


class _GroupSums:
    """Sum per-cell arrays over each group's run of cells (cells are sorted by group).

    Works question by question: :class:`~jointworking.GroupStatistics` holds its
    ``(cells, questions)`` arrays in Fortran order, so each question's column is
    contiguous.
    """

    def __init__(self, starts: IntArray, n_cells: int) -> None:
        self.n_groups = starts.size
        self.identity = starts.size == n_cells  # one cell per group: nothing to add
        self.ends = np.r_[starts[1:], n_cells] - 1
        self.group = cell_groups(starts, n_cells)

    def __call__(self, values: npt.NDArray[Any]) -> npt.NDArray[Any]:
        if values.ndim > 2:  # pragma: no cover - internal misuse
            raise TypeError("expected per-cell values of one or two dimensions")
        if self.identity:
            # Row-major like every other group array, so that reductions along a row
            # round alike whatever the survey's other groups are.
            return np.ascontiguousarray(values)
        columns = np.ascontiguousarray(values.T).reshape(-1, values.shape[0])
        if values.dtype.kind in "iu":
            # Counts: group sums are differences of the running sum at the groups' ends.
            sums = np.cumsum(columns, axis=1)[:, self.ends]
            sums[:, 1:] -= sums[:, :-1].copy()
        else:
            # np.bincount adds each group's cells in order, several times quicker than
            # np.add.reduceat over many short runs.
            sums = np.stack([np.bincount(self.group, c, self.n_groups) for c in columns])
        return np.ascontiguousarray(sums.T).reshape(self.n_groups, *values.shape[1:])


def _groups(stats: GroupStatistics, settings: Settings) -> _Groups:
    """Aggregate cells to groups (organisation, about, wave) and place each group.

    In the shared view, a question fewer than the minimum group size answered, and every
    question of a group smaller than that, count as unanswered: no figure computed here
    can change with a withheld answer.
    """
    size, agreement = settings.size, settings.agreement
    inst = stats.instrument
    cell_keys = stats._index.cell_keys
    starts = _starts(cell_keys[:, :3])
    by_group = _GroupSums(starts, cell_keys.shape[0])
    count = by_group(stats.count)
    total, total_sq = by_group(stats.total), by_group(stats.total_sq)
    respondents = by_group(stats.respondents)
    small = respondents < size
    thin = (count > 0) & (count < size)
    used = count
    if settings.shared:
        hidden = thin | small[:, np.newaxis]
        if hidden.any():
            used = np.where(hidden, 0, count)
            total = np.where(hidden, 0.0, total)
            total_sq = np.where(hidden, 0.0, total_sq)
    mean, var = moments(used, total, total_sq)
    null_variance = float(np.var(np.asarray(inst.scale.values)))
    rwg = _rwg_kernel(used, var, null_variance)
    rung_codes = inst._rung_codes()
    low, high = inst.scale.low, inst.scale.high
    rung, index, met = _place(mean, rung_codes, inst._thresholds(), low, high)
    # The questions that decide a placement: those of every rung up to the next one.
    decisive = rung_codes[np.newaxis, :] <= np.minimum(rung + 1, Rung.PARTNERSHIP)[:, np.newaxis]
    # A question fewer than `size` answered is no evidence of a divided group.
    judged = decisive & ~thin
    deciding_rwg_j = _rwg_j_kernel(np.where(judged, used, 0), var, null_variance)
    divided = _below(deciding_rwg_j, agreement)
    groups = _Groups(
        keys=cell_keys[starts, :3],
        starts=starts,
        respondents=respondents,
        count=count,
        mean=mean,
        var=var,
        rwg=rwg,
        rwg_j=_rwg_j_kernel(used, var, null_variance),
        rung=rung,
        index=index,
        met=met,
        small=small,
        thin=thin,
        unit_gap=_unit_gap(stats, starts, settings, thin | small[:, np.newaxis]),
        deciding_rwg_j=deciding_rwg_j,
        divided=divided,
        dividing=judged & divided[:, np.newaxis] & _below(rwg, agreement),
        probability=np.full((starts.size, len(Rung)), np.nan),
        confidence=np.full(starts.size, np.nan),
        uncertain=np.zeros(starts.size, dtype=bool),
    )
    return _with_probabilities(groups, stats, settings)


def _with_probabilities(g: _Groups, stats: GroupStatistics, settings: Settings) -> _Groups:
    """Add each group's rung probabilities, where a sampling model is given."""
    if settings.sampling is None:
        return g
    n_groups = g.starts.size
    cell_group = cell_groups(g.starts, len(stats))
    if settings.shared:
        hidden, skip = g.withheld, g.small
    else:
        hidden = np.zeros_like(g.thin)
        skip = np.zeros(n_groups, dtype=bool)
    probability = settings.sampling.rungs(cell_group, n_groups, hidden, skip)
    confidence = probability[np.arange(n_groups), g.rung.astype(np.intp)]
    return attrs.evolve(
        g,
        probability=probability,
        confidence=confidence,
        uncertain=_below(confidence, settings.confidence),
    )


def _unit_gap(
    stats: GroupStatistics, starts: IntArray, settings: Settings, withheld: BoolArray
) -> FloatArray:
    """Per group: the spread of its units' index, each placed from the unit's own means.

    Only named units with at least `size` respondents count, so that no gap reveals the
    answers of a few people. In the shared view a unit's question counts only where at
    least `size` of the unit answered it and the group's figure for it is not withheld.
    NaN with fewer than two such units.
    """
    size = settings.size
    index = stats._index
    named = np.asarray([u != "" for u in index.units], dtype=bool)[index.cell_keys[:, 3]]
    counted = named & (stats.respondents >= size)
    if not counted.any():
        return np.full(starts.size, np.nan)
    # Question by question (contiguous in GroupStatistics), adding the questions in order.
    count, total = np.ascontiguousarray(stats.count.T), np.ascontiguousarray(stats.total.T)
    if settings.shared:
        cell_group = cell_groups(starts, len(stats))
        hidden = withheld[cell_group].T | (count < size)
        count = np.where(hidden, 0, count)
        total = np.where(hidden, 0.0, total)
    low, high = stats.instrument.scale.low, stats.instrument.scale.high
    # The sum of no answers is 0, so dividing it by 1 gives a mean of 0 that adds nothing.
    means = total / np.maximum(count, 1)
    answered = np.add.reduce(count > 0, axis=0, dtype=np.intp)
    with np.errstate(invalid="ignore", divide="ignore"):
        average = np.add.reduce(means, axis=0) / answered
    unit_index = np.where(counted, 100.0 * (average - low) / (high - low), np.nan)
    return _spread_runs(unit_index, starts)


@attrs.frozen
class _Rows:
    """The relationships' rows: which they are, in output order, and their groups."""

    arrangement: BoolArray
    a: IntArray
    b: IntArray
    wave: IntArray
    subject: tuple[str, ...]
    of_group: IntArray
    groups: IntArray
    starts: IntArray
    members: IntArray


@attrs.frozen
class _Relationships(_Rows):
    """The relationships' rows with every figure of each: views, gaps, effective rungs."""

    shown: BoolArray  # per entry of `groups`: its view counts (in the shared view, not small)
    gaps: FloatArray
    withheld: BoolArray  # a member's view is withheld (small)
    thin: BoolArray  # (R, Q): a member's view of the question rests on too few answers
    view_low: npt.NDArray[np.int8]  # _UNKNOWN where no view is shown
    view_high: npt.NDArray[np.int8]  # NO_RUNG where no view is shown
    inside: IntArray  # (R, width): each member's internal group counted, or -1
    inside_withheld: BoolArray  # (R, width): the member's internal view is withheld
    effective: npt.NDArray[np.int8]  # NO_RUNG where no view is shown
    probability: FloatArray  # (R, 3): the effective rung's distribution
    confidence: FloatArray
    uncertain: BoolArray


def _arrangement_tables(
    arrangements: Mapping[str, tuple[str, ...]], position: Mapping[str, int], n_names: int
) -> tuple[IntArray, IntArray]:
    """Each arrangement's member codes (padded with -1), and each name's arrangement."""
    width = max((len(m) for m in arrangements.values()), default=0)
    table = np.full((len(arrangements), width), -1, dtype=np.intp)
    of_name = np.full(n_names, -1, dtype=np.intp)
    for i, name in enumerate(sorted(arrangements)):  # one pass over the declarations
        codes = [position[m] for m in arrangements[name]]
        table[i, : len(codes)] = codes
        if name in position:
            of_name[position[name]] = i
    return table, of_name


def _check_members(
    keys: IntArray,
    *,
    external: IntArray,
    arrangement_of: IntArray,
    table: IntArray,
    names: tuple[str, ...],
    arrangements: Mapping[str, tuple[str, ...]],
) -> BoolArray:
    """Return which external groups answer about an arrangement; refuse non-members."""
    org, about = keys[external, 0], keys[external, 1]
    arrangement = arrangement_of[about]
    is_arrangement: BoolArray = arrangement >= 0
    if is_arrangement.any():
        member = (table[np.maximum(arrangement, 0)] == org[:, np.newaxis]).any(axis=1)
        outsider = np.flatnonzero(is_arrangement & ~member)
        if outsider.size:
            row = external[outsider[0]]
            name = names[keys[row, 1]]
            raise ArgumentError(
                f"responses: {names[keys[row, 0]]!r} answered about the arrangement"
                f" {name!r} but is not among its members ({', '.join(arrangements[name])})"
            )
    return is_arrangement


def _relationship_rows(
    g: _Groups,
    names: tuple[str, ...],
    waves: tuple[str, ...],
    arrangements: Mapping[str, tuple[str, ...]],
) -> _Rows:
    """Gather the external groups into relationships: pairs and arrangements, by wave."""
    n_names, n_waves = len(names), max(len(waves), 1)
    position = {name: i for i, name in enumerate(names)}
    table, arrangement_of = _arrangement_tables(arrangements, position, n_names)
    internal_code = position.get(INTERNAL, -1)
    external = np.flatnonzero(g.keys[:, 1] != internal_code)
    org, about, wave = (g.keys[external, j] for j in range(3))
    is_arrangement = _check_members(
        g.keys,
        external=external,
        arrangement_of=arrangement_of,
        table=table,
        names=names,
        arrangements=arrangements,
    )
    # A relationship is (first, second, wave): a pair's two names in code (= name)
    # order, or an arrangement's name and -1.
    first = np.where(is_arrangement, about, np.minimum(org, about)).astype(np.int64)
    second = np.where(is_arrangement, -1, np.maximum(org, about)).astype(np.int64)
    combined = (first * (n_names + 1) + second + 1) * n_waves + wave
    unique, raw = np.unique(combined, return_inverse=True)
    raw = raw.reshape(-1)
    u_wave = unique % n_waves
    u_pair = unique // n_waves
    u_first, u_second = u_pair // (n_names + 1), u_pair % (n_names + 1) - 1
    subjects = [
        names[a] if b < 0 else f"{names[a]} and {names[b]}"
        for a, b in zip(u_first.tolist(), u_second.tolist(), strict=True)
    ]
    wave_names = [waves[w] if waves else "" for w in u_wave.tolist()]
    # Sort by subject, then pairs before arrangements, then wave: a stable sort by the
    # less significant keys first (Python sorts plain strings quickly).
    # Two different relationships can share a subject ("X" with "Y and Z", "X and Y" with
    # "Z"), so the relationship itself orders them before the wave.
    wave_first = np.asarray(sorted(range(len(subjects)), key=wave_names.__getitem__), np.intp)
    pair_first = wave_first[np.argsort(u_pair[wave_first], kind="stable")]
    kind_first = pair_first[np.argsort(u_second[pair_first] < 0, kind="stable")].tolist()
    order = np.asarray(sorted(kind_first, key=subjects.__getitem__), dtype=np.intp)
    n_rel = order.size
    rank = np.empty(n_rel, dtype=np.intp)
    rank[order] = np.arange(n_rel, dtype=np.intp)
    of_group = np.full(g.keys.shape[0], -1, dtype=np.intp)
    of_group[external] = rank[raw]
    groups = external[np.argsort(rank[raw].astype(np.int64) * n_names + org, kind="stable")]
    starts = np.searchsorted(of_group[groups], np.arange(n_rel + 1)).astype(np.intp)
    a, b, w = u_first[order].astype(np.intp), u_second[order].astype(np.intp), u_wave[order]
    is_arr = b < 0
    members = np.full((n_rel, max(2, table.shape[1])), -1, dtype=np.intp)
    members[~is_arr, 0], members[~is_arr, 1] = a[~is_arr], b[~is_arr]
    if is_arr.any():
        members[is_arr, : table.shape[1]] = table[arrangement_of[a[is_arr]]]
    return _Rows(
        arrangement=is_arr,
        a=a,
        b=b,
        wave=w.astype(np.intp),
        subject=tuple(subjects[i] for i in order.tolist()),
        of_group=of_group,
        groups=groups,
        starts=starts,
        members=members,
    )


def _relationships(
    g: _Groups,
    names: tuple[str, ...],
    waves: tuple[str, ...],
    arrangements: Mapping[str, tuple[str, ...]],
    *,
    internal_group: IntArray,
    settings: Settings,
) -> _Relationships:
    """Gather the external groups into relationships, and place each on the ladder."""
    rows = _relationship_rows(g, names, waves, arrangements)
    groups, starts, members = rows.groups, rows.starts, rows.members
    n_rel = starts.size - 1
    # In the shared view a small group's view is withheld: it places nothing.
    shown = ~g.small[groups] if settings.shared else np.ones(groups.size, dtype=bool)
    runs = starts[:-1]
    n_questions = g.mean.shape[1]
    if n_rel:
        gaps = _spread_runs(np.where(shown[:, np.newaxis], g.mean[groups], np.nan), runs)
        rungs = g.rung[groups]
        view_low = np.minimum.reduceat(np.where(shown, rungs, _UNKNOWN).astype(np.int8), runs)
        view_high = np.maximum.reduceat(np.where(shown, rungs, NO_RUNG).astype(np.int8), runs)
        withheld = np.add.reduceat(g.small[groups].astype(np.intp), runs) > 0
        thin_views = g.thin[groups] & shown[:, np.newaxis]
        thin = np.add.reduceat(thin_views.astype(np.intp), runs, axis=0) > 0
        if settings.shared:
            # The gap of a question a member answered too few is withheld with its mean.
            gaps[thin] = np.nan
    else:
        gaps = np.zeros((0, n_questions))
        view_low = view_high = np.zeros(0, dtype=np.int8)
        withheld = np.zeros(0, dtype=bool)
        thin = np.zeros((0, n_questions), dtype=bool)
    # R7: no member is a better partner than it is inside (its internal rung, same wave).
    inside = internal_group[np.maximum(members, 0), rows.wave[:, np.newaxis]]
    inside = np.where(members >= 0, inside, -1)
    inside_withheld = np.zeros(inside.shape, dtype=bool)
    if settings.shared:
        inside_withheld = (inside >= 0) & g.small[np.maximum(inside, 0)]
        inside = np.where(inside_withheld, -1, inside)
    inside_rung = np.where(inside >= 0, g.rung[np.maximum(inside, 0)], _UNKNOWN)
    lowest = np.minimum(view_low, inside_rung.min(axis=1, initial=_UNKNOWN))
    effective = np.where(view_low == _UNKNOWN, NO_RUNG, lowest).astype(np.int8)
    probability = _effective_probability(g.probability, groups, shown, runs, inside)
    # With every view withheld there is no effective rung, and so no probability of one.
    probability[view_low == _UNKNOWN] = np.nan
    confidence = np.full(n_rel, np.nan)
    known = effective >= 0
    confidence[known] = probability[np.flatnonzero(known), effective[known].astype(np.intp)]
    return _Relationships(
        **{field.name: getattr(rows, field.name) for field in attrs.fields(_Rows)},
        shown=shown,
        gaps=gaps,
        withheld=withheld,
        thin=thin,
        view_low=view_low,
        view_high=view_high,
        inside=inside,
        inside_withheld=inside_withheld,
        effective=effective,
        probability=probability,
        confidence=confidence,
        uncertain=_below(confidence, settings.confidence),
    )


def _effective_probability(
    probability: FloatArray, groups: IntArray, shown: BoolArray, runs: IntArray, inside: IntArray
) -> FloatArray:
    """Return each relationship's distribution of its effective rung.

    The effective rung is the lowest of the members' views and of their internal rungs;
    the groups answer independently (different samples of people), so the chance that
    the lowest is at least rung k is the product of each group's chance of being at k
    or above.
    """
    n_rel = runs.size
    if n_rel == 0:
        return np.zeros((0, len(Rung)))
    # at_least[:, k]: P(rung >= k) for k = 0, 1, 2; 1 for views not counted.
    at_least = np.cumsum(probability[:, ::-1], axis=1)[:, ::-1]
    views = np.where(shown[:, np.newaxis], at_least[groups], 1.0)
    product = np.multiply.reduceat(views, runs, axis=0)
    insides = np.where((inside >= 0)[..., np.newaxis], at_least[np.maximum(inside, 0)], 1.0)
    product *= insides.prod(axis=1)
    # Each view or inside had a rung: P(lowest >= 0) is 1 exactly.
    product[:, 0] = np.where(np.isnan(product[:, 0]), np.nan, 1.0)
    upper = np.concatenate((product[:, 1:], np.zeros((n_rel, 1))), axis=1)
    result: FloatArray = np.clip(product - upper, 0.0, 1.0)
    return result


def _mark(
    rel: _Relationships,
    names: tuple[str, ...],
    claims: Mapping[Any, Rung],
    targets: Mapping[Any, Rung],
    values: Mapping[Any, Any],
) -> tuple[npt.NDArray[np.int8], npt.NDArray[np.int8], dict[int, Any]]:
    """Attach claims, targets and added-value results to every wave of their relationship."""
    n_rel = len(rel.subject)
    claimed = np.full(n_rel, NO_RUNG, dtype=np.int8)
    target = np.full(n_rel, NO_RUNG, dtype=np.int8)
    tested: dict[int, Any] = {}
    if not (claims or targets or values):
        return claimed, target, tested
    position = {name: i for i, name in enumerate(names)}
    key = rel.a.astype(np.int64) * (len(names) + 1) + rel.b + 1
    order = np.argsort(key, kind="stable")
    ordered = key[order]

    def resolve(given: Mapping[Any, Any], argument: str) -> tuple[IntArray, IntArray]:
        """Return the relationship rows (every wave) of the keys, and each key's count."""
        codes = []
        for key in given:
            x, y = (key, None) if isinstance(key, str) else sorted(key)
            a = position.get(x, -2)
            b = -1 if y is None else position.get(y, -2)
            codes.append(a * (len(names) + 1) + b + 1 if a >= 0 and b != -2 else -1)
        wanted = np.asarray(codes, dtype=np.int64)
        lo = np.searchsorted(ordered, wanted, side="left")
        hi = np.searchsorted(ordered, wanted, side="right")
        unknown = np.flatnonzero((wanted < 0) | (lo == hi))
        if unknown.size:
            key = list(given)[int(unknown[0])]
            subject = key if isinstance(key, str) else " and ".join(sorted(key))
            reason = ", so there is no evidence to compare with" if argument != "values" else ""
            raise ArgumentError(
                f"{argument}: nobody gave a view of {subject!r}{reason}{_did_you_mean(key, names)}"
            )
        counts = hi - lo
        # Positions lo[k], lo[k] + 1, ..., hi[k] - 1 in `order`, key after key.
        first = np.repeat(lo - np.cumsum(counts) + counts, counts)
        return order[first + np.arange(first.size)], counts

    for given, out, argument in ((claims, claimed, "claims"), (targets, target, "targets")):
        if given:
            rows, counts = resolve(given, argument)
            out[rows] = np.repeat(np.fromiter(given.values(), np.int8, len(given)), counts)
    if values:
        rows, counts = resolve(values, "values")
        results = np.empty(len(values), dtype=object)
        results[:] = list(values.values())
        tested.update(zip(rows.tolist(), np.repeat(results, counts).tolist(), strict=True))
    return claimed, target, tested


def _find(
    g: _Groups,
    rel: _Relationships,
    *,
    names: tuple[str, ...],
    waves: tuple[str, ...],
    internal_group: IntArray,
    claimed: npt.NDArray[np.int8],
    target: npt.NDArray[np.int8],
    tested: Mapping[int, Any],
    settings: Settings,
) -> tuple[_Found, BoolArray]:
    """Find what needs attention, on each group's and relationship's latest wave."""
    n_groups = g.keys.shape[0]
    group_latest = np.zeros(n_groups, dtype=bool)
    group_latest[np.r_[_starts(g.keys[:, :2])[1:] - 1, n_groups - 1]] = True
    n_rel = len(rel.subject)
    rel_latest = np.zeros(n_rel, dtype=bool)
    if n_rel:
        rel_latest[np.r_[_starts(np.stack((rel.a, rel.b), 1))[1:] - 1, n_rel - 1]] = True
    found = _Found()
    latest_groups = group_latest & ~g.small
    found.add("too_few_respondents", "warning", np.flatnonzero(group_latest & g.small))
    found.add("low_agreement", "warning", np.flatnonzero(latest_groups & g.divided))
    diverging = latest_groups & ~_below(g.unit_gap, UNIT_GAP_POINTS) & ~np.isnan(g.unit_gap)
    found.add("unit_divergence", "info", np.flatnonzero(diverging))
    wide = ~_below(rel.gaps, PERCEPTION_GAP_POINTS) & ~np.isnan(rel.gaps)
    # A gap resting on a small group, or on a question few answered, is not named. (In
    # the shared view the gaps already leave out withheld views and withheld means.)
    if not settings.shared:
        wide &= ~rel.withheld[:, np.newaxis] & ~rel.thin
    if n_rel:
        # (relationship, member) of every view given, sorted as rel.groups is.
        answered = rel.of_group[rel.groups].astype(np.int64) * len(names) + g.keys[rel.groups, 0]
        member_keys = np.arange(n_rel, dtype=np.int64)[:, np.newaxis] * len(names) + rel.members
        near = np.minimum(np.searchsorted(answered, member_keys), answered.size - 1)
        silent = (rel.members >= 0) & (answered[near] != member_keys)
        found.add("one_sided", "warning", np.flatnonzero(rel_latest & silent.any(axis=1)))
        differ = (rel.view_high != rel.view_low) & (rel.view_high >= 0)
        seen = np.flatnonzero(rel_latest & (differ | wide.any(axis=1)))
        found.add("perception_gap", np.where(differ[seen], 1, 2), seen)
        # A member placing the relationship above its own internal rung (same wave).
        member_groups = rel.groups
        own = internal_group[g.keys[member_groups, 0], g.keys[member_groups, 2]]
        above = (own >= 0) & (g.rung[member_groups] > g.rung[np.maximum(own, 0)])
        above &= rel_latest[rel.of_group[member_groups]]
        if settings.shared:
            # Neither rung may rest on a withheld view.
            above &= rel.shown & ~g.small[np.maximum(own, 0)]
        found.add(
            "external_above_internal",
            "warning",
            rel.of_group[member_groups[above]],
            member=own[above],
        )
        placed = rel.effective >= 0
        lifted = claimed.astype(np.intp) - rel.effective
        over = np.flatnonzero(rel_latest & placed & (claimed >= 0) & (lifted > 0))
        found.add("overstated_label", np.where(lifted[over] >= 2, 0, 1), over)
        jumps = rel_latest & placed & (target >= 0)
        jumps &= target.astype(np.intp) - rel.effective > 1
        found.add("rung_jump", "warning", np.flatnonzero(jumps))
        short = [
            r for r in sorted(tested) if rel_latest[r] and tested[r].verdict is not SIGNIFICANT
        ]
        levels = [0 if tested[r].verdict is Verdict.NONE else 1 for r in short]
        found.add("insufficient_added_value", np.asarray(levels, dtype=np.intp), short)
    if len(waves) >= 2 and not _text_order_is_time_order(waves):
        found.add("wave_order", "warning", [-1])
    return found, wide


@attrs.frozen
class _Steps:
    """Each group's change to the same subject's group in the next wave."""

    before: IntArray  # the earlier group's row
    after: IntArray  # the later group's row
    change: FloatArray  # index points gained
    low: FloatArray  # the change's interval (NaN where not estimated)
    high: FloatArray
    moved: FloatArray  # the probability that the two rungs differ


#: How sure an interval on a change between waves is.
CHANGE_LEVEL: Final = 0.90


def _steps(g: _Groups, stats: GroupStatistics, settings: Settings) -> _Steps:
    """Pair each group with the next wave's group of the same organisation and subject."""
    keys = g.keys
    before = np.flatnonzero((keys[1:, 0] == keys[:-1, 0]) & (keys[1:, 1] == keys[:-1, 1]))
    if settings.shared:
        # A small group's index is withheld, and so is any change it enters.
        before = before[~(g.small[before] | g.small[before + 1])]
    after = before + 1
    change = g.index[after] - g.index[before]
    low = np.full(before.size, np.nan)
    high = np.full(before.size, np.nan)
    if before.size and settings.sampling is not None:
        from jointworking._uncertainty import answering, welch_interval  # noqa: PLC0415

        n_groups = g.starts.size
        cell_group = cell_groups(g.starts, len(stats))
        needed = np.zeros(n_groups, dtype=bool)
        needed[before] = needed[after] = True
        skip = ~needed | (g.small if settings.shared else False)
        hidden = g.withheld if settings.shared else np.zeros_like(g.thin)
        variance = settings.sampling.index_variance(cell_group, n_groups, g.mean, hidden, skip)
        # Respondents who answered nothing are no evidence: they count for nothing in n.
        n = answering(g.count, ~np.isnan(g.mean) & ~hidden).astype(np.float64)
        low, high = welch_interval(
            change,
            variance[before],
            n[before],
            variance[after],
            n[after],
            level=CHANGE_LEVEL,
        )
    same = (g.probability[before] * g.probability[after]).sum(axis=1)
    return _Steps(before=before, after=after, change=change, low=low, high=high, moved=1.0 - same)


def tables(
    stats: GroupStatistics,
    settings: Settings,
    *,
    arrangements: Mapping[str, tuple[str, ...]],
    claims: Mapping[Any, Rung],
    targets: Mapping[Any, Rung],
    values: Mapping[Any, Any],
) -> Tables:
    """Compute every group's and relationship's figures, and find the findings.

    `claims`, `targets` and `values` are keyed by relationship keys already checked by the
    caller (a frozenset pair or an arrangement name); a key nobody gave a view of raises.
    With ``settings.shared`` the tables are the shared view: every figure is computed
    from the answers that may be shared only.
    """
    index = stats._index
    waves = index.waves
    # Arrangement members who never answered still need a code: extend the names.
    extra = sorted({m for ms in arrangements.values() for m in ms} - set(index.names))
    names = (*index.names, *extra)
    g = _groups(stats, settings)
    internal_group = np.full((len(names), max(len(waves), 1)), -1, dtype=np.intp)
    position = {name: i for i, name in enumerate(names)}
    internal = np.flatnonzero(g.keys[:, 1] == position.get(INTERNAL, -1))
    internal_group[g.keys[internal, 0], g.keys[internal, 2]] = internal
    if waves and waves[0] == "":
        # An internal view given without a wave stands for every wave that has none of
        # its own, so that leaving the wave out does not lift rule R7's cap.
        undated = internal_group[:, :1]
        internal_group = np.where(internal_group >= 0, internal_group, undated)
    rel = _relationships(
        g, names, waves, arrangements, internal_group=internal_group, settings=settings
    )
    claimed, target, tested = _mark(rel, names, claims, targets, values)

    found, wide = _find(
        g,
        rel,
        names=names,
        waves=waves,
        internal_group=internal_group,
        claimed=claimed,
        target=target,
        tested=tested,
        settings=settings,
    )
    order = found.order(g.keys)
    return Tables(
        statistics=stats,
        settings=settings,
        arrangements=arrangements,
        names=names,
        position=position,
        waves=waves,
        units=index.units,
        g=g,
        cell_starts=np.r_[g.starts, index.cell_keys.shape[0]].astype(np.intp),
        internal_group=internal_group,
        rel=rel,
        steps=_steps(g, stats, settings),
        claimed=claimed,
        target=target,
        values=tested,
        finding_kind=found.kind[order].astype(np.int8),
        finding_severity=found.severity[order].astype(np.int8),
        finding_row=found.row[order],
        finding_member=found.member[order],
        blocking=_blocking(g.rung, g.met, stats.instrument._rung_codes()),
        wide=wide,
    )


class _Found:
    """Findings as they are found: arrays of kind, severity, row and member."""

    def __init__(self) -> None:
        self.parts: list[tuple[IntArray, IntArray, IntArray, IntArray]] = []

    def add(
        self,
        kind: str,
        severity: str | npt.ArrayLike,
        rows: npt.ArrayLike,
        member: IntArray | None = None,
    ) -> None:
        found = np.asarray(rows, dtype=np.intp).reshape(-1)
        level = SEVERITY[severity] if isinstance(severity, str) else severity
        self.parts.append(
            (
                np.full(found.size, KIND[kind], dtype=np.intp),
                np.broadcast_to(np.asarray(level, dtype=np.intp), found.shape),
                found,
                np.full(found.size, -1, dtype=np.intp) if member is None else member,
            )
        )

    def _column(self, j: int) -> IntArray:
        if not self.parts:
            return np.zeros(0, dtype=np.intp)
        return np.concatenate([part[j] for part in self.parts])

    @property
    def kind(self) -> IntArray:
        return self._column(0)

    @property
    def severity(self) -> IntArray:
        return self._column(1)

    @property
    def row(self) -> IntArray:
        return self._column(2)

    @property
    def member(self) -> IntArray:
        return self._column(3)

    def order(self, keys: IntArray) -> IntArray:
        """Return the findings' order: by kind (:data:`KINDS`), severity, subject, member.

        Within a kind and severity, findings follow the order of their subjects' rows:
        groups by organisation, about and wave; relationships by subject and wave.
        Several members above their internal rung in one relationship follow their
        names' order.
        """
        kind, severity, row, member = self.kind, self.severity, self.row, self.member
        tie = np.where(member >= 0, keys[np.maximum(member, 0), 0], -1)
        order: IntArray = np.lexsort((tie, row, severity, kind)).astype(np.intp)
        return order


def _below(values: FloatArray, limit: float) -> BoolArray:
    """``values < limit``, False where NaN, without a warning."""
    with np.errstate(invalid="ignore"):
        return np.less(values, limit)


def _blocking(
    rung: npt.NDArray[np.int8], met: BoolArray, rung_codes: npt.NDArray[np.int8]
) -> BoolArray:
    """Return the next rung's questions that are not met, per row (none at the top)."""
    blocking: BoolArray = (rung_codes[np.newaxis, :] == (rung[:, np.newaxis] + 1)) & ~met
    return blocking
