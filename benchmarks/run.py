"""Benchmarks: jointworking against honest numpy floors, R's multilevel and its own budget.

Run from the repository root, with the package installed (``pip install -e .``)::

    python benchmarks/run.py            # full size: 1,000,000 respondents; a few minutes
    python benchmarks/run.py --quick    # small sizes: proves the script works (CI)

Each measure is timed side by side with its reference in the same run, the two taking
turns so that a change in the machine's load hits both alike: best of N with
:func:`time.perf_counter` (N = 15 in full mode, 2 in quick mode, fewer when one run takes
long: a side stops once its runs have used a time budget, 60 s in full mode), with
:func:`gc.collect` before every run. Results are returned out of the timed region, so
freeing them is not timed on either side. The script prints the machine, its load average
and the sizes, then one row per measure: our figure, the reference's, their ratio, the
target, how many runs each best was taken from, and whether the target holds. Timings on
a busy machine (load average above the CPU count) are noisy: run again on a quiet one
before drawing conclusions.

In full mode the exit status is 1 if any target fails. In quick mode the sizes are too
small to judge speed, so targets are shown for information and the exit status is 0. In
either mode a measure that raises an exception is shown as ERROR, its traceback is printed,
and the exit status is 2.

The data (seeded, so every run sees the same survey)
----------------------------------------------------
Full: 2,000 organisations "Org 0001" .. "Org 2000", each answering about itself
("internal") and about 9 partners, organisation i's partners being (i + k) mod 2,000 for
k in (-4, -3, -2, -1, 1, 2, 3, 4, 1000), so that every pair is seen from both sides:
20,000 groups of 50 respondents, 1,000,000 respondents x 10 questions. Each group has a
latent level per question (normal, mean 2.3, sd 0.8); each respondent answers
round(level + normal(0, 0.7)) clipped to 0..4, with 5% of answers missing (NaN). Each
respondent has a unique text id and one of four units, at random; the rows are shuffled,
as a survey export interleaves groups. 500 of the pairs carry a claim (mostly
"partnership", some "collaboration"), so that overstated_label findings occur. Quick:
200 organisations, partners k in (-4 .. 4 without 0, and 100), 10 respondents per group:
20,000 respondents, and 50 claims. The time to build :class:`jointworking.Responses` is
printed as information, not judged.

``A`` below is ``responses.answers`` (the very matrix the package holds) and ``g`` each
respondent's group number 0 .. G-1, computed by the data generator, not by the package.

The measures
------------
1. ``jw.assess(statistics, claims=claims)`` with ``statistics =
   jw.GroupStatistics.from_responses(responses, cross=False)``: the whole assessment
   but the rung probabilities (measure 7 times those), including reading every finding
   (its kind, severity, subject and message), against the numpy floor of any survey
   summary: for
   each question column ``c = A[:, q]``, ``ok = ~np.isnan(c)``,
   ``np.bincount(g, np.where(ok, c, 0.0), G)`` and
   ``np.bincount(g, ok.astype(np.float64), G)`` (faster than boolean weights): the
   per-group sums and counts that every group mean needs. Target: ratio <= 3.
2. ``agreement.rwg_j(A, g, null_variance=2.0)``, ``agreement.awg(A, g, low=0, high=4)``
   and ``agreement.icc1(A[:, q], g)`` for each of the 10 questions (timed together), each
   against the floor of a variance by group: per column ``ok = ~np.isnan(c)``,
   ``v = np.where(ok, c, 0.0)``, ``np.bincount(g, v, G)`` and ``np.bincount(g, v * v, G)``.
   Target: ratio <= 2 each.
3. R's ``multilevel`` package, where ``Rscript`` is on the PATH and ``library(multilevel)``
   loads (skipped, with the reason, otherwise, and always in quick mode). ``A`` and ``g``
   are written to a temporary CSV; one Rscript process reads it (not timed) and times
   ``rwg.j(x, grpid, 2)`` (the null variance 2, given by position: multilevel 2.7 names
   it ``ranvar``) and
   ``awg(x, grpid, range = c(0, 4))`` once each with ``system.time`` (elapsed). These
   drop incomplete rows listwise, so R scores fewer rows than we do; the output says how
   many. R's ICC(1) goes through ``aov(x ~ as.factor(grpid))``, whose model matrix cannot
   be built for 20,000 groups, so ``ICC1(aov(...))`` (best of 3 in R) and our ``icc1`` are
   timed on one question for the respondents of the first 200 groups instead. Target:
   ours at least 100x faster (the ratio shown is R's time / ours).
4. ``jw.simulate_added_value(individual, joint, cost=cost, draws=1_000_000, seed=1)``
   with five PERT individual values, a PERT joint value and a triangular cost, against
   drawing the same samples with numpy alone: ``rng = np.random.default_rng(1)`` and the
   calls ``Estimate.draw`` makes (six ``rng.beta``, one ``rng.triangular``), nothing else,
   each sample dropped once drawn. The script checks, untimed, that these are the samples
   the package used. Target: ratio <= 2. (100,000 draws in quick mode.)
5. ``import jointworking`` in a fresh interpreter against ``import numpy, attrs`` in a
   fresh interpreter, timing only the import statement, inside the child; best of 7 each
   (2 in quick mode), the two alternating. Target: ratio <= 1.3.
6. Peak memory of ``jw.assess(responses, claims=claims)`` as users call it (with rung
   probabilities), reading every finding, traced with :mod:`tracemalloc` from just
   before the call to just after (numpy reports its arrays to tracemalloc), in a run of
   its own after the timings, against ``A.nbytes``, the answer matrix as float64.
   Target: ratio <= 3.
7. ``jw.assess(responses, claims=claims)`` as users call it, which bootstraps each
   group's respondents for its rung probabilities (2,000 resamples by default), reading
   every finding, against the same assessment without them:
   ``jw.assess(jw.GroupStatistics.from_responses(responses, cross=False), claims=claims)``
   (statistics without cross sums carry nothing to estimate them from; everything else
   is the same work). Target: ratio <= 2, that is the probabilities add at most the
   time of the assessment itself.
8-15. The way in, described in ``reading.py``: reading the survey written as a CSV file
   (against ``csv.reader`` on a default install, against pyarrow with the fast extra),
   its peak memory against the file's size, ``Responses.from_arrays`` and ``from_frame``
   against ``pandas.factorize``, the ``assess`` command from the file to its JSON, the
   chunked reader against the whole read, and the agreement functions with text group
   labels against integer ones. Measures needing pyarrow or pandas are skipped, with the
   reason, where they are not installed.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, TypeAlias

import numpy as np
import numpy.typing as npt
from _common import Row, best_of, progress, recording, seconds, table
from reading import measure_reading

import jointworking as jw
from jointworking.agreement import awg, icc1, rwg_j

FloatArray: TypeAlias = npt.NDArray[np.float64]
IntArray: TypeAlias = npt.NDArray[np.intp]
AnyArray: TypeAlias = npt.NDArray[np.generic]

SEED = 20160822
N_QUESTIONS = 10
UNITS = ("Finance", "Operations", "Care", "Housing")
ICC_SUBSET_GROUPS = 200
R_ICC_RUNS = 3


# --------------------------------------------------------------------------------------
# Settings
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Settings:
    """The sizes and repetitions of one mode."""

    mode: Literal["full", "quick"]
    organisations: int
    offsets: tuple[int, ...]
    per_group: int
    claims: int
    draws: int
    runs: int
    import_runs: int
    budget: float
    """Seconds of runs after which a side stops repeating (it always runs once)."""
    reading_runs: int
    """Runs of the reading measures (8 to 15), each of which reads the whole file."""
    chunk: int
    """Rows a chunk in measure 14."""

    @property
    def groups(self) -> int:
        """Organisation/about groups: each organisation about itself and each partner."""
        return self.organisations * (1 + len(self.offsets))

    @property
    def respondents(self) -> int:
        """Respondents in the survey."""
        return self.groups * self.per_group


FULL = Settings(
    mode="full",
    organisations=2000,
    offsets=(-4, -3, -2, -1, 1, 2, 3, 4, 1000),
    per_group=50,
    claims=500,
    draws=1_000_000,
    runs=15,
    import_runs=7,
    budget=60.0,
    reading_runs=5,
    chunk=100_000,
)
QUICK = Settings(
    mode="quick",
    organisations=200,
    offsets=(-4, -3, -2, -1, 1, 2, 3, 4, 100),
    per_group=10,
    claims=50,
    draws=100_000,
    runs=2,
    import_runs=2,
    budget=10.0,
    reading_runs=2,
    chunk=2_000,
)


# --------------------------------------------------------------------------------------
# The survey
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Survey:
    """The generated survey, the group number of each respondent, and the claims."""

    responses: jw.Responses
    groups: IntArray
    n_groups: int
    claims: dict[tuple[str, str], str]
    build_seconds: float

    @property
    def answers(self) -> FloatArray:
        """The answer matrix the package holds (``A``)."""
        return self.responses.answers


def org_name(i: int) -> str:
    """Return the name of organisation number `i` (from 0): ``"Org 0001"`` ..."""
    return f"Org {i + 1:04d}"


def make_claims(settings: Settings, rng: np.random.Generator) -> dict[tuple[str, str], str]:
    """Pick distinct partner pairs at random and claim a rung for each, mostly partnership."""
    n = settings.organisations
    pairs = sorted(
        {(min(i, (i + k) % n), max(i, (i + k) % n)) for i in range(n) for k in settings.offsets}
    )
    chosen = rng.choice(len(pairs), size=settings.claims, replace=False)
    claims: dict[tuple[str, str], str] = {}
    for rank, index in enumerate(sorted(chosen.tolist())):
        a, b = pairs[index]
        claims[org_name(a), org_name(b)] = "collaboration" if rank % 5 == 4 else "partnership"
    return claims


def make_survey(settings: Settings) -> Survey:
    """Generate the seeded survey of the module docstring and build its Responses."""
    rng = np.random.default_rng(SEED)
    n_orgs, slots = settings.organisations, 1 + len(settings.offsets)
    n_groups, n = settings.groups, settings.respondents
    names = np.array([org_name(i) for i in range(n_orgs)], dtype=object)
    # Group j is organisation j // slots about slot j % slots: 0 itself, then each partner.
    group_org = np.repeat(np.arange(n_orgs), slots)
    shift = np.tile(np.array((0, *settings.offsets)), n_orgs)
    group_about = np.where(shift == 0, "internal", names[(group_org + shift) % n_orgs])

    groups = rng.permutation(np.repeat(np.arange(n_groups, dtype=np.intp), settings.per_group))
    level = rng.normal(2.3, 0.8, size=(n_groups, N_QUESTIONS))
    answers = np.clip(np.rint(level[groups] + rng.normal(0.0, 0.7, size=(n, N_QUESTIONS))), 0, 4)
    answers[rng.random((n, N_QUESTIONS)) < 0.05] = np.nan
    organisation = names[group_org[groups]]
    about = group_about.astype(object)[groups]
    respondent = [f"R{i + 1:07d}" for i in range(n)]
    unit = np.array(UNITS, dtype=object)[rng.integers(0, len(UNITS), n)]
    claims = make_claims(settings, rng)

    gc.collect()
    start = time.perf_counter()
    responses = jw.Responses.from_arrays(
        answers, organisation=organisation, about=about, respondent=respondent, unit=unit
    )
    build = time.perf_counter() - start
    return Survey(responses, groups, n_groups, claims, build)


# --------------------------------------------------------------------------------------
# What is timed
# --------------------------------------------------------------------------------------


def read_findings(result: jw.Assessment) -> jw.Assessment:
    """Read every finding, as a report would."""
    for finding in result.findings:
        _read = (finding.kind, finding.severity, finding.subject, finding.message)
    return result


def assess_and_read(survey: Survey) -> jw.Assessment:
    """Measures 6 and 7: assess the survey as users do (with rung probabilities)."""
    return read_findings(jw.assess(survey.responses, claims=survey.claims))


def assess_without_probabilities(survey: Survey) -> jw.Assessment:
    """Measures 1 and 7: the same assessment, but how sure each rung is not estimated.

    Statistics without cross sums carry nothing to estimate it from; everything else is
    computed as from the responses.
    """
    statistics = jw.GroupStatistics.from_responses(survey.responses, cross=False)
    return read_findings(jw.assess(statistics, claims=survey.claims))


def floor_sums_counts(a: FloatArray, g: IntArray, n_groups: int) -> list[AnyArray]:
    """Measure 1's floor: per-group sums and counts of each question's answers."""
    out: list[AnyArray] = []
    for q in range(a.shape[1]):
        c = a[:, q]
        ok = ~np.isnan(c)
        out.append(np.bincount(g, np.where(ok, c, 0.0), n_groups))
        # Float weights: numpy counts with them faster than with boolean weights or a
        # masked index, so the floor is the fastest of the plain forms.
        out.append(np.bincount(g, ok.astype(np.float64), n_groups))
    return out


def floor_sums_squares(a: FloatArray, g: IntArray, n_groups: int) -> list[AnyArray]:
    """Measure 2's floor: per-group sums and sums of squares of each question's answers."""
    out: list[AnyArray] = []
    for q in range(a.shape[1]):
        c = a[:, q]
        ok = ~np.isnan(c)
        v = np.where(ok, c, 0.0)
        out.append(np.bincount(g, v, n_groups))
        out.append(np.bincount(g, v * v, n_groups))
    return out


def icc1_each_question(a: FloatArray, g: IntArray) -> list[float]:
    """Measure 2: ICC(1) of each question, one call per question."""
    return [icc1(a[:, q], g) for q in range(a.shape[1])]


@dataclass(frozen=True)
class ValueModel:
    """Measure 4's inputs: five PERT individual values, a PERT joint value, a cost."""

    individual: tuple[tuple[float, float, float], ...] = tuple(
        (80.0 + 10 * i, 100.0 + 10 * i, 150.0 + 10 * i) for i in range(5)
    )
    joint: tuple[float, float, float] = (600.0, 760.0, 900.0)
    cost: tuple[float, float, float] = (20.0, 40.0, 80.0)

    def simulate(self, draws: int) -> jw.SimulatedAddedValue:
        """Run the package's simulation with seed 1."""
        return jw.simulate_added_value(
            [jw.Estimate.pert(*p) for p in self.individual],
            jw.Estimate.pert(*self.joint),
            cost=jw.Estimate.triangular(*self.cost),
            draws=draws,
            seed=1,
        )

    def pert_shapes(self) -> list[tuple[float, float]]:
        """Return the beta shapes of each PERT input, in the order they are drawn."""
        shapes = []
        for low, mode, high in (*self.individual, self.joint):
            width = high - low
            shapes.append((1 + 4 * (mode - low) / width, 1 + 4 * (high - mode) / width))
        return shapes

    def floor(self, draws: int, shapes: list[tuple[float, float]]) -> Iterator[FloatArray]:
        """Draw as the package does: the same calls on the same generator, nothing else.

        A generator, so that the timed floor can drop each sample as soon as it is drawn
        rather than hold all seven in memory at once.
        """
        rng = np.random.default_rng(1)
        for alpha, beta in shapes:
            yield rng.beta(alpha, beta, draws)
        yield rng.triangular(*self.cost, draws)

    def same_samples(self, result: jw.SimulatedAddedValue, floor: list[FloatArray]) -> bool:
        """Whether the floor's draws, scaled and combined, give the package's surplus draws."""
        pert = (*self.individual, self.joint)
        scaled = [
            low + (high - low) * beta
            for (low, _, high), beta in zip(pert, floor[: len(pert)], strict=True)
        ]
        baseline = np.zeros_like(floor[0])
        for values in scaled[:-1]:
            baseline += values
        surplus = scaled[-1] - floor[-1] - baseline
        return bool(np.allclose(surplus, result.surplus_draws, rtol=1e-12, atol=1e-9))


