"""Known cases and error paths of the added-value test, point and Monte Carlo."""

from __future__ import annotations

import itertools
import math
import re
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest

from jointworking.errors import ArgumentError
from jointworking.value import (
    DEFAULT_THRESHOLD,
    Estimate,
    Percentiles,
    Verdict,
    _ExactSums,
    added_value,
    simulate_added_value,
)

NONE, MARGINAL, SIGNIFICANT = Verdict.NONE, Verdict.MARGINAL, Verdict.SIGNIFICANT
FloatArray = npt.NDArray[np.float64]


class TestVerdict:
    def test_ordered_worst_to_best(self) -> None:
        """The verdicts compare from none through marginal to significant."""
        assert NONE < MARGINAL < SIGNIFICANT
        assert [int(v) for v in (NONE, MARGINAL, SIGNIFICANT)] == [0, 1, 2]

    def test_label_str_and_repr(self) -> None:
        """A verdict prints as its lower-case label and reprs as its qualified name."""
        assert SIGNIFICANT.label == "significant"
        assert str(MARGINAL) == "marginal"
        assert repr(NONE) == "Verdict.NONE"


class TestAddedValue:
    @pytest.mark.parametrize(
        (
            "individual",
            "joint",
            "cost",
            "threshold",
            "optimism_bias",
            "expected_surplus",
            "expected_uplift",
            "expected_verdict",
            "expected_switching",
        ),
        [
            # B = 400+350+250 = 1000; S = 1200-50-1000 = 150; u = 150/1000 = 0.15 >= 0.1;
            # J* = 1000*1.1+50 = 1150; switching = 1200-1150 = 50
            ([400.0, 350.0, 250.0], 1200.0, 50.0, 0.1, 0.0, 150.0, 0.15, SIGNIFICANT, 50.0),
            # B = 1000; S = 1080-0-1000 = 80; u = 0.08 in (0, 0.1); J* = 1000; sv = 1080-1000 = 80
            ([400.0, 350.0, 250.0], 1080.0, 0.0, 0.1, 0.0, 80.0, 0.08, MARGINAL, 80.0),
            # B = 1000; S = 900-1000 = -100; u = -0.1 <= 0: none, switching 0
            ([500.0, 500.0], 900.0, 0.0, 0.1, 0.0, -100.0, -0.1, NONE, 0.0),
            # B = 1000; S = 1100-100-1000 = 0; u = 0: none (the cost eats the gain)
            ([600.0, 400.0], 1100.0, 100.0, 0.1, 0.0, 0.0, 0.0, NONE, 0.0),
            # adjusted J = 1600*0.75 = 1200; S = 1200-50-1000 = 150; u = 0.15;
            # J* = (1000*1.1+50)/0.75 = 1150/0.75 = 4600/3; sv = 1600-4600/3 = 200/3
            ([1000.0], 1600.0, 50.0, 0.1, 0.25, 150.0, 0.15, SIGNIFICANT, 200 / 3),
            # adjusted J = 1400*0.75 = 1050; S = 50; u = 0.05; J* = 1000/0.75 = 4000/3;
            # sv = 1400-4000/3 = 200/3
            ([1000.0], 1400.0, 0.0, 0.1, 0.25, 50.0, 0.05, MARGINAL, 200 / 3),
            # B = 300+200 = 500; adjusted J = 800*0.75 = 600; S = 600-40-500 = 60;
            # u = 60/500 = 0.12 < 0.2; J* = (500+40)/0.75 = 720; sv = 800-720 = 80
            ([300.0, 200.0], 800.0, 40.0, 0.2, 0.25, 60.0, 0.12, MARGINAL, 80.0),
            # B = 500; adjusted J = 1000*0.5 = 500; S = 500-0-500 = 0; u = 0: none even though
            # the unadjusted joint value is twice the baseline
            ([250.0, 250.0], 1000.0, 0.0, 0.1, 0.5, 0.0, 0.0, NONE, 0.0),
            # threshold 0: S = 101-100 = 1; u = 0.01 > 0 = t, so significant; J* = 100; sv = 1
            ([100.0], 101.0, 0.0, 0.0, 0.0, 1.0, 0.01, SIGNIFICANT, 1.0),
            # threshold 0.5: S = 1400-1000 = 400; u = 0.4 < 0.5: marginal; J* = 1000; sv = 400
            ([700.0, 300.0], 1400.0, 0.0, 0.5, 0.0, 400.0, 0.4, MARGINAL, 400.0),
            # a negative individual value offsets the others: B = 1200-200 = 1000;
            # S = 1300-1000 = 300; u = 0.3; J* = 1100; sv = 200
            ([1200.0, -200.0], 1300.0, 0.0, 0.1, 0.0, 300.0, 0.3, SIGNIFICANT, 200.0),
        ],
    )
    def test_known_cases(  # noqa: PLR0917 (one argument per table column)
        self,
        individual: list[float],
        joint: float,
        cost: float,
        threshold: float,
        optimism_bias: float,
        expected_surplus: float,
        expected_uplift: float,
        expected_verdict: Verdict,
        expected_switching: float,
    ) -> None:
        """Surplus, uplift, verdict and switching value match hand arithmetic."""
        result = added_value(
            individual, joint, cost=cost, threshold=threshold, optimism_bias=optimism_bias
        )
        assert result.surplus == pytest.approx(expected_surplus, abs=1e-9)
        assert result.uplift == pytest.approx(expected_uplift, abs=1e-12)
        assert result.verdict is expected_verdict
        assert result.switching_value == pytest.approx(expected_switching, abs=1e-9)

    def test_records_inputs_and_derived_values(self) -> None:
        """The result keeps the inputs as floats, the baseline and the adjusted joint value."""
        # B = 300+200 = 500; adjusted J = 800*(1-0.25) = 600
        result = added_value([300, 200], 800, cost=40, threshold=0.2, optimism_bias=0.25)
        assert result.individual == (300.0, 200.0)
        assert all(type(v) is float for v in result.individual)
        assert (result.joint, result.cost, result.threshold) == (800.0, 40.0, 0.2)
        assert result.optimism_bias == 0.25
        assert result.baseline == 500.0
        assert result.adjusted_joint == 600.0

    def test_default_threshold_is_ten_percent(self) -> None:
        """Without a threshold, an uplift of exactly 10% is significant and 9% is marginal."""
        assert DEFAULT_THRESHOLD == 0.10
        # 100/1000 rounds to the same double as the literal 0.10
        assert added_value([1000.0], 1100.0).verdict is SIGNIFICANT
        # 90/1000 = 0.09 < 0.10
        assert added_value([1000.0], 1090.0).verdict is MARGINAL

    def test_threshold_is_inclusive(self) -> None:
        """An uplift exactly equal to the threshold is significant."""
        # B = 1000; S = 1125-1000 = 125; u = 0.125 = t, all exact in binary
        result = added_value([600.0, 400.0], 1125.0, threshold=0.125)
        assert result.uplift == 0.125
        assert result.verdict is SIGNIFICANT
        # J* = 1000*1.125 = 1125 = J
        assert result.switching_value == 0.0

    @pytest.mark.parametrize(
        ("individual", "joint", "threshold", "expected"),
        [
            # 3.3 / 3 - 1 is 0.09999999999999987 in binary: 10% on paper.
            ([3.0], 3.3, 0.1, SIGNIFICANT),
            ([0.7, 0.2], 0.99, 0.1, SIGNIFICANT),
            # 0.3 - (0.1 + 0.2) is -5.6e-17 in binary: no increase on paper.
            ([0.1, 0.2], 0.3, 0.1, NONE),
            ([1.1, 2.2], 3.3, 0.1, NONE),
            # A real shortfall, however small on paper, still counts.
            ([3.0], 3.2999, 0.1, MARGINAL),
            ([1000.0], 1000.001, 0.1, MARGINAL),
        ],
    )
    def test_decimal_boundaries_are_boundaries(
        self, individual: list[float], joint: float, threshold: float, expected: Verdict
    ) -> None:
        """Values typed in decimal that meet a boundary exactly on paper meet it here: the
        verdict does not turn on binary rounding (1e-9 relative tolerance)."""
        assert added_value(individual, joint, threshold=threshold).verdict is expected
        simulated = simulate_added_value(individual, joint, threshold=threshold, draws=500, seed=0)
        assert simulated.verdict is expected

    def test_just_below_threshold_is_marginal(self) -> None:
        """An uplift one step below the threshold is marginal."""
        # S = 1124.5-1000 = 124.5; u = 0.1245 < 0.125; J* = 1000; sv = 124.5
        result = added_value([600.0, 400.0], 1124.5, threshold=0.125)
        assert result.verdict is MARGINAL
        assert result.switching_value == 124.5

    def test_zero_uplift_is_none(self) -> None:
        """An uplift of exactly zero is no increase, so the verdict is none."""
        # S = 1000-0-1000 = 0
        result = added_value([600.0, 400.0], 1000.0)
        assert (result.surplus, result.uplift) == (0.0, 0.0)
        assert result.verdict is NONE
        assert result.switching_value == 0.0

    def test_tiny_positive_uplift_is_marginal(self) -> None:
        """Any positive uplift below the threshold, however small, is marginal."""
        # S = 1000.5-1000 = 0.5; u = 0.0005
        assert added_value([1000.0], 1000.5).verdict is MARGINAL

    @pytest.mark.parametrize(
        ("joint", "cost", "optimism_bias", "expected_switching"),
        [
            # J* = 1000*1.125 = 1125; sv = 1200-1125 = 75
            (1200.0, 0.0, 0.0, 75.0),
            # J* = (1000*1.125+75)/0.75 = 1200/0.75 = 1600; sv = 1700-1600 = 100
            (1700.0, 75.0, 0.25, 100.0),
            # J* = (1125+125)/0.5 = 2500; sv = 3000-2500 = 500
            (3000.0, 125.0, 0.5, 500.0),
        ],
    )
    def test_falling_by_switching_value_keeps_significant(
        self, joint: float, cost: float, optimism_bias: float, expected_switching: float
    ) -> None:
        """A significant verdict holds at a fall of exactly the switching value, not beyond."""
        kwargs: dict[str, Any] = {"cost": cost, "threshold": 0.125, "optimism_bias": optimism_bias}
        result = added_value([1000.0], joint, **kwargs)
        assert result.verdict is SIGNIFICANT
        assert result.switching_value == expected_switching
        at = added_value([1000.0], joint - expected_switching, **kwargs)
        assert at.uplift == 0.125
        assert at.verdict is SIGNIFICANT
        # a further fall of 0.5 leaves u just below 0.125
        assert added_value([1000.0], joint - expected_switching - 0.5, **kwargs).verdict is (
            MARGINAL
        )

    @pytest.mark.parametrize(
        ("joint", "cost", "optimism_bias", "expected_switching"),
        [
            # u = 100/1000 = 0.1 < 0.125; J* = 1000; sv = 1100-1000 = 100
            (1100.0, 0.0, 0.0, 100.0),
            # adjusted J = 1460*0.75 = 1095; S = 1095-50-1000 = 45; u = 0.045;
            # J* = (1000+50)/0.75 = 1400; sv = 1460-1400 = 60
            (1460.0, 50.0, 0.25, 60.0),
        ],
    )
    def test_falling_by_switching_value_ends_marginal(
        self, joint: float, cost: float, optimism_bias: float, expected_switching: float
    ) -> None:
        """A marginal verdict becomes none at a fall of exactly the switching value."""
        kwargs: dict[str, Any] = {"cost": cost, "threshold": 0.125, "optimism_bias": optimism_bias}
        result = added_value([1000.0], joint, **kwargs)
        assert result.verdict is MARGINAL
        assert result.switching_value == expected_switching
        at = added_value([1000.0], joint - expected_switching, **kwargs)
        assert at.uplift == 0.0
        assert at.verdict is NONE
        # a fall 0.5 short of the switching value still leaves a small positive uplift
        short = added_value([1000.0], joint - expected_switching + 0.5, **kwargs)
        assert short.verdict is MARGINAL

    def test_accepts_numpy_arrays_and_scalars(self) -> None:
        """Individual values as an ndarray and numpy scalars work like plain floats."""
        # B = 1000; S = 1200-50-1000 = 150; u = 0.15
        cost: Any = np.int64(50)  # numpy integers work, though the annotation says float
        result = added_value(np.array([400.0, 350.0, 250.0]), np.float64(1200.0), cost=cost)
        assert result.uplift == pytest.approx(0.15, abs=1e-15)
        assert result.verdict is SIGNIFICANT

    def test_accepts_a_tuple_of_integers(self) -> None:
        """Individual values may be a tuple of ints."""
        # B = 1000; S = 1200-1000 = 200; u = 0.2
        assert added_value((600, 400), 1200).uplift == 0.2

    @pytest.mark.parametrize(
        ("individual", "joint", "message"),
        [
            ([100.0], math.inf, "joint: expected a finite number, got inf"),
            ([100.0], -math.inf, "joint: expected a finite number, got -inf"),
            ([100.0, math.nan], 200.0, r"individual\[1\]: expected a finite number, got nan"),
            ([100.0], np.float64("nan"), "joint: expected a finite number"),
        ],
    )
    def test_rejects_non_finite_values(
        self, individual: list[float], joint: float, message: str
    ) -> None:
        """Infinite and NaN values are rejected, naming the argument."""
        with pytest.raises(ArgumentError, match=message):
            added_value(individual, joint)

    def test_rejects_non_finite_cost(self) -> None:
        """An infinite cost is rejected, naming the cost."""
        with pytest.raises(ArgumentError, match="cost: expected a finite number, got inf"):
            added_value([100.0], 200.0, cost=math.inf)

    @pytest.mark.parametrize(
        ("individual", "joint", "cost", "message"),
        [
            ([100.0], "200", 0.0, "joint: expected a number, got '200'"),
            ([100.0, None], 200.0, 0.0, r"individual\[1\]: expected a number, got None"),
            ([100.0], 200.0, [1.0], r"cost: expected a number, got \[1.0\]"),
            ([100.0], 200.0 + 0j, 0.0, "joint: expected a number, got"),
        ],
    )
    def test_rejects_non_numbers(
        self, individual: list[Any], joint: Any, cost: Any, message: str
    ) -> None:
        """Values that are not real numbers are rejected, naming the argument."""
        with pytest.raises(ArgumentError, match=message):
            added_value(individual, joint, cost=cost)

    @pytest.mark.parametrize(
        ("individual", "joint", "cost", "message"),
        [
            ([True, 100.0], 200.0, 0.0, r"individual\[0\]: expected a number, got True"),
            ([100.0], False, 0.0, "joint: expected a number, got False"),
            ([100.0], 200.0, True, "cost: expected a number, got True"),
            ([100.0], 200.0, np.bool_(True), "cost: expected a number, got"),
        ],
    )
    def test_rejects_bools(
        self, individual: list[Any], joint: Any, cost: Any, message: str
    ) -> None:
        """Booleans are not taken as 0 and 1."""
        with pytest.raises(ArgumentError, match=message):
            added_value(individual, joint, cost=cost)

    @pytest.mark.parametrize(
        ("individual", "name"), [(100.0, "float"), ("100", "str"), (None, "NoneType")]
    )
    def test_rejects_individual_not_a_sequence(self, individual: Any, name: str) -> None:
        """`individual` must be a sequence of values, not one number or a string."""
        with pytest.raises(ArgumentError, match=f"individual: expected a sequence .* got {name}"):
            added_value(individual, 200.0)

    @pytest.mark.parametrize("individual", [[], (), np.array([])])
    def test_rejects_empty_individual(self, individual: Any) -> None:
        """At least one organisation's value is needed."""
        with pytest.raises(ArgumentError, match="individual: expected at least one organisation"):
            added_value(individual, 200.0)

    @pytest.mark.parametrize(
        ("individual", "total"),
        [
            # 100 + -100 = 0
            ([100.0, -100.0], "0.0"),
            # a single negative value is its own sum
            ([-5.0], "-5.0"),
            ([0.0], "0.0"),
        ],
    )
    def test_rejects_non_positive_baseline(self, individual: list[float], total: str) -> None:
        """The sum of the parts must be positive and finite, since the uplift divides by it."""
        with pytest.raises(
            ArgumentError,
            match=rf"individual: expected values whose sum \(the baseline\) is positive and"
            rf" finite, got a sum of {total}",
        ):
            added_value(individual, 200.0)

    @pytest.mark.parametrize(
        ("individual", "joint", "cost", "outcome"),
        [
            # S = 1e308-0-0.5 = 1e308 (the 0.5 is lost to rounding); u = 1e308/0.5 = 2e308,
            # beyond the largest float (about 1.8e308), so inf
            ([0.5], 1e308, 0.0, r"surplus 1e\+308, uplift inf"),
            # S = -1.75e308-0-1e307 = -1.85e308: -inf, and u = -inf/1e307 = -inf
            ([1e307], -1.75e308, 0.0, "surplus -inf, uplift -inf"),
            # S = -1.7e308-1.7e308-1 = -3.4e308: -inf
            ([1.0], -1.7e308, 1.7e308, "surplus -inf, uplift -inf"),
        ],
    )
    def test_rejects_overflowing_results(
        self, individual: list[float], joint: float, cost: float, outcome: str
    ) -> None:
        """A surplus or uplift that overflows is an error naming the inputs, not a verdict."""
        with pytest.raises(
            ArgumentError,
            match=r"joint, cost, individual: the values overflowed: the surplus or uplift is"
            rf" not finite \({outcome}\)",
        ):
            added_value(individual, joint, cost=cost)

    def test_rejects_negative_cost(self) -> None:
        """The cost of joint working is zero or more."""
        with pytest.raises(ArgumentError, match=r"cost: expected zero or more, got -1\.0"):
            added_value([100.0], 200.0, cost=-1.0)

    def test_rejects_negative_threshold(self) -> None:
        """The threshold is an uplift of zero or more."""
        with pytest.raises(ArgumentError, match="threshold: expected an uplift of zero or more"):
            added_value([100.0], 200.0, threshold=-0.01)

    @pytest.mark.parametrize("bias", [-0.1, 1.0, 1.5])
    def test_rejects_optimism_bias_outside_unit_interval(self, bias: float) -> None:
        """The optimism bias is a fraction in [0, 1)."""
        with pytest.raises(
            ArgumentError, match=r"optimism_bias: expected a fraction from 0 up to \(not"
        ):
            added_value([100.0], 200.0, optimism_bias=bias)

    @pytest.mark.parametrize(
        ("individual", "joint", "cost", "argument"),
        [
            ([100.0], Estimate.triangular(150, 200, 250), 0.0, "joint"),
            ([100.0, Estimate.fixed(50.0)], 200.0, 0.0, r"individual\[1\]"),
            ([100.0], 200.0, Estimate.pert(0, 5, 10), "cost"),
        ],
    )
    def test_rejects_estimates(
        self, individual: list[Any], joint: Any, cost: Any, argument: str
    ) -> None:
        """An Estimate is pointed at simulate_added_value rather than silently reduced."""
        with pytest.raises(
            ArgumentError, match=f"{argument}: an Estimate needs simulate_added_value"
        ):
            added_value(individual, joint, cost=cost)


