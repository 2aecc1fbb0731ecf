"""Small, escaped HTML fragments for notebooks, and the escaping both reports share.

Jupyter shows an object through its ``_repr_html_`` method; the library's result classes
call the functions here. Every fragment is one ``<div>`` with inline styles (so nothing
leaks into the notebook's own styles), no ``<script>`` and no external reference. Names
(organisations, units, arrangements, waves) are untrusted text: they are always escaped,
and wrapped in ``<bdi>`` so that right-to-left text cannot reorder what is around it.

Like every shared output, the fragments withhold the per-question figures of groups
smaller than the minimum group size (``GroupView.small``), and the figures of a question
fewer than that many answered, with the overall figures that would give it away
(``GroupView.withheld_questions``, ``GroupView.overall_withheld``).
"""

from __future__ import annotations

import html
import math
import re
import unicodedata
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Final

import attrs

from jointworking import _markdown
from jointworking._engine import PERCEPTION_GAP_POINTS
from jointworking._markdown import Context
from jointworking._trie import longest_first
from jointworking.assessment import (
    Assessment,
    GroupView,
    RelationshipView,
)
from jointworking.instrument import MORLEY_2016, Instrument
from jointworking.ladder import Placement
from jointworking.rung import Rung
from jointworking.value import AddedValue, SimulatedAddedValue, Verdict

__all__ = [
    "added_value_html",
    "assessment_html",
    "group_html",
    "placement_html",
    "relationship_html",
    "simulated_html",
]

# --- colours ---------------------------------------------------------------------------

#: Each rung's colour (dark enough for white text), from the colour-blind-safe
#: Okabe-Ito palette: vermillion, blue, bluish green.
RUNG_COLOURS: Final = {
    Rung.TRANSACTION: "#b34700",
    Rung.COLLABORATION: "#0072b2",
    Rung.PARTNERSHIP: "#00785a",
}
#: What each rung means, in a few words, for legends.
RUNG_MEANING: Final = {
    Rung.TRANSACTION: "deal by deal; no shared objectives yet",
    Rung.COLLABORATION: "shared objectives, aligned priorities, information shared",
    Rung.PARTNERSHIP: "accountability, risks, rewards and resources shared",
}
#: The marker of a perception gap of a point or more.
WIDE: Final = "\u25b2"
#: Shown for a figure that does not exist (nobody answered, or fewer than two views).
NONE: Final = "\u2013"
#: The flag of a placement less probable than the confidence asked for.
UNCERTAIN: Final = "uncertain"

# --- cleaning and escaping untrusted text ---------------------------------------------

# Line breaks, tabs and every other control character become a space: a newline in a name
# must not start a new table row or heading.
_CONTROLS: Final = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
# Explicit bidi embeddings, overrides and isolates are dropped: a name cannot leave one
# open to reorder the markup after it (the name's own right-to-left letters still show).
_BIDI_CONTROLS: Final = re.compile("[\u202a-\u202e\u2066-\u2069]")
_SPACES: Final = re.compile(" {2,}")
_RTL_CLASSES: Final = frozenset({"R", "AL"})
_FSI: Final = "\u2068"  # first strong isolate
_PDI: Final = "\u2069"  # pop directional isolate


def clean(text: object) -> str:
    r"""Return untrusted text on one line, without control or bidi formatting characters.

    Examples
    --------
    >>> clean("Northfield\nDistrict\tCouncil")
    'Northfield District Council'
    """
    one_line = _CONTROLS.sub(" ", _BIDI_CONTROLS.sub("", str(text)))
    return _SPACES.sub(" ", one_line)


def esc(text: object) -> str:
    """Escape untrusted text for HTML text and attribute values.

    Examples
    --------
    >>> esc('<b title="x">')
    '&lt;b title=&quot;x&quot;&gt;'
    """
    return html.escape(clean(text), quote=True)


def name_html(text: object) -> str:
    """Escape a name for HTML and isolate its direction in ``<bdi>``.

    Examples
    --------
    >>> name_html("A & B")
    '<bdi>A &amp; B</bdi>'
    """
    return f"<bdi>{esc(text)}</bdi>"


def _right_to_left(text: str) -> bool:
    return any(unicodedata.bidirectional(ch) in _RTL_CLASSES for ch in text)


