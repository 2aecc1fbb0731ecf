"""What the report knows, and what it advises: the shared view and each finding's next step.

:class:`Facts` is the only door to the figures: the shared view of the assessment
(:meth:`Assessment.shared_view <jointworking.Assessment.shared_view>`), so that nothing
withheld reaches a section. :func:`next_step` phrases what to do about each finding as
an action; the findings section and the action plan both say it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType

import attrs

from jointworking import _display as d
from jointworking._document import Badge, Flag, Inline, Text, name_list
from jointworking.assessment import Assessment, Finding, GroupView, RelationshipView
from jointworking.errors import JointWorkingError
from jointworking.ladder import path
from jointworking.rung import Rung

__all__ = ["Facts", "largest_gaps", "next_step", "rung_text"]


@attrs.frozen
class Facts:
    """What every section reads: the shared view of the assessment, and no other figure.

    `latest` is each relationship's latest wave, by subject; `internal` each
    organisation's latest internal group.
    """

    view: Assessment
    latest: tuple[RelationshipView, ...]
    by_subject: Mapping[tuple[str, str], RelationshipView]
    internal: Mapping[str, GroupView]

    @classmethod
    def of(cls, assessment: Assessment) -> Facts:
        """Return the facts of `assessment`'s shared view."""
        view = assessment.shared_view()
        latest: dict[tuple[str, str], RelationshipView] = {}
        for relationship in view.relationships:
            key = (relationship.kind, relationship.subject)
            if key not in latest or relationship.wave > latest[key].wave:
                latest[key] = relationship
        by_subject = {(v.subject, v.wave): v for v in view.relationships}
        ordered = tuple(sorted(latest.values(), key=lambda v: (v.subject, v.kind)))
        inside: dict[str, GroupView] = {}
        for g in view.groups:
            if g.internal and (
                g.organisation not in inside or g.wave > inside[g.organisation].wave
            ):
                inside[g.organisation] = g
        return cls(view, ordered, MappingProxyType(by_subject), MappingProxyType(inside))

    @property
    def organisations(self) -> list[str]:
        """Every organisation: those that answered and every relationship's members."""
        names = {g.organisation for g in self.view.groups}
        for view in self.view.relationships:
            names.update(view.members)
        return sorted(names)

    @property
    def numbers(self) -> tuple[int, ...]:
        """The instrument's question numbers."""
        return self.view.instrument.numbers

    @property
    def size(self) -> int:
        """The minimum group size."""
        return self.view.min_group_size

    @property
    def estimated(self) -> bool:
        """Whether the assessment says how likely rungs are (from responses, or sums)."""
        return self.view.uncertainty != "none"

    def questions(self, numbers: Sequence[int]) -> str:
        """Name questions with their short labels."""
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


def rung_text(
    rung: Rung,
    probabilities: Mapping[Rung, float] | None,
    uncertain: bool,
    *,
    estimated: bool = False,
) -> Text:
    """Show a rung, how probable it is, and a flag when uncertain: the same everywhere.

    With `estimated`, a rung whose probabilities are missing says so, rather than seem sure.
    """
    likely = d.likely_text(rung, probabilities)
    parts: list[Inline] = [Badge(rung)]
    if likely:
        parts.append(f" ({likely})")
    elif estimated:
        parts.append(" (how likely: not estimated)")
    if uncertain:
        parts += [" ", Flag(d.UNCERTAIN)]
    return tuple(parts)


def largest_gaps(ctx: Facts, f: Finding, view: RelationshipView | None) -> list[int]:
    """Return the finding's questions, the largest gaps first (at most three), if shown."""
    if view is None or len(view.gaps) != len(ctx.numbers):
        return list(f.questions)
    gap = dict(zip(ctx.numbers, view.gaps, strict=True))
    return sorted(f.questions, key=lambda n: -gap.get(n, 0.0))[:3]


def _stop_calling(f: Finding, view: RelationshipView | None, qs: str) -> Text:
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
    cap: Text = ()
    if len(capping) == 1:
        cap = (" and ", *name_list(capping), f" works at {label} inside too")
    elif capping:  # "met and A and B work" would read as three things met
        both = "both " if len(capping) == 2 else ""
        every = "" if len(capping) == 2 else " all"
        cap = (f", and {both}", *name_list(capping), f"{every} work at {label} inside")
    return (f"Stop calling it a {label} until {until}", *cap, "; agree what it is today.")


def next_step(ctx: Facts, f: Finding) -> Text:  # noqa: PLR0911, PLR0912 - one answer per kind
    """Say what to do next about finding `f`, as an action."""
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
            *name_list(f.organisations),
            " to answer the questions about this relationship, then share the results with"
            " every member.",
        )
    if f.kind == "low_agreement":
        about = qs if f.questions else "the results"
        return (
            f"Discuss {about} with the units and teams of ",
            *name_list(f.organisations),
            " before relying on the placement: find out why views differ.",
        )
    if f.kind == "external_above_internal":
        inside = f" ({qs})" if f.questions else ""
        return (
            "Build internal joint working first: ",
            *name_list(f.organisations),
            f" should meet the next rung inside{inside} before claiming more outside.",
        )
    if f.kind == "insufficient_added_value":
        return (
            "Revisit the case for the joint working: say what significant value it should add"
            " and whether that is worth its cost; change it or stop it if not.",
        )
    if f.kind == "perception_gap":
        largest = largest_gaps(ctx, f, view)
        start = f", starting with {d.questions_phrase(largest)}" if largest else ""
        return (
            "Share the results with every member and discuss the questions with the largest"
            f" gaps{start}; agree why members see the joint working differently.",
        )
    if f.kind == "too_few_respondents":
        return (
            f"Widen the survey: ask at least {ctx.size} people from ",
            *name_list(f.organisations),
            ", from across its units, to answer, so that its figures can be shared.",
        )
    if f.kind == "unit_divergence":
        return (
            "Compare the units' views: ask each unit of ",
            *name_list(f.organisations),
            " what it sees that the others do not, and build on the units where joint"
            " working already works.",
        )
    if f.kind == "wave_order":
        if "" in {g.wave for g in ctx.view.groups}:
            return (
                "Fill in the wave of every response that leaves it blank (or leave every"
                " wave blank), and assess again.",
            )
        return (
            "Rename the waves year first (for example 2025-10 and 2026-03) so that their"
            " text order is their order in time, and assess again.",
        )
    return ("Discuss this finding with the organisations concerned.",)
