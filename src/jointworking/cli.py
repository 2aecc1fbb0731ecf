"""The ``jointworking`` command line.

``jointworking demo`` writes a short Markdown report on a built-in, fictional example;
``jointworking questions`` lists an instrument's questions. Bad input exits with status 2
and a one-line message on standard error.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from jointworking.errors import JointWorkingError
from jointworking.instrument import MORLEY_2016, Instrument, load_instrument
from jointworking.ladder import check_label, classify, path
from jointworking.rung import Rung
from jointworking.value import Estimate, added_value, simulate_added_value

__all__ = ["main"]

#: A fictional district council's view of its joint working with a county council.
_DEMO_ANSWERS = {1: 3.6, 2: 3.1, 3: 2.2, 4: 3.0, 5: 1.4, 6: 3.3, 7: 1.9, 8: 2.7, 9: 2.4, 10: 2.0}


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


def _demo_report(seed: int) -> str:
    instrument = MORLEY_2016
    placement = classify(_DEMO_ANSWERS, instrument)
    label = check_label(Rung.PARTNERSHIP, placement.rung)
    steps = path(placement.rung, Rung.PARTNERSHIP)
    point = added_value([4.0, 6.5], 12.2, cost=0.6)
    simulated = simulate_added_value(
        [Estimate.triangular(3.6, 4.0, 4.3), Estimate.triangular(6.0, 6.5, 6.8)],
        Estimate.pert(10.8, 12.2, 13.0),
        cost=Estimate.triangular(0.4, 0.6, 1.0),
        seed=seed,
    )
    status = {True: "met", False: "not met"}
    rows = [
        f"| {q.number} | {q.rung} | {score:.1f} | {status[q.number in placement.met]} |"
        for q, score in zip(instrument.questions, placement.scores, strict=True)
    ]
    ahead = ", ".join(str(n) for n in placement.ahead) or "none"
    blocking = "\n".join(
        f"- Question {n}: {instrument.question(n).text}" for n in placement.blocking
    )
    return "\n".join(
        [
            "# Joint working self-assessment: demonstration",
            "",
            "A fictional district council has scored its joint working with a county council",
            "on the ten questions (mean scores of its respondents, 0 = no evidence,",
            "4 = strong evidence). The councils call the arrangement a partnership.",
            "",
            "## Where it stands",
            "",
            f"- Rung: **{placement.rung}** (joint working index {placement.index:.1f} of 100)",
            f"- Called: {label.claimed}; the label is **{label.status}** by {label.gap} rung(s).",
            f"- To reach partnership it must step through: {', '.join(map(str, steps))}.",
            "",
            "| question | evidences | score | |",
            "|---:|---|---:|---|",
            *rows,
            "",
            f"## What holds it below {placement.next}",
            "",
            blocking or "Nothing: it is at the top rung.",
            "",
            f"Already in place above its rung: question(s) {ahead}.",
            "",
            "## Does it add significant value?",
            "",
            "Value delivered alone: 4.0 and 6.5 (GBP million a year); jointly 12.2, at a cost",
            "of 0.6 for the joint working itself.",
            "",
            f"- Point estimate: uplift {point.uplift:.1%}, verdict **{point.verdict}**"
            f" (threshold {point.threshold:.0%}); the joint value may fall by"
            f" {point.switching_value:.2f} before the verdict drops a grade.",
            f"- Under uncertainty ({simulated.draws:,} draws, seed {seed}):"
            f" P(significant) = {simulated.p_significant:.2f},"
            f" P(any increase) = {simulated.p_positive:.2f}, uplift 5th-95th percentile"
            f" {simulated.uplift.p5:.1%} to {simulated.uplift.p95:.1%};"
            f" verdict **{simulated.verdict}** at {simulated.confidence:.0%} confidence.",
            "",
            "A marginal or no increase means the rationale for the joint working should be",
            "seriously questioned (Morley, 2016).",
            "",
            f"_Instrument: {instrument.source}_",
            "",
        ]
    )


def _parser() -> argparse.ArgumentParser:
    from jointworking import __version__  # noqa: PLC0415 - the package imports this module lazily

    parser = argparse.ArgumentParser(
        prog="jointworking",
        description="Score the ten-question joint working self-assessment.",
        epilog="examples:\n  jointworking demo -o demo.md\n  jointworking questions",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    demo = commands.add_parser("demo", help="report on the built-in fictional example")
    demo.add_argument("-o", "--output", type=Path, help="write the report here, not to stdout")
    demo.add_argument("--seed", type=int, default=2016, help="Monte Carlo seed (default 2016)")
    questions = commands.add_parser("questions", help="list an instrument's questions")
    questions.add_argument("--instrument", type=Path, help="a TOML or JSON instrument file")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "questions":
            instrument = (
                MORLEY_2016 if args.instrument is None else load_instrument(args.instrument)
            )
            text = _questions_text(instrument)
        else:
            text = _demo_report(args.seed if args.command == "demo" else 2016)
        output = getattr(args, "output", None)
        if output is None:
            sys.stdout.write(text)
        else:
            try:
                output.write_text(text, encoding="utf-8")
            except OSError as error:
                raise JointWorkingError(f"{output}: cannot be written: {error.strerror}") from None
            print(f"wrote {output}", file=sys.stderr)
    except JointWorkingError as error:
        print(f"jointworking: error: {error}", file=sys.stderr)
        return 2
    return 0
