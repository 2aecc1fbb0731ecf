"""Tests for jointworking.reliability.

The reference values in tests/data/psych/reference.csv come from R 4.2.2 with the ``psych``
package, version 2.2.9 (``alpha`` and ``omega(x, nfactors = 1)``), computed by
tests/data/psych/reference.R on the surveys next to it (see the README there); these tests
only read the files.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, TypeAlias

import attrs
import numpy as np
import numpy.typing as npt
import pytest

from jointworking.errors import ArgumentError
from jointworking.reliability import Alpha, Omega, cronbach_alpha, omega_total

FloatArray: TypeAlias = npt.NDArray[np.float64]

DATA = Path(__file__).parent / "data" / "psych"
DATASETS = ("complete", "missing", "constant", "reversed", "two_items", "small", "small_missing")
ALPHA_TOLERANCE = 1e-9
OMEGA_TOLERANCE = 1e-3

# --------------------------------------------------------------------------------------
# R reference values
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reference:
    """What psych gave on one survey: scale-level figures and per-item figures by name."""

    scale: dict[str, float] = field(default_factory=dict)
    items: dict[str, dict[str, float]] = field(default_factory=dict)


@cache
def _references() -> dict[str, Reference]:
    """Read reference.csv: one Reference per data set."""
    references: dict[str, Reference] = {}
    with (DATA / "reference.csv").open(newline="") as handle:
        for row in csv.DictReader(handle):
            reference = references.setdefault(row["dataset"], Reference())
            value = float(row["value"])
            if row["item"]:
                reference.items.setdefault(row["statistic"], {})[row["item"]] = value
            else:
                reference.scale[row["statistic"]] = value
    return references


@cache
def _survey(name: str) -> tuple[tuple[str, ...], FloatArray]:
    """Return the item names and the answers (NaN where R wrote NA) of one survey."""
    with (DATA / f"{name}.csv").open(newline="") as handle:
        rows = list(csv.reader(handle))
    answers = np.array(
        [[math.nan if cell == "NA" else float(cell) for cell in row] for row in rows[1:]]
    )
    answers.flags.writeable = False
    return tuple(rows[0]), answers


def _per_item(names: tuple[str, ...], values: tuple[float, ...]) -> dict[str, float]:
    return dict(zip(names, values, strict=True))


def _assert_close(actual: float, expected: float, tolerance: float, what: str) -> None:
    assert abs(actual - expected) <= tolerance, f"{what}: expected {expected}, got {actual}"


def test_reference_covers_every_data_set() -> None:
    """reference.csv has every figure for each survey this file tests."""
    references = _references()
    assert set(references) == set(DATASETS)
    for name, reference in references.items():
        assert set(reference.scale) == {"raw_alpha", "std.alpha", "average_r", "omega.tot"}, name
        assert set(reference.items) == {"alpha.drop", "r.drop", "loading"}, name


# --------------------------------------------------------------------------------------
# cronbach_alpha
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", DATASETS)
class TestCronbachAlphaAgainstR:
    def test_raw(self, name: str) -> None:
        """Raw alpha equals psych's raw_alpha."""
        result = cronbach_alpha(_survey(name)[1])
        expected = _references()[name].scale["raw_alpha"]
        _assert_close(result.raw, expected, ALPHA_TOLERANCE, name)

    def test_standardized(self, name: str) -> None:
        """Standardised alpha equals psych's std.alpha."""
        result = cronbach_alpha(_survey(name)[1])
        expected = _references()[name].scale["std.alpha"]
        _assert_close(result.standardized, expected, ALPHA_TOLERANCE, name)

    def test_average_r(self, name: str) -> None:
        """The average inter-item correlation equals psych's average_r."""
        result = cronbach_alpha(_survey(name)[1])
        expected = _references()[name].scale["average_r"]
        _assert_close(result.average_r, expected, ALPHA_TOLERANCE, name)

    def test_item_rest(self, name: str) -> None:
        """Each item-rest correlation equals psych's r.drop for the items psych keeps."""
        names, answers = _survey(name)
        actual = _per_item(names, cronbach_alpha(answers).item_rest)
        for item, expected in _references()[name].items["r.drop"].items():
            _assert_close(actual[item], expected, ALPHA_TOLERANCE, f"{name} {item}")

    def test_counts(self, name: str) -> None:
        """n_items and n_respondents are the columns and rows of the survey."""
        names, answers = _survey(name)
        result = cronbach_alpha(answers)
        assert (result.n_items, result.n_respondents) == (len(names), answers.shape[0])


