from __future__ import annotations

import math
import subprocess
import sys
import textwrap
from collections.abc import Sequence
from typing import Any

import attrs
import matplotlib as mpl
import numpy as np
import pytest
from matplotlib import cbook, colors
from matplotlib.axes import Axes
from matplotlib.collections import PathCollection, QuadMesh
from matplotlib.container import ErrorbarContainer
from matplotlib.figure import Figure
from matplotlib.markers import MarkerStyle
from matplotlib.patches import Rectangle

from builders import ALLIANCE, COUNTY, DISTRICT, HOUSING, VOLUNTARY, records, survey
from jointworking import (
    MORLEY_2016,
    ArgumentError,
    Assessment,
    Estimate,
    Rung,
    SimulatedAddedValue,
    added_value,
    assess,
    load_example,
    plot,
    simulate_added_value,
)
from jointworking.plot import _drawable, _label

HOSTILE = "<script>alert(1)</script> $x^2$"
RTL = "مجلس مدينة الشمال"
ZALGO = "Z\u0337\u0322\u031ba\u0338l\u0335g\u0336o\u0334 Council"
LONG = "Very Long Borough Council Name " * 10
SYMBOLS = "東京都庁 \U0001f3db Office \u05e2evil"
ARRANGEMENT = "$\\frac{1}{0}$ <b>Alliance</b> --> <!--"

TOP = [4, 4, 3, 3, 3, 4, 3, 3, 3, 3]  # partnership
COLLAB = [3, 3, 2, 2, 2, 3, 2, 2, 2, 2]  # collaboration; partnership questions not met
LOW = [1] * 10  # transaction


@pytest.fixture(scope="module")
def example() -> Assessment:
    data = load_example()
    return assess(
        data.responses,
        claims=data.claims,
        targets=data.targets,
        values=data.values,
        arrangements=data.arrangements,
    )


@pytest.fixture(scope="module")
def hostile() -> Assessment:
    """Every kind of awkward name, one of them in a small group."""
    groups = [records(name, "internal", [TOP] * 3) for name in (HOSTILE, RTL, ZALGO, SYMBOLS)]
    groups.append(records(LONG, "internal", [COLLAB] * 3))
    groups.append(records(HOSTILE, RTL, [TOP] * 3))
    groups.append(records(RTL, HOSTILE, [LOW] * 2))  # small
    groups.extend(records(name, ARRANGEMENT, [TOP, COLLAB, TOP]) for name in (HOSTILE, ZALGO))
    return assess(
        survey(*groups),
        arrangements={ARRANGEMENT: [HOSTILE, ZALGO, LONG]},
        claims={(HOSTILE, RTL): Rung.PARTNERSHIP},
    )


def axes_of(figure: Figure) -> Axes:
    return figure.axes[0]


def bars(ax: Axes) -> list[Rectangle]:
    return [p for p in ax.patches if isinstance(p, Rectangle)]


def lines_labelled(ax: Axes, prefix: str) -> list[float]:
    """The constant y (or x) of the lines whose label starts with `prefix`."""
    out = []
    for line in ax.lines:
        if str(line.get_label()).startswith(prefix):
            xs, ys = (np.asarray(d, dtype=float) for d in line.get_data())
            out.append(float(ys[0]) if ys[0] == ys[-1] else float(xs[0]))
    return out


def texts(ax: Axes) -> list[str]:
    return [t.get_text() for t in ax.texts]


def legend_texts(figure: Figure) -> list[str]:
    """The labels of the figure's legends, and of its axes' legends."""
    legends = [*figure.legends, *(ax.get_legend() for ax in figure.axes)]
    return [t.get_text() for legend in legends if legend is not None for t in legend.get_texts()]


def tick_labels(labels: Sequence[object]) -> list[str]:
    return [t.get_text() for t in labels]  # type: ignore[attr-defined]


def scatter(ax: Axes, label: str) -> PathCollection:
    found = [c for c in ax.collections if c.get_label() == label]
    assert len(found) == 1, [c.get_label() for c in ax.collections]
    collection = found[0]
    assert isinstance(collection, PathCollection)
    return collection


def marker_path(shape: str) -> np.ndarray:
    style = MarkerStyle(shape)
    return np.asarray(style.get_path().transformed(style.get_transform()).vertices)


