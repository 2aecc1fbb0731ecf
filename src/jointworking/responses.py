"""Survey responses: who answered, about which relationship, and what they answered.

The article asks for the questions to be "answered within each organisation and by each
organisation for specific relationships externally" (rule R10). A :class:`Response` is one
respondent's answers, from one organisation, either about that organisation itself
(``about="internal"``) or about a named partner or multi-party arrangement.
:class:`Responses` holds many of them as columns (a numpy answer matrix, NaN for missing),
validated once, ready for vectorised scoring.
"""

from __future__ import annotations

import math
import re
import sys
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from types import MappingProxyType
from typing import Any, Final, Generic, TypeVar, cast

import attrs
import numpy as np
import numpy.typing as npt

from jointworking import _codes
from jointworking.errors import ArgumentError
from jointworking.instrument import MORLEY_2016, Instrument

__all__ = ["INTERNAL", "Response", "Responses"]

INTERNAL: Final = "internal"
"""The `about` of a response that assesses the respondent's own organisation."""

_LabelArray = npt.NDArray[np.object_]
IntArray = npt.NDArray[np.intp]
_AnswerMatrix = npt.ArrayLike | Sequence[Sequence[float | None]]
"""Answers as from_arrays takes them: numpy's array-likes, or rows holding None for missing."""


# --------------------------------------------------------------------------- text of names
#
# One rule for the text of every name (organisation, about, respondent, unit, wave, and
# the names of the context files), applied by every file reader and every constructor:
# a name may not hold a character that cannot be written (a lone surrogate), that breaks
# a line, that controls a terminal or printer, or that is invisible (zero-width and
# bidirectional formatting characters). Names are stored in Unicode normalisation form
# C (NFC), so that "Café" typed with a precomposed é and with e and a combining accent
# is one name.

_LINE_BREAKS: Final = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
_BIDI_CONTROLS: Final = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
_REPLACEMENT: Final = "\ufffd"
_SHOWN: Final = 80
"""How many characters of a refused name a message shows."""


_REFUSED_CATEGORIES: Final = {
    "Cs": "a lone surrogate (half of a character), which cannot be written as text",
    "Cc": "a control character",
    "Cf": "an invisible formatting character",
}


def _refused(char: str) -> str | None:
    """Say why a name may not hold `char`, or return None if it may."""
    if char in _LINE_BREAKS:
        return "a line break"
    if char in _BIDI_CONTROLS:
        return "an invisible bidirectional control, which changes the order text is shown in"
    if char == _REPLACEMENT:
        return "the replacement character, left where a program could not decode the text"
    code = ord(char)
    if 0xFDD0 <= code <= 0xFDEF or code & 0xFFFE == 0xFFFE:
        return "a noncharacter, which is not text"
    return _REFUSED_CATEGORIES.get(unicodedata.category(char))


def _character(char: str) -> str:
    """Name a character for a message: ``U+200B (ZERO WIDTH SPACE)``."""
    name = unicodedata.name(char, "")
    return f"U+{ord(char):04X}" + (f" ({name})" if name else "")


def _shown(text: str) -> str:
    """Show a name in a message: its repr (which escapes invisible characters), shortened."""
    shown = repr(text)
    return shown if len(shown) <= _SHOWN else shown[: _SHOWN - 4] + "...'"


def _text_problem(text: str) -> str | None:
    """Return why `text` cannot be a name, naming its first refused character; else None.

    Refused: lone surrogates, line breaks (including U+2028 and U+2029), other C0 and C1
    control characters (tab and NUL among them), invisible formatting characters
    (Unicode category Cf: zero-width space, joiners, word joiner, soft hyphen, a byte
    order mark inside text, bidirectional marks, embeddings, overrides and isolates),
    U+FFFD (the mark of text lost in an earlier decoding) and noncharacters. Every other
    character, of any script, is accepted.

    Examples
    --------
    >>> _text_problem("Caf\u00e9") is None
    True
    >>> print(_text_problem("Harlow\u200bDC"))
    'Harlow\u200bDC' holds U+200B (ZERO WIDTH SPACE) at character 7, an invisible formatting character; a name may not hold control characters, line breaks or invisible characters
    """  # noqa: E501 - a doctest's output is one line
    if text.isprintable() and _REPLACEMENT not in text:
        return None
    for position, char in enumerate(text, 1):
        reason = _refused(char)
        if reason is not None:
            return (
                f"{_shown(text)} holds {_character(char)} at character {position}, {reason};"
                " a name may not hold control characters, line breaks or invisible characters"
            )
    return None


def _nfc(text: str) -> str:
    """Return `text` in Unicode normalisation form C (unchanged if it already is)."""
    if text.isascii() or unicodedata.is_normalized("NFC", text):
        return text
    return unicodedata.normalize("NFC", text)


def _checked(text: str, argument: str) -> str:
    """Return trimmed name `text` in NFC; refuse a character a name may not hold."""
    if text.isascii() and text.isprintable():
        return text
    problem = _text_problem(text)
    if problem is not None:
        raise ArgumentError(f"{argument}: {problem}")
    return _nfc(text)


def _fold(name: str) -> str:
    """Fold a name so that names which only look different fold alike.

    Case is folded, compatibility forms are unified (Unicode NFKC: full-width letters,
    ligatures such as "ﬁ", superscripts and non-breaking spaces become their plain
    forms) and runs of white space become one space.

    Examples
    --------
    >>> _fold("Ashford  COUNCIL") == _fold("\uff21shford council")
    True
    """
    if name.isascii():
        return " ".join(name.casefold().split())
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", name).casefold())
    return " ".join(folded.split())


