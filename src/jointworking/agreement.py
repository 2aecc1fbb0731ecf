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

Answers are real numbers (NaN or ``None`` where missing), at most 1e100 in magnitude, so
that sums of squares stay far inside the float range; anything else (strings, complex
numbers, a ragged sequence, an infinite value) is an :class:`~jointworking.ArgumentError`,
as is a bad ``null_variance``, ``low``, ``high``, ``center`` or ``groups``.

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
import numbers
import types
from collections.abc import Hashable, Mapping, Sequence
from decimal import Decimal
from typing import Any, Literal, NamedTuple, TypeAlias, cast

import numpy as np
import numpy.typing as npt

from jointworking import _codes
from jointworking.errors import ArgumentError, _shown

__all__ = ["GroupValues", "ad", "awg", "icc1", "icc2", "rwg", "rwg_j", "uniform_null_variance"]

FloatArray: TypeAlias = npt.NDArray[np.float64]
IntArray: TypeAlias = npt.NDArray[np.intp]
BoolArray: TypeAlias = npt.NDArray[np.bool_]
GroupValues: TypeAlias = Mapping[Hashable, float]
"""A read-only mapping from group label to the group's index, labels in sorted order."""


def _quiet() -> np.errstate:
    """Silence the division-by-zero and invalid-value warnings of empty or tiny groups."""
    return np.errstate(divide="ignore", invalid="ignore")


def _bincount(cells: IntArray, weights: FloatArray | None, n_cells: int) -> FloatArray:
    """Sum `weights` (or count) by cell, as float64, for cells ``0 .. n_cells - 1``."""
    return np.bincount(cells, weights=weights, minlength=n_cells).astype(np.float64, copy=False)


# --------------------------------------------------------------------------------------
# Validation and grouping
# --------------------------------------------------------------------------------------


_ANSWER_LIMIT = 1e100
"""The largest magnitude an answer, or an end of the scale, may have.

Sums of squares of answers (and products of the scale's ends) must stay far inside the
float range, whatever the number of respondents: within this limit they do.
"""


def _finite_number(value: object) -> float | None:
    """Return `value` as a float if it is a finite real number, else None.

    The one check of every single number this module takes (the answers are checked as an
    array by :func:`_answers`): a real number (int, float or numpy number; not bool, str,
    complex or timedelta) that is finite, an int too large for a float being refused.
    """
    if isinstance(value, bool | np.timedelta64) or not isinstance(
        value, int | float | np.integer | np.floating
    ):
        return None
    try:
        number = float(value)
    except OverflowError:  # an int beyond the float range
        return None
    return number if math.isfinite(number) else None


def _not_numbers(raw: npt.NDArray[Any]) -> object:
    """Return the first item of an object array that is not a number or None, else None.

    Real numbers of any kind (int, float, numpy numbers, Fraction, Decimal) are numbers;
    text, complex numbers, timedeltas and other objects are not.
    """
    for item in raw.flat:
        if item is not None and (
            isinstance(item, np.timedelta64) or not isinstance(item, numbers.Real | Decimal)
        ):
            return item
    return None