class TestLabel:
    def test_dollars_are_escaped(self) -> None:
        """A name with dollar signs is never read as mathtext."""
        label = _label("$x^2$ and $y$")
        assert label == r"\$x^2\$ and \$y\$"
        assert not cbook.is_math_text(label)

    def test_long_names_are_truncated(self) -> None:
        """A long name is cut to the label length with an ellipsis."""
        label = _label(LONG)
        assert len(label) == plot.LABEL_LENGTH
        assert label.endswith("\u2026")
        assert _label("short") == "short"

    def test_controls_and_overrides_are_dropped(self) -> None:
        """Control, bidi override and zero-width characters are removed; lines joined."""
        assert _label("A\u202eB\u200b\x00C\nD\tE") == "ABC D E"

    def test_stacked_marks_are_capped(self) -> None:
        """At most two combining marks stay on one character."""
        label = _label("a" + "\u0301\u0302\u0303\u0304")
        assert label in ("a\u0301\u0302", "\u00e1\u0302")  # NFC may compose the first

    def test_undrawable_characters_are_replaced(self) -> None:
        """Characters the font cannot draw become '?', so no missing-glyph warning."""
        drawable = _drawable()
        assert drawable is not None
        assert _label("\U0001f3db") == ("\U0001f3db" if 0x1F3DB in drawable else "?")
        assert _label("a\U000f0000b") == "ab"  # private use is dropped

    def test_right_to_left_is_isolated(self) -> None:
        """A right-to-left name keeps its letters and is isolated where text is shaped."""
        label = _label(RTL)
        assert RTL in label
        assert label in (RTL, f"\u2068{RTL}\u2069")

    def test_never_raises(self) -> None:
        """Objects that cannot even be made text still give a label."""

        class Broken:
            def __str__(self) -> str:
                raise RuntimeError("no")

        assert _label(Broken()) == "?"
        assert _label(None) == "None"
        assert _label("") == ""


class TestProfile:
    def test_one_bar_per_question_at_the_means(self, example: Assessment) -> None:
        """Ten bars, at the group's means, coloured by the rung each question evidences."""
        group = example.group(DISTRICT)
        ax = axes_of(plot.profile(group))
        found = bars(ax)
        assert len(found) == len(MORLEY_2016.questions)
        assert [b.get_height() for b in found] == pytest.approx(list(group.mean))
        for bar, question in zip(found, MORLEY_2016.questions, strict=True):
            assert colors.same_color(bar.get_facecolor(), plot.RUNG_COLOURS[question.rung])

    def test_question_numbers_label_the_axis(self, example: Assessment) -> None:
        """The x tick labels are the question numbers."""
        ax = axes_of(plot.profile(example.group(DISTRICT)))
        assert tick_labels(ax.get_xticklabels()) == [f"Q{n}" for n in MORLEY_2016.numbers]

    def test_threshold_line(self, example: Assessment) -> None:
        """One dashed line at the instrument's threshold."""
        ax = axes_of(plot.profile(example.group(DISTRICT)))
        assert lines_labelled(ax, "threshold") == [MORLEY_2016.threshold(Rung.COLLABORATION)]

    def test_two_thresholds_when_rungs_differ(self, example: Assessment) -> None:
        """An instrument with different thresholds gets one line per rung."""
        instrument = attrs.evolve(MORLEY_2016, collaboration_threshold=2.5)
        ax = axes_of(plot.profile(example.group(DISTRICT), instrument=instrument))
        assert lines_labelled(ax, "collaboration threshold") == [2.5]
        assert lines_labelled(ax, "partnership threshold") == [3.0]

    def test_error_bars_where_sd_is_defined(self) -> None:
        """Error bars of one SD for each question with two or more answers."""
        rows: list[list[float | None]] = [
            [2, *COLLAB[1:]],
            [4, *COLLAB[1:]],
            [3, None, *COLLAB[2:]],
        ]
        # A minimum group size of 2, so that question 2 (two answers) is not withheld.
        group = assess(survey(records("A", "internal", rows)), min_group_size=2).group("A")
        ax = axes_of(plot.profile(group))
        (container,) = [c for c in ax.containers if isinstance(c, ErrorbarContainer)]
        segments = container.lines[2][0].get_segments()
        assert len(segments) == 10
        low, high = segments[0][:, 1]
        assert (low, high) == pytest.approx((3.0 - 1.0, 3.0 + 1.0))

    def test_unanswered_question_is_marked(self) -> None:
        """A question nobody answered has an empty bar and a note."""
        rows: list[list[float | None]] = [[3, 3, None, *COLLAB[3:]]] * 3
        group = assess(survey(records("A", "internal", rows))).group("A")
        ax = axes_of(plot.profile(group))
        assert bars(ax)[2].get_height() == 0.0
        assert any("no answers" in t for t in texts(ax))

    def test_dividing_questions_are_hatched(self, example: Assessment) -> None:
        """Bars of the questions that divide a divided group are hatched, the others not."""
        group = example.group(COUNTY)
        assert group.divided
        assert group.dividing == (1, 2, 6)
        ax = axes_of(plot.profile(group))
        hatched = [n for n, b in zip(MORLEY_2016.numbers, bars(ax), strict=True) if b.get_hatch()]
        assert hatched == [1, 2, 6]

    def test_title_names_the_group(self, example: Assessment) -> None:
        """The title names the group's subject."""
        group = example.group(HOUSING, ALLIANCE)
        ax = axes_of(plot.profile(group))
        assert group.subject in ax.get_title(loc="left")

    def test_small_group_is_withheld(self, example: Assessment) -> None:
        """A small group shows no bars, lines or figures, only the withheld note."""
        group = example.group(VOLUNTARY)
        assert group.small
        ax = axes_of(plot.profile(group))
        assert bars(ax) == []
        assert len(ax.lines) == 0
        assert len(ax.collections) == 0
        (note,) = texts(ax)
        assert "withheld" in note
        assert "fewer than the minimum" in note
        assert not any(f"{m:.1f}" in note for m in group.mean)

    def test_draws_on_given_axes(self, example: Assessment) -> None:
        """Given axes, it draws on them and returns their figure."""
        figure = Figure()
        _, ax = figure.subplots(1, 2)
        assert plot.profile(example.group(DISTRICT), ax=ax) is figure
        assert len(bars(ax)) == 10
        assert len(figure.axes) == 2

    def test_wrong_instrument_is_an_error(self, example: Assessment) -> None:
        """An instrument with another number of questions is refused."""
        short = attrs.evolve(MORLEY_2016, questions=MORLEY_2016.questions[:9])
        with pytest.raises(ArgumentError, match="questions"):
            plot.profile(example.group(DISTRICT), instrument=short)

    def test_not_a_group_is_an_error(self, example: Assessment) -> None:
        """Anything but a GroupView is refused."""
        with pytest.raises(ArgumentError, match="GroupView"):
            plot.profile(example)  # type: ignore[arg-type]


