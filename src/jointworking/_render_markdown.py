"""Render a report's document (:mod:`jointworking._document`) as Markdown.

GitHub-flavoured Markdown that reads well raw, in a terminal, and renders as the same
text: untrusted text is escaped only where it would change how it renders where it
stands (:mod:`jointworking._markdown`). Charts and drawings are for HTML and are left
out; their tables stand in for them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from jointworking import _display as d
from jointworking._document import (
    Badge,
    Block,
    Bullets,
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
)
from jointworking._markdown import Context
from jointworking.rung import Rung

__all__ = ["render"]


def _md_inline(parts: Iterable[Inline], marker: d.NameMarker, context: Context = "inline") -> str:
    """Render inline parts; the first stands at `context`, the rest mid-line (inline)."""
    out = []
    for i, part in enumerate(parts):
        here: Context = "inline" if context == "start" and i else context
        if isinstance(part, str):
            out.append(part)
        elif isinstance(part, Name):
            out.append(d.md_name(part.text, here))
        elif isinstance(part, Message):
            out.append(marker.markdown(part.text, context=here))
        elif isinstance(part, Prose):
            out.append(marker.markdown(part.text, prose=True, context=here))
        elif isinstance(part, Strong):
            inner: Context = "cell" if here == "cell" else "emphasis"
            out.append(f"**{_md_inline(part.parts, marker, inner)}**")
        elif isinstance(part, Badge):
            out.append(part.rung.label)
        else:
            out.append(f"*{part.text}*")
    return "".join(out)


def _md_block(block: Block, marker: d.NameMarker) -> str | None:
    if isinstance(block, Heading):
        return f"### {_md_inline(block.text, marker, 'heading')}"
    if isinstance(block, Para):
        note = block.note
        text = _md_inline(block.text, marker, "emphasis" if note else "start")
        return f"*{text}*" if note else text
    if isinstance(block, Bullets):
        return "\n".join(f"- {_md_inline(item, marker, 'start')}" for item in block.items)
    if isinstance(block, Table):

        def row(cells: Iterable[Text]) -> str:
            return "| " + " | ".join(_md_inline(c, marker, "cell") or " " for c in cells) + " |"

        rule = (
            "|"
            + "|".join("---:" if i in block.numeric else "---" for i in range(len(block.head)))
            + "|"
        )
        return "\n".join([row(block.head), rule, *(row(r) for r in block.rows)])
    if isinstance(block, Legend):
        rungs = "; ".join(f"{r.label} ({d.RUNG_MEANING[r]})" for r in Rung)
        return f"Rungs, lowest to highest: {rungs}."
    return None  # charts are for HTML


def render(sections: Sequence[Section], marker: d.NameMarker, title: str) -> str:
    """Return the whole report: the title, then each section's title and blocks."""
    parts = [f"# {d.md_text(title, 'heading')}"]
    for section in sections:
        parts.append(f"## {section.title}")
        for block in section.blocks:
            text = _md_block(block, marker)
            if text is not None:
                parts.append(text)
    return "\n\n".join(parts) + "\n"