def _answers(
    x: npt.ArrayLike, *, ndims: tuple[int, ...], expected: str
) -> tuple[FloatArray, tuple[float, float]]:
    """Return `x` as float64 after checking its type, shape and values.

    The one check of the answers of every public function. An array that already holds
    float64 is returned as it is, not copied; the callers only read it.

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
    values : ndarray of float64
        The answers, same shape as `x`.
    extremes : tuple of float
        The smallest and largest answer (NaN if none is answered), as :func:`_extremes`.

    Raises
    ------
    ArgumentError
        If `x` is not an array of numbers (a ragged sequence, strings, complex numbers),
        has the wrong number of dimensions, is empty, or holds an infinite value or one
        beyond :data:`_ANSWER_LIMIT` in magnitude.
    """
    try:
        raw = np.asarray(x)
    except (ValueError, TypeError, OverflowError) as exc:  # ragged, too deep, not an array
        raise ArgumentError(
            f"x must be {expected}, holding numeric answers; got a sequence that is not an"
            " array (ragged, or nested too deeply)"
        ) from exc
    if raw.dtype.kind not in "biufO":
        raise ArgumentError(
            f"x must hold numeric answers (NaN for a missing one); got dtype {raw.dtype}"
        )
    if raw.dtype.kind == "O" and (item := _not_numbers(raw)) is not None:
        raise ArgumentError(
            "x must hold numeric answers (NaN or None for a missing one); got a value that is"
            f" not a number: {_shown(item)}"
        )
    try:
        with np.errstate(over="ignore"):  # a long double beyond float64 becomes inf: refused
            values = np.asarray(raw, dtype=np.float64)
    except (TypeError, ValueError, OverflowError) as exc:
        raise ArgumentError(
            "x must hold numeric answers (NaN for a missing one); got a value that is not a"
            " number, or an integer too large for a float"
        ) from exc
    if values.ndim not in ndims:
        raise ArgumentError(f"x must be {expected}; got shape {values.shape}")
    if values.shape[0] == 0:
        raise ArgumentError("x must hold at least one respondent's answers; got an empty array")
    if values.ndim == 2 and values.shape[1] == 0:
        raise ArgumentError(f"x must have at least one item column; got shape {values.shape}")
    smallest, largest = _extremes(values)
    if math.isinf(smallest) or math.isinf(largest):
        where = tuple(int(i) for i in np.argwhere(np.isinf(values))[0])
        raise ArgumentError(
            f"x must be finite, with NaN for a missing answer; found {values[where]} at "
            f"index {where if len(where) > 1 else where[0]}"
        )
    if max(-smallest, largest) > _ANSWER_LIMIT:  # False when no answer (NaN)
        where = tuple(int(i) for i in np.argwhere(np.abs(values) > _ANSWER_LIMIT)[0])
        raise ArgumentError(
            f"x must hold answers of magnitude at most {_ANSWER_LIMIT:g}; found"
            f" {values[where]:g} at index {where if len(where) > 1 else where[0]}"
        )
    return values, (smallest, largest)


_EXTREMES_BLOCK = 1 << 18
"""How many answers :func:`_extremes` reads at a time (2 MiB of float64)."""


def _extremes(values: FloatArray) -> tuple[float, float]:
    """Return the smallest and largest answer, ignoring NaN (both NaN if none is answered).

    Reads the answers in memory order, a block at a time so that the second reduction
    finds the block in the cache, and without temporaries: cheaper than building boolean
    arrays of the whole table.
    """
    flat = values.ravel(order="K")
    smallest = largest = math.nan
    for start in range(0, flat.size, _EXTREMES_BLOCK):
        block = flat[start : start + _EXTREMES_BLOCK]
        smallest = float(np.fmin(smallest, np.fmin.reduce(block)))
        largest = float(np.fmax(largest, np.fmax.reduce(block)))
    return smallest, largest


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
    labels, codes, _ = _encode_groups(groups)
    return labels, codes


def _encode_groups(groups: npt.ArrayLike) -> tuple[npt.NDArray[Any], IntArray, FloatArray]:
    """Return the sorted distinct labels, each respondent's group code and the group sizes.

    As :func:`_group_codes`, with the number of respondents per group (float64, shape
    ``(n_groups,)``) as a third result. Non-negative integer labels of modest size are
    counted with :func:`numpy.bincount` instead of sorted; when they are exactly
    ``0 .. n_groups - 1`` they serve as their own codes, without a copy. Text labels are
    coded with a hash table, only the distinct labels being sorted (see
    :func:`_text_codes`).
    """
    coded = _sequence_codes(groups)
    return coded if coded is not None else _encode(_label_array(groups))


def _encode(labels_in: npt.NDArray[Any]) -> tuple[npt.NDArray[Any], IntArray, FloatArray]:
    """:func:`_encode_groups` of labels given as an array."""
    if labels_in.ndim != 1:
        raise ArgumentError(
            f"groups must be 1-dimensional, shape (n_respondents,); got shape {labels_in.shape}"
        )
    if labels_in.size == 0:
        raise ArgumentError("groups must hold at least one label; got an empty array")
    if labels_in.dtype.kind in "fc" and np.isnan(labels_in).any():
        raise ArgumentError("groups must not contain NaN; give every respondent a group label")
    if labels_in.dtype.kind in "iu":
        counted = _counted_codes(labels_in)
        if counted is not None:
            return counted
    if labels_in.dtype.kind == "O":
        # Where pandas is imported, its hash table codes text in compiled code.
        factorized = _codes.factorize_with_pandas(labels_in, labels_in.shape[0])
        if factorized is not None:
            return _sorted_text(factorized.uniques, factorized.codes, labels_in.dtype)
    if labels_in.dtype.kind in "UO":
        coded = _text_codes(labels_in.tolist(), labels_in.dtype)
        if coded is not None:
            return coded
    try:
        labels, codes, sizes = np.unique(labels_in, return_inverse=True, return_counts=True)
    except TypeError as exc:
        raise ArgumentError(
            "groups must hold labels of one kind that sort together (all strings or all numbers)"
        ) from exc
    return labels, codes.reshape(-1).astype(np.intp, copy=False), sizes.astype(np.float64)


