"""SurveyMonkey: the "All individual responses" CSV or .xlsx export, two header rows.

The first header row holds the tool's columns (``Respondent ID``, ``Collector ID``,
``Start Date``, ``End Date``, ``IP Address``, ``Email Address``, ``First Name``, ``Last
Name``, ``Custom Data 1``) and each question's wording, once over all of its columns; the
second holds, under each question, ``Response`` or the answer option the column is for
(``Other (please specify)``). A column's title is its question's wording, followed by
`` - `` and the option where the option is not ``Response`` (or ``Open-Ended Response``).

A response the export marks as partial (a ``Status`` or ``Response Status`` column,
present when the export includes it, saying ``Partial`` or ``Incomplete``) is
incomplete.
"""

from collections.abc import Mapping, Sequence

from jointworking._readers.forms._layout import Layout, Role

_RESPONSE = frozenset({"response", "open-ended response"})


def _titles(rows: Sequence[Sequence[str]]) -> list[tuple[str, ...]]:
    first = rows[0]
    second = rows[1] if len(rows) > 1 else []
    titles: list[tuple[str, ...]] = []
    question = ""
    for index, cell in enumerate(first):
        option = second[index].strip() if index < len(second) else ""
        if cell.strip():
            question = cell.strip()
        elif not option:
            question = ""  # a column with no header at all
        if not question or not option or option.casefold() in _RESPONSE:
            titles.append((question or option,))
        else:
            titles.append((f"{question} - {option}", option))
    return titles


def _incomplete(cells: Mapping[Role, str]) -> tuple[Role, str] | None:
    status = cells.get("status", "").strip()
    if status.casefold() in {"partial", "incomplete"}:
        return "status", f"Status is {status!r}"
    return None


LAYOUT = Layout(
    "SurveyMonkey",
    signature=frozenset({"respondent id", "collector id"}),
    columns={
        "respondent id": "id",
        "collector id": "tool",
        "start date": "tool",
        "end date": "tool",
        "ip address": "personal",
        "email address": "personal",
        "first name": "personal",
        "last name": "personal",
        "custom data 1": "personal",
        "custom data": "personal",
        "status": "status",
        "response status": "status",
    },
    prefixes={"custom data": "personal"},
    header_rows=lambda index, values: index == 1,
    titles=_titles,
    incomplete=_incomplete,
    order=20,
)