def md(text: object, context: Context = "inline") -> str:
    r"""Escape untrusted text for Markdown where it stands (:func:`._markdown.escape`).

    Only what would change how the text renders in `context` is escaped; no name becomes
    a link, markup or a block.

    Examples
    --------
    >>> md("Harlow DC (North) 2026-spring")
    'Harlow DC (North) 2026-spring'
    >>> md("*A* | B <i>", "cell")
    '\\*A\\* \\| B \\<i>'
    """
    return _markdown.escape(clean(text), context)


def md_text(text: object, context: Context = "start") -> str:
    r"""Escape the caller's own prose (a title, a description) for Markdown, gently.

    Examples
    --------
    >>> md_text("Self-assessment: 2026 draft")
    'Self-assessment: 2026 draft'
    >>> md_text("1. Title")
    '1\\. Title'
    """
    return _markdown.escape_prose(clean(text), context)


def md_name(text: object, context: Context = "inline") -> str:
    r"""Escape a name for Markdown; isolate it (FSI ... PDI) if it has right-to-left letters.

    Examples
    --------
    >>> md_name("St. Mary's")
    "St. Mary's"
    >>> md_name("\u05e9\u05dc\u05d5\u05dd") == "\u2068\u05e9\u05dc\u05d5\u05dd\u2069"
    True
    """
    escaped = md(text, context)
    return f"{_FSI}{escaped}{_PDI}" if _right_to_left(escaped) else escaped


class NameMarker:
    """Find known names inside free text (finding messages) to isolate each one.

    Parameters
    ----------
    names : iterable of str
        The names to look for; the longest match wins.
    """

    def __init__(self, names: Iterable[str]) -> None:
        known = {clean(n) for n in names if clean(n).strip()}
        self._pattern = re.compile(longest_first(known)) if known else None

    def split(self, text: object) -> list[tuple[str, bool]]:
        """Split cleaned `text` into ``(piece, is_name)`` pairs."""
        cleaned = clean(text)
        if self._pattern is None:
            return [(cleaned, False)]
        pieces: list[tuple[str, bool]] = []
        start = 0
        for match in self._pattern.finditer(cleaned):
            if match.start() > start:
                pieces.append((cleaned[start : match.start()], False))
            pieces.append((match.group(), True))
            start = match.end()
        if start < len(cleaned):
            pieces.append((cleaned[start:], False))
        return pieces

    def html(self, text: object) -> str:
        """Escape `text` for HTML with every known name in ``<bdi>``."""
        return "".join(name_html(p) if is_name else esc(p) for p, is_name in self.split(text))

    def markdown(self, text: object, *, prose: bool = False, context: Context = "inline") -> str:
        """Escape `text` for Markdown where it stands, isolating right-to-left names.

        The whole text is escaped at once, after the names are isolated, as what a
        character means depends on its neighbours. With `prose`, the text is the caller's
        own and escaped gently (:func:`md_text`).
        """
        isolated = "".join(
            f"{_FSI}{p}{_PDI}" if is_name and _right_to_left(p) else p
            for p, is_name in self.split(text)
        )
        escape = _markdown.escape_prose if prose else _markdown.escape
        return escape(isolated, context)


# --- numbers ---------------------------------------------------------------------------


def fmt_index(value: float) -> str:
    """Format an index (0-100) to one decimal; a dash when undefined.

    Examples
    --------
    >>> fmt_index(66.25), fmt_index(float("nan")) == NONE
    ('66.2', True)
    """
    return NONE if math.isnan(value) else f"{value:.1f}"


def fmt_mean(value: float) -> str:
    """Format a mean or a gap (scale points) to two decimals; a dash when undefined."""
    return NONE if math.isnan(value) else f"{value:.2f}"


def fmt_change(value: float) -> str:
    """Format an index change with its sign, to one decimal.

    Examples
    --------
    >>> fmt_change(13.69), fmt_change(-2.0)
    ('+13.7', '-2.0')
    """
    if math.isnan(value):
        return NONE
    return f"{value:+.1f}"