# --------------------------------------------------------------------------------------
# The measures
# --------------------------------------------------------------------------------------


def measure_assess(survey: Survey, settings: Settings) -> Row:
    """Measure 1: assess (without rung probabilities) against the per-group sums and counts."""
    row = Row("1 assess + read findings", "numpy floor: sums, counts", 3.0)
    a, g, n_groups = survey.answers, survey.groups, survey.n_groups
    progress("1: timing assess (reading every finding) and its numpy floor, in turn")
    timings = best_of(
        {
            "floor": lambda: floor_sums_counts(a, g, n_groups),
            "ours": lambda: assess_without_probabilities(survey),
        },
        settings.runs,
        settings.budget,
    )
    with recording(row):
        row.reference, row.ours = timings["floor"].best, timings["ours"].best
        row.runs = f"{timings['ours'].runs}/{timings['floor'].runs}"
        result = assess_without_probabilities(survey)
        kinds: dict[str, int] = {}
        for finding in result.findings:
            kinds[finding.kind] = kinds.get(finding.kind, 0) + 1
        listed = ", ".join(f"{kind} {count:,}" for kind, count in sorted(kinds.items()))
        row.notes.append(f"{len(result.findings):,} findings ({listed})")
        if "overstated_label" not in kinds:
            row.notes.append("warning: no overstated_label finding; the claims were not used")
    return row


