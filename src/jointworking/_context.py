"""Read the context of a survey from files: arrangements, claims and targets.

Small CSV files that say what the survey's answers alone cannot: which multi-party
arrangements exist and who is in them, what each relationship is called, and what it aims
for. Errors name the file, the line (the header is line 1) and the column.

They are read as survey files are (see :func:`~jointworking.read_responses`): UTF-8,
with or without a byte order mark, UTF-16 with one, or Windows-1252 throughout, a file
mixing encodings being an error naming the line; names are trimmed and stored in Unicode
normalisation form C, and may not hold control, line-break or invisible characters; and
two names in one file that differ only in case, spacing or the form of their characters
are an error naming both lines.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterator, Mapping
from pathlib import Path

from jointworking._readers._encodings import _decode
from jointworking.errors import ArgumentError, ResponseFileError
from jointworking.responses import _NAMES_ALIKE, _fold, _LookAlikes, _nfc, _shown, _text_problem
from jointworking.rung import Rung

__all__ = ["read_arrangements", "read_rungs"]


class _Names:
    """Check the names of one file: text a name may hold, and no two only looking alike."""

    def __init__(self, name: str) -> None:
        self._name = name
        self._seen: _LookAlikes[int] = _LookAlikes(_fold)

    def check(self, text: str, line: int, column: str) -> str:
        """Return name `text` (trimmed) in NFC, or raise naming the file, line and column."""
        if not (text.isascii() and text.isprintable()):
            problem = _text_problem(text)
            if problem is not None:
                raise ResponseFileError(self._name, problem, line=line, column=column)
            text = _nfc(text)
        if text:
            other = self._seen.check(text, line)
            if other is not None:
                first, at = other
                raise ResponseFileError(
                    self._name,
                    f"{_shown(first)} (line {at}) and {_shown(text)} {_NAMES_ALIKE}",
                    line=line,
                    column=column,
                )
        return text


def _path_name(path: object) -> str:
    """Return a path as text for messages; refuse anything that is not a path."""
    if not isinstance(path, str | os.PathLike):
        raise ArgumentError(f"path: expected a path to a CSV file, got {path!r}")
    return os.fsdecode(path)


def _rows(
    path: str | os.PathLike[str], required: tuple[str, ...]
) -> Iterator[tuple[int, dict[str, str], dict[str, str]]]:
    """Yield (line, values by lower-case header, header as written) for each non-blank row."""
    name = _path_name(path)
    try:
        raw = Path(path).read_bytes()
    except OSError as error:
        raise ResponseFileError(name, f"cannot be read: {error.strerror or error}") from None
    text, undecodable = _decode(raw, name)
    if undecodable is not None:
        raise undecodable
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
    name = _path_name(path)
    out: dict[str, list[str]] = {}
    names = _Names(name)
    for line, row, written in _rows(path, ("arrangement", "member")):
        for column in ("arrangement", "member"):
            if not row[column]:
                raise ResponseFileError(
                    name,
                    "expected a name, got a blank cell",
                    line=line,
                    column=written[column],
                )
            row[column] = names.check(row[column], line, written[column])
        members = out.setdefault(row["arrangement"], [])
        if row["member"] in members:
            raise ResponseFileError(
                name,
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
    name = _path_name(path)
    names = _Names(name)
    out: dict[tuple[str, str] | str, Rung] = {}
    seen: dict[frozenset[str] | str, int] = {}
    for line, row, written in _rows(path, ("organisation", "partner", "rung")):
        partner = names.check(row["partner"], line, written["partner"])
        organisation = names.check(row["organisation"], line, written["organisation"])
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
