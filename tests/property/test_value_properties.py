"""Properties of the added-value test, and Monte Carlo checked against independent results."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from jointworking import testing as jwst
from jointworking.errors import ArgumentError
from jointworking.value import (
    AddedValue,
    Estimate,
    SimulatedAddedValue,
    Verdict,
    _min_draws,
    added_value,
    simulate_added_value,
)

FloatArray = npt.NDArray[np.float64]

# Magnitudes are kept well inside the float range (no overflow, no subnormal baselines) and the
# optimism bias away from 1, so every comparison below is between ordinary finite numbers.
values = st.floats(1.0, 1e6, allow_nan=False, allow_infinity=False)
joints = st.floats(0.0, 1e7, allow_nan=False, allow_infinity=False)
costs = st.floats(0.0, 1e6, allow_nan=False, allow_infinity=False)
thresholds = st.floats(0.0, 2.0, allow_nan=False, allow_infinity=False)
biases = st.floats(0.0, 0.95, allow_nan=False, allow_infinity=False)
# Confidences a simulation of at most 100,000 draws supports (100 on each side of it).
confidences = st.floats(0.001, 0.999)
seeds = st.integers(0, 2**32 - 1)
# Whole numbers below 2**53 add exactly in any order.
whole_values = st.integers(1, 10**6).map(float)
# Values of wildly different magnitudes and both signs, whose sums from left to right
# depend on the order (1e16 + 3 - 1e16 is 4, 1e16 - 1e16 + 3 is 3), but whose
# magnitudes stay well within the 1e307 the baseline allows.
wild_values = st.one_of(
    st.floats(-1e20, 1e20),
    st.floats(-1e3, 1e3),
    st.floats(-1e-3, 1e-3),
    st.integers(-(10**17), 10**17).map(float),
    st.sampled_from([1e16, -1e16, 3.0, 0.1, 0.2, 0.3, 2.0**53, -(2.0**53), 1.5]),
)

FixedWrapper = Callable[[float], float | Estimate]
FIXED_WRAPPERS: list[FixedWrapper] = [
    lambda v: v,
    Estimate.fixed,
    lambda v: Estimate.triangular(v, v, v),
    lambda v: Estimate.pert(v, v, v),
    lambda v: Estimate.normal(v, 0.0),
    lambda v: Estimate.samples([v]),
]
"""Ways to give a value known exactly: as a number or as an estimate with no spread."""


def fixed_inputs(
    value: st.SearchStrategy[float],
) -> st.SearchStrategy[tuple[float, float | Estimate]]:
    """A value together with that value given in one of the no-spread forms."""
    return st.tuples(value, st.sampled_from(FIXED_WRAPPERS)).map(lambda p: (p[0], p[1](p[0])))


# --- the point test --------------------------------------------------------------------


@given(
    st.lists(values, min_size=1, max_size=5),
    joints,
    joints,
    costs,
    thresholds,
    biases,
)
def test_verdict_never_falls_as_joint_value_rises(  # noqa: PLR0917 (one argument per input)
    individual: list[float], a: float, b: float, cost: float, threshold: float, bias: float
) -> None:
    """The verdict and uplift are monotone non-decreasing in the joint value."""
    low, high = sorted((a, b))
    kwargs = {"cost": cost, "threshold": threshold, "optimism_bias": bias}
    lower = added_value(individual, low, **kwargs)
    upper = added_value(individual, high, **kwargs)
    assert upper.verdict >= lower.verdict
    assert upper.uplift >= lower.uplift


@given(
    st.lists(values, min_size=1, max_size=5),
    joints,
    costs,
    costs,
    thresholds,
    biases,
)
def test_verdict_never_rises_as_cost_rises(  # noqa: PLR0917 (one argument per input)
    individual: list[float], joint: float, a: float, b: float, threshold: float, bias: float
) -> None:
    """The verdict and uplift are monotone non-increasing in the cost."""
    low, high = sorted((a, b))
    kwargs = {"threshold": threshold, "optimism_bias": bias}
    cheaper = added_value(individual, joint, cost=low, **kwargs)
    dearer = added_value(individual, joint, cost=high, **kwargs)
    assert dearer.verdict <= cheaper.verdict
    assert dearer.uplift <= cheaper.uplift


@given(st.lists(values, min_size=1, max_size=5), joints, costs, thresholds, biases)
def test_switching_value_is_where_the_verdict_drops(
    individual: list[float], joint: float, cost: float, threshold: float, bias: float
) -> None:
    """Falling by the switching value reaches the boundary; a bit further drops the verdict."""
    kwargs = {"cost": cost, "threshold": threshold, "optimism_bias": bias}
    result = added_value(individual, joint, **kwargs)
    if result.verdict is Verdict.NONE:
        assert result.switching_value == 0.0
        return
    assert result.switching_value >= 0.0
    boundary = threshold if result.verdict is Verdict.SIGNIFICANT else 0.0
    # Rounding in joint - switching_value and in the surplus is a few ulps of the largest term.
    scale = (joint + cost + result.baseline) / result.baseline
    fallen = added_value(individual, joint - result.switching_value, **kwargs)
    assert fallen.uplift == pytest.approx(boundary, abs=1e-12 * scale)
    # A margin far above that rounding error, but small against the values.
    margin = 1e-6 * (joint + cost + result.baseline)
    further = added_value(individual, joint - result.switching_value - margin, **kwargs)
    assert further.verdict < result.verdict
    if result.switching_value > margin:
        short = added_value(individual, joint - result.switching_value + margin, **kwargs)
        assert short.verdict is result.verdict


def _outcome(result: AddedValue) -> tuple[object, ...]:
    """What must not depend on the order of the organisations."""
    return (
        result.baseline,
        result.surplus,
        result.uplift,
        result.verdict,
        result.switching_value,
    )


def _point_or_error(individual: list[float], joint: float) -> tuple[object, ...]:
    try:
        return _outcome(added_value(individual, joint))
    except ArgumentError as error:  # a zero or negative baseline, or an overflow
        return ("error", str(error))


@given(st.lists(wild_values, min_size=1, max_size=8), st.floats(0.0, 3.0), st.data())
def test_point_test_ignores_any_permutation_of_organisations(
    individual: list[float], ratio: float, data: st.DataObject
) -> None:
    """The baseline, uplift and verdict do not depend on the order of the individual values,
    however different their magnitudes: the baseline is their exact sum, rounded once."""
    exact = math.fsum(individual)
    assume(exact > 0)
    joint = exact * ratio  # near the baseline, so that every verdict occurs
    permuted = data.draw(st.permutations(individual))
    expected = _point_or_error(individual, joint)
    assert _point_or_error(permuted, joint) == expected
    if expected[0] != "error":
        assert expected[0] == exact


@given(st.lists(whole_values, min_size=1, max_size=6), joints, costs, thresholds, biases)
def test_point_test_ignores_order_of_organisations(
    individual: list[float], joint: float, cost: float, threshold: float, bias: float
) -> None:
    """Reversing the individual values changes nothing but the order they are recorded in."""
    kwargs = {"cost": cost, "threshold": threshold, "optimism_bias": bias}
    forward = added_value(individual, joint, **kwargs)
    backward = added_value(individual[::-1], joint, **kwargs)
    assert backward.individual == forward.individual[::-1]
    assert (backward.surplus, backward.uplift, backward.verdict, backward.switching_value) == (
        forward.surplus,
        forward.uplift,
        forward.verdict,
        forward.switching_value,
    )


# --- Monte Carlo against the point test --------------------------------------------------


@given(
    st.lists(fixed_inputs(values), min_size=1, max_size=5),
    fixed_inputs(joints),
    fixed_inputs(costs),
    thresholds,
    biases,
    confidences,
    st.integers(0, 20),
    seeds,
)
def test_fixed_inputs_reproduce_the_point_test_exactly(  # noqa: PLR0917 (one argument per input)
    individual: list[tuple[float, float | Estimate]],
    joint: tuple[float, float | Estimate],
    cost: tuple[float, float | Estimate],
    threshold: float,
    bias: float,
    confidence: float,
    extra: int,
    seed: int,
) -> None:
    """With no uncertainty the simulation is the point test in every draw, for any confidence."""
    draws = _min_draws(confidence) + extra
    point = added_value(
        [v for v, _ in individual], joint[0], cost=cost[0], threshold=threshold, optimism_bias=bias
    )
    simulated = simulate_added_value(
        [e for _, e in individual],
        joint[1],
        cost=cost[1],
        threshold=threshold,
        optimism_bias=bias,
        confidence=confidence,
        draws=draws,
        seed=seed,
    )
    assert simulated.p_significant == (1.0 if point.verdict is Verdict.SIGNIFICANT else 0.0)
    assert simulated.p_positive == (0.0 if point.verdict is Verdict.NONE else 1.0)
    assert simulated.verdict is point.verdict
    assert np.all(simulated.uplift_draws == point.uplift)
    assert np.all(simulated.surplus_draws == point.surplus)
    u, s = simulated.uplift, simulated.surplus
    assert u.p5 == u.p50 == u.p95 == point.uplift
    assert s.p5 == s.p50 == s.p95 == point.surplus


# Costs must not be able to fall below zero, so no normal with spread.
bounded_costs = jwst.estimates(min_value=0.0, max_value=200.0).filter(lambda e: e.low >= 0)


@settings(max_examples=50)
@given(
    st.lists(jwst.estimates(min_value=100.0, max_value=1000.0), min_size=1, max_size=4),
    jwst.estimates(min_value=100.0, max_value=5000.0),
    bounded_costs,
    seeds,
)
def test_same_seed_same_result(
    individual: list[Estimate], joint: Estimate, cost: Estimate, seed: int
) -> None:
    """The same inputs and seed give identical results, draw for draw."""
    a = simulate_added_value(individual, joint, cost=cost, draws=500, seed=seed)
    b = simulate_added_value(individual, joint, cost=cost, draws=500, seed=seed)
    assert a == b
    assert np.array_equal(a.uplift_draws, b.uplift_draws)
    assert np.array_equal(a.surplus_draws, b.surplus_draws)


@settings(max_examples=50)
@given(
    st.lists(fixed_inputs(whole_values), min_size=1, max_size=6),
    jwst.estimates(min_value=100.0, max_value=10_000.0),
    bounded_costs,
    seeds,
)
def test_order_of_fixed_organisations_changes_nothing(
    individual: list[tuple[float, float | Estimate]],
    joint: Estimate,
    cost: Estimate,
    seed: int,
) -> None:
    """Reversing fixed individual values (whole numbers, so sums are exact) changes nothing."""
    given_values = [e for _, e in individual]
    a = simulate_added_value(given_values, joint, cost=cost, draws=500, seed=seed)
    b = simulate_added_value(given_values[::-1], joint, cost=cost, draws=500, seed=seed)
    assert a == b
    assert np.array_equal(a.uplift_draws, b.uplift_draws)


def _simulated_or_error(
    individual: list[float | Estimate], joint: Estimate, seed: int
) -> tuple[object, ...]:
    try:
        result: SimulatedAddedValue = simulate_added_value(individual, joint, draws=500, seed=seed)
    except ArgumentError as error:  # a baseline of zero or less in some draw
        return ("error", str(error))
    return (result, result.uplift_draws.tobytes(), result.surplus_draws.tobytes())


@settings(max_examples=50)
@given(
    st.lists(wild_values, min_size=1, max_size=6),
    jwst.estimates(min_value=1.0, max_value=1000.0),
    st.floats(0.0, 3.0),
    seeds,
    st.data(),
)
def test_any_permutation_of_fixed_organisations_changes_nothing(
    fixed: list[float],
    uncertain: Estimate,
    ratio: float,
    seed: int,
    data: st.DataObject,
) -> None:
    """Permuting fixed individual values of wildly different magnitudes, beside an uncertain
    one, changes no draw: each draw's baseline is the exact sum of its values, rounded once."""
    exact = math.fsum(fixed)
    assume(exact > 0)
    joint = Estimate.triangular(0.5 * ratio * exact, ratio * exact, 2 * ratio * exact + 1)
    permuted = data.draw(st.permutations(fixed))
    expected = _simulated_or_error([*fixed, uncertain], joint, seed)
    assert _simulated_or_error([*permuted, uncertain], joint, seed) == expected
    assert _simulated_or_error([uncertain, *permuted], joint, seed) == expected


