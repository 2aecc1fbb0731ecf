"""Label columns as integer codes: each distinct label found, checked and sorted once.

A survey's label columns (organisation, about, unit, wave) hold a few distinct names
repeated down a million rows; respondent identifiers are nearly all distinct. Everything
here works on the distinct values, found with a dictionary (a hash table, as
``pandas.factorize`` uses, not a sort of the whole column), and maps the rows to them
with one C-level pass, so that no Python code runs per row.
"""

from __future__ import annotations

import operator
import sys
from collections.abc import Callable, Sequence
from typing import Any, TypeAlias

import attrs
import numpy as np
import numpy.typing as npt

IntArray: TypeAlias = npt.NDArray[np.intp]


def factorize(items: Sequence[object]) -> tuple[list[object], IntArray]:
    """Return the distinct items in order of first appearance, and each row's index.

    Items must be hashable; equal items (by ``==`` and ``hash``) share a code, so a
    caller that must keep ``1`` apart from ``True`` or ``1.0`` checks the kinds first.

    Examples
    --------
    >>> uniques, codes = factorize(["b", "a", "b"])
    >>> uniques, codes.tolist()
    (['b', 'a'], [0, 1, 0])
    """
    uniques = list(dict.fromkeys(items))
    if len(uniques) == 1:
        return uniques, np.zeros(len(items), dtype=np.intp)
    table = dict(zip(uniques, range(len(uniques)), strict=True))
    # One lookup of every item, in C: a tuple of codes (faster than a map of __getitem__).
    found = operator.itemgetter(*items)(table) if items else ()
    return uniques, np.fromiter(found, dtype=np.intp, count=len(items))


@attrs.frozen
class Factorized:
    """A label column already coded: its distinct labels and each row's index into them."""

    uniques: list[object]
    codes: IntArray


def factorize_with_pandas(values: object, n: int) -> Factorized | None:
    """Code a column of text with ``pandas.factorize`` where pandas is already imported.

    Used only where it gives what :func:`factorize` gives: a one-dimensional column of
    `n` labels (a numpy array of objects, or a pandas Series or Index of objects or
    text), none of them missing, the distinct ones all ``str``. Anything else, and any
    column when pandas has not been imported (this never imports it), gives None: the
    caller then codes the column with :func:`factorize`, which reports every problem.
    """
    pandas = sys.modules.get("pandas")
    if pandas is None or not _text_column(values, n, pandas):
        return None
    try:
        codes, uniques = pandas.factorize(values, sort=False, use_na_sentinel=True)
    except (TypeError, ValueError):  # an unhashable label, say: factorize names it
        return None
    distinct = list(uniques.tolist())
    if (codes.size and int(codes.min()) < 0) or not all_text(distinct):
        return None
    return Factorized(distinct, np.asarray(codes, dtype=np.intp))


def _text_column(values: object, n: int, pandas: Any) -> bool:
    """Whether `values` is a column of `n` objects or texts, as numpy or pandas holds one."""
    if isinstance(values, np.ndarray):
        return bool(values.dtype == object) and values.shape == (n,)
    if isinstance(values, pandas.Series | pandas.Index):
        kind, dtype = pandas.api.types, values.dtype
        return len(values) == n and bool(kind.is_object_dtype(dtype) or kind.is_string_dtype(dtype))
    return False


def sorted_codes(uniques: Sequence[str], codes: IntArray) -> tuple[list[str], IntArray]:
    """Renumber codes into `uniques` so that the labels are in sorted order."""
    order = sorted(range(len(uniques)), key=uniques.__getitem__)
    rank = np.empty(len(uniques), dtype=np.intp)
    rank[order] = np.arange(len(uniques), dtype=np.intp)
    return [uniques[i] for i in order], rank[codes]


def all_text(items: Sequence[object]) -> bool:
    """Whether every item is a ``str`` (exactly: not a subclass such as ``numpy.str_``)."""
    return set(map(type, items)) <= {str}


