"""Read the context of a survey from files: arrangements, claims and targets.

Small CSV files that say what the survey's answers alone cannot: which multi-party
arrangements exist and who is in them, what each relationship is called, and what it aims
for. Errors name the file, the line (the header is line 1) and the column.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterator, Mapping
from pathlib import Path

from jointworking.errors import ArgumentError, ResponseFileError
from jointworking.rung import Rung

__all__ = ["read_arrangements", "read_rungs"]


def _rows(
    path: str | os.PathLike[str], required: tuple[str, ...]
) -> Iterator[tuple[int, dict[str, str], dict[str, str]]]:
    """Yield (line, values by lower-case header, header as written) for each non-blank row."""
    name = str(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as error:
        raise ResponseFileError(name, f"cannot be read: {error.strerror}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = raw.decode("cp1252")
        except UnicodeDecodeError:
            raise ResponseFileError(name, "cannot be decoded as UTF-8 or cp1252 text") from None
    try:
        dialect = csv.Sniffer().sniff(text.partition("\n")[0] or ",", delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader, None)
        if header is None:
            raise ResponseFileError(name, "the file is empty; expected a header line")
        written = {h.strip().casefold(): h for h in header}
        for column in required:
            if column not in written:
                raise ResponseFileError(
                    name,
                    f"missing column {column!r}; expected columns {', '.join(required)}",
                    line=1,
                )
        keys = [h.strip().casefold() for h in header]
        _check_columns(name, keys, header, required)
        start = reader.line_num + 1
        for row in reader:
            line, start = start, reader.line_num + 1
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(keys):
                raise ResponseFileError(
                    name, f"expected {len(keys)} fields as in the header, got {len(row)}", line=line
                )
            yield line, {k: v.strip() for k, v in zip(keys, row, strict=True)}, written
    except csv.Error as error:
        raise ResponseFileError(name, f"not valid CSV: {error}", line=reader.line_num) from None


def _check_columns(
    name: str, keys: list[str], header: list[str], required: tuple[str, ...]
) -> None:
    first: dict[str, int] = {}
    for position, (key, as_written) in enumerate(zip(keys, header, strict=True), start=1):
        if key not in required:
            raise ResponseFileError(
                name,
                f"unknown column; expected columns {', '.join(required)}",
                line=1,
                column=as_written,
            )
        if key in first:
            # One value would silently replace the other: refuse instead.
            raise ResponseFileError(
                name,
                f"columns {first[key]} and {position} have the same name; give each column once",
                line=1,
                column=as_written,
            )
        first[key] = position


def read_arrangements(path: str | os.PathLike[str]) -> dict[str, list[str]]:
    """Read multi-party arrangements: a CSV with columns ``arrangement`` and ``member``.

    One row per member; an arrangement needs at least two.

    Raises
    ------
    ResponseFileError
        For a missing or repeated column, a blank cell or a member given twice, naming
        the file, line and column.
    """
    out: dict[str, list[str]] = {}
    for line, row, written in _rows(path, ("arrangement", "member")):
        for column in ("arrangement", "member"):
            if not row[column]:
                raise ResponseFileError(
                    str(path),
                    "expected a name, got a blank cell",
                    line=line,
                    column=written[column],
                )
        members = out.setdefault(row["arrangement"], [])
        if row["member"] in members:
            raise ResponseFileError(
                str(path),
                f"{row['member']!r} is already a member of {row['arrangement']!r}",
                line=line,
                column=written["member"],
            )
        members.append(row["member"])
    return out


def read_rungs(
    path: str | os.PathLike[str], arrangements: Mapping[str, object]
) -> dict[tuple[str, str] | str, Rung]:
    """Read claimed or target rungs: a CSV with columns ``organisation``, ``partner``, ``rung``.

    A row names a relationship by two organisations (either order); a row whose
    ``partner`` names a declared arrangement is about that arrangement, and its
    ``organisation`` may be left blank.

    Raises
    ------
    ResponseFileError
        For a missing or repeated column, a blank name, an unknown rung or a relationship
        given twice, naming the file, line and column.
    """
    name = str(path)
    out: dict[tuple[str, str] | str, Rung] = {}
    seen: dict[frozenset[str] | str, int] = {}
    for line, row, written in _rows(path, ("organisation", "partner", "rung")):
        partner, organisation = row["partner"], row["organisation"]
        if not partner:
            raise ResponseFileError(
                name, "expected a partner or arrangement name", line=line, column=written["partner"]
            )
        key: tuple[str, str] | str
        seen_key: frozenset[str] | str
        if partner in arrangements:
            key, seen_key = partner, partner
        elif not organisation:
            raise ResponseFileError(
                name,
                f"expected an organisation ({partner!r} is not a declared arrangement)",
                line=line,
                column=written["organisation"],
            )
        else:
            key, seen_key = (organisation, partner), frozenset((organisation, partner))
        try:
            rung = Rung.parse(row["rung"], argument="rung")
        except ArgumentError as error:
            raise ResponseFileError(
                name, str(error).removeprefix("rung: "), line=line, column=written["rung"]
            ) from None
        if seen_key in seen:
            raise ResponseFileError(
                name, f"this relationship is already given on line {seen[seen_key]}", line=line
            )
        seen[seen_key] = line
        out[key] = rung
    return out
