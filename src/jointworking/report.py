"""Reports to hand round the table: the results of an assessment in Markdown or HTML.

The article ends: "The results then need to be shared." :func:`markdown` and :func:`html`
lay an :class:`~jointworking.Assessment` out for the people who have to act on it, in
the same seven sections in both formats:

1. **Summary**: how many organisations, responses, groups and relationships; the latest
   wave; the most severe findings.
2. **Where each organisation stands internally**: rung, index, and what blocks the next
   rung.
3. **Relationships**: each member's view side by side, per-question means and gaps.
4. **Findings**, most severe first, each with what to do next.
5. **Added value**: the verdict of the added-value test, where values were given.
6. **Progress between waves**.
7. **Method notes**: the instrument, the scale, the rules and the policy choices.

Reports are shared outputs: every figure in them comes from the assessment's shared
view (:meth:`Assessment.shared_view <jointworking.Assessment.shared_view>`), so nothing
computed from the answers of a group smaller than the minimum group size is shown (its
size is), and a question fewer people than that answered in a group counts as unanswered.
Names (organisations, units, arrangements, waves) and finding messages are untrusted text:
they are escaped so that a name cannot inject markup, and the HTML loads nothing from the
network and runs no script.
"""

from __future__ import annotations

import importlib
import math
import re
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from html.parser import HTMLParser
from types import MappingProxyType, ModuleType
from typing import Any, Final, TypeAlias

import attrs

from jointworking import _display as d
from jointworking import _sentences
from jointworking._engine import PERCEPTION_GAP_POINTS
from jointworking._markdown import Context
from jointworking.assessment import (
    Assessment,
    Finding,
    GroupView,
    RelationshipView,
)
from jointworking.consistency import ScaleReliability
from jointworking.errors import JointWorkingError
from jointworking.ladder import Placement, path
from jointworking.rung import Rung
from jointworking.value import DEFAULT_THRESHOLD, AddedValue, SimulatedAddedValue

__all__ = ["CSP", "html", "markdown"]

CSP: Final = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
"""The Content-Security-Policy of every HTML report: no script, nothing from the network."""

_TITLE: Final = "Joint working self-assessment"
_INSTALL_PLOT: Final = 'pip install "jointworking[plot]"'
_KIND_WORDS: Final = {
    "overstated_label": "Overstated label",
    "external_above_internal": "Partner above its inside",
    "perception_gap": "Perception gap",
    "low_agreement": "Low agreement",
    "one_sided": "One-sided",
    "too_few_respondents": "Too few respondents",
    "rung_jump": "Rung jump",
    "insufficient_added_value": "Insufficient added value",
    "unit_divergence": "Units diverge",
    "wave_order": "Wave order",
}
_SEVERITY_WORDS: Final = {"critical": "Critical", "warning": "Warning", "info": "Info"}

# --- the document: the same blocks render to Markdown and to HTML -----------------------


@attrs.frozen
class _Name:
    """An untrusted name: escaped, and isolated in ``<bdi>`` in HTML."""

    text: str


@attrs.frozen
class _Message:
    """Untrusted free text that embeds names (a finding's message, a description)."""

    text: str


@attrs.frozen
class _Strong:
    parts: tuple[_Inline, ...]


@attrs.frozen
class _Badge:
    """A rung: coloured in HTML."""

    rung: Rung


@attrs.frozen
class _Flag:
    """A short flag (trusted text): withheld, uncertain, silent."""

    text: str


@attrs.frozen
class _Prose:
    """The caller's own text (a description, the instrument's wording): escaped gently."""

    text: str


_Inline: TypeAlias = str | _Name | _Message | _Prose | _Strong | _Badge | _Flag
"""A piece of inline text; a plain ``str`` is the report's own (trusted) wording."""
_Text: TypeAlias = tuple[_Inline, ...]


@attrs.frozen
class _Heading:
    text: _Text
    anchor: str


@attrs.frozen
class _Para:
    text: _Text
    note: bool = False


@attrs.frozen
class _Bullets:
    items: tuple[_Text, ...]


@attrs.frozen
class _Table:
    head: tuple[_Text, ...]
    rows: tuple[tuple[_Text, ...], ...]
    numeric: frozenset[int] = frozenset()


@attrs.frozen
class _Legend:
    """The rungs and their colours."""


@attrs.frozen
class _Chart:
    """A chart from :mod:`jointworking.plot` (HTML only)."""

    function: str
    argument: Any
    caption: _Text
    keywords: Mapping[str, Any] = attrs.field(factory=dict)


_Block: TypeAlias = _Heading | _Para | _Bullets | _Table | _Legend | _Chart


@attrs.frozen
class _Section:
    anchor: str
    title: str
    blocks: tuple[_Block, ...]


def _names(names: Sequence[str]) -> _Text:
    """Return names as ``A, B and C``."""
    parts: list[_Inline] = []
    for i, name in enumerate(names):
        if i:
            parts.append(" and " if i == len(names) - 1 else ", ")
        parts.append(_Name(name))
    return tuple(parts)


def _rung_or_none(rung: Rung | None) -> _Text:
    return ("not stated",) if rung is None else (_Badge(rung),)


# --- building the sections --------------------------------------------------------------


@attrs.frozen
class _Context:
    """What every section reads: the shared view of the assessment, and no other figure."""

    view: Assessment
    latest: tuple[RelationshipView, ...]
    by_subject: Mapping[tuple[str, str], RelationshipView]

    @classmethod
    def of(cls, assessment: Assessment) -> _Context:
        view = assessment.shared_view()
        latest: dict[tuple[str, str], RelationshipView] = {}
        for relationship in view.relationships:
            key = (relationship.kind, relationship.subject)
            if key not in latest or relationship.wave > latest[key].wave:
                latest[key] = relationship
        by_subject = {(v.subject, v.wave): v for v in view.relationships}
        ordered = tuple(sorted(latest.values(), key=lambda v: (v.subject, v.kind)))
        return cls(view, ordered, MappingProxyType(by_subject))

    @property
    def numbers(self) -> tuple[int, ...]:
        return self.view.instrument.numbers

    @property
    def size(self) -> int:
        return self.view.min_group_size

    @property
    def estimated(self) -> bool:
        """Whether the assessment says how likely rungs are (from responses, or sums)."""
        return self.view.uncertainty != "none"

    def questions(self, numbers: Sequence[int]) -> str:
        return d.question_list(self.view.instrument, numbers)

    def member_group(self, view: RelationshipView, member: str) -> GroupView | None:
        """Return the group behind `member`'s view of `view` (its answers about it)."""
        about = (
            view.subject
            if view.kind == "arrangement"
            else next(m for m in view.members if m != member)
        )
        try:
            return self.view.group(member, about, wave=view.wave)
        except JointWorkingError:  # pragma: no cover - every view has its group
            return None