class TestHeatmap:
    def latest(self, assessment: Assessment) -> list[str]:
        latest: dict[tuple[str, str], str] = {}
        for g in assessment.groups:
            latest[(g.organisation, g.about)] = max(
                g.wave, latest.get((g.organisation, g.about), "")
            )
        return [g.subject for g in assessment.groups if latest[(g.organisation, g.about)] == g.wave]

    def mesh(self, ax: Axes) -> QuadMesh:
        (mesh,) = [c for c in ax.collections if isinstance(c, QuadMesh)]
        return mesh

    def data(self, ax: Axes, rows: int) -> np.ma.MaskedArray[Any, np.dtype[np.float64]]:
        array = self.mesh(ax).get_array()
        assert array is not None
        return np.ma.asarray(array, dtype=np.float64).reshape(rows, 10)

    def test_rows_are_the_latest_groups(self, example: Assessment) -> None:
        """One row per group in its latest wave, labelled by subject, one column per question."""
        ax = axes_of(plot.heatmap(example))
        subjects = self.latest(example)
        labels = tick_labels(ax.get_yticklabels())
        assert len(labels) == len(subjects) == 11
        for label, subject in zip(labels, subjects, strict=True):
            assert label.startswith(subject)
        assert tick_labels(ax.get_xticklabels()) == [f"Q{n}" for n in MORLEY_2016.numbers]
        assert np.shape(np.asarray(self.mesh(ax).get_array())) == (11, 10)

    def test_cells_are_the_means(self, example: Assessment) -> None:
        """Each unmasked cell holds the group's mean."""
        ax = axes_of(plot.heatmap(example))
        data = self.data(ax, 11)
        row = self.latest(example).index(example.group(COUNTY).subject)
        assert data[row].filled(np.nan) == pytest.approx(list(example.group(COUNTY).mean))

    def test_small_group_row_is_masked_and_withheld(self, example: Assessment) -> None:
        """The small group's row is wholly masked and labelled withheld; others are not."""
        ax = axes_of(plot.heatmap(example))
        data = self.data(ax, 11)
        mask = np.ma.getmaskarray(data)
        labels = tick_labels(ax.get_yticklabels())
        row = self.latest(example).index(example.group(VOLUNTARY).subject)
        assert mask[row].all()
        assert "withheld" in labels[row]
        assert not mask[np.arange(11) != row].any()
        assert sum("withheld" in label for label in labels) == 1
        values = [t for t in texts(ax) if not t.startswith("withheld")]
        assert len(values) == 10 * 10  # a figure in every cell of the other ten rows

    def test_given_wave(self, example: Assessment) -> None:
        """A given wave shows only that wave's groups."""
        ax = axes_of(plot.heatmap(example, wave="2025-Q3"))
        expected = [g.subject for g in example.groups if g.wave == "2025-Q3"]
        assert tick_labels(ax.get_yticklabels()) == expected
        assert "2025-Q3" in ax.get_title(loc="left")

    def test_unknown_wave_is_an_error(self, example: Assessment) -> None:
        """A wave nobody answered in is refused, naming the waves there are."""
        with pytest.raises(ArgumentError, match="2026-Q1"):
            plot.heatmap(example, wave="1999")

    def test_colour_map_diverges_at_threshold(self, example: Assessment) -> None:
        """The colour map is centred at the threshold over the 0-4 scale, with a colour bar."""
        figure = plot.heatmap(example)
        norm = self.mesh(axes_of(figure)).norm
        assert isinstance(norm, colors.TwoSlopeNorm)
        assert (norm.vmin, norm.vcenter, norm.vmax) == (0.0, 3.0, 4.0)
        colour_bar = figure.axes[1]
        assert [line.get_ydata()[0] for line in colour_bar.lines] == [3.0]  # type: ignore[index]

    def test_draws_on_given_axes(self, example: Assessment) -> None:
        """Given axes, it draws on them and returns their figure."""
        figure = Figure()
        ax = figure.add_subplot()
        assert plot.heatmap(example, ax=ax) is figure
        assert isinstance(self.mesh(ax), QuadMesh)