def _sequence_codes(groups: object) -> tuple[npt.NDArray[Any], IntArray, FloatArray] | None:
    """:func:`_text_codes` of a list or tuple of labels; None for anything else.

    Coding a list of ``str`` as it is spares making an array of it and taking the labels
    back out.
    """
    return _text_codes(groups, None) if isinstance(groups, list | tuple) else None


def _text_codes(
    texts: Sequence[object], dtype: np.dtype[Any] | None
) -> tuple[npt.NDArray[Any], IntArray, FloatArray] | None:
    """Code labels that are all ``str`` as :func:`numpy.unique` would, with a hash table.

    The labels are coded with a dictionary (:func:`jointworking._codes.factorize`) and
    only the distinct ones sorted, as Python sorts text, by code point, which is numpy's
    order. The result equals ``np.unique(np.asarray(texts,
    dtype), return_inverse=True, return_counts=True)``, in time linear in the number of
    respondents.

    Parameters
    ----------
    texts : sequence
        One label per respondent.
    dtype : numpy dtype or None
        The dtype of the array `texts` were taken from (``U`` or ``object``), kept for the
        distinct labels. None for a list or tuple, which numpy would hold in an array of
        dtype ``<U`` as wide as the longest label.

    Returns
    -------
    tuple or None
        The labels, codes and sizes, as :func:`_encode_groups` returns them. None unless
        `texts` is not empty and its distinct labels are all exactly ``str``; for a list
        or tuple, also None if a label ends in a NUL character, which numpy drops (perhaps
        merging two labels). The caller then codes the labels as an array.
    """
    if not texts or type(texts[0]) is not str:
        return None
    try:
        uniques, codes = _codes.factorize(texts)
    except TypeError:  # an unhashable label, so not text
        return None
    # Equal keys share a code: 1, 1.0 and True, and a str subclass with the text it
    # equals (as np.unique merges them), but no number equals a str: labels of any other
    # kind leave one among the distinct labels, and go to np.unique, which refuses a mix.
    if not _codes.all_text(uniques):
        return None
    if dtype is None and any(cast("str", label).endswith("\0") for label in uniques):
        return None
    return _sorted_text(uniques, codes, dtype)


def _sorted_text(
    uniques: list[object], codes: IntArray, dtype: np.dtype[Any] | None
) -> tuple[npt.NDArray[Any], IntArray, FloatArray]:
    """Renumber text labels coded in order of first appearance into sorted order.

    `dtype` is kept for the labels; None gives numpy's ``<U`` as wide as the longest.
    """
    labels, sorted_codes = _codes.sorted_codes(cast("list[str]", uniques), codes)
    if dtype is None:
        dtype = np.dtype(f"<U{max(1, *map(len, labels))}")
    sizes = np.bincount(sorted_codes, minlength=len(labels)).astype(np.float64)
    return np.array(labels, dtype=dtype), sorted_codes, sizes


def _counted_codes(
    labels_in: npt.NDArray[np.integer[Any]],
) -> tuple[npt.NDArray[Any], IntArray, FloatArray] | None:
    """Encode integer labels by counting them; None unless they lie in ``0 .. 4 n + 999``.

    Gives what ``np.unique(labels_in, return_inverse=True, return_counts=True)`` gives
    (labels of the same dtype), in time linear in the number of respondents.
    """
    if int(labels_in.min()) < 0 or int(labels_in.max()) >= 4 * labels_in.size + 1000:
        return None
    values: IntArray = np.asarray(labels_in, dtype=np.intp)
    counts = np.bincount(values)
    present = counts > 0
    if present.all():
        codes = values
        sizes = counts
        labels = np.arange(counts.size, dtype=labels_in.dtype)
    else:
        codes = (np.cumsum(present, dtype=np.intp) - 1)[values]
        sizes = counts[present]
        labels = np.flatnonzero(present).astype(labels_in.dtype)
    return labels, codes, sizes.astype(np.float64)


