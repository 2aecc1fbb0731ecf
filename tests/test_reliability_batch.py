"""The reliability of a survey, computed for all organisations at once, is the single path's.

``consistency.reliability`` computes Cronbach's alpha and McDonald's omega total of each
set of questions over the survey and over each organisation together
(``jointworking._reliability_batch``). These tests hold it to what
:func:`~jointworking.reliability.cronbach_alpha` and
:func:`~jointworking.reliability.omega_total` give on each organisation's responses one at
a time, to the last bit of every float: the reference below is the loop over
organisations that ``reliability`` used to be, written here from the public functions.
"""

from __future__ import annotations

import math
import struct
from types import MappingProxyType
from typing import Any, TypeAlias

import attrs
import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import jointworking as jw
from jointworking._reliability_batch import reliabilities
from jointworking.consistency import (
    MIN_RESPONSES,
    Reliability,
    ScaleName,
    ScaleReliability,
    reliability,
)
from jointworking.errors import ArgumentError
from jointworking.instrument import Instrument
from jointworking.reliability import Omega, cronbach_alpha, omega_total
from jointworking.rung import Rung

FloatArray: TypeAlias = npt.NDArray[np.float64]
IntArray: TypeAlias = npt.NDArray[np.intp]

INSTRUMENT = jw.MORLEY_2016
COLLABORATION = [i for i, q in enumerate(INSTRUMENT.questions) if q.rung == Rung.COLLABORATION]
PARTNERSHIP = [i for i, q in enumerate(INSTRUMENT.questions) if q.rung == Rung.PARTNERSHIP]
K = len(INSTRUMENT.questions)

# --------------------------------------------------------------------------------------
# The reference: one organisation and one set of questions at a time
# --------------------------------------------------------------------------------------


def _reason(error: ArgumentError) -> str:
    text = str(error)
    return text.split(": ", 1)[1] if ": " in text else text


def _one_by_one(
    scale: ScaleName, answers: FloatArray, columns: IntArray, numbers: tuple[int, ...]
) -> ScaleReliability:
    questions = tuple(numbers[j] for j in columns.tolist())
    x = answers[:, columns]
    x = x[~np.isnan(x).all(axis=1)]
    n = int(x.shape[0])
    if columns.size < 2:
        return ScaleReliability(scale, questions, n, None, None, "fewer than two questions")
    if n < MIN_RESPONSES:
        note = f"{n} responses, fewer than the {MIN_RESPONSES} needed"
        return ScaleReliability(scale, questions, n, None, None, note)
    try:
        alpha = cronbach_alpha(x)
    except ArgumentError as error:
        return ScaleReliability(scale, questions, n, None, None, _reason(error))
    try:
        omega: Omega | None = omega_total(x)
    except ArgumentError as error:
        return ScaleReliability(scale, questions, n, alpha, None, _reason(error))
    return ScaleReliability(scale, questions, n, alpha, omega)


def _reference(
    instrument: Instrument, answers: FloatArray, organisation: IntArray, names: tuple[str, ...]
) -> Reliability:
    codes = instrument._rung_codes()
    scales: list[tuple[ScaleName, IntArray]] = [
        ("collaboration", np.flatnonzero(codes == Rung.COLLABORATION)),
        ("partnership", np.flatnonzero(codes == Rung.PARTNERSHIP)),
        ("all", np.arange(codes.size)),
    ]
    numbers = instrument.numbers
    survey = tuple(_one_by_one(name, answers, columns, numbers) for name, columns in scales)
    per: dict[str, tuple[ScaleReliability, ...]] = {}
    for code in sorted(set(organisation.tolist())):
        rows = answers[organisation == code]
        if rows.shape[0] >= MIN_RESPONSES:
            per[names[code]] = tuple(
                _one_by_one(name, rows, columns, numbers) for name, columns in scales
            )
    return Reliability(survey, MappingProxyType(dict(sorted(per.items()))))


# --------------------------------------------------------------------------------------
# Equality to the last bit
# --------------------------------------------------------------------------------------


def _parts(actual: Any, expected: Any, where: str) -> list[tuple[Any, Any, str]]:
    """The fields or items of two results of one type, side by side."""
    if isinstance(actual, tuple):
        return [
            (a, e, f"{where}[{i}]") for i, (a, e) in enumerate(zip(actual, expected, strict=True))
        ]
    return [
        (getattr(actual, f.name), getattr(expected, f.name), f"{where}.{f.name}")
        for f in attrs.fields(type(actual))
    ]


