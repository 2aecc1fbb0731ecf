"""The engine's array kernels against plain loops over the same rows."""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from jointworking._engine import _GroupSums, _spread_runs, _starts
from jointworking.instrument import MORLEY_2016
from jointworking.ladder import _place

# Runs of rows: each run's length, 1 to 5 rows.
lengths = st.lists(st.integers(1, 5), min_size=1, max_size=12)
# Values with NaN (absent), on a coarse grid so that ties are common.
cells = st.one_of(st.just(math.nan), st.integers(0, 8).map(lambda k: k / 2))


def starts_of(sizes: list[int]) -> npt.NDArray[np.intp]:
    return np.concatenate(([0], np.cumsum(sizes)[:-1])).astype(np.intp)


def runs_of(values: npt.NDArray[np.float64], sizes: list[int]) -> list[npt.NDArray[np.float64]]:
    return np.split(values, np.cumsum(sizes)[:-1])


class TestSpreadRuns:
    @given(data=st.data(), sizes=lengths, width=st.integers(1, 3))
    def test_matches_a_loop(self, data: st.DataObject, sizes: list[int], width: int) -> None:
        """Max - min of each run's present values, NaN with fewer than two."""
        values = data.draw(hnp.arrays(np.float64, (sum(sizes), width), elements=cells))
        got = _spread_runs(values, starts_of(sizes))
        for row, run in zip(got, runs_of(values, sizes), strict=True):
            for column in range(width):
                present = run[:, column][~np.isnan(run[:, column])]
                want = present.max() - present.min() if present.size >= 2 else math.nan
                assert row[column] == want or (math.isnan(want) and math.isnan(row[column]))

    @given(data=st.data(), sizes=lengths)
    def test_one_dimension(self, data: st.DataObject, sizes: list[int]) -> None:
        """A vector of runs gives the same as its single column."""
        values = data.draw(hnp.arrays(np.float64, sum(sizes), elements=cells))
        flat = _spread_runs(values, starts_of(sizes))
        column = _spread_runs(values[:, np.newaxis], starts_of(sizes))[:, 0]
        np.testing.assert_array_equal(flat, column)


class TestGroupSums:
    @given(data=st.data(), sizes=lengths, fortran=st.booleans())
    def test_matches_a_loop(self, data: st.DataObject, sizes: list[int], fortran: bool) -> None:
        """Whole numbers and floats summed over each run, whatever the memory order."""
        n = sum(sizes)
        counts = data.draw(hnp.arrays(np.int64, (n, 3), elements=st.integers(0, 10**6)))
        totals = data.draw(
            hnp.arrays(np.float64, (n, 3), elements=st.floats(-1e6, 1e6, allow_nan=False))
        )
        people = data.draw(hnp.arrays(np.int64, n, elements=st.integers(1, 10**6)))
        if fortran:
            counts, totals = np.asfortranarray(counts), np.asfortranarray(totals)
        add = _GroupSums(starts_of(sizes), n)
        for values in (counts, totals, people):
            got = add(values)
            assert got.dtype == values.dtype
            assert got.shape == (len(sizes), *values.shape[1:])
            for row, run in zip(got, runs_of(values, sizes), strict=True):
                # np.bincount adds in row order; so does this loop.
                want = run[0].copy()
                for later in run[1:]:
                    want += later
                np.testing.assert_array_equal(row, want)


class TestStarts:
    @given(
        keys=hnp.arrays(
            np.intp, st.tuples(st.integers(0, 30), st.integers(1, 4)), elements=st.integers(0, 2)
        )
    )
    def test_matches_a_loop(self, keys: npt.NDArray[np.intp]) -> None:
        """A run begins at the first row and wherever a row differs from the one before."""
        ordered = keys[np.lexsort(keys.T[::-1])] if keys.shape[0] else keys
        want = [
            i for i in range(ordered.shape[0]) if i == 0 or (ordered[i] != ordered[i - 1]).any()
        ]
        assert _starts(ordered).tolist() == want


class TestPlace:
    @given(
        scores=hnp.arrays(
            np.float64,
            st.tuples(st.integers(0, 8), st.just(10)),
            elements=st.one_of(st.just(math.nan), st.integers(0, 16).map(lambda k: k / 4)),
        )
    )
    def test_rows_match_the_rules(self, scores: npt.NDArray[np.float64]) -> None:
        """Each row's rung, index and met questions follow from the rules, row by row."""
        codes, thresholds = MORLEY_2016._rung_codes(), MORLEY_2016._thresholds()
        rung, index, met = _place(scores, codes, thresholds, 0.0, 4.0)
        for row, got_rung, got_index, got_met in zip(scores, rung, index, met, strict=True):
            want_met = [not math.isnan(s) and s >= t for s, t in zip(row, thresholds, strict=True)]
            collaboration = all(m for m, c in zip(want_met, codes, strict=True) if c == 1)
            partnership = collaboration and all(
                m for m, c in zip(want_met, codes, strict=True) if c == 2
            )
            answered = [s for s in row if not math.isnan(s)]
            want_index = 25.0 * sum(answered) / len(answered) if answered else math.nan
            assert got_met.tolist() == want_met
            assert got_rung == collaboration + partnership
            if answered:
                assert math.isclose(got_index, want_index, rel_tol=1e-12, abs_tol=1e-12)
            else:
                assert math.isnan(got_index)
