"""Protect CSV text cells against spreadsheet formula injection, reversibly.

A spreadsheet opening a CSV file runs a cell that starts with ``=``, ``+``, ``-`` or ``@``
(and, in some, a tab or a carriage return) as a formula, so a name such as
``=HYPERLINK("http://evil.example", "click")`` written to a file could act when the file is
opened. :func:`neutralise` prefixes such a cell with ``'``, which spreadsheets read as
"this is text"; :func:`restore` undoes it exactly, so that a file this library writes reads
back with every name as it was.

The rule, for a cell whose leading apostrophes are set aside:

* if what remains starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return and is
  not a plain decimal number (``-5``, ``+1.5``, ``2e3``), the cell is *dangerous*;
* :func:`neutralise` adds one ``'`` in front of a dangerous cell and leaves every other cell
  alone;
* :func:`restore` removes one ``'`` from the front of a dangerous cell that starts with
  ``'`` and leaves every other cell alone.

Adding or removing leading apostrophes does not change whether a cell is dangerous, so a
name that already starts with ``'=`` is escaped to ``''=`` and comes back as ``'=``: the
pair is an exact inverse, ``restore(neutralise(text)) == text`` for every text.
"""

from __future__ import annotations

import re
from typing import Final

__all__ = ["neutralise", "restore"]

_TRIGGERS: Final = frozenset("=+-@\t\r")
_NUMBER: Final = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_QUOTE: Final = "'"


def _dangerous(text: str) -> bool:
    """Whether `text`, leading apostrophes set aside, would start a spreadsheet formula."""
    body = text.lstrip(_QUOTE)
    return bool(body) and body[0] in _TRIGGERS and _NUMBER.fullmatch(body) is None


def neutralise(text: str) -> str:
    """Prefix `text` with ``'`` if a spreadsheet would read it as a formula.

    Parameters
    ----------
    text : str
        One cell's text.

    Returns
    -------
    str
        `text` with one ``'`` in front when, its leading apostrophes set aside, it starts
        with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return and is not a number;
        otherwise `text` unchanged.

    Examples
    --------
    >>> neutralise("=HYPERLINK(1)"), neutralise("@home"), neutralise("'=x")
    ("'=HYPERLINK(1)", "'@home", "''=x")
    >>> neutralise("-5"), neutralise("Harlow DC"), neutralise("'quoted")
    ('-5', 'Harlow DC', "'quoted")
    """
    return _QUOTE + text if _dangerous(text) else text


def restore(text: str) -> str:
    """Undo :func:`neutralise`: the exact inverse, ``restore(neutralise(t)) == t``.

    Parameters
    ----------
    text : str
        One cell's text, as read from a file.

    Returns
    -------
    str
        `text` without its first ``'`` when :func:`neutralise` would have added it;
        otherwise `text` unchanged.

    Examples
    --------
    >>> restore("'=HYPERLINK(1)"), restore("''=x"), restore("'quoted"), restore("'-5")
    ('=HYPERLINK(1)', "'=x", "'quoted", "'-5")
    """
    return text[1:] if text.startswith(_QUOTE) and _dangerous(text) else text
