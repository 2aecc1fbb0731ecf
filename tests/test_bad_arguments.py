"""Hostile arguments to the model's public functions: a library error naming the argument.

Every row calls one public function of :mod:`jointworking.value`, :mod:`jointworking.ladder`,
:mod:`jointworking.rung` or :mod:`jointworking.agreement` with one bad argument (an int
too large for a float, an infinite or NaN float, a bool, a string, None, an array of the
wrong shape, a ragged or self-containing list, a numpy scalar of an odd dtype, an object)
and expects an :class:`~jointworking.ArgumentError` (so also a ``ValueError``) whose
message names the argument and says what was expected: never an AttributeError,
OverflowError, RecursionError, MemoryError, ZeroDivisionError or a numpy error or warning
(the test suite turns warnings into errors).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import jointworking as jw
from jointworking import agreement
from jointworking.errors import ArgumentError, JointWorkingError
from jointworking.value import Estimate

HUGE = 10**400
"""An int far beyond the float range (about 1.8e308)."""

DIGITS_401 = "an integer of about 401 digits"
SELF_CONTAINING: list[Any] = []
SELF_CONTAINING.append(SELF_CONTAINING)
RNG = np.random.default_rng(0)
PERT = Estimate.pert(1, 2, 3)
ANSWERS = [3] * 10
GROUPS = ["a", "a", "b", "b"]
X = [1.0, 2.0, 3.0, 3.0]


def row(
    function: Callable[..., object],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    pattern: str,
    *,
    id: str,
    exception: type[Exception] = ArgumentError,
) -> Any:
    """One row of the table: call, expected exception and message pattern."""
    return pytest.param(function, args, kwargs, exception, pattern, id=id)


TABLE = [
    # --- value: added_value ------------------------------------------------------------
    row(
        jw.added_value,
        ([HUGE], 1),
        {},
        rf"individual\[0\]: expected a finite number, got {DIGITS_401}, too large for a float",
        id="added_value-individual-huge-int",
    ),
    row(
        jw.added_value,
        ([1.0], -HUGE),
        {},
        f"joint: expected a finite number, got {DIGITS_401}, too large for a float",
        id="added_value-joint-huge-int",
    ),
    row(
        jw.added_value,
        ([1.0], 2.0),
        {"cost": np.timedelta64(1, "D")},
        r"cost: expected a number, got np\.timedelta64",
        id="added_value-cost-timedelta",
    ),
    row(
        jw.added_value,
        ([1.0], 2.0),
        {"threshold": HUGE},
        f"threshold: expected a finite number, got {DIGITS_401}",
        id="added_value-threshold-huge-int",
    ),
    row(
        jw.added_value,
        ([1.0], 2.0),
        {"optimism_bias": -HUGE},
        f"optimism_bias: expected a finite number, got {DIGITS_401}",
        id="added_value-optimism_bias-huge-int",
    ),
    row(
        jw.added_value,
        (np.array(3.0), 1.0),
        {},
        r"individual: expected a one-dimensional sequence .* got an array of shape \(\)",
        id="added_value-individual-0d-array",
    ),
    row(
        jw.added_value,
        (np.ones((2, 2)), 1.0),
        {},
        r"individual: expected a one-dimensional sequence .* got an array of shape \(2, 2\)",
        id="added_value-individual-2d-array",
    ),
    row(
        jw.added_value,
        ([1e308, 1e308], 1.0),
        {},
        r"individual: expected values whose magnitudes add up to at most 1e\+307, so that no"
        r" sum of them can overflow, got magnitudes adding up to more than 1\.8e\+308",
        id="added_value-individual-sum-overflows",
    ),
    # --- value: simulate_added_value -----------------------------------------------------
    row(
        jw.simulate_added_value,
        ([1.0], PERT),
        {"draws": 1_000_000_000},
        "draws: expected at most 10,000,000, got 1,000,000,000; every draw is kept in memory",
        id="simulate-draws-too-many",
    ),
    row(
        jw.simulate_added_value,
        ([1.0], PERT),
        {"draws": np.uint64(2**64 - 1)},
        "draws: expected at most 10,000,000, got 18,446,744,073,709,551,615",
        id="simulate-draws-uint64",
    ),
    row(
        jw.simulate_added_value,
        ([1.0], PERT),
        {"draws": HUGE},
        f"draws: expected at most 10,000,000, got {DIGITS_401}",
        id="simulate-draws-huge-int",
    ),
    row(
        jw.simulate_added_value,
        ([1.0], PERT),
        {"draws": 5},
        "draws: expected at least 500 at confidence 0.8, got 5",
        id="simulate-draws-too-few",
    ),
    row(
        jw.simulate_added_value,
        ([1.0], PERT),
        {"draws": 1_000, "confidence": 0.99},
        "draws: expected at least 10,000 at confidence 0.99, got 1,000",
        id="simulate-draws-too-few-for-confidence",
    ),
    row(
        jw.simulate_added_value,
        ([1.0], PERT),
        {"draws": 2.5},
        "draws: expected a whole number of draws from 500 to 10,000,000, got 2.5",
        id="simulate-draws-float",
    ),
    row(
        jw.simulate_added_value,
        ([1.0], PERT),
        {"confidence": 0.9999999},
        r"confidence: expected a probability from 0\.00001 to 0\.99999, got 0\.9999999",
        id="simulate-confidence-beyond-the-most-draws",
    ),
    row(
        jw.simulate_added_value,
        ([1.0], PERT),
        {"confidence": HUGE},
        f"confidence: expected a finite number, got {DIGITS_401}",
        id="simulate-confidence-huge-int",
    ),
    row(
        jw.simulate_added_value,
        ([1.0], PERT),
        {"seed": np.timedelta64(1, "D")},
        r"seed: expected a whole number of zero or more or None, got np\.timedelta64",
        id="simulate-seed-timedelta",
    ),
    row(
        jw.simulate_added_value,
        ([1.0], PERT),
        {"threshold": Estimate.fixed(0.1)},
        r"threshold: expected a number, got Estimate\(kind='fixed'",
        id="simulate-threshold-estimate",
    ),
    row(
        jw.simulate_added_value,
        ([1.0, HUGE], PERT),
        {},
        rf"individual\[1\]: expected a finite number, got {DIGITS_401}",
        id="simulate-individual-huge-int",
    ),
    row(
        jw.simulate_added_value,
        ([Estimate.normal(0, 1e308)], 1.0),
        {"seed": 1},
        r"individual\[0\]: the simulated values overflowed: \d+ of 100000 draws are not finite",
        id="simulate-individual-draws-overflow",
    ),
    # --- value: Estimate -----------------------------------------------------------------
    row(
        Estimate.fixed,
        (HUGE,),
        {},
        f"value: expected a finite number, got {DIGITS_401}",
        id="Estimate.fixed-huge-int",
    ),
    row(
        Estimate.pert,
        (1, 2, HUGE),
        {},
        f"high: expected a finite number, got {DIGITS_401}",
        id="Estimate.pert-huge-int",
    ),
    row(
        Estimate.normal,
        (np.timedelta64(1, "D"), 1.0),
        {},
        r"mean: expected a number, got np\.timedelta64",
        id="Estimate.normal-timedelta",
    ),
    row(
        Estimate.pert,
        (-1e308, 0.0, 1e308),
        {},
        r"high: expected a range high - low of at most a quarter of the largest float",
        id="Estimate.pert-range-overflows",
    ),
    row(
        Estimate.samples,
        (np.array([1.0, 2.0], dtype=np.longdouble) * np.longdouble("1e4000"),),
        {},
        "values: expected finite samples, got inf at 0",
        id="Estimate.samples-long-double-overflow",
    ),
    row(
        Estimate,
        ("fixed", 1.0),
        {},
        r"parameters: expected \(value\) for a fixed estimate, got 1\.0",
        id="Estimate-parameters-not-a-tuple",
    ),
    row(
        Estimate,
        (["fixed"], (1.0,)),
        {},
        r"kind: expected one of \['fixed', 'normal', 'pert', 'samples', 'triangular'\], got"
        r" \['fixed'\]",
        id="Estimate-kind-a-list",
    ),
    row(
        Estimate,
        ("samples", (), "x"),
        {},
        "values: expected an array of numbers, got an array of str",
        id="Estimate-samples-a-string",
    ),
    row(
        Estimate,
        ("fixed", (1.0,), np.array([1.0])),
        {},
        "values: only a samples estimate has samples, not a fixed estimate",
        id="Estimate-values-for-a-fixed-estimate",
    ),
    row(
        PERT.draw,
        (HUGE, RNG),
        {},
        f"size: expected a whole number from 0 to 10,000,000, got {DIGITS_401}",
        id="Estimate.draw-size-huge-int",
    ),
    row(
        PERT.draw,
        (True, RNG),
        {},
        "size: expected a whole number from 0 to 10,000,000, got True",
        id="Estimate.draw-size-bool",
    ),
    row(
        PERT.draw,
        (10, None),
        {},
        r"rng: expected a numpy\.random\.Generator, such as numpy\.random\.default_rng\(seed\),"
        " got NoneType",
        id="Estimate.draw-rng-none",
    ),
    row(
        jw.Verdict,
        ("significant",),
        {},
        r"Verdict: expected 0 \(none\), 1 \(marginal\) or 2 \(significant\), got 'significant'",
        id="Verdict-a-name",
    ),
    # --- ladder and rung -----------------------------------------------------------------
    row(
        jw.classify,
        (ANSWERS, "x"),
        {},
        r"instrument: expected an Instrument \(such as MORLEY_2016, or one read with"
        r" load_instrument\), got str",
        id="classify-instrument-a-string",
    ),
    row(
        jw.classify,
        ([HUGE, *ANSWERS[1:]],),
        {},
        f"answers: question 1: expected a score from 0 to 4, got {DIGITS_401}",
        id="classify-answer-huge-int",
    ),
    row(
        jw.classify,
        ({2: np.timedelta64(3, "D")},),
        {},
        r"answers: question 2: expected a number or None, got np\.timedelta64",
        id="classify-answer-timedelta",
    ),
    row(
        jw.path,
        (10**5000, "transaction"),
        {},
        "current: expected one of 'transaction', 'collaboration', 'partnership', got an"
        " integer of about 5001 digits",
        id="path-current-too-long-to-print",
    ),
    row(
        jw.Rung,
        (True,),
        {},
        r"Rung: expected 0 \(transaction\), 1 \(collaboration\) or 2 \(partnership\), got True",
        id="Rung-a-bool",
    ),
    row(
        jw.Rung,
        ("partnership",),
        {},
        r"Rung: expected 0 \(transaction\), .* got 'partnership'",
        id="Rung-a-name",
    ),
    row(
        jw.Rung,
        (np.array([1, 2]),),
        {},
        r"Rung: expected 0 \(transaction\), .* got array\(\[1, 2\]\)",
        id="Rung-an-array",
    ),
    # --- agreement -----------------------------------------------------------------------
    row(
        agreement.rwg,
        ([HUGE, 1.0], ["a", "a"]),
        {"null_variance": 2.0},
        "x must hold numeric answers .* got a value that is not a number, or an integer too"
        " large for a float",
        id="rwg-x-huge-int",
    ),
    row(
        agreement.rwg,
        ([[1.0], [1.0, 2.0]], ["a", "a"]),
        {"null_variance": 2.0},
        r"x must be 1-dimensional, shape \(n_respondents,\) .* got a sequence that is not an"
        " array",
        id="rwg-x-ragged",
    ),
    row(
        agreement.icc1,
        (SELF_CONTAINING, ["a"]),
        {},
        r"x must be 1-dimensional, shape \(n_respondents,\), holding numeric answers; got a"
        " sequence that is not an array",
        id="icc1-x-self-containing",
    ),
    row(
        agreement.rwg,
        (np.array(["1", 2.0], dtype=object), ["a", "a"]),
        {"null_variance": 2.0},
        "x must hold numeric answers .* got a value that is not a number: '1'",
        id="rwg-x-object-array-with-text",
    ),
    row(
        agreement.rwg,
        ([1e200, 1.0], ["a", "a"]),
        {"null_variance": 2.0},
        r"x must hold answers of magnitude at most 1e\+100; found 1e\+200 at index 0",
        id="rwg-x-too-large-to-square",
    ),
    row(
        agreement.icc1,
        (np.array([1.0, 2.0], dtype=np.longdouble) * np.longdouble("1e4000"), ["a", "b"]),
        {},
        "x must be finite, with NaN for a missing answer; found inf at index 0",
        id="icc1-x-long-double-overflow",
    ),
    row(
        agreement.rwg,
        (X, GROUPS),
        {"null_variance": True},
        "null_variance must be a positive finite number; got True",
        id="rwg-null_variance-bool",
    ),
    row(
        agreement.rwg_j,
        ([[1, 2], [2, 3]], ["a", "a"]),
        {"null_variance": "2"},
        "null_variance must be a positive finite number; got '2'",
        id="rwg_j-null_variance-string",
    ),
    row(
        agreement.rwg,
        (X, GROUPS),
        {"null_variance": HUGE},
        f"null_variance must be a positive finite number; got {DIGITS_401}",
        id="rwg-null_variance-huge-int",
    ),
    row(
        agreement.rwg,
        (X, GROUPS),
        {"null_variance": np.complex128(2)},
        r"null_variance must be a positive finite number; got np\.complex128\(2\+0j\)",
        id="rwg-null_variance-complex",
    ),
    row(
        agreement.awg,
        (X, GROUPS),
        {"low": 0, "high": 1e308},
        r"low and high must be finite numbers of magnitude at most 1e\+100; got low=0,"
        r" high=1e\+308",
        id="awg-high-too-large",
    ),
    row(
        agreement.awg,
        (X, GROUPS),
        {"low": -HUGE, "high": 4},
        f"low and high must be finite numbers .* got low={DIGITS_401}, high=4",
        id="awg-low-huge-int",
    ),
    row(
        agreement.ad,
        (X, GROUPS),
        {"center": np.array(["mean"])},
        r"center must be 'mean' or 'median'; got array\(\['mean'\]",
        id="ad-center-an-array",
    ),
    row(
        agreement.uniform_null_variance,
        (HUGE,),
        {},
        f"n_points must be an integer of at least 2 and at most 2\\*\\*53; got {DIGITS_401}",
        id="uniform_null_variance-huge-int",
    ),
    row(
        agreement.uniform_null_variance,
        (np.timedelta64(5, "D"),),
        {},
        r"n_points must be an integer of at least 2 and at most 2\*\*53; got np\.timedelta64",
        id="uniform_null_variance-timedelta",
    ),
]


@pytest.mark.parametrize(("function", "args", "kwargs", "exception", "pattern"), TABLE)
def test_bad_argument_is_a_library_error(
    function: Callable[..., object],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    exception: type[Exception],
    pattern: str,
) -> None:
    """The bad argument is refused with the library's error, naming it."""
    with pytest.raises(exception, match=pattern) as caught:
        function(*args, **kwargs)
    assert isinstance(caught.value, JointWorkingError)
    assert isinstance(caught.value, ValueError)


