"""Qualtrics: the CSV download ("Export data", CSV), three header rows.

The first header row holds column ids (``StartDate``, ..., ``ResponseId``, ``Q1``,
``Q2``, ...), the second the question texts (and the tool's columns' names, ``Start
Date``, ...), the third import ids (``{"ImportId":"QID1"}``); older exports leave out
the third. A column's title is its question text; a mapping may also name a column by
its id (``Q7``).

A response is incomplete when ``Finished`` is false (``False`` or ``0``) or, without a
``Finished`` column, when ``Progress`` is below 100.
"""

from collections.abc import Mapping, Sequence

from jointworking._readers.forms._layout import Layout, Role


def _header_row(index: int, values: Sequence[object]) -> bool:
    if index == 1:
        return True
    return index == 2 and any(
        isinstance(value, str) and value.strip().startswith('{"ImportId"') for value in values
    )


def _titles(rows: Sequence[Sequence[str]]) -> list[tuple[str, ...]]:
    ids = rows[0]
    texts = rows[1] if len(rows) > 1 else ids
    titles: list[tuple[str, ...]] = []
    for index, column in enumerate(ids):
        text = texts[index].strip() if index < len(texts) else ""
        titles.append((text, column) if text and text != column.strip() else (column,))
    return titles


def _incomplete(cells: Mapping[Role, str]) -> tuple[Role, str] | None:
    finished = cells.get("finished")
    if finished is not None:
        if finished.strip().casefold() in {"false", "0"}:
            return "finished", f"Finished is {finished.strip()!r}"
        return None
    progress = cells.get("progress", "").strip()
    try:
        if float(progress) < 100:
            return "progress", f"Progress is {progress!r}"
    except ValueError:
        pass
    return None


LAYOUT = Layout(
    "Qualtrics",
    signature=frozenset({"responseid", "startdate"}),
    columns={
        "startdate": "tool",
        "enddate": "tool",
        "status": "tool",
        "ipaddress": "personal",
        "progress": "progress",
        "duration (in seconds)": "tool",
        "finished": "finished",
        "recordeddate": "tool",
        "responseid": "id",
        "recipientlastname": "personal",
        "recipientfirstname": "personal",
        "recipientemail": "personal",
        "externalreference": "personal",
        "externaldatareference": "personal",
        "locationlatitude": "personal",
        "locationlongitude": "personal",
        "distributionchannel": "tool",
        "userlanguage": "tool",
    },
    prefixes={"q_": "tool"},
    header_rows=_header_row,
    titles=_titles,
    incomplete=_incomplete,
    order=10,
)