# --- samples keep their order ------------------------------------------------------------


@given(st.integers(500, 700), seeds, seeds)
def test_samples_in_order_keep_correlation_exactly(n: int, values: int, seed: int) -> None:
    """Joint samples 1.25*(x+y) against individual samples x and y give uplift 0.25 every draw."""
    generator = np.random.default_rng(values)
    x = generator.integers(1, 2**20, n).astype(np.float64)
    y = generator.integers(1, 2**20, n).astype(np.float64)
    # x, y and 1.25*(x+y) are exact in binary, so S = 0.25*(x+y) and u = 0.25 exactly,
    # but only if draw i of every input comes from sample i.
    result = simulate_added_value(
        [Estimate.samples(x), Estimate.samples(y)],
        Estimate.samples(1.25 * (x + y)),
        threshold=0.25,
        draws=n,
        seed=seed,
    )
    assert np.all(result.uplift_draws == 0.25)
    assert np.array_equal(result.surplus_draws, 0.25 * (x + y))
    assert result.p_significant == 1.0


@given(st.integers(500, 700), seeds, seeds)
def test_samples_in_order_keep_correlation(n: int, values: int, seed: int) -> None:
    """Joint samples 1.2*x against individual samples x give an uplift of 0.2 in every draw."""
    x = np.random.default_rng(values).uniform(1.0, 1e6, n)
    result = simulate_added_value(
        [Estimate.samples(x)], Estimate.samples(1.2 * x), draws=n, seed=seed
    )
    # (1.2x - x)/x is 0.2 up to a few rounding errors
    assert np.allclose(result.uplift_draws, 0.2, rtol=0.0, atol=1e-14)


