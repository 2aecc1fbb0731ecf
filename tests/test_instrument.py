from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

import pytest

from jointworking import (
    DEFAULT_SCALE,
    MORLEY_2016,
    ArgumentError,
    Instrument,
    InstrumentError,
    Question,
    Rung,
    Scale,
    ScalePoint,
    load_instrument,
)

DATA = Path(__file__).parent / "data"


def _article_questions() -> dict[int, str]:
    """The ten questions as printed in the article (tests/data, cited there)."""
    lines = (DATA / "morley_2016_questions.txt").read_text(encoding="utf-8").splitlines()
    found = (re.fullmatch(r"(\d+)\. (.+)", line) for line in lines if not line.startswith("#"))
    return {int(m.group(1)): m.group(2) for m in found if m}


class TestMorley2016:
    def test_ten_questions_verbatim(self) -> None:
        """Each question's text is the article's wording, character for character."""
        article = _article_questions()
        assert len(article) == 10
        assert {q.number: q.text for q in MORLEY_2016.questions} == article

    # Keys and rungs from the domain model's table of the ten questions.
    @pytest.mark.parametrize(
        ("number", "key", "rung"),
        [
            (1, "shared_objectives", Rung.COLLABORATION),
            (2, "aligned_priorities", Rung.COLLABORATION),
            (3, "shared_accountability", Rung.PARTNERSHIP),
            (4, "risk_and_innovation", Rung.PARTNERSHIP),
            (5, "shared_risk_and_reward", Rung.PARTNERSHIP),
            (6, "information_sharing", Rung.COLLABORATION),
            (7, "shared_resources", Rung.PARTNERSHIP),
            (8, "consistent_leadership_and_culture", Rung.PARTNERSHIP),
            (9, "consistent_capabilities", Rung.PARTNERSHIP),
            (10, "shared_ambition", Rung.PARTNERSHIP),
        ],
    )
    def test_keys_and_rungs(self, number: int, key: str, rung: Rung) -> None:
        """Every question has its stable key and evidences its rung."""
        question = MORLEY_2016.question(number)
        assert (question.key, question.rung) == (key, rung)

    def test_defaults(self) -> None:
        """The default instrument uses the 0-4 evidence scale, met at 3 for both rungs."""
        assert MORLEY_2016.scale == DEFAULT_SCALE
        assert DEFAULT_SCALE.values == (0.0, 1.0, 2.0, 3.0, 4.0)
        assert MORLEY_2016.threshold(Rung.COLLABORATION) == 3.0
        assert MORLEY_2016.threshold(Rung.PARTNERSHIP) == 3.0

    def test_threshold_of_transaction_is_an_error(self) -> None:
        """No question evidences transaction, so it has no threshold."""
        with pytest.raises(ArgumentError, match="rung: no question evidences transaction"):
            MORLEY_2016.threshold(Rung.TRANSACTION)

    @pytest.mark.parametrize("ref", [3, "q3", "Q3", "3", "shared_accountability", " Q3 "])
    def test_question_lookup(self, ref: int | str) -> None:
        """A question is found by number, ``qN`` or key."""
        assert MORLEY_2016.question(ref).number == 3

    @pytest.mark.parametrize("ref", [0, 11, "q11", "shared", True])
    def test_unknown_question(self, ref: Any) -> None:
        """An unknown question is an error listing the valid numbers."""
        with pytest.raises(ArgumentError, match=r"question: no question .* \(1, 2, 3,"):
            MORLEY_2016.question(ref)

    def test_round_trip_through_dict(self) -> None:
        """to_dict and from_dict are inverses."""
        data = json.loads(json.dumps(MORLEY_2016.to_dict()))
        assert Instrument.from_dict(data) == MORLEY_2016

    def test_hashable(self) -> None:
        """Instruments are frozen and hashable, so they can key caches."""
        assert hash(MORLEY_2016) == hash(Instrument.from_dict(MORLEY_2016.to_dict()))


