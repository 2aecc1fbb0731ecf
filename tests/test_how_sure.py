"""How sure each placement is, end to end: rung probabilities, uncertain rungs, changes.

The kernels are tested in test_uncertainty.py; these tests check what `assess` makes of
them, against computations written out here (an independent plain bootstrap, the product
rule for a lowest rung, Welch's interval with a published t quantile).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import jointworking as jw
from builders import records, survey
from jointworking import Responses, Rung, assess

C, P, T = Rung.COLLABORATION, Rung.PARTNERSHIP, Rung.TRANSACTION
COLLABORATION_QUESTIONS = (0, 1, 5)  # questions 1, 2 and 6, as columns


def place(means: np.ndarray) -> int:
    """The staged rule, written out: collaboration needs questions 1, 2, 6 at 3 or more."""
    met = means >= 3  # NaN compares False: a question nobody answered is never met
    if not met[list(COLLABORATION_QUESTIONS)].all():
        return 0
    return 2 if met.all() else 1


def plain_bootstrap(rows: np.ndarray, resamples: int, seed: int) -> np.ndarray:
    """Draw the group's respondents with replacement, one resample at a time."""
    rng = np.random.default_rng(seed)
    counts = np.zeros(3)
    n = rows.shape[0]
    for _ in range(resamples):
        drawn = rows[rng.integers(0, n, n)]
        answered = ~np.isnan(drawn)
        with np.errstate(invalid="ignore"):
            means = np.where(answered, drawn, 0.0).sum(axis=0) / answered.sum(axis=0)
        counts[place(means)] += 1
    return counts / resamples


def near_thresholds(seed: int, n: int) -> np.ndarray:
    """n respondents whose answers spread about 0.8 of a point around levels near 3."""
    rng = np.random.default_rng(seed)
    level = rng.choice([2.6, 3.0, 3.2, 3.4], size=10)
    rows = np.clip(np.round(level + rng.normal(0, 0.8, (n, 10))), 0, 4)
    rows[rng.random(rows.shape) < 0.05] = np.nan
    return rows


class TestRungProbabilities:
    def test_agree_with_a_plain_bootstrap(self) -> None:
        """Within 0.03 of a bootstrap written out here, at 4,000 resamples."""
        groups = {f"Org {i}": near_thresholds(i, 8 + 4 * i) for i in range(5)}
        rows = np.vstack(list(groups.values()))
        names = [name for name, g in groups.items() for _ in range(len(g))]
        result = assess(
            Responses.from_arrays(rows, organisation=names, about="internal"), resamples=4000
        )
        compared = 0
        for i, (name, group_rows) in enumerate(groups.items()):
            expected = plain_bootstrap(group_rows, 4000, seed=100 + i)
            chances = result.group(name).rung_probabilities
            assert chances is not None
            got = np.array([chances[r] for r in Rung])
            assert got.sum() == pytest.approx(1.0)
            assert np.abs(got - expected).max() <= 0.03, (name, got, expected)
            compared += 0 < expected.max() < 1
        assert compared >= 2  # at least two groups whose rung is genuinely in doubt

    def test_confidence_and_uncertain(self) -> None:
        """Confidence is the probability of the placed rung; below 0.80 it is uncertain."""
        result = assess(
            Responses.from_arrays(near_thresholds(7, 10), organisation="A", about="internal")
        )
        group = result.group("A")
        assert group.placement is not None
        assert group.rung_probabilities is not None
        assert group.confidence == group.rung_probabilities[group.placement.rung]
        assert group.uncertain == (group.confidence < 0.80)
        stricter = assess(
            Responses.from_arrays(near_thresholds(7, 10), organisation="A", about="internal"),
            confidence=0.999,
        )
        assert stricter.group("A").uncertain == (group.confidence < 0.999)

    def test_identical_answers_are_certain(self) -> None:
        """Everyone answering alike leaves no doubt that resampling could show."""
        result = assess(survey(records("A", "internal", [[3, 3, 2, 4, 1, 3, 2, 2, 3, 3]] * 5)))
        group = result.group("A")
        assert (group.confidence, group.uncertain) == (1.0, False)
        assert dict(group.rung_probabilities or {}) == {T: 0.0, C: 1.0, P: 0.0}

    def test_seed_reproduces_and_changes(self) -> None:
        """The same seed gives the same figures; another seed, figures as likely."""
        responses = Responses.from_arrays(near_thresholds(3, 9), organisation="A", about="internal")
        first, again = assess(responses, seed=11), assess(responses, seed=11)
        other = assess(responses, seed=12)
        assert first.group("A").rung_probabilities == again.group("A").rung_probabilities
        a, b = first.group("A").confidence, other.group("A").confidence
        assert abs(a - b) < 0.06

    @settings(max_examples=25, deadline=None)
    @given(st.integers(0, 2**31 - 1), st.permutations(range(9)))
    def test_reordering_and_relabelling_change_nothing(self, seed: int, order: list[int]) -> None:
        """Respondents in another order, with other ids, in a survey with another group."""
        rows = near_thresholds(seed, 9)
        ids = [f"r{i}" for i in range(9)]
        base = Responses.from_arrays(rows, organisation="A", about="internal", respondent=ids)
        moved = Responses.from_arrays(
            np.vstack([rows[order], near_thresholds(seed + 1, 4)]),
            organisation=["A"] * 9 + ["B"] * 4,
            about="internal",
            respondent=[f"x{i}" for i in range(13)],
        )
        assert (
            assess(base).group("A").rung_probabilities
            == assess(moved).group("A").rung_probabilities
        )

    def test_relationship_combines_its_groups(self) -> None:
        """The effective rung is the lowest: P(lowest >= k) is the product of P(rung >= k)."""
        a = near_thresholds(21, 8)
        b = near_thresholds(22, 9)
        inside = near_thresholds(23, 10)
        rows = np.vstack([a, b, inside])
        responses = Responses.from_arrays(
            rows,
            organisation=["A"] * 8 + ["B"] * 9 + ["A"] * 10,
            about=["B"] * 8 + ["A"] * 9 + ["internal"] * 10,
        )
        result = assess(responses)
        parts = [result.group("A", "B"), result.group("B", "A"), result.group("A")]
        at_least = np.ones(3)
        for part in parts:
            chances = part.rung_probabilities
            assert chances is not None
            p = np.array([chances[r] for r in Rung])
            at_least *= np.cumsum(p[::-1])[::-1]
        expected = at_least - np.r_[at_least[1:], 0.0]
        view = result.relationship("A", "B")
        assert view.rung_probabilities is not None
        got = np.array([view.rung_probabilities[r] for r in Rung])
        assert got == pytest.approx(expected, abs=1e-12)
        assert view.effective_rung is not None
        assert view.confidence == pytest.approx(expected[view.effective_rung])


