"""The exceptions raised by :mod:`jointworking`.

Every error the library raises on purpose derives from :class:`JointWorkingError`, so a
caller can catch them all at once. Errors about a value the caller passed in also derive
from :class:`ValueError`, so code written against the standard library's conventions keeps
working.
"""

from __future__ import annotations

__all__ = ["ArgumentError", "InstrumentError", "JointWorkingError"]


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
