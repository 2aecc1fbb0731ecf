"""Reading wide CSV files in chunks: the same responses and errors as the whole read."""

from __future__ import annotations

import inspect
import io
import math
import re
import tracemalloc
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import jointworking._readers._chunks as jio
from jointworking import ArgumentError, ResponseFileError, Responses
from jointworking._csvsafe import neutralise
from jointworking.io import read_responses, write_responses

# Every test here runs once per reader (see conftest.py): all must agree.
pytestmark = pytest.mark.usefixtures("reader_path")

NAN = math.nan
LABELS = ("organisation", "about", "respondent", "unit", "wave")
HEADER = "organisation,about,respondent,unit,wave,q1,q2\n"
BREAKS = re.compile(r"\r\n|\r|\n")
SIZES = (1, 2, 3, 7, 1000)
# The scale's labels, written out here rather than taken from the instrument.
SCALE_LABELS = (
    "No evidence",
    "Little evidence",
    "Some evidence",
    "Clear evidence",
    "Strong evidence",
)


def write(tmp_path: Path, content: str | bytes, name: str = "survey.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return path


def joined(chunks: Iterable[Responses]) -> tuple[dict[str, list[str]], npt.NDArray[np.float64]]:
    """The label columns and answers of all the chunks, one after the other."""
    columns: dict[str, list[str]] = {name: [] for name in LABELS}
    answers = []
    for chunk in chunks:
        for name in LABELS:
            columns[name] += getattr(chunk, name).tolist()
        answers.append(chunk.answers)
    return columns, np.vstack(answers)


def whole_message(path: Path) -> str:
    """The message of the error raised reading `path` whole."""
    with pytest.raises(ResponseFileError) as caught:
        read_responses(path)
    return str(caught.value)


def chunked_message(path: Path, size: int) -> str:
    """The message of the error raised reading `path` in chunks of `size`."""
    with pytest.raises(ResponseFileError) as caught:
        list(read_responses(path, chunk_size=size))
    return str(caught.value)


# --------------------------------------------------------------------------- results


def test_chunks_in_file_order_with_known_values(tmp_path: Path) -> None:
    """Chunks of at most chunk_size respondents, in file order, with the answers written."""
    rows = [(f"r{i}", i % 5, (i + 2) % 5) for i in range(1, 8)]
    text = HEADER + "".join(f"A,internal,{r},U,W,{a},{b}\n" for r, a, b in rows)
    chunks = list(read_responses(write(tmp_path, text), chunk_size=3))
    assert [len(chunk) for chunk in chunks] == [3, 3, 1]
    assert [chunk.respondent.tolist() for chunk in chunks] == [
        ["r1", "r2", "r3"],
        ["r4", "r5", "r6"],
        ["r7"],
    ]
    answers = np.vstack([chunk.answers for chunk in chunks])
    assert answers[:, :2].tolist() == [[a, b] for _, a, b in rows]
    assert np.isnan(answers[:, 2:]).all()


FEATURES: dict[str, tuple[str, dict[str, list[str]], list[float]]] = {
    "blank rows": (
        "organisation,about,respondent,q1\n\nA,internal,r1,1\n,,,\n \t, ,,\nB,internal,r1,2\n"
        "\n,,,\nC,internal,r1,3\n,,,\n",
        {"organisation": ["A", "B", "C"], "respondent": ["r1", "r1", "r1"]},
        [1, 2, 3],
    ),
    "quoted multi-line fields": (
        'organisation,about,respondent,q1\n"Smith, ""Jones"" and Co",internal,"r1","Little\r\n'
        'evidence"\nB,internal,r2,2\n"C",internal,r3,"Clear\revidence"\n',
        {
            "organisation": ['Smith, "Jones" and Co', "B", "C"],
            "respondent": ["r1", "r2", "r3"],
        },
        [1, 2, 3],
    ),
    "byte order mark": (
        "\ufefforganisation,about,respondent,q1\nCaf\u00e9,internal,r1,1\nB,internal,r1,4\n",
        {"organisation": ["Caf\u00e9", "B"], "respondent": ["r1", "r1"]},
        [1, 4],
    ),
    "semicolons": (
        'organisation;about;respondent;q1\n"Smith, Jones";internal;r1;Clear evidence\n'
        "B;internal;r2;don't know\nC;internal;r3;2\n",
        {"organisation": ["Smith, Jones", "B", "C"], "respondent": ["r1", "r2", "r3"]},
        [3, NAN, 2],
    ),
    "CRLF and a sep line": (
        "sep=;\r\norganisation;about;respondent;q1\r\nA;internal;r1;1\r\n\r\nB;internal;r1;0\r\n",
        {"organisation": ["A", "B"], "respondent": ["r1", "r1"]},
        [1, 0],
    ),
    "CR line ends": (
        "organisation,about,respondent,q1\rA,internal,r1,1\rB,internal,r1,2\rC,internal,r1,3",
        {"organisation": ["A", "B", "C"], "respondent": ["r1", "r1", "r1"]},
        [1, 2, 3],
    ),
    "no respondent column": (
        'organisation,about,q1\nA,internal,1\n\n"B",internal,"Some\nevidence"\nA,internal,1\n',
        {"organisation": ["A", "B", "A"], "respondent": ["2", "4", "6"]},
        [1, 2, 1],
    ),
    "blank lines before the header": (
        "\n,,\n  \r\n\t, \norganisation,about,q1\nA,internal,1\n\nB,internal,2\n",
        {"organisation": ["A", "B"], "respondent": ["6", "8"]},
        [1, 2],
    ),
    "formula protection": (
        "organisation,about,respondent,q1\n'=HYPERLINK(1),'@home,''=x,1\nB,internal,'-y,2\n",
        {"organisation": ["=HYPERLINK(1)", "B"], "respondent": ["'=x", "-y"]},
        [1, 2],
    ),
}


@pytest.mark.parametrize("case", FEATURES)
@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
def test_features_read_the_same_in_chunks(tmp_path: Path, case: str, encoding: str) -> None:
    """Each feature of the whole read gives the known values, whole and in any chunks."""
    text, expected, q1 = FEATURES[case]
    path = write(tmp_path, text.encode(encoding))
    whole = read_responses(path)
    for name, values in expected.items():
        assert getattr(whole, name).tolist() == values
    np.testing.assert_array_equal(whole.answers[:, 0], q1)
    for size in SIZES:
        columns, answers = joined(read_responses(path, chunk_size=size))
        assert columns == joined([whole])[0]
        np.testing.assert_array_equal(answers, whole.answers)


def test_small_blocks_split_lines_characters_and_line_ends(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Blocks ending inside a CRLF, a multi-byte character or a quoted field change nothing."""
    text = (
        "\ufeffsep=;\r\norganisation;about;respondent;q1\r\n\r\n"
        '"Caf\u00e9 \u201cBar\u201d Ltd";internal;r\u00e9;"Little\r\nevidence"\r\n'
        + "".join(f"\u00c9ssex {i};internal;r{i};{i % 5}\r\n" for i in range(20))
    )
    expected = read_responses(write(tmp_path, text))
    assert len(expected) == 21
    assert expected.organisation[0] == "Caf\u00e9 \u201cBar\u201d Ltd"
    assert expected.respondent[:2].tolist() == ["r\u00e9", "r0"]
    assert expected.answers[:, 0].tolist() == [1] + [i % 5 for i in range(20)]
    for encoding in ("utf-8", "utf-16"):
        path = write(tmp_path, text.encode(encoding), f"{encoding}.csv")
        for block in (1, 2, 3, 5, 64):
            monkeypatch.setattr(jio, "_BLOCK", block)
            for size in (1, 4, 100):
                columns, answers = joined(read_responses(path, chunk_size=size))
                assert columns == joined([expected])[0]
                np.testing.assert_array_equal(answers, expected.answers)


# A survey drawn at random, written in one of the layouts the reader accepts, with the
# values expected computed from what was drawn.
NAMES = (
    "Harlow DC",
    "Essex CC",
    'Smith, "Jones" and Co',
    "Caf\u00e9; Bar",
    "=SUM(A1)",
    "Line, Break Ltd",
    "Tab Co",
)
UNITS = ("", "Housing", "Planning, Policy", "@home")
WAVES = ("", "2026-Q1", "-5")


@st.composite
def surveys(draw: st.DrawFn) -> tuple[bytes, dict[str, list[str]], list[list[float]]]:
    """A wide CSV file and the label columns and answers it holds."""
    delimiter = draw(st.sampled_from([",", ";", "\t"]))
    end = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]))
    with_respondent = draw(st.booleans())
    questions = draw(st.lists(st.integers(1, 10), min_size=1, max_size=10, unique=True))
    labels = ["organisation", "about", *(["respondent"] if with_respondent else []), "unit"]
    labels += ["wave"]
    header = labels + [f"q{n}" for n in questions]

    def cell(text: str) -> str:
        text = neutralise(text)
        quote = draw(st.booleans()) or any(c in text for c in (delimiter, '"', "\r", "\n"))
        return '"' + text.replace('"', '""') + '"' if quote else text

    if draw(st.booleans()):
        out = f"sep={delimiter}{end}"
    else:  # lines with nothing in them may come before the header
        blank = st.sampled_from(["", " ", delimiter * 3, " " + delimiter])
        out = "".join(line + end for line in draw(st.lists(blank, max_size=2)))
    out += delimiter.join(header) + end
    expected: dict[str, list[str]] = {name: [] for name in LABELS}
    answers: list[list[float]] = []
    for i in range(draw(st.integers(1, 12))):
        for _ in range(draw(st.integers(0, 2))):  # blank rows
            out += draw(st.sampled_from(["", delimiter * (len(header) - 1), " " + delimiter]))
            out += end
        line = len(BREAKS.findall(out)) + 1
        organisation = draw(st.sampled_from(NAMES))
        about = draw(st.sampled_from(["internal", *(n for n in NAMES if n != organisation)]))
        values = {
            "organisation": organisation,
            "about": about,
            "respondent": draw(st.sampled_from(["r", "=", "'", "id "])) + str(i),
            "unit": draw(st.sampled_from(UNITS)),
            "wave": draw(st.sampled_from(WAVES)),
        }
        scores = [draw(st.sampled_from([None, 0, 1, 2, 3, 4])) for _ in questions]
        cells = [cell(values[name]) for name in labels]
        for score in scores:
            if score is None:
                cells.append(draw(st.sampled_from(["", "don't know", "DK"])))
            else:
                label = SCALE_LABELS[score]
                # A label may span lines in a quoted cell: spacing in answers is folded.
                spanning = label.replace(" ", draw(st.sampled_from(["\n", "\r\n", "\r"])))
                written = draw(st.sampled_from([str(score), label, spanning]))
                cells.append(cell(written.upper() if draw(st.booleans()) else written))
        out += delimiter.join(cells) + end
        if not with_respondent:
            values["respondent"] = str(line)
        for name in LABELS:
            expected[name].append(values[name])
        row = [NAN] * 10
        for n, score in zip(questions, scores, strict=True):
            row[n - 1] = NAN if score is None else float(score)
        answers.append(row)
    return out.encode(encoding), expected, answers


@settings(max_examples=60)
@given(surveys(), st.sampled_from([1, 3, 64, 1 << 16]))
def test_chunking_never_changes_the_result(
    survey: tuple[bytes, dict[str, list[str]], list[list[float]]], block: int
) -> None:
    """Whole, and in chunks of 1, 2, 3, 7 or more than the file, the values drawn."""
    data, expected, answers = survey
    whole = read_responses(io.BytesIO(data))
    assert joined([whole])[0] == expected
    np.testing.assert_array_equal(whole.answers, answers)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(jio, "_BLOCK", block)
        for size in (1, 2, 3, 7, len(answers) + 1):
            chunks = list(read_responses(io.BytesIO(data), chunk_size=size))
            assert [len(chunk) for chunk in chunks[:-1]] == [size] * (len(chunks) - 1)
            assert 1 <= len(chunks[-1]) <= size
            columns, got = joined(chunks)
            assert columns == expected
            np.testing.assert_array_equal(got, answers)


def test_sources_path_binary_text_and_nameless(tmp_path: Path) -> None:
    """A path, a str path, binary and text files, and a nameless stream read the same."""
    text = HEADER + "".join(f"A,internal,r{i},U,W,{i % 5},\n" for i in range(10))
    path = write(tmp_path, text)
    expected = joined([read_responses(path)])
    chunked = [
        joined(read_responses(path, chunk_size=4)),
        joined(read_responses(str(path), chunk_size=4)),
        joined(read_responses(io.BytesIO(text.encode()), chunk_size=4)),
        joined(read_responses(io.StringIO(text), chunk_size=4)),
    ]
    with path.open("rb") as binary:
        chunked.append(joined(read_responses(binary, chunk_size=4)))
    with path.open(encoding="utf-8", newline="") as stream:
        chunked.append(joined(read_responses(stream, chunk_size=4)))
    for columns, answers in chunked:
        assert columns == expected[0]
        np.testing.assert_array_equal(answers, expected[1])


def test_typed_results(tmp_path: Path) -> None:
    """Without chunk_size the result is Responses; with it, a generator of Responses."""
    path = write(tmp_path, HEADER + "A,internal,r1,U,W,1,2\n")
    whole: Responses = read_responses(path)
    chunks: Iterator[Responses] = read_responses(path, chunk_size=1)
    assert isinstance(whole, Responses)
    assert [len(chunk) for chunk in chunks] == [1]
    assert inspect.isgenerator(read_responses(path, chunk_size=1))


# --------------------------------------------------------------------------- errors


GOOD = "".join(f"A,internal,r{i},U,W,1,2\n" for i in range(1, 7))  # lines 2 to 7

BROKEN: dict[str, tuple[str | bytes, int | None, str | None, str]] = {
    # name: (content, line, column, start of the message after the location)
    "score off the scale": (HEADER + GOOD + "A,internal,r9,U,W,1,7\n", 8, "q2", "expected one"),
    "too few fields": (HEADER + GOOD + "A,internal,r9,U,W,1\n", 8, None, "expected 7 fields"),
    "blank organisation": (HEADER + GOOD + " ,internal,r9,U,W,1,2\n", 8, "organisation", "exp"),
    "about itself": (HEADER + GOOD + "B,B,r9,U,W,1,2\n", 8, "about", "'B' is about itself"),
    "repeat across chunks": (HEADER + GOOD + "A,internal,r1,U,W,1,2\n", 8, "respondent", "resp"),
    "repeat before a bad row": (
        HEADER + GOOD + "A,internal,r3,U,W,1,2\nA,internal,r9,U,W,1,9\n",
        8,
        "respondent",
        "respondent 'r3' of 'A' about 'internal', wave 'W' answers twice (lines 4 and 8)",
    ),
    "bad row before a repeat": (
        HEADER + GOOD + "A,internal,r9,U,W,9,2\nA,internal,r3,U,W,1,2\n",
        8,
        "q1",
        "expected one",
    ),
    "similar names": (
        HEADER + GOOD + "a,internal,r9,U,W,1,2\n",
        8,
        "organisation",
        "'A' (line 2) and 'a' differ only in case, spacing or the form of their characters",
    ),
    "similar waves": (
        HEADER + GOOD + "A,internal,r9,U,w,1,2\n",
        8,
        "wave",
        "waves 'W' (line 2) and 'w' differ only in case, spacing, punctuation or zeros",
    ),
    "name with a control character": (
        HEADER + GOOD + "A\x00B,internal,r9,U,W,1,2\n",
        8,
        "organisation",
        "'A\\x00B' holds U+0000 at character 2, a control character",
    ),
    "NaN answer": (HEADER + GOOD + "A,internal,r9,U,W,NaN,2\n", 8, "q1", "expected one"),
    "mixed encodings": (
        (HEADER + GOOD).encode()
        + "\u00c9,internal,r8,U,W,1,2\n".encode()
        + b"\xc9,internal,r9,U,W,1,2\n",
        9,
        None,
        "not valid UTF-8 (byte 0xc9), though line 8 is UTF-8 ('\u00c9')",
    ),
    "unclosed quote": (HEADER + GOOD + '"A,internal,r9,U,W,1,2\n', 8, None, "a quoted field"),
    "text after a quote": (HEADER + GOOD + '"A"x,internal,r9,U,W,1,2\n', 8, None, "expected the"),
    "field too long": (
        HEADER + GOOD + f'"{"x" * 200_000}",internal,r9,U,W,1,2\n',
        8,
        None,
        "a field is longer",
    ),
    "data without a header": (
        "organisation,about,q1,\n" + "A,internal,1,\n" * 6 + "A,internal,1,x\n",
        8,
        None,
        "column 4 has no header",
    ),
    "after a multi-line field": (
        HEADER + 'A,internal,r0,U,W,"Some\nevidence",2\n' + GOOD + "A,internal,r9,U,W,1,5\n",
        10,
        "q2",
        "expected one",
    ),
    "unknown column": ("organisation,about,colour\nA,internal,1\n", 1, "colour", "unknown"),
    "bad sep line": ("sep=|\norganisation|about|q1\n", 1, None, "the 'sep=' line"),
    "empty": ("\n \r\n,,\n", None, None, "the file is empty"),
    "header only": (HEADER + ",,,,,,\n\n", None, None, "no responses"),
    "not Windows-1252 either": (
        (HEADER + GOOD).encode() + b"A\x81,internal,r9,U,W,1,2\n",
        8,
        None,
        "not UTF-8 or Windows-1252 text: byte 0x81",
    ),
    "truncated UTF-16": ((HEADER + GOOD).encode("utf-16") + b"\x00", 8, None, "not valid"),
}


@pytest.mark.parametrize("case", BROKEN)
def test_errors_are_those_of_the_whole_read(tmp_path: Path, case: str) -> None:
    """Chunked, a broken file gives the whole read's message, line and column exactly."""
    content, line, column, start = BROKEN[case]
    path = write(tmp_path, content)
    expected = whole_message(path)
    where = "" if line is None else f": line {line}"
    where += "" if column is None else f", column {column!r}"
    assert expected.startswith(f"{path}{where}: {start}")
    for size in (1, 2, 3, 100):
        assert chunked_message(path, size) == expected


def test_error_in_the_third_chunk_after_two_chunks(tmp_path: Path) -> None:
    """Two chunks are yielded; reading the third raises the error naming the file's line."""
    path = write(tmp_path, HEADER + GOOD + "A,internal,r9,U,W,1,maybe\n")
    chunks = read_responses(path, chunk_size=3)
    assert next(chunks).respondent.tolist() == ["r1", "r2", "r3"]
    assert next(chunks).respondent.tolist() == ["r4", "r5", "r6"]
    with pytest.raises(ResponseFileError, match=r"survey\.csv: line 8, column 'q2': .*'maybe'"):
        next(chunks)


def test_repeated_respondent_across_chunks_names_both_lines(tmp_path: Path) -> None:
    """A respondent repeated four chunks later is refused; case and spacing as read."""
    text = "organisation,about,respondent,wave,q1\n"
    text += "".join(f"A,internal,r{i},W1,1\n" for i in range(1, 9))  # lines 2 to 9
    text += "A,internal,r2,W2,1\nA,Internal, r2 ,W1,2\n"  # r2 in W2 is another respondent
    chunks = read_responses(write(tmp_path, text), chunk_size=2)
    assert sum(len(chunk) for chunk in take(chunks, 4)) == 8
    with pytest.raises(ResponseFileError) as caught:
        next(chunks)
    assert str(caught.value).endswith(
        "survey.csv: line 11, column 'respondent': respondent 'r2' of 'A' about 'internal',"
        " wave 'W1' answers twice (lines 3 and 11)"
    )
    assert (caught.value.line, caught.value.column) == (11, "respondent")


def take(chunks: Iterator[Responses], n: int) -> list[Responses]:
    """The next `n` chunks."""
    return [next(chunks) for _ in range(n)]


def test_without_respondent_column_identical_rows_are_distinct(tmp_path: Path) -> None:
    """Without a respondent column, identifiers are line numbers: rows never repeat."""
    path = write(tmp_path, "organisation,about,q1\n" + "A,internal,1\n" * 9)
    columns, _ = joined(read_responses(path, chunk_size=2))
    assert columns["respondent"] == [str(line) for line in range(2, 11)]


@given(
    st.lists(st.sampled_from([("A", "internal", "", f"r{i}") for i in range(12)]), max_size=30),
    st.integers(1, 8),
)
def test_seen_finds_the_first_repeat_like_a_dictionary(
    keys: list[tuple[str, str, str, str]], size: int
) -> None:
    """The hashed store reports the first repeat and its first line, as a dict would."""
    expected = None
    first: dict[tuple[str, str, str, str], int] = {}
    for line, key in enumerate(keys, 2):
        if key in first:
            expected = (line, first[key])
            break
        first[key] = line
    seen = jio._Seen()
    found = None
    for start in range(0, len(keys), size):
        chunk = keys[start : start + size]
        lines = list(range(start + 2, start + 2 + len(chunk)))
        repeat = seen.add(chunk, lines)
        if repeat is not None:
            found = (lines[repeat[0]], repeat[1])
            break
    assert found == expected


# --------------------------------------------------------------------------- encodings


def test_windows_1252_in_the_first_chunk_reads_as_the_whole_read(tmp_path: Path) -> None:
    """Not UTF-8 before the first chunk is yielded: read again from the start as cp1252."""
    text = b"organisation,about,q1\nCaf\xe9 \x93Bar\x94,internal,2\nB,internal,1\n"
    path = write(tmp_path, text)
    chunks = list(read_responses(path, chunk_size=1))
    assert [chunk.organisation.tolist() for chunk in chunks] == [
        ["Caf\u00e9 \u201cBar\u201d"],
        ["B"],
    ]


def test_windows_1252_after_a_chunk_was_yielded_reads_as_the_whole_read(tmp_path: Path) -> None:
    """ASCII lines read the same in both encodings: a late Windows-1252 line is no problem."""
    rows = "".join(f"Organisation {i},internal,{i % 5}\n" for i in range(3000))  # > 64 KiB
    path = write(tmp_path, b"organisation,about,q1\n" + rows.encode() + b"Caf\xe9,internal,1\n")
    assert read_responses(path).organisation[-1] == "Caf\u00e9"
    chunks = read_responses(path, chunk_size=10)
    assert len(next(chunks)) == 10
    assert joined(chunks)[0]["organisation"][-1] == "Caf\u00e9"


def test_utf8_then_windows_1252_is_refused_in_both_reads(tmp_path: Path) -> None:
    """A Windows-1252 line in a UTF-8 file: the same error, whole and after chunks."""
    rows = "".join(f"Organisation {i},internal,{i % 5}\n" for i in range(3000))  # lines 3-3002
    content = "organisation,about,q1\n\u00c9ssex,internal,2\n" + rows
    path = write(tmp_path, content.encode() + b"Caf\xe9,internal,1\n")
    message = (
        f"{path}: line 3003: not valid UTF-8 (byte 0xe9), though line 2 is UTF-8 ('\u00c9'):"
        " the file mixes encodings, as when rows saved in another encoding are pasted in;"
        " save the whole file as CSV UTF-8"
    )
    assert whole_message(path) == message
    chunks = read_responses(path, chunk_size=10)
    assert next(chunks).organisation[0] == "\u00c9ssex"
    with pytest.raises(ResponseFileError) as caught:
        for _ in chunks:
            pass
    assert str(caught.value) == message
    assert caught.value.line == 3003


def test_windows_1252_then_utf8_is_refused_in_both_reads(tmp_path: Path) -> None:
    """A UTF-8 line in a Windows-1252 file: the same error, naming the UTF-8 line."""
    rows = "".join(f"Organisation {i},internal,{i % 5}\n" for i in range(3000))  # lines 3-3002
    data = b"organisation,about,q1\nCaf\xe9,internal,2\n" + rows.encode()
    path = write(tmp_path, data + "Caf\u00e9 Bar,internal,1\n".encode())
    message = (
        f"{path}: line 3003: UTF-8 text ('\u00e9'), though line 2 is not UTF-8 (byte 0xe9) and"
        " was read as Windows-1252: the file mixes encodings"
    )
    assert whole_message(path).startswith(message)
    for size in (7, 5000):
        assert chunked_message(path, size).startswith(message)


# --------------------------------------------------------------------------- streaming


class CountingReader(io.BytesIO):
    """A binary file that counts the bytes read from it."""

    read_so_far = 0

    def read(self, size: int | None = -1, /) -> bytes:
        data = super().read(size)
        self.read_so_far += len(data)
        return data


def test_reads_incrementally() -> None:
    """Nothing is read before iterating, and the first chunk needs only the first block."""
    data = (HEADER + "".join(f"A,internal,r{i},U,W,1,2\n" for i in range(20_000))).encode()
    source = CountingReader(data)
    chunks = read_responses(source, chunk_size=100)
    assert source.read_so_far == 0
    assert len(next(chunks)) == 100
    assert source.read_so_far <= 1 << 16
    assert sum(len(chunk) for chunk in chunks) == 20_000 - 100
    assert source.read_so_far == len(data)


def test_memory_is_bounded_by_the_chunk(tmp_path: Path) -> None:
    """Chunked, the peak memory is a small part of the whole read's."""
    n = 10_000  # 100,000 rows in chunks of 5,000: about 94 MB whole, 8 MB chunked
    rows = "".join(
        f"Organisation {i % 20},internal,r{i},Unit {i % 7},2026-Q1,{i % 5},{(i // 5) % 5},"
        f",3,Some evidence,1,0,4,2,don't know\n"
        for i in range(n)
    )
    path = write(
        tmp_path,
        "organisation,about,respondent,unit,wave,"
        + ",".join(f"q{q}" for q in range(1, 11))
        + "\n"
        + rows,
    )
    del rows
    tracemalloc.start()
    try:
        whole = read_responses(path)
        assert len(whole) == n
        del whole
        _, whole_peak = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        start, _ = tracemalloc.get_traced_memory()
        count = 0
        for chunk in read_responses(path, chunk_size=400):
            count += len(chunk)
            del chunk
        _, chunked_peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == n
    assert chunked_peak - start < whole_peak / 4


# --------------------------------------------------------------------------- refused


@pytest.mark.parametrize("size", [0, -1, 2.0, True, "3", None])
def test_chunk_size_must_be_a_whole_number(size: object) -> None:
    """chunk_size is a whole number of at least 1; anything else names the argument."""
    if size is None:  # None reads whole
        assert isinstance(read_responses(io.StringIO(HEADER + "A,internal,r,U,W,1,2\n")), Responses)
        return
    with pytest.raises(ArgumentError, match=r"^chunk_size: expected a whole number"):
        read_responses(io.StringIO(HEADER), chunk_size=size)  # type: ignore[call-overload]


def test_chunk_size_accepts_numpy_integers() -> None:
    """A numpy integer is a whole number too."""
    text = HEADER + "A,internal,r1,U,W,1,2\nA,internal,r2,U,W,1,2\n"
    chunks = read_responses(io.StringIO(text), chunk_size=np.int64(1))  # type: ignore[call-overload]
    assert [len(chunk) for chunk in chunks] == [1, 1]


def test_json_and_long_files_are_refused_with_a_way_out(tmp_path: Path) -> None:
    """Only wide CSV is read in chunks; the message says how to convert."""
    convert = r"read it whole \(without chunk_size\), or convert it once to wide CSV: write_resp"
    responses = read_responses(write(tmp_path, HEADER + "A,internal,r1,U,W,1,2\n"))
    json_path = tmp_path / "survey.json"
    write_responses(responses, json_path)
    with pytest.raises(ResponseFileError, match=rf"survey\.json: .*this is a JSON file; {convert}"):
        read_responses(json_path, chunk_size=10)  # refused before reading
    with pytest.raises(ArgumentError, match=r"^chunk_size: .*JSON \(format='json'\)"):
        read_responses(io.StringIO("[]"), format="json", chunk_size=10)
    sniffed = read_responses(io.BytesIO(json_path.read_bytes()), chunk_size=10)
    with pytest.raises(ResponseFileError, match=rf"<stream>: .*this is a JSON file; {convert}"):
        next(sniffed)
    long = "organisation,about,respondent,question,answer\nA,internal,r1,q1,1\n"
    with pytest.raises(ResponseFileError, match=rf"this is a long CSV file .*; {convert}"):
        next(read_responses(write(tmp_path, long), chunk_size=10))
    # What the message suggests works: the long file, written out, reads in chunks.
    out = tmp_path / "wide.csv"
    write_responses(read_responses(tmp_path / "survey.csv"), out)
    assert [len(chunk) for chunk in read_responses(out, chunk_size=10)] == [1]


def test_unreadable_sources(tmp_path: Path) -> None:
    """A missing file is reported when iteration starts; bad sources at once."""
    chunks = read_responses(tmp_path / "nothing.csv", chunk_size=10)
    with pytest.raises(ResponseFileError, match=r"nothing\.csv: cannot be read"):
        next(chunks)
    with pytest.raises(ArgumentError, match=r"chunk_size: a spreadsheet.* is read whole"):
        read_responses(tmp_path / "survey.xlsx", chunk_size=10)
    with pytest.raises(ArgumentError, match="source: expected a path or an open file"):
        read_responses(42, chunk_size=10)  # type: ignore[call-overload]
    with pytest.raises(ArgumentError, match="instrument: expected an Instrument"):
        read_responses(io.StringIO(HEADER), "morley", chunk_size=10)  # type: ignore[call-overload]
