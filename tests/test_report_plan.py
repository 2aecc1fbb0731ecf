"""The report a board is handed: findings order, the network, the action plan, printing.

Expected figures come from the assessment's shared view or are computed here
independently (from group means and the instrument's thresholds), never pasted from a
past run.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import math
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import jointworking as jw
from builders import records, survey
from jointworking import _sentences, export, report
from jointworking._markdown import escape_count
from jointworking.assessment import Assessment
from jointworking.rung import Rung
from test_report import (
    HOSTILE,
    NVA,
    assert_safe_html,
    example_assessment,
    fake_plot,
    hostile_assessment,
    html_sections,
    md_sections,
    md_tables,
    plotted,
)

# The order of consequence the issue and the docs give, written out independently.
CONSEQUENCE = [
    "overstated_label",
    "external_above_internal",
    "insufficient_added_value",
    "rung_jump",
    "one_sided",
    "perception_gap",
    "low_agreement",
    "unit_divergence",
    "too_few_respondents",
    "wave_order",
]
WORDS = {
    "overstated_label": "Overstated label",
    "external_above_internal": "Partner above its inside",
    "insufficient_added_value": "Insufficient added value",
    "rung_jump": "Rung jump",
    "one_sided": "One-sided",
    "perception_gap": "Perception gap",
    "low_agreement": "Low agreement",
    "unit_divergence": "Units diverge",
    "too_few_respondents": "Too few respondents",
    "wave_order": "Wave order",
}
DATE = datetime.date(2026, 12, 6)


@pytest.fixture(scope="module")
def demo() -> Assessment:
    return example_assessment()[1]


def everything() -> Assessment:
    """A survey built to trigger every kind of finding but the example's own.

    A and B call their pair a partnership; B answers collaboration, A transaction (an
    overstated label, a perception gap); B is transactional inside and places the pair
    above it; C never answers about A (one-sided); D's internal view has two
    respondents (too few); E's respondents split 0 and 4 on every question (low
    agreement); waves are named so that text order is not time order.
    """
    top, collab, low = [4.0] * 10, [3, 3, 1, 1, 1, 3, 1, 1, 1, 1], [1.0] * 10
    groups = [
        records("A", "internal", [top] * 3, wave="Spring 2026"),
        records("B", "internal", [low] * 3, wave="Spring 2026"),
        records("A", "B", [low] * 3, wave="Spring 2026"),
        records("B", "A", [collab] * 3, wave="Spring 2026"),
        records("A", "C", [collab] * 3, wave="Spring 2026"),
        records("D", "internal", [top] * 2, wave="Spring 2026"),
        records("E", "internal", [[0.0] * 10, [4.0] * 10] * 3, wave="Spring 2026"),
        records("A", "internal", [collab] * 3, wave="Autumn 2025"),
    ]
    return jw.assess(survey(*groups), claims={("A", "B"): "partnership"})


def rank(kind: str) -> int:
    return CONSEQUENCE.index(kind)


# --- findings in one order everywhere ---------------------------------------------------


class TestFindingsOrder:
    @pytest.mark.parametrize("build", ["demo", "everything"])
    def test_same_order_everywhere(self, build: str, demo: Assessment) -> None:
        """Summary, findings section, action plan, JSON and CSV: the order of consequence."""
        a = demo if build == "demo" else everything()
        findings = a.shared_view().findings
        kinds = [f.kind for f in findings]
        assert kinds == sorted(kinds, key=rank)  # by consequence, whatever the severity
        assert len(set(kinds)) >= 5
        # The Markdown findings section.
        text = report.markdown(a)
        items = [
            line for line in md_sections(text)["Findings"].splitlines() if line.startswith("- ")
        ]
        shown = [
            next(k for k, w in WORDS.items() if item.startswith(f"- **{w}**")) for item in items
        ]
        assert shown == kinds
        # The summary keeps the same order among those it shows.
        summary = [
            line for line in md_sections(text)["Summary"].splitlines() if line.startswith("- **")
        ]
        positions = [
            next(i for i, f in enumerate(findings) if f.message[:60] in line) for line in summary
        ]
        assert positions == sorted(positions)
        assert positions[0] == 0  # the most consequential finding leads
        # JSON and CSV.
        assert [f["kind"] for f in json.loads(a.to_json())["findings"]] == kinds
        assert [row["kind"] for row in export.finding_rows(a)] == kinds
        # The action plan: entries in the order of their first finding, and each entry's
        # actions in the order of its findings.
        relationships = {v.subject for v in a.shared_view().relationships}

        def entry(f: jw.Finding) -> str:
            return f.subject if f.subject in relationships else f.organisations[0]

        first: dict[str, int] = {}
        for i, f in enumerate(findings):
            if f.kind != "wave_order":
                first.setdefault(entry(f), i)
        rows = export.action_plan_rows(a)
        entries = list(dict.fromkeys(str(r["subject"]) for r in rows))
        ranked = [e for e in entries if e in first]
        assert ranked == sorted(ranked, key=first.__getitem__)
        assert entries[: len(ranked)] == ranked  # entries with findings come first
        for subject in ranked:
            reasons = [r["reason"] for r in rows if r["subject"] == subject]
            answered = [r for r in reasons if r != "next_rung"]
            assert answered == [
                f.kind for f in findings if f.kind != "wave_order" and entry(f) == subject
            ]

    def test_the_overstated_label_leads_the_report(self, demo: Assessment) -> None:
        first = demo.shared_view().findings[0]
        assert first.kind == "overstated_label"
        summary = md_sections(report.markdown(demo))["Summary"]
        assert summary.index(first.message[:50]) < summary.index("Warning")


# --- sentences --------------------------------------------------------------------------


class TestSentences:
    def test_same_rungs_name_the_questions(self) -> None:
        """Members on the same rung: the sentence says what differs, not "A: x; B: x"."""
        text = _sentences.seen_differently(
            "the joint working of A and B",
            [("A", "collaboration"), ("B", "collaboration")],
            _sentences.questions([3, 7]),
        )
        assert "A: collaboration; B: collaboration" not in text
        assert "same rung (collaboration)" in text
        assert text.endswith("on questions 3 and 7.")

    def test_same_rungs_from_a_survey(self) -> None:
        """Two members at collaboration who differ by 2 points on questions 4 and 9."""
        high = [3.0] * 10
        low = [3.0] * 10
        high[3] = 2.0  # below the partnership threshold: both stay at collaboration
        low[3], low[8] = 0.0, 1.0
        a = jw.assess(survey(records("A", "B", [high] * 3), records("B", "A", [low] * 3)))
        gaps = [f for f in a.findings if f.kind == "perception_gap"]
        assert len(gaps) == 1
        assert "(A: collaboration; B: collaboration)" not in gaps[0].message
        assert "questions 4 and 9" in gaps[0].message

    @pytest.mark.parametrize(
        ("numbers", "expected"),
        [([3], "question 3"), ([3, 7], "questions 3 and 7"), ([1, 2, 6], "questions 1, 2 and 6")],
    )
    def test_question_lists(self, numbers: list[int], expected: str) -> None:
        assert _sentences.questions(numbers) == expected

    def test_every_message_reads_as_a_sentence(self, demo: Assessment) -> None:
        """No "questions 3, 7" without "and", no doubled spaces or stops, a capital first."""
        for f in [*demo.shared_view().findings, *everything().shared_view().findings]:
            assert not re.search(r"questions \d+, \d+(?! and|, \d)", f.message), f.message
            assert "  " not in f.message
            assert ".." not in f.message
            assert f.message[0].isupper() or f.message[0] == "'", f.message
            assert f.message.endswith((".", ".)")), f.message

    @pytest.mark.parametrize(
        ("members", "cap"),
        [
            (["A"], ", and A works at partnership inside too;"),
            (["A", "B"], ", and both A and B work at partnership inside;"),
            (["A", "B", "C"], ", and A, B and C all work at partnership inside;"),
        ],
    )
    def test_stop_calling_names_the_members_to_climb_inside(
        self, members: list[str], cap: str
    ) -> None:
        """ "are met and A and B work" would read as if A were met: a comma, "both", "all"."""
        top, low = [4.0] * 10, [1.0] * 10
        names = ["A", "B", "C"]
        groups = [records(n, "internal", [low if n in members else top] * 3) for n in names]
        groups += [records(n, "Alliance", [top] * 3) for n in names]
        a = jw.assess(
            survey(*groups),
            arrangements={"Alliance": names},
            claims={"Alliance": "partnership"},
        )
        actions = [
            r["action"] for r in export.action_plan_rows(a) if r["reason"] == "overstated_label"
        ]
        assert len(actions) == 1
        text = str(actions[0])
        assert text.startswith("Stop calling it a partnership until ")
        assert cap.removeprefix(",") in text if len(members) == 1 else cap in text

    def test_blank_waves_beside_named_ones(self) -> None:
        """A blank wave cell is not a naming problem: the advice says to fill it in."""
        rows = [[3.0] * 10] * 3
        a = jw.assess(
            survey(
                records("A", "internal", rows, wave=""),
                records("B", "internal", rows, wave="2026-Q1"),
            )
        )
        order = [f for f in a.findings if f.kind == "wave_order"]
        assert len(order) == 1
        assert "blank" in order[0].message
        assert "year first" not in order[0].message
        findings = md_sections(report.markdown(a))["Findings"]
        assert "Fill in the wave of every response" in findings
        assert "Rename the waves" not in findings

    def test_named_waves_out_of_order_still_advise_renaming(self) -> None:
        section = md_sections(report.markdown(everything()))["Findings"]
        assert "Rename the waves year first" in section

    def test_claims_naming_a_partner_nobody_answered_about(self) -> None:
        rows = [[3.0] * 10] * 3
        responses = survey(
            records("Eastbrook Council", "Eastbrook Care Trust", rows),
            records("Eastbrook Care Trust", "Eastbrook Council", rows),
        )
        with pytest.raises(jw.ArgumentError, match="did you mean 'Eastbrook Care Trust'"):
            jw.assess(
                responses, claims={("Eastbrook Council", "Eastbrook Care Trusts"): "partnership"}
            )
        with pytest.raises(jw.ArgumentError) as info:
            jw.assess(responses, claims={("Eastbrook Council", "Zzyzx"): "partnership"})
        assert "did you mean" not in str(info.value)


# --- the relationship network -----------------------------------------------------------


class TestNetwork:
    def test_every_organisation_and_relationship(self, demo: Assessment) -> None:
        shared = demo.shared_view()
        page = report.html(demo, date=DATE)
        section = html_sections(page)["network"]
        svg = section[section.index("<svg") : section.index("</svg>")]
        organisations = {g.organisation for g in shared.groups}
        for view in shared.relationships:
            organisations.update(view.members)
        for name in organisations:
            # Names may wrap over lines in the drawing; every word is there.
            assert all(word in svg for word in name.split())
        latest = {v.subject for v in shared.relationships}
        # One numbered marker per relationship, and one table row each.
        assert len(re.findall(r'font-weight="bold">\d+</text>', svg)) == len(latest)
        table = md_tables(md_sections(report.markdown(demo))["The relationship network"])[0]
        assert len(table) - 2 == len(latest)
        for subject in latest:
            assert any(f"| {subject} |" in row for row in table)

    def test_claimed_above_the_evidence_and_one_sided(self, demo: Assessment) -> None:
        shared = demo.shared_view()
        latest: dict[str, jw.RelationshipView] = {}
        for v in shared.relationships:
            if v.subject not in latest or v.wave > latest[v.subject].wave:
                latest[v.subject] = v
        over = [
            v
            for v in latest.values()
            if v.claimed is not None
            and v.effective_rung is not None
            and v.claimed > v.effective_rung
        ]
        section = html_sections(report.html(demo, date=DATE))["network"]
        svg = section[section.index("<svg") : section.index("</svg>")]
        assert svg.count("called partnership") == len(over)
        assert svg.count('stroke-dasharray="4 3"') == len(over) + 1  # and the legend's
        section = md_sections(report.markdown(demo))["The relationship network"]
        rows = [
            line for line in section.splitlines() if line.startswith("| ") and "|---" not in line
        ]
        for v in over:
            row = next(r for r in rows if f"| {v.subject} |" in r)
            assert v.claimed is not None
            assert f"{v.claimed.label} *above the evidence*" in row
        one_sided = [v for v in latest.values() if v.silent]
        assert one_sided
        for v in one_sided:
            row = next(r for r in rows if f"| {v.subject} |" in r)
            assert "*one-sided*" in row
            assert all(f"{m}: *no view*" in row for m in v.silent)

    def test_a_label_below_the_evidence_is_not_flagged(self) -> None:
        """Called transaction, at collaboration: the evidence bears the label out."""
        collab = [3, 3, 1, 1, 1, 3, 1, 1, 1, 1]
        a = jw.assess(
            survey(
                records("A", "internal", [collab] * 3),
                records("B", "internal", [collab] * 3),
                records("A", "B", [collab] * 3),
                records("B", "A", [collab] * 3),
            ),
            claims={("A", "B"): "transaction"},
        )
        view = a.shared_view().relationship("A", "B")
        assert view.effective_rung is Rung.COLLABORATION
        assert view.claimed is Rung.TRANSACTION
        section = html_sections(report.html(a, date=DATE))["network"]
        svg = section[section.index("<svg") : section.index("</svg>")]
        assert "called transaction" not in svg
        assert svg.count('stroke-dasharray="4 3"') == 1  # the legend's alone
        assert "does not bear out:" not in section
        assert "above the evidence" not in section

    def test_withheld_groups_stay_withheld(self, demo: Assessment) -> None:
        """The small group shows no rung: a white node, "withheld" in the table."""
        assert demo.shared_view().group(NVA).placement is None
        section = md_sections(report.markdown(demo))["The relationship network"]
        assert f"| {NVA} | *withheld* |" in section
        assert demo.group(NVA).placement is not None  # the analyst's view has one

    def test_message_in_words(self, demo: Assessment) -> None:
        page = report.html(demo, date=DATE)
        figure = html_sections(page)["network"]
        message = re.search(r'<span id="(chart-\d+-message)">(.*?)</span>', figure)
        assert message is not None
        assert f'aria-labelledby="{message.group(1)}"' in figure
        n = len({v.subject for v in demo.shared_view().relationships})
        assert f"{n} relationships" in message.group(2)
        assert "One-sided" in message.group(2)

    def test_hostile_names_in_the_drawing(self) -> None:
        a = hostile_assessment()
        page = report.html(a, date=DATE)
        assert_safe_html(page)
        svg = html_sections(page)["network"]
        assert "<script" not in svg
        assert "&lt;script&gt;" in svg

    def test_called_labels_keep_clear_of_other_markers(self, demo: Assessment) -> None:
        """A "called ..." label is not drawn over another relationship's marker."""
        section = html_sections(report.html(demo, date=DATE))["network"]
        svg = section[section.index("<svg") : section.index("</svg>")]
        centres = [
            (float(x), float(y))
            for x, y in re.findall(r'<circle cx="([\d.]+)" cy="([\d.]+)" r="11"', svg)
        ]
        centres += [
            (float(x) + 11, float(y) + 11)
            for x, y in re.findall(r'<rect x="([\d.]+)" y="([\d.]+)" width="22"', svg)
        ]
        labels = re.findall(
            r'<text x="([\d.]+)" y="([\d.]+)"(?: text-anchor="(\w+)")?[^>]*>(called \w+)</text>',
            svg,
        )
        assert len(labels) == 2
        for x, y, anchor, text in labels:
            width = 6 * len(text)  # 12px italic
            left = float(x) if anchor != "end" else float(x) - width
            top, bottom = float(y) - 12, float(y) + 3
            for cx, cy in centres:
                # The label's box, widened by a marker's radius, holds no marker's centre.
                inside = left - 11 <= cx <= left + width + 11 and top - 11 <= cy <= bottom + 11
                # Its own marker stands 20px to the side, above or below it.
                own_x = float(x) - 20 if anchor != "end" else float(x) + 20
                own = (
                    abs(cx - own_x) < 0.2 and min(abs(cy - float(y) - dy) for dy in (12, -28)) < 0.2
                )
                assert own or not inside, (text, cx, cy)

    def test_a_long_name_is_cut_to_fit_the_drawing(self) -> None:
        """A name of one long word is drawn on at most three short lines, not run off."""
        rows = [[3.0] * 10] * 3
        long = "L" * 5000
        a = jw.assess(survey(records(long, "internal", rows), records(long, "B", rows)))
        section = html_sections(report.html(a, date=DATE))["network"]
        svg = section[section.index("<svg") : section.index("</svg>")]
        labels = re.findall(r"<tspan [^>]*>([^<]*)</tspan>", svg)
        assert "B" in labels
        cut = [label for label in labels if label.startswith("L")]
        assert 1 <= len(cut) <= 3
        assert all(len(label) <= 25 for label in cut)
        assert cut[-1].endswith("\u2026")
        assert long in section  # the table gives it whole

    def test_no_drawing_without_charts(self, demo: Assessment) -> None:
        page = report.html(demo, charts=False, date=DATE)
        assert "<svg" not in page
        assert "Each member&#x27;s view" in html_sections(page)["network"]


