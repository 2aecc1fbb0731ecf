"""Shared helpers for the tests: build small surveys, and the example's names."""

from __future__ import annotations

from collections.abc import Sequence

from jointworking import Response, Responses

DISTRICT = "Northfield District Council"
COUNTY = "Westshire County Council"
TRUST = "Westshire Community Health NHS Trust"
HOUSING = "Northfield Homes Housing Association"
VOLUNTARY = "Northfield Voluntary Action"
ALLIANCE = "Northfield Health and Housing Alliance"


def records(
    organisation: str,
    about: str,
    rows: Sequence[Sequence[float | None]],
    *,
    wave: str | None = None,
    units: Sequence[str | None] | None = None,
) -> list[Response]:
    """One Response per row, with ids unique within the group."""
    return [
        Response(
            organisation,
            about,
            f"{organisation}-{about}-{i}",
            dict(enumerate(row, 1)),
            unit=None if units is None else units[i],
            wave=wave,
        )
        for i, row in enumerate(rows)
    ]


def survey(*groups: list[Response]) -> Responses:
    """All the groups' responses in one collection."""
    return Responses.from_records([r for group in groups for r in group])
