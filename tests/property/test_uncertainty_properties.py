"""Properties of the rung probabilities: what any survey, any seed, must satisfy."""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt
from hypothesis import given, settings
from hypothesis import strategies as st

import jointworking as jw
from jointworking import MORLEY_2016, Rung
from jointworking._uncertainty import bootstrap_rungs, normal_rungs, pack_gram

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.intp]

CODES = MORLEY_2016._rung_codes()
THRESHOLDS = MORLEY_2016._thresholds()
POINTS = np.asarray(MORLEY_2016.scale.values, dtype=np.float64)
Q = len(MORLEY_2016.questions)
COLLABORATION = [i for i, q in enumerate(MORLEY_2016.questions) if q.rung is Rung.COLLABORATION]
PARTNERSHIP = [i for i, q in enumerate(MORLEY_2016.questions) if q.rung is Rung.PARTNERSHIP]

# Answers near the threshold (3), so that rungs are often in doubt, and some missing.
ANSWER = st.sampled_from([1.0, 2.0, 2.0, 3.0, 3.0, 3.0, 4.0, 4.0, math.nan])


@st.composite
def surveys(
    draw: st.DrawFn, max_groups: int = 5, max_size: int = 14
) -> tuple[FloatArray, IntArray]:
    """A few groups of 1 to `max_size` respondents, rows in group order."""
    sizes = draw(st.lists(st.integers(1, max_size), min_size=1, max_size=max_groups))
    rows = draw(
        st.lists(st.lists(ANSWER, min_size=Q, max_size=Q), min_size=sum(sizes), max_size=sum(sizes))
    )
    group = np.repeat(np.arange(len(sizes)), sizes).astype(np.intp)
    return np.array(rows, dtype=np.float64), group


def rungs(
    answers: FloatArray,
    group: IntArray,
    n_groups: int,
    *,
    resamples: int = 200,
    seed: int = 0,
    hidden: npt.NDArray[np.bool_] | None = None,
) -> FloatArray:
    return bootstrap_rungs(
        answers,
        group,
        n_groups,
        rung_codes=CODES,
        thresholds=THRESHOLDS,
        hidden=hidden,
        resamples=resamples,
        seed=seed,
        points=POINTS,
    )


def cross_sums(answers: FloatArray, group: IntArray, n_groups: int) -> FloatArray:
    missing = np.isnan(answers)
    z = np.concatenate((np.where(missing, 0.0, answers), (~missing).astype(float)), axis=1)
    full = np.zeros((n_groups, 2 * Q, 2 * Q))
    for g in range(n_groups):
        full[g] = z[group == g].T @ z[group == g]
    return pack_gram(full)


def normal(answers: FloatArray, group: IntArray, n_groups: int) -> FloatArray:
    return normal_rungs(
        np.bincount(group, minlength=n_groups),
        cross_sums(answers, group, n_groups),
        rung_codes=CODES,
        thresholds=THRESHOLDS,
        low=0.0,
        step=1.0,
        draws=500,
        seed=4,
    )


@given(surveys(), st.integers(1, 400), st.integers(0, 2**32))
def test_probabilities_add_up_to_one_in_whole_resamples(
    survey: tuple[FloatArray, IntArray], resamples: int, seed: int
) -> None:
    """Each row is a distribution over the three rungs, in steps of one resample."""
    answers, group = survey
    n_groups = int(group.max()) + 1
    p = rungs(answers, group, n_groups, resamples=resamples, seed=seed)
    assert (p.sum(axis=1) == 1.0).all()
    assert (p >= 0).all()
    np.testing.assert_allclose(p * resamples, np.rint(p * resamples), atol=1e-9)


@given(st.lists(ANSWER, min_size=Q, max_size=Q), st.integers(1, 30), st.integers(0, 99))
def test_identical_respondents_are_certain(row: list[float], n: int, seed: int) -> None:
    """Every resample of identical rows is the sample: probability 1 on its rung."""
    answers = np.array([row] * n)
    p = rungs(answers, np.zeros(n, dtype=np.intp), 1, seed=seed)
    expected = np.zeros(3)
    expected[int(jw.classify(row).rung)] = 1.0
    np.testing.assert_array_equal(p[0], expected)
    np.testing.assert_array_equal(normal(answers, np.zeros(n, dtype=np.intp), 1)[0], expected)