class TestEstimate:
    @pytest.mark.parametrize(
        ("estimate", "expected_mean", "expected_low"),
        [
            # the value itself
            (Estimate.fixed(7.5), 7.5, 7.5),
            # (90+100+140)/3 = 330/3 = 110
            (Estimate.triangular(90, 100, 140), 110.0, 90.0),
            # (80+4*100+150)/6 = 630/6 = 105
            (Estimate.pert(80, 100, 150), 105.0, 80.0),
            # mean as given; unbounded below when sd > 0
            (Estimate.normal(50, 5), 50.0, -math.inf),
            # sd 0 is a point mass at the mean
            (Estimate.normal(50, 0), 50.0, 50.0),
            # (1+2+3+6)/4 = 3; smallest sample 1
            (Estimate.samples([3.0, 1.0, 6.0, 2.0]), 3.0, 1.0),
        ],
    )
    def test_mean_and_low(
        self, estimate: Estimate, expected_mean: float, expected_low: float
    ) -> None:
        """The mean and lowest possible value follow each distribution's formula."""
        assert estimate.mean == pytest.approx(expected_mean, rel=1e-15)
        assert estimate.low == expected_low

    def test_parameters_are_floats(self) -> None:
        """The parameters are kept as floats, in the documented order."""
        assert Estimate.triangular(1, 2, 3).parameters == (1.0, 2.0, 3.0)
        assert Estimate.pert(1, 1, 1).parameters == (1.0, 1.0, 1.0)
        assert Estimate.normal(4, 2).parameters == (4.0, 2.0)
        three: Any = np.int64(3)
        assert Estimate.fixed(three).parameters == (3.0,)
        assert Estimate.samples([1, 2]).parameters == ()
        assert all(type(p) is float for p in Estimate.triangular(1, 2, 3).parameters)

    def test_repr_and_equality(self) -> None:
        """Estimates repr by kind and parameters and compare by value, samples included."""
        assert repr(Estimate.triangular(90, 100, 140)) == (
            "Estimate(kind='triangular', parameters=(90.0, 100.0, 140.0))"
        )
        assert Estimate.pert(1, 2, 3) == Estimate.pert(1.0, 2.0, 3.0)
        assert Estimate.pert(1, 2, 3) != Estimate.triangular(1, 2, 3)
        assert Estimate.samples([1.0, 2.0]) == Estimate.samples(np.array([1.0, 2.0]))
        assert Estimate.samples([1.0, 2.0]) != Estimate.samples([2.0, 1.0])

    def test_pert_draws_are_scaled_beta_draws(self) -> None:
        """A PERT draw is low + (high - low) * Beta(1 + 4(m-a)/(b-a), 1 + 4(b-m)/(b-a))."""
        # a, m, b = 80, 100, 150: shapes 1 + 80/70 and 1 + 200/70
        expected = 80 + (150 - 80) * np.random.default_rng(3).beta(
            1 + 4 * (100 - 80) / (150 - 80), 1 + 4 * (150 - 100) / (150 - 80), 1000
        )
        drawn = Estimate.pert(80, 100, 150).draw(1000, np.random.default_rng(3))
        assert np.array_equal(drawn, expected)

    def test_samples_are_a_read_only_copy(self) -> None:
        """The samples are copied in, flattened, and cannot be changed afterwards."""
        source = np.array([[1.0, 2.0], [3.0, 4.0]])
        estimate = Estimate.samples(source)
        source[0, 0] = 99.0
        assert estimate.values is not None
        assert estimate.values.tolist() == [1.0, 2.0, 3.0, 4.0]
        with pytest.raises(ValueError, match="read-only"):
            estimate.values[0] = 5.0

    def test_samples_drawn_in_order_when_sizes_match(self) -> None:
        """Asking for as many draws as there are samples returns them in order, as a copy."""
        estimate = Estimate.samples([5.0, 1.0, 4.0])
        drawn = estimate.draw(3, np.random.default_rng(0))
        assert drawn.tolist() == [5.0, 1.0, 4.0]
        drawn[0] = 0.0
        assert estimate.values is not None
        assert estimate.values[0] == 5.0

    def test_samples_resampled_otherwise(self) -> None:
        """Asking for a different number of draws resamples the values with replacement."""
        drawn = Estimate.samples([5.0, 1.0, 4.0]).draw(1000, np.random.default_rng(0))
        assert drawn.shape == (1000,)
        assert set(drawn.tolist()) == {1.0, 4.0, 5.0}

    @pytest.mark.parametrize(
        "estimate",
        [
            Estimate.fixed(3.0),
            Estimate.triangular(3, 3, 3),
            Estimate.pert(3, 3, 3),
            Estimate.normal(3, 0),
            Estimate.samples([3.0]),
        ],
    )
    def test_degenerate_estimates_draw_one_value(self, estimate: Estimate) -> None:
        """An estimate with no spread draws its one value every time."""
        drawn = estimate.draw(50, np.random.default_rng(1))
        assert drawn.dtype == np.float64
        assert drawn.tolist() == [3.0] * 50

    @pytest.mark.parametrize(
        "estimate",
        [
            Estimate.triangular(90, 100, 140),
            Estimate.triangular(90, 90, 140),
            Estimate.triangular(90, 140, 140),
            Estimate.pert(80, 100, 150),
            Estimate.pert(80, 80, 150),
        ],
    )
    def test_bounded_draws_stay_in_range(self, estimate: Estimate) -> None:
        """Triangular and PERT draws lie within [low, high] and vary."""
        low, _, high = estimate.parameters
        drawn = estimate.draw(10_000, np.random.default_rng(2))
        assert drawn.shape == (10_000,)
        assert low <= drawn.min() < drawn.max() <= high

    @pytest.mark.parametrize(
        ("value", "message"),
        [
            (math.inf, "value: expected a finite number, got inf"),
            (math.nan, "value: expected a finite number, got nan"),
            ("1", "value: expected a number, got '1'"),
            (True, "value: expected a number, got True"),
        ],
    )
    def test_fixed_rejects_bad_values(self, value: Any, message: str) -> None:
        """A fixed estimate needs a finite real number."""
        with pytest.raises(ArgumentError, match=message):
            Estimate.fixed(value)

    @pytest.mark.parametrize("kind", [Estimate.triangular, Estimate.pert])
    @pytest.mark.parametrize(
        ("low", "mode", "high", "message"),
        [
            (math.nan, 2.0, 3.0, "low: expected a finite number"),
            (1.0, math.inf, 3.0, "mode: expected a finite number"),
            (1.0, 2.0, None, "high: expected a number, got None"),
        ],
    )
    def test_three_point_rejects_bad_values(
        self, kind: Any, low: Any, mode: Any, high: Any, message: str
    ) -> None:
        """Each of the three points must be a finite number, named in the message."""
        with pytest.raises(ArgumentError, match=message):
            kind(low, mode, high)

    @pytest.mark.parametrize("kind", [Estimate.triangular, Estimate.pert])
    def test_rejects_low_above_mode(self, kind: Any) -> None:
        """The low value may not exceed the mode."""
        with pytest.raises(ArgumentError, match=r"low: expected low <= mode, got low=5 > mode=4"):
            kind(5, 4, 6)

    @pytest.mark.parametrize("kind", [Estimate.triangular, Estimate.pert])
    def test_rejects_mode_above_high(self, kind: Any) -> None:
        """The mode may not exceed the high value."""
        with pytest.raises(
            ArgumentError, match=r"high: expected mode <= high, got mode=7 > high=6"
        ):
            kind(5, 7, 6)

    def test_normal_rejects_negative_sd(self) -> None:
        """A standard deviation must be zero or more."""
        with pytest.raises(
            ArgumentError, match=r"sd: expected a standard deviation of zero or more, got -1"
        ):
            Estimate.normal(10, -1)

    @pytest.mark.parametrize(
        ("mean", "sd", "message"),
        [
            (math.nan, 1.0, "mean: expected a finite number"),
            (0.0, math.inf, "sd: expected a finite number"),
        ],
    )
    def test_normal_rejects_non_finite(self, mean: float, sd: float, message: str) -> None:
        """The mean and sd must be finite."""
        with pytest.raises(ArgumentError, match=message):
            Estimate.normal(mean, sd)

    @pytest.mark.parametrize("values", [[], np.array([]), [[]]])
    def test_samples_rejects_empty(self, values: Any) -> None:
        """At least one sample is needed."""
        with pytest.raises(ArgumentError, match="values: expected at least one sample, got none"):
            Estimate.samples(values)

    @pytest.mark.parametrize(
        ("values", "position"),
        [
            ([1.0, math.inf], 1),
            ([math.nan, 2.0, 3.0], 0),
        ],
    )
    def test_samples_rejects_non_finite(self, values: list[Any], position: int) -> None:
        """Every sample must be finite; the first bad one is located."""
        with pytest.raises(
            ArgumentError, match=f"values: expected finite samples, got .* at {position}"
        ):
            Estimate.samples(values)

    @pytest.mark.parametrize(
        "values", [["a", "b"], [1.0, "x"], [[1.0], [2.0, 3.0]], [1.0, None], ["1", "2"], [True]]
    )
    def test_samples_rejects_non_numbers(self, values: Any) -> None:
        """Samples must form an array of numbers."""
        with pytest.raises(ArgumentError, match="values: expected an array of numbers"):
            Estimate.samples(values)