def _difference(actual: Any, expected: Any, where: str) -> str | None:
    """Where `actual` and `expected` first differ (floats bit for bit), or None."""
    if type(actual) is not type(expected):
        return f"{where}: {actual!r} is not {expected!r}"
    if isinstance(actual, tuple) and len(actual) != len(expected):
        return f"{where}: {len(actual)} items, not {len(expected)}"
    if isinstance(actual, tuple) or attrs.has(type(actual)):
        found = (_difference(a, e, w) for a, e, w in _parts(actual, expected, where))
        return next((f for f in found if f), None)
    if isinstance(actual, float):
        same = struct.pack("<d", actual) == struct.pack("<d", expected)
    else:
        same = actual == expected
    return None if same else f"{where}: {actual!r} != {expected!r}"


def _assert_same(actual: Reliability, expected: Reliability) -> None:
    assert list(actual.organisations) == list(expected.organisations)
    assert actual.min_responses == expected.min_responses
    found = _difference(actual.survey, expected.survey, "survey")
    assert found is None, found
    for name, figures in expected.organisations.items():
        found = _difference(actual.organisations[name], figures, name)
        assert found is None, found


# --------------------------------------------------------------------------------------
# Surveys
# --------------------------------------------------------------------------------------


def _answers(rng: np.random.Generator, n: int, strength: float) -> FloatArray:
    """`n` responses on the 0-4 scale from one factor of the given strength (0: noise)."""
    latent = rng.normal(size=(n, 1))
    raw = 2.0 + 1.2 * (strength * latent + rng.normal(size=(n, K)))
    answers: FloatArray = np.clip(np.rint(raw), 0.0, 4.0)
    return answers


