"""Benchmarks of the way in: reading a survey file, building Responses, text group labels.

:mod:`run` calls :func:`measure_reading` with its generated survey; these are its
measures 8 to 14. The survey is written once with :func:`jointworking.write_responses`
to a wide CSV file in a temporary folder (not timed), which every reading measure reads.
Each measure is timed side by side with its reference, taking turns (:func:`best_of`).

8. ``jw.read_responses(path)`` as on a default install (attrs and numpy only: pyarrow is
   hidden from the package for the run, as if not installed) against a bare
   ``list(csv.reader(f))`` of the same file. Target: ratio <= 2.
9. The peak memory of measure 8, traced with :mod:`tracemalloc` from just before the call
   to just after, against the file's size. Target: ratio <= 4. The peak includes the
   result itself (its answer matrix, label codes and respondent ids).
10. ``jw.read_responses(path)`` with the fast extra (pyarrow, used automatically) against
    ``pyarrow.csv.read_csv(path)`` single-threaded. Target: ratio <= 2. Skipped without
    pyarrow.
11. ``jw.Responses.from_arrays(answers, organisation=..., about=..., respondent=...,
    unit=...)`` with text labels (object arrays, as a frame's columns are) against
    ``pandas.factorize`` of the same four label columns. Target: ratio <= 2. Skipped
    without pandas.
12. ``jw.Responses.from_frame(frame)`` of the same survey as a pandas DataFrame (answers
    as float columns) against the same factorize. Target: ratio <= 2.
13. ``jointworking assess FILE -o out.json`` run as a user runs it (a fresh process, from
    the file on disk to the JSON written) against ``pyarrow.csv.read_csv(path)``
    single-threaded. Target: ratio <= 5. Skipped without pyarrow.
14. The chunked reader, ``for chunk in jw.read_responses(path, chunk_size=...)``, on a
    default install, against reading the file whole the same way: the same rows, so the
    ratio is the cost per row. Target: ratio <= 1.25 (the same speed per row). Its peak
    memory is noted beside the whole read's.
15. ``rwg_j``, ``awg`` and ``icc1`` (one call per question) with text group labels (an
    object array of ``"organisation / about"`` names) against the same calls with the
    integer group numbers of the same groups. Target: ratio <= 2 each.
"""

from __future__ import annotations

import contextlib
import csv
import gc
import importlib.util
import subprocess
import sys
import tempfile
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from _common import Row, best_of, progress, recording

import jointworking as jw
from jointworking.agreement import awg, icc1, rwg_j

FloatArray = npt.NDArray[np.float64]


@contextlib.contextmanager
def without_pyarrow() -> Iterator[None]:
    """Hide pyarrow from the package, as on a default install, then show it again."""
    hidden = {k: v for k, v in sys.modules.items() if k == "pyarrow" or k.startswith("pyarrow.")}
    for name in ("pyarrow", "pyarrow.csv"):
        sys.modules[name] = None  # type: ignore[assignment]  # makes the import fail
    try:
        yield
    finally:
        for name in ("pyarrow", "pyarrow.csv"):
            del sys.modules[name]
        sys.modules.update(hidden)


def has(module: str) -> bool:
    """Whether `module` can be imported here."""
    return importlib.util.find_spec(module) is not None


def read_default(path: Path) -> jw.Responses:
    """Measure 8: read as on a default install."""
    with without_pyarrow():
        return jw.read_responses(path)


def read_chunks(path: Path, chunk_size: int) -> int:
    """Measure 14: read the file chunk by chunk on a default install; count the rows."""
    rows = 0
    with without_pyarrow():
        for chunk in jw.read_responses(path, chunk_size=chunk_size):
            rows += len(chunk)
    return rows


def csv_rows(path: Path) -> list[list[str]]:
    """Measure 8's reference: every row of the file as lists of text, nothing else."""
    with path.open(encoding="utf-8", newline="") as file:
        return list(csv.reader(file))


def arrow_table(path: Path) -> Any:
    """Measures 10 and 13's reference: pyarrow's CSV reader on one thread."""
    import pyarrow.csv as pc  # noqa: PLC0415 - optional

    return pc.read_csv(path, read_options=pc.ReadOptions(use_threads=False))


