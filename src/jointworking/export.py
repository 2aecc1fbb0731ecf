"""Tables of results for spreadsheets and data frames.

:func:`group_rows` and :func:`finding_rows` lay an :class:`~jointworking.Assessment` out
as rows of plain values; :func:`write_csv` writes them with every text cell protected
against spreadsheet formula injection; :func:`to_frame` makes a pandas DataFrame (pandas is
an optional dependency). Like every shared output, the rows lay out the assessment's
shared view (:meth:`~jointworking.Assessment.shared_view`) unless ``shared=False``.
"""

from __future__ import annotations

import csv
import math
import os
from collections.abc import Sequence
from typing import Any, TextIO

from jointworking._csvsafe import neutralise
from jointworking.assessment import Assessment
from jointworking.errors import JointWorkingError
from jointworking.rung import Rung

__all__ = [
    "ACTION_PLAN_COLUMNS",
    "action_plan_rows",
    "finding_rows",
    "group_rows",
    "to_frame",
    "write_csv",
]

Row = dict[str, str | int | float | bool | None]


def _figure(value: float) -> float | None:
    return None if math.isnan(value) else round(value, 6)


def _numbers(numbers: Sequence[int]) -> str:
    return " ".join(str(n) for n in numbers)


def group_rows(assessment: Assessment, *, shared: bool = True) -> list[Row]:
    """Return one row per group: its placement, how sure it is, and per-question means.

    Parameters
    ----------
    assessment : Assessment
    shared : bool, optional
        Lay out the assessment's shared view (the default, see
        :meth:`~jointworking.Assessment.shared_view`): a group smaller than the minimum
        group size shows its size and nothing computed from its answers, and a question
        fewer than that many answered counts as unanswered. False lays out every figure,
        for the analyst.

    Returns
    -------
    list of dict
        Keys ``organisation``, ``about``, ``wave``, ``respondents``, ``withheld``,
        ``rung``, ``confidence`` (the rung's probability), ``p_transaction``,
        ``p_collaboration``, ``p_partnership``, ``uncertain``, ``index``, ``next``,
        ``blocking``, ``withheld_questions``, ``rwg_j``, ``deciding_rwg_j``,
        ``divided``, then ``q1`` ... (the mean per question, in question order).
        Figures that are withheld or not available are ``None``.

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
    view = assessment._view_for(shared)
    numbers = view.instrument.numbers
    rows: list[Row] = []
    for g in view.groups:
        p = g.placement
        chances = g.rung_probabilities
        row: Row = {
            "organisation": g.organisation,
            "about": g.about,
            "wave": g.wave,
            "respondents": g.respondents,
            "withheld": p is None,
            "rung": None if p is None else p.rung.label,
            "confidence": _figure(g.confidence),
        }
        for rung in Rung:
            row[f"p_{rung.label}"] = None if chances is None else _figure(chances[rung])
        row.update(
            {
                "uncertain": g.uncertain,
                "index": None if p is None else _figure(p.index),
                "next": None if p is None or p.next is None else p.next.label,
                "blocking": None if p is None else _numbers(p.blocking),
                "withheld_questions": _numbers(g.withheld_questions),
                "rwg_j": _figure(g.rwg_j),
                "deciding_rwg_j": _figure(g.deciding_rwg_j),
                "divided": g.divided,
            }
        )
        for number, mean in zip(numbers, g.mean, strict=True):
            row[f"q{number}"] = _figure(mean)
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


def finding_rows(assessment: Assessment, *, shared: bool = True) -> list[Row]:
    """Return one row per finding, in the order of ``assessment.findings``.

    Parameters
    ----------
    assessment : Assessment
    shared : bool, optional
        The findings of the shared view (the default), or the analyst's.

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
        for f in assessment._view_for(shared).findings
    ]


ACTION_PLAN_COLUMNS: tuple[str, ...] = (
    "order",
    "subject",
    "about",
    "wave",
    "rung",
    "next_rung",
    "action",
    "questions",
    "reason",
)
"""The columns of :func:`action_plan_rows`."""


def action_plan_rows(assessment: Assessment) -> list[Row]:
    """Return the report's action plan as rows, for a consultant's own tracker.

    The same actions, in the same order, as the report's "Action plan" section: for each
    organisation (its internal joint working) and each relationship (its latest wave),
    in the order of the findings, what to do about each finding, then the next rung and
    the few questions to work on first. Like the report, it reads the shared view only.

    Parameters
    ----------
    assessment : Assessment

    Returns
    -------
    list of dict
        Keys :data:`ACTION_PLAN_COLUMNS`: ``order`` (1, 2, ...), ``subject`` (the
        organisation or relationship), ``about`` (``internal``, ``pair`` or
        ``arrangement``), ``wave``, ``rung`` (empty where withheld), ``next_rung``
        (empty at the top rung), ``action`` (in words), ``questions`` (space-separated
        numbers) and ``reason`` (the finding's kind, or ``next_rung``).

    Examples
    --------
    >>> from jointworking import assess, load_example
    >>> example = load_example()
    >>> result = assess(
    ...     example.responses, claims=example.claims, arrangements=example.arrangements
    ... )
    >>> rows = action_plan_rows(result)
    >>> rows[0]["reason"], rows[0]["order"]
    ('overstated_label', 1)
    >>> import io
    >>> out = io.StringIO()
    >>> write_csv(rows, out, header=ACTION_PLAN_COLUMNS)
    >>> out.getvalue().splitlines()[0]
    'order,subject,about,wave,rung,next_rung,action,questions,reason'
    """
    from jointworking import _action_plan  # noqa: PLC0415 - the report's modules load on use
    from jointworking._advice import Facts  # noqa: PLC0415

    if not isinstance(assessment, Assessment):
        raise TypeError(
            f"assessment: expected an Assessment from assess(), got {type(assessment).__name__}"
        )
    return [dict(row) for row in _action_plan.rows(Facts.of(assessment))]


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
    a leading ``'``, so that opening the file in a spreadsheet never evaluates it. A path
    is written atomically: to a temporary file in the same folder, then renamed over it,
    so that a failed write leaves the previous file intact and nothing partial behind.

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
        from jointworking._files import atomic_write  # noqa: PLC0415 - only when writing

        try:
            # Atomically: a failed write leaves the previous file as it was.
            atomic_write(target, write, newline="")
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
