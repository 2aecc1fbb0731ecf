"""Form tool exports and spreadsheets, read as downloaded with a mapping file.

The exports in tests/data/forms/ are written by scripts/make_form_exports.py from one
canonical survey, also written in our own CSV layout (canonical.csv): each export must
give exactly what the canonical file gives.
"""

from __future__ import annotations

import csv
import datetime as dt
import importlib.util
import io
import json
import math
import sys
import tomllib
import warnings
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import openpyxl
import pytest
from openpyxl.utils import get_column_letter

import jointworking as jw
from jointworking import ArgumentError, ResponseFileError, Responses
from jointworking._readers import _forms, _spreadsheet
from jointworking._readers.forms import layouts
from jointworking.cli import main
from jointworking.io import (
    IncompleteResponsesWarning,
    MappingNeededError,
    read_responses,
    starting_mapping,
)

ROOT = Path(__file__).resolve().parents[1]
FORMS = ROOT / "tests" / "data" / "forms"
EXPECTED: dict[str, dict[str, Any]] = json.loads((FORMS / "expected.json").read_text())


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "make_form_exports", ROOT / "scripts" / "make_form_exports.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("make_form_exports", module)
    spec.loader.exec_module(module)
    return module


EXPORTS = _script()


def _mapping(name: str) -> Path | None:
    mapping = EXPECTED[name]["mapping"]
    return None if mapping is None else FORMS / mapping


def _same_survey(got: Responses, want: Responses) -> None:
    """The same respondents in the same order: names, units, waves and answers."""
    for column in ("organisation", "about", "unit", "wave"):
        assert getattr(got, column).tolist() == getattr(want, column).tolist(), column
    np.testing.assert_array_equal(got.answers, want.answers)


@pytest.fixture(scope="module")
def canonical() -> Responses:
    return read_responses(FORMS / "canonical.csv")


