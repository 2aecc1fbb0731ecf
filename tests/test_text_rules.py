"""The rules for text that every reader and constructor shares.

* Names hold no character that cannot be written or that cannot be seen: lone
  surrogates, line breaks, other control characters and invisible formatting characters
  are refused where they are read, naming the file, line and column (or the argument).
* Names are stored in Unicode NFC; names that only look different (case, spacing,
  compatibility forms) are refused, and so are waves (punctuation, zero padding too).
* A file is UTF-8, UTF-16 with its byte order mark, or Windows-1252 throughout: a file
  mixing encodings is refused naming the line, whole or in chunks alike.
* One rule says what an answer is, in every layout and constructor.
* Bad arguments raise the library's errors, never an AttributeError or a RecursionError.
"""

from __future__ import annotations

import io
import json
import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jointworking import (
    DEFAULT_SCALE,
    MORLEY_2016,
    ArgumentError,
    InstrumentError,
    Question,
    Response,
    ResponseFileError,
    Responses,
    Rung,
    Scale,
    ScalePoint,
    load_instrument,
)
from jointworking._context import read_arrangements, read_rungs
from jointworking._readers._encodings import _decode, _Decoder
from jointworking.io import read_responses

# Every test here runs once per reader (see conftest.py): all must agree.
pytestmark = pytest.mark.usefixtures("reader_path")

HEADER = "organisation,about,respondent,unit,wave,q1\n"
LABELS = ("organisation", "about", "respondent", "unit", "wave")
FULL = [3, 3, 2, 2, 2, 3, 2, 2, 2, 2]

# A character a name may not hold, and the start of what the message says about it when
# it is the second character of a name.
REFUSED = {
    "lone surrogate": ("\ud800", "U+D800 at character 2, a lone surrogate"),
    "NUL": ("\x00", "U+0000 at character 2, a control character"),
    "tab": ("\t", "U+0009 at character 2, a control character"),
    "line feed": ("\n", "U+000A at character 2, a line break"),
    "carriage return": ("\r", "U+000D at character 2, a line break"),
    "next line (C1)": ("\x85", "U+0085 at character 2, a line break"),
    "control sequence introducer (C1)": ("\x9b", "U+009B at character 2, a control character"),
    "delete": ("\x7f", "U+007F at character 2, a control character"),
    "line separator": ("\u2028", "U+2028 (LINE SEPARATOR) at character 2, a line break"),
    "zero width space": (
        "\u200b",
        "U+200B (ZERO WIDTH SPACE) at character 2, an invisible formatting character",
    ),
    "zero width joiner": ("\u200d", "U+200D (ZERO WIDTH JOINER) at character 2, an invisible"),
    "word joiner": ("\u2060", "U+2060 (WORD JOINER) at character 2, an invisible formatting"),
    "byte order mark": ("\ufeff", "U+FEFF (ZERO WIDTH NO-BREAK SPACE) at character 2, an"),
    "soft hyphen": ("\u00ad", "U+00AD (SOFT HYPHEN) at character 2, an invisible formatting"),
    "right-to-left override": (
        "\u202e",
        "U+202E (RIGHT-TO-LEFT OVERRIDE) at character 2, an invisible bidirectional control",
    ),
    "first strong isolate": ("\u2068", "U+2068 (FIRST STRONG ISOLATE) at character 2, an invis"),
    "left-to-right mark": ("\u200e", "U+200E (LEFT-TO-RIGHT MARK) at character 2, an invisible"),
    "replacement character": (
        "\ufffd",
        "U+FFFD (REPLACEMENT CHARACTER) at character 2, the replacement character",
    ),
    "noncharacter": ("\uffff", "U+FFFF at character 2, a noncharacter"),
}
# What a name with a refused character is called in messages, and the message's start.
BAD_NAMES = {case: (f"A{char}B", said) for case, (char, said) in REFUSED.items()}


def named_stream(text: str, name: str = "survey.csv") -> io.StringIO:
    """A text stream whose ``name`` names it in messages."""
    stream = io.StringIO(text)
    stream.name = name
    return stream


def quoted(cell: str) -> str:
    return '"' + cell.replace('"', '""') + '"'


def failure(source: object, **options: object) -> ResponseFileError:
    """The error reading `source` raises."""
    with pytest.raises(ResponseFileError) as caught:
        read_responses(source, **options)  # type: ignore[call-overload]
    return caught.value


def chunked_failure(source: object, size: int = 1) -> ResponseFileError:
    """The error reading `source` in chunks raises."""
    with pytest.raises(ResponseFileError) as caught:
        list(read_responses(source, chunk_size=size))  # type: ignore[call-overload]
    return caught.value


