"""Mergeable per-group statistics: sums by hand, merging, from_sums, and chunked == whole."""

from __future__ import annotations

import itertools
import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import jointworking as jw
from builders import records, survey
from jointworking import ArgumentError, GroupStatistics, Responses
from jointworking._uncertainty import unpack_gram

TOP = [4] * 10
LOW = [1] * 10


def small_survey() -> Responses:
    answers: list[list[float | None]] = [
        [4, 3, None, *[2] * 7],
        [2, 3, 1, *[2] * 7],
        [0, None, None, *[3] * 7],
        [4, 4, 4, *[4] * 7],
    ]
    return Responses.from_arrays(
        answers,
        organisation=["A", "A", "A", "B"],
        about=["internal", "internal", "B", "A"],
        unit=["Housing", "Parks", "Housing", None],
    )


class TestFromResponses:
    def test_sums_by_hand(self) -> None:
        """Counts, sums and sums of squares per cell, checked by hand arithmetic."""
        stats = GroupStatistics.from_responses(small_survey())
        # Cells sorted by organisation, about, wave, unit.
        assert stats.organisation.tolist() == ["A", "A", "A", "B"]
        assert stats.about.tolist() == ["B", "internal", "internal", "A"]
        assert stats.unit.tolist() == ["Housing", "Housing", "Parks", ""]
        assert stats.wave.tolist() == ["", "", "", ""]
        assert stats.respondents.tolist() == [1, 1, 1, 1]
        # A about B: answers 0, missing, missing, 3 x 7
        assert stats.count[0].tolist() == [1, 0, 0, *[1] * 7]
        assert stats.total[0].tolist() == [0.0, 0.0, 0.0, *[3.0] * 7]
        # A internal, Housing: 4, 3, missing
        assert stats.count[1, :3].tolist() == [1, 1, 0]
        assert stats.total_sq[1, :3].tolist() == [16.0, 9.0, 0.0]
        assert len(stats) == 4
        assert stats.organisations == ("A", "B")

    def test_arrays_are_read_only(self) -> None:
        stats = GroupStatistics.from_responses(small_survey())
        with pytest.raises(ValueError, match="read-only"):
            stats.count[0, 0] = 5

    def test_refuses_other_input(self) -> None:
        with pytest.raises(ArgumentError, match="expected a Responses collection"):
            GroupStatistics.from_responses([1, 2, 3])  # type: ignore[arg-type]


class TestMerge:
    def test_halves_merge_to_whole(self) -> None:
        r = small_survey()
        whole = GroupStatistics.from_responses(r)
        first = GroupStatistics.from_responses(r.select([0, 3]))
        second = GroupStatistics.from_responses(r.select([1, 2]))
        assert first.merge(second) == whole
        assert second.merge(first) == whole
        assert GroupStatistics.merge_all([second, first]) == whole

    def test_same_cell_in_two_chunks_adds_up(self) -> None:
        r = Responses.from_arrays([TOP, LOW, TOP], organisation="A", about="internal")
        merged = GroupStatistics.from_responses(r.select([0])).merge(
            GroupStatistics.from_responses(r.select([1, 2]))
        )
        assert merged.respondents.tolist() == [3]
        assert merged.total[0].tolist() == [9.0] * 10
        assert merged.total_sq[0].tolist() == [33.0] * 10

    def test_refuses_other_instruments_and_objects(self) -> None:
        stats = GroupStatistics.from_responses(small_survey())
        other = jw.Instrument.from_dict({**jw.MORLEY_2016.to_dict(), "name": "Other"})
        answers = np.full((1, len(other.questions)), 2.0)
        elsewhere = GroupStatistics.from_responses(
            Responses.from_arrays(answers, organisation="A", about="internal", instrument=other)
        )
        with pytest.raises(ArgumentError, match="only statistics of the same instrument"):
            stats.merge(elsewhere)
        with pytest.raises(ArgumentError, match=r"statistics\[1\]: expected GroupStatistics"):
            stats.merge("chunk")  # type: ignore[arg-type]
        with pytest.raises(ArgumentError, match="at least one"):
            GroupStatistics.merge_all([])

    def test_refuses_more_respondents_than_add_exactly(self) -> None:
        """Sums of squares past 2**53 are no longer exact in float64: refused, not rounded.

        On the 0-4 scale a respondent adds at most 16 to a sum of squares, so 2**49
        respondents could reach 2**53.
        """
        half = GroupStatistics.from_sums(
            organisation=["A"],
            about=["internal"],
            respondents=[2**48],
            count=np.zeros((1, 10)),
            total=np.zeros((1, 10)),
            total_sq=np.zeros((1, 10)),
        )
        assert half.merge().respondents.tolist() == [2**48]
        with pytest.raises(ArgumentError, match=f"together they count {2**49} respondents"):
            half.merge(half)
        with pytest.raises(ArgumentError, match="too many for their sums of squares"):
            GroupStatistics.merge_all([half] * 3)

    def test_results_read_a_question_at_a_time(self) -> None:
        """However built, the per-question arrays are column-major and read-only."""
        r = small_survey()
        whole = GroupStatistics.from_responses(r)
        pieces = GroupStatistics.from_responses(r.select([0])).merge(
            GroupStatistics.from_responses(r.select([1, 2, 3]))
        )
        rebuilt = GroupStatistics.from_sums(**sums_of(whole))
        for stats in (whole, pieces, rebuilt):
            for array in (stats.count, stats.total, stats.total_sq):
                assert array.flags.f_contiguous
                assert not array.flags.writeable

    def test_not_equal_to_other_things(self) -> None:
        stats = GroupStatistics.from_responses(small_survey())
        assert stats != "stats"
        assert stats != GroupStatistics.from_responses(small_survey().select([0, 1]))
        assert "4 cells, 4 respondents" in repr(stats)


