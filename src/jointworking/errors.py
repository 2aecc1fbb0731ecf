"""The exceptions raised by :mod:`jointworking`.

Every error the library raises on purpose derives from :class:`JointWorkingError`, so a
caller can catch them all at once. Errors about a value the caller passed in also derive
from :class:`ValueError`, so code written against the standard library's conventions keeps
working.
"""

from __future__ import annotations

import math

__all__ = ["ArgumentError", "InstrumentError", "JointWorkingError", "ResponseFileError"]


class JointWorkingError(Exception):
    """Root of every error raised on purpose by :mod:`jointworking`."""


class ArgumentError(JointWorkingError, ValueError):
    """An argument has a value the function cannot use.

    The message names the argument and says what was expected.
    """


class InstrumentError(JointWorkingError, ValueError):
    """An instrument definition (built in code or read from a file) is invalid.

    The message names the file, where there is one, and the field at fault.
    """


class ResponseFileError(JointWorkingError, ValueError):
    """A survey file cannot be read, or holds a value that is not what was expected.

    The message names the file, the line (the header being line 1) and the column by its
    header as written, and says what was expected.

    Attributes
    ----------
    path : str
        The file, as given (``"<stream>"`` for a file object without a name).
    line : int or None
        The line the problem is on, counting the header as line 1.
    column : str or None
        The column's header as written in the file.
    """

    def __init__(
        self, path: str, message: str, *, line: int | None = None, column: str | None = None
    ) -> None:
        where = path
        if line is not None:
            where += f": line {line}"
        if column is not None:
            where += f", column {column!r}" if line is not None else f": column {column!r}"
        super().__init__(f"{where}: {message}")
        self.path = path
        self.line = line
        self.column = column


def _shown(value: object) -> str:
    """Return a short repr of `value` for an error message, whatever `value` is.

    An integer too long to print in full (Python refuses beyond 4,300 digits) is described
    by its size, any other repr is cut to 60 characters, and a repr that fails is replaced
    by the type's name. Shared by the modules of the model, so that no error message can
    itself fail or run to pages.
    """
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**30:
        digits = int(abs(value).bit_length() * math.log10(2)) + 1
        return f"an integer of about {digits} digits"
    try:
        text = repr(value)
    except Exception:  # any failure of a caller's object's own repr
        return f"a {type(value).__name__}"
    return text if len(text) <= 60 else f"{text[:57]}..."
