r"""Sampling uncertainty of a group's rung and index: private kernels on clean arrays.

A group's rung rests on the few people who answered. These kernels say how sure it is:

* :func:`bootstrap_rungs`: each group's probability of each rung when its respondents are
  resampled with replacement (the nonparametric bootstrap), from the answer rows;
* :func:`normal_rungs`: the same probabilities from mergeable sums alone, the question
  means taken as jointly normal with the bootstrap's covariance (the delta method);
* :func:`index_variance_rows` and :func:`index_variance_sums`: the sampling variance of a
  group's index, from rows or from sums, for an interval on the change between waves;
* :func:`welch_interval` and :func:`student_t_ppf`: that interval, with the
  Welch-Satterthwaite degrees of freedom.

Inputs are clean arrays (the callers validate); the kernels only assert their contract.
Cross sums (:func:`unpack_gram`) are the packed upper triangle of the per-group Gram
matrix :math:`Z^\top Z` of :math:`Z = [\tilde x, a]`, where :math:`\tilde x` is the answer
matrix with missing answers as 0 and :math:`a` the answered indicators, row by row as
:func:`numpy.triu_indices` lists it.
"""

from __future__ import annotations

import math
from functools import cache
from typing import Any, Final, TypeAlias

import numpy as np
import numpy.typing as npt

FloatArray: TypeAlias = npt.NDArray[np.float64]
IntArray: TypeAlias = npt.NDArray[np.intp]
BoolArray: TypeAlias = npt.NDArray[np.bool_]

#: Bootstrap resamples by default: a Monte Carlo standard error of at most 0.011 on any
#: probability (0.009 at 0.8, 0.005 at 0.95), well below the 0.05 steps a board reads.
RESAMPLES: Final = 2000
#: Draws from the fitted normal by default (:func:`normal_rungs`): a Monte Carlo standard
#: error of at most 0.005.
DRAWS: Final = 10_000

_COLLABORATION: Final = 1
_PARTNERSHIP: Final = 2
_BUDGET: Final = 1 << 22
"""Elements of the largest temporary array a kernel builds at once (16 MB in float32)."""
_RESAMPLE_BLOCK: Final = 1024
"""At most this many resamples come from one generator (fewer for large groups)."""
# The Chernoff bound is taken at these multiples of 1 / (the range of the answers): a
# factor sqrt(2) apart, so the best of them is within 4% of the optimum's exponent.
_LAMBDAS: Final = 2.0 ** (np.arange(-12, 19) / 2.0)


# --------------------------------------------------------------------------------------
# Cross sums: the packed Gram matrix
# --------------------------------------------------------------------------------------


@cache
def gram_indices(size: int) -> tuple[IntArray, IntArray]:
    """Return the rows and columns of a ``size x size`` upper triangle, row by row."""
    rows, cols = np.triu_indices(size)
    return rows.astype(np.intp), cols.astype(np.intp)


def gram_length(n_questions: int) -> int:
    """Return how many cross sums a cell has: the upper triangle of a ``2Q x 2Q`` matrix."""
    return n_questions * (2 * n_questions + 1)


def pack_gram(full: FloatArray) -> FloatArray:
    """Return the upper triangles, shape ``(n, P)``, of symmetric matrices ``(n, 2Q, 2Q)``."""
    rows, cols = gram_indices(full.shape[-1])
    packed: FloatArray = full[:, rows, cols]
    return packed


def unpack_gram(cross: FloatArray, n_questions: int) -> FloatArray:
    """Return the symmetric Gram matrices, shape ``(n, 2Q, 2Q)``, of packed cross sums."""
    size = 2 * n_questions
    assert cross.shape[-1] == gram_length(n_questions)
    rows, cols = gram_indices(size)
    full = np.empty((cross.shape[0], size, size))
    full[:, rows, cols] = cross
    full[:, cols, rows] = cross
    return full


@cache
def _pairs(n_questions: int) -> tuple[IntArray, IntArray, IntArray]:
    """Return the question pairs ``j <= k`` and where their sums sit in packed cross sums.

    Returns ``(j, k, where)``, ``where`` of shape ``(4, n_pairs)``: the packed columns of
    the sums of products, of the answers to `j` of those who answered `k`, of the answers
    to `k` of those who answered `j`, and of the counts of those who answered both.
    """
    q = n_questions
    width = 2 * q
    rows, cols = gram_indices(width)
    position = np.empty((width, width), dtype=np.intp)
    position[rows, cols] = np.arange(rows.size)
    position[cols, rows] = np.arange(rows.size)
    j, k = (v.astype(np.intp) for v in np.triu_indices(q))
    where = np.stack(
        (position[j, k], position[j, q + k], position[k, q + j], position[q + j, q + k])
    )
    return j, k, where


def _diagonal(cross: FloatArray, n_questions: int) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Return each group's answered counts, totals and sums of squares, ``(G, Q)`` each."""
    j, k, where = _pairs(n_questions)
    diagonal = np.flatnonzero(j == k)
    return (
        cross[:, where[3, diagonal]],
        cross[:, where[1, diagonal]],
        cross[:, where[0, diagonal]],
    )


def _variance(count: FloatArray, total: FloatArray, total_sq: FloatArray) -> FloatArray:
    """Return the delta-method variance of each mean, ``(n SS - T^2) / n^3`` (NaN at 0)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        variance: FloatArray = (count * total_sq - total * total) / count**3
    return variance


def _covariance(cross: FloatArray, n_questions: int) -> FloatArray:
    """Return the delta-method covariances of the means, ``(G, n_pairs)``.

    For each pair ``j <= k`` of :func:`_pairs`, the bootstrap covariance of the two means
    to first order (see :func:`normal_rungs`), NaN where either has no answer. It is one
    exact integer combination of the sums (on a whole-number scale, below ``2**53``)
    divided once, so that it is exactly 0 for a question everyone answered alike.
    """
    j, k, where = _pairs(n_questions)
    count, total, _ = _diagonal(cross, n_questions)
    xx, xa, ax, aa = (cross[:, w] for w in where)
    nj, nk, tj, tk = count[:, j], count[:, k], total[:, j], total[:, k]
    # (n_j n_k)^2 Cov_jk
    numerator = nj * nk * xx - nj * tk * xa - nk * tj * ax + tj * tk * aa
    with np.errstate(divide="ignore", invalid="ignore"):
        cov: FloatArray = numerator / (nj * nj * nk * nk)
    return cov


def _full(cov: FloatArray, n_questions: int) -> FloatArray:
    """Return the ``(G, Q, Q)`` matrices of per-pair covariances ``(G, n_pairs)``."""
    j, k, _ = _pairs(n_questions)
    full = np.empty((cov.shape[0], n_questions, n_questions))
    full[:, j, k] = cov
    full[:, k, j] = cov
    return full


# --------------------------------------------------------------------------------------
# The bootstrap
# --------------------------------------------------------------------------------------


class _Lattice:
    """The values answers take, and how to turn an answer into its point's code."""

    def __init__(self, values: FloatArray) -> None:
        self.values = values
        self.size = values.size
        self.low = float(values[0]) if values.size else 0.0
        self.range = float(values[-1] - values[0]) if values.size else 0.0
        self.step = float(values[1] - values[0]) if values.size >= 2 else 1.0
        # Evenly spaced by a power of two, so that (x - low) / step is each point's code
        # exactly, as computed by `bins` and `codes`: they then need no search.
        mantissa, _ = math.frexp(self.step)
        ends = np.append(values, self.low + self.step * self.size)
        self.fast = (
            values.size >= 1
            and mantissa == 0.5
            and bool(np.array_equal((ends - self.low) * (1.0 / self.step), np.arange(ends.size)))
        )

    def bins(self, column: FloatArray, base: FloatArray, bins: IntArray, grp: IntArray) -> IntArray:
        """Fill `bins` with ``grp * (size + 1) + code`` (`base` is ``grp * (size + 1)``)."""
        if self.fast:
            top = self.low + self.step * self.size  # NaN (missing) goes to the last code
            point = np.fmin(column, top)
            point -= self.low
            point *= 1.0 / self.step  # a power of two: exact
            np.add(base, point, out=bins, casting="unsafe")
        else:
            np.add(grp * (self.size + 1), np.searchsorted(self.values, column), out=bins)
        return bins

    def codes(self, block: FloatArray) -> npt.NDArray[np.int64]:
        """Each answer's point code, ``size`` where missing."""
        if self.fast:
            point = np.fmin(block, self.low + self.step * self.size) - self.low
            return (point * (1.0 / self.step)).astype(np.int64)
        return np.searchsorted(self.values, block).astype(np.int64)