class TestSimulateAddedValue:
    @pytest.mark.parametrize(
        ("individual", "joint", "cost", "optimism_bias", "expected_uplift", "expected_verdict"),
        [
            # S = 1200-50-1000 = 150; u = 0.15 >= 0.1
            ([400.0, 350.0, 250.0], 1200.0, 50.0, 0.0, 0.15, SIGNIFICANT),
            # S = 1080-1000 = 80; u = 0.08
            (
                [Estimate.fixed(400.0), 350.0, 250.0],
                Estimate.fixed(1080.0),
                0.0,
                0.0,
                0.08,
                MARGINAL,
            ),
            # S = 900-1000 = -100; u = -0.1
            ([500.0, 500.0], 900.0, Estimate.fixed(0.0), 0.0, -0.1, NONE),
            # adjusted J = 1400*0.75 = 1050; S = 50; u = 0.05
            ([1000.0], 1400.0, 0.0, 0.25, 0.05, MARGINAL),
        ],
    )
    def test_fixed_inputs_give_the_point_result(  # noqa: PLR0917 (one per table column)
        self,
        individual: list[Any],
        joint: Any,
        cost: Any,
        optimism_bias: float,
        expected_uplift: float,
        expected_verdict: Verdict,
    ) -> None:
        """With nothing uncertain, every draw is the point test's hand-computed result."""
        result = simulate_added_value(
            individual, joint, cost=cost, optimism_bias=optimism_bias, draws=500, seed=0
        )
        assert result.verdict is expected_verdict
        assert result.p_significant == (1.0 if expected_verdict is SIGNIFICANT else 0.0)
        assert result.p_positive == (0.0 if expected_verdict is NONE else 1.0)
        assert result.uplift_draws.tolist() == pytest.approx([expected_uplift] * 500, abs=1e-15)
        p = result.uplift
        assert p.p5 == p.p50 == p.p95 == pytest.approx(expected_uplift, abs=1e-15)

    @pytest.mark.parametrize(
        ("confidence", "expected_verdict"),
        [
            # uplifts -0.1, 0.05, 0.2, 0.3: p_significant = 2/4 = 0.5 >= 0.5
            (0.5, SIGNIFICANT),
            # 0.5 < 0.6 but p_positive = 3/4 = 0.75 >= 0.6
            (0.6, MARGINAL),
            # the comparison with p_positive is inclusive: 0.75 >= 0.75
            (0.75, MARGINAL),
            # 0.75 < 0.8: none (the default confidence)
            (0.8, NONE),
            (0.01, SIGNIFICANT),
        ],
    )
    def test_verdict_from_probabilities(self, confidence: float, expected_verdict: Verdict) -> None:
        """The verdict compares the probabilities with the confidence, inclusively."""
        # B = 100; joint samples used in order give S = -10, 5, 20, 30 and u = -0.1, 0.05,
        # 0.2, 0.3, 2,500 times over; t = 0.1 so half are significant and three quarters
        # positive. 10,000 draws: enough at every confidence here, 0.01 needing the most.
        result = simulate_added_value(
            [100.0],
            Estimate.samples(np.tile([90.0, 105.0, 120.0, 130.0], 2_500)),
            confidence=confidence,
            draws=10_000,
            seed=0,
        )
        assert (result.p_significant, result.p_positive) == (0.5, 0.75)
        assert result.verdict is expected_verdict

    def test_default_confidence_is_eighty_percent(self) -> None:
        """Without a confidence, 0.8 is used: p_significant of 0.8 suffices, 0.75 does not."""
        # u = -0.1, 0.05, 0.2, 0.3 as above (125 times over): p_positive 0.75 < 0.8
        four = simulate_added_value(
            [100.0], Estimate.samples(np.tile([90.0, 105.0, 120.0, 130.0], 125)), draws=500
        )
        assert four.confidence == 0.8
        assert four.verdict is NONE
        # u = -0.1, 0.2, 0.2, 0.2, 0.2 (100 times over): p_significant = 4/5 = 0.8
        five = simulate_added_value(
            [100.0], Estimate.samples(np.tile([90.0, 120.0, 120.0, 120.0, 120.0], 100)), draws=500
        )
        assert five.p_significant == 0.8
        assert five.verdict is SIGNIFICANT

    def test_percentiles_use_linear_interpolation(self) -> None:
        """Percentiles of uplift and surplus are the 5th, 50th and 95th, interpolated linearly."""
        # B = 1000; joint samples 1000+k for k = 0..1000 give S = k and u = k/1000; with
        # 1001 sorted values the q-th percentile sits at index 10q exactly: S = 50, 500, 950
        result = simulate_added_value(
            [1000.0], Estimate.samples(1000.0 + np.arange(1001.0)), draws=1001, seed=0
        )
        assert result.surplus == Percentiles(50.0, 500.0, 950.0)
        assert result.uplift.p5 == pytest.approx(0.05, abs=1e-12)
        assert result.uplift.p50 == pytest.approx(0.5, abs=1e-12)
        assert result.uplift.p95 == pytest.approx(0.95, abs=1e-12)
        # k >= 1 is positive: 1000/1001; k >= 100 is significant at t = 0.1: 901/1001
        assert result.p_positive == 1000 / 1001
        assert result.p_significant == 901 / 1001

    def test_threshold_is_inclusive(self) -> None:
        """Draws with an uplift exactly at the threshold count as significant."""
        # B = 1000; u = 0.125 in every draw, exact in binary
        result = simulate_added_value([1000.0], 1125.0, threshold=0.125, draws=500, seed=0)
        assert result.p_significant == 1.0
        assert result.verdict is SIGNIFICANT

    def test_zero_uplift_is_not_positive(self) -> None:
        """Draws with an uplift of exactly zero are neither positive nor significant."""
        # B = 1000; S = 1000-1000 = 0 even with threshold 0
        result = simulate_added_value([1000.0], 1000.0, threshold=0.0, draws=500, seed=0)
        assert (result.p_significant, result.p_positive) == (0.0, 0.0)
        assert result.verdict is NONE

    def test_records_settings_and_draws(self) -> None:
        """The result keeps its settings and every draw, read-only."""
        seed: Any = np.int64(11)
        result = simulate_added_value(
            [Estimate.triangular(300, 350, 380), 650.0],
            Estimate.pert(1000, 1200, 1300),
            cost=Estimate.triangular(0, 10, 20),
            threshold=0.05,
            optimism_bias=0.1,
            confidence=0.9,
            draws=1000,
            seed=seed,
        )
        assert (result.threshold, result.confidence, result.optimism_bias) == (0.05, 0.9, 0.1)
        assert result.draws == 1000
        assert result.seed == 11
        assert type(result.seed) is int
        assert result.uplift_draws.shape == result.surplus_draws.shape == (1000,)
        with pytest.raises(ValueError, match="read-only"):
            result.uplift_draws[0] = 0.0
        with pytest.raises(ValueError, match="read-only"):
            result.surplus_draws[0] = 0.0
        # surplus and uplift are the same draws: u = S / B with B in [950, 1030]
        ratio = result.surplus_draws / result.uplift_draws
        assert np.all((ratio >= 950.0) & (ratio <= 1030.0))

    def test_draws_follow_the_documented_sequence(self) -> None:
        """A seeded result is the point test applied to draws made in the documented order.

        Individual values in order, then joint, then cost, from one generator; numbers and
        estimates with no spread use no randomness; each draw's baseline is the exact sum of
        its individual values, rounded once (math.fsum). The expected values are computed
        here with numpy and math.fsum alone, so seeded results stay reproducible from
        version to version.
        """
        n, seed = 1001, 42
        result = simulate_added_value(
            [
                Estimate.pert(80, 100, 150),
                Estimate.triangular(90, 120, 140),
                50.0,
                Estimate.normal(200, 5),
                Estimate.normal(7, 0),
                Estimate.samples([10.0, 20.0, 25.0]),
            ],
            Estimate.pert(450, 560, 700),
            cost=Estimate.triangular(0, 20, 40),
            threshold=0.05,
            optimism_bias=0.1,
            draws=n,
            seed=seed,
        )
        rng = np.random.default_rng(seed)
        pert = 80 + (150 - 80) * rng.beta(
            1 + 4 * (100 - 80) / (150 - 80), 1 + 4 * (150 - 100) / (150 - 80), n
        )
        triangular = rng.triangular(90, 120, 140, n)
        normal = rng.normal(200, 5, n)
        resampled = np.array([10.0, 20.0, 25.0])[rng.integers(0, 3, n)]
        joint = 450 + (700 - 450) * rng.beta(
            1 + 4 * (560 - 450) / (700 - 450), 1 + 4 * (700 - 560) / (700 - 450), n
        )
        cost = rng.triangular(0, 20, 40, n)
        parts = [pert, triangular, np.full(n, 50.0), normal, np.full(n, 7.0), resampled]
        baseline = np.array([math.fsum(draw) for draw in np.column_stack(parts).tolist()])
        # adding from left to right would differ in the last bit in some draws
        assert not np.array_equal(baseline, pert + triangular + 50.0 + normal + 7.0 + resampled)
        surplus = joint * (1 - 0.1) - cost - baseline
        uplift = surplus / baseline
        assert np.array_equal(result.surplus_draws, surplus)
        assert np.array_equal(result.uplift_draws, uplift)
        assert result.surplus == Percentiles(*np.percentile(surplus, [5, 50, 95]).tolist())
        assert result.uplift == Percentiles(*np.percentile(uplift, [5, 50, 95]).tolist())
        assert result.p_positive == np.count_nonzero(uplift > 0) / n
        assert result.p_significant == np.count_nonzero((uplift > 0) & (uplift >= 0.05)) / n
        # the case is not trivial: some draws fall in each grade
        assert 0 < result.p_significant < result.p_positive < 1

    @pytest.mark.parametrize("draws", [500, 501, 997, 1001, 100_003])
    @pytest.mark.parametrize(
        "joint",
        [
            Estimate.triangular(90, 110, 140),
            # few distinct values, so many ties
            Estimate.samples([100.0, 101.0, 105.0, 120.0, 130.0]),
        ],
    )
    def test_percentiles_are_numpys_linear_percentiles(self, draws: int, joint: Estimate) -> None:
        """The percentiles are exactly numpy's default (linear) percentiles of the draws."""
        result = simulate_added_value(
            [Estimate.triangular(40, 50, 70), 50.0], joint, draws=draws, seed=5
        )
        for name in ("uplift", "surplus"):
            expected = np.percentile(getattr(result, f"{name}_draws"), [5, 50, 95])
            assert getattr(result, name) == Percentiles(*expected.tolist()), name

    @pytest.mark.parametrize(
        ("individual", "joint", "cost", "message"),
        [
            # S = 1e308-0-0.5 = 1e308; u = 1e308/0.5 = 2e308, beyond the largest float
            # (about 1.8e308): inf in every draw
            (
                [0.5],
                1e308,
                0.0,
                r"joint, cost, individual: the simulated values overflowed: the surplus or"
                " uplift is not finite in 500 of 500 draws",
            ),
            # S = -1.75e308-0-1e307 = -1.85e308: -inf; this gave a verdict of none and NaN
            # percentiles before
            (
                [1e307],
                Estimate.fixed(-1.75e308),
                0.0,
                "joint, cost, individual: the simulated values overflowed: the surplus or"
                " uplift is not finite in 500 of 500 draws",
            ),
            # u = 1e10/1e-300 = 1e310: a tiny baseline overflows the division
            (
                [1e-300],
                1e10,
                0.0,
                "joint, cost, individual: the simulated values overflowed",
            ),
            # numpy's triangular multiplies (high - low) by (high - mode) or (mode - low):
            # 1e300 * 1e300 overflows, so every draw is 1e300 - sqrt(inf) = -inf (the other
            # branch, taken with probability 1e-100, gives 0 + sqrt(inf) = inf)
            (
                [100.0],
                Estimate.triangular(0, 1e200, 1e300),
                0.0,
                "joint: the simulated values overflowed: 500 of 500 draws of the joint value"
                " are not finite",
            ),
            (
                [100.0],
                200.0,
                Estimate.triangular(0, 1e200, 1e300),
                "cost: the simulated values overflowed: 500 of 500 draws of the cost are not"
                " finite",
            ),
            # an individual value's draws that overflow (as above) are named by position
            (
                [100.0, Estimate.triangular(0, 1e200, 1e300)],
                200.0,
                0.0,
                r"individual\[1\]: the simulated values overflowed: 500 of 500 draws are not"
                " finite",
            ),
        ],
    )
    def test_rejects_non_finite_draws(
        self, individual: list[Any], joint: Any, cost: Any, message: str
    ) -> None:
        """Draws or results that overflow are an error naming the arguments, not a verdict."""
        with pytest.raises(ArgumentError, match=message):
            simulate_added_value(individual, joint, cost=cost, draws=500, seed=3)

    def test_different_seeds_differ(self) -> None:
        """Different seeds give different draws of an uncertain input."""
        args: tuple[list[float], Estimate] = ([1000.0], Estimate.triangular(1000, 1100, 1300))
        a = simulate_added_value(*args, draws=500, seed=1)
        b = simulate_added_value(*args, draws=500, seed=2)
        assert not np.array_equal(a.uplift_draws, b.uplift_draws)

    def test_no_seed_is_recorded_as_none(self) -> None:
        """Without a seed, the simulation still runs and records seed None."""
        result = simulate_added_value([1000.0], Estimate.triangular(1000, 1100, 1300), draws=500)
        assert result.seed is None
        assert np.all((result.uplift_draws >= 0.0) & (result.uplift_draws <= 0.3))

    @pytest.mark.parametrize(
        ("confidence", "fewest"),
        [
            # 100 / min(c, 1 - c), with c as written in decimal: 100 / 0.2 = 500, not the
            # 501 that the binary 1 - 0.8 = 0.19999999999999996 would give
            (0.8, 500),
            (0.5, 200),
            (0.9, 1_000),
            (0.95, 2_000),
            (0.99, 10_000),
            (0.01, 10_000),
            (0.999, 100_000),
        ],
    )
    def test_fewest_draws_depend_on_the_confidence(self, confidence: float, fewest: int) -> None:
        """At least 100 draws must be expected on each side of the confidence level."""
        result = simulate_added_value([1000.0], 1200.0, confidence=confidence, draws=fewest)
        assert result.draws == fewest
        with pytest.raises(
            ArgumentError,
            match=rf"draws: expected at least {fewest:,} at confidence {confidence:g}, got"
            rf" {fewest - 1:,}; fewer draws cannot put 100 on each side of the confidence level",
        ):
            simulate_added_value([1000.0], 1200.0, confidence=confidence, draws=fewest - 1)

    @pytest.mark.parametrize("draws", [1, 5, 100, 499])
    def test_rejects_too_few_draws_for_a_verdict(self, draws: int) -> None:
        """A handful of draws cannot support a verdict at 80% confidence: an error, not one."""
        with pytest.raises(
            ArgumentError, match=f"draws: expected at least 500 at confidence 0.8, got {draws}"
        ):
            simulate_added_value([1000.0], Estimate.pert(1000, 1200, 1300), draws=draws)

    @pytest.mark.parametrize(
        ("draws", "shown"),
        [
            (10_000_001, "10,000,001"),
            (1_000_000_000, "1,000,000,000"),
            (np.int64(2**62), "4,611,686,018,427,387,904"),
            (10**400, "an integer of about 401 digits"),
        ],
    )
    def test_rejects_too_many_draws(self, draws: Any, shown: str) -> None:
        """More than 10,000,000 draws is an error, before any memory is taken."""
        with pytest.raises(
            ArgumentError,
            match=f"draws: expected at most 10,000,000, got {shown}; every draw is kept in memory",
        ):
            simulate_added_value([1000.0], Estimate.pert(1000, 1200, 1300), draws=draws)

    def test_most_draws(self) -> None:
        """10,000,000 draws, the most, are allowed."""
        result = simulate_added_value([1000.0], 1200.0, draws=10_000_000)
        assert result.uplift_draws.shape == (10_000_000,)

    @pytest.mark.parametrize("confidence", [0.999999, 1e-6, 0.999991])
    def test_rejects_confidence_beyond_the_most_draws(self, confidence: float) -> None:
        """A confidence that would need more than 10,000,000 draws is an error."""
        with pytest.raises(
            ArgumentError,
            match=r"confidence: expected a probability from 0\.00001 to 0\.99999, got"
            rf" {confidence!r}; a verdict closer to 0 or 1 needs more than 10,000,000 draws",
        ):
            simulate_added_value([1000.0], 1200.0, confidence=confidence)

    def test_accepts_numpy_array_of_individual_values(self) -> None:
        """Individual values may be an ndarray of numbers."""
        # B = 1000; S = 1200-50-1000 = 150; u = 0.15
        result = simulate_added_value(np.array([400.0, 350.0, 250.0]), 1200.0, cost=50.0, draws=500)  # type: ignore[arg-type]
        assert result.uplift.p50 == pytest.approx(0.15, abs=1e-15)

    @pytest.mark.parametrize(
        ("individual", "joint", "cost", "message"),
        [
            ([100.0], math.inf, 0.0, "joint: expected a finite number, got inf"),
            ([100.0, math.nan], 200.0, 0.0, r"individual\[1\]: expected a finite number"),
            ([100.0], 200.0, math.inf, "cost: expected a finite number"),
        ],
    )
    def test_rejects_non_finite_values(
        self, individual: list[Any], joint: Any, cost: Any, message: str
    ) -> None:
        """Infinite and NaN numbers are rejected, naming the argument."""
        with pytest.raises(ArgumentError, match=message):
            simulate_added_value(individual, joint, cost=cost, draws=500)

    @pytest.mark.parametrize(
        ("individual", "joint", "cost", "message"),
        [
            (["100"], 200.0, 0.0, r"individual\[0\]: expected a number or an Estimate, got '100'"),
            ([100.0], None, 0.0, "joint: expected a number or an Estimate, got None"),
            ([100.0], 200.0, "5", "cost: expected a number or an Estimate, got '5'"),
        ],
    )
    def test_rejects_non_numbers(
        self, individual: list[Any], joint: Any, cost: Any, message: str
    ) -> None:
        """Values that are neither numbers nor estimates are rejected."""
        with pytest.raises(ArgumentError, match=message):
            simulate_added_value(individual, joint, cost=cost, draws=500)

    @pytest.mark.parametrize(
        ("individual", "joint", "cost", "message"),
        [
            ([True], 200.0, 0.0, r"individual\[0\]: expected a number or an Estimate, got True"),
            ([100.0], False, 0.0, "joint: expected a number or an Estimate, got False"),
            ([100.0], 200.0, True, "cost: expected a number or an Estimate, got True"),
        ],
    )
    def test_rejects_bools(
        self, individual: list[Any], joint: Any, cost: Any, message: str
    ) -> None:
        """Booleans are not taken as 0 and 1."""
        with pytest.raises(ArgumentError, match=message):
            simulate_added_value(individual, joint, cost=cost, draws=500)

    def test_rejects_individual_not_a_sequence(self) -> None:
        """`individual` must be a sequence."""
        with pytest.raises(ArgumentError, match=r"individual: expected a sequence .* got float"):
            simulate_added_value(100.0, 200.0)  # type: ignore[arg-type]

    def test_rejects_empty_individual(self) -> None:
        """At least one organisation's value is needed."""
        with pytest.raises(ArgumentError, match="individual: expected at least one organisation"):
            simulate_added_value([], 200.0)

    @pytest.mark.parametrize(
        ("individual", "count"),
        [
            # every draw sums to 100 + -100 = 0
            ([100.0, -100.0], "500 of 500"),
            ([Estimate.fixed(-1.0)], "500 of 500"),
            # triangular(-10, 0, 10) + 5 is at most 0 whenever the draw is at most -5, which
            # happens with probability 5^2/(20*10) = 1/8: about 62 of 500 draws here
            ([Estimate.triangular(-10, 0, 10), 5.0], r"[1-9][0-9] of 500"),
        ],
    )
    def test_rejects_non_positive_baseline_draws(self, individual: list[Any], count: str) -> None:
        """Any draw whose baseline is zero or less is an error, with the count of such draws."""
        with pytest.raises(
            ArgumentError,
            match=rf"individual: the sum of the individual values is zero or less in {count}"
            " draws",
        ):
            simulate_added_value(individual, 200.0, draws=500, seed=20)

    @pytest.mark.parametrize(
        ("individual", "total"),
        [
            # 1e308 + 1e308 overflows; this was an infinite baseline before
            ([1e308, Estimate.fixed(1e308)], r"more than 1\.8e\+308"),
            # the magnitudes, not the sum: 9e306 - 9e306 + 1 is 1, but the magnitudes add up
            # to 1.8e307, beyond the limit
            ([9e306, -9e306, 1.0], r"1\.8e\+307"),
            # the largest magnitude drawn of each: up to 6e306, plus 5e306
            ([Estimate.pert(5e306, 5.5e306, 6e306), 5e306], r"1\.[01][0-9]*e\+307"),
        ],
    )
    def test_rejects_values_too_large_to_add(self, individual: list[Any], total: str) -> None:
        """Individual values whose magnitudes add up to more than 1e307 are an error."""
        with pytest.raises(
            ArgumentError,
            match="individual: expected values whose magnitudes add up to at most 1e\\+307, so"
            f" that no sum of them can overflow, got .* up to {total}",
        ):
            simulate_added_value(individual, 200.0, draws=500, seed=1)

    @pytest.mark.parametrize(
        "cost",
        [
            -1.0,
            Estimate.fixed(-1.0),
            Estimate.triangular(-1, 5, 10),
            Estimate.pert(-1, 5, 10),
            Estimate.normal(10, 1),
            Estimate.samples([3.0, -0.5]),
        ],
    )
    def test_rejects_cost_that_can_be_negative(self, cost: Any) -> None:
        """A cost whose distribution reaches below zero is rejected before drawing."""
        with pytest.raises(
            ArgumentError, match="cost: expected a cost that cannot fall below zero"
        ):
            simulate_added_value([100.0], 200.0, cost=cost)

    @pytest.mark.parametrize(
        "cost",
        [0.0, Estimate.normal(10, 0), Estimate.triangular(0, 5, 10), Estimate.samples([0.0])],
    )
    def test_accepts_cost_bounded_at_zero(self, cost: Any) -> None:
        """A cost that can reach zero but not below is accepted."""
        result = simulate_added_value([100.0], 200.0, cost=cost, draws=500, seed=0)
        assert result.draws == 500

    def test_rejects_negative_threshold(self) -> None:
        """The threshold is an uplift of zero or more."""
        with pytest.raises(ArgumentError, match="threshold: expected an uplift of zero or more"):
            simulate_added_value([100.0], 200.0, threshold=-0.5)

    @pytest.mark.parametrize("bias", [-0.5, 1.0])
    def test_rejects_optimism_bias_outside_unit_interval(self, bias: float) -> None:
        """The optimism bias is a fraction in [0, 1)."""
        with pytest.raises(ArgumentError, match="optimism_bias: expected a fraction from 0"):
            simulate_added_value([100.0], 200.0, optimism_bias=bias)

    @pytest.mark.parametrize("confidence", [0.0, 1.0, -0.1, 1.5])
    def test_rejects_confidence_outside_open_unit_interval(self, confidence: float) -> None:
        """The confidence is strictly between 0 and 1: both ends are rejected."""
        with pytest.raises(
            ArgumentError, match="confidence: expected a probability strictly between 0 and 1"
        ):
            simulate_added_value([100.0], 200.0, confidence=confidence)

    def test_rejects_non_finite_confidence(self) -> None:
        """A NaN confidence is rejected as not finite."""
        with pytest.raises(ArgumentError, match="confidence: expected a finite number"):
            simulate_added_value([100.0], 200.0, confidence=math.nan)

    @pytest.mark.parametrize("draws", [0, -5, np.int64(0)])
    def test_rejects_draws_below_one(self, draws: Any) -> None:
        """No draws, or a negative number of them, is an error giving the accepted range."""
        with pytest.raises(
            ArgumentError,
            match=f"draws: expected a whole number of draws from 500 to 10,000,000, got {draws}",
        ):
            simulate_added_value([100.0], 200.0, draws=draws)

    @pytest.mark.parametrize(
        ("draws", "shown"),
        [
            (1000.0, "1000.0"),
            (2.5, "2.5"),
            (True, "True"),
            ("1000", "'1000'"),
            (None, "None"),
            (np.timedelta64(1000, "D"), "np.timedelta64"),
        ],
    )
    def test_rejects_non_integer_draws(self, draws: Any, shown: str) -> None:
        """The number of draws must be an integer, not a float, bool, string or timedelta."""
        with pytest.raises(
            ArgumentError,
            match=rf"draws: expected a whole number of draws from 500 to 10,000,000, got"
            rf" {re.escape(shown)}",
        ):
            simulate_added_value([100.0], 200.0, draws=draws)

    @pytest.mark.parametrize("seed", [1.5, 2.0, True, "7", -1])
    def test_rejects_bad_seed(self, seed: Any) -> None:
        """A seed must be a whole number of zero or more, or None."""
        with pytest.raises(
            ArgumentError, match="seed: expected a whole number of zero or more or None"
        ):
            simulate_added_value([100.0], 200.0, seed=seed)


