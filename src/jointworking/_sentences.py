"""The sentences of findings: how each finding says what it found, in plain words.

Kept apart from the engine (which finds) and the builder (which makes the result
objects), so that the wording can be read and reviewed in one place. Every function takes
names and figures already chosen and returns text; none looks at arrays.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Final

from jointworking.rung import Rung

__all__ = [
    "RUNG_LABEL",
    "count",
    "divided",
    "external_above_internal",
    "names",
    "one_sided",
    "overstated",
    "questions",
    "rung_jump",
    "seen_differently",
    "sentence",
    "too_few",
    "unit_divergence",
    "value_not_added",
    "wave_order",
    "withheld_views",
]

RUNG_LABEL: Final = tuple(str(rung) for rung in Rung)


def names(items: Sequence[str]) -> str:
    """Join names as ``A``, ``A and B``, ``A, B and C``."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def questions(numbers: Sequence[int]) -> str:
    """Name question numbers in a sentence: ``question 3``, ``questions 3 and 7``."""
    word = "question" if len(numbers) == 1 else "questions"
    return f"{word} {names([str(n) for n in numbers])}"


def count(n: int, noun: str) -> str:
    """Return ``1 respondent``, ``2 respondents``."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def sentence(text: str) -> str:
    """Start `text` with a capital letter, leaving the rest as it is."""
    return text[:1].upper() + text[1:]


def _steps(start: int, end: int) -> str:
    return " then ".join(str(Rung(r)) for r in range(start + 1, end + 1))


def divided(subject: str, rung: str, rwg_j: float, agreement: float, dividing: str) -> str:
    """Say that a group's respondents do not share one view of what decides its rung."""
    most = f"; they differ most on {dividing}" if dividing else ""
    return (
        f"Respondents for {subject} do not share one view of the questions that decide its"
        f" placement ({rung}): their agreement on those questions as a scale (r_wg(J))"
        f" is {rwg_j:.2f}, below {agreement:.2f}{most}."
    )


def too_few(subject: str, respondents: int, size: int) -> str:
    """Say that a group is too small for its figures to be shared."""
    return (
        f"Only {count(respondents, 'respondent')} answered for {subject}, fewer than the"
        f" minimum of {size}: shared results show no rung or figure from their answers."
    )


def unit_divergence(organisation: str, units: Iterable[str], gap: float) -> str:
    """Say that an organisation's units see its joint working differently."""
    return (
        f"Units of {organisation} ({names(list(units))}) differ by {gap:.0f} index points in"
        " how they see its joint working: the bigger and more diversified an organisation,"
        " the bigger the challenge."
    )


def seen_differently(joint: str, placed: Sequence[tuple[str, str]], wide: str) -> str:
    """Say that members see a relationship differently: by rung, or on some questions.

    `placed` is each member and the rung it places the relationship on; `wide` names the
    questions with gaps of a point or more ("" if none).
    """
    rungs = {rung for _, rung in placed}
    if len(rungs) == 1:
        (rung,) = rungs
        return (
            f"Members place {joint} on the same rung ({rung}) but answer differently:"
            f" their mean answers differ by a point or more on {wide}."
        )
    views = "; ".join(f"{member}: {rung}" for member, rung in placed)
    gaps = f"; gaps of a point or more on {wide}" if wide else ""
    return f"Members see {joint} differently ({views}){gaps}."


def external_above_internal(member: str, joint: str, view: str, inside: str) -> str:
    """Say that a member places a relationship above its own internal rung (rule R7)."""
    return (
        f"{member} places {joint} at {view}, above its own internal joint working"
        f" ({inside}). An organisation without partnership working internally cannot be an"
        " effective partner externally: the effective rung is capped."
    )


def one_sided(silent: Sequence[str], joint: str, pair: bool) -> str:
    """Say that some members gave no view of a relationship."""
    message = (
        f"{names(silent)} gave no view of {joint}: the relationship is seen from one side"
        " only until every member answers and the results are shared."
    )
    if pair:
        message += (
            f" (If {names(silent)} is a multi-party arrangement rather than an organisation,"
            " declare it with its members.)"
        )
    return message


def overstated(joint: str, claimed: int, effective: int, capped: str, basis: str) -> str:
    """Say that a relationship is called more than the evidence shows (rule R6)."""
    return (
        f"{sentence(joint)} is called a {RUNG_LABEL[claimed]}, but the evidence places it"
        f" at {RUNG_LABEL[effective]}, {count(claimed - effective, 'rung')} lower{capped}."
        " A label the reality of performance and behaviours does not bear out undermines"
        f" credibility and confidence.{basis}"
    )


def rung_jump(joint: str, target: int, effective: int, unsure: str) -> str:
    """Say that a relationship aims to skip a rung (rule R4)."""
    return (
        f"{sentence(joint)} aims for {Rung(target)} from {RUNG_LABEL[effective]}:"
        f" organisations can't jump rungs; plan the steps {_steps(effective, target)}.{unsure}"
    )


def value_not_added(joint: str, verdict: str) -> str:
    """Say that joint working does not add significant value (rules R1 and R2)."""
    return (
        f"The added value of {joint} is {verdict}, not significant: the rationale for it has"
        " to be seriously questioned."
    )


def withheld_views(members: Sequence[str], internal: Sequence[str]) -> str:
    """Say that a relationship is placed on the views that may be shared."""
    parts = []
    if members:
        verb = "is" if len(members) == 1 else "are"
        noun = "view" if len(members) == 1 else "views"
        parts.append(f"{names(members)}'s {noun} of it {verb} withheld")
    if internal:
        noun = "internal view" if len(internal) == 1 else "internal views"
        parts.append(f"{names(internal)}'s {noun} {'is' if len(internal) == 1 else 'are'} withheld")
    return (
        f" It is placed on the views that may be shared ({'; '.join(parts)}: too few respondents)."
    )


def wave_order(waves: Sequence[str]) -> str:
    """Warn that waves, ordered as text, may not be in time order.

    Where some responses name no wave (a blank cell) beside named waves, say that instead:
    renaming the waves would not help, filling in the blanks would.
    """
    if "" in waves:
        named = [w for w in waves if w]
        those = "that wave" if len(named) == 1 else "one of those waves"
        return (
            f"Some responses name a wave ({', '.join(repr(w) for w in named)}) and some leave"
            " it blank: the blank ones count as a wave of their own, taken as earlier than"
            " every named wave. Fill in the wave of every response"
            f" ({those}, or another), or leave every wave blank."
        )
    order = " before ".join(repr(w) for w in waves)
    return (
        f"Waves are put in order as text ({order}), so the latest wave and the progress"
        " between waves are only right if that is their order in time. Name waves year"
        " first, with months or quarters zero-padded (e.g. 2025-09, 2025-10, 2026-03), so"
        " that text order is time order."
    )
