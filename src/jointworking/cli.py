"""The ``jointworking`` command line.

Every command's output is a shared output: groups smaller than the minimum group size
never show per-question figures in it. Bad input exits with status 2 and a one-line
message on standard error naming the file, line and column; never a traceback.
"""

from __future__ import annotations

import argparse
import json
import secrets
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Literal, TextIO

from jointworking.errors import ArgumentError, JointWorkingError
from jointworking.instrument import MORLEY_2016, Instrument, load_instrument
from jointworking.rung import Rung
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
_OUTPUT_HELP = "write here; the format follows the suffix (.html, .md, .json, .csv), else Markdown"
_FORMAT_HELP = "the format, where -o has no suffix naming one (default: Markdown)"
#: Files larger than this get a progress note on a terminal.
_LARGE_FILE_BYTES = 20 * 1024 * 1024

_EPILOG = """\
examples:
  jointworking demo -o demo.html
  jointworking assess survey.csv -o report.html
  jointworking assess survey.csv --claims claims.csv --arrangements arrangements.csv -o report.md
  jointworking assess survey.csv --format csv -o scores.csv
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


def _write(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as error:
        raise JointWorkingError(f"{output}: cannot be written: {error.strerror}") from None
    print(f"wrote {output}", file=sys.stderr)


def _render(
    assessment: object,
    fmt: Format,
    output: Path | None,
    *,
    title: str,
    description: str | None,
) -> None:
    from jointworking import export, report  # noqa: PLC0415 - only the report commands need them
    from jointworking.assessment import Assessment  # noqa: PLC0415

    if not isinstance(assessment, Assessment):  # pragma: no cover - internal misuse
        raise TypeError("expected an Assessment")
    if fmt == "csv":
        if output is None:
            raise ArgumentError("--format csv needs -o NAME.csv (it writes two files)")
        findings = output.with_name(f"{output.stem}.findings{output.suffix or '.csv'}")
        export.write_csv(export.group_rows(assessment), output)
        export.write_csv(export.finding_rows(assessment), findings, header=export.FINDING_COLUMNS)
        print(f"wrote {output} and {findings}", file=sys.stderr)
        return
    if fmt == "json":
        text = assessment.to_json(shared=True) + "\n"
    elif fmt == "html":
        text = report.html(assessment, title=title, description=description)
    else:
        text = report.markdown(assessment, title=title, description=description)
    _write(text, output)


def _progress(message: str, stream: TextIO = sys.stderr) -> None:
    if stream.isatty():
        print(message, file=stream, flush=True)


def _cmd_demo(args: argparse.Namespace) -> None:
    from jointworking.assessment import assess  # noqa: PLC0415 - keeps --help fast
    from jointworking.examples import load_example  # noqa: PLC0415

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
        _format(args.format, args.output, "markdown"),
        args.output,
        title="Joint working self-assessment: a fictional example",
        description=example.description,
    )


def _cmd_assess(args: argparse.Namespace) -> None:
    from jointworking import _context  # noqa: PLC0415 - keeps --help fast
    from jointworking.assessment import assess  # noqa: PLC0415
    from jointworking.io import read_responses  # noqa: PLC0415

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
    responses = read_responses(path, instrument, format=args.input_format)
    if large:
        _progress(f"read {len(responses):,} respondents; assessing...")
    try:
        assessment = assess(
            responses,
            claims=claims,
            targets=targets,
            arrangements=arrangements or None,
            min_group_size=args.min_group_size,
        )
    except ArgumentError as error:
        raise ArgumentError(f"{_source_of(error, args)}: {error}") from None
    if large:
        _progress(f"assessed in {time.perf_counter() - started:.1f} s")
    _render(
        assessment,
        _format(args.format, args.output, "markdown"),
        args.output,
        title=args.title or f"Joint working self-assessment: {path.name}",
        description=None,
    )


def _source_of(error: ArgumentError, args: argparse.Namespace) -> str:
    """Name the file an assessment error comes from: claims, targets, arrangements or survey."""
    for option in ("claims", "targets", "arrangements"):
        if str(error).startswith(option) and getattr(args, option) is not None:
            return str(getattr(args, option))
    if str(error).startswith("min_group_size"):
        return "--min-group-size"
    return str(args.file)


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


def _value_text(result: AddedValue | SimulatedAddedValue) -> str:
    if isinstance(result, AddedValue):
        return "\n".join(
            [
                f"verdict: {result.verdict}",
                f"sum of the parts: {result.baseline:g}",
                f"surplus: {result.surplus:g}",
                f"uplift: {result.uplift:.1%} (significant at {result.threshold:.0%} or more)",
                f"switching value: {result.switching_value:g} (how far the joint value can fall"
                " before the verdict drops a grade)",
                "",
            ]
        )
    return "\n".join(
        [
            f"verdict: {result.verdict} (at {result.confidence:.0%} confidence,"
            f" {result.draws:,} draws, seed {result.seed})",
            f"P(significant): {result.p_significant:.1%}"
            f" (uplift of {result.threshold:.0%} or more)",
            f"P(any increase): {result.p_positive:.1%}",
            f"uplift 5th/50th/95th percentiles: {result.uplift.p5:.1%} /"
            f" {result.uplift.p50:.1%} / {result.uplift.p95:.1%}",
            f"surplus 5th/50th/95th percentiles: {result.surplus.p5:.4g} /"
            f" {result.surplus.p50:.4g} / {result.surplus.p95:.4g}",
            "",
        ]
    )


def _cmd_value(args: argparse.Namespace) -> None:
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

        _write(json.dumps(_value_dict(result), indent=2) + "\n", args.output)
    else:
        _write(_value_text(result), args.output)


def _cmd_questions(args: argparse.Namespace) -> None:
    instrument = MORLEY_2016 if args.instrument is None else load_instrument(args.instrument)
    _write(_questions_text(instrument), None)


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
    demo.set_defaults(run=_cmd_demo)

    assess = commands.add_parser(
        "assess",
        help="assess a survey file (CSV or JSON) and report",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    assess.add_argument("file", type=Path, help="the survey: wide or long CSV, or JSON")
    assess.add_argument("--claims", type=Path, help="CSV: organisation, partner, rung called")
    assess.add_argument("--targets", type=Path, help="CSV: organisation, partner, rung aimed for")
    assess.add_argument(
        "--arrangements", type=Path, help="CSV: arrangement, member (one row per member)"
    )
    assess.add_argument("--format", choices=["markdown", "html", "json", "csv"], help=_FORMAT_HELP)
    assess.add_argument("-o", "--output", type=Path, help=_OUTPUT_HELP)
    assess.add_argument(
        "--min-group-size",
        type=int,
        default=3,
        metavar="N",
        help="withhold figures of smaller groups (default 3)",
    )
    assess.add_argument("--instrument", type=Path, help="a custom instrument (TOML or JSON)")
    assess.add_argument(
        "--input-format",
        choices=["csv", "json"],
        help="the survey's format (default: from its suffix or content)",
    )
    assess.add_argument("--title", help="the report's title")
    assess.set_defaults(run=_cmd_assess)

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
    value.add_argument("-o", "--output", type=Path, help="write here instead of stdout")
    value.set_defaults(run=_cmd_value)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return its exit status: 0 on success, 2 on bad input."""
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    try:
        args.run(args)
    except JointWorkingError as error:
        message = " ".join(str(error).split())
        print(f"jointworking: error: {message}", file=sys.stderr)
        return 2
    return 0
