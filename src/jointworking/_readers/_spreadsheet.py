"""Reading a spreadsheet (``.xlsx``) with openpyxl, row by row, every cell as text.

openpyxl is an optional dependency (``pip install "jointworking[xlsx]"``), imported only
when a spreadsheet is read. Cells are turned into text the same way every time: a whole
number as its digits (``3.0`` is ``"3"``), another number as Python writes it
(``2.5``), a date and time in ISO 8601 (``2026-03-02 09:14:00``; a date alone, or a
date and time at midnight, as ``2026-03-02``), TRUE or FALSE, and an empty cell as
``""``. Only the values are read, never formulas (a formula cell gives the
value the spreadsheet last calculated).
"""

import datetime as dt
import io
import os
import re
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path
from typing import IO, Any, Final

import attrs

from jointworking._readers._cells import _show
from jointworking.errors import ResponseFileError

READABLE: Final = frozenset({".xlsx", ".xlsm"})
"""The suffixes of the spreadsheets read (Office Open XML workbooks)."""
ZIP_START: Final = b"PK\x03\x04"
"""The first bytes of an ``.xlsx`` file (a ZIP archive)."""
_PLAIN_SHEET: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*")


def _cell_text(value: object) -> str:  # noqa: PLR0911 - one return per kind of cell
    """Return a cell's value as text, the same way every time.

    >>> [_cell_text(v) for v in (None, 3.0, 2.5, 7, True, "Some evidence")]
    ['', '3', '2.5', '7', 'TRUE', 'Some evidence']
    >>> _cell_text(dt.datetime(2026, 3, 2, 9, 14)), _cell_text(dt.datetime(2026, 3, 2))
    ('2026-03-02 09:14:00', '2026-03-02')
    """
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time():  # a date cell: spreadsheets store dates as midnight
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="seconds" if not value.microsecond else "auto")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


def _letter(index: int) -> str:
    """Return the letters of a 0-based column index: 0 is ``A``, 26 is ``AA``."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _sheet_ref(sheet: str) -> str:
    """Return a sheet's name as a cell reference writes it: quoted unless plain."""
    if _PLAIN_SHEET.fullmatch(sheet):
        return sheet
    return "'" + sheet.replace("'", "''") + "'"


@attrs.frozen
class Sheet:
    """One sheet's rows: (row number, cell values), blank rows left out.

    The values are as openpyxl gives them; :func:`_cell_text` turns one into text, and is
    called only on the cells that are read.
    """

    title: str
    rows: Iterator[tuple[int, tuple[object, ...]]]

    def cell(self, row: int, index: int) -> str:
        """Name a cell as a spreadsheet does: ``Sheet1!F7``."""
        return f"{_sheet_ref(self.title)}!{_letter(index)}{row}"

    def row(self, row: int) -> str:
        """Name a row: ``Sheet1 row 7``."""
        return f"{_sheet_ref(self.title)} row {row}"


def _openpyxl() -> Any:
    try:
        import openpyxl  # noqa: PLC0415 - an optional dependency, only for spreadsheets
    except ImportError:
        return None
    return openpyxl


def _open(source: Path | IO[bytes], name: str, sheet: str | None) -> Sheet:
    """Open a workbook and return the rows of `sheet` (the first sheet by default).

    The workbook is read as its rows are iterated, and closed when they are exhausted or
    the iterator is closed.
    """
    openpyxl = _openpyxl()
    if openpyxl is None:
        raise ResponseFileError(
            name,
            "reading a spreadsheet needs openpyxl: install it with"
            ' pip install "jointworking[xlsx]", or save the sheet as CSV UTF-8',
        )
    try:
        book = openpyxl.load_workbook(source, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a file that is not a workbook
        raise ResponseFileError(
            name, f"cannot be read as an .xlsx workbook: {type(error).__name__}: {error}"
        ) from None
    try:
        names: list[str] = list(book.sheetnames)
        if sheet is None:
            if not names:
                raise ResponseFileError(name, "the workbook has no sheets")
            title = names[0]
        else:
            title = next((n for n in names if n == sheet), "")
            if not title:
                shown = ", ".join(_show(n) for n in names)
                raise ResponseFileError(name, f"no sheet {_show(sheet)}; the workbook has {shown}")
    except BaseException:
        book.close()
        raise
    return Sheet(title, _rows(book, title, name))


def _rows(book: Any, title: str, name: str) -> Iterator[tuple[int, tuple[object, ...]]]:
    with closing(book):
        try:
            for number, values in enumerate(book[title].iter_rows(min_row=1, values_only=True), 1):
                if any(v is not None and (not isinstance(v, str) or v.strip()) for v in values):
                    yield number, values
        except (OSError, ValueError, KeyError) as error:
            raise ResponseFileError(name, f"cannot be read: {error}") from None


def open_sheet(
    source: str | os.PathLike[str] | IO[bytes] | IO[str],
    name: str,
    data: bytes | None,
    sheet: str | None,
) -> Sheet:
    """Open a spreadsheet given as a path, or its content already read (`data`)."""
    if data is not None:
        return _open(io.BytesIO(data), name, sheet)
    if isinstance(source, str | os.PathLike):
        path = Path(os.fsdecode(source))
        if not path.is_file():
            try:
                path.open("rb").close()  # the operating system's own reason
            except OSError as error:
                raise ResponseFileError(
                    name, f"cannot be read: {error.strerror or error}"
                ) from None
        return _open(path, name, sheet)
    read: Callable[..., object] | None = getattr(source, "read", None)
    content = read() if read is not None else b""
    if not isinstance(content, bytes | bytearray):
        raise ResponseFileError(
            name, "a spreadsheet must be opened in binary mode ('rb'), not as text"
        )
    return _open(io.BytesIO(bytes(content)), name, sheet)