def measure_agreement(survey: Survey, settings: Settings) -> list[Row]:
    """Measure 2: rwg_j, awg and icc1 against the per-group sums and sums of squares."""
    a, g, n_groups = survey.answers, survey.groups, survey.n_groups
    floor_name = "numpy floor: sums, squares"
    rows = {
        "rwg_j": Row("2 rwg_j (10 items)", floor_name, 2.0),
        "awg": Row("2 awg (10 items)", floor_name, 2.0),
        "icc1": Row("2 icc1 (10 calls, 1 item each)", floor_name, 2.0),
    }
    progress("2: timing rwg_j, awg, icc1 and their numpy floor, in turn")
    timings = best_of(
        {
            "floor": lambda: floor_sums_squares(a, g, n_groups),
            "rwg_j": lambda: rwg_j(a, g, null_variance=2.0),
            "awg": lambda: awg(a, g, low=0, high=4),
            "icc1": lambda: icc1_each_question(a, g),
        },
        settings.runs,
        settings.budget,
    )
    floor = timings["floor"]
    for name, row in rows.items():
        with recording(row):
            row.reference, row.ours = floor.best, timings[name].best
            row.runs = f"{timings[name].runs}/{floor.runs}"
    return list(rows.values())


def measure_simulation(settings: Settings) -> Row:
    """Measure 4: the Monte Carlo added-value test against drawing its samples."""
    row = Row(f"4 simulate_added_value ({settings.draws:,} draws)", "numpy: the same draws", 2.0)
    model = ValueModel()
    shapes = model.pert_shapes()
    with recording(row):
        progress("4: timing the simulation and its draws, in turn")
        timings = best_of(
            {
                "floor": lambda: deque(model.floor(settings.draws, shapes), maxlen=0),
                "ours": lambda: model.simulate(settings.draws),
            },
            settings.runs,
            settings.budget,
        )
        row.reference, row.ours = timings["floor"].best, timings["ours"].best
        row.runs = f"{timings['ours'].runs}/{timings['floor'].runs}"
        samples = list(model.floor(settings.draws, shapes))
        if not model.same_samples(model.simulate(settings.draws), samples):
            row.error = "the floor does not draw the samples the package uses: fix the benchmark"
    return row


