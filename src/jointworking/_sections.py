"""The sections of a report, built once from an assessment's shared view.

Every figure here comes from :meth:`Assessment.shared_view
<jointworking.Assessment.shared_view>`; the blocks (:mod:`jointworking._document`) are
rendered by :mod:`jointworking._render_markdown` and :mod:`jointworking._render_html`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Final

from jointworking import _action_plan, _network, _sentences
from jointworking import _display as d
from jointworking._advice import Facts, next_step, rung_text
from jointworking._document import (
    Badge,
    Block,
    Bullets,
    Chart,
    Flag,
    Heading,
    Inline,
    Legend,
    Message,
    Name,
    Para,
    Prose,
    Section,
    Strong,
    Table,
    Text,
    name_list,
    rung_or_none,
)
from jointworking._engine import PERCEPTION_GAP_POINTS
from jointworking.assessment import Assessment, GroupView, RelationshipView
from jointworking.consistency import ScaleReliability
from jointworking.errors import JointWorkingError
from jointworking.ladder import Placement
from jointworking.rung import Rung
from jointworking.value import DEFAULT_THRESHOLD, AddedValue, SimulatedAddedValue

__all__ = ["KIND_WORDS", "SEVERITY_WORDS", "TITLE", "document"]

TITLE: Final = "Joint working self-assessment"
KIND_WORDS: Final = {
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
SEVERITY_WORDS: Final = {"critical": "Critical", "warning": "Warning", "info": "Info"}


def _summary(ctx: Facts, description: str | None) -> Section:
    a = ctx.view
    c = d.counts(a)
    blocks: list[Block] = []
    if description:
        blocks.append(Para((Prose(description),)))
    wave: Text = (Name(c.latest_wave),) if c.latest_wave else ("not recorded",)
    views = (
        ""
        if c.relationship_views == c.relationships
        else f" ({c.relationship_views} counting each wave separately)"
    )
    blocks.append(
        Bullets(
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
        blocks.append(Para(("The findings that matter most:",)))
        blocks.append(
            Bullets(
                tuple(
                    (Strong((SEVERITY_WORDS[f.severity],)), ": ", Message(f.message)) for f in top
                )
            )
        )
    else:
        blocks.append(Para(("No findings: nothing in the results needs attention.",)))
    blocks.append(Legend())
    blocks.append(
        Chart(
            "ladder",
            a,
            ("Where each group places its joint working on the ladder.",),
            (Message(_ladder_message(ctx)),),
        )
    )
    blocks.append(
        Chart(
            "heatmap",
            a,
            ("Each group's mean score on each question.",),
            (Message(_heatmap_message(ctx)),),
        )
    )
    return Section("summary", "Summary", tuple(blocks))


def _by_rung(named: Sequence[tuple[str, Rung | None]]) -> str:
    """Say which names stand on which rung: "2 at collaboration (A and B); 1 withheld (C)"."""
    parts = []
    for rung in (*reversed(Rung), None):
        names = [n for n, r in named if r is rung]
        if names:
            where = f"at {rung.label}" if rung is not None else "withheld"
            parts.append(f"{len(names)} {where} ({_sentences.names(names)})")
    return "; ".join(parts) if parts else "none"


def _ladder_message(ctx: Facts) -> str:
    inside = [
        (o, None if g.placement is None else g.placement.rung) for o, g in ctx.internal.items()
    ]
    relationships = [(v.subject, v.effective_rung) for v in ctx.latest]
    text = f"Organisations inside: {_by_rung(sorted(inside))}."
    if relationships:
        text += f" Relationships: {_by_rung(relationships)}."
    over = [
        v.subject
        for v in ctx.latest
        if v.claimed is not None and v.effective_rung is not None and v.claimed > v.effective_rung
    ]
    if over:
        text += f" Called a higher rung than the evidence shows: {_sentences.names(over)}."
    return text


def _heatmap_message(ctx: Facts) -> str:
    inst = ctx.view.instrument
    latest: dict[tuple[str, str], GroupView] = {}
    for g in ctx.view.groups:
        key = (g.organisation, g.about)
        if not g.small and (key not in latest or g.wave > latest[key].wave):
            latest[key] = g
    if not latest:
        return "Every group's figures are withheld: too few respondents."
    below: list[tuple[int, str]] = []
    for i, q in enumerate(inst.questions):
        means = [g.mean[i] for g in latest.values() if not math.isnan(g.mean[i])]
        n = sum(1 for m in means if m < inst.threshold(q.rung))
        below.append((n, d.question_label(inst, q.number)))
    worst = sorted(below, key=lambda item: -item[0])[:3]
    best = min(below, key=lambda item: item[0])
    listed = ", ".join(f"{label} ({n} of {len(latest)})" for n, label in worst)
    return (
        f"{len(latest)} groups. The questions most often below the threshold at which a"
        f" question is met: {listed}. Least often: {best[1]} ({best[0]} of {len(latest)})."
    )


def _gaps_message(ctx: Facts, view: RelationshipView) -> str:
    inst = ctx.view.instrument
    few = set(view.withheld_gaps)
    gaps = [
        (gap, q.number)
        for gap, q in zip(view.gaps, inst.questions, strict=True)
        if q.number not in few and not math.isnan(gap)
    ]
    if not gaps:
        return "No gap can be shown: too few answers to share."
    wide = sorted((g for g in gaps if g[0] >= PERCEPTION_GAP_POINTS), key=lambda g: -g[0])
    if not wide:
        gap, number = max(gaps)
        return (
            f"Members see every question within {PERCEPTION_GAP_POINTS:g} point of each other;"
            f" the largest gap is {d.fmt_mean(gap)} on {d.question_label(inst, number)}."
        )
    largest = ", ".join(f"{d.question_label(inst, n)} ({d.fmt_mean(g)})" for g, n in wide[:3])
    return (
        f"Members differ by {PERCEPTION_GAP_POINTS:g} point or more on {len(wide)} of"
        f" {len(gaps)} questions; the largest gaps: {largest}."
    )


def _blocking(ctx: Facts, placement: Placement) -> Text:
    if placement.next is None:
        return ("nothing: the top rung",)
    if not placement.blocking:
        return (f"{placement.next.label}: nothing",)
    return (f"{placement.next.label}: {ctx.questions(placement.blocking)}",)


def _withheld_flag(ctx: Facts) -> Flag:
    return Flag(d.withheld_text(ctx.size))


def _internal_row(ctx: Facts, organisation: str, g: GroupView | None) -> tuple[Text, ...]:
    none: Text = (d.NONE,)
    if g is None:
        return (
            (Name(organisation),),
            none,
            ("0",),
            none,
            none,
            none,
            (Flag("no internal responses"),),
        )
    wave: Text = (Name(g.wave),) if g.wave else none
    if g.placement is None:
        return (
            (Name(organisation),),
            wave,
            (str(g.respondents),),
            ("withheld",),
            ("withheld",),
            ("withheld",),
            (_withheld_flag(ctx),),
        )
    notes: list[Inline] = []
    if g.divided:
        notes.append(Flag("divided"))
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
        (Name(organisation),),
        wave,
        (str(g.respondents),),
        rung_text(g.placement.rung, g.rung_probabilities, g.uncertain, estimated=ctx.estimated),
        (d.fmt_index(g.placement.index),),
        _blocking(ctx, g.placement),
        tuple(notes),
    )


def _internal(ctx: Facts) -> Section:
    a = ctx.view
    rows = tuple(_internal_row(ctx, o, ctx.internal.get(o)) for o in ctx.organisations)
    head = ("Organisation", "Wave", "Respondents", "Rung", "Index", "Blocks the next rung", "Notes")
    return Section(
        "internal",
        "Where each organisation stands internally",
        (
            Para(
                (
                    "Each organisation's view of its own internal joint working, in its latest"
                    " wave. The index is the mean answered score as a percentage of the scale;"
                    " the blocking questions are those of the next rung not yet met."
                    + _likely_paragraph(a),
                )
            ),
            Table(tuple((h,) for h in head), rows, frozenset({2, 4})),
        ),
    )


def _effective_text(view: RelationshipView) -> Text:
    if view.effective_rung is None:
        return ("withheld: every member's view rests on too few respondents",)
    return rung_text(view.effective_rung, view.rung_probabilities, view.uncertain)


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


def _relationship_blocks(ctx: Facts, number: int, view: RelationshipView) -> list[Block]:
    wave: Text = (" (", Name(view.wave), ")") if view.wave else ()
    facts: list[Text] = [
        ("Effective rung: ", *_effective_text(view)),
        ("Called: ", *rung_or_none(view.claimed)),
        ("Aims for: ", *rung_or_none(view.target)),
        ("Members: ", *name_list(view.members)),
    ]
    if view.silent:
        facts.append(("Silent (gave no view): ", *name_list(view.silent)))
    if view.partial:
        hidden = [m for m in view.withheld if m not in view.views]
        parts: list[Inline] = ["Placed on the views that may be shared: "]
        if hidden:
            parts += [*name_list(hidden), f" {'has' if len(hidden) == 1 else 'have'} a view"]
        if view.internal_withheld:
            parts += [" and " if hidden else "", *name_list(view.internal_withheld)]
            parts.append(
                f" {'has' if len(view.internal_withheld) == 1 else 'have'} an internal view"
            )
        parts.append(f" resting on fewer than {ctx.size} respondents, withheld.")
        facts.append(tuple(parts))
    blocks: list[Block] = [
        Heading((Name(view.subject), *wave), f"relationship-{number}"),
        Bullets(tuple(facts)),
    ]
    rows: list[tuple[Text, ...]] = []
    for member in view.members:
        inside = view.internal.get(member)
        inside_text: Text = (
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
                    (Name(member),),
                    ("withheld",) if withheld else ("no view",),
                    (d.NONE,),
                    (d.NONE,),
                    inside_text,
                    (_withheld_flag(ctx),) if withheld else (Flag("silent: gave no view"),),
                )
            )
            continue
        group = ctx.member_group(view, member)
        notes: list[Inline] = []
        if group is not None and group.divided:
            notes.append(Flag("divided"))
            if group.dividing:
                notes.append(f" most on {d.questions_phrase(group.dividing)}")
        if inside is not None and p.rung > inside:
            notes += ["; " if notes else "", Flag("above its own internal rung")]
        rows.append(
            (
                (Name(member),),
                rung_text(p.rung, None, False)
                if group is None
                else rung_text(p.rung, group.rung_probabilities, group.uncertain),
                (d.fmt_index(p.index),),
                _blocking(ctx, p),
                inside_text,
                tuple(notes),
            )
        )
    head = ("Member", "View", "Index", "Blocks the next rung", "Own internal rung", "Notes")
    blocks.append(Table(tuple((h,) for h in head), tuple(rows), frozenset({2})))
    blocks += _question_table(ctx, view)
    if len(view.views) >= 2:
        blocks.append(
            Chart(
                "gaps",
                view,
                ("Each member's mean per question, and the gaps between them.",),
                (Message(_gaps_message(ctx, view)),),
                {"instrument": ctx.view.instrument, "assessment": ctx.view},
            )
        )
    return blocks


def _inside_text(ctx: Facts, member: str, wave: str, inside: Rung) -> Text:
    """Show a member's own internal rung, with how likely it is where its group is known."""
    for when in (wave, ""):  # an internal view without a wave stands for every wave
        try:
            g = ctx.view.group(member, "internal", wave=when)
        except JointWorkingError:
            continue
        if g.rung is inside:
            return rung_text(inside, g.rung_probabilities, g.uncertain)
    return (Badge(inside),)


