"""Build an assessment's result objects from the engine's columns, on demand.

:func:`~jointworking._engine.tables` computes every figure as columns of numpy arrays;
:class:`Builder` turns one row at a time into a :class:`~jointworking.GroupView`,
:class:`~jointworking.RelationshipView`, :class:`~jointworking.Finding` or
:class:`~jointworking.Progress`, the first time it is read. The sentences of findings are
written by :mod:`jointworking._sentences`.
"""

from __future__ import annotations

import functools
import itertools
import math
import operator
from collections.abc import Callable, Iterator, Sequence
from types import MappingProxyType
from typing import Any, Final, TypeVar, overload

import numpy as np
import numpy.typing as npt

from jointworking import _sentences as say
from jointworking._collector import paused
from jointworking._engine import KIND, KINDS, NO_RUNG, SEVERITIES, Tables
from jointworking.assessment import (
    Finding,
    FindingKind,
    GroupView,
    Progress,
    RelationshipView,
    Severity,
)
from jointworking.ladder import Placement, _placement
from jointworking.responses import INTERNAL
from jointworking.rung import Rung
from jointworking.value import Verdict

__all__ = ["Builder", "Lazy"]

_T = TypeVar("_T")
_RUNGS: Final = tuple(Rung)


class Lazy(Sequence[_T]):
    """A read-only sequence whose items are built on first access, then kept."""

    __slots__ = ("_cache", "_make", "_make_all", "_n")

    def __init__(
        self, n: int, make: Callable[[int], _T], make_all: Callable[[], list[_T]] | None = None
    ) -> None:
        self._n = n
        self._make = make
        self._make_all = make_all  # builds every item at once, quicker than one by one
        self._cache: list[_T | None] = [None] * n

    def __len__(self) -> int:
        return self._n

    @overload
    def __getitem__(self, i: int) -> _T: ...

    @overload
    def __getitem__(self, i: slice) -> tuple[_T, ...]: ...

    def __getitem__(self, i: int | slice) -> _T | tuple[_T, ...]:
        if isinstance(i, slice):
            return tuple(self._get(j) for j in range(*i.indices(self._n)))
        j = operator.index(i)
        if j < 0:
            j += self._n
        if not 0 <= j < self._n:
            raise IndexError(f"index {i} is out of range for {self._n} items")
        return self._get(j)

    def _get(self, j: int) -> _T:
        item = self._cache[j]
        if item is None:
            item = self._cache[j] = self._make(j)
        return item

    def __iter__(self) -> Iterator[_T]:
        if self._make_all is not None:
            with paused():
                every = self._make_all()
            self._make_all = None
            # Items already read keep their identity.
            for j, old in enumerate(self._cache):
                if old is not None:
                    every[j] = old
            self._cache = list[_T | None](every)
            return iter(every)
        return self._each()

    def _each(self) -> Iterator[_T]:
        cache, make = self._cache, self._make
        for j in range(self._n):
            item = cache[j]
            if item is None:
                item = cache[j] = make(j)
            yield item

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, str | bytes):
            return NotImplemented
        return len(other) == self._n and all(a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        if self._n > 6:
            return f"<{self._n} items: {self[0]!r}, ..., {self[-1]!r}>"
        return repr(tuple(self))


#: The columns Builder reads one item at a time, as Python lists (indexing numpy one
#: item at a time is slow); each list is made the first time it is read.
_LISTS: Final[dict[str, Callable[[Tables], npt.NDArray[Any]]]] = {
    "rung_of": lambda t: t.g.rung,
    "small_of": lambda t: t.g.small,
    "organisation_of": lambda t: t.g.keys[:, 0],
    "about_of": lambda t: t.g.keys[:, 1],
    "wave_of": lambda t: t.g.keys[:, 2],
    "rel_groups": lambda t: t.rel.groups,
    "rel_shown": lambda t: t.rel.shown,
    "rel_starts": lambda t: t.rel.starts,
    "rel_a": lambda t: t.rel.a,
    "rel_b": lambda t: t.rel.b,
    "rel_wave": lambda t: t.rel.wave,
    "rel_arrangement": lambda t: t.rel.arrangement,
    "effective": lambda t: t.rel.effective,
    "claimed": lambda t: t.claimed,
    "target": lambda t: t.target,
}


def _probabilities(row: npt.NDArray[np.float64]) -> MappingProxyType[Rung, float] | None:
    if np.isnan(row).any():
        return None
    return MappingProxyType(dict(zip(_RUNGS, row.tolist(), strict=True)))


def _row_codes(masks: npt.NDArray[np.bool_]) -> npt.NDArray[Any]:
    """Return each row of a 2-D boolean array as one code, equal for equal rows.

    The rows' bits packed into a 64-bit number when they fit (quick to sort), else into
    raw bytes.
    """
    packed = np.packbits(masks, axis=1)
    width = packed.shape[1]
    if width <= 8:
        padded = np.zeros((packed.shape[0], 8), dtype=np.uint8)
        padded[:, :width] = packed
        return padded.view(np.uint64).reshape(-1)
    return np.ascontiguousarray(packed).view(np.dtype((np.void, width))).reshape(-1)


def _unzip(rows: list[tuple[Any, ...]], width: int) -> tuple[list[Any], ...]:
    """Return the columns of a list of equal-length tuples."""
    if not rows:
        return tuple([] for _ in range(width))
    return tuple(list(column) for column in zip(*rows, strict=True))


_GROUP_KINDS: Final = frozenset(("too_few_respondents", "low_agreement", "unit_divergence"))


class Builder:
    """Build the result objects of one assessment (or its shared view) from its columns."""

    rung_of: list[int]
    small_of: list[bool]
    organisation_of: list[int]
    about_of: list[int]
    wave_of: list[int]
    rel_groups: list[int]
    rel_shown: list[bool]
    rel_starts: list[int]
    rel_a: list[int]
    rel_b: list[int]
    rel_wave: list[int]
    rel_arrangement: list[bool]
    effective: list[int]
    claimed: list[int]
    target: list[int]

    def __getattr__(self, name: str) -> Any:
        # Called only for attributes not yet set: the columns in _LISTS.
        column = _LISTS.get(name)
        if column is None:
            raise AttributeError(name)
        values = column(self.t).tolist()
        setattr(self, name, values)
        return values

    def __init__(self, t: Tables) -> None:
        self.t = t
        self.shared = t.shared
        inst = t.statistics.instrument
        self.numbers = inst.numbers
        self.number_array = np.asarray(inst.numbers)
        self.rung_codes = inst._rung_codes()
        self.position = t.position
        self.question_text: dict[bytes, tuple[tuple[int, ...], str]] = {}
        self.questions_by_bits: dict[int, tuple[int, ...]] = {}
        self.internal_code = self.position.get(INTERNAL, -1)
        self.groups: Lazy[GroupView] = Lazy(t.n_groups, self.group)
        self.relationships: Lazy[RelationshipView] = Lazy(t.n_relationships, self.relationship)
        self.findings: Lazy[Finding] = Lazy(
            int(t.finding_kind.size), self.finding, self.every_finding
        )
        self.progress: Lazy[Progress] = Lazy(int(t.steps.before.size), self.step)

    # ---- groups -------------------------------------------------------------------

    def group_subject(self, g: int) -> str:
        """Name group `g` in findings: "A (internal)", "A (about B, 2026)"."""
        names = self.t.names
        about = self.about_of[g]
        where = "internal" if about == self.internal_code else f"about {names[about]}"
        wave = self.t.waves[self.wave_of[g]]
        return (
            f"{names[self.organisation_of[g]]} ({where}, {wave})"
            if wave
            else (f"{names[self.organisation_of[g]]} ({where})")
        )

    def placement(self, g: int) -> Placement | None:
        """Return group `g`'s placement; None for a small group in the shared view."""
        t = self.t
        if self.shared and self.small_of[g]:
            return None
        return _placement(
            int(t.g.rung[g]),
            float(t.g.index[g]),
            t.g.met[g],
            t.g.mean[g],
            rung_codes=self.rung_codes,
            numbers=self.numbers,
        )

    def group(self, g: int) -> GroupView:
        t = self.t
        o, a, w = t.g.keys[g].tolist()
        n_questions = len(self.numbers)
        common = {
            "organisation": t.names[o],
            "about": t.names[a],
            "wave": t.waves[w],
            "respondents": int(t.g.respondents[g]),
            "small": bool(t.g.small[g]),
        }
        if self.shared and t.g.small[g]:
            # Nothing computed from a small group's answers is shared.
            nan = (math.nan,) * n_questions
            return GroupView(
                **common,
                units=(),
                count=(0,) * n_questions,
                mean=nan,
                sd=nan,
                rwg=nan,
                rwg_j=math.nan,
                placement=None,
                uncertain=False,
                unit_gap=math.nan,
                withheld_questions=self.numbers,
            )
        cells = t.statistics._index.cell_keys[t.cell_starts[g] : t.cell_starts[g + 1], 3]
        dividing = t.g.dividing[g]
        order = np.argsort(t.g.rwg[g][dividing], kind="stable")
        return GroupView(
            **common,
            units=tuple(t.units[u] for u in cells.tolist() if t.units[u]),
            count=tuple(t.g.count[g].tolist()),
            mean=tuple(t.g.mean[g].tolist()),
            sd=tuple(np.sqrt(t.g.var[g]).tolist()),
            rwg=tuple(t.g.rwg[g].tolist()),
            rwg_j=float(t.g.rwg_j[g]),
            placement=self.placement(g),
            uncertain=bool(t.g.uncertain[g]),
            unit_gap=float(t.g.unit_gap[g]),
            withheld_questions=tuple(self.number_array[t.g.thin[g]].tolist()),
            rung_probabilities=_probabilities(t.g.probability[g]),
            confidence=float(t.g.confidence[g]),
            deciding_rwg_j=float(t.g.deciding_rwg_j[g]),
            divided=bool(t.g.divided[g]),
            dividing=tuple(self.number_array[dividing][order].tolist()),
        )

    def step(self, i: int) -> Progress:
        t = self.t
        before, after = int(t.steps.before[i]), int(t.steps.after[i])
        o, a, w = t.g.keys[before].tolist()
        return Progress(
            organisation=t.names[o],
            about=t.names[a],
            before=t.waves[w],
            after=t.waves[t.g.keys[after, 2]],
            rung_before=Rung(int(t.g.rung[before])),
            rung_after=Rung(int(t.g.rung[after])),
            index_change=float(t.steps.change[i]),
            interval=(float(t.steps.low[i]), float(t.steps.high[i])),
            p_rung_moved=float(t.steps.moved[i]),
            uncertain_before=bool(t.g.uncertain[before]),
            uncertain_after=bool(t.g.uncertain[after]),
        )

    # ---- relationships ------------------------------------------------------------

    def members(self, r: int) -> tuple[str, ...]:
        names = self.t.names
        if self.rel_arrangement[r]:
            return self.t.arrangements[names[self.rel_a[r]]]
        return (names[self.rel_a[r]], names[self.rel_b[r]])

    def answered(self, r: int) -> dict[str, int]:
        """Each member that answered, and the row of its group, in name order."""
        names, org = self.t.names, self.organisation_of
        rows = self.rel_groups[self.rel_starts[r] : self.rel_starts[r + 1]]
        return {names[org[g]]: g for g in rows}

    def views(self, r: int) -> dict[str, int]:
        """Each member whose view counts (in the shared view, not withheld), and its row."""
        names, org, shown = self.t.names, self.organisation_of, self.rel_shown
        start, end = self.rel_starts[r], self.rel_starts[r + 1]
        return {
            names[org[g]]: g
            for g, counted in zip(self.rel_groups[start:end], shown[start:end], strict=True)
            if counted
        }

    def internal(self, r: int) -> dict[str, int]:
        """Each member's internal group row in the same wave, where it counts."""
        members = self.members(r)
        rows = self.t.rel.inside[r, : len(members)].tolist()
        return {m: row for m, row in zip(members, rows, strict=True) if row >= 0}

    def internal_withheld(self, r: int) -> tuple[str, ...]:
        members = self.members(r)
        hidden = self.t.rel.inside_withheld[r, : len(members)].tolist()
        return tuple(m for m, h in zip(members, hidden, strict=True) if h)

    def joint(self, r: int) -> str:
        """Name a relationship's joint working in a sentence."""
        if self.rel_arrangement[r]:
            return self.t.rel.subject[r]
        return f"the joint working of {self.t.rel.subject[r]}"

    def relationship(self, r: int) -> RelationshipView:
        t = self.t
        members = self.members(r)
        answered = self.answered(r)
        views = self.views(r)
        claimed, target = int(t.claimed[r]), int(t.target[r])
        effective = int(t.rel.effective[r])
        return RelationshipView(
            subject=t.rel.subject[r],
            kind="arrangement" if t.rel.arrangement[r] else "pair",
            members=members,
            wave=t.waves[t.rel.wave[r]],
            views=MappingProxyType({m: self.placement_of(g) for m, g in views.items()}),
            gaps=tuple(t.rel.gaps[r].tolist()),
            silent=tuple(m for m in members if m not in answered),
            withheld=tuple(m for m, g in answered.items() if t.g.small[g]),
            internal=MappingProxyType(
                {m: Rung(int(t.g.rung[g])) for m, g in self.internal(r).items()}
            ),
            effective_rung=None if effective == NO_RUNG else Rung(effective),
            claimed=None if claimed == NO_RUNG else Rung(claimed),
            target=None if target == NO_RUNG else Rung(target),
            value=t.values.get(r),
            withheld_questions=MappingProxyType(
                {m: tuple(self.number_array[t.g.thin[g]].tolist()) for m, g in views.items()}
            ),
            internal_withheld=self.internal_withheld(r),
            rung_probabilities=_probabilities(t.rel.probability[r]),
            confidence=float(t.rel.confidence[r]),
            uncertain=bool(t.rel.uncertain[r]),
        )

    def placement_of(self, g: int) -> Placement:
        placement = self.placement(g)
        if placement is None:  # pragma: no cover - views hold no withheld group
            raise AssertionError("a withheld group has no placement")
        return placement

    # ---- findings -----------------------------------------------------------------

    def questions(self, mask: npt.NDArray[np.bool_]) -> tuple[tuple[int, ...], str]:
        """Return the question numbers a mask selects, and how a sentence names them."""
        key = mask.tobytes()
        found = self.question_text.get(key)
        if found is None:
            numbers = tuple(self.number_array[mask].tolist())
            found = self.question_text[key] = (numbers, say.questions(numbers))
        return found

    def each_questions(self, masks: npt.NDArray[np.bool_]) -> list[tuple[tuple[int, ...], str]]:
        """Return :meth:`questions` for every row of `masks`, working once per distinct row."""
        if masks.shape[0] == 0:
            return []
        _, first, inverse = np.unique(_row_codes(masks), return_index=True, return_inverse=True)
        texts = np.empty(first.size, dtype=object)
        texts[:] = [self.questions(masks[i]) for i in first.tolist()]
        found: list[tuple[tuple[int, ...], str]] = texts[inverse.reshape(-1)].tolist()
        return found

    def blocking(self, g: int) -> tuple[int, ...]:
        """Return the next rung's questions that group `g` does not meet."""
        return self.questions(self.t.blocking[g])[0]

    def dividing(self, g: int) -> tuple[tuple[int, ...], str]:
        """Return a divided group's most divided deciding questions (at most three)."""
        t = self.t
        mask = t.g.dividing[g]
        numbers = self.number_array[mask][np.argsort(t.g.rwg[g][mask], kind="stable")][:3]
        ordered = tuple(numbers.tolist())
        return ordered, say.questions(ordered) if ordered else ""

    def finding(self, i: int) -> Finding:
        t = self.t
        kind: FindingKind = KINDS[t.finding_kind[i]]
        severity: Severity = SEVERITIES[t.finding_severity[i]]
        row = int(t.finding_row[i])
        if kind == "wave_order":
            return Finding(
                "wave_order", "warning", "waves", say.wave_order(t.waves), (), (), t.waves[-1]
            )
        if kind in _GROUP_KINDS:
            return self.group_finding(kind, severity, self.group_subject(row), row)
        subject = t.rel.subject[row]
        return self.relationship_finding(kind, severity, subject, row, int(t.finding_member[i]))

    def every_finding(self) -> list[Finding]:
        """Build every finding at once: perception gaps of pairs column by column."""
        t = self.t
        found = np.empty(t.finding_kind.size, dtype=object)
        built = np.zeros(t.finding_kind.size, dtype=bool)
        kind, severity, row = t.finding_kind, t.finding_severity, t.finding_row
        names = np.empty(len(t.names), dtype=object)
        names[:] = t.names
        wave_names = np.empty(max(len(t.waves), 1), dtype=object)
        wave_names[:] = t.waves or ("",)
        rung_labels = np.asarray(say.RUNG_LABEL, dtype=object)
        severities = np.asarray(SEVERITIES, dtype=object)

        # Members who see a relationship differently: pairs with both views shown, column
        # by column; the rest (arrangements, one-view pairs) are built one at a time below.
        picked = np.flatnonzero(kind == KIND["perception_gap"])
        rels = row[picked]
        first = t.rel.starts[rels]
        pairs = ~t.rel.arrangement[rels] & (t.rel.starts[rels + 1] - first == 2)
        if pairs.any():
            both_shown = t.rel.shown[first[pairs]] & t.rel.shown[first[pairs] + 1]
            pairs[np.flatnonzero(pairs)[~both_shown]] = False
        both = picked[pairs]
        if both.size:
            r = rels[pairs].tolist()
            g1, g2 = t.rel.groups[first[pairs]], t.rel.groups[first[pairs] + 1]
            subject_of = t.rel.subject
            wides, texts = _unzip(self.each_questions(t.wide[r]), 2)
            subjects = [subject_of[i] for i in r]
            first_names = names[t.g.keys[g1, 0]].tolist()
            second_names = names[t.g.keys[g2, 0]].tolist()
            messages = [
                say.seen_differently(
                    f"the joint working of {subject}", ((a, la), (b, lb)), text if wide else ""
                )
                for subject, a, b, la, lb, wide, text in zip(
                    subjects,
                    first_names,
                    second_names,
                    rung_labels[t.g.rung[g1]].tolist(),
                    rung_labels[t.g.rung[g2]].tolist(),
                    wides,
                    texts,
                    strict=True,
                )
            ]
            found[both] = list(
                map(
                    Finding,
                    itertools.repeat("perception_gap", len(r)),
                    severities[severity[both]].tolist(),
                    subjects,
                    messages,
                    zip(first_names, second_names, strict=True),
                    wides,
                    wave_names[t.rel.wave[r]].tolist(),
                )
            )
            built[both] = True
        rest = np.flatnonzero(~built)
        found[rest] = [self.finding(i) for i in rest.tolist()]
        every: list[Finding] = found.tolist()
        return every

    def group_finding(self, kind: FindingKind, severity: Severity, subject: str, g: int) -> Finding:
        t = self.t
        organisation = t.names[self.organisation_of[g]]
        questions: tuple[int, ...] = ()
        if kind == "low_agreement":
            questions, text = self.dividing(g)
            message = say.divided(
                subject,
                say.RUNG_LABEL[self.rung_of[g]],
                float(t.g.deciding_rwg_j[g]),
                t.agreement,
                text,
            )
        elif kind == "too_few_respondents":
            message = say.too_few(subject, int(t.g.respondents[g]), t.size)
        else:
            message = say.unit_divergence(
                organisation, self.groups[g].units, float(t.g.unit_gap[g])
            )
        wave = t.waves[self.wave_of[g]]
        return Finding(kind, severity, subject, message, (organisation,), questions, wave)

    def relationship_finding(
        self, kind: FindingKind, severity: Severity, subject: str, r: int, member_row: int
    ) -> Finding:
        t = self.t
        wave = t.waves[self.rel_wave[r]]
        joint = self.joint(r)
        rung = self.rung_of
        if kind == "perception_gap":
            views = self.views(r)
            wide, text = self.questions(t.wide[r])
            placed = [(m, say.RUNG_LABEL[rung[g]]) for m, g in views.items()]
            message = say.seen_differently(joint, placed, text if wide else "")
            return Finding(kind, severity, subject, message, tuple(views), wide, wave)
        if kind == "external_above_internal":
            member = t.names[self.organisation_of[member_row]]
            view = say.RUNG_LABEL[rung[self.answered(r)[member]]]
            inside = say.RUNG_LABEL[rung[member_row]]
            message = say.external_above_internal(member, joint, view, inside)
            blocking = self.blocking(member_row)
            return Finding(kind, severity, subject, message, (member,), blocking, wave)
        members = self.members(r)
        effective = self.effective[r]
        if kind == "one_sided":
            answered = self.answered(r)
            silent = tuple(m for m in members if m not in answered)
            message = say.one_sided(silent, joint, not t.rel.arrangement[r])
            return Finding(kind, severity, subject, message, silent, (), wave)
        if kind == "overstated_label":
            claimed = self.claimed[r]
            message = say.overstated(joint, claimed, effective, self.capped(r), self.basis(r))
            return Finding(kind, severity, subject, message, members, self.holding(r), wave)
        if kind == "rung_jump":
            message = say.rung_jump(joint, self.target[r], effective, self.unsure(r))
            return Finding(kind, severity, subject, message, members, (), wave)
        verdict = t.values[r].verdict
        label = "none" if verdict is Verdict.NONE else verdict.label
        message = say.value_not_added(joint, label)
        return Finding(kind, severity, subject, message, members, (), wave)

    def basis(self, r: int) -> str:
        """Say, in the shared view, when the placement rests on some members' views only."""
        if not self.shared:
            return ""
        answered = self.answered(r)
        withheld = [m for m, g in answered.items() if self.small_of[g]]
        internal = self.internal_withheld(r)
        if not (withheld or internal):
            return ""
        return say.withheld_views(withheld, internal)

    def unsure(self, r: int) -> str:
        """Say when the effective rung itself is uncertain."""
        t = self.t
        if not t.rel.uncertain[r]:
            return ""
        likely = f"{t.rel.confidence[r]:.0%}"
        return f" The effective rung itself is uncertain ({likely} likely)."

    def holding(self, r: int) -> tuple[int, ...]:
        """Return the questions, up to the claimed rung, that views below it do not meet.

        In the analyst's view a small member's view adds only its blocking questions; in
        the shared view it adds nothing, as its view is withheld.
        """
        claimed, rung, small = self.claimed[r], self.rung_of, self.small_of
        bits = 0
        for g in self.views(r).values():
            if rung[g] < claimed:
                top = rung[g] + 1 if small[g] else claimed
                bits |= self.unmet_bits(g) & self.rung_bits[top]
        found = self.questions_by_bits.get(bits)
        if found is None:
            found = tuple(n for j, n in enumerate(self.numbers) if bits >> j & 1)
            self.questions_by_bits[bits] = found
        return found

    def unmet_bits(self, g: int) -> int:
        """Return the questions group `g` does not meet as bits (bit j: the j-th question)."""
        unmet = np.packbits(~self.t.g.met[g], bitorder="little").tobytes()
        return int.from_bytes(unmet, "little")

    @functools.cached_property
    def rung_bits(self) -> list[int]:
        """Per rung, the questions that evidence it or a lower rung, as bits."""
        return [
            sum(1 << j for j in np.flatnonzero(self.rung_codes <= rung).tolist())
            for rung in range(len(Rung))
        ]

    def capped(self, r: int) -> str:
        """Explain an effective rung below every member's view: an internal rung caps it."""
        effective = self.effective[r]
        views = self.views(r).values()
        if effective >= min([self.rung_of[g] for g in views]):
            return ""
        capping = [m for m, g in self.internal(r).items() if self.rung_of[g] == effective]
        return (
            f" (the members' views are higher, but {say.names(capping)} is at"
            f" {Rung(effective)} internally, and an organisation is no better a partner"
            " than it is inside)"
        )
