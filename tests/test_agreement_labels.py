"""Group labels given as text: coded by hashing, with the results of integer labels.

Text labels are coded with a hash table (only the distinct labels are sorted), numbers as
before; an object array, where pandas has been imported, with pandas' (every test runs
with pandas imported and without). These tests hold the text path to what
:func:`numpy.unique` gives for the same labels (the labels, their sorted order, their
dtype and the codes), to the results the same groups give with integer labels, and to the
errors that bad labels have always raised.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import Any, TypeAlias, cast

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jointworking.agreement import _group_codes, ad, awg, icc1, icc2, rwg, rwg_j
from jointworking.errors import ArgumentError

FloatArray: TypeAlias = npt.NDArray[np.float64]
IntArray: TypeAlias = npt.NDArray[np.intp]

NAN = math.nan
# The fixture below sets up no state an example could change: safe to share.
PROPERTY = settings(max_examples=80, suppress_health_check=[HealthCheck.function_scoped_fixture])
ONE_KIND = "groups must hold labels of one kind that sort together (all strings or all numbers)"
FORMS = ("list", "tuple", "unicode", "object")
"""How text labels can be given: a list or tuple of str, an array of dtype U or object."""


@pytest.fixture(autouse=True, params=["pandas imported", "pandas not imported"])
def _pandas(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run every test both ways: labels coded by pandas where imported, else by a dict."""
    if request.param == "pandas imported":
        pytest.importorskip("pandas")
    else:
        monkeypatch.delitem(sys.modules, "pandas", raising=False)


def _as(form: str, labels: Sequence[str]) -> Any:
    """The labels in one of the `FORMS`."""
    if form == "list":
        return list(labels)
    if form == "tuple":
        return tuple(labels)
    if form == "unicode":
        return np.array(labels, dtype=str)
    array = np.empty(len(labels), dtype=object)
    array[:] = list(labels)
    return array


def _np_unique(groups: Any) -> tuple[npt.NDArray[Any], IntArray, IntArray]:
    """What the labels were coded with before: np.unique of the labels as an array."""
    labels, codes, counts = np.unique(np.asarray(groups), return_inverse=True, return_counts=True)
    return labels, codes.reshape(-1), counts


def _survey(
    rng: np.random.Generator, n: int, n_groups: int, items: int, whole: bool
) -> tuple[FloatArray, IntArray]:
    """Answers 0..4 (whole, or not) with 10% missing, and integer group labels with gaps."""
    x = rng.integers(0, 5, size=(n, items)).astype(np.float64)
    if not whole:
        x = np.clip(x + rng.normal(0.0, 0.3, size=x.shape), 0.0, 4.0)
    x[rng.random(x.shape) < 0.1] = NAN
    groups = 3 * rng.integers(0, n_groups, size=n) + 7  # labels 7, 10, ...: not codes
    groups[:3] = [10_000, 10_001, 10_001]  # a group of one and a group of two
    return x, groups


def _name(label: int) -> str:
    """A text label whose order differs from the number's: 7 -> 'Org 7|Partner 0007'."""
    return f"Org {label}|Partner {label:04d}"


def _same_values(got: Mapping[Hashable, float], expected: Mapping[Hashable, float]) -> bool:
    """Same labels in the same order and bit-identical values (NaN equal to NaN)."""
    return list(got) == list(expected) and all(
        (math.isnan(a) and math.isnan(b)) or a == b
        for a, b in zip(got.values(), expected.values(), strict=True)
    )


PER_GROUP: dict[str, Callable[[Any, Any], Mapping[Hashable, float]]] = {
    "rwg": lambda x, g: rwg(x[:, 0], g, null_variance=2.0),
    "rwg_j": lambda x, g: rwg_j(x, g, null_variance=2.0),
    "awg": lambda x, g: awg(x, g, low=0, high=4),
    "ad mean": lambda x, g: ad(x, g, center="mean"),
    "ad median": lambda x, g: ad(x, g, center="median"),
}


