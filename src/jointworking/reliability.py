"""Internal consistency of a set of questions: Cronbach's alpha and McDonald's omega total.

Do the questions of a scale measure one thing? :func:`cronbach_alpha` gives Cronbach's
coefficient alpha (raw and standardised), the average correlation between the questions,
alpha with each question left out and each question's correlation with the rest;
:func:`omega_total` gives McDonald's omega total from a one-factor model. Both are checked
against the R package ``psych`` version 2.2.9 (functions ``alpha`` and ``omega``) on the
data sets in ``tests/data/psych``.

Conventions
-----------
``x`` holds the answers, one row per respondent and one column per item (question), NaN
(or ``None``) where an answer is missing, never 0. ``x`` is always raw answers: unlike
``psych``, a square table is never taken for a covariance or correlation matrix.

Missing answers are handled pairwise, as ``psych`` does by default: the covariance (or
correlation) of two items uses the respondents who answered both, and an item's variance
uses every answer to it. A respondent who skipped one item still counts for the others.
Every item needs at least two answers and every pair of items at least two respondents
who answered both; otherwise :class:`~jointworking.ArgumentError` is raised.

An item that does not vary (every answer the same) has no correlation with anything. As
``psych::alpha`` does (with a warning), such an item is left out of every figure and
listed in the result's ``constant_items``; at least two items that vary must remain.

Items and respondents are numbered from 0, as the columns and rows of ``x``, in results
and in error messages.

The figures describe the respondents at hand. With a handful of respondents they are
computed but say little: alpha can then fall below 0 or, with missing answers, behave
oddly, and a one-factor model fitted to a few answers is unstable.

Examples
--------
>>> from jointworking.reliability import cronbach_alpha, omega_total
>>> answers = [
...     [2, 2, 1, 0],
...     [0, 2, 1, 0],
...     [2, 1, 1, 1],
...     [2, 3, 2, 2],
...     [4, 4, 2, 3],
...     [1, 2, 1, 2],
...     [1, 1, 1, 1],
...     [0, 0, 1, 0],
... ]
>>> round(cronbach_alpha(answers).raw, 4)
0.8786
>>> round(omega_total(answers).total, 4)
0.9209
"""

from __future__ import annotations

import math
from typing import NamedTuple, TypeAlias

import attrs
import numpy as np
import numpy.typing as npt

from jointworking.errors import ArgumentError

__all__ = ["Alpha", "Omega", "cronbach_alpha", "omega_total"]

FloatArray: TypeAlias = npt.NDArray[np.float64]
BoolArray: TypeAlias = npt.NDArray[np.bool_]
IntArray: TypeAlias = npt.NDArray[np.intp]

_MIN_UNIQUENESS = 0.005
"""The smallest uniqueness the one-factor fit allows (the bound ``psych``'s ``fa`` uses)."""

_TOLERANCE = 1e-10
"""The default tolerance of :func:`omega_total`'s factor fit."""

_MAX_ITERATIONS = 1000
"""The default most iterations of :func:`omega_total`'s factor fit."""


# --------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------


@attrs.frozen(slots=True)
class Alpha:
    """The result of :func:`cronbach_alpha`.

    Attributes
    ----------
    raw : float
        Cronbach's alpha from the covariances of the items (``raw_alpha`` in ``psych``).
    standardized : float
        Alpha from the correlations of the items, as if each item had been standardised
        first (``std.alpha`` in ``psych``).
    average_r : float
        The average correlation between two different items (``average_r`` in
        ``psych``).
    if_dropped : tuple of float
        For each item, in the order of the columns of ``x``: the raw alpha of the other
        items (``alpha.drop$raw_alpha`` in ``psych``). NaN when only one item that varies
        would be left (alpha of a single item is undefined). For a constant item, `raw`
        itself, the item being left out already.
    item_rest : tuple of float
        For each item, in the order of the columns of ``x``: its correlation with the sum
        of the other items, from the covariance matrix (``item.stats$r.drop`` in
        ``psych``; see Notes of :func:`cronbach_alpha`). NaN for a constant item.
    n_items : int
        The number of items: the columns of ``x``, constant ones included.
    n_respondents : int
        The number of respondents: the rows of ``x``, including any who answered nothing.
    constant_items : tuple of int
        The columns of ``x`` (counting from 0) whose answers are all the same; they are
        left out of every figure.
    """

    raw: float
    standardized: float
    average_r: float
    if_dropped: tuple[float, ...]
    item_rest: tuple[float, ...]
    n_items: int
    n_respondents: int
    constant_items: tuple[int, ...]