def _rung_text(
    rung: Rung,
    probabilities: Mapping[Rung, float] | None,
    uncertain: bool,
    *,
    estimated: bool = False,
) -> _Text:
    """Show a rung, how probable it is, and a flag when uncertain: the same everywhere.

    With `estimated`, a rung whose probabilities are missing says so, rather than seem sure.
    """
    likely = d.likely_text(rung, probabilities)
    parts: list[_Inline] = [_Badge(rung)]
    if likely:
        parts.append(f" ({likely})")
    elif estimated:
        parts.append(" (how likely: not estimated)")
    if uncertain:
        parts += [" ", _Flag(d.UNCERTAIN)]
    return tuple(parts)


def _summary(ctx: _Context, description: str | None) -> _Section:
    a = ctx.view
    c = d.counts(a)
    blocks: list[_Block] = []
    if description:
        blocks.append(_Para((_Prose(description),)))
    wave: _Text = (_Name(c.latest_wave),) if c.latest_wave else ("not recorded",)
    views = (
        ""
        if c.relationship_views == c.relationships
        else f" ({c.relationship_views} counting each wave separately)"
    )
    blocks.append(
        _Bullets(
            (
                (f"Organisations: {c.organisations}",),
                (
                    f"Responses: {c.responses} (a person answering about several"
                    " subjects, or in several waves, counts once for each)",
                ),
                (
                    f"Groups: {c.groups} (one organisation's respondents about one subject"
                    " in one wave)",
                ),
                (f"Relationships: {c.relationships}{views}",),
                ("Latest wave: ", *wave),
                (f"Findings: {d.severity_text(c)}",),
            )
        )
    )
    top = [a.findings[i] for i in d.top_findings(a)]
    if top:
        blocks.append(_Para(("The findings that matter most:",)))
        blocks.append(
            _Bullets(
                tuple(
                    (_Strong((_SEVERITY_WORDS[f.severity],)), ": ", _Message(f.message))
                    for f in top
                )
            )
        )
    else:
        blocks.append(_Para(("No findings: nothing in the results needs attention.",)))
    blocks.append(_Legend())
    blocks.append(
        _Chart("ladder", a, ("Where each group places its joint working on the ladder.",))
    )
    blocks.append(_Chart("heatmap", a, ("Each group's mean score on each question.",)))
    return _Section("summary", "Summary", tuple(blocks))


def _blocking(ctx: _Context, placement: Placement) -> _Text:
    if placement.next is None:
        return ("nothing: the top rung",)
    if not placement.blocking:
        return (f"{placement.next.label}: nothing",)
    return (f"{placement.next.label}: {ctx.questions(placement.blocking)}",)


def _organisations(a: Assessment) -> list[str]:
    names = {g.organisation for g in a.groups}
    for view in a.relationships:
        names.update(view.members)
    return sorted(names)


def _withheld_flag(ctx: _Context) -> _Flag:
    return _Flag(d.withheld_text(ctx.size))


def _internal_row(ctx: _Context, organisation: str, g: GroupView | None) -> tuple[_Text, ...]:
    none: _Text = (d.NONE,)
    if g is None:
        return (
            (_Name(organisation),),
            none,
            ("0",),
            none,
            none,
            none,
            (_Flag("no internal responses"),),
        )
    wave: _Text = (_Name(g.wave),) if g.wave else none
    if g.placement is None:
        return (
            (_Name(organisation),),
            wave,
            (str(g.respondents),),
            ("withheld",),
            ("withheld",),
            ("withheld",),
            (_withheld_flag(ctx),),
        )
    notes: list[_Inline] = []
    if g.divided:
        notes.append(_Flag("divided"))
        if g.dividing:
            notes.append(f" most on {d.questions_phrase(g.dividing)}")
    withheld = set(g.withheld_questions)
    if withheld:
        notes += [
            "; " if notes else "",
            f"withheld (too few answered): {ctx.questions(sorted(withheld))}",
        ]
    missing = [n for n in g.placement.missing if n not in withheld]
    if missing:
        notes += ["; " if notes else "", f"not answered: {ctx.questions(missing)}"]
    return (
        (_Name(organisation),),
        wave,
        (str(g.respondents),),
        _rung_text(g.placement.rung, g.rung_probabilities, g.uncertain, estimated=ctx.estimated),
        (d.fmt_index(g.placement.index),),
        _blocking(ctx, g.placement),
        tuple(notes),
    )


def _internal(ctx: _Context) -> _Section:
    a = ctx.view
    latest: dict[str, GroupView] = {}
    for g in a.groups:
        if g.internal and (g.organisation not in latest or g.wave > latest[g.organisation].wave):
            latest[g.organisation] = g
    rows = tuple(_internal_row(ctx, o, latest.get(o)) for o in _organisations(a))
    head = ("Organisation", "Wave", "Respondents", "Rung", "Index", "Blocks the next rung", "Notes")
    return _Section(
        "internal",
        "Where each organisation stands internally",
        (
            _Para(
                (
                    "Each organisation's view of its own internal joint working, in its latest"
                    " wave. The index is the mean answered score as a percentage of the scale;"
                    " the blocking questions are those of the next rung not yet met."
                    + _likely_paragraph(a),
                )
            ),
            _Table(tuple((h,) for h in head), rows, frozenset({2, 4})),
        ),
    )


def _effective_text(view: RelationshipView) -> _Text:
    if view.effective_rung is None:
        return ("withheld: every member's view rests on too few respondents",)
    return _rung_text(view.effective_rung, view.rung_probabilities, view.uncertain)


