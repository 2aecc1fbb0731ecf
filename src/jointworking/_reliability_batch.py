"""Cronbach's alpha and McDonald's omega total of one set of items over many groups at once.

:func:`reliabilities` gives, for each table of answers it is handed (the same items for
every table: one per organisation, say), what :func:`~jointworking.reliability.cronbach_alpha`
and :func:`~jointworking.reliability.omega_total` (with their default settings) give on it,
to the last bit, but computes the figures of all the tables together: the pairwise sums
table by table (the very numpy calls those functions make, on tables laid out as theirs,
so that every sum adds up in the same order), everything after them on stacked arrays
(each sum over a C-ordered row, which numpy adds up as it adds up a vector), and the
one-factor fits of all the tables in step, each fit leaving the stack once it converges.

A table for which those functions would raise, or which takes a path the stacked
computation does not follow (an item that does not vary, an item or pair of items with
fewer than two answers, an item with one answer from everyone who answered another,
figures that overflow), is not computed here: its entry is None, and the caller computes
it with the functions themselves. So are the tables of a set whose fits fail in LAPACK.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import NamedTuple, TypeAlias

import numpy as np
import numpy.typing as npt

from jointworking.errors import ArgumentError
from jointworking.reliability import (
    _MAX_ITERATIONS,
    _MIN_UNIQUENESS,
    _TOLERANCE,
    Alpha,
    Omega,
    _not_converged,
)

__all__ = ["Figures", "reliabilities"]

FloatArray: TypeAlias = npt.NDArray[np.float64]
BoolArray: TypeAlias = npt.NDArray[np.bool_]
IntArray: TypeAlias = npt.NDArray[np.intp]

_CEILING = 1.0 - _MIN_UNIQUENESS
_EPS = float(np.finfo(np.float64).eps)


class Figures(NamedTuple):
    """What the two indices give on one table."""

    alpha: Alpha
    omega: Omega | ArgumentError
    """The result of ``omega_total``, or the error it raises (the fit did not converge)."""


def reliabilities(tables: Sequence[FloatArray]) -> list[Figures | None]:
    """Alpha and omega total of each table; None where the table needs the single path.

    Parameters
    ----------
    tables : sequence of ndarray of float64, each of shape (n_i, k)
        The answers of each group, NaN where missing; the same ``k >= 2`` items in every
        table, and at least 2 respondents in each. Only read. The figures are those of
        the functions on the table in C order (numpy's matrix products can round
        differently on another layout): a table in another layout is copied first.

    Returns
    -------
    list of Figures or None
        In the order of `tables`: ``cronbach_alpha(table)`` and ``omega_total(table)``
        (or the error the latter raises), or None where the table is left to those
        functions (see the module docstring).
    """
    if not tables:
        return []
    moments = _moments(tables)
    results: list[Figures | None] = [None] * len(tables)
    ok = np.flatnonzero(moments.usable)
    if not ok.size:
        return results
    count = moments.answered[ok]
    cross = moments.cross[ok]
    partial = moments.partial[ok]
    covariance, correlation = _covariance_correlation(count, cross, partial, moments.square[ok])
    # A correlation that is not finite would go wrong in the fit: left to the single path.
    finite = np.isfinite(correlation).all(axis=(1, 2))
    ok, covariance, correlation = ok[finite], covariance[finite], correlation[finite]
    if not ok.size:
        return results
    try:
        fit = _one_factor(correlation, _TOLERANCE, _MAX_ITERATIONS)
    except np.linalg.LinAlgError:
        return results
    alphas = _alphas(covariance, moments.n[ok])
    omegas = _omegas(correlation, fit, moments.n[ok])
    for position, alpha, omega in zip(ok.tolist(), alphas, omegas, strict=True):
        results[position] = Figures(alpha, omega)
    return results


# --------------------------------------------------------------------------------------
# Pairwise moments, table by table
# --------------------------------------------------------------------------------------


class _Stacked(NamedTuple):
    """The pairwise sums of every table (see ``reliability._Moments``), stacked."""

    n: IntArray
    answered: FloatArray
    """``answered[t, i, j]``: how many respondents answered both items."""
    cross: FloatArray
    partial: FloatArray
    square: FloatArray
    """``square[t, i, j]``: the sum of the squared centred answers to item i of the
    respondents who also answered j."""
    usable: BoolArray
    """Whether the stacked computation may go on with the table."""


def _moments(tables: Sequence[FloatArray]) -> _Stacked:
    """Compute each table's pairwise sums with the numpy calls ``_prepare`` makes."""
    m = len(tables)
    k = tables[0].shape[1]
    n = np.zeros(m, dtype=np.intp)
    count = np.empty((m, k, k))
    cross = np.empty((m, k, k))
    partial = np.empty((m, k, k))
    square = np.empty((m, k, k))
    mean = np.empty((m, k))
    usable = np.ones(m, dtype=np.bool_)
    complete = np.zeros(m, dtype=np.bool_)
    with np.errstate(all="ignore"):
        for t, table in enumerate(tables):
            values = np.ascontiguousarray(table, dtype=np.float64)
            if values.ndim != 2 or values.shape[1] != k or values.shape[0] < 2 or k < 2:
                usable[t] = False
                continue
            n[t] = values.shape[0]
            complete[t] = _sums(
                values,
                count=count[t],
                cross=cross[t],
                partial=partial[t],
                square=square[t],
                mean=mean[t],
            )
        spread = np.maximum(square - partial * partial / count, 0.0)
    diagonal = np.arange(k)
    answers = count[:, diagonal, diagonal]
    variance = cross[:, diagonal, diagonal]
    usable &= (count >= 2).all(axis=(1, 2))  # else _check_pairs raises
    usable &= np.isfinite(cross).all(axis=(1, 2)) & (variance > 0).all(axis=1)
    # An item that does not vary leaves a sum of squares within rounding of 0: a table with
    # one (or anything as small) is left to the single path, which tells them apart.
    with np.errstate(all="ignore"):
        rounding = 4.0 * answers * ((answers + 2.0) * _EPS * np.abs(mean)) ** 2
    usable &= (variance > rounding).all(axis=1)
    # Where answers are missing, an item might not vary among another item's respondents.
    total = square[:, diagonal, diagonal]
    suspect = (spread <= 1e-9 * total[:, :, np.newaxis]).any(axis=(1, 2))
    usable &= complete | ~suspect
    return _Stacked(n, count, cross, partial, square, usable)


