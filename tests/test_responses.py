from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from jointworking import MORLEY_2016, ArgumentError
from jointworking.responses import INTERNAL, Response, Responses

FULL = [3, 3, 2, 2, 2, 3, 2, 2, 2, 2]
SCALE_POINTS = re.escape("(0, 1, 2, 3, 4)")
LABEL_COLUMNS = ("organisation", "about", "respondent", "unit", "wave")


def _record(**fields: Any) -> dict[str, Any]:
    """A valid mapping record, with `fields` overriding the defaults."""
    record: dict[str, Any] = {
        "organisation": "Harlow DC",
        "about": "internal",
        "respondent": "r1",
        "answers": {1: 3},
    }
    record.update(fields)
    return record


def _mixed() -> Responses:
    """Five respondents across organisations, partners, units, waves and missing answers."""
    rows: list[list[float | None]] = [
        [*FULL],
        [4, 3, None, 3, 2, 3, 2, 3, 2, 2],
        [math.nan] * 10,
        [0, 1, 2, 3, 4, 0, 1, 2, 3, 4],
        [None, 2, 2, 2, None, 2, 2, 2, 2, None],
    ]
    return Responses.from_arrays(
        rows,
        organisation=["Harlow DC", "Harlow DC", "Essex CC", "Essex CC", "Essex CC"],
        about=["internal", "Essex CC", "internal", "Harlow DC", "Harlow DC"],
        respondent=["a", "b", "a", "a", "a"],
        unit=["Housing", None, "", "Adults", "Adults"],
        wave=["2026-Q1", "2026-Q1", None, "2026-Q1", "2026-Q2"],
    )


def _assert_same_columns(left: Responses, right: Responses) -> None:
    """Assert equal label columns and equal answers, NaN matching NaN."""
    np.testing.assert_array_equal(left.answers, right.answers)
    for name in LABEL_COLUMNS:
        assert getattr(left, name).tolist() == getattr(right, name).tolist(), name


class TestResponse:
    @pytest.mark.parametrize(
        ("given_name", "stored"),
        [
            (" Harlow DC ", "Harlow DC"),
            ("\tHarlow DC\n", "Harlow DC"),
            ("Harlow  DC", "Harlow  DC"),
            ("Harlow DC", "Harlow DC"),
        ],
    )
    def test_names_trimmed(self, given_name: str, stored: str) -> None:
        """Organisation, about and respondent lose surrounding white space only."""
        response = Response(given_name, given_name.replace("Harlow", "Essex"), given_name, {})
        assert response.organisation == stored
        assert response.about == stored.replace("Harlow", "Essex")
        assert response.respondent == stored

    @pytest.mark.parametrize("about", ["internal", "INTERNAL", " Internal ", "iNtErNaL\t"])
    def test_internal_in_any_case_normalised(self, about: str) -> None:
        """'internal' in any case, with any surrounding space, is stored as 'internal'."""
        response = Response("Harlow DC", about, "r1", {})
        assert response.about == INTERNAL
        assert response.internal

    def test_partner_not_internal(self) -> None:
        """A named partner is kept as written and is not internal."""
        response = Response("Harlow DC", "Essex CC", "r1", {})
        assert response.about == "Essex CC"
        assert not response.internal

    @pytest.mark.parametrize("blank", [None, "", "   ", math.nan])
    def test_unit_and_wave_optional(self, blank: object) -> None:
        """A unit or wave left out, None, blank or NaN is stored as None."""
        assert Response("A", "internal", "r1", {}).unit is None
        response = Response("A", "internal", "r1", {}, unit=blank, wave=blank)
        assert (response.unit, response.wave) == (None, None)

    def test_unit_and_wave_trimmed(self) -> None:
        """A given unit and wave are trimmed."""
        response = Response("A", "internal", "r1", {}, unit=" Housing ", wave=" 2026-Q1")
        assert (response.unit, response.wave) == ("Housing", "2026-Q1")

    def test_answers_read_only_copy(self) -> None:
        """The answers are a read-only copy: assignment and the caller's dict don't change them."""
        given_answers: dict[int, float | None] = {1: 3, 2: None}
        response = Response("A", "internal", "r1", given_answers)
        given_answers[1] = 0
        assert dict(response.answers) == {1: 3, 2: None}
        with pytest.raises(TypeError):
            response.answers[1] = 4  # type: ignore[index]

    def test_answers_must_be_mapping(self) -> None:
        """Answers that are not a mapping are an ArgumentError naming the field."""
        with pytest.raises(ArgumentError, match=r"answers: expected a mapping .*got 5"):
            Response("A", "internal", "r1", 5)  # type: ignore[arg-type]

    @pytest.mark.parametrize(
        ("field", "value", "message"),
        [
            ("organisation", "  ", r"organisation: expected a name, got '  '"),
            ("organisation", 7, r"organisation: expected text, got 7"),
            ("about", "", r"about: expected a name, got ''"),
            ("respondent", None, r"respondent: expected text, got None"),
            ("unit", 3.5, r"unit: expected text or None, got 3\.5"),
        ],
    )
    def test_bad_field(self, field: str, value: object, message: str) -> None:
        """A blank or non-text name is refused with the field named."""
        fields: dict[str, Any] = {
            "organisation": "A",
            "about": "internal",
            "respondent": "r1",
            "answers": {},
        }
        fields[field] = value
        with pytest.raises(ArgumentError, match=message):
            Response(**fields)