@settings(max_examples=50)
@given(surveys(), st.integers(0, 2**32))
def test_the_same_seed_gives_the_same_result(
    survey: tuple[FloatArray, IntArray], seed: int
) -> None:
    answers, group = survey
    n_groups = int(group.max()) + 1
    first = rungs(answers, group, n_groups, seed=seed)
    np.testing.assert_array_equal(rungs(answers.copy(), group.copy(), n_groups, seed=seed), first)


@settings(max_examples=60)
@given(surveys(), surveys(), st.integers(0, 2**32 - 1))
def test_row_order_labels_and_other_groups_change_nothing(
    survey: tuple[FloatArray, IntArray],
    other: tuple[FloatArray, IntArray],
    shuffle: int,
) -> None:
    """A group's probabilities depend on its own rows only: not on their order, on the
    group's number, nor on what other groups the survey holds."""
    answers, group = survey
    n_groups = int(group.max()) + 1
    p = rungs(answers, group, n_groups)
    m = normal(answers, group, n_groups)
    extra, extra_group = other
    n_extra = int(extra_group.max()) + 1
    rng = np.random.default_rng(shuffle)
    relabel = rng.permutation(n_groups + n_extra)
    all_answers = np.concatenate((answers, extra))
    all_group = relabel[np.r_[group, extra_group + n_groups]].astype(np.intp)
    order = rng.permutation(all_group.size)
    q = rungs(all_answers[order], all_group[order], n_groups + n_extra)
    np.testing.assert_array_equal(q[relabel[:n_groups]], p)
    r = normal(all_answers[order], all_group[order], n_groups + n_extra)
    np.testing.assert_array_equal(r[relabel[:n_groups]], m)


@settings(max_examples=60)
@given(surveys(max_groups=3), st.data())
def test_a_hidden_question_is_never_met(
    survey: tuple[FloatArray, IntArray], data: st.DataObject
) -> None:
    """Hiding a collaboration question holds a group at transaction; hiding a partnership
    question takes partnership away and, resample for resample, moves it to collaboration."""
    answers, group = survey
    n_groups = int(group.max()) + 1
    before = rungs(answers, group, n_groups)
    hidden = np.zeros((n_groups, Q), dtype=bool)
    g = data.draw(st.integers(0, n_groups - 1))
    hidden[g, data.draw(st.sampled_from(COLLABORATION))] = True
    after = rungs(answers, group, n_groups, hidden=hidden)
    assert after[g].tolist() == [1.0, 0.0, 0.0]
    others = np.arange(n_groups) != g
    np.testing.assert_array_equal(after[others], before[others])
    hidden[g] = False
    hidden[g, data.draw(st.sampled_from(PARTNERSHIP))] = True
    after = rungs(answers, group, n_groups, hidden=hidden)
    assert after[g, 2] == 0.0
    if before[g].max() < 1.0 and after[g].max() < 1.0:  # resampled both times
        assert after[g, 0] == before[g, 0]
    np.testing.assert_array_equal(after[others], before[others])
    m = normal_rungs(
        np.bincount(group, minlength=n_groups),
        cross_sums(answers, group, n_groups),
        rung_codes=CODES,
        thresholds=THRESHOLDS,
        low=0.0,
        step=1.0,
        hidden=hidden,
        draws=300,
        seed=1,
    )
    assert m[g, 2] == 0.0
    assert (m.sum(axis=1) == 1.0).all()


@given(surveys(), st.integers(1, 3000))
def test_resamples_are_respected(survey: tuple[FloatArray, IntArray], resamples: int) -> None:
    """Probabilities are counts of `resamples` resamples, whatever the number."""
    answers, group = survey
    n_groups = int(group.max()) + 1
    p = rungs(answers, group, n_groups, resamples=resamples)
    counts = p * resamples
    np.testing.assert_allclose(counts, np.rint(counts), atol=1e-7)
    assert np.rint(counts).sum(axis=1).tolist() == [resamples] * n_groups
