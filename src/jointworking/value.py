"""The added-value test: is joint working worth more than the sum of its parts.

Rules R1 ("joint working has to deliver more value than is possible from the sum of
individual organisations ... a significant increase in value") and R2 ("if it is not a
significant increase in value then the rationale for doing it has to be seriously
questioned") of the article, as a point test (:func:`added_value`) and under uncertainty
(:func:`simulate_added_value`).
"""

from __future__ import annotations

import enum
import math
from collections.abc import Sequence
from typing import Final, Literal, TypeAlias

import attrs
import numpy as np
import numpy.typing as npt

from jointworking.errors import ArgumentError

__all__ = [
    "DEFAULT_THRESHOLD",
    "AddedValue",
    "Estimate",
    "EstimateKind",
    "Percentiles",
    "SimulatedAddedValue",
    "Verdict",
    "added_value",
    "simulate_added_value",
]

DEFAULT_THRESHOLD: Final = 0.10
"""The default uplift (10% over the sum of the parts) counted as *significant*.

This is a policy choice, not a finding of the article, which says only that the increase
should be "significant" rather than "marginal". Set your own threshold for your context.
"""

EstimateKind: TypeAlias = Literal["fixed", "triangular", "pert", "normal", "samples"]
"""The kinds of :class:`Estimate`."""

FloatArray: TypeAlias = npt.NDArray[np.float64]


class Verdict(enum.IntEnum):
    """The added-value verdict, ordered from worst to best.

    Examples
    --------
    >>> Verdict.NONE < Verdict.MARGINAL < Verdict.SIGNIFICANT
    True
    >>> str(Verdict.MARGINAL)
    'marginal'
    """

    NONE = 0
    """No increase: joint working delivers no more than the parts alone, net of its cost."""
    MARGINAL = 1
    """An increase smaller than the threshold: the rationale should be questioned (R2)."""
    SIGNIFICANT = 2
    """An increase at or above the threshold."""

    @property
    def label(self) -> str:
        """The verdict in lower case (``"significant"``)."""
        return self.name.lower()

    def __str__(self) -> str:
        return self.label

    def __repr__(self) -> str:
        return f"Verdict.{self.name}"


def _is_real(value: object) -> bool:
    return isinstance(value, int | float | np.integer | np.floating) and not isinstance(value, bool)


def _is_whole(value: object) -> bool:
    return isinstance(value, int | np.integer) and not isinstance(value, bool)


def _finite(value: object, argument: str) -> float:
    if isinstance(value, Estimate):
        raise ArgumentError(
            f"{argument}: an Estimate needs simulate_added_value; added_value takes numbers"
            f" (use {argument}.mean for a point estimate)"
        )
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise ArgumentError(f"{argument}: expected a number, got {value!r}")
    number = float(value)
    if not math.isfinite(number):
        raise ArgumentError(f"{argument}: expected a finite number, got {value!r}")
    return number


def _threshold(value: object) -> float:
    threshold = _finite(value, "threshold")
    if threshold < 0:
        raise ArgumentError(f"threshold: expected an uplift of zero or more, got {value!r}")
    return threshold


def _optimism_bias(value: object) -> float:
    bias = _finite(value, "optimism_bias")
    if not 0 <= bias < 1:
        raise ArgumentError(
            f"optimism_bias: expected a fraction from 0 up to (not including) 1, got {value!r}"
        )
    return bias


def _outcome(
    baseline: FloatArray, joint: FloatArray, cost: FloatArray | float, optimism_bias: float
) -> tuple[FloatArray, FloatArray]:
    """Return surplus and uplift; the one formula both the point test and Monte Carlo use.

    The surplus is computed in place in `joint`, which must be an array the caller owns
    and no longer needs: ``joint * (1 - optimism_bias) - cost - baseline``, operation by
    operation as written, so in place or not the results are the same to the last bit.
    """
    surplus = joint
    if optimism_bias:  # multiplying by exactly 1.0 changes nothing, so is skipped
        surplus *= 1.0 - optimism_bias
    surplus -= cost
    surplus -= baseline
    return surplus, surplus / baseline


