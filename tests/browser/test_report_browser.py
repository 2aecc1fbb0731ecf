"""The HTML report as a reader meets it: opened in a real browser, on screen and printed.

Chromium, driven by Playwright, opens the demo report and the report of a generated
survey of ten organisations, and checks that at A4 portrait in print media no element
is wider than the page, that the page logs no console error, that no request leaves the
page, that every in-page link resolves, and that element ids are unique.

The browser is found as ``PLAYWRIGHT_CHROMIUM_EXECUTABLE``, else ``chromium`` or
``chromium-browser`` on the PATH (``.ci/run`` installs Debian's ``chromium``). Without
one, these tests fail and say how to install it; set ``JOINTWORKING_SKIP_BROWSER=1`` to
skip them on purpose instead.
"""

from __future__ import annotations

import datetime
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import jointworking as jw
from builders import records, survey
from jointworking import report
from jointworking.assessment import Assessment

_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
_INSTALL = (
    "No Chromium found for the browser tests. Install it (Debian/Ubuntu:"
    " `apt-get install -y --no-install-recommends chromium`), or point"
    " PLAYWRIGHT_CHROMIUM_EXECUTABLE at a Chromium binary; set JOINTWORKING_SKIP_BROWSER=1"
    " to skip these tests on purpose."
)
# A4 portrait is 210 mm wide; at 96 CSS pixels an inch that is 794 px, and the report's
# print margins (14 mm each side) leave 688 px for the page's content.
A4_WIDTH = 794
A4_CONTENT = 794 - round(2 * 14 / 25.4 * 96)
DATE = datetime.date(2026, 12, 6)


def _chromium() -> str | None:
    given = os.environ.get("PLAYWRIGHT_CHROMIUM_EXECUTABLE")
    if given:
        return given
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if os.environ.get("JOINTWORKING_SKIP_BROWSER") == "1":
        pytest.skip("JOINTWORKING_SKIP_BROWSER=1: browser tests skipped on purpose")
    try:
        from playwright.sync_api import sync_playwright  # noqa: PLC0415 - a test extra
    except ImportError:
        pytest.fail("The browser tests need Playwright, a test extra: pip install -e '.[test]'")
    executable = _chromium()
    if executable is None or not Path(executable).exists():
        pytest.fail(_INSTALL)
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=executable, args=_ARGS)
        yield chromium
        chromium.close()


def ten_organisations() -> Assessment:
    """A generated survey: ten organisations inside, a ring of pairs, an arrangement.

    Long names, a one-sided pair, a small (withheld) group and an overstated label, so
    that every kind of column, flag and line of the network is drawn.
    """
    names = [
        f"Organisation {chr(65 + i)} {'with a long name ' * (i % 3)}(area {i + 1})"
        for i in range(10)
    ]
    groups = []
    for i, name in enumerate(names):
        level = [1 + (i % 4)] * 10
        size = 2 if i == 9 else 4
        groups.append(records(name, "internal", [level] * size, wave="2026-05"))
        partner = names[(i + 1) % 10]
        if i != 4:  # organisation E's partner never answers about it: one-sided
            groups.append(records(name, partner, [[2 + (i % 3)] * 10] * 3, wave="2026-05"))
        if i != 5:
            groups.append(records(partner, name, [[1 + (i % 3)] * 10] * 3, wave="2026-05"))
    for name in names[:4]:
        groups.append(records(name, "Alliance", [[3] * 10] * 3, wave="2026-05"))
    claims: dict[tuple[str, str] | str, str] = {
        (names[0], names[1]): "partnership",
        "Alliance": "partnership",
    }
    return jw.assess(survey(*groups), arrangements={"Alliance": names[:4]}, claims=claims)


def _demo() -> tuple[str, str]:
    example = jw.load_example()
    assessment = jw.assess(
        example.responses,
        claims=example.claims,
        targets=example.targets,
        values=example.values,
        arrangements=example.arrangements,
    )
    return "demo", report.html(assessment, description=example.description, date=DATE)


def _ten() -> tuple[str, str]:
    return "ten organisations", report.html(ten_organisations(), date=DATE)


@pytest.fixture(scope="module", params=["demo", "ten"])
def page_html(request: pytest.FixtureRequest) -> tuple[str, str]:
    return _demo() if request.param == "demo" else _ten()


def _open(browser: Any, html: str, tmp_path: Path, *, width: int) -> tuple[Any, list[str]]:
    """Open `html` from a file; record console errors and refuse any outside request."""
    path = tmp_path / "report.html"
    path.write_text(html, encoding="utf-8")
    page = browser.new_page(viewport={"width": width, "height": 1123})
    problems: list[str] = []
    page.on(
        "console",
        lambda message: (
            problems.append(f"console {message.type}: {message.text}")
            if message.type in {"error", "warning"}
            else None
        ),
    )
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))

    def route(r: Any) -> None:
        url = r.request.url
        if url.startswith(("data:", "about:")) or url == path.as_uri():
            r.continue_()
        else:
            problems.append(f"request leaving the page: {url}")
            r.abort()

    page.route("**/*", route)
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    return page, problems


_WIDEST = """
(limit) => {
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) continue;
    if (box.right > limit + 0.5 || box.left < -0.5) {
      const name = `${el.tagName.toLowerCase()}#${el.id}`;
      out.push(`${name}: ${box.left.toFixed(1)} to ${box.right.toFixed(1)}`);
    }
  }
  return out.slice(0, 20);
}
"""

