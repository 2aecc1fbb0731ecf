"""Properties of Cronbach's alpha and McDonald's omega total, and checks against numpy.

The surveys are drawn from a one-factor model (a latent score times a loading plus noise,
rounded to the 0-4 scale), so the items are related as in a real questionnaire and the
factor fit is well defined. Where a property needs figures from elsewhere, they come from
plain numpy (``np.cov``, ``np.corrcoef``) on the same answers, never from the module.
"""

from __future__ import annotations

import math
from random import Random
from typing import TypeAlias

import numpy as np
import numpy.typing as npt
from hypothesis import given, settings
from hypothesis import strategies as st

from jointworking.reliability import Alpha, Omega, cronbach_alpha, omega_total

FloatArray: TypeAlias = npt.NDArray[np.float64]

PROPERTY = settings(max_examples=40)
CLOSE = 1e-9


@st.composite
def surveys(draw: st.DrawFn, *, missing: bool = False, min_items: int = 2) -> FloatArray:
    """Answers on the 0-4 scale from a one-factor model, 12-60 respondents, 2-8 items.

    The first three respondents answer everything and disagree on every item (0, 4 and
    2), so every item varies among the respondents who answered any other; with `missing`,
    up to a fifth of the other answers are NaN.
    """
    n = draw(st.integers(12, 60))
    k = draw(st.integers(min_items, 8))
    seed = draw(st.integers(0, 2**32 - 1))
    loadings = np.array(draw(st.lists(st.floats(0.3, 0.9), min_size=k, max_size=k)))
    rng = np.random.default_rng(seed)
    latent = rng.normal(size=(n, 1))
    noise = rng.normal(size=(n, k))
    answers: FloatArray = np.clip(
        np.rint(2.0 + 1.2 * (latent * loadings + noise * np.sqrt(1 - loadings**2))), 0.0, 4.0
    )
    answers[:3] = np.array([0.0, 4.0, 2.0])[:, np.newaxis]
    if missing:
        share = draw(st.floats(0.0, 0.2))
        blank = rng.random(size=(n, k)) < share
        blank[:3] = False
        answers[blank] = np.nan
    return answers


def _permuted_alpha(result: Alpha, order: npt.NDArray[np.intp]) -> tuple[list[float], list[float]]:
    """The per-item figures of `result`, in the item order `order`."""
    return [result.if_dropped[i] for i in order], [result.item_rest[i] for i in order]


def _close(a: float, b: float, tolerance: float = CLOSE) -> bool:
    """Whether a and b agree to `tolerance` (absolute or relative), NaN matching NaN."""
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return math.isclose(a, b, rel_tol=tolerance, abs_tol=tolerance)


def _all_close(a: list[float] | tuple[float, ...], b: list[float] | tuple[float, ...]) -> bool:
    return len(a) == len(b) and all(_close(x, y) for x, y in zip(a, b, strict=True))


def _same_alpha(a: Alpha, b: Alpha) -> bool:
    return (
        _close(a.raw, b.raw)
        and _close(a.standardized, b.standardized)
        and _close(a.average_r, b.average_r)
        and _all_close(a.if_dropped, b.if_dropped)
        and _all_close(a.item_rest, b.item_rest)
    )


# --------------------------------------------------------------------------------------
# Invariance
# --------------------------------------------------------------------------------------


class TestOrderInvariance:
    @PROPERTY
    @given(surveys(missing=True), st.randoms(use_true_random=False))
    def test_alpha_respondent_order(self, answers: FloatArray, random: Random) -> None:
        """Reordering the respondents changes no figure of alpha."""
        order = list(range(answers.shape[0]))
        random.shuffle(order)
        assert _same_alpha(cronbach_alpha(answers), cronbach_alpha(answers[order]))

    @PROPERTY
    @given(surveys(missing=True), st.randoms(use_true_random=False))
    def test_alpha_item_order(self, answers: FloatArray, random: Random) -> None:
        """Reordering the items permutes the per-item figures and keeps the rest."""
        order = np.array(random.sample(range(answers.shape[1]), answers.shape[1]))
        base = cronbach_alpha(answers)
        permuted = cronbach_alpha(answers[:, order])
        assert _close(base.raw, permuted.raw)
        assert _close(base.standardized, permuted.standardized)
        assert _close(base.average_r, permuted.average_r)
        dropped, rest = _permuted_alpha(base, order)
        assert _all_close(dropped, permuted.if_dropped)
        assert _all_close(rest, permuted.item_rest)

    @PROPERTY
    @given(surveys(missing=True), st.randoms(use_true_random=False))
    def test_omega_respondent_order(self, answers: FloatArray, random: Random) -> None:
        """Reordering the respondents leaves omega total and the loadings as they were."""
        order = list(range(answers.shape[0]))
        random.shuffle(order)
        base, shuffled = omega_total(answers), omega_total(answers[order])
        assert _close(base.total, shuffled.total, 1e-7)
        assert all(
            _close(a, b, 1e-6) for a, b in zip(base.loadings, shuffled.loadings, strict=True)
        )

    @PROPERTY
    @given(surveys(missing=True), st.randoms(use_true_random=False))
    def test_omega_item_order(self, answers: FloatArray, random: Random) -> None:
        """Reordering the items permutes the loadings and keeps omega total."""
        order = np.array(random.sample(range(answers.shape[1]), answers.shape[1]))
        base, permuted = omega_total(answers), omega_total(answers[:, order])
        assert _close(base.total, permuted.total, 1e-7)
        expected = [base.loadings[i] for i in order]
        assert all(_close(a, b, 1e-6) for a, b in zip(expected, permuted.loadings, strict=True))


