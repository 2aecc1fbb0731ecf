"""Within-group agreement: r_wg, r_wg(J), a_wg, AD, ICC(1) and ICC(2).

When several people from the same organisation (a *group*) answer the self-assessment, the
group's answers are only worth averaging if its members agree. This module computes the
usual agreement and reliability indices of organisational research, vectorised over
groups: :func:`rwg` and :func:`rwg_j` (James, Demaree and Wolf), :func:`awg` (Brown and
Hauenstein), :func:`ad` (Burke, Finkelstein and Dusig), and :func:`icc1` and :func:`icc2`
from a one-way analysis of variance (Bliese). Each is checked against the R package
``multilevel`` version 2.7 (functions ``rwg``, ``rwg.j``, ``awg``, ``ad.m``, ``ICC1`` and
``ICC2``) to 1e-9 on the data sets in ``tests/data/multilevel``.

Conventions
-----------
``x`` holds the answers, one row per respondent (and one column per item for the
multi-item indices); ``groups`` holds one label per respondent (strings or numbers). The
per-group indices return a read-only mapping from group label to value with the labels in
sorted order; the value is NaN for a group of one respondent and wherever the index is
undefined (where R returns ``NA`` or ``NaN``).

Missing answers are NaN, never 0. Each item's statistics use that item's answered values
only: a respondent who skipped one item still counts for the others. For a single item
this is exactly R's behaviour (``multilevel`` drops incomplete rows first); for several
items R drops every incomplete row (listwise deletion), so results differ from R's when
answers are missing, and agree on complete data. An item answered by fewer than two of a
group's members does not enter that group's multi-item index.

The arithmetic lives in private kernels that work on per-group statistics (counts, means
and variances, shape ``(n_groups,)`` or ``(n_groups, n_items)``) so that a survey engine
can compute the statistics once, possibly in chunks with ``_sufficient_statistics``,
and call the kernels directly.

Examples
--------
>>> from jointworking.agreement import rwg, uniform_null_variance
>>> answers = [3, 3, 4, 1, 4, 0]
>>> teams = ["health", "health", "health", "council", "council", "council"]
>>> dict(rwg(answers, teams, null_variance=uniform_null_variance(5)))
{'council': 0.0, 'health': 0.8333...}
"""

from __future__ import annotations

import math
import types
from collections.abc import Hashable, Mapping
from typing import Any, Literal, TypeAlias

import numpy as np
import numpy.typing as npt

from jointworking.errors import ArgumentError

__all__ = ["GroupValues", "ad", "awg", "icc1", "icc2", "rwg", "rwg_j", "uniform_null_variance"]

FloatArray: TypeAlias = npt.NDArray[np.float64]
IntArray: TypeAlias = npt.NDArray[np.intp]
GroupValues: TypeAlias = Mapping[Hashable, float]
"""A read-only mapping from group label to the group's index, labels in sorted order."""


def _quiet() -> np.errstate:
    """Silence the division-by-zero and invalid-value warnings of empty or tiny groups."""
    return np.errstate(divide="ignore", invalid="ignore")


def _bincount(cells: IntArray, weights: FloatArray | None, n_cells: int) -> FloatArray:
    """Sum `weights` (or count) by cell, as float64, for cells ``0 .. n_cells - 1``."""
    return np.bincount(cells, weights=weights, minlength=n_cells).astype(np.float64)


# --------------------------------------------------------------------------------------
# Validation and grouping
# --------------------------------------------------------------------------------------


def _answers(x: npt.ArrayLike, *, ndims: tuple[int, ...], expected: str) -> FloatArray:
    """Return `x` as float64 after checking its type, shape and values.

    Parameters
    ----------
    x : array_like
        The answers, NaN (or ``None``) where missing.
    ndims : tuple of int
        The accepted numbers of dimensions.
    expected : str
        How to describe the accepted shapes in an error message.

    Returns
    -------
    ndarray of float64
        The answers, same shape as `x`.

    Raises
    ------
    ArgumentError
        If `x` is not numeric, has the wrong number of dimensions, is empty or holds an
        infinite value.
    """
    raw = np.asarray(x)
    if raw.dtype.kind not in "biufO":
        raise ArgumentError(
            f"x must hold numeric answers (NaN for a missing one); got dtype {raw.dtype}"
        )
    try:
        values = raw.astype(np.float64)
    except (TypeError, ValueError) as exc:
        raise ArgumentError(
            "x must hold numeric answers (NaN for a missing one); got a value that is not a number"
        ) from exc
    if values.ndim not in ndims:
        raise ArgumentError(f"x must be {expected}; got shape {values.shape}")
    if values.shape[0] == 0:
        raise ArgumentError("x must hold at least one respondent's answers; got an empty array")
    if values.ndim == 2 and values.shape[1] == 0:
        raise ArgumentError(f"x must have at least one item column; got shape {values.shape}")
    infinite = np.isinf(values)
    if infinite.any():
        where = tuple(int(i) for i in np.argwhere(infinite)[0])
        raise ArgumentError(
            f"x must be finite, with NaN for a missing answer; found {values[where]} at "
            f"index {where if len(where) > 1 else where[0]}"
        )
    return values


