"""The relationship network: every organisation and relationship at a glance.

One drawing (an inline SVG the report makes itself, with no script and no matplotlib)
and two tables. Organisations stand on a circle, filled with the colour of their own
internal rung; each relationship between two organisations is a line between them, and
a multi-party arrangement a numbered square joined to each member. A relationship's line
is drawn by its effective rung (dotted and thin for transaction, dashed for
collaboration, solid and thick for partnership); a label the evidence does not bear
out is circled in red with "called ..." beside it; a member that gave no view is joined
by a thin grey dotted line (one-sided), and one whose view is withheld (too few
respondents) by a grey dash-dot line. Like every shared output, it reads the shared view
only: a withheld group shows no rung.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Final

from jointworking import _display as d
from jointworking._advice import Facts
from jointworking._document import (
    Badge,
    Block,
    Drawing,
    Flag,
    Inline,
    Message,
    Name,
    Para,
    Table,
    Text,
)
from jointworking.assessment import RelationshipView
from jointworking.rung import Rung

__all__ = ["blocks"]

_WIDTH: Final = 960
_HEIGHT: Final = 750
_CX: Final = 480.0
_CY: Final = 320.0
_RADIUS: Final = 220.0
_GREY: Final = "#6e7781"
_RED: Final = "#cf222e"
_STYLE: Final = {
    Rung.TRANSACTION: ("2", "2 5"),
    Rung.COLLABORATION: ("3.5", "10 5"),
    Rung.PARTNERSHIP: ("5.5", ""),
}
_SILENT: Final = ("1.5", "1 5")
_WITHHELD: Final = ("1.5", "7 4 1 4")
_LINE: Final = 24  # characters of a name's label on one line
DRAWN: Final = 40
"""The most organisations drawn: beyond it the names crowd the circle and the lines merge
into a blot, so the section gives its message in words and its two tables only."""


def _wrap(name: str, width: int = _LINE) -> list[str]:
    """Split a name into lines of at most about `width` characters, at spaces.

    A word longer than a line is cut (a name drawn whole could run off the chart), and a
    name longer than three lines ends in an ellipsis: the table below gives it whole.
    """
    words: list[str] = []
    for word in d.clean(name).split(" "):
        words += [word[i : i + width] for i in range(0, len(word), width)] or [word]
    lines: list[str] = []
    for word in words:
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    if len(lines) > 3:
        lines = [*lines[:2], lines[2] + "\u2026"]
    return lines


def _positions(names: Sequence[str]) -> dict[str, tuple[float, float]]:
    n = len(names)
    if n == 1:
        return {names[0]: (_CX, _CY)}
    return {
        name: (
            _CX + _RADIUS * math.cos(-math.pi / 2 + 2 * math.pi * i / n),
            _CY + _RADIUS * math.sin(-math.pi / 2 + 2 * math.pi * i / n),
        )
        for i, name in enumerate(names)
    }


def _internal_rung(ctx: Facts, organisation: str) -> Rung | None:
    g = ctx.internal.get(organisation)
    return None if g is None or g.placement is None else g.placement.rung


def _label(name: str, x: float, y: float) -> str:
    dx, dy = x - _CX, y - _CY
    distance = math.hypot(dx, dy) or 1.0
    ux, uy = dx / distance, dy / distance
    lx, ly = x + 16 * ux, y + 16 * uy
    anchor = "start" if ux > 0.25 else "end" if ux < -0.25 else "middle"
    if anchor == "start":  # clear of the node's circle, however steep the way out
        lx = max(lx, x + 14)
    elif anchor == "end":
        lx = min(lx, x - 14)
    lines = _wrap(name)
    first = ly + 5 - (len(lines) - 1) * 8 if anchor != "middle" else ly + 5
    if anchor == "middle" and uy < 0:
        first = ly - (len(lines) - 1) * 16
    elif anchor == "middle":
        first = ly + 12
    spans = "".join(
        f'<tspan x="{lx:.1f}" y="{first + 16 * i:.1f}">{d.esc(line)}</tspan>'
        for i, line in enumerate(lines)
    )
    return f'<text text-anchor="{anchor}" unicode-bidi="isolate">{spans}</text>'


def _segment(
    start: tuple[float, float], end: tuple[float, float], colour: str, style: tuple[str, str]
) -> str:
    width, dash = style
    dashes = f' stroke-dasharray="{dash}"' if dash else ""
    return (
        f'<line x1="{start[0]:.1f}" y1="{start[1]:.1f}" x2="{end[0]:.1f}" y2="{end[1]:.1f}"'
        f' stroke="{colour}" stroke-width="{width}" stroke-linecap="round"{dashes}/>'
    )


def _overstated(view: RelationshipView) -> bool:
    """Whether a relationship is called a rung above its effective rung.

    A label below the evidence (called collaboration, at partnership) is borne out by it:
    it is not circled, nor listed as a label the evidence does not bear out.
    """
    rung, claimed = view.effective_rung, view.claimed
    return rung is not None and claimed is not None and claimed > rung


def _hub(
    view: RelationshipView,
    places: dict[str, tuple[float, float]],
    taken: list[tuple[float, float]],
) -> tuple[float, float]:
    """Where a relationship's marker stands, clear of the markers `taken` before it.

    A pair's marker slides along its line from the midpoint; an arrangement's stands at
    its members' centre, or around it.
    """
    points = [places[m] for m in view.members]
    cx = sum(p[0] for p in points) / len(points)
    cy = sum(p[1] for p in points) / len(points)
    if view.kind == "pair" and len(points) == 2:
        (x0, y0), (x1, y1) = points
        tries = [
            (x0 + t * (x1 - x0), y0 + t * (y1 - y0))
            for t in (0.5, 0.38, 0.62, 0.28, 0.72, 0.2, 0.8)
        ]
    else:
        tries = [(cx, cy)] + [
            (cx + r * math.cos(a * math.pi / 4), cy + r * math.sin(a * math.pi / 4))
            for r in (44, 88)
            for a in range(8)
        ]
    for x, y in tries:
        if all(math.hypot(x - tx, y - ty) >= 44 for tx, ty in taken):
            return x, y
    return tries[0]


def _called_spot(
    hub: tuple[float, float], length: int, others: Sequence[tuple[float, float]]
) -> tuple[float, float, str]:
    """Where a "called ..." label of `length` characters goes beside its marker.

    Above right, above left, below right or below left: the first whose box keeps clear
    of the other markers and the organisations' nodes.
    """
    x, y = hub
    width = 6.5 * length  # 12px italic text, generously
    for dx, dy, anchor in (
        (20, -12, "start"),
        (-20, -12, "end"),
        (20, 28, "start"),
        (-20, 28, "end"),
    ):
        left = x + dx if anchor == "start" else x + dx - width
        top = y + dy - 12
        if not any(
            left - 12 <= ox <= left + width + 12 and top - 12 <= oy <= top + 28 for ox, oy in others
        ):
            return x + dx, y + dy, anchor
    return x + 20, y - 12, "start"


def _svg(ctx: Facts) -> str:
    names = ctx.organisations
    places = _positions(names)
    lines: list[str] = []
    markers: list[str] = []
    hubs: list[tuple[float, float]] = []
    for view in ctx.latest:
        hubs.append(_hub(view, places, hubs))
    for k, (view, hub) in enumerate(zip(ctx.latest, hubs, strict=True), 1):
        rung = view.effective_rung
        colour = d.RUNG_COLOURS[rung] if rung is not None else _GREY
        for member in view.members:
            if member in view.views:
                style = _STYLE[rung] if rung is not None else _WITHHELD
                lines.append(_segment(places[member], hub, colour, style))
            elif member in view.withheld:
                lines.append(_segment(places[member], hub, _GREY, _WITHHELD))
            else:
                lines.append(_segment(places[member], hub, _GREY, _SILENT))
        x, y = hub
        shape = (
            f'<rect x="{x - 11:.1f}" y="{y - 11:.1f}" width="22" height="22" rx="3"'
            if view.kind == "arrangement"
            else f'<circle cx="{x:.1f}" cy="{y:.1f}" r="11"'
        )
        markers.append(f'{shape} fill="#ffffff" stroke="{colour}" stroke-width="2"/>')
        markers.append(
            f'<text x="{x:.1f}" y="{y + 4.5:.1f}" text-anchor="middle" font-size="12"'
            f' font-weight="bold">{k}</text>'
        )
        if _overstated(view):
            assert view.claimed is not None
            called = f"called {view.claimed.label}"
            others = [h for h in hubs if h != hub] + list(places.values())
            tx, ty, anchor = _called_spot(hub, len(called), others)
            markers.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="17" fill="none" stroke="{_RED}"'
                ' stroke-width="2" stroke-dasharray="4 3"/>'
            )
            markers.append(
                f'<text x="{tx:.1f}" y="{ty:.1f}" text-anchor="{anchor}" font-size="12"'
                f' fill="{_RED}" font-style="italic" stroke="#ffffff" stroke-width="3"'
                f' paint-order="stroke">{called}</text>'
            )
    nodes: list[str] = []
    for name in names:
        x, y = places[name]
        inside = _internal_rung(ctx, name)
        fill = d.RUNG_COLOURS[inside] if inside is not None else "#ffffff"
        dash = "" if inside is not None else ' stroke-dasharray="3 2"'
        nodes.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="9" fill="{fill}" stroke="#1f2328"'
            f' stroke-width="1.5"{dash}/>'
        )
        nodes.append(_label(name, x, y))
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_WIDTH} {_HEIGHT}"'
        f' width="{_WIDTH}" height="{_HEIGHT}" font-family="system-ui, sans-serif"'
        ' font-size="14" fill="#1f2328">'
        + "".join(lines)
        + "".join(markers)
        + "".join(nodes)
        + _legend()
        + "</svg>"
    )


def _legend() -> str:
    items: list[tuple[str, str, tuple[str, str]]] = [
        *((r.label, d.RUNG_COLOURS[r], _STYLE[r]) for r in Rung),
        ("no view from this member (one-sided)", _GREY, _SILENT),
        ("view withheld (too few respondents)", _GREY, _WITHHELD),
    ]
    out = []
    y = 662.0
    for i, (label, colour, style) in enumerate(items):
        x = 40.0 + (i % 3) * 300 if i < 3 else 40.0 + (i - 3) * 450
        row = y + (0 if i < 3 else 26)
        out.append(_segment((x, row), (x + 46, row), colour, style))
        out.append(f'<text x="{x + 56:.1f}" y="{row + 5:.1f}" font-size="13">{label}</text>')
    row = y + 52
    out.append(
        f'<circle cx="63" cy="{row:.1f}" r="13" fill="none" stroke="{_RED}" stroke-width="2"'
        ' stroke-dasharray="4 3"/>'
        f'<text x="96" y="{row + 5:.1f}" font-size="13">called a rung the evidence does not'
        " bear out; an organisation's fill is its own internal rung (white: not known or"
        " withheld)</text>"
    )
    return "".join(out)


def _count_words(counts: dict[str, int]) -> str:
    parts = [f"{n} {label}" for label, n in counts.items() if n]
    return ", ".join(parts) if parts else "none"


def _message(ctx: Facts) -> str:
    """State the network's message in words: the chart's text alternative."""
    n_orgs, n_rel = len(ctx.organisations), len(ctx.latest)
    if not n_rel:
        return (
            f"{n_orgs} organisation{'s' if n_orgs != 1 else ''} and no relationship between"
            " them that anyone gave a view of."
        )
    counts: dict[str, int] = {r.label: 0 for r in reversed(Rung)}
    counts["withheld"] = 0
    for view in ctx.latest:
        counts[view.effective_rung.label if view.effective_rung is not None else "withheld"] += 1
    text = (
        f"{n_orgs} organisations and {n_rel} relationship{'s' if n_rel != 1 else ''}."
        f" Relationships by effective rung: {_count_words(counts)}."
    )
    over = []
    for v in ctx.latest:
        if _overstated(v):
            assert v.claimed is not None
            assert v.effective_rung is not None
            over.append(
                f"{v.subject} (called {v.claimed.label}, evidence {v.effective_rung.label})"
            )
    if over:
        text += f" Called a rung the evidence does not bear out: {'; '.join(over)}."
    one_sided = [
        f"{', '.join(v.silent)} gave no view of"
        + (
            f" its relationship with {next(m for m in v.members if m not in v.silent)}"
            if v.kind == "pair"
            else f" {v.subject}"
        )
        for v in ctx.latest
        if v.silent
    ]
    if one_sided:
        text += f" One-sided: {'; '.join(one_sided)}."
    return text


def _views(view: RelationshipView) -> Text:
    parts: list[Inline] = []
    for i, member in enumerate(view.members):
        if i:
            parts.append("; ")
        parts += [Name(member), ": "]
        placement = view.views.get(member)
        if placement is not None:
            parts.append(Badge(placement.rung))
        elif member in view.withheld:
            parts.append(Flag("withheld"))
        else:
            parts.append(Flag("no view"))
    return tuple(parts)


def _called(view: RelationshipView) -> Text:
    if view.claimed is None:
        return (d.NONE,)
    if _overstated(view):
        return (Badge(view.claimed), " ", Flag("above the evidence"))
    return (Badge(view.claimed),)


def blocks(ctx: Facts) -> list[Block]:
    """Return the network section's blocks: a paragraph, the drawing and two tables."""
    out: list[Block] = [
        Para(
            (
                "Every organisation and every relationship between them, in each"
                " relationship's latest wave: each relationship's effective rung, what it"
                " is called where the evidence does not bear that out, and each member's"
                " view, or none (one-sided). The chart draws each relationship by its"
                " effective rung, circles a label the evidence does not bear out, and joins"
                " a member that gave no view by a dotted grey line.",
            )
        )
    ]
    if len(ctx.organisations) <= DRAWN:
        out.append(
            Drawing(
                _svg(ctx),
                ("The relationship network: numbers refer to the table below.",),
                (Message(_message(ctx)),),
            )
        )
    else:
        out.append(
            Para(
                (
                    f"With {len(ctx.organisations):,} organisations the network is too"
                    f" large to draw legibly (the chart is drawn for up to {DRAWN}); the"
                    " tables below list every relationship and every organisation. ",
                    Message(_message(ctx)),
                )
            )
        )
    rows: list[tuple[Text, ...]] = []
    for k, view in enumerate(ctx.latest, 1):
        effective: Text = (
            (Badge(view.effective_rung),)
            if view.effective_rung is not None
            else (Flag("withheld"),)
        )
        sides: Text = (
            (Flag("one-sided"),)
            if view.silent
            else ("both ways",)
            if view.kind == "pair"
            else ("every member",)
        )
        rows.append(
            (
                (str(k),),
                (Name(view.subject),),
                effective,
                _called(view),
                _views(view),
                sides,
            )
        )
    if rows:
        head = ("#", "Relationship", "Effective rung", "Called", "Each member's view", "Seen")
        out.append(Table(tuple((h,) for h in head), tuple(rows), frozenset({0})))
    else:
        out.append(Para(("Nobody gave a view of a relationship with another organisation.",)))
    numbered: dict[str, list[str]] = {}
    for k, view in enumerate(ctx.latest, 1):
        for member in dict.fromkeys(view.members):
            numbered.setdefault(member, []).append(str(k))
    org_rows: list[tuple[Text, ...]] = []
    for name in ctx.organisations:
        g = ctx.internal.get(name)
        inside: Text = (
            ("no internal responses",)
            if g is None
            else (Flag("withheld"),)
            if g.placement is None
            else (Badge(g.placement.rung),)
        )
        org_rows.append(((Name(name),), inside, (", ".join(numbered.get(name, ())) or d.NONE,)))
    out.append(
        Table(
            (("Organisation",), ("Own internal rung",), ("Relationships (#)",)),
            tuple(org_rows),
        )
    )
    return out