class TestLadder:
    def positions(self, ax: Axes, label: str) -> dict[str, float]:
        """Tick label of each marker's column -> the marker's y."""
        ticks = dict(zip(ax.get_xticks(), tick_labels(ax.get_xticklabels()), strict=True))
        offsets = scatter(ax, label).get_offsets()
        return {ticks[float(x)]: float(y) for x, y in np.asarray(offsets)}

    def test_organisations_at_their_internal_rung(self, example: Assessment) -> None:
        """Each organisation's circle sits at its latest internal rung's y-position."""
        ax = axes_of(plot.ladder(example))
        organisations = sorted({g.organisation for g in example.groups} - {VOLUNTARY})
        expected = {o: float(example.group(o).placement.rung) for o in organisations}  # type: ignore[union-attr]
        assert self.positions(ax, "internal") == expected
        assert expected[COUNTY] == Rung.TRANSACTION
        assert expected[HOUSING] == Rung.PARTNERSHIP

    def test_relationships_at_their_effective_rung(self, example: Assessment) -> None:
        """Each relationship's square sits at its latest effective rung."""
        ax = axes_of(plot.ladder(example))
        found = self.positions(ax, "relationship")
        assert len(found) == 3
        assert found[f"{DISTRICT} & {COUNTY}"] == float(Rung.TRANSACTION)
        assert found[ALLIANCE] == float(example.relationship(ALLIANCE).effective_rung or 0)

    def test_markers_distinguish_internal_from_relationship(self, example: Assessment) -> None:
        """Organisations are circles, relationships squares."""
        ax = axes_of(plot.ladder(example))
        circle = scatter(ax, "internal").get_paths()[0].vertices
        square = scatter(ax, "relationship").get_paths()[0].vertices
        assert np.allclose(circle, marker_path("o"))
        assert np.allclose(square, marker_path("s"))

    def test_overstated_claims_are_marked(self, example: Assessment) -> None:
        """A claimed rung above the effective one gets a marker there, labelled claimed."""
        ax = axes_of(plot.ladder(example))
        claimed = self.positions(ax, "claimed")
        assert claimed == {
            f"{DISTRICT} & {COUNTY}": float(Rung.PARTNERSHIP),
            ALLIANCE: float(Rung.PARTNERSHIP),
        }
        assert texts(ax).count("claimed") == 2

    def test_no_claims_no_claimed_markers(self) -> None:
        """Without claims there are no claimed markers."""
        result = assess(survey(records("A", "B", [LOW] * 3), records("B", "A", [LOW] * 3)))
        ax = axes_of(plot.ladder(result))
        assert [c.get_label() for c in ax.collections] == ["relationship"]
        assert "claimed" not in texts(ax)

    def test_bands_are_the_rungs(self, example: Assessment) -> None:
        """Three bands labelled with the rungs, transaction at the bottom."""
        ax = axes_of(plot.ladder(example))
        assert tick_labels(ax.get_yticklabels()) == ["transaction", "collaboration", "partnership"]
        assert list(ax.get_yticks()) == [0, 1, 2]
        assert len(bars(ax)) == 3

    def test_small_group_has_no_marker(self, example: Assessment) -> None:
        """An organisation with fewer than the minimum respondents is named, not placed."""
        ax = axes_of(plot.ladder(example))
        assert f"{VOLUNTARY} (withheld)" in tick_labels(ax.get_xticklabels())
        assert VOLUNTARY not in self.positions(ax, "internal")

    def test_uncertain_is_hollow(self, example: Assessment) -> None:
        """A placement less likely than the confidence asked for is drawn hollow."""
        ax = axes_of(plot.ladder(example))
        collection = scatter(ax, "internal")
        columns = list(self.positions(ax, "internal"))
        faces = np.asarray(collection.get_facecolor(), dtype=np.float64)
        hollow = [c for c, face in zip(columns, faces, strict=True) if (face == 1.0).all()]
        shared = example.shared_view()
        assert hollow == [c for c in columns if shared.group(c).uncertain]

    def test_given_wave(self, example: Assessment) -> None:
        """A given wave places that wave's organisations and relationships."""
        ax = axes_of(plot.ladder(example, wave="2025-Q3"))
        assert self.positions(ax, "internal") == {
            DISTRICT: float(Rung.TRANSACTION),
            HOUSING: float(Rung.COLLABORATION),
            COUNTY: float(Rung.TRANSACTION),
        }
        assert list(self.positions(ax, "relationship")) == [f"{DISTRICT} & {COUNTY}"]

    def test_draws_on_given_axes(self, example: Assessment) -> None:
        """Given axes, it draws on them and returns their figure."""
        figure = Figure()
        ax = figure.add_subplot()
        assert plot.ladder(example, ax=ax) is figure
        assert len(np.asarray(scatter(ax, "internal").get_offsets())) == 4  # one withheld

    def test_not_an_assessment_is_an_error(self) -> None:
        """Anything but an Assessment is refused."""
        with pytest.raises(ArgumentError, match="Assessment"):
            plot.ladder("assessment")  # type: ignore[arg-type]