# --- sampling distributions --------------------------------------------------------------

N_MEAN = 20_000
ordered_triples = st.lists(values, min_size=3, max_size=3).map(sorted)


def _triangular_variance(a: float, m: float, b: float) -> float:
    """Variance of a triangular distribution, (a^2+m^2+b^2-am-ab-mb)/18.

    The expression does not change when a is subtracted from every point, so it is computed
    from the offsets m-a and b-a, which avoids cancellation when the points are close.
    """
    d, e = m - a, b - a
    return (d * d + e * e - d * e) / 18


def _pert_variance(a: float, m: float, b: float) -> float:
    """Variance of Beta-PERT, (b-a)^2 alpha beta / ((alpha+beta)^2 (alpha+beta+1)).

    The shape parameters alpha and beta always sum to 6.
    """
    if a == b:
        return 0.0
    alpha = 1 + 4 * (m - a) / (b - a)
    beta = 1 + 4 * (b - m) / (b - a)
    return (b - a) ** 2 * alpha * beta / (36 * 7)


@given(ordered_triples, seeds)
def test_triangular_sample_mean_and_range(points: list[float], seed: int) -> None:
    """Triangular draws lie in [low, high] and average (a+m+b)/3 within 6 standard errors."""
    a, m, b = points
    drawn = Estimate.triangular(a, m, b).draw(N_MEAN, np.random.default_rng(seed))
    assert drawn.shape == (N_MEAN,)
    assert np.all((drawn >= a) & (drawn <= b))
    se = math.sqrt(_triangular_variance(a, m, b) / N_MEAN)
    assert float(drawn.mean()) == pytest.approx((a + m + b) / 3, rel=1e-12, abs=6 * se)