def fmt_probability(value: float) -> str:
    """Format a probability as a whole percentage, never rounding to 0% or 100%.

    Examples
    --------
    >>> fmt_probability(0.48128), fmt_probability(0.9996), fmt_probability(1.0)
    ('48%', '>99%', '100%')
    """
    if math.isnan(value):
        return NONE
    if 0 < value < 0.01:
        return "<1%"
    if 0.99 < value < 1:
        return ">99%"
    return f"{value:.0%}"


def likely_text(rung: Rung, probabilities: Mapping[Rung, float] | None) -> str:
    """Say how probable a rung is, and the other rungs: ``"83% likely; partnership 2%"``.

    Empty where the probabilities were not estimated.

    Examples
    --------
    >>> chances = {Rung.TRANSACTION: 0.15, Rung.COLLABORATION: 0.83, Rung.PARTNERSHIP: 0.02}
    >>> likely_text(Rung.COLLABORATION, chances)
    '83% likely; transaction 15%, partnership 2%'
    >>> likely_text(Rung.PARTNERSHIP, {r: float(r == Rung.PARTNERSHIP) for r in Rung})
    '100% likely'
    """
    if probabilities is None:
        return ""
    text = f"{fmt_probability(probabilities[rung])} likely"
    others = [
        f"{other.label} {fmt_probability(p)}"
        for other, p in probabilities.items()
        if other != rung and p > 0
    ]
    return text + ("; " + ", ".join(others) if others else "")


def fmt_percent(value: float) -> str:
    """Format an uplift (a fraction) as a signed percentage to one decimal.

    Examples
    --------
    >>> fmt_percent(0.1538), fmt_percent(-0.05)
    ('+15.4%', '-5.0%')
    """
    if math.isnan(value):
        return NONE
    return f"{value:+.1%}"


def fmt_amount(value: float) -> str:
    """Format a money value (in the units given) to two decimals with separators."""
    if math.isnan(value):
        return NONE
    return f"{value:,.2f}"


def question_label(instrument: Instrument, number: int) -> str:
    """Return ``"Q3 shared accountability"``: the number and the key in words.

    Examples
    --------
    >>> question_label(MORLEY_2016, 3)
    'Q3 shared accountability'
    """
    key = next((q.key for q in instrument.questions if q.number == number), "")
    return f"Q{number} {key.replace('_', ' ')}".rstrip()


def question_list(instrument: Instrument, numbers: Sequence[int]) -> str:
    """Return the questions as ``"Q3 shared accountability, Q4 risk and innovation"``."""
    return ", ".join(question_label(instrument, n) for n in numbers)


def numbers_text(numbers: Sequence[int]) -> str:
    """Return ``"3, 4 and 7"``.

    Examples
    --------
    >>> numbers_text([3]), numbers_text([3, 4, 7])
    ('3', '3, 4 and 7')
    """
    items = [str(n) for n in numbers]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def questions_phrase(numbers: Sequence[int]) -> str:
    """Return ``"question 1"`` or ``"questions 3, 4 and 7"``.

    Examples
    --------
    >>> questions_phrase([1]), questions_phrase([3, 7])
    ('question 1', 'questions 3 and 7')
    """
    return ("question " if len(numbers) == 1 else "questions ") + numbers_text(numbers)


def withheld_text(min_group_size: int) -> str:
    """Return the flag shown in place of a small group's figures."""
    return f"withheld: fewer than {min_group_size} respondents"


# --- fragments -------------------------------------------------------------------------

_BOX: Final = (
    "font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;font-size:13px;"
    "line-height:1.4;color:#1f2328;max-width:60em;overflow-wrap:anywhere;"
    "border:1px solid #d0d7de;border-radius:6px;padding:8px 12px;margin:4px 0"
)
_TABLE: Final = "border-collapse:collapse;margin:6px 0;font-size:12px"
_FLAG: Final = (
    "display:inline-block;padding:0 4px;border:1px solid #bf8700;border-radius:3px;"
    "background:#fff8c5;color:#6f4a00;font-size:11px"
)
_CELL: Final = "border-bottom:1px solid #d0d7de;padding:2px 8px;text-align:left"
_NUM: Final = _CELL + ";text-align:right;font-variant-numeric:tabular-nums"
_MUTED: Final = "color:#59636e"


