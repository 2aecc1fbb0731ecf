"""Mergeable per-group statistics: assess a survey in pieces, or on a cluster.

Everything :func:`~jointworking.assess` computes from the answers (means, standard
deviations, agreement, placements, unit gaps) depends on them only through a few sums per
group and question: how many answered, the sum of their answers and the sum of their
squares. :class:`GroupStatistics` holds those sums, one row per *cell* (an organisation,
what it answered about, a wave and a unit), and sums add up: the statistics of a whole
survey are the :meth:`~jointworking.GroupStatistics.merge` of the statistics of any split of its
respondents. So a survey too large to hold at once can be read in chunks
(``read_responses(..., chunk_size=...)``), each chunk reduced to statistics, and the
merged statistics assessed; the result equals assessing the whole survey at once, except
for how sure each rung is, which sums alone can only approximate.

:class:`GroupStatistics` can also hold each cell's *cross sums* (its ``cross``
attribute): for every pair of questions, how many answered both, the sum of each one's
answers among them, and the sum of the products of their answers. They add up like the
other sums, and they tell how the answers to different questions vary together: the
sampling covariance of the question means, hence a normal approximation to the
uncertainty of a rung and the variance of an index (see :doc:`/concepts/uncertainty`),
from merged statistics alone.

On the evidence scale (and on any scale whose points are whole numbers) the sums are
whole numbers, held exactly in float64, so merging is exact in any order. On a scale
with fractional points, merged sums can differ from whole-survey sums in the last binary
digit.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from jointworking._uncertainty import gram_indices, gram_length, pack_gram, unpack_gram
from jointworking.errors import ArgumentError
from jointworking.instrument import MORLEY_2016, Instrument
from jointworking.responses import (
    Responses,
    _about,
    _check_self_reference,
    _check_similar_names,
    _column,
    _combine,
    _Index,
    _index_of,
    _optional_name,
    _organisation_name,
)

__all__ = ["GroupStatistics"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


def _frozen(array: npt.NDArray[Any]) -> npt.NDArray[Any]:
    array.flags.writeable = False
    return array


@attrs.frozen(eq=False)
class GroupStatistics:
    r"""Per-cell sums of a survey's answers: what assessing it needs, in mergeable form.

    A cell is the respondents of one organisation about one thing (``"internal"``, a
    partner or an arrangement) in one wave and one unit (``""`` where none was given).
    Build one with :meth:`from_responses` or :meth:`from_sums`, combine several with
    :meth:`merge`, and pass it to :func:`~jointworking.assess` in place of the responses.

    Attributes
    ----------
    instrument : Instrument
    organisation, about, wave, unit : ndarray of str (object), shape (n_cells,)
        Each cell's labels; cells are sorted by organisation, about, wave and unit, each
        combination once.
    respondents : ndarray of int64, shape (n_cells,)
        How many people are in each cell (including any who answered nothing).
    count : ndarray of int64, shape (n_cells, n_questions)
        Per question, how many answered ("don't know" and blanks are not counted).
    total, total_sq : ndarray of float64, shape (n_cells, n_questions)
        Per question, the sum of the answers and the sum of their squares.
    cross : ndarray of float64, shape (n_cells, Q (2Q + 1)), or None
        The cross sums, or None when they were not computed (``cross=False``) or came
        from statistics lacking them. For the cell's respondents, let :math:`\tilde x`
        be the answer matrix with missing answers as 0 and :math:`a` the matrix of
        answered indicators (1 answered, 0 missing), both ``(respondents, Q)``. `cross`
        is the upper triangle, row by row (the order of ``numpy.triu_indices(2 * Q)``),
        of the symmetric ``2Q x 2Q`` Gram matrix :math:`Z^\top Z` of
        :math:`Z = [\tilde x, a]`. Its blocks are, for questions :math:`j, k`:
        :math:`\sum \tilde x_j \tilde x_k` (the sum of the products of their answers
        over those who answered both; the diagonal is `total_sq`),
        :math:`\sum \tilde x_j a_k` (the sum of the answers to :math:`j` of those who
        also answered :math:`k`; the diagonal is `total`) and :math:`\sum a_j a_k` (how
        many answered both; the diagonal is `count`).

    The arrays are read-only. `count`, `total` and `total_sq` are held a question at a
    time (Fortran order), as assessing reads them.

    Examples
    --------
    >>> from jointworking import Responses
    >>> r = Responses.from_arrays(
    ...     [[3, 3, 2, 2, 2, 3, 2, 2, 2, 2], [4, 3, None, 3, 2, 3, 2, 3, 2, 2]],
    ...     organisation="Harlow DC",
    ...     about="internal",
    ... )
    >>> whole = GroupStatistics.from_responses(r)
    >>> halves = GroupStatistics.from_responses(r.select([0])).merge(
    ...     GroupStatistics.from_responses(r.select([1]))
    ... )
    >>> whole == halves
    True
    >>> whole.count[0, :3].tolist(), whole.total[0, :3].tolist()
    ([2, 2, 1], [7.0, 6.0, 2.0])
    """

    instrument: Instrument
    _index: _Index = attrs.field(alias="index")
    respondents: IntArray
    count: IntArray
    total: FloatArray
    total_sq: FloatArray
    cross: FloatArray | None = None

    def __len__(self) -> int:
        return int(self.respondents.shape[0])

    def __repr__(self) -> str:
        return (
            f"<GroupStatistics: {len(self)} cells, {int(self.respondents.sum())} respondents,"
            f" instrument {self.instrument.name!r}>"
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, GroupStatistics):
            return NotImplemented
        a, b = self._index, other._index
        return (
            self.instrument == other.instrument
            and (a.names, a.waves, a.units) == (b.names, b.waves, b.units)
            and np.array_equal(a.cell_keys, b.cell_keys)
            and np.array_equal(self.respondents, other.respondents)
            and np.array_equal(self.count, other.count)
            and np.array_equal(self.total, other.total)
            and np.array_equal(self.total_sq, other.total_sq)
            and (
                np.array_equal(self.cross, other.cross)
                if self.cross is not None and other.cross is not None
                else self.cross is other.cross
            )
        )

    __hash__ = None  # type: ignore[assignment]

    def _labels(self, column: int, names: tuple[str, ...]) -> npt.NDArray[np.object_]:
        labels = np.empty(len(names), dtype=object)
        labels[:] = names
        return _frozen(labels[self._index.cell_keys[:, column]])

    @property
    def organisation(self) -> npt.NDArray[np.object_]:
        """Each cell's organisation."""
        return self._labels(0, self._index.names)

    @property
    def about(self) -> npt.NDArray[np.object_]:
        """Each cell's subject: ``"internal"``, a partner or an arrangement."""
        return self._labels(1, self._index.names)

    @property
    def wave(self) -> npt.NDArray[np.object_]:
        """Each cell's wave (``""`` where none was given)."""
        return self._labels(2, self._index.waves)

    @property
    def unit(self) -> npt.NDArray[np.object_]:
        """Each cell's unit (``""`` where none was given)."""
        return self._labels(3, self._index.units)

    @property
    def organisations(self) -> tuple[str, ...]:
        """The distinct responding organisations, sorted."""
        codes = np.unique(self._index.cell_keys[:, 0]).tolist()
        return tuple(self._index.names[i] for i in codes)

    @classmethod
    def from_responses(cls, responses: Responses, *, cross: bool = True) -> GroupStatistics:
        """Sum a survey's answers by cell.

        One pass over the answer matrix, a question at a time, with ``numpy.bincount``.

        Parameters
        ----------
        responses : Responses
        cross : bool, optional
            Also compute the cross sums (`cross`): the rows are ordered by cell and each
            cell's Gram matrix is one small matrix product, cells of one size at a time.
            This costs about as much again as the other sums, and
            ``Q (2Q + 1)`` floats per cell; ``False`` skips it.

        Raises
        ------
        ArgumentError
            If `responses` is not a :class:`~jointworking.Responses`, or `cross` is not
            a bool.
        """
        if not isinstance(responses, Responses):
            raise ArgumentError(
                f"responses: expected a Responses collection, got {type(responses).__name__}"
            )
        if not isinstance(cross, bool):
            raise ArgumentError(f"cross: expected True or False, got {cross!r}")
        index = responses._index
        cells = index.cell_keys.shape[0]
        questions = len(responses.instrument.questions)
        # sums[0], [1], [2]: per question and cell, the count, sum and sum of squares.
        sums = np.empty((3, questions, cells))
        points = np.asarray(responses.instrument.scale.values)
        low = float(points[0])
        if low.is_integer() and np.array_equal(points, low + np.arange(points.size)):
            # Whole-number points one apart (the evidence scale): count each cell's
            # answers by point in one pass; the sums follow exactly from the counts.
            value = low + np.arange(points.size, dtype=np.float64)
            powers = np.stack((np.ones_like(value), value, value * value))
            # Each row's first bin, less the lowest point: adding an answer gives its bin.
            base = np.empty(index.cell.size)
            np.multiply(index.cell, points.size + 1, out=base)
            base -= low
            bins = np.empty(index.cell.size, dtype=np.intp)  # reused: no fresh pages
            for q in range(questions):
                counts = _tally(
                    responses.answers[:, q], base, bins, cells=cells, low=low, points=points.size
                )
                np.matmul(powers, counts[:, : points.size].T, out=sums[:, q, :])
                if q == 0:
                    # Each respondent is in one of the bins of a question, missing or not
                    # (the sums of whole-number floats are exact in any order).
                    respondents = (counts @ np.ones(points.size + 1)).astype(np.int64)
        else:
            respondents = np.bincount(index.cell, minlength=cells)
            for q in range(questions):
                column = responses.answers[:, q]
                missing = np.isnan(column)
                values = np.where(missing, 0.0, column)
                sums[1, q] = np.bincount(index.cell, values, cells)
                np.multiply(values, values, out=values)
                sums[2, q] = np.bincount(index.cell, values, cells)
                # Missing answers are few: count them, not the answered ones.
                skipped = np.bincount(index.cell[np.flatnonzero(missing)], minlength=cells)
                sums[0, q] = respondents - skipped
        return cls(
            instrument=responses.instrument,
            index=_cell_order(index),
            respondents=_frozen(respondents.astype(np.int64)),
            count=_frozen(sums[0].astype(np.int64).T),
            total=_frozen(sums[1].T),
            total_sq=_frozen(sums[2].T),
            cross=_frozen(_cross_sums(responses.answers, index.cell, cells, points))
            if cross
            else None,
        )

    @classmethod
    def from_sums(
        cls,
        *,
        organisation: Sequence[str] | npt.ArrayLike,
        about: Sequence[str] | npt.ArrayLike,
        respondents: npt.ArrayLike,
        count: npt.ArrayLike,
        total: npt.ArrayLike,
        total_sq: npt.ArrayLike,
        wave: Sequence[str | None] | npt.ArrayLike | None = None,
        unit: Sequence[str | None] | npt.ArrayLike | None = None,
        instrument: Instrument = MORLEY_2016,
        cross: npt.ArrayLike | None = None,
    ) -> GroupStatistics:
        """Build from sums computed elsewhere, such as a Dask or SQL group-by.

        Parameters
        ----------
        organisation, about : array_like of str, shape (n_cells,)
            Each cell's labels, as in :class:`~jointworking.Responses`.
        respondents : array_like of int, shape (n_cells,)
            How many respondents each cell has; at least 1.
        count : array_like of int, shape (n_cells, n_questions)
            Per question, how many answered (whole numbers from 0 to `respondents`).
        total, total_sq : array_like of float, shape (n_cells, n_questions)
            Per question, the sum of the answers and of their squares (0 where nobody
            answered).
        wave, unit : array_like of str, optional
            Each cell's wave and unit; missing or blank means none.
        instrument : Instrument, optional
        cross : array_like of float, optional
            Each cell's cross sums (see the `cross` attribute): packed, shape
            ``(n_cells, Q (2Q + 1))``, or as full symmetric matrices, shape
            ``(n_cells, 2Q, 2Q)``. By default the statistics have none.

        Raises
        ------
        ArgumentError
            If a shape disagrees, a label is invalid, a cell appears twice, or a sum
            is impossible for the instrument's scale (a count above the respondents, a
            total outside what the counted answers could add up to, a negative
            variance). Cross sums are refused when a full matrix is not symmetric, when
            their diagonals disagree with `count`, `total` or `total_sq`, and when they
            are impossible (more people answering both questions of a pair than either,
            or fewer than the respondents allow; sums outside what those answers could
            add up to; a Gram matrix that is not positive semidefinite). Messages name
            the argument and the row (counting from 1).
        """
        if not isinstance(instrument, Instrument):
            raise ArgumentError(f"instrument: expected an Instrument, got {instrument!r}")
        people = _whole_numbers(respondents, "respondents", ndim=1)
        n = people.shape[0]
        if n == 0:
            raise ArgumentError("respondents: expected at least one cell, got none")
        questions = len(instrument.questions)
        shape = (n, questions)
        answered = _whole_numbers(count, "count", ndim=2, shape=shape)
        sums = _finite(total, "total", shape)
        squares = _finite(total_sq, "total_sq", shape)
        coded = (
            _column(organisation, n, "organisation", _organisation_name),
            _column(about, n, "about", _about),
            _column(wave, n, "wave", _optional_name, optional=True),
            _column(unit, n, "unit", _optional_name, optional=True),
        )
        labels = tuple(column.labels for column in coded)
        index = _index_of(coded[0], coded[1], coded[2], coded[3])
        _check_self_reference(labels[0], labels[1], index)
        _check_similar_names(labels[0], labels[1], index)
        if index.cell_keys.shape[0] != n:
            _duplicate_cell(index.cell, labels)
        _check_sums(people, answered, sums, squares, instrument)
        pairs = (
            None
            if cross is None
            else _check_cross(
                cross,
                respondents=people,
                count=answered,
                total=sums,
                total_sq=squares,
                instrument=instrument,
            )
        )
        # Where nobody answered the sums can only be rounding noise (within the checks'
        # slack): make them the exact zeros that answers would give.
        sums[answered == 0] = 0.0
        squares[answered == 0] = 0.0
        order = np.empty(n, dtype=np.intp)
        order[index.cell] = np.arange(n, dtype=np.intp)
        return cls(
            instrument=instrument,
            index=_cell_order(index),
            respondents=_frozen(people[order]),
            count=_frozen(np.asfortranarray(answered[order])),
            total=_frozen(np.asfortranarray(sums[order] + 0.0)),  # + 0.0 turns -0.0 into 0.0
            total_sq=_frozen(np.asfortranarray(squares[order] + 0.0)),
            cross=None if pairs is None else _frozen(pairs[order] + 0.0),
        )

    def merge(self, *others: GroupStatistics) -> GroupStatistics:
        """Return the statistics of all the respondents of `self` and `others` together.

        Cells with the same labels are added; merging is associative and commutative, so
        chunks may be merged in any order or grouping. The result has cross sums only if
        every input has them.

        Raises
        ------
        ArgumentError
            If an argument is not a :class:`GroupStatistics` or answers another instrument,
            or the respondents are so many (2**53 over the largest square on the scale,
            about 5.6e14 on the evidence scale) that the sums would not add exactly.
        """
        return _merge((self, *others))

    @classmethod
    def merge_all(cls, statistics: Iterable[GroupStatistics]) -> GroupStatistics:
        """Merge any number of statistics, e.g. one per chunk of a large file.

        Raises
        ------
        ArgumentError
            If `statistics` is empty, holds something else, or mixes instruments, or as
            :meth:`merge`.
        """
        items = tuple(statistics)
        if not items:
            raise ArgumentError("statistics: expected at least one GroupStatistics, got none")
        return _merge(items)