def _likely_paragraph(a: Assessment) -> str:
    """Say how to read a rung's likelihood, or that it was not estimated."""
    if a.uncertainty == "none":
        return " How likely each rung is was not estimated: see the method notes."
    return (
        " How likely each rung is says how often other people of the same organisation,"
        " answering as these did, would put it there; a rung less than"
        f" {a.confidence:.0%} likely is marked uncertain (it can even be less likely than"
        " another: the rung is where these answers fall). 100% likely means no redrawing"
        " of these respondents could move it, not that they agree."
    )


def _relationship_blocks(ctx: _Context, number: int, view: RelationshipView) -> list[_Block]:
    wave: _Text = (" (", _Name(view.wave), ")") if view.wave else ()
    facts: list[_Text] = [
        ("Effective rung: ", *_effective_text(view)),
        ("Called: ", *_rung_or_none(view.claimed)),
        ("Aims for: ", *_rung_or_none(view.target)),
        ("Members: ", *_names(view.members)),
    ]
    if view.silent:
        facts.append(("Silent (gave no view): ", *_names(view.silent)))
    if view.partial:
        hidden = [m for m in view.withheld if m not in view.views]
        parts: list[_Inline] = ["Placed on the views that may be shared: "]
        if hidden:
            parts += [*_names(hidden), f" {'has' if len(hidden) == 1 else 'have'} a view"]
        if view.internal_withheld:
            parts += [" and " if hidden else "", *_names(view.internal_withheld)]
            parts.append(
                f" {'has' if len(view.internal_withheld) == 1 else 'have'} an internal view"
            )
        parts.append(f" resting on fewer than {ctx.size} respondents, withheld.")
        facts.append(tuple(parts))
    blocks: list[_Block] = [
        _Heading((_Name(view.subject), *wave), f"relationship-{number}"),
        _Bullets(tuple(facts)),
    ]
    rows: list[tuple[_Text, ...]] = []
    for member in view.members:
        inside = view.internal.get(member)
        inside_text: _Text = (
            ("withheld",)
            if member in view.internal_withheld
            else (d.NONE,)
            if inside is None
            else _inside_text(ctx, member, view.wave, inside)
        )
        p = view.views.get(member)
        if p is None:
            withheld = member in view.withheld
            rows.append(
                (
                    (_Name(member),),
                    ("withheld",) if withheld else ("no view",),
                    (d.NONE,),
                    (d.NONE,),
                    inside_text,
                    (_withheld_flag(ctx),) if withheld else (_Flag("silent: gave no view"),),
                )
            )
            continue
        group = ctx.member_group(view, member)
        notes: list[_Inline] = []
        if group is not None and group.divided:
            notes.append(_Flag("divided"))
            if group.dividing:
                notes.append(f" most on {d.questions_phrase(group.dividing)}")
        if inside is not None and p.rung > inside:
            notes += ["; " if notes else "", _Flag("above its own internal rung")]
        rows.append(
            (
                (_Name(member),),
                _rung_text(p.rung, None, False)
                if group is None
                else _rung_text(p.rung, group.rung_probabilities, group.uncertain),
                (d.fmt_index(p.index),),
                _blocking(ctx, p),
                inside_text,
                tuple(notes),
            )
        )
    head = ("Member", "View", "Index", "Blocks the next rung", "Own internal rung", "Notes")
    blocks.append(_Table(tuple((h,) for h in head), tuple(rows), frozenset({2})))
    blocks += _question_table(ctx, view)
    if len(view.views) >= 2:
        blocks.append(
            _Chart(
                "gaps",
                view,
                ("Each member's mean per question, and the gaps between them.",),
                {"instrument": ctx.view.instrument, "assessment": ctx.view},
            )
        )
    return blocks


def _inside_text(ctx: _Context, member: str, wave: str, inside: Rung) -> _Text:
    """Show a member's own internal rung, with how likely it is where its group is known."""
    for when in (wave, ""):  # an internal view without a wave stands for every wave
        try:
            g = ctx.view.group(member, "internal", wave=when)
        except JointWorkingError:
            continue
        if g.rung is inside:
            return _rung_text(inside, g.rung_probabilities, g.uncertain)
    return (_Badge(inside),)


def _question_table(ctx: _Context, view: RelationshipView) -> list[_Block]:
    inst = ctx.view.instrument
    if not view.views or len(view.gaps) != len(inst.questions):
        return []
    members = list(view.views)
    few = set(view.withheld_gaps)
    rows: list[tuple[_Text, ...]] = []
    for i, q in enumerate(inst.questions):
        means: list[_Text] = [
            ("withheld",)
            if q.number in view.withheld_questions.get(m, ())
            else (d.fmt_mean(view.views[m].scores[i]),)
            for m in members
        ]
        gap = view.gaps[i]
        gap_text: _Text
        if q.number in few:
            gap_text = ("withheld",)
        elif gap >= PERCEPTION_GAP_POINTS:
            gap_text = (_Strong((f"{d.fmt_mean(gap)} {d.WIDE}",)),)
        else:
            gap_text = (d.fmt_mean(gap),)
        rows.append(((d.question_label(inst, q.number),), *means, gap_text))
    head: tuple[_Text, ...] = (("Question",), *((_Name(m),) for m in members), ("Gap",))
    note = (
        f"Mean score per question (0 to {inst.scale.high:g}) of each member's respondents;"
        f" {d.WIDE} marks a gap of {PERCEPTION_GAP_POINTS:g} point or more."
    )
    if len(members) < 2:
        note += " Gaps need at least two members' views."
    if few:
        phrase = d.questions_phrase(sorted(few))
        note += (
            f" The gaps of {phrase} are withheld, with the mean of each member fewer than"
            f" {ctx.size} of whose respondents answered."
        )
    return [
        _Para((note,), note=True),
        _Table(head, tuple(rows), frozenset(range(1, len(members) + 2))),
    ]