#: Uplifts within this distance of a boundary (0, or the threshold) are read as on it:
#: values typed in decimal, such as 3 alone and 3.3 jointly (exactly 10% on paper), are
#: not quite that in binary floating point, and the verdict must not turn on the last bit.
BOUNDARY_TOLERANCE: Final = 1e-9


def _counts(uplift: FloatArray, threshold: float) -> tuple[int, int]:
    """Count the significant and the positive uplifts: the one grading rule of both tests.

    An uplift is positive when above 0 and significant when positive and at least
    `threshold` (inclusive); with a positive threshold the second implies the first. Both
    comparisons allow :data:`BOUNDARY_TOLERANCE` (relative to the threshold when it is
    above 1), so that an uplift on a boundary in decimal is on it.
    """
    above_zero = uplift > BOUNDARY_TOLERANCE
    positive = int(np.count_nonzero(above_zero))
    if threshold > 0:
        level = threshold - BOUNDARY_TOLERANCE * max(1.0, threshold)
        # Significant implies positive, even for a threshold within the tolerance of 0.
        return int(np.count_nonzero(above_zero & (uplift >= level))), positive
    return positive, positive


@attrs.frozen
class AddedValue:
    """The result of :func:`added_value`.

    Attributes
    ----------
    individual : tuple of float
        The value each organisation delivers alone.
    joint : float
        The value the joint working delivers, as given.
    cost : float
        The cost of the joint working itself.
    threshold : float
        The uplift counted as significant.
    optimism_bias : float
        The fraction by which `joint` was reduced before the test.
    baseline : float
        The sum of the parts, ``sum(individual)``.
    adjusted_joint : float
        ``joint * (1 - optimism_bias)``.
    surplus : float
        ``adjusted_joint - cost - baseline``: value beyond the sum of the parts.
    uplift : float
        ``surplus / baseline``.
    verdict : Verdict
        ``NONE`` if uplift <= 0, ``SIGNIFICANT`` if uplift >= threshold, else ``MARGINAL``.
    switching_value : float
        How far `joint` (as given, before the optimism bias) can fall before the verdict
        drops a grade, in the units of the values. For a significant verdict with a
        positive threshold the verdict still holds at a fall of exactly this amount (the
        threshold is inclusive); for a marginal one, or a significant one with a threshold
        of 0, a fall of exactly this amount leaves no increase at all. 0 when the verdict
        is none.
    """

    individual: tuple[float, ...]
    joint: float
    cost: float
    threshold: float
    optimism_bias: float
    baseline: float = attrs.field(repr=False)
    adjusted_joint: float = attrs.field(repr=False)
    surplus: float
    uplift: float
    verdict: Verdict
    switching_value: float

    def _repr_html_(self) -> str:
        from jointworking._display import added_value_html  # noqa: PLC0415 - notebooks only

        return added_value_html(self)


def _individual_values(individual: object) -> list[object]:
    if isinstance(individual, str | bytes) or not isinstance(individual, Sequence | np.ndarray):
        raise ArgumentError(
            "individual: expected a sequence with the value each organisation delivers alone,"
            f" got {type(individual).__name__}"
        )
    values = list(individual)
    if not values:
        raise ArgumentError("individual: expected at least one organisation's value, got none")
    return values