def badge(rung: Rung) -> str:
    """Return a rung as a coloured label, styled inline.

    Examples
    --------
    >>> badge(Rung.PARTNERSHIP)  # doctest: +ELLIPSIS
    '<span style="...">partnership</span>'
    """
    style = (
        f"background:{RUNG_COLOURS[rung]};color:#fff;border-radius:3px;padding:0 6px;"
        "white-space:nowrap;print-color-adjust:exact;-webkit-print-color-adjust:exact"
    )
    return f'<span style="{style}">{esc(rung.label)}</span>'


def _box(title: str, body: Iterable[str]) -> str:
    inner = "".join(body)
    return f'<div style="{_BOX}"><div style="font-weight:600">{title}</div>{inner}</div>'


def _line(label: str, value: str) -> str:
    return f'<div><span style="{_MUTED}">{esc(label)}:</span> {value}</div>'


def _table(head: Sequence[str], rows: Iterable[Sequence[str]], numeric: Collection[int]) -> str:
    def cell(tag: str, i: int, value: str) -> str:
        return f'<{tag} style="{_NUM if i in numeric else _CELL}">{value}</{tag}>'

    header = "".join(cell("th", i, h) for i, h in enumerate(head))
    body = "".join(
        "<tr>" + "".join(cell("td", i, v) for i, v in enumerate(row)) + "</tr>" for row in rows
    )
    return f'<table style="{_TABLE}"><thead><tr>{header}</tr></thead><tbody>{body}</tbody></table>'


def _questions(instrument: Instrument, numbers: Sequence[int]) -> str:
    return esc(question_list(instrument, numbers)) if numbers else NONE


def _placement_lines(
    placement: Placement,
    instrument: Instrument,
    *,
    rung: str | None = None,
    withheld: Collection[int] = (),
) -> list[str]:
    """Rung (`rung`, or its badge), index, blocking and unanswered questions.

    A withheld question was answered, by too few to share: it is not listed as missing.
    """
    lines = [
        _line("Rung", badge(placement.rung) if rung is None else rung),
        _line("Index", esc(fmt_index(placement.index))),
    ]
    if placement.next is None:
        lines.append(_line("Next rung", "none: the top rung"))
    else:
        blocking = _questions(instrument, placement.blocking)
        lines.append(_line(f"Blocks {placement.next.label}", blocking))
    missing = [n for n in placement.missing if n not in withheld]
    if missing:
        lines.append(_line("Not answered", _questions(instrument, missing)))
    return lines


def placement_html(placement: Placement, instrument: Instrument = MORLEY_2016) -> str:
    """Return a placement as an HTML fragment: rung, index and what blocks the next rung.

    Parameters
    ----------
    placement : Placement
    instrument : Instrument, optional
        The instrument answered, for the question names.

    Returns
    -------
    str
        One ``<div>`` with inline styles.

    Examples
    --------
    >>> from jointworking import classify
    >>> fragment = placement_html(classify([4, 3, 2, 3, 1, 3, 2, 3, 3, 2]))
    >>> "collaboration" in fragment and "Q3 shared accountability" in fragment
    True
    """
    return _box("Placement", _placement_lines(placement, instrument))


def added_value_html(result: AddedValue) -> str:
    """Return the point added-value test as an HTML fragment.

    Parameters
    ----------
    result : AddedValue

    Returns
    -------
    str

    Examples
    --------
    >>> from jointworking import added_value
    >>> fragment = added_value_html(added_value([400, 350, 250], 1200, cost=50))
    >>> "significant" in fragment and "+15.0%" in fragment
    True
    """
    lines = [
        _line("Verdict", f"<strong>{esc(result.verdict.label)}</strong>"),
        _line(
            "Uplift",
            esc(f"{fmt_percent(result.uplift)} (significant from {result.threshold:.0%})"),
        ),
        _line("Sum of the parts", esc(fmt_amount(result.baseline))),
        _line("Joint value", esc(fmt_amount(result.joint))),
        _line("Cost of joint working", esc(fmt_amount(result.cost))),
        _line("Surplus", esc(fmt_amount(result.surplus))),
        _line("Switching value", esc(switching_text(result))),
    ]
    if result.optimism_bias:
        lines.append(_line("Optimism bias", esc(f"{result.optimism_bias:.0%}")))
    return _box("Added value", lines)