def _relationships(ctx: _Context) -> _Section:
    blocks: list[_Block] = [
        _Para(
            (
                "The latest wave of each relationship. The effective rung is the lowest of"
                " the members' views and of their own internal rungs: an organisation is no"
                " better a partner than it is inside.",
            )
        )
    ]
    if not ctx.latest:
        blocks.append(_Para(("Nobody gave a view of a relationship with another organisation.",)))
    for number, view in enumerate(ctx.latest, 1):
        blocks += _relationship_blocks(ctx, number, view)
    return _Section("relationships", "Relationships", tuple(blocks))


def _largest_gaps(ctx: _Context, f: Finding, view: RelationshipView | None) -> list[int]:
    """Return the finding's questions, the largest gaps first (at most three), if shown."""
    if view is None or len(view.gaps) != len(ctx.numbers):
        return list(f.questions)
    gap = dict(zip(ctx.numbers, view.gaps, strict=True))
    return sorted(f.questions, key=lambda n: -gap.get(n, 0.0))[:3]


def _stop_calling(f: Finding, view: RelationshipView | None, qs: str) -> _Text:
    """Say what must hold before an overstated label does: the next step for one."""
    label = view.claimed.label if view is not None and view.claimed is not None else "that"
    verb = "is" if len(f.questions) == 1 else "are"
    until = f"{qs} {verb} met" if f.questions else "the evidence bears the label out"
    # A member below the label inside caps the relationship, whatever its questions say.
    capping = (
        []
        if view is None or view.claimed is None
        else [m for m, r in view.internal.items() if r < view.claimed]
    )
    cap: _Text = ()
    if capping:
        works = "works" if len(capping) == 1 else "work"
        cap = (" and ", *_names(capping), f" {works} at {label} inside too")
    return (f"Stop calling it a {label} until {until}", *cap, "; agree what it is today.")


def _next_step(ctx: _Context, f: Finding) -> _Text:  # noqa: PLR0911 - one answer per kind
    qs = d.questions_phrase(f.questions)
    view = ctx.by_subject.get((f.subject, f.wave))
    if f.kind == "overstated_label":
        return _stop_calling(f, view, qs)
    if f.kind == "rung_jump":
        if view is not None and view.target is not None and view.effective_rung is not None:
            steps = path(view.effective_rung, view.target)[:-1]
            if steps:
                first = steps[0]
                needed = [q.number for q in ctx.view.instrument.questions_for(first)]
                return (
                    f"Plan the intermediate rung first: reach {first.label}"
                    f" ({d.questions_phrase(needed)} met) before aiming for {view.target.label}.",
                )
        return ("Plan the intermediate rung first, one rung at a time.",)
    if f.kind == "one_sided":
        return (
            "Ask ",
            *_names(f.organisations),
            " to answer the questions about this relationship, then share the results with"
            " every member.",
        )
    if f.kind == "low_agreement":
        about = qs if f.questions else "the results"
        return (
            f"Discuss {about} with the units and teams of ",
            *_names(f.organisations),
            " before relying on the placement: find out why views differ.",
        )
    if f.kind == "external_above_internal":
        inside = f" ({qs})" if f.questions else ""
        return (
            "Build internal joint working first: ",
            *_names(f.organisations),
            f" should meet the next rung inside{inside} before claiming more outside.",
        )
    if f.kind == "insufficient_added_value":
        return (
            "Revisit the case for the joint working: say what significant value it should add"
            " and whether that is worth its cost; change it or stop it if not.",
        )
    if f.kind == "perception_gap":
        largest = _largest_gaps(ctx, f, view)
        start = f", starting with {d.questions_phrase(largest)}" if largest else ""
        return (
            "Share the results with every member and discuss the questions with the largest"
            f" gaps{start}; agree why members see the joint working differently.",
        )
    if f.kind == "too_few_respondents":
        return (
            f"Widen the survey: ask at least {ctx.size} people from ",
            *_names(f.organisations),
            ", from across its units, to answer, so that its figures can be shared.",
        )
    if f.kind == "unit_divergence":
        return (
            "Compare the units' views: ask each unit of ",
            *_names(f.organisations),
            " what it sees that the others do not, and build on the units where joint"
            " working already works.",
        )
    if f.kind == "wave_order":
        return (
            "Rename the waves year first (for example 2025-10 and 2026-03) so that their"
            " text order is their order in time, and assess again.",
        )
    return ("Discuss this finding with the organisations concerned.",)


def _findings(ctx: _Context) -> _Section:
    a = ctx.view
    n = len(a.findings)
    blocks: list[_Block] = [
        _Para(
            (
                f"{n} {'finding' if n == 1 else 'findings'} on each group's and"
                " relationship's latest wave, in order of consequence: a label the evidence"
                " does not bear out first, notes on agreement and on the data last; each"
                " with what to do next.",
            )
        )
    ]
    items = tuple(
        (
            _Strong((f"{_KIND_WORDS.get(f.kind, f.kind)}",)),
            f" ({f.severity}): ",
            _Message(f.message),
            " ",
            _Strong(("What to do next:",)),
            " ",
            *_next_step(ctx, f),
        )
        for f in a.findings
    )
    if items:
        blocks.append(_Bullets(items))
    else:
        blocks.append(_Para(("No findings: nothing in the results needs attention.",)))
    return _Section("findings", "Findings", tuple(blocks))


def _point_value(value: AddedValue) -> list[_Block]:
    facts: list[_Text] = [
        ("Verdict: ", _Strong((value.verdict.label,))),
        (
            f"Uplift: {d.fmt_percent(value.uplift)} over the sum of the parts (significant"
            f" from {value.threshold:.0%})",
        ),
        (f"Sum of the parts: {d.fmt_amount(value.baseline)}",),
        (f"Joint value: {d.fmt_amount(value.joint)}",),
        (f"Cost of the joint working: {d.fmt_amount(value.cost)}",),
        (f"Surplus: {d.fmt_amount(value.surplus)}",),
        (f"Switching value: {d.switching_text(value)}",),
    ]
    if value.optimism_bias:
        facts.append((f"Optimism bias: joint value reduced by {value.optimism_bias:.0%}",))
    return [_Bullets(tuple(facts))]