def plain(texts: Sequence[str]) -> bool:
    """Whether every text is non-blank printable ASCII without surrounding spaces.

    Such a name is already what cleaning would make of it (trimmed, in NFC, holding no
    character a name may not hold). The test runs over the joined texts, in C.

    Examples
    --------
    >>> plain(["r1", "Harlow DC"]), plain(["r1", " r2"]), plain(["r1", ""])
    (True, False, False)
    """
    if not texts:
        return True
    lines = "\n".join(texts)
    # Printable ASCII holds no line break, so the breaks separate the texts: a text that
    # is empty, or starts or ends with a space, shows as a break or a space beside a
    # break, or at either end.
    return (
        lines.isascii()
        and lines.replace("\n", " ").isprintable()
        and lines.count("\n") == len(texts) - 1
        and lines[:1] not in {"", " ", "\n"}
        and lines[-1:] not in {" ", "\n"}
        and "\n\n" not in lines
        and " \n" not in lines
        and "\n " not in lines
    )


def clean_distinct(
    uniques: Sequence[object], clean: Callable[[object], str]
) -> tuple[list[str], IntArray]:
    """Clean each distinct raw label; return the distinct names and each raw label's code.

    Raw labels that clean to the same name (``" A"`` and ``"A"``) share its code.
    """
    names: dict[str, int] = {}
    codes = np.empty(len(uniques), dtype=np.intp)
    for i, raw in enumerate(uniques):
        codes[i] = names.setdefault(clean(raw), len(names))
    return list(names), codes


def combine(columns: Sequence[IntArray], sizes: Sequence[int]) -> IntArray:
    """Return one code per row of code columns: distinct rows numbered in lexicographic order.

    `sizes` bound each column's codes (``0 <= code < size``). The columns are folded in
    one at a time; each step numbers the distinct combinations so far by marking them in
    a table and counting, which needs no sort, unless the table would be much larger
    than the rows (then the step sorts).
    """
    code = np.asarray(columns[0], dtype=np.int64)
    size = max(sizes[0], 1)
    for column, limit in zip(columns[1:], sizes[1:], strict=True):
        bound = max(limit, 1)
        code = code * bound + column
        code, size = _number(code, size * bound)
    if len(columns) == 1:
        code, size = _number(code, size)
    return code.astype(np.intp, copy=False)


def _number(key: npt.NDArray[np.int64], span: int) -> tuple[npt.NDArray[np.int64], int]:
    """Return each key's number among the distinct keys, in sorted order, and how many.

    Each key lies in ``0 .. span - 1``.
    """
    if span <= 8 * key.size + 65536:
        # A table of 5 bytes per possible key: at most 40 bytes per row, briefly.
        present = np.zeros(span, dtype=np.bool_)
        present[key] = True
        number = np.cumsum(present, dtype=np.int32)
        del present
        return number[key].astype(np.int64) - 1, int(number[-1]) if span else 0
    distinct, inverse = np.unique(key, return_inverse=True)
    return inverse.reshape(-1).astype(np.int64, copy=False), int(distinct.size)


def first_repeat(groups: IntArray, texts: Sequence[str]) -> tuple[int, int] | None:
    """Find the first row whose text repeats an earlier row's text in the same group.

    Returns the earlier row and the repeating row (the repeating row earliest in row
    order), or None. Rows are compared by a 64-bit hash of their text first, sorted with
    their group, so that only rows whose hashes meet are compared as text.
    """
    n = len(texts)
    if n < 2:
        return None
    hashes = np.fromiter(map(hash, texts), dtype=np.int64, count=n)
    # One 64-bit key per row mixing its group and its text's hash: rows that repeat one
    # another have equal keys; a sort finds equal keys, and only rows with a key that
    # occurs twice are compared as text (equal keys of different texts are rare).
    with np.errstate(over="ignore"):
        key = hashes ^ (groups.astype(np.int64) * np.int64(-7046029254386353131))
    ordered = np.sort(key)
    twice = ordered[1:][ordered[1:] == ordered[:-1]]
    if not twice.size:
        return None
    rows = np.flatnonzero(np.isin(key, twice))
    seen: dict[tuple[int, str], int] = {}
    for row in rows.tolist():
        first = seen.setdefault((int(groups[row]), texts[row]), row)
        if first != row:
            return first, row
    return None