class TestFromArrays:
    def test_default_respondents_numbered_from_one(self) -> None:
        """Without respondent ids, rows are numbered '1' to 'n' as text."""
        responses = Responses.from_arrays([FULL] * 3, organisation="A", about="internal")
        assert responses.respondent.tolist() == ["1", "2", "3"]

    def test_single_string_broadcast(self) -> None:
        """A single organisation or about string applies to every row, trimmed."""
        responses = Responses.from_arrays([FULL] * 3, organisation=" A ", about="Partner B ")
        assert responses.organisation.tolist() == ["A"] * 3
        assert responses.about.tolist() == ["Partner B"] * 3

    def test_len(self) -> None:
        """len() is the number of respondents (rows)."""
        assert len(_mixed()) == 5
        assert len(Responses.from_arrays([FULL], organisation="A", about="internal")) == 1

    def test_labels_cleaned(self) -> None:
        """Label columns are trimmed and every spelling of 'internal' normalised."""
        responses = Responses.from_arrays(
            [FULL] * 3,
            organisation=[" A", "B ", " C "],
            about=["INTERNAL", " Internal ", " D "],
            respondent=[" x ", "y", "z"],
        )
        assert responses.organisation.tolist() == ["A", "B", "C"]
        assert responses.about.tolist() == ["internal", "internal", "D"]
        assert responses.respondent.tolist() == ["x", "y", "z"]

    def test_unit_and_wave_blank_in_columns_none_in_response(self) -> None:
        """Missing unit and wave are '' in the columns and None in each Response."""
        responses = Responses.from_arrays([FULL] * 2, organisation="A", about="internal")
        assert responses.unit.tolist() == ["", ""]
        assert responses.wave.tolist() == ["", ""]
        assert [(r.unit, r.wave) for r in responses] == [(None, None), (None, None)]

    def test_unit_and_wave_given(self) -> None:
        """Given units and waves are kept per row; None and NaN among them become ''."""
        responses = Responses.from_arrays(
            [FULL] * 3,
            organisation="A",
            about="internal",
            unit=np.array([" Housing ", None, math.nan], dtype=object),
            wave="2026-Q1",
        )
        assert responses.unit.tolist() == ["Housing", "", ""]
        assert responses.wave.tolist() == ["2026-Q1"] * 3
        assert responses[0].unit == "Housing"
        assert responses[1].unit is None

    def test_missing_answers_are_nan(self) -> None:
        """None and NaN answers are NaN in the matrix, never 0."""
        responses = Responses.from_arrays(
            [[None, math.nan, 0, 1, 2, 3, 4, None, None, None]], organisation="A", about="internal"
        )
        row = responses.answers[0]
        assert np.isnan(row[[0, 1, 7, 8, 9]]).all()
        assert row[2:7].tolist() == [0.0, 1.0, 2.0, 3.0, 4.0]
        assert responses.answers.dtype == np.float64

    def test_answers_read_only(self) -> None:
        """The answer matrix is read-only: its flag is off and assignment raises ValueError."""
        responses = _mixed()
        assert not responses.answers.flags.writeable
        with pytest.raises(ValueError, match="read-only"):
            responses.answers[0, 0] = 0

    @pytest.mark.parametrize("name", LABEL_COLUMNS)
    def test_label_columns_read_only(self, name: str) -> None:
        """Every label column is read-only too."""
        column = getattr(_mixed(), name)
        assert not column.flags.writeable
        with pytest.raises(ValueError, match="read-only"):
            column[0] = "changed"

    def test_input_copied(self) -> None:
        """Changing the caller's matrix afterwards does not change the responses."""
        matrix = np.array([FULL], dtype=np.float64)
        responses = Responses.from_arrays(matrix, organisation="A", about="internal")
        matrix[0, 0] = 0
        assert responses.answers[0, 0] == 3

    def test_integer_array_accepted(self) -> None:
        """An integer numpy matrix is read as scores."""
        responses = Responses.from_arrays(
            np.array([FULL], dtype=np.int64), organisation="A", about="internal"
        )
        assert responses.answers.tolist() == [[float(s) for s in FULL]]

    def test_waves_and_organisations(self) -> None:
        """waves and organisations are the distinct values in text order, '' for no wave."""
        responses = _mixed()
        assert responses.waves == ("", "2026-Q1", "2026-Q2")
        assert responses.organisations == ("Essex CC", "Harlow DC")

    def test_getitem_and_iteration(self) -> None:
        """Indexing and iteration give each row as a Response, missing answers as None."""
        responses = _mixed()
        second = responses[1]
        assert second == Response(
            "Harlow DC",
            "Essex CC",
            "b",
            {1: 4.0, 2: 3.0, 3: None, 4: 3.0, 5: 2.0, 6: 3.0, 7: 2.0, 8: 3.0, 9: 2.0, 10: 2.0},
            wave="2026-Q1",
        )
        assert list(responses) == [responses[i] for i in range(5)]

    def test_instrument_default(self) -> None:
        """Responses use the article's instrument unless told otherwise."""
        assert _mixed().instrument is MORLEY_2016

    def test_repr(self) -> None:
        """The repr counts respondents and organisation/about groups."""
        assert repr(_mixed()) == (
            "<Responses: 5 respondents, 4 organisation/about groups, instrument 'morley-2016'>"
        )

    @given(st.data())
    def test_permuting_rows_permutes_columns(self, data: st.DataObject) -> None:
        """Row i of the collection built from permuted rows is row perm[i] of the original."""
        n = data.draw(st.integers(1, 8), label="n")
        score = st.one_of(st.none(), st.sampled_from([0, 1, 2, 3, 4]))
        matrix = data.draw(
            st.lists(st.lists(score, min_size=10, max_size=10), min_size=n, max_size=n)
        )
        organisations = data.draw(st.lists(st.sampled_from(["A", "B"]), min_size=n, max_size=n))
        abouts = data.draw(st.lists(st.sampled_from(["internal", "C"]), min_size=n, max_size=n))
        waves = data.draw(st.lists(st.sampled_from([None, "w1", "w2"]), min_size=n, max_size=n))
        ids = [f"r{i}" for i in range(n)]
        perm = data.draw(st.permutations(range(n)), label="perm")

        original = Responses.from_arrays(
            matrix, organisation=organisations, about=abouts, respondent=ids, wave=waves
        )
        permuted = Responses.from_arrays(
            [matrix[j] for j in perm],
            organisation=[organisations[j] for j in perm],
            about=[abouts[j] for j in perm],
            respondent=[ids[j] for j in perm],
            wave=[waves[j] for j in perm],
        )
        np.testing.assert_array_equal(permuted.answers, original.answers[list(perm)])
        for name in LABEL_COLUMNS:
            assert getattr(permuted, name).tolist() == getattr(original, name)[list(perm)].tolist()
        assert [permuted[i] for i in range(n)] == [original[j] for j in perm]


