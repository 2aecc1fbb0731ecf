r"""Escape text for Markdown reports: exactly the text, no markup, and few backslashes.

A report puts untrusted text (organisation, unit, wave and arrangement names, and finding
messages that embed them) into table cells, headings, list items and emphasis. Escaping
has two aims that pull against each other:

- **Nothing but text.** Rendered by a GitHub-flavoured renderer (cmark-gfm with the
  ``table``, ``autolink``, ``strikethrough``, ``tagfilter`` and ``tasklist`` extensions)
  or by a CommonMark one (markdown-it-py, with or without its linkify), the text shows
  exactly as it is: never a link, image, HTML, emphasis, code, strike-through, heading,
  list, quote, task box or extra table column.
- **Readable raw.** A character is escaped only where it would change how the text
  renders *where it stands*: ``2026-spring`` and ``Harlow DC (North)`` get no
  backslash; ``-`` matters only where it could start a list item, ``|`` only in a table
  cell, ``:`` only after a URL scheme.

Hence one escaping function, :func:`escape`, for names and for free text alike, told the
*context* the text stands in:

``"inline"``
    Mid-line, after the report's own words (``Latest wave: NAME``).
``"start"``
    At the start of a paragraph or list item's text (``- NAME``): block markers count.
``"cell"``
    A table cell: ``|`` would end the cell.
``"heading"``
    The text of an ATX heading (``### NAME``): a final ``#`` run would be dropped.
``"emphasis"``
    Between ``*`` or ``**`` delimiters; the same escaping as ``"inline"`` (see below).

Autolinks, and what defeats them
--------------------------------
The GFM ``autolink`` extension finds links in three ways. ``www.`` and ``http://`` (also
``https``, ``ftp``) links are found while parsing, in the raw source: a backslash before
the ``.`` after ``www`` or before the ``:`` of the scheme stops them. (Escaping a later
dot is not enough: the domain scanner steps over ``\.``, so ``www.a\.com`` links, with
the backslash in the address.) E-mail addresses, and ``mailto:`` and ``xmpp:`` links, are
found *after* parsing, in the text, once adjacent text nodes are merged: backslash
escapes and character references (``&#64;``) are gone by then and do not help. Only a
node that is not text stops the scan, so an empty HTML comment, ``<!-- -->``, is put
before an ``@`` that follows other text: it shows nothing (cmark-gfm renders it as a
comment, GitHub's sanitizer drops it) and leaves no ``@`` with a local part before it.
markdown-it's linkify (linkify-it) scans each text token; escapes and character
references are separate tokens, and a link may not start right after one, so ``\:``,
``\/`` before ``/`` and ``\.`` before a domain label break its scheme, ``//`` and
bare-domain (``example.org``) links.

Neighbours
----------
Escaping looks at each character's neighbours *within the text given*, so free text
that embeds names (a finding message) must be escaped whole, after any bidi isolation
of the names, not piece by piece. At its edges a fragment relies on the report's own
text around it: the text before ends with whitespace, punctuation or the line's start,
and the text after begins with whitespace, punctuation other than ``;``, or the line's
end. Emphasis delimiters around a fragment have whitespace, punctuation or the line's
edge on their outer side; whitespace at the fragment's edges is written as a character
reference in every context, so that it is neither trimmed nor turns a delimiter
inside out.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Final, Literal, TypeAlias

__all__ = [
    "CONTEXTS",
    "SPLIT",
    "Context",
    "escape",
    "escape_count",
    "escape_prose",
    "noise",
]

Context: TypeAlias = Literal["inline", "start", "cell", "heading", "emphasis"]
"""Where escaped text stands; see the module's description."""

CONTEXTS: Final[tuple[Context, ...]] = ("inline", "start", "cell", "heading", "emphasis")
"""Every context :func:`escape` accepts."""

#: An empty HTML comment: a node that is not text, so the e-mail scan cannot cross it.
SPLIT: Final = "<!-- -->"