def wide_row(**labels: str) -> str:
    """A wide row of HEADER, with `labels` changed from a valid respondent's."""
    values = {"organisation": "A", "about": "internal", "respondent": "r2", "unit": "U"}
    values |= {"wave": "W"} | labels
    return ",".join(quoted(values[c]) for c in LABELS) + ",3\n"


def write(tmp_path: Path, content: str | bytes, name: str = "survey.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return path


# --------------------------------------------------------------------------- names


@pytest.mark.parametrize("case", REFUSED)
@pytest.mark.parametrize("column", LABELS)
def test_wide_csv_refuses_a_name_that_cannot_be_written(case: str, column: str) -> None:
    """Every label column refuses the character, naming file, line, column and character."""
    name, said = BAD_NAMES[case]
    text = HEADER + wide_row(respondent="r1") + wide_row(**{column: name})
    for error in (failure(named_stream(text)), chunked_failure(named_stream(text))):
        assert str(error).startswith(
            f"survey.csv: line 3, column {column!r}: {name!r} holds {said}"
        )
        assert (error.line, error.column) == (3, column)


@pytest.mark.parametrize("case", ["NUL", "zero width space", "right-to-left override", "tab"])
def test_a_file_on_disk_names_its_path(tmp_path: Path, case: str) -> None:
    """Read from a UTF-8 file, the message names the path as given, and what to do."""
    name, said = BAD_NAMES[case]
    path = write(tmp_path, HEADER + wide_row(organisation=name))
    error = failure(path)
    assert str(error).startswith(f"{path}: line 2, column 'organisation': {name!r} holds {said}")
    assert str(error).endswith(
        "; a name may not hold control characters, line breaks or invisible characters"
    )


@pytest.mark.parametrize("case", REFUSED)
def test_long_csv_refuses_a_name_that_cannot_be_written(case: str) -> None:
    """The long layout refuses it too, at the line the record starts on."""
    name, said = BAD_NAMES[case]
    text = "organisation,about,respondent,question,answer\nA,internal,r1,q1,3\n"
    text += f"A,internal,{quoted(name)},q1,3\n"
    error = failure(named_stream(text))
    assert str(error).startswith(f"survey.csv: line 3, column 'respondent': {name!r} holds {said}")


@pytest.mark.parametrize("case", REFUSED)
@pytest.mark.parametrize("field", ["organisation", "about", "respondent", "unit", "wave"])
def test_json_refuses_a_name_that_cannot_be_written(tmp_path: Path, case: str, field: str) -> None:
    """JSON text, "\\ud800" escapes included, is refused naming the record and field."""
    name, said = BAD_NAMES[case]
    records = [
        {"organisation": "A", "about": "internal", "respondent": "r1", "answers": {}},
        {"organisation": "A", "about": "internal", "respondent": "r2", "answers": {}, field: name},
    ]
    path = write(tmp_path, json.dumps(records), "survey.json")  # escapes as \\uXXXX
    error = failure(path)
    assert str(error).startswith(f"{path}: record 2, field {field!r}: {name!r} holds {said}")


@pytest.mark.parametrize("case", REFUSED)
def test_constructors_refuse_a_name_that_cannot_be_written(case: str) -> None:
    """from_arrays, Response, from_records and from_frame name the argument."""
    name, said = BAD_NAMES[case]
    with pytest.raises(ArgumentError) as caught:
        Responses.from_arrays([FULL, FULL], organisation=["A", name], about="internal")
    assert str(caught.value).startswith(f"organisation (row 2): {name!r} holds {said}")
    for label in LABELS:
        fields: dict[str, object] = {
            "organisation": "A",
            "about": "internal",
            "respondent": "r",
            "answers": {},
        }
        fields[label] = name
        with pytest.raises(ArgumentError) as caught:
            Response(**fields)  # type: ignore[arg-type]
        assert str(caught.value).startswith(f"{label}: {name!r} holds {said}")
        with pytest.raises(ArgumentError) as caught:
            Responses.from_records([fields])
        assert str(caught.value).startswith(f"record 1: {label}: {name!r} holds {said}")
    # Object columns: pandas' Arrow-backed strings (its default when pyarrow is installed)
    # cannot hold a lone surrogate at all.
    frame = pd.DataFrame(
        {"organisation": ["A", "A"], "about": "internal", "wave": ["W", name]}, dtype=object
    )
    with pytest.raises(ArgumentError) as caught:
        Responses.from_frame(frame)
    assert str(caught.value).startswith(f"wave (row 2): {name!r} holds {said}")


@pytest.mark.parametrize("case", sorted(set(REFUSED) - {"lone surrogate"}))
def test_context_files_refuse_a_name_that_cannot_be_written(tmp_path: Path, case: str) -> None:
    """Arrangement names and members, and the names of claims, are refused alike."""
    name, said = BAD_NAMES[case]
    arrangements = write(tmp_path, f"arrangement,Member\nPact,A\nPact,{quoted(name)}\n")
    with pytest.raises(ResponseFileError) as caught:
        read_arrangements(arrangements)
    assert str(caught.value).startswith(
        f"{arrangements}: line 3, column 'Member': {name!r} holds {said}"
    )
    claims = write(tmp_path, f"organisation,partner,rung\n{quoted(name)},B,partnership\n")
    with pytest.raises(ResponseFileError) as caught:
        read_rungs(claims, {})
    assert str(caught.value).startswith(f"{claims}: line 2, column 'organisation': {name!r}")


def test_names_of_any_script_and_unusual_spaces_are_kept() -> None:
    """Letters of every script, marks, symbols, private use and inner no-break spaces read."""
    names = [
        "\u05e9\u05dc\u05d5\u05dd",  # Hebrew
        "\u0645\u062c\u0644\u0633 \u0627\u0644\u0645\u062f\u064a\u0646\u0629",  # Arabic
        "\u6771\u4eac\u90fd\u5e81",  # CJK
        "Z\u0337a\u0338lgo",  # combining marks with no precomposed form
        "Council \U0001f3db",  # emoji
        "Harlow\u00a0DC",  # a no-break space inside
        "Private \ue000",  # private use
    ]
    text = HEADER + "".join(
        wide_row(organisation=n, respondent=f"r{i}") for i, n in enumerate(names)
    )
    assert read_responses(io.StringIO(text)).organisation.tolist() == names


# --------------------------------------------------------------------------- NFC


def test_a_name_typed_two_ways_is_one_organisation_stored_in_nfc() -> None:
    """A precomposed é and e with a combining accent are one organisation, stored as NFC."""
    text = HEADER + wide_row(organisation="Cafe\u0301", respondent="r1")
    text += wide_row(organisation="Caf\u00e9", respondent="r2")
    for responses in (
        read_responses(io.StringIO(text)),
        *read_responses(io.StringIO(text), chunk_size=5),
        Responses.from_arrays(
            [FULL, FULL], organisation=["Cafe\u0301", "Caf\u00e9"], about="internal"
        ),
    ):
        assert responses.organisations == ("Caf\u00e9",)
        assert responses.organisation.tolist() == ["Caf\u00e9", "Caf\u00e9"]


def test_a_respondent_typed_two_ways_is_one_respondent() -> None:
    """Identifiers are compared in NFC: the same one typed two ways answers twice."""
    text = HEADER + wide_row(respondent="r\u00e9") + wide_row(respondent="re\u0301")
    message = (
        "survey.csv: line 3, column 'respondent': respondent 'r\u00e9' of 'A' about"
        " 'internal', wave 'W' answers twice (lines 2 and 3)"
    )
    assert str(failure(named_stream(text))) == message
    assert str(chunked_failure(named_stream(text))) == message


LOOK_ALIKES = [
    ("Harlow DC", "harlow dc"),  # case
    ("Harlow DC", "Harlow  DC"),  # spacing
    ("Harlow DC", "Harlow\u00a0DC"),  # a no-break space
    ("Harlow DC", "\uff28arlow DC"),  # a full-width letter
    ("Finance", "\ufb01nance"),  # a ligature
    ("Stra\u00dfe", "STRASSE"),  # case folding
    ("\u00c9tat", "E\u0301TAT"),  # case, and a combining accent
]


@pytest.mark.parametrize(("first", "second"), LOOK_ALIKES)
@pytest.mark.parametrize("column", ["organisation", "about"])
def test_names_that_only_look_different_are_refused(first: str, second: str, column: str) -> None:
    """Case, spacing and compatibility forms: refused naming both lines, whole or chunked."""
    text = HEADER + wide_row(organisation="X", about=first, respondent="r1")
    text += wide_row(**{column: second, "respondent": "r2"})
    shown = repr(second.replace("E\u0301", "\u00c9"))  # as stored: NFC
    message = (
        f"survey.csv: line 3, column {column!r}: {first!r} (line 2) and {shown} differ only in"
        " case, spacing or the form of their characters; write each organisation's name the"
        " same way everywhere"
    )
    assert str(failure(named_stream(text))) == message
    assert str(chunked_failure(named_stream(text))) == message


def test_look_alike_names_in_json_name_both_records(tmp_path: Path) -> None:
    """JSON names the records of the two spellings."""
    records = [
        {"organisation": "Harlow DC", "about": "internal", "respondent": "r1", "answers": {}},
        {"organisation": "X", "about": "harlow dc", "respondent": "r2", "answers": {}},
    ]
    path = write(tmp_path, json.dumps(records), "survey.json")
    assert str(failure(path)) == (
        f"{path}: record 2, field 'about': 'Harlow DC' (record 1) and 'harlow dc' differ only"
        " in case, spacing or the form of their characters; write each organisation's name"
        " the same way everywhere"
    )


def test_look_alike_names_in_arrays_name_both_rows() -> None:
    """from_arrays names the rows of the two spellings."""
    with pytest.raises(ArgumentError) as caught:
        Responses.from_arrays(
            [FULL] * 3, organisation=["A", "Harlow DC", "B"], about=["\uff28arlow DC", "X", "X"]
        )
    assert str(caught.value) == (
        "organisation: 'Harlow DC' (row 2) and '\uff28arlow DC' (row 1) differ only in case,"
        " spacing or the form of their characters; write each organisation's name the same"
        " way everywhere"
    )


def test_look_alike_names_in_context_files(tmp_path: Path) -> None:
    """An arrangements file refuses a member written two ways, naming both lines."""
    path = write(tmp_path, "arrangement,member\nPact,Harlow DC\nPact,B\nTrio,HARLOW DC\n")
    with pytest.raises(ResponseFileError) as caught:
        read_arrangements(path)
    assert str(caught.value) == (
        f"{path}: line 4, column 'member': 'Harlow DC' (line 2) and 'HARLOW DC' differ only in"
        " case, spacing or the form of their characters; write each organisation's name the"
        " same way everywhere"
    )
    same = write(tmp_path, "arrangement,member\nPact,Cafe\u0301\nPact,Caf\u00e9\n")
    with pytest.raises(ResponseFileError, match=r"line 3, column 'member': 'Caf\u00e9' is already"):
        read_arrangements(same)


def test_internal_in_any_form() -> None:
    """A full-width "internal" is internal as about, and reserved as an organisation."""
    text = HEADER + wide_row(about="\uff49\uff4e\uff54\uff45\uff52\uff4e\uff41\uff4c")
    assert read_responses(io.StringIO(text)).about.tolist() == ["internal"]
    error = failure(named_stream(HEADER + wide_row(organisation="\uff29nternal", about="B")))
    assert str(error).startswith(
        "survey.csv: line 2, column 'organisation': 'internal' is reserved"
    )


# --------------------------------------------------------------------------- waves

WAVES_ALIKE = [
    ("2024-01", "2024-1"),  # zero padding
    ("Q1", "q1"),  # case
    ("2024 Q1", "2024Q1"),  # spacing
    ("2024/25", "2024-25"),  # punctuation
    ("Wave 1", "wave 01"),
    ("2024", "\uff12\uff10\uff12\uff14"),  # full-width digits
]


@pytest.mark.parametrize(("first", "second"), WAVES_ALIKE)
def test_waves_that_only_look_different_are_refused(first: str, second: str) -> None:
    """Refused naming both lines, whole and chunked, rather than split into two waves."""
    text = HEADER + wide_row(wave=first, respondent="r1") + wide_row(wave=second)
    message = (
        f"survey.csv: line 3, column 'wave': waves {first!r} (line 2) and {second!r} differ"
        " only in case, spacing, punctuation or zeros before a number; write each wave the"
        " same way everywhere (zero-padded, such as 2024-01, so that text order is time order)"
    )
    assert str(failure(named_stream(text))) == message
    assert str(chunked_failure(named_stream(text))) == message


def test_look_alike_waves_in_json_and_arrays(tmp_path: Path) -> None:
    """JSON names the records, from_arrays the rows; a number and its text are one wave."""
    records = [
        {"organisation": "A", "about": "internal", "respondent": "r", "wave": 2024, "answers": {}},
        {"organisation": "A", "about": "B", "respondent": "r", "wave": "2024", "answers": {}},
        {"organisation": "A", "about": "B", "respondent": "s", "wave": "02024", "answers": {}},
    ]
    path = write(tmp_path, json.dumps(records), "survey.json")
    assert str(failure(path)).startswith(
        f"{path}: record 3, field 'wave': waves '2024' (record 1) and '02024' differ only in"
    )
    with pytest.raises(ArgumentError, match=r"^wave: waves 'Q1' \(row 2\) and 'q1' \(row 1\)"):
        Responses.from_arrays([FULL, FULL], organisation="A", about="internal", wave=["q1", "Q1"])


def test_waves_that_differ_are_kept_apart() -> None:
    """Different numbers, or a wave that only loses its surrounding spaces, are fine."""
    waves = ["2024-01", "2024-10", "2024-1-2", "2024-12", "Q1", "Q2", " 2025 ", "2025"]
    text = HEADER + "".join(wide_row(wave=w, respondent=f"r{i}") for i, w in enumerate(waves))
    responses = read_responses(io.StringIO(text))
    assert responses.waves == ("2024-01", "2024-1-2", "2024-10", "2024-12", "2025", "Q1", "Q2")


# --------------------------------------------------------------------------- encodings


def test_utf8_byte_order_mark_then_windows_1252(tmp_path: Path) -> None:
    """A file that says it is UTF-8 and holds a Windows-1252 line is refused at that line."""
    path = write(tmp_path, b"\xef\xbb\xbf" + HEADER.encode() + b"Caf\xe9,internal,r,U,W,1\n")
    message = (
        f"{path}: line 2: not valid UTF-8 (byte 0xe9), though it starts with a UTF-8 byte"
        " order mark: the file mixes encodings, as when rows saved in another encoding are"
        " pasted in; save the whole file as CSV UTF-8"
    )
    assert str(failure(path)) == message
    assert str(chunked_failure(path)) == message


def test_utf8_line_with_a_byte_windows_1252_lacks(tmp_path: Path) -> None:
    """ "\u0141" is C5 81 in UTF-8; 0x81 is not Windows-1252: still a UTF-8 line, so mixed."""
    content = (
        HEADER.encode()
        + b"Caf\xe9,internal,r1,U,W,1\n"
        + "\u0141\u00f3d\u017a,internal,r2,U,W,1\n".encode()
    )
    path = write(tmp_path, content)
    message = (
        f"{path}: line 3: UTF-8 text ('\u0141'), though line 2 is not UTF-8 (byte 0xe9) and"
        " was read as Windows-1252: the file mixes encodings, as when rows saved in another"
        " encoding are pasted in; save the whole file as CSV UTF-8"
    )
    assert str(failure(path)) == message
    assert str(chunked_failure(path)) == message


def test_an_earlier_problem_is_reported_before_an_undecodable_line(tmp_path: Path) -> None:
    """Whole or chunked, the first problem in the file is the one reported."""
    content = HEADER.encode() + "\u00c9,internal,r1,U,W,7\n".encode() + b"\xc9,internal,r2,U,W,1\n"
    path = write(tmp_path, content)
    message = f"{path}: line 2, column 'q1': expected one of the scale's points"
    assert str(failure(path)).startswith(message)
    assert str(chunked_failure(path)).startswith(message)


def test_utf16_errors_name_the_line(tmp_path: Path) -> None:
    """Bad UTF-16 names the line it is on, whole and chunked."""
    good = (HEADER + "A,internal,r1,U,W,1\n").encode("utf-16-le")
    content = b"\xff\xfe" + good + b"\x00\xd8" + "B,internal,r2,U,W,1\n".encode("utf-16-le")
    path = write(tmp_path, content)
    message = f"{path}: line 3: not valid UTF-16 text (illegal UTF-16 surrogate at byte "
    assert str(failure(path)).startswith(message)
    assert str(chunked_failure(path)) == str(failure(path))


def test_json_mixing_encodings(tmp_path: Path) -> None:
    """A JSON file mixing encodings names the line too."""
    content = '[{"organisation": "\u00c9", "about": "internal",\n'.encode()
    content += b'"respondent": "r\xe9", "answers": {}}]'
    path = write(tmp_path, content, "survey.json")
    assert str(failure(path)).startswith(
        f"{path}: line 2: not valid UTF-8 (byte 0xe9), though line 1 is UTF-8 ('\u00c9')"
    )


def test_context_files_mixing_encodings(tmp_path: Path) -> None:
    """Arrangement and claims files are decoded by the same rule."""
    path = write(tmp_path, "arrangement,member\nPact,\u00c9ssex\n".encode() + b"Pact,Caf\xe9\n")
    with pytest.raises(ResponseFileError, match=r"arr\.csv: line 3: not valid UTF-8 \(byte 0xe9\)"):
        read_arrangements(path.rename(tmp_path / "arr.csv"))
    windows = write(tmp_path, b"arrangement,member\nPact,Caf\xe9\nPact,B\n", "w.csv")
    assert read_arrangements(windows) == {"Pact": ["Caf\u00e9", "B"]}


_LINES = st.lists(
    st.tuples(
        st.sampled_from(["ascii", "utf-8", "cp1252", "bad"]),
        st.sampled_from(["\n", "\r\n", "\r", ""]),
    ),
    min_size=1,
    max_size=8,
)
_TEXTS = {"ascii": "Harlow,1", "utf-8": "\u00c9ssex \u2013 CC,2", "cp1252": "Caf\u00e9,3"}


def _expected(lines: list[tuple[str, str]], bom: bool) -> tuple[str | None, int | None]:
    """The encoding a file of these lines reads in, or the line (from 1) it is refused at."""
    merged: list[set[str]] = [set()]  # the kinds of text on each line
    for kind, end in lines:
        merged[-1].add(kind)
        if end:
            merged.append(set())
    mode = "utf-8" if bom else None
    for number, kinds in enumerate(merged, 1):
        if "bad" in kinds:  # 0x81: neither UTF-8 nor Windows-1252
            return None, number
        if "cp1252" in kinds:  # not valid UTF-8
            if mode == "utf-8":
                return None, number
            mode = "cp1252"
        elif "utf-8" in kinds:
            if mode == "cp1252":
                return None, number
            mode = "utf-8"
    return mode or "utf-8", None


@settings(max_examples=300)
@given(_LINES, st.booleans(), st.lists(st.integers(1, 7), min_size=1))
def test_decoding_in_blocks_gives_the_whole_text_and_error(
    lines: list[tuple[str, str]], bom: bool, sizes: list[int]
) -> None:
    """One encoding per file, decided by its first line that is not ASCII, in any blocks."""
    body = b""
    for kind, end in lines:
        if kind == "bad":
            body += b"x\x81y" + end.encode()
        else:
            body += (_TEXTS[kind] + end).encode("cp1252" if kind == "cp1252" else "utf-8")
    data = (b"\xef\xbb\xbf" if bom else b"") + body
    encoding, line = _expected(lines, bom)
    text, error = _decode(data, "f.csv")
    if encoding is None:
        assert error is not None
        assert error.line == line
    else:
        assert error is None
        assert text == body.decode(encoding)
    decoder = _Decoder("f.csv")
    pieces = []
    position, turn = 0, 0
    while position < len(data) and decoder.error is None:
        size = sizes[turn % len(sizes)]
        pieces.append(decoder.feed(data[position : position + size]))
        position, turn = position + size, turn + 1
    if decoder.error is None:
        pieces.append(decoder.end())
    assert "".join(pieces) == text
    assert str(decoder.error) == str(error)


# --------------------------------------------------------------------------- answers

# Text Python would read as a number, which the rule does not; and text nobody would.
NOT_NUMBERS = ["+3", "03", "1e0", "\u0663", "\uff13", "3.", ".5", "1_0", " -0.0e0 "]
NOT_TEXT_NUMBERS = ["0x3", "3 0", "\u00b3", "3,0", "three"]
NOT_FINITE = ["NaN", "nan", "-NaN", "Infinity", "inf", "-inf"]
ANSWERS = {  # text cell: score (None for missing)
    "3": 3.0,
    " 3 ": 3.0,
    "3.0": 3.0,
    "0": 0.0,
    "-0": 0.0,
    "Clear evidence": 3.0,
    "CLEAR": 3.0,
    "Don't know": None,
    "": None,
}


@pytest.mark.parametrize("cell", NOT_NUMBERS + NOT_FINITE + NOT_TEXT_NUMBERS)
def test_text_that_is_not_a_number_of_the_rule_is_refused_everywhere(
    tmp_path: Path, cell: str
) -> None:
    """Wide, long, chunked, JSON text, data frames and Scale.parse share one rule."""
    expected = "expected one of the scale's points (0, 1, 2, 3, 4), a label ('No evidence',"
    hint = {
        **dict.fromkeys(NOT_FINITE, "; NaN and infinity are not answers: leave a missing"),
        **dict.fromkeys(NOT_NUMBERS, "; write a number with the digits 0 to 9 alone"),
    }.get(cell, "")
    wide = f"organisation,about,q1\nA,internal,{quoted(cell)}\n"
    for error in (failure(named_stream(wide)), chunked_failure(named_stream(wide))):
        assert str(error).startswith(f"survey.csv: line 2, column 'q1': {expected}")
        assert f"got {cell!r}{hint}" in str(error)
        assert hint or str(error).endswith(f"got {cell!r}")
    long = f"organisation,about,respondent,question,answer\nA,internal,r,q1,{quoted(cell)}\n"
    assert f"line 2, column 'answer': {expected}" in str(failure(named_stream(long)))
    record = [
        {"organisation": "A", "about": "internal", "respondent": "r", "answers": {"q1": cell}}
    ]
    path = write(tmp_path, json.dumps(record), "survey.json")
    assert str(failure(path)).startswith(f"{path}: record 1, field 'answers.q1': {expected}")
    frame = pd.DataFrame({"organisation": ["A"], "about": ["internal"], "q1": [cell]})
    with pytest.raises(ArgumentError, match=r"^frame: row 1, column 'q1': expected one of"):
        Responses.from_frame(frame)
    with pytest.raises(ArgumentError, match=re.escape(f"got {cell!r}{hint}")):
        DEFAULT_SCALE.parse(cell)


@pytest.mark.parametrize(("cell", "score"), ANSWERS.items())
def test_answers_the_rule_accepts_read_alike_everywhere(
    tmp_path: Path, cell: str, score: float | None
) -> None:
    """The same cells read the same in every layout."""
    wanted = math.nan if score is None else score
    wide = f"organisation,about,q1\nA,internal,{quoted(cell)}\n"
    long = f"organisation,about,respondent,question,answer\nA,internal,r,q1,{quoted(cell)}\n"
    record = [
        {"organisation": "A", "about": "internal", "respondent": "r", "answers": {"q1": cell}}
    ]
    frame = pd.DataFrame({"organisation": ["A"], "about": ["internal"], "q1": [cell]})
    read = [
        read_responses(io.StringIO(wide)),
        next(read_responses(io.StringIO(wide), chunk_size=1)),
        read_responses(io.StringIO(long)),
        read_responses(write(tmp_path, json.dumps(record), "survey.json")),
        Responses.from_frame(frame),
    ]
    for responses in read:
        np.testing.assert_array_equal(responses.answers[0, :1], [wanted])
    assert DEFAULT_SCALE.parse(cell) == score


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity"])
def test_json_nan_and_infinity_are_errors_not_missing(tmp_path: Path, literal: str) -> None:
    """JSON's NaN literal was read as missing; missing is null, so NaN is an error."""
    path = write(
        tmp_path,
        '[{"organisation": "A", "about": "internal", "respondent": "r",'
        f' "answers": {{"q1": 3, "q2": {literal}}}}}]',
        "survey.json",
    )
    error = str(failure(path))
    assert error.startswith(f"{path}: record 1, field 'answers.q2': expected one of the scale's")
    if literal == "NaN":
        assert error.endswith("got nan; NaN is not an answer: a missing answer is null (None)")


def test_nan_is_missing_only_in_arrays_and_frames() -> None:
    """NaN is the answer matrix's (and a frame's) missing marker; a record's is None."""
    matrix = Responses.from_arrays([[math.nan, None, *FULL[2:]]], organisation="A", about="B")
    assert np.isnan(matrix.answers[0, :2]).all()
    frame = pd.DataFrame({"organisation": ["A"], "about": ["B"], "q1": [math.nan], "q2": [2.0]})
    assert np.isnan(Responses.from_frame(frame).answers[0, 0])
    with pytest.raises(
        ArgumentError,
        match=r"^record 1: answers: question 2: NaN is not an answer; use None for a missing",
    ):
        Responses.from_records(
            [{"organisation": "A", "about": "B", "respondent": "r", "answers": {1: 3, 2: math.nan}}]
        )
    with pytest.raises(ArgumentError, match=r"^answers: question 1: NaN is not an answer"):
        Response("A", "B", "r", {1: math.nan})
    with pytest.raises(ArgumentError, match=r"got nan; NaN is not an answer"):
        DEFAULT_SCALE.parse(math.nan)


def test_booleans_are_not_numbers_in_frames() -> None:
    """A boolean column is refused, not read as 1 and 0."""
    frame = pd.DataFrame({"organisation": ["A"], "about": ["B"], "q1": [True]})
    with pytest.raises(ArgumentError, match=r"^frame: row 1, column 'q1': expected .* got True$"):
        Responses.from_frame(frame)


# --------------------------------------------------------------------------- arguments


def test_from_frame_refuses_what_is_not_a_data_frame() -> None:
    """A list is not a frame: an ArgumentError, not an AttributeError."""
    with pytest.raises(ArgumentError, match=r"^frame: expected a pandas DataFrame, got list$"):
        Responses.from_frame([1, 2])


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: Responses.from_records(5), r"^records: expected an iterable of Response"),  # type: ignore[arg-type]
        (lambda: Responses.from_records([], "x"), r"^instrument: expected an Instrument"),  # type: ignore[arg-type]
        (
            lambda: Responses.from_arrays([FULL], organisation="A", about="B", instrument=3),  # type: ignore[arg-type]
            r"^instrument: expected an Instrument, got 3$",
        ),
        (
            lambda: Responses.from_frame(pd.DataFrame(), instrument=None),  # type: ignore[arg-type]
            r"^instrument: expected an Instrument, got None$",
        ),
        (
            lambda: Responses.from_arrays(
                [FULL], organisation="A", about="B", respondent=[10**5000]
            ),
            r"^respondent \(row 1\): expected text or a whole number of at most \d+ digits",
        ),
        (
            lambda: Responses.from_arrays([[10**400] * 10], organisation="A", about="B"),
            r"^answers: expected a matrix of numbers.*, got an integer too large for a score$",
        ),
    ],
)
def test_constructors_name_bad_arguments(build: object, message: str) -> None:
    """Each bad argument is an ArgumentError naming it."""
    with pytest.raises(ArgumentError, match=message):
        build()  # type: ignore[operator]