class TestSameAsNumpyUnique:
    """The labels, their order and dtype, and the codes are those np.unique gives."""

    @PROPERTY
    @given(
        pool=st.lists(st.text(max_size=4), min_size=1, max_size=8, unique=True),
        data=st.data(),
        form=st.sampled_from(FORMS),
    )
    def test_any_text(self, pool: list[str], data: st.DataObject, form: str) -> None:
        """Any text: empty, with NUL characters, accents or astral code points."""
        labels = data.draw(st.lists(st.sampled_from(pool), min_size=1, max_size=40))
        groups = _as(form, labels)
        expected_labels, expected_codes, _ = _np_unique(groups)
        got_labels, got_codes = _group_codes(groups)
        assert got_labels.dtype == expected_labels.dtype
        assert got_labels.tolist() == expected_labels.tolist()
        assert got_codes.dtype == np.intp
        assert got_codes.tolist() == expected_codes.tolist()

    @pytest.mark.parametrize("form", FORMS)
    def test_code_point_order(self, form: str) -> None:
        """Labels sort by code point: upper case first, accents and emoji after ASCII."""
        labels = ["é", "e", "Z", "a", "ß", "\U0001f600", "\uffff", "", "a b", "a"]
        got_labels, got_codes = _group_codes(_as(form, labels))
        assert got_labels.tolist() == ["", "Z", "a", "a b", "e", "ß", "é", "\uffff", "\U0001f600"]
        assert got_labels[got_codes].tolist() == labels

    def test_trailing_nul(self) -> None:
        """numpy drops a trailing NUL from text in an array of dtype U, not of dtype object.

        So ``"a"`` and ``"a\\0"`` are one group given as a list (which becomes an array of
        dtype U), and two given in an object array, as before.
        """
        for form in ("list", "tuple", "unicode"):
            labels, codes = _group_codes(_as(form, ["a\0", "a", "b"]))
            assert labels.tolist() == ["a", "b"]
            assert codes.tolist() == [0, 0, 1]
        labels, codes = _group_codes(_as("object", ["a\0", "a", "b"]))
        assert labels.tolist() == ["a", "a\0", "b"]
        assert codes.tolist() == [1, 0, 2]

    def test_dtype_kept(self) -> None:
        """Labels come back with the dtype of the array given (here wider than needed)."""
        labels, _ = _group_codes(np.array(["b", "a", "b"], dtype="<U10"))
        assert labels.dtype == np.dtype("<U10")
        labels, _ = _group_codes(["bb", "a"])
        assert labels.dtype == np.dtype("<U2")
        labels, _ = _group_codes(_as("object", ["b", "a"]))
        assert labels.dtype == np.dtype(object)

    @pytest.mark.parametrize("form", FORMS)
    def test_one_label(self, form: str) -> None:
        """A single respondent, and a single group of several."""
        assert dict(rwg([3.0], _as(form, ["only"]), null_variance=2.0)).keys() == {"only"}
        labels, codes = _group_codes(_as(form, ["x", "x", "x"]))
        assert labels.tolist() == ["x"]
        assert codes.tolist() == [0, 0, 0]

    @pytest.mark.parametrize(
        ("labels", "expected_labels", "expected_codes"),
        [
            ([1, 1.0, True, 2], [1, 2], [0, 0, 0, 1]),  # equal numbers are one group
            ([np.str_("b"), "a", "b"], ["a", "b"], [1, 0, 1]),  # numpy text among str
            (["b", np.str_("a"), "a"], ["a", "b"], [1, 0, 0]),
            ([b"b", b"a"], [b"a", b"b"], [1, 0]),  # bytes sort as bytes
        ],
    )
    def test_object_arrays_of_other_labels(
        self, labels: list[Any], expected_labels: list[Any], expected_codes: list[int]
    ) -> None:
        """Object arrays not all of str are coded as np.unique codes them."""
        groups = np.empty(len(labels), dtype=object)
        groups[:] = labels
        got_labels, got_codes = _group_codes(groups)
        assert got_labels.tolist() == expected_labels
        assert got_codes.tolist() == expected_codes


