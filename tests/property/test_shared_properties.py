"""What shared outputs withhold is unrecoverable: a withheld answer changes no shared byte.

For generated surveys with groups smaller than the minimum group size and questions too
few people answered, every answer the shared view withholds is changed at random, and
every shared output (JSON, Markdown, HTML with charts, both CSV tables, each chart as SVG,
and the notebook fragments) must be the same, byte for byte.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jointworking import Assessment, Responses, assess, export, report

SIZE = 3
ORGANISATIONS = ("Alpha Council", "Beta Trust", "Gamma Homes")
#: (organisation, about) of every group a survey may hold: internal views and both sides
#: of two pairs, so that relationships have withheld members and withheld internal caps.
SUBJECTS = (
    ("Alpha Council", "internal"),
    ("Beta Trust", "internal"),
    ("Gamma Homes", "internal"),
    ("Alpha Council", "Beta Trust"),
    ("Beta Trust", "Alpha Council"),
    ("Alpha Council", "Gamma Homes"),
    ("Gamma Homes", "Alpha Council"),
)


@st.composite
def surveys(draw: st.DrawFn) -> tuple[Responses, np.ndarray[Any, np.dtype[np.bool_]]]:
    """Return a survey and a mask of the answers its shared view withholds."""
    rows: list[list[float]] = []
    units: list[str | None] = []
    organisation: list[str] = []
    about: list[str] = []
    wave: list[str] = []
    withheld_rows: list[list[bool]] = []
    waves = draw(st.sampled_from([("2025",), ("2025", "2026")]))
    for org, subject in SUBJECTS:
        for w in waves:
            n = draw(st.integers(0, 6))
            if n == 0:
                continue
            # Answers near the threshold, so that placements and their probabilities vary.
            answers = draw(
                st.lists(
                    st.lists(st.sampled_from([1.0, 2.0, 3.0, 3.0, 4.0]), min_size=10, max_size=10),
                    min_size=n,
                    max_size=n,
                )
            )
            hidden = np.zeros((n, 10), dtype=bool)
            if n < SIZE:
                hidden[:] = True  # a small group: everything it answered is withheld
            else:
                # Some questions answered by one or two only: withheld in this group.
                for q in draw(st.sets(st.integers(0, 9), max_size=3)):
                    answering = draw(st.integers(1, SIZE - 1))
                    for i in range(answering, n):
                        answers[i][q] = float("nan")
                    hidden[:answering, q] = True
            rows += answers
            # Units, some of them too small to count in a unit gap.
            units += draw(
                st.lists(st.sampled_from(["Care", "Housing", None]), min_size=n, max_size=n)
            )
            withheld_rows += hidden.tolist()
            organisation += [org] * n
            about += [subject] * n
            wave += [w] * n
    if not rows:
        rows = [[3.0] * 10] * 3
        organisation, about, wave = [ORGANISATIONS[0]] * 3, ["internal"] * 3, [waves[0]] * 3
        units = [None] * 3
        withheld_rows = [[False] * 10] * 3
    responses = Responses.from_arrays(
        rows,
        organisation=organisation,
        about=about,
        wave=wave if len(waves) > 1 else None,
        unit=units,
    )
    return responses, np.asarray(withheld_rows, dtype=bool)


def _changed(
    responses: Responses, withheld: np.ndarray[Any, np.dtype[np.bool_]], seed: int
) -> Responses:
    """Return the survey with every withheld answer replaced by another scale point."""
    answers = responses.answers.copy()
    rng = np.random.default_rng(seed)
    replaced = rng.choice([0.0, 1.0, 2.0, 3.0, 4.0], size=answers.shape)
    answered = ~np.isnan(answers)
    # Withheld answers change value (whether a question was answered is not changed).
    answers = np.where(withheld & answered, replaced, answers)
    return Responses.from_arrays(
        answers,
        organisation=responses.organisation,
        about=responses.about,
        wave=responses.wave if any(responses.wave) else None,
        unit=[u or None for u in responses.unit],
    )


def _svgs(result: Assessment) -> list[str]:
    from jointworking import plot  # noqa: PLC0415 - matplotlib is a test extra

    shared = result.shared_view()
    figures = [plot.heatmap(result), plot.ladder(result)]
    # A profile for each group with something withheld: the charts most at risk.
    figures += [plot.profile(g) for g in shared.groups if g.small or g.withheld_questions]
    figures += [plot.gaps(v, assessment=shared) for v in shared.relationships if len(v.views) >= 2]
    svgs = [plot.to_svg(figure) for figure in figures]
    for figure in figures:
        figure.clear()
    return svgs


def _csv(rows: list[dict[str, Any]], header: tuple[str, ...] | None = None) -> str:
    stream = io.StringIO()
    export.write_csv(rows, stream, header=header)
    return stream.getvalue()


OUTPUTS: dict[str, Callable[[Assessment], object]] = {
    "json": lambda a: a.to_json(),
    "markdown": report.markdown,
    "html": lambda a: report.html(a, charts=False),
    "groups.csv": lambda a: _csv(export.group_rows(a)),
    "findings.csv": lambda a: _csv(export.finding_rows(a), export.FINDING_COLUMNS),
    "notebook": lambda a: [
        a._repr_html_(),
        *(g._repr_html_() for g in a.shared_view().groups),
        *(v._repr_html_() for v in a.shared_view().relationships),
    ],
}


def _assess(responses: Responses) -> Assessment:
    return assess(responses, min_group_size=SIZE, claims=None, resamples=200, seed=3)


class TestWithheldAnswers:
    @settings(
        max_examples=40,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(surveys(), st.integers(0, 2**32 - 1))
    def test_change_no_shared_byte(
        self,
        survey: tuple[Responses, np.ndarray[Any, np.dtype[np.bool_]]],
        seed: int,
    ) -> None:
        """Changing every withheld answer leaves every shared output the same."""
        responses, withheld = survey
        before, after = _assess(responses), _assess(_changed(responses, withheld, seed))
        for name, output in OUTPUTS.items():
            assert output(before) == output(after), name

    @pytest.mark.filterwarnings("ignore::UserWarning")
    @settings(
        max_examples=4,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(surveys(), st.integers(0, 2**32 - 1))
    def test_charts_change_no_byte(
        self,
        survey: tuple[Responses, np.ndarray[Any, np.dtype[np.bool_]]],
        seed: int,
    ) -> None:
        """Every chart of the shared view stays the same (the HTML report inlines them)."""
        pytest.importorskip("matplotlib")
        responses, withheld = survey
        before, after = _assess(responses), _assess(_changed(responses, withheld, seed))
        assert _svgs(before) == _svgs(after)

    def test_a_shared_answer_does_change_the_output(self) -> None:
        """The property is not empty: changing an answer that is shared changes the JSON."""
        rows = [[3.0] * 10, [3.0] * 10, [2.0] * 10]
        base = Responses.from_arrays(rows, organisation="Alpha Council", about="internal")
        moved = Responses.from_arrays(
            [[3.0] * 10, [3.0] * 10, [4.0] * 10], organisation="Alpha Council", about="internal"
        )
        assert _assess(base).to_json() != _assess(moved).to_json()
