"""Known cases for reading and writing survey files, and every error path with its location."""

from __future__ import annotations

import io
import json
import math
from pathlib import Path

import numpy as np
import pytest

from jointworking import (
    MORLEY_2016,
    ArgumentError,
    Instrument,
    Question,
    ResponseFileError,
    Responses,
    Rung,
    Scale,
    ScalePoint,
)
from jointworking._csvsafe import neutralise, restore
from jointworking.io import read_responses, write_responses

# Every test here runs once per reader (see conftest.py): all must agree.
pytestmark = pytest.mark.usefixtures("reader_path")

FILES = Path(__file__).parent / "data" / "files"
HEADER = "organisation,about,respondent,unit,wave,q1,q2,q3,q4,q5,q6,q7,q8,q9,q10"
NAN = math.nan

# The answers of tests/data/files/wide.csv, long.csv and survey.json, in question order.
EXPECTED = [
    [3, 2, NAN, 1, NAN, 3, 4, 0, 1, 2],
    [4, 2, 2, NAN, 1, 1, 2, 2, 0, 3],
    [3, 3, 2, 2, 2, 3, 1, 2, 2, 2],
    [4, 4, 3, 3, 3, 4, 3, 3, 3, 3],
]


def write(tmp_path: Path, content: str | bytes, name: str = "survey.csv") -> Path:
    """Write `content` (text as UTF-8) to a file in `tmp_path` and return its path."""
    path = tmp_path / name
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return path


def read_text(
    content: str, instrument: Instrument = MORLEY_2016, *, format: str | None = None
) -> Responses:
    """Read `content` from a nameless text stream."""
    return read_responses(io.StringIO(content), instrument, format=format)


def columns(responses: Responses) -> dict[str, list[str]]:
    """The label columns as lists."""
    return {
        name: getattr(responses, name).tolist()
        for name in ("organisation", "about", "respondent", "unit", "wave")
    }


def assert_same(a: Responses, b: Responses) -> None:
    """Assert equal label columns and answers, NaN equal to NaN."""
    assert columns(a) == columns(b)
    np.testing.assert_array_equal(a.answers, b.answers)


def failure(path: Path, content: str | bytes, match: str = "") -> ResponseFileError:
    """Write `content` to `path`, read it, check the error's message and return the error."""
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    with pytest.raises(ResponseFileError, match=match) as caught:
        read_responses(path)
    return caught.value


SMALL = "organisation,about,respondent,q1,q2,q3\n"


def record(**fields: object) -> str:
    """A JSON list of one valid record, with `fields` changed (None removes a field)."""
    base: dict[str, object] = {
        "organisation": "A",
        "about": "internal",
        "respondent": "r",
        "answers": {"q1": 1},
    }
    base.update(fields)
    return json.dumps([{k: v for k, v in base.items() if v is not None}])


