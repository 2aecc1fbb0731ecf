from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import jointworking as jw
from jointworking.cli import main


def _run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "jointworking", *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=cwd,
    )


class TestDemo:
    def test_report_sections(self) -> None:
        """The demo prints a report with the placement, what blocks it and the value test."""
        result = _run("demo")
        assert result.returncode == 0, result.stderr
        out = result.stdout
        assert "## Where it stands" in out
        assert "Rung: **collaboration**" in out
        assert "the label is **overstated** by 1 rung(s)" in out
        assert "## What holds it below partnership" in out
        assert "- Question 3: Is there evidence of shared accountability" in out
        assert "## Does it add significant value?" in out
        assert "P(significant)" in out

    def test_no_command_runs_the_demo(self) -> None:
        """Plain ``python -m jointworking`` gives the demo."""
        assert _run().stdout == _run("demo").stdout

    def test_writes_file(self, tmp_path: Path) -> None:
        """With -o the report goes to the file and stdout stays empty."""
        out = tmp_path / "demo.md"
        result = _run("demo", "-o", str(out))
        assert result.returncode == 0
        assert result.stdout == ""
        assert out.read_text(encoding="utf-8").startswith("# Joint working self-assessment")

    def test_unwritable_output(self, tmp_path: Path) -> None:
        """A file that cannot be written exits 2 with a one-line message, no traceback."""
        result = _run("demo", "-o", str(tmp_path / "absent" / "demo.md"))
        assert result.returncode == 2
        assert result.stderr.startswith("jointworking: error: ")
        assert "demo.md: cannot be written" in result.stderr
        assert "Traceback" not in result.stderr


class TestQuestions:
    def test_lists_all_ten(self) -> None:
        """The questions command lists every question under the rung it evidences."""
        result = _run("questions")
        assert result.returncode == 0
        for question in jw.MORLEY_2016.questions:
            assert f"{question.number}. `{question.key}`: {question.text}" in result.stdout

    def test_bad_instrument_file(self, tmp_path: Path) -> None:
        """An invalid instrument file exits 2 naming the file and the field."""
        file = tmp_path / "bad.toml"
        file.write_text('name = "x"\nsource = "y"\nquestions = []\n', encoding="utf-8")
        result = _run("questions", "--instrument", str(file))
        assert result.returncode == 2
        assert (
            "bad.toml: instrument 'x': questions: expected at least one question" in result.stderr
        )
        assert result.stderr.count("\n") == 1


class TestMain:
    def test_in_process(self, capsys: pytest.CaptureFixture[str]) -> None:
        """main() returns 0 and can be called in process."""
        assert main(["questions"]) == 0
        assert capsys.readouterr().out.startswith("# morley-2016")

    def test_version(self) -> None:
        """--version prints the package version."""
        result = _run("--version")
        assert result.stdout.strip() == f"jointworking {jw.__version__}"
