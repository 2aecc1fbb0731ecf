from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

import jointworking as jw
from jointworking.cli import main

SURVEY = """organisation,about,respondent,unit,wave,q1,q2,q3,q4,q5,q6,q7,q8,q9,q10
Alpha Council,internal,a1,Housing,,4,4,3,3,3,4,3,3,3,3
Alpha Council,internal,a2,Planning,,3,4,3,3,3,3,3,3,3,4
Alpha Council,internal,a3,Finance,,4,3,3,4,3,4,3,3,3,3
Alpha Council,Beta Trust,a4,,,3,3,2,2,2,3,2,2,2,2
Alpha Council,Beta Trust,a5,,,3,3,2,1,2,3,2,2,2,2
Alpha Council,Beta Trust,a6,,,4,3,2,2,2,3,2,2,Don't know,2
Beta Trust,Alpha Council,b1,,,4,4,4,4,4,4,4,4,4,4
Beta Trust,Alpha Council,b2,,,4,4,4,4,4,4,4,4,4,4
Beta Trust,Alpha Council,b3,,,4,4,4,4,3,4,4,4,4,4
"""


def _run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "jointworking", *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=cwd,
    )


@pytest.fixture
def survey(tmp_path: Path) -> Path:
    path = tmp_path / "survey.csv"
    path.write_text(SURVEY, encoding="utf-8")
    return path


def _one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("jointworking: error: ")
    assert result.stderr.count("\n") == 1
    return result.stderr


class TestDemo:
    def test_markdown_report(self) -> None:
        """The demo prints the example's report with its main sections."""
        result = _run("demo")
        assert result.returncode == 0, result.stderr
        out = result.stdout
        assert out.startswith("# Joint working self-assessment: a fictional example")
        assert "Northfield District Council" in out
        assert "overstated" in out.lower()

    def test_html_file(self, tmp_path: Path) -> None:
        """With -o NAME.html the demo writes a self-contained HTML report."""
        out = tmp_path / "demo.html"
        result = _run("demo", "-o", str(out))
        assert result.returncode == 0, result.stderr
        assert result.stdout == ""
        text = out.read_text(encoding="utf-8")
        assert text.lstrip().lower().startswith("<!doctype html>")
        assert "Northfield Voluntary Action" in text

    def test_json(self) -> None:
        """--format json prints the versioned layout, shared by default."""
        result = _run("demo", "--format", "json")
        data = json.loads(result.stdout)
        assert data["schema_version"] == jw.SCHEMA_VERSION
        assert data["shared"] is True

    def test_no_command_prints_help(self) -> None:
        """Plain ``python -m jointworking`` prints help, not a report."""
        result = _run()
        assert result.returncode == 0
        assert result.stdout == _run("--help").stdout

    def test_unwritable_output(self, tmp_path: Path) -> None:
        """A file that cannot be written exits 2 with a one-line message, no traceback."""
        error = _one_line_error(_run("demo", "-o", str(tmp_path / "absent" / "demo.md")))
        assert "demo.md: cannot be written" in error


