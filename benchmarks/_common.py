"""What every benchmark script shares: timing side by side, result rows and their table."""

from __future__ import annotations

import gc
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Literal


def progress(message: str) -> None:
    """Print a progress line at once, so a long run shows what it is doing."""
    print(f".. {message}", flush=True)


@dataclass
class Timing:
    """The times of one side's runs, or the exception that stopped them."""

    times: list[float] = field(default_factory=list)
    error: Exception | None = None

    @property
    def best(self) -> float:
        """The fastest run; raises the side's exception if it had one."""
        if self.error is not None:
            raise self.error
        return min(self.times)

    @property
    def runs(self) -> int:
        """How many runs the best was taken from."""
        return len(self.times)


def best_of(
    actions: dict[str, Callable[[], object]], runs: int, budget: float
) -> dict[str, Timing]:
    """Time each action up to `runs` times, taking turns, and keep each side's times.

    The sides take turns (round robin) so that a change in the machine's load hits them
    alike. Each run starts after :func:`gc.collect`, and its result is dropped after the
    clock stops. A side stops repeating once its runs have taken `budget` seconds, and at
    its first exception, which is kept for its row to report.
    """
    timings = {name: Timing() for name in actions}
    for _ in range(runs):
        for name, action in actions.items():
            timing = timings[name]
            if timing.error is not None or sum(timing.times) >= budget:
                continue
            gc.collect()
            start = time.perf_counter()
            try:
                result = action()
            except Exception as error:  # reported in the side's row, after the others run
                timing.error = error
                continue
            timing.times.append(time.perf_counter() - start)
            del result
    return timings


@dataclass
class Row:
    """One line of the results table.

    `ours` and `reference` are seconds (or bytes when `unit` is ``"bytes"``). The ratio is
    ours / reference and must be at most `target`, or, when `faster` is set, reference /
    ours and at least `target`.
    """

    measure: str
    reference_name: str
    target: float
    unit: Literal["seconds", "bytes"] = "seconds"
    faster: bool = False
    ours: float | None = None
    reference: float | None = None
    runs: str = ""
    error: str = ""
    skipped: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def ratio(self) -> float | None:
        """The ratio judged against the target, or None without both figures."""
        if self.ours is None or self.reference is None:
            return None
        numerator, denominator = (
            (self.reference, self.ours) if self.faster else (self.ours, self.reference)
        )
        return numerator / denominator if denominator > 0 else float("inf")

    @property
    def status(self) -> str:
        """ok, FAIL, ERROR or skip."""
        if self.error:
            return "ERROR"
        ratio = self.ratio
        if self.skipped or ratio is None:
            return "skip"
        holds = ratio >= self.target if self.faster else ratio <= self.target
        return "ok" if holds else "FAIL"


@contextmanager
def recording(*rows: Row) -> Iterator[None]:
    """Record an exception raised while measuring `rows` as their error, and carry on."""
    try:
        yield
    except Exception as error:  # one broken measure must not hide the rest
        for row in rows:
            row.error = f"{type(error).__name__}: {error}"
        print(f"!! {rows[0].measure}: {type(error).__name__}: {error}", flush=True)
        traceback.print_exc()


def seconds(value: float) -> str:
    """Format a duration with a unit that suits it."""
    if value >= 1:
        return f"{value:.3f} s"
    if value >= 1e-3:
        return f"{value * 1e3:.1f} ms"
    return f"{value * 1e6:.0f} us"


def amount(value: float | None, unit: str) -> str:
    """Format a time or a size; a dash when missing."""
    if value is None:
        return "-"
    return f"{value / 1e6:.1f} MB" if unit == "bytes" else seconds(value)


def table(rows: list[Row]) -> str:
    """Return the rows as an aligned text table, notes under their row."""
    header = ("measure", "ours", "reference", "reference is", "ratio", "target", "runs", "result")
    lines: list[tuple[str, ...]] = [header]
    for row in rows:
        ratio = row.ratio
        lines.append(
            (
                row.measure,
                amount(row.ours, row.unit),
                amount(row.reference, row.unit),
                row.reference_name,
                "-" if ratio is None else f"{ratio:.2f}x",
                f"{'>=' if row.faster else '<='} {row.target:g}x",
                row.runs,
                row.status,
            )
        )
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    right = {1, 2, 4}  # numbers line up on the right

    def render(cells: tuple[str, ...]) -> str:
        return "  ".join(
            cell.rjust(width) if i in right else cell.ljust(width)
            for i, (cell, width) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    out = [render(lines[0]), "  ".join("-" * w for w in widths)]
    for row, cells in zip(rows, lines[1:], strict=True):
        out.append(render(cells))
        out.extend(f"    {text}" for text in (row.error, row.skipped, *row.notes) if text)
    return "\n".join(out)
