"""Recognising a question's column by its wording, as a form tool heads it."""

import re
import unicodedata
from collections.abc import Mapping
from typing import Final

from jointworking.errors import ArgumentError
from jointworking.instrument import Instrument

# Typographic quotes, apostrophes and dashes, as word processors and form tools type them.
_TYPOGRAPHIC: Final = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u02bc": "'",
        "`": "'",
        "\u00b4": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
    }
)
# A leading question number: "1.", "1)", "1:", "Q1", "Q1.", "Q 1 -", "Question 1:".
_LEADING_NUMBER: Final = re.compile(r"(?:q(?:uestion)?\s*)?(\d+)\s*[.):\-]?\s+(?=\S)")
_PUNCTUATION: Final = re.compile(r"[^\w\s]+")


def _wording(text: str) -> str:
    """Return `text` compared as wording: case, spacing, punctuation and quotes folded.

    >>> _wording("  Is there  evidence of \u2018shared\u2019 accountability?")
    'is there evidence of shared accountability'
    """
    folded = unicodedata.normalize("NFKC", text.translate(_TYPOGRAPHIC)).casefold()
    return " ".join(_PUNCTUATION.sub(" ", folded.replace("'", "")).split())


def _numbered(text: str) -> tuple[int | None, str]:
    """Split a leading question number off `text`, case folded.

    >>> _numbered("Q3. Is there")
    (3, 'is there')
    """
    folded = unicodedata.normalize("NFKC", text).strip().casefold()
    match = _LEADING_NUMBER.match(folded)
    if match is None:
        return None, folded
    return int(match.group(1)), folded[match.end() :]


class _QuestionMatcher:
    """Find the question a column is headed by: its wording, with or without a number.

    `overrides` maps a question's position to the header the form used instead of the
    instrument's wording (the ``[questions]`` table of a mapping); an overridden question is
    recognised by that header only.
    """

    def __init__(self, instrument: Instrument, overrides: Mapping[int, str]) -> None:
        self._instrument = instrument
        self._wordings: dict[str, int] = {}
        for position, question in enumerate(instrument.questions):
            if position not in overrides:
                self._wordings.setdefault(_wording(question.text), position)
        self._overrides = {_wording(text): position for position, text in overrides.items()}

    def override(self, title: str) -> int | None:
        """Return the position of the question a mapping's ``[questions]`` names by `title`."""
        return self._overrides.get(_wording(title))

    def wording(self, title: str) -> int | None:
        """Return the position of the question worded as `title`, or None."""
        found = self._wordings.get(_wording(title))
        if found is not None:
            return found
        number, rest = _numbered(title)
        if number is None or not rest:
            return None
        return self._wordings.get(_wording(rest))

    def canonical(self, title: str) -> int | None:
        """Return the position of the question `title` names as our CSV does: q3, 3 or its key."""
        key = " ".join(title.casefold().split())
        if not key:
            return None
        try:
            return self._instrument.position(key)
        except ArgumentError:
            return None