def import_seconds(statement: str) -> float:
    """Time `statement` (an import) in a fresh interpreter, measured inside it.

    Python may write bytecode caches (an environment that sets PYTHONDONTWRITEBYTECODE
    would otherwise make the package, installed from source, compile on every import,
    while numpy and attrs were compiled when pip installed them); each statement is run
    once untimed first, so both sides import from their caches.
    """
    code = (
        f"import time\nstart = time.perf_counter()\n{statement}\nprint(time.perf_counter() - start)"
    )
    environment = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=environment
    )
    return float(done.stdout.strip().splitlines()[-1])


def measure_import(settings: Settings) -> Row:
    """Measure 5: importing the package against importing its dependencies."""
    row = Row("5 import jointworking", "import numpy, attrs", 1.3)
    with recording(row):
        progress(f"5: timing imports in {2 * settings.import_runs} fresh interpreters")
        ours: list[float] = []
        theirs: list[float] = []
        import_seconds("import numpy, attrs")  # untimed: write any bytecode caches
        import_seconds("import jointworking")
        for _ in range(settings.import_runs):  # alternate, so that drift hits both alike
            theirs.append(import_seconds("import numpy, attrs"))
            ours.append(import_seconds("import jointworking"))
        row.ours, row.reference = min(ours), min(theirs)
        row.runs = f"{len(ours)}/{len(theirs)}"
    return row


