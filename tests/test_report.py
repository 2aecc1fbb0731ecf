from __future__ import annotations

import io
import math
import re
import sys
import types
from html.parser import HTMLParser
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import jointworking as jw
from builders import ALLIANCE, VOLUNTARY, records, survey
from jointworking import (
    Assessment,
    Estimate,
    Response,
    Responses,
    Rung,
    ValueInputs,
    assess,
    load_example,
    report,
)
from jointworking import _display as display
from test_markdown_safety import RENDERERS
from test_markdown_safety import parse as parse_tree
from test_markdown_safety import tags as tree_tags

SECTIONS = [
    "Summary",
    "Where each organisation stands internally",
    "The relationship network",
    "Relationships",
    "Findings",
    "Action plan",
    "Added value",
    "Progress between waves",
    "Method notes",
]
NVA = "Northfield Voluntary Action"
COUNTY_PAIR = ("Northfield District Council", "Westshire County Council")

TOP = [4] * 10
COLLAB = [3, 3, 2, 2, 2, 3, 2, 2, 2, 2]
LOW = [1] * 10

HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '" onmouseover="alert(1)',
    '=HYPERLINK("http://x")',
    "# Heading",
    "| pipe | row",
    "L" * 5000,
    "\u05e9\u05dc\u05d5\u05dd",
    "e\u0301",
    "Line one # Injected heading | a | b | end",
]


# --- helpers ---------------------------------------------------------------------------


def example_assessment() -> tuple[jw.Example, Assessment]:
    example = load_example()
    result = assess(
        example.responses,
        claims=example.claims,
        targets=example.targets,
        values=example.values,
        arrangements=example.arrangements,
    )
    return example, result


def md_sections(text: str) -> dict[str, str]:
    """Split Markdown into its level-2 sections, by title."""
    parts = re.split(r"^## (.+)$", text, flags=re.MULTILINE)
    return dict(zip(parts[1::2], parts[2::2], strict=True))


def html_sections(page: str) -> dict[str, str]:
    """Split the HTML report into its sections, by id."""
    found = re.findall(r'<section id="([^"]+)"[^>]*>(.*?)</section>', page, flags=re.DOTALL)
    return dict(found)


def plotted(page: str) -> str:
    """The page without the relationship network, which the report draws itself."""
    return page.replace(html_sections(page).get("network", ""), "")


class Recorder(HTMLParser):
    """Record every start tag with its attributes, and the text of the h2 headings."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.h2: list[str] = []
        self._in_h2 = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))
        if tag == "h2":
            self._in_h2 = True
            self.h2.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "h2":
            self._in_h2 = False

    def handle_data(self, data: str) -> None:
        if self._in_h2:
            self.h2[-1] += data


def parse(page: str) -> Recorder:
    recorder = Recorder()
    recorder.feed(page)
    recorder.close()
    return recorder


def assert_safe_html(page: str) -> None:
    """No script, no event handler, nothing from outside the document; the CSP is there."""
    recorder = parse(page)
    tags = {tag for tag, _ in recorder.tags}
    assert "script" not in tags
    assert "img" not in tags
    assert "link" not in tags
    assert "iframe" not in tags
    for tag, attrs in recorder.tags:
        for name, value in attrs:
            assert not name.lower().startswith("on"), (tag, name)
            if name.lower() in {"src", "href"} or name.lower().endswith(":href"):
                target = (value or "").strip().lower()
                assert not target.startswith(("http", "//", "javascript:")), (tag, name, value)
    csp = [
        dict(attrs)
        for tag, attrs in recorder.tags
        if tag == "meta"
        and (dict(attrs).get("http-equiv") or "").lower() == "content-security-policy"
    ]
    assert csp == [
        {
            "http-equiv": "Content-Security-Policy",
            "content": "default-src 'none'; style-src 'unsafe-inline'; img-src data:",
        }
    ]


def md_tables(text: str) -> list[list[str]]:
    """Return each Markdown table as its lines."""
    tables: list[list[str]] = []
    current: list[str] = []
    for line in text.splitlines():
        if line.startswith("|"):
            current.append(line)
        elif current:
            tables.append(current)
            current = []
    if current:
        tables.append(current)
    return tables


def cells(line: str) -> int:
    """Count a table row's cell separators: pipes not escaped by a backslash."""
    return len(re.findall(r"(?<!\\)\|", line))


def fake_plot(calls: list[tuple[str, Any]], svg: str | None = None) -> types.ModuleType:
    """A stand-in for jointworking.plot that records what each chart is given."""
    module = types.ModuleType("jointworking.plot")
    drawn = svg or '<svg xmlns="http://www.w3.org/2000/svg"><path d="M0 0L1 1"/></svg>'

    def chart(name: str) -> Any:
        def draw(argument: Any, **keywords: Any) -> object:
            calls.append((name, argument))
            if name == "gaps":
                assert set(keywords) == {"instrument", "assessment"}
            return object()

        return draw

    for name in ("ladder", "heatmap", "gaps", "value_distribution", "profile"):
        setattr(module, name, chart(name))
    module.to_svg = lambda figure: '<?xml version="1.0"?>\n<!-- a comment -->\n' + drawn  # type: ignore[attr-defined]
    return module