def _simulated_value(value: SimulatedAddedValue) -> list[_Block]:
    u, s = value.uplift, value.surplus
    seed = f", seed {value.seed}" if value.seed is not None else ""
    facts: list[_Text] = [
        ("Verdict: ", _Strong((value.verdict.label,))),
        (
            f"P(significant): {d.fmt_probability(value.p_significant)} (an uplift of"
            f" {value.threshold:.0%} or more; {value.confidence:.0%} needed)",
        ),
        (f"P(positive): {d.fmt_probability(value.p_positive)}",),
        (
            f"Uplift percentiles: 5th {d.fmt_percent(u.p5)}, median {d.fmt_percent(u.p50)},"
            f" 95th {d.fmt_percent(u.p95)}",
        ),
        (
            f"Surplus percentiles: 5th {d.fmt_amount(s.p5)}, median {d.fmt_amount(s.p50)},"
            f" 95th {d.fmt_amount(s.p95)}",
        ),
        (f"Simulation: {value.draws:,} draws{seed}",),
    ]
    return [
        _Bullets(tuple(facts)),
        _Chart("value_distribution", value, ("The simulated uplift over the sum of the parts.",)),
    ]


def _value(ctx: _Context) -> _Section:
    blocks: list[_Block] = []
    valued = [v for v in ctx.latest if v.value is not None]
    if not valued:
        blocks.append(_Para(("No values were given, so the added-value test was not run.",)))
    else:
        blocks.append(
            _Para(
                (
                    "Joint working has to deliver significantly more value than the sum of the"
                    " organisations working alone; if not, the rationale for it has to be"
                    " seriously questioned.",
                )
            )
        )
    for number, view in enumerate(valued, 1):
        blocks.append(_Heading((_Name(view.subject),), f"value-{number}"))
        if isinstance(view.value, AddedValue):
            blocks += _point_value(view.value)
        elif isinstance(view.value, SimulatedAddedValue):
            blocks += _simulated_value(view.value)
    return _Section("added-value", "Added value", tuple(blocks))


def _progress(ctx: _Context) -> _Section:
    a = ctx.view
    if not a.progress:
        return _Section(
            "progress",
            "Progress between waves",
            (_Para(("Only one wave of responses for each group: no progress to show yet.",)),),
        )
    rows: list[tuple[_Text, ...]] = []
    for p in a.progress:
        about: _Text = ("internal",) if p.about == "internal" else (_Name(p.about),)
        low, high = p.interval
        interval = "" if math.isnan(low) else f" ({d.fmt_change(low)} to {d.fmt_change(high)})"
        rungs: list[_Inline] = [_Badge(p.rung_before)]
        if p.uncertain_before:
            rungs += [" ", _Flag(d.UNCERTAIN)]
        rungs += [" \u2192 ", _Badge(p.rung_after)]
        if p.uncertain_after:
            rungs += [" ", _Flag(d.UNCERTAIN)]
        moved = d.fmt_probability(p.p_rung_moved) if not math.isnan(p.p_rung_moved) else d.NONE
        rows.append(
            (
                (_Name(p.organisation),),
                about,
                (_Name(p.before), " \u2192 ", _Name(p.after)),
                tuple(rungs),
                (moved,),
                (f"{d.fmt_change(p.index_change)}{interval}",),
                (p.direction,),
            )
        )
    head = (
        "Organisation",
        "About",
        "Waves",
        "Rung",
        "Other respondents, other rungs",
        "Index change (90% interval)",
        "Change",
    )
    return _Section(
        "progress",
        "Progress between waves",
        (
            _Para(
                (
                    "A change is called up or down only where its 90% interval leaves out"
                    " zero; otherwise there is no clear change, whatever the figures (not"
                    " estimated where a question in either wave had too few answers to"
                    " say). The next to last column is how often other people, answering"
                    " as each wave's did, would put the two waves on different rungs: high"
                    " for a group near a threshold even where nothing changed, so it says"
                    " how firm the rungs are, not that they moved.",
                )
            ),
            _Table(tuple((h,) for h in head), tuple(rows), frozenset({4, 5})),
        ),
    )


def _method(ctx: _Context) -> _Section:
    a = ctx.view
    inst = a.instrument
    scale = ", ".join(f"{p.value:g} {p.label}" for p in inst.scale.points)
    collab = [q.number for q in inst.questions_for(Rung.COLLABORATION)]
    partner = [q.number for q in inst.questions_for(Rung.PARTNERSHIP)]
    if inst.collaboration_threshold == inst.partnership_threshold:
        met = f"at least {inst.collaboration_threshold:g}"
    else:
        met = (
            f"at least {inst.collaboration_threshold:g} for a collaboration question and"
            f" {inst.partnership_threshold:g} for a partnership question"
        )
    thresholds = sorted({v.value.threshold for v in ctx.latest if v.value is not None}) or [
        DEFAULT_THRESHOLD
    ]
    significant = " or ".join(f"{t:.0%}" for t in thresholds)
    a_points = len(inst.scale.points)
    facts: tuple[_Text, ...] = (
        ("Instrument: ", _Prose(inst.name), ". Source: ", _Prose(inst.source)),
        ("Scale: ", _Prose(scale), "."),
        (
            '"Don\'t know" and blank answers are missing, never zero: they are left out of'
            " every mean, and a question nobody answered is never met.",
        ),
        (
            f"A question is met when its group's mean score is {met}. The gating is staged:"
            f" collaboration needs every collaboration question (questions"
            f" {d.numbers_text(collab)}) met; partnership needs collaboration and every"
            f" partnership question (questions {d.numbers_text(partner)}) met; otherwise the"
            " joint working is at transaction. Rungs cannot be skipped.",
        ),
        (
            "The index is the mean answered score as a percentage of the scale's range, to"
            " one decimal; means and gaps are in scale points, to two decimals.",
        ),
        _how_sure(a),
        (
            f"Agreement: r_wg per question, and r_wg(J) of the questions that decide a"
            f" placement taken as a scale, against a uniform null distribution over the"
            f" scale's {a_points} points (variance (A\u00b2 \u2212 1)/12 for an A-point"
            f" scale). Respondents are divided when that r_wg(J) is below"
            f" {a.agreement_threshold:.2f}; a question fewer than {a.min_group_size} people"
            " answered is not judged.",
        ),
        (
            f"Minimum group size: {a.min_group_size}. This report shows nothing computed"
            " from the answers of a smaller group: not its rung, index, blocking questions"
            " or any figure; a relationship it is a member of is placed on the other views,"
            " and says so. A question fewer people than that answered in a group counts as"
            " unanswered here: its figures are withheld and it is never met.",
        ),
        (
            "A relationship's effective rung is the lowest of its members' views and of their"
            " own internal rungs in the same wave.",
        ),
        (
            f"Added value is significant when the uplift over the sum of the parts is"
            f" {significant} or more. That threshold is a policy choice, not the article's:"
            " set your own. Under uncertainty the verdict needs that probability to reach"
            " the confidence asked for.",
        ),
    )
    rows = tuple(
        ((str(q.number),), (q.key.replace("_", " "),), (_Badge(q.rung),), (_Prose(q.text),))
        for q in inst.questions
    )
    return _Section(
        "method",
        "Method notes",
        (
            _Bullets(facts),
            *_consistency(a),
            _Para(("The questions:",)),
            _Table((("Q",), ("Short label",), ("Evidences",), ("Question",)), rows, frozenset({0})),
        ),
    )