class TestFromRecords:
    def test_round_trip(self) -> None:
        """to_records() fed back to from_records gives equal columns and answers."""
        responses = _mixed()
        _assert_same_columns(Responses.from_records(responses.to_records()), responses)

    def test_iteration_matches_to_records(self) -> None:
        """Iteration and to_records() give the same Responses in row order."""
        responses = _mixed()
        assert list(responses) == responses.to_records()
        assert [r.respondent for r in responses] == ["a", "b", "a", "a", "a"]

    def test_round_trip_through_mappings(self) -> None:
        """Records as plain mappings of the Response fields round-trip too."""
        responses = _mixed()
        mappings = [
            {
                "organisation": r.organisation,
                "about": r.about,
                "respondent": r.respondent,
                "answers": dict(r.answers),
                "unit": r.unit,
                "wave": r.wave,
            }
            for r in responses
        ]
        _assert_same_columns(Responses.from_records(mappings), responses)

    def test_answer_matrix(self) -> None:
        """None and questions left out are NaN; scores land in question order."""
        responses = Responses.from_records(
            [
                Response("A", "internal", "1", {10: 4, 1: 0, 2: None, 3: None}),
                _record(organisation="B", answers={"q5": 2, "shared_objectives": 1}),
            ]
        )
        first, second = responses.answers.tolist()
        assert first[0] == 0
        assert first[9] == 4
        assert all(math.isnan(s) for s in first[1:9])
        assert second[0] == 1
        assert second[4] == 2
        assert sum(not math.isnan(s) for s in second) == 2

    def test_numpy_scores_accepted(self) -> None:
        """numpy integers and floats are scores like Python numbers."""
        responses = Responses.from_records([_record(answers={1: np.int64(2), 2: np.float64(3)})])
        assert responses.answers[0, :2].tolist() == [2.0, 3.0]

    def test_mixed_record_kinds(self) -> None:
        """Response objects and mappings can be mixed, and keep their order."""
        responses = Responses.from_records(
            [Response("A", "internal", "1", {}), _record(respondent="2")]
        )
        assert responses.organisation.tolist() == ["A", "Harlow DC"]
        assert responses.respondent.tolist() == ["1", "2"]

    def test_any_iterable(self) -> None:
        """Records may come from a generator."""
        responses = Responses.from_records(_record(respondent=str(i)) for i in range(3))
        assert len(responses) == 3

    @given(
        st.sets(st.integers(1, 10), min_size=1),
        st.dictionaries(st.integers(1, 10), st.sampled_from([0, 1, 2, 3, 4, None])),
    )
    def test_dont_know_never_zero(self, unknown: set[int], others: dict[int, float | None]) -> None:
        """A question answered None ("don't know") is NaN in the matrix, never 0."""
        answers: dict[int, float | None] = {**others, **dict.fromkeys(unknown)}
        responses = Responses.from_records([_record(answers=answers)])
        row = responses.answers[0]
        for number in unknown:
            assert math.isnan(row[number - 1])
            assert row[number - 1] != 0
        assert all(responses[0].answers[number] is None for number in unknown)