def small_member_survey() -> Responses:
    """A and B about each other and inside, in two waves; B's view of A has 2 respondents.

    B's two respondents answer 0 and 1 on every question in 2026-Q1: mean 0.50, index 12.5.
    """
    b_rows = [[0] * 10, [1] * 10]
    return survey(
        records("A", "internal", [TOP] * 3, wave="2025-Q3"),
        records("A", "internal", [TOP] * 3, wave="2026-Q1"),
        records("B", "internal", [COLLAB] * 3, wave="2026-Q1"),
        records("A", "B", [[3, 3, 3, 3, 3, 3, 3, 3, 3, 3]] * 3, wave="2025-Q3"),
        records("A", "B", [[4, 4, 3, 3, 3, 4, 3, 3, 3, 3]] * 3, wave="2026-Q1"),
        records("B", "A", [[2] * 10] * 3, wave="2025-Q3"),
        records("B", "A", b_rows, wave="2026-Q1"),
    )


def hostile_assessment() -> Assessment:
    """Every hostile name as an organisation, unit, wave and arrangement."""
    groups: list[list[Response]] = []
    for i, name in enumerate(HOSTILE):
        partner = HOSTILE[(i + 1) % len(HOSTILE)]
        units = [HOSTILE[(i + 2) % len(HOSTILE)]] * 2 + [HOSTILE[(i + 3) % len(HOSTILE)]] * 2
        wave = HOSTILE[3] if i % 2 else "<b>2026</b> # wave"
        groups.append(records(name, "internal", [TOP, TOP, LOW, LOW], units=units, wave=wave))
        groups.append(records(name, partner, [TOP] * (2 if i == 0 else 3), wave=wave))
    arrangement = "<svg onload=alert(1)>| [x](javascript:alert(1))"
    groups.append(records(HOSTILE[0], arrangement, [COLLAB] * 3, wave="<b>2026</b> # wave"))
    groups.append(records(HOSTILE[1], arrangement, [LOW] * 3, wave="<b>2026</b> # wave"))
    claims: dict[tuple[str, str] | str, Rung | str] = {
        arrangement: Rung.PARTNERSHIP,
        (HOSTILE[4], HOSTILE[5]): "partnership",
    }
    values: dict[tuple[str, str] | str, ValueInputs] = {
        arrangement: ValueInputs([4.0, 6.5], Estimate.pert(10, 11, 13), seed=1),
        (HOSTILE[4], HOSTILE[5]): ValueInputs([4.0, 6.5], 10.6),
    }
    return assess(
        survey(*groups),
        arrangements={arrangement: [HOSTILE[0], HOSTILE[1], HOSTILE[7]]},
        claims=claims,
        targets={(HOSTILE[2], HOSTILE[3]): Rung.PARTNERSHIP},
        values=values,
    )


@pytest.fixture(scope="module")
def example() -> tuple[jw.Example, Assessment]:
    return example_assessment()


@pytest.fixture(scope="module")
def small_member() -> Assessment:
    return assess(small_member_survey())


@pytest.fixture(scope="module")
def hostile() -> Assessment:
    return hostile_assessment()


@pytest.fixture(scope="module")
def example_md(example: tuple[jw.Example, Assessment]) -> str:
    return report.markdown(example[1], description=example[0].description)


@pytest.fixture(scope="module")
def example_html(example: tuple[jw.Example, Assessment]) -> str:
    return report.html(example[1], description=example[0].description, charts=False)


# --- the sections ----------------------------------------------------------------------


