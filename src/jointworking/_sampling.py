"""How sure each group's figures are: the sampling models an assessment uses.

The engine (:mod:`jointworking._engine`) asks a :class:`~jointworking._engine.Sampling`
for each group's rung probabilities and the variance of its index, and knows nothing of
where they come from. This module gives it one of two models:

- :func:`from_responses`: the nonparametric bootstrap of each group's respondents, from
  the answer rows themselves (:func:`jointworking._uncertainty.bootstrap_rungs`);
- :func:`from_statistics`: a normal approximation to that bootstrap, from the cross sums
  that merged :class:`~jointworking.GroupStatistics` carry
  (:func:`jointworking._uncertainty.normal_rungs`), or nothing when they carry none.

Groups are the engine's: runs of cells, given as each cell's group.
"""

from __future__ import annotations

from typing import Final, Literal

import attrs
import numpy as np
import numpy.typing as npt

from jointworking import _uncertainty as u
from jointworking._engine import BoolArray, FloatArray, IntArray, Sampling
from jointworking.instrument import Instrument
from jointworking.responses import Responses
from jointworking.statistics import GroupStatistics

__all__ = ["from_responses", "from_statistics"]

#: Draws from the fitted normal in the approximation from sums.
NORMAL_DRAWS: Final = u.DRAWS
#: Respondents a group needs for the normal approximation to give its probabilities:
#: below about 12 the skew of a mean of a few answers makes it stray from the bootstrap
#: by more than 0.02 (see the concepts page "How sure a rung is").
MIN_NORMAL_RESPONDENTS: Final = 12


def _evenly_spaced(instrument: Instrument) -> float | None:
    """Return the spacing of the scale's points when they are evenly spaced, else None."""
    points = np.asarray(instrument.scale.values, dtype=np.float64)
    if points.size < 2:
        return None
    steps = np.diff(points)
    return float(steps[0]) if np.allclose(steps, steps[0], rtol=0, atol=1e-12) else None


@attrs.frozen(eq=False)
class _Bootstrap:
    """The bootstrap of each group's respondents, from the survey's answer rows."""

    responses: Responses
    resamples: int
    seed: int
    _cache: dict[str, FloatArray] = attrs.field(factory=dict, alias="cache")

    @property
    def method(self) -> Literal["bootstrap", "normal"]:
        return "bootstrap"

    def _rows(self, cell_group: IntArray, skip: BoolArray) -> IntArray:
        group = cell_group[self.responses._index.cell]
        keep: IntArray = np.where(skip[group], -1, group).astype(np.intp)
        return keep

    def rungs(
        self, cell_group: IntArray, n_groups: int, hidden: BoolArray, skip: BoolArray
    ) -> FloatArray:
        full = self._cache.get("rungs")
        if full is None:
            # The analyst's probabilities: nothing hidden, no group skipped.
            full = self._cache["rungs"] = self._estimate(
                cell_group, n_groups, None, np.zeros(n_groups, dtype=bool)
            )
        if not (hidden.any() or skip.any()):
            return full
        # Only the groups with something hidden need resampling again; the others' rows
        # and answers are the same, and so, draw for draw, are their probabilities.
        again = hidden.any(axis=1) & ~skip
        result = full.copy()
        result[skip] = np.nan
        if again.any():
            redone = self._estimate(cell_group, n_groups, hidden, ~again)
            result[again] = redone[again]
        return result

    def _estimate(
        self,
        cell_group: IntArray,
        n_groups: int,
        hidden: BoolArray | None,
        skip: BoolArray,
    ) -> FloatArray:
        inst = self.responses.instrument
        return u.bootstrap_rungs(
            self.responses.answers,
            self._rows(cell_group, skip),
            n_groups,
            rung_codes=inst._rung_codes(),
            thresholds=inst._thresholds(),
            hidden=hidden,
            resamples=self.resamples,
            seed=self.seed,
            points=np.asarray(inst.scale.values, dtype=np.float64),
        )

    def index_variance(
        self,
        cell_group: IntArray,
        n_groups: int,
        mean: FloatArray,
        hidden: BoolArray,
        skip: BoolArray,
    ) -> FloatArray:
        scale = self.responses.instrument.scale
        return u.index_variance_rows(
            self.responses.answers,
            self._rows(cell_group, skip),
            n_groups,
            mean=mean,
            low=scale.low,
            high=scale.high,
            hidden=hidden,
        )


@attrs.frozen(eq=False)
class _Normal:
    """The normal approximation to the bootstrap, from the statistics' cross sums."""

    statistics: GroupStatistics
    cross: FloatArray
    seed: int

    @property
    def method(self) -> Literal["bootstrap", "normal"]:
        return "normal"

    def _group_sums(
        self, cell_group: IntArray, n_groups: int
    ) -> tuple[npt.NDArray[np.int64], FloatArray]:
        respondents = np.bincount(
            cell_group, self.statistics.respondents.astype(np.float64), n_groups
        ).astype(np.int64)
        cross = np.stack(
            [np.bincount(cell_group, column, n_groups) for column in self.cross.T], axis=1
        ).astype(np.float64)
        return respondents, cross

    def rungs(
        self, cell_group: IntArray, n_groups: int, hidden: BoolArray, skip: BoolArray
    ) -> FloatArray:
        inst = self.statistics.instrument
        respondents, cross = self._group_sums(cell_group, n_groups)
        # A group with none gets NaN: skipped, and too few for the approximation.
        respondents = np.where(skip | (respondents < MIN_NORMAL_RESPONDENTS), 0, respondents)
        return u.normal_rungs(
            respondents,
            cross,
            rung_codes=inst._rung_codes(),
            thresholds=inst._thresholds(),
            low=inst.scale.low,
            step=_evenly_spaced(inst),
            hidden=hidden,
            draws=NORMAL_DRAWS,
            seed=self.seed,
        )

    def index_variance(
        self,
        cell_group: IntArray,
        n_groups: int,
        mean: FloatArray,
        hidden: BoolArray,
        skip: BoolArray,
    ) -> FloatArray:
        scale = self.statistics.instrument.scale
        respondents, cross = self._group_sums(cell_group, n_groups)
        variance = u.index_variance_sums(
            respondents, cross, mean=mean, low=scale.low, high=scale.high, hidden=hidden
        )
        return np.where(skip, np.nan, variance)


def from_responses(responses: Responses, *, resamples: int, seed: int) -> Sampling:
    """Return the bootstrap of each group's respondents."""
    return _Bootstrap(responses, resamples, seed)


def from_statistics(stats: GroupStatistics, *, resamples: int, seed: int) -> Sampling | None:
    """Return the normal approximation, where the statistics carry cross sums."""
    if stats.cross is None:
        return None
    return _Normal(stats, stats.cross, seed)