# --- assessment: assess, its results, shared views -------------------------------------

SURVEY = jw.Responses.from_arrays(
    [[3] * 10] * 3 + [[2] * 10] * 3,
    organisation=["A"] * 3 + ["B"] * 3,
    about=["B"] * 3 + ["A"] * 3,
)
RESULT = jw.assess(SURVEY, resamples=200)

ASSESSMENT_TABLE = [
    pytest.param(
        jw.assess, (SURVEY, "morley"), {}, TypeError, r"instrument: expected an Instrument",
        id="assess-instrument-text",
    ),
    pytest.param(
        jw.assess, (SURVEY,), {"min_group_size": np.timedelta64(1, "D")}, ArgumentError,
        r"min_group_size: expected a whole number of at least 1, got np\.timedelta64",
        id="assess-min-group-size-timedelta",
    ),
    pytest.param(
        jw.assess, (SURVEY,), {"agreement_threshold": HUGE}, ArgumentError,
        rf"agreement_threshold: expected a number from 0 to 1, got {DIGITS_401}",
        id="assess-agreement-huge-int",
    ),
    pytest.param(
        jw.assess, (SURVEY,), {"confidence": 1.0}, ArgumentError,
        r"confidence: expected a number strictly between 0 and 1, got 1\.0",
        id="assess-confidence-one",
    ),
    pytest.param(
        jw.assess, (SURVEY,), {"resamples": 10**30}, ArgumentError,
        r"resamples: expected a whole number from 100 to 100,000",
        id="assess-resamples-huge",
    ),
    pytest.param(
        jw.assess, (SURVEY,), {"seed": -1}, ArgumentError,
        r"seed: expected a whole number from 0 to 2\*\*63 - 1, got -1",
        id="assess-seed-negative",
    ),
    pytest.param(
        jw.assess, (SURVEY,), {"seed": True}, ArgumentError, r"seed: expected a whole number",
        id="assess-seed-bool",
    ),
    pytest.param(
        RESULT.group, (5,), {}, TypeError, r"organisation: expected text \(str\), got int",
        id="group-organisation-int",
    ),
    pytest.param(
        RESULT.relationship, ("A", 5), {}, TypeError, r"b: expected text \(str\), got int",
        id="relationship-b-int",
    ),
    pytest.param(
        RESULT.to_dict, (), {"shared": None}, TypeError,
        r"shared: expected True or False, got None",
        id="to-dict-shared-none",
    ),
    pytest.param(
        RESULT.to_json, (), {"shared": 1}, TypeError, r"shared: expected True or False, got 1",
        id="to-json-shared-one",
    ),
    pytest.param(
        RESULT.shared_view().to_dict, (), {"shared": False}, ArgumentError,
        r"shared: this is a shared view",
        id="shared-view-to-dict-unshared",
    ),
    pytest.param(
        jw.ValueInputs, (5, 1.0), {}, ArgumentError,
        r"individual: expected a sequence of values or Estimates, got int",
        id="value-inputs-individual-int",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("function", "args", "kwargs", "exception", "pattern"), ASSESSMENT_TABLE)
def test_bad_assessment_argument(
    function: Callable[..., object],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    exception: type[Exception],
    pattern: str,
) -> None:
    """A bad argument to assess or its results: a library error or a TypeError, naming it."""
    with pytest.raises(exception, match=pattern):
        function(*args, **kwargs)


@pytest.mark.parametrize(
    ("function", "pattern"),
    [
        (lambda: jw.load_instrument(HUGE), f"path: expected a path .*, got {DIGITS_401}"),  # type: ignore[arg-type]
        (lambda: jw.MORLEY_2016.scale.parse(np.timedelta64(1, "D")), "answer: expected one of"),  # type: ignore[arg-type]
        (lambda: jw.MORLEY_2016.scale.parse(HUGE), f"answer: expected one of .*{DIGITS_401}"),
        (lambda: jw.MORLEY_2016.position(HUGE), f"question: no question {DIGITS_401}"),
        (lambda: jw.classify({HUGE: 3}), f"answers: no question {DIGITS_401}"),
    ],
    ids=["load-instrument-huge", "parse-timedelta", "parse-huge", "position-huge", "classify-huge"],
)
def test_huge_and_odd_values_in_messages(function: Callable[[], object], pattern: str) -> None:
    """A value too long to print, or a numpy time delta, still gets a one-line library error."""
    with pytest.raises(ArgumentError, match=pattern):
        function()