def measure_probabilities(survey: Survey, settings: Settings) -> Row:
    """Measure 7: assess with rung probabilities against the same assessment without."""
    row = Row("7 assess with rung probabilities", "assess without them", 2.0)
    progress("7: timing assess with and without the bootstrap of each group, in turn")
    timings = best_of(
        {
            "without": lambda: assess_without_probabilities(survey),
            "ours": lambda: assess_and_read(survey),
        },
        settings.runs,
        settings.budget,
    )
    with recording(row):
        row.reference, row.ours = timings["without"].best, timings["ours"].best
        row.runs = f"{timings['ours'].runs}/{timings['without'].runs}"
        result = assess_and_read(survey)
        uncertain = sum(g.uncertain for g in result.groups)
        row.notes.append(
            f"{result.resamples:,} resamples a group; {uncertain:,} of {len(result.groups):,}"
            " groups uncertain"
        )
    return row


def measure_memory(survey: Survey) -> Row:
    """Measure 6: the peak memory traced while assessing, against the answer matrix."""
    row = Row("6 assess peak memory", "A.nbytes", 3.0, unit="bytes")
    with recording(row):
        progress("6: tracing the memory of assess")
        row.reference = float(survey.answers.nbytes)
        gc.collect()
        tracemalloc.start()
        try:
            result = assess_and_read(survey)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        del result
        row.ours, row.runs = float(peak), "1"
    return row