_BLOCK = 1 << 16
"""Rows handled at a time when tallying, so that the temporaries stay in cache."""


def _tally(
    column: FloatArray,
    base: FloatArray,
    bins: npt.NDArray[np.intp],
    *,
    cells: int,
    low: float,
    points: int,
) -> FloatArray:
    """Count each cell's answers to one question by scale point, one pass.

    The answers are points ``low, low + 1, ...`` of the scale (`low` a whole number), or
    NaN; `base` is each row's cell times ``points + 1``, less `low`, so an answer plus its
    row's base is its bin, exactly. Returns float64 counts of shape
    ``(cells, points + 1)``, the last column counting missing answers. Each cell's counts
    are side by side, so each answer touches one cache line. `bins` is scratch space, one
    per row.
    """
    step = np.empty(min(_BLOCK, column.size))
    for start in range(0, column.size, _BLOCK):
        stop = min(start + _BLOCK, column.size)
        point = step[: stop - start]
        np.fmin(column[start:stop], low + points, out=point)  # NaN (missing) goes last
        np.add(base[start:stop], point, out=bins[start:stop], casting="unsafe")
    counts = np.bincount(bins, minlength=cells * (points + 1)).reshape(cells, points + 1)
    return counts.astype(np.float64)


_CROSS_ROWS = 1 << 16
"""Rows ordered and multiplied at a time when computing cross sums (bounds the memory)."""