def _question_table(ctx: Facts, view: RelationshipView) -> list[Block]:
    inst = ctx.view.instrument
    if not view.views or len(view.gaps) != len(inst.questions):
        return []
    members = list(view.views)
    few = set(view.withheld_gaps)
    rows: list[tuple[Text, ...]] = []
    for i, q in enumerate(inst.questions):
        means: list[Text] = [
            ("withheld",)
            if q.number in view.withheld_questions.get(m, ())
            else (d.fmt_mean(view.views[m].scores[i]),)
            for m in members
        ]
        gap = view.gaps[i]
        gap_text: Text
        if q.number in few:
            gap_text = ("withheld",)
        elif gap >= PERCEPTION_GAP_POINTS:
            gap_text = (Strong((f"{d.fmt_mean(gap)} {d.WIDE}",)),)
        else:
            gap_text = (d.fmt_mean(gap),)
        rows.append(((d.question_label(inst, q.number),), *means, gap_text))
    head: tuple[Text, ...] = (("Question",), *((Name(m),) for m in members), ("Gap",))
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
        Para((note,), note=True),
        Table(head, tuple(rows), frozenset(range(1, len(members) + 2))),
    ]


def _relationships(ctx: Facts) -> Section:
    blocks: list[Block] = [
        Para(
            (
                "The latest wave of each relationship. The effective rung is the lowest of"
                " the members' views and of their own internal rungs: an organisation is no"
                " better a partner than it is inside.",
            )
        )
    ]
    if not ctx.latest:
        blocks.append(Para(("Nobody gave a view of a relationship with another organisation.",)))
    for number, view in enumerate(ctx.latest, 1):
        blocks += _relationship_blocks(ctx, number, view)
    return Section("relationships", "Relationships", tuple(blocks))