class TestGaps:
    def test_one_bar_per_member_and_question(self, example: Assessment) -> None:
        """Grouped bars: one series per member, each at that member's scores."""
        view = example.relationship(ALLIANCE)
        figure = plot.gaps(view, assessment=example)
        ax = axes_of(figure)
        found = bars(ax)
        assert len(found) == len(view.views) * 10 == 30
        for k, placement in enumerate(view.views.values()):
            series = found[10 * k : 10 * (k + 1)]
            assert [b.get_height() for b in series] == pytest.approx(list(placement.scores))
            assert len({tuple(b.get_facecolor()) for b in series}) == 1
        assert legend_texts(figure)[:3] == list(view.views)

    def test_gaps_of_a_point_or_more_are_annotated(self, example: Assessment) -> None:
        """Each question whose gap is at least 1 is annotated with the gap, at its group."""
        view = example.relationship(DISTRICT, COUNTY)
        ax = axes_of(plot.gaps(view, assessment=example))
        wide = [(i, g) for i, g in enumerate(view.gaps) if g >= 1]
        notes = [t for t in ax.texts if t.get_text().startswith("gap ")]
        assert len(notes) == len(wide) > 0
        assert [t.get_position()[0] for t in notes] == [float(i) for i, _ in wide]
        assert [t.get_text() for t in notes] == [f"gap {g:.1f}" for _, g in wide]

    def test_silent_members_are_noted(self, example: Assessment) -> None:
        """A member who gave no view is named in a note and the legend, with no bars."""
        view = example.relationship(DISTRICT, VOLUNTARY)
        assert view.silent == (VOLUNTARY,)
        figure = plot.gaps(view, assessment=example)
        ax = axes_of(figure)
        assert len(bars(ax)) == 10
        assert f"No view from {VOLUNTARY}" in texts(ax)
        assert f"{VOLUNTARY} (no view)" in legend_texts(figure)

    def test_small_members_are_withheld_given_the_assessment(self) -> None:
        """Given the assessment, a small member's bars and the gaps are withheld."""
        result = assess(survey(records("A", "B", [TOP] * 3), records("B", "A", [LOW] * 2)))
        view = result.relationship("A", "B")
        shared = axes_of(plot.gaps(view, assessment=result))
        assert len(bars(shared)) == 10
        assert not any(t.startswith("gap ") for t in texts(shared))
        assert any("withheld" in t for t in texts(shared))
        # B's two respondents answered every question too few to share: the view alone
        # withholds every gap too, and says so.
        alone = texts(axes_of(plot.gaps(view)))
        assert not any(t.startswith("gap ") for t in alone)
        assert any(t.startswith("Withheld, answered by too few: Q1, Q2") for t in alone)
        # With a minimum group size of 2 nothing is withheld.
        view = assess(
            survey(records("A", "B", [TOP] * 3), records("B", "A", [LOW] * 2)), min_group_size=2
        ).relationship("A", "B")
        both = axes_of(plot.gaps(view))
        assert len(bars(both)) == 20
        assert sum(t.startswith("gap ") for t in texts(both)) == 10

    def test_questions_few_answered_are_withheld(self) -> None:
        """A question one of three respondents answered has no bars and no gap."""
        few: list[list[float | None]] = [[3, *TOP[1:]], [None, *TOP[1:]], [None, *TOP[1:]]]
        result = assess(survey(records("A", "B", few), records("B", "A", [LOW] * 3)))
        view = result.relationship("A", "B")
        assert dict(view.withheld_questions) == {"A": (1,), "B": ()}
        assert view.withheld_gaps == (1,)
        ax = axes_of(plot.gaps(view, assessment=result))
        shown = texts(ax)
        assert "Withheld, answered by too few: Q1" in "\n".join(shown)
        assert sum(t.startswith("gap ") for t in shown) == 9
        heights = [b.get_height() for b in bars(ax)]
        assert heights[0] == 0.0  # A's Q1: no bar
        assert heights[10] == pytest.approx(1.0)  # B's Q1 (three answers) still shows
        profile = axes_of(plot.profile(result.group("A", about="B")))
        assert " withheld: few answers" in texts(profile)

    def test_threshold_line(self, example: Assessment) -> None:
        """The threshold is drawn at the instrument's threshold."""
        ax = axes_of(plot.gaps(example.relationship(ALLIANCE)))
        assert lines_labelled(ax, "threshold") == [3.0]

    def test_draws_on_given_axes(self, example: Assessment) -> None:
        """Given axes, it draws on them and returns their figure."""
        figure = Figure()
        ax = figure.add_subplot()
        assert plot.gaps(example.relationship(ALLIANCE), ax=ax) is figure
        assert len(bars(ax)) == 30

    def test_wrong_arguments_are_errors(self, example: Assessment) -> None:
        """Another instrument's length, a non-assessment or a non-relationship is refused."""
        short = attrs.evolve(MORLEY_2016, questions=MORLEY_2016.questions[:9])
        with pytest.raises(ArgumentError, match="questions"):
            plot.gaps(example.relationship(ALLIANCE), instrument=short)
        with pytest.raises(ArgumentError, match="Assessment"):
            plot.gaps(example.relationship(ALLIANCE), assessment="x")  # type: ignore[arg-type]
        with pytest.raises(ArgumentError, match="RelationshipView"):
            plot.gaps(example.group(DISTRICT))  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def result() -> SimulatedAddedValue:
    return simulate_added_value(
        [400.0, Estimate.triangular(300, 350, 380)],
        Estimate.pert(700, 900, 1000),
        threshold=0.15,
        draws=20_000,
        seed=7,
    )


