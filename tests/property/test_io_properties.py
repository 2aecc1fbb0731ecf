"""Properties of survey files: robustness to any bytes, exact round trips, order, missing."""

from __future__ import annotations

import contextlib
import csv
import functools
import io
import json
import math
from pathlib import Path
from random import Random

import numpy as np
from hypothesis import given, reject, settings
from hypothesis import strategies as st

from jointworking import MORLEY_2016, ArgumentError, Instrument, JointWorkingError, Responses
from jointworking import testing as jwst
from jointworking._csvsafe import neutralise, restore
from jointworking.io import read_responses, write_responses

FILES = Path(__file__).parent.parent / "data" / "files"
SAMPLES = [(FILES / name).read_bytes() for name in ("wide.csv", "long.csv", "survey.json")]
FORMATS = st.sampled_from([None, "csv", "json"])

HOSTILE = [
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://example.com","x")',
    "+1",
    "-1",
    "@x",
    "'=y",
    "''+z",
    "-",
    "Smith, Jones & Co",
    'The "Alliance"',
    "\u05d1\u05e8\u05d9\u05ea RTL",
    "cafe\u0301",
    "\u0645\u062c\u0644\u0633",
    "'",
    "Internal Audit",
    "sep=;",
    '"',
    "\u00a0non-breaking\u00a0space",
    "\uff26ull width",
]
# Names may not hold control, line-break or invisible formatting characters (nor lone
# surrogates, U+FFFD or noncharacters): the readers and constructors refuse them, so a
# valid survey holds none.
_CHARACTERS = st.characters(
    exclude_categories=["Cs", "Cc", "Cf", "Zl", "Zp", "Cn"], exclude_characters="\ufffd"
)
NAMES = (
    st.one_of(st.sampled_from(HOSTILE), st.text(_CHARACTERS, min_size=1, max_size=12))
    .map(str.strip)
    .filter(bool)
)


def _is_internal(name: str) -> bool:
    return name.casefold() == "internal"


def _fits(organisation: str, about: str) -> bool:
    """Whether `about` is a valid about for `organisation`: not the organisation itself."""
    return about != organisation or _is_internal(about)


@st.composite
def responses(draw: st.DrawFn) -> Responses:
    """Valid responses with hostile names, several groups and missing answers."""
    instrument: Instrument = draw(
        st.one_of(st.just(MORLEY_2016), jwst.instruments(max_questions=5))
    )
    n = draw(st.integers(1, 8))
    organisations = draw(
        st.lists(NAMES.filter(lambda s: not _is_internal(s)), min_size=1, max_size=3)
    )
    partners = st.one_of(st.just("internal"), NAMES)
    rows = []
    for _ in range(n):
        organisation = draw(st.sampled_from(organisations))
        about = draw(partners.filter(functools.partial(_fits, organisation)))
        rows.append((organisation, about))
    ids = draw(st.lists(NAMES, min_size=n, max_size=n, unique=True))
    optional = st.one_of(st.none(), NAMES)
    units = draw(st.lists(optional, min_size=n, max_size=n))
    waves = draw(st.lists(optional, min_size=n, max_size=n))
    scores = st.sampled_from([*instrument.scale.values, math.nan])
    q = len(instrument.questions)
    answers = draw(st.lists(st.lists(scores, min_size=q, max_size=q), min_size=n, max_size=n))
    try:
        return Responses.from_arrays(
            np.array(answers, dtype=np.float64),
            organisation=[o for o, _ in rows],
            about=[a for _, a in rows],
            respondent=ids,
            unit=units,
            wave=waves,
            instrument=instrument,
        )
    except ArgumentError:
        # Names or waves that only look different ("A" and "a"), or ids that are one
        # once in NFC: not a valid survey.
        reject()


def _labels(r: Responses) -> list[list[str]]:
    return [getattr(r, c).tolist() for c in ("organisation", "about", "respondent", "unit", "wave")]


def _rows(r: Responses) -> set[tuple[object, ...]]:
    """Each respondent as a hashable row, NaN shown as None."""
    answers = [tuple(None if math.isnan(s) else s for s in row) for row in r.answers.tolist()]
    return set(zip(*_labels(r), answers, strict=True))


def _read_or_fail_cleanly(data: bytes | str, format: str | None) -> None:
    """Read `data`; anything but success or a JointWorkingError fails the test."""
    stream: io.BytesIO | io.StringIO = (
        io.BytesIO(data) if isinstance(data, bytes) else io.StringIO(data)
    )
    with contextlib.suppress(JointWorkingError):
        read_responses(stream, format=format)


@settings(max_examples=300)
@given(st.binary(max_size=600), FORMATS)
def test_arbitrary_bytes_raise_only_library_errors(data: bytes, format: str | None) -> None:
    """Arbitrary bytes either read or raise a JointWorkingError, never anything else."""
    _read_or_fail_cleanly(data, format)


