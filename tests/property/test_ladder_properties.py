"""Properties of the ladder: monotonicity, order-independence, and the staged rule itself."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from jointworking import MORLEY_2016, Instrument, Rung, check_label, classify, path
from jointworking import testing as jwst


def _reference_rung(instrument: Instrument, answers: dict[int, float | None]) -> Rung:
    """The staged rule read directly off the domain model, question by question."""

    def met(number: int) -> bool:
        score = answers.get(number)
        question = instrument.question(number)
        return score is not None and score >= instrument.threshold(question.rung)

    collaboration = all(met(q.number) for q in instrument.questions_for(Rung.COLLABORATION))
    partnership = all(met(q.number) for q in instrument.questions_for(Rung.PARTNERSHIP))
    if collaboration and partnership:
        return Rung.PARTNERSHIP
    return Rung.COLLABORATION if collaboration else Rung.TRANSACTION


@given(jwst.instruments_and_answers(aggregated=True))
def test_agrees_with_the_staged_rule(case: tuple[Instrument, dict[int, float | None]]) -> None:
    """On any instrument, the rung is the one the staged rule gives, read directly."""
    instrument, answers = case
    assert classify(answers, instrument).rung is _reference_rung(instrument, answers)


@given(jwst.answers(aggregated=True), st.data())
def test_raising_an_answer_never_lowers_rung_or_index(
    answers: dict[int, float | None], data: st.DataObject
) -> None:
    """Raising any answered score never lowers the rung or the index."""
    answered = [n for n, s in answers.items() if s is not None]
    before = classify(answers)
    if not answered:
        return
    number = data.draw(st.sampled_from(answered))
    old = answers[number]
    assert old is not None
    new = data.draw(st.floats(old, 4.0))
    after = classify(answers | {number: new})
    assert after.rung >= before.rung
    assert after.index >= before.index - 1e-9


@given(jwst.answers(aggregated=True))
def test_mapping_order_never_matters(answers: dict[int, float | None]) -> None:
    """The same answers in any key order, or as a sequence, give the same placement."""
    in_order = dict(sorted(answers.items()))
    as_sequence = [answers[n] for n in MORLEY_2016.numbers]
    assert classify(answers) == classify(in_order) == classify(as_sequence)


@given(jwst.instruments_and_answers(aggregated=True))
def test_blocking_empty_exactly_at_partnership(
    case: tuple[Instrument, dict[int, float | None]],
) -> None:
    """Blocking is empty exactly at the top rung, and lists only unmet next-rung questions."""
    instrument, answers = case
    placement = classify(answers, instrument)
    assert (placement.blocking == ()) == (placement.rung is Rung.PARTNERSHIP)
    assert list(placement.blocking) == sorted(placement.blocking)
    for number in placement.blocking:
        assert instrument.question(number).rung is placement.next
        assert number not in placement.met


@given(jwst.instruments_and_answers(aggregated=True))
def test_index_bounds(case: tuple[Instrument, dict[int, float | None]]) -> None:
    """The index is within 0-100, and NaN exactly when nothing was answered."""
    instrument, answers = case
    placement = classify(answers, instrument)
    if placement.answered == 0:
        assert math.isnan(placement.index)
    else:
        assert 0.0 <= placement.index <= 100.0 + 1e-9
    assert set(placement.missing) == {n for n, s in answers.items() if s is None}


@given(jwst.answers(allow_missing=False))
def test_missing_is_not_zero(answers: dict[int, float | None]) -> None:
    """Dropping an answer never gives the placement of answering it with 0 unless both agree."""
    for number in answers:
        zero = classify(answers | {number: 0.0})
        missing = classify(answers | {number: None})
        assert missing.missing == (number,)
        assert zero.missing == ()
        # a missing answer is unmet, as a 0 is, so the rungs agree; the index does not count it
        assert zero.rung is missing.rung
        if any(s for n, s in answers.items() if n != number):
            assert missing.index >= zero.index


@given(jwst.rungs(), jwst.rungs())
def test_path_steps_one_rung_at_a_time(current: Rung, target: Rung) -> None:
    """A path has one step per rung between, each one rung from the last, ending at target."""
    steps = path(current, target)
    assert len(steps) == abs(target - current)
    previous = current
    for step in steps:
        assert abs(step - previous) == 1
        previous = step
    assert previous is target


@given(jwst.rungs(), jwst.rungs())
def test_label_check_is_antisymmetric(claimed: Rung, evidenced: Rung) -> None:
    """Swapping claim and evidence negates the gap and mirrors the status."""
    forward, backward = check_label(claimed, evidenced), check_label(evidenced, claimed)
    assert forward.gap == -backward.gap == claimed - evidenced
    mirror = {"overstated": "understated", "understated": "overstated", "consistent": "consistent"}
    assert mirror[forward.status] == backward.status