_LINKS = """
() => {
  const broken = [];
  for (const a of document.querySelectorAll('a[href]')) {
    const href = a.getAttribute('href');
    if (!href.startsWith('#')) { broken.push('not in-page: ' + href); continue; }
    if (href === '#' || !document.getElementById(decodeURIComponent(href.slice(1)))) {
      broken.push('unresolved: ' + href);
    }
  }
  return broken;
}
"""

_IDS = """
() => {
  const seen = new Map();
  for (const el of document.querySelectorAll('[id]')) seen.set(el.id, (seen.get(el.id) || 0) + 1);
  return [...seen].filter(([, n]) => n > 1).map(([id, n]) => `${id} x${n}`);
}
"""

_BROKEN_WORDS = """
() => {
  // Words of the report's own text (not an organisation's name, which may break
  // anywhere so that a long one cannot widen the page) that a table cell splits.
  const out = [];
  for (const cell of document.querySelectorAll('td, th')) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.parentElement.closest('bdi')) continue;
      for (const match of node.textContent.matchAll(/[A-Za-z]{3,}/g)) {
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
        if (tops.size > 1) out.push(match[0]);
      }
    }
  }
  return out.slice(0, 20);
}
"""


class TestInTheBrowser:
    def test_prints_on_a4_with_every_column(
        self, browser: Any, page_html: tuple[str, str], tmp_path: Path
    ) -> None:
        """At A4 portrait in print media, nothing is wider than the printable width."""
        name, html = page_html
        page, problems = _open(browser, html, tmp_path, width=A4_CONTENT)
        page.emulate_media(media="print")
        too_wide = page.evaluate(_WIDEST, A4_CONTENT)
        assert too_wide == [], f"{name}: wider than A4 portrait: {too_wide}"
        # Every table keeps its last column inside the page.
        last = page.evaluate(
            "() => [...document.querySelectorAll('table')].map(t => {"
            " const cells = t.querySelectorAll('thead th');"
            " return cells[cells.length - 1].getBoundingClientRect().right; })"
        )
        assert last, f"{name}: no table"
        assert max(last) <= A4_CONTENT + 0.5
        pdf = page.pdf(format="A4", prefer_css_page_size=True)
        assert pdf.startswith(b"%PDF")
        assert problems == []
        page.close()

    def test_printed_tables_break_lines_between_words(
        self, browser: Any, page_html: tuple[str, str], tmp_path: Path
    ) -> None:
        """A narrow column wraps at spaces: "every member", never "every memb / er"."""
        name, html = page_html
        page, problems = _open(browser, html, tmp_path, width=A4_CONTENT)
        page.emulate_media(media="print")
        assert page.evaluate(_BROKEN_WORDS) == [], name
        assert page.evaluate(_WIDEST, A4_CONTENT) == [], name
        assert problems == []
        page.close()

    def test_no_console_error_and_nothing_leaves_the_page(
        self, browser: Any, page_html: tuple[str, str], tmp_path: Path
    ) -> None:
        name, html = page_html
        page, problems = _open(browser, html, tmp_path, width=1280)
        page.emulate_media(media="screen")
        assert page.evaluate("() => document.querySelectorAll('script').length") == 0
        assert problems == [], f"{name}: {problems}"
        page.close()

    def test_every_in_page_link_resolves_and_ids_are_unique(
        self, browser: Any, page_html: tuple[str, str], tmp_path: Path
    ) -> None:
        name, html = page_html
        page, problems = _open(browser, html, tmp_path, width=1280)
        assert page.evaluate(_LINKS) == [], name
        assert page.evaluate(_IDS) == [], name
        assert page.evaluate("() => document.querySelectorAll('a[href]').length") > 0
        assert problems == []
        page.close()

    def test_phone_width_scrolls_inside_the_chart_not_the_page(
        self, browser: Any, page_html: tuple[str, str], tmp_path: Path
    ) -> None:
        """At a phone's width the page itself never scrolls sideways."""
        name, html = page_html
        page, problems = _open(browser, html, tmp_path, width=375)
        overflow = page.evaluate("() => document.documentElement.scrollWidth")
        assert overflow <= 375, f"{name}: the page is {overflow}px wide at 375px"
        heat = page.query_selector("figure.chart-heatmap svg")
        if heat is not None:  # drawn only with matplotlib
            assert heat.bounding_box()["width"] >= 500  # stays readable, scrolls in its box
        assert problems == []
        page.close()

    def test_charts_have_text_alternatives(
        self, browser: Any, page_html: tuple[str, str], tmp_path: Path
    ) -> None:
        """Every chart is an image labelled by a message in words that is on the page."""
        name, html = page_html
        page, _ = _open(browser, html, tmp_path, width=1280)
        labels = page.evaluate(
            "() => [...document.querySelectorAll('figure .chart')].map(c => {"
            " const id = c.getAttribute('aria-labelledby');"
            " const el = id && document.getElementById(id);"
            " return [c.getAttribute('role'), el ? el.textContent : null]; })"
        )
        assert labels, name
        for role, text in labels:
            assert role == "img"
            assert text is not None
            assert len(text.split()) >= 8  # a sentence, not "chart"
        page.close()
