"""Tests for jointworking.agreement.

The reference values in tests/data/multilevel/reference.csv come from R 4.2.2 with the
``multilevel`` package, version 2.7, computed by tests/data/multilevel/reference.R on the
input files next to it (see the README there); these tests only read the files.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from functools import cache
from pathlib import Path
from typing import Any, Literal, TypeAlias

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jointworking.agreement import (
    _awg_kernel,
    _group_codes,
    _group_moments,
    _icc_kernels,
    _moments_from_sums,
    _rwg_j_kernel,
    _rwg_kernel,
    _sufficient_statistics,
    ad,
    awg,
    icc1,
    icc2,
    rwg,
    rwg_j,
    uniform_null_variance,
)
from jointworking.errors import ArgumentError

FloatArray: TypeAlias = npt.NDArray[np.float64]
IntArray: TypeAlias = npt.NDArray[np.intp]
Survey: TypeAlias = tuple[FloatArray, IntArray]

NAN = math.nan
DATA = Path(__file__).parent / "data" / "multilevel"
TOLERANCE = 1e-9
PROPERTY = settings(max_examples=60)

# --------------------------------------------------------------------------------------
# R reference values
# --------------------------------------------------------------------------------------

# Which input file each data set of reference.csv was computed on (see reference.R).
INPUT_FILES = {
    "synthetic_single": "synthetic_single.csv",
    "synthetic_single_missing": "synthetic_single_missing.csv",
    "synthetic_multi": "synthetic_multi.csv",
    "lq2002_lead": "lq2002_subset.csv",
    "lq2002_hostil": "lq2002_subset.csv",
    "bh1996": "bh1996_subset.csv",
}


@dataclass(frozen=True)
class ReferenceCase:
    """One R call recorded in reference.csv and its results by group."""

    dataset: str
    columns: tuple[str, ...]
    fun: str
    option: str
    expected: dict[Hashable, float]

    @property
    def id(self) -> str:
        """A short test id."""
        columns = self.columns[0] if len(self.columns) == 1 else f"{len(self.columns)}items"
        return f"{self.dataset}-{columns}-{self.fun}-{self.option}".replace(" ", "_")


def _label(text: str) -> str | int:
    """Read a group label: numbers (lq2002, bh1996) as int, so both label kinds are used."""
    return int(text) if text.isdigit() else text


def _number(text: str) -> float:
    """Read a number written by R; NA (missing or undefined) becomes NaN."""
    return NAN if text == "NA" else float(text)


@cache
def _read_input(name: str) -> tuple[npt.NDArray[Any], dict[str, FloatArray]]:
    """Return the group labels and the numeric columns of one input CSV file."""
    with (DATA / name).open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    groups = np.array([_label(row["group"]) for row in rows])
    columns = {
        key: np.array([_number(row[key]) for row in rows]) for key in rows[0] if key != "group"
    }
    return groups, columns


def _reference_cases() -> list[ReferenceCase]:
    """Group the rows of reference.csv into one case per R call."""
    cases: dict[tuple[str, str, str, str], dict[Hashable, float]] = {}
    with (DATA / "reference.csv").open(newline="") as handle:
        for row in csv.DictReader(handle):
            key = (row["dataset"], row["columns"], row["fun"], row["option"])
            cases.setdefault(key, {})[_label(row["group"])] = _number(row["value"])
    return [
        ReferenceCase(dataset, tuple(columns.split()), fun, option, expected)
        for (dataset, columns, fun, option), expected in cases.items()
    ]


def _cases(*funs: str) -> list[Any]:
    """The reference cases of the given R functions, as pytest parameters."""
    return [pytest.param(case, id=case.id) for case in _reference_cases() if case.fun in funs]


def _inputs(case: ReferenceCase) -> tuple[FloatArray, npt.NDArray[Any]]:
    """The answers (1-D for one column, else 2-D) and group labels R was given."""
    groups, columns = _read_input(INPUT_FILES[case.dataset])
    if len(case.columns) == 1:
        return columns[case.columns[0]], groups
    return np.column_stack([columns[c] for c in case.columns]), groups


def _assert_close(actual: float, expected: float, what: str) -> None:
    """Assert two values agree to TOLERANCE, NaN matching NaN (R's NA)."""
    if math.isnan(expected):
        assert math.isnan(actual), f"{what}: expected NaN (R NA), got {actual}"
    else:
        assert abs(actual - expected) <= TOLERANCE, f"{what}: expected {expected}, got {actual}"


def _assert_matches_r(actual: Mapping[Hashable, float], case: ReferenceCase) -> None:
    """Assert a per-group result equals R's for every group."""
    assert set(actual) == set(case.expected)
    for group, expected in case.expected.items():
        _assert_close(actual[group], expected, f"{case.id} group {group!r}")


def test_reference_covers_every_function() -> None:
    """The reference file holds results of each of the six R functions."""
    funs = {case.fun for case in _reference_cases()}
    assert funs == {"rwg", "rwg.j", "awg", "ad.m", "ICC1", "ICC2"}


# --------------------------------------------------------------------------------------
# Strategies
# --------------------------------------------------------------------------------------


@st.composite
def surveys(
    draw: st.DrawFn, *, n_items: int | None = 1, missing: bool = True, max_rows: int = 30
) -> Survey:
    """Answers on the 0-4 scale (NaN now and then) and group codes 0-5 for 1-30 rows."""
    n = draw(st.integers(1, max_rows))
    items = draw(st.integers(1, 4)) if n_items is None else n_items
    answer = st.sampled_from([0.0, 1.0, 2.0, 3.0, 4.0, NAN] if missing else [0.0, 1, 2, 3, 4])
    x = np.array(draw(st.lists(answer, min_size=n * items, max_size=n * items)))
    groups = np.array(draw(st.lists(st.integers(0, 5), min_size=n, max_size=n)), dtype=np.intp)
    return (x if n_items == 1 else x.reshape(n, items)), groups


def _same(a: Mapping[Hashable, float], b: Mapping[Hashable, float]) -> bool:
    """Whether two per-group results have the same keys and values (to 1e-12, NaN = NaN)."""
    return a.keys() == b.keys() and all(
        (math.isnan(a[k]) and math.isnan(b[k])) or math.isclose(a[k], b[k], abs_tol=1e-12)
        for k in a
    )


GroupFunction: TypeAlias = Callable[[FloatArray, Any], Mapping[Hashable, float]]
PER_GROUP: dict[str, tuple[GroupFunction, int | None]] = {
    "rwg": (lambda x, g: rwg(x, g, null_variance=2.0), 1),
    "rwg_j": (lambda x, g: rwg_j(x, g, null_variance=2.0), None),
    "awg": (lambda x, g: awg(x, g, low=0, high=4), None),
    "ad_mean": (ad, None),
    "ad_median": (lambda x, g: ad(x, g, center="median"), None),
}


# --------------------------------------------------------------------------------------
# A plain numpy reference: one group and one item at a time, np.mean / np.var / np.median
# --------------------------------------------------------------------------------------


def _rows_by_group(groups: npt.NDArray[Any]) -> dict[Hashable, IntArray]:
    """Each group's row numbers, found by a plain loop, groups in sorted order."""
    rows: dict[Any, list[int]] = {}
    for i, label in enumerate(groups.tolist()):
        rows.setdefault(label, []).append(i)
    return {label: np.array(rows[label], dtype=np.intp) for label in sorted(rows)}


def _item_answers(table: FloatArray, rows: IntArray) -> list[FloatArray]:
    """The answered values of each item among `rows` of a 2-D table."""
    return [column[~np.isnan(column)] for column in table[rows].T]


def _reference_rwg_j(
    table: FloatArray, groups: npt.NDArray[Any], sigma2: float
) -> dict[Hashable, float]:
    """r_wg(J) by the textbook formula, items with fewer than two answers left out."""
    result: dict[Hashable, float] = {}
    for label, rows in _rows_by_group(groups).items():
        variances = [float(np.var(a, ddof=1)) for a in _item_answers(table, rows) if a.size >= 2]
        if not variances:
            result[label] = NAN
            continue
        j, ratio = len(variances), min(float(np.mean(variances)), sigma2) / sigma2
        result[label] = j * (1 - ratio) / (j * (1 - ratio) + ratio)
    return result


def _reference_rwg(
    column: FloatArray, groups: npt.NDArray[Any], sigma2: float
) -> dict[Hashable, float]:
    """Single-item r_wg: 1 - min(s2, sigma2) / sigma2."""
    result: dict[Hashable, float] = {}
    for label, rows in _rows_by_group(groups).items():
        (answers,) = _item_answers(column[:, np.newaxis], rows)
        if answers.size < 2:
            result[label] = NAN
        else:
            result[label] = 1 - min(float(np.var(answers, ddof=1)), sigma2) / sigma2
    return result


def _reference_awg(
    table: FloatArray, groups: npt.NDArray[Any], low: float, high: float
) -> dict[Hashable, float | None]:
    """a_wg averaged over the items where defined; None where a mean sits on a bound.

    A mean within 1e-9 of the bound beyond which a_wg is undefined is too close to call:
    rounding decides, differently from one way of computing the mean to another.
    """
    result: dict[Hashable, float | None] = {}
    for label, rows in _rows_by_group(groups).items():
        values: list[float] = []
        borderline = False
        for a in _item_answers(table, rows):
            k = a.size
            if k < 2:
                continue
            m, s2 = float(np.mean(a)), float(np.var(a, ddof=1))
            lowest, highest = (low * (k - 1) + high) / k, (high * (k - 1) + low) / k
            borderline |= min(abs(m - lowest), abs(m - highest)) < 1e-9
            if m in (low, high):
                values.append(1.0)
            elif lowest <= m <= highest:
                values.append(1 - 2 * s2 / (((high + low) * m - m * m - high * low) * k / (k - 1)))
        result[label] = None if borderline else (float(np.mean(values)) if values else NAN)
    return result


def _reference_ad(
    table: FloatArray, groups: npt.NDArray[Any], center: Literal["mean", "median"]
) -> dict[Hashable, float]:
    """AD: mean absolute deviation from np.mean or np.median, averaged over items."""
    result: dict[Hashable, float] = {}
    centre = np.mean if center == "mean" else np.median
    for label, rows in _rows_by_group(groups).items():
        values = [
            float(np.mean(np.abs(a - centre(a)))) for a in _item_answers(table, rows) if a.size >= 2
        ]
        result[label] = float(np.mean(values)) if values else NAN
    return result


def _reference_icc(column: FloatArray, groups: npt.NDArray[Any]) -> tuple[float, float]:
    """ICC(1) and ICC(2) from a one-way analysis of variance written out."""
    answers = [column[rows][~np.isnan(column[rows])] for rows in _rows_by_group(groups).values()]
    by_group = [a for a in answers if a.size > 0]
    n_total, n_groups = sum(a.size for a in by_group), len(by_group)
    grand = float(np.mean(np.concatenate(by_group)))
    between = sum(a.size * (float(np.mean(a)) - grand) ** 2 for a in by_group)
    within = sum(float(np.sum((a - np.mean(a)) ** 2)) for a in by_group)
    msb, msw = between / (n_groups - 1), within / (n_total - n_groups)
    k = n_total / n_groups
    return (msb - msw) / (msb + (k - 1) * msw), (msb - msw) / msb


def _assert_all_close(
    actual: Mapping[Hashable, float], expected: Mapping[Hashable, float | None], what: str
) -> None:
    """Assert per-group results agree to 1e-10 (NaN matching NaN); None matches anything."""
    assert list(actual) == list(expected), what
    for label, value in expected.items():
        if value is not None:
            assert (math.isnan(value) and math.isnan(actual[label])) or math.isclose(
                actual[label], value, rel_tol=1e-10, abs_tol=1e-10
            ), f"{what}, group {label!r}: expected {value}, got {actual[label]}"


# How each kind of answers reaches the code: whole numbers in a short range are counted by
# value, other answers summed; whole numbers take one pass when their sums are exact, other
# answers two.
ANSWER_KINDS: dict[str, tuple[FloatArray, float, float]] = {
    # name: (possible answers, scale low, scale high)
    "whole 0-4": (np.arange(5.0), 0.0, 4.0),
    "whole -3-1": (np.arange(-3.0, 2.0), -3.0, 1.0),
    "halves": (np.arange(9.0) / 2, 0.0, 4.0),
    "tenths": (np.arange(1.0, 10.0) / 10, 0.0, 1.0),
    "whole 0-1000": (np.array([0.0, 1, 17, 250, 999, 1000]), 0.0, 1000.0),
    # whole, but the sums of squares too large for exact sums: two passes
    "whole 1e8": (1e8 + np.arange(3.0), 1e8, 1e8 + 2),
}


def _large_survey(
    kind: str, n_items: int = 3, n_rows: int = 150_000, seed: int = 0
) -> tuple[FloatArray, IntArray]:
    """A seeded survey: answers of one kind from `ANSWER_KINDS`, in Fortran order.

    10% of the answers are missing. The labels 0, 3, ..., 117 (40 groups, with gaps) take
    all but three rows; those make a group of one (200) and a group of two (201).
    """
    rng = np.random.default_rng(seed)
    choices, _, _ = ANSWER_KINDS[kind]
    x = rng.choice(choices, size=(n_rows, n_items))
    x[rng.random(x.shape) < 0.1] = NAN
    groups = rng.choice(np.arange(0, 120, 3), size=n_rows)  # labels 0, 3, ..., 117
    groups[:3] = [200, 201, 201]  # a group of one and a group of two
    return np.asfortranarray(x), groups


# --------------------------------------------------------------------------------------
# Tests
# --------------------------------------------------------------------------------------


class TestGroupCodes:
    def test_sorted_labels_and_codes(self) -> None:
        """Labels come back sorted and codes index them."""
        labels, codes = _group_codes(["b", "a", "c", "b"])
        assert labels.tolist() == ["a", "b", "c"]
        assert codes.tolist() == [1, 0, 2, 1]

    def test_numeric_labels(self) -> None:
        """Integer labels sort numerically, not as text."""
        labels, codes = _group_codes([10, 2, 10])
        assert labels.tolist() == [2, 10]
        assert codes.tolist() == [1, 0, 1]

    @pytest.mark.parametrize("dtype", [np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint64])
    def test_integer_labels_with_gaps(self, dtype: type[np.integer[Any]]) -> None:
        """Integer labels {0, 5, 7}: sorted labels of the same dtype, codes by rank."""
        labels, codes = _group_codes(np.array([7, 0, 5, 7, 0], dtype=dtype))
        assert labels.tolist() == [0, 5, 7]
        assert labels.dtype == dtype
        assert codes.tolist() == [2, 0, 1, 2, 0]
        assert codes.dtype == np.intp

    def test_integer_labels_without_gaps(self) -> None:
        """Labels 0 .. G-1, all present, are their own codes."""
        labels, codes = _group_codes(np.array([2, 0, 1, 2, 2]))
        assert labels.tolist() == [0, 1, 2]
        assert codes.tolist() == [2, 0, 1, 2, 2]

    def test_one_integer_label_not_zero(self) -> None:
        """A single group labelled 3 gets code 0."""
        labels, codes = _group_codes(np.array([3, 3, 3]))
        assert labels.tolist() == [3]
        assert codes.tolist() == [0, 0, 0]

    @pytest.mark.parametrize(
        ("groups", "expected_labels", "expected_codes"),
        [
            ([-2, 5, -2], [-2, 5], [0, 1, 0]),  # negative labels
            ([10**12, 1, 10**12], [1, 10**12], [1, 0, 1]),  # labels far beyond the count
            ([True, False, True], [False, True], [1, 0, 1]),  # booleans
        ],
    )
    def test_other_integer_like_labels(
        self, groups: list[Any], expected_labels: list[Any], expected_codes: list[int]
    ) -> None:
        """Negative, huge and boolean labels are sorted and coded as well."""
        labels, codes = _group_codes(np.array(groups))
        assert labels.tolist() == expected_labels
        assert codes.tolist() == expected_codes

    def test_empty(self) -> None:
        """No labels at all is an error."""
        with pytest.raises(ArgumentError, match="groups must hold at least one label"):
            _group_codes([])

    def test_two_dimensional(self) -> None:
        """A table of labels is an error."""
        with pytest.raises(ArgumentError, match=r"groups must be 1-dimensional.*\(2, 2\)"):
            _group_codes([["a", "b"], ["c", "d"]])

    def test_ragged(self) -> None:
        """A ragged nest of labels is an error."""
        with pytest.raises(ArgumentError, match=r"groups must be 1-dimensional.*ragged"):
            _group_codes([["a"], ["b", "c"]])

    def test_nan_label(self) -> None:
        """A NaN label is an error, not a group of its own."""
        with pytest.raises(ArgumentError, match="groups must not contain NaN"):
            _group_codes([1.0, NAN])

    def test_unsortable_labels(self) -> None:
        """Labels of mixed kinds that cannot be sorted are an error."""
        with pytest.raises(ArgumentError, match="groups must hold labels of one kind"):
            _group_codes(np.array([1, "a"], dtype=object))


class TestUniformNullVariance:
    @pytest.mark.parametrize(("n_points", "expected"), [(2, 0.25), (5, 2.0), (7, 4.0)])
    def test_values(self, n_points: int, expected: float) -> None:
        """(A**2 - 1) / 12 by hand: A=2 -> 3/12, A=5 -> 24/12, A=7 -> 48/12."""
        assert uniform_null_variance(n_points) == expected

    @pytest.mark.parametrize("n_points", [1, 0, -3])
    def test_too_few_points(self, n_points: int) -> None:
        """Fewer than two answer options is an error."""
        with pytest.raises(ArgumentError, match="n_points must be an integer of at least 2"):
            uniform_null_variance(n_points)

    @pytest.mark.parametrize("n_points", [2**53 + 1, 10**400, np.uint64(2**63)])
    def test_too_many_points(self, n_points: Any) -> None:
        """More points than a float counts exactly is an error, not an OverflowError."""
        with pytest.raises(ArgumentError, match=r"n_points must be .* at most 2\*\*53; got"):
            uniform_null_variance(n_points)

    @pytest.mark.parametrize("n_points", [2.5, True, "5", np.timedelta64(5, "D")])
    def test_not_an_integer(self, n_points: Any) -> None:
        """A non-integer number of points is an error."""
        with pytest.raises(ArgumentError, match="n_points must be an integer of at least 2"):
            uniform_null_variance(n_points)


class TestRwg:
    @pytest.mark.parametrize("case", _cases("rwg"))
    def test_matches_r(self, case: ReferenceCase) -> None:
        """r_wg equals multilevel::rwg to 1e-9 on the reference data."""
        x, groups = _inputs(case)
        _assert_matches_r(rwg(x, groups, null_variance=float(case.option)), case)

    def test_hand_computed(self) -> None:
        """Known groups: moderate, perfect and no agreement, and a group of one."""
        # a: [1, 2, 3] has s2 = 1, so 1 - 1/2 = 0.5; b: s2 = 0 -> 1;
        # c: [0, 4] has s2 = 8 > 2, truncated to 2 -> 0; d: one answer -> NaN.
        result = rwg([1, 2, 3, 4, 4, 0, 4, 2], list("aaabbccd"), null_variance=2.0)
        assert list(result) == ["a", "b", "c", "d"]
        assert [result[k] for k in "abc"] == [0.5, 1.0, 0.0]
        assert math.isnan(result["d"])

    def test_missing_answers_left_out(self) -> None:
        """NaN answers are dropped, not read as 0."""
        # a: answered [1, 3] has s2 = 2 -> 1 - 2/4 = 0.5 with null variance 4;
        # b: one answer left -> NaN.
        result = rwg([1, NAN, 3, 2, NAN], list("aaabb"), null_variance=4.0)
        assert result["a"] == 0.5
        assert math.isnan(result["b"])

    def test_read_only(self) -> None:
        """The result cannot be changed."""
        result: Any = rwg([1, 2], ["a", "a"], null_variance=2.0)
        with pytest.raises(TypeError):
            result["a"] = 0.0

    @PROPERTY
    @given(
        x=st.lists(st.floats(-1e3, 1e3), min_size=1, max_size=30),
        null_variance=st.floats(1e-3, 1e3),
        data=st.data(),
    )
    def test_within_unit_interval(self, x: list[float], null_variance: float, data: Any) -> None:
        """r_wg lies in [0, 1] whatever the answers and null variance."""
        groups = data.draw(st.lists(st.integers(0, 3), min_size=len(x), max_size=len(x)))
        values = np.array(list(rwg(x, groups, null_variance=null_variance).values()))
        defined = values[~np.isnan(values)]
        assert np.all((defined >= 0) & (defined <= 1))

    @PROPERTY
    @given(
        value=st.floats(-1e6, 1e6, allow_subnormal=False),
        size=st.integers(2, 40),
        survey=surveys(),
    )
    def test_identical_answers_agree_perfectly(
        self, value: float, size: int, survey: Survey
    ) -> None:
        """A group whose answers are all equal has r_wg exactly 1."""
        x, groups = survey
        x = np.concatenate([x, np.full(size, value)])
        labels = np.concatenate([groups, np.full(size, 99)])
        assert rwg(x, labels, null_variance=2.0)[99] == 1.0

    def test_null_variance_negative(self) -> None:
        """A negative null variance is an error."""
        with pytest.raises(ArgumentError, match=r"null_variance must be a positive.*-1\.0"):
            rwg([1, 2], ["a", "a"], null_variance=-1.0)

    @pytest.mark.parametrize("null_variance", [0.0, NAN, math.inf])
    def test_null_variance_zero_or_not_finite(self, null_variance: float) -> None:
        """A zero, NaN or infinite null variance is an error."""
        with pytest.raises(ArgumentError, match="null_variance must be a positive finite"):
            rwg([1, 2], ["a", "a"], null_variance=null_variance)

    def test_null_variance_not_a_number(self) -> None:
        """A null variance that is not a number is an error."""
        bad: Any = "two"
        with pytest.raises(ArgumentError, match=r"null_variance must be a positive.*'two'"):
            rwg([1, 2], ["a", "a"], null_variance=bad)

    def test_lengths_differ(self) -> None:
        """x and groups of different lengths is an error naming both lengths."""
        with pytest.raises(
            ArgumentError,
            match=r"x and groups must have the same length.*5 rows in x and 4 labels in groups",
        ):
            rwg([1, 2, 3, 4, 0], ["a", "a", "b", "b"], null_variance=2.0)

    def test_two_dimensional(self) -> None:
        """Several items is an error pointing to rwg_j."""
        with pytest.raises(ArgumentError, match=r"x must be 1-dimensional.*rwg_j.*\(2, 2\)"):
            rwg([[1, 2], [3, 4]], ["a", "a"], null_variance=2.0)

    def test_empty(self) -> None:
        """No answers at all is an error."""
        with pytest.raises(ArgumentError, match="x must hold at least one respondent"):
            rwg([], [], null_variance=2.0)

    def test_infinite_answer(self) -> None:
        """An infinite answer is an error naming where it is."""
        with pytest.raises(ArgumentError, match=r"x must be finite.*inf at index 1"):
            rwg([1, math.inf], ["a", "a"], null_variance=2.0)

    def test_text_answers(self) -> None:
        """Answers given as text are an error."""
        with pytest.raises(ArgumentError, match=r"x must hold numeric answers.*dtype <U1"):
            rwg(["1", "2"], ["a", "a"], null_variance=2.0)

    def test_non_numeric_objects(self) -> None:
        """Answers that are not numbers are an error."""
        with pytest.raises(ArgumentError, match=r"x must hold numeric answers.*not a number"):
            rwg(np.array([1, object()], dtype=object), ["a", "a"], null_variance=2.0)

    @pytest.mark.parametrize("text", ["1", b"1"])
    def test_text_among_numbers(self, text: Any) -> None:
        """Text among numbers (an object array) is refused, not read as a number."""
        answers = np.array([text, 2.0, None], dtype=object)
        with pytest.raises(
            ArgumentError, match=r"x must hold numeric answers.*not a number: b?'1'"
        ):
            rwg(answers, ["a", "a", "a"], null_variance=2.0)

    def test_none_is_a_missing_answer(self) -> None:
        """None among numbers is a missing answer, as NaN is."""
        # group a: 1 and 3, variance 2: r_wg = 1 - 2/4 = 0.5; the None is left out
        answers: Any = [1, 3, None]
        result = rwg(answers, ["a", "a", "a"], null_variance=4.0)
        assert dict(result) == {"a": 0.5}

    @pytest.mark.parametrize(
        ("x", "message"),
        [
            ([10**400, 1], "not a number, or an integer too large for a float"),
            ([[1.0], [1.0, 2.0]], "got a sequence that is not an array"),
            ([1e101, 1.0], r"magnitude at most 1e\+100; found 1e\+101 at index 0"),
            ([1.0, -1e150], r"magnitude at most 1e\+100; found -1e\+150 at index 1"),
        ],
    )
    def test_answers_beyond_floats(self, x: Any, message: str) -> None:
        """Answers too large for a float, or to square and add up, and ragged answers, are
        errors, not an OverflowError, a numpy error or a RuntimeWarning."""
        with pytest.raises(ArgumentError, match=message):
            rwg(x, ["a", "a"], null_variance=2.0)

    @pytest.mark.parametrize("null_variance", [True, "2", 10**400, np.complex128(2)])
    def test_null_variance_of_another_type(self, null_variance: Any) -> None:
        """A bool, text, an int beyond the float range or a complex number is refused."""
        with pytest.raises(ArgumentError, match="null_variance must be a positive finite number"):
            rwg([1, 2], ["a", "a"], null_variance=null_variance)


class TestRwgJ:
    @pytest.mark.parametrize("case", _cases("rwg.j"))
    def test_matches_r(self, case: ReferenceCase) -> None:
        """r_wg(J) equals multilevel::rwg.j to 1e-9 on the reference data."""
        x, groups = _inputs(case)
        _assert_matches_r(rwg_j(x, groups, null_variance=float(case.option)), case)

    def test_hand_computed(self) -> None:
        """A two-item group and a group beyond the null variance."""
        # a: item variances 1 and 0, mean 0.5, ratio 0.25; J = 2:
        # 2 * 0.75 / (2 * 0.75 + 0.25) = 6/7. b: item variances 8 and 8 -> truncated -> 0.
        result = rwg_j([[1, 2], [2, 2], [3, 2], [0, 4], [4, 0]], list("aaabb"), null_variance=2)
        assert result["a"] == pytest.approx(6 / 7, abs=1e-15)
        assert result["b"] == 0.0

    def test_item_with_one_answer_left_out(self) -> None:
        """An item answered once in a group drops out of that group's J and mean variance."""
        # item 2 has one answer in a, so J = 1 and the mean variance is item 1's, 1:
        # ratio 0.5 -> 1 * 0.5 / (0.5 + 0.5) = 0.5 (r_wg of item 1).
        result = rwg_j(np.array([[1, NAN], [2, NAN], [3, 4]]), ["a"] * 3, null_variance=2.0)
        assert result["a"] == 0.5

    @PROPERTY
    @given(survey=surveys())
    def test_one_item_is_rwg(self, survey: Survey) -> None:
        """With a single item r_wg(J) equals r_wg."""
        x, groups = survey
        single = rwg(x, groups, null_variance=2.0)
        assert _same(rwg_j(x[:, np.newaxis], groups, null_variance=2.0), single)

    @PROPERTY
    @given(survey=surveys(n_items=None), null_variance=st.floats(0.1, 10))
    def test_within_unit_interval(self, survey: Survey, null_variance: float) -> None:
        """r_wg(J) lies in [0, 1]."""
        values = np.array(list(rwg_j(*survey, null_variance=null_variance).values()))
        defined = values[~np.isnan(values)]
        assert np.all((defined >= 0) & (defined <= 1))

    @PROPERTY
    @given(row=st.lists(st.floats(-50, 50), min_size=1, max_size=6), size=st.integers(2, 20))
    def test_identical_answers_agree_perfectly(self, row: list[float], size: int) -> None:
        """A group whose members all answer alike has r_wg(J) exactly 1."""
        x = np.tile(row, (size, 1))
        assert rwg_j(x, np.zeros(size), null_variance=2.0)[0.0] == 1.0

    def test_one_dimensional(self) -> None:
        """A single column given as a vector is an error."""
        with pytest.raises(ArgumentError, match=r"x must be 2-dimensional.*got shape \(3,\)"):
            rwg_j([1, 2, 3], ["a"] * 3, null_variance=2.0)

    def test_no_items(self) -> None:
        """A table with no item columns is an error."""
        with pytest.raises(ArgumentError, match="x must have at least one item column"):
            rwg_j(np.empty((3, 0)), ["a"] * 3, null_variance=2.0)

    def test_infinite_answer(self) -> None:
        """An infinite answer is an error naming its row and column."""
        with pytest.raises(ArgumentError, match=r"x must be finite.*-inf at index \(1, 0\)"):
            rwg_j(np.array([[1, 2], [-math.inf, 2]]), ["a", "a"], null_variance=2.0)


class TestAwg:
    @pytest.mark.parametrize("case", _cases("awg"))
    def test_matches_r(self, case: ReferenceCase) -> None:
        """a_wg equals multilevel::awg to 1e-9 on the reference data."""
        x, groups = _inputs(case)
        low, high = (float(v) for v in case.option.split())
        _assert_matches_r(awg(x, groups, low=low, high=high), case)

    @pytest.mark.parametrize(
        ("answers", "expected"),
        [
            # M = 2, k = 6, s2 = 4.8; max variance (4*2 - 4 - 0) * 6/5 = 4.8 -> 1 - 2 = -1
            ([0, 0, 0, 4, 4, 4], -1.0),
            # M = 3, k = 4, s2 = 2/3; max variance (12 - 9) * 4/3 = 4 -> 1 - (4/3)/4 = 2/3
            ([3, 3, 2, 4], 2 / 3),
            # a pair at the midpoint: s2 = 8, max variance (8 - 4) * 2 = 8 -> -1
            ([0, 4], -1.0),
            # a pair off the midpoint: M = 3.5 > (4 * 1 + 0) / 2 = 2 -> undefined
            ([3, 4], NAN),
            # even a pair that agrees: M = 3 > 2 -> undefined (R does the same)
            ([3, 3], NAN),
            # the mean at an end of the scale -> 1 whatever the size
            ([4, 4], 1.0),
            ([0, 0, 0], 1.0),
            # M = 3.75 > (4 * 3 + 0) / 4 = 3 -> undefined
            ([4, 4, 4, 3], NAN),
            # one answer -> undefined
            ([2], NAN),
        ],
    )
    def test_hand_computed(self, answers: list[float], expected: float) -> None:
        """a_wg of single groups on the 0-4 scale, worked by hand."""
        _assert_close(awg(answers, [0] * len(answers), low=0, high=4)[0], expected, "a_wg")

    def test_items_averaged_where_defined(self) -> None:
        """Several items are averaged over the items where a_wg is defined."""
        # item 1: [0,0,0,4,4,4] -> -1; item 2: [3,3,3,3,3,2]: M = 17/6 within
        # [4/6, 20/6], s2 = 1/6, max variance (4 M - M**2) * 6/5 = (68/6 - 289/36) * 6/5
        # = 119/30, so 1 - (1/3) / (119/30) = 1 - 10/119 = 109/119; item 3 all 4s -> 1.
        x = np.array([[0, 3, 4]] * 3 + [[4, 3, 4]] * 2 + [[4, 2, 4]])
        result = awg(x, [0] * 6, low=0, high=4)[0]
        assert result == pytest.approx((-1 + 109 / 119 + 1) / 3, abs=1e-15)

    def test_no_item_defined(self) -> None:
        """A group none of whose items has a defined a_wg gets NaN."""
        x = np.array([[3, 3], [4, 4], [4, 4], [4, 4]])
        assert math.isnan(awg(x, [0] * 4, low=0, high=4)[0])

    @PROPERTY
    @given(survey=surveys(n_items=None))
    def test_within_minus_one_and_one(self, survey: Survey) -> None:
        """a_wg lies in [-1, 1] where it is defined."""
        values = np.array(list(awg(*survey, low=0, high=4).values()))
        defined = values[~np.isnan(values)]
        assert np.all((defined >= -1 - 1e-12) & (defined <= 1 + 1e-12))

    @PROPERTY
    @given(survey=surveys())
    def test_one_column_table_is_vector(self, survey: Survey) -> None:
        """A one-column table gives the same a_wg as the vector."""
        x, groups = survey
        single = awg(x, groups, low=0, high=4)
        assert _same(awg(x[:, np.newaxis], groups, low=0, high=4), single)

    def test_low_not_below_high(self) -> None:
        """low at or above high is an error."""
        with pytest.raises(ArgumentError, match=r"low must be less than high; got low=4\.0"):
            awg([1, 2], [0, 0], low=4, high=0)

    def test_scale_end_not_finite(self) -> None:
        """An infinite end of the scale is an error."""
        with pytest.raises(ArgumentError, match="low and high must be finite numbers"):
            awg([1, 2], [0, 0], low=0, high=math.inf)

    @pytest.mark.parametrize(("low", "high"), [(0, 1e101), (-1e300, 4), (True, 4), (0, 10**400)])
    def test_scale_end_too_large_or_not_a_number(self, low: Any, high: Any) -> None:
        """Scale ends beyond 1e100 in magnitude, or not numbers, are errors (a scale end of
        1e308 overflowed a_wg's denominator with a RuntimeWarning before)."""
        with pytest.raises(
            ArgumentError, match=r"low and high must be finite numbers of magnitude at most 1e\+100"
        ):
            awg([1, 2], [0, 0], low=low, high=high)

    def test_scale_end_not_a_number(self) -> None:
        """An end of the scale that is not a number is an error."""
        bad: Any = "four"
        with pytest.raises(ArgumentError, match=r"low and high must be finite numbers.*'four'"):
            awg([1, 2], [0, 0], low=0, high=bad)

    def test_answer_outside_scale(self) -> None:
        """An answer beyond the scale is an error naming it."""
        with pytest.raises(ArgumentError, match=r"x must lie within .*\[0.0, 4.0\]; found 5.0"):
            awg([1, 5, NAN], [0, 0, 0], low=0, high=4)

    def test_three_dimensional(self) -> None:
        """A three-dimensional array of answers is an error."""
        with pytest.raises(ArgumentError, match=r"x must be 1- or 2-dimensional.*\(1, 1, 1\)"):
            awg(np.zeros((1, 1, 1)), [0], low=0, high=4)


class TestAd:
    @pytest.mark.parametrize("case", _cases("ad.m"))
    def test_matches_r(self, case: ReferenceCase) -> None:
        """AD equals multilevel::ad.m (type mean and median) to 1e-9 on the reference data."""
        x, groups = _inputs(case)
        center: Literal["mean", "median"] = "mean" if case.option == "mean" else "median"
        _assert_matches_r(ad(x, groups, center=center), case)

    @pytest.mark.parametrize(
        ("answers", "center", "expected"),
        [
            # mean 5/3: |0 - 5/3| + |1 - 5/3| + |4 - 5/3| = 14/3, over 3 -> 14/9
            ([0, 1, 4], "mean", 14 / 9),
            # median 1: 1 + 0 + 3 = 4, over 3 -> 4/3
            ([0, 1, 4], "median", 4 / 3),
            # mean 1.5: 1.5 + 0.5 + 0.5 + 2.5 = 5, over 4 -> 1.25
            ([0, 1, 1, 4], "mean", 1.25),
            # even size, median (1 + 1)/2 = 1: 1 + 0 + 0 + 3 = 4, over 4 -> 1
            ([0, 1, 1, 4], "median", 1.0),
            # even size, median (1 + 3)/2 = 2: 2 + 1 + 1 + 2 = 6, over 4 -> 1.5
            ([0, 1, 3, 4], "median", 1.5),
            # one answer -> undefined
            ([3], "mean", NAN),
        ],
    )
    def test_hand_computed(
        self, answers: list[float], center: Literal["mean", "median"], expected: float
    ) -> None:
        """AD of single groups, worked by hand."""
        _assert_close(ad(answers, ["g"] * len(answers), center=center)["g"], expected, "AD")

    def test_items_averaged(self) -> None:
        """Several items are averaged; an item answered once is left out."""
        # item 1: [0, 2] -> mean 1, AD 1; item 2: [4, 4, 4] -> 0; item 3 one answer -> out.
        x = np.array([[0, 4, NAN], [2, 4, NAN], [NAN, 4, 1]])
        assert ad(x, ["g"] * 3)["g"] == 0.5

    @PROPERTY
    @given(
        value=st.floats(-1e6, 1e6, allow_subnormal=False),
        size=st.integers(2, 40),
        survey=surveys(),
        center=st.sampled_from(["mean", "median"]),
    )
    def test_identical_answers_deviate_nothing(
        self, value: float, size: int, survey: Survey, center: Literal["mean", "median"]
    ) -> None:
        """A group whose answers are all equal has AD exactly 0."""
        x, groups = survey
        x = np.concatenate([x, np.full(size, value)])
        labels = np.concatenate([groups, np.full(size, 99)])
        assert ad(x, labels, center=center)[99] == 0.0

    @PROPERTY
    @given(survey=surveys(n_items=None), center=st.sampled_from(["mean", "median"]))
    def test_within_half_the_scale(self, survey: Survey, center: Literal["mean", "median"]) -> None:
        """AD lies in [0, (high - low) / 2] = [0, 2] for answers on the 0-4 scale."""
        values = np.array(list(ad(*survey, center=center).values()))
        defined = values[~np.isnan(values)]
        assert np.all((defined >= 0) & (defined <= 2 + 1e-12))

    def test_unknown_center(self) -> None:
        """A centre other than mean or median is an error."""
        bad: Any = "mode"
        with pytest.raises(ArgumentError, match="center must be 'mean' or 'median'; got 'mode'"):
            ad([1, 2], ["a", "a"], center=bad)

    @pytest.mark.parametrize(
        ("center", "shown"),
        [(np.array(["mean"]), r"array\(\['mean'\]"), (None, "None"), (["median"], r"\['median'\]")],
    )
    def test_center_of_another_type(self, center: Any, shown: str) -> None:
        """A centre that is not a string (an array, say) is an error, not numpy's complaint
        that an array's truth value is ambiguous."""
        with pytest.raises(ArgumentError, match=f"center must be 'mean' or 'median'; got {shown}"):
            ad([1, 2], ["a", "a"], center=center)

    def test_lengths_differ(self) -> None:
        """x and groups of different lengths is an error."""
        with pytest.raises(ArgumentError, match="2 rows in x and 3 labels in groups"):
            ad([[1, 2], [3, 4]], ["a", "a", "b"])


class TestIcc:
    @pytest.mark.parametrize("case", _cases("ICC1"))
    def test_icc1_matches_r(self, case: ReferenceCase) -> None:
        """ICC(1) equals multilevel::ICC1(aov(x ~ as.factor(g))) to 1e-9."""
        x, groups = _inputs(case)
        _assert_close(icc1(x, groups), case.expected[""], case.id)

    @pytest.mark.parametrize("case", _cases("ICC2"))
    def test_icc2_matches_r(self, case: ReferenceCase) -> None:
        """ICC(2) equals multilevel::ICC2(aov(x ~ as.factor(g))) to 1e-9."""
        x, groups = _inputs(case)
        _assert_close(icc2(x, groups), case.expected[""], case.id)

    def test_hand_computed_unequal_groups(self) -> None:
        """Unequal groups use the mean group size N / G, as R's ICC1 does."""
        # a = [0, 2]: mean 1, s2 2; b = [3, 4, 5]: mean 4, s2 1; grand mean 14/5 = 2.8.
        # SSB = 2 * 1.8**2 + 3 * 1.2**2 = 10.8 (df 1); SSW = 2 + 2 = 4 (df 3), MSW = 4/3.
        # k = 5/2: ICC1 = (10.8 - 4/3) / (10.8 + 1.5 * 4/3) = 28.4 / 38.4;
        # ICC2 = (10.8 - 4/3) / 10.8 = 28.4 / 32.4.
        x, groups = [0, 2, 3, 4, 5], list("aabbb")
        assert icc1(x, groups) == pytest.approx(28.4 / 38.4, abs=1e-14)
        assert icc2(x, groups) == pytest.approx(28.4 / 32.4, abs=1e-14)

    def test_missing_answers_left_out(self) -> None:
        """NaN answers are dropped before the analysis of variance."""
        x, groups = [0, 2, NAN, 3, 4, 5, NAN], list("aacbbbc")
        assert icc1(x, groups) == icc1([0, 2, 3, 4, 5], list("aabbb"))

    def test_equal_group_means(self) -> None:
        """Equal group means: ICC(1) = -1/(k - 1) and ICC(2) undefined."""
        # MSB = 0, MSW = (2 + 2)/2 = 2, k = 2: ICC1 = -2 / (0 + 2) = -1; ICC2 = -2/0 -> NaN
        # (R returns -4e31 here, from rounding in its ANOVA).
        x, groups = [1, 3, 1, 3], list("aabb")
        assert icc1(x, groups) == -1.0
        assert math.isnan(icc2(x, groups))

    @pytest.mark.parametrize(
        ("x", "groups"),
        [
            ([1, 2, 3], ["a"] * 3),  # one group: no between-group degrees of freedom
            ([1, 2, 3], ["a", "b", "c"]),  # groups of one: no within-group degrees of freedom
            ([2, 2, 2, 2], list("aabb")),  # no variation at all: 0/0
        ],
    )
    def test_undefined(self, x: list[float], groups: list[str]) -> None:
        """ICC(1) and ICC(2) are NaN when the analysis of variance cannot define them."""
        assert math.isnan(icc1(x, groups))
        assert math.isnan(icc2(x, groups))

    @PROPERTY
    @given(survey=surveys(missing=True, max_rows=40))
    def test_at_most_one(self, survey: Survey) -> None:
        """ICC(1) and ICC(2) never exceed 1."""
        for value in (icc1(*survey), icc2(*survey)):
            assert math.isnan(value) or value <= 1 + 1e-12

    def test_two_dimensional(self) -> None:
        """A table of items is an error."""
        with pytest.raises(ArgumentError, match=r"x must be 1-dimensional.*\(2, 2\)"):
            icc1([[1, 2], [3, 4]], ["a", "b"])

    def test_lengths_differ(self) -> None:
        """x and groups of different lengths is an error."""
        with pytest.raises(ArgumentError, match="3 rows in x and 2 labels in groups"):
            icc2([1, 2, 3], ["a", "b"])


class TestInvariance:
    @PROPERTY
    @pytest.mark.parametrize("name", list(PER_GROUP))
    @given(data=st.data())
    def test_row_order_irrelevant(self, name: str, data: Any) -> None:
        """Shuffling the respondents does not change any group's index."""
        function, n_items = PER_GROUP[name]
        x, groups = data.draw(surveys(n_items=n_items))
        order = np.array(data.draw(st.permutations(range(groups.size))), dtype=np.intp)
        assert _same(function(x[order], groups[order]), function(x, groups))

    @PROPERTY
    @pytest.mark.parametrize("name", list(PER_GROUP))
    @given(data=st.data())
    def test_relabelling_maps_results(self, name: str, data: Any) -> None:
        """Renaming the groups renames the results and leaves the values alone."""
        function, n_items = PER_GROUP[name]
        x, groups = data.draw(surveys(n_items=n_items))
        rename = {int(g): f"team {5 - int(g)}" for g in np.unique(groups)}
        renamed = function(x, [rename[int(g)] for g in groups])
        original = function(x, groups)
        assert list(renamed) == sorted(rename.values())
        assert _same(renamed, {rename[int(g)]: original[int(g)] for g in np.unique(groups)})

    @PROPERTY
    @given(survey=surveys(max_rows=40), data=st.data())
    def test_icc_row_order_irrelevant(self, survey: Survey, data: Any) -> None:
        """Shuffling the respondents does not change ICC(1) or ICC(2)."""
        x, groups = survey
        order = np.array(data.draw(st.permutations(range(groups.size))), dtype=np.intp)
        for function in (icc1, icc2):
            before, after = function(x, groups), function(x[order], groups[order])
            assert (math.isnan(before) and math.isnan(after)) or math.isclose(
                before, after, abs_tol=1e-12
            )


class TestKernels:
    @PROPERTY
    @given(survey=surveys(n_items=None, max_rows=40), data=st.data())
    def test_sufficient_statistics_add_over_chunks(self, survey: Survey, data: Any) -> None:
        """Statistics of all rows equal the sums of those of two chunks of them."""
        x, groups = survey
        cut = data.draw(st.integers(0, groups.size))
        whole = _sufficient_statistics(x, groups, 6)
        first = _sufficient_statistics(x[:cut], groups[:cut], 6)
        second = _sufficient_statistics(x[cut:], groups[cut:], 6)
        for total, a, b in zip(whole, first, second, strict=True):
            np.testing.assert_array_equal(total, a + b)

    @PROPERTY
    @given(survey=surveys(n_items=None, max_rows=40))
    def test_moments_from_sums_match_two_pass(self, survey: Survey) -> None:
        """Means and variances from running sums equal the two-pass ones."""
        x, groups = survey
        count, mean, var = _group_moments(x, groups, 6)
        mean_from_sums, var_from_sums = _moments_from_sums(*_sufficient_statistics(x, groups, 6))
        np.testing.assert_allclose(mean_from_sums, mean, rtol=0, atol=1e-12)
        np.testing.assert_allclose(var_from_sums, var, rtol=0, atol=1e-12)
        assert np.array_equal(np.isnan(var), count < 2)

    @PROPERTY
    @given(survey=surveys(n_items=None, max_rows=40))
    def test_kernels_on_sums_match_public_functions(self, survey: Survey) -> None:
        """Kernels fed with chunk-accumulated statistics give the public functions' values."""
        x, groups = survey
        labels = np.unique(groups)
        count, total, total_sq = (s[labels] for s in _sufficient_statistics(x, groups, 6))
        mean, var = _moments_from_sums(count, total, total_sq)
        expected_rwg_j = list(rwg_j(x, groups, null_variance=2.0).values())
        np.testing.assert_allclose(_rwg_j_kernel(count, var, 2.0), expected_rwg_j, atol=1e-12)
        expected_rwg = list(rwg(x[:, 0], groups, null_variance=2.0).values())
        np.testing.assert_allclose(_rwg_kernel(count[:, 0], var[:, 0], 2.0), expected_rwg)
        expected_awg = list(awg(x[:, 0], groups, low=0, high=4).values())
        np.testing.assert_allclose(
            _awg_kernel(count[:, 0], mean[:, 0], var[:, 0], 0, 4), expected_awg, atol=1e-12
        )
        icc_1, icc_2 = _icc_kernels(count[:, 0], mean[:, 0], var[:, 0])
        np.testing.assert_allclose(icc_1, icc1(x[:, 0], groups), atol=1e-12)
        np.testing.assert_allclose(icc_2, icc2(x[:, 0], groups), atol=1e-12)

    def test_icc_kernels_keep_item_axis(self) -> None:
        """The ICC kernels reduce over groups and keep one value per item."""
        # item 1 is the hand-computed docstring case (5/8, 5/6); item 2 is item 1 shifted
        # by a constant, which changes no mean square.
        count = np.array([[3, 3], [3, 3]])
        mean = np.array([[1.0, 2.0], [3.0, 4.0]])
        var = np.ones((2, 2))
        icc_1, icc_2 = _icc_kernels(count, mean, var)
        np.testing.assert_allclose(icc_1, [0.625, 0.625])
        np.testing.assert_allclose(icc_2, [5 / 6, 5 / 6])

    def test_group_without_answers(self) -> None:
        """A group whose answers are all missing is kept, with NaN everywhere."""
        result = rwg([1, 3, NAN, NAN], list("aabb"), null_variance=2.0)
        assert result["a"] == 0.0
        assert math.isnan(result["b"])
        assert math.isnan(ad([1, 3, NAN, NAN], list("aabb"), center="median")["b"])


class TestAgainstPlainNumpy:
    """Large surveys of each kind of answers against the plain numpy reference.

    150,000 respondents in 40 groups (labels with gaps) plus a group of one and one of
    two, 10% of answers missing: enough rows for every way through the code, block by
    block, and every kind of answers, whole or not.
    """

    @pytest.mark.parametrize("kind", list(ANSWER_KINDS))
    def test_rwg_j(self, kind: str) -> None:
        """r_wg(J) equals the textbook formula on np.var(ddof=1)."""
        x, groups = _large_survey(kind)
        _, low, high = ANSWER_KINDS[kind]
        sigma2 = (high - low) ** 2 / 6  # above most groups' variances, below some
        expected = _reference_rwg_j(x, groups, sigma2)
        _assert_all_close(rwg_j(x, groups, null_variance=sigma2), expected, f"rwg_j {kind}")

    @pytest.mark.parametrize("kind", list(ANSWER_KINDS))
    def test_rwg(self, kind: str) -> None:
        """r_wg of one item equals 1 - min(np.var(ddof=1), sigma2) / sigma2."""
        x, groups = _large_survey(kind, n_items=1)
        _, low, high = ANSWER_KINDS[kind]
        sigma2 = (high - low) ** 2 / 12
        expected = _reference_rwg(x[:, 0], groups, sigma2)
        _assert_all_close(rwg(x[:, 0], groups, null_variance=sigma2), expected, f"rwg {kind}")

    # a_wg's maximum variance, (H + L) M - M**2 - H L, cancels catastrophically for answers
    # near 1e8, in the formula itself, whichever way the moments are computed
    @pytest.mark.parametrize("kind", [kind for kind in ANSWER_KINDS if kind != "whole 1e8"])
    def test_awg(self, kind: str) -> None:
        """a_wg equals Brown and Hauenstein's formula on np.mean and np.var(ddof=1)."""
        x, groups = _large_survey(kind)
        _, low, high = ANSWER_KINDS[kind]
        expected = _reference_awg(x, groups, low, high)
        _assert_all_close(awg(x, groups, low=low, high=high), expected, f"awg {kind}")

    @pytest.mark.parametrize("center", ["mean", "median"])
    @pytest.mark.parametrize("kind", list(ANSWER_KINDS))
    def test_ad(self, kind: str, center: Literal["mean", "median"]) -> None:
        """AD equals the mean absolute deviation from np.mean or np.median."""
        x, groups = _large_survey(kind)
        expected = _reference_ad(x, groups, center)
        _assert_all_close(ad(x, groups, center=center), expected, f"ad {center} {kind}")

    @pytest.mark.parametrize("kind", list(ANSWER_KINDS))
    def test_icc(self, kind: str) -> None:
        """ICC(1) and ICC(2) equal those of the analysis of variance written out."""
        x, groups = _large_survey(kind, n_items=1)
        # shift every group's answers a little so that the groups differ
        column = x[:, 0] + (groups % 7) * 0.25
        expected_1, expected_2 = _reference_icc(column, groups)
        assert icc1(column, groups) == pytest.approx(expected_1, rel=1e-10, abs=1e-12)
        assert icc2(column, groups) == pytest.approx(expected_2, rel=1e-10, abs=1e-12)

    def test_one_answer_not_whole_far_down(self) -> None:
        """Whole-number answers but one 2.5 near the end: the results still match."""
        x, groups = _large_survey("whole 0-4")
        x[-5, 1] = 2.5
        expected = _reference_rwg_j(x, groups, 2.0)
        _assert_all_close(rwg_j(x, groups, null_variance=2.0), expected, "rwg_j")
        _assert_all_close(awg(x, groups, low=0, high=4), _reference_awg(x, groups, 0, 4), "awg")
        for center in ("mean", "median"):
            expected_ad = _reference_ad(x, groups, center)
            _assert_all_close(ad(x, groups, center=center), expected_ad, f"ad {center}")

    @pytest.mark.parametrize("kind", list(ANSWER_KINDS))
    def test_agreeing_group(self, kind: str) -> None:
        """A group whose answers are all equal has r_wg and r_wg(J) exactly 1, AD exactly 0."""
        x, groups = _large_survey(kind)
        choices, _, _ = ANSWER_KINDS[kind]
        x[-60:] = choices[1]  # 1, -2, 0.5, 0.2, 1 or 1e8 + 1: a value of each kind
        x[-60:-50, 0] = NAN
        groups[-60:] = 999
        assert rwg_j(x, groups, null_variance=2.0)[999] == 1.0
        assert rwg(x[:, 0], groups, null_variance=2.0)[999] == 1.0
        assert ad(x, groups)[999] == 0.0
        assert ad(x, groups, center="median")[999] == 0.0
        labels, codes = _group_codes(groups)
        count, mean, var = _group_moments(x, codes, labels.size)
        assert np.all(var[-1] == 0.0)
        assert np.all(mean[-1] == choices[1])
        assert count[-1].tolist() == [50, 60, 60]

    @pytest.mark.parametrize("kind", ["whole 0-4", "whole -3-1", "whole 0-1000"])
    def test_whole_number_moments_exact(self, kind: str) -> None:
        """For whole numbers, means and variances are the exact ones, rounded once."""
        x, groups = _large_survey(kind)
        labels, codes = _group_codes(groups)
        count, mean, var = _group_moments(x, codes, labels.size)
        for g, rows in enumerate(_rows_by_group(groups).values()):
            for item, answers in enumerate(_item_answers(x, rows)):
                whole = [int(v) for v in answers]
                n, s, ss = len(whole), sum(whole), sum(v * v for v in whole)
                assert count[g, item] == n
                assert mean[g, item] == float(Fraction(s, n))
                if n >= 2:
                    assert var[g, item] == float(Fraction(n * ss - s * s, n * (n - 1)))
                else:
                    assert math.isnan(var[g, item])

    @pytest.mark.parametrize("kind", list(ANSWER_KINDS))
    def test_sufficient_statistics(self, kind: str) -> None:
        """Counts, sums and sums of squares equal np.sum over each group's answers."""
        x, groups = _large_survey(kind)
        labels, codes = _group_codes(groups)
        count, total, total_sq = _sufficient_statistics(x, codes, labels.size)
        for g, rows in enumerate(_rows_by_group(groups).values()):
            for item, answers in enumerate(_item_answers(x, rows)):
                assert count[g, item] == answers.size
                assert total[g, item] == pytest.approx(np.sum(answers), rel=1e-12)
                assert total_sq[g, item] == pytest.approx(np.sum(answers**2), rel=1e-12)


class TestLabelsAndLayout:
    @PROPERTY
    @pytest.mark.parametrize("name", list(PER_GROUP))
    @given(data=st.data())
    def test_integer_labels_as_strings(self, name: str, data: Any) -> None:
        """Integer labels with gaps give the results of text labels of the same grouping."""
        function, n_items = PER_GROUP[name]
        x, groups = data.draw(surveys(n_items=n_items))
        numbers = np.array([0, 5, 7, 12, 40, 41])[groups]
        texts = np.array([f"g{n:02d}" for n in numbers.tolist()])  # sorts as the numbers
        by_number, by_text = function(x, numbers), function(x, texts)
        assert list(by_number) == sorted(set(numbers.tolist()))
        assert _same(by_text, {f"g{n:02d}": v for n, v in by_number.items()})

    @PROPERTY
    @given(survey=surveys(max_rows=40))
    def test_icc_integer_labels_as_strings(self, survey: Survey) -> None:
        """ICC(1) and ICC(2) do not depend on how the groups are labelled."""
        x, groups = survey
        numbers = np.array([0, 5, 7, 12, 40, 41])[groups]
        texts = [f"g{n:02d}" for n in numbers.tolist()]
        for function in (icc1, icc2):
            a, b = function(x, numbers), function(x, texts)
            assert (math.isnan(a) and math.isnan(b)) or a == pytest.approx(b, abs=1e-12)

    def test_fortran_and_c_order_agree(self) -> None:
        """A table stored row by row gives the results of the same table column by column."""
        x, groups = _large_survey("whole 0-4", n_rows=20_000)
        by_row = np.ascontiguousarray(x)
        assert not by_row.flags.f_contiguous
        for name, (function, _) in PER_GROUP.items():
            if name != "rwg":
                assert _same(function(by_row, groups), function(x, groups)), name

    def test_inputs_left_alone(self) -> None:
        """The answers and the labels passed in are not changed."""
        x, groups = _large_survey("halves", n_rows=2_000)
        x_before, groups_before = x.copy(), groups.copy()
        rwg_j(x, groups, null_variance=2.0)
        awg(x, groups, low=0, high=4)
        ad(x, groups, center="median")
        rwg(x[:, 0], groups, null_variance=2.0)
        icc1(x[:, 0], groups)
        np.testing.assert_array_equal(x, x_before)
        np.testing.assert_array_equal(groups, groups_before)

    def test_single_precision_answers(self) -> None:
        """float32 answers give the results of the same answers in float64."""
        x, groups = _large_survey("halves", n_rows=2_000)
        single = rwg_j(x.astype(np.float32), groups, null_variance=2.0)
        assert _same(single, rwg_j(x, groups, null_variance=2.0))

    def test_infinite_answer_in_fortran_table(self) -> None:
        """An infinite answer is reported at its row and column, the first in row order."""
        x = np.asfortranarray([[1.0, math.inf], [-math.inf, 2.0]])
        with pytest.raises(ArgumentError, match=r"x must be finite.*inf at index \(0, 1\)"):
            rwg_j(x, ["a", "a"], null_variance=2.0)

    def test_answer_outside_scale_in_fortran_table(self) -> None:
        """An answer beyond the scale is reported, the first in row order."""
        x = np.asfortranarray([[1.0, 6.0], [-1.0, 2.0]])
        with pytest.raises(ArgumentError, match=r"\[0.0, 4.0\]; found 6.0"):
            awg(x, [0, 0], low=0, high=4)
