"""Tables of results for spreadsheets and data frames.

:func:`group_rows` and :func:`finding_rows` lay an :class:`~jointworking.Assessment` out
as rows of plain values; :func:`write_csv` writes them with every text cell protected
against spreadsheet formula injection; :func:`to_frame` makes a pandas DataFrame (pandas is
an optional dependency). Like every shared output, the rows withhold the per-question
figures of groups smaller than the minimum group size, and the mean of a question fewer
than that many answered with the index and r_wg(J) that would give it away, unless
``shared=False``.
"""

from __future__ import annotations

import csv
import math
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from jointworking._csvsafe import neutralise
from jointworking.assessment import Assessment
from jointworking.errors import JointWorkingError

__all__ = ["finding_rows", "group_rows", "to_frame", "write_csv"]

Row = dict[str, str | int | float | bool | None]


def _figure(value: float, withheld: bool) -> float | None:
    return None if withheld or math.isnan(value) else round(value, 6)


def _numbers(numbers: Sequence[int]) -> str:
    return " ".join(str(n) for n in numbers)


def group_rows(assessment: Assessment, *, shared: bool = True) -> list[Row]:
    """Return one row per group: its placement and per-question means.

    Parameters
    ----------
    assessment : Assessment
    shared : bool, optional
        Withhold small groups' index and per-question figures, and the mean of any
        question fewer than the minimum group size answered, with the index and r_wg(J)
        that would give it away (the default).

    Returns
    -------
    list of dict
        Keys ``organisation``, ``about``, ``wave``, ``respondents``, ``withheld``,
        ``rung``, ``index``, ``next``, ``blocking``, ``uncertain``, ``rwg_j``, then
        ``q1`` ... (the mean per question, in question order). Withheld figures are
        ``None``.

    Examples
    --------
    >>> import jointworking as jw
    >>> example = jw.load_example()
    >>> rows = group_rows(jw.assess(example.responses, arrangements=example.arrangements))
    >>> row = rows[0]
    >>> row["organisation"], row["about"], row["wave"]
    ('Northfield District Council', 'Northfield Health and Housing Alliance', '2026-Q1')
    >>> row["respondents"], row["rung"], row["q1"]
    (10, 'collaboration', 3.444444)
    """
    numbers = assessment.instrument.numbers
    rows: list[Row] = []
    for g in assessment.groups:
        hide = shared and g.small
        row: Row = {
            "organisation": g.organisation,
            "about": g.about,
            "wave": g.wave,
            "respondents": g.respondents,
            "withheld": hide,
            "rung": g.placement.rung.label,
            "index": _figure(g.placement.index, shared and g.overall_withheld),
            "next": None if g.placement.next is None else g.placement.next.label,
            "blocking": _numbers(g.placement.blocking),
            "uncertain": None if hide else _numbers(g.uncertain),
            "rwg_j": _figure(g.rwg_j, shared and g.overall_withheld),
        }
        for number, mean in zip(numbers, g.mean, strict=True):
            row[f"q{number}"] = _figure(mean, hide or (shared and number in g.withheld_questions))
        rows.append(row)
    return rows


FINDING_COLUMNS: tuple[str, ...] = (
    "severity",
    "kind",
    "subject",
    "wave",
    "organisations",
    "questions",
    "message",
)
"""The columns of :func:`finding_rows`, for writing a findings file that has none."""


def finding_rows(assessment: Assessment) -> list[Row]:
    """Return one row per finding, most severe first.

    Returns
    -------
    list of dict
        Keys ``severity``, ``kind``, ``subject``, ``wave``, ``organisations`` (joined
        with ``"; "``), ``questions`` (space-separated numbers) and ``message``.
    """
    return [
        {
            "severity": f.severity,
            "kind": f.kind,
            "subject": f.subject,
            "wave": f.wave,
            "organisations": "; ".join(f.organisations),
            "questions": _numbers(f.questions),
            "message": f.message,
        }
        for f in assessment.findings
    ]


def _cell(value: str | int | float | bool | None) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value) if isinstance(value, float) else str(value)
    return neutralise(value)


def write_csv(
    rows: Sequence[Row],
    target: str | os.PathLike[str] | TextIO,
    *,
    header: Sequence[str] | None = None,
) -> None:
    """Write rows as CSV, neutralising text that a spreadsheet would run as a formula.

    A text cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets
    a leading ``'``, so that opening the file in a spreadsheet never evaluates it.

    Raises
    ------
    JointWorkingError
        If the file cannot be written, naming it.
    """
    if header is None:
        if not rows:
            raise JointWorkingError("write_csv: no rows to write, and no header given")
        header = list(rows[0])

    def write(stream: TextIO) -> None:
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(header)
        writer.writerows([_cell(row[k]) for k in header] for row in rows)

    if isinstance(target, str | os.PathLike):
        try:
            with Path(target).open("w", encoding="utf-8", newline="") as stream:
                write(stream)
        except OSError as error:
            raise JointWorkingError(f"{target}: cannot be written: {error.strerror}") from None
    else:
        write(target)


def to_frame(assessment: Assessment, *, shared: bool = True) -> Any:
    """Return :func:`group_rows` as a pandas DataFrame (needs the optional pandas)."""
    try:
        import pandas as pd  # noqa: PLC0415 - optional dependency
    except ImportError:  # pragma: no cover - exercised only without pandas
        raise ImportError('to_frame needs pandas: pip install "jointworking[pandas]"') from None
    return pd.DataFrame(group_rows(assessment, shared=shared))