# psych's alpha.drop of two items is not an alpha (see TestTwoItems).
@pytest.mark.parametrize("name", [name for name in DATASETS if name != "two_items"])
class TestAlphaIfDroppedAgainstR:
    def test_if_dropped(self, name: str) -> None:
        """Alpha if an item is dropped equals psych's alpha.drop, for every item psych keeps."""
        names, answers = _survey(name)
        actual = _per_item(names, cronbach_alpha(answers).if_dropped)
        for item, expected in _references()[name].items["alpha.drop"].items():
            _assert_close(actual[item], expected, ALPHA_TOLERANCE, f"{name} {item}")


class TestCronbachAlpha:
    def test_constant_item_is_left_out(self) -> None:
        """A constant item is listed and left out; the figures are those of the other items."""
        names, answers = _survey("constant")
        result = cronbach_alpha(answers)
        constant = names.index("q04")
        assert result.constant_items == (constant,)
        without = cronbach_alpha(np.delete(answers, constant, axis=1))
        assert result.raw == without.raw
        assert result.standardized == without.standardized
        assert result.average_r == without.average_r
        kept = [i for i in range(len(names)) if i != constant]
        assert [result.if_dropped[i] for i in kept] == list(without.if_dropped)
        assert [result.item_rest[i] for i in kept] == list(without.item_rest)

    def test_constant_item_entries(self) -> None:
        """A constant item's alpha-if-dropped is raw alpha and its item-rest r is NaN."""
        names, answers = _survey("constant")
        result = cronbach_alpha(answers)
        constant = names.index("q04")
        assert result.if_dropped[constant] == result.raw
        assert math.isnan(result.item_rest[constant])
        assert "q04" not in _references()["constant"].items["alpha.drop"]

    def test_empty_row_counts_as_respondent(self) -> None:
        """A respondent who answered nothing counts in n_respondents, as in psych."""
        _, answers = _survey("missing")
        assert np.isnan(answers[36]).all()
        result = cronbach_alpha(answers)
        assert result.n_respondents == 160
        dropped = cronbach_alpha(np.delete(answers, 36, axis=0))
        assert dropped.raw == pytest.approx(result.raw, abs=1e-15)

    def test_negative_item(self) -> None:
        """An item worded the other way has a negative item-rest correlation, as in psych."""
        names, answers = _survey("reversed")
        result = cronbach_alpha(answers)
        assert result.item_rest[names.index("q05")] < 0
        assert result.if_dropped[names.index("q05")] > result.raw

    def test_mirror_items(self) -> None:
        """An item and its mirror image: covariances sum to 0 and alpha is -inf, as in psych.

        psych 2.2.9 gives raw_alpha = std.alpha = -Inf, average_r = -1 and r.drop = -1.
        """
        result = cronbach_alpha([[0, 4], [1, 3], [4, 0], [2, 2]])
        assert result.raw == -math.inf
        assert result.standardized == -math.inf
        assert result.average_r == pytest.approx(-1.0, abs=1e-15)
        assert result.item_rest == pytest.approx((-1.0, -1.0), abs=1e-15)

    def test_degenerate_rest(self) -> None:
        """Where psych divides by zero the figures are infinite or NaN as psych's are.

        psych 2.2.9 on these answers: raw_alpha -13.125, std.alpha -3, average_r -1/3,
        alpha.drop (0.31372549019607865, -0.45714285714285685, -Inf) and r.drop
        (-0.92309308324574424, -0.88571428571428568, NaN).
        """
        result = cronbach_alpha([[0, 4, 1], [1, 3, 2], [4, 0, 1], [2, 2, 0]])
        assert result.raw == pytest.approx(-13.125, abs=ALPHA_TOLERANCE)
        assert result.standardized == pytest.approx(-3.0, abs=ALPHA_TOLERANCE)
        assert result.average_r == pytest.approx(-0.33333333333333331, abs=ALPHA_TOLERANCE)
        assert result.if_dropped[:2] == pytest.approx(
            (0.31372549019607865, -0.45714285714285685), abs=ALPHA_TOLERANCE
        )
        assert result.if_dropped[2] == -math.inf
        assert result.item_rest[:2] == pytest.approx(
            (-0.92309308324574424, -0.88571428571428568), abs=ALPHA_TOLERANCE
        )
        assert math.isnan(result.item_rest[2])

    def test_none_is_missing(self) -> None:
        """None among the answers is a missing answer, like NaN."""
        with_none: list[list[float | None]] = [
            [2, 2, 1, 0],
            [0, 2, 1, None],
            [2, 1, 1, 1],
            [2, 3, 2, 2],
            [4, 4, 2, 3],
        ]
        with_nan = [[math.nan if v is None else v for v in row] for row in with_none]
        assert cronbach_alpha(np.array(with_none, dtype=object)) == cronbach_alpha(with_nan)

    def test_data_frame(self) -> None:
        """A pandas DataFrame with NaN for missing answers gives the same result."""
        pandas = pytest.importorskip("pandas")
        names, answers = _survey("small_missing")
        frame = pandas.DataFrame(answers, columns=list(names))
        assert cronbach_alpha(frame) == cronbach_alpha(answers)

    def test_booleans(self) -> None:
        """True/False answers count as 1/0 (binary items)."""
        answers = [
            [True, True, False],
            [False, False, False],
            [True, True, True],
            [True, False, True],
        ]
        assert cronbach_alpha(answers) == cronbach_alpha(np.array(answers, dtype=float))

    def test_result_is_frozen_and_slotted(self) -> None:
        """Alpha is a frozen, slotted attrs class."""
        result = cronbach_alpha(_survey("small")[1])
        assert isinstance(result, Alpha)
        assert not hasattr(result, "__dict__")
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            result.raw = 0.0  # type: ignore[misc]

    def test_plain_python_types(self) -> None:
        """The figures are Python floats and ints, per-item figures tuples."""
        result = cronbach_alpha(_survey("small")[1])
        assert type(result.raw) is float
        assert all(type(v) is float for v in result.if_dropped + result.item_rest)
        assert type(result.n_items) is int
        assert type(result.n_respondents) is int

    def test_input_not_modified(self) -> None:
        """The caller's array is only read (the reference surveys are read-only)."""
        _, answers = _survey("missing")
        assert not answers.flags.writeable
        cronbach_alpha(answers)