class TestFromFrame:
    @pytest.fixture
    def pd(self) -> Any:
        """pandas, or skip the test where it is not installed."""
        return pytest.importorskip("pandas")

    def test_case_insensitive_headers(self, pd: Any) -> None:
        """Headers match in any case, and questions by 'qN' or by key."""
        frame: Any = pd.DataFrame(
            {
                "Organisation": ["Harlow DC", "Essex CC"],
                "ABOUT": ["Internal", "Harlow DC"],
                " Respondent ": ["r1", "r2"],
                "Q1": [3, 4],
                "shared_accountability": [2, None],
                "WAVE": ["2026-Q1", None],
            }
        )
        responses = Responses.from_frame(frame)
        assert responses.organisation.tolist() == ["Harlow DC", "Essex CC"]
        assert responses.about.tolist() == ["internal", "Harlow DC"]
        assert responses.respondent.tolist() == ["r1", "r2"]
        assert responses.wave.tolist() == ["2026-Q1", ""]
        assert responses.unit.tolist() == ["", ""]
        assert responses.answers[:, 0].tolist() == [3.0, 4.0]
        assert responses.answers[0, 2] == 2
        assert math.isnan(responses.answers[1, 2])
        assert np.isnan(responses.answers[:, [1, *range(3, 10)]]).all()

    @pytest.mark.parametrize(
        ("answer", "score"),
        [
            ("Clear evidence", 3.0),
            ("clear", 3.0),
            ("NO EVIDENCE", 0.0),
            ("4", 4.0),
            (1, 1.0),
            ("Don't know", None),
            ("dont know", None),
            ("", None),
            (None, None),
        ],
    )
    def test_labels_parsed(self, pd: Any, answer: object, score: float | None) -> None:
        """Scale labels, aliases and digits read as scores; "don't know" and blank as missing."""
        frame: Any = pd.DataFrame(
            {"organisation": ["A", "B"], "about": ["internal", "internal"], "q1": [answer, "2"]}
        )
        value = float(Responses.from_frame(frame).answers[0, 0])
        if score is None:
            assert math.isnan(value)
        else:
            assert value == score

    def test_pandas_missing_markers(self, pd: Any) -> None:
        """pd.NA in nullable columns is missing, for answers and for optional labels."""
        frame: Any = pd.DataFrame(
            {
                "organisation": ["A", "B"],
                "about": ["internal", "internal"],
                "q1": pd.array([3, None], dtype="Int64"),
                "unit": pd.array(["Housing", None], dtype="string"),
            }
        )
        responses = Responses.from_frame(frame)
        assert responses.answers[0, 0] == 3
        assert math.isnan(responses.answers[1, 0])
        assert responses.unit.tolist() == ["Housing", ""]

    def test_default_respondents(self, pd: Any) -> None:
        """Without a respondent column, rows are numbered from '1'."""
        frame: Any = pd.DataFrame({"organisation": ["A", "A"], "about": ["internal"] * 2})
        assert Responses.from_frame(frame).respondent.tolist() == ["1", "2"]

    def test_unknown_column(self, pd: Any) -> None:
        """A column that is neither a label nor a question, like q11, is refused by name."""
        frame: Any = pd.DataFrame({"organisation": ["A"], "about": ["internal"], "q11": [3]})
        with pytest.raises(ArgumentError, match=r"frame: column 'q11': no question 'q11'"):
            Responses.from_frame(frame)

    @pytest.mark.parametrize("missing", ["organisation", "about"])
    def test_missing_required_column(self, pd: Any, missing: str) -> None:
        """A frame without an organisation or about column is refused, naming it."""
        columns = {"organisation": ["A"], "about": ["internal"], "q1": [3]}
        del columns[missing]
        with pytest.raises(ArgumentError, match=f"frame: missing column '{missing}'"):
            Responses.from_frame(pd.DataFrame(columns))

    def test_question_in_two_columns(self, pd: Any) -> None:
        """A question given both as qN and by its key is refused."""
        frame: Any = pd.DataFrame(
            {"organisation": ["A"], "about": ["internal"], "q1": [3], "shared_objectives": [2]}
        )
        with pytest.raises(ArgumentError, match=r"question .* appears in two columns"):
            Responses.from_frame(frame)

    @pytest.mark.parametrize(
        ("header", "first", "second"),
        [
            (["organisation", "about", "Q1", "q1"], "Q1", "q1"),
            (["Organisation", "about", "organisation ", "q2"], "Organisation", "organisation "),
        ],
    )
    def test_headers_differing_only_in_case(
        self, pd: Any, header: list[str], first: str, second: str
    ) -> None:
        """Two headers equal but for case or space are refused, not one silently dropped."""
        frame: Any = pd.DataFrame([["A", "internal", "3", "0"]], columns=header)
        with pytest.raises(ArgumentError, match=f"columns '{first}' and '{second}' have the same"):
            Responses.from_frame(frame)

    def test_bad_answer_names_row_and_column(self, pd: Any) -> None:
        """An answer off the scale names the row, counting from 1, and the column."""
        frame: Any = pd.DataFrame(
            {"organisation": ["A", "B"], "about": ["internal", "internal"], "Q2": [3, "very"]}
        )
        with pytest.raises(
            ArgumentError, match=r"frame: row 2, column 'Q2': expected one of the scale's points"
        ):
            Responses.from_frame(frame)

    def test_label_problem_reported(self, pd: Any) -> None:
        """A blank organisation in a frame is refused like in from_arrays."""
        frame: Any = pd.DataFrame({"organisation": ["A", None], "about": ["internal"] * 2})
        with pytest.raises(ArgumentError, match=r"organisation \(row 2\): expected text, got None"):
            Responses.from_frame(frame)


