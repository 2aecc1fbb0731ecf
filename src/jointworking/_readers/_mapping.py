"""A mapping file: which of a form tool's columns holds what the survey needs.

A mapping is TOML (read with :mod:`tomllib`) or the same as a dict::

    sheet = "Form responses 1"                   # optional: a spreadsheet's sheet

    [columns]
    organisation = "Which organisation do you work for?"
    about = "Whose joint working are you assessing?"
    unit = "Which service do you work in?"       # optional
    respondent = "ID"                            # optional
    wave = "Survey round"                        # optional; or [values] wave
    ignore = ["Any other comments?"]             # optional: columns to leave out

    [values]
    internal = ["Our own organisation"]          # answers to 'about' meaning itself
    wave = "2026-Q1"                             # optional: one wave for the whole file

    [questions]                                  # optional: only where wording was changed
    q4 = "Do we take risks and innovate together?"

Every problem is an error naming the mapping (its file, or ``mapping`` for a dict) and
the key at fault.
"""

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Final

import attrs

from jointworking._readers._cells import _show
from jointworking.errors import ArgumentError, ResponseFileError
from jointworking.instrument import Instrument

LABELS: Final = ("organisation", "about", "unit", "respondent", "wave")
"""The columns a mapping's ``[columns]`` table may name, in the order a survey has them."""
_TABLES: Final = ("sheet", "columns", "values", "questions")
_VALUES: Final = ("internal", "wave")
_ALIASES: Final = {"organization": "organisation"}


def _folded(text: str) -> str:
    """Compare headers and answers as the CSV reader compares headers: case and spacing."""
    return " ".join(text.casefold().split())


@attrs.frozen
class FormMapping:
    """A checked mapping.

    Attributes
    ----------
    source : str
        The mapping file as given, or ``"mapping"`` for a dict: messages name it.
    columns : dict
        Label column (``organisation``, ``about``, ``unit``, ``respondent``, ``wave``) to
        the header of the export's column holding it.
    internal : tuple of str
        Answers in the ``about`` column meaning the respondent's own organisation.
    wave : str or None
        One wave for the whole file.
    questions : dict
        Question position (0-based, in question order) to the header of its column, for
        questions whose wording the form changed.
    sheet : str or None
        The sheet of a spreadsheet to read; the first by default.
    ignore : tuple of str
        Headers of columns to leave out (never read).
    """

    source: str
    columns: Mapping[str, str]
    internal: tuple[str, ...] = ()
    wave: str | None = None
    questions: Mapping[int, str] = attrs.field(factory=dict)
    sheet: str | None = None
    ignore: tuple[str, ...] = ()

    def is_internal(self, answer: str) -> bool:
        """Whether an answer in the ``about`` column means the respondent's own organisation."""
        folded = _folded(answer)
        return any(folded == _folded(text) for text in self.internal)


class _MappingError(Exception):
    """A key of the mapping holds what it should not; the caller says which mapping."""


def load_mapping(mapping: object, instrument: Instrument) -> FormMapping | None:
    """Return the checked mapping of a TOML file (path) or a dict; None for None.

    Raises
    ------
    ResponseFileError
        If the file cannot be read, is not TOML, or holds what a mapping cannot.
    ArgumentError
        If `mapping` is not a path, a dict or None, or the dict holds what a mapping cannot.
    """
    if mapping is None:
        return None
    if isinstance(mapping, str | os.PathLike):
        source = os.fsdecode(mapping)
        try:
            data = tomllib.loads(Path(source).read_text(encoding="utf-8-sig"))
        except OSError as error:
            raise ResponseFileError(source, f"cannot be read: {error.strerror or error}") from None
        except UnicodeDecodeError:
            raise ResponseFileError(source, "cannot be read: expected UTF-8 text") from None
        except tomllib.TOMLDecodeError as error:
            raise ResponseFileError(source, f"not a valid TOML file: {error}") from None
        try:
            return _checked(data, source, instrument)
        except _MappingError as problem:
            raise ResponseFileError(source, str(problem)) from None
    if isinstance(mapping, Mapping):
        try:
            return _checked(mapping, "mapping", instrument)
        except _MappingError as problem:
            raise ArgumentError(f"mapping: {problem}") from None
    raise ArgumentError(
        "mapping: expected the path of a TOML mapping file, a dict or None, got"
        f" {type(mapping).__name__}"
    )


