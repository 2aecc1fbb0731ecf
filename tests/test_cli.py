from __future__ import annotations

import csv
import errno
import json
import math
import os
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

    def test_json_floats_show_no_binary_noise(self, capsys: pytest.CaptureFixture[str]) -> None:
        """Every figure in the JSON is the layout's, shown to at most 12 significant digits."""

        def tidy(value: object) -> object:
            if isinstance(value, float) and math.isfinite(value):
                return float(f"{value:.12g}")
            if isinstance(value, dict):
                return {k: tidy(v) for k, v in value.items()}
            if isinstance(value, list):
                return [tidy(v) for v in value]
            return value

        assert main(["demo", "--format", "json"]) == 0
        printed = json.loads(capsys.readouterr().out)
        example = jw.load_example()
        assessment = jw.assess(
            example.responses,
            claims=example.claims,
            targets=example.targets,
            values=example.values,
            arrangements=example.arrangements,
        )
        assert printed == tidy(assessment.to_dict(shared=True))
        assert any(r["value"] is not None for r in printed["relationships"])

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

    def test_how_sure_settings(self, survey: Path) -> None:
        """--confidence, --resamples and --seed reach the assessment and its JSON."""
        args = ("assess", str(survey), "--format", "json", "--resamples", "500", "--seed", "7")
        result = _run(*args, "--confidence", "0.9")
        assert result.returncode == 0, result.stderr
        settings = json.loads(result.stdout)["settings"]
        assert (settings["confidence"], settings["resamples"], settings["seed"]) == (0.9, 500, 7)
        again = _run(*args, "--confidence", "0.9")
        assert again.stdout == result.stdout  # seeded: the same report, byte for byte

    def test_bad_confidence(self, survey: Path) -> None:
        """A confidence out of range exits 2 naming the option."""
        error = _one_line_error(_run("assess", str(survey), "--confidence", "1.5"))
        assert error.startswith("jointworking: error: --confidence: expected a number")

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


# --------------------------------------------------------------------------- files

_FINDINGS_HEADER = "severity,kind,subject,wave,organisations,questions,message\n"

posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX files and signals")


def _in_process(
    capsys: pytest.CaptureFixture[str], *args: str | os.PathLike[str]
) -> tuple[int, str]:
    """Run the command line in this process; return its status and standard error."""
    status = main([os.fspath(a) for a in args])
    return status, capsys.readouterr().err


def _refused(status: int, err: str) -> str:
    assert status == 2, err
    assert err.startswith("jointworking: error: ")
    assert err.count("\n") == 1
    return err