# --------------------------------------------------------------------------------------
# R
# --------------------------------------------------------------------------------------

R_SCRIPT = r"""
args <- commandArgs(trailingOnly = TRUE)
suppressPackageStartupMessages(library(multilevel))
say <- function(...) { cat(..., "\n", sep = ""); flush(stdout()) }
say("PROGRESS reading the CSV (not timed)")
d <- read.csv(args[1], na.strings = "nan")
x <- d[, setdiff(names(d), "group")]
grpid <- d$group
say("ROWS ", sum(complete.cases(x)), " ", nrow(x))
say("PROGRESS timing rwg.j")
invisible(gc())
say("TIME rwg.j ", system.time(rwg.j(x, grpid, 2))[["elapsed"]])
say("PROGRESS timing awg")
invisible(gc())
say("TIME awg ", system.time(awg(x, grpid, range = c(0, 4)))[["elapsed"]])
say("PROGRESS timing ICC1(aov(...)) on the first ", args[2], " groups, question 1")
sub <- d[d$group < as.integer(args[2]), ]
y <- sub$q1
group <- sub$group
best <- Inf
for (i in seq_len(as.integer(args[3]))) {
  invisible(gc())
  best <- min(best, system.time(ICC1(aov(y ~ as.factor(group))))[["elapsed"]])
}
say("TIME ICC1 ", best)
"""