def ring(organisations: int) -> Assessment:
    """Organisations in a ring, each answering inside and about the next: 2n groups."""
    names = [f"Org {i:03d}" for i in range(organisations)]
    rows = [[3.0] * 10] * 3
    groups = [records(n, "internal", rows) for n in names]
    groups += [records(n, names[(i + 1) % len(names)], rows) for i, n in enumerate(names)]
    return jw.assess(survey(*groups))


class TestLargeSurveys:
    """A report of many organisations still finishes, and says what it leaves undrawn."""

    def test_the_network_is_drawn_up_to_its_limit(self) -> None:
        from jointworking import _network  # noqa: PLC0415

        drawn = html_sections(report.html(ring(_network.DRAWN), date=DATE))["network"]
        assert "<svg" in drawn
        many = ring(_network.DRAWN + 1)
        section = html_sections(report.html(many, date=DATE))["network"]
        assert "<svg" not in section
        assert f"With {_network.DRAWN + 1} organisations the network is too large" in section
        # The tables still list every relationship and every organisation.
        for view in many.relationships:
            assert view.subject.replace("&", "&amp;") in section
        assert section.count("<tr>") >= 2 * (_network.DRAWN + 1)
        markdown = md_sections(report.markdown(many))
        network = next(text for title, text in markdown.items() if "network" in title.lower())
        assert "too large to draw" in network

    def test_summary_charts_of_too_many_groups_are_told_in_words(self) -> None:
        pytest.importorskip("matplotlib")
        from jointworking import _render_html  # noqa: PLC0415

        organisations = _render_html.MOST_ROWS // 2 + 1  # two groups each
        page = report.html(ring(organisations), date=DATE)
        summary = plotted(page)[: page.index('<section id="network"')]
        assert "<svg" not in summary
        assert summary.count("Not drawn: ") == 2  # the ladder and the heat map
        assert f"{2 * organisations} groups are too many to label legibly" in summary
        assert "Organisations inside:" in summary  # the ladder's message, in words

    def test_a_page_draws_a_limited_number_of_charts(self, monkeypatch: pytest.MonkeyPatch) -> None:
        pytest.importorskip("matplotlib")
        from jointworking import _render_html  # noqa: PLC0415

        unlimited = report.html(example_assessment()[1], date=DATE)
        assert plotted(unlimited).count("<svg") > 3
        monkeypatch.setattr(_render_html, "MOST_CHARTS", 3)
        page = report.html(example_assessment()[1], date=DATE)
        assert plotted(page).count("<svg") <= 3
        assert "a page draws at most 3 charts" in page