class TestMarkdownSections:
    def test_title_then_summary_first(self, example_md: str) -> None:
        """The title is the first line and the summary is the first section."""
        lines = example_md.splitlines()
        assert lines[0] == "# Joint working self-assessment"
        headings = [line[3:] for line in lines if line.startswith("## ")]
        assert headings == SECTIONS

    def test_summary_counts(self, example_md: str) -> None:
        """The summary counts organisations, respondents, groups and relationships."""
        summary = md_sections(example_md)["Summary"]
        assert "Organisations: 5" in summary
        assert "Responses: 182" in summary
        assert "Groups: 16" in summary
        assert "Relationships: 3 (4 counting each wave separately)" in summary
        assert "Latest wave: 2026-Q1" in summary
        findings = example_assessment()[1].shared_view().findings
        counted = {
            s: sum(f.severity == s for f in findings) for s in ("critical", "warning", "info")
        }
        assert (
            f"Findings: {counted['critical']} critical, {counted['warning']} warnings,"
            f" {counted['info']} info" in summary
        )

    def test_summary_top_findings(self, example: tuple[jw.Example, Assessment]) -> None:
        """Every critical finding, then one of each kind, in order: the overstated label first."""
        summary = md_sections(report.markdown(example[1]))["Summary"]
        top = [line for line in summary.splitlines() if line.startswith("- **")]
        assert len(top) == 5
        assert top[0].startswith("- **Critical**")
        assert "called a partnership" in top[0]
        findings = example[1].shared_view().findings
        critical = [f for f in findings if f.severity == "critical"]
        assert len(critical) == 2
        shown = "\n".join(top)
        assert all(f.message.split(",")[0] in shown for f in critical)  # every critical one
        assert sum(line.startswith("- **Critical**") for line in top) == 2

    def test_description_in_summary(self, example_md: str) -> None:
        """The description opens the summary."""
        summary = md_sections(example_md)["Summary"].strip()
        assert summary.startswith("A fictional survey of five organisations")

    def test_every_organisation_in_internal_table(
        self, example: tuple[jw.Example, Assessment], example_md: str
    ) -> None:
        """Every organisation has a row in the internal table, with its rung."""
        internal = md_sections(example_md)["Where each organisation stands internally"]
        for organisation in example[0].responses.organisations:
            group = example[1].group(organisation)
            rows = [
                line for line in internal.splitlines() if line.startswith(f"| {organisation} |")
            ]
            assert len(rows) == 1
            shared = example[1].shared_view().group(organisation)
            if shared.placement is None:
                assert "| withheld |" in rows[0]
            else:
                assert f"| {shared.placement.rung.label} " in rows[0]
            assert group.placement is not None

    def test_internal_table_blocking_and_divided(self, example_md: str) -> None:
        """The table names the blocking questions, and the questions that divide a group."""
        internal = md_sections(example_md)["Where each organisation stands internally"]
        county = next(line for line in internal.splitlines() if "Westshire County Council" in line)
        assert "| 43.2 |" in county
        assert "collaboration: Q1 shared objectives, Q2 aligned priorities" in county
        assert "*divided* most on questions 1, 2 and 6" in county

    def test_relationships_with_effective_rung(
        self, example: tuple[jw.Example, Assessment], example_md: str
    ) -> None:
        """Each relationship appears, latest wave, with its effective, claimed and target rungs."""
        section = md_sections(example_md)["Relationships"]
        alliance = example[1].relationship(ALLIANCE)
        for view in (
            alliance,
            example[1].relationship(*COUNTY_PAIR),
            example[1].relationship(COUNTY_PAIR[0], NVA),
        ):
            heading = f"### {view.subject} (2026-Q1)"
            assert heading in section
            block = section.split(heading)[1].split("### ")[0]
            assert view.effective_rung is not None
            assert f"- Effective rung: {view.effective_rung.label}" in block
        assert section.count("### ") == 3
        block = section.split(f"### {ALLIANCE}")[1]
        assert "- Called: partnership" in block
        assert "- Aims for: partnership" in block

    def test_members_side_by_side(self, example_md: str) -> None:
        """Each member's view, its index and the per-question gaps, wide gaps marked."""
        section = md_sections(example_md)["Relationships"]
        block = section.split("### Northfield District Council and Westshire County Council")[1]
        block = block.split("### ")[0]
        # Each member's rung shows the probability its own group has of it.
        shared = example_assessment()[1].shared_view()
        county = shared.group(COUNTY_PAIR[1], COUNTY_PAIR[0], wave="2026-Q1")
        assert county.rung_probabilities is not None
        row = next(line for line in block.splitlines() if line.startswith(f"| {COUNTY_PAIR[1]} |"))
        shown = re.search(
            r"\| partnership \((\d+)% likely; collaboration (\d+)%\) \| 90\.1 \|", row
        )
        assert shown is not None, row
        assert int(shown[1]) == round(100 * county.rung_probabilities[Rung.PARTNERSHIP])
        assert int(shown[2]) == round(100 * county.rung_probabilities[Rung.COLLABORATION])
        assert row.endswith("| *above its own internal rung* |")
        assert "| Northfield District Council | collaboration (>99% likely" in block
        assert "| 63.7 |" in block
        assert "| Q3 shared accountability | 1.92 | 3.62 | **1.70 \u25b2** |" in block
        assert "| Q2 aligned priorities | 3.67 | 3.62 | 0.05 |" in block

    def test_silent_member_named(self, example_md: str) -> None:
        """A member that gave no view is named as silent."""
        section = md_sections(example_md)["Relationships"]
        assert f"- Silent (gave no view): {NVA}" in section
        assert f"| {NVA} | no view |" in section

    def test_findings_in_order_of_consequence(
        self, example: tuple[jw.Example, Assessment], example_md: str
    ) -> None:
        """The findings in the shared view's order, each with what to do next."""
        section = md_sections(example_md)["Findings"]
        items = [line for line in section.splitlines() if line.startswith("- ")]
        findings = example[1].shared_view().findings
        assert len(items) == len(findings)
        assert all("**What to do next:**" in item for item in items)
        words = {"overstated_label": "Overstated label", "low_agreement": "Low agreement"}
        for item, finding in zip(items, findings, strict=True):
            if finding.kind in words:
                assert item.startswith(f"- **{words[finding.kind]}** ({finding.severity})")
        assert items[0].startswith("- **Overstated label** (critical)")

    @pytest.mark.parametrize(
        "advice",
        [
            "Stop calling it a partnership until questions 3, 4, 5, 7, 8, 9 and 10 are met,"
            " and both Northfield District Council and Westshire County Council work at"
            " partnership inside; agree what it is today.",
            "Plan the intermediate rung first: reach collaboration (questions 1, 2 and 6 met)"
            " before aiming for partnership.",
            f"Ask {NVA} to answer the questions about this relationship",
            "Discuss questions 1, 2 and 6 with the units and teams of Westshire County Council",
            "Build internal joint working first: Westshire County Council",
            "Revisit the case for the joint working",
            "discuss the questions with the largest gaps, starting with questions 3, 5 and 10",
            f"Widen the survey: ask at least 3 people from {NVA}",
            "Compare the units' views",
        ],
    )
    def test_what_to_do_next(self, example_md: str, advice: str) -> None:
        """Each kind of finding comes with its own next step."""
        assert advice in md_sections(example_md)["Findings"]

    def test_added_value(self, example_md: str) -> None:
        """The point test gives uplift and switching value; the simulation probabilities."""
        section = md_sections(example_md)["Added value"]
        county = section.split("### Northfield District Council and Westshire County Council")[1]
        county = county.split("### ")[0]
        assert "- Verdict: **significant**" in county
        assert "- Uplift: +15.4%" in county
        assert "- Switching value: 0.63" in county
        alliance = section.split(f"### {ALLIANCE}")[1]
        assert "- Verdict: **marginal**" in alliance
        assert "- P(significant): 48%" in alliance
        assert "- P(positive): 96%" in alliance
        assert "median +9.7%" in alliance

    def test_progress(self, example_md: str) -> None:
        """Progress between waves is a table of rung and index changes."""
        section = md_sections(example_md)["Progress between waves"]
        row = next(
            line
            for line in section.splitlines()
            if line.startswith("| Northfield District Council | internal |")
        )
        steps = {
            (p.organisation, p.about): p for p in example_assessment()[1].shared_view().progress
        }
        district = steps[("Northfield District Council", "internal")]
        low, high = district.interval
        assert low > 0  # the interval leaves out zero: up
        assert row.endswith(
            f"| transaction \u2192 collaboration | {display.fmt_probability(district.p_rung_moved)}"
            f" | {district.index_change:+.1f}"
            f" ({low:+.1f} to {high:+.1f}) | up |"
        )
        county = next(
            line
            for line in section.splitlines()
            if line.startswith("| Westshire County Council | internal |")
        )
        step = steps[("Westshire County Council", "internal")]
        low, high = step.interval
        assert low < 0 < high  # the interval spans zero: no clear change, figures shown
        assert county.endswith(
            f"| {step.index_change:+.1f} ({low:+.1f} to {high:+.1f}) | no clear change |"
        )

    def test_method_notes(self, example_md: str) -> None:
        """The method notes give the instrument, scale, rules and policy choices."""
        notes = md_sections(example_md)["Method notes"]
        for text in (
            "Instrument: morley-2016",
            "Morley, M.",
            "0 No evidence",
            "4 Strong evidence",
            "at least 3",
            "staged",
            "r_wg",
            "below 0.70",
            "uniform null",
            "Minimum group size: 3",
            "shows nothing computed",
            "How likely each rung is",
            "missing, never zero",
            "10% or more",
            "policy choice",
        ):
            assert text in notes, text

    def test_empty_sections_still_present(self) -> None:
        """Without values, relationships or waves every section is still there, saying so."""
        text = report.markdown(assess(survey(records("A", "internal", [TOP] * 3))))
        sections = md_sections(text)
        assert list(sections) == SECTIONS
        assert "not run" in sections["Added value"]
        assert "no progress" in sections["Progress between waves"]
        assert "Nobody gave a view" in sections["Relationships"]
        assert "Latest wave: not recorded" in sections["Summary"]

    def test_no_findings(self) -> None:
        """A report with nothing to flag says so."""
        text = report.markdown(assess(survey(records("A", "internal", [TOP] * 3))))
        assert "No findings" in md_sections(text)["Summary"]
        assert "No findings" in md_sections(text)["Findings"]

    def test_custom_title(self, example: tuple[jw.Example, Assessment]) -> None:
        """The title is escaped but stays readable."""
        text = report.markdown(example[1], title="Board pack: joint-working review <draft>")
        assert text.splitlines()[0] == "# Board pack: joint-working review \\<draft>"

    def test_deterministic(self, example: tuple[jw.Example, Assessment]) -> None:
        """The same results give the same report, byte for byte."""
        assert report.markdown(example[1]) == report.markdown(example[1])
        assert report.html(example[1], charts=False) == report.html(example[1], charts=False)

    def test_rejects_non_assessment(self) -> None:
        """Anything but an Assessment is refused with a clear message."""
        with pytest.raises(TypeError, match="expected an Assessment"):
            report.markdown({"groups": []})  # type: ignore[arg-type]