def _label_array(groups: npt.ArrayLike) -> npt.NDArray[Any]:
    """Return `groups` as an array, turning numpy's complaint about ragged input into ours."""
    try:
        return np.asarray(groups)
    except (ValueError, TypeError, OverflowError) as exc:
        raise ArgumentError(
            "groups must be 1-dimensional, shape (n_respondents,); got a ragged sequence"
        ) from exc


def _grouped(
    values: FloatArray, groups: npt.ArrayLike
) -> tuple[npt.NDArray[Any], IntArray, FloatArray]:
    """Check `groups` against the answers `values` and return ``_encode_groups(groups)``."""
    coded = _sequence_codes(groups)
    labels_in = _label_array(groups) if coded is None else coded[1]  # codes: one per label
    if labels_in.ndim == 1 and labels_in.shape[0] != values.shape[0]:
        raise ArgumentError(
            "x and groups must have the same length (one group label per respondent); got "
            f"{values.shape[0]} rows in x and {labels_in.shape[0]} labels in groups"
        )
    return _encode(labels_in) if coded is None else coded


def _check_null_variance(null_variance: object) -> float:
    """Return `null_variance` as a float after checking it is positive and finite."""
    value = _finite_number(null_variance)
    if value is None or value <= 0:
        raise ArgumentError(
            f"null_variance must be a positive finite number; got {_shown(null_variance)}"
        )
    return value


def _check_range(
    low: object, high: object, values: FloatArray, extremes: tuple[float, float]
) -> tuple[float, float]:
    """Return the scale ends as floats after checking them and that `values` lie within.

    `extremes` are the smallest and largest of `values`, as :func:`_answers` returns them.
    """
    lo, hi = _finite_number(low), _finite_number(high)
    if lo is None or hi is None or max(abs(lo), abs(hi)) > _ANSWER_LIMIT:
        raise ArgumentError(
            f"low and high must be finite numbers of magnitude at most {_ANSWER_LIMIT:g};"
            f" got low={_shown(low)}, high={_shown(high)}"
        )
    if lo >= hi:
        raise ArgumentError(f"low must be less than high; got low={lo}, high={hi}")
    smallest, largest = extremes
    if smallest < lo or largest > hi:
        outside = (values < lo) | (values > hi)
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
#
# Everything here goes item by item, and within an item a block of rows at a time, so
# that the temporaries stay in the processor's cache; a table stored column by column
# (Fortran order) is read in memory order. Whole-number answers in a short range (the
# usual case) are counted by group and value with one np.bincount; other answers are
# summed by group with np.bincount (count, sum, sum of squares).

_EXACT_LIMIT = 2.0**53
"""Sums of whole numbers below this are exact in float64."""

_BLOCK_ROWS = 1 << 16
"""How many rows of an item are handled at a time (512 KiB of float64 answers)."""

_HISTOGRAM_SPAN = 64
"""The most distinct whole-number answers for which answers are counted by value."""


class _Histogram(NamedTuple):
    """How to count an item's whole-number answers by group and value.

    The answers lie in ``smallest .. smallest + width - 1``. With ``n_groups`` groups,
    respondent ``i``'s answer ``v`` is counted in cell ``(v - smallest) * n_groups +
    codes[i]``, and a missing answer in cell ``width * n_groups + codes[i]``.
    """

    smallest: float
    width: int


def _columns(values: FloatArray) -> FloatArray:
    """Return the answers as a table with one column per item, columns contiguous.

    A one-dimensional array becomes a one-column view; a table stored row by row with
    several columns is copied once into column order, cheaper than reading it with a
    stride once per column.
    """
    table = values.reshape(values.shape[0], math.prod(values.shape[1:]))
    if table.shape[1] > 1 and not table.flags.f_contiguous:
        return np.asfortranarray(table)
    return table


