"""The self-assessment instrument: its questions, answer scale and ladder thresholds.

An :class:`Instrument` is data, not code: the questions (rule R9), the rung each one
evidences (rule R5), the answer :class:`Scale` and the level at which a question counts as
met all live in one frozen object. :data:`MORLEY_2016` is the article's instrument; a custom
one can be built in code or read from a TOML or JSON file with :func:`load_instrument`.
"""

from __future__ import annotations

import json
import math
import os
import re
import unicodedata
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Final

import attrs
import numpy as np
import numpy.typing as npt

from jointworking.errors import ArgumentError, InstrumentError, _shown
from jointworking.rung import Rung

__all__ = [
    "DEFAULT_SCALE",
    "MORLEY_2016",
    "Instrument",
    "Question",
    "Scale",
    "ScalePoint",
    "load_instrument",
]

_KEY_PATTERN: Final = re.compile(r"[a-z][a-z0-9_]*")
_COLUMN_LIKE: Final = re.compile(r"q\d+")
#: Names a question key may not take, because survey files use them for other columns.
RESERVED_KEYS: Final = frozenset(
    {"organisation", "organization", "about", "respondent", "unit", "wave", "question", "answer"}
)
_APOSTROPHES: Final = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'", "\u00b4": "'"})
_NUMBER: Final = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?")
"""A number written in an answer cell: ASCII digits, an optional minus and decimal part."""
_UNWRITABLE: Final = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
"""Characters an instrument's text may not hold: controls (but tab and line breaks), and
lone surrogates, which cannot be written."""


def _is_whole(value: object) -> bool:
    return isinstance(value, int | np.integer) and not isinstance(value, bool)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float | np.integer | np.floating) and not isinstance(value, bool)


def _is_text(value: object) -> bool:
    return isinstance(value, str)


def _is_rung(value: object) -> bool:
    return isinstance(value, Rung)


def _is_point(value: object) -> bool:
    return isinstance(value, ScalePoint)


def _is_scale(value: object) -> bool:
    return isinstance(value, Scale)


def _words(words: Iterable[str]) -> tuple[str, ...]:
    if isinstance(words, str) or not isinstance(words, Iterable):
        raise InstrumentError(f"aliases: expected a sequence of words, got {words!r}")
    return tuple(words)


def _points(points: Iterable[ScalePoint]) -> tuple[ScalePoint, ...]:
    if not isinstance(points, Iterable):
        raise InstrumentError(f"scale: points: expected a sequence of ScalePoint, got {points!r}")
    return tuple(points)


def _normalise(text: str) -> str:
    """Fold case, apostrophes, Unicode forms and white space, so labels match as typed.

    Text is compared in Unicode normalisation form C, so that a label typed with a
    precomposed accent matches one typed with a combining accent.
    """
    folded = text.translate(_APOSTROPHES).casefold()
    if not folded.isascii():
        folded = unicodedata.normalize("NFC", folded)
    return " ".join(folded.split())


def _check_text(value: str, field: str) -> None:
    """Refuse text an instrument cannot hold: control characters and lone surrogates."""
    bad = _UNWRITABLE.search(value)
    if bad is not None:
        shown = repr(value) if len(value) <= 60 else repr(value[:57]) + "..."
        kind = "a lone surrogate" if bad.group() >= "\ud800" else "a control character"
        raise InstrumentError(
            f"{field}: {shown} holds U+{ord(bad.group()):04X} at character {bad.start() + 1},"
            f" {kind}; expected text that can be written"
        )


def _looks_like_a_number(token: str) -> bool:
    """Whether Python would read `token` as a number (``3``, ``+3``, ``1e0``, ``nan``)."""
    try:
        float(token)
    except ValueError:
        return False
    return True