_WAVE_PARTS: Final = re.compile(r"(\d+)|[^\W\d_]+")


def _fold_wave(wave: str) -> str:
    """Fold a wave's name so that waves which only look different fold alike.

    As :func:`_fold`, and besides, punctuation and spacing between letters and digits are
    ignored and numbers are compared by value, so that ``2024-01``, ``2024-1``,
    ``2024/01`` and ``2024 01`` fold alike, as do ``Q1``, ``q1`` and ``Q 1``.

    Examples
    --------
    >>> _fold_wave("2024-01") == _fold_wave("2024 / 1")
    True
    >>> _fold_wave("2024-01") == _fold_wave("2024-10")
    False
    """
    parts: list[str] = []
    for match in _WAVE_PARTS.finditer(_fold(wave)):
        digits = match.group(1)
        if digits is None:
            parts.append(match.group())
        else:
            if not digits.isascii():
                digits = "".join(str(unicodedata.decimal(c)) for c in digits)
            parts.append(digits.lstrip("0") or "0")
    return " ".join(parts)


Where = TypeVar("Where")


class _LookAlikes(Generic[Where]):
    """The distinct names seen so far, to find one that only looks like an earlier one.

    Each name is checked once: later sightings of a name already seen cost one set look-up.

    Parameters
    ----------
    folding : callable
        :func:`_fold` for organisation names, :func:`_fold_wave` for waves.
    """

    def __init__(self, folding: Callable[[str], str]) -> None:
        self._folding = folding
        self._known: set[str] = set()
        self._folded: dict[str, tuple[str, Where]] = {}

    def check(self, name: str, where: Where) -> tuple[str, Where] | None:
        """Remember `name`, first seen at `where`; return an earlier look-alike and its place."""
        if name in self._known:
            return None
        first = self._folded.setdefault(self._folding(name), (name, where))
        if first[0] != name:
            return first
        self._known.add(name)
        return None


_NAMES_ALIKE: Final = (
    "differ only in case, spacing or the form of their characters; write each"
    " organisation's name the same way everywhere"
)
"""The end of the message for two organisation names that only look different."""
_WAVES_ALIKE: Final = (
    "differ only in case, spacing, punctuation or zeros before a number; write each wave"
    " the same way everywhere (zero-padded, such as 2024-01, so that text order is time"
    " order)"
)
"""The end of the message for two waves that only look different."""


def _is_internal(name: str) -> bool:
    """Whether a trimmed name is ``internal`` (in any case or character form)."""
    if name.isascii():  # the common case, without the cost of folding
        return name.casefold() == INTERNAL
    return _fold(name) == INTERNAL


def _whole_number_text(value: object, argument: str) -> str | None:
    """Return whole numbers (ids and waves exported as numbers) as text, else None."""
    if isinstance(value, bool | np.bool_):
        return None
    try:
        if isinstance(value, int | np.integer):
            return str(int(value))
        if isinstance(value, float | np.floating) and float(value).is_integer():
            return str(int(value))
    except ValueError:  # more digits than int-to-text conversion allows
        raise ArgumentError(
            f"{argument}: expected text or a whole number of at most"
            f" {sys.get_int_max_str_digits()} digits, got a longer one"
        ) from None
    return None


def _identifier(value: object, argument: str) -> str:
    """Trim a respondent id; whole numbers (ids exported as numbers) become text."""
    if type(value) is str:
        return _name(value, argument)
    number = _whole_number_text(value, argument)
    return number if number is not None else _name(value, argument)


def _name(value: object, argument: str) -> str:
    """Trim a name and return it in NFC; refuse anything that is not non-empty text."""
    if not isinstance(value, str):
        raise ArgumentError(f"{argument}: expected text, got {value!r}")
    name = value.strip()
    if not name:
        raise ArgumentError(f"{argument}: expected a name, got {value!r}")
    if name.isascii() and name.isprintable():
        return name
    return _checked(name, argument)


def _optional_name(value: object, argument: str) -> str:
    """Trim an optional label; ``None`` and blank become ``""``, whole numbers text."""
    if value is None:
        return ""
    if isinstance(value, float) and math.isnan(value):
        return ""
    number = _whole_number_text(value, argument)
    if number is not None:
        return number
    if not isinstance(value, str):
        raise ArgumentError(f"{argument}: expected text or None, got {value!r}")
    return _checked(value.strip(), argument)


def _about(value: object, argument: str) -> str:
    name = _name(value, argument)
    return INTERNAL if _is_internal(name) else name


def _organisation_name(value: object, argument: str) -> str:
    name = _name(value, argument)
    if _is_internal(name):
        raise ArgumentError(
            f"{argument}: {INTERNAL!r} is reserved for an organisation's view of itself;"
            " it cannot name an organisation"
        )
    return name


def _organisation(value: object) -> str:
    return _organisation_name(value, "organisation")


def _about_of_response(value: object) -> str:
    return _about(value, "about")


def _respondent(value: object) -> str:
    return _identifier(value, "respondent")


def _unit(value: object) -> str | None:
    return _optional_name(value, "unit") or None


def _wave(value: object) -> str | None:
    return _optional_name(value, "wave") or None