def sums_of(stats: GroupStatistics, **changes: Any) -> dict[str, Any]:
    arguments: dict[str, Any] = {
        "organisation": stats.organisation,
        "about": stats.about,
        "wave": stats.wave,
        "unit": stats.unit,
        "respondents": stats.respondents,
        "count": stats.count,
        "total": stats.total,
        "total_sq": stats.total_sq,
        "cross": stats.cross,
    }
    arguments.update(changes)
    return arguments


class TestFromSums:
    def test_round_trip(self) -> None:
        stats = GroupStatistics.from_responses(small_survey())
        assert GroupStatistics.from_sums(**sums_of(stats)) == stats

    def test_any_row_order(self) -> None:
        """Rows from a group-by come in any order; the cells are put in order."""
        stats = GroupStatistics.from_responses(small_survey())
        order = [2, 0, 3, 1]
        shuffled: dict[str, Any] = {k: np.asarray(v)[order] for k, v in sums_of(stats).items()}
        assert GroupStatistics.from_sums(**shuffled) == stats

    def test_floats_from_a_group_by_are_accepted(self) -> None:
        """Counts arrive as floats from some group-bys; whole floats are fine."""
        stats = GroupStatistics.from_responses(small_survey())
        given = sums_of(stats, count=stats.count.astype(float), wave=None)
        assert GroupStatistics.from_sums(**given) == stats.merge()

    @pytest.mark.parametrize(
        ("changes", "message"),
        [
            ({"count": np.ones((4, 9))}, r"count: expected shape \(4, 10\)"),
            ({"count": np.full((4, 10), 0.5)}, "count: row 1: expected a whole number"),
            ({"respondents": [1, 1, 1, 0]}, "respondents: row 4: expected at least 1"),
            ({"count": np.full((4, 10), 2)}, "count: row 1, question column 1: expected at most"),
            ({"total": np.full((4, 10), 50.0)}, "total: row 1, question column 1: expected the"),
            ({"total": np.full((4, 10), np.nan)}, "total: row 1, column 1: expected a finite"),
            ({"total_sq": np.full((4, 10), -1.0)}, "total_sq: row 1, question column 1"),
            # Two answers summing to 4 on the 0-4 scale have squares summing to at most 16.
            (
                {
                    "respondents": [2] * 4,
                    "count": np.full((4, 10), 2),
                    "total": np.full((4, 10), 4.0),
                    "total_sq": np.full((4, 10), 17.0),
                },
                "total_sq: row 1, question column 1: expected the sum of the counted",
            ),
            ({"respondents": [1e20, 1, 1, 1]}, "respondents: row 1: expected a whole number"),
            (
                {
                    "count": np.full((4, 10), 1),
                    "total": np.full((4, 10), 2.0),
                    "total_sq": np.full((4, 10), 1.0),
                },
                "negative variance",
            ),
            ({"organisation": ["A", "A", " ", "B"]}, r"organisation \(row 3\): expected a name"),
            ({"about": ["B", "internal", "internal", "B"]}, "about: row 4: 'B' is about itself"),
        ],
    )
    def test_refuses_impossible_sums(self, changes: dict[str, Any], message: str) -> None:
        stats = GroupStatistics.from_responses(small_survey())
        with pytest.raises(ArgumentError, match=message):
            GroupStatistics.from_sums(**sums_of(stats, **changes))

    def test_sums_of_no_answers_are_exactly_zero(self) -> None:
        """Rounding noise in the sums of a question nobody answered is made exact."""
        stats = GroupStatistics.from_responses(small_survey())
        count = stats.count.copy()
        total, total_sq = stats.total.copy(), stats.total_sq.copy()
        count[0, 0], total[0, 0], total_sq[0, 0] = 0, 1e-12, 1e-12
        rebuilt = GroupStatistics.from_sums(
            **sums_of(stats, count=count, total=total, total_sq=total_sq, cross=None)
        )
        assert (rebuilt.total[0, 0], rebuilt.total_sq[0, 0]) == (0.0, 0.0)

    def test_refuses_a_cell_given_twice(self) -> None:
        stats = GroupStatistics.from_responses(small_survey())
        twice = sums_of(stats, unit=["Housing", "Housing", "Housing", ""])
        with pytest.raises(
            ArgumentError,
            match=r"rows 2 and 3 are the same cell \('A', 'internal', '', 'Housing'\)",
        ):
            GroupStatistics.from_sums(**twice)

    def test_refuses_no_cells(self) -> None:
        with pytest.raises(ArgumentError, match="at least one cell"):
            GroupStatistics.from_sums(
                organisation=[],
                about=[],
                respondents=[],
                count=np.zeros((0, 10)),
                total=np.zeros((0, 10)),
                total_sq=np.zeros((0, 10)),
            )

    def test_a_pandas_group_by_gives_the_same_statistics(self) -> None:
        """The recipe of the large-surveys how-to (there with Dask), run with pandas."""
        pd = pytest.importorskip("pandas")
        r = small_survey()
        frame = pd.DataFrame(r.answers, columns=[f"q{n}" for n in r.instrument.numbers])
        for name in ("organisation", "about", "wave", "unit"):
            frame[name] = getattr(r, name)
        questions = [f"q{n}" for n in r.instrument.numbers]
        squares = frame[questions].pow(2).add_suffix("_sq")
        keys = ["organisation", "about", "wave", "unit"]
        grouped = pd.concat([frame, squares], axis=1).groupby(keys)
        counts = grouped[questions].count()
        totals = grouped[questions].sum()
        total_sq = grouped[list(squares.columns)].sum()
        size = grouped.size()
        index = counts.index.to_frame(index=False)
        stats = GroupStatistics.from_sums(
            organisation=index["organisation"],
            about=index["about"],
            wave=index["wave"],
            unit=index["unit"],
            respondents=size.to_numpy(),
            count=counts.to_numpy(),
            total=totals.to_numpy(),
            total_sq=total_sq.to_numpy(),
        )
        assert stats == GroupStatistics.from_responses(r, cross=False)

    def test_cross_sums_from_a_pandas_group_by(self) -> None:
        """The cross sums are group-by sums too: of q_j * q_k, of q_j where q_k was
        answered, and of both answered (in SQL, SUM(q1 * q2), SUM(CASE WHEN q2 IS NOT
        NULL THEN q1 END), COUNT(q1 + q2))."""
        pd = pytest.importorskip("pandas")
        r = small_survey()
        questions = [f"q{n}" for n in r.instrument.numbers]
        frame = pd.DataFrame(r.answers, columns=questions)
        answered = frame.notna().astype(float)
        keys = ["organisation", "about", "wave", "unit"]
        parts = {}
        where: dict[str, tuple[int, int]] = {}
        for i, j in itertools.product(range(10), repeat=2):
            qi, qj = questions[i], questions[j]
            parts[f"xx{i}_{j}"] = frame[qi] * frame[qj]  # NaN unless both answered
            parts[f"xa{i}_{j}"] = frame[qi].where(answered[qj] > 0)
            parts[f"aa{i}_{j}"] = answered[qi] * answered[qj]
            where |= {f"xx{i}_{j}": (i, j), f"xa{i}_{j}": (i, 10 + j)}
            where[f"aa{i}_{j}"] = (10 + i, 10 + j)
        table = pd.DataFrame(parts)
        for name in keys:
            table[name] = getattr(r, name)
        sums = table.groupby(keys).sum()  # missing products add nothing
        gram = np.zeros((len(sums), 20, 20))
        for name, column in sums.items():
            row, col = where[str(name)]
            gram[:, row, col] = gram[:, col, row] = column.to_numpy()
        whole = GroupStatistics.from_responses(r)
        labels = sums.index.to_frame(index=False)
        stats = GroupStatistics.from_sums(
            **sums_of(whole, cross=gram, **{k: labels[k] for k in keys}),
        )
        assert stats == whole