@attrs.frozen
class Question:
    """One question of an instrument.

    Parameters
    ----------
    number : int
        The question's number, a positive integer, unique within its instrument.
    key : str
        A short stable identifier (lower case letters, digits and ``_``), usable as a
        column header in survey files.
    text : str
        The question as respondents read it.
    rung : Rung
        The rung the question evidences: `Rung.COLLABORATION` or `Rung.PARTNERSHIP`.

    Examples
    --------
    >>> q = MORLEY_2016.question(3)
    >>> q.key, q.rung
    ('shared_accountability', Rung.PARTNERSHIP)
    """

    number: int
    key: str
    text: str = attrs.field(repr=False)
    rung: Rung

    def __attrs_post_init__(self) -> None:
        where = f"question {self.number!r}"
        if not _is_whole(self.number) or self.number < 1:
            raise InstrumentError(f"{where}: number: expected a positive whole number")
        if not _is_text(self.key) or not _KEY_PATTERN.fullmatch(self.key):
            raise InstrumentError(
                f"{where}: key: expected lower case letters, digits and '_', starting with a"
                f" letter, got {self.key!r}"
            )
        if _COLUMN_LIKE.fullmatch(self.key) or self.key in RESERVED_KEYS:
            raise InstrumentError(
                f"{where}: key: {self.key!r} is reserved for survey file columns; choose another"
            )
        if not _is_text(self.text) or not self.text.strip():
            raise InstrumentError(f"{where}: text: expected the question's wording")
        _check_text(self.text, f"{where}: text")
        if not _is_rung(self.rung) or self.rung is Rung.TRANSACTION:
            raise InstrumentError(
                f"{where}: rung: expected 'collaboration' or 'partnership' (the rung the"
                f" question evidences), got {self.rung!r}"
            )


@attrs.frozen
class ScalePoint:
    """One point of an answer scale.

    Parameters
    ----------
    value : float
        The score the point stands for.
    label : str
        Its label as shown to respondents (``"Clear evidence"``).
    aliases : tuple of str
        Other words accepted for it when reading answers (``("clear",)``).
    """

    value: float
    label: str
    aliases: tuple[str, ...] = attrs.field(default=(), converter=_words)


_DEFAULT_MISSING: Final = (
    "",
    "don't know",
    "dont know",
    "do not know",
    "not known",
    "unknown",
    "not sure",
    "dk",
    "n/a",
    "na",
    "not applicable",
    # Python and pandas exports write a missing value as None: never read it as "no".
    "none",
    "null",
)


def _missing_tokens(tokens: Iterable[str]) -> frozenset[str]:
    if isinstance(tokens, str) or not isinstance(tokens, Iterable):
        raise InstrumentError(f"scale: missing: expected a collection of words, got {tokens!r}")
    words = tuple(tokens)
    for word in words:
        if not _is_text(word):
            raise InstrumentError(f"scale: missing: expected words (text), got {word!r}")
        _check_text(word, "scale: missing")
    return frozenset(_normalise(t) for t in words)