def _group_codes(groups: npt.ArrayLike) -> tuple[npt.NDArray[Any], IntArray]:
    """Return the sorted distinct group labels and each respondent's group code.

    Parameters
    ----------
    groups : array_like, shape (n_respondents,)
        One group label per respondent: strings or numbers, all of one kind.

    Returns
    -------
    labels : ndarray, shape (n_groups,)
        The distinct labels, sorted.
    codes : ndarray of intp, shape (n_respondents,)
        ``labels[codes]`` equals `groups`.

    Raises
    ------
    ArgumentError
        If `groups` is not one-dimensional, is empty, holds a NaN label or labels that
        cannot be sorted together.

    Examples
    --------
    >>> labels, codes = _group_codes(["b", "a", "b", "c"])
    >>> labels.tolist(), codes.tolist()
    (['a', 'b', 'c'], [1, 0, 1, 2])
    """
    labels_in = _label_array(groups)
    if labels_in.ndim != 1:
        raise ArgumentError(
            f"groups must be 1-dimensional, shape (n_respondents,); got shape {labels_in.shape}"
        )
    if labels_in.size == 0:
        raise ArgumentError("groups must hold at least one label; got an empty array")
    if labels_in.dtype.kind in "fc" and np.isnan(labels_in).any():
        raise ArgumentError("groups must not contain NaN; give every respondent a group label")
    try:
        labels, codes = np.unique(labels_in, return_inverse=True)
    except TypeError as exc:
        raise ArgumentError(
            "groups must hold labels of one kind that sort together (all strings or all numbers)"
        ) from exc
    return labels, codes.reshape(-1).astype(np.intp, copy=False)


def _label_array(groups: npt.ArrayLike) -> npt.NDArray[Any]:
    """Return `groups` as an array, turning numpy's complaint about ragged input into ours."""
    try:
        return np.asarray(groups)
    except ValueError as exc:
        raise ArgumentError(
            "groups must be 1-dimensional, shape (n_respondents,); got a ragged sequence"
        ) from exc


def _grouped(values: FloatArray, groups: npt.ArrayLike) -> tuple[npt.NDArray[Any], IntArray]:
    """Check `groups` against the answers `values` and return ``_group_codes(groups)``."""
    labels_in = _label_array(groups)
    if labels_in.ndim == 1 and labels_in.shape[0] != values.shape[0]:
        raise ArgumentError(
            "x and groups must have the same length (one group label per respondent); got "
            f"{values.shape[0]} rows in x and {labels_in.shape[0]} labels in groups"
        )
    return _group_codes(labels_in)


def _check_null_variance(null_variance: float) -> float:
    """Return `null_variance` as a float after checking it is positive and finite."""
    try:
        value = float(null_variance)
    except (TypeError, ValueError) as exc:
        raise ArgumentError(
            f"null_variance must be a positive finite number; got {null_variance!r}"
        ) from exc
    if not math.isfinite(value) or value <= 0:
        raise ArgumentError(f"null_variance must be a positive finite number; got {value}")
    return value


def _check_range(low: float, high: float, values: FloatArray) -> tuple[float, float]:
    """Return the scale ends as floats after checking them and that `values` lie within."""
    try:
        lo, hi = float(low), float(high)
    except (TypeError, ValueError) as exc:
        raise ArgumentError(
            f"low and high must be finite numbers; got low={low!r}, high={high!r}"
        ) from exc
    if not (math.isfinite(lo) and math.isfinite(hi)):
        raise ArgumentError(f"low and high must be finite numbers; got low={lo}, high={hi}")
    if lo >= hi:
        raise ArgumentError(f"low must be less than high; got low={lo}, high={hi}")
    outside = (values < lo) | (values > hi)
    if outside.any():
        raise ArgumentError(
            f"x must lie within the scale [low, high] = [{lo}, {hi}]; found {values[outside][0]}"
        )
    return lo, hi


def _by_group(labels: npt.NDArray[Any], values: FloatArray) -> GroupValues:
    """Return a read-only mapping from each label to its value, in label order."""
    return types.MappingProxyType(dict(zip(labels.tolist(), values.tolist(), strict=True)))


# --------------------------------------------------------------------------------------
# Per-group statistics
# --------------------------------------------------------------------------------------


