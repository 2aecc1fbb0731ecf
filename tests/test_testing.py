from __future__ import annotations

from hypothesis import given

import jointworking as jw
from jointworking import testing as jwst


class TestStrategies:
    @given(jwst.instruments_and_answers())
    def test_generated_instruments_are_usable(
        self, case: tuple[jw.Instrument, dict[int, float | None]]
    ) -> None:
        """Generated instruments are valid and their generated answers classify."""
        instrument, answers = case
        assert set(answers) == set(instrument.numbers)
        for score in answers.values():
            assert score is None or score in instrument.scale.values
        jw.classify(answers, instrument)

    @given(jwst.answer_sequences(allow_missing=False))
    def test_sequences_have_one_score_per_question(self, scores: list[float | None]) -> None:
        """Sequences have one non-missing score per question when missing is not allowed."""
        assert len(scores) == 10
        assert None not in scores

    @given(jwst.estimates(min_value=10, max_value=20))
    def test_estimates_within_bounds(self, estimate: jw.Estimate) -> None:
        """Generated estimates have their mean inside the bounds asked for."""
        assert 10 <= estimate.mean <= 20