# A line break would end the line the text stands on (a table row, a heading, a list
# item); every control character, and the Unicode line and paragraph separators, become
# a space so that the fragment stays on its line whatever it was given.
_CONTROLS: Final = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_SPACES: Final = re.compile(r"\s+")
# Code spans, emphasis, strike-through (cmark-gfm strikes single tildes, even mid-word),
# link and image brackets, and GitHub's maths: special wherever they stand.
_ALWAYS: Final = frozenset("`*~[]$")
_ASCII_PUNCTUATION: Final = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
# A character reference: named, decimal or hexadecimal.
_REFERENCE_AHEAD: Final = re.compile(r"#?[0-9A-Za-z]+;")
# A dot a link finder could read as part of a domain: the one after "www" (GFM), and one
# after other text and before a label that linkify-it takes for a top-level domain: any
# two letters (a country's domain: "io", "uk"), a punycode label ("xn--p1ai"), or one of
# its generic domains ("org", "com", Cyrillic "рф"). Other labels stay unescaped, since
# no renderer links them: "report.html", "survey.csv", "St.Mary".
_TLDS: Final = "biz|com|edu|gov|net|org|pro|web|xxx|aero|asia|coop|info|museum|name|shop|рф"
_WWW_DOT: Final = re.compile(r"(?i:www)\.")
_DOMAIN_DOT: Final = re.compile(
    rf"(?i)(?<=\S)\.(?=(?:xn--|[^\W\d_]{{2}}(?![^\W_])|(?:{_TLDS})(?![^\W_])))"
)
# A colon after a URL scheme ("http:", "mailto:"), unless a space follows it.
_SCHEME_COLON: Final = re.compile(r"(?<=[A-Za-z]):(?=\S)")
# Block markers at the start of a paragraph or list item's text.
_ATX_MARKER: Final = re.compile(r"#{1,6}(?:\s|$)")
_BULLET_MARKER: Final = re.compile(r"[-+](?:\s|$)")
_THEMATIC_BREAK: Final = re.compile(r"-[ \t]*-[ \t]*-[- \t]*$")
_ORDERED_MARKER: Final = re.compile(r"[0-9]{1,9}([.)])(?:\s|$)")
# A closing sequence of an ATX heading: a final run of "#" after a space (or alone).
_CLOSING_HASHES: Final = re.compile(r"(?:(?<=\s)|^)#+$")
# What escape_count counts: a backslash escape, a character reference, a comment split.
_ESCAPE_MARK: Final = re.compile(
    r"\\[!-/:-@\[-`{-~]|&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});"
    + "|"
    + re.escape(SPLIT)
)


def _reference(ch: str) -> str:
    return f"&#{ord(ch)};"


def _char_at(text: str, i: int) -> str:
    return text[i] if 0 <= i < len(text) else ""


def _after(text: str, i: int) -> str:
    """Return what the output has after position `i`: "&" for edge whitespace."""
    after = _char_at(text, i + 1)
    return "&" if after.isspace() and i + 2 == len(text) else after


def _backslash(text: str, i: int) -> bool:
    # A backslash escapes the punctuation after it; at the end, what follows is the
    # report's own text, often punctuation.
    after = _after(text, i)
    return not after or after in _ASCII_PUNCTUATION


def _underscore(text: str, i: int) -> bool:
    # Between two letters or digits an underscore can neither open nor close emphasis
    # (snake_case); anywhere else it might.
    return not (_char_at(text, i - 1).isalnum() and _char_at(text, i + 1).isalnum())


def _angle(text: str, i: int) -> bool:
    # "<" starts a tag, a comment or an autolink unless a space follows.
    return not _after(text, i).isspace()


def _ampersand(text: str, i: int) -> bool:
    # "&" matters only where it begins a character reference.
    return _REFERENCE_AHEAD.match(text, i + 1) is not None


def _slash(text: str, i: int) -> bool:
    # "//" starts a protocol-relative link in linkify, unless it follows a colon (which
    # is escaped after a scheme, and otherwise stops linkify from looking).
    return _char_at(text, i + 1) == "/" and _char_at(text, i - 1) not in {"/", ":"}


_SOMETIMES: Final[dict[str, Callable[[str, int], bool]]] = {
    "\\": _backslash,
    "_": _underscore,
    "<": _angle,
    "&": _ampersand,
    "/": _slash,
}


def _escaped(text: str, context: Context) -> set[int]:
    """Return the positions in `text` to escape with a backslash."""
    escaped = {
        i
        for i, ch in enumerate(text)
        if ch in _ALWAYS
        or (ch == "|" and context == "cell")
        or (ch in _SOMETIMES and _SOMETIMES[ch](text, i))
    }
    escaped.update(m.end() - 1 for m in _WWW_DOT.finditer(text))
    escaped.update(m.start() for m in _DOMAIN_DOT.finditer(text))
    escaped.update(m.start() for m in _SCHEME_COLON.finditer(text))
    if context == "start":
        escaped.update(_block_marker(text))
    if context == "heading":
        closing = _CLOSING_HASHES.search(text)
        if closing:
            escaped.add(closing.start())
    return escaped


def _block_marker(text: str) -> set[int]:
    """Return where a heading, list, quote or thematic break marker begins `text`."""
    if _ATX_MARKER.match(text) or _BULLET_MARKER.match(text) or text.startswith(">"):
        return {0}
    if _THEMATIC_BREAK.match(text):
        return {0}
    ordered = _ORDERED_MARKER.match(text)
    return {ordered.start(1)} if ordered else set()