def _stable_order(key: npt.NDArray[np.intp]) -> npt.NDArray[np.intp]:
    """Return a stable argsort of integer keys from 0 to 2**32, by 16-bit radix passes."""
    order = np.argsort((key & 0xFFFF).astype(np.uint16), kind="stable")
    if key.size and int(key.max()) >= 1 << 16:
        high = (key >> 16).astype(np.uint16)[order]
        order = order[np.argsort(high, kind="stable")]
    return order.astype(np.intp)


def _point_codes(answers: FloatArray, values: FloatArray) -> npt.NDArray[np.integer[Any]]:
    """Return each answer's position among `values` (missing: ``values.size``), ``(Q, n)``.

    A question at a time, each small enough to stay in cache when rows are reordered.
    """
    n_rows, questions = answers.shape
    codes = np.empty((questions, n_rows), dtype=np.int8 if values.size < 127 else np.int32)
    low, size = float(values[0]), values.size
    step = float(values[1] - values[0]) if size > 1 else 1.0
    top = low + step * size
    # Points one apart from a whole number: the code is the answer less the lowest point.
    plain = step == 1.0 and low.is_integer() and np.array_equal(values, low + np.arange(size))
    scratch = np.empty(n_rows)
    for q in range(questions):
        if plain:
            np.fmin(answers[:, q], top, out=scratch)  # NaN (missing) becomes top
            np.subtract(scratch, low, out=codes[q], casting="unsafe")
        else:
            codes[q] = np.searchsorted(values, answers[:, q])  # NaN sorts last
    return codes