class TestValueDistribution:
    def test_histogram_of_every_draw(self, result: SimulatedAddedValue) -> None:
        """The histogram counts every draw, as percentages."""
        ax = axes_of(plot.value_distribution(result))
        found = bars(ax)
        assert sum(b.get_height() for b in found) == result.draws
        left = min(b.get_x() for b in found)
        assert left == pytest.approx(float(result.uplift_draws.min()) * 100)

    def test_lines_at_zero_threshold_and_percentiles(self, result: SimulatedAddedValue) -> None:
        """Vertical lines at 0, at threshold * 100 and at the 5th/50th/95th percentiles."""
        ax = axes_of(plot.value_distribution(result))
        assert lines_labelled(ax, "no increase") == [0.0]
        assert lines_labelled(ax, "threshold") == [pytest.approx(result.threshold * 100)]
        assert lines_labelled(ax, "threshold") == [pytest.approx(15.0)]
        for name, value in (
            ("5th", result.uplift.p5),
            ("50th", result.uplift.p50),
            ("95th", result.uplift.p95),
        ):
            assert lines_labelled(ax, f"{name} percentile") == [pytest.approx(value * 100)]

    def test_text_box_gives_probabilities_and_verdict(self, result: SimulatedAddedValue) -> None:
        """A text box gives P(significant), P(positive) and the verdict."""
        ax = axes_of(plot.value_distribution(result))
        (box,) = [t for t in texts(ax) if "P(significant)" in t]
        assert f"P(significant) = {result.p_significant:.0%}" in box
        assert f"P(positive) = {result.p_positive:.0%}" in box
        assert f"verdict: {result.verdict}" in box

    def test_example_alliance(self, example: Assessment) -> None:
        """The example Alliance's simulated value plots, titled safely."""
        value = example.relationship(ALLIANCE).value
        assert isinstance(value, SimulatedAddedValue)
        ax = axes_of(plot.value_distribution(value, title=HOSTILE))
        assert lines_labelled(ax, "threshold") == [pytest.approx(value.threshold * 100)]
        assert r"\$x^2\$" in ax.get_title(loc="left")

    def test_point_result_is_an_error(self) -> None:
        """A point result has no distribution, and is refused."""
        with pytest.raises(ArgumentError, match="SimulatedAddedValue"):
            plot.value_distribution(added_value([1.0, 2.0], 4.0))  # type: ignore[arg-type]

    def test_draws_on_given_axes(self, result: SimulatedAddedValue) -> None:
        """Given axes, it draws on them and returns their figure."""
        figure = Figure()
        ax = figure.add_subplot()
        assert plot.value_distribution(result, ax=ax) is figure
        assert len(bars(ax)) == 50