# --- the action plan --------------------------------------------------------------------


def furthest_below(means: list[list[float]], numbers: list[int], threshold: float) -> list[int]:
    """The questions below `threshold` in the lowest of `means`, furthest first (at most 3)."""
    lowest = {n: min(m[n - 1] for m in means if not math.isnan(m[n - 1])) for n in numbers}
    below = sorted(
        (n for n in numbers if lowest[n] < threshold), key=lambda n: (lowest[n] - threshold, n)
    )
    return below[:3]


class TestActionPlan:
    def test_next_rung_questions_are_the_furthest_below(self, demo: Assessment) -> None:
        shared = demo.shared_view()
        inst = shared.instrument
        rows = export.action_plan_rows(demo)
        for row in rows:
            if row["reason"] != "next_rung" or row["about"] != "internal" or not row["questions"]:
                continue
            group = shared.group(str(row["subject"]), wave=str(row["wave"]))
            nxt = Rung.parse(str(row["next_rung"]))
            numbers = [q.number for q in inst.questions_for(nxt)]
            expected = furthest_below([list(group.mean)], numbers, inst.threshold(nxt))
            assert [int(n) for n in str(row["questions"]).split()] == expected
            assert str(row["action"]).startswith("Work first on")

    def test_relationships_use_the_member_furthest_below(self, demo: Assessment) -> None:
        shared = demo.shared_view()
        inst = shared.instrument
        for row in export.action_plan_rows(demo):
            if row["reason"] != "next_rung" or row["about"] == "internal" or not row["questions"]:
                continue
            view = next(
                v
                for v in shared.relationships
                if v.subject == row["subject"] and v.wave == row["wave"]
            )
            nxt = Rung.parse(str(row["next_rung"]))
            assert view.effective_rung is not None
            assert nxt == view.effective_rung + 1
            numbers = [q.number for q in inst.questions_for(nxt)]
            means = [list(p.scores) for p in view.views.values()]
            expected = furthest_below(means, numbers, inst.threshold(nxt))
            assert [int(n) for n in str(row["questions"]).split()] == expected

    def test_every_organisation_and_relationship_has_an_entry(self, demo: Assessment) -> None:
        shared = demo.shared_view()
        subjects = {r["subject"] for r in export.action_plan_rows(demo)}
        assert {g.organisation for g in shared.groups if g.internal} <= subjects
        assert {v.subject for v in shared.relationships} <= subjects

    def test_withheld_group_gets_no_figures(self, demo: Assessment) -> None:
        rows = [r for r in export.action_plan_rows(demo) if r["subject"] == NVA]
        assert rows
        assert all(r["rung"] is None and r["questions"] == "" for r in rows)
        assert [r["reason"] for r in rows] == ["too_few_respondents"]

    def test_section_matches_the_rows(self, demo: Assessment) -> None:
        rows = export.action_plan_rows(demo)
        table = md_tables(md_sections(report.markdown(demo))["Action plan"])[0]
        assert len(table) - 2 == len(rows)
        for line, row in zip(table[2:], rows, strict=True):
            assert line.startswith(f"| {row['order']} | {row['subject']}")
            assert str(row["action"])[:40] in line

    def test_csv_is_neutralised(self) -> None:
        a = hostile_assessment()
        out = io.StringIO()
        export.write_csv(export.action_plan_rows(a), out, header=export.ACTION_PLAN_COLUMNS)
        parsed = list(csv.DictReader(io.StringIO(out.getvalue())))
        assert parsed
        for row in parsed:
            for value in row.values():
                assert not value.startswith(("=", "+", "-", "@")), value
        assert any(row["subject"].startswith("'=HYPERLINK") for row in parsed)

    def test_cli_writes_the_plan(self, tmp_path: Path) -> None:
        target = tmp_path / "plan.csv"
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "jointworking",
                "demo",
                "-o",
                str(tmp_path / "r.md"),
                "--action-plan",
                str(target),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        with target.open(newline="", encoding="utf-8") as stream:
            rows = list(csv.DictReader(stream))
        assert list(rows[0]) == list(export.ACTION_PLAN_COLUMNS)
        expected = export.action_plan_rows(example_assessment()[1])
        assert [r["action"] for r in rows] == [r["action"] for r in expected]

    def test_refuses_an_action_plan_over_the_report(self, tmp_path: Path) -> None:
        same = tmp_path / "r.md"
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "jointworking",
                "demo",
                "-o",
                str(same),
                "--action-plan",
                str(same),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode != 0
        assert not same.exists()