def _answers_repr(answers: Mapping[int, float | None]) -> str:
    return repr(dict(answers))


def _frozen_answers(answers: Mapping[int, float | None]) -> Mapping[int, float | None]:
    if not isinstance(answers, Mapping):
        raise ArgumentError(
            f"answers: expected a mapping of question number to score, got {answers!r}"
        )
    for question, score in answers.items():
        if score is None:
            continue
        if isinstance(score, bool | np.bool_) or not isinstance(
            score, int | float | np.integer | np.floating
        ):
            raise ArgumentError(
                f"answers: question {question}: expected a number or None, got {score!r}"
            )
        if math.isnan(score):
            raise ArgumentError(
                f"answers: question {question}: NaN is not an answer; use None for a missing answer"
            )
    return MappingProxyType(dict(answers))


@attrs.frozen
class Response:
    """One respondent's answers.

    Parameters
    ----------
    organisation : str
        The organisation the respondent belongs to. Surrounding white space is trimmed and
        the name is stored in Unicode normalisation form C; a name holding a control
        character, a line break or an invisible character (zero-width, bidirectional
        control, lone surrogate) is refused. The same holds for every other name below.
    about : str
        ``"internal"`` (in any case) when the respondent assesses their own organisation;
        otherwise the name of the partner organisation, or of a declared multi-party
        arrangement, whose joint working with `organisation` is assessed.
    respondent : str
        An identifier, unique within one organisation, about and wave.
    answers : mapping of int to float or None
        Scores by question number (numbers, not text or booleans); ``None``, or a question
        left out, is missing. NaN is refused: it is a missing marker only inside an answer
        matrix (see :meth:`Responses.from_arrays`).
    unit : str or None, optional
        The department or service the respondent works in (rule R8).
    wave : str or None, optional
        The survey round, such as ``"2026-Q1"``. Waves sort as text, so name them so that
        text order is time order (zero-padded: ``2026-01``, not ``2026-1``). Two waves
        that differ only in case, spacing, punctuation or zeros before a number
        (``2026-1`` and ``2026-01``) are one wave written two ways: :class:`Responses`
        refuses them rather than count two waves and a progress between them.

    Examples
    --------
    >>> Response(" Harlow DC ", "Internal", "r1", {1: 3, 2: None})
    Response(organisation='Harlow DC', about='internal', respondent='r1', answers={1: 3, 2: None}, unit=None, wave=None)
    """  # noqa: E501 - a doctest's output is one line

    organisation: str = attrs.field(converter=_organisation)
    about: str = attrs.field(converter=_about_of_response)
    respondent: str = attrs.field(converter=_respondent)
    answers: Mapping[int, float | None] = attrs.field(
        converter=_frozen_answers, hash=False, repr=_answers_repr
    )
    unit: str | None = attrs.field(default=None, converter=_unit)
    wave: str | None = attrs.field(default=None, converter=_wave)

    @property
    def internal(self) -> bool:
        """Whether the response assesses the respondent's own organisation."""
        return self.about == INTERNAL


def _labels(values: Sequence[str]) -> _LabelArray:
    array = np.empty(len(values), dtype=object)
    array[:] = list(values)
    array.flags.writeable = False
    return array


@attrs.frozen
class _Coded:
    """A cleaned label column: its distinct names and each row's index into them."""

    labels: _LabelArray
    names: list[str]
    codes: IntArray


def _constant(name: str, n: int) -> _Coded:
    labels = np.full(n, name, dtype=object)
    labels.flags.writeable = False
    return _Coded(labels, [name], np.zeros(n, dtype=np.intp))


def _column(values: object, n: int, argument: str, clean: Any, *, optional: bool = False) -> _Coded:
    """Validate and clean a label column, cleaning each distinct value once.

    The distinct values are found with a hash table in one pass; each is cleaned once,
    in order of first appearance, so that the first value refused is the one on the
    earliest row, and its message names that row.
    """
    if values is None:
        if not optional:
            raise ArgumentError(f"{argument}: expected {n} labels, got None")
        return _constant("", n)
    if isinstance(values, str):
        return _constant(clean(values, argument), n)
    coded = (
        values if isinstance(values, _codes.Factorized) else _codes.factorize_with_pandas(values, n)
    )
    uniques: list[object]
    if coded is not None:
        uniques, raw_codes = coded.uniques, coded.codes
    else:
        items = _items(values, n, argument)
        uniques, raw_codes = _codes.factorize(items)
    # Distinct keys all text: then every item is text, or text's equal that cleans alike.
    if coded is None and not _codes.all_text(uniques):
        # Keep labels of different kinds apart (1, 1.0 and True are equal as keys).
        keys, raw_codes = _codes.factorize([v if type(v) is str else _key(v) for v in items])
        first = np.full(len(keys), n, dtype=np.intp)
        np.minimum.at(first, raw_codes, np.arange(n, dtype=np.intp))
        uniques = [items[i] for i in first.tolist()]
    position = 0

    def checked(value: object) -> str:
        nonlocal position
        try:
            return str(clean(value, argument))
        except ArgumentError:
            row = int(np.argmax(raw_codes == position)) + 1
            clean(value, f"{argument} (row {row})")  # raises, naming the row
            raise  # pragma: no cover - the call above raised
        finally:
            position += 1

    names, to_name = _codes.clean_distinct(uniques, checked)
    codes = to_name[raw_codes]
    table = np.empty(len(names), dtype=object)
    table[:] = names
    labels: _LabelArray = table[codes]
    labels.flags.writeable = False
    return _Coded(labels, names, codes)