@attrs.frozen
class Scale:
    """An ordered answer scale whose points carry labels.

    Parameters
    ----------
    points : tuple of ScalePoint
        The points in ascending order of value; at least two.
    missing : frozenset of str
        Answers that mean "not answered" (compared after folding case, apostrophes and
        white space). The default covers blank, "don't know" and its common variants and
        "n/a". A missing answer is never a score of zero.

    Examples
    --------
    >>> [DEFAULT_SCALE.parse(a) for a in ("Clear evidence", "clear", "3", 3)]
    [3.0, 3.0, 3.0, 3.0]
    >>> DEFAULT_SCALE.parse("Don't know") is None
    True
    """

    points: tuple[ScalePoint, ...] = attrs.field(converter=_points)
    missing: frozenset[str] = attrs.field(
        default=_missing_tokens(_DEFAULT_MISSING), converter=_missing_tokens
    )
    _lookup: Mapping[str, float] = attrs.field(init=False, repr=False, eq=False, hash=False)

    def __attrs_post_init__(self) -> None:
        if len(self.points) < 2:
            raise InstrumentError("scale: points: expected at least two points")
        lookup: dict[str, float] = {}
        previous = -math.inf
        for i, point in enumerate(self.points):
            if not _is_point(point):
                raise InstrumentError(f"scale: points[{i}]: expected a ScalePoint")
            value = point.value
            if not _is_number(value):
                raise InstrumentError(f"scale: points[{i}].value: expected a number")
            if not math.isfinite(value) or value <= previous:
                raise InstrumentError(
                    f"scale: points[{i}].value: expected finite values in ascending order,"
                    f" got {value!r} after {previous!r}"
                )
            previous = value
            for word in (point.label, *point.aliases):
                token = _normalise(word) if _is_text(word) else ""
                if not token:
                    raise InstrumentError(f"scale: points[{i}]: labels must be non-empty text")
                _check_text(word, f"scale: points[{i}]: label")
                if token in self.missing:
                    raise InstrumentError(
                        f"scale: points[{i}]: label {word!r} is also a missing-answer word"
                    )
                if _looks_like_a_number(token):
                    raise InstrumentError(f"scale: points[{i}]: label {word!r} reads as a number")
                if lookup.setdefault(token, float(value)) != float(value):
                    raise InstrumentError(f"scale: points[{i}]: label {word!r} is used twice")
        object.__setattr__(self, "_lookup", lookup)

    @property
    def values(self) -> tuple[float, ...]:
        """The points' values in ascending order."""
        return tuple(float(p.value) for p in self.points)

    @property
    def low(self) -> float:
        """The lowest value on the scale."""
        return float(self.points[0].value)

    @property
    def high(self) -> float:
        """The highest value on the scale."""
        return float(self.points[-1].value)

    def label(self, value: float) -> str:
        """Return the label of the point whose value is `value`.

        Raises
        ------
        ArgumentError
            If no point has that value.
        """
        for point in self.points:
            if point.value == value:
                return point.label
        raise ArgumentError(f"value: {value!r} is not a point of the scale {self.values}")

    def parse(self, answer: str | float | None, *, argument: str = "answer") -> float | None:
        """Read one answer: a point's value, its label or an alias, or a missing marker.

        What counts as an answer, everywhere the library reads one:

        * a **number** is an ``int`` or ``float`` (numpy's too, never a boolean), or text
          of ASCII digits with an optional leading minus and decimal part (``3``,
          ``3.0``, ``-1``, ``2.5``), without a plus sign, leading zeros (``03``), an
          exponent (``1e0``) or other digits (``٣``); surrounding spaces are ignored. It
          must equal one of the scale's points;
        * a **label** or alias (``Clear evidence``, ``clear``) reads as its point, in any
          case and spacing;
        * **missing** is ``None``, blank text or one of the scale's missing words
          ("don't know", "n/a", ...);
        * anything else is an error, NaN and infinity included (as text or as a float):
          a missing answer must say so.

        Parameters
        ----------
        answer : str, int, float or None
            ``"3"``, ``3``, ``"Clear evidence"`` and ``"clear"`` all read as 3.0 on the
            default scale, in any case. ``None``, blank and "don't know" read as missing.
        argument : str, optional
            How to name the answer in an error message (a file reader passes the file,
            line and column here).

        Returns
        -------
        float or None
            The score, or ``None`` when the answer is missing.

        Raises
        ------
        ArgumentError
            If the answer is not a point of the scale, a label, or a missing marker.

        Examples
        --------
        >>> DEFAULT_SCALE.parse(" 3 "), DEFAULT_SCALE.parse("Don't know")
        (3.0, None)
        >>> DEFAULT_SCALE.parse("03")
        Traceback (most recent call last):
        ...
        jointworking.errors.ArgumentError: answer: expected one of the scale's points ... got '03'; write a number with the digits 0 to 9 alone, such as 3 or 2.5: no plus sign, leading zeros, exponent or other digits
        """  # noqa: E501 - a doctest's output is one line
        score = self._read(answer)
        if score is _MISSING:
            return None
        if score is not None:
            return score
        raise ArgumentError(f"{argument}: {self._refusal(answer, _shown(answer))}")

    def _read(self, answer: object) -> float | None:
        """Return the score of `answer`, `_MISSING` if it is missing, None if it is neither."""
        if answer is None:
            return _MISSING
        if isinstance(answer, str):
            token = _normalise(answer)
            if token in self.missing:
                return _MISSING
            if token in self._lookup:
                return self._lookup[token]
            number = float(token) if _NUMBER.fullmatch(token) else None
        elif isinstance(answer, bool | np.bool_ | np.timedelta64) or not isinstance(
            answer, int | float | np.integer | np.floating
        ):
            return None
        else:
            try:
                number = float(answer)
            except OverflowError:
                return None
        # + 0.0 makes -0.0 (from "-0") the scale's 0.0.
        return number + 0.0 if number is not None and number in self.values else None

    def _refusal(self, answer: object, shown: str) -> str:
        """Say what was expected instead of `answer` (shown as `shown`), and why it is not."""
        labels = ", ".join(repr(p.label) for p in self.points)
        points = ", ".join(f"{v:g}" for v in self.values)
        message = (
            f"expected one of the scale's points ({points}), a label ({labels}) or"
            f' "don\'t know" or blank for missing, got {shown}'
        )
        if isinstance(answer, float | np.floating) and math.isnan(answer):
            return message + "; NaN is not an answer: a missing answer is null (None)"
        if isinstance(answer, str):
            token = _normalise(answer)
            if _looks_like_a_number(token) and not _NUMBER.fullmatch(token):
                if not math.isfinite(float(token)):
                    return message + (
                        "; NaN and infinity are not answers: leave a missing answer blank or"
                        ' write "don\'t know"'
                    )
                return message + (
                    "; write a number with the digits 0 to 9 alone, such as 3 or 2.5: no plus"
                    " sign, leading zeros, exponent or other digits"
                )
        return message