class TestReadWideCsv:
    def test_reads_labels_numbers_aliases_and_missing(self) -> None:
        """The sample file reads labels, aliases, numbers, "Don't know" and blanks."""
        responses = read_responses(FILES / "wide.csv")
        np.testing.assert_array_equal(responses.answers, EXPECTED)
        assert columns(responses) == {
            "organisation": ["Harlow DC", "Harlow DC", "Harlow DC", "Essex CC"],
            "about": ["internal", "internal", "Essex CC", "Harlow DC"],
            "respondent": ["r1", "r2", "r1", "e1"],
            "unit": ["Housing", "Planning", "Housing", ""],
            "wave": ["2026-Q1"] * 4,
        }

    def test_dont_know_and_blank_are_missing_never_zero(self) -> None:
        """Every missing marker reads as NaN, and a real 0 stays 0."""
        text = SMALL + "A,internal,r1,Don't know,,DK\nA,internal,r2,n/a,don\u2019t KNOW,0\n"
        answers = read_text(text).answers
        assert np.isnan(answers[0, :3]).all()
        assert np.isnan(answers[1, :2]).all()
        assert answers[1, 2] == 0

    def test_utf8_bom_is_ignored(self, tmp_path: Path) -> None:
        """A UTF-8 byte order mark does not become part of the first header."""
        path = write(tmp_path, b"\xef\xbb\xbf" + (SMALL + "A,internal,r1,1,2,3\n").encode())
        assert read_responses(path).answers[0, :3].tolist() == [1, 2, 3]

    def test_crlf_and_cr_line_endings(self) -> None:
        """CRLF and bare CR line endings read like LF."""
        for end in ("\r\n", "\r"):
            text = SMALL.replace("\n", end) + f"A,internal,r1,1,2,3{end}B,internal,r1,4,,0{end}"
            responses = read_text(text)
            assert responses.organisation.tolist() == ["A", "B"]
            assert responses.answers[:, 2].tolist() == [3, 0]

    def test_semicolon_delimiter(self) -> None:
        """A semicolon-delimited file is detected from its header."""
        text = 'organisation;about;q1;q2\n"Smith, Jones & Co";internal;3;2\n'
        responses = read_text(text)
        assert responses.organisation.tolist() == ["Smith, Jones & Co"]
        assert responses.answers[0, :2].tolist() == [3, 2]

    def test_tab_delimiter(self) -> None:
        """A tab-delimited file is detected from its header."""
        responses = read_text("organisation\tabout\tq1\nA, B\tinternal\tclear\n")
        assert responses.organisation.tolist() == ["A, B"]
        assert responses.answers[0, 0] == 3

    def test_delimiters_inside_quoted_headers_are_not_counted(self) -> None:
        """Delimiters inside a quoted header do not decide the delimiter."""
        responses = read_text('organisation,about,"q1"\nA;B,internal,1\n')
        assert responses.organisation.tolist() == ["A;B"]

    def test_sep_line_names_the_delimiter(self) -> None:
        """A first line ``sep=;`` (as Excel writes) names the delimiter and is skipped."""
        responses = read_text("sep=;\norganisation;about;q1\nA;internal;3\n")
        assert responses.respondent.tolist() == ["3"]
        assert responses.answers[0, 0] == 3

    def test_cp1252_fallback(self, tmp_path: Path) -> None:
        """Bytes that are not UTF-8 are read as Windows-1252."""
        path = write(tmp_path, b"organisation,about,q1\nCaf\xe9 \x93Bar\x94,internal,2\n")
        assert read_responses(path).organisation.tolist() == ["Caf\u00e9 \u201cBar\u201d"]

    def test_utf16_with_bom(self, tmp_path: Path) -> None:
        """UTF-16 with a byte order mark (a spreadsheet's "Unicode text") is read."""
        path = write(
            tmp_path, "organisation\tabout\tq1\r\nCaf\u00e9\tinternal\t2\r\n".encode("utf-16")
        )
        assert read_responses(path).organisation.tolist() == ["Caf\u00e9"]

    def test_quoted_fields_with_commas_quotes_and_newlines(self) -> None:
        """Quoted fields keep commas and doubled quotes; an answer may span lines."""
        text = SMALL + '"Smith, ""Jones"" and Co",internal,r1,"Clear\r\nevidence",2,3\n'
        text += "B,internal,r1,1,2,3\n"
        responses = read_text(text)
        assert responses.organisation.tolist() == ['Smith, "Jones" and Co', "B"]
        assert responses.answers[:, 0].tolist() == [3, 1]

    def test_line_numbers_count_physical_lines(self) -> None:
        """After a record spanning two lines, the next record is on line 4."""
        text = 'organisation,about,q1\nA,internal,"Some\nevidence"\nC,internal,2\n'
        assert read_text(text).respondent.tolist() == ["2", "4"]

    def test_key_and_number_headers(self) -> None:
        """Questions may be headed by key or by number alone."""
        text = "organisation,about,shared_accountability,1,Q10\nA,internal,3,2,1\n"
        answers = read_text(text).answers[0]
        assert (answers[2], answers[0], answers[9]) == (3, 2, 1)
        assert np.isnan(answers[[1, 3, 4, 5, 6, 7, 8]]).all()

    def test_headers_are_trimmed_and_case_insensitive(self) -> None:
        """Header names are trimmed and compared without case; 'organization' is accepted."""
        text = " Organization ,ABOUT, Respondent,UNIT,Wave , Shared_Ambition ,q1\n"
        responses = read_text(text + "A,Internal,x,U,W,4,0\n")
        assert columns(responses) == {
            "organisation": ["A"],
            "about": ["internal"],
            "respondent": ["x"],
            "unit": ["U"],
            "wave": ["W"],
        }
        assert (responses.answers[0, 9], responses.answers[0, 0]) == (4, 0)

    def test_missing_question_column_is_missing_for_everyone(self) -> None:
        """A question without a column reads as missing, not zero."""
        answers = read_text("organisation,about,q1\nA,internal,1\nB,internal,2\n").answers
        assert np.isnan(answers[:, 1:]).all()

    def test_respondent_defaults_to_line_number(self) -> None:
        """Without a respondent column, each respondent is its line number as text."""
        text = "organisation,about,q1\nA,internal,1\n\nA,internal,2\n"
        assert read_text(text).respondent.tolist() == ["2", "4"]

    def test_blank_rows_are_skipped(self) -> None:
        """Rows whose cells are all blank, like a spreadsheet's trailing rows, are skipped."""
        text = SMALL + "A,internal,r1,1,2,3\n,,,,,\n  ,\t, ,,,\n\nB,internal,r1,1,2,3\n,,,,,\n"
        assert read_text(text).organisation.tolist() == ["A", "B"]

    def test_labels_are_trimmed_and_internal_folded(self) -> None:
        """Label cells are trimmed, and 'INTERNAL' reads as 'internal'."""
        responses = read_text(SMALL + "  A  , INTERNAL , r1 ,1,2,3\n")
        assert (responses.organisation[0], responses.about[0], responses.respondent[0]) == (
            "A",
            "internal",
            "r1",
        )

    def test_formula_protection_is_restored(self) -> None:
        """Cells escaped against formula injection read back as the original names."""
        text = SMALL + "'=HYPERLINK(1),'@home,''=x,1,2,3\n"
        responses = read_text(text)
        assert (responses.organisation[0], responses.about[0], responses.respondent[0]) == (
            "=HYPERLINK(1)",
            "@home",
            "'=x",
        )

    def test_sources_path_str_binary_and_text_streams(self, tmp_path: Path) -> None:
        """A Path, a str path, a binary file and a text file all read the same."""
        path = write(tmp_path, (FILES / "wide.csv").read_bytes())
        expected = read_responses(path)
        assert_same(read_responses(str(path)), expected)
        with path.open("rb") as binary:
            assert_same(read_responses(binary), expected)
        with path.open(encoding="utf-8", newline="") as text:
            assert_same(read_responses(text), expected)

    def test_nameless_stream_is_sniffed(self) -> None:
        """A nameless stream not starting with '[' or '{' is read as CSV."""
        data = (FILES / "wide.csv").read_bytes()
        assert_same(read_responses(io.BytesIO(data)), read_responses(FILES / "wide.csv"))

    def test_format_overrides_suffix(self, tmp_path: Path) -> None:
        """format='csv' reads a CSV file whatever its suffix."""
        path = write(tmp_path, (FILES / "wide.csv").read_bytes(), "survey.dat")
        assert len(read_responses(path, format="CSV")) == 4

    def test_custom_instrument(self) -> None:
        """A custom instrument's keys, numbers and scale read the columns."""
        scale = Scale((ScalePoint(1, "Never"), ScalePoint(2, "Sometimes"), ScalePoint(3, "Always")))
        instrument = Instrument(
            name="custom",
            source="test",
            questions=(
                Question(5, "goals", "Goals?", Rung.COLLABORATION),
                Question(7, "money", "Money?", Rung.PARTNERSHIP),
            ),
            scale=scale,
            collaboration_threshold=2,
            partnership_threshold=2,
        )
        responses = read_text("organisation,about,goals,q7\nA,internal,always,1\n", instrument)
        assert responses.answers.tolist() == [[3.0, 1.0]]

    # --- errors ------------------------------------------------------------------------

    def test_value_off_the_scale(self, tmp_path: Path) -> None:
        """A score off the scale names file, line and column as written."""
        text = "organisation,about,respondent,q1,q2,Q3\n"
        text += "A,internal,r1,1,2,3\nA,internal,r2,1,2,3\nA,internal,r3,1,2,7\n"
        message = (
            r"survey\.csv: line 4, column 'Q3': expected one of the scale's points"
            r" \(0, 1, 2, 3, 4\), a label \('No evidence', .*\) or \"don't know\" or blank"
            r" for missing, got '7'$"
        )
        error = failure(tmp_path / "survey.csv", text, message)
        assert (error.line, error.column) == (4, "Q3")

    def test_unparseable_value(self, tmp_path: Path) -> None:
        """A word that is no label names the line and column."""
        with pytest.raises(
            ResponseFileError, match=r"survey\.csv: line 2, column 'q2': expected .* got 'maybe'"
        ) as caught:
            read_responses(write(tmp_path, SMALL + "A,internal,r1,1,maybe,3\n"))
        assert (caught.value.line, caught.value.column) == (2, "q2")

    def test_decimal_comma_is_an_error(self, tmp_path: Path) -> None:
        """A semicolon file's '2,5' is not silently read as a number."""
        path = write(tmp_path, "organisation;about;q1\nA;internal;2,5\n")
        with pytest.raises(ResponseFileError, match=r"line 2, column 'q1': .* got '2,5'"):
            read_responses(path)

    def test_unknown_column(self, tmp_path: Path) -> None:
        """An unknown column is named at line 1, with what is accepted."""
        error = failure(
            tmp_path / "survey.csv",
            "organisation,about,q1,Colour\nA,internal,1,red\n",
            r"survey\.csv: line 1, column 'Colour': unknown column; expected organisation"
            r" \(or organization\), about, respondent, unit, wave and one column per question:"
            r" q1, q2, .*, q10 \(or the number alone, or the question's key: shared_objectives",
        )
        assert (error.line, error.column) == (1, "Colour")

    def test_question_beyond_the_instrument(self, tmp_path: Path) -> None:
        """A column q11 on a ten-question instrument is an unknown column."""
        text = "organisation,about,q11\nA,internal,1\n"
        error = failure(tmp_path / "survey.csv", text, r"line 1, column 'q11': unknown column")
        assert (error.line, error.column) == (1, "q11")

    def test_blank_header_over_blank_cells_is_ignored(self) -> None:
        """A column with neither header nor data (a sheet's stray columns) is ignored."""
        responses = read_text("organisation,about,q1,,\nA,internal,1,,\nB,internal,2, ,\n")
        assert responses.answers[:, 0].tolist() == [1, 2]

    def test_blank_header_over_data(self, tmp_path: Path) -> None:
        """Data under a column without a header is an error naming the line and column."""
        error = failure(
            tmp_path / "survey.csv",
            "organisation,about,q1,\nA,internal,1,\nA,internal,1,x\n",
            r"survey\.csv: line 3: column 4 has no header but holds 'x'; give the column a"
            r" header or remove it",
        )
        assert (error.line, error.column) == (3, None)

    def test_question_in_two_columns(self, tmp_path: Path) -> None:
        """A question under two headers is an error naming both."""
        error = failure(
            tmp_path / "survey.csv",
            "organisation,about,q3,shared_accountability\nA,internal,1,2\n",
            r"line 1, column 'shared_accountability': question 3 already has a column, 'q3'",
        )
        assert error.column == "shared_accountability"

    def test_label_column_twice(self, tmp_path: Path) -> None:
        """Both spellings of organisation in one header is an error."""
        error = failure(
            tmp_path / "survey.csv",
            "organisation,about,Organization,q1\nA,internal,A,1\n",
            r"line 1, column 'Organization': a second organisation column \(the first is"
            r" 'organisation'\)",
        )
        assert (error.line, error.column) == (1, "Organization")

    def test_missing_required_column(self, tmp_path: Path) -> None:
        """A header without 'about' is an error at line 1."""
        error = failure(
            tmp_path / "survey.csv",
            "organisation,q1\nA,1\n",
            r"survey\.csv: line 1: no 'about' column; a file needs organisation, about columns",
        )
        assert (error.line, error.column) == (1, None)

    def test_no_question_columns(self, tmp_path: Path) -> None:
        """A header with labels but no question column is an error."""
        error = failure(
            tmp_path / "survey.csv",
            "organisation,about\nA,internal\n",
            r"line 1: no question columns; expected",
        )
        assert (error.line, error.column) == (1, None)

    def test_question_without_answer_column(self, tmp_path: Path) -> None:
        """A 'question' column without 'answer' is explained, not just unknown."""
        error = failure(
            tmp_path / "survey.csv",
            "organisation,about,question\nA,internal,1\n",
            r"line 1, column 'question': a 'question' column without an 'answer' column",
        )
        assert (error.line, error.column) == (1, "question")

    def test_too_many_fields(self, tmp_path: Path) -> None:
        """A row with more fields than the header names its line."""
        error = failure(
            tmp_path / "survey.csv",
            SMALL + "A,internal,r1,1,2,3\nA,internal,r2,1,2,3,4\n",
            r"survey\.csv: line 3: expected 6 fields, as in the header \(line 1\), got 7$",
        )
        assert (error.line, error.column) == (3, None)

    def test_too_few_fields(self, tmp_path: Path) -> None:
        """A row with fewer fields than the header names its line."""
        error = failure(
            tmp_path / "survey.csv",
            SMALL + "A,internal,r1,1,2\n",
            r"line 2: expected 6 fields, as in the header \(line 1\), got 5",
        )
        assert (error.line, error.column) == (2, None)

    def test_duplicate_respondent_names_both_lines(self, tmp_path: Path) -> None:
        """A respondent answering twice for one organisation, about and wave names both lines."""
        text = "organisation,about,respondent,wave,q1\n"
        text += "A,internal,r1,W1,1\nA,internal,r1,W2,1\nA,Internal, r1 ,W1,2\n"
        error = failure(
            tmp_path / "survey.csv",
            text,
            r"survey\.csv: line 4, column 'respondent': respondent 'r1' of 'A' about 'internal',"
            r" wave 'W1' answers twice \(lines 2 and 4\)",
        )
        assert (error.line, error.column) == (4, "respondent")

    def test_blank_organisation(self, tmp_path: Path) -> None:
        """A blank organisation is an error naming the line and column."""
        error = failure(
            tmp_path / "survey.csv",
            "Organisation,about,q1\nA,internal,1\n  ,internal,2\n",
            r"line 3, column 'Organisation': expected the responding organisation, got a blank"
            r" cell",
        )
        assert (error.line, error.column) == (3, "Organisation")

    def test_organisation_named_internal(self, tmp_path: Path) -> None:
        """'internal' cannot name an organisation: it is reserved for the about column."""
        error = failure(
            tmp_path / "survey.csv",
            "organisation,about,q1\nINTERNAL,B,1\n",
            r"line 2, column 'organisation': 'internal' is reserved for an organisation's view"
            r" of itself \(in the about column\)",
        )
        assert (error.line, error.column) == (2, "organisation")

    def test_blank_about(self, tmp_path: Path) -> None:
        """A blank about is an error naming the line and column."""
        error = failure(
            tmp_path / "survey.csv",
            "organisation,About,q1\nA,,1\n",
            r"line 2, column 'About': expected 'internal' or the partner or arrangement"
            r" assessed, got a blank cell",
        )
        assert (error.line, error.column) == (2, "About")

    def test_organisation_about_itself(self, tmp_path: Path) -> None:
        """An organisation about itself is told to use 'internal'."""
        error = failure(
            tmp_path / "survey.csv",
            "organisation,about,q1\nHarlow DC, Harlow DC ,1\n",
            r"line 2, column 'about': 'Harlow DC' is about itself; use 'internal'",
        )
        assert (error.line, error.column) == (2, "about")

    def test_blank_respondent(self, tmp_path: Path) -> None:
        """A blank cell in a respondent column is an error, not a default identifier."""
        error = failure(
            tmp_path / "survey.csv",
            SMALL + "A,internal,,1,2,3\n",
            r"survey\.csv: line 2, column 'respondent': expected the respondent's identifier,"
            r" got a blank cell",
        )
        assert (error.line, error.column) == (2, "respondent")

    def test_empty_file(self, tmp_path: Path) -> None:
        """An empty or blank file is an error naming the file."""
        for content in ("", "\n \r\n,,\n"):
            error = failure(tmp_path / "survey.csv", content, r"survey\.csv: the file is empty")
            assert error.line is None

    def test_header_only(self, tmp_path: Path) -> None:
        """A header with no data rows is an error."""
        error = failure(
            tmp_path / "survey.csv",
            SMALL + ",,,,,\n",
            r"survey\.csv: no responses: the file has a header \(line 1\) but no data rows",
        )
        assert (error.line, error.column) == (None, None)

    def test_unclosed_quote(self, tmp_path: Path) -> None:
        """A quote never closed names the line its record starts on."""
        error = failure(
            tmp_path / "survey.csv",
            SMALL + 'A,internal,r1,1,2,3\n"B,internal\nr2,1\n',
            r"line 3: a quoted field is not closed",
        )
        assert error.line == 3

    def test_text_after_closing_quote(self, tmp_path: Path) -> None:
        """Text after a closing quote is an error naming the line."""
        error = failure(
            tmp_path / "survey.csv",
            SMALL + '"A"B,internal,r1,1,2,3\n',
            r"line 2: expected the delimiter ',' or the end of the line",
        )
        assert (error.line, error.column) == (2, None)

    def test_field_larger_than_the_csv_limit(self, tmp_path: Path) -> None:
        """A field beyond csv.field_size_limit is a ResponseFileError naming the line."""
        error = failure(
            tmp_path / "survey.csv",
            SMALL + f'"{"x" * 200_000}",internal,r1,1,2,3\n',
            r"line 2: a field is longer than the limit",
        )
        assert (error.line, error.column) == (2, None)

    def test_undecodable_bytes(self, tmp_path: Path) -> None:
        """Bytes that are neither UTF-8 nor Windows-1252 name the line."""
        error = failure(
            tmp_path / "survey.csv",
            SMALL.encode() + b"A\x81,internal,r1,1,2,3\n",
            r"survey\.csv: line 2: not UTF-8 or Windows-1252 text: byte 0x81",
        )
        assert (error.line, error.column) == (2, None)

    def test_text_stream_opened_with_the_wrong_encoding(self, tmp_path: Path) -> None:
        """A text file that fails to decode advises opening it in binary mode."""
        path = write(tmp_path, SMALL.encode() + b"Caf\xe9,internal,r1,1,2,3\n")
        with (
            path.open(encoding="utf-8") as stream,
            pytest.raises(ResponseFileError, match=r"survey\.csv: .*binary mode"),
        ):
            read_responses(stream)

    def test_unknown_suffix(self, tmp_path: Path) -> None:
        """A suffix naming no format is an error; a spreadsheet's says to save as CSV."""
        with pytest.raises(ResponseFileError, match=r"survey\.dat: cannot tell the format"):
            read_responses(write(tmp_path, SMALL, "survey.dat"))
        with pytest.raises(ResponseFileError, match=r"survey\.ods: .*save the sheet as CSV"):
            read_responses(tmp_path / "survey.ods")

    def test_missing_file(self, tmp_path: Path) -> None:
        """A file that does not exist is a ResponseFileError naming it."""
        with pytest.raises(ResponseFileError, match=r"nothing\.csv: cannot be read"):
            read_responses(tmp_path / "nothing.csv")

    def test_bad_arguments(self) -> None:
        """An unusable format, source or instrument is an ArgumentError."""
        with pytest.raises(ArgumentError, match="format: expected 'csv', 'json' or None"):
            read_text(SMALL, format="xml")
        with pytest.raises(ArgumentError, match="source: expected a path or an open file"):
            read_responses(42)  # type: ignore[call-overload]
        with pytest.raises(ArgumentError, match=r"got text with line breaks; .*io\.StringIO"):
            read_responses(SMALL)
        with pytest.raises(ArgumentError, match="instrument: expected an Instrument"):
            read_responses(io.StringIO(SMALL), "morley")  # type: ignore[call-overload]


