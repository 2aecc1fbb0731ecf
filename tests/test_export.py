from __future__ import annotations

import csv
import io
import math
from pathlib import Path
from typing import Any

import pytest

import jointworking as jw
from jointworking import export
from jointworking.errors import JointWorkingError

HOSTILE = '=HYPERLINK("http://example.invalid","x")'


def _assessment(names: tuple[str, str] = ("Alpha", "Beta"), small: int = 2) -> jw.Assessment:
    a, b = names
    rows = [[4, 4, 3, 3, 3, 4, 3, 3, 3, 3]] * 3 + [[3, 3, 2, 2, 2, 3, 2, 2, 2, 2]] * small
    return jw.assess(
        jw.Responses.from_arrays(
            rows, organisation=[a] * 3 + [b] * small, about=["internal"] * (3 + small)
        )
    )


class TestGroupRows:
    def test_small_group_withheld(self) -> None:
        """A group below the minimum shows its size and nothing from its answers when shared."""
        rows = {r["organisation"]: r for r in export.group_rows(_assessment())}
        assert (rows["Beta"]["withheld"], rows["Beta"]["respondents"]) == (True, 2)
        assert (rows["Beta"]["rung"], rows["Beta"]["blocking"]) == (None, None)
        assert rows["Beta"]["index"] is None
        assert rows["Beta"]["confidence"] is None
        assert all(rows["Beta"][f"q{n}"] is None for n in range(1, 11))
        # Alpha: (3*4 + 7*3) / 10 = 3.3 -> 82.5
        assert rows["Alpha"]["index"] == 82.5
        assert rows["Alpha"]["q1"] == 4.0

    def test_unshared_shows_everything(self) -> None:
        """shared=False is the analyst's full copy."""
        rows = {r["organisation"]: r for r in export.group_rows(_assessment(), shared=False)}
        assert rows["Beta"]["withheld"] is False
        assert rows["Beta"]["q3"] == 2.0


class TestWriteCsv:
    def test_formula_injection_neutralised(self) -> None:
        """Names a spreadsheet would run as a formula are written as text."""
        assessment = _assessment((HOSTILE, "@SUM(1+1)"), small=3)
        stream = io.StringIO()
        export.write_csv(export.group_rows(assessment), stream)
        cells = [row[0] for row in csv.reader(io.StringIO(stream.getvalue()))][1:]
        assert sorted(cells) == sorted(["'" + HOSTILE, "'@SUM(1+1)"])
        for line in stream.getvalue().splitlines()[1:]:
            assert line[0] not in "=+-@"

    def test_findings(self, tmp_path: Path) -> None:
        """Findings are written one per row with their message."""
        path = tmp_path / "findings.csv"
        export.write_csv(export.finding_rows(_assessment()), path)
        with path.open(encoding="utf-8") as stream:
            (row,) = list(csv.DictReader(stream))
        assert row["kind"] == "too_few_respondents"
        assert row["organisations"] == "Beta"

    def test_numbers_are_left_alone(self) -> None:
        """Negative numbers are numbers, not formulas."""
        stream = io.StringIO()
        export.write_csv([{"name": "-5", "change": -2.5, "none": None, "flag": True}], stream)
        assert stream.getvalue().splitlines()[1] == "-5,-2.5,,true"

    def test_unwritable(self, tmp_path: Path) -> None:
        """A file that cannot be written is an error naming it."""
        with pytest.raises(JointWorkingError, match=r"out\.csv: cannot be written"):
            export.write_csv([{"a": 1}], tmp_path / "absent" / "out.csv")

    def test_no_rows(self) -> None:
        """Writing nothing is refused rather than writing an empty file."""
        with pytest.raises(JointWorkingError, match="no rows"):
            export.write_csv([], io.StringIO())

    def test_header_only(self) -> None:
        """With a header, no rows gives a file with just the header."""
        stream = io.StringIO()
        export.write_csv([], stream, header=export.FINDING_COLUMNS)
        assert stream.getvalue() == ",".join(export.FINDING_COLUMNS) + "\n"


class TestToFrame:
    def test_frame(self) -> None:
        """to_frame gives one row per group with the same withholding."""
        pd: Any = pytest.importorskip("pandas")
        frame = _assessment().to_frame()
        assert isinstance(frame, pd.DataFrame)
        assert list(frame["organisation"]) == ["Alpha", "Beta"]
        assert math.isnan(frame.loc[1, "q1"]) or frame.loc[1, "q1"] is None