class TestScale:
    @PROPERTY
    @given(surveys(missing=True), st.floats(0.1, 10.0), st.floats(-5.0, 5.0))
    def test_alpha_same_rescaling(self, answers: FloatArray, scale: float, shift: float) -> None:
        """Rescaling every item alike (a x + b, a > 0) changes no figure of alpha."""
        assert _same_alpha(cronbach_alpha(answers), cronbach_alpha(scale * answers + shift))

    @PROPERTY
    @given(surveys(missing=True), st.data())
    def test_standardized_per_item_rescaling(
        self, answers: FloatArray, data: st.DataObject
    ) -> None:
        """Standardised alpha, average r and omega ignore each item's own unit and origin."""
        k = answers.shape[1]
        scales = np.array(data.draw(st.lists(st.floats(0.1, 10.0), min_size=k, max_size=k)))
        shifts = np.array(data.draw(st.lists(st.floats(-5.0, 5.0), min_size=k, max_size=k)))
        base, rescaled = cronbach_alpha(answers), cronbach_alpha(answers * scales + shifts)
        assert _close(base.standardized, rescaled.standardized)
        assert _close(base.average_r, rescaled.average_r)
        assert _close(
            omega_total(answers).total, omega_total(answers * scales + shifts).total, 1e-7
        )

    @PROPERTY
    @given(surveys(min_items=3), st.data())
    def test_omega_reversed_item(self, answers: FloatArray, data: st.DataObject) -> None:
        """Reversing an item (4 - x) flips its loading's sign and keeps omega total."""
        item = data.draw(st.integers(0, answers.shape[1] - 1))
        reversed_answers = answers.copy()
        reversed_answers[:, item] = 4.0 - reversed_answers[:, item]
        base, flipped = omega_total(answers), omega_total(reversed_answers)
        assert _close(base.total, flipped.total, 1e-7)
        signs = np.where(np.arange(answers.shape[1]) == item, -1.0, 1.0)
        expected = np.array(base.loadings) * signs
        if expected.sum() < 0:  # loadings are signed to sum to zero or more
            expected = -expected
        assert np.allclose(flipped.loadings, expected, atol=1e-6)


# --------------------------------------------------------------------------------------
# Known values
# --------------------------------------------------------------------------------------


def _compound_symmetric(n: int, k: int, r: float, seed: int) -> FloatArray:
    """n answers to k items whose sample correlations all equal r (to rounding).

    Built from k + 1 centred, orthonormal columns: item i is sqrt(r) times the shared
    column plus sqrt(1 - r) times its own.
    """
    rng = np.random.default_rng(seed)
    raw = rng.normal(size=(n, k + 1))
    raw -= raw.mean(axis=0)
    basis, _ = np.linalg.qr(raw)
    return math.sqrt(r) * basis[:, :1] + math.sqrt(1.0 - r) * basis[:, 1:]