_MISSING: Final = math.nan
"""What `Scale._read` returns for a missing answer (compared by identity)."""


DEFAULT_SCALE: Final = Scale(
    (
        ScalePoint(0, "No evidence", ("no",)),
        ScalePoint(1, "Little evidence", ("little",)),
        ScalePoint(2, "Some evidence", ("some",)),
        ScalePoint(3, "Clear evidence", ("clear",)),
        ScalePoint(4, "Strong evidence", ("strong",)),
    )
)
"""The evidence scale: 0 no, 1 little, 2 some, 3 clear, 4 strong evidence."""


def _sorted_questions(questions: Iterable[Question]) -> tuple[Question, ...]:
    if not isinstance(questions, Iterable):
        raise InstrumentError(f"questions: expected a sequence of Question, got {questions!r}")
    items = tuple(questions)
    for i, q in enumerate(items):
        if not isinstance(q, Question):
            raise InstrumentError(f"questions[{i}]: expected a Question, got {q!r}")
    return tuple(sorted(items, key=lambda q: q.number))


@attrs.frozen
class Instrument:
    """A self-assessment instrument: questions, scale and ladder thresholds, as data.

    Parameters
    ----------
    name : str
        A short name (``"morley-2016"``).
    source : str
        The citation the questions come from.
    questions : sequence of Question
        At least one question evidencing each of collaboration and partnership, with
        unique numbers and keys. Stored in ascending order of number: "question order"
        everywhere in the library means this order.
    scale : Scale
        The answer scale; :data:`DEFAULT_SCALE` by default.
    collaboration_threshold, partnership_threshold : float
        The (aggregated) score at or above which a question of that rung is *met*. Each
        must lie on the scale, between its lowest and highest value. Both default to 3,
        "clear evidence".

    Examples
    --------
    >>> MORLEY_2016.numbers
    (1, 2, 3, 4, 5, 6, 7, 8, 9, 10)
    >>> [q.number for q in MORLEY_2016.questions_for(Rung.COLLABORATION)]
    [1, 2, 6]
    """

    name: str
    source: str = attrs.field(repr=False)
    questions: tuple[Question, ...] = attrs.field(converter=_sorted_questions, repr=False)
    scale: Scale = attrs.field(default=DEFAULT_SCALE, repr=False)
    collaboration_threshold: float = 3.0
    partnership_threshold: float = 3.0

    def __attrs_post_init__(self) -> None:
        where = f"instrument {self.name!r}"
        if not _is_text(self.name) or not self.name.strip():
            raise InstrumentError("instrument: name: expected non-empty text")
        _check_text(self.name, "instrument: name")
        if not _is_text(self.source):
            raise InstrumentError(f"{where}: source: expected text, got {self.source!r}")
        _check_text(self.source, f"{where}: source")
        if not _is_scale(self.scale):
            raise InstrumentError(f"{where}: scale: expected a Scale")
        if not self.questions:
            raise InstrumentError(f"{where}: questions: expected at least one question")
        for attr in ("number", "key"):
            seen: set[object] = set()
            for q in self.questions:
                value = getattr(q, attr)
                if value in seen:
                    raise InstrumentError(f"{where}: questions: duplicate {attr} {value!r}")
                seen.add(value)
        for rung in (Rung.COLLABORATION, Rung.PARTNERSHIP):
            if not self.questions_for(rung):
                raise InstrumentError(
                    f"{where}: questions: expected at least one question evidencing {rung}"
                )
            threshold = self.threshold(rung)
            if not _is_number(threshold) or not self.scale.low <= threshold <= self.scale.high:
                raise InstrumentError(
                    f"{where}: {rung}_threshold: expected a number on the scale, from"
                    f" {self.scale.low:g} to {self.scale.high:g}, got {threshold!r}"
                )

    @property
    def numbers(self) -> tuple[int, ...]:
        """The question numbers, ascending."""
        return tuple(q.number for q in self.questions)

    @property
    def keys(self) -> tuple[str, ...]:
        """The question keys, in question order."""
        return tuple(q.key for q in self.questions)

    def threshold(self, rung: Rung) -> float:
        """Return the score at or above which a question evidencing `rung` is met."""
        if rung is Rung.COLLABORATION:
            return float(self.collaboration_threshold)
        if rung is Rung.PARTNERSHIP:
            return float(self.partnership_threshold)
        raise ArgumentError(f"rung: no question evidences {rung}; expected a higher rung")

    def questions_for(self, rung: Rung) -> tuple[Question, ...]:
        """Return the questions evidencing `rung`, in question order."""
        return tuple(q for q in self.questions if q.rung is rung)

    def question(self, ref: int | str) -> Question:
        """Look a question up by number (``3``), key (``"shared_accountability"``) or ``"q3"``.

        Raises
        ------
        ArgumentError
            If no question matches.
        """
        position = self.position(ref)
        return self.questions[position]

    def position(self, ref: int | str, *, argument: str = "question") -> int:
        """Return the 0-based position, in question order, of the question `ref` names.

        Raises
        ------
        ArgumentError
            If no question matches; the message lists the valid numbers.
        """
        if isinstance(ref, str):
            token = _normalise(ref)
            for i, q in enumerate(self.questions):
                if token in (q.key, f"q{q.number}", str(q.number)):
                    return i
        elif _is_whole(ref):
            for i, q in enumerate(self.questions):
                if q.number == ref:
                    return i
        numbers = ", ".join(str(n) for n in self.numbers)
        raise ArgumentError(
            f"{argument}: no question {_shown(ref)} in instrument {self.name!r}; expected a number"
            f" ({numbers}) or a question key"
        )

    def _rung_codes(self) -> npt.NDArray[np.int8]:
        """Return the rung each question evidences, as int8 codes in question order."""
        return np.array([int(q.rung) for q in self.questions], dtype=np.int8)

    def _thresholds(self) -> npt.NDArray[np.float64]:
        """Return each question's threshold, in question order."""
        return np.array([self.threshold(q.rung) for q in self.questions], dtype=np.float64)

    def to_dict(self) -> dict[str, Any]:
        """Return the instrument as plain data, in the form :meth:`from_dict` reads.

        Examples
        --------
        >>> Instrument.from_dict(MORLEY_2016.to_dict()) == MORLEY_2016
        True
        """
        return {
            "name": self.name,
            "source": self.source,
            "ladder": {
                "collaboration": self.collaboration_threshold,
                "partnership": self.partnership_threshold,
            },
            "scale": {
                "points": [
                    {"value": p.value, "label": p.label, "aliases": list(p.aliases)}
                    for p in self.scale.points
                ],
                "missing": sorted(self.scale.missing),
            },
            "questions": [
                {"number": q.number, "key": q.key, "text": q.text, "rung": q.rung.label}
                for q in self.questions
            ],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, where: str = "instrument") -> Instrument:
        """Build an instrument from plain data (as read from TOML or JSON).

        Parameters
        ----------
        data : mapping
            Keys ``name``, ``source``, ``questions`` (a list of tables with ``number``,
            ``key``, ``text``, ``rung``) and optionally ``scale`` (``points``: a list of
            tables with ``value``, ``label`` and ``aliases``; ``missing``: a list of words)
            and ``ladder`` (``threshold`` for both rungs, or ``collaboration`` and
            ``partnership``).
        where : str, optional
            Where the data came from, to start each error message (a file name).

        Raises
        ------
        InstrumentError
            If anything is missing, mistyped or inconsistent; the message names `where`
            and the field.
        """
        try:
            return _instrument_from_dict(data)
        except InstrumentError as error:
            raise InstrumentError(f"{where}: {error}") from None