def added_value(
    individual: Sequence[float] | npt.NDArray[np.floating],
    joint: float,
    *,
    cost: float = 0.0,
    threshold: float = DEFAULT_THRESHOLD,
    optimism_bias: float = 0.0,
) -> AddedValue:
    r"""Test whether joint working adds significant value over the sum of its parts.

    Parameters
    ----------
    individual : sequence of float
        The value each organisation delivers alone; their sum (the baseline) must be
        positive.
    joint : float
        The value the organisations deliver working jointly, before the cost of the joint
        working itself.
    cost : float, optional
        The cost of the joint working (governance, integration, staff time); zero or more.
    threshold : float, optional
        The uplift over the baseline that counts as significant (inclusive, within one
        part in a billion, so that decimal inputs on the boundary meet it), zero or more.
        :data:`DEFAULT_THRESHOLD` (0.10) is a policy choice: set your own.
    optimism_bias : float, optional
        A fraction in [0, 1) by which to reduce `joint` before the test, for appraisals
        that correct for systematic optimism in projected benefits.

    Returns
    -------
    AddedValue

    Raises
    ------
    ArgumentError
        If any value is not a finite number, `individual` is empty or sums to zero or
        less, `cost` or `threshold` is negative, `optimism_bias` is outside [0, 1), or the
        surplus or uplift overflows (is not finite).

    Notes
    -----
    With baseline :math:`B = \sum_i v_i`, joint value :math:`J`, cost :math:`C` and
    optimism bias :math:`\beta`:

    .. math::

        S = J (1 - \beta) - C - B, \qquad u = S / B

    The verdict is *none* when :math:`u \le 0`, *significant* when :math:`u \ge t`, and
    *marginal* in between. The switching value is :math:`J - J^*` where :math:`J^*` solves
    :math:`u(J^*) = t` (significant) or :math:`u(J^*) = 0` (marginal).

    References
    ----------
    Rules R1 and R2: Morley, M. (2016). Getting the most from joint working. Switching
    values and optimism bias as used in public-sector appraisal (HM Treasury, The Green
    Book).

    Examples
    --------
    >>> r = added_value([400.0, 350.0, 250.0], 1200.0, cost=50.0)
    >>> r.surplus, r.uplift, r.verdict
    (150.0, 0.15, Verdict.SIGNIFICANT)
    >>> round(r.switching_value, 6)
    50.0
    """
    values = [_finite(v, f"individual[{i}]") for i, v in enumerate(_individual_values(individual))]
    joint_value = _finite(joint, "joint")
    cost_value = _finite(cost, "cost")
    if cost_value < 0:
        raise ArgumentError(f"cost: expected zero or more, got {cost!r}")
    t = _threshold(threshold)
    bias = _optimism_bias(optimism_bias)
    baseline = np.float64(0.0)
    with np.errstate(over="ignore"):  # an overflowing sum is reported just below
        for v in values:
            baseline = baseline + np.float64(v)  # the same order of addition as the simulation
    if not math.isfinite(baseline) or baseline <= 0:
        raise ArgumentError(
            f"individual: expected values whose sum (the baseline) is positive and finite,"
            f" got a sum of {float(baseline)!r}"
        )
    with np.errstate(over="ignore", invalid="ignore"):  # reported just below
        surplus, uplift = _outcome(np.asarray(baseline), np.asarray(joint_value), cost_value, bias)
    if not math.isfinite(uplift):
        raise ArgumentError(
            "joint, cost, individual: the values overflowed: the surplus or uplift is not"
            f" finite (surplus {float(surplus)!r}, uplift {float(uplift)!r})"
        )
    significant, positive = _counts(uplift, t)
    verdict = Verdict(significant + positive)  # significant implies positive: 0, 1 or 2
    if verdict is Verdict.NONE:
        switching = 0.0
    else:
        floor = float(baseline) * (1 + t if verdict is Verdict.SIGNIFICANT else 1) + cost_value
        switching = max(0.0, joint_value - floor / (1 - bias))
    return AddedValue(
        individual=tuple(values),
        joint=joint_value,
        cost=cost_value,
        threshold=t,
        optimism_bias=bias,
        baseline=float(baseline),
        adjusted_joint=joint_value * (1 - bias),
        surplus=float(surplus),
        uplift=float(uplift),
        verdict=verdict,
        switching_value=switching,
    )


def _array_equal(a: FloatArray | None, b: FloatArray | None) -> bool:
    if a is None or b is None:
        return a is b
    return bool(np.array_equal(a, b))