@given(ordered_triples, seeds)
def test_pert_sample_mean_and_range(points: list[float], seed: int) -> None:
    """PERT draws lie in [low, high] and average (a+4m+b)/6 within 6 standard errors."""
    a, m, b = points
    drawn = Estimate.pert(a, m, b).draw(N_MEAN, np.random.default_rng(seed))
    assert drawn.shape == (N_MEAN,)
    assert np.all((drawn >= a) & (drawn <= b))
    se = math.sqrt(_pert_variance(a, m, b) / N_MEAN)
    assert float(drawn.mean()) == pytest.approx((a + 4 * m + b) / 6, rel=1e-12, abs=6 * se)


@given(jwst.estimates(), seeds)
def test_sample_mean_matches_the_estimate_mean(estimate: Estimate, seed: int) -> None:
    """For every kind, the stated mean is the mean of the draws, within 6 standard errors."""
    p = estimate.parameters
    if estimate.kind in ("triangular", "pert"):
        variance = (_triangular_variance if estimate.kind == "triangular" else _pert_variance)(*p)
    elif estimate.kind == "normal":
        variance = p[1] ** 2
    else:
        variance = 0.0
    drawn = estimate.draw(N_MEAN, np.random.default_rng(seed))
    se = math.sqrt(variance / N_MEAN)
    assert float(drawn.mean()) == pytest.approx(estimate.mean, rel=1e-12, abs=6 * se)