def _tally(
    answers: FloatArray, questions: IntArray, grp: IntArray, n_groups: int, lattice: _Lattice
) -> FloatArray:
    """Count each group's answers to each question by point: ``(Q', G, size + 1)``.

    The last point counts missing answers. `grp` may hold `n_groups` (rows to ignore).
    """
    width = lattice.size + 1
    base = grp.astype(np.float64) * width
    bins = np.empty(grp.size, dtype=np.intp)
    out = np.empty((questions.size, n_groups, width))
    for i, q in enumerate(questions.tolist()):
        lattice.bins(answers[:, q], base, bins, grp)
        counts = np.bincount(bins, minlength=(n_groups + 1) * width)
        out[i] = counts[: n_groups * width].reshape(n_groups, width)
    return out


def _bound(
    tally: FloatArray,
    lattice: _Lattice,
    thresholds: FloatArray,
    hidden: BoolArray,
    *,
    met: bool,
) -> FloatArray:
    r"""Bound each group's chance that one resample meets (or misses) each question.

    Returns an upper bound, shape ``(Q', G)``, on the probability that one bootstrap
    resample's mean is at least the threshold (`met`), or below it or undefined (not
    `met`). Exact where the answers settle it: none at or above the threshold (never
    met, hidden included), or all answered and all at or above it (always met).
    """
    n_q, n_groups, _ = tally.shape
    size = tally.sum(axis=2)
    span = lattice.range if lattice.range > 0 else 1.0
    lambdas = _LAMBDAS[:, np.newaxis] / (span if met else -span)
    bound = np.ones((n_q, n_groups))
    for i in range(n_q):
        y = np.append(lattice.values - thresholds[i], 0.0)  # a missing answer adds 0
        # n E[exp(lambda Y)] for one draw, over the group's rows, at every lambda.
        with np.errstate(over="ignore"):
            mgf = np.exp(lambdas * y) @ tally[i].T
        best = np.minimum.reduce(mgf, axis=0)
        n = size[i]
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            bound[i] = np.minimum(1.0, np.exp(n * np.log(best / n)))
        above = y[:-1] >= 0
        reach = tally[i][:, :-1][:, above].sum(axis=1)
        below = tally[i][:, :-1][:, ~above].sum(axis=1) + tally[i][:, -1]
        never = (reach == 0) | hidden[:, i]
        always = (below == 0) & ~never
        bound[i][never] = 0.0 if met else 1.0
        bound[i][always] = 1.0 if met else 0.0
    return bound


def _counts(seed: int, n: int, block: int, rows: int, dtype: npt.DTypeLike) -> npt.NDArray[Any]:
    """Resampling counts: how often each of `n` sorted rows is drawn, ``(rows, n)``.

    Block `block` of the resamples of every group of `n` respondents, from a generator
    seeded by ``(seed, n, block)``: groups of one size share them.
    """
    rng = np.random.default_rng([seed, n, block])
    drawn = rng.integers(0, n, size=(rows, n))
    drawn += (np.arange(rows) * n)[:, np.newaxis]
    counts = np.bincount(drawn.reshape(-1), minlength=rows * n).reshape(rows, n)
    return counts.astype(dtype)


