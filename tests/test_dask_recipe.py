"""The Dask recipe of the large-surveys how-to, run as written, with Dask.

The recipe's code block is taken from docs/howto/large-surveys.md and run unchanged in a
directory holding a generated survey split into CSV files (``survey-*.csv``, one Dask
partition each), on Dask's local schedulers. The statistics it builds with
``GroupStatistics.from_sums`` must be those ``GroupStatistics.from_responses`` gives for
the whole survey read with ``read_responses`` (without cross sums, which the recipe does
not compute), and must assess alike.

Dask is in the ``test`` extra, so it is imported here outright: a missing Dask fails
these tests rather than skipping them.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path
from typing import Any

import dask
import dask.dataframe  # the recipe imports it: Dask with its dataframe extra
import numpy as np
import pytest

import jointworking as jw
from jointworking import ArgumentError, GroupStatistics
from jointworking.io import read_responses

HOWTO = Path(__file__).resolve().parent.parent / "docs" / "howto" / "large-surveys.md"
HEADER = ["organisation", "about", "respondent", "unit", "wave"] + [
    f"q{n}" for n in jw.MORLEY_2016.numbers
]
ORGANISATIONS = ["Harlow DC", "Essex CC", "Epping Forest DC", "Uttlesford DC", "Care, Ltd"]
UNITS = ["Housing", "Finance", "NA", ""]  # "NA" is a unit's name, not a missing one
WAVES = ["2026-Q1", "2026-Q2", ""]
CLAIMS = {("Harlow DC", "Essex CC"): "partnership"}  # the claims the recipe passes
PARTITIONS = 4


def _recipe() -> str:
    """The code block of the how-to's section on Dask."""
    section = HOWTO.read_text(encoding="utf-8").split("## On a cluster with Dask", 1)[1]
    found = re.search(r"```python\n(.*?)```", section, re.DOTALL)
    assert found is not None, "no python code block in the how-to's section on Dask"
    code = found.group(1)
    assert '"survey-*.csv"' in code  # it reads the files of the current directory
    return code


def _survey(seed: int, *, waves: bool) -> list[list[str]]:
    """Rows of a wide CSV survey: 3,000 respondents, 8% of answers missing.

    Some respondents answer nothing; with `waves` False the wave column is blank
    throughout, as in a survey of one wave.
    """
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(3000):
        organisation = ORGANISATIONS[rng.integers(len(ORGANISATIONS))]
        about = ORGANISATIONS[rng.integers(len(ORGANISATIONS))]
        answers = [
            "" if rng.random() < 0.08 else str(rng.integers(0, 5)) for _ in jw.MORLEY_2016.numbers
        ]
        if i % 500 == 7:
            answers = [""] * len(answers)
        rows.append(
            [
                organisation,
                "internal" if about == organisation else about,
                f"r{i:05d}",
                UNITS[rng.integers(len(UNITS))],
                WAVES[rng.integers(len(WAVES))] if waves else "",
                *answers,
            ]
        )
    return rows


def _write(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file, lineterminator="\n")
        writer.writerow(HEADER)
        writer.writerows(rows)


def _split(directory: Path, rows: list[list[str]]) -> None:
    """Write the rows as survey-1.csv .. survey-4.csv, in turn.

    The first file's unit and wave columns are blank throughout, so that read alone they
    would not be text: Dask takes the columns' types from the first file.
    """
    directory.mkdir()
    for part in range(PARTITIONS):
        chunk = rows[part::PARTITIONS]
        if part == 0:
            chunk = [[*row[:3], "", "", *row[5:]] for row in chunk]
        _write(directory / f"survey-{part + 1}.csv", chunk)


def _read_part(tmp_path: Path, part: int) -> list[list[str]]:
    """The data rows of one of the files :func:`_split` wrote."""
    with (tmp_path / "parts" / f"survey-{part + 1}.csv").open(encoding="utf-8") as file:
        return list(csv.reader(file))[1:]


def _run_recipe(directory: Path, scheduler: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Run the how-to's code block in `directory` with a local scheduler; its names."""
    monkeypatch.chdir(directory)
    namespace: dict[str, Any] = {}
    with dask.config.set(scheduler=scheduler):
        exec(compile(_recipe(), str(HOWTO), "exec"), namespace)
    return namespace


@pytest.mark.parametrize("scheduler", ["synchronous", "threads"])
@pytest.mark.parametrize("waves", [True, False], ids=["waves", "no-wave"])
def test_recipe_gives_the_whole_survey_statistics(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, scheduler: str, waves: bool
) -> None:
    """The recipe's statistics equal from_responses of the whole file, and assess alike."""
    rows = _survey(1 if waves else 2, waves=waves)
    _split(tmp_path / "parts", rows)
    # The whole survey, as one file: the partitions' rows (the first's units and waves
    # blank as there), in any order.
    whole_file = tmp_path / "whole.csv"
    _write(whole_file, [row for part in range(PARTITIONS) for row in _read_part(tmp_path, part)])
    whole = read_responses(whole_file)
    assert isinstance(whole, jw.Responses)
    expected = GroupStatistics.from_responses(whole, cross=False)

    names = _run_recipe(tmp_path / "parts", scheduler, monkeypatch)

    stats = names["stats"]
    assert stats == expected
    assert stats.respondents.sum() == len(rows)
    assert names["result"].to_dict() == jw.assess(expected, claims=CLAIMS).to_dict()
    assert jw.assess(stats).to_dict() == jw.assess(expected).to_dict()


def test_a_blank_organisation_is_refused_not_dropped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A row without an organisation reaches from_sums, which refuses it."""
    rows = _survey(3, waves=True)
    rows[5][0] = ""
    _split(tmp_path / "parts", rows)
    with pytest.raises(ArgumentError, match=r"organisation \(row \d+\): expected text"):
        _run_recipe(tmp_path / "parts", "synchronous", monkeypatch)
