"""Constants shared by the readers."""

from __future__ import annotations

import re
from typing import Final

_STREAM: Final = "<stream>"
_FORMATS: Final = ("csv", "json")
_SUFFIXES: Final = {".csv": "csv", ".txt": "csv", ".tsv": "csv", ".json": "json"}
_SPREADSHEETS: Final = frozenset({".xlsx", ".xlsm", ".xls", ".ods", ".numbers"})
_DELIMITERS: Final = ",;\t"
_LABEL_COLUMNS: Final = ("organisation", "about", "respondent", "unit", "wave")
_HEADER_NAMES: Final = {
    "organisation": "organisation",
    "organization": "organisation",
    "about": "about",
    "respondent": "respondent",
    "unit": "unit",
    "wave": "wave",
}
_LONG_COLUMNS: Final = ("question", "answer")
_JSON_FIELDS: Final = ("organisation", "about", "respondent", "unit", "wave", "answers")
_JSON_REQUIRED: Final = ("organisation", "about", "respondent", "answers")
_SEP_LINE: Final = re.compile(r"[ \t]*sep=(.)[ \t]*(?:\r\n|\r|\n|\Z)", re.IGNORECASE)
_SEP_START: Final = re.compile(r"[ \t]*sep=", re.IGNORECASE)
# Tokens of a CSV line, enough to count delimiters outside quotes: a quoted stretch (a
# doubled quote inside one simply closes and reopens it), a run of ordinary text, one
# delimiter, or a line ending.
_HEADER_TOKENS: Final = re.compile(r'"[^"]*"?|[^",;\t\r\n]+|[,;\t]|\r\n?|\n')
_FIRST_CHARACTER: Final = re.compile(r"\s*(\S)")
_NEEDS_QUOTES: Final = re.compile(r'[,"\r\n]')
_BLOCK = 1 << 16
"""How much a chunked read reads at a time: bytes, or characters from a text stream."""
_CACHE_LIMIT: Final = 1 << 12
"""Distinct cells a reader remembers per kind before it starts afresh (bounds memory)."""


class _InvalidError(Exception):
    """A value is not what was expected; the caller adds where it is."""


class _DuplicateKeyError(Exception):
    """A JSON object holds the same key twice."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


# --------------------------------------------------------------------------- reading


Key = tuple[str, str, str, str]
"""A respondent: organisation, about, wave, respondent."""