def r_unavailable() -> str:
    """Return why R's multilevel cannot be used here, or ``""`` if it can."""
    rscript = shutil.which("Rscript")
    if rscript is None:
        return "Rscript is not on the PATH"
    probe = "suppressPackageStartupMessages(library(multilevel)); cat('ok')"
    try:
        done = subprocess.run(
            [rscript, "-e", probe], capture_output=True, text=True, timeout=120, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"Rscript failed to start: {error}"
    if done.returncode != 0 or "ok" not in done.stdout:
        return "library(multilevel) does not load in R"
    return ""


def r_version() -> str:
    """Return R's and multilevel's versions, for the context lines."""
    probe = (
        "suppressPackageStartupMessages(library(multilevel));"
        " cat(R.version$version.string, '- multilevel', format(packageVersion('multilevel')))"
    )
    done = subprocess.run(["Rscript", "-e", probe], capture_output=True, text=True, check=False)
    return done.stdout.strip() or "unknown"


def write_csv(path: Path, a: FloatArray, g: IntArray) -> None:
    """Write the answers (``nan`` where missing) and group numbers as a CSV for R."""
    header = ",".join([*(f"q{q + 1}" for q in range(a.shape[1])), "group"])
    columns = np.column_stack((a, g.astype(np.float64)))
    np.savetxt(path, columns, fmt="%g", delimiter=",", header=header, comments="")


def run_r(survey: Survey, workdir: Path) -> dict[str, float]:
    """Run the R timings in one Rscript process; return R's seconds by function name."""
    csv, script = workdir / "answers.csv", workdir / "bench.R"
    progress(f"3: writing {len(survey.groups):,} rows for R to {csv}")
    write_csv(csv, survey.answers, survey.groups)
    script.write_text(R_SCRIPT)
    command = ["Rscript", str(script), str(csv), str(ICC_SUBSET_GROUPS), str(R_ICC_RUNS)]
    found: dict[str, float] = {}
    start = time.perf_counter()
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True) as child:
        assert child.stdout is not None
        for line in child.stdout:
            word, _, rest = line.strip().partition(" ")
            if word == "TIME":
                name, value = rest.split()
                found[name] = float(value)
                progress(f"3: R {name} took {float(value):.2f} s")
            elif word == "ROWS":
                complete, total = rest.split()
                found["complete"], found["total"] = float(complete), float(total)
            else:
                progress(f"3: R [{time.perf_counter() - start:.0f} s] {rest or word}")
    if child.returncode != 0:
        raise RuntimeError(f"Rscript exited with status {child.returncode}")
    return found


def measure_r(survey: Survey, settings: Settings, agreement: list[Row]) -> list[Row]:
    """Measure 3: R's multilevel against our functions (R's time / ours >= 100).

    `agreement` holds measure 2's rows for rwg_j and awg, whose times are ours here.
    """
    rows = [
        Row("3 rwg_j vs R rwg.j", "R multilevel rwg.j", 100.0, faster=True),
        Row("3 awg vs R awg", "R multilevel awg", 100.0, faster=True),
        Row(
            f"3 icc1 vs R ICC1(aov), {ICC_SUBSET_GROUPS} groups",
            "R ICC1(aov(...))",
            100.0,
            faster=True,
        ),
    ]
    for row, same in zip(rows, agreement, strict=False):
        row.ours, row.runs = same.ours, same.runs.partition("/")[0]
        if same.error:
            row.skipped = f"no time of ours: {same.measure} failed"
    subset = survey.groups < ICC_SUBSET_GROUPS
    y, g = survey.answers[subset, 0], survey.groups[subset]
    dense = len(survey.groups) * survey.n_groups * 8 / 1e9
    rows[2].notes.append(
        f"both on question 1 for the {int(subset.sum()):,} respondents of the first"
        f" {ICC_SUBSET_GROUPS} groups only: for all {survey.n_groups:,} groups aov's dense"
        f" model matrix would need {dense:,.1f} GB"
    )
    with recording(rows[2]):
        timing = best_of({"icc1": lambda: icc1(y, g)}, settings.runs, settings.budget)["icc1"]
        rows[2].ours, rows[2].runs = timing.best, str(timing.runs)
    reason = "quick mode" if settings.mode == "quick" else r_unavailable()
    if reason:
        for row in rows:
            row.skipped = f"R skipped: {reason}"
        return rows
    with recording(*rows), tempfile.TemporaryDirectory() as workdir:
        found = run_r(survey, Path(workdir))
        rows[0].reference, rows[1].reference = found["rwg.j"], found["awg"]
        rows[2].reference = found["ICC1"]
        for row, r_runs in zip(rows, (1, 1, R_ICC_RUNS), strict=True):
            row.runs = f"{row.runs or '-'}/{r_runs}"
        rows[0].notes.append(
            f"R drops incomplete rows: it scores {found['complete']:,.0f} of"
            f" {found['total']:,.0f} rows; we score them all"
        )
    return rows


