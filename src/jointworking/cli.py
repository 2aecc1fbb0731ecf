"""The ``jointworking`` command line.

Every command's output is a shared output: groups smaller than the minimum group size
never show per-question figures in it. Bad input exits with status 2 and a one-line
message on standard error naming the file, line and column; never a traceback.

Files are written through :mod:`jointworking._files`: an output is never one of the
command's inputs, replaces its file only once it is complete, and a file the user did not
name (the findings CSV) replaces only an earlier findings CSV, unless ``--force``. Ctrl-C
exits 130 and a closed standard output 141, each without a traceback.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import secrets
import sys
import time
from collections.abc import Callable, Sequence
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Literal, TextIO, cast

from jointworking import _files
from jointworking._files import printable
from jointworking.errors import ArgumentError, JointWorkingError
from jointworking.instrument import MORLEY_2016, Instrument, load_instrument
from jointworking.rung import Rung

if TYPE_CHECKING:
    from jointworking.responses import Responses

from jointworking.value import (
    DEFAULT_THRESHOLD,
    AddedValue,
    Estimate,
    SimulatedAddedValue,
    added_value,
    simulate_added_value,
)

__all__ = ["main"]

Format = Literal["markdown", "html", "json", "csv"]
_SUFFIXES: dict[str, Format] = {
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".json": "json",
    ".csv": "csv",
}
_OUTPUT_HELP = (
    "write here; the format follows the suffix (.html, .md, .json, .csv), else Markdown."
    " The file is replaced only once the output is complete, and never if it is one of the"
    " inputs"
)
_FORCE_HELP = (
    "with --format csv, replace NAME.findings.csv even if it is not the findings of an"
    " earlier run (by default only those are replaced)"
)
_FORMAT_HELP = "the format, where -o has no suffix naming one (default: Markdown)"
#: Files larger than this get a progress note on a terminal.
_LARGE_FILE_BYTES = 20 * 1024 * 1024
#: Exit statuses besides 0: refused input or output, Ctrl-C, standard output closed early.
_EXIT_ERROR = 2
_EXIT_INTERRUPTED = 128 + 2  # as a shell reports SIGINT
_EXIT_BROKEN_PIPE = 128 + 13  # as a shell reports SIGPIPE
#: The files a command reads, by the option naming each, and how messages call them.
_INPUTS = (
    ("file", "the survey"),
    ("claims", "--claims"),
    ("targets", "--targets"),
    ("arrangements", "--arrangements"),
    ("instrument", "--instrument"),
    ("map", "--map"),
)

_EPILOG = """\
examples:
  jointworking demo -o demo.html
  jointworking assess survey.csv -o report.html
  jointworking assess survey.csv --claims claims.csv --arrangements arrangements.csv -o report.md
  jointworking assess survey.csv --format csv -o scores.csv
  jointworking map export.xlsx > mapping.toml
  jointworking assess export.xlsx --map mapping.toml -o report.html
  jointworking questions
  jointworking value --individual 4.0 6.5 --joint 12.2 --cost 0.6
  jointworking value --individual 3.6:4.0:4.3 6.5 --joint 10.8:12.2:13 --seed 1