def _cross_sums(
    answers: FloatArray, cell: npt.NDArray[np.intp], cells: int, points: FloatArray
) -> FloatArray:
    """Each cell's cross sums (see :class:`GroupStatistics`), shape ``(cells, Q (2Q + 1))``.

    Each answer becomes the small code of its scale point (missing: one more), so that
    reordering the rows moves a few bytes, from arrays that stay in cache. The rows are
    ordered by the size of their cell, then by cell, so that the cells of one size lie
    side by side as a stack of ``(size, 2Q)`` matrices ``Z``, whose Gram matrices
    ``Z.T @ Z`` are one batched matrix product. On a whole-number scale the products are
    exact in float32 while a cell's sums stay below 2**24; otherwise they are computed in
    float64. Rows are handled in blocks of about ``_CROSS_ROWS``, so that the
    temporaries stay small.
    """
    questions = answers.shape[1]
    width = 2 * questions
    rows_of, cols_of = gram_indices(width)
    packed = rows_of * width + cols_of
    sizes = np.bincount(cell, minlength=cells)
    by_size = np.argsort(sizes, kind="stable").astype(np.intp)
    rank = np.empty(cells, dtype=np.intp)
    rank[by_size] = np.arange(cells, dtype=np.intp)
    order = _stable_order(rank[cell])
    values = np.unique(np.asarray(points, dtype=np.float64))
    largest = float(np.max(np.abs(values))) ** 2 * float(sizes.max(initial=0))
    whole = bool(np.array_equal(values, np.rint(values)))
    dtype = np.float32 if whole and largest < 2.0**24 else np.float64
    codes = _point_codes(answers, values)
    plain = bool(np.array_equal(values, values[0] + np.arange(values.size)))
    # Code to the answer (missing: 0), and to the answered indicator.
    to_answer = np.append(values, 0.0).astype(dtype)
    to_answered = np.append(np.ones(values.size), 0.0).astype(dtype)
    out = np.empty((cells, packed.size))
    ordered_sizes = sizes[by_size]
    ends = np.cumsum(ordered_sizes)
    first_cell = 0
    while first_cell < cells:
        # A block of whole cells, about _CROSS_ROWS rows (more if one cell is larger).
        start = int(ends[first_cell - 1]) if first_cell else 0
        last_cell = int(np.searchsorted(ends, start + _CROSS_ROWS, side="right"))
        last_cell = max(last_cell, first_cell + 1)
        stop = int(ends[last_cell - 1])
        rows = order[start:stop]
        z = np.empty((stop - start, width), dtype=dtype)
        for q in range(questions):
            block = codes[q][rows]
            if plain:  # the answer is the code plus the lowest point
                answered = block < values.size
                z[:, questions + q] = answered
                column = z[:, q]
                column[...] = block
                if values[0]:
                    column += values[0]
                column[~answered] = 0.0
            else:
                z[:, q] = to_answer[block]
                z[:, questions + q] = to_answered[block]
        at = 0
        for n in np.unique(ordered_sizes[first_cell:last_cell]).tolist():
            chosen = np.flatnonzero(ordered_sizes[first_cell:last_cell] == n) + first_cell
            k = chosen.size
            stack = z[at : at + k * n].reshape(k, n, width)
            gram = np.matmul(stack.transpose(0, 2, 1), stack).reshape(k, width * width)
            out[by_size[chosen]] = gram[:, packed]
            at += k * n
        first_cell = last_cell
    return out