class TestSameAsIntegerLabels:
    """Text labels give the results of integer labels for the same groups."""

    @pytest.mark.parametrize("form", FORMS)
    @pytest.mark.parametrize("whole", [True, False], ids=["whole", "fractional"])
    @pytest.mark.parametrize("index", list(PER_GROUP))
    def test_per_group(self, index: str, whole: bool, form: str) -> None:
        """Each group's value is bit-identical; the labels come in text order."""
        x, groups = _survey(np.random.default_rng(3), 3000, 150, 3, whole)
        names = [_name(label) for label in groups.tolist()]
        by_number = PER_GROUP[index](x, groups)
        by_name = PER_GROUP[index](x, _as(form, names))
        assert list(by_name) == sorted(set(names))
        renamed = {_name(cast("int", label)): value for label, value in by_number.items()}
        assert _same_values(by_name, dict(sorted(renamed.items())))

    @pytest.mark.parametrize("form", FORMS)
    @pytest.mark.parametrize("whole", [True, False], ids=["whole", "fractional"])
    def test_icc(self, whole: bool, form: str) -> None:
        """ICC(1) and ICC(2) equal those of integer labels whose order is the text's.

        Labels 0 .. G - 1 named so that the names sort as the numbers do number the
        groups alike, so even the sums over groups are taken in the same order.
        """
        x, groups = _survey(np.random.default_rng(4), 3000, 150, 1, whole)
        codes = np.unique(groups, return_inverse=True)[1].reshape(-1)
        names = _as(form, [f"group {code:04d}" for code in codes.tolist()])
        column = x[:, 0]
        assert icc1(column, names) == icc1(column, codes)
        assert icc2(column, names) == icc2(column, codes)

    @PROPERTY
    @given(
        data=st.data(),
        names=st.lists(st.text(min_size=1, max_size=3), min_size=1, max_size=6, unique=True),
        form=st.sampled_from(FORMS),
    )
    def test_property(self, data: st.DataObject, names: list[str], form: str) -> None:
        """Any answers and any distinct names give each group the same values."""
        n = data.draw(st.integers(1, 30))
        numbers = data.draw(st.lists(st.integers(0, len(names) - 1), min_size=n, max_size=n))
        answers = st.one_of(st.none(), st.integers(0, 4), st.floats(0, 4))
        rows = data.draw(
            st.lists(st.lists(answers, min_size=2, max_size=2), min_size=n, max_size=n)
        )
        x = np.array(rows, dtype=np.float64)
        labels = [names[i] for i in numbers]
        for index, function in PER_GROUP.items():
            by_number = function(x, np.array(numbers))
            by_name = function(x, _as(form, labels))
            # np.asarray drops a trailing NUL from text of dtype U: compare with the names
            # as numpy holds them, which is what the labels of an array of dtype U are.
            shown = np.asarray(names).tolist() if form != "object" else names
            renamed = {shown[cast("int", number)]: value for number, value in by_number.items()}
            assert _same_values(by_name, dict(sorted(renamed.items()))), index


class TestSameErrors:
    """Bad labels are refused as before, with the same messages."""

    @pytest.mark.parametrize(
        "labels",
        [
            ["a", 1],
            ["a", 1.5],
            ["a", True],
            ["a", None],
            ["a", NAN],
            ["a", b"a"],
            [1, "a"],
            [None, "a"],
            ["1", 1, 1.0, True],  # 1, 1.0 and True are one key of a set, but not text
        ],
    )
    def test_mixed_kinds_in_object_array(self, labels: list[Any]) -> None:
        """Text mixed with numbers, None or bytes cannot be sorted together: refused."""
        groups = np.empty(len(labels), dtype=object)
        groups[:] = labels
        with pytest.raises(ArgumentError) as raised:
            _group_codes(groups)
        assert str(raised.value) == ONE_KIND
        with pytest.raises(ArgumentError) as raised:
            rwg_j(np.zeros((len(labels), 2)), groups, null_variance=2.0)
        assert str(raised.value) == ONE_KIND

    def test_none_in_list(self) -> None:
        """Text with a None among it is refused."""
        with pytest.raises(ArgumentError) as raised:
            icc1([1.0, 2.0, 3.0], np.array(["a", None, "a"], dtype=object))
        assert str(raised.value) == ONE_KIND

    @pytest.mark.parametrize("form", ["list", "tuple"])
    def test_length_mismatch(self, form: str) -> None:
        """A list or tuple of text of the wrong length names both lengths."""
        with pytest.raises(ArgumentError) as raised:
            awg([0, 1, 2, 3, 4], _as(form, ["a", "a", "b", "b"]), low=0, high=4)
        assert str(raised.value) == (
            "x and groups must have the same length (one group label per respondent); got 5"
            " rows in x and 4 labels in groups"
        )

    @pytest.mark.parametrize(
        ("groups", "message"),
        [
            ([], "groups must hold at least one label; got an empty array"),
            ((), "groups must hold at least one label; got an empty array"),
            (
                [["a", "b"], ["c", "d"]],
                "groups must be 1-dimensional, shape (n_respondents,); got shape (2, 2)",
            ),
            (
                [["a"], ["b", "c"]],
                "groups must be 1-dimensional, shape (n_respondents,); got a ragged sequence",
            ),
            ("ab", "groups must be 1-dimensional, shape (n_respondents,); got shape ()"),
            (
                [1.0, NAN],
                "groups must not contain NaN; give every respondent a group label",
            ),
        ],
    )
    def test_bad_labels(self, groups: Any, message: str) -> None:
        """Empty, two-dimensional, ragged, a single string, NaN: the messages of before."""
        with pytest.raises(ArgumentError) as raised:
            _group_codes(groups)
        assert str(raised.value) == message