def _identifiers(values: object, n: int) -> _LabelArray:
    """Validate and clean respondent identifiers, nearly all distinct.

    Identifiers that are already clean text (printable ASCII, trimmed, not blank), as
    nearly all are, are checked all at once and kept as they are; otherwise each distinct
    identifier is cleaned once.
    """
    if isinstance(values, _codes.Factorized):
        if _codes.all_text(values.uniques) and _codes.plain(cast("list[str]", values.uniques)):
            table = np.empty(len(values.uniques), dtype=object)
            table[:] = values.uniques
            labels = table[values.codes]
            labels.flags.writeable = False
            return labels
    elif not isinstance(values, str) and values is not None:
        items = _items(values, n, "respondent")
        if _codes.all_text(items) and _codes.plain(items):
            labels = np.empty(n, dtype=object)
            labels[:] = items
            labels.flags.writeable = False
            return labels
    return _column(values, n, "respondent", _identifier).labels


def _items(values: object, n: int, argument: str) -> list[Any]:
    """Return a label column's values as a list, one per respondent."""
    if type(values) is list:
        items: list[Any] = values
        if len(items) == n and not any(map(_nested, items[:1])):
            return items
    raw = np.asarray(values, dtype=object)
    if raw.ndim != 1 or raw.shape[0] != n:
        raise ArgumentError(
            f"{argument}: expected one label per respondent ({n}), got shape {raw.shape}"
        )
    return list(raw.tolist())


def _nested(value: object) -> bool:
    return isinstance(value, list | tuple | np.ndarray)


def _key(value: object) -> object:
    """Return a dictionary key for a label that is not text: its type and value, or identity."""
    try:
        hash(value)
    except TypeError:  # a list, say: never a label, refused when cleaned
        return (type(value), id(value))
    return (type(value), value)


def _factorize(labels: _LabelArray, *, ordered: bool = True) -> tuple[list[str], IntArray]:
    """Return the distinct labels (sorted if `ordered`) and each row's index into them."""
    uniques, codes = _codes.factorize(labels.tolist())
    names = [str(u) for u in uniques]
    return _codes.sorted_codes(names, codes) if ordered else (names, codes)


def _combine(columns: Sequence[IntArray], sizes: Sequence[int]) -> IntArray:
    """Return a number for each row of code columns, distinct rows in lexicographic order."""
    return _codes.combine(columns, sizes)


@attrs.frozen
class _Index:
    """Integer codes for a survey's labels, computed once when the survey is built.

    ``names`` are the organisation and about names together (sorted), so that a pair of
    organisations has the same codes whichever side answered. Cells are the distinct
    (organisation, about, wave, unit) combinations, numbered in that sorted order.
    """

    names: tuple[str, ...]
    waves: tuple[str, ...]
    units: tuple[str, ...]
    organisation: IntArray
    about: IntArray
    wave: IntArray
    unit: IntArray
    cell: IntArray
    cell_keys: IntArray  # shape (n_cells, 4): organisation, about, wave, unit codes


def _index(
    organisation: _LabelArray, about: _LabelArray, wave: _LabelArray, unit: _LabelArray
) -> _Index:
    def coded(labels: _LabelArray) -> _Coded:
        names, codes = _factorize(labels, ordered=False)
        return _Coded(labels, names, codes)

    return _index_of(coded(organisation), coded(about), coded(wave), coded(unit))


def _index_of(organisation: _Coded, about: _Coded, wave: _Coded, unit: _Coded) -> _Index:
    """Build the index from coded columns, renumbering their codes in sorted name order."""
    names = sorted({*organisation.names, *about.names})
    position = {name: i for i, name in enumerate(names)}

    def renumbered(column: _Coded, table: Sequence[str], new: Mapping[str, int]) -> IntArray:
        # In place: the coded column is the builder's own, used once.
        lut = np.array([new[n] for n in table], dtype=np.intp)
        return np.take(lut, column.codes, out=column.codes)

    org = renumbered(organisation, organisation.names, position)
    subject = renumbered(about, about.names, position)
    waves = sorted(wave.names)
    wave_codes = renumbered(wave, wave.names, {w: i for i, w in enumerate(waves)})
    units = sorted(unit.names)
    unit_codes = renumbered(unit, unit.names, {u: i for i, u in enumerate(units)})
    columns = (org, subject, wave_codes, unit_codes)
    cell = _combine(columns, (len(names), len(names), len(waves), len(units)))
    keys = np.empty((int(cell.max()) + 1, 4), dtype=np.intp)
    keys[cell] = np.stack(columns, axis=1)
    for array in (org, subject, wave_codes, unit_codes, cell, keys):
        array.flags.writeable = False
    return _Index(
        names=tuple(names),
        waves=tuple(waves),
        units=tuple(units),
        organisation=org,
        about=subject,
        wave=wave_codes,
        unit=unit_codes,
        cell=cell,
        cell_keys=keys,
    )