def _whole_numbers(
    values: npt.ArrayLike, argument: str, *, ndim: int, shape: tuple[int, ...] | None = None
) -> IntArray:
    try:
        array = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise ArgumentError(f"{argument}: expected whole numbers") from None
    if array.ndim != ndim or (shape is not None and array.shape != shape):
        want = f"shape {shape}" if shape is not None else f"{ndim} dimension(s)"
        raise ArgumentError(f"{argument}: expected {want}, got shape {array.shape}")
    bad = ~(np.isfinite(array) & (array >= 0) & (array < 2.0**53) & (array == np.floor(array)))
    if bad.any():
        where = tuple(int(i) for i in np.argwhere(bad)[0])
        raise ArgumentError(
            f"{argument}: row {where[0] + 1}: expected a whole number from 0 to 2**53,"
            f" got {array[where]!r}"
        )
    return array.astype(np.int64)


def _finite(values: npt.ArrayLike, argument: str, shape: tuple[int, int]) -> FloatArray:
    try:
        array = np.array(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise ArgumentError(f"{argument}: expected numbers") from None
    if array.shape != shape:
        raise ArgumentError(f"{argument}: expected shape {shape}, got shape {array.shape}")
    bad = ~np.isfinite(array)
    if bad.any():
        row, col = (int(i) for i in np.argwhere(bad)[0])
        raise ArgumentError(
            f"{argument}: row {row + 1}, column {col + 1}: expected a finite number,"
            f" got {array[row, col]!r}"
        )
    return array


def _duplicate_cell(cell: npt.NDArray[np.intp], labels: Sequence[npt.NDArray[Any]]) -> None:
    order = np.argsort(cell, kind="stable")
    repeat = int(np.flatnonzero(cell[order][1:] == cell[order][:-1])[0])
    first, second = int(order[repeat]), int(order[repeat + 1])
    names = ", ".join(repr(str(column[first])) for column in labels)
    raise ArgumentError(
        f"organisation: rows {first + 1} and {second + 1} are the same cell ({names});"
        " give each organisation, about, wave and unit once"
    )


def _check_sums(
    respondents: IntArray,
    count: IntArray,
    total: FloatArray,
    total_sq: FloatArray,
    instrument: Instrument,
) -> None:
    low, high = instrument.scale.low, instrument.scale.high
    n = count.astype(np.float64)
    slack = 1e-9 * (1.0 + np.abs(total))
    top = max(low * low, high * high)
    if (respondents < 1).any():
        row = int(np.flatnonzero(respondents < 1)[0])
        raise ArgumentError(f"respondents: row {row + 1}: expected at least 1 respondent")
    checks = (
        ("count", count > respondents[:, np.newaxis], "expected at most the cell's respondents"),
        (
            "total",
            (total < low * n - slack) | (total > high * n + slack),
            f"expected the sum of the counted answers, each from {low:g} to {high:g}",
        ),
        (
            "total_sq",
            (total_sq < -slack)
            | (total_sq > top * n + slack)
            # Each answer x has (x - low) * (high - x) >= 0, so the squares add up to at
            # most (low + high) * total - count * low * high.
            | (total_sq > (low + high) * total - n * low * high + slack),
            "expected the sum of the counted answers' squares",
        ),
        (
            "total_sq",
            total_sq * n - total * total < -1e-9 * (1.0 + total * total),
            "is smaller than total**2 / count allows (a negative variance)",
        ),
    )
    for argument, bad, expected in checks:
        if bad.any():
            row, col = (int(i) for i in np.argwhere(bad)[0])
            raise ArgumentError(f"{argument}: row {row + 1}, question column {col + 1}: {expected}")


def _check_cross(
    values: npt.ArrayLike,
    *,
    respondents: IntArray,
    count: IntArray,
    total: FloatArray,
    total_sq: FloatArray,
    instrument: Instrument,
) -> FloatArray:
    """Validate cross sums given to :meth:`GroupStatistics.from_sums`; return them packed."""
    n, questions = count.shape
    width, length = 2 * questions, gram_length(questions)
    try:
        array = np.array(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise ArgumentError("cross: expected numbers") from None
    if array.shape not in ((n, length), (n, width, width)):
        raise ArgumentError(
            f"cross: expected shape ({n}, {length}) (each cell's upper triangle) or"
            f" ({n}, {width}, {width}) (each cell's matrix), got shape {array.shape}"
        )
    bad = ~np.isfinite(array)
    if bad.any():
        where = tuple(int(i) for i in np.argwhere(bad)[0])
        raise ArgumentError(
            f"cross: row {where[0] + 1}: expected finite numbers, got {array[where]!r}"
        )
    if array.ndim == 3:
        skew = np.abs(array - np.swapaxes(array, 1, 2)) > 1e-9 * (1.0 + np.abs(array))
        if skew.any():
            row = int(np.argwhere(skew)[0][0])
            raise ArgumentError(
                f"cross: row {row + 1}: expected a symmetric {width} x {width} matrix"
            )
        array = pack_gram(array)
    full = unpack_gram(array, questions)
    xx, xa, aa = (
        full[:, :questions, :questions],
        full[:, :questions, questions:],
        full[:, questions:, questions:],
    )
    low, high = instrument.scale.low, instrument.scale.high
    products = (low * low, low * high, high * high)
    slack = 1e-9 * (1.0 + np.abs(full))
    s_xx, s_xa = slack[:, :questions, :questions], slack[:, :questions, questions:]
    c_j = count[:, :, np.newaxis].astype(np.float64)
    c_k = count[:, np.newaxis, :].astype(np.float64)
    rest = c_j - aa  # answered j but not k
    left_over = total[:, :, np.newaxis] - xa  # their answers to j
    eye = np.eye(questions, dtype=bool)[np.newaxis]
    diagonal = np.broadcast_to(eye, xx.shape)
    checks = (
        (
            eye & (aa != count[:, np.newaxis, :]),
            "its pair counts' diagonal disagrees with count",
        ),
        (
            eye & (np.abs(xa - total[:, np.newaxis, :]) > s_xa),
            "its answer sums' diagonal disagrees with total",
        ),
        (
            eye & (np.abs(xx - total_sq[:, np.newaxis, :]) > s_xx),
            "its product sums' diagonal disagrees with total_sq",
        ),
        (
            (aa != np.floor(aa)) | (aa < 0) | (aa > np.minimum(c_j, c_k)),
            "expected how many answered both: a whole number up to each one's count",
        ),
        (
            aa < c_j + c_k - respondents[:, np.newaxis, np.newaxis],
            "fewer answered both than the cell's respondents allow",
        ),
        (
            (xa < low * aa - s_xa)
            | (xa > high * aa + s_xa)
            | (left_over < low * rest - s_xa)
            | (left_over > high * rest + s_xa),
            f"expected sums of answers from {low:g} to {high:g} of those who answered both",
        ),
        (
            ~diagonal & ((xx < min(products) * aa - s_xx) | (xx > max(products) * aa + s_xx)),
            "expected sums of products of answers of those who answered both",
        ),
    )
    for bad, expected in checks:
        if bad.any():
            row, j, k = (int(i) for i in np.argwhere(bad)[0])
            raise ArgumentError(
                f"cross: row {row + 1}, question columns {j + 1} and {k + 1}: {expected}"
            )
    # A Gram matrix is positive semidefinite: no set of answers gives a negative
    # variance to any combination of them.
    scale = 1.0 + np.abs(np.diagonal(full, axis1=1, axis2=2)).max(axis=1)
    lowest = np.linalg.eigvalsh(full)[:, 0]
    negative = lowest < -1e-9 * width * scale
    if negative.any():
        row = int(np.flatnonzero(negative)[0])
        raise ArgumentError(
            f"cross: row {row + 1}: the sums are not those of any set of answers (their"
            " Gram matrix has a negative eigenvalue)"
        )
    # Where nobody answered both questions the sums can only be rounding noise (within
    # the checks' slack): make them the exact zeros that answers would give.
    both = pack_gram(np.tile(aa > 0, (1, 2, 2)))
    packed: FloatArray = np.where(both, array, 0.0)
    return packed


def _cell_order(index: _Index) -> _Index:
    """Return `index` re-expressed for rows already in cell order (row i is cell i)."""
    cells = index.cell_keys.shape[0]
    identity = np.arange(cells, dtype=np.intp)
    keys = index.cell_keys
    return attrs.evolve(
        index,
        organisation=_frozen(keys[:, 0].copy()),
        about=_frozen(keys[:, 1].copy()),
        wave=_frozen(keys[:, 2].copy()),
        unit=_frozen(keys[:, 3].copy()),
        cell=_frozen(identity),
    )


def _remap(names: tuple[str, ...], union: dict[str, int]) -> npt.NDArray[np.intp]:
    return np.array([union[name] for name in names], dtype=np.intp).reshape(-1)


def _merge(items: Sequence[GroupStatistics]) -> GroupStatistics:
    for i, item in enumerate(items):
        if not isinstance(item, GroupStatistics):
            raise ArgumentError(
                f"statistics[{i}]: expected GroupStatistics, got {type(item).__name__}"
            )
    instrument = items[0].instrument
    for i, item in enumerate(items):
        if item.instrument != instrument:
            raise ArgumentError(
                f"statistics[{i}]: answers {item.instrument.name!r}, not {instrument.name!r};"
                " only statistics of the same instrument merge"
            )
    vocab = [
        sorted({name for item in items for name in getattr(item._index, field)})
        for field in ("names", "waves", "units")
    ]
    positions = [{name: i for i, name in enumerate(words)} for words in vocab]
    keys = []
    for item in items:
        fields = ("names", "waves", "units")
        maps = [_remap(getattr(item._index, f), p) for f, p in zip(fields, positions, strict=True)]
        k = item._index.cell_keys
        keys.append(
            np.stack((maps[0][k[:, 0]], maps[0][k[:, 1]], maps[1][k[:, 2]], maps[2][k[:, 3]]), 1)
        )
    stacked = np.concatenate(keys)
    sizes = (len(vocab[0]), len(vocab[0]), len(vocab[1]), len(vocab[2]))
    cell = _combine(tuple(stacked[:, j] for j in range(4)), sizes)
    cells = int(cell.max()) + 1
    cell_keys = np.empty((cells, 4), dtype=np.intp)
    cell_keys[cell] = stacked
    # Every running sum stays a whole number below 2**53, so float64 adds it exactly:
    # the sums of squares are the largest, at most respondents x the largest square.
    people = sum(sum(item.respondents.tolist()) for item in items)
    largest = max(abs(instrument.scale.low), abs(instrument.scale.high), 1.0) ** 2
    if people * largest >= 2**53:
        raise ArgumentError(
            f"statistics: together they count {people} respondents, too many for their sums"
            " of squares to add exactly in float64"
        )

    def add(arrays: Iterable[npt.NDArray[Any]], whole: bool) -> Any:
        # Per question, one np.bincount adds each cell's rows in order (as np.add.at
        # would, many times faster); below 2**53 its float64 sums of counts are exact.
        rows = np.concatenate(list(arrays))
        columns = rows.reshape(rows.shape[0], -1).T
        out = np.stack([np.bincount(cell, column, cells) for column in columns])
        if whole:
            out = out.astype(np.int64)
        return _frozen(out.T if rows.ndim == 2 else out[0])

    index = _Index(
        names=tuple(vocab[0]),
        waves=tuple(vocab[1]),
        units=tuple(vocab[2]),
        organisation=_frozen(cell_keys[:, 0].copy()),
        about=_frozen(cell_keys[:, 1].copy()),
        wave=_frozen(cell_keys[:, 2].copy()),
        unit=_frozen(cell_keys[:, 3].copy()),
        cell=_frozen(np.arange(cells, dtype=np.intp)),
        cell_keys=_frozen(cell_keys),
    )
    return GroupStatistics(
        instrument=instrument,
        index=index,
        respondents=add((s.respondents for s in items), whole=True),
        count=add((s.count for s in items), whole=True),
        total=add((s.total for s in items), whole=False),
        total_sq=add((s.total_sq for s in items), whole=False),
        cross=add((s.cross for s in items if s.cross is not None), whole=False)
        if all(s.cross is not None for s in items)
        else None,
    )