def _text(value: object, key: str) -> str:
    if not isinstance(value, str):
        raise _MappingError(f"{key}: expected text, got {_show(value)}")
    text = value.strip()
    if not text:
        raise _MappingError(f"{key}: expected text, got a blank")
    return text


def _table(data: Mapping[str, object], key: str) -> Mapping[str, object]:
    table = data.get(key, {})
    if not isinstance(table, Mapping) or not all(isinstance(k, str) for k in table):
        raise _MappingError(f"[{key}]: expected a table, got {_show(table)}")
    return table


def _unknown(key: str, allowed: tuple[str, ...], name: str = "") -> _MappingError:
    """Refuse `key`; say which table `name` (the key's own name) belongs in, if known."""
    tables = {
        **dict.fromkeys(LABELS, "[columns]"),
        "ignore": "[columns]",
        "internal": "[values]",
        "wave": "[columns] (a column's header) or [values] (one wave for the file)",
    }
    table = tables.get(name.casefold(), "")
    if not table and name.casefold().removeprefix("q").isdigit():
        table = "[questions]"
    hint = f"; {name} belongs in {table}" if table else ""
    return _MappingError(f"{key}: unknown key; expected {', '.join(allowed)}{hint}")


def _texts(value: object, key: str) -> tuple[str, ...]:
    """Read text, or a list of text, as a tuple."""
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list):
        raise _MappingError(f"{key}: expected text or a list of text, got {_show(value)}")
    return tuple(_text(item, key) for item in items)


def _columns(data: Mapping[str, object]) -> tuple[dict[str, str], tuple[str, ...]]:
    columns: dict[str, str] = {}
    ignore: tuple[str, ...] = ()
    for key, value in _table(data, "columns").items():
        if key == "ignore":
            ignore = _texts(value, "[columns] ignore")
            continue
        label = _ALIASES.get(key, key)
        if label not in LABELS:
            raise _unknown(f"[columns] {key}", (*LABELS, "ignore"), key)
        if label in columns:
            raise _MappingError(f"[columns] {key}: named twice")
        columns[label] = _text(value, f"[columns] {key}")
    return columns, ignore


def _questions(data: Mapping[str, object], instrument: Instrument) -> dict[int, str]:
    questions: dict[int, str] = {}
    for key, value in _table(data, "questions").items():
        try:
            position = instrument.position(key)
        except ArgumentError:
            numbers = ", ".join(f"q{n}" for n in instrument.numbers)
            raise _MappingError(
                f"[questions] {key}: no such question in instrument {instrument.name!r};"
                f" expected {numbers} (or a question's key)"
            ) from None
        if position in questions:
            raise _MappingError(f"[questions] {key}: question named twice")
        questions[position] = _text(value, f"[questions] {key}")
    return questions


def _checked(data: Mapping[str, object], source: str, instrument: Instrument) -> FormMapping:
    for key in data:
        if key not in _TABLES:
            raise _unknown(str(key), _TABLES, str(key))
    sheet = None if data.get("sheet") is None else _text(data["sheet"], "sheet")
    columns, ignore = _columns(data)
    values = _table(data, "values")
    for key in values:
        if key not in _VALUES:
            raise _unknown(f"[values] {key}", _VALUES, key)
    answers = _texts(values.get("internal", []), "[values] internal")
    wave = None if values.get("wave") is None else _text(values["wave"], "[values] wave")
    if wave is not None and "wave" in columns:
        raise _MappingError(
            "[values] wave: the wave is also a column ([columns] wave); expected one or the other"
        )
    questions = _questions(data, instrument)
    headers: dict[str, str] = {}
    named = [(f"[columns] {k}", v) for k, v in columns.items()]
    named += [(f"[questions] q{instrument.questions[p].number}", v) for p, v in questions.items()]
    named += [("[columns] ignore", v) for v in ignore]
    for key, header in named:
        other = headers.setdefault(_folded(header), key)
        if other != key:
            raise _MappingError(f"{key}: names the same column as {other}, {header!r}")
    return FormMapping(source, columns, answers, wave, questions, sheet, ignore)