class TestTwoItems:
    def test_if_dropped_is_nan(self) -> None:
        """With two items alpha if dropped is NaN, where psych reports C12 / C22 instead."""
        result = cronbach_alpha(_survey("two_items")[1])
        assert all(math.isnan(v) for v in result.if_dropped)
        assert all(
            not math.isnan(v) for v in _references()["two_items"].items["alpha.drop"].values()
        )

    def test_one_constant_of_three(self) -> None:
        """Two items that vary and a constant one: if_dropped is NaN but raw for the constant."""
        _, answers = _survey("two_items")
        three = np.column_stack([answers, np.full(answers.shape[0], 3.0)])
        result = cronbach_alpha(three)
        assert result.constant_items == (2,)
        assert result.raw == cronbach_alpha(answers).raw
        assert math.isnan(result.if_dropped[0])
        assert math.isnan(result.if_dropped[1])
        assert result.if_dropped[2] == result.raw


# --------------------------------------------------------------------------------------
# omega_total
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", DATASETS)
class TestOmegaTotalAgainstR:
    def test_total(self, name: str) -> None:
        """Omega total equals psych's omega.tot to 1e-3."""
        result = omega_total(_survey(name)[1])
        expected = _references()[name].scale["omega.tot"]
        _assert_close(result.total, expected, OMEGA_TOLERANCE, name)

    def test_loadings(self, name: str) -> None:
        """The loadings equal psych's one-factor minres loadings (signs included) to 1e-3."""
        names, answers = _survey(name)
        actual = _per_item(names, omega_total(answers).loadings)
        for item, expected in _references()[name].items["loading"].items():
            _assert_close(actual[item], expected, OMEGA_TOLERANCE, f"{name} {item}")

    def test_counts(self, name: str) -> None:
        """n_items and n_respondents are the columns and rows of the survey."""
        names, answers = _survey(name)
        result = omega_total(answers)
        assert (result.n_items, result.n_respondents) == (len(names), answers.shape[0])
        assert 1 <= result.iterations <= 1000