def peak_bytes(action: Callable[[], object]) -> float:
    """Return the peak memory traced while `action` runs, its result included."""
    gc.collect()
    tracemalloc.start()
    try:
        result = action()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    del result
    return float(peak)


def labels(responses: jw.Responses) -> dict[str, Any]:
    """Return the label columns as object arrays of text, as a frame holds them."""
    return {
        "organisation": np.asarray(responses.organisation, dtype=object),
        "about": np.asarray(responses.about, dtype=object),
        "respondent": np.asarray(responses.respondent, dtype=object),
        "unit": np.asarray(responses.unit, dtype=object),
    }


def assess_command(path: Path, out: Path) -> None:
    """Measure 13: the command a user runs, in a fresh process."""
    command = [sys.executable, "-m", "jointworking", "assess", str(path), "-o", str(out)]
    subprocess.run(command, check=True, capture_output=True)


def measure_reading(
    responses: jw.Responses, groups: npt.NDArray[np.intp], runs: int, budget: float, chunk: int
) -> list[Row]:
    """Measures 8 to 15 on `responses` (written to a CSV file first)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "survey.csv"
        progress(f"8-14: writing the survey to a CSV file ({len(responses):,} rows)")
        jw.write_responses(responses, path)
        size = path.stat().st_size
        *whole, chunked = measure_files(path, size, runs, budget, chunk)
        building = measure_building(responses, runs, budget)
        command = measure_command(path, Path(folder) / "out.json", runs, budget)
    return [
        *whole,
        *building,
        command,
        chunked,
        *measure_text_groups(responses, groups, runs, budget),
    ]


def measure_files(path: Path, size: int, runs: int, budget: float, chunk: int) -> list[Row]:
    """Measures 8, 9, 10 and 14: reading the file whole, its memory, with pyarrow, in chunks."""
    mb = f"{size / 1e6:.1f} MB file"
    default = Row(f"8 read_responses, {mb}", "list(csv.reader(f))", 2.0)
    memory = Row("9 read_responses peak memory", "the file's size", 4.0, unit="bytes")
    fast = Row("10 read_responses with pyarrow", "pyarrow read_csv, 1 thread", 2.0)
    chunked = Row(f"14 chunked read ({chunk:,} rows a chunk)", "the same read, whole", 1.25)
    arrow = has("pyarrow")
    actions: dict[str, Callable[[], object]] = {
        "csv": lambda: csv_rows(path),
        "default": lambda: read_default(path),
        "chunked": lambda: read_chunks(path, chunk),
    }
    if arrow:
        actions["pyarrow"] = lambda: arrow_table(path)
        actions["fast"] = lambda: jw.read_responses(path)
    progress("8, 10, 14: timing the readers and their references, in turn")
    timings = best_of(actions, runs, budget)
    with recording(default):
        default.ours, default.reference = timings["default"].best, timings["csv"].best
        default.runs = f"{timings['default'].runs}/{timings['csv'].runs}"
    with recording(chunked):
        chunked.ours, chunked.reference = timings["chunked"].best, timings["default"].best
        chunked.runs = f"{timings['chunked'].runs}/{timings['default'].runs}"
    with recording(fast):
        if not arrow:
            fast.skipped = "pyarrow is not installed: pip install 'jointworking[fast]'"
        else:
            fast.ours, fast.reference = timings["fast"].best, timings["pyarrow"].best
            fast.runs = f"{timings['fast'].runs}/{timings['pyarrow'].runs}"
            same = jw.read_responses(path)
            if not np.array_equal(same.answers, read_default(path).answers, equal_nan=True):
                fast.error = "pyarrow's path read different answers: a bug"
    progress("9, 14: tracing the memory of the whole and the chunked read")
    with recording(memory, chunked):
        memory.ours, memory.reference, memory.runs = (
            peak_bytes(lambda: read_default(path)),
            size,
            "1",
        )
        peak = peak_bytes(lambda: read_chunks(path, chunk))
        chunked.notes.append(
            f"peak memory {peak / 1e6:.1f} MB chunked, {memory.ours / 1e6:.1f} MB whole"
        )
    return [default, memory, fast, chunked]


def measure_building(responses: jw.Responses, runs: int, budget: float) -> list[Row]:
    """Measures 11 and 12: Responses from arrays and from a frame, against factorize."""
    from_arrays = Row("11 from_arrays, text labels and ids", "pandas.factorize of them", 2.0)
    from_frame = Row("12 from_frame", "pandas.factorize of them", 2.0)
    if not has("pandas"):
        for row in (from_arrays, from_frame):
            row.skipped = "pandas is not installed"
        return [from_arrays, from_frame]
    import pandas as pd  # noqa: PLC0415 - optional

    columns = labels(responses)
    answers = responses.answers
    frame = pd.DataFrame(columns)
    for q, number in enumerate(responses.instrument.numbers):
        frame[f"q{number}"] = answers[:, q]
    progress("11, 12: timing from_arrays, from_frame and pandas.factorize, in turn")
    timings = best_of(
        {
            "factorize": lambda: [pd.factorize(column) for column in columns.values()],
            "arrays": lambda: jw.Responses.from_arrays(answers, **columns),
            "frame": lambda: jw.Responses.from_frame(frame),
        },
        runs,
        budget,
    )
    for row, name in ((from_arrays, "arrays"), (from_frame, "frame")):
        with recording(row):
            row.ours, row.reference = timings[name].best, timings["factorize"].best
            row.runs = f"{timings[name].runs}/{timings['factorize'].runs}"
    return [from_arrays, from_frame]


def measure_command(path: Path, out: Path, runs: int, budget: float) -> Row:
    """Measure 13: the assess command from the file to the JSON, against pyarrow's read."""
    row = Row("13 jointworking assess FILE -o out.json", "pyarrow read_csv, 1 thread", 5.0)
    if not has("pyarrow"):
        row.skipped = "pyarrow is not installed: pip install 'jointworking[fast]'"
        return row
    progress("13: timing the assess command and pyarrow's read, in turn")
    timings = best_of(
        {"pyarrow": lambda: arrow_table(path), "ours": lambda: assess_command(path, out)},
        runs,
        budget,
    )
    with recording(row):
        row.ours, row.reference = timings["ours"].best, timings["pyarrow"].best
        row.runs = f"{timings['ours'].runs}/{timings['pyarrow'].runs}"
        row.notes.append(f"the JSON written: {out.stat().st_size / 1e6:.1f} MB")
    return row