def _resample_block(n: int) -> int:
    """Return how many resamples of a group of `n` one generator draws (`n` alone sets it)."""
    return max(1, min(_RESAMPLE_BLOCK, (1 << 20) // n))


def _dyadic_scale(values: FloatArray, thresholds: FloatArray) -> float | None:
    """Find the smallest power of two turning each ``value - threshold`` whole (or None)."""
    y = np.subtract.outer(values, thresholds)
    for m in range(31):
        scaled = y * 2.0**m
        if np.array_equal(scaled, np.rint(scaled)):
            return 2.0**m
    return None


def bootstrap_rungs(
    answers: FloatArray,
    group: IntArray,
    n_groups: int,
    *,
    rung_codes: npt.NDArray[np.int8],
    thresholds: FloatArray,
    hidden: BoolArray | None = None,
    resamples: int,
    seed: int,
    points: FloatArray | None = None,
) -> FloatArray:
    r"""Return each group's bootstrap probability of each rung.

    Parameters
    ----------
    answers : ndarray of float64, shape (n_rows, Q)
        The answers, NaN where missing.
    group : ndarray of intp, shape (n_rows,)
        Each row's group, 0 to ``n_groups - 1``, or -1 to leave the row out.
    n_groups : int
    rung_codes : ndarray of int8, shape (Q,)
        The rung each question evidences: 1 collaboration, 2 partnership (others are
        ignored, as in placing).
    thresholds : ndarray of float64, shape (Q,)
        Each question's threshold: met when the mean is at least it.
    hidden : ndarray of bool, shape (n_groups, Q), optional
        Questions treated as unanswered in a group (never met, whatever the answers).
    resamples : int
        B, the number of resamples (:data:`RESAMPLES` is the library's default).
    seed : int
        A non-negative seed.
    points : ndarray of float64, optional
        The values answers can take (the scale's points). By default the distinct
        values of `answers`, which takes a sort of the whole matrix.

    Returns
    -------
    ndarray of float64, shape (n_groups, 3)
        Per group, the fraction of the B resamples placed on transaction, collaboration
        and partnership. Each row adds up to 1 (the last column is 1 less the first two,
        so that the sum is exactly 1); NaN for a group with no rows.

    Notes
    -----
    In each resample the :math:`n` respondents of a group are drawn with replacement
    from its :math:`n` respondents (Efron and Tibshirani, 1993). With
    :math:`c_{bi}` the number of times resample :math:`b` draws respondent :math:`i`,
    question :math:`j`'s resampled mean is

    .. math:: m_{bj} = \frac{\sum_i c_{bi} a_{ij} x_{ij}}{\sum_i c_{bi} a_{ij}}

    (:math:`a_{ij}` 1 where answered), exactly the sum over count the placement divides,
    undefined (never met) when no drawn respondent answered; it is met when
    :math:`m_{bj} \ge t_j`, and the resample is placed as a group is: collaboration when
    every collaboration question is met, partnership when every partnership question is
    met as well. A resample equal to the sample is placed where the sample is.

    *Invariance.* A group's result depends only on the multiset of its rows, its `hidden`
    row, `seed` and `resamples`: its rows are put in a canonical order (by their answers'
    codes) and the counts :math:`c_{bi}` of every group of :math:`n` respondents come
    from generators seeded by ``(seed, n, block)``, shared by all groups of that size
    (common random numbers: each group's figures are still a valid bootstrap).

    *Exact arithmetic.* On a scale whose points and thresholds differ by multiples of a
    power of two :math:`2^{-m}` (whole numbers: :math:`m = 0`), met is decided by the
    sign of one matrix product: with :math:`y_{ij} = 2^m a_{ij}(x_{ij} - t_j)` and
    :math:`K = n + 1`, the column :math:`d_{ij} = a_{ij}(K y_{ij} + 1)` gives
    :math:`\sum_i c_{bi} d_{ij} = K 2^m (S - t_j N) + N > 0` exactly when :math:`N \ge 1`
    and :math:`S / N \ge t_j`, all in whole numbers (float32 when they stay below
    :math:`2^{24}`, float64 below :math:`2^{53}`). Other scales divide in float64.

    *Groups whose rung cannot change* are not resampled. Exactly: a question none of
    whose answers reaches its threshold (or that is hidden) is never met, and one
    everyone answered at or above it is always met. Otherwise by the
    Chernoff bound of the resampled sum of :math:`Y_i = a_{ij}(x_{ij} - t_j)`, for any
    :math:`\lambda > 0`,

    .. math::

        P\Bigl(\sum_{k=1}^n Y_{(k)} \ge 0\Bigr)
        \le \Bigl(\frac1n \sum_i e^{\lambda Y_i}\Bigr)^n,

    exact for draws with replacement, taken at the best of a grid of :math:`\lambda`
    (and with :math:`-Y` for the chance of not being met). The chance that one resample
    leaves a group's rung is bounded by the union of the questions it rests on (the
    smallest chance of meeting a question that holds it down, and the chances of
    missing each question that holds it up); when that is below :math:`1 / (2B)`, the
    group's ideal bootstrap probability of its rung is provably above
    :math:`1 - 1/(2B)` and it is reported as exactly 1: an error below half a resample,
    and far below the Monte Carlo error of any group that is resampled. By the same
    rule a group whose partnership is out of reach (but for such a chance) is resampled
    on its collaboration questions alone and given partnership 0, and one whose
    collaboration is certain (but for such a chance) on its partnership questions alone
    and given transaction 0.

    *Memory* stays bounded: resampling works through blocks of groups of one size, each
    product at most ``2**22`` elements, and only the rows of the groups resampled are
    sorted (an index, not a copy).

    References
    ----------
    Efron, B., & Tibshirani, R. J. (1993). *An Introduction to the Bootstrap*. Chapman &
    Hall. Chernoff, H. (1952). A measure of asymptotic efficiency for tests of a
    hypothesis based on the sum of observations. *Annals of Mathematical Statistics*,
    23(4), 493-507.
    """
    n_rows, n_q = answers.shape
    assert group.shape == (n_rows,)
    assert rung_codes.shape == (n_q,)
    assert thresholds.shape == (n_q,)
    assert resamples >= 1
    assert seed >= 0
    mask = np.zeros((n_groups, n_q), dtype=bool) if hidden is None else hidden
    assert mask.shape == (n_groups, n_q)
    collaboration = np.flatnonzero(rung_codes == _COLLABORATION)
    partnership = np.flatnonzero(rung_codes == _PARTNERSHIP)
    # Rows left out go to group n_groups, which is dropped.
    grp = group if group.min(initial=0) >= 0 else np.where(group >= 0, group, n_groups)
    grp = grp.astype(np.intp, copy=False)
    size = np.bincount(grp, minlength=n_groups + 1)[:n_groups]
    if points is None:
        values = np.unique(answers[~np.isnan(answers)])
    else:
        values = np.unique(np.asarray(points, dtype=np.float64))
    lattice = _Lattice(values)
    probability = np.full((n_groups, 3), np.nan)
    # Stages 1 and 2: the groups whose rung cannot change.
    left, sub, sub_group = _settle(
        probability,
        answers,
        grp,
        size,
        collaboration=collaboration,
        partnership=partnership,
        thresholds=thresholds,
        hidden=mask,
        lattice=lattice,
        limit=0.5 / resamples,
    )
    if left.size == 0:
        return probability

    # Stage 3: resample the rest, from the rows stage 2 kept (`sub_group` numbers their
    # groups among stage 2's, `left` among those).
    own = np.full(int(sub_group.max(initial=0)) + 1, left.size, dtype=np.intp)
    own[left.local] = np.arange(left.size, dtype=np.intp)
    at_least = _resample(
        sub,
        own[sub_group],
        size[left.groups],
        needs=left.needs,
        decisive=np.concatenate((collaboration, partnership)),
        n_collaboration=collaboration.size,
        thresholds=thresholds,
        hidden=mask[left.groups],
        lattice=lattice,
        resamples=resamples,
        seed=seed,
    )
    share = at_least / float(resamples)
    rows = left.groups
    probability[rows, 1] = share[:, 0] - share[:, 1]
    probability[rows, 0] = 1.0 - share[:, 0]
    # The last column is 1 less the first two, so each row adds up to exactly 1.
    probability[rows, 2] = 1.0 - (probability[rows, 0] + probability[rows, 1])
    return probability


class _Left:
    """The groups stage 2 leaves to resample: their numbers, and among stage 2's groups.

    `needs` says what their resamples must evaluate: both rungs, only collaboration
    (partnership is out of reach but with chance below the limit), or only partnership
    (collaboration is certain but for such a chance).
    """

    def __init__(self, groups: IntArray, local: IntArray, needs: npt.NDArray[np.int8]) -> None:
        self.groups = groups
        self.local = local
        self.needs = needs
        self.size = groups.size


def _settle(
    probability: FloatArray,
    answers: FloatArray,
    grp: IntArray,
    size: IntArray,
    *,
    collaboration: IntArray,
    partnership: IntArray,
    thresholds: FloatArray,
    hidden: BoolArray,
    lattice: _Lattice,
    limit: float,
) -> tuple[_Left, FloatArray, IntArray]:
    """Fill in the groups whose rung no resample leaves but with chance below `limit`.

    Returns the groups still to resample, and rows holding theirs (the answers, and
    each row's group among stage 2's, or stage 2's count where it is none of them).
    """
    n_groups = size.size
    # Stage 1, every group: does a collaboration question hold it at transaction?
    tally_c = _tally(answers, collaboration, grp, n_groups, lattice)
    hidden_c = hidden[:, collaboration]
    met_c = _bound(tally_c, lattice, thresholds[collaboration], hidden_c, met=True)
    present = size > 0
    settled = present & (met_c.min(axis=0, initial=np.inf) < limit)
    probability[settled] = (1.0, 0.0, 0.0)
    rest = np.flatnonzero(present & ~settled)
    if rest.size == 0:
        return _Left(rest, rest, np.zeros(0, dtype=np.int8)), answers[:0], rest

    # Stage 2, the others: do the collaboration questions hold them up, and the
    # partnership questions settle the rung?
    unmet_c = _bound(
        tally_c[:, rest], lattice, thresholds[collaboration], hidden_c[rest], met=False
    )
    local = np.full(n_groups + 1, rest.size, dtype=np.intp)
    local[rest] = np.arange(rest.size, dtype=np.intp)
    sub, sub_group = _rows_of(answers, grp, local, rest.size)
    tally_p = _tally(sub, partnership, sub_group, rest.size, lattice)
    hidden_p = hidden[rest][:, partnership]
    met_p = _bound(tally_p, lattice, thresholds[partnership], hidden_p, met=True)
    unmet_p = _bound(tally_p, lattice, thresholds[partnership], hidden_p, met=False)
    held = unmet_c.sum(axis=0)
    reach = met_p.min(axis=0, initial=np.inf)
    at_collaboration = held + reach < limit
    at_partnership = (held + unmet_p.sum(axis=0) < limit) & ~at_collaboration
    probability[rest[at_collaboration]] = (0.0, 1.0, 0.0)
    probability[rest[at_partnership]] = (0.0, 0.0, 1.0)
    unsettled = np.flatnonzero(~(at_collaboration | at_partnership))
    needs = np.full(unsettled.size, _BOTH, dtype=np.int8)
    needs[reach[unsettled] < limit] = _UP_ONLY
    needs[held[unsettled] < limit] = _TOP_ONLY
    return _Left(rest[unsettled], unsettled, needs), sub, sub_group


def _rows_of(
    answers: FloatArray, grp: IntArray, local: IntArray, n_local: int
) -> tuple[FloatArray, IntArray]:
    """Return the rows of some groups, with their local numbers (`n_local`: not chosen).

    A copy of the rows when they are few; the whole matrix otherwise, its other rows
    given the left-out group, so that memory stays bounded.
    """
    sub_group = local[grp]
    chosen = np.flatnonzero(sub_group < n_local)
    if chosen.size * 4 < grp.size:
        return answers[chosen], sub_group[chosen]
    return answers, sub_group


def _canonical(
    answers: FloatArray,
    own: IntArray,
    n_sel: int,
    decisive: IntArray,
    lattice: _Lattice,
) -> IntArray:
    """Return the rows of the chosen groups (``own < n_sel``), by group, then answers.

    Rows with the same decisive answers are interchangeable, so the order depends only
    on each group's multiset of rows.
    """
    rows = np.flatnonzero(own < n_sel)
    width = lattice.size + 1
    if n_sel * float(width) ** decisive.size < 2.0**62:
        key = own[rows].astype(np.int64)
        for q in decisive.tolist():
            key *= width
            key += lattice.codes(answers[rows, q])
        order = np.argsort(key)
    else:
        keys = [lattice.codes(answers[rows, q]) for q in decisive.tolist()[::-1]]
        order = np.lexsort((*keys, own[rows]))
    ordered: IntArray = rows[order]
    return ordered


def _columns(
    x: FloatArray, answered: BoolArray, threshold: FloatArray, factor: float | None, dtype: Any
) -> tuple[npt.NDArray[Any], npt.NDArray[Any] | None]:
    """Return the matrices the resampling counts multiply, ``(n, Q' * g)``.

    With `factor` (``K 2^m``): one column per question and group,
    ``a (K 2^m (x - t) + 1)``, whose resampled sum is positive exactly when the question
    is met. Without: the answers (missing as 0) and the answered indicators.
    """
    n = x.shape[0]
    t = threshold[:, np.newaxis]
    if factor is not None:
        d = (x - t) * factor + 1.0
        return np.where(answered, d, 0.0).astype(dtype).reshape(n, -1), None
    values = np.where(answered, x, 0.0).reshape(n, -1)
    return values, answered.astype(np.float64).reshape(n, -1)


def _met(
    counts: npt.NDArray[Any],
    columns: npt.NDArray[Any],
    counted: npt.NDArray[Any] | None,
    threshold: FloatArray,
    shape: tuple[int, int],
) -> BoolArray:
    """Which questions each resample meets, ``(resamples, Q', g)``."""
    if counted is None:
        met: BoolArray = (counts @ columns).reshape(-1, *shape) > 0
        return met
    total = (counts @ columns).reshape(-1, *shape)
    drawn = (counts @ counted).reshape(-1, *shape)
    with np.errstate(divide="ignore", invalid="ignore"):
        met = (total / drawn >= threshold[:, np.newaxis]) & (drawn > 0)
    return met


_BOTH: Final = 0
_UP_ONLY: Final = 1  # partnership out of reach: only collaboration is resampled
_TOP_ONLY: Final = 2  # collaboration certain: only partnership is resampled


def _resample(
    answers: FloatArray,
    own: IntArray,
    size: IntArray,
    *,
    needs: npt.NDArray[np.int8],
    decisive: IntArray,
    n_collaboration: int,
    thresholds: FloatArray,
    hidden: BoolArray,
    lattice: _Lattice,
    resamples: int,
    seed: int,
) -> npt.NDArray[np.int64]:
    """Resample groups; count the resamples at collaboration or above, and at partnership.

    `own` is each row's position among the groups resampled (``len(size)``: not one of
    them), `size` their respondents and `hidden` their hidden questions. `decisive`
    lists the collaboration questions, then the partnership ones; `needs` says which a
    group's resamples must evaluate (:data:`_BOTH`, :data:`_UP_ONLY` or
    :data:`_TOP_ONLY`). Returns shape ``(len(size), 2)``.
    """
    n_sel = size.size
    # The order of a group's rows rests on all the decisive answers, whatever is
    # evaluated, so that a group's resamples are the same draw for draw.
    rows = _canonical(answers, own, n_sel, decisive, lattice)
    starts = np.concatenate(([0], np.cumsum(size)[:-1])).astype(np.intp)
    scale = _dyadic_scale(lattice.values, thresholds[decisive])
    span = float(
        np.max(np.abs(np.subtract.outer(lattice.values, thresholds[decisive])), initial=0.0)
    )
    out = np.zeros((n_sel, 2), dtype=np.int64)
    subsets = {
        _BOTH: np.arange(decisive.size),
        _UP_ONLY: np.arange(n_collaboration),
        _TOP_ONLY: np.arange(n_collaboration, decisive.size),
    }
    for n in np.unique(size).tolist():
        block = _resample_block(n)
        sizes = [min(block, resamples - b * block) for b in range(-(-resamples // block))]
        # Exact while the sums stay whole numbers below float32's or float64's limit.
        largest = math.inf if scale is None else n * ((n + 1) * span * scale + 1.0)
        factor = None if scale is None or largest >= 2.0**53 else (n + 1) * scale
        dtype = np.float32 if largest < 2.0**24 else np.float64
        kept = (
            [_counts(seed, n, b, rows_b, dtype) for b, rows_b in enumerate(sizes)]
            if resamples * n <= _BUDGET
            else None
        )
        for need, subset in subsets.items():
            chosen = np.flatnonzero((size == n) & (needs == need))
            questions = decisive[subset]
            threshold = thresholds[questions]
            n_up = n_collaboration if need != _TOP_ONLY else 0
            per_chunk = max(1, _BUDGET // (max(questions.size, 1) * max(block, n)))
            for first in range(0, chosen.size, per_chunk):
                part = chosen[first : first + per_chunk]
                index = rows[(starts[part][:, np.newaxis] + np.arange(n)).reshape(-1)]
                x = answers[index][:, questions].reshape(part.size, n, questions.size)
                # Question by question, then group: (n, Q', g).
                x = np.ascontiguousarray(x.transpose(1, 2, 0))
                answered = ~np.isnan(x)
                answered &= ~hidden[part][:, questions].T[np.newaxis]
                columns, counted = _columns(x, answered, threshold, factor, dtype)
                for b, rows_b in enumerate(sizes):
                    counts = kept[b] if kept is not None else _counts(seed, n, b, rows_b, dtype)
                    met = _met(counts, columns, counted, threshold, (questions.size, part.size))
                    up = np.ones((rows_b, part.size), dtype=bool)
                    for j in range(n_up):
                        up &= met[:, j]
                    out[part, 0] += np.count_nonzero(up, axis=0)
                    if need == _UP_ONLY:
                        continue
                    for j in range(n_up, questions.size):
                        up &= met[:, j]
                    out[part, 1] += np.count_nonzero(up, axis=0)
    return out


# --------------------------------------------------------------------------------------
# The normal approximation, from sums
# --------------------------------------------------------------------------------------


def _decide(
    p_met: FloatArray,
    p_unmet: FloatArray,
    collaboration: IntArray,
    partnership: IntArray,
    limit: float,
) -> npt.NDArray[np.int8]:
    """Per group, the rung no resample can leave but with chance below `limit`, or -1.

    `p_met` and `p_unmet` (G, Q) bound each question's chance of being met, and of not
    being met, in one resample.
    """
    held_up = p_unmet[:, collaboration].sum(axis=1)
    to_transaction = p_met[:, collaboration].min(axis=1, initial=np.inf)
    to_collaboration = held_up + p_met[:, partnership].min(axis=1, initial=np.inf)
    to_partnership = held_up + p_unmet[:, partnership].sum(axis=1)
    rung = np.full(p_met.shape[0], -1, dtype=np.int8)
    rung[to_partnership < limit] = 2
    rung[to_collaboration < limit] = 1
    rung[to_transaction < limit] = 0
    return rung


def normal_rungs(
    respondents: npt.NDArray[np.integer[Any]],
    cross: FloatArray,
    *,
    rung_codes: npt.NDArray[np.int8],
    thresholds: FloatArray,
    low: float,
    step: float | None = None,
    hidden: BoolArray | None = None,
    draws: int = DRAWS,
    seed: int,
) -> FloatArray:
    r"""Return each group's probability of each rung from sums, by a normal approximation.

    Parameters
    ----------
    respondents : ndarray of int, shape (G,)
        Each group's respondents; a group with none gives NaN.
    cross : ndarray of float64, shape (G, Q (2Q + 1))
        Each group's cross sums (:func:`unpack_gram`).
    rung_codes : ndarray of int8, shape (Q,)
    thresholds : ndarray of float64, shape (Q,)
    low : float
        The scale's lowest point, where the lattice of `step` starts.
    step : float, optional
        The spacing of the scale's points when they are ``low, low + step, ...`` (1 on
        the evidence scale): sums of answers then lie on a lattice and each threshold is
        continuity-corrected. None: no correction.
    hidden : ndarray of bool, shape (G, Q), optional
        Questions treated as unanswered (never met).
    draws : int, optional
        Monte Carlo draws from the fitted normal.
    seed : int
        A non-negative seed.

    Returns
    -------
    ndarray of float64, shape (G, 3)
        Per group, the probability of transaction, collaboration and partnership, rows
        adding up to exactly 1; NaN for a group with no respondents.

    Notes
    -----
    The question means :math:`m_j` are taken as jointly normal with the covariance the
    bootstrap gives them to first order (the delta method; Efron and Tibshirani, 1993;
    Oehlert, 1992): with :math:`a_{ij}` 1 where respondent :math:`i` answered question
    :math:`j`,
    :math:`n_j` the number who did and :math:`\mu_j` their mean,

    .. math::

        \operatorname{Cov}(m_j, m_k) = \frac{1}{n_j n_k} \sum_i a_{ij} a_{ik}
        (x_{ij} - \mu_j)(x_{ik} - \mu_k),

    which the cross sums give exactly (pairwise-complete sums of products, of answers
    and of counts). On a lattice (`step`) the sum of a question's answers takes the
    values :math:`n_j\,\mathrm{low} + \mathrm{step}\,k`, so "mean at least
    :math:`t_j`" is "sum at least :math:`S^*_j`", the smallest such value reaching
    :math:`t_j n_j`; the threshold is moved to :math:`(S^*_j - \mathrm{step}/2) / n_j`
    (a continuity correction). A question everyone answered alike has variance 0 and is
    met exactly when its mean is at least its threshold (no correction).

    The probability of a rung is an orthant probability of the fitted normal over the
    decisive questions: every collaboration question met (collaboration or above), and
    every partnership question too (partnership). It is estimated by `draws` seeded
    draws of the standard normal, shared by every group (common random numbers), each
    mapped through the group's symmetric square root of the covariance, so a group's
    figures depend only on its own sums, `seed` and `draws`. Groups whose rung the
    Gaussian tail bound :math:`\Phi(-z) \le \tfrac12 e^{-z^2/2}` fixes but with a chance
    below :math:`1/(2\,\mathrm{draws})` are given it with probability exactly 1, as in
    :func:`bootstrap_rungs`.

    The approximation ignores the chance that a resample draws nobody who answered a
    question, and the skew of means near the ends of the scale: it is close to the
    bootstrap for groups of 20 or more (see the tests), and rough for very small ones.

    References
    ----------
    Efron, B., & Tibshirani, R. J. (1993). *An Introduction to the Bootstrap*. Chapman &
    Hall. Oehlert, G. W. (1992). A note on the delta method. *The American
    Statistician*, 46(1), 27-29.
    """
    n_groups = cross.shape[0]
    n_q = rung_codes.size
    assert respondents.shape == (n_groups,)
    assert thresholds.shape == (n_q,)
    assert draws >= 1
    assert seed >= 0
    mask = np.zeros((n_groups, n_q), dtype=bool) if hidden is None else hidden
    collaboration = np.flatnonzero(rung_codes == _COLLABORATION)
    partnership = np.flatnonzero(rung_codes == _PARTNERSHIP)
    count, total, total_sq = _diagonal(cross, n_q)
    variance = _variance(count, total, total_sq)
    counted = (count > 0) & ~mask
    varies = counted & (variance > 0)
    gap = _gaps(count, total, varies, counted, thresholds, low=low, step=step)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(varies, gap / np.sqrt(variance), np.where(gap >= 0, np.inf, -np.inf))
    # Gaussian tails, or exactly 0 or 1 for a question that cannot vary.
    tail = 0.5 * np.exp(-0.5 * z * z)
    p_met = np.where(z >= 0, 1.0, tail)
    p_unmet = np.where(z >= 0, tail, 1.0)
    probability = np.full((n_groups, 3), np.nan)
    present = respondents > 0
    limit = 0.5 / draws
    rung = _decide(p_met, p_unmet, collaboration, partnership, limit)
    for code in range(3):
        fixed = present & (rung == code)
        probability[fixed] = 0.0
        probability[fixed, code] = 1.0
    left = np.flatnonzero(present & (rung < 0))
    if left.size == 0:
        return probability
    # As in the bootstrap, a rung out of reach, or certain, but for a chance below the
    # limit is not drawn for.
    needs = np.full(left.size, _BOTH, dtype=np.int8)
    needs[p_met[left][:, partnership].min(axis=1, initial=np.inf) < limit] = _UP_ONLY
    needs[p_unmet[left][:, collaboration].sum(axis=1) < limit] = _TOP_ONLY
    at_least = np.zeros((left.size, 2), dtype=np.int64)
    normal = np.random.default_rng(seed).standard_normal(
        (draws, collaboration.size + partnership.size), dtype=np.float32
    )
    subsets = {
        _BOTH: np.concatenate((collaboration, partnership)),
        _UP_ONLY: collaboration,
        _TOP_ONLY: partnership,
    }
    for need, questions in subsets.items():
        chosen = np.flatnonzero(needs == need)
        if chosen.size == 0:
            continue
        counts = _normal_draws(
            cross[left[chosen]],
            gap[left[chosen]][:, questions],
            varies[left[chosen]][:, questions],
            questions=questions,
            normal=normal[:, : questions.size],
            n_up=collaboration.size if need != _TOP_ONLY else 0,
        )
        at_least[chosen, 0] = counts[:, 0]
        at_least[chosen, 1] = counts[:, 1] if need != _UP_ONLY else 0
    share = at_least / float(draws)
    probability[left, 0] = 1.0 - share[:, 0]
    probability[left, 1] = share[:, 0] - share[:, 1]
    probability[left, 2] = 1.0 - (probability[left, 0] + probability[left, 1])
    return probability


def _gaps(
    count: FloatArray,
    total: FloatArray,
    varies: BoolArray,
    counted: BoolArray,
    thresholds: FloatArray,
    *,
    low: float,
    step: float | None,
) -> FloatArray:
    """Return each mean less its threshold, continuity-corrected where the mean varies.

    The gap is -inf for a question not counted (never met), and the plain ``mean -
    threshold`` for one whose variance is 0 (met exactly when it is at least 0).
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = total / count
    threshold = np.broadcast_to(thresholds, count.shape)
    if step is not None:
        # The smallest lattice sum low * n + step * k reaching t * n, less half a step.
        reach = (threshold - low) * count / step
        lattice_sum = low * count + step * np.ceil(reach - 1e-9 * np.abs(reach))
        with np.errstate(divide="ignore", invalid="ignore"):
            threshold = np.where(varies, (lattice_sum - step / 2.0) / count, threshold)
    gap: FloatArray = np.where(counted, mean - threshold, -np.inf)
    return gap


def _normal_draws(
    cross: FloatArray,
    gap: FloatArray,
    varies: BoolArray,
    *,
    questions: IntArray,
    normal: npt.NDArray[np.float32],
    n_up: int,
) -> npt.NDArray[np.int64]:
    """Count the normal draws with every one of the first `n_up` questions met, and all.

    `cross` (g, P) are the groups' cross sums, `questions` the questions drawn for (the
    first `n_up` decide collaboration), `gap` (g, Q') each mean less its threshold,
    `varies` which means vary, and `normal` the standard normal draws. Returns
    ``(g, 2)``.
    """
    n_groups, n_dec = gap.shape
    draws = normal.shape[0]
    n_q = (math.isqrt(8 * cross.shape[1] + 1) - 1) // 4  # from Q (2Q + 1)
    per_block = max(1, _BUDGET // (draws * n_dec))
    out = np.zeros((n_groups, 2), dtype=np.int64)
    for first in range(0, n_groups, per_block):
        part = slice(first, min(first + per_block, n_groups))
        keep = varies[part]
        g = keep.shape[0]
        sigma = _full(_covariance(cross[part], n_q), n_q)[:, questions][:, :, questions]
        sigma = np.where(keep[:, :, np.newaxis] & keep[:, np.newaxis, :], sigma, 0.0)
        values, vectors = np.linalg.eigh(sigma)
        weighted = vectors * np.sqrt(np.maximum(values, 0.0))[:, np.newaxis, :]
        root = weighted @ np.swapaxes(vectors, 1, 2)  # the symmetric square root
        root[~keep] = 0.0  # a mean that does not vary does not move
        # Column (j, g): question j of group g, from row j of its root.
        columns = root.transpose(2, 1, 0).reshape(n_dec, n_dec * g).astype(np.float32)
        spread = normal @ columns
        need = (-gap[part].T.reshape(-1)).astype(np.float32)  # met when spread >= need
        met = (spread >= need).reshape(draws, n_dec, g)
        up = np.ones((draws, g), dtype=bool)
        for j in range(n_up):
            up &= met[:, j]
        out[part, 0] = np.count_nonzero(up, axis=0)
        for j in range(n_up, n_dec):
            up &= met[:, j]
        out[part, 1] = np.count_nonzero(up, axis=0)
    return out


# --------------------------------------------------------------------------------------
# The variance of a group's index
# --------------------------------------------------------------------------------------


def _index_scale(counted: BoolArray, low: float, high: float) -> FloatArray:
    """Return the index's derivative by each counted mean, ``100 / (Q_a (high - low))``."""
    answered = counted.sum(axis=1).astype(np.float64)
    with np.errstate(divide="ignore"):
        scale: FloatArray = 100.0 / (answered * (high - low))
    return scale


def index_variance_rows(
    answers: FloatArray,
    group: IntArray,
    n_groups: int,
    *,
    mean: FloatArray,
    low: float,
    high: float,
    hidden: BoolArray | None = None,
) -> FloatArray:
    r"""Return the sampling variance of each group's index, from the answer rows.

    Parameters
    ----------
    answers : ndarray of float64, shape (n_rows, Q)
        The answers, NaN where missing.
    group : ndarray of intp, shape (n_rows,)
        Each row's group, or -1 to leave the row out.
    n_groups : int
    mean : ndarray of float64, shape (n_groups, Q)
        Each group's question means (sum over count of its rows' answers); NaN where the
        question does not count in the index (nobody answered, or withheld).
    low, high : float
        The ends of the scale.
    hidden : ndarray of bool, shape (n_groups, Q), optional
        Questions left out of the index.

    Returns
    -------
    ndarray of float64, shape (n_groups,)
        In squared index points. NaN for a group with fewer than 2 respondents, with no
        question counted, or with a counted question fewer than 2 people answered (its
        variation cannot be estimated); 0 when every counted answer equals its
        question's mean (a constant group: no variation seen, not proof of none).

    Notes
    -----
    The index is :math:`100\,(\bar m - \mathrm{low}) / (\mathrm{high} - \mathrm{low})`,
    :math:`\bar m` the mean of the :math:`Q_a` counted question means. By the delta
    method each respondent's influence on it is

    .. math:: u_i = \sum_j a_{ij} \frac{x_{ij} - \mu_j}{n_j},

    over the counted questions (:math:`a_{ij}` 1 where answered, :math:`n_j` the number
    who answered :math:`j`), and

    .. math::

        \operatorname{Var}(\mathrm{index}) = \Bigl(\frac{100}{Q_a (\mathrm{high} -
        \mathrm{low})}\Bigr)^2 \frac{n}{n - 1} \sum_{i=1}^n u_i^2,

    the bootstrap variance to first order with the :math:`n/(n-1)` correction that
    makes it :math:`s_r^2 / n` on complete data (:math:`s_r^2` the sample variance of the
    respondents' row sums, scaled). :func:`index_variance_sums` gives the same figure
    from sums.

    References
    ----------
    Efron, B., & Tibshirani, R. J. (1993). *An Introduction to the Bootstrap*. Chapman &
    Hall. Oehlert, G. W. (1992). A note on the delta method. *The American
    Statistician*, 46(1), 27-29.
    """
    n_rows, n_q = answers.shape
    assert group.shape == (n_rows,)
    assert mean.shape == (n_groups, n_q)
    mask = np.zeros((n_groups, n_q), dtype=bool) if hidden is None else hidden
    grp = group if group.min(initial=0) >= 0 else np.where(group >= 0, group, n_groups)
    grp = grp.astype(np.intp, copy=False)
    size = np.bincount(grp, minlength=n_groups + 1)[:n_groups]
    counted = ~np.isnan(mean) & ~mask
    influence = np.zeros(n_rows)
    answered = np.zeros((n_groups, n_q), dtype=np.int64)
    for q in range(n_q):
        column = answers[:, q]
        present = ~np.isnan(column)
        n_q_answered = np.bincount(grp, present, minlength=n_groups + 1)
        answered[:, q] = n_q_answered[:n_groups]
        weight = np.zeros(n_groups + 1)  # 1 / n_j where counted, 0 elsewhere
        use = counted[:, q] & (answered[:, q] > 0)
        weight[:n_groups][use] = 1.0 / answered[use, q]
        centre = np.zeros(n_groups + 1)
        centre[:n_groups][use] = mean[use, q]
        term = np.where(present, column, 0.0)
        term -= centre[grp]
        term *= weight[grp]
        term[~present] = 0.0
        influence += term
    squares = np.bincount(grp, influence * influence, minlength=n_groups + 1)
    return _index_variance(
        squares[:n_groups].astype(np.float64),
        size,
        counted=counted,
        answered=answered,
        low=low,
        high=high,
    )


def _index_variance(
    squares: FloatArray,
    size: npt.NDArray[np.integer[Any]],
    *,
    counted: BoolArray,
    answered: npt.NDArray[np.integer[Any]],
    low: float,
    high: float,
) -> FloatArray:
    """Scale the sums of squared influences; NaN where the variance cannot be estimated.

    The n of the correction is the number who answered, counted as the most answers any
    counted question got (:func:`answering`): a respondent who answered nothing adds no
    influence, and must not add to n either. `size` is not read beyond its shape.
    """
    n = answering(answered, counted).astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        variance: FloatArray = _index_scale(counted, low, high) ** 2 * n / (n - 1.0) * squares
    thin = (counted & (answered < 2)).any(axis=1)
    variance[(n < 2) | ~counted.any(axis=1) | thin] = np.nan
    return variance


def answering(answered: npt.NDArray[np.integer[Any]], counted: BoolArray) -> npt.NDArray[np.int64]:
    """Return each group's respondents who answered: the most answers a counted question got.

    Respondents who answered none of the counted questions (every answer "don't know")
    are no evidence of the index and do not count. The figure is exact where someone who
    answered anything answered the most-answered question, as in almost every survey.
    """
    result: npt.NDArray[np.int64] = np.where(counted, answered, 0).max(axis=1, initial=0)
    return result.astype(np.int64)


def index_variance_sums(
    respondents: npt.NDArray[np.integer[Any]],
    cross: FloatArray,
    *,
    mean: FloatArray,
    low: float,
    high: float,
    hidden: BoolArray | None = None,
) -> FloatArray:
    r"""Return the sampling variance of each group's index, from its cross sums.

    Parameters
    ----------
    respondents : ndarray of int, shape (G,)
        Each group's respondents (the :math:`n` of the correction).
    cross : ndarray of float64, shape (G, Q (2Q + 1))
        Each group's cross sums (:func:`unpack_gram`).
    mean : ndarray of float64, shape (G, Q)
        NaN where a question does not count in the index; only where it is NaN is read.
    low, high : float
    hidden : ndarray of bool, shape (G, Q), optional

    Returns
    -------
    ndarray of float64, shape (G,)
        As :func:`index_variance_rows`, to rounding.

    Notes
    -----
    :math:`\sum_i u_i^2 = \sum_{j,k} \operatorname{Cov}(m_j, m_k)` over the counted
    questions, with the covariance of :func:`normal_rungs`, computed from the cross
    sums as one exact integer combination on a whole-number scale (below
    :math:`2^{53}`) divided once: a constant group gives exactly 0.
    """
    n_groups = cross.shape[0]
    n_q = mean.shape[1]
    assert respondents.shape == (n_groups,)
    assert mean.shape == (n_groups, n_q)
    mask = np.zeros((n_groups, n_q), dtype=bool) if hidden is None else hidden
    count = _diagonal(cross, n_q)[0]
    counted = ~np.isnan(mean) & ~mask & (count > 0)
    j, k, _ = _pairs(n_q)
    weight = np.where(j == k, 1.0, 2.0)  # each pair j < k stands for (j, k) and (k, j)
    squares = np.empty(n_groups)
    step = max(1, _BUDGET // (8 * j.size))
    for first in range(0, n_groups, step):
        part = slice(first, first + step)
        both = counted[part][:, j] & counted[part][:, k]
        cov = _covariance(cross[part], n_q)
        squares[part] = (np.where(both, cov, 0.0) * weight).sum(axis=1)
    answered = count.astype(np.int64)
    return _index_variance(
        squares, respondents, counted=counted, answered=answered, low=low, high=high
    )


# --------------------------------------------------------------------------------------
# Student's t and the interval on a change
# --------------------------------------------------------------------------------------

_lgamma = np.frompyfunc(math.lgamma, 1, 1)
_erfc = np.frompyfunc(math.erfc, 1, 1)


def _log_gamma(x: FloatArray) -> FloatArray:
    out: FloatArray = np.asarray(_lgamma(x), dtype=np.float64)
    return out


def _beta_fraction(a: FloatArray, b: FloatArray, x: FloatArray) -> FloatArray:
    """Evaluate the incomplete beta function's continued fraction (modified Lentz).

    Converges quickly for ``x < (a + 1) / (a + b + 2)``.
    """
    tiny = 1e-300
    out = np.empty_like(x)
    active = np.arange(x.size)
    a, b, x = a.copy(), b.copy(), x.copy()
    c = np.ones_like(x)
    d = 1.0 - (a + b) * x / (a + 1.0)
    d = np.where(np.abs(d) < tiny, tiny, d)
    d = 1.0 / d
    h = d.copy()
    for m in range(1, 10_000):
        m2 = 2.0 * m
        step = m * (b - m) * x / ((a + m2 - 1.0) * (a + m2))
        d = 1.0 + step * d
        d = np.where(np.abs(d) < tiny, tiny, d)
        c = 1.0 + step / c
        c = np.where(np.abs(c) < tiny, tiny, c)
        d = 1.0 / d
        h *= d * c
        step = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1.0))
        d = 1.0 + step * d
        d = np.where(np.abs(d) < tiny, tiny, d)
        c = 1.0 + step / c
        c = np.where(np.abs(c) < tiny, tiny, c)
        d = 1.0 / d
        delta = d * c
        h *= delta
        done = np.abs(delta - 1.0) < 1e-15
        if done.any():
            out[active[done]] = h[done]
            keep = ~done
            active = active[keep]
            a, b, x, c, d, h = (v[keep] for v in (a, b, x, c, d, h))
            if active.size == 0:
                break
    out[active] = h  # pragma: no cover - not reached: the fraction converges
    return out


def _log_beta(a: FloatArray, b: FloatArray) -> FloatArray:
    log_beta: FloatArray = _log_gamma(a) + _log_gamma(b) - _log_gamma(a + b)
    return log_beta


def _t_tail(t: FloatArray, df: FloatArray, log_beta: FloatArray) -> FloatArray:
    r"""``P(T > t)`` for ``t >= 0``: :math:`\tfrac12 I_{\nu/(\nu + t^2)}(\nu/2, 1/2)`.

    `log_beta` is :math:`\log B(\nu/2, 1/2)`.
    """
    a = df / 2.0
    b = np.full_like(a, 0.5)
    t2 = t * t
    x = df / (df + t2)
    y = t2 / (df + t2)  # 1 - x without cancellation
    with np.errstate(divide="ignore"):
        log_front = a * np.log(x) + b * np.log(y) - log_beta
    direct = x < (a + 1.0) / (a + b + 2.0)
    ibeta = np.empty_like(x)
    if direct.any():
        i = direct
        ibeta[i] = np.exp(log_front[i]) * _beta_fraction(a[i], b[i], x[i]) / a[i]
    if (~direct).any():
        i = ~direct
        ibeta[i] = 1.0 - np.exp(log_front[i]) * _beta_fraction(b[i], a[i], y[i]) / b[i]
    tail: FloatArray = 0.5 * ibeta
    tail[t == 0] = 0.5
    return tail


def _t_density(t: FloatArray, df: FloatArray, log_beta: FloatArray) -> FloatArray:
    log_density = -log_beta - 0.5 * np.log(df) - (df + 1.0) / 2.0 * np.log1p(t * t / df)
    density: FloatArray = np.exp(log_density)
    return density


def _normal_upper(q: FloatArray) -> FloatArray:
    """Return the standard normal's upper `q` quantile, ``0 < q <= 1/2`` (Newton)."""
    # Abramowitz and Stegun 26.2.23 (error below 4.5e-4), then Newton on erfc.
    r = np.sqrt(-2.0 * np.log(q))
    z = r - (2.515517 + 0.802853 * r + 0.010328 * r * r) / (
        1.0 + 1.432788 * r + 0.189269 * r * r + 0.001308 * r**3
    )
    for _ in range(4):
        tail = 0.5 * np.asarray(_erfc(z / math.sqrt(2.0)), dtype=np.float64)
        density = np.exp(-0.5 * z * z) / math.sqrt(2.0 * math.pi)
        z = z + (tail - q) / density
    return z


def student_t_ppf(p: npt.ArrayLike, df: npt.ArrayLike) -> FloatArray:
    r"""Return the `p` quantile of Student's t with `df` degrees of freedom, elementwise.

    Parameters
    ----------
    p : array_like of float
        Probabilities; 0 gives -inf and 1 gives inf; outside [0, 1] or NaN gives NaN.
    df : array_like of float
        Degrees of freedom, any positive number (inf: the normal); otherwise NaN.

    Returns
    -------
    ndarray of float64
        The broadcast shape of `p` and `df`. Accurate to about 1e-10 relative.

    Notes
    -----
    The upper tail of :math:`t_\nu` is
    :math:`P(T > t) = \tfrac12 I_{\nu / (\nu + t^2)}(\nu/2, 1/2)`, with :math:`I` the
    regularized incomplete beta function, evaluated by its continued fraction (modified
    Lentz). The quantile is found by Newton's method on :math:`\log t` from a
    Cornish-Fisher start, :math:`t \approx z + (z^3 + z)/(4\nu) + (5z^5 + 16z^3 + 3z) /
    (96\nu^2)` (Abramowitz and Stegun, 26.7.5; :math:`z` the normal quantile), bracketed
    by the normal and Cauchy quantiles for :math:`\nu \ge 1` and safeguarded by
    bisection. Above :math:`\nu = 10^7` the expansion itself is used.

    References
    ----------
    Abramowitz, M., & Stegun, I. A. (1964). *Handbook of Mathematical Functions*. NBS
    (26.2.23, 26.5.27, 26.7.5).
    """
    p_, df_ = np.broadcast_arrays(np.asarray(p, dtype=np.float64), np.asarray(df, dtype=np.float64))
    shape = p_.shape
    p_flat, df_flat = p_.reshape(-1), df_.reshape(-1)
    out = np.full(p_flat.shape, np.nan)
    with np.errstate(invalid="ignore"):
        valid = (p_flat >= 0) & (p_flat <= 1) & (df_flat > 0)
    out[valid & (p_flat == 0)] = -np.inf
    out[valid & (p_flat == 1)] = np.inf
    out[valid & (p_flat == 0.5)] = 0.0
    solve = np.flatnonzero(valid & (p_flat > 0) & (p_flat < 1) & (p_flat != 0.5))
    if solve.size:
        p_s = p_flat[solve]
        q = np.minimum(p_s, 1.0 - p_s)  # the upper tail to match
        nu = df_flat[solve]
        t = _t_upper(q, nu)
        out[solve] = np.where(p_s > 0.5, t, -t)
    return out.reshape(shape)


def _t_upper(q: FloatArray, nu: FloatArray) -> FloatArray:
    """Solve ``P(T_nu > t) = q`` for ``t > 0``, ``0 < q < 1/2``."""
    z = _normal_upper(q)
    with np.errstate(over="ignore", invalid="ignore"):
        start = z + (z**3 + z) / (4.0 * nu) + (5.0 * z**5 + 16.0 * z**3 + 3.0 * z) / (96.0 * nu**2)
    t = np.where(np.isfinite(nu), start, z)
    solve = np.flatnonzero(nu <= 1e7)
    if solve.size == 0:
        return t
    q_s, nu_s = q[solve], nu[solve]
    log_beta = _log_beta(nu_s / 2.0, np.full_like(nu_s, 0.5))
    # Brackets in log t: t_nu lies between the normal and (nu >= 1) the Cauchy quantile.
    lo = np.log(z[solve])
    hi = np.log(np.where(nu_s >= 1, 1.0 / np.tan(np.pi * q_s), np.inf))
    # Below one degree of freedom the tail is heavier than Cauchy's: widen by doubling.
    wide = np.flatnonzero(~np.isfinite(hi))
    if wide.size:
        guess = np.log(1.0 / np.tan(np.pi * q_s[wide]))
        for _ in range(2000):
            short = _t_tail(np.exp(guess), nu_s[wide], log_beta[wide]) > q_s[wide]
            if not short.any():
                break
            guess = np.where(short, guess + math.log(2.0), guess)
        hi[wide] = guess
    s = np.clip(np.log(np.maximum(t[solve], 1e-300)), lo, hi)
    # Newton may step past a bound that is itself the root (the Cauchy one, at nu = 1)
    # before converging from the other side: leave it room.
    lo, hi = lo - 0.5, hi + 0.5
    result = np.empty_like(s)
    active = np.arange(s.size)
    for _ in range(200):
        tt = np.exp(s)
        tail = _t_tail(tt, nu_s, log_beta)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            excess = np.log(tail) - np.log(q_s)  # decreasing in s
            lo = np.where(excess > 0, s, lo)
            hi = np.where(excess <= 0, s, hi)
            slope = -tt * _t_density(tt, nu_s, log_beta) / tail
            newton = s - excess / slope
        inside = (newton >= lo) & (newton <= hi) & np.isfinite(newton)
        following = np.where(inside, newton, 0.5 * (lo + hi))
        following[excess == 0] = s[excess == 0]
        done = np.abs(following - s) <= 1e-12 * np.maximum(1.0, np.abs(s))
        result[active[done]] = following[done]
        keep = ~done
        active, s, lo, hi, q_s, nu_s, log_beta = (
            v[keep] for v in (active, following, lo, hi, q_s, nu_s, log_beta)
        )
        if active.size == 0:
            break
    result[active] = s  # pragma: no cover - Newton converges well within the limit
    t[solve] = np.exp(result)
    return t


def welch_interval(
    change: npt.ArrayLike,
    var_before: npt.ArrayLike,
    n_before: npt.ArrayLike,
    var_after: npt.ArrayLike,
    n_after: npt.ArrayLike,
    *,
    level: float = 0.90,
) -> tuple[FloatArray, FloatArray]:
    r"""Return a Welch interval on each change between two independent estimates.

    Parameters
    ----------
    change : array_like of float
        The later estimate less the earlier one (e.g. index points gained).
    var_before, var_after : array_like of float
        The sampling variance of each estimate (squared units of `change`), such as
        :func:`index_variance_rows` gives.
    n_before, n_after : array_like of float
        The respondents behind each estimate.
    level : float, optional
        The interval's coverage, in (0, 1).

    Returns
    -------
    low, high : ndarray of float64
        The interval, broadcast over the inputs. NaN where a variance is NaN, negative
        or infinite, or a side has fewer than 2 respondents. Where both variances are 0
        (no variation seen on either side) the interval is the change itself, of width 0.

    Notes
    -----
    With :math:`v_1, v_2` the variances and :math:`n_1, n_2` the respondents,

    .. math::

        \Delta \pm t_{(1 + \mathrm{level})/2,\,\nu} \sqrt{v_1 + v_2}, \qquad
        \nu = \frac{(v_1 + v_2)^2}{v_1^2 / (n_1 - 1) + v_2^2 / (n_2 - 1)}

    (Welch, 1947; Satterthwaite, 1946): Student's t with the Welch-Satterthwaite degrees
    of freedom, which lie between :math:`\min(n_1, n_2) - 1` and :math:`n_1 + n_2 - 2`.
    The two waves' respondents are taken as independent samples.

    References
    ----------
    Welch, B. L. (1947). The generalization of "Student's" problem when several different
    population variances are involved. *Biometrika*, 34(1-2), 28-35. Satterthwaite,
    F. E. (1946). An approximate distribution of estimates of variance components.
    *Biometrics Bulletin*, 2(6), 110-114.
    """
    assert 0.0 < level < 1.0
    arrays = np.broadcast_arrays(
        *(
            np.asarray(v, dtype=np.float64)
            for v in (change, var_before, n_before, var_after, n_after)
        )
    )
    delta, v1, n1, v2, n2 = (a.reshape(-1) for a in arrays)
    shape = arrays[0].shape
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        usable = (
            np.isfinite(delta)
            & np.isfinite(v1)
            & np.isfinite(v2)
            & (v1 >= 0)
            & (v2 >= 0)
            & (n1 >= 2)
            & (n2 >= 2)
        )
        total = v1 + v2
        df = total * total / (v1 * v1 / (n1 - 1.0) + v2 * v2 / (n2 - 1.0))
    half = np.full(delta.shape, np.nan)
    spread = usable & (total > 0)
    half[usable & (total == 0)] = 0.0
    if spread.any():
        t = student_t_ppf(np.full(int(spread.sum()), (1.0 + level) / 2.0), df[spread])
        half[spread] = t * np.sqrt(total[spread])
    return (delta - half).reshape(shape), (delta + half).reshape(shape)