@attrs.frozen(eq=False)
class Responses:
    """Many responses as validated columns.

    Build one with :meth:`from_records`, :meth:`from_arrays`, :meth:`from_frame` or
    :func:`~jointworking.io.read_responses` rather than the constructor.

    Attributes
    ----------
    instrument : Instrument
        The instrument answered.
    answers : ndarray of float64, shape (n_respondents, n_questions)
        Scores in question order, NaN where missing. Read-only.
    organisation, about, respondent, unit, wave : ndarray of str (object), shape (n_respondents,)
        Labels per respondent, trimmed; ``about`` is ``"internal"`` or a partner or
        arrangement name; ``unit`` and ``wave`` are ``""`` where not given. Read-only.

    Examples
    --------
    >>> r = Responses.from_arrays(
    ...     [[3, 3, 2, 2, 2, 3, 2, 2, 2, 2], [4, 3, None, 3, 2, 3, 2, 3, 2, 2]],
    ...     organisation="Harlow DC",
    ...     about="internal",
    ... )
    >>> len(r), r.respondent.tolist()
    (2, ['1', '2'])
    """

    instrument: Instrument
    answers: npt.NDArray[np.float64]
    organisation: _LabelArray
    about: _LabelArray
    respondent: _LabelArray
    unit: _LabelArray
    wave: _LabelArray
    _coded: tuple[_Coded, _Coded, _Coded, _Coded] | None = attrs.field(
        default=None, kw_only=True, repr=False, alias="_coded"
    )
    """The label columns' codes, when the builder has them (taken, then dropped)."""
    _index: _Index = attrs.field(init=False, repr=False)

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.instrument, Instrument):
            raise ArgumentError(f"instrument: expected an Instrument, got {self.instrument!r}")
        n, q = self.answers.shape
        if q != len(self.instrument.questions):
            raise ArgumentError(
                f"answers: expected {len(self.instrument.questions)} columns, one per question,"
                f" got {q}"
            )
        for name in ("organisation", "about", "respondent", "unit", "wave"):
            if getattr(self, name).shape != (n,):
                raise ArgumentError(f"{name}: expected {n} labels, one per respondent")
        _check_scores(self.answers, self.instrument)
        if self._coded is None:
            index = _index(self.organisation, self.about, self.wave, self.unit)
        else:
            index = _index_of(*self._coded)
            object.__setattr__(self, "_coded", None)
        _check_self_reference(self.organisation, self.about, index)
        _check_similar_names(self.organisation, self.about, index)
        _check_unique_respondents(self, index)
        object.__setattr__(self, "_index", index)

    def __len__(self) -> int:
        return int(self.answers.shape[0])

    def __iter__(self) -> Iterator[Response]:
        return (self[i] for i in range(len(self)))

    def __getitem__(self, i: int) -> Response:
        row = self.answers[i]
        return Response(
            organisation=self.organisation[i],
            about=self.about[i],
            respondent=self.respondent[i],
            answers={
                n: (None if math.isnan(s) else float(s))
                for n, s in zip(self.instrument.numbers, row.tolist(), strict=True)
            },
            unit=self.unit[i] or None,
            wave=self.wave[i] or None,
        )

    def __repr__(self) -> str:
        keys = self._index.cell_keys[:, :2]
        groups = int(np.count_nonzero((keys[1:] != keys[:-1]).any(axis=1))) + 1
        return (
            f"<Responses: {len(self)} respondents, {groups} organisation/about groups,"
            f" instrument {self.instrument.name!r}>"
        )

    @property
    def waves(self) -> tuple[str, ...]:
        """The distinct waves, in text order (``""`` where no wave was given)."""
        return self._index.waves

    @property
    def organisations(self) -> tuple[str, ...]:
        """The distinct responding organisations, sorted."""
        index = self._index
        return tuple(index.names[i] for i in np.unique(index.cell_keys[:, 0]).tolist())

    @classmethod
    def from_arrays(
        cls,
        answers: _AnswerMatrix,
        *,
        organisation: str | Sequence[str] | npt.ArrayLike,
        about: str | Sequence[str] | npt.ArrayLike,
        respondent: Sequence[str | int] | npt.ArrayLike | None = None,
        unit: str | Sequence[str | int | None] | npt.ArrayLike | None = None,
        wave: str | Sequence[str | int | None] | npt.ArrayLike | None = None,
        instrument: Instrument = MORLEY_2016,
    ) -> Responses:
        """Build from an answer matrix and label columns.

        Parameters
        ----------
        answers : array_like, shape (n_respondents, n_questions)
            Scores in question order: numbers (not booleans or text), each a point of the
            instrument's scale, and ``None`` or NaN for missing. The answer matrix is the
            one place (with a data frame's columns, :meth:`from_frame`) where NaN means
            missing: it is numpy's own marker for a missing number. Everywhere an answer
            stands on its own (a file's cell, a JSON value, a :class:`Response`'s answer,
            :meth:`Scale.parse <jointworking.Scale.parse>`), missing is written as a blank
            cell, a missing word such as "don't know", ``null`` or ``None``, and NaN is an
            error.
        organisation, about : str or array_like of str, shape (n_respondents,)
            A single string applies to every respondent.
        respondent : array_like of str, optional
            Identifiers; by default ``"1"``, ``"2"``, ... in row order.
        unit, wave : str or array_like of str, optional
        instrument : Instrument, optional

        Raises
        ------
        ArgumentError
            If shapes disagree, a score is off the scale, a name is blank or holds a
            character a name may not hold, an organisation is "about" itself, two names
            or two waves only look different, or a respondent appears twice in one
            organisation, about and wave.

        Notes
        -----
        Names (organisation, about, respondent, unit and wave) are trimmed and stored in
        Unicode normalisation form C (NFC), so that "Café" with a precomposed é and with
        an e and a combining accent is one name. A name may not hold a lone surrogate, a
        line break, another control character (tab and NUL among them) or an invisible
        formatting character (zero-width space or joiner, word joiner, soft hyphen, a byte
        order mark, bidirectional marks, embeddings, overrides and isolates): such text
        could not be written, or would show two different names alike.

        Organisation names (in `organisation` and `about`) that differ only in case,
        spacing or the form of their characters (compared after Unicode NFKC and case
        folding, so full-width letters and ligatures count as their plain forms) are
        refused, and so are waves that differ only in case, spacing, punctuation or zeros
        before a number (``2024-1`` and ``2024-01``, ``Q1`` and ``q1``).
        """
        if not isinstance(instrument, Instrument):
            raise ArgumentError(f"instrument: expected an Instrument, got {instrument!r}")
        matrix = _answer_matrix(answers)
        if matrix.ndim != 2:
            raise ArgumentError(
                f"answers: expected a 2-D matrix (respondents x questions), got shape"
                f" {matrix.shape}"
            )
        n = matrix.shape[0]
        if n == 0:
            raise ArgumentError("answers: expected at least one respondent, got none")
        matrix.flags.writeable = False
        if respondent is None:
            ids = _labels([str(i + 1) for i in range(n)])
        else:
            ids = _identifiers(respondent, n)
        organisations = _column(organisation, n, "organisation", _organisation_name)
        abouts = _column(about, n, "about", _about)
        units = _column(unit, n, "unit", _optional_name, optional=True)
        waves = _column(wave, n, "wave", _optional_name, optional=True)
        return cls(
            instrument=instrument,
            answers=matrix,
            organisation=organisations.labels,
            about=abouts.labels,
            respondent=ids,
            unit=units.labels,
            wave=waves.labels,
            _coded=(organisations, abouts, waves, units),
        )

    @classmethod
    def from_records(
        cls, records: Iterable[Response | Mapping[str, Any]], instrument: Instrument = MORLEY_2016
    ) -> Responses:
        """Build from :class:`Response` objects or mappings with the same fields.

        Answers are numbers (not booleans or text), each a point of the scale, or
        ``None`` for missing; NaN is refused, as in a JSON file.

        Raises
        ------
        ArgumentError
            As :meth:`from_arrays`; also for an answer to a question the instrument does
            not have, or one that is not a number or None. Messages name the record
            (counting from 1).
        """
        if not isinstance(instrument, Instrument):
            raise ArgumentError(f"instrument: expected an Instrument, got {instrument!r}")
        if isinstance(records, Mapping | Response) or not isinstance(records, Iterable):
            raise ArgumentError(
                "records: expected an iterable of Response objects or mappings, got"
                f" {type(records).__name__}"
            )
        rows: list[Response] = []
        for i, record in enumerate(records, 1):
            if isinstance(record, Response):
                rows.append(record)
                continue
            if not isinstance(record, Mapping):
                raise ArgumentError(f"record {i}: expected a Response or a mapping")
            _check_fields(record, i)
            try:
                rows.append(Response(**record))
            except (TypeError, ArgumentError) as error:
                raise ArgumentError(f"record {i}: {error}") from None
        if not rows:
            raise ArgumentError("records: expected at least one response, got none")
        matrix = np.full((len(rows), len(instrument.questions)), np.nan)
        for i, row in enumerate(rows):
            seen: dict[int, object] = {}
            for number, score in row.answers.items():
                position = instrument.position(number, argument=f"record {i + 1}: answers")
                if position in seen:
                    raise ArgumentError(
                        f"record {i + 1}: answers: question"
                        f" {instrument.questions[position].number} is answered twice"
                        f" (as {seen[position]!r} and {number!r})"
                    )
                seen[position] = number
                matrix[i, position] = np.nan if score is None else float(score)
        return cls.from_arrays(
            matrix,
            organisation=[r.organisation for r in rows],
            about=[r.about for r in rows],
            respondent=[r.respondent for r in rows],
            unit=[r.unit for r in rows],
            wave=[r.wave for r in rows],
            instrument=instrument,
        )

    @classmethod
    def from_frame(cls, frame: Any, instrument: Instrument = MORLEY_2016) -> Responses:
        """Build from a pandas DataFrame laid out like a wide survey file.

        Columns ``organisation``, ``about``, optional ``respondent``, ``unit``, ``wave``,
        and one column per question (``q1`` ... or the question keys); headers are
        case-insensitive. Needs the optional dependency pandas.

        Answer cells are read as a file's are (see :func:`~jointworking.io.read_responses`):
        numbers, text cells holding a number of the scale, a label or a missing word; the
        frame's own missing values (NaN, None, ``pd.NA``, ``NaT``) are missing, as in
        :meth:`from_arrays`, but a text cell ``"NaN"`` is an error.

        Raises
        ------
        ArgumentError
            If `frame` is not a pandas DataFrame, for an unknown or missing column, an
            answer that is not one of the scale's, or any problem :meth:`from_arrays`
            reports.
        """
        if not isinstance(instrument, Instrument):
            raise ArgumentError(f"instrument: expected an Instrument, got {instrument!r}")
        pandas = sys.modules.get("pandas")
        if pandas is None or not isinstance(frame, pandas.DataFrame):
            raise ArgumentError(f"frame: expected a pandas DataFrame, got {type(frame).__name__}")
        columns: dict[str, Any] = {}
        for column in frame.columns:
            key = str(column).strip().casefold()
            key = "organisation" if key == "organization" else key
            if key in columns:
                raise ArgumentError(
                    f"frame: columns {columns[key]!r} and {column!r} have the same header"
                    " (headers are case-insensitive)"
                )
            columns[key] = column
        label_names = ("organisation", "about", "respondent", "unit", "wave")
        for required in ("organisation", "about"):
            if required not in columns:
                raise ArgumentError(f"frame: missing column {required!r}")
        positions: dict[int, Any] = {}
        for key, column in columns.items():
            if key in label_names:
                continue
            position = instrument.position(key, argument=f"frame: column {column!r}")
            if position in positions:
                raise ArgumentError(f"frame: question {key!r} appears in two columns")
            positions[position] = column

        def values(column: Any) -> list[Any]:
            # pandas marks missing cells as NaN, None, pd.NA or NaT by dtype: all are missing.
            series = frame[column]
            array = series.to_numpy(dtype=object)
            missing = np.asarray(series.isna(), dtype=np.bool_)
            if missing.any():
                array = array.copy()
                array[missing] = None
            return list(array.tolist())

        matrix = np.full((len(frame), len(instrument.questions)), np.nan)
        for position, column in positions.items():
            matrix[:, position] = _frame_scores(frame[column], column, instrument, values)

        def labels(name: str) -> Any:
            if name not in columns:
                return None
            # Text without a missing cell: coded by pandas, in compiled code.
            coded = _codes.factorize_with_pandas(frame[columns[name]], len(frame))
            return values(columns[name]) if coded is None else coded

        return cls.from_arrays(
            matrix,
            organisation=labels("organisation"),
            about=labels("about"),
            respondent=labels("respondent"),
            unit=labels("unit"),
            wave=labels("wave"),
            instrument=instrument,
        )

    def select(self, rows: npt.ArrayLike) -> Responses:
        """Return the responses of some rows: a boolean mask or row numbers (from 0).

        Raises
        ------
        ArgumentError
            If `rows` is not a mask of the right length or row numbers in range, or
            selects nobody.

        Examples
        --------
        >>> r = Responses.from_arrays([[3] * 10, [2] * 10, [4] * 10], organisation="A",
        ...                           about="internal")
        >>> r.select([0, 2]).respondent.tolist()
        ['1', '3']
        """
        chosen = np.asarray(rows)
        n = len(self)
        if chosen.dtype == np.bool_:
            if chosen.shape != (n,):
                raise ArgumentError(
                    f"rows: expected a mask of {n} booleans, got shape {chosen.shape}"
                )
            chosen = np.flatnonzero(chosen)
        elif chosen.ndim != 1 or (chosen.size and chosen.dtype.kind not in "iu"):
            raise ArgumentError("rows: expected a boolean mask or a list of row numbers")
        if chosen.size == 0:
            raise ArgumentError("rows: expected at least one row, got none")
        if chosen.min() < -n or chosen.max() >= n:
            raise ArgumentError(f"rows: expected row numbers from 0 to {n - 1}")

        def take(column: _LabelArray) -> _LabelArray:
            out: _LabelArray = column[chosen]
            out.flags.writeable = False
            return out

        answers = np.asfortranarray(self.answers[chosen])
        answers.flags.writeable = False
        return Responses(
            instrument=self.instrument,
            answers=answers,
            organisation=take(self.organisation),
            about=take(self.about),
            respondent=take(self.respondent),
            unit=take(self.unit),
            wave=take(self.wave),
        )

    def to_records(self) -> list[Response]:
        """Return every response as a :class:`Response`, in row order."""
        return list(self)