class TestEstimateConstructor:
    @pytest.mark.parametrize(
        ("kind", "parameters", "message"),
        [
            ("triangular", (3.0, 2.0, 1.0), "low: expected low <= mode"),
            ("pert", (1.0, 2.0), r"parameters: expected \(low, mode, high\) for a pert"),
            ("normal", (0.0, -1.0), "sd: expected a standard deviation of zero or more"),
            ("lognormal", (0.0, 1.0), "kind: expected one of"),
            ("fixed", (math.inf,), "value: expected a finite number"),
            ("samples", (), "values: a samples estimate needs its samples"),
        ],
    )
    def test_direct_construction_is_validated(
        self, kind: Any, parameters: tuple[float, ...], message: str
    ) -> None:
        """Building an Estimate directly is checked as the class methods check."""
        with pytest.raises(ArgumentError, match=message):
            Estimate(kind, parameters)


class TestOrderOfOrganisations:
    @pytest.mark.parametrize("order", list(itertools.permutations([1e16, 3.0, -1e16])))
    def test_point_baseline_is_the_exact_sum_in_any_order(self, order: tuple[float, ...]) -> None:
        """The baseline is the exact sum rounded once, so the verdict ignores the order."""
        # B = 1e16 + 3 - 1e16 = 3 exactly; from left to right 1e16 + 3 rounds to 1e16 + 4
        # and the sum to 4 (u = -0.16, none), or in another order to 3
        result = added_value(list(order), 3.35)
        assert result.baseline == 3.0
        # S = 3.35 - 3 = 0.35; u = 0.35 / 3 = 0.1167 >= 0.1
        assert result.uplift == pytest.approx(0.35 / 3, rel=1e-12)
        assert result.verdict is SIGNIFICANT

    def test_simulated_baseline_is_the_exact_sum_in_every_draw(self) -> None:
        """Each draw's baseline is the exact sum of its individual values rounded once, in
        whatever order the numbers among them are given, even where the values cancel so
        nearly that the fast exact summation cannot vouch for a draw and it is summed again.
        """
        # 2**53 + 1.5 rounds to 2**53 + 2, so adding from left to right turns the 1.5 into 2
        fixed = [2.0**53, 1.5, -(2.0**53)]
        n, seed = 2_000, 9
        rng = np.random.default_rng(seed)
        first = 1 + 2 * rng.beta(3.0, 3.0, n)  # pert(1, 2, 3)
        second = 2e-20 * rng.beta(3.0, 3.0, n)  # pert(0, 1e-20, 2e-20)
        joint = rng.triangular(10, 12, 14, n)
        rows = [[*fixed, a, b] for a, b in zip(first.tolist(), second.tolist(), strict=True)]
        baseline = np.array([math.fsum(row) for row in rows])
        assert not np.array_equal(baseline, 2.0**53 + 1.5 - 2.0**53 + first + second)
        # the fast summation leaves some draws to be summed again: that path is taken
        sums = _ExactSums(n)
        parts: list[FloatArray | float] = [*fixed, first.copy(), second.copy()]
        for part in parts:
            sums.add(part)
        total, uncertain = sums.result()
        assert 0 < uncertain.size < n
        # every draw it vouches for is already the exact sum rounded once
        assert np.array_equal(np.delete(total, uncertain), np.delete(baseline, uncertain))
        for order in itertools.permutations(fixed):
            result = simulate_added_value(
                [*order, Estimate.pert(1, 2, 3), Estimate.pert(0, 1e-20, 2e-20)],
                Estimate.triangular(10, 12, 14),
                draws=n,
                seed=seed,
            )
            assert np.array_equal(result.surplus_draws, joint - baseline), order
            assert np.array_equal(result.uplift_draws, (joint - baseline) / baseline), order


class TestVerdictValues:
    @pytest.mark.parametrize(
        ("value", "expected"), [(0, NONE), (np.int8(1), MARGINAL), (2, SIGNIFICANT)]
    )
    def test_from_its_grade(self, value: Any, expected: Verdict) -> None:
        """A verdict is found from its grade, an int or a numpy integer."""
        assert Verdict(value) is expected

    @pytest.mark.parametrize(
        ("value", "shown"),
        [(3, "3"), (True, "True"), (1.0, "1.0"), ("marginal", "'marginal'"), (None, "None")],
    )
    def test_rejects_anything_else(self, value: Any, shown: str) -> None:
        """Anything but 0, 1 or 2 is an ArgumentError giving the grades."""
        with pytest.raises(
            ArgumentError,
            match=r"Verdict: expected 0 \(none\), 1 \(marginal\) or 2 \(significant\), got"
            f" {re.escape(shown)}",
        ):
            Verdict(value)