@attrs.frozen(slots=True)
class Omega:
    """The result of :func:`omega_total`.

    Attributes
    ----------
    total : float
        McDonald's omega total (``omega.tot`` in ``psych``).
    loadings : tuple of float
        Each item's loading on the single factor, in the order of the columns of ``x``,
        signed so that they sum to zero or more (as ``psych``'s ``fa`` signs them). A
        negative loading marks an item that runs the other way from the rest; omega total
        counts it reversed. NaN for a constant item.
    n_items : int
        The number of items: the columns of ``x``, constant ones included.
    n_respondents : int
        The number of respondents: the rows of ``x``, including any who answered nothing.
    constant_items : tuple of int
        The columns of ``x`` (counting from 0) whose answers are all the same; they are
        left out of the model.
    iterations : int
        How many iterations the factor fit took to converge.
    """

    total: float
    loadings: tuple[float, ...]
    n_items: int
    n_respondents: int
    constant_items: tuple[int, ...]
    iterations: int


# --------------------------------------------------------------------------------------
# Validation and pairwise moments
# --------------------------------------------------------------------------------------


def _answers(x: npt.ArrayLike) -> FloatArray:
    """Return `x` as a float64 table after checking its type, shape and values.

    Raises
    ------
    TypeError
        If `x` does not hold numbers.
    ArgumentError
        If `x` is ragged, not two-dimensional, has fewer than two rows or columns, or
        holds an infinite value.
    """
    try:
        raw = np.asarray(x)
    except ValueError as exc:
        raise ArgumentError(
            "x must be 2-dimensional, shape (n_respondents, n_items); got a ragged sequence"
        ) from exc
    if raw.dtype.kind not in "biufO":
        raise TypeError(
            f"x must hold numeric answers (NaN for a missing one); got dtype {raw.dtype}"
        )
    if raw.dtype.kind == "O" and any(isinstance(v, str | bytes) for v in raw.flat):
        raise TypeError(
            "x must hold numeric answers (NaN for a missing one); got a string among them"
        )
    try:
        values = np.asarray(raw, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise TypeError(
            "x must hold numeric answers (NaN for a missing one); got a value that is not a number"
        ) from exc
    if values.ndim != 2:
        raise ArgumentError(
            f"x must be 2-dimensional, shape (n_respondents, n_items); got shape {values.shape}"
        )
    n_respondents, n_items = values.shape
    if n_items < 2:
        raise ArgumentError(
            f"x must have at least 2 item columns; got shape {values.shape} ({n_items} item"
            f"{'' if n_items == 1 else 's'})"
        )
    if n_respondents < 2:
        raise ArgumentError(
            f"x must have at least 2 respondent rows; got shape {values.shape}"
            f" ({n_respondents} respondent{'' if n_respondents == 1 else 's'})"
        )
    infinite = np.isinf(values)
    if infinite.any():
        row, column = (int(i) for i in np.argwhere(infinite)[0])
        raise ArgumentError(
            f"x must be finite, with NaN for a missing answer; found {values[row, column]} "
            f"at row {row}, item {column}"
        )
    return values


def _check_pairs(count: FloatArray) -> None:
    """Raise unless every item has two answers and every pair two respondents in common.

    `count` is the number of respondents who answered both items, shape (k, k).
    """
    answers = count.diagonal()
    few = np.flatnonzero(answers < 2)
    if few.size:
        item = int(few[0])
        raise ArgumentError(
            f"x: item {item} has {int(answers[item])} answer"
            f"{'' if answers[item] == 1 else 's'}; every item needs at least 2"
        )
    pairs = np.argwhere(count < 2)
    if pairs.size:
        first, second = (int(i) for i in pairs[0])
        raise ArgumentError(
            f"x: items {first} and {second} were both answered by {int(count[first, second])}"
            " respondent(s); every pair of items needs at least 2 respondents in common"
        )


def _constant_items(values: FloatArray) -> BoolArray:
    """Return which items have every answer the same (missing answers aside)."""
    constant: BoolArray = np.fmin.reduce(values, axis=0) == np.fmax.reduce(values, axis=0)
    return constant


class _Moments:
    """Pairwise-complete sums of a table of answers, the items centred on their means.

    For items ``i`` and ``j``: ``count[i, j]`` respondents answered both, ``cross[i, j]``
    is the sum of the products of their centred answers and ``partial[i, j]`` the sum of
    the centred answers to ``i`` of the respondents who also answered ``j``. Centring
    first keeps the pairwise formulas accurate whatever the answers' level.

    Parameters
    ----------
    values : ndarray, shape (n, k)
        The answers, NaN where missing; only read.
    mask : ndarray, shape (n, k), or None
        1.0 where `values` holds an answer and 0.0 where not; None if every answer is
        there.
    count : ndarray, shape (k, k)
        ``mask.T @ mask``: how many respondents answered both items.

    Raises
    ------
    ArgumentError
        If the answers are too large (or too close together) for their squares to be
        computed in floating point.
    """

    __slots__ = ("_centred", "_mask", "count", "cross", "partial")

    def __init__(self, values: FloatArray, mask: FloatArray | None, count: FloatArray) -> None:
        with np.errstate(all="ignore"):
            centred = np.nan_to_num(values, nan=0.0)  # a copy: the caller's array is kept
            centred -= centred.sum(axis=0) / count.diagonal()
            if mask is not None:
                centred *= mask  # the missing answers back to 0
            self.cross: FloatArray = centred.T @ centred
            self.partial: FloatArray = self._by_pair(centred.sum(axis=0), centred, mask)
        if not (np.isfinite(self.cross).all() and np.all(self.cross.diagonal() > 0)):
            raise ArgumentError(
                "x: the answers are too large, or too close together, for their variances to"
                " be computed in floating point; rescale them"
            )
        self.count = count
        self._centred = centred
        self._mask = mask

    @staticmethod
    def _by_pair(total: FloatArray, table: FloatArray, mask: FloatArray | None) -> FloatArray:
        """``table.T @ mask``: column sums of `table` over each other item's respondents.

        `total` is ``table.sum(axis=0)``, the answer when no answer is missing.
        """
        if mask is None:
            return np.repeat(total[:, np.newaxis], total.size, axis=1)
        by_pair: FloatArray = table.T @ mask
        return by_pair

    def covariance(self) -> FloatArray:
        """Pairwise-complete covariances; an item's variance uses all its answers."""
        count = self.count
        covariance: FloatArray = (self.cross - self.partial * self.partial.T / count) / (
            count - 1.0
        )
        return (covariance + covariance.T) / 2.0

    def correlation(self, values: FloatArray, columns: IntArray) -> FloatArray:
        """Pairwise-complete correlations: each pair's own means and standard deviations.

        `values` are the answers the moments were computed from and `columns` their
        columns in the caller's ``x``, for the message.

        Raises
        ------
        ArgumentError
            If an item has the same answer from every respondent who answered another
            item: their correlation is undefined.
        """
        count = self.count
        with np.errstate(all="ignore"):
            squares = self._centred * self._centred
            square = self._by_pair(squares.sum(axis=0), squares, self._mask)
            # spread[i, j]: the sum of squared deviations of item i over the respondents
            # who answered j, about their own mean.
            spread = np.maximum(square - self.partial * self.partial / count, 0.0)
        if self._mask is not None:  # complete answers: every item varies over everyone
            _check_spread(spread, square.diagonal(), values, columns)
        with np.errstate(all="ignore"):
            root = np.sqrt(spread)
            products = self.cross - self.partial * self.partial.T / count
            correlation: FloatArray = products / root / root.T
        correlation = (correlation + correlation.T) / 2.0
        np.fill_diagonal(correlation, 1.0)
        return correlation


def _check_spread(
    spread: FloatArray, total: FloatArray, values: FloatArray, columns: IntArray
) -> None:
    """Raise if an item has one answer from everyone who answered another item.

    A pair whose `spread` (see :meth:`_Moments.correlation`) is tiny next to the item's
    whole sum of squares `total` is checked on the answers themselves, so that an item
    that varies little is told apart exactly from one that does not vary.
    """
    suspects = np.argwhere(spread <= 1e-9 * total[:, np.newaxis])
    for item, other in suspects.tolist():
        both = ~np.isnan(values[:, item]) & ~np.isnan(values[:, other])
        answers = values[both, item]
        if answers.min() == answers.max():
            raise ArgumentError(
                f"x: item {columns[item]} has the same answer from every respondent who"
                f" also answered item {columns[other]}, so their correlation is undefined"
            )


class _Prepared(NamedTuple):
    """Validated answers, restricted to the items that vary."""

    values: FloatArray
    """The answers to the items that vary, NaN where missing."""
    constant: BoolArray
    """Which columns of the caller's ``x`` have every answer the same (left out)."""
    moments: _Moments
    """Pairwise sums of `values`."""


def _prepare(x: npt.ArrayLike) -> _Prepared:
    """Validate `x` and return what both indices need; moments of the items that vary."""
    values = _answers(x)
    answered = ~np.isnan(values)
    if answered.all():
        mask = None
        count = np.full((values.shape[1],) * 2, float(values.shape[0]))
    else:
        mask = answered.astype(np.float64)
        count = mask.T @ mask
    _check_pairs(count)
    constant = _constant_items(values)
    if np.count_nonzero(~constant) < 2:
        raise ArgumentError(
            f"x must have at least 2 items that vary; items {np.flatnonzero(constant).tolist()}"
            f" of {constant.size} have every answer the same"
        )
    if constant.any():
        varying = ~constant
        # Row-major copies, as for a survey without the item: the same sums in the same order.
        values = np.ascontiguousarray(values[:, varying])
        mask = None if mask is None else np.ascontiguousarray(mask[:, varying])
        count = count[np.ix_(varying, varying)]
    return _Prepared(values, constant, _Moments(values, mask, count))


def _spread(varying: FloatArray, constant: BoolArray, fill: float) -> tuple[float, ...]:
    """Return per-item figures for every column: `varying` for the items that vary."""
    full = np.full(constant.size, fill)
    full[~constant] = varying
    return tuple(float(v) for v in full)


# --------------------------------------------------------------------------------------
# Cronbach's alpha
# --------------------------------------------------------------------------------------


def _raw_alpha(trace: FloatArray | float, total: FloatArray | float, k: int) -> FloatArray:
    """Raw alpha from the trace and the sum of a covariance matrix of `k` items."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.asarray((1.0 - np.divide(trace, total)) * (k / (k - 1.0)), dtype=np.float64)


def cronbach_alpha(x: npt.ArrayLike) -> Alpha:
    r"""Cronbach's alpha of a set of items, with alpha if an item is dropped.

    Parameters
    ----------
    x : array_like, shape (n_respondents, n_items)
        The answers, one row per respondent and one column per item, NaN (or ``None``)
        where an answer is missing. At least 2 respondents and 2 items that vary.

    Returns
    -------
    Alpha
        With fields

        - ``raw`` (float): Cronbach's alpha from the covariances;
        - ``standardized`` (float): alpha from the correlations;
        - ``average_r`` (float): the average correlation between two different items;
        - ``if_dropped`` (tuple of float): raw alpha with each item left out, in column
          order; NaN when a single item that varies would be left, and ``raw`` itself
          for a constant item;
        - ``item_rest`` (tuple of float): each item's correlation with the sum of the
          others, in column order; NaN for a constant item;
        - ``n_items``, ``n_respondents`` (int): the columns and rows of `x`;
        - ``constant_items`` (tuple of int): the columns left out because every answer to
          them is the same.

    Raises
    ------
    TypeError
        If `x` does not hold numbers.
    ArgumentError
        If `x` is not two-dimensional, has fewer than 2 rows or 2 columns, holds an
        infinite value, has an item with fewer than 2 answers or a pair of items that
        fewer than 2 respondents both answered, or has fewer than 2 items that vary.

    See Also
    --------
    omega_total : McDonald's omega total, from a one-factor model.

    Notes
    -----
    With :math:`k` items, :math:`C` their covariance matrix and :math:`R` their
    correlation matrix,

    .. math::

        \alpha = \frac{k}{k - 1} \left(1 - \frac{\sum_i C_{ii}}{\sum_{i,j} C_{ij}}\right),
        \qquad
        \alpha_{std} = \frac{k}{k - 1} \left(1 - \frac{k}{\sum_{i,j} R_{ij}}\right)
        = \frac{k \bar r}{1 + (k - 1) \bar r},
        \qquad
        \bar r = \frac{\sum_{i \ne j} R_{ij}}{k (k - 1)}.

    Alpha if item :math:`i` is dropped is :math:`\alpha` of :math:`C` without row and
    column :math:`i`. The item-rest correlation is computed from :math:`C` as

    .. math::

        r_{i,rest} = \frac{\sum_{j \ne i} C_{ij}}
                          {\sqrt{C_{ii} \sum_{j \ne i} \sum_{l \ne i} C_{jl}}}.

    On complete answers these are the usual figures: :math:`\sum_{i,j} C_{ij}` is the
    variance of the total score and :math:`r_{i,rest}` the correlation of item
    :math:`i` with the sum of the others. With missing answers :math:`C_{ij}` is the
    pairwise-complete covariance (over the respondents who answered both items, about
    their own means), :math:`C_{ii}` uses every answer to item :math:`i`, and
    :math:`R_{ij} = C_{ij} / \sqrt{C_{ii} C_{jj}}`; :math:`r_{i,rest}` is then the
    formula above, not a correlation with anyone's rest score. This is what
    ``psych::alpha`` does with its defaults (``use = "pairwise"``). The results were
    checked against R ``psych`` version 2.2.9 (``alpha``: ``raw_alpha``, ``std.alpha``,
    ``average_r``, ``alpha.drop`` and ``r.drop``) to 1e-9, with and without missing
    answers.

    Two cases differ from ``psych`` on purpose. With two items that vary, `if_dropped`
    is NaN (the alpha of a single item is undefined) where ``psych`` reports
    :math:`C_{12} / C_{22}` and :math:`C_{12} / C_{11}`. An item that does not vary is
    left out of every figure, as ``psych`` leaves it out (with a warning), but it keeps
    its place in the per-item tuples. Where the formulas divide by zero (items whose
    covariances sum to zero, such as an item and its mirror image) the figures are
    infinite or NaN, as in ``psych``.

    The figures are estimates whose precision grows with the number of respondents. With
    a handful of respondents, or a pairwise covariance matrix resting on few of them,
    they are computed but not meaningful, and alpha can fall outside [0, 1]. An item
    that runs the other way from the rest lowers alpha and has a negative item-rest
    correlation; reverse it before calling.

    References
    ----------
    .. [1] Cronbach, L. J. (1951). Coefficient alpha and the internal structure of
       tests. *Psychometrika*, 16(3), 297-334.
    .. [2] Revelle, W. (2022). *psych: Procedures for psychological, psychometric, and
       personality research* (R package version 2.2.9). Northwestern University.

    Examples
    --------
    >>> import numpy as np
    >>> answers = [
    ...     [2, 2, 1, 0],
    ...     [0, 2, 1, np.nan],
    ...     [2, 1, 1, 1],
    ...     [2, 3, 2, 2],
    ...     [4, 4, 2, 3],
    ...     [np.nan, 2, 1, 2],
    ...     [1, 1, 1, 1],
    ...     [0, 0, 1, 0],
    ... ]
    >>> result = cronbach_alpha(answers)
    >>> round(result.raw, 4), round(result.standardized, 4), round(result.average_r, 4)
    (0.9041, 0.9421, 0.8026)
    >>> [round(a, 4) for a in result.if_dropped]
    [0.8714, 0.8309, 0.9306, 0.8403]
    >>> [round(r, 4) for r in result.item_rest]
    [0.8386, 0.9023, 0.8221, 0.8814]
    """
    values, constant, moments = _prepare(x)
    covariance = moments.covariance()
    k = covariance.shape[0]
    variance = covariance.diagonal().copy()
    trace = float(variance.sum())
    total = float(covariance.sum())
    raw = float(_raw_alpha(trace, total, k))

    row_sums = covariance.sum(axis=1)
    rest_total = total - 2.0 * row_sums + variance  # the sum of C without row and column i
    # Alpha of a single item is undefined: NaN with two items.
    if_dropped = _raw_alpha(trace - variance, rest_total, k - 1) if k > 2 else np.full(k, np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = 1.0 / np.sqrt(variance)
        correlation = covariance * scale[:, np.newaxis] * scale[np.newaxis, :]
        np.fill_diagonal(correlation, 1.0)
        sum_r = correlation.sum()  # a numpy float: dividing by 0 gives inf, as in R
        standardized = (1.0 - k / sum_r) * (k / (k - 1.0))
        average_r = (sum_r - k) / (k * (k - 1.0))
        item_rest = (row_sums - variance) / np.sqrt(variance * rest_total)

    return Alpha(
        raw=raw,
        standardized=float(standardized),
        average_r=float(average_r),
        if_dropped=_spread(if_dropped, constant, raw),
        item_rest=_spread(item_rest, constant, math.nan),
        n_items=int(constant.size),
        n_respondents=int(values.shape[0]),
        constant_items=tuple(int(i) for i in np.flatnonzero(constant)),
    )


# --------------------------------------------------------------------------------------
# McDonald's omega total
# --------------------------------------------------------------------------------------


def _check_tolerance(tolerance: float) -> float:
    """Return `tolerance` as a float after checking it is a positive finite number."""
    real = int | float | np.integer | np.floating
    if isinstance(tolerance, bool) or not isinstance(tolerance, real):
        raise ArgumentError(f"tolerance must be a positive finite number; got {tolerance!r}")
    value = float(tolerance)
    if not (math.isfinite(value) and value > 0):
        raise ArgumentError(f"tolerance must be a positive finite number; got {tolerance!r}")
    return value


def _check_max_iterations(max_iterations: int) -> int:
    """Return `max_iterations` as an int after checking it is a positive integer."""
    if isinstance(max_iterations, bool) or not isinstance(max_iterations, int | np.integer):
        raise ArgumentError(
            f"max_iterations must be an integer of at least 1; got {max_iterations!r}"
        )
    if max_iterations < 1:
        raise ArgumentError(
            f"max_iterations must be an integer of at least 1; got {max_iterations!r}"
        )
    return int(max_iterations)


class _Step(NamedTuple):
    """A principal-axis step from given communalities; see :func:`_one_factor`."""

    communality: FloatArray
    """Where the step leads: the squared loadings, within the bounds."""
    loadings: FloatArray
    """The loadings that fit best given the communalities the step started from."""
    loss: float
    """The least-squares criterion at those communalities and loadings."""


def _principal_axis(correlation: FloatArray, communality: FloatArray) -> _Step:
    """One principal-axis step from `communality`; see :func:`_one_factor`."""
    reduced = correlation.copy()
    np.fill_diagonal(reduced, communality)
    eigenvalues, eigenvectors = np.linalg.eigh(reduced)
    top = max(float(eigenvalues[-1]), 0.0)
    loadings: FloatArray = eigenvectors[:, -1] * math.sqrt(top)
    return _Step(
        communality=np.clip(loadings * loadings, 0.0, 1.0 - _MIN_UNIQUENESS),
        loadings=loadings,
        loss=float(eigenvalues @ eigenvalues) - top * top,
    )


def _one_factor(
    correlation: FloatArray, tolerance: float, max_iterations: int
) -> tuple[FloatArray, int]:
    """Fit one factor to a correlation matrix by least squares; return the loadings.

    The criterion is the sum of squared residuals ``||R - diag(psi) - l l'||^2`` with each
    uniqueness ``psi`` within [_MIN_UNIQUENESS, 1], as ``psych``'s ``fa`` bounds them. A
    principal-axis step minimises it over the loadings ``l`` given the communalities
    ``h = 1 - psi`` (the first principal axis of ``R`` with ``h`` on its diagonal), then
    over ``h`` given ``l`` (``h = l**2`` within the bounds), so it never increases the
    criterion; a fixed point is a stationary point within the bounds and, when no bound is
    reached, the minres solution. Plain steps can crawl (thousands of them when the items
    barely correlate), so each iteration extrapolates from two steps (SQUAREM, Varadhan
    and Roland 2008) and keeps the extrapolated point only if its criterion is no higher
    than after the two plain steps.

    The communalities start at the squared multiple correlations. The fit has converged
    when a step moves no communality by more than `tolerance`.

    Returns
    -------
    loadings : ndarray, shape (k,)
        Signed so that they sum to zero or more. At a bound (a Heywood case) a loading
        can exceed 1.
    iterations : int
        How many iterations the fit took.

    Raises
    ------
    ArgumentError
        If it has not converged after `max_iterations` iterations.
    """
    ceiling = 1.0 - _MIN_UNIQUENESS
    with np.errstate(divide="ignore", invalid="ignore"):
        smc = 1.0 - 1.0 / np.linalg.pinv(correlation, hermitian=True).diagonal()
    start = np.clip(np.nan_to_num(smc, nan=0.0, posinf=0.0, neginf=0.0), 0.0, ceiling)
    current = _principal_axis(correlation, start)
    change = math.inf
    for iteration in range(1, max_iterations + 1):
        first = current.communality - start
        change = float(np.max(np.abs(first)))
        if change <= tolerance:
            loadings = current.loadings
            return (-loadings if loadings.sum() < 0 else loadings), iteration
        middle = current.communality
        after = _principal_axis(correlation, middle).communality
        second = after - middle - first
        following = _principal_axis(correlation, after)
        bend = float(np.linalg.norm(second))
        if bend > 0.0:
            step = min(-float(np.linalg.norm(first)) / bend, -1.0)
            jump = np.clip(start - 2.0 * step * first + step * step * second, 0.0, ceiling)
            trial = _principal_axis(correlation, jump)
            if trial.loss <= following.loss:
                start, current = jump, trial
                continue
        start, current = after, following
    raise _not_converged(max_iterations, change, tolerance)


def _not_converged(max_iterations: int, change: float, tolerance: float) -> ArgumentError:
    """Return the error of a fit still moving by `change` after `max_iterations`."""
    return ArgumentError(
        f"max_iterations: the one-factor fit did not converge in {max_iterations} iterations"
        f" (a communality still moved by {change:.3g}, more than the tolerance {tolerance:g});"
        " raise max_iterations or tolerance"
    )


def omega_total(
    x: npt.ArrayLike, *, tolerance: float = _TOLERANCE, max_iterations: int = _MAX_ITERATIONS
) -> Omega:
    r"""McDonald's omega total of a set of items, from a one-factor model.

    Parameters
    ----------
    x : array_like, shape (n_respondents, n_items)
        The answers, one row per respondent and one column per item, NaN (or ``None``)
        where an answer is missing. At least 2 respondents and 2 items that vary.
    tolerance : float, default 1e-10
        The factor fit has converged when a principal-axis step moves no communality
        (squared loading) by more than this; positive.
    max_iterations : int, default 1000
        The most iterations the factor fit may take (each makes up to three
        principal-axis steps); at least 1. The fit usually converges in under 40.

    Returns
    -------
    Omega
        With fields

        - ``total`` (float): omega total;
        - ``loadings`` (tuple of float): each item's loading on the factor, in column
          order, summing to zero or more; NaN for a constant item;
        - ``n_items``, ``n_respondents`` (int): the columns and rows of `x`;
        - ``constant_items`` (tuple of int): the columns left out because every answer to
          them is the same;
        - ``iterations`` (int): how many iterations the factor fit took.

    Raises
    ------
    TypeError
        If `x` does not hold numbers.
    ArgumentError
        If `x` is not two-dimensional, has fewer than 2 rows or 2 columns, holds an
        infinite value, has an item with fewer than 2 answers or a pair of items that
        fewer than 2 respondents both answered, has fewer than 2 items that vary, or has
        an item with the same answer from every respondent who answered another item
        (their correlation is undefined); if `tolerance` is not a positive number or
        `max_iterations` not a positive integer; or if the factor fit has not converged
        after `max_iterations` iterations.

    See Also
    --------
    cronbach_alpha : Cronbach's alpha, with alpha if an item is dropped.

    Notes
    -----
    One factor is fitted to the items' correlation matrix :math:`R`,
    :math:`R \approx \lambda \lambda^\top + \Psi` with :math:`\Psi` diagonal, by least
    squares with each uniqueness :math:`\psi_i` kept within :math:`[0.005, 1]` (the
    bounds ``psych``'s ``fa`` uses). With :math:`k` items and
    :math:`s_i = \operatorname{sign} \lambda_i` (an item loading negatively is counted
    reversed),

    .. math::

        \omega_t = \frac{V - \sum_i (1 - \lambda_i^2)}{V},
        \qquad V = \sum_{i,j} s_i s_j R_{ij}.

    The fit iterates principal axes. From communalities :math:`h` (starting at the
    squared multiple correlations), the loadings are the first eigenvector of :math:`R`
    with :math:`h` on its diagonal, scaled by the square root of its eigenvalue (0 if
    negative), and the new communalities are :math:`h_i = \min(\lambda_i^2, 0.995)`.
    Each half of a step minimises the criterion

    .. math:: F(\lambda, \Psi) = \lVert R - \Psi - \lambda \lambda^\top \rVert^2

    over the loadings or over the uniquenesses :math:`\psi_i = 1 - h_i`, so no step
    increases it, and a fixed point is a stationary point of :math:`F` within the bounds.
    When no uniqueness is at a bound, that is the minimum-residual (minres) solution,
    which fits the off-diagonal correlations. Plain steps can take thousands of
    iterations when the items barely correlate, so each iteration extrapolates from two
    steps (SQUAREM [3]_) and keeps the extrapolated point only if :math:`F` is no
    higher there than after the two plain steps.
    The fit has converged when a step moves no communality by more than `tolerance`.

    With missing answers :math:`R` holds pairwise-complete correlations (each pair's own
    respondents, means and standard deviations, as R's ``cor(x, use = "pairwise")``), as
    ``psych::omega`` uses; :func:`cronbach_alpha` instead scales pairwise covariances by
    whole-item variances, as ``psych::alpha`` does.

    The results were checked against R ``psych`` version 2.2.9
    (``omega(x, nfactors = 1)$omega.tot``, which fits the same model with a
    general-purpose optimiser and a looser stopping rule) to 1e-3; they agree to about
    1e-7 on the reference data sets. In a Heywood case (a uniqueness at its lower bound,
    where a loading can exceed 1 and :math:`1 - \lambda_i^2` is negative, as in
    ``psych``), ``psych``'s optimiser stops at a slightly different point: omega total
    can then differ by about 1e-3, and the loadings by a few thousandths.

    ``psych::omega`` stops on an item that does not vary; here it is left out, as
    :func:`cronbach_alpha` leaves it out, and the figures are those of the other items.
    With two items the one-factor model is not identified: the fit gives both items the
    loading :math:`\sqrt{\lvert r \rvert}`, as ``psych`` does, and on complete answers
    omega total then equals standardised alpha. With a handful of respondents the
    figures are computed but not meaningful.

    References
    ----------
    .. [1] McDonald, R. P. (1999). *Test theory: A unified treatment*. Lawrence Erlbaum
       Associates.
    .. [2] Revelle, W. (2022). *psych: Procedures for psychological, psychometric, and
       personality research* (R package version 2.2.9). Northwestern University.
    .. [3] Varadhan, R., & Roland, C. (2008). Simple and globally convergent methods for
       accelerating the convergence of any EM algorithm. *Scandinavian Journal of
       Statistics*, 35(2), 335-353.

    Examples
    --------
    >>> answers = [
    ...     [2, 2, 1, 0],
    ...     [0, 2, 1, 0],
    ...     [2, 1, 1, 1],
    ...     [2, 3, 2, 2],
    ...     [4, 4, 2, 3],
    ...     [1, 2, 1, 2],
    ...     [1, 1, 1, 1],
    ...     [0, 0, 1, 0],
    ... ]
    >>> result = omega_total(answers)
    >>> round(result.total, 4)
    0.9209
    >>> [round(loading, 3) for loading in result.loadings]
    [0.831, 0.888, 0.883, 0.847]
    """
    tol = _check_tolerance(tolerance)
    limit = _check_max_iterations(max_iterations)
    values, constant, moments = _prepare(x)
    correlation = moments.correlation(values, np.flatnonzero(~constant))
    loadings, iterations = _one_factor(correlation, tol, limit)
    sign = np.where(loadings < 0, -1.0, 1.0)
    explained = float(sign @ correlation @ sign)
    uniqueness = float(np.sum(1.0 - loadings * loadings))
    return Omega(
        total=(explained - uniqueness) / explained if explained else math.nan,
        loadings=_spread(loadings, constant, math.nan),
        n_items=int(constant.size),
        n_respondents=int(values.shape[0]),
        constant_items=tuple(int(i) for i in np.flatnonzero(constant)),
        iterations=iterations,
    )
