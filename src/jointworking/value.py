"""The added-value test: is joint working worth more than the sum of its parts.

Rules R1 ("joint working has to deliver more value than is possible from the sum of
individual organisations ... a significant increase in value") and R2 ("if it is not a
significant increase in value then the rationale for doing it has to be seriously
questioned") of the article, as a point test (:func:`added_value`) and under uncertainty
(:func:`~jointworking.simulate_added_value`).
"""

from __future__ import annotations

import enum
import math
import operator
from collections.abc import Sequence
from fractions import Fraction
from typing import Final, Literal, TypeAlias

import attrs
import numpy as np
import numpy.typing as npt

from jointworking.errors import ArgumentError, _shown
from jointworking.rung import _IntEnumType

__all__ = [
    "DEFAULT_THRESHOLD",
    "MAX_DRAWS",
    "MIN_TAIL_DRAWS",
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

MAX_DRAWS: Final = 10_000_000
"""The most draws :func:`~jointworking.simulate_added_value` makes, and
:meth:`~jointworking.Estimate.draw` returns.

Every draw of the surplus and the uplift is kept (the percentiles are exact, and the
result holds the draws for plots), so memory grows with the draws: about 35 bytes a draw
at the peak, some 0.35 GB at this limit. Ten million draws give every probability to
within about 0.0003 (two standard errors at worst), far finer than any verdict needs.
"""

MIN_TAIL_DRAWS: Final = 100
"""How many draws :func:`~jointworking.simulate_added_value` needs on each side of the
confidence level.

A simulation must make at least ``MIN_TAIL_DRAWS / min(confidence, 1 - confidence)``
draws (500 at the default confidence of 0.8), so that a share of draws equal to the
confidence level, and the share on the other side of it, are each at least 100 draws:
the Monte Carlo standard error of the smaller share is then at most a tenth of it.
"""

_MAGNITUDE_LIMIT: Final = 1e307
"""The most the magnitudes of the individual values may add up to.

Within it no sum of the values, in any order, and no step of the exact summation can
overflow (the largest float is about 1.8e308), so the baseline never depends on the
order of the organisations.
"""


class Verdict(enum.IntEnum, metaclass=_IntEnumType):
    """The added-value verdict, ordered from worst to best.

    ``Verdict(2)`` is the verdict of that grade; any value but 0, 1 or 2 is an
    :class:`~jointworking.ArgumentError`.

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
    """Whether `value` is a real number: int, float or numpy number, not bool or timedelta."""
    return isinstance(value, int | float | np.integer | np.floating) and not isinstance(
        value, bool | np.timedelta64
    )


def _is_whole(value: object) -> bool:
    """Whether `value` is a whole number: int or numpy integer, not bool or timedelta."""
    return isinstance(value, int | np.integer) and not isinstance(value, bool | np.timedelta64)


def _real(value: object, argument: str) -> float:
    """Return `value` as a finite float, or raise an ArgumentError naming `argument`.

    The one check of every number this module takes. Real numbers only (int, float and
    numpy numbers; not bool, str, complex or timedelta); an int too large for a float and a
    value that is infinite or NaN are refused.
    """
    if not _is_real(value):
        raise ArgumentError(f"{argument}: expected a number, got {_shown(value)}")
    try:
        number = float(value)  # type: ignore[arg-type]  # _is_real admits only numbers
    except OverflowError:  # an int beyond the float range
        raise ArgumentError(
            f"{argument}: expected a finite number, got {_shown(value)}, too large for a float"
        ) from None
    if not math.isfinite(number):
        raise ArgumentError(f"{argument}: expected a finite number, got {_shown(value)}")
    return number


def _finite(value: object, argument: str) -> float:
    """:func:`_real` for the point test, which points an Estimate at the simulation."""
    if isinstance(value, Estimate):
        raise ArgumentError(
            f"{argument}: an Estimate needs simulate_added_value; added_value takes numbers"
            f" (use {argument}.mean for a point estimate)"
        )
    return _real(value, argument)


def _whole(value: object, argument: str, *, low: int, high: int | None, what: str) -> int:
    """Return `value` as an int from `low` to `high` (no limit if None), or raise.

    `what` describes the accepted values in the message (``"a whole number of at least
    1"``); a value of the right type out of range is shown with thousands separators.
    """
    if not _is_whole(value):
        raise ArgumentError(f"{argument}: expected {what}, got {_shown(value)}")
    number = operator.index(value)  # type: ignore[arg-type]  # _is_whole admits only integers
    if number < low or (high is not None and number > high):
        raise ArgumentError(f"{argument}: expected {what}, got {_count_text(number)}")
    return number


def _count_text(number: int) -> str:
    """Return a whole number with thousands separators, or its size if it is huge."""
    return f"{number:,}" if abs(number) < 10**30 else _shown(number)


def _threshold(value: object) -> float:
    threshold = _real(value, "threshold")
    if threshold < 0:
        raise ArgumentError(f"threshold: expected an uplift of zero or more, got {value!r}")
    return threshold


def _optimism_bias(value: object) -> float:
    bias = _real(value, "optimism_bias")
    if not 0 <= bias < 1:
        raise ArgumentError(
            f"optimism_bias: expected a fraction from 0 up to (not including) 1, got {value!r}"
        )
    return bias


def _min_draws(confidence: float) -> int:
    """Return the fewest draws that can support a verdict at `confidence`.

    ``ceil(MIN_TAIL_DRAWS / min(c, 1 - c))`` with `c` the confidence as written in decimal
    (its shortest repr), so that 0.8 asks for exactly 500 draws, not 501 for the binary
    rounding of 1 - 0.8.
    """
    written = Fraction(repr(confidence))
    return math.ceil(MIN_TAIL_DRAWS / min(written, 1 - written))


_LOWEST_CONFIDENCE: Final = MIN_TAIL_DRAWS / MAX_DRAWS
"""The confidence closest to 0 (and, subtracted from 1, to 1) that :data:`MAX_DRAWS` serve."""


def _decimal(number: float) -> str:
    """Write a probability in plain decimal, to ten places at most (0.00001, not 1e-05)."""
    return f"{number:.10f}".rstrip("0").rstrip(".")


def _confidence(value: object) -> float:
    """Return the confidence, checked to be one that a simulation can support."""
    level = _real(value, "confidence")
    if not 0 < level < 1:
        raise ArgumentError(
            f"confidence: expected a probability strictly between 0 and 1, got {_shown(value)}"
        )
    if _min_draws(level) > MAX_DRAWS:
        raise ArgumentError(
            f"confidence: expected a probability from {_decimal(_LOWEST_CONFIDENCE)} to"
            f" {_decimal(1 - _LOWEST_CONFIDENCE)}, got {_shown(value)}; a verdict closer to 0"
            f" or 1 needs more than {MAX_DRAWS:,} draws"
        )
    return level


def _draws(value: object, confidence: float) -> int:
    """Return the number of draws, checked against the limits at `confidence`."""
    fewest = _min_draws(confidence)
    what = f"a whole number of draws from {fewest:,} to {MAX_DRAWS:,}"
    n = _whole(value, "draws", low=1, high=None, what=what)
    if n > MAX_DRAWS:
        raise ArgumentError(
            f"draws: expected at most {MAX_DRAWS:,}, got {_count_text(n)}; every draw is kept"
            f" in memory, and {MAX_DRAWS:,} draws give every probability to within about 0.0003"
        )
    if n < fewest:
        raise ArgumentError(
            f"draws: expected at least {fewest:,} at confidence {confidence:g}, got {n:,};"
            f" fewer draws cannot put {MIN_TAIL_DRAWS} on each side of the confidence level"
        )
    return n


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
    """Return the items of `individual`, after checking it is a non-empty flat sequence."""
    if isinstance(individual, str | bytes) or not isinstance(individual, Sequence | np.ndarray):
        raise ArgumentError(
            "individual: expected a sequence with the value each organisation delivers alone,"
            f" got {type(individual).__name__}"
        )
    if isinstance(individual, np.ndarray) and individual.ndim != 1:
        raise ArgumentError(
            "individual: expected a one-dimensional sequence with the value each organisation"
            f" delivers alone, got an array of shape {individual.shape}"
        )
    values = list(individual)
    if not values:
        raise ArgumentError("individual: expected at least one organisation's value, got none")
    return values


def _too_large(magnitudes: Sequence[float]) -> str | None:
    """Return the sum of `magnitudes` as text if it exceeds :data:`_MAGNITUDE_LIMIT`.

    None when within the limit; the sum is exact (:func:`math.fsum`), so the answer does
    not depend on the order of `magnitudes`.
    """
    try:
        total = math.fsum(magnitudes)
    except OverflowError:  # beyond the largest float
        return "more than 1.8e+308"
    return None if total <= _MAGNITUDE_LIMIT else f"{total:.3g}"


def _exact_sum(values: Sequence[float]) -> float:
    """Return the exact sum of the individual values, rounded once: the same in any order.

    Raises unless their magnitudes add up to at most :data:`_MAGNITUDE_LIMIT`.
    """
    excess = _too_large([abs(v) for v in values])
    if excess is not None:
        raise ArgumentError(
            "individual: expected values whose magnitudes add up to at most"
            f" {_MAGNITUDE_LIMIT:g}, so that no sum of them can overflow, got magnitudes"
            f" adding up to {excess}"
        )
    return math.fsum(values)


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
        If any value is not a real number (bools, strings, complex numbers and estimates
        are refused) or is not finite, including an int too large for a float;
        `individual` is not a one-dimensional sequence, is empty, has values whose
        magnitudes add up to more than 1e307, or sums to zero or less; `cost` or
        `threshold` is negative; `optimism_bias` is outside [0, 1); or the surplus or
        uplift overflows (is not finite). The message names the argument.

    Notes
    -----
    With baseline :math:`B = \sum_i v_i`, joint value :math:`J`, cost :math:`C` and
    optimism bias :math:`\beta`:

    .. math::

        S = J (1 - \beta) - C - B, \qquad u = S / B

    The verdict is *none* when :math:`u \le 0`, *significant* when :math:`u \ge t`, and
    *marginal* in between. The switching value is :math:`J - J^*` where :math:`J^*` solves
    :math:`u(J^*) = t` (significant) or :math:`u(J^*) = 0` (marginal).

    The baseline is the exact sum of the individual values, rounded once
    (``math.fsum``), so it does not depend on their order: ``[1e16, 3, -1e16]`` sums
    to 3 in any order, where adding from left to right would give 4. So that no sum can
    overflow, whatever the order, the magnitudes of the individual values may add up to
    at most 1e307.

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
    baseline = _exact_sum(values)
    if baseline <= 0:
        raise ArgumentError(
            "individual: expected values whose sum (the baseline) is positive and finite, got"
            f" a sum of {baseline!r}"
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


_PARAMETER_NAMES: Final[dict[str, tuple[str, ...]]] = {
    "fixed": ("value",),
    "triangular": ("low", "mode", "high"),
    "pert": ("low", "mode", "high"),
    "normal": ("mean", "sd"),
    "samples": (),
}
"""The parameters of each kind of :class:`Estimate`, by the names its class method uses."""


def _samples_array(values: npt.ArrayLike | None) -> FloatArray | None:
    """Return samples as a new read-only float64 vector after checking them; None stays None."""
    if values is None:
        return None
    try:
        raw = np.asarray(values)
    except (ValueError, TypeError, OverflowError):  # ragged or otherwise not an array
        raise ArgumentError(
            "values: expected an array of numbers, got a sequence that is not one (ragged,"
            " or holding numbers too large for an array)"
        ) from None
    if raw.dtype.kind not in "iuf":
        raise ArgumentError(
            f"values: expected an array of numbers, got an array of {raw.dtype.name}"
        )
    with np.errstate(over="ignore"):  # a long double beyond float64 becomes inf, refused below
        array = raw.astype(np.float64).ravel()
    if array.size == 0:
        raise ArgumentError("values: expected at least one sample, got none")
    if not np.all(np.isfinite(array)):
        bad = int(np.flatnonzero(~np.isfinite(array))[0])
        raise ArgumentError(f"values: expected finite samples, got {float(array[bad])!r} at {bad}")
    array.flags.writeable = False
    return array


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
        default=None,
        converter=_samples_array,
        repr=False,
        eq=attrs.cmp_using(eq=_array_equal),
        hash=False,
    )

    def __attrs_post_init__(self) -> None:
        # Every estimate is checked here, however it was built: the class methods name the
        # kind and pass the caller's values on, so there is one set of checks and messages.
        kind: object = self.kind
        names = _PARAMETER_NAMES.get(kind) if isinstance(kind, str) else None
        if names is None:
            raise ArgumentError(
                f"kind: expected one of {sorted(_PARAMETER_NAMES)}, got {_shown(kind)}; build"
                " estimates with Estimate.fixed, .triangular, .pert, .normal or .samples"
            )
        given: object = self.parameters
        if not isinstance(given, tuple | list) or len(given) != len(names):
            raise ArgumentError(
                f"parameters: expected ({', '.join(names)}) for a {kind} estimate, got"
                f" {_shown(given)}"
            )
        numbers = tuple(_real(v, name) for v, name in zip(given, names, strict=True))
        if kind in ("triangular", "pert"):
            _check_three_point(numbers, given, kind)
        elif kind == "normal" and numbers[1] < 0:
            raise ArgumentError(
                f"sd: expected a standard deviation of zero or more, got {_shown(given[1])}"
            )
        if (kind == "samples") != (self.values is not None):
            raise ArgumentError(
                "values: a samples estimate needs its samples"
                if kind == "samples"
                else f"values: only a samples estimate has samples, not a {kind} estimate"
            )
        object.__setattr__(self, "parameters", numbers)  # floats, even if given as ints

    @classmethod
    def fixed(cls, value: float) -> Estimate:
        """Return a value known exactly."""
        return cls("fixed", (value,))

    @classmethod
    def triangular(cls, low: float, mode: float, high: float) -> Estimate:
        """Return a triangular distribution over [low, high] peaking at `mode`."""
        return cls("triangular", (low, mode, high))

    @classmethod
    def pert(cls, low: float, mode: float, high: float) -> Estimate:
        """Return a Beta-PERT distribution over [low, high] with most likely value `mode`.

        The usual PERT weights: shape parameters :math:`1 + 4(m - a)/(b - a)` and
        :math:`1 + 4(b - m)/(b - a)`, mean :math:`(a + 4m + b)/6`. The range
        :math:`b - a` must be at most a quarter of the largest float (about 4.5e307), so
        that the shapes can be computed.
        """
        return cls("pert", (low, mode, high))

    @classmethod
    def normal(cls, mean: float, sd: float) -> Estimate:
        """Return a normal distribution; `sd` must be zero or more."""
        return cls("normal", (mean, sd))

    @classmethod
    def samples(cls, values: npt.ArrayLike) -> Estimate:
        """Return the empirical distribution of draws made elsewhere.

        When a simulation asks for exactly as many draws as there are samples, they are
        used in the order given, so that samples drawn together elsewhere (for example
        correlated joint and individual values) keep their correlation. Otherwise they
        are resampled with replacement.
        """
        return cls("samples", (), values)

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
            How many values, from 0 to ``MAX_DRAWS``.
        rng : numpy.random.Generator
            The source of randomness.

        Returns
        -------
        ndarray of float64, shape (size,)
            A new array, which the caller may change.

        Raises
        ------
        ArgumentError
            If `size` is not a whole number from 0 to ``MAX_DRAWS`` (10,000,000), or
            `rng` is not a ``numpy.random.Generator``.
        """
        size = _whole(
            size, "size", low=0, high=MAX_DRAWS, what=f"a whole number from 0 to {MAX_DRAWS:,}"
        )
        if not isinstance(rng, np.random.Generator):
            raise ArgumentError(
                "rng: expected a numpy.random.Generator, such as numpy.random.default_rng(seed),"
                f" got {type(rng).__name__}"
            )
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


def _check_three_point(numbers: tuple[float, ...], given: Sequence[object], kind: str) -> None:
    """Check that low <= mode <= high, and for PERT that the range is not too wide."""
    a, m, b = numbers
    low, mode, high = (_shown(v) for v in given)
    if a > m:
        raise ArgumentError(f"low: expected low <= mode, got low={low} > mode={mode}")
    if m > b:
        raise ArgumentError(f"high: expected mode <= high, got mode={mode} > high={high}")
    if kind == "pert" and not math.isfinite(4 * (b - a)):
        raise ArgumentError(
            "high: expected a range high - low of at most a quarter of the largest float"
            f" (about 4.5e307) for a pert estimate, got low={low}, high={high}"
        )


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
    """The result of :func:`~jointworking.simulate_added_value`.

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
        raise ArgumentError(f"{argument}: expected a number or an Estimate, got {_shown(value)}")
    return Estimate.fixed(_real(value, argument))


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


_BLOCK: Final = 1 << 14
"""How many draws the exact summation handles at a time (128 KiB of float64 per array)."""

_UNIT: Final = 2.0**-53
"""The unit roundoff of float64: a rounding changes a value by at most this, relatively."""


def _two_sum(
    a: FloatArray, b: FloatArray | float, total: FloatArray, error: FloatArray, work: FloatArray
) -> None:
    """Set `total` to ``a + b`` rounded and `error` to what the rounding lost, exactly.

    Knuth's branch-free TwoSum: ``a + b == total + error`` exactly, for any finite `a` and
    `b` whose sum does not overflow. `a` and `b` are left as they are; `work` is scratch.
    """
    np.add(a, b, out=total)
    np.subtract(total, a, out=work)  # the part of b that made it into the total
    np.subtract(total, work, out=error)  # the part of a that did
    np.subtract(a, error, out=error)  # what was lost of a
    np.subtract(b, work, out=work)  # what was lost of b
    np.add(error, work, out=error)


class _ExactSums:
    """Per-draw sums of several arrays (or numbers), each rounded once from the exact sum.

    Parts are added one at a time, so that only the running state is held, whatever the
    number of parts: the rounded sum ``high``, the exact errors of its additions summed
    into ``low`` (again keeping the error of each addition), and ``bound``, the sum of
    the magnitudes of those second errors. Then ``sum == high + low + (the second
    errors)`` exactly, and ``high + low`` rounded once is the exact sum correctly rounded
    wherever ``bound`` (with a margin for its own rounding) is too small to move the exact
    sum across a rounding boundary: everywhere but in draws whose values cancel almost
    completely. :meth:`result` reports those draws, to be summed with :func:`math.fsum`.
    The result is the correctly rounded sum in every draw, so it does not depend on the
    order of the parts. Must be used with numpy's overflow warnings off; the parts must be
    finite with magnitudes adding up to at most :data:`_MAGNITUDE_LIMIT`.
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self.parts = 0
        self.high: FloatArray | None = None
        self.low: FloatArray | None = None
        self.bound: FloatArray | None = None
        block = min(size, _BLOCK)
        self._scratch = [np.empty(block) for _ in range(4)]

    def add(self, part: FloatArray | float) -> None:
        """Add one part: an array of `size` draws, which this may keep, or a number."""
        self.parts += 1
        if self.high is None:
            self.high = part if isinstance(part, np.ndarray) else np.full(self.size, part)
            return
        if self.low is None:
            self.low = np.empty(self.size)
        elif self.bound is None:
            self.bound = np.zeros(self.size)
        total, error, work, second = self._scratch
        for start in range(0, self.size, _BLOCK):
            stop = min(start + _BLOCK, self.size)
            m = stop - start
            high = self.high[start:stop]
            x = part[start:stop] if isinstance(part, np.ndarray) else part
            _two_sum(high, x, total[:m], error[:m], work[:m])
            high[...] = total[:m]
            low = self.low[start:stop]
            if self.bound is None:  # the first error is the whole of low
                low[...] = error[:m]
                continue
            _two_sum(low, error[:m], total[:m], second[:m], work[:m])
            low[...] = total[:m]
            np.abs(second[:m], out=second[:m])
            self.bound[start:stop] += second[:m]

    def result(self) -> tuple[FloatArray, npt.NDArray[np.intp]]:
        """Return the sums, and the draws at which they are not known to be exact.

        The sums are computed in place in the first part's array. At the draws returned
        (ascending; almost always none), the sum is a faithful but maybe not the correctly
        rounded one, and must be replaced by :func:`math.fsum` of the draw's parts.
        """
        if self.high is None:  # pragma: no cover - _individual_values rejects no inputs
            raise ArgumentError("individual: expected at least one organisation's value, got none")
        if self.low is None:  # a single part
            return self.high, np.empty(0, dtype=np.intp)
        total, error, work, gap = self._scratch
        # bound sums up to `parts` terms, each rounding by at most _UNIT: widen it for that.
        widen = 1.0 + 4 * (self.parts + 2) * _UNIT
        uncertain = []
        for start in range(0, self.size, _BLOCK):
            stop = min(start + _BLOCK, self.size)
            m = stop - start
            high = self.high[start:stop]
            _two_sum(high, self.low[start:stop], total[:m], error[:m], work[:m])
            high[...] = total[:m]
            if self.bound is None:  # two parts: the sum is high + low exactly, rounded once
                continue
            # Where bound is 0 the exact sum is high + low, rounded once: correct, ties
            # included. Elsewhere it lies within |error| + bound of the rounded sum, which
            # is then correct if twice that (widened for the rounding of this test) is
            # below the gap to the next float towards zero, the smaller gap around it.
            bound = self.bound[start:stop]
            np.abs(error[:m], out=error[:m])
            np.multiply(bound, widen, out=work[:m])
            error[:m] += work[:m]
            error[:m] *= 2.0 * (1.0 + 4 * _UNIT)
            np.abs(total[:m], out=gap[:m])
            np.nextafter(gap[:m], 0.0, out=work[:m])
            gap[:m] -= work[:m]
            far = np.flatnonzero((error[:m] >= gap[:m]) & (bound != 0.0))
            if far.size:
                uncertain.append(far + start)
        self.low = self.bound = None
        found = np.concatenate(uncertain) if uncertain else np.empty(0, dtype=np.intp)
        return self.high, found.astype(np.intp, copy=False)


def _draw_part(
    estimate: Estimate, constant: float | None, n: int, rng: np.random.Generator
) -> FloatArray | float:
    """Return `n` draws of `estimate`, or its `constant` value if it has one (no draws)."""
    return estimate.draw(n, rng) if constant is None else constant


def _largest_magnitude(part: FloatArray | float, argument: str, n: int) -> float:
    """Return the largest magnitude among the draws `part`, after checking they are finite."""
    if not isinstance(part, np.ndarray):
        return abs(part)
    lowest, highest = float(part.min()), float(part.max())  # NaN reaches both
    if not (math.isfinite(lowest) and math.isfinite(highest)):
        count = int(np.count_nonzero(~np.isfinite(part)))
        raise ArgumentError(
            f"{argument}: the simulated values overflowed: {count} of {n} draws are not finite"
        )
    return max(-lowest, highest)


def _random_sum(
    inputs: Sequence[Estimate], constants: Sequence[float | None], n: int, rng: np.random.Generator
) -> FloatArray:
    """Draw the individual values and return their exact sums, as :func:`_baseline_draws`."""
    state = rng.bit_generator.state  # a copy, to draw the values again should any be needed
    sums = _ExactSums(n)
    magnitudes = []
    for i, (estimate, constant) in enumerate(zip(inputs, constants, strict=True)):
        part = _draw_part(estimate, constant, n, rng)
        magnitudes.append(_largest_magnitude(part, f"individual[{i}]", n))
        excess = _too_large(magnitudes)
        if excess is not None:
            raise ArgumentError(
                "individual: expected values whose magnitudes add up to at most"
                f" {_MAGNITUDE_LIMIT:g}, so that no sum of them can overflow, got draws whose"
                f" largest magnitudes add up to {excess}"
            )
        sums.add(part)
        del part  # not held while the next value is drawn
    total, uncertain = sums.result()
    if uncertain.size:
        # Draw the same values again from a copy of the generator, keeping only these
        # draws, and sum each exactly: rare, so one by one.
        replay = np.random.Generator(type(rng.bit_generator)())
        replay.bit_generator.state = state
        rows = np.empty((uncertain.size, len(inputs)))
        for j, (estimate, constant) in enumerate(zip(inputs, constants, strict=True)):
            part = _draw_part(estimate, constant, n, replay)
            rows[:, j] = part[uncertain] if isinstance(part, np.ndarray) else part
            del part
        total[uncertain] = [math.fsum(row) for row in rows.tolist()]
    return total


def _baseline_draws(inputs: Sequence[Estimate], n: int, rng: np.random.Generator) -> FloatArray:
    """Draw every individual value in turn and return the sum of each draw (the baseline).

    Each draw's sum is the exact sum of its values rounded once (see :class:`_ExactSums`),
    so it does not depend on the order of the organisations. Raises unless every value
    drawn is finite, the largest magnitudes drawn add up to at most
    :data:`_MAGNITUDE_LIMIT`, and every sum is positive. Must be called with numpy's
    overflow warnings off.
    """
    constants = [estimate._constant() for estimate in inputs]
    fixed = [c for c in constants if c is not None]
    if len(fixed) == len(constants):  # no randomness: one sum serves every draw
        total = np.full(n, _exact_sum(fixed))
    else:
        total = _random_sum(inputs, constants, n, rng)
    lowest = float(total.min())
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
        How sure the verdict must be, from 0.00001 to 0.99999; 0.80 by default.
    draws : int, optional
        The number of draws: at least ``100 / min(confidence, 1 - confidence)`` (500 at
        the default confidence) and at most ``MAX_DRAWS`` (10,000,000); 100,000 by
        default.
    seed : int, optional
        Seed for :func:`numpy.random.default_rng`; the same seed gives the same result.

    Returns
    -------
    SimulatedAddedValue

    Raises
    ------
    ArgumentError
        As :func:`added_value` for the values (in every draw: the largest magnitudes
        drawn of the individual values may add up to at most 1e307), and if `confidence`
        is outside [0.00001, 0.99999]; `draws` is not a whole number, is more than
        10,000,000 or is fewer than the confidence needs (see Notes); `seed` is not a
        whole number of zero or more; the baseline (the sum of the individual values) is
        zero or less in any draw, where the uplift is undefined; or any draw of an
        individual value, the joint value, the cost, the surplus or the uplift overflows
        (is not finite). The message names the argument or arguments.

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

    **Enough draws.** A verdict compares a share of draws with `confidence` (:math:`c`),
    so the draws must be able to resolve shares near :math:`c`: at least
    ``MIN_TAIL_DRAWS`` (100) draws must be expected on each side of it,
    :math:`n \min(c, 1 - c) \ge 100`. The Monte Carlo standard error of the smaller
    share is then at most a tenth of it. That is 500 draws at :math:`c = 0.8`, 1,000 at
    0.9, 2,000 at 0.95 and 10,000 at 0.99 (:math:`c` taken as written in decimal).

    **At most 10,000,000 draws** (``MAX_DRAWS``). The percentiles are exact, and the
    result holds every draw of the surplus and the uplift, so memory grows with the
    draws (about 35 bytes a draw at the peak, some 0.35 GB at the limit) rather than
    being processed in batches; more draws would add nothing a verdict can use, as the
    limit already gives every probability to within about 0.0003.

    **Order of the organisations.** In every draw the baseline is the exact sum of the
    individual values drawn, rounded once, as in :func:`added_value`: the same, to the
    last bit, in any order. It is computed with error-free transformations (Knuth's
    TwoSum, twice over), whose result is proved correctly rounded in all but draws whose
    values cancel almost completely; those few are summed again with ``math.fsum``,
    drawing the same values from a copy of the generator. Seeded results are
    reproducible, and the summation adds about a tenth to the time of a simulation with
    five uncertain values.

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
        raise ArgumentError(
            f"cost: expected a cost that cannot fall below zero, got {_shown(cost)}"
        )
    t = _threshold(threshold)
    bias = _optimism_bias(optimism_bias)
    level = _confidence(confidence)
    n = _draws(draws, level)
    if seed is not None:
        seed = _whole(seed, "seed", low=0, high=None, what="a whole number of zero or more or None")
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