def switching_text(result: AddedValue) -> str:
    """Say how far the joint value can fall before the verdict drops a grade."""
    if result.verdict is Verdict.NONE:
        return "none: there is no increase to lose"
    return (
        f"{fmt_amount(result.switching_value)} (how far the joint value can fall"
        " before the verdict drops a grade)"
    )


def simulated_html(result: SimulatedAddedValue) -> str:
    """Return the simulated added-value test as an HTML fragment.

    Parameters
    ----------
    result : SimulatedAddedValue

    Returns
    -------
    str

    Examples
    --------
    >>> from jointworking import Estimate, simulate_added_value
    >>> r = simulate_added_value([4.0, 6.5], Estimate.pert(11, 12.5, 14), seed=1, draws=1000)
    >>> "P(significant)" in simulated_html(r)
    True
    """
    u, s = result.uplift, result.surplus
    lines = [
        _line("Verdict", f"<strong>{esc(result.verdict.label)}</strong>"),
        _line(
            "P(significant)",
            esc(
                f"{fmt_probability(result.p_significant)} (uplift of {result.threshold:.0%}"
                f" or more; {result.confidence:.0%} needed)"
            ),
        ),
        _line("P(positive)", esc(fmt_probability(result.p_positive))),
        _line(
            "Uplift",
            esc(f"{fmt_percent(u.p5)} / {fmt_percent(u.p50)} / {fmt_percent(u.p95)}"),
        ),
        _line(
            "Surplus",
            esc(f"{fmt_amount(s.p5)} / {fmt_amount(s.p50)} / {fmt_amount(s.p95)}"),
        ),
        f'<div style="{_MUTED}">5th percentile / median / 95th percentile over'
        f" {result.draws:,} draws"
        + (f" (seed {result.seed})" if result.seed is not None else "")
        + "</div>",
    ]
    return _box("Added value under uncertainty", lines)


def _rung_html(rung: Rung, probabilities: Mapping[Rung, float] | None, uncertain: bool) -> str:
    likely = likely_text(rung, probabilities)
    text = badge(rung) + (f" {esc(f'({likely})')}" if likely else "")
    if uncertain:
        text += f' <span style="{_FLAG}">{esc(UNCERTAIN)}</span>'
    return text


def group_html(group: GroupView, instrument: Instrument = MORLEY_2016) -> str:
    """Return one group as an HTML fragment.

    Parameters
    ----------
    group : GroupView
    instrument : Instrument, optional
        The instrument answered, for the question names.

    Returns
    -------
    str
        Subject, respondents and placement, with how likely its rung is; per question
        the number who answered, the mean, SD and r_wg. A group of the shared view
        (:meth:`~jointworking.Assessment.shared_view`) shows only what may be shared; a
        group smaller than the minimum group size shows only its size, in the analyst's
        assessment too.

    Examples
    --------
    >>> from jointworking import assess, load_example
    >>> result = assess(load_example().responses)
    >>> "withheld" in group_html(result.shared_view().group("Northfield Voluntary Action"))
    True
    """
    lines = [_line("Respondents", esc(group.respondents))]
    if group.placement is None or group.small:
        lines.append(
            f'<div style="{_MUTED}">Figures withheld: fewer respondents than the minimum group'
            " size; nothing computed from their answers is shown.</div>"
        )
        return _box(name_html(group.subject), lines)
    if group.units:
        lines.append(_line("Units", ", ".join(name_html(u) for u in group.units)))
    rung = _rung_html(group.placement.rung, group.rung_probabilities, group.uncertain)
    lines += _placement_lines(
        group.placement, instrument, rung=rung, withheld=group.withheld_questions
    )
    lines.append(_line("r_wg(J)", esc(fmt_mean(group.rwg_j))))
    deciding = fmt_mean(group.deciding_rwg_j)
    if group.divided:
        most = f"; most on {question_list(instrument, group.dividing)}" if group.dividing else ""
        deciding = f"{deciding}: divided{most}"
    lines.append(_line("r_wg(J), deciding questions", esc(deciding)))
    if len(group.mean) == len(instrument.questions):
        few = set(group.withheld_questions)
        rows = [
            [
                esc(question_label(instrument, q.number)),
                esc(n),
                *(
                    [esc("withheld")] * 3
                    if q.number in few
                    else [esc(fmt_mean(m)), esc(fmt_mean(s)), esc(fmt_mean(r))]
                ),
            ]
            for q, n, m, s, r in zip(
                instrument.questions, group.count, group.mean, group.sd, group.rwg, strict=True
            )
        ]
        lines.append(_table(["Question", "n", "Mean", "SD", "r_wg"], rows, {1, 2, 3, 4}))
        if few:
            lines.append(
                f'<div style="{_MUTED}">Withheld: questions answered by fewer people'
                " than the minimum group size.</div>"
            )
    return _box(name_html(group.subject), lines)