class TestKnownValues:
    @PROPERTY
    @given(surveys(), st.integers(2, 6))
    def test_copies_of_one_item(self, answers: FloatArray, copies: int) -> None:
        """k copies of one item that varies have alpha 1, raw and standardised."""
        item = answers[:, :1]
        result = cronbach_alpha(np.repeat(item, copies, axis=1))
        assert _close(result.raw, 1.0, 1e-12)
        assert _close(result.standardized, 1.0, 1e-12)
        assert _close(result.average_r, 1.0, 1e-12)

    @PROPERTY
    @given(surveys())
    def test_raw_at_most_one(self, answers: FloatArray) -> None:
        """Raw and standardised alpha of complete answers never exceed 1."""
        result = cronbach_alpha(answers)
        assert result.raw <= 1.0 + 1e-12
        assert result.standardized <= 1.0 + 1e-12

    @PROPERTY
    @given(
        st.integers(10, 80),
        st.integers(2, 10),
        st.floats(0.05, 0.95),
        st.integers(0, 2**32 - 1),
    )
    def test_spearman_brown(self, n: int, k: int, r: float, seed: int) -> None:
        """Items all correlating r have standardised alpha k r / (1 + (k - 1) r)."""
        answers = _compound_symmetric(max(n, k + 2), k, r, seed)
        result = cronbach_alpha(answers)
        assert _close(result.average_r, r)
        assert _close(result.standardized, k * r / (1 + (k - 1) * r))

    @PROPERTY
    @given(
        st.integers(10, 80), st.integers(3, 10), st.floats(0.05, 0.95), st.integers(0, 2**32 - 1)
    )
    def test_omega_of_equal_correlations(self, n: int, k: int, r: float, seed: int) -> None:
        """Items all correlating r load sqrt(r) each, and omega is k r / (1 + (k - 1) r)."""
        answers = _compound_symmetric(max(n, k + 2), k, r, seed)
        result = omega_total(answers)
        assert np.allclose(result.loadings, math.sqrt(r), atol=1e-6)
        assert _close(result.total, k * r / (1 + (k - 1) * r), 1e-7)


# --------------------------------------------------------------------------------------
# Against plain numpy
# --------------------------------------------------------------------------------------


class TestAgainstNumpy:
    @PROPERTY
    @given(surveys())
    def test_raw_from_total_score(self, answers: FloatArray) -> None:
        """On complete answers raw alpha is k/(k-1) (1 - sum of item variances / total's)."""
        k = answers.shape[1]
        items = np.var(answers, axis=0, ddof=1).sum()
        total = np.var(answers.sum(axis=1), ddof=1)
        assert _close(cronbach_alpha(answers).raw, k / (k - 1) * (1 - items / total))

    @PROPERTY
    @given(surveys())
    def test_item_rest_is_a_correlation(self, answers: FloatArray) -> None:
        """On complete answers the item-rest r is each item's correlation with the others' sum."""
        result = cronbach_alpha(answers)
        for i in range(answers.shape[1]):
            rest = np.delete(answers, i, axis=1).sum(axis=1)
            assert _close(result.item_rest[i], float(np.corrcoef(answers[:, i], rest)[0, 1]))

    @PROPERTY
    @given(surveys(missing=True, min_items=3))
    def test_if_dropped_is_alpha_without_the_item(self, answers: FloatArray) -> None:
        """Alpha if an item is dropped is the raw alpha of the other items."""
        result = cronbach_alpha(answers)
        for i in range(answers.shape[1]):
            assert _close(result.if_dropped[i], cronbach_alpha(np.delete(answers, i, axis=1)).raw)

    @PROPERTY
    @given(surveys(missing=True))
    def test_pairwise_covariances(self, answers: FloatArray) -> None:
        """With missing answers alpha uses np.cov of each pair's complete rows."""
        k = answers.shape[1]
        answered = ~np.isnan(answers)
        covariance = np.empty((k, k))
        for i in range(k):
            for j in range(k):
                both = answered[:, i] & answered[:, j]
                pair = np.cov(answers[both, i], answers[both, j])
                covariance[i, j] = (
                    pair[0, 1] if i != j else np.var(answers[answered[:, i], i], ddof=1)
                )
        raw = k / (k - 1) * (1 - np.trace(covariance) / covariance.sum())
        sd = np.sqrt(np.diag(covariance))
        sum_r = (covariance / np.outer(sd, sd)).sum()
        result = cronbach_alpha(answers)
        assert _close(result.raw, raw)
        assert _close(result.standardized, k / (k - 1) * (1 - k / sum_r))

    @PROPERTY
    @given(surveys(missing=True))
    def test_two_items_omega(self, answers: FloatArray) -> None:
        """Two items load sqrt(|r|) each, r their pairwise correlation (as psych fits them)."""
        pair = answers[:, :2]
        both = ~np.isnan(pair).any(axis=1)
        r = float(np.corrcoef(pair[both, 0], pair[both, 1])[0, 1])
        result: Omega = omega_total(pair)
        assert np.allclose(np.abs(result.loadings), math.sqrt(abs(r)), atol=1e-6)
        assert _close(result.total, 2 * abs(r) / (1 + abs(r)), 1e-7)
