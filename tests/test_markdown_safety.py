"""Escaped names render as exactly themselves, in every place a report puts them.

Each case renders real Markdown with cmark-gfm (GitHub's extensions: table, autolink,
strikethrough, tagfilter, tasklist; with and without raw HTML passed through) and with
markdown-it-py (CommonMark with tables and strike-through, and its linkify where
linkify-it-py is installed), parses the HTML and checks the visible text, the elements
and the table columns.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jointworking._markdown import (
    CONTEXTS,
    Context,
    escape,
    escape_count,
    escape_prose,
    noise,
)

try:
    import cmarkgfm  # type: ignore[import-untyped]
    from markdown_it import MarkdownIt
except ImportError as missing:  # pragma: no cover - the renderers are test extras
    pytest.skip(
        f"MARKDOWN SAFETY NOT TESTED: a renderer is missing ({missing}); install the test"
        " extra: pip install -e '.[test]'",
        allow_module_level=True,
    )

Render = Callable[[str], str]

_MARKDOWN_IT = MarkdownIt("commonmark").enable(["table", "strikethrough"])


def _cmark_gfm(source: str) -> str:
    return str(cmarkgfm.github_flavored_markdown_to_html(source))


def _cmark_gfm_unsafe(source: str) -> str:
    # As GitHub renders before it sanitizes: raw HTML passes through.
    unsafe = cmarkgfm.Options.CMARK_OPT_UNSAFE
    return str(cmarkgfm.github_flavored_markdown_to_html(source, options=unsafe))


RENDERERS: dict[str, Render] = {
    "cmark-gfm": _cmark_gfm,
    "cmark-gfm unsafe": _cmark_gfm_unsafe,
    "markdown-it": _MARKDOWN_IT.render,
}
if importlib.util.find_spec("linkify_it") is not None:
    RENDERERS["markdown-it linkify"] = MarkdownIt("gfm-like").render


# --- a small tree of the rendered HTML ---------------------------------------------------

_VOID = frozenset({"br", "hr", "img", "input", "meta", "link", "wbr"})


@dataclass
class Element:
    tag: str
    children: list[Element | str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text for c in self.children)

    @property
    def elements(self) -> list[Element]:
        return [c for c in self.children if isinstance(c, Element)]

    def walk(self) -> Iterator[Element]:
        for child in self.elements:
            yield child
            yield from child.walk()


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("root")
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag)
        self.stack[-1].children.append(element)
        if tag not in _VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(Element(tag))

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID:
            return
        assert self.stack[-1].tag == tag, f"unbalanced </{tag}>"
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse(html: str) -> Element:
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    assert builder.stack == [builder.root], "unclosed elements"
    return builder.root


def blocks(root: Element) -> list[Element]:
    """Return the top-level elements; only newlines may stand between them."""
    assert all(c.strip("\n") == "" for c in root.children if isinstance(c, str)), root
    return root.elements


def tags(root: Element) -> list[str]:
    return [e.tag for e in root.walk()]


# --- each place a report puts a name -----------------------------------------------------


def check_inline(name: str, render: Render) -> None:
    html = render(f"Latest wave: {escape(name, 'inline')} (recorded).\n")
    root = parse(html)
    (p,) = blocks(root)
    assert tags(root) == ["p"], html
    assert p.text == f"Latest wave: {name} (recorded).", html


def check_start(name: str, render: Render) -> None:
    fragment = escape(name, "start")
    html = render(f"- {fragment}\n- next\n\n{fragment} and more.\n")
    root = parse(html)
    ul, p = blocks(root)
    assert tags(root) == ["ul", "li", "li", "p"], html
    assert [li.text for li in ul.elements] == [name, "next"], html
    assert p.text == f"{name} and more.", html


def check_cell(name: str, render: Render) -> None:
    fragment = escape(name, "cell")
    html = render(
        f"| Member | {fragment} |\n|---|---:|\n| {fragment} | 1 |\n| 2 | **{fragment}** |\n"
    )
    root = parse(html)
    (table,) = blocks(root)
    thead, tbody = table.elements
    rows = [*thead.elements, *tbody.elements]
    assert [[cell.text for cell in row.elements] for row in rows] == [
        ["Member", name],
        [name, "1"],
        ["2", name],
    ], html
    expected = ["table", "thead", "tr", "th", "th", "tbody", "tr", "td", "td"]
    assert tags(root) == [*expected, "tr", "td", "td", "strong"], html


def check_heading(name: str, render: Render) -> None:
    html = render(f"### {escape(name, 'heading')}\n\nafter\n")
    root = parse(html)
    h3, p = blocks(root)
    assert tags(root) == ["h3", "p"], html
    assert (h3.text, p.text) == (name, "after"), html


def check_emphasis(name: str, render: Render) -> None:
    fragment = escape(name, "emphasis")
    html = render(f"Note: **{fragment}**, *{fragment}* and **Wave: {fragment}**.\n")
    root = parse(html)
    (p,) = blocks(root)
    assert tags(root) == ["p", "strong", "em", "strong"], html
    assert [e.text for e in p.elements] == [name, name, f"Wave: {name}"], html
    assert p.text == f"Note: {name}, {name} and Wave: {name}.", html


def check_message(name: str, render: Render) -> None:
    # Free text that embeds names is escaped whole, glued to the words around it.
    message = f"{name}'s view of {name} (wave {name}):{name}"
    html = render(f"- **Warning**: {escape(message, 'inline')}\n\n{escape(message, 'start')}\n")
    root = parse(html)
    ul, p = blocks(root)
    assert tags(root) == ["ul", "li", "strong", "p"], html
    (li,) = ul.elements
    assert (li.text, p.text) == (f"Warning: {message}", message), html


CHECKS: dict[str, Callable[[str, Render], None]] = {
    "inline": check_inline,
    "start": check_start,
    "cell": check_cell,
    "heading": check_heading,
    "emphasis": check_emphasis,
    "message": check_message,
}


def check_everywhere(name: str) -> None:
    for renderer, render in RENDERERS.items():
        for place, check in CHECKS.items():
            try:
                check(name, render)
            except AssertionError as error:
                raise AssertionError(f"{place} with {renderer}: {name!r}: {error}") from None


HOSTILE = [
    "ceo@example.org",
    "first.last+tag@sub.example.co.uk",
    "a@b@c.org",
    "www.example.com",
    "www.x",
    "WWW.example.com",
    "example.org",
    "Northfield.gov Council",
    "a.xn--p1ai",
    "\u043f\u0440\u0438\u043c\u0435\u0440.\u0440\u0444",
    "https://x.y",
    "HTTPS://x.y/path?q=1",
    "ftp://files.example.com",
    "mailto:a@b",
    "mailto:a@b.co",
    "xmpp:a@b.co/res",
    "javascript:alert(1)",
    "//localhost",
    "x //example.com",
    "a;@b.co",
    "<b>x</b>",
    "<script>alert(1)</script>",
    "<a@b.co>",
    "<http://x.y>",
    "<!-- c -->",
    "[a](b)",
    "![i](x)",
    "[a]: /url",
    "[^1]",
    "*a*",
    "_a_",
    "**a**",
    "__a__",
    "snake_case_",
    "`code`",
    "``",
    "# heading",
    "#",
    "C #",
    "### x ###",
    "- item",
    "-",
    "+ item",
    "* item",
    "1. item",
    "2026) item",
    "1.",
    "> quote",
    ">",
    "| pipe |",
    "a\\|b",
    "a\\b",
    "\\",
    "a\\",
    "\\*",
    "\\ ",
    "< ",
    "&amp;",
    "&#64;",
    "&#x40;",
    "~~strike~~",
    "~a~",
    "a~b~c",
    "[ ] task",
    "[x] done",
    "---",
    "- - -",
    "***",
    "___",
    "===",
    "```",
    "~~~",
    "trailing two spaces  ",
    "  leading spaces",
    "     indented",
    " ",
    "\u00a0non-breaking\u00a0",
    "\u3000ideographic",
    "$x$ and $y$",
    "a < b > c",
    "<",
    "&",
    "x:y",
    "10:30",
    "\u05e9\u05dc\u05d5\u05dd",
    "\u0645\u062c\u0644\u0633 (\u0627\u0644\u0634\u0645\u0627\u0644)",
    "\U0001f91d Partnership \U0001f389",
    "Caf\u00e9",
    "Cafe\u0301",
    "O'Brien & Sons",
    "M&S",
    "AT&T",
    '"Quoted" name',
    "{braces} ^caret^ =equals= +plus+",
    "2026-spring",
    "Harlow DC (North)",
    "Northfield District Council",
]


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_and_ordinary_names_render_as_themselves(name: str) -> None:
    check_everywhere(name)


@pytest.mark.parametrize(
    ("name", "context", "expected"),
    [
        ("ceo@example.org", "inline", "ceo<!-- -->@example\\.org"),
        ("www.example.com", "inline", "www\\.example\\.com"),
        ("https://x.y", "inline", "https\\://x.y"),
        ("javascript:alert(1)", "inline", "javascript\\:alert(1)"),
        ("- item", "start", "\\- item"),
        ("- item", "cell", "- item"),
        ("1. item", "start", "1\\. item"),
        ("# heading", "start", "\\# heading"),
        ("# heading", "heading", "# heading"),
        ("C #", "heading", "C \\#"),
        ("| pipe |", "cell", "\\| pipe \\|"),
        ("| pipe |", "inline", "| pipe |"),
        ("<b>x</b>", "inline", "\\<b>x\\</b>"),
        ("&amp;", "inline", "\\&amp;"),
        ("a\\b", "inline", "a\\b"),
        ("a\\*", "inline", "a\\\\\\*"),
        (" x ", "emphasis", "&#32;x&#32;"),
        ("[ ] task", "start", "\\[ \\] task"),
    ],
)
def test_escapes_only_what_renders_here(name: str, context: Context, expected: str) -> None:
    assert escape(name, context) == expected


PLAIN = [
    "Northfield District Council",
    "2026-spring",
    "Harlow DC (North)",
    "Westshire County Council",
    "O'Brien & Sons",
    "M&S",
    "St. Mary's Hospice",
    "Café Collective",
    "snake_case unit",
    "Team 1.5: review at 10:30",
    "e.g. the council's unit",
    "a < b",
    "50% more (est.)",
    "\u05e9\u05dc\u05d5\u05dd",
    "\U0001f91d Partnership",
]


@pytest.mark.parametrize("name", PLAIN)
@pytest.mark.parametrize("context", CONTEXTS)
def test_plain_names_get_no_escape(name: str, context: Context) -> None:
    assert escape(name, context) == name
    assert escape_count(escape(name, context)) == 0


# --- arbitrary names ---------------------------------------------------------------------

# Control characters, surrogates, format characters (zero-width and bidi controls) and
# line or paragraph separators are removed or refused before a name reaches a report.
_ALLOWED = st.characters(exclude_categories=("Cc", "Cs", "Cf", "Zl", "Zp"))
_MARKDOWN_ALPHABET = st.sampled_from(list(" \\`*_{}[]()#+-.!|~:@<>&;=$^/'\"wxa01\u00a0"))
_PIECES = st.sampled_from(
    [
        "www.",
        "http://",
        "https:",
        "mailto:",
        "xmpp:",
        "ftp://",
        "@",
        ".com",
        ".org",
        "//",
        "&#64;",
        "&amp;",
        "<b>",
        "</i>",
        "<!--",
        "**",
        "__",
        "~~",
        "[",
        "](",
        "![",
        "`",
        "#",
        "- ",
        "1. ",
        "> ",
        "|",
        "\\",
        " ",
        "  ",
        "a",
        "x_y",
        "caf\u00e9",
        "\u0440\u0444",
    ]
)
NAMES = st.one_of(
    st.text(_ALLOWED, min_size=1, max_size=24),
    st.text(st.one_of(_MARKDOWN_ALPHABET, _ALLOWED), min_size=1, max_size=24),
    st.lists(_PIECES, min_size=1, max_size=8).map("".join),
)


@settings(max_examples=150)
@given(NAMES)
def test_any_name_renders_as_itself_everywhere(name: str) -> None:
    check_everywhere(name)


# --- why the e-mail split -----------------------------------------------------------------


@pytest.mark.parametrize("escaped", ["ceo\\@example\\.org", "ceo&#64;example&#46;org"])
def test_escapes_alone_do_not_stop_gfm_email_autolinks(escaped: str) -> None:
    # cmark-gfm finds e-mail addresses after merging adjacent text nodes, so a backslash
    # or a character reference still links: hence the empty comment before "@".
    assert "<a href=" in _cmark_gfm(escaped)
    assert "<a href=" not in _cmark_gfm(escape("ceo@example.org"))


def test_a_later_dot_escape_does_not_stop_www_autolinks() -> None:
    # The GFM domain scanner steps over "\.", so the dot after "www" is the one to escape.
    assert "<a href=" in _cmark_gfm("www.a\\.com")


# --- the rest of the API ---------------------------------------------------------------


def test_control_characters_become_spaces() -> None:
    assert escape("a\nb\tc\x00d\u2028e") == "a b c d e"
    assert escape("x\n", "cell") == "x&#32;"


def test_unknown_context_is_refused() -> None:
    with pytest.raises(ValueError, match="context"):
        escape("x", "paragraph")  # type: ignore[arg-type]


@pytest.mark.parametrize("render", RENDERERS.values(), ids=list(RENDERERS))
def test_prose_is_tidied_and_renders_as_text(render: Render) -> None:
    prose = "  Scores  from\nthe 2026 survey: see https://example.org, e.g. *all* of it.  "
    tidied = "Scores from the 2026 survey: see https://example.org, e.g. *all* of it."
    escaped = escape_prose(prose)
    assert escaped == (
        "Scores from the 2026 survey: see https\\://example\\.org, e.g. \\*all\\* of it."
    )
    root = parse(render(escaped + "\n"))
    (p,) = blocks(root)
    assert (tags(root), p.text) == (["p"], tidied)


def test_noise_counts_escapes_per_line() -> None:
    before = "# Report\n\n- Wave: 2026\\-spring\n- Harlow DC \\(North\\)\\: a &amp; b\n"
    after = "# Report\n\n- Wave: 2026-spring\n- Harlow DC (North): a & b\n"
    assert escape_count(before) == 5
    assert noise(before) == pytest.approx(5 / 3)
    assert noise(after) == 0.0
    assert noise("") == 0.0
    assert escape_count("a\\\\b <!-- --> &#32; \\q") == 3
