from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest

from jointworking import (
    MORLEY_2016,
    ArgumentError,
    Instrument,
    LabelCheck,
    Question,
    Rung,
    check_label,
    classify,
    path,
)
from jointworking.ladder import LabelStatus

C, P, T = Rung.COLLABORATION, Rung.PARTNERSHIP, Rung.TRANSACTION
NAN = math.nan
ALL_PARTNERSHIP_QUESTIONS = (3, 4, 5, 7, 8, 9, 10)


def _answers(collaboration: float | None, partnership: float | None) -> dict[int, float | None]:
    """Give every collaboration question (1, 2, 6) one score and every partnership one another."""
    return {q.number: collaboration if q.rung is C else partnership for q in MORLEY_2016.questions}


class TestClassify:
    # Expected values follow from the staged rule by hand: a question is met at >= 3;
    # collaboration needs questions 1, 2 and 6 met; partnership needs those and 3, 4, 5, 7,
    # 8, 9 and 10 met. The index is 100 * (mean of answered scores) / 4.
    @pytest.mark.parametrize(
        ("answers", "rung", "index", "blocking", "missing"),
        [
            # every answer strong evidence: the top rung, nothing blocks
            (_answers(4, 4), P, 100.0, (), ()),
            # every answer "no evidence": nothing met; the collaboration questions block
            (_answers(0, 0), T, 0.0, (1, 2, 6), ()),
            # 3.0 is "clear evidence" and the threshold is inclusive
            (_answers(3, 3), P, 75.0, (), ()),
            # just under the threshold everywhere
            (_answers(2.99, 2.99), T, 74.75, (1, 2, 6), ()),
            # collaboration met, partnership not: (3*3 + 7*2) / 10 = 2.3 -> 57.5
            (_answers(3, 2), C, 57.5, ALL_PARTNERSHIP_QUESTIONS, ()),
            # partnership practices without the collaboration base stay transactional (R4)
            (_answers(2, 4), T, (3 * 2 + 7 * 4) / 10 / 4 * 100, (1, 2, 6), ()),
            # a missing collaboration answer is unmet; the index uses the nine answered
            (_answers(4, 4) | {6: None}, T, 100.0, (6,), (6,)),
            (_answers(4, 4) | {10: NAN}, C, 100.0, (10,), (10,)),
            # one partnership question below the threshold holds the whole rung back
            (_answers(4, 4) | {5: 2.5}, C, (9 * 4 + 2.5) / 10 / 4 * 100, (5,), ()),
            # the docstring example, by hand: mean 2.6 -> 65
            (
                {1: 4, 2: 3, 3: 2, 4: 3, 5: 1, 6: 3, 7: 2, 8: 3, 9: 3, 10: 2},
                C,
                65.0,
                (3, 5, 7, 10),
                (),
            ),
        ],
    )
    def test_known_cases(
        self,
        answers: dict[int, float | None],
        rung: Rung,
        index: float,
        blocking: tuple[int, ...],
        missing: tuple[int, ...],
    ) -> None:
        """The rung, index, blocking and missing questions follow the staged rule."""
        placement = classify(answers)
        assert placement.rung is rung
        assert placement.index == pytest.approx(index, abs=1e-12)
        assert placement.blocking == blocking
        assert placement.missing == missing
        assert placement.next == (None if rung is P else Rung(rung + 1))

    def test_nothing_answered(self) -> None:
        """With no answers the rung is transaction and the index is undefined (NaN)."""
        placement = classify({})
        assert placement.rung is T
        assert math.isnan(placement.index)
        assert placement.missing == tuple(range(1, 11))
        assert placement.blocking == (1, 2, 6)
        assert placement.answered == 0

    def test_met_and_ahead(self) -> None:
        """Met questions are listed, and those above the rung reached are shown as ahead."""
        placement = classify(_answers(2, 2) | {1: 3, 4: 4, 9: 3})
        assert placement.rung is T
        assert placement.met == (1, 4, 9)
        assert placement.ahead == (1, 4, 9)
        collaboration = classify(_answers(3, 2) | {4: 4})
        assert collaboration.ahead == (4,)

    @pytest.mark.parametrize(
        "answers",
        [
            [3, 3, 2, 2, 2, 3, 2, 2, 2, 2],
            (3, 3, 2, 2, 2, 3, 2, 2, 2, 2),
            np.array([3, 3, 2, 2, 2, 3, 2, 2, 2, 2], dtype=np.int64),
            np.array([3, 3, 2, 2, 2, 3, 2, 2, 2, 2], dtype=np.float32),
            {q.key: 3 if q.rung is C else 2 for q in MORLEY_2016.questions},
            {f"q{n}": 3 if n in (1, 2, 6) else 2 for n in range(1, 11)},
            {np.int64(n): np.float64(3 if n in (1, 2, 6) else 2) for n in range(1, 11)},
        ],
    )
    def test_input_forms(self, answers: Any) -> None:
        """Sequences, arrays and mappings by number, key or qN give the same placement."""
        assert classify(answers) == classify(_answers(3, 2))

    def test_custom_thresholds(self) -> None:
        """An instrument's own thresholds apply, per rung."""
        instrument = Instrument(
            "strict",
            "test",
            [Question(1, "a", "A?", C), Question(2, "b", "B?", P)],
            collaboration_threshold=2,
            partnership_threshold=4,
        )
        assert classify([2, 3.5], instrument).rung is C
        assert classify([2, 4], instrument).rung is P
        assert classify([1.5, 4], instrument).blocking == (1,)

    def test_scores_kept_in_question_order(self) -> None:
        """The placement keeps the scores it was given, NaN where missing."""
        placement = classify({2: 1, 1: 3})
        assert placement.scores[:2] == (3.0, 1.0)
        assert all(math.isnan(s) for s in placement.scores[2:])

    @pytest.mark.parametrize(
        ("answers", "message"),
        [
            ({1: 5}, r"answers: question 1: expected a score from 0 to 4, got 5"),
            ({3: -0.1}, r"question 3: expected a score from 0 to 4, got -0.1"),
            ({1: math.inf}, r"question 1: expected a score from 0 to 4, got inf"),
            ({1: -math.inf}, r"question 1: expected a score"),
            ({1: "3"}, r"question 1: expected a number or None, got '3'.*scale\.parse"),
            ({1: True}, r"question 1: expected a number or None, got True"),
            ({11: 3}, r"answers: no question 11 .* expected a number \(1, 2,"),
            ({3: 3, "q3": 4}, r"answers: question 3 is given twice"),
            ([3] * 9, r"answers: expected 10 scores in question order .* got shape \(9,\)"),
            ([3] * 11, r"expected 10 scores .* got shape \(11,\)"),
            (np.full((2, 10), 3.0), r"got shape \(2, 10\)"),
            ("3333333333", "expected a mapping of question number to score or a sequence"),
            ({3, 4}, "got set"),
            # an int beyond the float range is off the scale, not an OverflowError
            ({1: 10**400}, r"question 1: expected a score from 0 to 4, got an integer of about"),
            # numpy's timedelta is an integer type to numpy, but not a score
            ({2: np.timedelta64(3, "D")}, r"question 2: expected a number or None, got np\.time"),
            ({4: np.bool_(True)}, r"question 4: expected a number or None, got np\.True_"),
        ],
    )
    def test_bad_input(self, answers: Any, message: str) -> None:
        """Bad answers are refused with a message naming the question and what was expected."""
        with pytest.raises(ArgumentError, match=message):
            classify(answers)

    @pytest.mark.parametrize(
        ("instrument", "name"),
        [("morley-2016", "str"), (None, "NoneType"), (MORLEY_2016.scale, "Scale")],
    )
    def test_instrument_must_be_an_instrument(self, instrument: Any, name: str) -> None:
        """Anything but an Instrument is refused, naming it, not an AttributeError."""
        with pytest.raises(
            ArgumentError, match=rf"instrument: expected an Instrument \(such as .*\), got {name}"
        ):
            classify([3] * 10, instrument)