class TestOmegaTotal:
    def test_constant_item_is_left_out(self) -> None:
        """A constant item is listed, has a NaN loading, and the rest is fitted without it."""
        names, answers = _survey("constant")
        result = omega_total(answers)
        constant = names.index("q04")
        assert result.constant_items == (constant,)
        assert math.isnan(result.loadings[constant])
        without = omega_total(np.delete(answers, constant, axis=1))
        assert result.total == without.total

    def test_reversed_item_loads_negatively(self) -> None:
        """An item worded the other way loads negatively and omega counts it reversed."""
        names, answers = _survey("reversed")
        result = omega_total(answers)
        assert result.loadings[names.index("q05")] < 0
        assert result.total > _references()["reversed"].scale["raw_alpha"]

    def test_two_items_equals_standardized_alpha(self) -> None:
        """With two items omega total is psych's standardised alpha (complete answers)."""
        result = omega_total(_survey("two_items")[1])
        expected = _references()["two_items"].scale["std.alpha"]
        _assert_close(result.total, expected, 1e-9, "two_items")

    def test_loose_tolerance_still_close(self) -> None:
        """A looser tolerance stops earlier and stays close to psych."""
        result = omega_total(_survey("complete")[1], tolerance=1e-4)
        _assert_close(result.total, _references()["complete"].scale["omega.tot"], 1e-3, "complete")

    def test_heywood_case(self) -> None:
        """At the uniqueness bound a loading can exceed 1; omega stays within 1e-3 of psych.

        psych 2.2.9 on these answers: omega.tot 0.8981799934 and loadings 1.0372495738,
        0.7753106613, 0.7127998413 and 0.7618692531. psych's optimiser stops short of the
        bounded least-squares solution here, and the other loadings differ by up to 4e-3.
        """
        answers = [
            [4, 3, 4, 3],
            [2, 2, 3, 1],
            [3, 3, 2, 3],
            [1, 0, 1, 2],
            [4, 3, 3, 4],
            [0, 1, 1, 0],
            [2, 3, 2, 2],
            [3, 2, 4, 2],
        ]
        result = omega_total(answers)
        _assert_close(result.total, 0.8981799934, OMEGA_TOLERANCE, "omega")
        _assert_close(result.loadings[0], 1.0372495738, OMEGA_TOLERANCE, "Heywood loading")
        assert result.loadings[0] > 1

    def test_numpy_float_tolerance(self) -> None:
        """The tolerance may be a numpy float."""
        answers = _survey("small")[1]
        result = omega_total(answers, tolerance=np.float64(1e-8), max_iterations=50)
        _assert_close(result.total, _references()["small"].scale["omega.tot"], 1e-6, "small")

    def test_result_is_frozen_and_slotted(self) -> None:
        """Omega is a frozen, slotted attrs class."""
        result = omega_total(_survey("small")[1])
        assert isinstance(result, Omega)
        assert not hasattr(result, "__dict__")
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            result.total = 0.0  # type: ignore[misc]

    def test_plain_python_types(self) -> None:
        """The figures are Python floats and ints, the loadings a tuple."""
        result = omega_total(_survey("small")[1])
        assert type(result.total) is float
        assert all(type(v) is float for v in result.loadings)
        assert type(result.iterations) is int