class TestAssess:
    def test_markdown(self, survey: Path) -> None:
        """assess FILE prints a report naming the organisations."""
        result = _run("assess", str(survey))
        assert result.returncode == 0, result.stderr
        assert "Alpha Council" in result.stdout
        assert "Beta Trust" in result.stdout

    def test_claims_and_arrangements(self, survey: Path, tmp_path: Path) -> None:
        """A claims file makes an overstated label a finding in the JSON output."""
        claims = tmp_path / "claims.csv"
        claims.write_text("organisation,partner,rung\nBeta Trust,Alpha Council,partnership\n")
        result = _run("assess", str(survey), "--claims", str(claims), "--format", "json")
        assert result.returncode == 0, result.stderr
        kinds = {f["kind"] for f in json.loads(result.stdout)["findings"]}
        assert "overstated_label" in kinds

    def test_csv_exports(self, survey: Path, tmp_path: Path) -> None:
        """--format csv writes group scores and findings, safe for spreadsheets."""
        out = tmp_path / "scores.csv"
        result = _run("assess", str(survey), "--format", "csv", "-o", str(out))
        assert result.returncode == 0, result.stderr
        with out.open(encoding="utf-8") as stream:
            rows = list(csv.DictReader(stream))
        assert {r["organisation"] for r in rows} == {"Alpha Council", "Beta Trust"}
        assert (tmp_path / "scores.findings.csv").is_file()

    def test_min_group_size_withholds(self, survey: Path, tmp_path: Path) -> None:
        """Groups below --min-group-size have no per-question figures in the CSV."""
        out = tmp_path / "scores.csv"
        _run("assess", str(survey), "--min-group-size", "4", "-o", str(out))
        with out.open(encoding="utf-8") as stream:
            rows = list(csv.DictReader(stream))
        assert all(r["withheld"] == "true" and r["q1"] == "" for r in rows)

    def test_broken_cell(self, survey: Path, tmp_path: Path) -> None:
        """A value off the scale exits 2 naming the file, line and column."""
        broken = tmp_path / "broken.csv"
        broken.write_text(SURVEY.replace("a5,,,3,3,2,1", "a5,,,3,3,2,7"), encoding="utf-8")
        error = _one_line_error(_run("assess", str(broken)))
        assert "broken.csv: line 6, column 'q4'" in error

    def test_missing_file(self, tmp_path: Path) -> None:
        """A survey file that does not exist exits 2 naming it."""
        error = _one_line_error(_run("assess", str(tmp_path / "absent.csv")))
        assert "absent.csv" in error

    def test_bad_claims_file(self, survey: Path, tmp_path: Path) -> None:
        """A bad rung in the claims file exits 2 naming its line and column."""
        claims = tmp_path / "claims.csv"
        claims.write_text("organisation,partner,rung\nBeta Trust,Alpha Council,merger\n")
        error = _one_line_error(_run("assess", str(survey), "--claims", str(claims)))
        assert "claims.csv: line 2, column 'rung'" in error

    def test_claim_about_unknown_relationship(self, survey: Path, tmp_path: Path) -> None:
        """A claim nobody gave a view of names the claims file."""
        claims = tmp_path / "claims.csv"
        claims.write_text("organisation,partner,rung\nAlpha Council,Zeta,partnership\n")
        error = _one_line_error(_run("assess", str(survey), "--claims", str(claims)))
        assert f"{claims}: claims: nobody gave a view of 'Alpha Council and Zeta'" in error

    def test_format_and_file_name_must_agree(self, survey: Path, tmp_path: Path) -> None:
        """--format csv -o report.md would hide CSV behind a Markdown name: refused."""
        out = tmp_path / "report.md"
        error = _one_line_error(_run("assess", str(survey), "--format", "csv", "-o", str(out)))
        assert f"--format csv does not match -o {out} (a markdown name)" in error
        assert not out.exists()

    def test_format_with_another_suffix(self, survey: Path, tmp_path: Path) -> None:
        """A suffix that names no format leaves --format in charge."""
        out = tmp_path / "report.txt"
        result = _run("assess", str(survey), "--format", "markdown", "-o", str(out))
        assert result.returncode == 0, result.stderr
        assert out.read_text(encoding="utf-8").startswith("# ")

    def test_csv_needs_output(self, survey: Path) -> None:
        """--format csv without -o is refused plainly."""
        error = _one_line_error(_run("assess", str(survey), "--format", "csv"))
        assert "--format csv needs -o" in error


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
        error = _one_line_error(_run("questions", "--instrument", str(file)))
        assert "bad.toml: instrument 'x': questions: expected at least one question" in error