def _run_with(setup: str, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run the command line in a child that first runs `setup` (a limit, a patch)."""
    code = f"{setup}\nimport sys\nfrom jointworking.cli import main\nsys.exit(main(sys.argv[1:]))"
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=cwd,
    )


class TestOutputsNeverOverwriteInputs:
    def test_same_name(self, survey: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """-o naming the survey itself is refused, naming both, and the survey is kept."""
        err = _refused(*_in_process(capsys, "assess", survey, "-o", survey))
        assert f"-o {survey} is the same file as the survey {survey}" in err
        assert survey.read_text(encoding="utf-8") == SURVEY

    def test_another_relative_path(self, survey: Path, tmp_path: Path) -> None:
        """The survey named by another relative path is still the survey."""
        (tmp_path / "sub").mkdir()
        result = _run("assess", "survey.csv", "-o", "sub/../survey.csv", cwd=tmp_path)
        error = _one_line_error(result)
        assert "-o sub/../survey.csv is the same file as the survey survey.csv" in error
        assert survey.read_text(encoding="utf-8") == SURVEY

    @posix_only
    def test_symlink(
        self, survey: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """An output that is a symbolic link to the survey is refused."""
        link = tmp_path / "report.md"
        link.symlink_to(survey)
        err = _refused(*_in_process(capsys, "assess", survey, "-o", link))
        assert f"-o {link} is the same file as the survey {survey}" in err
        assert survey.read_text(encoding="utf-8") == SURVEY
        assert link.is_symlink()

    @posix_only
    def test_hard_link(
        self, survey: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """An output that is a hard link to the survey is refused."""
        link = tmp_path / "report.md"
        os.link(survey, link)
        err = _refused(*_in_process(capsys, "assess", survey, "-o", link))
        assert f"-o {link} is the same file as the survey {survey}" in err
        assert survey.read_text(encoding="utf-8") == SURVEY

    @pytest.mark.parametrize(
        ("option", "content"),
        [
            ("--claims", "organisation,partner,rung\n"),
            ("--targets", "organisation,partner,rung\n"),
            ("--arrangements", "arrangement,member\n"),
            ("--instrument", 'name = "x"\n'),
        ],
    )
    def test_every_input(
        self,
        survey: Path,
        tmp_path: Path,
        capsys: pytest.CaptureFixture[str],
        option: str,
        content: str,
    ) -> None:
        """Every file the command reads is protected, not only the survey."""
        other = tmp_path / "input.md"
        other.write_text(content, encoding="utf-8")
        err = _refused(*_in_process(capsys, "assess", survey, option, other, "-o", other))
        assert f"-o {other} is the same file as {option} {other}" in err
        assert other.read_text(encoding="utf-8") == content

    def test_derived_findings_name_is_an_input(
        self, survey: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """-o NAME.csv whose NAME.findings.csv is an input is refused before writing."""
        claims = tmp_path / "scores.findings.csv"
        claims.write_text("organisation,partner,rung\n", encoding="utf-8")
        out = tmp_path / "scores.csv"
        err = _refused(
            *_in_process(capsys, "assess", survey, "--claims", claims, "--format", "csv", "-o", out)
        )
        assert f"the findings file {claims} is the same file as --claims {claims}" in err
        assert claims.read_text(encoding="utf-8") == "organisation,partner,rung\n"
        assert not out.exists()


class TestDerivedFindingsFile:
    def test_existing_file_kept_without_force(
        self, survey: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A file at the findings name that this command did not write is not replaced."""
        notes = tmp_path / "scores.findings.csv"
        notes.write_text("my own notes\n", encoding="utf-8")
        out = tmp_path / "scores.csv"
        err = _refused(*_in_process(capsys, "assess", survey, "--format", "csv", "-o", out))
        assert f"{notes} exists and is not a findings CSV" in err
        assert "--force" in err
        assert notes.read_text(encoding="utf-8") == "my own notes\n"
        assert not out.exists()

    def test_replaced_with_force(
        self, survey: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """With --force the file at the findings name is replaced."""
        notes = tmp_path / "scores.findings.csv"
        notes.write_text("my own notes\n", encoding="utf-8")
        out = tmp_path / "scores.csv"
        status, err = _in_process(capsys, "assess", survey, "--format", "csv", "-o", out, "--force")
        assert status == 0, err
        assert notes.read_text(encoding="utf-8").startswith(_FINDINGS_HEADER)
        assert err == f"wrote {out} and {notes}\n"

    def test_earlier_findings_replaced(
        self, survey: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """Running the same export again replaces the findings it wrote before."""
        out = tmp_path / "scores.csv"
        (tmp_path / "scores.findings.csv").write_text(
            _FINDINGS_HEADER + "info,old,x,,,,an earlier run\n", encoding="utf-8"
        )
        status, err = _in_process(capsys, "assess", survey, "--format", "csv", "-o", out)
        assert status == 0, err
        text = (tmp_path / "scores.findings.csv").read_text(encoding="utf-8")
        assert "an earlier run" not in text
        assert "perception_gap" in text


class TestFailedWrites:
    _LIMIT = (
        "import resource, signal\n"
        "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
        "_, hard = resource.getrlimit(resource.RLIMIT_FSIZE)\n"
        "resource.setrlimit(resource.RLIMIT_FSIZE, (1024, hard))"
    )

    @posix_only
    def test_file_size_limit_keeps_old_report(self, tmp_path: Path) -> None:
        """A write that fails (EFBIG) leaves the previous report intact and no temporary."""
        out = tmp_path / "demo.md"
        out.write_text("the previous report\n", encoding="utf-8")
        error = _one_line_error(_run_with(self._LIMIT, "demo", "-o", str(out)))
        assert f"{out}: cannot be written: File too large" in error
        assert out.read_text(encoding="utf-8") == "the previous report\n"
        assert os.listdir(tmp_path) == ["demo.md"]

    @posix_only
    def test_file_size_limit_keeps_both_csv_files(self, tmp_path: Path) -> None:
        """A failed CSV export changes neither of its two files."""
        out = tmp_path / "demo.csv"
        out.write_text("old scores\n", encoding="utf-8")
        findings = tmp_path / "demo.findings.csv"
        findings.write_text(_FINDINGS_HEADER, encoding="utf-8")
        error = _one_line_error(_run_with(self._LIMIT, "demo", "--format", "csv", "-o", str(out)))
        assert "cannot be written: File too large" in error
        assert out.read_text(encoding="utf-8") == "old scores\n"
        assert findings.read_text(encoding="utf-8") == _FINDINGS_HEADER
        assert sorted(os.listdir(tmp_path)) == ["demo.csv", "demo.findings.csv"]

    def test_second_csv_file_failing_changes_neither(
        self,
        survey: Path,
        tmp_path: Path,
        capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        """If the findings cannot be written, the scores file is not replaced either."""
        from jointworking import export  # noqa: PLC0415

        def full(assessment: object) -> list[dict[str, object]]:
            raise OSError(errno.ENOSPC, "No space left on device")

        monkeypatch.setattr(export, "finding_rows", full)
        out = tmp_path / "scores.csv"
        out.write_text("old scores\n", encoding="utf-8")
        err = _refused(*_in_process(capsys, "assess", survey, "--format", "csv", "-o", out))
        assert f"{tmp_path / 'scores.findings.csv'}: cannot be written: No space left" in err
        assert out.read_text(encoding="utf-8") == "old scores\n"
        assert sorted(os.listdir(tmp_path)) == ["scores.csv", "survey.csv"]

    def test_exception_while_rendering_leaves_no_file(
        self,
        survey: Path,
        tmp_path: Path,
        capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        """A bug while rendering the findings propagates, and no output file is left."""
        from jointworking import export  # noqa: PLC0415

        def bug(assessment: object) -> list[dict[str, object]]:
            raise RuntimeError("a bug")

        monkeypatch.setattr(export, "finding_rows", bug)
        out = tmp_path / "scores.csv"
        with pytest.raises(RuntimeError, match="a bug"):
            main(["assess", str(survey), "--format", "csv", "-o", str(out)])
        assert os.listdir(tmp_path) == ["survey.csv"]

    def test_value_goes_through_the_writer(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """value -o writes atomically too: a failed rename keeps the old file."""

        def refuse(source: object, target: object) -> None:
            raise PermissionError(errno.EACCES, "Permission denied")

        out = tmp_path / "value.txt"
        out.write_text("old verdict\n", encoding="utf-8")
        monkeypatch.setattr(os, "replace", refuse)
        err = _refused(
            *_in_process(capsys, "value", "--individual", "1", "2", "--joint", "4", "-o", out)
        )
        assert f"{out}: cannot be written: Permission denied" in err
        assert out.read_text(encoding="utf-8") == "old verdict\n"
        assert os.listdir(tmp_path) == ["value.txt"]

    def test_wrote_line(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """A command that writes a file says so in one line on stderr, and nothing else."""
        out = tmp_path / "demo.json"
        status, err = _in_process(capsys, "demo", "-o", out)
        assert status == 0
        assert err == f"wrote {out}\n"


def _large_survey(path: Path, rows: int = 300_000) -> None:
    """Write a wide survey of more than 20 MB, so that the command notes its progress."""
    header = SURVEY.splitlines()[0]
    lines = [
        f"Organisation {i % 40},internal,respondent-{i:07d},Housing and planning services,,"
        + ",".join(str((i + k) % 5) for k in range(10))
        for i in range(rows)
    ]
    path.write_text(header + "\n" + "\n".join(lines) + "\n", encoding="utf-8")


def _read_terminal(master: int, *, until: bytes | None = None, quiet: float = 30) -> bytes:
    """Read a child's terminal until `until` appears, or nothing comes for `quiet` seconds."""
    import select  # noqa: PLC0415 - POSIX only

    seen = b""
    while until is None or until not in seen:
        if not select.select([master], [], [], quiet)[0]:
            break
        chunk = os.read(master, 4096)
        if not chunk:  # pragma: no cover - the parent keeps the terminal open
            break
        seen += chunk
    return seen


@pytest.mark.skipif(
    sys.platform == "win32" or not hasattr(os, "openpty"), reason="POSIX signals and terminals"
)
class TestInterrupt:
    def test_ctrl_c_during_a_long_run(self, tmp_path: Path) -> None:
        """Ctrl-C: exit 130, one line, no traceback, and no output file or temporary.

        Standard error is a terminal, so that the command notes its progress: the
        interrupt is sent once it says it is reading, so that it lands in the run.
        """
        import pty  # noqa: PLC0415 - POSIX only
        import signal  # noqa: PLC0415

        survey = tmp_path / "large.csv"
        _large_survey(survey)
        out = tmp_path / "report.csv"
        for _ in range(3):  # a run that ends before the interrupt arrives is tried again
            master, slave = pty.openpty()
            child = subprocess.Popen(
                [sys.executable, "-m", "jointworking", "assess", str(survey), *("-o", str(out))],
                stdout=subprocess.DEVNULL,
                stderr=slave,
            )
            # The terminal stays open here until the child has gone, so that what it
            # wrote last is still there to read (a terminal nobody holds loses it).
            try:
                seen = _read_terminal(master, until=b"\n")
                assert seen.startswith(b"reading "), seen
                child.send_signal(signal.SIGINT)
                status = child.wait(timeout=60)
                seen += _read_terminal(master, quiet=0.5)
            finally:
                child.kill()
                child.wait()
                os.close(master)
                os.close(slave)
            if status != 0:
                break
            for name in os.listdir(tmp_path):  # done before the signal came: try again
                if name != survey.name:
                    os.unlink(tmp_path / name)
        lines = seen.decode().replace("\r\n", "\n").splitlines()
        progress = ("reading ", "read ", "assessed ")
        said = [line for line in lines if not line.startswith(progress)]
        assert status == 130, seen
        assert said == ["jointworking: interrupted"], seen
        assert os.listdir(tmp_path) == [survey.name]

    def test_ctrl_c_while_writing_keeps_old_files(self, survey: Path, tmp_path: Path) -> None:
        """Ctrl-C after the scores are written but before the findings: neither replaced."""
        setup = (
            "import os, signal\n"
            "from jointworking import export\n"
            "real = export.finding_rows\n"
            "def finding_rows(assessment):\n"
            "    rows = real(assessment)\n"
            "    os.kill(os.getpid(), signal.SIGINT)\n"
            "    return rows\n"
            "export.finding_rows = finding_rows"
        )
        out = tmp_path / "scores.csv"
        out.write_text("old scores\n", encoding="utf-8")
        result = _run_with(setup, "assess", str(survey), "--format", "csv", "-o", str(out))
        assert result.returncode == 130, result.stderr
        assert result.stderr == "jointworking: interrupted\n"
        assert out.read_text(encoding="utf-8") == "old scores\n"
        assert sorted(os.listdir(tmp_path)) == ["scores.csv", "survey.csv"]


@pytest.mark.skipif(sys.platform != "linux", reason="file names as bytes: Linux")
class TestUndecodableFileName:
    def test_report_from_and_to_such_names(self, tmp_path: Path) -> None:
        """A survey and an output whose names are not UTF-8 are read and written."""
        folder = os.fsencode(tmp_path)
        os.close(os.open(folder + b"/sur\xffvey.csv", os.O_WRONLY | os.O_CREAT))
        with open(folder + b"/sur\xffvey.csv", "w", encoding="utf-8") as stream:
            stream.write(SURVEY)
        args: list[str | bytes] = [sys.executable, "-m", "jointworking", "assess"]
        result = subprocess.run(
            [*args, b"sur\xffvey.csv", "-o", b"rep\xffort.md"],
            capture_output=True,
            check=False,
            cwd=tmp_path,
        )
        assert result.returncode == 0, result.stderr
        assert result.stderr == b"wrote rep\\xffort.md\n"
        report = (folder + b"/rep\xffort.md").decode("ascii", "surrogateescape")
        text = Path(report).read_bytes().decode("utf-8")  # valid UTF-8 throughout
        # The byte shows as an escape; Markdown shows the backslash as it is.
        assert text.splitlines()[0].startswith("# Joint working self-assessment: sur\\xffvey")

    def test_report_on_strict_standard_output(self, tmp_path: Path) -> None:
        """The report's title names such a file safely, even on a strict UTF-8 stdout."""
        folder = os.fsencode(tmp_path)
        with open(folder + b"/sur\xffvey.csv", "w", encoding="utf-8") as stream:
            stream.write(SURVEY)
        result = subprocess.run(
            [sys.executable, "-m", "jointworking", "assess", b"sur\xffvey.csv"],
            capture_output=True,
            check=False,
            cwd=tmp_path,
            env={**os.environ, "PYTHONIOENCODING": "utf-8"},
        )
        assert result.returncode == 0, result.stderr
        assert result.stdout.decode("utf-8").startswith("# Joint working self-assessment: sur")

    def test_error_naming_such_a_file(self, tmp_path: Path) -> None:
        """A message naming such a file shows the byte escaped, on one line."""
        result = subprocess.run(
            [sys.executable, "-m", "jointworking", "assess", b"abs\xffent.csv"],
            capture_output=True,
            check=False,
            cwd=tmp_path,
        )
        assert result.returncode == 2
        assert result.stderr == b"jointworking: error: abs\\xffent.csv: cannot be read: No such" + (
            b" file or directory\n"
        )


@posix_only
class TestBrokenPipe:
    @pytest.mark.parametrize("command", [["questions"], ["demo"]])
    def test_reader_gone(self, command: list[str]) -> None:
        """Standard output closed early (``| head``): exit 141, nothing on stderr."""
        read, write = os.pipe()
        os.close(read)  # the reader has gone before the first line is written
        try:
            result = subprocess.run(
                [sys.executable, "-m", "jointworking", *command],
                stdout=write,
                stderr=subprocess.PIPE,
                check=False,
            )
        finally:
            os.close(write)
        assert result.stderr == b""
        assert result.returncode == 141