def _figures(item: ScaleReliability) -> str:
    if item.alpha is None:
        return "not measured"
    omega = "omega not measured" if item.omega is None else f"omega {item.omega.total:.2f}"
    return f"alpha {item.alpha.raw:.2f}; {omega}"


def _omega(item: ScaleReliability) -> str:
    return "not measured" if item.omega is None else f"{item.omega.total:.2f}"


def _consistency(a: Assessment) -> list[_Block]:
    """Say whether each rung's questions hang together on these answers."""
    reliability = a.reliability
    if reliability is None:
        return [
            _Para(
                (
                    "Whether the questions hang together (alpha, omega) was not measured:"
                    " it needs the responses, and this report was made from statistics.",
                )
            )
        ]
    readings = tuple((_sentences.sentence(item.reading) + ".",) for item in reliability.survey)
    blocks: list[_Block] = [
        _Para(
            (
                "Do the questions hang together on these answers? Cronbach's alpha and"
                " McDonald's omega over every response that may be shared (0.7 or more is"
                " the usual mark of questions that measure one thing):",
            )
        ),
        _Bullets(
            tuple(
                (*reading, f" Omega {_omega(item)}; {item.responses:,} responses.")
                for reading, item in zip(readings, reliability.survey, strict=True)
            )
        ),
    ]
    if reliability.organisations:
        head = (("Organisation",), ("Collaboration",), ("Partnership",), ("All",))
        rows: tuple[tuple[_Text, ...], ...] = tuple(
            ((_Name(name),), *((_figures(item),) for item in items))
            for name, items in reliability.organisations.items()
        )
        blocks.append(
            _Para(
                (f"Per organisation with at least {reliability.min_responses} responses:",),
                note=True,
            )
        )
        blocks.append(_Table(head, rows))
    return blocks


def _how_sure(a: Assessment) -> _Text:
    """Say how the rung probabilities were estimated, in words a board reads."""
    if a.uncertainty == "none":
        return (
            "How likely each rung is was not estimated: the statistics this report was"
            " made from hold no cross sums (see GroupStatistics).",
        )
    if a.uncertainty == "bootstrap":
        how = (
            f"each group's respondents were drawn again at random, with replacement,"
            f" {a.resamples:,} times (a bootstrap, seed {a.seed}), and each draw placed on"
            " the ladder by the same rule"
        )
    else:
        how = (
            "a normal approximation to drawing each group's respondents again at random"
            f" (seed {a.seed}) was used, as only merged statistics were available"
        )
    return (
        f"How likely each rung is: {how}; a rung's likelihood is the share of draws placed"
        f" on it. A placement is uncertain when its rung is less than {a.confidence:.0%}"
        " likely: other people of the same group could well have placed it on another"
        " rung.",
    )


def _document(assessment: Assessment, description: str | None) -> tuple[_Section, ...]:
    if not isinstance(assessment, Assessment):
        raise TypeError(
            f"assessment: expected an Assessment from assess(), got {type(assessment).__name__}"
        )
    ctx = _Context.of(assessment)
    return (
        _summary(ctx, description),
        _internal(ctx),
        _relationships(ctx),
        _findings(ctx),
        _value(ctx),
        _progress(ctx),
        _method(ctx),
    )


# --- Markdown --------------------------------------------------------------------------


def _md_inline(parts: Iterable[_Inline], marker: d.NameMarker, context: Context = "inline") -> str:
    """Render inline parts; the first stands at `context`, the rest mid-line (inline)."""
    out = []
    for i, part in enumerate(parts):
        here: Context = "inline" if context == "start" and i else context
        if isinstance(part, str):
            out.append(part)
        elif isinstance(part, _Name):
            out.append(d.md_name(part.text, here))
        elif isinstance(part, _Message):
            out.append(marker.markdown(part.text, context=here))
        elif isinstance(part, _Prose):
            out.append(marker.markdown(part.text, prose=True, context=here))
        elif isinstance(part, _Strong):
            inner: Context = "cell" if here == "cell" else "emphasis"
            out.append(f"**{_md_inline(part.parts, marker, inner)}**")
        elif isinstance(part, _Badge):
            out.append(part.rung.label)
        else:
            out.append(f"*{part.text}*")
    return "".join(out)


def _md_block(block: _Block, marker: d.NameMarker) -> str | None:
    if isinstance(block, _Heading):
        return f"### {_md_inline(block.text, marker, 'heading')}"
    if isinstance(block, _Para):
        note = block.note
        text = _md_inline(block.text, marker, "emphasis" if note else "start")
        return f"*{text}*" if note else text
    if isinstance(block, _Bullets):
        return "\n".join(f"- {_md_inline(item, marker, 'start')}" for item in block.items)
    if isinstance(block, _Table):

        def row(cells: Iterable[_Text]) -> str:
            return "| " + " | ".join(_md_inline(c, marker, "cell") or " " for c in cells) + " |"

        rule = (
            "|"
            + "|".join("---:" if i in block.numeric else "---" for i in range(len(block.head)))
            + "|"
        )
        return "\n".join([row(block.head), rule, *(row(r) for r in block.rows)])
    if isinstance(block, _Legend):
        rungs = "; ".join(f"{r.label} ({d.RUNG_MEANING[r]})" for r in Rung)
        return f"Rungs, lowest to highest: {rungs}."
    return None  # charts are for HTML