@attrs.frozen
class Estimate:
    """An uncertain value: fixed, three-point, normal, or given as samples.

    Build one with the class methods :meth:`fixed`, :meth:`triangular`, :meth:`pert`,
    :meth:`normal` and :meth:`samples`, not the constructor.

    Attributes
    ----------
    kind : {"fixed", "triangular", "pert", "normal", "samples"}
    parameters : tuple of float
        ``(value,)``, ``(low, mode, high)``, ``(low, mode, high)``, ``(mean, sd)``, or
        ``()`` for samples.
    values : ndarray or None
        The samples, read-only, for ``kind="samples"``.

    Examples
    --------
    >>> Estimate.pert(80, 100, 150).mean
    105.0
    >>> Estimate.triangular(90, 100, 140)
    Estimate(kind='triangular', parameters=(90.0, 100.0, 140.0))
    """

    kind: EstimateKind
    parameters: tuple[float, ...]
    values: FloatArray | None = attrs.field(
        default=None, repr=False, eq=attrs.cmp_using(eq=_array_equal), hash=False
    )

    def __attrs_post_init__(self) -> None:
        # The class methods validate; this guards direct construction too.
        sizes = {"fixed": 1, "triangular": 3, "pert": 3, "normal": 2, "samples": 0}
        if self.kind not in sizes or len(self.parameters) != sizes[self.kind]:
            raise ArgumentError(
                f"kind: expected one of {sorted(sizes)} with its parameters; build estimates"
                " with Estimate.fixed, .triangular, .pert, .normal or .samples"
            )
        if self.kind in ("triangular", "pert"):
            _three_point(*self.parameters)
        elif self.kind == "normal" and not (
            math.isfinite(self.parameters[0]) and 0 <= self.parameters[1] < math.inf
        ):
            raise ArgumentError(f"sd: expected a finite mean and sd >= 0, got {self.parameters}")
        elif self.kind == "fixed":
            _finite(self.parameters[0], "value")
        elif self.kind == "samples" and self.values is None:
            raise ArgumentError("values: a samples estimate needs its samples")

    @classmethod
    def fixed(cls, value: float) -> Estimate:
        """Return a value known exactly."""
        return cls("fixed", (_finite(value, "value"),))

    @classmethod
    def triangular(cls, low: float, mode: float, high: float) -> Estimate:
        """Return a triangular distribution over [low, high] peaking at `mode`."""
        return cls("triangular", _three_point(low, mode, high))

    @classmethod
    def pert(cls, low: float, mode: float, high: float) -> Estimate:
        """Return a Beta-PERT distribution over [low, high] with most likely value `mode`.

        The usual PERT weights: shape parameters :math:`1 + 4(m - a)/(b - a)` and
        :math:`1 + 4(b - m)/(b - a)`, mean :math:`(a + 4m + b)/6`.
        """
        return cls("pert", _three_point(low, mode, high))

    @classmethod
    def normal(cls, mean: float, sd: float) -> Estimate:
        """Return a normal distribution; `sd` must be zero or more."""
        centre, spread = _finite(mean, "mean"), _finite(sd, "sd")
        if spread < 0:
            raise ArgumentError(f"sd: expected a standard deviation of zero or more, got {sd!r}")
        return cls("normal", (centre, spread))

    @classmethod
    def samples(cls, values: npt.ArrayLike) -> Estimate:
        """Return the empirical distribution of draws made elsewhere.

        When a simulation asks for exactly as many draws as there are samples, they are
        used in the order given, so that samples drawn together elsewhere (for example
        correlated joint and individual values) keep their correlation. Otherwise they
        are resampled with replacement.
        """
        try:
            raw = np.asarray(values)
        except ValueError:  # ragged nested sequences
            raw = np.asarray(values, dtype=object)
        if raw.dtype.kind not in "iuf":
            raise ArgumentError(
                f"values: expected an array of numbers, got an array of {raw.dtype.name}"
            )
        array = raw.astype(np.float64).ravel()
        if array.size == 0:
            raise ArgumentError("values: expected at least one sample, got none")
        if not np.all(np.isfinite(array)):
            bad = int(np.flatnonzero(~np.isfinite(array))[0])
            raise ArgumentError(
                f"values: expected finite samples, got {float(array[bad])!r} at {bad}"
            )
        array.flags.writeable = False
        return cls("samples", (), array)

    @property
    def mean(self) -> float:
        """The distribution's mean."""
        p = self.parameters
        if self.kind == "triangular":
            return (p[0] + p[1] + p[2]) / 3
        if self.kind == "pert":
            return (p[0] + 4 * p[1] + p[2]) / 6
        if self.kind == "samples":
            return float(self._samples().mean())
        return p[0]

    @property
    def low(self) -> float:
        """The lowest value the estimate can take (``-inf`` for a normal with sd > 0)."""
        p = self.parameters
        if self.kind in ("triangular", "pert"):
            return p[0]
        if self.kind == "normal":
            return -math.inf if p[1] > 0 else p[0]
        if self.kind == "samples":
            return float(self._samples().min())
        return p[0]

    def draw(self, size: int, rng: np.random.Generator) -> FloatArray:
        """Draw `size` values using `rng`.

        Parameters
        ----------
        size : int
            How many values.
        rng : numpy.random.Generator
            The source of randomness.

        Returns
        -------
        ndarray of float64, shape (size,)
            A new array, which the caller may change.
        """
        p = self.parameters
        if self.kind == "samples":
            values = self._samples()
            if values.size == size:
                return values.copy()
            return values[rng.integers(0, values.size, size)]
        if self.kind == "normal":
            return rng.normal(p[0], p[1], size) if p[1] > 0 else np.full(size, p[0])
        if self.kind == "fixed" or p[0] == p[2]:
            return np.full(size, p[0])
        if self.kind == "triangular":
            return rng.triangular(p[0], p[1], p[2], size)
        low, mode, high = p
        alpha = 1 + 4 * (mode - low) / (high - low)
        beta = 1 + 4 * (high - mode) / (high - low)
        draws = rng.beta(alpha, beta, size)
        draws *= high - low  # low + (high - low) * draws, in place
        draws += low
        return draws

    def _constant(self) -> float | None:
        """Return the one value every draw takes, if the draws use no randomness.

        None if they do; always None for samples, which are resampled at random unless
        as many draws as samples are asked for.
        """
        p = self.parameters
        if self.kind == "fixed" or (self.kind == "normal" and p[1] == 0):
            return p[0]
        if self.kind in ("triangular", "pert") and p[0] == p[2]:
            return p[0]
        return None

    def _samples(self) -> FloatArray:
        if self.values is None:
            raise ArgumentError(f"a {self.kind} estimate has no samples")
        return self.values