def _toml(text: str) -> str:
    """Return `text` as a TOML basic string (JSON's escapes are TOML's)."""
    import json  # noqa: PLC0415 - only when a starting mapping is written

    return json.dumps(text, ensure_ascii=False)


def _columns_lines(
    placed: Mapping[str, str], unplaced: list[str], ignore: tuple[str, ...]
) -> list[str]:
    out = ["[columns]"]
    if unplaced:
        out.append("# Columns not placed yet: put each one's header where it belongs.")
        out += [f"#   {_toml(header)}" for header in unplaced]
    for label in ("organisation", "about"):
        out.append(f"{label} = {_toml(placed.get(label, ''))}")
    notes = {
        "unit": "optional: the respondent's department or service",
        "respondent": "optional: each respondent's identifier",
        "wave": "optional: the survey round, if a column holds it",
    }
    for label, note in notes.items():
        if label in placed:
            out.append(f"{label} = {_toml(placed[label])}")
        else:
            out.append(f'# {label} = ""  # {note}')
    out.append("# Columns to leave out (a free-text comment, say): they are never read.")
    out.append(f"ignore = [{', '.join(map(_toml, ignore))}]")
    return out


def _questions_lines(
    instrument: Instrument, given: Mapping[int, str], found: list[int], missing: list[int]
) -> list[str]:
    out = ["[questions]"]
    for position, header in given.items():
        out.append(f"q{instrument.questions[position].number} = {_toml(header)}")
    if found:
        numbers = ", ".join(f"q{instrument.questions[p].number}" for p in found)
        out.append(f"# Found: {numbers}.")
    if missing:
        out.append("# Not found by their wording: name the column of each the form asked.")
        for position in missing:
            question = instrument.questions[position]
            out.append(f"# {_toml(question.text)}")
            out.append(f'# q{question.number} = ""')
    return out


def starting_mapping(
    *,
    export: str,
    tool: str,
    own: list[str],
    personal: list[str],
    unplaced: list[str],
    placed: Mapping[str, str],
    found: list[int],
    missing: list[int],
    instrument: Instrument,
    sheet: str | None,
    given: FormMapping | None = None,
) -> str:
    """Return a starting mapping file for an export, to be edited and passed back.

    Everything shown comes from the export (or the mapping `given`, whose values are
    kept): headers are written as TOML strings, never as bare text, so that no header can
    break the file or add a key.
    """
    internal = given.internal if given is not None and given.internal else ("",)
    wave = None if given is None else given.wave
    out = [
        f"# A starting mapping for {_toml(export)}, read as {tool}.",
        "# Fill in the blanks, then pass this file back:",
        "#   jointworking assess EXPORT --map mapping.toml -o report.html",
    ]
    if own:
        out.append(f"# Left out, as the tool's own columns: {', '.join(map(_toml, own))}.")
    if personal:
        out.append(f"# Personal data, never read: {', '.join(map(_toml, personal))}.")
    out.append("")
    if sheet is not None:
        out += [f"sheet = {_toml(sheet)}", ""]
    out += _columns_lines(placed, unplaced, () if given is None else given.ignore)
    out += [
        "",
        "[values]",
        "# The answers in the 'about' column that mean the respondent's own organisation:",
        f"internal = [{', '.join(map(_toml, internal))}]",
        f"wave = {_toml(wave)}"
        if wave
        else '# wave = "2026-Q1"  # optional: one survey round for the whole file',
        "",
    ]
    out += _questions_lines(instrument, {} if given is None else given.questions, found, missing)
    return "\n".join(out) + "\n"