def _field(table: Mapping[str, Any], name: str, kind: type | tuple[type, ...], path: str) -> Any:
    if name not in table:
        raise InstrumentError(f"{path}{name}: missing")
    value = table[name]
    if isinstance(value, bool) or not isinstance(value, kind):
        expected = (
            kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        )
        raise InstrumentError(f"{path}{name}: expected {expected}, got {value!r}")
    return value


def _scale_point(table: object, path: str) -> ScalePoint:
    if not isinstance(table, Mapping):
        raise InstrumentError(f"{path[:-1]}: expected a table")
    aliases = table.get("aliases", [])
    if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
        raise InstrumentError(f"{path}aliases: expected a list of words")
    return ScalePoint(
        value=_field(table, "value", (int, float), path),
        label=_field(table, "label", str, path),
        aliases=tuple(aliases),
    )


def _instrument_from_dict(data: Mapping[str, Any]) -> Instrument:
    if not isinstance(data, Mapping):
        raise InstrumentError("expected a table of fields at the top level")
    known = {"name", "source", "questions", "scale", "ladder"}
    unknown = sorted(set(data) - known)
    if unknown:
        raise InstrumentError(f"unknown field {unknown[0]!r}; expected {sorted(known)}")
    name = _field(data, "name", str, "")
    source = _field(data, "source", str, "")
    raw_questions = _field(data, "questions", list, "")
    questions = []
    for i, row in enumerate(raw_questions):
        path = f"questions[{i}]."
        if not isinstance(row, Mapping):
            raise InstrumentError(f"questions[{i}]: expected a table")
        try:
            rung = Rung.parse(_field(row, "rung", str, path), argument=f"{path}rung")
        except ArgumentError as error:
            raise InstrumentError(str(error)) from None
        questions.append(
            Question(
                number=_field(row, "number", int, path),
                key=_field(row, "key", str, path),
                text=_field(row, "text", str, path),
                rung=rung,
            )
        )
    scale = DEFAULT_SCALE
    if "scale" in data:
        table = _field(data, "scale", Mapping, "")
        points = [
            _scale_point(p, f"scale.points[{i}].")
            for i, p in enumerate(_field(table, "points", list, "scale."))
        ]
        missing = table.get("missing", _DEFAULT_MISSING)
        if not isinstance(missing, list | tuple) or not all(isinstance(m, str) for m in missing):
            raise InstrumentError("scale.missing: expected a list of words")
        scale = Scale(points, missing)
    thresholds: dict[str, float] = {}
    if "ladder" in data:
        ladder = _field(data, "ladder", Mapping, "")
        if "threshold" in ladder:
            both = _field(ladder, "threshold", (int, float), "ladder.")
            thresholds = {"collaboration_threshold": both, "partnership_threshold": both}
        for level in ("collaboration", "partnership"):
            if level in ladder:
                thresholds[f"{level}_threshold"] = _field(ladder, level, (int, float), "ladder.")
    return Instrument(name=name, source=source, questions=questions, scale=scale, **thresholds)