def _cell_shape(values: FloatArray, n_groups: int) -> tuple[int, ...]:
    """Return the shape of per-group statistics: (n_groups,) or (n_groups, n_items)."""
    return (n_groups, *values.shape[1:])


def _histogram(codes: IntArray, n_groups: int, extremes: tuple[float, float]) -> _Histogram | None:
    """Return how to count answers by group and value, or None if not worth it.

    Parameters
    ----------
    codes : ndarray of intp, shape (n_respondents,)
        Each respondent's group code, ``0 <= code < n_groups``.
    n_groups : int
        The number of groups.
    extremes : tuple of float
        The smallest and largest answer, as :func:`_extremes` returns them.

    Returns
    -------
    _Histogram or None
        None unless both extremes are whole numbers at most ``_HISTOGRAM_SPAN - 1`` apart
        and the counts take no more room than about twice the answers.
    """
    smallest, largest = extremes
    if not (abs(smallest) < 2.0**31 and abs(largest) < 2.0**31):  # also NaN: no answers
        return None
    if smallest != math.floor(smallest) or largest != math.floor(largest):
        return None
    width = int(largest - smallest) + 1
    if width > _HISTOGRAM_SPAN or n_groups * (width + 1) > 2 * codes.size + 4096:
        return None
    return _Histogram(smallest, width)


def _column_histogram(
    column: FloatArray, codes: IntArray, histogram: _Histogram, n_groups: int
) -> npt.NDArray[np.intp] | None:
    """Count one item's answers by group and value; None if one is not a whole number.

    Parameters
    ----------
    column : ndarray, shape (n_respondents,)
        One item's answers, NaN where missing, within the range of `histogram`.
    codes : ndarray of intp, shape (n_respondents,)
        Each respondent's group code, ``0 <= code < n_groups``.
    histogram : _Histogram
        From :func:`_histogram`.
    n_groups : int
        The number of groups.

    Returns
    -------
    ndarray of intp, shape (histogram.width, n_groups), or None
        How many of each group's answers equal ``histogram.smallest + j``, in row ``j``.
    """
    smallest, width = histogram
    cells = np.empty(column.size, dtype=np.intp)
    whole = 0
    for start in range(0, column.size, _BLOCK_ROWS):
        stop = start + _BLOCK_ROWS
        block = column[start:stop]
        offset = np.rint(block)
        whole += int(np.count_nonzero(block == offset))  # NaN is not whole
        if start == 0 and whole + int(np.count_nonzero(np.isnan(block))) < block.size:
            return None  # a first look, to give up early on answers that are not whole
        offset -= smallest
        np.fmin(offset, width, out=offset)  # NaN (missing) goes to the last row
        offset *= n_groups
        cells[start:stop] = offset
        cells[start:stop] += codes[start:stop]
    counts = np.bincount(cells, minlength=(width + 1) * n_groups).reshape(width + 1, n_groups)
    if whole + int(counts[width].sum()) != column.size:
        return None
    return counts[:width]


def _column_sums(
    column: FloatArray, codes: IntArray, sizes: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray, bool]:
    """Per-group count, sum and sum of squares of one item's answered values.

    The per-group sums of blocks of rows are added up, so a group's sum is exact whenever
    its answers are whole numbers (see :func:`_exact_sums`) and otherwise differs from the
    row-by-row sum only by rounding.

    Parameters
    ----------
    column : ndarray, shape (n_respondents,)
        One item's answers, NaN where missing.
    codes : ndarray of intp, shape (n_respondents,)
        Each respondent's group code, ``0 <= code < sizes.size``.
    sizes : ndarray of float64, shape (n_groups,)
        The number of respondents per group.

    Returns
    -------
    count, total, total_sq : ndarray of float64, shape (n_groups,)
        The number of answers, their sum and the sum of their squares, per group.
    whole : bool
        Whether every answer is a whole number.
    """
    n_groups = sizes.size
    step = max(_BLOCK_ROWS, 8 * n_groups)  # each block also costs passes over n_groups sums
    missing: list[IntArray] = []
    total = np.zeros(n_groups)
    total_sq = np.zeros(n_groups)
    whole = True
    for start in range(0, column.size, step):
        block = column[start : start + step]
        block_codes = codes[start : start + step]
        nan = np.isnan(block)
        if nan.any():
            block = np.where(nan, 0.0, block)
            missing.append(block_codes.take(np.flatnonzero(nan)))
        total += np.bincount(block_codes, block, n_groups)
        with np.errstate(over="ignore"):
            total_sq += np.bincount(block_codes, block * block, n_groups)
        whole = whole and np.array_equal(block, np.rint(block))
    if not missing:
        return sizes, total, total_sq, whole
    return sizes - _bincount(np.concatenate(missing), None, n_groups), total, total_sq, whole


