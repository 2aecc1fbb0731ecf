"""Render a report's document (:mod:`jointworking._document`) as one HTML5 page.

The page is self-contained and inert: inline CSS, inline SVG charts checked to hold no
script, event handler or outside reference, no script of its own and a
Content-Security-Policy (:data:`CSP`) that forbids one. Every untrusted name is escaped
and isolated in ``<bdi>``. The stylesheet lays the page out for a screen down to a
phone's width and for A4 portrait paper: every column kept, headers wrapping and
repeated on each page, no chart or table row split across pages, major sections on a
new page, and the report's title, date and page number in the page margins.
"""

from __future__ import annotations

import datetime
import importlib
import re
import sys
from collections.abc import Callable, Iterable, Sequence
from html.parser import HTMLParser
from types import ModuleType
from typing import Any, Final

import attrs

from jointworking import _display as d
from jointworking._document import (
    Badge,
    Block,
    Bullets,
    Chart,
    Drawing,
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
from jointworking.errors import JointWorkingError
from jointworking.rung import Rung

__all__ = ["BREAK_BEFORE", "CSP", "INSTALL_PLOT", "render"]

CSP: Final = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
"""The Content-Security-Policy of every HTML report: no script, nothing from the network."""

INSTALL_PLOT: Final = 'pip install "jointworking[plot]"'

BREAK_BEFORE: Final = frozenset({"network", "relationships", "findings", "action-plan", "method"})
"""The sections that start a new page when printed."""

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
td bdi, th bdi { overflow-wrap: anywhere; }
td.num { white-space: nowrap; }
.made { color: #59636e; margin: 0 0 0.5rem; }
nav ul { display: flex; flex-wrap: wrap; gap: 0.2rem 1.2rem; list-style: none;
  padding: 0; margin: 0.5rem 0 1rem; }
nav a, a { color: #0969da; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; margin: 0.5rem 0 1rem; font-size: 0.9rem; }
th, td { border-bottom: 1px solid #d0d7de; padding: 0.3rem 0.6rem; text-align: left;
  vertical-align: top; }
thead th { background: #f6f8fa; border-bottom: 2px solid #d0d7de; vertical-align: bottom; }
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
.chart { overflow-x: auto; }
figure svg { display: block; max-width: 100%; height: auto; }
figure.chart-heatmap svg { min-width: 34rem; }
figcaption { color: #59636e; font-size: 0.9rem; }
footer { color: #59636e; font-size: 0.85rem; margin-top: 2rem; padding-bottom: 2rem; }
.print-only { display: none; }
@page { size: A4 portrait; margin: 16mm 14mm 16mm 14mm;
  @top-left { content: TITLE_STRING; font: 8pt sans-serif; color: #59636e; }
  @top-right { content: DATE_STRING; font: 8pt sans-serif; color: #59636e; }
  @bottom-right { content: "Page " counter(page) " of " counter(pages);
    font: 8pt sans-serif; color: #59636e; } }
@media print {
  body { font-size: 9.5pt; line-height: 1.4; }
  header, main, footer { max-width: none; padding: 0; }
  nav, .screen-only { display: none; }
  .print-only { display: block; }
  h1 { font-size: 16pt; margin-top: 0; }
  h2 { font-size: 13pt; }
  h3 { font-size: 11pt; }
  section.new-page { break-before: page; }
  h2, h3 { break-after: avoid; }
  tr, figure, li, .legend, .chart { break-inside: avoid; }
  .table-wrap, .chart { overflow: visible; }
  table { width: 100%; font-size: 7.5pt; }
  thead { display: table-header-group; }
  th, td { padding: 0.15rem 0.3rem; }
  figure svg, figure.chart-heatmap svg { min-width: 0; max-height: 22cm; }
  .rung, .flag, .legend, thead th { print-color-adjust: exact;
    -webkit-print-color-adjust: exact; }
  a { color: inherit; text-decoration: none; }
}
"""

_ID: Final = re.compile(r'\bid="([^"]+)"')
_REFERENCE: Final = re.compile(r'(href="#|url\(#)([^")]+)')


def _prefix_ids(svg: str, prefix: str) -> str:
    """Prefix every id in `svg`, and every reference to one, with `prefix`."""
    ids = set(_ID.findall(svg))
    if not ids:
        return svg
    svg = _ID.sub(lambda m: f'id="{prefix}{m.group(1)}"', svg)
    return _REFERENCE.sub(
        lambda m: m.group(1) + (prefix + m.group(2) if m.group(2) in ids else m.group(2)), svg
    )


def css_string(text: str) -> str:
    r"""Return `text` as a CSS string, every character but letters, digits and spaces escaped.

    Examples
    --------
    >>> css_string('A "B" </style>')
    '"A \\000022 B\\000022  \\00003c \\00002f style\\00003e "'
    """
    out = []
    for ch in d.clean(text):
        out.append(ch if ch.isalnum() or ch == " " else f"\\{ord(ch):06x} ")
    return '"' + "".join(out) + '"'


def _html_inline(parts: Iterable[Inline], marker: d.NameMarker) -> str:
    out = []
    for part in parts:
        if isinstance(part, str):
            out.append(d.esc(part))
        elif isinstance(part, Name):
            out.append(d.name_html(part.text))
        elif isinstance(part, Message | Prose):
            out.append(marker.html(part.text))
        elif isinstance(part, Strong):
            out.append(f"<strong>{_html_inline(part.parts, marker)}</strong>")
        elif isinstance(part, Badge):
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


def plot_module() -> ModuleType | None:
    """Return :mod:`jointworking.plot`, or None without matplotlib."""
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


MOST_ROWS: Final = 60
"""The most groups a ladder or heat map draws: beyond it the labels would not be legible."""
MOST_CHARTS: Final = 60
"""The most charts one page draws: beyond it the page would take minutes to draw."""


@attrs.define
class _Charts:
    """Draw charts with :mod:`jointworking.plot`, if it and matplotlib are installed."""

    enabled: bool
    module: ModuleType | None = None
    noted: bool = False
    count: int = 0

    def figure(self, svg: str, chart: Chart | Drawing, marker: d.NameMarker, css: str) -> str:
        """Return a figure: the SVG, its caption, and its message in words.

        Every id in the SVG gets a prefix of its own, so that two charts on one page
        never share an id; the SVG is described by its message, which is also shown.
        """
        self.count += 1
        prefix = f"chart-{self.count}-"
        caption = _html_inline(chart.caption, marker)
        message = _html_inline(chart.message, marker)
        return (
            f'<figure class="{css}" id="chart-{self.count}">'
            f'<div class="chart" role="img" aria-labelledby="{prefix}message">'
            f"{_prefix_ids(svg, prefix)}</div>"
            f'<figcaption>{caption} <span id="{prefix}message">{message}</span>'
            "</figcaption></figure>"
        )

    def _left_out(self, chart: Chart) -> str | None:
        """Say why `chart` is not drawn (too many groups, or charts); None to draw it."""
        if chart.function in {"ladder", "heatmap"}:
            groups = len(getattr(chart.argument, "groups", ()))
            if groups > MOST_ROWS:
                return f"{groups:,} groups are too many to label legibly (the tables list them)"
        if self.count >= MOST_CHARTS:
            return f"a page draws at most {MOST_CHARTS} charts (the tables give every figure)"
        return None

    def render(self, chart: Chart, marker: d.NameMarker) -> str:
        """Draw `chart` with the plot module: a figure, a note once without it, or nothing."""
        if not self.enabled:
            return ""
        if self.module is None:
            if self.noted:
                return ""
            self.noted = True
            return (
                f'<p class="note">Charts are not shown: <code>{d.esc(INSTALL_PLOT)}</code>'
                " adds them.</p>"
            )
        reason = self._left_out(chart)
        if reason is not None:
            caption = _html_inline(chart.caption, marker)
            message = _html_inline(chart.message, marker)
            return f'<p class="note">{caption} Not drawn: {reason}. {message}</p>'
        draw: Callable[..., Any] = getattr(self.module, chart.function)
        try:
            figure = draw(chart.argument, **chart.keywords)
        except JointWorkingError:
            return ""
        try:
            svg = _safe_svg(str(self.module.to_svg(figure)))
        finally:
            _close(figure)
        return "" if svg is None else self.figure(svg, chart, marker, f"chart-{chart.function}")


def _html_block(block: Block, marker: d.NameMarker, charts: _Charts) -> str:  # noqa: PLR0911
    if isinstance(block, Heading):
        return f'<h3 id="{d.esc(block.anchor)}">{_html_inline(block.text, marker)}</h3>'
    if isinstance(block, Para):
        css = ' class="note"' if block.note else ""
        return f"<p{css}>{_html_inline(block.text, marker)}</p>"
    if isinstance(block, Bullets):
        items = "".join(f"<li>{_html_inline(item, marker)}</li>" for item in block.items)
        return f"<ul>{items}</ul>"
    if isinstance(block, Table):

        def cell(tag: str, i: int, parts: Text) -> str:
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
    if isinstance(block, Legend):
        items = "".join(
            f'<li><span class="rung rung-{r.label}">{r.label}</span>'
            f" {d.esc(d.RUNG_MEANING[r])}</li>"
            for r in Rung
        )
        return f'<ul class="legend" aria-label="Rungs, lowest to highest">{items}</ul>'
    if isinstance(block, Drawing):
        return charts.figure(block.svg, block, marker, "drawing") if charts.enabled else ""
    return charts.render(block, marker)


def _date_text(date: datetime.date) -> str:
    return f"{date.day} {date:%B %Y}"


def render(
    sections: Sequence[Section],
    marker: d.NameMarker,
    *,
    title: str,
    charts: bool,
    plot: ModuleType | None,
    date: datetime.date,
    version: str,
) -> str:
    """Return the whole page: head, header with the contents, sections, footer."""
    drawer = _Charts(charts, plot)
    made = _date_text(date)
    nav = "".join(f'<li><a href="#{s.anchor}">{d.esc(s.title)}</a></li>' for s in sections)
    nav += '<li><a href="#printing">Print or save as PDF</a></li>'
    body = []
    for section in sections:
        inner = "".join(_html_block(b, marker, drawer) for b in section.blocks)
        css = ' class="new-page"' if section.anchor in BREAK_BEFORE else ""
        body.append(
            f'<section id="{section.anchor}"{css}><h2>{d.esc(section.title)}</h2>{inner}</section>'
        )
    style = _CSS.replace("TITLE_STRING", css_string(title)).replace("DATE_STRING", css_string(made))
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="referrer" content="no-referrer">\n'
        f'<meta name="generator" content="jointworking {d.esc(version)}">\n'
        f"<title>{d.esc(title)}</title>\n<style>{style}</style>\n</head>\n<body>\n"
        f"<header><h1>{d.name_html(title)}</h1>"
        f'<p class="made">Made on <time datetime="{date.isoformat()}">{d.esc(made)}</time>.</p>'
        f'<nav aria-label="Sections"><ul>{nav}</ul></nav></header>\n'
        f"<main>\n{chr(10).join(body)}\n</main>\n"
        "<footer>"
        '<p id="printing" class="screen-only">To print this report or save it as a PDF, use'
        " your browser's Print command (Ctrl+P, or \u2318P on a Mac). It is laid out for A4"
        " portrait: every column is kept, table headers repeat on each page, and each page"
        " names the report and its date. (A link cannot start printing by itself without a"
        " script, and this report runs none.)</p>"
        f"<p>{d.name_html(title)}, made on {d.esc(made)} with jointworking {d.esc(version)}"
        " from the ten questions of Morley (2016), Getting the most from joint working."
        " The results then need to be shared.</p></footer>\n"
        "</body>\n</html>\n"
    )
