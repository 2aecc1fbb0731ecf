"""A fuzz test of the survey reader: seeded mutations of a valid survey file.

Each mutated file must either be read with every row accounted for (as many respondents
as the file has data rows, as Python's CSV parser counts them) or be refused with a
:class:`~jointworking.ResponseFileError` that names the file and the line (only a
problem of the whole file, such as an empty one, may name no line). Nothing else is
allowed: no other exception, no warning. Every file is read whole and in chunks, and the
two reads must agree: the same respondents, or the same message.
"""

from __future__ import annotations

import csv
import io
import re
import warnings
from collections.abc import Callable, Iterator
from importlib import resources
from random import Random

import numpy as np
import numpy.typing as npt
import pytest

import jointworking._readers._chunks as jio
from jointworking import JointWorkingError, ResponseFileError, Responses
from jointworking.io import read_responses

# Every test here runs once per reader (see conftest.py): all must agree.
pytestmark = pytest.mark.usefixtures("reader_path")

SEED = 2026
MUTANTS = 300
NAME = "survey.csv"
EXAMPLE = resources.files("jointworking").joinpath("data/example_survey.csv").read_text("utf-8")
# The example with names beyond ASCII, so that encodings matter.
ACCENTED = EXAMPLE.replace(
    "Northfield Homes Housing Association", "Northfield Homes \u2013 Maison R\u00e9unie"
).replace("Northfield Voluntary Action", "\u0152uvre B\u00e9n\u00e9vole de Northfield")
LABELS = ("organisation", "about", "respondent", "unit", "wave")
# A problem of the whole file names no line; every other error names one.
WHOLE_FILE = re.compile(r"the file is empty|no responses: the file has a header \(line \d+\)")

# Cells a mutation may write: valid, invalid, hostile, look-alike and encoding-sensitive.
CELLS = [
    "",
    "3",
    "7",
    "-1",
    "2.5",
    "+3",
    "03",
    "1e0",
    "\u0663",
    "NaN",
    "Infinity",
    "Clear evidence",
    "Don't know",
    "maybe",
    "internal",
    "INTERNAL",
    "Caf\u00e9",
    "Cafe\u0301",
    "northfield district council",
    "Northfield\u00a0District Council",
    "\uff2eorthfield District Council",
    "2026-q1",
    "2026-1",
    "A\u200bB",
    "A\x00B",
    "\u202eevil",
    '"',
    '"quoted"',
    "a,b",
    "a;b",
    "line\nbreak",
    "=HYPERLINK(1)",
    "'=x",
    " ",
]
BYTES = [
    b",",
    b";",
    b"\t",
    b'"',
    b"\r",
    b"\n",
    b"\r\n",
    b"\x00",
    b"\x81",
    b"\xe9",
    b"\xc3",
    b"\xff",
]


def _cell(random: Random, text: str) -> str:
    """Replace one cell of one line (split naively at commas)."""
    lines = text.splitlines(keepends=True)
    if not lines:
        return text
    i = random.randrange(len(lines))
    body = lines[i].rstrip("\r\n")
    cells = body.split(",")
    cells[random.randrange(len(cells))] = random.choice(CELLS)
    lines[i] = ",".join(cells) + lines[i][len(body) :]
    return "".join(lines)


def _lines(random: Random, text: str) -> str:
    """Delete, duplicate or swap lines."""
    lines = text.splitlines(keepends=True)
    if len(lines) < 2:
        return text
    i, j = random.randrange(len(lines)), random.randrange(len(lines))
    kind = random.choice(["delete", "duplicate", "swap"])
    if kind == "delete":
        del lines[i]
    elif kind == "duplicate":
        lines.insert(j, lines[i])
    else:
        lines[i], lines[j] = lines[j], lines[i]
    return "".join(lines)


TEXT_MUTATIONS: list[Callable[[Random, str], str]] = [_cell, _cell, _lines]