def _column_statistics(
    column: FloatArray, codes: IntArray, sizes: FloatArray, histogram: _Histogram | None
) -> tuple[FloatArray, FloatArray, FloatArray, bool]:
    """:func:`_column_sums`, from the counts by value when `histogram` allows.

    Counting by value takes one unweighted :func:`numpy.bincount` instead of three and no
    masking of missing answers; the sums follow exactly from the counts.
    """
    if histogram is not None:
        counts = _column_histogram(column, codes, histogram, sizes.size)
        if counts is not None:
            by_value = counts.astype(np.float64)
            value = histogram.smallest + np.arange(histogram.width, dtype=np.float64)
            return by_value.sum(axis=0), value @ by_value, (value * value) @ by_value, True
    return _column_sums(column, codes, sizes)


def _exact_sums(count: FloatArray, total_sq: FloatArray, whole: bool) -> bool:
    """Whether a column's sums, and ``count * total_sq - total**2``, are exact.

    They are when every answer is a whole number (`whole`) and ``count * total_sq`` stays
    below 2**53 in every group: every square, partial sum and product is then an integer
    below 2**53 (``total**2 <= count * total_sq``), so exact in float64, whatever the order
    of the additions.
    """
    if not whole:
        return False
    with np.errstate(over="ignore", invalid="ignore"):
        return bool(np.all(count * total_sq < _EXACT_LIMIT))


