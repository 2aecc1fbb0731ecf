"""The action plan: for each organisation and relationship, what to work on first.

Each organisation (its own internal joint working) and each relationship (its latest
wave) gets its actions, in the order of the findings: an entry whose finding comes first
comes first, and entries without a finding follow, organisations then relationships.
An entry's actions are what to do next about each of its findings (as the findings
section says it), then the next rung and the few questions to work on first to reach
it: those furthest below the threshold at which a question is met (for a relationship,
in the view of the member furthest below), at most three. A relationship capped by a
member's internal rung says that member has to climb inside first. Withheld groups
(too few respondents) get no figures, only what to do about them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Final, Literal

import attrs

from jointworking import _display as d
from jointworking._advice import Facts, next_step
from jointworking._document import (
    Badge,
    Block,
    Flag,
    Inline,
    Name,
    Para,
    Table,
    Text,
    name_list,
    plain,
)
from jointworking.assessment import Finding, GroupView, RelationshipView
from jointworking.rung import Rung

__all__ = ["COLUMNS", "Action", "blocks", "plan", "rows"]

MAX_QUESTIONS: Final = 3
"""The questions an action names at most: the few to work on first."""

COLUMNS: Final = (
    "order",
    "subject",
    "about",
    "wave",
    "rung",
    "next_rung",
    "action",
    "questions",
    "reason",
)
"""The columns of :func:`rows`, the action plan for a tracker."""


@attrs.frozen
class Action:
    """One action of the plan.

    Attributes
    ----------
    subject : str
        The organisation, or the relationship's subject.
    about : {"internal", "pair", "arrangement"}
        An organisation's internal joint working, or a relationship.
    wave : str
    rung, next : Rung or None
        Where it stands (None if withheld) and the next rung (None at the top).
    text : Text
        The action, in words.
    questions : tuple of int
        The questions it names.
    reason : str
        The kind of the finding it answers, or ``"next_rung"``.
    """

    subject: str
    about: Literal["internal", "pair", "arrangement"]
    wave: str
    rung: Rung | None
    next: Rung | None
    text: Text
    questions: tuple[int, ...]
    reason: str


_Key = tuple[str, str]  # ("internal", organisation) or ("relationship", subject)


class _Keys:
    """Which entry each finding belongs to, looked up in tables built once."""

    def __init__(self, ctx: Facts) -> None:
        self._internal = ctx.internal
        self._relationships = {v.subject for v in ctx.latest}
        self._groups: dict[str, list[GroupView]] = {}
        for g in ctx.view.groups:
            self._groups.setdefault(g.subject, []).append(g)
        # (organisation, about) -> the relationship the group's view is of: an
        # arrangement by its name, a pair by the other member; the first view wins.
        self._views: dict[tuple[str, str], str] = {}
        for view in ctx.latest:
            for member in view.members:
                if view.kind == "arrangement":
                    self._views.setdefault((member, view.subject), view.subject)
                elif view.kind == "pair":
                    for other in view.members:
                        self._views.setdefault((member, other), view.subject)

    def of(self, f: Finding) -> _Key | None:
        """Return the entry a finding belongs to."""
        if f.subject in self._relationships:
            return ("relationship", f.subject)
        for g in self._groups.get(f.subject, ()):
            if g.internal:
                return ("internal", g.organisation)
            subject = self._views.get((g.organisation, g.about))
            if subject is not None:
                return ("relationship", subject)
        if len(f.organisations) == 1 and f.organisations[0] in self._internal:
            return ("internal", f.organisations[0])
        return None


def _shortfalls(ctx: Facts, rung: Rung, scores: Sequence[Sequence[float]]) -> list[int]:
    """Return `rung`'s questions below the threshold in some `scores`, furthest first."""
    inst = ctx.view.instrument
    below: list[tuple[float, int]] = []
    unanswered: list[int] = []
    for q in inst.questions_for(rung):
        i = inst.numbers.index(q.number)
        values = [s[i] for s in scores if not math.isnan(s[i])]
        if not values:
            unanswered.append(q.number)
            continue
        gap = inst.threshold(rung) - min(values)
        if gap > 0:
            below.append((-gap, q.number))
    return [n for _, n in sorted(below)] + unanswered


def _work_on(ctx: Facts, rung: Rung, numbers: list[int], scores: Sequence[Sequence[float]]) -> str:
    """Name the questions to work on, each with its (lowest) mean and the threshold."""
    inst = ctx.view.instrument
    mean = "mean" if len(scores) == 1 else "lowest member's mean"
    parts = []
    for n in numbers[:MAX_QUESTIONS]:
        i = inst.numbers.index(n)
        values = [s[i] for s in scores if not math.isnan(s[i])]
        figure = (
            f" ({mean} {d.fmt_mean(min(values))}; {inst.threshold(rung):g} needed)"
            if values
            else " (not answered)"
        )
        parts.append(d.question_label(inst, n) + figure)
    if len(parts) > 1:
        return ", ".join(parts[:-1]) + " and " + parts[-1]
    return parts[0]


def _internal_step(ctx: Facts, g: GroupView) -> Action | None:
    p = g.placement
    if p is None:
        return None
    base = {"subject": g.organisation, "about": "internal", "wave": g.wave, "rung": p.rung}
    if p.next is None:
        text: Text = (
            "Hold ",
            Badge(p.rung),
            " inside: share these results and assess again in the next wave.",
        )
        return Action(**base, next=None, text=text, questions=(), reason="next_rung")  # type: ignore[arg-type]
    numbers = _shortfalls(ctx, p.next, [g.mean])
    if not numbers:  # pragma: no cover - a rung below the top has a question not met
        return None
    text = (
        f"Work first on {_work_on(ctx, p.next, numbers, [g.mean])} to reach ",
        Badge(p.next),
        " inside.",
    )
    chosen = tuple(numbers[:MAX_QUESTIONS])
    return Action(**base, next=p.next, text=text, questions=chosen, reason="next_rung")  # type: ignore[arg-type]