def _cells(values: FloatArray, codes: IntArray) -> tuple[FloatArray, IntArray]:
    """Flatten answers to the answered values and their (group, item) cell numbers.

    Parameters
    ----------
    values : ndarray, shape (n_respondents,) or (n_respondents, n_items)
        The answers, NaN where missing.
    codes : ndarray of intp, shape (n_respondents,)
        Each respondent's group code.

    Returns
    -------
    answered : ndarray, shape (n_answered,)
        The non-missing answers, respondent by respondent.
    cells : ndarray of intp, shape (n_answered,)
        The cell of each answer: ``group * n_items + item``, in ``range(n_groups * n_items)``.
    """
    table = values.reshape(values.shape[0], math.prod(values.shape[1:]))
    n_items = table.shape[1]
    cells = codes[:, np.newaxis] * n_items + np.arange(n_items, dtype=np.intp)
    answered = ~np.isnan(table)
    return table[answered], cells[answered]


def _cell_shape(values: FloatArray, n_groups: int) -> tuple[int, ...]:
    """Return the shape of per-group statistics: (n_groups,) or (n_groups, n_items)."""
    return (n_groups, *values.shape[1:])


def _sufficient_statistics(
    values: FloatArray, codes: IntArray, n_groups: int
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Per-group counts, sums and sums of squares of the answered values.

    The statistics are additive: those of a data set are the sums of those of any split
    of its rows into chunks, so a survey engine can accumulate them chunk by chunk and turn
    them into moments with :func:`_moments_from_sums`.

    Parameters
    ----------
    values : ndarray, shape (n_respondents,) or (n_respondents, n_items)
        The answers, NaN where missing.
    codes : ndarray of intp, shape (n_respondents,)
        Each respondent's group code, ``0 <= code < n_groups``.
    n_groups : int
        The number of groups.

    Returns
    -------
    count, total, total_sq : ndarray of float64, shape (n_groups,) or (n_groups, n_items)
        The number of answers, their sum and the sum of their squares, per group (and
        item).

    Examples
    --------
    >>> count, total, total_sq = _sufficient_statistics(
    ...     np.array([1.0, 3.0, np.nan, 4.0]), np.array([0, 0, 1, 1]), 2
    ... )
    >>> count.tolist(), total.tolist(), total_sq.tolist()
    ([2.0, 1.0], [4.0, 4.0], [10.0, 16.0])
    """
    shape = _cell_shape(values, n_groups)
    n_cells = math.prod(shape)
    answered, cells = _cells(values, codes)
    count = _bincount(cells, None, n_cells)
    total = _bincount(cells, answered, n_cells)
    total_sq = _bincount(cells, answered * answered, n_cells)
    return count.reshape(shape), total.reshape(shape), total_sq.reshape(shape)


def _moments_from_sums(
    count: npt.ArrayLike, total: npt.ArrayLike, total_sq: npt.ArrayLike
) -> tuple[FloatArray, FloatArray]:
    """Means and sample variances from counts, sums and sums of squares.

    Parameters
    ----------
    count, total, total_sq : array_like, shape (n_groups,) or (n_groups, n_items)
        As returned by :func:`_sufficient_statistics` (possibly summed over chunks).

    Returns
    -------
    mean : ndarray of float64
        ``total / count``; NaN where ``count == 0``.
    var : ndarray of float64
        The sample variance (divisor ``count - 1``), at least 0; NaN where ``count < 2``.

    Notes
    -----
    The one-pass formula ``(total_sq - total**2 / count) / (count - 1)`` loses precision
    when the variance is tiny relative to the mean; for answers on a 0-4 scale the sums are
    exact integers and only the final divisions round. The public functions use two passes
    over the data instead (as R does).
    """
    n = np.asarray(count, dtype=np.float64)
    s = np.asarray(total, dtype=np.float64)
    ss = np.asarray(total_sq, dtype=np.float64)
    with _quiet():
        mean = s / n
        var = np.maximum((ss - s * s / n) / (n - 1.0), 0.0)
    return mean, np.where(n >= 2, var, np.nan)


def _group_moments(
    values: FloatArray, codes: IntArray, n_groups: int
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Per-group counts, means and sample variances, computed in two passes as R does.

    The mean is corrected by a second pass over the deviations, as R's ``mean`` does, and
    the variance is the mean squared deviation from it with divisor ``count - 1``, as R's
    ``var`` does. A group whose answers are all equal gets a variance of exactly 0.

    Parameters
    ----------
    values : ndarray, shape (n_respondents,) or (n_respondents, n_items)
        The answers, NaN where missing.
    codes : ndarray of intp, shape (n_respondents,)
        Each respondent's group code, ``0 <= code < n_groups``.
    n_groups : int
        The number of groups.

    Returns
    -------
    count, mean, var : ndarray of float64, shape (n_groups,) or (n_groups, n_items)
        The number of answers, their mean (NaN if none) and sample variance (NaN if fewer
        than two), per group (and item).
    """
    shape = _cell_shape(values, n_groups)
    n_cells = math.prod(shape)
    answered, cells = _cells(values, codes)
    count = _bincount(cells, None, n_cells)
    with _quiet():
        mean = _bincount(cells, answered, n_cells) / count
        mean += _bincount(cells, answered - mean[cells], n_cells) / count
        deviation = answered - mean[cells]
        squares = _bincount(cells, deviation * deviation, n_cells)
        var = np.where(count >= 2, squares / (count - 1.0), np.nan)
    return count.reshape(shape), mean.reshape(shape), var.reshape(shape)


def _average_deviation(
    values: FloatArray, codes: IntArray, n_groups: int, *, center: Literal["mean", "median"]
) -> FloatArray:
    """Per-group (and item) mean absolute deviation from the mean or the median.

    AD needs the answers themselves, not just sufficient statistics: the medians come from
    one sort of all answers by (cell, value) and the deviations are summed with
    :func:`numpy.bincount`.

    Parameters
    ----------
    values : ndarray, shape (n_respondents,) or (n_respondents, n_items)
        The answers, NaN where missing.
    codes : ndarray of intp, shape (n_respondents,)
        Each respondent's group code, ``0 <= code < n_groups``.
    n_groups : int
        The number of groups.
    center : {"mean", "median"}
        The centre the deviations are taken from.

    Returns
    -------
    ndarray of float64, shape (n_groups,) or (n_groups, n_items)
        The average deviation; NaN where fewer than two answers.
    """
    shape = _cell_shape(values, n_groups)
    answered, cells = _cells(values, codes)
    if center == "mean":
        count, centre, _ = _group_moments(values, codes, n_groups)
        count, centre = count.reshape(-1), centre.reshape(-1)
    else:
        counts = np.bincount(cells, minlength=math.prod(shape))
        ordered = answered[np.lexsort((answered, cells))]
        start = np.cumsum(counts) - counts
        present = counts > 0
        low = (start + (counts - 1) // 2)[present]
        high = (start + counts // 2)[present]
        centre = np.full(counts.shape, np.nan)
        centre[present] = (ordered[low] + ordered[high]) / 2.0
        count = counts.astype(np.float64)
    deviations = np.abs(answered - centre[cells])
    with _quiet():
        result = _bincount(cells, deviations, count.size) / count
    return np.where(count >= 2, result, np.nan).reshape(shape)


# --------------------------------------------------------------------------------------
# Kernels on per-group statistics
# --------------------------------------------------------------------------------------


def _rwg_kernel(count: npt.ArrayLike, var: npt.ArrayLike, null_variance: float) -> FloatArray:
    """Single-item r_wg from per-group counts and sample variances.

    Parameters
    ----------
    count, var : array_like, same shape (e.g. (n_groups,) or (n_groups, n_items))
        The number of answers and their sample variance (divisor ``count - 1``).
    null_variance : float
        The variance expected under no agreement; positive (not checked here).

    Returns
    -------
    ndarray of float64, the common shape
        ``1 - min(var, null_variance) / null_variance``; NaN where ``count < 2``.

    Examples
    --------
    >>> _rwg_kernel([3, 5, 1], [1.0, 3.0, np.nan], 2.0).tolist()
    [0.5, 0.0, nan]
    """
    n = np.asarray(count, dtype=np.float64)
    s2 = np.asarray(var, dtype=np.float64)
    with _quiet():
        result = 1.0 - np.minimum(s2, null_variance) / null_variance
    return np.where(n >= 2, result, np.nan)


def _rwg_j_kernel(count: npt.ArrayLike, var: npt.ArrayLike, null_variance: float) -> FloatArray:
    """Multi-item r_wg(J) from per-group, per-item counts and sample variances.

    Items with fewer than two answers in a group are left out of that group's mean item
    variance and of its item count J.

    Parameters
    ----------
    count, var : array_like, shape (..., n_items)
        The number of answers and their sample variance per group and item.
    null_variance : float
        The variance expected under no agreement; positive (not checked here).

    Returns
    -------
    ndarray of float64, shape (...)
        r_wg(J) per group (the last axis reduced); NaN where no item has two answers.

    Examples
    --------
    >>> _rwg_j_kernel([[3, 3], [1, 1]], [[1.0, 0.0], [np.nan, np.nan]], 2.0).tolist()
    [0.857142857142857..., nan]
    """
    n = np.asarray(count, dtype=np.float64)
    s2 = np.asarray(var, dtype=np.float64)
    defined = (n >= 2) & ~np.isnan(s2)
    n_items = defined.sum(axis=-1)
    with _quiet():
        mean_var = np.where(defined, s2, 0.0).sum(axis=-1) / n_items
        ratio = np.minimum(mean_var, null_variance) / null_variance
        agreement = n_items * (1.0 - ratio)
        result = agreement / (agreement + ratio)
    return np.where(n_items > 0, result, np.nan)


def _awg_kernel(
    count: npt.ArrayLike, mean: npt.ArrayLike, var: npt.ArrayLike, low: float, high: float
) -> FloatArray:
    """Single-item a_wg from per-group counts, means and sample variances.

    The maximum possible variance depends only on the mean and the count, so a_wg, unlike
    AD, needs no more than the sufficient statistics.

    Parameters
    ----------
    count, mean, var : array_like, same shape (e.g. (n_groups,) or (n_groups, n_items))
        The number of answers, their mean and sample variance.
    low, high : float
        The ends of the answer scale, ``low < high`` (not checked here).

    Returns
    -------
    ndarray of float64, the common shape
        a_wg; 1 where the mean is at an end of the scale; NaN where ``count < 2`` or the
        mean is too close to an end of the scale for a_wg to be defined.

    Examples
    --------
    >>> _awg_kernel([6, 4, 2], [2.0, 0.0, 3.5], [4.8, 0.0, 0.5], 0.0, 4.0).tolist()
    [-1.0, 1.0, nan]
    """
    k = np.asarray(count, dtype=np.float64)
    m = np.asarray(mean, dtype=np.float64)
    s2 = np.asarray(var, dtype=np.float64)
    with _quiet():
        max_var = ((high + low) * m - m**2 - high * low) * (k / (k - 1.0))
        result = 1.0 - (2.0 * s2) / max_var
        too_close = (m < (low * (k - 1.0) + high) / k) | (m > (high * (k - 1.0) + low) / k)
        result = np.where(too_close, np.nan, result)
        result = np.where((m == high) | (m == low), 1.0, result)
    return np.where(k >= 2, result, np.nan)


def _item_average(per_item: FloatArray) -> FloatArray:
    """Average over the last axis, skipping NaN; NaN where every item is NaN."""
    defined = ~np.isnan(per_item)
    total: FloatArray = np.where(defined, per_item, 0.0).sum(axis=-1)
    n_defined: FloatArray = defined.sum(axis=-1, dtype=np.float64)
    with _quiet():
        return total / n_defined


def _icc_kernels(
    count: npt.ArrayLike, mean: npt.ArrayLike, var: npt.ArrayLike
) -> tuple[FloatArray, FloatArray]:
    """ICC(1) and ICC(2) of a one-way ANOVA from per-group counts, means and variances.

    Parameters
    ----------
    count, mean, var : array_like, shape (n_groups, ...)
        The number of answers per group, their mean and sample variance (NaN or anything
        where ``count < 2``; such groups add nothing to the within-group sum of squares).
        Groups with ``count == 0`` are left out. Trailing axes (items) are kept.

    Returns
    -------
    icc1, icc2 : ndarray of float64, shape (...)
        NaN where fewer than two groups, no within-group degrees of freedom, or (ICC(2)
        only) no between-group variation.

    Examples
    --------
    >>> icc1, icc2 = _icc_kernels([3, 3], [1.0, 3.0], [1.0, 1.0])
    >>> float(icc1), float(icc2)
    (0.625, 0.8333...)
    """
    n = np.asarray(count, dtype=np.float64)
    m = np.asarray(mean, dtype=np.float64)
    s2 = np.asarray(var, dtype=np.float64)
    present = n > 0
    n_groups = present.sum(axis=0)
    n_total = n.sum(axis=0)
    with _quiet():
        grand = np.where(present, n * m, 0.0).sum(axis=0) / n_total
        between = np.where(present, n * (m - grand) ** 2, 0.0).sum(axis=0)
        within = np.where(n >= 2, (n - 1.0) * s2, 0.0).sum(axis=0)
        msb = between / (n_groups - 1.0)
        msw = within / (n_total - n_groups)
        mean_size = n_total / n_groups
        icc1 = (msb - msw) / (msb + (mean_size - 1.0) * msw)
        icc2 = (msb - msw) / msb
    undefined = (n_groups < 2) | (n_total - n_groups < 1)
    return (
        np.where(undefined, np.nan, icc1),
        np.where(undefined | (msb == 0), np.nan, icc2),
    )


# --------------------------------------------------------------------------------------
# Public functions
# --------------------------------------------------------------------------------------


def uniform_null_variance(n_points: int) -> float:
    r"""Return the variance of answers spread uniformly over an `n_points`-point scale.

    Parameters
    ----------
    n_points : int
        The number of answer options, at least 2 (5 for the 0-4 evidence scale).

    Returns
    -------
    float
        :math:`(A^2 - 1) / 12` for :math:`A` = `n_points`: the rectangular null
        distribution's variance, the usual ``null_variance`` for :func:`rwg` and
        :func:`rwg_j`.

    Raises
    ------
    ArgumentError
        If `n_points` is not an integer of at least 2.

    Notes
    -----
    .. math:: \sigma^2_{EU} = \frac{A^2 - 1}{12}

    References
    ----------
    .. [1] James, L. R., Demaree, R. G., & Wolf, G. (1984). Estimating within-group
       interrater reliability with and without response bias. *Journal of Applied
       Psychology*, 69(1), 85-98.

    Examples
    --------
    >>> uniform_null_variance(5)
    2.0
    """
    if isinstance(n_points, bool) or not isinstance(n_points, int | np.integer):
        raise ArgumentError(f"n_points must be an integer of at least 2; got {n_points!r}")
    if n_points < 2:
        raise ArgumentError(f"n_points must be an integer of at least 2; got {n_points}")
    return (int(n_points) ** 2 - 1) / 12.0


def rwg(x: npt.ArrayLike, groups: npt.ArrayLike, *, null_variance: float) -> GroupValues:
    r"""Single-item within-group agreement r_wg (James, Demaree & Wolf, 1984).

    Parameters
    ----------
    x : array_like, shape (n_respondents,)
        The answers to one item, NaN where missing.
    groups : array_like, shape (n_respondents,)
        Each respondent's group label (strings or numbers).
    null_variance : float
        The variance expected if the answers were random, positive; for the 0-4 scale
        usually ``uniform_null_variance(5)``, which is 2.

    Returns
    -------
    Mapping
        Read-only, group label to r_wg in [0, 1], labels sorted; NaN for a group with fewer
        than two answers.

    Raises
    ------
    ArgumentError
        If `null_variance` is not positive and finite, `x` is not one-dimensional, empty or
        holds an infinite value, or `x` and `groups` differ in length.

    Notes
    -----
    .. math:: r_{wg} = 1 - \frac{\min(s^2, \sigma^2_{EU})}{\sigma^2_{EU}}

    with :math:`s^2` the group's sample variance (divisor :math:`n - 1`). A variance above
    the null variance is truncated to it, so r_wg never falls below 0, as in R's
    ``multilevel::rwg``. Checked against R ``multilevel`` version 2.7.

    References
    ----------
    .. [1] James, L. R., Demaree, R. G., & Wolf, G. (1984). Estimating within-group
       interrater reliability with and without response bias. *Journal of Applied
       Psychology*, 69(1), 85-98.

    Examples
    --------
    >>> x = [1, 2, 3, 4, 4, 0, 4, 2]
    >>> groups = ["a", "a", "a", "b", "b", "c", "c", "d"]
    >>> dict(rwg(x, groups, null_variance=2.0))
    {'a': 0.5, 'b': 1.0, 'c': 0.0, 'd': nan}
    """
    sigma2 = _check_null_variance(null_variance)
    values = _answers(
        x,
        ndims=(1,),
        expected="1-dimensional, shape (n_respondents,) (use rwg_j for several items)",
    )
    labels, codes = _grouped(values, groups)
    count, _, var = _group_moments(values, codes, labels.size)
    return _by_group(labels, _rwg_kernel(count, var, sigma2))


def rwg_j(x: npt.ArrayLike, groups: npt.ArrayLike, *, null_variance: float) -> GroupValues:
    r"""Multi-item within-group agreement r_wg(J) (James, Demaree & Wolf, 1984).

    Parameters
    ----------
    x : array_like, shape (n_respondents, n_items)
        The answers, one column per item, NaN where missing.
    groups : array_like, shape (n_respondents,)
        Each respondent's group label (strings or numbers).
    null_variance : float
        The variance expected if the answers were random, positive; for the 0-4 scale
        usually ``uniform_null_variance(5)``, which is 2.

    Returns
    -------
    Mapping
        Read-only, group label to r_wg(J) in [0, 1], labels sorted; NaN for a group in
        which no item has two answers.

    Raises
    ------
    ArgumentError
        If `null_variance` is not positive and finite, `x` is not two-dimensional, has no
        rows or columns or holds an infinite value, or `x` and `groups` differ in length.

    Notes
    -----
    .. math::

        r_{wg(J)} = \frac{J (1 - \bar s^2 / \sigma^2_{EU})}
                         {J (1 - \bar s^2 / \sigma^2_{EU}) + \bar s^2 / \sigma^2_{EU}}

    with :math:`\bar s^2` the mean of the group's item variances, truncated to
    :math:`\sigma^2_{EU}` as in R's ``multilevel::rwg.j``. With missing answers, each item
    variance uses that item's answers and :math:`J` counts the items with at least two
    answers in the group (R instead drops incomplete rows). Checked against R
    ``multilevel`` version 2.7.

    References
    ----------
    .. [1] James, L. R., Demaree, R. G., & Wolf, G. (1984). Estimating within-group
       interrater reliability with and without response bias. *Journal of Applied
       Psychology*, 69(1), 85-98.

    Examples
    --------
    >>> x = [[1, 2], [2, 2], [3, 2], [0, 4], [4, 0]]
    >>> dict(rwg_j(x, ["a", "a", "a", "b", "b"], null_variance=2.0))
    {'a': 0.857..., 'b': 0.0}
    """
    sigma2 = _check_null_variance(null_variance)
    values = _answers(x, ndims=(2,), expected="2-dimensional, shape (n_respondents, n_items)")
    labels, codes = _grouped(values, groups)
    count, _, var = _group_moments(values, codes, labels.size)
    return _by_group(labels, _rwg_j_kernel(count, var, sigma2))


def awg(x: npt.ArrayLike, groups: npt.ArrayLike, *, low: float, high: float) -> GroupValues:
    r"""Within-group agreement a_wg (Brown & Hauenstein, 2005).

    Parameters
    ----------
    x : array_like, shape (n_respondents,) or (n_respondents, n_items)
        The answers, NaN where missing, all within [`low`, `high`].
    groups : array_like, shape (n_respondents,)
        Each respondent's group label (strings or numbers).
    low, high : float
        The ends of the answer scale (0 and 4 for the evidence scale).

    Returns
    -------
    Mapping
        Read-only, group label to a_wg in [-1, 1], labels sorted. For several items, the
        mean of the items' a_wg over the items where it is defined. NaN for a group with
        fewer than two answers and where a_wg is undefined (see Notes).

    Raises
    ------
    ArgumentError
        If `low` >= `high` or either is not finite, `x` is not one- or two-dimensional, is
        empty, holds an infinite value or a value outside [`low`, `high`], or `x` and
        `groups` differ in length.

    Notes
    -----
    For an item answered by :math:`k` members of a group with mean :math:`M` and sample
    variance :math:`s^2`, on a scale from :math:`L` to :math:`H`,

    .. math::

        a_{wg} = 1 - \frac{2 s^2}{\left[(H + L) M - M^2 - H L\right] \frac{k}{k - 1}}

    the denominator being the largest variance possible given :math:`M`. As in R's
    ``multilevel::awg``, a_wg is undefined (NaN) when :math:`M < (L (k - 1) + H) / k` or
    :math:`M > (H (k - 1) + L) / k` (so for a pair of answers, unless :math:`M` is the
    scale's midpoint), and is 1 when :math:`M` equals :math:`L` or :math:`H`. Several items
    are averaged over the items where a_wg is defined. Checked against R ``multilevel``
    version 2.7.

    References
    ----------
    .. [1] Brown, R. D., & Hauenstein, N. M. A. (2005). Interrater agreement reconsidered:
       An alternative to the rwg indices. *Organizational Research Methods*, 8(2),
       165-184.

    Examples
    --------
    >>> x = [0, 0, 0, 4, 4, 4, 3, 3, 2, 4, 0, 0]
    >>> groups = ["a"] * 6 + ["b"] * 4 + ["c"] * 2
    >>> dict(awg(x, groups, low=0, high=4))
    {'a': -1.0, 'b': 0.6666..., 'c': 1.0}
    """
    values = _answers(
        x,
        ndims=(1, 2),
        expected="1- or 2-dimensional, shape (n_respondents,) or (n_respondents, n_items)",
    )
    lo, hi = _check_range(low, high, values)
    labels, codes = _grouped(values, groups)
    count, mean, var = _group_moments(values, codes, labels.size)
    result = _awg_kernel(count, mean, var, lo, hi)
    return _by_group(labels, _item_average(result) if values.ndim == 2 else result)


def ad(
    x: npt.ArrayLike,
    groups: npt.ArrayLike,
    *,
    center: Literal["mean", "median"] = "mean",
) -> GroupValues:
    r"""Average deviation index AD (Burke, Finkelstein & Dusig, 1999).

    Parameters
    ----------
    x : array_like, shape (n_respondents,) or (n_respondents, n_items)
        The answers, NaN where missing.
    groups : array_like, shape (n_respondents,)
        Each respondent's group label (strings or numbers).
    center : {"mean", "median"}, default "mean"
        Take deviations from the group's mean (AD_M) or median (AD_Md).

    Returns
    -------
    Mapping
        Read-only, group label to AD (0 is perfect agreement), labels sorted; for several
        items the mean over the items with at least two answers. NaN for a group with fewer
        than two answers.

    Raises
    ------
    ArgumentError
        If `center` is not "mean" or "median", `x` is not one- or two-dimensional, is
        empty or holds an infinite value, or `x` and `groups` differ in length.

    Notes
    -----
    .. math:: AD = \frac{1}{n} \sum_{i=1}^{n} \lvert x_i - \bar x \rvert

    with :math:`\bar x` the group's mean or median and :math:`n` its number of answers
    (not :math:`n - 1`), as in R's ``multilevel::ad.m``. Checked against R ``multilevel``
    version 2.7.

    References
    ----------
    .. [1] Burke, M. J., Finkelstein, L. M., & Dusig, M. S. (1999). On average deviation
       indices for estimating interrater agreement. *Organizational Research Methods*,
       2(1), 49-68.

    Examples
    --------
    >>> x = [0, 1, 4, 3, 3]
    >>> groups = ["a", "a", "a", "b", "b"]
    >>> dict(ad(x, groups))
    {'a': 1.5555..., 'b': 0.0}
    >>> dict(ad(x, groups, center="median"))
    {'a': 1.3333..., 'b': 0.0}
    """
    if center not in ("mean", "median"):
        raise ArgumentError(f"center must be 'mean' or 'median'; got {center!r}")
    values = _answers(
        x,
        ndims=(1, 2),
        expected="1- or 2-dimensional, shape (n_respondents,) or (n_respondents, n_items)",
    )
    labels, codes = _grouped(values, groups)
    result = _average_deviation(values, codes, labels.size, center=center)
    return _by_group(labels, _item_average(result) if values.ndim == 2 else result)


def _icc(x: npt.ArrayLike, groups: npt.ArrayLike) -> tuple[float, float]:
    """Validate the answers and return (ICC(1), ICC(2))."""
    values = _answers(x, ndims=(1,), expected="1-dimensional, shape (n_respondents,)")
    labels, codes = _grouped(values, groups)
    icc_1, icc_2 = _icc_kernels(*_group_moments(values, codes, labels.size))
    return float(icc_1), float(icc_2)


def icc1(x: npt.ArrayLike, groups: npt.ArrayLike) -> float:
    r"""ICC(1): the share of the answers' variance due to group membership.

    Parameters
    ----------
    x : array_like, shape (n_respondents,)
        The answers (or scores), NaN where missing; missing answers are left out.
    groups : array_like, shape (n_respondents,)
        Each respondent's group label (strings or numbers).

    Returns
    -------
    float
        ICC(1), at most 1 (negative when the groups differ less than chance would have
        them); NaN with fewer than two groups, when no group has two answers, or when
        every answer is equal.

    Raises
    ------
    ArgumentError
        If `x` is not one-dimensional, is empty or holds an infinite value, or `x` and
        `groups` differ in length.

    Notes
    -----
    From the one-way analysis of variance of `x` by group, with mean squares
    :math:`MS_B` and :math:`MS_W`, :math:`N` answers and :math:`G` groups,

    .. math:: ICC(1) = \frac{MS_B - MS_W}{MS_B + (\bar k - 1) MS_W},
              \qquad \bar k = N / G

    using the mean group size :math:`\bar k` for unequal groups, as
    ``multilevel::ICC1(aov(x ~ as.factor(groups)))`` does. Checked against R
    ``multilevel`` version 2.7.

    References
    ----------
    .. [1] Bliese, P. D. (2000). Within-group agreement, non-independence, and
       reliability: Implications for data aggregation and analysis. In K. J. Klein &
       S. W. J. Kozlowski (Eds.), *Multilevel theory, research, and methods in
       organizations* (pp. 349-381). Jossey-Bass.
    .. [2] Bartko, J. J. (1976). On various intraclass correlation reliability
       coefficients. *Psychological Bulletin*, 83(5), 762-765.

    Examples
    --------
    >>> icc1([0, 1, 2, 2, 3, 4], ["a", "a", "a", "b", "b", "b"])
    0.625
    """
    return _icc(x, groups)[0]


def icc2(x: npt.ArrayLike, groups: npt.ArrayLike) -> float:
    r"""ICC(2): the reliability of the group means.

    Parameters
    ----------
    x : array_like, shape (n_respondents,)
        The answers (or scores), NaN where missing; missing answers are left out.
    groups : array_like, shape (n_respondents,)
        Each respondent's group label (strings or numbers).

    Returns
    -------
    float
        ICC(2), at most 1; NaN with fewer than two groups, when no group has two answers,
        or when the group means are all equal (R returns a meaningless huge negative
        number or ``-Inf`` there).

    Raises
    ------
    ArgumentError
        If `x` is not one-dimensional, is empty or holds an infinite value, or `x` and
        `groups` differ in length.

    Notes
    -----
    From the one-way analysis of variance of `x` by group, with mean squares
    :math:`MS_B` and :math:`MS_W`,

    .. math:: ICC(2) = \frac{MS_B - MS_W}{MS_B}

    as ``multilevel::ICC2(aov(x ~ as.factor(groups)))``. Checked against R ``multilevel``
    version 2.7.

    References
    ----------
    .. [1] Bliese, P. D. (2000). Within-group agreement, non-independence, and
       reliability: Implications for data aggregation and analysis. In K. J. Klein &
       S. W. J. Kozlowski (Eds.), *Multilevel theory, research, and methods in
       organizations* (pp. 349-381). Jossey-Bass.

    Examples
    --------
    >>> icc2([0, 1, 2, 2, 3, 4], ["a", "a", "a", "b", "b", "b"])
    0.8333...
    """
    return _icc(x, groups)[1]