def _three_point(low: float, mode: float, high: float) -> tuple[float, float, float]:
    a, m, b = _finite(low, "low"), _finite(mode, "mode"), _finite(high, "high")
    if a > m:
        raise ArgumentError(f"low: expected low <= mode, got low={low!r} > mode={mode!r}")
    if m > b:
        raise ArgumentError(f"high: expected mode <= high, got mode={mode!r} > high={high!r}")
    return a, m, b


@attrs.frozen
class Percentiles:
    """The 5th, 50th and 95th percentiles of a simulated quantity.

    Attributes
    ----------
    p5, p50, p95 : float
        Computed with numpy's default (linear) interpolation.
    """

    p5: float
    p50: float
    p95: float


@attrs.frozen
class SimulatedAddedValue:
    """The result of :func:`simulate_added_value`.

    Attributes
    ----------
    p_significant : float
        The share of draws whose uplift is positive and at least the threshold.
    p_positive : float
        The share of draws whose uplift is above zero.
    verdict : Verdict
        ``SIGNIFICANT`` if `p_significant` >= `confidence`; otherwise ``MARGINAL`` if
        `p_positive` >= `confidence`; otherwise ``NONE``.
    uplift : Percentiles
        Percentiles of the uplift.
    surplus : Percentiles
        Percentiles of the surplus, in the units of the values.
    threshold, confidence, optimism_bias : float
        The settings used.
    draws : int
        The number of draws.
    seed : int or None
        The seed given, if any.
    uplift_draws, surplus_draws : ndarray of float64, shape (draws,)
        Every draw, read-only, for plots and further analysis.
    """

    p_significant: float
    p_positive: float
    verdict: Verdict
    uplift: Percentiles
    surplus: Percentiles
    threshold: float
    confidence: float
    optimism_bias: float = attrs.field(repr=False)
    draws: int = attrs.field(repr=False)
    seed: int | None = attrs.field(repr=False)
    uplift_draws: FloatArray = attrs.field(repr=False, eq=False)
    surplus_draws: FloatArray = attrs.field(repr=False, eq=False)

    def _repr_html_(self) -> str:
        from jointworking._display import simulated_html  # noqa: PLC0415 - notebooks only

        return simulated_html(self)