# --- the printed page and the charts ----------------------------------------------------


class TestPrintAndCharts:
    def test_print_stylesheet(self, demo: Assessment) -> None:
        page = report.html(demo, date=DATE)
        style = page[page.index("<style>") : page.index("</style>")]
        assert "size: A4 portrait" in style
        assert "thead { display: table-header-group; }" in style
        assert re.search(r"tr, figure[^{]*\{ break-inside: avoid; \}", style)
        assert "section.new-page { break-before: page; }" in style
        # Header and footer name the report and the date, as CSS strings.
        assert '@top-left { content: "Joint working self' in style
        assert "6 December 2026" in style
        for anchor in ("relationships", "findings", "action-plan", "method"):
            assert f'<section id="{anchor}" class="new-page">' in page

    def test_title_cannot_break_out_of_the_stylesheet(self, demo: Assessment) -> None:
        page = report.html(demo, title='x"; } </style><script>alert(1)</script>', date=DATE)
        style = page[page.index("<style>") : page.index("</style>")]
        assert "<script" not in style
        assert '"; }' not in style
        assert_safe_html(page)

    def test_print_link_is_a_plain_link_to_a_note(self, demo: Assessment) -> None:
        page = report.html(demo, date=DATE)
        assert '<a href="#printing">Print or save as PDF</a>' in page
        assert 'id="printing"' in page
        assert "<script" not in page
        assert "javascript:" not in page

    def test_date_under_the_title(self, demo: Assessment) -> None:
        page = report.html(demo, date=DATE)
        assert '<time datetime="2026-12-06">6 December 2026</time>' in page

    def test_chart_ids_are_unique_per_page(
        self, demo: Assessment, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Every chart's SVG ids, and the references to them, get a prefix of their own."""
        svg = (
            '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
            '<defs><path id="glyph_1" d="M0 0"/><clipPath id="clip_1"><rect/></clipPath></defs>'
            '<g id="figure_1" clip-path="url(#clip_1)"><use xlink:href="#glyph_1"/></g></svg>'
        )
        calls: list[tuple[str, Any]] = []
        monkeypatch.setitem(sys.modules, "jointworking.plot", fake_plot(calls, svg))
        page = report.html(demo, date=DATE)
        ids = re.findall(r'\bid="([^"]+)"', page)
        assert len(ids) == len(set(ids))
        assert sum(1 for i in ids if i.endswith("figure_1")) == len(calls)
        for prefix in re.findall(r'id="(chart-\d+-)figure_1"', page):
            assert f"url(#{prefix}clip_1)" in page
            assert f'xlink:href="#{prefix}glyph_1"' in page

    def test_every_chart_states_its_message(
        self, demo: Assessment, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        calls: list[tuple[str, Any]] = []
        monkeypatch.setitem(sys.modules, "jointworking.plot", fake_plot(calls))
        page = report.html(demo, date=DATE)
        figures = re.findall(r"<figure.*?</figure>", page, flags=re.DOTALL)
        assert len(figures) == len(calls) + 1  # and the network
        for figure in figures:
            label = re.search(r'role="img" aria-labelledby="([^"]+)"', figure)
            assert label is not None
            message = re.search(rf'<span id="{label.group(1)}">(.*?)</span>', figure)
            assert message is not None
            assert len(re.sub("<[^>]+>", "", message.group(1)).split()) >= 8

    def test_gaps_message_names_the_largest_gaps(self, demo: Assessment) -> None:
        shared = demo.shared_view()
        view = next(v for v in shared.relationships if len(v.views) == 2 and v.wave == "2026-Q1")
        largest = max(range(len(view.gaps)), key=lambda i: view.gaps[i])
        label = jw.MORLEY_2016.questions[largest]
        page = report.html(demo, date=DATE)
        named = f"Q{label.number} {label.key.replace('_', ' ')}"
        assert f"the largest gaps: {named} ({view.gaps[largest]:.2f})" in page


# --- Markdown read raw ------------------------------------------------------------------


class TestRawMarkdown:
    def test_few_escapes_in_the_demo(self, demo: Assessment) -> None:
        """The measure: escapes per 100 non-blank lines of the demo report, at most 1."""
        text = report.markdown(demo)
        lines = sum(1 for line in text.splitlines() if line.strip())
        assert escape_count(text) * 100 / lines <= 1
        assert "\\-" not in text
        assert "\\(" not in text
        assert "\\:" not in text

    def test_a_file_name_in_the_title_stays_as_it_is(self) -> None:
        text = report.markdown(everything(), title="Joint working self-assessment: survey.csv")
        assert text.splitlines()[0] == "# Joint working self-assessment: survey.csv"

    @pytest.mark.parametrize(
        "name", ["[x](http://e)", "*a*", "<b>", "http://x.com", "# h", "1. x", "|", "x.io"]
    )
    def test_hostile_names_render_as_text(self, name: str) -> None:
        cmarkgfm = pytest.importorskip("cmarkgfm")
        markdown_it = pytest.importorskip("markdown_it")

        rows = [[3.0] * 10] * 3
        a = jw.assess(survey(records(name, "internal", rows), records(name, "B", rows)))
        text = report.markdown(a)
        gfm = cmarkgfm.github_flavored_markdown_to_html(text)
        for html in (
            gfm,
            markdown_it.MarkdownIt("commonmark", {"linkify": True})
            .enable("table")
            .enable("linkify")
            .render(text),
        ):
            assert "<a " not in html
            assert "<b>" not in html
            assert "<em>a</em>" not in html
            assert "<h1>h</h1>" not in html
            assert "<ol" not in html
        assert HOSTILE  # the report tests' own hostile names are checked there


# --- the value command ------------------------------------------------------------------


def run_value(*arguments: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "jointworking", "value", *arguments],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


class TestValueCommand:
    def test_no_verdict_reads_as_no_added_value(self) -> None:
        out = run_value("--individual", "4.0", "6.5", "--joint", "9.6", "--cost", "0.6")
        assert "verdict: none" not in out
        assert out.startswith("verdict: no added value")

    def test_amounts_have_two_decimals_everywhere(self) -> None:
        point = run_value("--individual", "4.0", "6.5", "--joint", "12.2", "--cost", "0.6")
        simulated = run_value(
            "--individual", "3.6:4.0:4.3", "6.5", "--joint", "10.8:12.2:13", "--seed", "1"
        )
        for out in (point, simulated):
            for line in out.splitlines():
                if line.startswith(("sum of the parts", "surplus", "switching value")):
                    figures = re.findall(r"-?[\d,]+\.\d+(?!%)", line.split(":", 1)[1])
                    assert figures, line
                    assert all(len(f.split(".")[1]) == 2 for f in figures), line
        # The same simulation through the library, rounded to two decimals.
        result = jw.simulate_added_value(
            [jw.Estimate.triangular(3.6, 4.0, 4.3), 6.5],
            jw.Estimate.triangular(10.8, 12.2, 13),
            seed=1,
        )
        s = result.surplus
        assert f"{s.p5:.2f} / {s.p50:.2f} / {s.p95:.2f}" in simulated

    def test_json_floats_without_binary_noise(self) -> None:
        data = json.loads(
            run_value("--individual", "1.3", "2.6", "--joint", "3.5", "--format", "json")
        )
        assert data["baseline"] == 3.9
        assert repr(data["baseline"]) == "3.9"
        expected = jw.added_value([1.3, 2.6], 3.5)
        assert math.isclose(data["uplift"], expected.uplift, rel_tol=1e-11)
        assert len(repr(data["surplus"])) <= 14

    def test_report_json_floats_without_binary_noise(self) -> None:
        result = subprocess.run(
            [sys.executable, "-m", "jointworking", "demo", "--format", "json"],
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        digits = [
            len(re.sub(r"\D", "", f).lstrip("0")) for f in re.findall(r"\d+\.\d+", result.stdout)
        ]
        assert digits
        assert max(digits) <= 12
        data = json.loads(result.stdout)
        expected = example_assessment()[1].to_dict(shared=True)
        assert [f["kind"] for f in data["findings"]] == [f["kind"] for f in expected["findings"]]
        assert data["relationships"][0]["subject"] == expected["relationships"][0]["subject"]


def test_docs_load_mathjax_from_the_build_not_a_cdn() -> None:
    """The documentation's MathJax is a local copy (relative to _static), never a URL."""
    conf = (Path(__file__).resolve().parent.parent / "docs" / "conf.py").read_text("utf-8")
    path = re.search(r'^mathjax_path = f?"([^"]+)"', conf, flags=re.MULTILINE)
    assert path is not None
    assert "//" not in path.group(1)
    assert not path.group(1).startswith(("http", "/"))
