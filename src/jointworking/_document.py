"""The report's document model: the blocks both renderers lay out.

The sections of a report (:mod:`jointworking._sections`) are built once as these blocks
and rendered to Markdown (:mod:`jointworking._render_markdown`) and to HTML
(:mod:`jointworking._render_html`), so that the two formats say the same thing. Inline
text keeps the difference between the report's own words (a plain ``str``) and untrusted
text (:class:`Name`, :class:`Message`, :class:`Prose`), which each renderer escapes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypeAlias

import attrs

from jointworking.rung import Rung


@attrs.frozen
class Name:
    """An untrusted name: escaped, and isolated in ``<bdi>`` in HTML."""

    text: str


@attrs.frozen
class Message:
    """Untrusted free text that embeds names (a finding's message, a description)."""

    text: str


@attrs.frozen
class Strong:
    """Bold text."""

    parts: tuple[Inline, ...]


@attrs.frozen
class Badge:
    """A rung: coloured in HTML."""

    rung: Rung


@attrs.frozen
class Flag:
    """A short flag (trusted text): withheld, uncertain, silent."""

    text: str


@attrs.frozen
class Prose:
    """The caller's own text (a description, the instrument's wording): escaped gently."""

    text: str


Inline: TypeAlias = str | Name | Message | Prose | Strong | Badge | Flag
"""A piece of inline text; a plain ``str`` is the report's own (trusted) wording."""
Text: TypeAlias = tuple[Inline, ...]


@attrs.frozen
class Heading:
    """A heading inside a section, with its anchor."""

    text: Text
    anchor: str


@attrs.frozen
class Para:
    """A paragraph; a `note` is set smaller (italic in Markdown)."""

    text: Text
    note: bool = False


@attrs.frozen
class Bullets:
    """A bulleted list."""

    items: tuple[Text, ...]


@attrs.frozen
class Table:
    """A table: a header row, body rows, and which columns are numbers."""

    head: tuple[Text, ...]
    rows: tuple[tuple[Text, ...], ...]
    numeric: frozenset[int] = frozenset()


@attrs.frozen
class Legend:
    """The rungs and their colours."""


@attrs.frozen
class Chart:
    """A chart from :mod:`jointworking.plot` (HTML only).

    `caption` says what the chart shows; `message` says, in words, what it tells the
    reader: the chart's text alternative, shown under it and read out in its place.
    """

    function: str
    argument: Any
    caption: Text
    message: Text
    keywords: Mapping[str, Any] = attrs.field(factory=dict)


@attrs.frozen
class Drawing:
    """An SVG the report draws itself (the relationship network), with its message."""

    svg: str
    caption: Text
    message: Text


Block: TypeAlias = Heading | Para | Bullets | Table | Legend | Chart | Drawing


@attrs.frozen
class Section:
    """A top-level section of the report: its anchor, title and blocks."""

    anchor: str
    title: str
    blocks: tuple[Block, ...]


def name_list(names: Sequence[str]) -> Text:
    """Return names as ``A, B and C``."""
    parts: list[Inline] = []
    for i, name in enumerate(names):
        if i:
            parts.append(" and " if i == len(names) - 1 else ", ")
        parts.append(Name(name))
    return tuple(parts)


def rung_or_none(rung: Rung | None) -> Text:
    """Show a rung, or "not stated"."""
    return ("not stated",) if rung is None else (Badge(rung),)


def plain(text: Text) -> str:
    """Return inline text as plain words: names as they are, rungs as their labels."""
    out: list[str] = []
    for part in text:
        if isinstance(part, str):
            out.append(part)
        elif isinstance(part, Strong):
            out.append(plain(part.parts))
        elif isinstance(part, Badge):
            out.append(part.rung.label)
        else:
            out.append(part.text)
    return "".join(out)