class TestToSvg:
    def test_inline_svg(self, example: Assessment) -> None:
        """The output is a bare <svg> element: no XML declaration, DOCTYPE or comments."""
        svg = plot.to_svg(plot.ladder(example))
        assert svg.startswith("<svg")
        assert svg.rstrip().endswith("</svg>")
        for banned in ("<?xml", "<!DOCTYPE", "<!--", "<text"):
            assert banned not in svg

    def test_reproducible(self, example: Assessment) -> None:
        """The same figure, and the same chart drawn twice, give the same SVG."""
        figure = plot.heatmap(example)
        first = plot.to_svg(figure)
        assert plot.to_svg(figure) == first
        assert plot.to_svg(plot.heatmap(example)) == first

    def test_settings_are_restored(self, example: Assessment) -> None:
        """Rendering leaves matplotlib's settings as they were."""
        before = (mpl.rcParams["svg.fonttype"], mpl.rcParams["svg.hashsalt"])
        plot.to_svg(plot.ladder(example))
        assert (mpl.rcParams["svg.fonttype"], mpl.rcParams["svg.hashsalt"]) == before

    def test_hostile_names_reach_no_markup(self, hostile: Assessment) -> None:
        """Names with markup, mathtext, RTL, marks and symbols render as paths only."""
        view = hostile.relationship(HOSTILE, RTL)
        figures = [
            plot.ladder(hostile),
            plot.heatmap(hostile),
            plot.profile(hostile.group(HOSTILE)),
            plot.profile(hostile.group(LONG)),
            plot.profile(hostile.group(RTL, HOSTILE)),
            plot.gaps(view, assessment=hostile),
            plot.gaps(hostile.relationship(ARRANGEMENT), assessment=hostile),
        ]
        for figure in figures:
            svg = plot.to_svg(figure)
            assert svg.startswith("<svg")
            for banned in ("<script", "<text", "alert", "<b>", "frac"):
                assert banned not in svg

    def test_hostile_labels_are_plain_and_short(self, hostile: Assessment) -> None:
        """Every label drawn is plain text (no mathtext) and no name runs past the limit."""
        figure = plot.heatmap(hostile)
        ax = axes_of(figure)
        labels = tick_labels(ax.get_yticklabels())
        assert all(not cbook.is_math_text(label) for label in labels)
        long_row = next(label for label in labels if label.startswith("Very Long"))
        assert long_row.startswith(_label(LONG))
        assert len(long_row) < len(LONG)
        ladder_labels = tick_labels(axes_of(plot.ladder(hostile)).get_xticklabels())
        assert all(not cbook.is_math_text(label) for label in ladder_labels)
        assert max(len(label) for label in ladder_labels) <= 2 * plot.LABEL_LENGTH + 5

    def test_not_a_figure_is_an_error(self) -> None:
        """Anything but a Figure is refused."""
        with pytest.raises(ArgumentError, match="Figure"):
            plot.to_svg("figure")  # type: ignore[arg-type]