class TestValue:
    def test_point(self) -> None:
        """Numbers give the point test: 12.2 - 0.6 - 10.5 = 1.1, uplift 10.5%."""
        result = _run("value", "--individual", "4.0", "6.5", "--joint", "12.2", "--cost", "0.6")
        assert result.returncode == 0, result.stderr
        assert "verdict: significant" in result.stdout
        assert "uplift: 10.5%" in result.stdout

    def test_three_point_estimates(self) -> None:
        """LOW:MODE:HIGH estimates give a seeded simulation, the same for the same seed."""
        args = ("value", "--individual", "3.6:4.0:4.3", "6.5", "--joint", "10.8:12.2:13")
        first, second = _run(*args, "--seed", "1"), _run(*args, "--seed", "1")
        assert first.returncode == 0, first.stderr
        assert "P(significant)" in first.stdout
        assert first.stdout == second.stdout

    def test_seed_always_printed(self) -> None:
        """A simulation without --seed picks one and prints it, so it can be rerun."""
        result = _run("value", "--individual", "3:4:5", "--joint", "6")
        assert "seed None" not in result.stdout
        assert ", seed " in result.stdout

    def test_json_from_suffix(self, tmp_path: Path) -> None:
        """-o NAME.json writes JSON without --format."""
        out = tmp_path / "value.json"
        _run("value", "--individual", "600", "400", "--joint", "1200", "-o", str(out))
        assert json.loads(out.read_text(encoding="utf-8"))["verdict"] == "significant"

    def test_json(self) -> None:
        """--format json gives the figures as data."""
        result = _run("value", "--individual", "600", "400", "--joint", "1050", "--format", "json")
        assert json.loads(result.stdout)["verdict"] == "marginal"

    @pytest.mark.parametrize(
        ("args", "message"),
        [
            (
                ("--individual", "a", "--joint", "1"),
                "--individual 1: expected a number or LOW:MODE:HIGH",
            ),
            (("--individual", "1", "--joint", "3:2:1"), "low: expected low <= mode"),
            (("--individual", "0", "--joint", "1"), "individual: expected values whose sum"),
            (("--individual", "1", "--joint", "2", "--confidence", "1"), "confidence"),
            (("--individual", "1", "--joint", "2", "--threshold", "10"), "(0.10 for 10%)"),
            (("--individual", "5:4:3", "--joint", "2"), "--individual 1 5:4:3: low: expected"),
        ],
    )
    def test_bad_values(self, args: tuple[str, ...], message: str) -> None:
        """Bad numbers exit 2 with the argument named."""
        assert message in _one_line_error(_run("value", *args))


class TestMain:
    def test_in_process(self, capsys: pytest.CaptureFixture[str]) -> None:
        """main() returns 0 and can be called in process."""
        assert main(["questions"]) == 0
        assert capsys.readouterr().out.startswith("# morley-2016")

    def test_version(self) -> None:
        """--version prints the package version."""
        result = _run("--version")
        assert result.stdout.strip() == f"jointworking {jw.__version__}"

    def test_help_has_examples(self) -> None:
        """--help shows examples."""
        result = _run("--help")
        assert "examples:" in result.stdout
        assert "jointworking assess survey.csv" in result.stdout


class TestCsvWithoutFindings:
    def test_header_only_findings_file(self, tmp_path: Path) -> None:
        """A clean survey writes a findings CSV with only its header, and exits 0."""
        clean = tmp_path / "clean.csv"
        rows = "".join(f"A,internal,r{i},,,3,3,3,3,3,3,3,3,3,3\n" for i in range(3))
        clean.write_text(SURVEY.splitlines()[0] + "\n" + rows, encoding="utf-8")
        out = tmp_path / "out.csv"
        result = _run("assess", str(clean), "--format", "csv", "-o", str(out))
        assert result.returncode == 0, result.stderr
        text = (tmp_path / "out.findings.csv").read_text(encoding="utf-8")
        assert text == "severity,kind,subject,wave,organisations,questions,message\n"