_NOT_SCORES: Final = (bool, np.bool_, str, bytes)


def _frame_scores(
    series: Any, column: object, instrument: Instrument, values: Callable[[Any], list[Any]]
) -> npt.NDArray[np.float64]:
    """Read a data frame's answer column, as a file's cells are read, one distinct value once.

    A column of numbers is converted at once when every number is a point of the scale.
    Otherwise each distinct value is read in order of first appearance, so that the first
    value refused is on the earliest row, and the message names that row.
    """
    scale = instrument.scale
    if series.dtype.kind in "iuf":
        scores = np.asarray(series.to_numpy(dtype=np.float64, na_value=np.nan))
        on_scale = np.isnan(scores)
        for value in scale.values:
            on_scale |= scores == value
        if on_scale.all():
            return scores
    items = values(column)
    keys, codes = _codes.factorize([v if type(v) is str else _key(v) for v in items])
    first = np.full(len(keys), len(items), dtype=np.intp)
    np.minimum.at(first, codes, np.arange(len(items), dtype=np.intp))
    read = np.empty(len(keys), dtype=np.float64)
    for i, row in enumerate(first.tolist()):
        score = scale.parse(items[row], argument=f"frame: row {row + 1}, column {column!r}")
        read[i] = np.nan if score is None else score
    return read[codes]