def escape(text: str, context: Context = "inline") -> str:
    r"""Escape untrusted text (a name, or free text that embeds names) for Markdown.

    Parameters
    ----------
    text : str
        The text, on one line (control characters become spaces).
    context : {"inline", "start", "cell", "heading", "emphasis"}, optional
        Where the text stands; see :mod:`this module <jointworking._markdown>`.

    Returns
    -------
    str
        Markdown that renders as exactly `text` in that context, in cmark-gfm with
        GitHub's extensions and in CommonMark (with or without linkify), between the
        neighbours the module's description names: never a link, image, HTML element,
        emphasis, code, strike-through or block, and, in a cell, never an extra
        column. A character is escaped only where it would change the rendering, so
        plain names come back unchanged; the only HTML is the empty comment that may
        stand before an ``@``, which shows nothing.

    Raises
    ------
    ValueError
        If `context` is not one of :data:`CONTEXTS`.

    Examples
    --------
    >>> escape("Harlow DC (North)"), escape("2026-spring", "start")
    ('Harlow DC (North)', '2026-spring')
    >>> escape("ceo@example.org")
    'ceo<!-- -->@example\\.org'
    >>> escape("https://x.y"), escape("www.example.com"), escape("a //b")
    ('https\\://x.y', 'www\\.example\\.com', 'a \\//b')
    >>> escape("- item", "start"), escape("- item"), escape("A | B", "cell")
    ('\\- item', '- item', 'A \\| B')
    >>> escape("C #", "heading"), escape("snake_case _x_"), escape("<b>")
    ('C \\#', 'snake_case \\_x\\_', '\\<b>')
    """
    if context not in CONTEXTS:
        raise ValueError(f"context: expected one of {', '.join(CONTEXTS)}, got {context!r}")
    text = _CONTROLS.sub(" ", text)
    escaped = _escaped(text, context)
    edges = {0, len(text) - 1}
    out: list[str] = []
    for i, ch in enumerate(text):
        if ch == "@" and i and not text[i - 1].isspace():
            out.append(SPLIT)  # an "@" after any text could end an address's local part
        if i in edges and ch.isspace():
            # Edge whitespace would be trimmed (cells, headings, line ends), would make
            # indented code at a line's start, or would stop emphasis opening or closing.
            out.append(_reference(ch))
        elif i in escaped:
            out.append("\\" + ch)
        else:
            out.append(ch)
    return "".join(out)


def escape_prose(text: str, context: Context = "start") -> str:
    r"""Escape the caller's own prose (a title, a description, the instrument's wording).

    Prose is escaped gently: its whitespace is tidied (runs become one space, the edges
    are trimmed) instead of being written as character references, and otherwise it
    is escaped as :func:`escape` escapes names, which already touches only what would
    render as markup. Prose gets the same guarantee as a name, so that the Markdown
    and HTML reports show the same words: a URL in a description stays text.

    Parameters
    ----------
    text : str
        The prose; line breaks and other control characters become spaces.
    context : {"inline", "start", "cell", "heading", "emphasis"}, optional
        Where the prose stands; by default at the start of a paragraph.

    Returns
    -------
    str
        Markdown that renders as `text` with its whitespace tidied.

    Examples
    --------
    >>> escape_prose("  Self-assessment: 2026 <draft>, see e.g. section 2.")
    'Self-assessment: 2026 \\<draft>, see e.g. section 2.'
    >>> escape_prose("1. Title"), escape_prose("Joint working", "heading")
    ('1\\. Title', 'Joint working')
    """
    return escape(_SPACES.sub(" ", _CONTROLS.sub(" ", text)).strip(), context)


def escape_count(markdown: str) -> int:
    r"""Count the escapes in Markdown: backslash escapes, character references, splits.

    A backslash escape is a backslash before ASCII punctuation (``\\`` counts once);
    a character reference is named (``&amp;``), decimal or hexadecimal; a split is the
    empty comment :func:`escape` puts before an ``@``.

    Examples
    --------
    >>> escape_count(r"2026\-spring \(collaboration\)\: a &amp; b")
    5
    >>> escape_count(escape("ceo@example.org"))
    2
    """
    return len(_ESCAPE_MARK.findall(markdown))


def noise(markdown: str) -> float:
    r"""Return the escaping noise of Markdown: escapes per non-blank line.

    A measure of how hard raw Markdown is to read: :func:`escape_count` divided by the
    number of lines that are not blank (0 for a text with none).

    Examples
    --------
    >>> noise("# Report\n\n- 2026\\-spring\n- Harlow DC \\(North\\)\n")
    1.0
    """
    lines = sum(1 for line in markdown.splitlines() if line.strip())
    return escape_count(markdown) / lines if lines else 0.0