class TestScaleParse:
    @pytest.mark.parametrize(
        ("answer", "expected"),
        [
            ("3", 3.0),
            ("3.0", 3.0),
            (" 4 ", 4.0),
            (0, 0.0),
            (2.0, 2.0),
            ("Clear evidence", 3.0),
            ("CLEAR EVIDENCE", 3.0),
            ("clear", 3.0),
            ("  strong   evidence ", 4.0),
            ("No evidence", 0.0),
            ("little", 1.0),
            ("Some Evidence", 2.0),
        ],
    )
    def test_scores(self, answer: str | float, expected: float) -> None:
        """Numbers, labels and short labels parse, in any case and spacing."""
        assert DEFAULT_SCALE.parse(answer) == expected

    @pytest.mark.parametrize(
        "answer",
        [
            "",
            "   ",
            "don't know",
            "Don\u2019t know",
            "DONT KNOW",
            "dk",
            "n/a",
            "None",
            "null",
            None,
        ],
    )
    def test_missing(self, answer: str | float | None) -> None:
        """Blank and "don't know" (any apostrophe or case) are missing, not zero."""
        assert DEFAULT_SCALE.parse(answer) is None

    @pytest.mark.parametrize(
        "answer", ["5", "-1", "2.5", 2.5, "very clear", "nan", "inf", True, math.nan]
    )
    def test_rejects_off_scale(self, answer: Any) -> None:
        """Values off the scale or unreadable are errors that list what is accepted."""
        with pytest.raises(ArgumentError, match=r"line 4, q3: expected one of the scale's points"):
            DEFAULT_SCALE.parse(answer, argument="line 4, q3")


class TestScale:
    def test_custom_scale(self) -> None:
        """A 1-5 agreement scale reads its own labels and reports its ends."""
        scale = Scale(
            [ScalePoint(v, label) for v, label in enumerate(["a", "b", "c", "d", "e"], start=1)]
        )
        assert (scale.low, scale.high, scale.parse("E"), scale.label(2)) == (1.0, 5.0, 5.0, "b")

    @pytest.mark.parametrize(
        ("points", "message"),
        [
            ([ScalePoint(0, "only")], "at least two points"),
            ([ScalePoint(1, "a"), ScalePoint(0, "b")], r"points\[1\]\.value: expected finite"),
            ([ScalePoint(0, "a"), ScalePoint(1, "A")], r"label 'A' is used twice"),
            ([ScalePoint(0, "a"), ScalePoint(1, "Don't know")], "also a missing-answer word"),
            ([ScalePoint(0, "a"), ScalePoint(1, "2")], "reads as a number"),
            ([ScalePoint(0, "a"), ScalePoint(math.inf, "b")], "expected finite"),
        ],
    )
    def test_invalid(self, points: list[ScalePoint], message: str) -> None:
        """Inconsistent scales are refused with the point at fault named."""
        with pytest.raises(InstrumentError, match=message):
            Scale(points)

    def test_label_of_unknown_value(self) -> None:
        """Asking the label of a value that is not a point is an error."""
        with pytest.raises(ArgumentError, match=r"value: 2\.5 is not a point"):
            DEFAULT_SCALE.label(2.5)


def _questions(*rungs: Rung) -> list[Question]:
    return [Question(i, f"item_{i}", f"Question {i}?", r) for i, r in enumerate(rungs, 1)]


class TestInstrument:
    def test_questions_sorted_by_number(self) -> None:
        """Question order is ascending number, whatever order they were given in."""
        qs = _questions(Rung.COLLABORATION, Rung.PARTNERSHIP, Rung.PARTNERSHIP)
        instrument = Instrument("x", "src", list(reversed(qs)))
        assert instrument.numbers == (1, 2, 3)

    @pytest.mark.parametrize(
        ("kwargs", "message"),
        [
            ({"questions": []}, "expected at least one question"),
            (
                {"questions": _questions(Rung.COLLABORATION, Rung.COLLABORATION)},
                "at least one question evidencing partnership",
            ),
            (
                {
                    "questions": [
                        Question(1, "a", "A?", Rung.COLLABORATION),
                        Question(1, "b", "B?", Rung.PARTNERSHIP),
                    ]
                },
                "duplicate number 1",
            ),
            (
                {
                    "questions": [
                        Question(1, "a", "A?", Rung.COLLABORATION),
                        Question(2, "a", "B?", Rung.PARTNERSHIP),
                    ]
                },
                "duplicate key 'a'",
            ),
            ({"collaboration_threshold": 5}, r"collaboration_threshold: expected a number on"),
            ({"partnership_threshold": -0.5}, r"partnership_threshold: .* from 0 to 4"),
            ({"partnership_threshold": math.nan}, r"partnership_threshold"),
            ({"name": " "}, "name: expected non-empty text"),
        ],
    )
    def test_invalid(self, kwargs: dict[str, Any], message: str) -> None:
        """Invalid instruments are refused with the field at fault named."""
        fields: dict[str, Any] = {
            "name": "x",
            "source": "src",
            "questions": _questions(Rung.COLLABORATION, Rung.PARTNERSHIP),
        } | kwargs
        with pytest.raises(InstrumentError, match=message):
            Instrument(**fields)

    @pytest.mark.parametrize(
        ("number", "key", "text", "rung", "message"),
        [
            (0, "a", "A?", Rung.PARTNERSHIP, "number: expected a positive whole number"),
            (1, "Bad Key", "A?", Rung.PARTNERSHIP, "key: expected lower case"),
            (1, "q3", "A?", Rung.PARTNERSHIP, "'q3' is reserved"),
            (1, "unit", "A?", Rung.PARTNERSHIP, "'unit' is reserved"),
            (1, "a", "  ", Rung.PARTNERSHIP, "text: expected the question's wording"),
            (1, "a", "A?", Rung.TRANSACTION, "rung: expected 'collaboration' or 'partnership'"),
        ],
    )
    def test_invalid_question(
        self, number: int, key: str, text: str, rung: Rung, message: str
    ) -> None:
        """Invalid questions are refused with the field at fault named."""
        with pytest.raises(InstrumentError, match=message):
            Question(number, key, text, rung)

    def test_is_value_error(self) -> None:
        """Instrument errors are also ValueErrors and JointWorkingErrors."""
        assert issubclass(InstrumentError, ValueError)