def _organisation(rng: np.random.Generator, kind: str, n: int) -> FloatArray:
    """One organisation's responses, with the trouble `kind` names."""
    if kind == "stubborn":  # noise on which the collaboration fit does not converge
        noise = np.random.default_rng(43).normal(size=(60, K))
        stubborn: FloatArray = np.clip(np.rint(2.0 + 1.2 * noise), 0.0, 4.0)
        return stubborn
    x = _answers(rng, n, strength=float(rng.choice([0.0, 0.3, 1.0])))
    if kind in {"missing", "constant", "nobody", "skips"}:
        x[rng.random(x.shape) < 0.1] = np.nan
    if kind == "constant":  # one question answered alike by all who answered it, with a
        # value whose sum rounds, so that its deviations from its mean are not exactly 0
        x[:, rng.choice(K)] = np.where(np.isnan(x[:, 0]), np.nan, 2.2)
    elif kind == "two constant":  # the collaboration set is left with one that varies
        x[:, COLLABORATION[:2]] = 2.0
    elif kind == "nobody":  # a question nobody in this organisation answered
        x[:, rng.choice(K)] = np.nan
    elif kind == "one answer":
        column = rng.choice(K)
        x[:, column] = np.nan
        x[0, column] = 1.0
    elif kind == "alike":  # a question only answered by respondents who agree on another
        first, second = COLLABORATION[0], PARTNERSHIP[0]
        x[10:, first] = np.nan
        x[:10, second] = 2.0
    elif kind == "skips":  # respondents who skipped a whole set of questions
        x[: n // 5, COLLABORATION] = np.nan
        x[n // 5 : n // 3, PARTNERSHIP] = np.nan
    elif kind == "blank":  # respondents who answered nothing
        x[: n // 4] = np.nan
    return x


KINDS = (
    "complete",
    "missing",
    "constant",
    "two constant",
    "nobody",
    "one answer",
    "alike",
    "skips",
    "blank",
    "stubborn",
)


def _survey(seed: int, organisations: int) -> tuple[FloatArray, IntArray, tuple[str, ...]]:
    """A seeded survey: organisations of every kind and size, their rows interleaved."""
    rng = np.random.default_rng(seed)
    sizes = rng.choice([3, 12, 29, 30, 31, 45, 60, 120, 250], size=organisations)
    tables = [
        _organisation(rng, KINDS[i % len(KINDS)], int(n)) for i, n in enumerate(sizes.tolist())
    ]
    answers = np.vstack(tables)
    codes = np.repeat(np.arange(organisations), [table.shape[0] for table in tables])
    shuffle = rng.permutation(codes.size)
    names = tuple(f"Org {i:03d}" for i in rng.permutation(organisations))
    return answers[shuffle], codes[shuffle].astype(np.intp), names


# --------------------------------------------------------------------------------------
# Tests
# --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seeded() -> tuple[Reliability, Reliability]:
    answers, organisation, names = _survey(20261206, 108)
    return (
        reliability(INSTRUMENT, answers, organisation, names),
        _reference(INSTRUMENT, answers, organisation, names),
    )


def test_seeded_survey_matches_one_by_one(seeded: tuple[Reliability, Reliability]) -> None:
    """Every figure of every organisation equals the single path's, bit for bit."""
    _assert_same(*seeded)


def test_seeded_survey_takes_every_path(seeded: tuple[Reliability, Reliability]) -> None:
    """The seeded survey reaches each way a set can end, so the comparison covers them."""
    _, expected = seeded
    every = [s for figures in expected.organisations.values() for s in figures]
    assert any(s.note == "" for s in every)
    assert any("fewer than the 30 needed" in s.note for s in every)
    assert any("every item needs at least 2" in s.note for s in every)
    assert any("items that vary" in s.note for s in every)
    assert any("same answer from every respondent" in s.note for s in every)
    assert any("did not converge" in s.note and s.alpha is not None for s in every)
    assert any(s.alpha is not None and s.alpha.constant_items for s in every)
    assert any(s.omega is not None and s.omega.iterations > 50 for s in every)
    assert len(expected.organisations) < 108  # some organisations have too few responses


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    organisations=st.integers(1, 5),
    missing=st.floats(0.0, 0.3),
    constant=st.booleans(),
)
def test_generated_surveys_match_one_by_one(
    seed: int, organisations: int, missing: float, constant: bool
) -> None:
    """Small surveys, with missing answers and questions that do not vary, agree too."""
    rng = np.random.default_rng(seed)
    sizes = rng.integers(20, 80, size=organisations)
    answers = _answers(rng, int(sizes.sum()), strength=float(rng.uniform(0.0, 1.5)))
    answers[rng.random(answers.shape) < missing] = np.nan
    codes = np.repeat(np.arange(organisations), sizes).astype(np.intp)
    if constant:
        rows = codes == rng.integers(organisations)
        answers[rows, rng.integers(K)] = 1.0
    names = tuple(f"O{i}" for i in range(organisations))
    _assert_same(
        reliability(INSTRUMENT, answers, codes, names),
        _reference(INSTRUMENT, answers, codes, names),
    )


def test_fewer_than_two_questions() -> None:
    """A rung with one question is reported as such, over the survey and per organisation."""
    questions = [
        jw.Question(
            i + 1,
            f"item{i + 1}",
            f"Question {i + 1}",
            Rung.COLLABORATION if i == 0 else Rung.PARTNERSHIP,
        )
        for i in range(5)
    ]
    instrument = jw.Instrument("small", "test", questions, scale=INSTRUMENT.scale)
    rng = np.random.default_rng(7)
    answers = np.clip(np.rint(2.0 + rng.normal(size=(100, 5))), 0.0, 4.0)
    codes = np.repeat(np.arange(2), 50).astype(np.intp)
    names = ("A", "B")
    actual = reliability(instrument, answers, codes, names)
    _assert_same(actual, _reference(instrument, answers, codes, names))
    assert actual.survey[0].note == "fewer than two questions"


def test_no_responses() -> None:
    """No responses: every set says so, and no organisation is listed."""
    answers = np.zeros((0, K))
    codes = np.zeros(0, dtype=np.intp)
    actual = reliability(INSTRUMENT, answers, codes, ())
    _assert_same(actual, _reference(INSTRUMENT, answers, codes, ()))
    assert not actual.organisations


def test_tables_match_the_public_functions() -> None:
    """Each table's figures are the functions' own; unusual tables are left to them."""
    rng = np.random.default_rng(11)
    plain = _answers(rng, 60, strength=1.0)[:, :4]
    holes = plain.copy()
    holes[rng.random(holes.shape) < 0.2] = np.nan
    still = plain.copy()
    still[:, 1] = 0.1  # 60 times 0.1 is not 6.0 in floating point
    infinite = plain.copy()
    infinite[3, 2] = math.inf
    few = plain.copy()
    few[1:, 0] = np.nan
    tables = [plain, holes, still, infinite, few, plain[:5]]
    found = reliabilities(tables)
    assert [f is None for f in found] == [False, False, True, True, True, False]
    for table, figures in zip(tables, found, strict=True):
        if figures is not None:
            assert _difference(figures.alpha, cronbach_alpha(table), "alpha") is None
            assert _difference(figures.omega, omega_total(table), "omega") is None
    assert reliabilities([]) == []


@pytest.mark.parametrize("k", [2, 3, 7])
def test_few_items_match_the_public_functions(k: int) -> None:
    """Sets of two or a few items, with and without missing answers, agree too."""
    rng = np.random.default_rng(k)
    tables = [_answers(rng, int(n), strength=1.0)[:, :k] for n in (35, 80, 300)]
    for table in tables[1:]:
        table[rng.random(table.shape) < 0.1] = np.nan
    for table, figures in zip(tables, reliabilities(tables), strict=True):
        assert figures is not None
        assert _difference(figures.alpha, cronbach_alpha(table), "alpha") is None
        assert _difference(figures.omega, omega_total(table), "omega") is None