def _as_estimate(value: object, argument: str) -> Estimate:
    if isinstance(value, Estimate):
        return value
    if not _is_real(value):
        raise ArgumentError(f"{argument}: expected a number or an Estimate, got {value!r}")
    return Estimate.fixed(_finite(value, argument))


def _order_statistics(values: FloatArray, ranks: Sequence[int]) -> dict[int, float]:
    """Return ``{rank: value}``: the values at `ranks` (0-based) of `values` once sorted.

    Reorders `values` in place; they must not contain NaN. Each rank is found by a
    partition around that one position of the smallest segment known to hold it (numpy
    partitions around a single position far faster than around several at once), or
    as the segment's minimum or maximum when at its end.
    """
    found: dict[int, float] = {}
    pending = [(0, values.size, sorted(set(ranks)))]
    while pending:
        lo, hi, wanted = pending.pop()  # every rank in wanted is in [lo, hi)
        segment = values[lo:hi]  # holds exactly the values of ranks lo .. hi - 1
        if wanted == [lo]:
            found[lo] = float(segment.min())
            continue
        if wanted == [hi - 1]:
            found[hi - 1] = float(segment.max())
            continue
        middle = wanted[len(wanted) // 2]
        segment.partition(middle - lo)
        found[middle] = float(values[middle])
        below = [r for r in wanted if r < middle]
        above = [r for r in wanted if r > middle]
        if below:
            pending.append((lo, middle, below))
        if above:
            pending.append((middle + 1, hi, above))
    return found


def _percentiles(draws: FloatArray, scratch: FloatArray | None = None) -> Percentiles:
    """Return the 5th, 50th and 95th percentiles of finite `draws`, without changing them.

    The same numbers, to the last bit, as ``numpy.percentile(draws, [5, 50, 95])`` with
    its default linear method, which partitions a copy around all the neighbouring
    positions at once; this finds them as in :func:`_order_statistics`, several times
    faster for large arrays, and interpolates with numpy's own formula (``_lerp``). The
    one exception is the sign of a zero percentile when the draws hold both 0.0 and
    -0.0, which are equal and so fall in whatever order a partition leaves them.
    `scratch`, an array of the same size whose contents may be overwritten, saves a copy.
    """
    n = draws.size
    work = draws.copy() if scratch is None else scratch
    if scratch is not None:
        np.copyto(work, draws)
    spans = []
    for q in (5.0, 50.0, 95.0):
        virtual = (n - 1) * (q / 100)  # numpy: (n - 1) * (q / 100) in float64
        if virtual >= n - 1:  # numpy takes the last value, with previous index -1
            spans.append((n - 1, n - 1, virtual + 1))
        else:
            below = math.floor(virtual)
            spans.append((below, below + 1, virtual - below))
    values = _order_statistics(work, [rank for span in spans for rank in span[:2]])
    result = []
    for below, above, gamma in spans:
        a, b = values[below], values[above]
        difference = b - a
        if gamma >= 0.5:  # numpy's _lerp, exact at both ends
            result.append(b - difference * (1 - gamma))
        else:
            result.append(a + difference * gamma)
    return Percentiles(*result)


def _count_not_finite(draws: FloatArray) -> int:
    """Count the draws that are infinite or NaN: two quick reductions, then a count if any."""
    lowest, highest = float(draws.min()), float(draws.max())  # NaN reaches both
    if math.isfinite(lowest) and math.isfinite(highest):
        return 0
    return int(np.count_nonzero(~np.isfinite(draws)))


def _baseline_draws(inputs: Sequence[Estimate], n: int, rng: np.random.Generator) -> FloatArray:
    """Draw every individual value in turn and return the sum of each draw (the baseline).

    The sum is accumulated in place in the first array drawn, adding constants as numbers,
    in the order given. Raises unless every sum is finite and positive. Must be called
    with numpy's overflow warnings off.
    """
    total: FloatArray | None = None
    for estimate in inputs:
        constant = estimate._constant()
        part = estimate.draw(n, rng) if constant is None else constant
        if total is None:
            total = part if isinstance(part, np.ndarray) else np.full(n, part)
        else:
            total += part
    if total is None:  # pragma: no cover - _individual_values rejects no inputs
        raise ArgumentError("individual: expected at least one organisation's value, got none")
    lowest, highest = float(total.min()), float(total.max())  # NaN reaches both
    if not (math.isfinite(lowest) and math.isfinite(highest)):
        infinite = int(np.count_nonzero(np.isinf(total)))
        undefined = int(np.count_nonzero(np.isnan(total)))
        if not undefined:
            raise ArgumentError(
                "individual: expected values whose sum (the baseline) is finite, got an"
                f" infinite sum in {infinite} of {n} draws"
            )
        raise ArgumentError(
            "individual: the simulated values overflowed: the sum of the individual values"
            f" (the baseline) is not finite in {infinite + undefined} of {n} draws"
        )
    if lowest <= 0:
        bad = int(np.count_nonzero(total <= 0))
        raise ArgumentError(
            f"individual: the sum of the individual values is zero or less in {bad} of {n}"
            " draws, where the uplift is undefined; use estimates bounded above zero"
            " (triangular or PERT)"
        )
    return total


def simulate_added_value(
    individual: Sequence[float | Estimate],
    joint: float | Estimate,
    *,
    cost: float | Estimate = 0.0,
    threshold: float = DEFAULT_THRESHOLD,
    optimism_bias: float = 0.0,
    confidence: float = 0.80,
    draws: int = 100_000,
    seed: int | None = None,
) -> SimulatedAddedValue:
    r"""Test added value under uncertainty, by seeded Monte Carlo simulation.

    Parameters
    ----------
    individual : sequence of float or Estimate
        The value each organisation delivers alone. Numbers and estimates mix freely.
    joint : float or Estimate
        The value delivered working jointly, before the cost of the joint working.
    cost : float or Estimate, optional
        The cost of the joint working; every draw must be zero or more.
    threshold : float, optional
        The uplift counted as significant (inclusive); :data:`DEFAULT_THRESHOLD` by
        default, a policy choice.
    optimism_bias : float, optional
        A fraction in [0, 1) by which every joint draw is reduced.
    confidence : float, optional
        How sure the verdict must be, strictly between 0 and 1; 0.80 by default.
    draws : int, optional
        The number of draws, at least 1.
    seed : int, optional
        Seed for :func:`numpy.random.default_rng`; the same seed gives the same result.

    Returns
    -------
    SimulatedAddedValue

    Raises
    ------
    ArgumentError
        As :func:`added_value` for the values, and if `confidence` is outside (0, 1),
        `draws` is less than 1, `seed` is negative, the baseline (the sum of the
        individual values) is zero or less in any draw, where the uplift is undefined, or
        any draw of the baseline, the joint value, the cost, the surplus or the uplift
        overflows (is not finite); the message names the argument or arguments.

    Notes
    -----
    Each draw applies the point test of :func:`added_value` to one draw of every input,
    the inputs drawn independently, in the order individual values, joint, cost. With
    fixed inputs the result is exactly that of :func:`added_value`. The verdict rests on
    the probabilities, not on a point estimate:

    .. math::

        P(\text{significant}) = P(u > 0 \wedge u \ge t), \qquad P(\text{positive}) = P(u > 0)

    Reporting the 5th, 50th and 95th percentiles follows the way risk-adjusted
    public-sector comparators are reported.

    References
    ----------
    Rules R1 and R2: Morley, M. (2016). Getting the most from joint working.

    Examples
    --------
    >>> r = simulate_added_value(
    ...     [400.0, Estimate.triangular(300, 350, 380), 250.0],
    ...     Estimate.pert(1000, 1200, 1300),
    ...     cost=50.0,
    ...     seed=7,
    ... )
    >>> round(r.uplift.p50, 2), round(r.p_significant, 2), r.verdict
    (0.14, 0.75, Verdict.MARGINAL)

    The median uplift is above the 10% threshold, but the chance that the uplift is
    significant is below the 80% confidence asked for: the increase is only marginal.
    """
    inputs = [
        _as_estimate(v, f"individual[{i}]") for i, v in enumerate(_individual_values(individual))
    ]
    joint_estimate = _as_estimate(joint, "joint")
    cost_estimate = _as_estimate(cost, "cost")
    if cost_estimate.low < 0:
        raise ArgumentError(f"cost: expected a cost that cannot fall below zero, got {cost!r}")
    t = _threshold(threshold)
    bias = _optimism_bias(optimism_bias)
    level = _finite(confidence, "confidence")
    if not 0 < level < 1:
        raise ArgumentError(
            f"confidence: expected a probability strictly between 0 and 1, got {confidence!r}"
        )
    if not _is_whole(draws) or draws < 1:
        raise ArgumentError(f"draws: expected a whole number of at least 1, got {draws!r}")
    if seed is not None and (not _is_whole(seed) or seed < 0):
        raise ArgumentError(f"seed: expected a whole number of zero or more or None, got {seed!r}")
    n = int(draws)
    rng = np.random.default_rng(seed)
    # Non-finite results (overflow, or inf - inf) are reported as errors, so numpy's
    # warnings about them are not wanted.
    with np.errstate(over="ignore", invalid="ignore"):
        baseline = _baseline_draws(inputs, n, rng)
        joint_draws = joint_estimate.draw(n, rng)
        cost_constant = cost_estimate._constant()
        cost_draws = cost_estimate.draw(n, rng) if cost_constant is None else cost_constant
        for name, part, what in (
            ("joint", joint_draws, "the joint value"),
            ("cost", cost_draws, "the cost"),
        ):
            if isinstance(part, np.ndarray) and (count := _count_not_finite(part)):
                raise ArgumentError(
                    f"{name}: the simulated values overflowed: {count} of {n} draws of {what}"
                    " are not finite"
                )
        surplus, uplift = _outcome(baseline, joint_draws, cost_draws, bias)
        # The baseline is finite and positive: the uplift is finite only where the surplus is.
        if count := _count_not_finite(uplift):
            raise ArgumentError(
                "joint, cost, individual: the simulated values overflowed: the surplus or"
                f" uplift is not finite in {count} of {n} draws; the values are too large, or"
                " the baseline too small beside them, for floating point"
            )
    significant, positive = _counts(uplift, t)
    p_significant = float(significant) / n
    p_positive = float(positive) / n
    if p_significant >= level:
        verdict = Verdict.SIGNIFICANT
    elif p_positive >= level:
        verdict = Verdict.MARGINAL
    else:
        verdict = Verdict.NONE
    surplus.flags.writeable = False
    uplift.flags.writeable = False
    return SimulatedAddedValue(
        p_significant=p_significant,
        p_positive=p_positive,
        verdict=verdict,
        uplift=_percentiles(uplift, scratch=baseline),  # the baseline is not needed now
        surplus=_percentiles(surplus, scratch=baseline),
        threshold=t,
        confidence=level,
        optimism_bias=bias,
        draws=n,
        seed=None if seed is None else int(seed),
        uplift_draws=uplift,
        surplus_draws=surplus,
    )
