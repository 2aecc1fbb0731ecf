from __future__ import annotations

from pathlib import Path

import pytest

from jointworking import ResponseFileError, Rung
from jointworking._context import read_arrangements, read_rungs


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


class TestReadArrangements:
    def test_members_by_arrangement(self, tmp_path: Path) -> None:
        """One row per member; blank rows are ignored; names are trimmed."""
        path = _write(
            tmp_path, "arr.csv", "Arrangement,Member\nAlliance, A\n\nAlliance,B\nPact,C\nPact,D\n"
        )
        assert read_arrangements(path) == {"Alliance": ["A", "B"], "Pact": ["C", "D"]}

    def test_missing_column(self, tmp_path: Path) -> None:
        """A file without the member column names what is expected."""
        path = _write(tmp_path, "arr.csv", "arrangement,who\nAlliance,A\n")
        with pytest.raises(ResponseFileError, match=r"arr\.csv: line 1: missing column 'member'"):
            read_arrangements(path)

    def test_blank_member(self, tmp_path: Path) -> None:
        """A blank member is an error naming the line and the column as written."""
        path = _write(tmp_path, "arr.csv", "arrangement,Member\nAlliance,A\nAlliance,\n")
        with pytest.raises(ResponseFileError, match=r"line 3, column 'Member': expected a name"):
            read_arrangements(path)

    def test_repeated_column(self, tmp_path: Path) -> None:
        """Two member columns would keep only the second: refused, naming both."""
        path = _write(tmp_path, "arr.csv", "arrangement,member,Member\nAlliance,A,B\n")
        with pytest.raises(
            ResponseFileError,
            match=r"line 1, column 'Member': columns 2 and 3 have the same name",
        ):
            read_arrangements(path)

    def test_member_given_twice(self, tmp_path: Path) -> None:
        """A member listed twice in one arrangement names both the line and the member."""
        path = _write(tmp_path, "arr.csv", "arrangement,member\nAlliance,A\nAlliance,A\n")
        with pytest.raises(
            ResponseFileError, match=r"line 3, column 'member': 'A' is already a member"
        ):
            read_arrangements(path)

    def test_unreadable(self, tmp_path: Path) -> None:
        """A missing file is an error naming it."""
        with pytest.raises(ResponseFileError, match=r"absent\.csv: cannot be read"):
            read_arrangements(tmp_path / "absent.csv")


class TestReadRungs:
    def test_pairs_and_arrangements(self, tmp_path: Path) -> None:
        """Pairs are keyed by their two names; a partner naming an arrangement keys by it."""
        path = _write(
            tmp_path,
            "claims.csv",
            "organisation;partner;rung\nA;B;Partnership\n;Alliance;collaboration\n",
        )
        assert read_rungs(path, {"Alliance": ("A", "B")}) == {
            ("A", "B"): Rung.PARTNERSHIP,
            "Alliance": Rung.COLLABORATION,
        }

    @pytest.mark.parametrize(
        ("text", "message"),
        [
            ("organisation,partner,rung\nA,B,merger\n", r"line 2, column 'rung': expected one of"),
            ("organisation,partner,rung\nA,,partnership\n", r"line 2, column 'partner'"),
            ("organisation,partner,rung\n,B,partnership\n", r"line 2, column 'organisation'"),
            (
                "organisation,partner,rung\nA,B,partnership\nB,A,collaboration\n",
                r"line 3: this relationship is already given on line 2",
            ),
            ("organisation,partner,rung\nA,B\n", r"line 2: expected 3 fields"),
            ("", r"the file is empty"),
            ("organisation,partner,rung,notes\nA,B,partnership,x\n", r"line 1, column 'notes'"),
            (
                "organisation,partner,rung,rung\nA,B,partnership,transaction\n",
                r"line 1, column 'rung': columns 3 and 4 have the same name",
            ),
        ],
    )
    def test_errors(self, tmp_path: Path, text: str, message: str) -> None:
        """Every problem names the file, the line and the column."""
        path = _write(tmp_path, "claims.csv", text)
        with pytest.raises(ResponseFileError, match=rf"claims\.csv: {message}"):
            read_rungs(path, {})