class TestReadLongCsv:
    def test_equivalent_to_wide(self) -> None:
        """The long sample file gives the same responses as the wide one."""
        assert_same(read_responses(FILES / "long.csv"), read_responses(FILES / "wide.csv"))

    def test_question_references_and_missing(self) -> None:
        """Questions by number, q-number or key; blank and "don't know" answers are missing."""
        text = "organisation,about,respondent,question,answer\n"
        text += "A,internal,r1,1,3\nA,internal,r1,Q2,don't know\nA,internal,r1,shared_ambition,\n"
        text += "A,internal,r2,q1,0\n"
        responses = read_text(text)
        assert responses.respondent.tolist() == ["r1", "r2"]
        assert responses.answers[0, 0] == 3
        assert np.isnan(responses.answers[0, 1:]).all()
        assert responses.answers[1, 0] == 0

    def test_respondents_are_organisation_about_wave_and_id(self) -> None:
        """The same identifier in another wave or about is another respondent."""
        text = "organisation,about,respondent,wave,unit,question,answer\n"
        text += "A,internal,r1,W1,U,q1,1\nA,internal,r1,W2,U,q1,2\nA,B,r1,W1,,q1,3\n"
        text += "A,internal,r1,W1,U,q2,4\n"
        responses = read_text(text)
        assert responses.wave.tolist() == ["W1", "W2", "W1"]
        assert responses.unit.tolist() == ["U", "U", ""]
        np.testing.assert_array_equal(responses.answers[:, :2], [[1, 4], [2, NAN], [3, NAN]])

    def test_semicolon_and_mixed_case_headers(self) -> None:
        """Long files are detected in any case and delimiter."""
        text = "Organisation;About;Respondent;Question;Answer\nA;internal;r1;q3;strong\n"
        assert read_text(text).answers[0, 2] == 4

    def test_unknown_question(self, tmp_path: Path) -> None:
        """An unknown question value names the line and the question column."""
        text = "organisation,about,respondent,Question,answer\n"
        text += "A,internal,r1,q1,1\nA,internal,r1,q11,1\n"
        error = failure(
            tmp_path / "survey.csv",
            text,
            r"survey\.csv: line 3, column 'Question': expected a question number \(1, 2, .*,"
            r" 10\), the number with a 'q' in front \(q1\) or a question key, got 'q11'",
        )
        assert (error.line, error.column) == (3, "Question")

    def test_blank_question(self, tmp_path: Path) -> None:
        """A blank question cell is an error, not a dropped answer."""
        text = "organisation,about,respondent,question,answer\nA,internal,r1,,1\n"
        error = failure(
            tmp_path / "survey.csv", text, r"line 2, column 'question': expected .* got ''$"
        )
        assert (error.line, error.column) == (2, "question")

    def test_answer_off_the_scale(self, tmp_path: Path) -> None:
        """An answer off the scale names the line and the answer column."""
        text = "organisation,about,respondent,question,ANSWER\nA,internal,r1,q1,5\n"
        error = failure(
            tmp_path / "survey.csv",
            text,
            r"line 2, column 'ANSWER': expected one of the scale's points",
        )
        assert (error.line, error.column) == (2, "ANSWER")

    def test_question_answered_twice(self, tmp_path: Path) -> None:
        """A question answered twice by one respondent names both lines."""
        text = "organisation,about,respondent,question,answer\n"
        text += "A,internal,r1,q1,1\nA,internal,r2,q1,1\nA,internal,r1,1,2\n"
        error = failure(
            tmp_path / "survey.csv",
            text,
            r"line 4, column 'question': respondent 'r1' of 'A' about 'internal' answers"
            r" question 1 twice \(lines 2 and 4\)",
        )
        assert (error.line, error.column) == (4, "question")

    def test_unit_changes_within_a_respondent(self, tmp_path: Path) -> None:
        """A respondent's unit must be the same on all its rows."""
        text = "organisation,about,respondent,Unit,question,answer\n"
        text += "A,internal,r1,Housing,q1,1\nA,internal,r1,,q2,1\n"
        error = failure(
            tmp_path / "survey.csv",
            text,
            r"line 3, column 'Unit': respondent 'r1' of 'A' about 'internal' has no unit"
            r" here but unit 'Housing' on line 2; expected one unit per respondent",
        )
        assert (error.line, error.column) == (3, "Unit")

    def test_respondent_column_required(self, tmp_path: Path) -> None:
        """A long file needs a respondent column."""
        error = failure(
            tmp_path / "survey.csv",
            "organisation,about,question,answer\nA,internal,1,1\n",
            r"line 1: no 'respondent' column; a long file needs organisation, about, respondent",
        )
        assert (error.line, error.column) == (1, None)

    def test_question_column_in_long_file(self, tmp_path: Path) -> None:
        """A wide question column in a long file is an error."""
        text = "organisation,about,respondent,question,answer,q1\nA,internal,r1,1,1,1\n"
        error = failure(
            tmp_path / "survey.csv", text, r"line 1, column 'q1': a question column in a long file"
        )
        assert (error.line, error.column) == (1, "q1")

    def test_other_errors_name_the_line(self, tmp_path: Path) -> None:
        """Blank organisation, self-reference and wrong field counts name their lines."""
        head = "organisation,about,respondent,question,answer\n"
        cases = {
            "A,internal,r1,q1,1\n,internal,r1,q1,1\n": (3, "organisation", "got a blank cell"),
            "A,A,r1,q1,1\n": (2, "about", "'A' is about itself"),
            "A,internal,r1,q1\n": (2, None, "expected 5 fields"),
        }
        for rows, (line, column, message) in cases.items():
            error = failure(tmp_path / "survey.csv", head + rows, message)
            assert (error.line, error.column) == (line, column)