def icc1_each(a: FloatArray, g: npt.NDArray[Any]) -> list[float]:
    """ICC(1) of each question, one call per question."""
    return [icc1(a[:, q], g) for q in range(a.shape[1])]


def bound(call: Callable[[npt.NDArray[Any]], object], g: npt.NDArray[Any]) -> Callable[[], object]:
    """Return `call` with its group labels given."""
    return lambda: call(g)


def measure_text_groups(
    responses: jw.Responses, groups: npt.NDArray[np.intp], runs: int, budget: float
) -> list[Row]:
    """Measure 15: the agreement functions with text group labels against integer ones."""
    a = responses.answers
    organisation = np.asarray(responses.organisation, dtype=object)
    about = np.asarray(responses.about, dtype=object)
    text = organisation + " / " + about
    rows = {
        "rwg_j": Row("15 rwg_j, text group labels", "rwg_j, integer labels", 2.0),
        "awg": Row("15 awg, text group labels", "awg, integer labels", 2.0),
        "icc1": Row("15 icc1 (10 calls), text labels", "icc1, integer labels", 2.0),
    }
    calls: dict[str, Callable[[npt.NDArray[Any]], object]] = {
        "rwg_j": lambda g: rwg_j(a, g, null_variance=2.0),
        "awg": lambda g: awg(a, g, low=0, high=4),
        "icc1": lambda g: icc1_each(a, g),
    }
    progress("15: timing rwg_j, awg and icc1 with text and integer group labels, in turn")
    actions: dict[str, Callable[[], object]] = {}
    for name, call in calls.items():
        actions[f"{name} int"] = bound(call, groups)
        actions[f"{name} text"] = bound(call, text)
    timings = best_of(actions, runs, budget)
    for name, row in rows.items():
        with recording(row):
            ours, reference = timings[f"{name} text"], timings[f"{name} int"]
            row.ours, row.reference = ours.best, reference.best
            row.runs = f"{ours.runs}/{reference.runs}"
    return list(rows.values())