# --------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------


def cpu_model() -> str:
    """Return the CPU's model name, where Linux says it."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.partition(":")[2].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def load_average() -> str:
    """Return the 1, 5 and 15 minute load averages, where the system says them."""
    try:
        return ", ".join(f"{load:.2f}" for load in os.getloadavg())
    except (AttributeError, OSError):
        return "unknown"


def context(settings: Settings, survey: Survey) -> list[str]:
    """Lines describing the machine, the versions and the sizes."""
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None
    cpus = f"{os.cpu_count()} ({usable} usable)" if usable else f"{os.cpu_count()}"
    n, n_groups = settings.respondents, settings.groups
    return [
        f"mode           {settings.mode}",
        f"python         {platform.python_version()} ({platform.python_implementation()})"
        f" on {platform.platform()}",
        f"numpy          {np.__version__}",
        f"jointworking   {jw.__version__}",
        f"cpu            {cpu_model()}, CPU count {cpus}",
        f"load average   {load_average()} (1, 5, 15 min, at the end;"
        " above the CPU count, timings are noisy)",
        f"respondents    {n:,} x {N_QUESTIONS} questions, 5% missing"
        f" (A: {survey.answers.nbytes / 1e6:.1f} MB float64)",
        f"groups         {n_groups:,} of {settings.per_group} respondents:"
        f" {settings.organisations:,} organisations x (internal + {len(settings.offsets)}"
        f" partners), {len(UNITS)} units each",
        f"claims         {len(survey.claims):,} pairs",
        f"draws          {settings.draws:,} (measure 4)",
        f"runs           best of {settings.runs} (fewer past {settings.budget:g} s a side),"
        f" imports best of {settings.import_runs}; seed {SEED}",
        f"build          Responses.from_arrays took {seconds(survey.build_seconds)}"
        " (information, not a target)",
    ]


def main(argv: list[str] | None = None) -> int:
    """Run every measure, print the table, and return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0] if __doc__ else None)
    parser.add_argument(
        "--quick", action="store_true", help="small sizes, to check that the script works"
    )
    settings = QUICK if parser.parse_args(argv).quick else FULL
    started = time.perf_counter()
    progress(f"generating {settings.respondents:,} respondents and building Responses")
    survey = make_survey(settings)

    rows = [measure_assess(survey, settings), *measure_agreement(survey, settings)]
    rows += [measure_simulation(settings), measure_import(settings), measure_memory(survey)]
    rows.append(measure_probabilities(survey, settings))
    rows += measure_reading(
        survey.responses, survey.groups, settings.reading_runs, settings.budget, settings.chunk
    )
    r_rows = measure_r(survey, settings, rows[1:3])
    rows[4:4] = r_rows  # keep the measures in their numbered order
    r_context = r_version() if not r_rows[0].skipped and not r_rows[0].error else ""

    print()
    print(f"jointworking benchmarks ({settings.mode})")
    print("\n".join(context(settings, survey)))
    if r_context:
        print(f"R              {r_context}")
    print()
    print(table(rows))
    print("runs: how many runs ours/the reference's best was taken from")
    print()
    statuses = [row.status for row in rows]
    failed = statuses.count("FAIL")
    print(
        f"{statuses.count('ok')} ok, {failed} failed, {statuses.count('skip')} skipped,"
        f" {statuses.count('ERROR')} errors, in {time.perf_counter() - started:.0f} s"
    )
    if "ERROR" in statuses:
        return 2
    if settings.mode == "quick":
        print("quick mode: sizes too small to judge speed; targets shown for information only")
        return 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