def _encode(random: Random, text: str) -> bytes:
    """Encode in one of the encodings files come in, or line by line in two of them."""
    encoding = random.choice(["utf-8", "utf-8", "utf-8-sig", "utf-16", "cp1252", "mixed"])
    if encoding == "mixed":
        return b"".join(
            line.encode(random.choice(["utf-8", "cp1252"]), "replace")
            for line in text.splitlines(keepends=True)
        )
    return text.encode(encoding, "replace")


def _bytes(random: Random, data: bytes) -> bytes:
    """Alter, insert or delete bytes, or truncate the file."""
    out = bytearray(data)
    at = random.randrange(len(out) + 1)
    kind = random.choice(["alter", "insert", "delete", "truncate"])
    if kind == "alter" and at < len(out):
        out[at] = random.randrange(256)
    elif kind == "insert":
        out[at:at] = random.choice(BYTES)
    elif kind == "delete":
        del out[at : at + random.randint(1, 8)]
    elif kind == "truncate":
        del out[at:]
    return bytes(out)


def mutant(random: Random) -> bytes:
    """A valid survey file, mutated one to three times."""
    text = random.choice([EXAMPLE, ACCENTED])
    for _ in range(random.randint(0, 2)):
        text = random.choice(TEXT_MUTATIONS)(random, text)
    data = _encode(random, text)
    for _ in range(random.randint(0, 2)):
        data = _bytes(random, data)
    return data


def data_rows(data: bytes) -> int:
    """The data rows of a file the reader read: non-blank records after the header.

    The file is decoded as it must have been to be read at all: UTF-16 after its byte
    order mark, else UTF-8 if it is valid UTF-8, else Windows-1252. Python's CSV parser
    then counts the records, with the delimiter the header line uses most.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16")
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("cp1252")
    header = next((line for line in text.splitlines() if line.strip(" ,;\t")), "")
    delimiter = max(",;\t", key=header.count)
    records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    filled = [r for r in records if any(cell.strip() for cell in r)]
    return len(filled) - 1  # the header


Read = tuple[dict[str, list[str]], npt.NDArray[np.float64]]
"""What a read gave: the label columns and the answers of all its chunks."""


def outcome(read: Callable[[], Responses | Iterator[Responses]]) -> Read | ResponseFileError:
    """Read, warnings being errors: the labels and answers read, or the error."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            result = read()
            chunks = [result] if isinstance(result, Responses) else list(result)
        except ResponseFileError as error:
            return error
    columns = {name: [v for c in chunks for v in getattr(c, name).tolist()] for name in LABELS}
    return columns, np.vstack([c.answers for c in chunks])


def check_refusal(error: ResponseFileError) -> None:
    """A refusal names the file, and the line unless the whole file is at fault."""
    assert isinstance(error, JointWorkingError)
    assert error.path == NAME
    assert str(error).startswith(f"{NAME}: ")
    assert error.line is not None or WHOLE_FILE.search(str(error)), str(error)


def named(data: bytes) -> io.BytesIO:
    stream = io.BytesIO(data)
    stream.name = NAME
    return stream


def test_mutated_surveys_are_read_exactly_or_refused_naming_a_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A few hundred mutants: whole and chunked reads agree, and no row is ever lost."""
    random = Random(SEED)
    read = refused = 0
    for _ in range(MUTANTS):
        data = mutant(random)
        size = random.choice([7, 50, 1000])
        monkeypatch.setattr(jio, "_BLOCK", random.choice([64, 1 << 16]))
        whole = outcome(lambda: read_responses(named(data)))  # noqa: B023 - called at once
        chunked = outcome(lambda: read_responses(named(data), chunk_size=size))  # noqa: B023
        if isinstance(whole, ResponseFileError):
            refused += 1
            check_refusal(whole)
            assert isinstance(chunked, ResponseFileError), (str(whole), data)
            assert str(chunked) == str(whole), data
            continue
        read += 1
        assert not isinstance(chunked, ResponseFileError), (str(chunked), data)
        columns, answers = whole
        assert len(columns["organisation"]) == data_rows(data), data
        assert chunked[0] == columns
        np.testing.assert_array_equal(chunked[1], answers)
    # The mutations are neither all harmless nor all fatal.
    assert read >= MUTANTS // 10
    assert refused >= MUTANTS // 3