class TestHTML:
    def test_same_sections_in_same_order(self, example_html: str) -> None:
        """The HTML has the seven sections in the order of the Markdown."""
        assert parse(example_html).h2 == SECTIONS

    def test_self_contained(self, example_html: str) -> None:
        """No script, no external resource; the Content-Security-Policy is there."""
        assert example_html.startswith("<!DOCTYPE html>")
        assert_safe_html(example_html)
        assert "@import" not in example_html
        assert "url(" not in example_html

    def test_legend_and_css(self, example_html: str) -> None:
        """Inline CSS with a rung legend, print rules and wrapping of long names."""
        assert 'class="legend"' in example_html
        for rung in Rung:
            assert f'<span class="rung rung-{rung.label}">{rung.label}</span>' in example_html
        assert "@media print" in example_html
        assert "overflow-wrap: anywhere" in example_html

    def test_same_content(self, example_html: str) -> None:
        """The key figures of the Markdown are in the HTML too."""
        sections = html_sections(example_html)
        assert "Organisations: 5" in sections["summary"]
        assert '<td class="num">43.2</td>' in sections["internal"]
        assert "<strong>1.70 \u25b2</strong>" in sections["relationships"]
        assert "What to do next:" in sections["findings"]
        assert "P(significant): 48%" in sections["added-value"]
        assert "+13.7" in sections["progress"]
        assert "policy choice" in sections["method"]

    def test_names_in_bdi(self, example_html: str) -> None:
        """Names are isolated in <bdi>, in tables and inside finding messages."""
        assert "<bdi>Westshire County Council</bdi>" in example_html
        findings = html_sections(example_html)["findings"]
        assert f"Ask <bdi>{NVA}</bdi> to answer" in findings

    def test_no_charts_when_off(self, example_html: str) -> None:
        """charts=False draws no chart and says nothing about installing them."""
        assert "<svg" not in example_html
        assert "jointworking[plot]" not in example_html

    def test_install_note_without_plot(
        self, example: tuple[jw.Example, Assessment], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Without matplotlib (no jointworking.plot) the report says how to add charts."""
        monkeypatch.setitem(sys.modules, "jointworking.plot", None)  # import raises
        page = report.html(example[1])
        assert "<svg" not in plotted(page)
        assert page.count("pip install &quot;jointworking[plot]&quot;") == 1
        assert_safe_html(page)

    def test_inline_svg_with_plot(self, example: tuple[jw.Example, Assessment]) -> None:
        """With matplotlib and jointworking.plot the charts are inline SVG."""
        pytest.importorskip("matplotlib")
        pytest.importorskip("jointworking.plot")
        page = report.html(example[1])
        assert "<svg" in page
        assert_safe_html(page)
        assert "<svg" not in report.html(example[1], charts=False)

    def test_charts_from_plot_module(
        self, example: tuple[jw.Example, Assessment], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Ladder and heatmap once, gaps per two-sided relationship, the value distribution."""
        calls: list[tuple[str, Any]] = []
        monkeypatch.setitem(sys.modules, "jointworking.plot", fake_plot(calls))
        page = report.html(example[1])
        names = [name for name, _ in calls]
        assert names.count("ladder") == 1
        assert names.count("heatmap") == 1
        assert names.count("gaps") == 2  # the one-sided relationship has no gaps to draw
        assert names.count("value_distribution") == 1
        assert plotted(page).count("<svg") == len(calls)
        assert "<?xml" not in page
        assert "a comment" not in page
        summary = html_sections(page)["summary"]
        assert summary.count("<svg") == 2

    def test_charts_withhold_small_groups(
        self, example: tuple[jw.Example, Assessment], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """The charts are drawn from the shared view, which holds no small group's figures."""
        calls: list[tuple[str, Any]] = []
        monkeypatch.setitem(sys.modules, "jointworking.plot", fake_plot(calls))
        report.html(example[1])
        shared = next(arg for name, arg in calls if name == "ladder")
        assert shared is example[1].shared_view()
        small = shared.group(NVA)
        assert (small.small, small.placement, small.rung_probabilities) == (True, None, None)
        assert all(math.isnan(m) for m in small.mean)
        assert all(math.isnan(r) for r in small.rwg)
        assert shared.group(COUNTY_PAIR[0]).mean == example[1].group(COUNTY_PAIR[0]).mean

    @pytest.mark.parametrize(
        "svg",
        [
            "<svg><script>alert(1)</script></svg>",
            '<svg><rect onclick="alert(1)"/></svg>',
            '<svg><image href="https://example.com/x.png"/></svg>',
            '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
            "<svg><style>@import url(https://example.com/x.css);</style></svg>",
            "<svg><foreignObject><div>x</div></foreignObject></svg>",
            "not an svg",
        ],
    )
    def test_unsafe_svg_dropped(
        self,
        example: tuple[jw.Example, Assessment],
        monkeypatch: pytest.MonkeyPatch,
        svg: str,
    ) -> None:
        """A chart whose SVG could run script or load anything is left out."""
        calls: list[tuple[str, Any]] = []
        monkeypatch.setitem(sys.modules, "jointworking.plot", fake_plot(calls, svg))
        page = report.html(example[1])
        assert calls
        assert "<svg" not in plotted(page)
        assert_safe_html(page)

    def test_chart_error_skips_chart(
        self, example: tuple[jw.Example, Assessment], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A chart the plot module cannot draw (a library error) is left out."""
        calls: list[tuple[str, Any]] = []
        module = fake_plot(calls)

        def refuse(argument: object, **keywords: object) -> object:
            raise jw.ArgumentError("cannot draw this")

        module.heatmap = refuse  # type: ignore[attr-defined]
        monkeypatch.setitem(sys.modules, "jointworking.plot", module)
        page = report.html(example[1])
        assert html_sections(page)["summary"].count("<svg") == 1

    def test_real_svg_with_matplotlib(
        self, example: tuple[jw.Example, Assessment], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A matplotlib SVG (text as paths, an embedded image) inlines safely; figures close."""
        matplotlib = pytest.importorskip("matplotlib")
        matplotlib.use("Agg")
        plt = pytest.importorskip("matplotlib.pyplot")

        module = types.ModuleType("jointworking.plot")

        def draw(argument: object, **keywords: object) -> object:
            figure, axes = plt.subplots(figsize=(3, 2))
            axes.imshow(np.arange(6.0).reshape(2, 3))
            axes.set_title("<script>alert(1)</script>")
            return figure

        def to_svg(figure: Any) -> str:
            buffer = io.StringIO()
            with matplotlib.rc_context({"svg.fonttype": "path"}):
                figure.savefig(buffer, format="svg", metadata={"Date": None})
            return buffer.getvalue()

        for name in ("ladder", "heatmap", "gaps", "value_distribution", "profile"):
            setattr(module, name, draw)
        module.to_svg = to_svg  # type: ignore[attr-defined]
        monkeypatch.setitem(sys.modules, "jointworking.plot", module)
        before = len(plt.get_fignums())
        page = report.html(example[1])
        assert plotted(page).count("<svg") == 5
        assert len(plt.get_fignums()) == before
        assert_safe_html(page)


# --- privacy ---------------------------------------------------------------------------


class TestPrivacy:
    @staticmethod
    def few_answered() -> Assessment:
        """A's three respondents: one answers question 1 (with 0); B's three all say 4."""
        top = [4.0] * 10
        a_rows: list[list[float | None]] = [[0, *top[1:]], [None, *top[1:]], [None, *top[1:]]]
        return assess(survey(records("A", "B", a_rows), records("B", "A", [top] * 3)))

    def test_question_few_answered(self) -> None:
        """One answer to a question counts as unanswered: withheld, never met, out of the index."""
        section = md_sections(report.markdown(self.few_answered()))["Relationships"]
        assert "| Q1 shared objectives | withheld | 4.00 | withheld |" in section
        assert "| Q2 " in section
        assert "The gaps of question 1 are withheld" in section
        # A is placed on the nine other questions: Q1 is not met, so A is at transaction,
        # and its index is that of the nine shared means, all 4.
        assert (
            "| A | transaction (100% likely) | 100.0 | collaboration: Q1 shared objectives |"
            in (section)
        )
        assert "| B | partnership (100% likely) | 100.0 |" in section
        assert "0.00" not in section.split("| Q1 shared objectives |")[1].split("\n")[0]

    def test_question_few_answered_html(self) -> None:
        """The notebook fragments of the shared view withhold the same figures."""
        result = self.few_answered().shared_view()
        group = display.group_html(result.group("A", about="B"))
        row = next(r for r in group.split("<tr>") if "<td" in r and "Q1 shared objectives" in r)
        assert row.count("withheld") == 3
        assert "Withheld: questions answered by fewer people" in group
        assert "Index:</span> 100.0" in group
        assert "Not answered" not in group  # question 1 was answered, by too few to share
        view = display.relationship_html(result.relationship("A", "B"))
        row = next(r for r in view.split("<tr>") if "<td" in r and "Q1 shared objectives" in r)
        assert row.count("withheld") == 2  # A's mean and the gap; B's 4.00 shows
        assert "4.00" in row

    @staticmethod
    def nva_figures(example: jw.Example) -> tuple[str, list[str]]:
        """NVA's internal index and per-question means, computed from the raw answers."""
        r = example.responses
        rows = r.answers[(r.organisation == NVA) & (r.about == "internal")]
        assert len(rows) == 2
        question_means = np.nanmean(rows, axis=0)  # "don't know" is left out, never zero
        index = 100 * question_means.mean() / 4  # the index of the group's mean scores
        return f"{index:.1f}", [f"{m:.2f}" for m in question_means]

    def test_small_internal_group_markdown(
        self, example: tuple[jw.Example, Assessment], example_md: str
    ) -> None:
        """NVA's two respondents: its size shows, and nothing computed from its answers."""
        index, means = self.nva_figures(example[0])
        group = example[1].group(NVA)
        assert group.small
        assert group.placement is not None
        assert index == f"{group.placement.index:.1f}"
        assert means == [f"{m:.2f}" for m in group.mean]
        internal = md_sections(example_md)["Where each organisation stands internally"]
        row = next(line for line in internal.splitlines() if line.startswith(f"| {NVA} |"))
        assert row == (
            f"| {NVA} | 2026-Q1 | 2 | withheld | withheld | withheld |"
            " *withheld: fewer than 3 respondents* |"
        )
        assert index not in example_md
        for mean in means:
            assert mean not in internal
        relationships = md_sections(example_md)["Relationships"]
        assert f"| Question | {NVA} |" not in relationships

    def test_small_internal_group_html(
        self, example: tuple[jw.Example, Assessment], example_html: str
    ) -> None:
        """The same figures are withheld from the HTML."""
        index, means = self.nva_figures(example[0])
        internal = html_sections(example_html)["internal"]
        row = next(r for r in internal.split("<tr>") if f"<bdi>{NVA}</bdi>" in r)
        assert "withheld: fewer than 3 respondents" in row
        assert "rung-" not in row
        assert index not in example_html
        for mean in means:
            assert mean not in row

    def test_matches_to_dict(self, example: tuple[jw.Example, Assessment]) -> None:
        """What the report withholds, the shared dictionary withholds too."""
        shared = example[1].to_dict(shared=True)
        group = next(
            g for g in shared["groups"] if g["organisation"] == NVA and g["about"] == "internal"
        )
        assert (group["withheld"], group["placement"], group["questions"]) == (True, None, None)

    def test_small_member_of_relationship(self, small_member: Assessment) -> None:
        """A member's small view is withheld; the relationship rests on the other view."""
        view = small_member.relationship("A", "B")
        placement = view.views["B"]
        assert placement.index == pytest.approx(12.5)
        text = report.markdown(small_member)
        section = md_sections(text)["Relationships"]
        assert "| B | withheld | \u2013 | \u2013 | collaboration (100% likely) |" in section
        assert "Placed on the views that may be shared: B has a view resting on fewer" in section
        assert "12.5" not in section
        assert "0.50" not in section
        rows = [line for line in section.splitlines() if re.match(r"\| Q\d", line)]
        assert len(rows) == 10
        assert "| Q1 shared objectives | 4.00 | \u2013 |" in section  # A's own means show
        assert "Gaps need at least two members' views" in section

    def test_small_member_html(
        self, small_member: Assessment, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """The HTML withholds the same, and draws no gaps chart for it."""
        calls: list[tuple[str, Any]] = []
        monkeypatch.setitem(sys.modules, "jointworking.plot", fake_plot(calls))
        page = report.html(small_member)
        section = html_sections(page)["relationships"]
        assert "12.5" not in section
        assert "0.50" not in section
        assert "gaps" not in [name for name, _ in calls]
        shared = next(arg for name, arg in calls if name == "heatmap")
        view = shared.relationship("A", "B")
        assert (list(view.views), view.withheld) == (["A"], ("B",))
        assert all(math.isnan(g) for g in view.gaps)
        assert view.views["A"].index == small_member.relationship("A", "B").views["A"].index

    def test_progress_leaves_out_a_withheld_step(self, small_member: Assessment) -> None:
        """A change to or from a small group is not shown at all."""
        text = report.markdown(small_member)
        section = md_sections(text)["Progress between waves"]
        assert not [line for line in section.splitlines() if line.startswith("| B | A |")]
        a_row = next(line for line in section.splitlines() if line.startswith("| A | internal |"))
        assert "| +0.0" in a_row
        assert a_row.endswith("| no clear change |")


# --- hostile names ---------------------------------------------------------------------


class TestHostileNames:
    def test_html_safe(self, hostile: Assessment) -> None:
        """No name becomes a tag, an attribute or a link, with or without charts."""
        for charts in (False, True):
            page = report.html(hostile, title=HOSTILE[0], description=HOSTILE[1], charts=charts)
            assert_safe_html(page)
            assert "<script>alert" not in page
            assert "<img" not in page

    def test_html_names_escaped_and_isolated(self, hostile: Assessment) -> None:
        """Names are escaped and wrapped in <bdi>; RTL and combining characters survive."""
        page = report.html(hostile, charts=False)
        assert "<bdi>&lt;script&gt;alert(1)&lt;/script&gt;</bdi>" in page
        assert "<bdi>&quot; onmouseover=&quot;alert(1)</bdi>" in page
        assert "<bdi>\u05e9\u05dc\u05d5\u05dd</bdi>" in page
        assert "<bdi>\u00e9</bdi>" in page  # names are kept in NFC
        assert f"<bdi>{'L' * 5000}</bdi>" in page
        assert "<bdi>Line one # Injected heading | a | b | end</bdi>" in page

    def test_html_with_fake_charts(
        self, hostile: Assessment, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Hostile names pass through the chart path safely."""
        calls: list[tuple[str, Any]] = []
        monkeypatch.setitem(sys.modules, "jointworking.plot", fake_plot(calls))
        page = report.html(hostile)
        assert "<svg" in page
        assert_safe_html(page)

    def test_markdown_renders_no_markup_from_names(self, hostile: Assessment) -> None:
        """Rendered by real renderers, no name becomes HTML, a link, an image or code."""
        text = report.markdown(hostile, title=HOSTILE[0], description=HOSTILE[1])
        for name, render in RENDERERS.items():
            root = parse_tree(render(text))
            made = set(tree_tags(root))
            assert not made & {"script", "img", "a", "code", "svg", "del", "input"}, name
            shown = root.text
            assert "<script>alert(1)</script>" in shown, name
            assert "<svg onload=alert(1)>| [x](javascript:alert(1))" in shown, name

    def test_markdown_no_injected_lines(self, hostile: Assessment) -> None:
        """No line starts with a name's # or |, and every table row keeps its cells."""
        text = report.markdown(hostile, description="# Described\n| x |")
        for line in text.splitlines():
            assert not line.startswith(("# Heading", "#Heading", "# Injected", "# wave"))
            assert not line.startswith(("| pipe", "| a | b", "| x"))
            assert not line.startswith("# Described")
            if line.startswith("#"):
                assert re.match(r"#{1,3} ", line)
        for table in md_tables(text):
            assert len({cells(line) for line in table}) == 1, table[0][:200]

    def test_markdown_escapes_only_what_renders(self, hostile: Assessment) -> None:
        """Markup in names is escaped where it would render; RTL names are isolated."""
        text = report.markdown(hostile)
        assert "\\<script>alert(1)\\</script>" in text
        assert "http\\://x" in text
        assert "\\[x\\](javascript\\:alert(1))" in text
        assert "\u2068\u05e9\u05dc\u05d5\u05dd\u2069" in text
        assert "\u00e9" in text
        assert "L" * 5000 in text

    def test_bidi_controls_cannot_reorder(self) -> None:
        """A name's explicit bidi override is refused when read, and dropped if displayed."""
        name = "Evil\u202eecnanif"
        with pytest.raises(jw.ArgumentError, match="U\\+202E"):
            assess(survey(records(name, "internal", [TOP] * 3)))
        assert display.name_html(name) == "<bdi>Evilecnanif</bdi>"
        assert "\u202e" not in display.md_name(name)


# --- notebook fragments ----------------------------------------------------------------


class TestDisplay:
    def test_placement(self) -> None:
        """A placement shows its rung, index and blocking questions."""
        fragment = display.placement_html(jw.classify([4, 3, 2, 3, 1, 3, 2, 3, 3, 2]))
        assert fragment.startswith("<div")
        assert fragment.endswith("</div>")
        assert "collaboration" in fragment
        assert "65.0" in fragment
        assert "Q3 shared accountability" in fragment

    def test_group_escapes_names(self) -> None:
        """Organisation and unit names are escaped and isolated."""
        result = assess(
            survey(
                records(HOSTILE[0], "internal", [TOP] * 3, units=[HOSTILE[1]] * 3),
            )
        )
        fragment = display.group_html(result.group(HOSTILE[0]))
        assert_fragment_safe(fragment)
        assert "<bdi>&lt;script&gt;alert(1)&lt;/script&gt; (internal)</bdi>" in fragment
        assert "<bdi>&lt;img src=x onerror=alert(1)&gt;</bdi>" in fragment
        assert "<table" in fragment

    def test_group_small_withheld(self, example: tuple[jw.Example, Assessment]) -> None:
        """A small group's fragment has no per-question figures and no index."""
        index, _means = TestPrivacy.nva_figures(example[0])
        group = example[1].group(NVA)
        fragment = display.group_html(group)
        assert "<table" not in fragment
        assert "withheld" in fragment
        assert index not in fragment
        assert group._repr_html_() == fragment

    def test_relationship(
        self, example: tuple[jw.Example, Assessment], small_member: Assessment
    ) -> None:
        """A relationship's fragment shows views and gaps; the shared view's, no withheld view."""
        view = example[1].relationship(*COUNTY_PAIR)
        fragment = display.relationship_html(view)
        assert "90.1" in fragment
        assert "1.70" in fragment
        shared = display.relationship_html(small_member.shared_view().relationship("A", "B"))
        assert "12.5" not in shared
        assert "View withheld (too few respondents)" in shared

    def test_relationship_escapes(self) -> None:
        """Names in a relationship fragment are escaped."""
        result = hostile_assessment()
        for view in result.relationships:
            assert_fragment_safe(display.relationship_html(view, result.instrument))

    def test_added_value(self) -> None:
        """The point test's verdict, uplift and switching value."""
        fragment = display.added_value_html(jw.added_value([400, 350, 250], 1200, cost=50))
        assert "significant" in fragment
        assert "+15.0%" in fragment
        assert "50.00" in fragment

    def test_simulated(self, example: tuple[jw.Example, Assessment]) -> None:
        """The simulation's verdict and probabilities as percentages."""
        value = example[1].relationship(ALLIANCE).value
        assert isinstance(value, jw.SimulatedAddedValue)
        fragment = display.simulated_html(value)
        assert "marginal" in fragment
        assert "48%" in fragment
        assert "96%" in fragment

    def test_assessment_compact(self, example: tuple[jw.Example, Assessment]) -> None:
        """A compact summary: counts and top findings, not the whole report."""
        fragment = display.assessment_html(example[1])
        assert_fragment_safe(fragment)
        assert "Organisations" in fragment
        assert fragment.count("<li>") == 5
        assert "Method notes" not in fragment
        assert example[1]._repr_html_() == fragment

    def test_assessment_escapes(self) -> None:
        """Finding messages in the summary are escaped."""
        fragment = display.assessment_html(hostile_assessment())
        assert_fragment_safe(fragment)
        assert "<bdi>" in fragment


def assert_fragment_safe(fragment: str) -> None:
    """One div, no script, no handler, no external reference."""
    assert fragment.startswith("<div")
    assert fragment.endswith("</div>")
    recorder = parse(fragment)
    assert "script" not in {tag for tag, _ in recorder.tags}
    assert "img" not in {tag for tag, _ in recorder.tags}
    for _, attrs in recorder.tags:
        for name, _value in attrs:
            assert not name.startswith("on")
            assert name not in {"src", "href"}


# --- escaping --------------------------------------------------------------------------


class TestEscaping:
    def test_newlines_collapse(self) -> None:
        """Newlines, carriage returns and tabs become single spaces."""
        assert display.md("a\nb\r\nc\td") == "a b c d"
        assert display.esc("a\n\nb") == "a b"

    def test_markdown_only_where_it_renders(self) -> None:
        """Plain punctuation stays as typed; what would render as markup is escaped."""
        assert display.md("Harlow DC (North) 2026-spring, e.g. 1.5") == (
            "Harlow DC (North) 2026-spring, e.g. 1.5"
        )
        assert display.md("*a* [b](c) `d`") == "\\*a\\* \\[b\\](c) \\`d\\`"
        assert display.md("a|b", "cell") == "a\\|b"

    def test_entities(self) -> None:
        """& stays as it is unless it starts a character reference; < before text is escaped."""
        assert display.md("a & <b>") == "a & \\<b>"
        assert display.md("&amp;") == "\\&amp;"

    @settings(max_examples=150)
    @given(st.text())
    def test_markdown_renders_as_the_text(self, text: str) -> None:
        """Any text, escaped, renders as itself in a real renderer: one paragraph, no markup."""
        cleaned = " ".join(display.clean(text).split())
        escaped = display.md(text, "start")
        assert "\n" not in escaped
        assert "\r" not in escaped
        if not cleaned:
            return
        for render in RENDERERS.values():
            root = parse_tree(render(escaped))
            assert set(tree_tags(root)) <= {"p"}
            assert " ".join(root.text.split()) == cleaned

    @given(st.text())
    def test_html_escape_property(self, text: str) -> None:
        """Escaped text has no character that could open a tag or close an attribute."""
        escaped = display.name_html(text)
        inner = escaped.removeprefix("<bdi>").removesuffix("</bdi>")
        assert not set(inner) & set("<>\"'")


class TestNotebookDisplay:
    def test_every_result_displays_itself(self) -> None:
        """Placement, value results, groups, relationships and assessments have HTML reprs."""
        _, assessment = example_assessment()
        objects: list[Any] = [
            jw.classify([3] * 10),
            jw.added_value([1.0, 2.0], 3.5),
            jw.simulate_added_value([1.0, jw.Estimate.triangular(1, 2, 3)], 4.0, seed=1, draws=500),
            assessment,
            assessment.group(VOLUNTARY),
            assessment.relationship(ALLIANCE),
        ]
        for obj in objects:
            fragment = obj._repr_html_()
            assert fragment.startswith("<div")
            assert "<script" not in fragment

    def test_small_group_relationship_withholds(self) -> None:
        """A relationship's notebook display withholds a small member's figures by default."""
        responses = survey(records("A", "B", [[4] * 10] * 2), records("B", "A", [[3] * 10] * 3))
        view = assess(responses).relationship("A", "B")
        assert view.withheld == ("A",)
        assert "withheld" in view._repr_html_()