# --------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------

BOTH = pytest.mark.parametrize("function", [cronbach_alpha, omega_total])


@BOTH
class TestBadAnswers:
    def test_one_dimensional(self, function: Any) -> None:
        """A flat list of answers is refused: x must be respondents by items."""
        with pytest.raises(ArgumentError, match=r"x must be 2-dimensional.*got shape \(4,\)"):
            function([1, 2, 3, 4])

    def test_three_dimensional(self, function: Any) -> None:
        """A 3-D array is refused."""
        with pytest.raises(ArgumentError, match=r"x must be 2-dimensional.*\(2, 2, 2\)"):
            function(np.zeros((2, 2, 2)))

    def test_ragged(self, function: Any) -> None:
        """Rows of different lengths are refused."""
        with pytest.raises(ArgumentError, match=r"x must be 2-dimensional.*ragged"):
            function([[1, 2, 3], [1, 2]])

    def test_one_item(self, function: Any) -> None:
        """A single item column is refused."""
        with pytest.raises(ArgumentError, match=r"at least 2 item columns.*\(5, 1\) \(1 item\)"):
            function(np.arange(5.0).reshape(5, 1))

    def test_one_respondent(self, function: Any) -> None:
        """A single respondent row is refused."""
        with pytest.raises(ArgumentError, match=r"at least 2 respondent rows.*\(1 respondent\)"):
            function([[1, 2, 3]])

    def test_no_respondents(self, function: Any) -> None:
        """An empty table is refused."""
        with pytest.raises(ArgumentError, match=r"at least 2 respondent rows.*\(0, 3\)"):
            function(np.empty((0, 3)))

    @pytest.mark.parametrize("bad", [math.inf, -math.inf])
    def test_infinite(self, function: Any, bad: float) -> None:
        """An infinite answer is refused, naming where it is."""
        answers = [[1.0, 2.0], [2.0, 3.0], [3.0, bad]]
        with pytest.raises(ArgumentError, match=r"x must be finite.*at row 2, item 1"):
            function(answers)

    def test_strings(self, function: Any) -> None:
        """Text answers are a TypeError."""
        with pytest.raises(TypeError, match=r"x must hold numeric answers.*dtype <U1"):
            function([["1", "2"], ["3", "4"]])

    def test_string_among_numbers(self, function: Any) -> None:
        """A string hidden in an object array is a TypeError, not read as a number."""
        with pytest.raises(TypeError, match=r"x must hold numeric answers.*a string"):
            function(np.array([[1, 2], ["3", 4], [0, 1]], dtype=object))

    def test_not_a_number(self, function: Any) -> None:
        """An object that is not a number is a TypeError."""
        with pytest.raises(TypeError, match=r"x must hold numeric answers.*not a number"):
            function(np.array([[1, 2], [{}, 4], [0, 1]], dtype=object))

    def test_complex(self, function: Any) -> None:
        """Complex answers are a TypeError."""
        with pytest.raises(TypeError, match=r"x must hold numeric answers.*complex"):
            function(np.ones((3, 2), dtype=complex))

    def test_item_with_one_answer(self, function: Any) -> None:
        """An item answered once is refused, naming the item and its count."""
        answers = [[1, 2, math.nan], [2, 3, math.nan], [3, 1, 4], [0, 0, math.nan]]
        with pytest.raises(ArgumentError, match="item 2 has 1 answer; every item needs at least 2"):
            function(answers)

    def test_item_never_answered(self, function: Any) -> None:
        """An item nobody answered is refused."""
        answers = [[1, 2, math.nan], [2, 3, math.nan], [3, 1, math.nan]]
        with pytest.raises(ArgumentError, match="item 2 has 0 answers"):
            function(answers)

    def test_pair_with_one_respondent_in_common(self, function: Any) -> None:
        """Two items answered together by one respondent only are refused."""
        nan = math.nan
        answers = [[1, nan, 2], [2, nan, 3], [3, 4, 1], [nan, 1, 0], [nan, 2, 4]]
        with pytest.raises(
            ArgumentError,
            match=r"items 0 and 1 were both answered by 1 respondent\(s\); every pair of items",
        ):
            function(answers)

    def test_pair_with_nobody_in_common(self, function: Any) -> None:
        """Two items never answered together are refused."""
        nan = math.nan
        answers = [[1, nan, 2], [2, nan, 3], [nan, 4, 1], [nan, 1, 0]]
        with pytest.raises(ArgumentError, match="items 0 and 1 were both answered by 0"):
            function(answers)

    def test_all_constant(self, function: Any) -> None:
        """Items that do not vary leave nothing to measure."""
        answers = [[1, 2, 3], [1, 2, 4], [1, 2, 0]]
        with pytest.raises(ArgumentError, match=r"at least 2 items that vary; items \[0, 1\] of 3"):
            function(answers)

    def test_too_large(self, function: Any) -> None:
        """Answers whose squares overflow are refused, not turned into NaN."""
        answers = np.array([[1e200, 2e200], [3e200, -1e200], [0.0, 1e200]])
        with pytest.raises(ArgumentError, match="too large, or too close together"):
            function(answers)