# --- Monte Carlo probabilities against independent calculations --------------------------

N_MC = 200_000
# Tolerance: 5 Monte Carlo standard errors, 5 * sqrt(p(1-p)/n) with n = 200_000 draws (at
# p = 0.5 that is 0.0056). The reference values are exact or integrated to far better
# than that, so the tolerance is all sampling error; the seeds are fixed, so the tests are
# deterministic, and a wrong formula would be off by far more than 5 SE.
SE_MULTIPLE = 5.0


def _tolerance(p: float, n: int = N_MC) -> float:
    return SE_MULTIPLE * math.sqrt(p * (1 - p) / n)


def _triangular_survival(x: float, a: float, m: float, b: float) -> float:
    """P(X >= x) for X triangular on [a, b] with mode m, from the closed-form CDF."""
    if x <= a:
        return 1.0
    if x >= b:
        return 0.0
    if x <= m:
        return 1.0 - (x - a) ** 2 / ((b - a) * (m - a))
    return (b - x) ** 2 / ((b - a) * (b - m))


def _triangular_pdf(x: FloatArray, a: float, m: float, b: float) -> FloatArray:
    """Density of a triangular distribution (a < m < b) at each point of x."""
    rising = 2 * (x - a) / ((b - a) * (m - a))
    falling = 2 * (b - x) / ((b - a) * (b - m))
    inside = (x >= a) & (x <= b)
    return np.where(inside, np.where(x <= m, rising, falling), 0.0)


@pytest.mark.parametrize(
    ("fixed", "joint", "cost", "threshold", "bias", "expected_sig", "expected_pos"),
    [
        # B = 1000; significant iff J >= 1000*1.1+50 = 1150 <= mode:
        # 1 - 150^2/(300*200) = 1 - 22500/60000 = 0.625;
        # positive iff J > 1050: 1 - 50^2/60000 = 1 - 1/24 = 23/24
        ([400.0, 350.0, 250.0], (1000.0, 1200.0, 1300.0), 50.0, 0.1, 0.0, 0.625, 23 / 24),
        # B = 1000; significant iff J >= 1200 > mode: 200^2/(500*400) = 0.2;
        # positive iff J > 1000 = mode: 400^2/(500*400) = 0.8
        ([1000.0], (900.0, 1000.0, 1400.0), 0.0, 0.2, 0.0, 0.2, 0.8),
        # B = 1000; significant iff 0.75 J >= 1100+80, J >= 1180/0.75 = 4720/3 > mode:
        # (1800-4720/3)^2/(600*300) = (680/3)^2/180000 = 462400/1620000;
        # positive iff J > 1080/0.75 = 1440 < mode: 1 - 240^2/180000 = 1 - 0.32 = 0.68
        ([600.0, 400.0], (1200.0, 1500.0, 1800.0), 80.0, 0.1, 0.25, 462400 / 1620000, 0.68),
        # B = 100; significant iff J >= 150 > high 140: 0; positive iff J > 100 = low: 1
        ([100.0], (100.0, 110.0, 140.0), 0.0, 0.5, 0.0, 0.0, 1.0),
    ],
)
def test_triangular_joint_matches_closed_form(  # noqa: PLR0917 (one argument per input)
    fixed: list[float],
    joint: tuple[float, float, float],
    cost: float,
    threshold: float,
    bias: float,
    expected_sig: float,
    expected_pos: float,
) -> None:
    """With a triangular joint value, P(significant) = P(J >= (B(1+t)+C)/(1-bias)) exactly."""
    baseline = sum(fixed)
    sig = _triangular_survival((baseline * (1 + threshold) + cost) / (1 - bias), *joint)
    pos = _triangular_survival((baseline + cost) / (1 - bias), *joint)
    assert sig == pytest.approx(expected_sig, abs=1e-12)
    assert pos == pytest.approx(expected_pos, abs=1e-12)
    result = simulate_added_value(
        fixed,
        Estimate.triangular(*joint),
        cost=cost,
        threshold=threshold,
        optimism_bias=bias,
        draws=N_MC,
        seed=2016,
    )
    assert result.p_significant == pytest.approx(sig, abs=_tolerance(sig))
    assert result.p_positive == pytest.approx(pos, abs=_tolerance(pos))