def test_the_fixtures_are_up_to_date() -> None:
    assert EXPORTS.main(["--check"]) == 0


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_export_reads_as_the_canonical_survey(name: str, canonical: Responses) -> None:
    incomplete = EXPECTED[name]["incomplete"]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        responses = read_responses(FORMS / name, mapping=_mapping(name))
    _same_survey(responses, canonical)
    assert jw.assess(responses).to_dict() == jw.assess(canonical).to_dict()
    counted = [w.message for w in caught if isinstance(w.message, IncompleteResponsesWarning)]
    assert [w.count for w in counted] == ([incomplete] if incomplete else [])
    assert len(caught) == len(counted)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_export_through_the_command_line(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    want, got = tmp_path / "canonical.json", tmp_path / "export.json"
    settings = ["--resamples", "200"]
    assert main(["assess", str(FORMS / "canonical.csv"), *settings, "-o", str(want)]) == 0
    mapping = _mapping(name)
    args = ["assess", str(FORMS / name), *settings, "-o", str(got)]
    args += [] if mapping is None else ["--map", str(mapping)]
    assert main(args) == 0
    assert json.loads(got.read_text()) == json.loads(want.read_text())
    err = capsys.readouterr().err
    incomplete = EXPECTED[name]["incomplete"]
    if incomplete:
        assert f"note: {FORMS / name}: {incomplete} incomplete responses left out" in err
        assert "--incomplete include" in err
    else:
        assert "incomplete" not in err


# --------------------------------------------------------------------------- personal data

PERSONAL = ("@example.org", "192.0.2.", "198.51.100.", "anonymous", "51.4816")


@pytest.mark.parametrize("name", sorted(n for n in EXPECTED if EXPECTED[n]["tool"]))
def test_personal_data_is_never_read(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[str] = []
    real = _spreadsheet._cell_text

    def spy(value: object) -> str:
        text = real(value)
        seen.append(text)
        return text

    monkeypatch.setattr(_forms, "_cell_text", spy)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", IncompleteResponsesWarning)
        responses = read_responses(FORMS / name, mapping=_mapping(name))
    header = {c for row in _header_cells(name) for c in row}
    data_cells = [cell for cell in seen if cell not in header]
    assert data_cells, "the spy saw the cells read"
    for marker in PERSONAL:
        assert not any(marker in cell for cell in data_cells), marker
    labels = [
        getattr(responses, c).tolist()
        for c in ("organisation", "about", "respondent", "unit", "wave")
    ]
    shown = json.dumps(jw.assess(responses).to_dict()) + repr(labels)
    for marker in PERSONAL:
        assert marker not in shown


def _header_cells(name: str) -> list[list[str]]:
    path = FORMS / name
    if path.suffix == ".xlsx":
        book = openpyxl.load_workbook(path, read_only=True)
        rows = [
            [str(c) for c in row if c is not None]
            for row in book.worksheets[0].iter_rows(max_row=3, values_only=True)
        ]
        book.close()
        return rows[:1] if "microsoft" in name or "google" in name else rows[:2]
    lines = path.read_text(encoding="utf-8-sig").splitlines()[:3]
    return list(csv.reader(lines))


def test_the_exports_do_hold_personal_data() -> None:
    # Otherwise the test above would prove nothing.
    assert b"@example.org" in (FORMS / "google.csv").read_bytes()
    assert b"192.0.2." in (FORMS / "surveymonkey.csv").read_bytes()


# --------------------------------------------------------------------------- incomplete


def test_incomplete_responses_can_be_included() -> None:
    with pytest.warns(IncompleteResponsesWarning, match="2 incomplete responses read") as caught:
        responses = read_responses(
            FORMS / "qualtrics.csv", mapping=FORMS / "qualtrics.toml", incomplete="include"
        )
    assert len(responses) == 36 + EXPORTS.PARTIALS
    warning = caught[0].message
    assert isinstance(warning, IncompleteResponsesWarning)
    assert warning.rule == "include"
    # The partial respondents stopped after question five: the rest is missing, not zero.
    partial = [i for i, r in enumerate(responses.respondent.tolist()) if r.endswith("Qz005")]
    assert partial
    assert all(math.isnan(x) for x in responses.answers[partial[0], 5:])


def test_incomplete_responses_can_refuse_the_file() -> None:
    with pytest.raises(ResponseFileError, match="incomplete response") as caught:
        read_responses(
            FORMS / "qualtrics.csv", mapping=FORMS / "qualtrics.toml", incomplete="error"
        )
    assert caught.value.line is not None
    assert caught.value.line > 3
    assert caught.value.column == "Finished"


def test_the_incomplete_rule_is_checked() -> None:
    with pytest.raises(ArgumentError, match="incomplete"):
        read_responses(FORMS / "canonical.csv", incomplete="drop")


def test_the_command_line_includes_incomplete_responses(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "q.json"
    args = ["assess", str(FORMS / "qualtrics.csv"), "--map", str(FORMS / "qualtrics.toml")]
    assert main([*args, "--incomplete", "include", "--resamples", "100", "-o", str(out)]) == 0
    assert "2 incomplete responses read as they are" in capsys.readouterr().err
    assert main([*args, "--incomplete", "error", "-o", str(out)]) == 2
    assert "incomplete response" in capsys.readouterr().err


def test_surveymonkey_partials_are_counted(tmp_path: Path) -> None:
    text = (FORMS / "surveymonkey.csv").read_text(encoding="utf-8-sig").splitlines()
    rows = list(csv.reader(text))
    rows[0].append("Status")
    rows[1].append("")
    for i, row in enumerate(rows[2:]):
        row.append("Partial" if i in (0, 4) else "Completed")
    path = tmp_path / "partials.csv"
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    with pytest.warns(IncompleteResponsesWarning, match=r"\(line 3, line 7\)") as caught:
        responses = read_responses(path, mapping=FORMS / "surveymonkey.toml")
    assert len(responses) == 34
    assert isinstance(caught[0].message, IncompleteResponsesWarning)
    assert caught[0].message.count == 2


# --------------------------------------------------------------------------- no mapping


@pytest.mark.parametrize("name", sorted(n for n in EXPECTED if EXPECTED[n]["tool"]))
def test_without_a_mapping_the_error_gives_a_starting_mapping(name: str) -> None:
    with pytest.raises(MappingNeededError) as caught:
        read_responses(FORMS / name)
    error = caught.value
    assert EXPORTS.ORGANISATION_Q in error.unplaced
    assert EXPORTS.ABOUT_Q in error.unplaced
    assert f"read as a {EXPECTED[name]['tool']} export" in str(error)
    assert error.starting_mapping in str(error)
    draft = tomllib.loads(error.starting_mapping)
    assert draft["columns"]["organisation"] == ""
    # Personal data is named as left out, never offered as a column to map.
    assert EXPORTS.ORGANISATION_Q in error.starting_mapping


@pytest.mark.parametrize("name", sorted(n for n in EXPECTED if EXPECTED[n]["tool"]))
def test_a_filled_in_starting_mapping_reads_the_export(
    name: str, tmp_path: Path, canonical: Responses
) -> None:
    draft = starting_mapping(FORMS / name)
    filled = draft.replace('organisation = ""', f'organisation = "{EXPORTS.ORGANISATION_Q}"')
    filled = filled.replace('about = ""', f'about = "{EXPORTS.ABOUT_Q}"')
    filled = filled.replace('# unit = ""', f'unit = "{EXPORTS.UNIT_Q}"')
    filled = filled.replace('internal = [""]', f'internal = ["{EXPORTS.OWN}"]')
    filled = filled.replace('# wave = "2026-Q1"', 'wave = "2026-Q1"')
    unplaced = [line[4:] for line in draft.splitlines() if line.startswith('#   "')]
    leftover = [
        h
        for h in unplaced
        if json.loads(h) not in EXPORTS.MAPPINGS
        and json.loads(h)
        not in (EXPORTS.ORGANISATION_Q, EXPORTS.ABOUT_Q, EXPORTS.UNIT_Q, EXPORTS.REWORDED_Q4)
    ]
    filled = filled.replace("ignore = []", f"ignore = [{', '.join(leftover)}]")
    filled = filled.replace('# q4 = ""', f'q4 = "{EXPORTS.REWORDED_Q4}"')
    mapping = tmp_path / "mapping.toml"
    mapping.write_text(filled, encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", IncompleteResponsesWarning)
        responses = read_responses(FORMS / name, mapping=mapping)
    _same_survey(responses, canonical)


def test_the_map_command_prints_the_starting_mapping(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["map", str(FORMS / "qualtrics.csv")]) == 0
    printed = capsys.readouterr().out
    assert printed == starting_mapping(FORMS / "qualtrics.csv")
    assert "read as Qualtrics" in printed
    # Question 4 was reworded: the draft asks for it, with the instrument's wording.
    assert '# q4 = ""' in printed
    assert 'Personal data, never read: "IP Address"' in printed
    tomllib.loads(printed)


def test_the_command_line_points_to_the_map_command(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert main(["assess", str(FORMS / "microsoft.xlsx"), "-o", str(tmp_path / "r.md")]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1
    assert "cannot place the columns" in err
    assert f"jointworking map {FORMS / 'microsoft.xlsx'} > mapping.toml" in err


def test_the_command_line_points_to_the_mapping_given(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """With --map given but short of columns, the hint is to complete that file."""
    partial = tmp_path / "partial.toml"
    partial.write_text(f'[columns]\norganisation = "{EXPORTS.ORGANISATION_Q}"\n', "utf-8")
    export = FORMS / "microsoft.xlsx"
    args = ["assess", str(export), "--map", str(partial), "-o", str(tmp_path / "r.md")]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1
    assert "cannot place the columns" in err
    assert f"jointworking map {export} --map {partial}" in err
    assert "> mapping.toml" not in err


def test_a_csv_export_without_a_mapping_is_recognised() -> None:
    with pytest.raises(MappingNeededError, match="read as a Google Forms export"):
        read_responses(FORMS / "google.csv")


# --------------------------------------------------------------------------- where errors are


def _write_xlsx(path: Path, rows: list[list[object]], sheet: str = "Sheet1") -> Path:
    path.write_bytes(EXPORTS._xlsx(sheet, rows))
    return path


def test_a_spreadsheet_error_names_the_sheet_and_cell(tmp_path: Path) -> None:
    survey = EXPORTS.survey(size=4)
    bad = survey[1]._replace(answers=("Clear evidnce", *survey[1].answers[1:]))
    path = tmp_path / "ms.xlsx"
    path.write_bytes(EXPORTS.microsoft([survey[0], bad, *survey[2:]]))
    header = [
        "ID",
        "Start time",
        "Completion time",
        "Email",
        "Name",
        "Last modified time",
        EXPORTS.ORGANISATION_Q,
        EXPORTS.ABOUT_Q,
        EXPORTS.UNIT_Q,
        *EXPORTS.QUESTIONS,
    ]
    letter = get_column_letter(header.index(EXPORTS.QUESTIONS[0]) + 1)
    with pytest.raises(ResponseFileError) as caught:
        read_responses(path, mapping=FORMS / "microsoft.toml")
    message = str(caught.value)
    assert message.startswith(f"{path}: Sheet1!{letter}3, column ")
    assert "expected one of the scale's points" in message
    assert caught.value.line == 3
    assert caught.value.column is not None
    assert caught.value.column.startswith("Is there evidence that the organisations")


def test_a_repeated_respondent_names_both_rows(tmp_path: Path) -> None:
    rows: list[list[object]] = [["organisation", "about", "respondent", "q1"]]
    rows += [["Harlow DC", "internal", 7, 3.0], ["Harlow DC", "internal", 7.0, 2]]
    path = _write_xlsx(tmp_path / "plain.xlsx", rows, sheet="My data")
    with pytest.raises(ResponseFileError, match=r"answers twice \(rows 2 and 3\)") as caught:
        read_responses(path)
    assert str(caught.value).startswith(f"{path}: 'My data'!C3, column 'respondent': ")


def test_a_csv_export_error_names_the_line_and_header(tmp_path: Path) -> None:
    survey = EXPORTS.survey(size=4)
    bad = survey[0]._replace(answers=(*survey[0].answers[:2], "7", *survey[0].answers[3:]))
    path = tmp_path / "sm.csv"
    path.write_bytes(EXPORTS.surveymonkey_csv([bad, *survey[1:]]))
    with pytest.raises(ResponseFileError) as caught:
        read_responses(path, mapping=FORMS / "surveymonkey.toml")
    assert caught.value.line == 3  # two header rows
    # The header as written, shortened for the message as the CSV reader shortens it.
    assert caught.value.column == EXPORTS.QUESTIONS[2][:77] + "..."


def test_a_sheet_cell_without_a_header_is_refused(tmp_path: Path) -> None:
    rows: list[list[object]] = [["organisation", "about", "q1", ""], ["A", "internal", 3, "x"]]
    path = _write_xlsx(tmp_path / "x.xlsx", rows)
    with pytest.raises(ResponseFileError, match=r"Sheet1!D2: column 4 has no header"):
        read_responses(path)


def test_a_sheet_error_names_the_file_and_cell_once(tmp_path: Path) -> None:
    """An error found while cutting the rows is not located a second time."""
    rows: list[list[object]] = [["organisation", "about", "q1", ""], ["A", "internal", 3, ""]]
    rows.append(["A", "internal", 2, "stray"])
    path = _write_xlsx(tmp_path / "x.xlsx", rows)
    with pytest.raises(ResponseFileError) as caught:
        read_responses(path)
    assert str(caught.value) == (
        f"{path}: Sheet1!D3: column 4 has no header but holds 'stray'; give the column a"
        " header or remove it"
    )


def test_an_incomplete_response_in_a_sheet_is_named_once(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        ["Respondent ID", "Collector ID", "Status", "organisation", "about", "q1"],
        ["", "", "", "", "", "Response"],
        [11, 1, "Completed", "A", "internal", 3],
        [12, 1, "Partial", "A", "internal", 2],
    ]
    path = _write_xlsx(tmp_path / "sm.xlsx", rows)
    with pytest.raises(ResponseFileError) as caught:
        read_responses(path, incomplete="error")
    assert str(caught.value).startswith(
        f"{path}: Sheet1!C4, column 'Status': an incomplete response (Status is 'Partial')"
    )
    assert str(caught.value).count(str(path)) == 1


def test_numbers_and_dates_in_cells_read_as_text(tmp_path: Path) -> None:
    rows: list[list[object]] = [["organisation", "about", "respondent", "wave", "q1", "q2"]]
    rows.append(["A", "internal", 12.0, dt.date(2026, 3, 1), 3.0, "Don't know"])
    rows.append(["A", "B", 13, 2026, 4, None])
    responses = read_responses(_write_xlsx(tmp_path / "n.xlsx", rows))
    assert responses.respondent.tolist() == ["12", "13"]
    assert responses.wave.tolist() == ["2026-03-01", "2026"]
    assert responses.answers[:, :2].tolist()[0][0] == 3.0
    assert math.isnan(responses.answers[0, 1])
    assert responses.answers[1, 0] == 4.0


def test_a_named_sheet_is_read(tmp_path: Path) -> None:
    rows: list[list[object]] = [["organisation", "about", "q1"], ["A", "internal", 3]]
    path = _write_xlsx(tmp_path / "s.xlsx", rows, sheet="Answers")
    assert len(read_responses(path, mapping={"sheet": "Answers"})) == 1
    with pytest.raises(ResponseFileError, match="no sheet 'Other'; the workbook has 'Answers'"):
        read_responses(path, mapping={"sheet": "Other"})


def test_a_workbook_from_a_file_object(canonical: Responses) -> None:
    data = (FORMS / "plain.xlsx").read_bytes()
    _same_survey(read_responses(io.BytesIO(data)), canonical)


def test_spreadsheets_are_not_read_in_chunks() -> None:
    with pytest.raises(ArgumentError, match="chunk_size"):
        read_responses(FORMS / "plain.xlsx", chunk_size=10)


def test_without_openpyxl_the_error_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_spreadsheet, "_openpyxl", lambda: None)
    with pytest.raises(ResponseFileError, match=r'pip install "jointworking\[xlsx\]"'):
        read_responses(FORMS / "plain.xlsx")


def test_a_file_that_is_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04 not really")
    with pytest.raises(ResponseFileError, match=r"cannot be read as an \.xlsx workbook"):
        read_responses(path)


def test_older_spreadsheets_are_refused_with_advice(tmp_path: Path) -> None:
    path = tmp_path / "old.ods"
    path.write_bytes(b"whatever")
    with pytest.raises(ResponseFileError, match=r"\.ods"):
        read_responses(path)


# --------------------------------------------------------------------------- the mapping


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[colums]\norganisation = "x"\n', "colums: unknown key"),
        ("[columns]\norganisation = 3\n", r"\[columns\] organisation: expected text, got 3"),
        ('[columns]\nregion = "x"\n', r"\[columns\] region: unknown key"),
        ('[values]\ninternal = [""]\n', r"\[values\] internal: expected text, got a blank"),
        ('[questions]\nq11 = "x"\n', r"\[questions\] q11: no such question"),
        ('[columns]\nwave = "a"\n[values]\nwave = "b"\n', r"\[values\] wave: the wave is also"),
        ('[columns]\nabout = "x"\nunit = "X"\n', r"\[columns\] unit: names the same column"),
        ("[columns\n", "not a valid TOML file"),
    ],
)
def test_a_bad_mapping_file_names_itself_and_the_key(
    tmp_path: Path, text: str, message: str
) -> None:
    mapping = tmp_path / "mapping.toml"
    mapping.write_text(text, encoding="utf-8")
    with pytest.raises(ResponseFileError, match=message) as caught:
        read_responses(FORMS / "google.csv", mapping=mapping)
    assert caught.value.path == str(mapping)


def test_a_bad_mapping_dict_is_an_argument_error() -> None:
    with pytest.raises(ArgumentError, match=r"mapping: \[columns\] about: expected text"):
        read_responses(FORMS / "google.csv", mapping={"columns": {"about": None}})
    with pytest.raises(ArgumentError, match="mapping: expected the path of a TOML"):
        read_responses(FORMS / "google.csv", mapping=3)  # type: ignore[call-overload]


def test_a_mapping_naming_a_missing_column(tmp_path: Path) -> None:
    mapping = tomllib.loads((FORMS / "google.toml").read_text())
    mapping["columns"]["unit"] = "Which department?"
    with pytest.raises(ResponseFileError, match=r"\[columns\] unit: no column headed") as caught:
        read_responses(FORMS / "google.csv", mapping=mapping)
    assert caught.value.path == "mapping"


def test_a_mapping_naming_a_column_nearly_suggests_it() -> None:
    mapping = tomllib.loads((FORMS / "google.toml").read_text())
    mapping["columns"]["organisation"] = "Which organisation do you work at?"
    with pytest.raises(ResponseFileError) as caught:
        read_responses(FORMS / "google.csv", mapping=mapping)
    assert "(case and spacing aside; did you mean 'Which organisation do you work for?'?)" in (
        str(caught.value)
    )
    mapping["columns"]["organisation"] = "Department"
    with pytest.raises(ResponseFileError) as caught:
        read_responses(FORMS / "google.csv", mapping=mapping)
    assert "did you mean" not in str(caught.value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            'organisation = "x"\n',
            "organisation: unknown key; expected sheet, columns, values,"
            " questions; organisation belongs in [columns]",
        ),
        (
            '[values]\nignore = ["x"]\n',
            "[values] ignore: unknown key; expected internal, wave; ignore belongs in [columns]",
        ),
        ('[columns]\ninternal = "x"\n', "internal belongs in [values]"),
        ('[columns]\nq4 = "x"\n', "q4 belongs in [questions]"),
        ('wave = "x"\n', "wave belongs in [columns] (a column's header) or [values]"),
    ],
)
def test_a_key_in_the_wrong_table_says_where_it_belongs(
    text: str, message: str, tmp_path: Path
) -> None:
    path = tmp_path / "mapping.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ResponseFileError) as caught:
        read_responses(FORMS / "google.csv", mapping=path)
    assert str(caught.value).startswith(f"{path}: ")
    assert message in str(caught.value)


def test_a_mapping_cannot_read_personal_data() -> None:
    mapping = tomllib.loads((FORMS / "google.toml").read_text())
    mapping["columns"]["respondent"] = "Email address"
    with pytest.raises(ResponseFileError, match="is personal data"):
        read_responses(FORMS / "google.csv", mapping=mapping)


def test_a_mapping_cannot_read_personal_data_as_a_question(tmp_path: Path) -> None:
    """A question named by a personal column's header is refused, its cells never read."""
    book = openpyxl.load_workbook(FORMS / "microsoft.xlsx")
    sheet = book.active
    assert sheet is not None
    assert sheet["D1"].value == "Email"
    sheet["D3"] = "jane.smith@example.org"
    path = tmp_path / "ms.xlsx"
    book.save(path)
    mapping = tomllib.loads((FORMS / "microsoft.toml").read_text())
    mapping["columns"]["ignore"].append(EXPORTS.QUESTIONS[3])
    mapping["questions"] = {"q4": "Email"}
    with pytest.raises(
        ResponseFileError, match=r"\[questions\] q4: .Email. is personal data"
    ) as caught:
        read_responses(path, mapping=mapping)
    assert "jane.smith" not in str(caught.value)


def test_a_mapping_dict_works_as_the_file(canonical: Responses) -> None:
    mapping = tomllib.loads((FORMS / "microsoft.toml").read_text())
    _same_survey(read_responses(FORMS / "microsoft.xlsx", mapping=mapping), canonical)


def test_an_unknown_column_is_named_not_guessed() -> None:
    mapping = tomllib.loads((FORMS / "microsoft.toml").read_text())
    mapping["columns"]["ignore"] = []
    with pytest.raises(
        MappingNeededError, match="cannot place the columns 'Any other comments"
    ) as caught:
        read_responses(FORMS / "microsoft.xlsx", mapping=mapping)
    assert caught.value.unplaced == (EXPORTS.COMMENT_Q,)


# --------------------------------------------------------------------------- questions


@pytest.mark.parametrize(
    "header",
    [
        "Is there evidence of shared accountability for the performance of the joint working?",
        "3. Is there evidence of shared accountability for the performance of the joint working",
        "Q3 Is there evidence of shared accountability for the performance of the joint working?",
        "Q3: IS THERE EVIDENCE OF SHARED ACCOUNTABILITY  for the performance of the joint "
        "working ?",
        "Question 3) Is there evidence of shared accountability \u2013 for the performance of"
        " the joint working?",
    ],
)
def test_a_question_is_found_by_its_wording(header: str) -> None:
    text = f'Timestamp,Org,About,"{header}"\n2026/03/02,A,internal,Clear evidence\n'
    mapping = {"columns": {"organisation": "Org", "about": "About"}}
    responses = read_responses(io.StringIO(text), mapping=mapping)
    assert responses.answers[0].tolist()[2] == 3.0
    assert np.isnan(responses.answers[0, [0, 1, 3]]).all()


def test_typographic_quotes_are_folded() -> None:
    instrument = jw.Instrument(
        name="ours",
        source="a test",
        questions=[
            jw.Question(
                1, "trust", "Do partners keep each other's confidence?", jw.Rung.COLLABORATION
            ),
            jw.Question(2, "pooling", "Is money pooled?", jw.Rung.PARTNERSHIP),
        ],
    )
    text = "Org,About,Do partners keep each other\u2019s confidence?,Is money pooled?\nA,B,3,4\n"
    mapping = {"columns": {"organisation": "Org", "about": "About"}}
    responses = read_responses(io.StringIO(text), instrument, mapping=mapping)
    assert responses.answers.tolist() == [[3.0, 4.0]]


def test_the_tools_are_found_by_the_registry() -> None:
    names = {layout.name for layout in layouts()}
    assert {"Microsoft Forms", "Google Forms", "SurveyMonkey", "Qualtrics"} <= names


def test_a_plain_csv_is_read_as_before(canonical: Responses) -> None:
    # No tool columns, no mapping: the CSV reader, untouched.
    assert not _forms.looks_like_export((FORMS / "canonical.csv").read_text(), "canonical.csv")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        _same_survey(read_responses(FORMS / "canonical.csv"), canonical)


def test_a_mapping_reads_a_plain_csv_with_other_headers() -> None:
    wording = EXPORTS.QUESTIONS[2]
    text = f"Org,About,Team,Round,Q1. {wording}\n"
    text += (
        "Harlow DC,Ourselves,Housing,2026-Q1,Clear evidence\nHarlow DC,Essex CC,Housing,2026-Q1,2\n"
    )
    mapping = {
        "columns": {"organisation": "org", "about": "ABOUT", "unit": "Team", "wave": "Round"},
        "values": {"internal": "ourselves"},
    }
    responses = read_responses(io.StringIO(text), mapping=mapping)
    assert responses.about.tolist() == ["internal", "Essex CC"]
    assert responses.wave.tolist() == ["2026-Q1", "2026-Q1"]
    assert responses.answers[:, 2].tolist() == [3.0, 2.0]


def test_a_mapping_is_not_for_json_nor_chunks() -> None:
    with pytest.raises(ArgumentError, match="format: a file read with a mapping"):
        read_responses(FORMS / "google.csv", mapping={}, format="json")
    with pytest.raises(ArgumentError, match="chunk_size: a spreadsheet, or a file read"):
        read_responses(FORMS / "google.csv", mapping={}, chunk_size=5)  # type: ignore[call-overload]


def test_a_starting_mapping_for_a_custom_instrument() -> None:
    instrument = jw.Instrument(
        name="ours",
        source="a test",
        questions=[
            jw.Question(
                1, "trust", "Do partners keep each other's confidence?", jw.Rung.COLLABORATION
            ),
            jw.Question(2, "pooling", "Is money pooled?", jw.Rung.PARTNERSHIP),
        ],
    )
    text = "Timestamp,Org,About,1. Is money pooled?\n2026/03/02,A,B,3\n"
    draft = starting_mapping(io.StringIO(text), instrument)
    assert "read as Google Forms" in draft
    assert "# Found: q2." in draft
    assert '# q1 = ""' in draft
    assert tomllib.loads(draft)["columns"]["organisation"] == ""


def test_a_header_cannot_break_the_starting_mapping() -> None:
    text = 'Timestamp,"Org""\nx = 1",About\n2026/03/02,A,B\n'
    draft = starting_mapping(io.StringIO(text))
    parsed = tomllib.loads(draft)
    assert set(parsed) == {"columns", "values", "questions"}
    assert "x" not in parsed["columns"]