class TestImport:
    def run(self, code: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-c", textwrap.dedent(code)],
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
        )

    def test_package_does_not_import_matplotlib(self) -> None:
        """Importing jointworking leaves matplotlib unimported."""
        done = self.run(
            """
            import sys
            import jointworking
            jointworking.assess(jointworking.load_example().responses)
            assert "matplotlib" not in sys.modules, "matplotlib was imported"
            """
        )
        assert done.returncode == 0, done.stderr

    def test_plot_does_not_import_pyplot(self) -> None:
        """Drawing and rendering a chart needs no pyplot, so no backend or GUI."""
        done = self.run(
            """
            import sys
            import jointworking
            from jointworking import plot
            assessment = jointworking.assess(jointworking.load_example().responses)
            plot.to_svg(plot.ladder(assessment))
            assert "matplotlib.pyplot" not in sys.modules, "pyplot was imported"
            """
        )
        assert done.returncode == 0, done.stderr

    def test_missing_matplotlib_says_how_to_install(self) -> None:
        """Without matplotlib, importing jointworking.plot says how to install it."""
        done = self.run(
            """
            import sys
            sys.modules["matplotlib"] = None
            try:
                import jointworking.plot
            except ImportError as error:
                print(error)
            """
        )
        assert done.returncode == 0, done.stderr
        assert 'pip install "jointworking[plot]"' in done.stdout


def test_every_chart_renders_without_warnings(example: Assessment) -> None:
    """All charts of the example render to SVG with warnings as errors (pytest setting)."""
    charts = [
        plot.profile(example.group(DISTRICT)),
        plot.profile(example.group(VOLUNTARY)),
        plot.heatmap(example),
        plot.ladder(example),
        plot.gaps(example.relationship(DISTRICT, COUNTY), assessment=example),
    ]
    value = example.relationship(ALLIANCE).value
    assert isinstance(value, SimulatedAddedValue)
    charts.append(plot.value_distribution(value))
    for figure in charts:
        assert plot.to_svg(figure).startswith("<svg")
    placement = example.group(DISTRICT).placement
    assert placement is not None
    assert not math.isnan(placement.index)


def test_gap_label_clear_of_the_threshold_line() -> None:
    """A gap label that would stand across the threshold line is moved above it."""
    # B's three respondents average 8/3 on question 1, just below the threshold of 3; A's
    # answer 1: a gap of 5/3, whose label would start at 8/3 plus a little and cross 3.
    b_rows = [[3, 3, 3, 3, 3, 3, 3, 3, 3, 3], [3, 3, 3, 3, 3, 3, 3, 3, 3, 3], [2] + [3] * 9]
    result = assess(survey(records("A", "B", [[1] * 10] * 3), records("B", "A", b_rows)))
    view = result.relationship("A", "B")
    threshold = MORLEY_2016.threshold(Rung.COLLABORATION)
    assert view.gaps[0] >= 1
    assert max(p.scores[0] for p in view.views.values()) < threshold
    figure = plot.gaps(view, assessment=result)
    labels = [t for t in figure.axes[0].texts if t.get_text().startswith("gap ")]
    assert labels
    first = next(t for t in labels if t.get_position()[0] == 0)
    assert first.get_position()[1] > threshold  # above the line, not across it
    box = first.get_bbox_patch()
    assert box is not None
    assert colors.to_hex(box.get_facecolor()) == "#ffffff"
    plt = pytest.importorskip("matplotlib.pyplot")
    plt.close(figure)