def _findings(ctx: Facts) -> Section:
    a = ctx.view
    n = len(a.findings)
    blocks: list[Block] = [
        Para(
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
            Strong((f"{KIND_WORDS.get(f.kind, f.kind)}",)),
            f" ({f.severity}): ",
            Message(f.message),
            " ",
            Strong(("What to do next:",)),
            " ",
            *next_step(ctx, f),
        )
        for f in a.findings
    )
    if items:
        blocks.append(Bullets(items))
    else:
        blocks.append(Para(("No findings: nothing in the results needs attention.",)))
    return Section("findings", "Findings", tuple(blocks))


def _point_value(value: AddedValue) -> list[Block]:
    facts: list[Text] = [
        ("Verdict: ", Strong((value.verdict.label,))),
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
    return [Bullets(tuple(facts))]


def _simulated_value(value: SimulatedAddedValue) -> list[Block]:
    u, s = value.uplift, value.surplus
    seed = f", seed {value.seed}" if value.seed is not None else ""
    facts: list[Text] = [
        ("Verdict: ", Strong((value.verdict.label,))),
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
        Bullets(tuple(facts)),
        Chart(
            "value_distribution",
            value,
            ("The simulated uplift over the sum of the parts.",),
            (
                f"The uplift is likely between {d.fmt_percent(u.p5)} and {d.fmt_percent(u.p95)}"
                f" (median {d.fmt_percent(u.p50)}); it reaches the {value.threshold:.0%} that"
                f" counts as significant with probability {d.fmt_probability(value.p_significant)}:"
                f" {value.verdict.label}.",
            ),
        ),
    ]


def _value(ctx: Facts) -> Section:
    blocks: list[Block] = []
    valued = [v for v in ctx.latest if v.value is not None]
    if not valued:
        blocks.append(Para(("No values were given, so the added-value test was not run.",)))
    else:
        blocks.append(
            Para(
                (
                    "Joint working has to deliver significantly more value than the sum of the"
                    " organisations working alone; if not, the rationale for it has to be"
                    " seriously questioned.",
                )
            )
        )
    for number, view in enumerate(valued, 1):
        blocks.append(Heading((Name(view.subject),), f"value-{number}"))
        if isinstance(view.value, AddedValue):
            blocks += _point_value(view.value)
        elif isinstance(view.value, SimulatedAddedValue):
            blocks += _simulated_value(view.value)
    return Section("added-value", "Added value", tuple(blocks))


def _progress(ctx: Facts) -> Section:
    a = ctx.view
    if not a.progress:
        return Section(
            "progress",
            "Progress between waves",
            (Para(("Only one wave of responses for each group: no progress to show yet.",)),),
        )
    rows: list[tuple[Text, ...]] = []
    for p in a.progress:
        about: Text = ("internal",) if p.about == "internal" else (Name(p.about),)
        low, high = p.interval
        interval = "" if math.isnan(low) else f" ({d.fmt_change(low)} to {d.fmt_change(high)})"
        rungs: list[Inline] = [Badge(p.rung_before)]
        if p.uncertain_before:
            rungs += [" ", Flag(d.UNCERTAIN)]
        rungs += [" \u2192 ", Badge(p.rung_after)]
        if p.uncertain_after:
            rungs += [" ", Flag(d.UNCERTAIN)]
        moved = d.fmt_probability(p.p_rung_moved) if not math.isnan(p.p_rung_moved) else d.NONE
        rows.append(
            (
                (Name(p.organisation),),
                about,
                (Name(p.before), " \u2192 ", Name(p.after)),
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
    return Section(
        "progress",
        "Progress between waves",
        (
            Para(
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
            Table(tuple((h,) for h in head), tuple(rows), frozenset({4, 5})),
        ),
    )


def _method(ctx: Facts) -> Section:
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
    facts: tuple[Text, ...] = (
        ("Instrument: ", Prose(inst.name), ". Source: ", Prose(inst.source)),
        ("Scale: ", Prose(scale), "."),
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
        ((str(q.number),), (q.key.replace("_", " "),), (Badge(q.rung),), (Prose(q.text),))
        for q in inst.questions
    )
    return Section(
        "method",
        "Method notes",
        (
            Bullets(facts),
            *_consistency(a),
            Para(("The questions:",)),
            Table((("Q",), ("Short label",), ("Evidences",), ("Question",)), rows, frozenset({0})),
        ),
    )


def _figures(item: ScaleReliability) -> str:
    if item.alpha is None:
        return "not measured"
    omega = "omega not measured" if item.omega is None else f"omega {item.omega.total:.2f}"
    return f"alpha {item.alpha.raw:.2f}; {omega}"


def _omega(item: ScaleReliability) -> str:
    return "not measured" if item.omega is None else f"{item.omega.total:.2f}"


def _consistency(a: Assessment) -> list[Block]:
    """Say whether each rung's questions hang together on these answers."""
    reliability = a.reliability
    if reliability is None:
        return [
            Para(
                (
                    "Whether the questions hang together (alpha, omega) was not measured:"
                    " it needs the responses, and this report was made from statistics.",
                )
            )
        ]
    readings = tuple((_sentences.sentence(item.reading) + ".",) for item in reliability.survey)
    blocks: list[Block] = [
        Para(
            (
                "Do the questions hang together on these answers? Cronbach's alpha and"
                " McDonald's omega over every response that may be shared (0.7 or more is"
                " the usual mark of questions that measure one thing):",
            )
        ),
        Bullets(
            tuple(
                (*reading, f" Omega {_omega(item)}; {item.responses:,} responses.")
                for reading, item in zip(readings, reliability.survey, strict=True)
            )
        ),
    ]
    if reliability.organisations:
        head = (("Organisation",), ("Collaboration",), ("Partnership",), ("All",))
        rows: tuple[tuple[Text, ...], ...] = tuple(
            ((Name(name),), *((_figures(item),) for item in items))
            for name, items in reliability.organisations.items()
        )
        blocks.append(
            Para(
                (f"Per organisation with at least {reliability.min_responses} responses:",),
                note=True,
            )
        )
        blocks.append(Table(head, rows))
    return blocks


def _how_sure(a: Assessment) -> Text:
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


def document(assessment: Assessment, description: str | None) -> tuple[Section, ...]:
    """Return the report's sections, in order, from `assessment`'s shared view."""
    if not isinstance(assessment, Assessment):
        raise TypeError(
            f"assessment: expected an Assessment from assess(), got {type(assessment).__name__}"
        )
    ctx = Facts.of(assessment)
    return (
        _summary(ctx, description),
        _internal(ctx),
        Section("network", "The relationship network", tuple(_network.blocks(ctx))),
        _relationships(ctx),
        _findings(ctx),
        Section("action-plan", "Action plan", tuple(_action_plan.blocks(ctx))),
        _value(ctx),
        _progress(ctx),
        _method(ctx),
    )