"""


def _questions_text(instrument: Instrument) -> str:
    lines = [f"# {instrument.name}", "", instrument.source, ""]
    for rung in (Rung.COLLABORATION, Rung.PARTNERSHIP):
        threshold = instrument.threshold(rung)
        lines += [f"## Questions evidencing {rung} (met at {threshold:g} or more)", ""]
        lines += [f"{q.number}. `{q.key}`: {q.text}" for q in instrument.questions_for(rung)]
        lines.append("")
    points = ", ".join(f"{p.value:g} {p.label}" for p in instrument.scale.points)
    lines += [f'Answer scale: {points}. Blank or "don\'t know" is missing, never zero.', ""]
    return "\n".join(lines)


def _format(requested: str | None, output: Path | None, default: Format) -> Format:
    named = None if output is None else _SUFFIXES.get(output.suffix.lower())
    if requested is None:
        return default if named is None else named
    fmt: Format = _SUFFIXES[f".{requested}"] if requested != "markdown" else "markdown"
    if named is not None and named != fmt:
        # A CSV file named report.md (or HTML named .json) would mislead whoever opens it.
        raise ArgumentError(
            f"--format {requested} does not match -o {output} (a {named} name); name the"
            f" file for its format, or leave out --format"
        )
    return fmt


@dataclass(frozen=True)
class _Plan:
    """Where a report command writes, decided and checked before any work is done."""

    fmt: Format
    output: Path | None
    findings: Path | None = None
    replace_findings: bool = False


def _plan(args: argparse.Namespace, default: Format) -> _Plan:
    """Choose the format and the files to write, and refuse any that would destroy a file.

    The output must not be one of the command's inputs (by any name: see
    :func:`jointworking._files.same_file`), and the findings CSV, a file the user did not
    name, replaces only the findings of an earlier run, unless ``--force``.
    """
    output: Path | None = args.output
    fmt = _format(args.format, output, default)
    if output is None:
        if fmt == "csv":
            raise ArgumentError("--format csv needs -o NAME.csv (it writes two files)")
        return _Plan(fmt, None)
    _check_output(output)
    findings = None
    if fmt == "csv":
        findings = output.with_name(f"{output.stem}.findings{output.suffix or '.csv'}")
    _check_not_inputs(args, output, findings)
    replace_findings = False
    if findings is not None and os.path.lexists(findings):
        if not (args.force or _is_findings_csv(findings)):
            raise ArgumentError(
                f"{printable(findings)} exists and is not a findings CSV this command wrote;"
                f" -o {printable(output)} --format csv would replace it: give --force to"
                " replace it, or choose another -o name"
            )
        replace_findings = True
    return _Plan(fmt, output, findings, replace_findings)


def _check_output(output: Path) -> None:
    """Refuse an output that names a folder, or a file in a folder that does not exist."""
    if output.is_dir():
        raise ArgumentError(f"-o {printable(output)}: is a folder; name a file")
    folder = output.parent
    if not folder.is_dir():
        raise ArgumentError(
            f"{printable(output)}: cannot be written: there is no folder {printable(folder)}"
        )


def _check_not_inputs(args: argparse.Namespace, *outputs: Path | None) -> None:
    inputs = [(label, path) for name, label in _INPUTS if (path := getattr(args, name, None))]
    named = [("-o", outputs[0])] if outputs[0] is not None else []
    named += [("the findings file", path) for path in outputs[1:] if path is not None]
    _files.check_outputs(named, inputs)


def _is_findings_csv(path: Path) -> bool:
    """Return whether a file starts with the header of a findings CSV, as an earlier run wrote."""
    from jointworking.export import FINDING_COLUMNS  # noqa: PLC0415 - keeps --help fast

    header = ",".join(FINDING_COLUMNS).encode()
    if not path.is_file():  # a folder, a pipe (which would block), a broken link
        return False
    try:
        with path.open("rb") as stream:
            start = stream.read(len(header) + 2)
    except OSError:
        return False
    return start.startswith((header + b"\n", header + b"\r\n"))


def _write(text: str, output: Path | None) -> None:
    """Write text to standard output, or atomically to a file (and say so on stderr)."""
    if output is None:
        try:
            sys.stdout.write(text)
            sys.stdout.flush()
        except BrokenPipeError:
            raise
        except OSError as error:
            raise JointWorkingError(
                f"standard output: cannot be written: {error.strerror or error}"
            ) from None
        return
    _files.atomic_write(output, lambda stream: stream.write(text))
    _wrote(output)


def _wrote(*paths: Path) -> None:
    print(f"wrote {' and '.join(printable(p) for p in paths)}", file=sys.stderr)


_ACTION_PLAN_HELP = (
    "also write the action plan (what to work on first, for each organisation and"
    " relationship) as CSV here, for a tracker"
)


def _check_action_plan(args: argparse.Namespace) -> None:
    """Refuse an --action-plan file that is an input or another output, before assessing."""
    path = args.action_plan
    if path is None:
        return
    _check_output(path)
    inputs = [(label, p) for name, label in _INPUTS if (p := getattr(args, name, None))]
    outputs = [("--action-plan", path)]
    if args.output is not None:
        outputs.append(("-o", args.output))
    _files.check_outputs(outputs, inputs)


def _write_action_plan(assessment: object, args: argparse.Namespace) -> None:
    from jointworking import export  # noqa: PLC0415 - only when asked for
    from jointworking.assessment import Assessment  # noqa: PLC0415

    if args.action_plan is None or not isinstance(assessment, Assessment):
        return
    rows = export.action_plan_rows(assessment)
    export.write_csv(rows, args.action_plan, header=export.ACTION_PLAN_COLUMNS)
    _wrote(args.action_plan)


def _render(
    assessment: object,
    plan: _Plan,
    *,
    title: str,
    description: str | None,
) -> None:
    from jointworking import export, report  # noqa: PLC0415 - only the report commands need them
    from jointworking.assessment import Assessment  # noqa: PLC0415

    if not isinstance(assessment, Assessment):  # pragma: no cover - internal misuse
        raise TypeError("expected an Assessment")
    fmt, output = plan.fmt, plan.output
    if fmt == "csv":
        if output is None or plan.findings is None:  # pragma: no cover - _plan sees to it
            raise ArgumentError("--format csv needs -o NAME.csv (it writes two files)")

        def groups(stream: TextIO) -> None:
            export.write_csv(export.group_rows(assessment), stream)

        def findings(stream: TextIO) -> None:
            export.write_csv(export.finding_rows(assessment), stream, header=export.FINDING_COLUMNS)

        # Both files are written in full before either replaces anything: all or none.
        _files.write_files(
            [
                _files.Output(output, groups, newline=""),
                _files.Output(plan.findings, findings, newline="", replace=plan.replace_findings),
            ]
        )
        _wrote(output, plan.findings)
        return
    if fmt == "json":
        tidy = _tidy_layout(assessment.to_dict(shared=True))
        text = json.dumps(tidy, indent=2, ensure_ascii=False) + "\n"
    elif fmt == "html":
        text = report.html(assessment, title=title, description=description)
    else:
        text = report.markdown(assessment, title=title, description=description)
    _write(text, output)


def _progress(message: str, stream: TextIO | None = None) -> None:
    stream = sys.stderr if stream is None else stream
    if stream.isatty():
        # One write for the whole line, so that Ctrl-C cannot split the text from its end.
        stream.write(printable(message) + "\n")
        stream.flush()


def _cmd_demo(args: argparse.Namespace) -> None:
    from jointworking.assessment import assess  # noqa: PLC0415 - keeps --help fast
    from jointworking.examples import load_example  # noqa: PLC0415

    plan = _plan(args, "markdown")
    _check_action_plan(args)
    example = load_example()
    assessment = assess(
        example.responses,
        claims=example.claims,
        targets=example.targets,
        values=example.values,
        arrangements=example.arrangements,
    )
    _render(
        assessment,
        plan,
        title="Joint working self-assessment: a fictional example",
        description=example.description,
    )
    _write_action_plan(assessment, args)


def _cmd_assess(args: argparse.Namespace) -> None:
    from jointworking import _context  # noqa: PLC0415 - keeps --help fast
    from jointworking.assessment import assess  # noqa: PLC0415
    from jointworking.io import read_responses  # noqa: PLC0415

    plan = _plan(args, "markdown")
    _check_action_plan(args)
    instrument = MORLEY_2016 if args.instrument is None else load_instrument(args.instrument)
    arrangements = (
        {} if args.arrangements is None else _context.read_arrangements(args.arrangements)
    )
    claims = None if args.claims is None else _context.read_rungs(args.claims, arrangements)
    targets = None if args.targets is None else _context.read_rungs(args.targets, arrangements)
    path: Path = args.file
    large = path.is_file() and path.stat().st_size > _LARGE_FILE_BYTES
    started = time.perf_counter()
    if large:
        _progress(f"reading {path} ({path.stat().st_size / 1e6:.0f} MB)...")
    responses = _read_survey(read_responses, path, instrument, args)
    if large:
        _progress(f"read {len(responses):,} respondents; assessing...")
    try:
        assessment = assess(
            responses,
            claims=claims,
            targets=targets,
            arrangements=arrangements or None,
            min_group_size=args.min_group_size,
            confidence=args.confidence,
            resamples=args.resamples,
            seed=args.seed,
        )
    except ArgumentError as error:
        raise ArgumentError(_located(error, args)) from None
    if large:
        _progress(f"assessed in {time.perf_counter() - started:.1f} s")
    _render(
        assessment,
        plan,
        # A file name that is not valid UTF-8 shows its bytes escaped, as messages do.
        title=printable(args.title or f"Joint working self-assessment: {path.name}"),
        description=None,
    )
    _write_action_plan(assessment, args)


def _read_survey(
    read: Callable[..., object], path: Path, instrument: Instrument, args: argparse.Namespace
) -> Responses:
    """Read the survey; say on standard error how many incomplete responses a tool marked."""
    import warnings  # noqa: PLC0415 - keeps --help fast

    from jointworking.io import IncompleteResponsesWarning, MappingNeededError  # noqa: PLC0415

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", IncompleteResponsesWarning)
        try:
            responses = read(
                path,
                instrument,
                format=args.input_format,
                mapping=args.map,
                incomplete=args.incomplete,
            )
        except MappingNeededError as error:
            # The starting mapping does not fit on one line: point to the command printing it.
            if args.map is None:
                hint = (
                    f" Name the other columns in a mapping file: jointworking map {path}"
                    " > mapping.toml writes a starting one; edit it, then pass --map mapping.toml"
                )
            else:
                hint = (
                    f" Name them in {args.map}: jointworking map {path} --map {args.map}"
                    " prints it with the columns still to place added"
                )
            raise JointWorkingError(f"{error.path}: {error.summary}{hint}") from None
    for warning in caught:
        if isinstance(warning.message, IncompleteResponsesWarning):
            _say(f"note: {warning.message.describe('--incomplete include')}")
        else:
            warnings.warn_explicit(
                warning.message, warning.category, warning.filename, warning.lineno
            )
    return cast("Responses", responses)


def _cmd_map(args: argparse.Namespace) -> None:
    from jointworking.io import starting_mapping  # noqa: PLC0415 - keeps --help fast

    instrument = MORLEY_2016 if args.instrument is None else load_instrument(args.instrument)
    _write(starting_mapping(args.file, instrument, mapping=args.map), args.output)


def _source_of(error: ArgumentError, args: argparse.Namespace) -> str:
    """Name the file an assessment error comes from: claims, targets, arrangements or survey."""
    for option in ("claims", "targets", "arrangements"):
        if str(error).startswith(option) and getattr(args, option) is not None:
            return str(getattr(args, option))
    for setting in ("min_group_size", "confidence", "resamples", "seed"):
        if str(error).startswith(setting):
            return "--" + setting.replace("_", "-")
    return str(args.file)


def _located(error: ArgumentError, args: argparse.Namespace) -> str:
    """Return the message of an assessment error, led by where it comes from, named once."""
    source = _source_of(error, args)
    message = str(error)
    if source.startswith("--"):
        # "--min-group-size: expected ...", not "--min-group-size: min_group_size: ...".
        return f"{source}: {message.split(': ', 1)[-1]}"
    return f"{source}: {message}"


def _estimate(text: str, distribution: str, argument: str) -> float | Estimate:
    parts = text.split(":")
    try:
        numbers = [float(p) for p in parts]
    except ValueError:
        raise ArgumentError(
            f"{argument}: expected a number or LOW:MODE:HIGH, got {text!r}"
        ) from None
    if len(numbers) == 1:
        return numbers[0]
    if len(numbers) != 3:
        raise ArgumentError(f"{argument}: expected a number or LOW:MODE:HIGH, got {text!r}")
    low, mode, high = numbers
    try:
        if distribution == "pert":
            return Estimate.pert(low, mode, high)
        return Estimate.triangular(low, mode, high)
    except ArgumentError as error:
        raise ArgumentError(f"{argument} {text}: {error}") from None


_VERDICT_WORDS: Final = {
    "none": "no added value (no more than the parts alone, net of the cost)",
    "marginal": "marginal (an increase below the threshold: question the rationale)",
    "significant": "significant",
}


def _amount(value: float) -> str:
    """Format an amount as the value command prints every amount: two decimals."""
    return f"{value + 0.0:,.2f}"


def _tidy_layout(layout: dict[str, Any]) -> dict[str, Any]:
    """Return the layout as to_json writes it, with floats shown without binary noise.

    The layout rounds its figures to 6 places already; only the settings and the added
    values (amounts as given, 1.8 not 1.8000000000000007) need tidying, and walking those
    alone keeps a survey of a million respondents from a second walk over every figure.
    """
    tidy = dict(layout)
    tidy["settings"] = _tidy(layout["settings"])
    tidy["relationships"] = [
        r if r["value"] is None else {**r, "value": _tidy(r["value"])}
        for r in layout["relationships"]
    ]
    return tidy


def _tidy(value: Any) -> Any:
    """Round JSON floats to 12 significant digits: 3.9, not 3.9000000000000004."""
    if isinstance(value, float) and math.isfinite(value):
        return float(f"{value:.12g}")
    if isinstance(value, dict):
        return {k: _tidy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_tidy(v) for v in value]
    return value


def _value_text(result: AddedValue | SimulatedAddedValue) -> str:
    verdict = _VERDICT_WORDS.get(result.verdict.label, result.verdict.label)
    if isinstance(result, AddedValue):
        return "\n".join(
            [
                f"verdict: {verdict}",
                f"sum of the parts: {_amount(result.baseline)}",
                f"surplus: {_amount(result.surplus)}",
                f"uplift: {result.uplift:.1%} (significant at {result.threshold:.0%} or more)",
                f"switching value: {_amount(result.switching_value)} (how far the joint value"
                " can fall before the verdict drops a grade)",
                "",
            ]
        )
    return "\n".join(
        [
            f"verdict: {verdict} (at {result.confidence:.0%} confidence,"
            f" {result.draws:,} draws, seed {result.seed})",
            f"P(significant): {result.p_significant:.1%}"
            f" (uplift of {result.threshold:.0%} or more)",
            f"P(any increase): {result.p_positive:.1%}",
            f"uplift 5th/50th/95th percentiles: {result.uplift.p5:.1%} /"
            f" {result.uplift.p50:.1%} / {result.uplift.p95:.1%}",
            f"surplus 5th/50th/95th percentiles: {_amount(result.surplus.p5)} /"
            f" {_amount(result.surplus.p50)} / {_amount(result.surplus.p95)}",
            "",
        ]
    )


def _cmd_value(args: argparse.Namespace) -> None:
    if args.output is not None:
        _check_output(args.output)
    if not 0 <= args.threshold <= 1:
        raise ArgumentError(
            f"--threshold: expected a fraction from 0 to 1 (0.10 for 10%), got {args.threshold}"
        )
    if not 0 < args.confidence < 1:
        raise ArgumentError(
            f"--confidence: expected a probability strictly between 0 and 1, got {args.confidence}"
        )
    individual = [
        _estimate(x, args.distribution, f"--individual {i + 1}")
        for i, x in enumerate(args.individual)
    ]
    joint = _estimate(args.joint, args.distribution, "--joint")
    cost = _estimate(args.cost, args.distribution, "--cost")
    result: AddedValue | SimulatedAddedValue
    if any(isinstance(v, Estimate) for v in (*individual, joint, cost)):
        if args.seed is None:
            # Always seeded, so that the printed result can be reproduced with --seed.
            args.seed = secrets.randbelow(2**31)
        result = simulate_added_value(
            individual,
            joint,
            cost=cost,
            threshold=args.threshold,
            optimism_bias=args.optimism_bias,
            confidence=args.confidence,
            draws=args.draws,
            seed=args.seed,
        )
    else:
        result = added_value(
            [float(v) for v in individual if not isinstance(v, Estimate)],
            float(joint) if not isinstance(joint, Estimate) else joint.mean,
            cost=float(cost) if not isinstance(cost, Estimate) else cost.mean,
            threshold=args.threshold,
            optimism_bias=args.optimism_bias,
        )
    fmt = args.format
    if fmt is None:
        suffix = "" if args.output is None else args.output.suffix.lower()
        fmt = "json" if suffix == ".json" else "text"
    if fmt == "json":
        from jointworking.assessment import _value_dict  # noqa: PLC0415

        _write(json.dumps(_tidy(_value_dict(result)), indent=2) + "\n", args.output)
    else:
        _write(_value_text(result), args.output)


def _cmd_questions(args: argparse.Namespace) -> None:
    instrument = MORLEY_2016 if args.instrument is None else load_instrument(args.instrument)
    _write(_questions_text(instrument), None)


def _add_map(commands: Any) -> None:
    mapper = commands.add_parser(
        "map",
        help="print a starting mapping file for a form tool's export",
        description="Print a starting TOML mapping built from the export's headers: the"
        " questions found by their wording, and the columns left to place. Save it, edit"
        " it, and pass it to assess --map.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    mapper.add_argument("file", type=Path, help="the export: CSV or .xlsx")
    mapper.add_argument("--map", type=Path, metavar="FILE", help="a mapping to start from")
    mapper.add_argument("--instrument", type=Path, help="a custom instrument (TOML or JSON)")
    mapper.add_argument("-o", "--output", type=Path, help="write here instead of standard output")
    mapper.set_defaults(run=_cmd_map)


def _parser() -> argparse.ArgumentParser:
    from jointworking import __version__  # noqa: PLC0415 - the package imports this module lazily

    parser = argparse.ArgumentParser(
        prog="jointworking",
        description="Score the ten-question joint working self-assessment and share the"
        " results: where each organisation and relationship stands on the ladder"
        " transaction, collaboration, partnership, and whether joint working adds"
        " significant value.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    demo = commands.add_parser(
        "demo",
        help="report on the built-in fictional example survey",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    demo.add_argument("-o", "--output", type=Path, help=_OUTPUT_HELP)
    demo.add_argument("--format", choices=["html", "markdown", "json", "csv"], help=_FORMAT_HELP)
    demo.add_argument("--force", action="store_true", help=_FORCE_HELP)
    demo.add_argument("--action-plan", type=Path, metavar="FILE.csv", help=_ACTION_PLAN_HELP)
    demo.set_defaults(run=_cmd_demo)

    assess = commands.add_parser(
        "assess",
        help="assess a survey file (CSV or JSON) and report",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    assess.add_argument(
        "file",
        type=Path,
        help="the survey: wide or long CSV, JSON, .xlsx, or a form tool's export",
    )
    assess.add_argument("--claims", type=Path, help="CSV: organisation, partner, rung called")
    assess.add_argument("--targets", type=Path, help="CSV: organisation, partner, rung aimed for")
    assess.add_argument(
        "--arrangements", type=Path, help="CSV: arrangement, member (one row per member)"
    )
    assess.add_argument("--format", choices=["markdown", "html", "json", "csv"], help=_FORMAT_HELP)
    assess.add_argument("-o", "--output", type=Path, help=_OUTPUT_HELP)
    assess.add_argument("--force", action="store_true", help=_FORCE_HELP)
    assess.add_argument("--action-plan", type=Path, metavar="FILE.csv", help=_ACTION_PLAN_HELP)
    assess.add_argument(
        "--min-group-size",
        type=int,
        default=3,
        metavar="N",
        help="withhold figures of smaller groups (default 3)",
    )
    assess.add_argument(
        "--confidence",
        type=float,
        default=0.80,
        metavar="P",
        help="mark a rung less likely than this uncertain (default 0.80)",
    )
    assess.add_argument(
        "--resamples",
        type=int,
        default=2000,
        metavar="N",
        help="bootstrap resamples of each group's respondents (default 2000)",
    )
    assess.add_argument(
        "--seed",
        type=int,
        default=0,
        metavar="N",
        help="seed of the resampling, so that a report can be reproduced (default 0)",
    )
    assess.add_argument("--instrument", type=Path, help="a custom instrument (TOML or JSON)")
    assess.add_argument(
        "--input-format",
        choices=["csv", "json"],
        help="the survey's format (default: from its suffix or content)",
    )
    assess.add_argument(
        "--map",
        type=Path,
        metavar="FILE",
        help="a TOML mapping naming a form tool export's columns (jointworking map writes one)",
    )
    assess.add_argument(
        "--incomplete",
        choices=["exclude", "include", "error"],
        default="exclude",
        help="responses a form tool marks incomplete: leave out (default), read, or refuse"
        " the file; their number is said on standard error",
    )
    assess.add_argument("--title", help="the report's title")
    assess.set_defaults(run=_cmd_assess)
    _add_map(commands)

    questions = commands.add_parser("questions", help="list an instrument's questions")
    questions.add_argument("--instrument", type=Path, help="a TOML or JSON instrument file")
    questions.set_defaults(run=_cmd_questions)

    value = commands.add_parser(
        "value",
        help="test whether joint working adds significant value",
        description="A number is a point value; LOW:MODE:HIGH is a three-point estimate,"
        " which makes the test a seeded Monte Carlo simulation.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    value.add_argument(
        "--individual",
        nargs="+",
        required=True,
        metavar="X",
        help="each organisation's value alone",
    )
    value.add_argument("--joint", required=True, metavar="X", help="the value delivered jointly")
    value.add_argument("--cost", default="0", metavar="X", help="the cost of the joint working")
    value.add_argument(
        "--threshold",
        type=float,
        default=DEFAULT_THRESHOLD,
        help=f"uplift counted as significant (default {DEFAULT_THRESHOLD})",
    )
    value.add_argument(
        "--optimism-bias",
        type=float,
        default=0.0,
        metavar="B",
        help="fraction by which to reduce the joint value (default 0)",
    )
    value.add_argument(
        "--distribution",
        choices=["triangular", "pert"],
        default="triangular",
        help="for LOW:MODE:HIGH estimates (default triangular)",
    )
    value.add_argument(
        "--confidence",
        type=float,
        default=0.80,
        help="how sure a verdict under uncertainty must be (default 0.80)",
    )
    value.add_argument(
        "--draws", type=int, default=100_000, metavar="N", help="Monte Carlo draws (default 100000)"
    )
    value.add_argument(
        "--seed",
        type=int,
        metavar="N",
        help="Monte Carlo seed (default: chosen at random and printed)",
    )
    value.add_argument(
        "--format",
        choices=["text", "json"],
        help="output format (default: from the -o suffix, else text)",
    )
    value.add_argument(
        "-o",
        "--output",
        type=Path,
        help="write here instead of stdout; the file is replaced only once the output is complete",
    )
    value.set_defaults(run=_cmd_value)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return its exit status.

    0 when done; 2 when the input is refused or a file cannot be read or written (one
    line on standard error says why); 130 on Ctrl-C and 141 when standard output is
    closed early (``| head``), with no traceback and no partial output file. A traceback
    (status 1) means a bug.
    """
    try:
        try:
            _run(argv)
        finally:
            # Flush here, so that a closed or full standard output is reported below
            # rather than when the interpreter exits.
            if sys.stdout is not None:
                sys.stdout.flush()
    except KeyboardInterrupt:
        _say("interrupted")
        return _EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader stopped reading (``| head``): nothing to say, and nothing to flush.
        _silence_stdout()
        return _EXIT_BROKEN_PIPE
    except JointWorkingError as error:
        _say(f"error: {' '.join(str(error).split())}")
        return _EXIT_ERROR
    except OSError as error:
        # An operating system error on a file is the environment's, not a bug: one line.
        _say(f"error: {_os_message(error)}")
        return _EXIT_ERROR
    return 0


def _run(argv: Sequence[str] | None) -> None:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return
    command: Callable[[argparse.Namespace], None] = args.run
    command(args)


def _say(message: str) -> None:
    """Print one line on standard error, escaping what would not print."""
    with suppress(OSError, ValueError):  # standard error is gone too: nothing to do
        print(f"jointworking: {printable(message)}", file=sys.stderr, flush=True)


def _os_message(error: OSError) -> str:
    reason = error.strerror or str(error)
    name = error.filename
    if name is None:
        return reason
    return f"{printable(os.fsdecode(name) if isinstance(name, bytes) else str(name))}: {reason}"


def _silence_stdout() -> None:
    """Point standard output at the null device, so that exiting flushes nothing into a pipe."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(null, sys.stdout.fileno())
        finally:
            os.close(null)
    except (OSError, ValueError, AttributeError):  # not a real file (in tests, say)
        pass