def _integrated_probability(
    *,
    individual: tuple[float, float, float],
    fixed: float,
    joint: tuple[float, float, float],
    cost: float,
    uplift: float,
    bias: float,
) -> float:
    """P((J(1-bias) - C - B)/B >= uplift) with B = X + fixed, by midpoint-rule integration.

    Conditional on X = x the event is J >= ((1+uplift)(x+fixed)+C)/(1-bias), whose
    probability is the closed-form triangular survival function; integrate it against the
    density of X on a grid of a million cells (the integrand is piecewise smooth, so the
    error is far below 1e-6).
    """
    a, _, b = individual
    cells = 1_000_000
    x = a + (b - a) * (np.arange(cells) + 0.5) / cells
    density = _triangular_pdf(x, *individual)
    ja, jm, jb = joint
    level = ((1 + uplift) * (x + fixed) + cost) / (1 - bias)
    survival = np.where(
        level <= ja,
        1.0,
        np.where(
            level >= jb,
            0.0,
            np.where(
                level <= jm,
                1.0 - (level - ja) ** 2 / ((jb - ja) * (jm - ja)),
                (jb - level) ** 2 / ((jb - ja) * (jb - jm)),
            ),
        ),
    )
    return float(np.sum(density * survival) * (b - a) / cells)


@pytest.mark.parametrize(
    ("individual", "fixed", "joint", "cost", "threshold", "bias"),
    [
        # the docstring example with a triangular joint value: B = X + 650, X ~ tri(300, 350, 380)
        ((300.0, 350.0, 380.0), 650.0, (1000.0, 1200.0, 1300.0), 50.0, 0.1, 0.0),
        # one organisation, wide spreads, cost and optimism bias
        ((800.0, 1000.0, 1100.0), 0.0, (900.0, 1150.0, 1400.0), 20.0, 0.05, 0.1),
        # joint range overlapping the baseline range heavily: p_positive well below 1
        ((400.0, 500.0, 700.0), 100.0, (500.0, 700.0, 900.0), 0.0, 0.2, 0.0),
    ],
)
def test_triangular_individual_and_joint_match_integration(  # noqa: PLR0917 (one argument per input)
    individual: tuple[float, float, float],
    fixed: float,
    joint: tuple[float, float, float],
    cost: float,
    threshold: float,
    bias: float,
) -> None:
    """With triangular individual and joint values, the probabilities match integration."""
    # the integrator's own check: a certain event (uplift of -10 or more) integrates to 1
    assert _integrated_probability(
        individual=individual, fixed=fixed, joint=joint, cost=cost, uplift=-10.0, bias=bias
    ) == (pytest.approx(1.0, abs=1e-9))
    sig = _integrated_probability(
        individual=individual, fixed=fixed, joint=joint, cost=cost, uplift=threshold, bias=bias
    )
    pos = _integrated_probability(
        individual=individual, fixed=fixed, joint=joint, cost=cost, uplift=0.0, bias=bias
    )
    assert 0.0 < sig < pos <= 1.0
    result = simulate_added_value(
        [Estimate.triangular(*individual), fixed],
        Estimate.triangular(*joint),
        cost=cost,
        threshold=threshold,
        optimism_bias=bias,
        draws=N_MC,
        seed=2016,
    )
    assert result.p_significant == pytest.approx(sig, abs=_tolerance(sig))
    assert result.p_positive == pytest.approx(pos, abs=_tolerance(pos))