class TestPath:
    @pytest.mark.parametrize(
        ("current", "target", "expected"),
        [
            (T, P, (C, P)),
            (T, C, (C,)),
            (C, P, (P,)),
            (P, P, ()),
            (T, T, ()),
            (P, T, (C, T)),
            (C, T, (T,)),
            ("transaction", "Partnership", (C, P)),
        ],
    )
    def test_steps(
        self, current: Rung | str, target: Rung | str, expected: tuple[Rung, ...]
    ) -> None:
        """Every rung between is stepped through, upwards or downwards (R4)."""
        assert path(current, target) == expected

    def test_bad_rung(self) -> None:
        """An unknown rung name is an error naming the argument."""
        with pytest.raises(ArgumentError, match="target: expected one of"):
            path(T, "merger")


class TestCheckLabel:
    @pytest.mark.parametrize(
        ("claimed", "evidenced", "status", "gap"),
        [
            # "branded partnership when it is barely collaboration" (R6)
            (P, C, "overstated", 1),
            (P, T, "overstated", 2),
            (C, T, "overstated", 1),
            (C, C, "consistent", 0),
            (T, P, "understated", -2),
            (C, P, "understated", -1),
        ],
    )
    def test_status_and_gap(
        self, claimed: Rung, evidenced: Rung, status: LabelStatus, gap: int
    ) -> None:
        """A claim above the evidence is overstated, by the number of rungs between."""
        assert check_label(claimed, evidenced) == LabelCheck(claimed, evidenced, status, gap)

    def test_names_accepted(self) -> None:
        """Rungs may be given by name."""
        assert check_label("Partnership", "collaboration").status == "overstated"

    def test_bad_rung(self) -> None:
        """An unknown claimed rung is an error naming the argument."""
        with pytest.raises(ArgumentError, match="claimed: expected one of"):
            check_label("alliance", C)