def markdown(assessment: Assessment, *, title: str = _TITLE, description: str | None = None) -> str:
    """Return the report as Markdown (GitHub-flavoured tables).

    Parameters
    ----------
    assessment : Assessment
        The results of :func:`~jointworking.assess`.
    title : str, optional
        The report's title, its first line.
    description : str, optional
        A paragraph at the start of the summary, e.g. ``Example.description``.

    Returns
    -------
    str
        Seven sections: summary, where each organisation stands internally,
        relationships, findings, added value, progress between waves and method notes.
        Small groups' figures are withheld; names are escaped so that they cannot inject
        Markdown or HTML.

    Examples
    --------
    >>> from jointworking import assess, load_example
    >>> example = load_example()
    >>> result = assess(example.responses, arrangements=example.arrangements)
    >>> text = markdown(result)
    >>> text.splitlines()[0]
    '# Joint working self-assessment'
    >>> [line for line in text.splitlines() if line.startswith("## ")]
    ['## Summary', '## Where each organisation stands internally', '## Relationships',
     '## Findings', '## Added value', '## Progress between waves', '## Method notes']
    """
    sections = _document(assessment, description)
    marker = d.finding_names(assessment)
    parts = [f"# {d.md_text(title, 'heading')}"]
    for section in sections:
        parts.append(f"## {section.title}")
        for block in section.blocks:
            text = _md_block(block, marker)
            if text is not None:
                parts.append(text)
    return "\n\n".join(parts) + "\n"


# --- HTML ------------------------------------------------------------------------------

_CSS: Final = """
:root { color-scheme: light; }
body { margin: 0; background: #fff; color: #1f2328;
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
  sans-serif; }
header, main, footer { max-width: 68rem; margin: 0 auto; padding: 0 1.25rem; }
h1 { font-size: 1.8rem; margin: 1.5rem 0 0.5rem; }
h2 { font-size: 1.35rem; margin: 2.2rem 0 0.6rem; padding-bottom: 0.2rem;
  border-bottom: 2px solid #d0d7de; }
h3 { font-size: 1.1rem; margin: 1.6rem 0 0.4rem; }
h1, h2, h3, p, li, figcaption { overflow-wrap: anywhere; }
th, td { overflow-wrap: break-word; }
th, td.num { white-space: nowrap; }
nav ul { display: flex; flex-wrap: wrap; gap: 0.2rem 1.2rem; list-style: none;
  padding: 0; margin: 0.5rem 0 1rem; }
nav a, a { color: #0969da; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; margin: 0.5rem 0 1rem; font-size: 0.9rem; }
th, td { border-bottom: 1px solid #d0d7de; padding: 0.3rem 0.6rem; text-align: left;
  vertical-align: top; }
thead th { background: #f6f8fa; border-bottom: 2px solid #d0d7de; }
.num { text-align: right; font-variant-numeric: tabular-nums; }
.rung { display: inline-block; padding: 0 0.45em; border-radius: 3px; color: #fff;
  font-size: 0.85em; white-space: nowrap; }
.rung-transaction { background: #b34700; }
.rung-collaboration { background: #0072b2; }
.rung-partnership { background: #00785a; }
.flag { display: inline-block; padding: 0 0.4em; border: 1px solid #bf8700;
  border-radius: 3px; background: #fff8c5; color: #6f4a00; font-size: 0.85em; }
.legend { display: flex; flex-wrap: wrap; gap: 0.3rem 1.2rem; padding: 0.5rem 0.8rem;
  margin: 0.8rem 0; border: 1px solid #d0d7de; border-radius: 6px; background: #f6f8fa;
  font-size: 0.9rem; list-style: none; }
.note { color: #59636e; font-size: 0.9rem; }
li { margin: 0.2rem 0; }
figure { margin: 1rem 0; }
figure svg { display: block; max-width: 100%; height: auto; }
figcaption { color: #59636e; font-size: 0.9rem; }
footer { color: #59636e; font-size: 0.85rem; margin-top: 2rem; padding-bottom: 2rem; }
@media print {
  body { font-size: 10.5pt; }
  nav { display: none; }
  h2, h3 { break-after: avoid; }
  tr, figure, li { break-inside: avoid; }
  .table-wrap { overflow: visible; }
  .rung, .flag, .legend, thead th { print-color-adjust: exact;
    -webkit-print-color-adjust: exact; }
  a { color: inherit; text-decoration: none; }
}
"""


def _html_inline(parts: Iterable[_Inline], marker: d.NameMarker) -> str:
    out = []
    for part in parts:
        if isinstance(part, str):
            out.append(d.esc(part))
        elif isinstance(part, _Name):
            out.append(d.name_html(part.text))
        elif isinstance(part, _Message | _Prose):
            out.append(marker.html(part.text))
        elif isinstance(part, _Strong):
            out.append(f"<strong>{_html_inline(part.parts, marker)}</strong>")
        elif isinstance(part, _Badge):
            label = d.esc(part.rung.label)
            out.append(f'<span class="rung rung-{label}">{label}</span>')
        else:
            out.append(f'<span class="flag">{d.esc(part.text)}</span>')
    return "".join(out)