def load_instrument(path: str | os.PathLike[str]) -> Instrument:
    """Read a custom instrument from a TOML (``.toml``) or JSON (``.json``) file.

    The file holds the fields :meth:`Instrument.from_dict` describes. A minimal TOML file::

        name = "my-instrument"
        source = "Our own questions, 2026"

        [ladder]
        threshold = 3

        [[questions]]
        number = 1
        key = "shared_objectives"
        text = "Do we share objectives?"
        rung = "collaboration"

        [[questions]]
        number = 2
        key = "shared_risk"
        text = "Do we share risks?"
        rung = "partnership"

    Parameters
    ----------
    path : str or os.PathLike
        The file to read.

    Returns
    -------
    Instrument

    Raises
    ------
    InstrumentError
        If the file cannot be read or parsed (text that is not UTF-8, or nested too deeply
        to read), or describes an invalid instrument; the message names the file and the
        field.
    ArgumentError
        If `path` is not a path.
    """
    if not isinstance(path, str | os.PathLike):
        raise ArgumentError(f"path: expected a path to a .toml or .json file, got {_shown(path)}")
    file = Path(path)
    suffix = file.suffix.lower()
    if suffix not in (".toml", ".json"):
        raise InstrumentError(f"{file}: expected a .toml or .json file")
    try:
        raw = file.read_bytes()
    except OSError as error:
        raise InstrumentError(f"{file}: cannot be read: {error.strerror}") from None
    try:
        text = raw.decode("utf-8-sig")
        if suffix == ".toml":
            import tomllib  # noqa: PLC0415 - only needed for TOML files

            data: Any = tomllib.loads(text)
        else:
            data = json.loads(text)
    except (UnicodeDecodeError, ValueError) as error:
        raise InstrumentError(f"{file}: not valid {suffix[1:].upper()}: {error}") from None
    except RecursionError:
        raise InstrumentError(
            f"{file}: not valid {suffix[1:].upper()}: nested too deeply to read"
        ) from None
    return Instrument.from_dict(data, where=str(file))


