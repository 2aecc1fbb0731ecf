"""Every reader of wide CSV files gives the same responses, or the same error, for any file.

A file is read by pyarrow's reader (with the fast extra), by the standard library column
by column, or by the exact reader row by row; the fast ones hand a file they cannot read
plainly to the exact one. These properties write generated surveys, valid and broken
(cells quoted around commas and line breaks, blank rows, byte order marks, each encoding
the readers accept, bytes flipped, inserted and deleted), read each with every reader
alone, and check that all agree on the result or on the error: its message, line and
column.
"""

from __future__ import annotations

import codecs
import io
import math
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_io_properties import mutated, responses

from jointworking import JointWorkingError, Responses
from jointworking._readers import _route
from jointworking.io import read_responses, write_responses

PATHS = ("exact", "python", "arrow")
LABELS = ("organisation", "about", "respondent", "unit", "wave")


@contextmanager
def only(path: str) -> Iterator[None]:
    """Read with one reader alone (the exact one behind it), pyarrow from the first byte."""
    saved = dict(_route.READERS), _route.ARROW_FROM
    _route.READERS.update(arrow=path == "arrow", python=path == "python")
    _route.ARROW_FROM = 0
    try:
        yield
    finally:
        _route.READERS.update(saved[0])
        _route.ARROW_FROM = saved[1]


def outcome(data: bytes, path: str) -> object:
    """What reading `data` with one reader gives: the responses' content, or the error."""
    with only(path):
        try:
            r = read_responses(io.BytesIO(data), format="csv")
        except JointWorkingError as error:
            return (type(error).__name__, str(error), error.line, error.column)  # type: ignore[attr-defined]
    answers = [[None if math.isnan(s) else s for s in row] for row in r.answers.tolist()]
    labels = [
        getattr(r, c).tolist() for c in ("organisation", "about", "respondent", "unit", "wave")
    ]
    return (r.instrument.name, answers, labels)


def agree(data: bytes) -> object:
    """Read `data` with every reader; fail unless all give the same outcome."""
    pytest.importorskip("pyarrow")
    seen = {path: outcome(data, path) for path in PATHS}
    assert seen["python"] == seen["exact"]
    assert seen["arrow"] == seen["exact"]
    return seen["exact"]


ENCODINGS = st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"])
LINE_ENDS = st.sampled_from(["\n", "\r\n", "\r"])


def _encoded(text: str, encoding: str) -> bytes | None:
    try:
        return text.encode(encoding)
    except UnicodeEncodeError:
        return None


@settings(max_examples=120)
@given(responses(), ENCODINGS, LINE_ENDS, st.integers(0, 3))
def test_valid_surveys_read_alike(
    original: Responses, encoding: str, end: str, blank_rows: int
) -> None:
    """Any valid survey, in any accepted encoding and line end, with blank rows at the end."""
    buffer = io.StringIO()
    write_responses(original, buffer, format="csv")
    text = buffer.getvalue().replace("\r\n", "\n").replace("\n", end) + ("," * 3 + end) * blank_rows
    data = _encoded(text, encoding)
    if data is None:
        return
    agree(data)


CELLS = st.sampled_from(
    [
        "Harlow DC",
        "Essex CC",
        "internal",
        " Internal ",
        '"Smith, Jones"',
        '"line\nbreak"',
        '"say ""hi"""',
        '"unclosed',
        'a"b',
        '"a"b',
        "'=x",
        "",
        "   ",
        "3",
        "03",
        "2.0",
        "Clear evidence",
        "don't know",
        "NaN",
        "7",
        "r1",
        "r2",
        "Caf\u00e9",
        "e\u0301",
        "\u200bhidden",
        "\x00",
        "2026-Q1",
        "2026-q1",
    ]
)


