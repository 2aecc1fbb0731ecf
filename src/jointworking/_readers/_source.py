"""Where a survey file comes from: a path or a file object, its name, format and content."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import IO

from jointworking._readers._constants import (
    _FIRST_CHARACTER,
    _FORMATS,
    _SPREADSHEETS,
    _STREAM,
    _SUFFIXES,
)
from jointworking.errors import ArgumentError, ResponseFileError


def _check_format(format: object) -> str | None:
    if format is None:
        return None
    if isinstance(format, str) and format.strip().casefold() in _FORMATS:
        return format.strip().casefold()
    raise ArgumentError(f"format: expected 'csv', 'json' or None, got {format!r}")


def _format_of(suffix: str, name: str) -> str | None:
    """Return the format a suffix names, None for no suffix; refuse any other suffix."""
    if not suffix:
        return None
    if suffix in _SUFFIXES:
        return _SUFFIXES[suffix]
    hint = (
        " (save it as .xlsx, which is read, or save the sheet as CSV UTF-8)"
        if suffix in _SPREADSHEETS
        else ""
    )
    raise ResponseFileError(
        name,
        f"cannot tell the format from the suffix {suffix!r}{hint}; expected .csv, .txt,"
        " .tsv or .json, or pass format='csv' or format='json' (--input-format on the"
        " command line)",
    )


def _sniff(text: str) -> str:
    first = _FIRST_CHARACTER.match(text)
    return "json" if first is not None and first.group(1) in "[{" else "csv"


def _stream_name(stream: object) -> str:
    name = getattr(stream, "name", None)
    return name if isinstance(name, str) and name else _STREAM


def _suffix(name: str) -> str:
    return "" if name == _STREAM else Path(name).suffix.casefold()


def _identify(
    source: str | os.PathLike[str] | IO[bytes] | IO[str],
) -> tuple[str, Callable[..., object] | None]:
    """Return the name for messages, and the file object's ``read`` (None for a path)."""
    if isinstance(source, str | os.PathLike):
        name = os.fsdecode(source)
        if "\n" in name:
            raise ArgumentError(
                "source: expected a path or an open file, got text with line breaks; to read"
                " text, pass io.StringIO(text)"
            )
        return name, None
    read = getattr(source, "read", None)
    if not callable(read):
        raise ArgumentError(f"source: expected a path or an open file, got {type(source).__name__}")
    return _stream_name(source), read


def _cannot_decode(name: str) -> ResponseFileError:
    return ResponseFileError(
        name,
        "cannot be decoded with the encoding the file was opened with; open it in"
        " binary mode ('rb') so that its encoding is detected",
    )


def _load(
    source: str | os.PathLike[str] | IO[bytes] | IO[str], chosen: str | None
) -> tuple[str, str, bytes | str]:
    """Return the name for messages, the suffix and the content (bytes, or text)."""
    name, read = _identify(source)
    suffix = _suffix(name)
    if read is None:
        if chosen is None:
            _format_of(suffix, name)  # refuse an unknown suffix before reading
        try:
            return name, suffix, Path(name).read_bytes()
        except OSError as error:
            raise ResponseFileError(name, f"cannot be read: {error.strerror or error}") from None
    try:
        data = read()
    except UnicodeDecodeError:
        raise _cannot_decode(name) from None
    except OSError as error:
        raise ResponseFileError(name, f"cannot be read: {error}") from None
    if isinstance(data, bytes | bytearray | memoryview):
        return name, suffix, bytes(data)
    if isinstance(data, str):
        return name, suffix, data
    raise ArgumentError(f"source: reading it gave {type(data).__name__}, not bytes or text")