def _relationship_step(ctx: Facts, view: RelationshipView, capped: bool) -> list[Action]:
    """Return the next rung's action, and who must climb inside first unless `capped` says."""
    rung = view.effective_rung
    if rung is None:
        return []
    nxt = Rung(rung + 1) if rung < max(Rung) else None
    base = {"subject": view.subject, "about": view.kind, "wave": view.wave, "rung": rung}
    if nxt is None:
        text: Text = ("Hold ", Badge(rung), ": share these results with every member.")
        return [Action(**base, next=None, text=text, questions=(), reason="next_rung")]  # type: ignore[arg-type]
    scores = [p.scores for p in view.views.values()]
    numbers = _shortfalls(ctx, nxt, scores)
    out: list[Action] = []
    if numbers:
        text = (
            f"Work first on {_work_on(ctx, nxt, numbers, scores)} to reach ",
            Badge(nxt),
            " together.",
        )
        chosen = tuple(numbers[:MAX_QUESTIONS])
        out.append(Action(**base, next=nxt, text=text, questions=chosen, reason="next_rung"))  # type: ignore[arg-type]
    capping = sorted(m for m, r in view.internal.items() if r < nxt)
    if capping and not capped:
        verb = "reaches" if len(capping) == 1 else "reach"
        text = (
            "Climb inside first: the relationship can reach ",
            Badge(nxt),
            " only once ",
            *name_list(capping),
            f" {verb} it inside (see ",
            "its" if len(capping) == 1 else "their",
            " own entry).",
        )
        out.append(Action(**base, next=nxt, text=text, questions=(), reason="next_rung"))  # type: ignore[arg-type]
    return out


def plan(ctx: Facts) -> list[Action]:
    """Return every action, entry by entry in the order of the findings."""
    findings: dict[_Key, list[Finding]] = {}
    order: list[_Key] = []
    keys = _Keys(ctx)
    for f in ctx.view.findings:
        key = keys.of(f)
        if key is None:
            continue
        if key not in findings:
            findings[key] = []
            order.append(key)
        findings[key].append(f)
    everything: list[_Key] = [("internal", o) for o in ctx.organisations if o in ctx.internal]
    everything += [("relationship", v.subject) for v in ctx.latest]
    order += [k for k in everything if k not in findings]
    views = {v.subject: v for v in ctx.latest}
    actions: list[Action] = []
    for key in order:
        kind, subject = key
        if kind == "internal":
            g = ctx.internal.get(subject)
            rung = None if g is None or g.placement is None else g.placement.rung
            nxt = None if g is None or g.placement is None else g.placement.next
            base = {"subject": subject, "about": "internal", "wave": g.wave if g else ""}
            step: list[Action] = [] if g is None else [a for a in [_internal_step(ctx, g)] if a]
        else:
            view = views[subject]
            rung = view.effective_rung
            nxt = Rung(rung + 1) if rung is not None and rung < max(Rung) else None
            base = {"subject": subject, "about": view.kind, "wave": view.wave}
            capped = any(f.kind == "external_above_internal" for f in findings.get(key, []))
            step = _relationship_step(ctx, view, capped)
        for f in findings.get(key, []):
            actions.append(
                Action(
                    **base,  # type: ignore[arg-type]
                    rung=rung,
                    next=nxt,
                    text=next_step(ctx, f),
                    questions=f.questions,
                    reason=f.kind,
                )
            )
        actions += step
    return actions


def _who(action: Action) -> Text:
    if action.about == "internal":
        return (Name(action.subject), " (inside)")
    return (Name(action.subject),)


def _rungs(action: Action) -> Text:
    if action.rung is None:
        return (Flag("withheld"),)
    if action.next is None:
        return (Badge(action.rung), " (top rung)")
    return (Badge(action.rung), " \u2192 ", Badge(action.next))


def blocks(ctx: Facts) -> list[Block]:
    """Return the action plan section's blocks: a paragraph and one table."""
    actions = plan(ctx)
    intro: Para = Para(
        (
            "For each organisation and relationship, in the order of the findings: what to"
            " do about each finding, then the next rung and the few questions to work on"
            " first (those furthest below the threshold at which a question is met). The"
            " same rows can be exported as CSV for a tracker.",
        )
    )
    if not actions:
        return [intro, Para(("Nothing to act on: nobody gave a view to build on.",))]
    table_rows: list[tuple[Text, ...]] = []
    for k, action in enumerate(actions, 1):
        parts: list[Inline] = list(action.text)
        table_rows.append(((str(k),), _who(action), _rungs(action), tuple(parts)))
    head = (("#",), ("Who",), ("Now \u2192 next",), ("Action",))
    return [intro, Table(head, tuple(table_rows), frozenset({0}))]


def rows(ctx: Facts) -> list[dict[str, str | int | None]]:
    """Return the plan as rows of plain values, with the columns :data:`COLUMNS`."""
    return [
        {
            "order": k,
            "subject": a.subject,
            "about": a.about,
            "wave": a.wave,
            "rung": None if a.rung is None else a.rung.label,
            "next_rung": None if a.next is None else a.next.label,
            "action": plain(a.text),
            "questions": " ".join(str(n) for n in a.questions),
            "reason": a.reason,
        }
        for k, a in enumerate(plan(ctx), 1)
    ]