def _answer_matrix(answers: _AnswerMatrix) -> npt.NDArray[np.float64]:
    """Convert to a float matrix, refusing booleans and text rather than reading them as scores."""
    expected = "answers: expected a matrix of numbers, None or NaN (one row per respondent)"
    # Column-major: scoring reads the matrix one question (column) at a time.
    if isinstance(answers, np.ndarray) and answers.dtype.kind in "iuf":
        return np.array(answers, dtype=np.float64, order="F")
    try:
        # dtype=object keeps each element as given: numpy would otherwise promote
        # [True, 3] to [1, 3] and [3, "3"] to text before they could be seen.
        raw = np.asarray(answers, dtype=object)
    except (TypeError, ValueError, RecursionError):
        raise ArgumentError(expected) from None
    for flat, value in enumerate(raw.flat):
        if isinstance(value, _NOT_SCORES):
            where = "".join(f"[{i}]" for i in np.unravel_index(flat, raw.shape))
            raise ArgumentError(f"{expected}, got {value!r} at answers{where}")
    try:
        return np.array(raw, dtype=np.float64, order="F")
    except OverflowError:  # an integer beyond float64: off every scale
        raise ArgumentError(f"{expected}, got an integer too large for a score") from None
    except (TypeError, ValueError):
        raise ArgumentError(expected) from None