class TestOmegaErrors:
    def test_constant_within_a_pair(self) -> None:
        """An item with one answer from everyone who answered another has no correlation."""
        nan = math.nan
        answers: list[list[float]] = [[1, 2, 0], [1, 3, 1], [2, nan, 4], [0, nan, 2], [1, 1, 3]]
        with pytest.raises(
            ArgumentError,
            match="item 0 has the same answer from every respondent who also answered item 1",
        ):
            omega_total(answers)

    def test_constant_within_a_pair_is_fine_for_alpha(self) -> None:
        """Alpha scales pairwise covariances by whole-item variances, so it has an answer."""
        nan = math.nan
        answers: list[list[float]] = [[1, 2, 0], [1, 3, 1], [2, nan, 4], [0, nan, 2], [1, 1, 3]]
        assert math.isfinite(cronbach_alpha(answers).raw)

    def test_constant_within_a_pair_names_original_columns(self) -> None:
        """The message counts columns of x, constant items included."""
        nan = math.nan
        answers: list[list[float]] = [
            [5, 1, 2, 0],
            [5, 1, 3, 1],
            [5, 2, nan, 4],
            [5, 0, nan, 2],
            [5, 1, 1, 3],
        ]
        with pytest.raises(ArgumentError, match=r"item 1 .* also answered item 2"):
            omega_total(answers)

    @pytest.mark.parametrize(
        "bad", [0, -1e-3, math.nan, math.inf, "1e-6", True, None, complex(1e-6, 0)]
    )
    def test_bad_tolerance(self, bad: Any) -> None:
        """The tolerance must be a positive finite number."""
        with pytest.raises(ArgumentError, match="tolerance must be a positive finite number"):
            omega_total(_survey("small")[1], tolerance=bad)

    @pytest.mark.parametrize("bad", [0, -5, 2.5, "10", True, None])
    def test_bad_max_iterations(self, bad: Any) -> None:
        """The iteration limit must be a positive integer."""
        with pytest.raises(ArgumentError, match="max_iterations must be an integer of at least 1"):
            omega_total(_survey("small")[1], max_iterations=bad)

    def test_no_convergence(self) -> None:
        """A fit that has not converged within max_iterations is an error, not a result."""
        with pytest.raises(
            ArgumentError,
            match=r"max_iterations: the one-factor fit did not converge in 1 iterations",
        ):
            omega_total(_survey("missing")[1], max_iterations=1, tolerance=1e-15)