_MORLEY_SOURCE: Final = (
    "Morley, M. (2016). Getting the most from joint working. 22 August 2016. The ten"
    " questions to test internal and external joint working."
)

MORLEY_2016: Final = Instrument(
    name="morley-2016",
    source=_MORLEY_SOURCE,
    questions=(
        Question(
            1,
            "shared_objectives",
            "Is there evidence that the organisations involved in the joint working have a"
            " shared understanding of, and commitment to, the objectives for it?",
            Rung.COLLABORATION,
        ),
        Question(
            2,
            "aligned_priorities",
            "Is there consistency between the objectives for the joint working and what are"
            " communicated as priorities in each of the organisations?",
            Rung.COLLABORATION,
        ),
        Question(
            3,
            "shared_accountability",
            "Is there evidence of shared accountability for the performance of the joint working?",
            Rung.PARTNERSHIP,
        ),
        Question(
            4,
            "risk_and_innovation",
            "Is there evidence of a willingness to take risks and innovate within the joint"
            " working across the organisations?",
            Rung.PARTNERSHIP,
        ),
        Question(
            5,
            "shared_risk_and_reward",
            "Is there a sharing of corporate risks and rewards between the organisations?",
            Rung.PARTNERSHIP,
        ),
        Question(
            6,
            "information_sharing",
            "Is there a willingness to share information and to explore all options to"
            " address challenges and opportunities together?",
            Rung.COLLABORATION,
        ),
        Question(
            7,
            "shared_resources",
            "Are resources viewed as belonging to all of the organisations involved in the"
            " joint working or to individual organisations?",
            Rung.PARTNERSHIP,
        ),
        Question(
            8,
            "consistent_leadership_and_culture",
            "Is there a consistency of leadership, organisational culture and behaviours for"
            " the joint working across the organisations?",
            Rung.PARTNERSHIP,
        ),
        Question(
            9,
            "consistent_capabilities",
            "Is there a consistent approach to the development and use of competencies,"
            " capabilities and capacity across the organisations involved in the joint"
            " working?",
            Rung.PARTNERSHIP,
        ),
        Question(
            10,
            "shared_ambition",
            "Is there a consistent and tangible illustration of the shared ambition and"
            " commitment in all of the organisations involved in the joint working that is"
            " delivering a transformation in performance?",
            Rung.PARTNERSHIP,
        ),
    ),
)
"""The article's ten questions (rule R9), on the 0-4 evidence scale, met at 3."""