def test_a_chunk_size_beyond_any_file_reads_one_chunk() -> None:
    """chunk_size=10**30 is no limit, not an error from deep inside."""
    text = HEADER + wide_row(respondent="r1") + wide_row(respondent="r2")
    chunks = list(read_responses(io.StringIO(text), chunk_size=10**30))
    assert [len(chunk) for chunk in chunks] == [2]


def test_deeply_nested_json_survey_record(tmp_path: Path) -> None:
    """Nesting inside a record is "nested too deeply", naming the file."""
    content = '[{"organisation": "A", "answers": {"q1": ' + "[" * 100_000 + "]" * 100_000 + "}}]"
    path = write(tmp_path, content, "survey.json")
    assert str(failure(path)) == f"{path}: not valid JSON: nested too deeply"


@pytest.mark.parametrize(
    ("name", "content"),
    [("deep.json", "[" * 100_000), ("deep.toml", "a = " + "[" * 100_000)],
)
def test_deeply_nested_instrument_files(tmp_path: Path, name: str, content: str) -> None:
    """A deeply nested instrument file is an InstrumentError naming the file."""
    path = write(tmp_path, content, name)
    kind = name.rsplit(".", 1)[1].upper()
    with pytest.raises(
        InstrumentError, match=rf"^{re.escape(str(path))}: not valid {kind}: nested"
    ):
        load_instrument(path)