@st.composite
def wide_files(draw: st.DrawFn) -> bytes:
    """A wide CSV file of drawn cells: mostly valid, often broken in some cell."""
    header = draw(
        st.sampled_from(
            [
                "organisation,about,respondent,q1,q2",
                "organisation,about,q1,q2,q3",
                "organisation,about,respondent,unit,wave,q1",
                "sep=,\norganisation,about,respondent,q1,q2",
                "organization,About,respondent,q1,,q2",
            ]
        )
    )
    width = header.split("\n")[-1].count(",") + 1
    rows = []
    for _ in range(draw(st.integers(0, 6))):
        cells = draw(st.lists(CELLS, min_size=width - 1, max_size=width + 1))
        rows.append(",".join(cells))
    if draw(st.booleans()):
        rows.insert(draw(st.integers(0, len(rows))), "")
    text = "\n".join([header, *rows]) + draw(st.sampled_from(["", "\n", "\r\n"]))
    encoding = draw(ENCODINGS)
    data = _encoded(text, encoding)
    return data if data is not None else text.encode("utf-8")


@settings(max_examples=400)
@given(wide_files())
def test_drawn_files_read_alike(data: bytes) -> None:
    """Files drawn cell by cell, valid or not: the same responses or the same error."""
    agree(data)


@settings(max_examples=200)
@given(mutated())
def test_corrupted_files_read_alike(data: bytes) -> None:
    """Valid sample files after truncation, flipped bits, insertions and deletions."""
    agree(data)


def test_a_plain_file_is_read_by_each_fast_reader() -> None:
    """The fast readers do read a plain file themselves (they do not always give way)."""
    pytest.importorskip("pyarrow")
    rows = "".join(f"Org {i % 3},internal,r{i},{i % 5},,Some evidence\n" for i in range(50))
    data = codecs.BOM_UTF8 + ("organisation,about,respondent,q1,q2,q3\n" + rows).encode()
    for path in ("python", "arrow"):
        before = _route.used[path]
        with only(path):
            read_responses(io.BytesIO(data), format="csv")
        assert _route.used[path] == before + 1, path
    quoted = data.replace(b"Org 1,", b'"Org 1",')
    with only("arrow"):
        before = _route.used["arrow"]
        read_responses(io.BytesIO(quoted), format="csv")
        assert _route.used["arrow"] == before + 1
    assert np.isfinite(agree(data)[1][0][0])  # type: ignore[index]


def chunked_outcome(data: bytes, path: str, size: int) -> object:
    """What reading `data` in chunks gives: each chunk's content, or the error."""
    chunks: list[object] = []
    with only(path):
        try:
            for chunk in read_responses(io.BytesIO(data), chunk_size=size):
                answers = [
                    [None if math.isnan(s) else s for s in r] for r in chunk.answers.tolist()
                ]
                chunks.append((answers, [getattr(chunk, c).tolist() for c in LABELS]))
        except JointWorkingError as error:
            chunks.append((type(error).__name__, str(error), error.line, error.column))  # type: ignore[attr-defined]
    return chunks


@settings(max_examples=300)
@given(wide_files(), st.integers(1, 4))
def test_chunked_reads_alike(data: bytes, size: int) -> None:
    """In chunks too, column by column or row by row: the same chunks, the same error."""
    assert chunked_outcome(data, "python", size) == chunked_outcome(data, "exact", size)


@settings(max_examples=100)
@given(responses(), st.integers(1, 4), ENCODINGS)
def test_valid_surveys_chunk_alike(original: Responses, size: int, encoding: str) -> None:
    """Valid surveys in chunks: the same chunks, and repeats across chunks still found."""
    buffer = io.StringIO()
    write_responses(original, buffer, format="csv")
    text = buffer.getvalue()
    lines = text.splitlines(keepends=True)
    # Append the first respondent again: a repeat in a later chunk, across chunks.
    data = _encoded(text + (lines[1] if len(lines) > 1 else ""), encoding)
    if data is None:
        return
    assert chunked_outcome(data, "python", size) == chunked_outcome(data, "exact", size)