def direct_gram(answers: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    """Z^T Z of one cell's rows, Z = [answers with 0 for missing, answered indicators]."""
    missing = np.isnan(answers)
    z = np.concatenate((np.where(missing, 0.0, answers), (~missing).astype(float)), axis=1)
    gram: np.ndarray[Any, Any] = z.T @ z
    return gram


class TestCrossSums:
    def test_by_hand(self) -> None:
        stats = GroupStatistics.from_responses(small_survey())
        assert stats.cross is not None
        full = unpack_gram(stats.cross, 10)
        # Cell 1 (A internal, Housing) is one respondent: 4, 3, missing, 2 x 7.
        assert full[1, 0, 1] == 12.0  # q1 x q2
        assert full[1, 0, 2] == 0.0  # q1 x q3: q3 missing
        assert full[1, 0, 10 + 2] == 0.0  # q1 where q3 answered
        assert full[1, 0, 10 + 3] == 4.0  # q1 where q4 answered
        assert full[1, 10 + 0, 10 + 1] == 1.0  # both answered
        assert full[1, 10 + 2, 10 + 2] == 0.0
        # The diagonals are the other sums.
        for cell in range(4):
            np.testing.assert_array_equal(np.diagonal(full[cell, :10, :10]), stats.total_sq[cell])
            np.testing.assert_array_equal(np.diagonal(full[cell, :10, 10:]), stats.total[cell])
            np.testing.assert_array_equal(np.diagonal(full[cell, 10:, 10:]), stats.count[cell])

    def test_read_only_and_sized(self) -> None:
        stats = GroupStatistics.from_responses(small_survey())
        assert stats.cross is not None
        assert stats.cross.shape == (4, 210)
        with pytest.raises(ValueError, match="read-only"):
            stats.cross[0, 0] = 1.0

    def test_skipped_on_request_and_lost_in_a_merge_with_none(self) -> None:
        r = small_survey()
        without = GroupStatistics.from_responses(r, cross=False)
        with_them = GroupStatistics.from_responses(r)
        assert without.cross is None
        assert without != with_them
        assert without.merge(with_them).cross is None
        assert with_them.merge(without).cross is None
        assert with_them.merge(with_them).cross is not None
        with pytest.raises(ArgumentError, match="cross: expected True or False"):
            GroupStatistics.from_responses(r, cross=1)  # type: ignore[arg-type]

    @pytest.mark.parametrize(
        "values", [(0, 1, 2, 3, 4), (0.0, 0.5, 1.0, 1.5, 2.0), (0, 1e3, 2e3, 3e3, 4e3)]
    )
    def test_each_cell_is_its_gram_matrix(self, values: tuple[float, ...]) -> None:
        """On the evidence scale, on halves, and on a scale whose squares pass 2**24 (so
        computed in float64), each cell's cross sums are Z^T Z of its rows, exactly."""
        spec = jw.MORLEY_2016.to_dict()
        spec["scale"] = {
            **spec["scale"],
            "points": [
                {**point, "value": value}
                for point, value in zip(spec["scale"]["points"], values, strict=True)
            ],
        }
        spec["ladder"] = {"collaboration": values[3], "partnership": values[3]}
        instrument = jw.Instrument.from_dict(spec)
        rng = np.random.default_rng(6)
        n = 300
        answers = rng.choice(np.asarray(values, dtype=float), size=(n, 10))
        answers[rng.random((n, 10)) < 0.1] = np.nan
        organisation = rng.choice(["A", "B", "C"], size=n)
        unit = rng.choice(["", "Care", "Parks", "Roads"], size=n)
        r = Responses.from_arrays(
            answers, organisation=organisation, about="internal", unit=unit, instrument=instrument
        )
        stats = GroupStatistics.from_responses(r)
        assert stats.cross is not None
        full = unpack_gram(stats.cross, 10)
        for cell in range(len(stats)):
            rows = (r.organisation == stats.organisation[cell]) & (r.unit == stats.unit[cell])
            np.testing.assert_array_equal(full[cell], direct_gram(answers[rows]))

    def test_from_sums_takes_packed_or_full(self) -> None:
        stats = GroupStatistics.from_responses(small_survey())
        assert stats.cross is not None
        full = unpack_gram(stats.cross, 10)
        assert GroupStatistics.from_sums(**sums_of(stats, cross=full)) == stats
        assert GroupStatistics.from_sums(**sums_of(stats, cross=stats.cross.tolist())) == stats
        rows = [3, 1, 0, 2]
        shuffled: dict[str, Any] = {k: np.asarray(v)[rows] for k, v in sums_of(stats).items()}
        assert GroupStatistics.from_sums(**shuffled) == stats

    def test_rounding_noise_where_nobody_answered_both_is_made_zero(self) -> None:
        stats = GroupStatistics.from_responses(small_survey())
        assert stats.cross is not None
        full = unpack_gram(stats.cross, 10)
        full[1, 0, 2] = full[1, 2, 0] = 1e-12  # q1 x q3, nobody answered q3
        rebuilt = GroupStatistics.from_sums(**sums_of(stats, cross=full))
        assert rebuilt == stats

    @pytest.mark.parametrize(
        ("change", "message"),
        [
            ("shape", r"cross: expected shape \(4, 210\) .* or \(4, 20, 20\)"),
            ("text", "cross: expected numbers"),
            ("nan", "cross: row 2: expected finite numbers"),
            ("asymmetric", "cross: row 2: expected a symmetric 20 x 20 matrix"),
            ("count", "cross: row 2, question columns 4 and 4: its pair counts' diagonal"),
            ("total", "cross: row 2, question columns 4 and 4: its answer sums' diagonal"),
            ("total_sq", "cross: row 2, question columns 4 and 4: its product sums' diagonal"),
            ("both", "cross: row 2, question columns 1 and 2: expected how many answered both"),
            ("half", "cross: row 2, question columns 1 and 2: expected how many answered both"),
            ("fewer", "cross: row 3, question columns 1 and 4: fewer answered both"),
            ("answers", "cross: row 2, question columns 1 and 2: expected sums of answers"),
            ("products", "cross: row 2, question columns 1 and 2: expected sums of products"),
            ("gram", "cross: row 3: the sums are not those of any set of answers"),
        ],
    )
    def test_refuses_impossible_cross_sums(self, change: str, message: str) -> None:
        r = Responses.from_arrays(
            [
                [4, 3, 2, 1, 2, 3, 3, 3, 3, 3],
                [3, 3, 2, 2, 2, 3, 3, 3, 3, 3],
                [1, 2, 3, 4, 3, 2, 3, 3, 3, 3],
                [1, 1, 1, 1, 1, 1, 1, 1, 1, 1],
                [2, 4, 2, 4, 2, 4, 2, 4, 2, 4],
            ],
            organisation=["A", "A", "A", "B", "B"],
            about=["internal", "internal", "C", "internal", "internal"],
            unit=["", "", "", "", "x"],
        )
        stats = GroupStatistics.from_responses(r)
        assert stats.cross is not None
        full = unpack_gram(stats.cross, 10)
        given: Any = full.copy()
        # Row 2 (A internal) has two respondents, row 3 (B internal) one.
        if change == "shape":
            given = full[:, :10, :10]
        elif change == "text":
            given = [["x"] * 210] * 4
        elif change == "nan":
            given[1, 0, 1] = np.nan
        elif change == "asymmetric":
            given[1, 0, 1] += 1.0
        elif change in ("count", "total", "total_sq"):
            row, col = {"count": (13, 13), "total": (3, 13), "total_sq": (3, 3)}[change]
            given[1, row, col] += 1.0
            given[1, col, row] = given[1, row, col]
        elif change in ("both", "half"):
            given[1, 10, 11] = given[1, 11, 10] = 3.0 if change == "both" else 1.5
        elif change == "fewer":
            # Row 3's one respondent answered both q1 and q4: none can have answered both.
            b_internal = 2
            given[b_internal, 10, 13] = given[b_internal, 13, 10] = 0.0
        elif change == "answers":
            given[1, 0, 11] += 10.0
            given[1, 11, 0] = given[1, 0, 11]
        elif change == "products":
            given[1, 0, 1] = given[1, 1, 0] = 40.0
        elif change == "gram":
            # Within every bound, but no set of answers has these sums (q1 and q2 of the
            # one respondent would have to be 1 and 1, yet their product 0).
            given[2, 0, 1] = given[2, 1, 0] = 0.0
        with pytest.raises(ArgumentError, match=message):
            GroupStatistics.from_sums(**sums_of(stats, cross=given))


ORGS = ("A", "B", "C", "D")


@st.composite
def surveys(draw: st.DrawFn) -> Responses:
    n = draw(st.integers(1, 40))
    organisation = draw(st.lists(st.sampled_from(ORGS), min_size=n, max_size=n))
    about = [
        draw(st.sampled_from(["internal", *(o for o in ORGS if o != org)])) for org in organisation
    ]
    point = st.one_of(st.none(), st.integers(0, 4))
    answers = draw(st.lists(st.lists(point, min_size=10, max_size=10), min_size=n, max_size=n))
    wave = draw(st.lists(st.sampled_from(["", "2025", "2026"]), min_size=n, max_size=n))
    unit = draw(st.lists(st.sampled_from(["", "Housing", "Care"]), min_size=n, max_size=n))
    return Responses.from_arrays(
        answers, organisation=organisation, about=about, wave=wave, unit=unit
    )


def chunked(responses: Responses, cuts: list[int], order: list[int]) -> GroupStatistics:
    """Statistics of `responses` split at `cuts` (after a shuffle), merged in `order`."""
    rows = np.asarray(order)
    bounds = sorted({0, *(c % len(responses) for c in cuts), len(responses)})
    pieces = [rows[a:b] for a, b in itertools.pairwise(bounds) if b > a]
    return GroupStatistics.merge_all(
        GroupStatistics.from_responses(responses.select(piece)) for piece in pieces
    )


def same_assessment(a: jw.Assessment, b: jw.Assessment) -> None:
    assert a.to_dict(shared=False) == b.to_dict(shared=False)
    assert list(a.findings) == list(b.findings)
    assert list(a.groups) == list(b.groups)
    assert list(a.relationships) == list(b.relationships)
    assert list(a.progress) == list(b.progress)


class TestChunkedEqualsWhole:
    @settings(max_examples=60, deadline=None)
    @given(data=st.data(), responses=surveys())
    def test_chunks_in_any_order_merge_to_the_whole(
        self, data: st.DataObject, responses: Responses
    ) -> None:
        """Any split of the rows, merged in any order, gives exactly the whole's statistics
        and exactly the assessment of the whole's statistics."""
        n = len(responses)
        order = data.draw(st.permutations(range(n)))
        cuts = data.draw(st.lists(st.integers(0, max(n - 1, 0)), max_size=5))
        merged = chunked(responses, cuts, order)
        whole = GroupStatistics.from_responses(responses)
        assert merged == whole
        assert merged.cross is not None  # the cross sums too merge exactly
        # Sums cannot be resampled: statistics are assessed alike however they were
        # split, and as the whole survey's statistics.
        same_assessment(jw.assess(merged), jw.assess(whole))

    @settings(max_examples=30, deadline=None)
    @given(a=surveys(), b=surveys(), c=surveys())
    def test_merge_is_associative_and_commutative(
        self, a: Responses, b: Responses, c: Responses
    ) -> None:
        x, y, z = (GroupStatistics.from_responses(r) for r in (a, b, c))
        assert x.merge(y).merge(z) == x.merge(y.merge(z)) == z.merge(x, y)

    def test_example_survey_in_chunks(self) -> None:
        """The built-in example, in chunks of 25 respondents, assesses exactly as the whole
        survey's statistics."""
        example = jw.load_example()
        r = example.responses
        merged = GroupStatistics.merge_all(
            GroupStatistics.from_responses(r.select(np.arange(i, min(i + 25, len(r)))))
            for i in range(0, len(r), 25)
        )
        same_assessment(
            jw.assess(merged, claims=example.claims, arrangements=example.arrangements),
            jw.assess(
                GroupStatistics.from_responses(r),
                claims=example.claims,
                arrangements=example.arrangements,
            ),
        )
        assert jw.assess(merged).statistics == merged


def test_select_rows() -> None:
    r = survey(records("A", "internal", [TOP, LOW, TOP]))
    assert r.select([True, False, True]).respondent.tolist() == [
        "A-internal-0",
        "A-internal-2",
    ]
    assert r.select([-1]).respondent.tolist() == ["A-internal-2"]
    bad_rows: list[tuple[Any, str]] = [
        ([True], "expected a mask of 3 booleans"),
        ([5], "from 0 to 2"),
        ([], "at least one row"),
        ([[0]], "boolean mask or a list of row numbers"),
    ]
    for bad, message in bad_rows:
        with pytest.raises(ArgumentError, match=message):
            r.select(bad)
    assert math.isnan(r.select([0]).answers[0, 0]) is False


@settings(max_examples=40, deadline=None)
@given(responses=surveys())
def test_group_figures_add_up_their_units(responses: Responses) -> None:
    """A group split into units (cells) has the count and mean of all its rows, computed
    here directly from the answers."""
    for group in jw.assess(responses).groups:
        rows = (
            (responses.organisation == group.organisation)
            & (responses.about == group.about)
            & (responses.wave == group.wave)
        )
        answers = responses.answers[rows]
        answered = ~np.isnan(answers)
        assert group.respondents == int(rows.sum())
        assert group.count == tuple(int(c) for c in answered.sum(axis=0))
        sums = np.where(answered, answers, 0.0).sum(axis=0)
        for q, c in enumerate(answered.sum(axis=0)):
            if c:
                assert group.mean[q] == pytest.approx(sums[q] / c, rel=1e-12)
            else:
                assert math.isnan(group.mean[q])


@pytest.mark.parametrize("values", [(0, 2, 4, 6, 8), (0.0, 0.5, 1.0, 1.5, 2.0), (1, 2, 3, 4, 5)])
def test_any_scale_sums_by_hand(values: tuple[float, ...]) -> None:
    """Scales whose points are not 0, 1, 2, ... are summed too (by a second method),
    checked against plain sums of the answers."""
    spec = jw.MORLEY_2016.to_dict()
    spec["scale"] = {
        **spec["scale"],
        "points": [
            {**point, "value": value}
            for point, value in zip(spec["scale"]["points"], values, strict=True)
        ],
    }
    spec["ladder"] = {"collaboration": values[3], "partnership": values[3]}  # on the scale
    instrument = jw.Instrument.from_dict(spec)
    rng = np.random.default_rng(5)
    answers = rng.choice(np.asarray(values, dtype=float), size=(30, 10))
    answers[rng.random((30, 10)) < 0.2] = np.nan
    organisation = ["A"] * 12 + ["B"] * 18
    r = Responses.from_arrays(
        answers, organisation=organisation, about="internal", instrument=instrument
    )
    stats = GroupStatistics.from_responses(r)
    for row, rows in ((0, slice(0, 12)), (1, slice(12, 30))):
        part = answers[rows]
        answered = ~np.isnan(part)
        assert stats.count[row].tolist() == answered.sum(axis=0).tolist()
        assert stats.total[row] == pytest.approx(np.where(answered, part, 0).sum(axis=0))
        assert stats.total_sq[row] == pytest.approx(np.where(answered, part**2, 0).sum(axis=0))