_TOML = """
name = "short"
source = "Our own questions, 2026"

[ladder]
threshold = 4

[scale]
points = [
    { value = 1, label = "Never", aliases = ["no"] },
    { value = 3, label = "Sometimes" },
    { value = 5, label = "Always" },
]

[[questions]]
number = 2
key = "shared_risk"
text = "Do we share risks?"
rung = "Partnership"

[[questions]]
number = 1
key = "shared_objectives"
text = "Do we share objectives?"
rung = "collaboration"
"""


class TestLoadInstrument:
    def test_toml(self, tmp_path: Path) -> None:
        """A TOML file gives the instrument it describes."""
        file = tmp_path / "short.toml"
        file.write_text(_TOML, encoding="utf-8")
        instrument = load_instrument(file)
        assert instrument.numbers == (1, 2)
        assert instrument.question(2).rung is Rung.PARTNERSHIP
        assert instrument.threshold(Rung.COLLABORATION) == 4.0
        assert instrument.scale.parse("no") == 1.0
        assert instrument.scale.values == (1.0, 3.0, 5.0)

    def test_json_round_trip(self, tmp_path: Path) -> None:
        """A JSON file written from to_dict (with a BOM) loads back equal."""
        file = tmp_path / "morley.json"
        file.write_text(json.dumps(MORLEY_2016.to_dict()), encoding="utf-8-sig")
        assert load_instrument(file) == MORLEY_2016

    @pytest.mark.parametrize(
        ("edit", "message"),
        [
            (lambda d: d["questions"][2].update(rung="synergy"), r"questions\[2\]\.rung: expected"),
            (lambda d: d["questions"][3].update(number=3), "duplicate number 3"),
            (lambda d: d.update(questions=[]), "expected at least one question"),
            (lambda d: d["ladder"].update(partnership=4.5), "partnership_threshold: expected"),
            (lambda d: d["questions"][0].pop("key"), r"questions\[0\]\.key: missing"),
            (lambda d: d["questions"][0].update(number="1"), r"questions\[0\]\.number: expected"),
            (lambda d: d.update(colour="red"), "unknown field 'colour'"),
            (lambda d: d["scale"].update(points="0-4"), r"scale\.points: expected list"),
        ],
    )
    def test_invalid_file(self, tmp_path: Path, edit: Any, message: str) -> None:
        """Each flaw in a file is reported with the file's name and the field."""
        data = MORLEY_2016.to_dict()
        edit(data)
        file = tmp_path / "custom.json"
        file.write_text(json.dumps(data), encoding="utf-8")
        with pytest.raises(InstrumentError, match=rf"^{re.escape(str(file))}: .*{message}"):
            load_instrument(file)

    def test_malformed_toml(self, tmp_path: Path) -> None:
        """A syntax error names the file and the format."""
        file = tmp_path / "bad.toml"
        file.write_text("name = [unclosed", encoding="utf-8")
        with pytest.raises(InstrumentError, match=r"bad\.toml: not valid TOML"):
            load_instrument(file)

    def test_wrong_suffix(self, tmp_path: Path) -> None:
        """Only .toml and .json files are read."""
        with pytest.raises(InstrumentError, match=r"expected a \.toml or \.json file"):
            load_instrument(tmp_path / "instrument.yaml")

    def test_missing_file(self, tmp_path: Path) -> None:
        """A file that cannot be read is an error naming it."""
        with pytest.raises(InstrumentError, match=r"absent\.toml: cannot be read"):
            load_instrument(tmp_path / "absent.toml")

    def test_not_utf8(self, tmp_path: Path) -> None:
        """Bytes that are not UTF-8 are an error, not a crash."""
        file = tmp_path / "latin.json"
        file.write_bytes(b'{"name": "caf\xe9"}')
        with pytest.raises(InstrumentError, match=r"latin\.json: not valid JSON"):
            load_instrument(file)