class TestReadJson:
    def test_equivalent_to_csv(self) -> None:
        """The JSON sample gives the same responses as the wide CSV."""
        assert_same(read_responses(FILES / "survey.json"), read_responses(FILES / "wide.csv"))

    def test_list_of_records_and_whole_numbers(self) -> None:
        """A bare list works; whole numbers are identifiers, waves and units as text."""
        records = [
            {
                "organisation": "A",
                "about": "Internal",
                "respondent": "r",
                "answers": {"q1": "clear"},
            },
            {"organisation": "A", "about": "B", "respondent": 7.0, "wave": 2026, "answers": {}},
        ]
        responses = read_text(json.dumps(records))
        assert columns(responses) == {
            "organisation": ["A", "A"],
            "about": ["internal", "B"],
            "respondent": ["r", "7"],
            "unit": ["", ""],
            "wave": ["", "2026"],
        }
        assert responses.answers[0, 0] == 3
        assert np.isnan(responses.answers[1]).all()

    def test_stream_named_json_and_sniffed(self) -> None:
        """A nameless stream starting with '[' or '{' is read as JSON."""
        data = (FILES / "survey.json").read_bytes()
        assert len(read_responses(io.BytesIO(b"\n  " + data))) == 4

    @pytest.mark.parametrize(
        ("content", "message"),
        [
            ('[{"organisation": "A",\n "about": }]', r"survey\.json: line 2: not valid JSON"),
            ("[" * 100_000, r"survey\.json: not valid JSON: nested too deeply"),
            ('"text"', r"survey\.json: expected a list of response records, .* got text"),
            ('{"records": []}', r"the object's fields are 'records'"),
            ("[]", r"survey\.json: no responses: the list of records is empty"),
            ("[3]", r"survey\.json: record 1: expected an object with organisation"),
            (record(colour=1), r"record 1, field 'colour': unknown field; expected organisation"),
            (record(answers=None), r"record 1, field 'answers': missing; expected organisation"),
            (record(respondent=None), r"record 1, field 'respondent': missing; expected"),
            (
                record(organisation="Internal", about="B"),
                r"record 1, field 'organisation': 'internal' is reserved for an organisation's",
            ),
            (record(organisation=3), r"record 1, field 'organisation': expected text, got 3$"),
            (
                record(organisation=" "),
                r"record 1, field 'organisation': expected the responding organisation",
            ),
            (record(about="A"), r"record 1, field 'about': 'A' is about itself; use 'internal'"),
            (
                record(respondent=True),
                r"record 1, field 'respondent': expected text or a whole number, got true or"
                r" false",
            ),
            (record(wave=2.5), r"record 1, field 'wave': expected text or a whole number, got 2.5"),
            (
                record(answers=[]),
                r"record 1, field 'answers': expected an object keyed by question, got a list",
            ),
            (
                record(answers={"q11": 1}),
                r"record 1, field 'answers\.q11': unknown question; expected a number",
            ),
            (
                record(answers={"q1": 1, "1": 2}),
                r"record 1, field 'answers\.1': question 1 is answered twice \(also as 'q1'\)",
            ),
            (
                '[{"respondent": "r", "organisation": "A", "about": "internal",\n'
                ' "answers": {"q1": 1, "q1": 2}}]',
                r"survey\.json: an object has the key 'q1' twice",
            ),
            (
                f"[{record()[1:-1]},\n{record(respondent='s', answers={'q2': 'maybe'})[1:-1]}]",
                r"survey\.json: record 2, field 'answers\.q2': expected one of the scale's"
                r" points .* got 'maybe'",
            ),
            (
                record(answers={"q2": True}),
                r"record 1, field 'answers\.q2': expected one of .* got True",
            ),
            (
                record(answers={"q2": [1]}),
                r"record 1, field 'answers\.q2': expected one of .* got a list",
            ),
            (
                record(answers={"q2": math.inf}),
                r"record 1, field 'answers\.q2': expected one of .* got inf",
            ),
            (
                record(answers={"q2": 10**400}),
                r"record 1, field 'answers\.q2': expected one of .* got 1000",
            ),
            (
                f"[{record()[1:-1]},\n{record(about='INTERNAL')[1:-1]}]",
                r"record 2, field 'respondent': respondent 'r' of 'A' about 'internal' answers"
                r" twice \(records 1 and 2\)",
            ),
        ],
    )
    def test_errors_name_file_record_and_field(
        self, tmp_path: Path, content: str, message: str
    ) -> None:
        """Every JSON error names the file, and the record and field where there is one."""
        with pytest.raises(ResponseFileError, match=message) as caught:
            read_responses(write(tmp_path, content, "survey.json"))
        assert caught.value.column is None

    def test_invalid_json_line_attribute(self, tmp_path: Path) -> None:
        """Invalid JSON carries its line in the error's attribute."""
        error = failure(
            tmp_path / "survey.json",
            '[\n\n{"organisation": "A",,}]',
            r"survey\.json: line 3: not valid JSON: Expecting property name enclosed in double"
            r" quotes \(column 22\)",
        )
        assert error.line == 3