_FIELDS: Final = ("organisation", "about", "respondent", "answers", "unit", "wave")
_REQUIRED_FIELDS: Final = _FIELDS[:4]


def _check_fields(record: Mapping[Any, Any], i: int) -> None:
    expected = ", ".join(_FIELDS)
    for field in record:
        if field not in _FIELDS:
            raise ArgumentError(f"record {i}: unknown field {field!r}; expected {expected}")
    for field in _REQUIRED_FIELDS:
        if field not in record:
            raise ArgumentError(f"record {i}: missing field {field!r}; expected {expected}")


def _check_scores(answers: npt.NDArray[np.float64], instrument: Instrument) -> None:
    # One comparison per scale point over the answers as they lie in memory (no copy):
    # cheaper than np.isin, which sorts.
    flat = answers.ravel(order="K")
    on_scale = np.isnan(flat)
    for value in instrument.scale.values:
        on_scale |= flat == value
    if not on_scale.all():
        on_scale = np.isin(answers, np.asarray(instrument.scale.values)) | np.isnan(answers)
        row, col = (int(i) for i in np.argwhere(~on_scale)[0])
        number = instrument.questions[col].number
        points = ", ".join(f"{v:g}" for v in instrument.scale.values)
        raise ArgumentError(
            f"answers: row {row + 1}, question {number}: expected a point of the scale"
            f" ({points}) or missing, got {float(answers[row, col])!r}"
        )


def _check_similar_names(organisation: _LabelArray, about: _LabelArray, index: _Index) -> None:
    """Refuse names, and waves, that only look different: almost always a typing slip.

    Left alone, "Ashford council" and "Ashford Council" would be two organisations, and a
    report would quietly count a fifth organisation that gave too few answers; "2024-1"
    and "2024-01" would be two waves, and a report would show progress between them.
    Names are compared by :func:`_fold`, waves by :func:`_fold_wave`; both are checked on
    the distinct values only.
    """
    names: _LookAlikes[str] = _LookAlikes(_fold)
    for name in index.names:
        if name == INTERNAL:
            continue
        other = names.check(name, name)
        if other is not None:

            def row(name: str) -> int:
                return int(np.flatnonzero((organisation == name) | (about == name))[0]) + 1

            raise ArgumentError(
                f"organisation: {_shown(other[0])} (row {row(other[0])}) and {_shown(name)}"
                f" (row {row(name)}) {_NAMES_ALIKE}"
            )
    waves: _LookAlikes[int] = _LookAlikes(_fold_wave)
    for code, wave in enumerate(index.waves):
        if not wave:
            continue
        other_wave = waves.check(wave, code)
        if other_wave is not None:
            first = int(np.flatnonzero(index.wave == other_wave[1])[0]) + 1
            second = int(np.flatnonzero(index.wave == code)[0]) + 1
            raise ArgumentError(
                f"wave: waves {_shown(other_wave[0])} (row {first}) and {_shown(wave)} (row"
                f" {second}) {_WAVES_ALIKE}"
            )


def _check_self_reference(organisation: _LabelArray, about: _LabelArray, index: _Index) -> None:
    same = index.organisation == index.about
    if same.any():
        row = int(np.flatnonzero(same)[0])
        raise ArgumentError(
            f"about: row {row + 1}: {organisation[row]!r} is about itself; use"
            f" {INTERNAL!r} for an organisation's view of its own joint working"
        )


def _check_unique_respondents(responses: Responses, index: _Index) -> None:
    """Refuse a respondent who answers twice for one organisation, about and wave."""
    # Cells are numbered in order of (organisation, about, wave, unit): a group of cells
    # sharing organisation, about and wave is a run of cell numbers.
    keys = index.cell_keys[:, :3]
    starts = np.concatenate(([0], np.any(keys[1:] != keys[:-1], axis=1)))
    groups = np.cumsum(starts, dtype=np.intp)[index.cell]
    repeat = _codes.first_repeat(groups, responses.respondent.tolist())
    if repeat is not None:
        first, second = repeat
        wave = f", wave {responses.wave[first]!r}" if responses.wave[first] else ""
        raise ArgumentError(
            f"respondent: {responses.respondent[first]!r} answers twice for"
            f" {responses.organisation[first]!r} about {responses.about[first]!r}{wave}"
            f" (rows {first + 1} and {second + 1})"
        )