def _sums(
    values: FloatArray,
    *,
    count: FloatArray,
    cross: FloatArray,
    partial: FloatArray,
    square: FloatArray,
    mean: FloatArray,
) -> bool:
    """Fill one table's sums in place, as ``_Moments`` computes them; whether complete."""
    missing = np.isnan(values)
    if missing.any():
        mask = (~missing).astype(np.float64)
        np.matmul(mask.T, mask, out=count)
        centred = np.where(missing, 0.0, values)
        np.divide(centred.sum(axis=0), count.diagonal(), out=mean)
        centred -= mean
        centred *= mask
        np.matmul(centred.T, centred, out=cross)
        np.matmul(centred.T, mask, out=partial)
        squares = centred * centred
        np.matmul(squares.T, mask, out=square)
        return False
    count[...] = float(values.shape[0])
    centred = values.copy()
    np.divide(centred.sum(axis=0), count.diagonal(), out=mean)
    centred -= mean
    np.matmul(centred.T, centred, out=cross)
    partial[...] = centred.sum(axis=0)[:, np.newaxis]
    squares = centred * centred
    square[...] = squares.sum(axis=0)[:, np.newaxis]
    return True


def _covariance_correlation(
    count: FloatArray, cross: FloatArray, partial: FloatArray, square: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Stacked ``_Moments.covariance()`` and ``_Moments.correlation()``."""
    partial_t = partial.transpose(0, 2, 1)
    with np.errstate(all="ignore"):
        covariance = (cross - partial * partial_t / count) / (count - 1.0)
        covariance = (covariance + covariance.transpose(0, 2, 1)) / 2.0
        spread = np.maximum(square - partial * partial / count, 0.0)
        root = np.sqrt(spread)
        products = cross - partial * partial_t / count
        correlation = products / root / root.transpose(0, 2, 1)
    correlation = (correlation + correlation.transpose(0, 2, 1)) / 2.0
    diagonal = np.arange(correlation.shape[1])
    correlation[:, diagonal, diagonal] = 1.0
    return covariance, correlation


# --------------------------------------------------------------------------------------
# Cronbach's alpha
# --------------------------------------------------------------------------------------


def _alphas(covariance: FloatArray, n: IntArray) -> list[Alpha]:
    """Stacked ``cronbach_alpha`` from each table's covariance matrix."""
    m, k = covariance.shape[:2]
    diagonal = np.arange(k)
    with np.errstate(divide="ignore", invalid="ignore"):
        # Contiguous, as in the single path: numpy sums a row of a C-ordered table as it
        # sums a vector (pairwise), a column of one in order.
        variance = covariance.diagonal(axis1=1, axis2=2).copy()
        trace = variance.sum(axis=1)
        total = covariance.reshape(m, k * k).sum(axis=1)
        raw = (1.0 - np.divide(trace, total)) * (k / (k - 1.0))
        row_sums = covariance.sum(axis=2)
        rest_total = total[:, np.newaxis] - 2.0 * row_sums + variance
        if k > 2:
            rest_trace = trace[:, np.newaxis] - variance
            if_dropped = (1.0 - np.divide(rest_trace, rest_total)) * ((k - 1) / (k - 2.0))
        else:
            if_dropped = np.full((m, k), np.nan)
        scale = 1.0 / np.sqrt(variance)
        correlation = covariance * scale[:, :, np.newaxis] * scale[:, np.newaxis, :]
        correlation[:, diagonal, diagonal] = 1.0
        sum_r = correlation.reshape(m, k * k).sum(axis=1)
        standardized = (1.0 - k / sum_r) * (k / (k - 1.0))
        average_r = (sum_r - k) / (k * (k - 1.0))
        item_rest = (row_sums - variance) / np.sqrt(variance * rest_total)
    return [
        Alpha(
            raw=a,
            standardized=s,
            average_r=r,
            if_dropped=tuple(d),
            item_rest=tuple(i),
            n_items=k,
            n_respondents=respondents,
            constant_items=(),
        )
        for a, s, r, d, i, respondents in zip(
            raw.tolist(),
            standardized.tolist(),
            average_r.tolist(),
            if_dropped.tolist(),
            item_rest.tolist(),
            n.tolist(),
            strict=True,
        )
    ]


# --------------------------------------------------------------------------------------
# McDonald's omega total
# --------------------------------------------------------------------------------------


class _Fit(NamedTuple):
    """The one-factor fits of a stack of correlation matrices."""

    loadings: FloatArray
    """Each fit's loadings, signed to sum to zero or more (garbage where not converged)."""
    iterations: IntArray
    """The iterations each fit took; 0 where it did not converge."""
    change: FloatArray
    """Where a fit did not converge, how far its last step moved a communality."""


class _Steps(NamedTuple):
    """Stacked ``reliability._Step``: principal-axis steps, one per matrix."""

    communality: FloatArray
    loadings: FloatArray
    loss: FloatArray


def _dot(a: FloatArray) -> FloatArray:
    """Each row's dot product with itself, by the BLAS call ``a[t] @ a[t]`` makes."""
    product: FloatArray = (a[:, np.newaxis, :] @ a[:, :, np.newaxis])[:, 0, 0]
    return product


def _principal_axes(correlation: FloatArray, communality: FloatArray) -> _Steps:
    """Stacked ``reliability._principal_axis``: one step from each row of `communality`."""
    reduced = correlation.copy()
    diagonal = np.arange(correlation.shape[1])
    reduced[:, diagonal, diagonal] = communality
    eigenvalues, eigenvectors = np.linalg.eigh(reduced)
    last = eigenvalues[:, -1]
    top = np.where(last < 0.0, 0.0, last)  # max(last, 0.0), as the builtin does it
    loadings = eigenvectors[:, :, -1] * np.sqrt(top)[:, np.newaxis]
    return _Steps(
        communality=np.clip(loadings * loadings, 0.0, _CEILING),
        loadings=loadings,
        loss=_dot(eigenvalues) - top * top,
    )


def _one_factor(correlation: FloatArray, tolerance: float, max_iterations: int) -> _Fit:
    """Stacked ``reliability._one_factor``: every fit in step, until it converges."""
    m, k = correlation.shape[:2]
    loadings_out = np.full((m, k), np.nan)
    iterations_out = np.zeros(m, dtype=np.intp)
    change_out = np.full(m, np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        inverse = np.linalg.pinv(correlation, hermitian=True)
        smc = 1.0 - 1.0 / inverse.diagonal(axis1=1, axis2=2)
    start = np.clip(np.nan_to_num(smc, nan=0.0, posinf=0.0, neginf=0.0), 0.0, _CEILING)
    matrices = correlation
    current = _principal_axes(matrices, start)
    ids = np.arange(m)
    change = np.full(m, np.inf)
    for iteration in range(1, max_iterations + 1):
        first = current.communality - start
        change = np.max(np.abs(first), axis=1)
        done = change <= tolerance
        if done.any():
            finished = current.loadings[done]
            flip = finished.sum(axis=1) < 0
            loadings_out[ids[done]] = np.where(flip[:, np.newaxis], -finished, finished)
            iterations_out[ids[done]] = iteration
            going = ~done
            if not going.any():
                return _Fit(loadings_out, iterations_out, change_out)
            ids, matrices, start, first, change = (
                ids[going],
                matrices[going],
                start[going],
                first[going],
                change[going],
            )
            current = _Steps(*(part[going] for part in current))
        middle = current.communality
        after = _principal_axes(matrices, middle).communality
        second = after - middle - first
        following = _principal_axes(matrices, after)
        bend = np.sqrt(_dot(second))
        bent = np.flatnonzero(bend > 0.0)
        next_start, current = after, following
        if bent.size:
            with np.errstate(divide="ignore", invalid="ignore"):
                step = -np.sqrt(_dot(first[bent])) / bend[bent]
            step = np.where(step > -1.0, -1.0, step)  # min(step, -1.0), as the builtin does it
            jump = np.clip(
                start[bent]
                - (2.0 * step)[:, np.newaxis] * first[bent]
                + (step * step)[:, np.newaxis] * second[bent],
                0.0,
                _CEILING,
            )
            trial = _principal_axes(matrices[bent], jump)
            better = trial.loss <= following.loss[bent]
            if better.any():
                rows = bent[better]
                next_start = next_start.copy()
                next_start[rows] = jump[better]
                for part, trial_part in zip(current, trial, strict=True):
                    part[rows] = trial_part[better]
        start = next_start
    change_out[ids] = change
    return _Fit(loadings_out, iterations_out, change_out)


def _omegas(correlation: FloatArray, fit: _Fit, n: IntArray) -> list[Omega | ArgumentError]:
    """Stacked ``omega_total`` from each table's correlation matrix and fit."""
    loadings = fit.loadings
    sign = np.where(loadings < 0, -1.0, 1.0)
    explained = (sign[:, np.newaxis, :] @ correlation @ sign[:, :, np.newaxis])[:, 0, 0]
    uniqueness = np.sum(1.0 - loadings * loadings, axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        total = np.where(explained != 0.0, (explained - uniqueness) / explained, math.nan)
    k = correlation.shape[1]
    return [
        Omega(
            total=value,
            loadings=tuple(row),
            n_items=k,
            n_respondents=respondents,
            constant_items=(),
            iterations=iterations,
        )
        if iterations
        else _not_converged(_MAX_ITERATIONS, change, _TOLERANCE)
        for value, row, respondents, iterations, change in zip(
            total.tolist(),
            loadings.tolist(),
            n.tolist(),
            fit.iterations.tolist(),
            fit.change.tolist(),
            strict=True,
        )
    ]