def relationship_html(relationship: RelationshipView, instrument: Instrument = MORLEY_2016) -> str:
    """Return a relationship's view as an HTML fragment.

    Parameters
    ----------
    relationship : RelationshipView
    instrument : Instrument, optional
        The instrument answered, for the question names.

    Returns
    -------
    str
        The effective rung with how likely it is, each member's view side by side, and
        the per-question means and gaps. A view of the shared view shows only what may be
        shared; a small member's figures are never shown.

    Examples
    --------
    >>> from jointworking import assess, load_example
    >>> example = load_example()
    >>> result = assess(
    ...     example.responses, claims=example.claims, arrangements=example.arrangements
    ... )
    >>> view = result.relationship("Northfield District Council", "Westshire County Council")
    >>> "Effective rung" in relationship_html(view)
    True
    """
    hidden = set(relationship.withheld)
    few = {m: set(questions) for m, questions in relationship.withheld_questions.items()}
    few_gaps = set(relationship.withheld_gaps)
    effective = relationship.effective_rung
    lines = [
        _line("Wave", name_html(relationship.wave) if relationship.wave else NONE),
        _line(
            "Effective rung",
            esc("withheld")
            if effective is None
            else _rung_html(effective, relationship.rung_probabilities, relationship.uncertain),
        ),
    ]
    if relationship.claimed is not None:
        lines.append(_line("Called", badge(relationship.claimed)))
    if relationship.target is not None:
        lines.append(_line("Aims for", badge(relationship.target)))
    if relationship.silent:
        silent = ", ".join(name_html(m) for m in relationship.silent)
        lines.append(_line("Silent (gave no view)", silent))
    withheld_views = [m for m in relationship.withheld if m not in relationship.views]
    if withheld_views:
        names = ", ".join(name_html(m) for m in withheld_views)
        lines.append(_line("View withheld (too few respondents)", names))
    members = [m for m in relationship.views if m not in hidden]
    rows = [
        [
            name_html(m),
            badge(p.rung),
            esc("withheld" if m in hidden else fmt_index(p.index)),
            badge(relationship.internal[m]) if m in relationship.internal else NONE,
        ]
        for m, p in relationship.views.items()
    ]
    lines.append(_table(["Member", "View", "Index", "Internal rung"], rows, {2}))
    if len(relationship.gaps) == len(instrument.questions) and members:
        question_rows = []
        for i, q in enumerate(instrument.questions):
            means = [
                "withheld"
                if q.number in few.get(m, ())
                else fmt_mean(relationship.views[m].scores[i])
                for m in members
            ]
            gap = relationship.gaps[i]
            withhold = bool(hidden & set(relationship.views)) or q.number in few_gaps
            gap_text = "withheld" if withhold else fmt_mean(gap)
            if not withhold and gap >= PERCEPTION_GAP_POINTS:
                gap_text = f"<strong>{esc(gap_text)} {WIDE}</strong>"
            else:
                gap_text = esc(gap_text)
            question_rows.append(
                [esc(question_label(instrument, q.number)), *(esc(v) for v in means), gap_text]
            )
        numeric = set(range(1, len(members) + 2))
        head = ["Question", *(name_html(m) for m in members), "Gap"]
        lines.append(_table(head, question_rows, numeric))
        if few_gaps:
            lines.append(
                f'<div style="{_MUTED}">Withheld: questions a member\'s respondents answered'
                " too few to share.</div>"
            )
    return _box(name_html(relationship.subject), lines)