def _arrays(**overrides: Any) -> Responses:
    """Call from_arrays with two valid rows, `overrides` replacing arguments."""
    arguments: dict[str, Any] = {
        "answers": [FULL, FULL],
        "organisation": "A",
        "about": "internal",
    }
    arguments.update(overrides)
    answers = arguments.pop("answers")
    return Responses.from_arrays(answers, **arguments)


class TestValidation:
    def test_argument_error_is_value_error(self) -> None:
        """ArgumentError can be caught as ValueError."""
        with pytest.raises(ValueError, match="at least one"):
            Responses.from_records([])

    @pytest.mark.parametrize(
        ("score", "shown"), [(5, "5.0"), (-1, "-1.0"), (2.5, "2.5"), (math.inf, "inf")]
    )
    def test_score_off_scale(self, score: float, shown: str) -> None:
        """A score that is not a point of the scale names the row, question and the scale."""
        row: list[float] = [*FULL]
        row[2] = score
        with pytest.raises(
            ArgumentError,
            match=rf"answers: row 2, question 3: expected a point of the scale {SCALE_POINTS}"
            rf" or missing, got {shown}",
        ):
            _arrays(answers=[FULL, row])

    @pytest.mark.parametrize("score", [5, -1, 2.5, math.inf, -math.inf])
    def test_score_off_scale_in_records(self, score: float) -> None:
        """In records, an off-scale score names the row, which is the record's number."""
        records = [_record(respondent="1"), _record(respondent="2", answers={4: score})]
        with pytest.raises(ArgumentError, match=r"answers: row 2, question 4: expected a point"):
            Responses.from_records(records)

    @pytest.mark.parametrize("value", [True, False])
    def test_bool_answer_in_records(self, value: bool) -> None:
        """A bool answer is not a score, though Python counts True as 1."""
        with pytest.raises(
            ArgumentError,
            match=rf"record 1: answers: question 2: expected a number or None, got {value}",
        ):
            Responses.from_records([_record(answers={2: value})])

    @pytest.mark.parametrize("value", [True, np.True_, False])
    def test_bool_answer_in_arrays(self, value: object) -> None:
        """A bool in the answer matrix is refused, not read as 1 or 0, naming where it is."""
        row: list[object] = [*FULL]
        row[4] = value
        with pytest.raises(
            ArgumentError,
            match=rf"expected a matrix of numbers.*got {value!r} at answers\[1\]\[4\]",
        ):
            _arrays(answers=[FULL, row])

    def test_bool_matrix(self) -> None:
        """A boolean numpy matrix is refused."""
        with pytest.raises(ArgumentError, match=r"got (np\.)?True_? at answers\[0\]\[0\]"):
            _arrays(answers=np.ones((2, 10), dtype=bool))

    @pytest.mark.parametrize("value", ["3", "Clear evidence", ""])
    def test_string_answer_in_records(self, value: str) -> None:
        """Records take numbers, not text, even text that reads as a score."""
        with pytest.raises(
            ArgumentError,
            match=rf"record 1: answers: question 1: expected a number or None, got '{value}'",
        ):
            Responses.from_records([_record(answers={1: value})])

    def test_string_answer_in_arrays(self) -> None:
        """The answer matrix takes numbers, not text that reads as one."""
        row: list[object] = [*FULL]
        row[0] = "3"
        with pytest.raises(ArgumentError, match=r"got '3' at answers\[0\]\[0\]"):
            _arrays(answers=[row, FULL])

    @pytest.mark.parametrize("ref", [11, 0, "q11", "trust", 1.0])
    def test_unknown_question(self, ref: object) -> None:
        """An answer to a question the instrument lacks names the record and valid numbers."""
        with pytest.raises(
            ArgumentError,
            match=rf"record 1: answers: no question {re.escape(repr(ref))} in instrument"
            rf" 'morley-2016'; expected a number \(1, 2, .*, 10\) or a question key",
        ):
            Responses.from_records([_record(answers={ref: 3})])

    def test_question_answered_twice(self) -> None:
        """A question answered under its number and its key is refused, naming both."""
        with pytest.raises(
            ArgumentError,
            match=r"record 1: answers: question 1 is answered twice"
            r" \(as 1 and 'shared_objectives'\)",
        ):
            Responses.from_records([_record(answers={1: 3, "shared_objectives": 4})])

    @pytest.mark.parametrize("width", [9, 11])
    def test_wrong_number_of_columns(self, width: int) -> None:
        """A matrix without one column per question is refused, saying how many."""
        with pytest.raises(
            ArgumentError, match=rf"answers: expected 10 columns, one per question, got {width}"
        ):
            _arrays(answers=[[3] * width] * 2)

    @pytest.mark.parametrize(
        ("answers", "shape"),
        [(FULL, "(10,)"), ([[FULL]], "(1, 1, 10)"), (3, "()")],
    )
    def test_not_two_dimensional(self, answers: object, shape: str) -> None:
        """A 1-D, 3-D or scalar answer array is refused, giving its shape."""
        with pytest.raises(
            ArgumentError, match=rf"expected a 2-D matrix .* got shape {re.escape(shape)}"
        ):
            _arrays(answers=answers)

    def test_ragged_rows(self) -> None:
        """Rows of different lengths are not a matrix."""
        with pytest.raises(ArgumentError, match="expected a matrix of numbers"):
            _arrays(answers=[FULL, FULL[:9]])

    def test_zero_rows(self) -> None:
        """An answer matrix with no rows is refused."""
        with pytest.raises(ArgumentError, match="answers: expected at least one respondent"):
            _arrays(answers=np.empty((0, 10)))

    def test_zero_records(self) -> None:
        """No records at all is refused."""
        with pytest.raises(ArgumentError, match="records: expected at least one response"):
            Responses.from_records([])

    @pytest.mark.parametrize("name", ["organisation", "about", "respondent", "unit", "wave"])
    def test_label_column_wrong_length(self, name: str) -> None:
        """A label column without one label per row is refused, naming it and the count."""
        with pytest.raises(
            ArgumentError,
            match=rf"{name}: expected one label per respondent \(2\), got shape \(3,\)",
        ):
            _arrays(**{name: ["x", "y", "z"]})

    def test_required_label_none(self) -> None:
        """organisation=None is refused rather than broadcast."""
        with pytest.raises(ArgumentError, match="organisation: expected 2 labels, got None"):
            _arrays(organisation=None)

    @pytest.mark.parametrize(
        ("name", "values"),
        [
            ("organisation", ["A", "  "]),
            ("about", ["internal", ""]),
            ("respondent", ["r1", "\t"]),
        ],
    )
    def test_blank_name_in_arrays(self, name: str, values: list[str]) -> None:
        """A blank organisation, about or respondent names the column and row index."""
        with pytest.raises(
            ArgumentError,
            match=rf"{name} \(row 2\): expected a name, got {re.escape(repr(values[1]))}",
        ):
            _arrays(**{name: values})

    @pytest.mark.parametrize("name", ["organisation", "about", "respondent"])
    def test_blank_name_in_records(self, name: str) -> None:
        """A blank name in a mapping record names the record and the field."""
        records = [_record(), _record(**{"respondent": "r2", name: " "})]
        with pytest.raises(ArgumentError, match=rf"record 2: {name}: expected a name, got ' '"):
            Responses.from_records(records)

    @pytest.mark.parametrize("value", [7, None, math.nan, b"A"])
    def test_non_text_organisation(self, value: object) -> None:
        """An organisation that is not text is refused, showing the value."""
        with pytest.raises(
            ArgumentError,
            match=rf"organisation \(row 1\): expected text, got {re.escape(repr(value))}",
        ):
            _arrays(organisation=[value, "A"])

    def test_organisation_about_itself_after_trimming(self) -> None:
        """An organisation about itself, once names are trimmed, is refused naming the row."""
        with pytest.raises(
            ArgumentError,
            match=r"about: row 2: 'Harlow DC' is about itself; use 'internal'",
        ):
            _arrays(organisation=["Harlow DC", " Harlow DC "], about=["internal", "Harlow DC  "])

    def test_organisation_about_itself_in_records(self) -> None:
        """The self-reference check applies to records too."""
        with pytest.raises(ArgumentError, match=r"about: row 1: 'A' is about itself"):
            Responses.from_records([Response("A", " A", "r1", {})])

    @pytest.mark.parametrize(
        ("organisation", "about"),
        [(["A", "a"], ["a", "A"]), (["Ashford Council", "Ashford  council"], "internal")],
    )
    def test_names_differing_only_in_case_or_spacing(
        self, organisation: list[str], about: str | list[str]
    ) -> None:
        """Names that differ only in case or spacing are refused as a likely typing slip."""
        with pytest.raises(ArgumentError, match="differ only in case, spacing or the form"):
            _arrays(organisation=organisation, about=about)

    def test_duplicate_respondent(self) -> None:
        """One respondent twice in one organisation, about and wave names both rows."""
        with pytest.raises(
            ArgumentError,
            match=r"respondent: 'r1' answers twice for 'A' about 'internal' \(rows 1 and 3\)",
        ):
            _arrays(answers=[FULL] * 3, respondent=["r1", "r2", " r1"])

    def test_duplicate_respondent_names_wave(self) -> None:
        """Where there is a wave, the duplicate message names it."""
        with pytest.raises(
            ArgumentError,
            match=r"'r1' answers twice for 'A' about 'B', wave 'w1' \(rows 2 and 3\)",
        ):
            _arrays(answers=[FULL] * 3, about="B", respondent=["r1"] * 3, wave=["w2", "w1", "w1"])

    def test_duplicate_respondent_in_records(self) -> None:
        """The duplicate check applies to records, naming both record rows."""
        with pytest.raises(ArgumentError, match=r"rows 1 and 2"):
            Responses.from_records([_record(), _record()])

    @pytest.mark.parametrize(
        ("name", "values"),
        [
            ("wave", ["2026-Q1", "2026-Q2"]),
            ("about", ["internal", "B"]),
            ("organisation", ["A", "C"]),
        ],
    )
    def test_same_respondent_elsewhere_allowed(self, name: str, values: list[str]) -> None:
        """The same respondent id in another wave, about another partner, or elsewhere is fine."""
        responses = _arrays(respondent=["r1", "r1"], **{name: values})
        assert responses.respondent.tolist() == ["r1", "r1"]

    @pytest.mark.parametrize("record", ["A", 3, None, [("organisation", "A")]])
    def test_record_neither_response_nor_mapping(self, record: object) -> None:
        """A record that is neither a Response nor a mapping names the record and the kinds."""
        with pytest.raises(ArgumentError, match="record 2: expected a Response or a mapping"):
            Responses.from_records([_record(), record])  # type: ignore[list-item]

    def test_unknown_field(self) -> None:
        """A mapping record with an unknown field names the record, the field and the fields."""
        with pytest.raises(
            ArgumentError,
            match=r"record 1: unknown field 'colour'; expected organisation, about,"
            r" respondent, answers, unit, wave",
        ):
            Responses.from_records([_record(colour="red")])

    def test_missing_field(self) -> None:
        """A mapping record without a required field names the record and the field."""
        record = _record()
        del record["respondent"]
        with pytest.raises(ArgumentError, match=r"record 1: missing field 'respondent'"):
            Responses.from_records([record])

    def test_answers_not_mapping_in_records(self) -> None:
        """Answers that are not a mapping name the record."""
        with pytest.raises(ArgumentError, match=r"record 1: answers: expected a mapping"):
            Responses.from_records([_record(answers=[3, 3])])

    def test_non_text_organisation_in_records(self) -> None:
        """A non-text organisation in a mapping record names the record and the field."""
        with pytest.raises(ArgumentError, match=r"record 1: organisation: expected text, got 1"):
            Responses.from_records([_record(organisation=1)])

    def test_validation_on_every_mapping_answer(self) -> None:
        """Every answer in a record is checked, not only the first."""
        answers: Mapping[Any, object] = {1: 3, 2: 4, 3: "x"}
        with pytest.raises(ArgumentError, match="question 3: expected a number or None"):
            Responses.from_records([_record(answers=answers)])


class TestNumericLabels:
    def test_whole_numbers_become_text(self) -> None:
        """Respondent ids, units and waves exported as whole numbers read as text."""
        responses = Responses.from_arrays(
            [FULL, FULL],
            organisation="A",
            about="internal",
            respondent=[101, 102.0],
            wave=[2026, 2026],
            unit=[7, None],
        )
        assert responses.respondent.tolist() == ["101", "102"]
        assert responses.wave.tolist() == ["2026", "2026"]
        assert responses.unit.tolist() == ["7", ""]

    @pytest.mark.parametrize("name", ["internal", " Internal "])
    def test_internal_is_not_an_organisation(self, name: str) -> None:
        """'internal' is reserved and cannot name an organisation."""
        with pytest.raises(ArgumentError, match="'internal' is reserved"):
            Responses.from_arrays([FULL], organisation=name, about="internal")
