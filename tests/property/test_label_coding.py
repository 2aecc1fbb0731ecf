"""Label columns coded by pandas (where it is imported) and by the package alone agree.

Where pandas has been imported, a label column that numpy or pandas holds is coded with
``pandas.factorize`` in compiled code; otherwise with a dictionary. These properties build
responses from generated label columns (text with spaces, case, accents and characters a
name may not hold, repeats, numbers, None, NaN) both ways and check that the two agree on
the result or on the error message.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jointworking import JointWorkingError, Responses

pd = pytest.importorskip("pandas")

NAMES = st.sampled_from(
    ["Alpha", "alpha", " Alpha", "Beta Trust", "Café", "Cafe\u0301", "internal", "", "  ", "x\ty"]
)
LABEL = st.one_of(
    NAMES,
    NAMES,
    NAMES,
    st.text(max_size=6),
    st.none(),
    st.just(math.nan),
    st.integers(0, 3),
)


def _outcome(build: Callable[[], Responses]) -> object:
    try:
        r = build()
    except JointWorkingError as error:
        return ("error", type(error).__name__, str(error))
    return (
        r.answers.tobytes(),
        *(getattr(r, name).tolist() for name in ("organisation", "about", "respondent", "unit")),
    )


def _both(build: Callable[[], Responses], monkeypatch: pytest.MonkeyPatch) -> tuple[object, object]:
    with_pandas = _outcome(build)
    with monkeypatch.context() as patch:
        patch.delitem(sys.modules, "pandas")
        without = _outcome(build)
    return with_pandas, without


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.tuples(LABEL, LABEL, LABEL, st.text(max_size=4)), min_size=1, max_size=12),
)
def test_from_arrays_codes_alike_with_and_without_pandas(
    rows: list[tuple[object, object, object, str]],
) -> None:
    n = len(rows)
    answers = np.full((n, 10), 2.0)
    columns = [np.array([row[i] for row in rows], dtype=object) for i in range(3)]
    respondent = np.array([f"r{i}{row[3]}" for i, row in enumerate(rows)], dtype=object)

    def build() -> Responses:
        return Responses.from_arrays(
            answers,
            organisation=columns[0],
            about=columns[1],
            unit=columns[2],
            respondent=respondent,
        )

    with pytest.MonkeyPatch.context() as monkeypatch:
        with_pandas, without = _both(build, monkeypatch)
    assert with_pandas == without


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.tuples(NAMES, NAMES, st.text(max_size=4)), min_size=1, max_size=12),
    st.sampled_from(["object", "str"]),
)
def test_from_frame_codes_alike_with_and_without_pandas_coding(
    rows: list[tuple[str, str, str]], dtype: str
) -> None:
    """A frame's text columns (objects or pandas text) read as the same lists would."""
    frame = pd.DataFrame(
        {
            "organisation": pd.Series([r[0] for r in rows], dtype=dtype),
            "about": pd.Series([r[1] for r in rows], dtype=dtype),
            "respondent": pd.Series([f"r{r[2]}" for r in rows], dtype=dtype),
        }
    )
    for q in range(1, 11):
        frame[f"q{q}"] = 3.0
    from_frame = _outcome(lambda: Responses.from_frame(frame))
    from_lists = _outcome(
        lambda: Responses.from_arrays(
            np.full((len(rows), 10), 3.0),
            organisation=[r[0] for r in rows],
            about=[r[1] for r in rows],
            respondent=[f"r{r[2]}" for r in rows],
        )
    )
    if isinstance(from_lists, tuple) and from_lists[0] == "error":
        assert isinstance(from_frame, tuple)
        assert from_frame[0] == "error"
        assert from_frame[2] == from_lists[2].replace("from_arrays", "from_frame")
    else:
        assert from_frame == from_lists