@settings(max_examples=100)
@given(st.text(max_size=300), FORMATS)
def test_arbitrary_text_raises_only_library_errors(text: str, format: str | None) -> None:
    """Arbitrary text from a text stream either reads or raises a JointWorkingError."""
    _read_or_fail_cleanly(text, format)


_INSERTS = st.sampled_from(
    [b",", b";", b"\t", b'"', b"'", b"\r", b"\n", b"\r\n", b"\x00", b"\xff", b"[", b"{", b"\\"]
)


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    """A valid sample file after truncation, byte flips, insertions and deletions."""
    data = bytearray(draw(st.sampled_from(SAMPLES)))
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(st.sampled_from(["truncate", "flip", "insert", "delete"]))
        at = draw(st.integers(0, len(data)))
        if kind == "truncate":
            del data[at:]
        elif kind == "flip" and at < len(data):
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif kind == "insert":
            data[at:at] = draw(_INSERTS) * draw(st.integers(1, 3))
        else:
            del data[at : at + draw(st.integers(1, 20))]
    return bytes(data)


@settings(max_examples=300)
@given(mutated(), FORMATS)
def test_mutated_files_raise_only_library_errors(data: bytes, format: str | None) -> None:
    """Corrupted valid files either read or raise a JointWorkingError, never anything else."""
    _read_or_fail_cleanly(data, format)


@settings(max_examples=150)
@given(responses(), st.sampled_from(["csv", "json"]))
def test_write_then_read_round_trips(original: Responses, format: str) -> None:
    """Writing then reading gives the same labels and answers, hostile names included."""
    out = io.StringIO()
    write_responses(original, out, format=format)
    back = read_responses(io.StringIO(out.getvalue()), original.instrument, format=format)
    assert _labels(back) == _labels(original)
    np.testing.assert_array_equal(back.answers, original.answers)


@settings(max_examples=60)
@given(responses(), st.randoms(use_true_random=False))
def test_reordering_csv_rows_gives_the_same_responses(original: Responses, random: Random) -> None:
    """Shuffling the data rows of a CSV file reads as the same set of responses."""
    out = io.StringIO()
    write_responses(original, out)
    header, *records = list(csv.reader(io.StringIO(out.getvalue(), newline="")))
    random.shuffle(records)
    shuffled = io.StringIO(newline="")
    csv.writer(shuffled, quoting=csv.QUOTE_ALL).writerows([header, *records])
    back = read_responses(io.StringIO(shuffled.getvalue()), original.instrument, format="csv")
    assert _rows(back) == _rows(original)


_MISSING = st.sampled_from(
    ["", " ", "Don't know", "DON\u2019T KNOW", "dont know", " dk ", "n/a", "Not sure", "unknown"]
)
_SCORES = st.sampled_from(["0", "1", "2", "3", "4", "No evidence", "no", "Strong evidence"])
_VALUES = {"0": 0, "1": 1, "2": 2, "3": 3, "4": 4, "No evidence": 0, "no": 0}
_VALUES["Strong evidence"] = 4


@settings(max_examples=60)
@given(
    st.lists(
        st.lists(st.one_of(_MISSING, _SCORES), min_size=10, max_size=10), min_size=1, max_size=6
    ),
    st.sampled_from(["wide", "long", "json"]),
)
def test_dont_know_never_reads_as_zero(cells: list[list[str]], layout: str) -> None:
    """Missing markers read as NaN and only real zeros as 0, in every layout."""
    if layout == "wide":
        lines = ["organisation,about,respondent," + ",".join(f"q{i}" for i in range(1, 11))]
        lines += [f"A,internal,r{i}," + ",".join(row) for i, row in enumerate(cells)]
        text = "\n".join(lines) + "\n"
    elif layout == "long":
        lines = ["organisation,about,respondent,question,answer"]
        lines += [
            f"A,internal,r{i},{q},{cell}"
            for i, row in enumerate(cells)
            for q, cell in enumerate(row, 1)
        ]
        text = "\n".join(lines) + "\n"
    else:
        records = [
            {
                "organisation": "A",
                "about": "internal",
                "respondent": f"r{i}",
                "answers": {f"q{q}": cell for q, cell in enumerate(row, 1)},
            }
            for i, row in enumerate(cells)
        ]
        text = json.dumps(records)
    answers = read_responses(io.StringIO(text)).answers
    for row, read in zip(cells, answers.tolist(), strict=True):
        for cell, score in zip(row, read, strict=True):
            if cell in _VALUES:
                assert score == _VALUES[cell]
            else:
                assert math.isnan(score)


@given(st.text())
def test_restore_inverts_neutralise(text: str) -> None:
    """restore(neutralise(t)) == t, and a neutralised cell never starts a formula."""
    safe = neutralise(text)
    assert restore(safe) == text
    assert safe in (text, "'" + text)
    if safe[:1] in ("=", "+", "-", "@", "\t", "\r"):
        assert safe == text
        float(safe)  # left alone only because it is a number