class TestChangeBetweenWaves:
    def test_welch_interval_by_hand(self) -> None:
        """Complete answers, equal spread, 6 a wave: Welch's interval with t(0.95, 10)."""
        before = np.array(
            [[2, 2, 2, 1, 1, 2, 1, 1, 2, 1], [3, 2, 3, 2, 1, 2, 2, 1, 2, 2]] * 3, dtype=float
        )
        after = before + 1.0
        responses = Responses.from_arrays(
            np.vstack([before, after]),
            organisation="A",
            about="internal",
            wave=["2025"] * 6 + ["2026"] * 6,
        )
        (step,) = assess(responses).progress
        # The index is 100 x mean / 4; on complete answers its variance is
        # (100 / (10 x 4))^2 x s_r^2 / n, s_r the SD of the respondents' row sums.
        sums = before.sum(axis=1)
        variance = (100 / 40) ** 2 * sums.var(ddof=1) / 6
        # Equal variances and sizes: Welch's degrees of freedom are 2 (n - 1) = 10.
        half = 1.812461 * np.sqrt(2 * variance)  # t(0.95, 10), from a published table
        assert step.index_change == pytest.approx(25.0)
        assert step.interval == pytest.approx((25.0 - half, 25.0 + half), abs=1e-5)
        assert (step.clear, step.direction) == (True, "up")

    def test_no_clear_change(self) -> None:
        """A small change inside the interval is no clear change, though it is shown."""
        rng = np.random.default_rng(5)
        rows = np.clip(np.round(2 + rng.normal(0, 1.0, (16, 10))), 0, 4)
        responses = Responses.from_arrays(
            rows, organisation="A", about="internal", wave=["2025"] * 8 + ["2026"] * 8
        )
        (step,) = assess(responses).progress
        low, high = step.interval
        assert low < 0 < high
        assert step.index_change != 0
        assert (step.clear, step.direction) == (False, "no clear change")

    def test_chance_the_rung_moved(self) -> None:
        """The chance the two waves' rungs differ, from their rung probabilities."""
        rows = np.vstack([near_thresholds(31, 9), near_thresholds(32, 9)])
        responses = Responses.from_arrays(
            rows, organisation="A", about="internal", wave=["2025"] * 9 + ["2026"] * 9
        )
        result = assess(responses)
        (step,) = result.progress
        first, second = (result.group("A", wave=w).rung_probabilities for w in ("2025", "2026"))
        assert first is not None
        assert second is not None
        same = sum(first[r] * second[r] for r in Rung)
        assert step.p_rung_moved == pytest.approx(1 - same)