def _column_moments(
    column: FloatArray, codes: IntArray, sizes: FloatArray, histogram: _Histogram | None
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Per-group count, mean and sample variance of one item; see :func:`_group_moments`.

    Whole-number answers (the usual case) take one pass: their sums are exact, so the mean
    and the variance ``(n * total_sq - total**2) / (n * (n - 1))`` are exact up to their
    final rounding, and the variance is exactly 0 for a group that agrees. Other answers
    take two more passes, as R does.
    """
    n_groups = sizes.size
    count, total, total_sq, whole = _column_statistics(column, codes, sizes, histogram)
    with _quiet():
        if _exact_sums(count, total_sq, whole):
            mean = total / count
            var = (count * total_sq - total * total) / (count * (count - 1.0))
        else:
            nan = np.isnan(column)
            missing = nan if nan.any() else None
            mean = _bincount(codes, _answered(column, missing), n_groups) / count
            mean += _bincount(codes, _answered(column - mean[codes], missing), n_groups) / count
            deviation = _answered(column - mean[codes], missing)
            var = _bincount(codes, deviation * deviation, n_groups) / (count - 1.0)
    return count, mean, np.where(count >= 2, var, np.nan)


def _answered(per_respondent: FloatArray, missing: BoolArray | None) -> FloatArray:
    """Return `per_respondent` with 0 where the answer is missing (None: nowhere)."""
    return per_respondent if missing is None else np.where(missing, 0.0, per_respondent)


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
    table = _columns(values)
    sizes = _bincount(codes, None, n_groups)
    histogram = _histogram(codes, n_groups, _extremes(table))
    count, total, total_sq = (np.empty((n_groups, table.shape[1])) for _ in range(3))
    for item in range(table.shape[1]):
        sums = _column_statistics(table[:, item], codes, sizes, histogram)
        count[:, item], total[:, item], total_sq[:, item] = sums[:3]
    shape = _cell_shape(values, n_groups)
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
    exact integers and only the final divisions round. The public functions use a one-pass
    formula only where the sums are exact (whole-number answers), and two passes over the
    data otherwise (as R does).
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
    """Per-group counts, means and sample variances, as R's ``mean`` and ``var`` give them.

    Item by item: for whole-number answers from exact sums (one pass), otherwise in two
    passes as R does (the mean corrected by a second pass over the deviations, and the
    variance the mean squared deviation from it with divisor ``count - 1``). A group whose
    answers are all equal gets a variance of exactly 0.

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
    return _moments(values, codes, _bincount(codes, None, n_groups), _extremes(values))


def _moments(
    values: FloatArray, codes: IntArray, sizes: FloatArray, extremes: tuple[float, float]
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """:func:`_group_moments` given the group sizes and the extremes of `values`."""
    table = _columns(values)
    histogram = _histogram(codes, sizes.size, extremes)
    count, mean, var = (np.empty((sizes.size, table.shape[1])) for _ in range(3))
    for item in range(table.shape[1]):
        count[:, item], mean[:, item], var[:, item] = _column_moments(
            table[:, item], codes, sizes, histogram
        )
    shape = _cell_shape(values, sizes.size)
    return count.reshape(shape), mean.reshape(shape), var.reshape(shape)


def _average_deviation(
    values: FloatArray, codes: IntArray, n_groups: int, *, center: Literal["mean", "median"]
) -> FloatArray:
    """Per-group (and item) mean absolute deviation from the mean or the median.

    AD needs the answers themselves, not just sufficient statistics. Item by item, the
    centres come from :func:`_column_moments` or :func:`_column_medians` and the absolute
    deviations from them are summed with :func:`numpy.bincount`.

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
    table = _columns(values)
    sizes = _bincount(codes, None, n_groups)
    histogram = _histogram(codes, n_groups, _extremes(table))
    result = np.empty((n_groups, table.shape[1]))
    for item in range(table.shape[1]):
        column = table[:, item]
        if center == "mean":
            count, centre, _ = _column_moments(column, codes, sizes, histogram)
        else:
            count, centre = _column_medians(column, codes, n_groups, histogram)
        nan = np.isnan(column)
        deviations = _answered(np.abs(column - centre[codes]), nan if nan.any() else None)
        with _quiet():
            average = _bincount(codes, deviations, n_groups) / count
        result[:, item] = np.where(count >= 2, average, np.nan)
    return result.reshape(_cell_shape(values, n_groups))


def _column_medians(
    column: FloatArray, codes: IntArray, n_groups: int, histogram: _Histogram | None
) -> tuple[FloatArray, FloatArray]:
    """Per-group count and median of one item's answered values (NaN median if none).

    Whole-number answers in a short range (the usual case) are counted by group and value
    (see :func:`_column_histogram`) and the middle answers read from the cumulative counts;
    other answers are sorted by (group, value). Either way the median of an even number of
    answers is the midpoint of the two middle ones.

    Parameters
    ----------
    column : ndarray, shape (n_respondents,)
        One item's answers, NaN where missing.
    codes : ndarray of intp, shape (n_respondents,)
        Each respondent's group code, ``0 <= code < n_groups``.
    n_groups : int
        The number of groups.
    histogram : _Histogram or None
        From :func:`_histogram`, if the answers may be counted by value.

    Returns
    -------
    count, median : ndarray of float64, shape (n_groups,)
        The number of answers and their median, per group.
    """
    counts = None if histogram is None else _column_histogram(column, codes, histogram, n_groups)
    if histogram is not None and counts is not None:
        sizes = counts.sum(axis=0)
        present = sizes > 0
        at_most = np.cumsum(counts[:, present], axis=0)  # answers up to each value
        low = (at_most <= (sizes[present] - 1) // 2).sum(axis=0) + histogram.smallest
        high = (at_most <= sizes[present] // 2).sum(axis=0) + histogram.smallest
    else:
        answered_at = ~np.isnan(column)
        answered = column[answered_at]
        cells = codes[answered_at]
        sizes = np.bincount(cells, minlength=n_groups)
        present = sizes > 0
        ordered = answered[np.lexsort((answered, cells))]
        start = (np.cumsum(sizes) - sizes)[present]
        low = ordered[start + ((sizes - 1) // 2)[present]]
        high = ordered[start + (sizes // 2)[present]]
    median = np.full(n_groups, np.nan)
    median[present] = (low + high) / 2.0
    return sizes.astype(np.float64), median


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
        If `n_points` is not an integer (an int or numpy integer, not a bool) from 2 to
        2**53, the largest count a float holds exactly.

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
    what = "an integer of at least 2 and at most 2**53"
    if isinstance(n_points, bool | np.timedelta64) or not isinstance(n_points, int | np.integer):
        raise ArgumentError(f"n_points must be {what}; got {_shown(n_points)}")
    points = int(n_points)
    if not 2 <= points <= 2**53:
        raise ArgumentError(f"n_points must be {what}; got {_shown(n_points)}")
    return (points**2 - 1) / 12.0


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
        holds an infinite value, or `x` and `groups` differ in length. Also if `x` holds a
        value that is not a number (text, a complex number; ``None`` is a missing answer) or
        one beyond 1e100 in magnitude, or `groups` is not a one-dimensional sequence of
        labels of one kind. An argument of the wrong type is refused the same way, and the
        message names it.

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
    values, extremes = _answers(
        x,
        ndims=(1,),
        expected="1-dimensional, shape (n_respondents,) (use rwg_j for several items)",
    )
    labels, codes, sizes = _grouped(values, groups)
    count, _, var = _moments(values, codes, sizes, extremes)
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
        Also if `x` holds a value that is not a number (text, a complex number; ``None`` is
        a missing answer) or one beyond 1e100 in magnitude, or `groups` is not a
        one-dimensional sequence of labels of one kind. An argument of the wrong type is
        refused the same way, and the message names it.

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
    values, extremes = _answers(
        x, ndims=(2,), expected="2-dimensional, shape (n_respondents, n_items)"
    )
    labels, codes, sizes = _grouped(values, groups)
    count, _, var = _moments(values, codes, sizes, extremes)
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
        If `low` >= `high` or either is not a finite number of magnitude at most 1e100, `x`
        is not one- or two-dimensional, is empty, holds an infinite value or a value outside
        [`low`, `high`], or `x` and `groups` differ in length. Also if `x` holds a value
        that is not a number (text, a complex number; ``None`` is a missing answer) or one
        beyond 1e100 in magnitude, or `groups` is not a one-dimensional sequence of labels
        of one kind. An argument of the wrong type is refused the same way, and the message
        names it.

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
    values, extremes = _answers(
        x,
        ndims=(1, 2),
        expected="1- or 2-dimensional, shape (n_respondents,) or (n_respondents, n_items)",
    )
    lo, hi = _check_range(low, high, values, extremes)
    labels, codes, sizes = _grouped(values, groups)
    count, mean, var = _moments(values, codes, sizes, extremes)
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
        If `center` is not "mean" or "median", `x` is not one- or two-dimensional, is empty
        or holds an infinite value, or `x` and `groups` differ in length. Also if `x` holds
        a value that is not a number (text, a complex number; ``None`` is a missing answer)
        or one beyond 1e100 in magnitude, or `groups` is not a one-dimensional sequence of
        labels of one kind. An argument of the wrong type is refused the same way, and the
        message names it.

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
    given: object = center  # compared only once known to be a string (not an array)
    if not isinstance(given, str) or given not in ("mean", "median"):
        raise ArgumentError(f"center must be 'mean' or 'median'; got {_shown(given)}")
    values, _ = _answers(
        x,
        ndims=(1, 2),
        expected="1- or 2-dimensional, shape (n_respondents,) or (n_respondents, n_items)",
    )
    labels, codes, _ = _grouped(values, groups)
    result = _average_deviation(values, codes, labels.size, center=center)
    return _by_group(labels, _item_average(result) if values.ndim == 2 else result)


def _icc(x: npt.ArrayLike, groups: npt.ArrayLike) -> tuple[float, float]:
    """Validate the answers and return (ICC(1), ICC(2))."""
    values, extremes = _answers(x, ndims=(1,), expected="1-dimensional, shape (n_respondents,)")
    _, codes, sizes = _grouped(values, groups)
    icc_1, icc_2 = _icc_kernels(*_moments(values, codes, sizes, extremes))
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
        `groups` differ in length. Also if `x` holds a value that is not a number (text, a
        complex number; ``None`` is a missing answer) or one beyond 1e100 in magnitude, or
        `groups` is not a one-dimensional sequence of labels of one kind. An argument of the
        wrong type is refused the same way, and the message names it.

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
        `groups` differ in length. Also if `x` holds a value that is not a number (text, a
        complex number; ``None`` is a missing answer) or one beyond 1e100 in magnitude, or
        `groups` is not a one-dimensional sequence of labels of one kind. An argument of the
        wrong type is refused the same way, and the message names it.

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