class _SvgCheck(HTMLParser):
    """Refuse an SVG with a script, an event handler or a reference outside itself."""

    _REFUSED: Final = frozenset({"script", "foreignobject", "iframe", "object", "embed"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.safe = True

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag.lower() in self._REFUSED:
            self.safe = False
        for key, value in attrs:
            name = key.lower()
            target = (value or "").strip().lower()
            if name.startswith("on"):
                self.safe = False
            if (name in {"href", "src"} or name.endswith(":href")) and not (
                target.startswith("#") or target.startswith("data:image/")
            ):
                self.safe = False


_SVG_JUNK: Final = re.compile(r"<!--.*?-->|<metadata\b.*?</metadata>", re.DOTALL | re.IGNORECASE)
_EXTERNAL_CSS: Final = re.compile(r"@import|url\(\s*['\"]?\s*(?!#|data:)", re.IGNORECASE)


def _safe_svg(text: str) -> str | None:
    """Return the ``<svg>`` element of `text`, or None if it is not safe to inline."""
    start = text.find("<svg")
    if start < 0:
        return None
    svg = _SVG_JUNK.sub("", text[start:]).strip()
    if _EXTERNAL_CSS.search(svg):
        return None
    check = _SvgCheck()
    check.feed(svg)
    check.close()
    return svg if check.safe else None


def _plot_module() -> ModuleType | None:
    try:
        return importlib.import_module("jointworking.plot")
    except ImportError:
        return None


def _close(figure: object) -> None:
    """Close a matplotlib figure made through pyplot, which stays open until closed."""
    pyplot = sys.modules.get("matplotlib.pyplot")
    figure_type = getattr(sys.modules.get("matplotlib.figure"), "Figure", None)
    if pyplot is not None and figure_type is not None and isinstance(figure, figure_type):
        pyplot.close(figure)


@attrs.define
class _Charts:
    """Draw charts with :mod:`jointworking.plot`, if it and matplotlib are installed."""

    enabled: bool
    module: ModuleType | None = None
    noted: bool = False

    def render(self, chart: _Chart, marker: d.NameMarker) -> str:
        if not self.enabled:
            return ""
        if self.module is None:
            if self.noted:
                return ""
            self.noted = True
            return (
                f'<p class="note">Charts are not shown: <code>{d.esc(_INSTALL_PLOT)}</code>'
                " adds them.</p>"
            )
        draw: Callable[..., Any] = getattr(self.module, chart.function)
        try:
            figure = draw(chart.argument, **chart.keywords)
        except JointWorkingError:
            return ""
        try:
            svg = _safe_svg(str(self.module.to_svg(figure)))
        finally:
            _close(figure)
        if svg is None:
            return ""
        caption = _html_inline(chart.caption, marker)
        return f'<figure><div class="chart">{svg}</div><figcaption>{caption}</figcaption></figure>'


def _html_block(block: _Block, marker: d.NameMarker, charts: _Charts) -> str:
    if isinstance(block, _Heading):
        return f'<h3 id="{d.esc(block.anchor)}">{_html_inline(block.text, marker)}</h3>'
    if isinstance(block, _Para):
        css = ' class="note"' if block.note else ""
        return f"<p{css}>{_html_inline(block.text, marker)}</p>"
    if isinstance(block, _Bullets):
        items = "".join(f"<li>{_html_inline(item, marker)}</li>" for item in block.items)
        return f"<ul>{items}</ul>"
    if isinstance(block, _Table):

        def cell(tag: str, i: int, parts: _Text) -> str:
            css = ' class="num"' if i in block.numeric else ""
            scope = ' scope="col"' if tag == "th" else ""
            return f"<{tag}{css}{scope}>{_html_inline(parts, marker)}</{tag}>"

        head = "".join(cell("th", i, h) for i, h in enumerate(block.head))
        body = "".join(
            "<tr>" + "".join(cell("td", i, c) for i, c in enumerate(row)) + "</tr>"
            for row in block.rows
        )
        return (
            f'<div class="table-wrap"><table><thead><tr>{head}</tr></thead>'
            f"<tbody>{body}</tbody></table></div>"
        )
    if isinstance(block, _Legend):
        items = "".join(
            f'<li><span class="rung rung-{r.label}">{r.label}</span>'
            f" {d.esc(d.RUNG_MEANING[r])}</li>"
            for r in Rung
        )
        return f'<ul class="legend" aria-label="Rungs, lowest to highest">{items}</ul>'
    return charts.render(block, marker)


def html(
    assessment: Assessment,
    *,
    title: str = _TITLE,
    description: str | None = None,
    charts: bool = True,
) -> str:
    """Return the report as one self-contained HTML5 file.

    Parameters
    ----------
    assessment : Assessment
        The results of :func:`~jointworking.assess`.
    title : str, optional
        The report's title.
    description : str, optional
        A paragraph at the start of the summary, e.g. ``Example.description``.
    charts : bool, optional
        Draw charts as inline SVG with :mod:`jointworking.plot` (True by default). Without
        matplotlib the report says that ``pip install "jointworking[plot]"`` adds them.

    Returns
    -------
    str
        The same seven sections as :func:`markdown`, with inline CSS that prints well
        and a legend of the rungs' colours. Nothing is loaded from the network: no
        external script, stylesheet, font or image, and a Content-Security-Policy
        (:data:`CSP`) forbids any script. Every name is escaped and isolated in
        ``<bdi>``; small groups' figures are withheld.

    Examples
    --------
    >>> from jointworking import assess, load_example
    >>> example = load_example()
    >>> result = assess(example.responses, arrangements=example.arrangements)
    >>> page = html(result, charts=False)
    >>> page.startswith("<!DOCTYPE html>"), CSP in page, "<script" in page
    (True, True, False)
    """
    sections = _document(assessment, description)
    marker = d.finding_names(assessment)
    drawer = _Charts(charts, _plot_module() if charts else None)
    from jointworking import __version__  # noqa: PLC0415 - the package imports this module's peers

    nav = "".join(f'<li><a href="#{s.anchor}">{d.esc(s.title)}</a></li>' for s in sections)
    body = []
    for section in sections:
        inner = "".join(_html_block(b, marker, drawer) for b in section.blocks)
        body.append(
            f'<section id="{section.anchor}"><h2>{d.esc(section.title)}</h2>{inner}</section>'
        )
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="referrer" content="no-referrer">\n'
        f'<meta name="generator" content="jointworking {d.esc(__version__)}">\n'
        f"<title>{d.esc(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        f"<header><h1>{d.name_html(title)}</h1>"
        f'<nav aria-label="Sections"><ul>{nav}</ul></nav></header>\n'
        f"<main>\n{chr(10).join(body)}\n</main>\n"
        "<footer>Made with jointworking "
        f"{d.esc(__version__)} from the ten questions of Morley (2016), Getting the most"
        " from joint working. The results then need to be shared.</footer>\n"
        "</body>\n</html>\n"
    )