class TestWrite:
    def test_csv_layout(self) -> None:
        """Whole scores as integers, missing blank, LF endings, labels protected."""
        answers: list[list[float | None]] = [[3, None, 0, 1, 2, 3, 4, 0, 1, 2], [None] * 10]
        responses = Responses.from_arrays(
            answers,
            organisation=["@Harlow", "Essex, CC"],
            about=["internal", "Harlow"],
            respondent=["-5", "=1+2"],
            unit=["Housing", None],
            wave="2026-Q1",
        )
        out = io.StringIO()
        write_responses(responses, out)
        assert out.getvalue() == (
            f"{HEADER}\n"
            "'@Harlow,internal,-5,Housing,2026-Q1,3,,0,1,2,3,4,0,1,2\n"
            '"Essex, CC",Harlow,\'=1+2,,2026-Q1,,,,,,,,,,\n'
        )

    def test_json_layout(self) -> None:
        """JSON records with null for missing and answers keyed q1 ...; no escaping."""
        responses = Responses.from_arrays(
            [[3, None, 0, 1, 2, 3, 4, 0, 1, 2]], organisation="=A", about="internal"
        )
        out = io.StringIO()
        write_responses(responses, out, format="json")
        records = json.loads(out.getvalue())
        assert records == [
            {
                "organisation": "=A",
                "about": "internal",
                "respondent": "1",
                "unit": None,
                "wave": None,
                "answers": {
                    "q1": 3,
                    "q2": None,
                    "q3": 0,
                    "q4": 1,
                    "q5": 2,
                    "q6": 3,
                    "q7": 4,
                    "q8": 0,
                    "q9": 1,
                    "q10": 2,
                },
            }
        ]

    @pytest.mark.parametrize("suffix", [".csv", ".json", ".txt"])
    def test_round_trip_through_a_path(self, tmp_path: Path, suffix: str) -> None:
        """Writing the sample and reading it back gives the same responses."""
        original = read_responses(FILES / "wide.csv")
        path = tmp_path / f"out{suffix}"
        write_responses(original, path)
        assert_same(read_responses(path), original)

    def test_hostile_names_round_trip(self, tmp_path: Path) -> None:
        """Formula-like, quoted, multi-line and RTL names come back exactly."""
        names = [
            '=HYPERLINK("http://x","y")',
            "=cmd|' /C calc'!A0",
            "'=x",
            "''@y",
            "-5",
            "+1",
            "@home",
            "-",
            'He said "hi", then left',
            "\u05e9\u05dc\u05d5\u05dd e\u0301",
            "'quoted",
        ]
        responses = Responses.from_arrays(
            np.full((len(names), 10), 2.0), organisation=names, about="internal", respondent=names
        )
        for name in ("out.csv", "out.json"):
            path = tmp_path / name
            write_responses(responses, path)
            assert_same(read_responses(path), responses)
        text = (tmp_path / "out.csv").read_text(encoding="utf-8")
        assert "\n'=cmd|' /C calc'!A0," in text
        assert "\n=" not in text

    def test_binary_target_and_named_stream(self, tmp_path: Path) -> None:
        """A binary file gets UTF-8; a file object's name chooses the format."""
        responses = Responses.from_arrays([[1] * 10], organisation="Caf\u00e9", about="internal")
        binary = io.BytesIO()
        write_responses(responses, binary)
        assert "Caf\u00e9".encode() in binary.getvalue()
        with (tmp_path / "out.json").open("w", encoding="utf-8") as stream:
            write_responses(responses, stream)
        assert json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))[0]["answers"]

    def test_non_integral_scale_values(self) -> None:
        """Scores that are not whole numbers are written exactly and read back."""
        scale = Scale((ScalePoint(0, "low"), ScalePoint(0.5, "middle"), ScalePoint(1, "high")))
        instrument = Instrument(
            name="halves",
            source="test",
            questions=(
                Question(1, "a", "A?", Rung.COLLABORATION),
                Question(2, "b", "B?", Rung.PARTNERSHIP),
            ),
            scale=scale,
            collaboration_threshold=0.5,
            partnership_threshold=0.5,
        )
        responses = Responses.from_arrays(
            [[0.5, 1.0]], organisation="A", about="internal", instrument=instrument
        )
        out = io.StringIO()
        write_responses(responses, out)
        assert out.getvalue().endswith(",0.5,1\n")
        assert_same(read_responses(io.StringIO(out.getvalue()), instrument), responses)

    def test_errors(self, tmp_path: Path) -> None:
        """Bad arguments, unknown suffixes and unwritable paths are reported."""
        responses = read_responses(FILES / "wide.csv")
        with pytest.raises(ArgumentError, match="responses: expected Responses"):
            write_responses([], io.StringIO())  # type: ignore[arg-type]
        with pytest.raises(ArgumentError, match="target: expected a path or an open file"):
            write_responses(responses, 3)  # type: ignore[arg-type]
        with pytest.raises(ArgumentError, match="format: expected"):
            write_responses(responses, io.StringIO(), format="xlsx")
        with pytest.raises(ResponseFileError, match=r"out\.xlsx: cannot tell the format"):
            write_responses(responses, tmp_path / "out.xlsx")
        with pytest.raises(ResponseFileError, match=r"out\.csv: cannot be written"):
            write_responses(responses, tmp_path / "missing" / "out.csv")
        with (
            (tmp_path / "ascii.csv").open("w", encoding="ascii") as stream,
            pytest.raises(ResponseFileError, match=r"ascii\.csv: .*encoding='utf-8'"),
        ):
            write_responses(
                Responses.from_arrays([[1] * 10], organisation="\u00e9", about="X"), stream
            )


class TestCsvSafe:
    @pytest.mark.parametrize(
        ("text", "safe"),
        [
            ("=SUM(A1)", "'=SUM(A1)"),
            ("+x", "'+x"),
            ("-x", "'-x"),
            ("@home", "'@home"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("'=x", "''=x"),
            ("''+x", "'''+x"),
            ("-5", "-5"),
            ("+1.5e3", "+1.5e3"),
            ("-.5", "-.5"),
            ("'-5", "'-5"),
            ("'", "'"),
            ("'quoted", "'quoted"),
            ("", ""),
            ("Harlow DC", "Harlow DC"),
            ("a=b", "a=b"),
            ("-\u0663", "'-\u0663"),
        ],
    )
    def test_neutralise_and_restore(self, text: str, safe: str) -> None:
        """Formula-like text is escaped, numbers and plain text are not, and restore undoes it."""
        assert neutralise(text) == safe
        assert restore(safe) == text

    def test_restore_leaves_unescaped_text_alone(self) -> None:
        """Text that neutralise would not have produced is left as it is."""
        for text in ("=x", "'x", "'-5", "plain"):
            assert restore(text) == text