class TestBoardSurvey:
    """Eight groups of eight, answers spread about 0.8 of a point: the ordinary case."""

    @staticmethod
    def board_survey() -> jw.Assessment:
        rng = np.random.default_rng(2026)
        rows, organisation, about = [], [], []
        pairs = [("A", "B"), ("B", "A"), ("C", "D"), ("D", "C")]
        subjects = [("A", "internal"), ("B", "internal"), ("C", "internal"), ("D", "internal")]
        for org, subject in subjects + pairs:
            level = rng.choice([2.2, 2.6, 3.3, 3.6], size=10)
            answers = np.clip(np.round(level + rng.normal(0, 0.8, (8, 10))), 0, 4)
            rows.append(answers)
            organisation += [org] * 8
            about += [subject] * 8
        return assess(
            Responses.from_arrays(np.vstack(rows), organisation=organisation, about=about),
            claims={("A", "B"): "partnership", ("C", "D"): "partnership"},
        )

    def test_low_agreement_does_not_drown_the_report(self) -> None:
        """Respondents who share one view are not reported as divided; the label leads."""
        result = self.board_survey()
        assert all(g.deciding_rwg_j >= 0.70 for g in result.groups)
        assert not [f for f in result.findings if f.kind == "low_agreement"]
        assert result.findings[0].kind == "overstated_label"


class TestReviewed:
    """Cases a review found wrong, each with what it must do."""

    def test_unit_gap_never_uses_a_unit_answer_few_gave(self) -> None:
        """A unit's question one person answered is out of the shared unit gap, always."""
        nan = float("nan")

        def survey_with(lone: float, other: float) -> jw.Responses:
            rows = [[3.0] * 10] * 3 + [
                [2, 2, 2, 2, lone, 2, 2, 2, 2, 2],
                [2, 2, 2, 2, nan, 2, 2, 2, 2, 2],
                [2, 2, 2, 2, nan, 2, 2, 2, 2, 2],
                [2, 2, 2, 2, other, 2, 2, 2, 2, 2],
            ]
            return Responses.from_arrays(
                rows,
                organisation="A",
                about="internal",
                unit=["U1"] * 3 + ["U2"] * 3 + [None],
            )

        # The group's answers are the same either way; only who in U2 gave the 4 differs.
        first, second = assess(survey_with(4, 0)), assess(survey_with(0, 4))
        assert first.to_json() == second.to_json()
        assert first.shared_view().group("A").unit_gap == 25.0  # U1 100, U2 75 without Q5

    def test_no_probability_without_a_shared_view(self) -> None:
        """A relationship whose every view is withheld has no rung, nor its probability."""
        responses = survey(records("A", "B", [[3] * 10] * 2), records("B", "A", [[3] * 10] * 2))
        view = assess(responses).shared_view().relationship("A", "B")
        assert (view.effective_rung, view.rung_probabilities, view.uncertain) == (None, None, False)

    def test_blank_respondents_do_not_narrow_the_interval(self) -> None:
        """People who answered nothing are no evidence of a change."""
        nan = float("nan")
        before = [[1, 1, 1, 1, 1, 1, 1, 1, 1, 1], [2] * 10, [3] * 10]
        after = [[2] * 10, [3] * 10, [4] * 10]

        def change(blanks: int) -> tuple[float, float]:
            rows = before + [[nan] * 10] * blanks + after + [[nan] * 10] * blanks
            waves = ["2025"] * (3 + blanks) + ["2026"] * (3 + blanks)
            responses = Responses.from_arrays(rows, organisation="A", about="internal", wave=waves)
            (step,) = assess(responses, min_group_size=1).progress
            return step.interval

        assert change(7) == pytest.approx(change(0))

    def test_arrangement_gap_named_among_the_shared_views(self) -> None:
        """A small member's withheld view does not hide the others' gap from the findings."""
        arrangement = {"The Board": ["A", "B", "C"]}
        low = [3, 3, 2, 2, 2, 3, 2, 2, 2, 2]
        high = [3, 3, 3, 2, 2, 3, 2, 2, 2, 2]  # a point higher on question 3 only
        responses = survey(
            records("A", "The Board", [low] * 3),
            records("B", "The Board", [high] * 3),
            records("C", "The Board", [low] * 2),
        )
        shared = assess(responses, arrangements=arrangement).shared_view()
        (gap,) = [f for f in shared.findings if f.kind == "perception_gap"]
        assert (gap.severity, gap.questions) == ("info", (3,))


def test_a_change_without_an_interval_is_not_estimated() -> None:
    """A question one person answered leaves the change without an interval: not estimated."""
    nan = float("nan")
    rows = [[3, 3, 3, 2, 2, 3, 2, 2, 2, 2]] * 3 + [[4, 4, 4, 3, 3, 4, nan, 3, 3, 3]] * 2
    rows.append([4, 4, 4, 3, 3, 4, 4, 3, 3, 3])
    responses = Responses.from_arrays(
        rows, organisation="A", about="internal", wave=["2025"] * 3 + ["2026"] * 3
    )
    (step,) = assess(responses, min_group_size=1).progress
    assert np.isnan(step.interval[0])
    assert (step.clear, step.direction) == (False, "not estimated")