def test_paths_must_be_paths() -> None:
    """A number where a path belongs is an ArgumentError naming the argument."""
    with pytest.raises(ArgumentError, match=r"^path: expected a path to a \.toml or \.json file"):
        load_instrument(3)  # type: ignore[arg-type]
    with pytest.raises(ArgumentError, match=r"^path: expected a path to a CSV file, got 3$"):
        read_arrangements(3)  # type: ignore[arg-type]
    with pytest.raises(ArgumentError, match=r"^path: expected a path to a CSV file, got None$"):
        read_rungs(None, {})  # type: ignore[arg-type]


def test_instruments_refuse_text_that_cannot_be_written(tmp_path: Path) -> None:
    """A lone surrogate (from a JSON escape) or a control character in an instrument."""
    data = MORLEY_2016.to_dict()
    data["scale"]["points"][0]["label"] = "No\ud800"
    path = tmp_path / "custom.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(
        InstrumentError,
        match=rf"^{re.escape(str(path))}: scale: points\[0\]: label: 'No\\ud800' holds U\+D800"
        r" at character 3, a lone surrogate",
    ):
        load_instrument(path)
    with pytest.raises(InstrumentError, match=r"question 1: text: 'Why\\x00\?' holds U\+0000"):
        Question(1, "why", "Why\x00?", Rung.PARTNERSHIP)


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (
            lambda: Scale([ScalePoint(0, "a"), ScalePoint(1, "b")], missing=[3]),  # type: ignore[list-item]
            r"missing: expected",
        ),
        (
            lambda: Scale([ScalePoint(0, "a"), ScalePoint(1, "b")], missing=3),  # type: ignore[arg-type]
            r"missing: expected",
        ),
        (lambda: ScalePoint(3, "Clear evidence", "clear"), r"aliases: expected a sequence"),
        (lambda: Scale(3), r"scale: points: expected a sequence"),  # type: ignore[arg-type]
        (lambda: Scale([ScalePoint(0, "a"), ScalePoint(1, "1e0")]), r"label '1e0' reads as a"),
    ],
)
def test_scales_refuse_bad_arguments(build: object, message: str) -> None:
    """Scale arguments of the wrong kind are InstrumentErrors, not TypeErrors."""
    with pytest.raises(InstrumentError, match=message):
        build()  # type: ignore[operator]