def top_findings(assessment: Assessment, limit: int = 5) -> list[int]:
    """Return the positions of the findings a summary shows, in the findings' order.

    Every critical finding, then the first warning of each kind not yet shown, up to
    `limit` in all (more only if there are more critical findings); information only
    while fewer than three are shown. The positions keep the order of
    ``assessment.findings``, most consequential first.
    """
    findings = list(assessment.findings)
    chosen = [i for i, f in enumerate(findings) if f.severity == "critical"]
    kinds = {findings[i].kind for i in chosen}
    for severity, room in (("warning", limit), ("info", 3)):
        for i, f in enumerate(findings):
            if len(chosen) >= room:
                break
            if f.severity == severity and f.kind not in kinds:
                chosen.append(i)
                kinds.add(f.kind)
    return sorted(chosen)


@attrs.frozen
class Counts:
    """The headline counts of an assessment.

    Attributes
    ----------
    organisations : int
        Organisations that answered or are members of a relationship.
    responses : int
        Responses: a person who answered about several subjects, or in several waves,
        counts once for each.
    groups, relationships, relationship_views : int
        Groups; distinct relationships; and their views over all waves.
    latest_wave : str
        ``""`` when the responses carry no wave.
    severities : tuple of (str, int)
        How many findings of each severity, most severe first.
    """

    organisations: int
    responses: int
    groups: int
    relationships: int
    relationship_views: int
    latest_wave: str
    severities: tuple[tuple[str, int], ...]


def counts(assessment: Assessment) -> Counts:
    """Return the headline counts of an assessment, for summaries."""
    organisations = {g.organisation for g in assessment.groups}
    for view in assessment.relationships:
        organisations.update(view.members)
    waves = sorted({g.wave for g in assessment.groups if g.wave})
    severities = dict.fromkeys(("critical", "warning", "info"), 0)
    for f in assessment.findings:
        severities[f.severity] += 1
    return Counts(
        organisations=len(organisations),
        responses=sum(g.respondents for g in assessment.groups),
        groups=len(assessment.groups),
        relationships=len({(v.kind, v.subject) for v in assessment.relationships}),
        relationship_views=len(assessment.relationships),
        latest_wave=waves[-1] if waves else "",
        severities=tuple(severities.items()),
    )


def severity_text(c: Counts) -> str:
    """Return ``"2 critical, 14 warnings, 1 info"``."""
    return ", ".join(
        f"{n} {severity}{'s' if severity == 'warning' and n != 1 else ''}"
        for severity, n in c.severities
    )


def finding_names(assessment: Assessment) -> NameMarker:
    """Return a marker of every name a finding's message can embed."""
    names: set[str] = set(assessment.arrangements)
    for g in assessment.groups:
        names.update((g.organisation, g.subject, *g.units))
        if not g.internal:
            names.add(g.about)
    for v in assessment.relationships:
        names.update((v.subject, *v.members))
    return NameMarker(names)


def assessment_html(assessment: Assessment) -> str:
    """Return a compact summary of an assessment as an HTML fragment.

    Parameters
    ----------
    assessment : Assessment

    Returns
    -------
    str
        The counts and the most severe findings; :func:`jointworking.report.html` gives the
        whole report.

    Examples
    --------
    >>> from jointworking import assess, load_example
    >>> fragment = assessment_html(assess(load_example().responses))
    >>> "Organisations" in fragment and "<script" not in fragment
    True
    """
    c = counts(assessment)
    lines = [
        _line("Organisations", esc(c.organisations)),
        _line("Responses", esc(c.responses)),
        _line("Groups", esc(c.groups)),
        _line("Relationships", esc(c.relationships)),
        _line("Latest wave", name_html(c.latest_wave) if c.latest_wave else NONE),
        _line("Findings", esc(severity_text(c))),
    ]
    marker = finding_names(assessment)
    items = "".join(
        f"<li><strong>{esc(f.severity)}</strong>: {marker.html(f.message)}</li>"
        for f in (assessment.findings[i] for i in top_findings(assessment))
    )
    if items:
        lines.append(f'<ul style="margin:4px 0;padding-left:1.4em">{items}</ul>')
    return _box("Joint working self-assessment", lines)
