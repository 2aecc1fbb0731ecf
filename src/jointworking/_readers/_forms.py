"""Reading a form tool's export, or a spreadsheet, as it comes: translated to our wide layout.

A file's header rows are matched to a tool's layout (:mod:`.forms`), each column is placed
(a question, by its wording; a label column, by the mapping; one of the tool's own
columns, left out), and each data row is cut down to the placed columns as it is read,
before anything is kept: personal data (e-mail, names, IP address) is never turned into
text, let alone kept. The rows are then read by the wide CSV reader, so every rule of a
survey file holds, and its errors name the export's own line (or sheet and cell) and
column header.
"""

import difflib
import io
import itertools
import os
import re
import warnings
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import IO, Final

import attrs

from jointworking._readers._cells import _build, _clip, _show
from jointworking._readers._constants import _HEADER_NAMES
from jointworking._readers._csv import _delimiter, _Header, _records
from jointworking._readers._encodings import _decode
from jointworking._readers._labels import _then_raise
from jointworking._readers._mapping import LABELS, FormMapping, load_mapping, starting_mapping
from jointworking._readers._questions import _QuestionMatcher
from jointworking._readers._source import _identify, _load, _suffix
from jointworking._readers._spreadsheet import READABLE, ZIP_START, Sheet, _cell_text, open_sheet
from jointworking._readers._wide import _read_wide
from jointworking._readers.forms import detect
from jointworking._readers.forms._layout import PLAIN, Layout, Role
from jointworking.errors import ArgumentError, ResponseFileError
from jointworking.instrument import Instrument
from jointworking.responses import INTERNAL, Responses

INCOMPLETE: Final = ("exclude", "include", "error")
"""What to do with responses a tool marks incomplete; ``exclude`` by default."""
_HEADER_ROWS: Final = 3
"""No tool has more header rows than this."""
_SHOWN: Final = 5
"""Incomplete responses named in a warning, at most."""
_LINE: Final = re.compile(r"\b(lines?) (\d+)(?: and (\d+))?")
Rows = Iterator[tuple[int, Sequence[object]]]


class IncompleteResponsesWarning(UserWarning):
    """Responses a form tool marks incomplete were left out, or read as they are.

    Attributes
    ----------
    path : str
        The export.
    count : int
        How many responses are incomplete.
    rule : str
        ``"exclude"`` (left out) or ``"include"`` (read, their unanswered questions
        missing).
    where : tuple of str
        Where each is: ``"line 7"``, or ``"Sheet1 row 7"`` in a spreadsheet.
    """

    def __init__(self, path: str, count: int, rule: str, where: tuple[str, ...]) -> None:
        self.path = path
        self.count = count
        self.rule = rule
        self.where = where
        super().__init__(self.describe("incomplete='include'"))

    def describe(self, include: str) -> str:
        """Say what happened, naming `include` as the way to read the responses left out."""
        shown = ", ".join(self.where[:_SHOWN]) + (", ..." if len(self.where) > _SHOWN else "")
        responses = "response" if self.count == 1 else "responses"
        if self.rule == "exclude":
            return (
                f"{self.path}: {self.count} incomplete {responses} left out ({shown}); pass"
                f" {include} to read them"
            )
        return (
            f"{self.path}: {self.count} incomplete {responses} read as they are, unanswered"
            f" questions missing ({shown})"
        )


class MappingNeededError(ResponseFileError):
    """An export has columns that cannot be placed without a mapping, or a better one.

    Attributes
    ----------
    summary : str
        What is wrong, in one line (the message without the starting mapping).
    starting_mapping : str
        A mapping file built from the export's headers, to edit and pass back.
    unplaced : tuple of str
        The headers of the columns that could not be placed.
    """

    def __init__(self, path: str, summary: str, starting: str, unplaced: tuple[str, ...]) -> None:
        super().__init__(
            path,
            f"{summary} A question's column is found by its wording; the other columns a"
            " survey needs are named in a mapping file (mapping= in Python, --map FILE on"
            " the command line), which leaves nothing to guess. `jointworking map FILE >"
            " mapping.toml` writes this starting mapping, to edit:\n\n" + starting,
        )
        self.summary = summary
        self.starting_mapping = starting
        self.unplaced = unplaced


# Both are documented, and imported, as jointworking.io's.
IncompleteResponsesWarning.__module__ = "jointworking.io"
MappingNeededError.__module__ = "jointworking.io"


def check_incomplete(incomplete: object) -> str:
    """Return the incomplete-response rule; refuse anything else."""
    if isinstance(incomplete, str) and incomplete in INCOMPLETE:
        return incomplete
    raise ArgumentError(
        f"incomplete: expected 'exclude', 'include' or 'error', got {_show(incomplete)}"
    )


def is_spreadsheet(source: object) -> bool:
    """Whether a path (or a named file object) is a spreadsheet, by its suffix."""
    name = os.fsdecode(source) if isinstance(source, str | os.PathLike) else None
    if name is None:
        given = getattr(source, "name", None)
        if not isinstance(given, str):
            return False
        name = given
    return _suffix(name) in READABLE


def is_workbook(data: bytes | str) -> bool:
    """Whether content already read is a spreadsheet (an ``.xlsx`` file is a ZIP archive)."""
    return isinstance(data, bytes) and data.startswith(ZIP_START)


# --------------------------------------------------------------------------- the table


@attrs.frozen
class _Table:
    """An export's rows, each with where it is: its CSV line, or its sheet row."""

    name: str
    rows: Rows
    sheet: Sheet | None = None

    def error(
        self, line: int, index: int | None, title: str | None, message: str
    ) -> ResponseFileError:
        """Return an error at a line (or cell) and column, named as the export has them."""
        if self.sheet is None:
            return ResponseFileError(self.name, message, line=line, column=title)
        where = self.sheet.row(line) if index is None else self.sheet.cell(line, index)
        if title is not None:
            where += f", column {title!r}"
        error = ResponseFileError(self.name, f"{where}: {message}")
        error.line, error.column = line, title
        return error

    def where(self, line: int) -> str:
        return f"line {line}" if self.sheet is None else self.sheet.row(line)

    def relocate(self, error: ResponseFileError, columns: Mapping[str, int]) -> ResponseFileError:
        """Return an error of the wide reader named by sheet and cell, for a spreadsheet."""
        if self.sheet is None or error.path != self.name or error.line is None:
            return error
        prefix = str(ResponseFileError(error.path, "", line=error.line, column=error.column))
        if not str(error).startswith(prefix):
            return error  # already named by sheet and cell (an error of the rows' cutting)
        message = str(error).removeprefix(prefix)
        message = _LINE.sub(_rows_not_lines, message)
        index = None if error.column is None else columns.get(error.column)
        return self.error(error.line, index, error.column, message)


def _rows_not_lines(match: re.Match[str]) -> str:
    word = "rows" if match.group(1) == "lines" else "row"
    more = f" and {match.group(3)}" if match.group(3) else ""
    return f"{word} {match.group(2)}{more}"


def _csv_table(text: str, name: str, undecodable: ResponseFileError | None) -> _Table:
    delimiter, sep_line = _delimiter(text, name)
    lines: Iterable[str] = io.StringIO(text, newline="")
    if undecodable is not None:
        lines = itertools.chain(lines, _then_raise(undecodable))
    return _Table(name, _records(lines, name, delimiter, sep_line))


def _open_table(source: str | os.PathLike[str] | IO[bytes] | IO[str], sheet: str | None) -> _Table:
    name, _ = _identify(source)
    if is_spreadsheet(source):
        opened = open_sheet(source, name, None, sheet)
        return _Table(name, opened.rows, opened)
    name, _, data = _load(source, "csv")
    if is_workbook(data):
        assert isinstance(data, bytes)
        opened = open_sheet(source, name, data, sheet)
        return _Table(name, opened.rows, opened)
    text, undecodable = _decode(data, name)
    return _Table(name, _csv_table(text, name, undecodable).rows)


def looks_like_export(text: str, name: str) -> bool:
    """Whether a CSV file's first line is a known form tool's header (cheap: one record)."""
    try:
        delimiter, sep_line = _delimiter(text, name)
        first = next(_records(io.StringIO(text[:65536], newline=""), name, delimiter, sep_line))
    except (ResponseFileError, StopIteration):
        return False
    return detect(first[1]) is not PLAIN


# --------------------------------------------------------------------------- the header


@attrs.frozen
class _Placement:
    """Where each of an export's columns goes, before anything is refused."""

    layout: Layout
    line: int
    width: int
    titles: tuple[str, ...]
    labels: dict[str, int]
    questions: dict[int, int]
    roles: dict[Role, int]
    own: list[int]
    personal: list[int]
    unnamed: list[int]
    unplaced: list[int]
    unmatched: list[str]  # mapping keys naming no column


def _folded(text: str) -> str:
    return " ".join(text.casefold().split())


def _header_rows(table: _Table) -> tuple[Layout, list[tuple[int, list[str]]], Rows]:
    """Read the header rows; return the layout, the header rows and the data rows."""
    rows = table.rows
    first = next(rows, None)
    if first is None:
        raise ResponseFileError(
            table.name, "the file is empty; expected a header row, then one row per respondent"
        )
    header = [(first[0], [_cell_text(v).strip() for v in first[1]])]
    layout = detect(header[0][1])
    for index in range(1, _HEADER_ROWS):
        row = next(rows, None)
        if row is None:
            break
        # Asked of the row's values as they are: a data row's cells are not made text here.
        if not layout.header_rows(index, row[1]):
            rows = itertools.chain([row], rows)
            break
        header.append((row[0], [_cell_text(v).strip() for v in row[1]]))
    return layout, header, rows


class _Placer:
    """Place an export's columns one by one, in order of precedence.

    Personal data first (never read, and never mapped); then what the mapping names (a
    label column, a column to leave out, a reworded question); then the tool's own
    columns; then our own names (``organisation``, ``q3``); then question wordings.
    Anything else is unplaced.
    """

    def __init__(
        self,
        table: _Table,
        *,
        layout: Layout,
        line: int,
        titles: tuple[str, ...],
        instrument: Instrument,
        mapping: FormMapping | None,
    ) -> None:
        self.table, self.layout, self.line, self.titles = table, layout, line, titles
        self.instrument, self.mapping = instrument, mapping
        self.matcher = _QuestionMatcher(instrument, {} if mapping is None else mapping.questions)
        self.wanted = {} if mapping is None else {_folded(h): k for k, h in mapping.columns.items()}
        self.ignored = set() if mapping is None else {_folded(h) for h in mapping.ignore}
        self.labels: dict[str, int] = {}
        self.questions: dict[int, int] = {}
        self.roles: dict[Role, int] = {}
        self.own: list[int] = []
        self.personal: list[int] = []
        self.unnamed: list[int] = []
        self.unplaced: list[int] = []
        self.matched: set[str] = set()

    def _label(self, label: str, index: int) -> None:
        if label in self.labels:
            other = self.titles[self.labels[label]]
            raise self.table.error(
                self.line,
                index,
                self.titles[index],
                f"a second {label} column (the first is {other!r}); expected each column once",
            )
        self.labels[label] = index

    def _question(self, position: int, index: int) -> None:
        if position in self.questions:
            other = self.titles[self.questions[position]]
            number = self.instrument.questions[position].number
            raise self.table.error(
                self.line,
                index,
                self.titles[index],
                f"question {number} already has a column, {other!r}; expected one column per"
                " question",
            )
        self.questions[position] = index

    def _mapped(self, index: int, names: tuple[str, ...], personal: bool) -> bool:
        """Place a column the mapping names; return whether it does."""
        folded = {_folded(name) for name in names if name.strip()}
        label = next((self.wanted[f] for f in sorted(folded) if f in self.wanted), None)
        found = (self.matcher.override(name) for name in names)
        position = next((p for p in found if p is not None), None)
        key = None
        if label is not None:
            key = f"[columns] {label}"
        elif position is not None:
            key = f"[questions] q{self.instrument.questions[position].number}"
        if personal and key is not None:  # neither a label nor a question: never read
            assert self.mapping is not None
            raise ResponseFileError(
                self.mapping.source,
                f"{key}: {self.titles[index]!r} is personal data"
                f" ({self.layout.name}'s own column), which is never read; name another column",
            )
        if label is not None:
            self.matched.add(label)
            self._label(label, index)
            return True
        if folded & self.ignored:
            self.matched.update(f"ignore {f}" for f in folded & self.ignored)
            if not personal:  # a personal column is listed as such, not as left out
                self.own.append(index)
            return True
        if position is None:
            return False
        self.matched.add(f"q{self.instrument.questions[position].number}")
        self._question(position, index)
        return True

    def place(self, index: int, names: tuple[str, ...], first: str) -> None:
        """Place column `index`: its header texts `names`, and its first header row's cell."""
        role = self.layout.role(first) if first else None
        if role == "personal":
            self._mapped(index, names, personal=True)  # refuses a mapping naming it
            self.personal.append(index)
            return
        if self._mapped(index, names, personal=False):
            return
        if role is not None:
            self.roles.setdefault(role, index)
            self.own.append(index)
            return
        title = names[0].strip()  # whole: titles holds it shortened, for messages
        if not title:
            self.unnamed.append(index)
            return
        canonical = _HEADER_NAMES.get(_folded(title))
        if canonical is not None:
            self._label(canonical, index)
            return
        position = self.matcher.canonical(title)
        if position is None:
            position = self.matcher.wording(title)
        if position is None:
            self.unplaced.append(index)
        else:
            self._question(position, index)

    def unmatched(self) -> list[str]:
        """Return the mapping's keys that name no column."""
        mapping = self.mapping
        if mapping is None:
            return []
        numbers = [f"q{self.instrument.questions[p].number}" for p in mapping.questions]
        out = [f"[columns] {k}" for k in mapping.columns if k not in self.matched]
        out += [f"[questions] {q}" for q in numbers if q not in self.matched]
        out += [
            f"[columns] ignore {header}"
            for header in mapping.ignore
            if f"ignore {_folded(header)}" not in self.matched
        ]
        return out


def _place(
    table: _Table,
    layout: Layout,
    header: list[tuple[int, list[str]]],
    instrument: Instrument,
    mapping: FormMapping | None,
) -> _Placement:
    first = header[0][1]
    candidates = layout.titles([cells for _, cells in header])
    titles = tuple(_clip(c[0].strip()) for c in candidates)
    placer = _Placer(
        table,
        layout=layout,
        line=header[0][0],
        titles=titles,
        instrument=instrument,
        mapping=mapping,
    )
    for index, names in enumerate(candidates):
        placer.place(index, names, first[index] if index < len(first) else "")
    labels = placer.labels
    if "respondent" not in labels and "id" in placer.roles:
        labels["respondent"] = placer.roles["id"]
    return _Placement(
        layout,
        placer.line,
        len(first),
        titles,
        labels,
        placer.questions,
        placer.roles,
        placer.own,
        placer.personal,
        placer.unnamed,
        placer.unplaced,
        placer.unmatched(),
    )


def _starting(
    table: _Table, placement: _Placement, instrument: Instrument, mapping: FormMapping | None
) -> str:
    titles = placement.titles
    return starting_mapping(
        export=os.path.basename(table.name),
        tool=placement.layout.name,
        own=[titles[i] for i in placement.own],
        personal=[titles[i] for i in placement.personal],
        unplaced=[titles[i] for i in placement.unplaced],
        placed={label: titles[i] for label, i in placement.labels.items()},
        found=sorted(placement.questions),
        missing=[p for p in range(len(instrument.questions)) if p not in placement.questions],
        instrument=instrument,
        sheet=None if table.sheet is None else (mapping.sheet if mapping else None),
        given=mapping,
    )


def _nearest(header: str, titles: Sequence[str]) -> str:
    """Return ``; did you mean '...'?`` naming the header most like `header`, if one is."""
    folded = {_folded(t): t for t in titles if t}
    close = difflib.get_close_matches(_folded(header), list(folded), n=1, cutoff=0.75)
    return f"; did you mean {folded[close[0]]!r}?" if close else ""


def _check(
    table: _Table, placement: _Placement, instrument: Instrument, mapping: FormMapping | None
) -> None:
    """Refuse a placement that leaves a column unplaced or a needed column missing."""
    if placement.unmatched:
        assert mapping is not None
        shown = ", ".join(repr(t) for t in placement.titles if t)
        key = placement.unmatched[0]
        label = key.split(" ", 2)[1]
        if key.startswith("[columns] ignore "):
            key, header = "[columns] ignore", key.split(" ", 2)[2]
        elif key.startswith("[columns]"):
            header = mapping.columns[label]
        else:
            header = mapping.questions[instrument.position(label)]
        raise ResponseFileError(
            mapping.source,
            f"{key}: no column headed {header!r} in {table.name} (case and spacing aside"
            f"{_nearest(header, placement.titles)}); its columns are {_clip(shown, 2000)}",
        )
    problems: list[str] = []
    if placement.unplaced:
        names = ", ".join(repr(placement.titles[i]) for i in placement.unplaced)
        problems.append(f"cannot place the columns {names}")
    missing = [c for c in ("organisation", "about") if c not in placement.labels]
    if missing:
        problems.append(f"no {' or '.join(missing)} column")
    if not placement.questions:
        problems.append("no question column found by its wording")
    if not problems:
        return
    starting = _starting(table, placement, instrument, mapping)
    read_as = (
        f"read as a {placement.layout.name} export"
        if placement.layout is not PLAIN
        else "read as a survey file"
    )
    raise MappingNeededError(
        table.name,
        f"{'; '.join(problems)} ({read_as}).",
        starting,
        tuple(placement.titles[i] for i in placement.unplaced),
    )


# --------------------------------------------------------------------------- the rows


@attrs.frozen
class _Plan:
    """How to cut a data row down to our layout: the source column of each cell."""

    placement: _Placement
    picks: tuple[int | None, ...]
    header: _Header
    about: int
    wave: str
    columns: dict[str, int]  # header as the wide reader names it -> source column


def _plan(placement: _Placement, mapping: FormMapping | None, table: _Table) -> _Plan:
    picks: list[int | None] = []
    labels: dict[str, tuple[int, str]] = {}
    wave = "" if mapping is None or mapping.wave is None else mapping.wave
    if wave and "wave" in placement.labels:
        assert mapping is not None
        raise ResponseFileError(
            mapping.source,
            f"[values] wave: the file has a wave column,"
            f" {placement.titles[placement.labels['wave']]!r}; expected one or the other",
        )
    for label in LABELS:
        if label in placement.labels:
            index = placement.labels[label]
            labels[label] = (len(picks), placement.titles[index])
            picks.append(index)
        elif label == "wave" and wave:
            labels[label] = (len(picks), "wave")
            picks.append(None)
    questions: dict[int, tuple[int, str]] = {}
    for position, index in sorted(placement.questions.items()):
        questions[position] = (len(picks), placement.titles[index])
        picks.append(index)
    header = _Header(placement.line, len(picks), labels, questions, False, ())
    columns = {placement.titles[i]: i for i in picks if i is not None}
    return _Plan(placement, tuple(picks), header, labels["about"][0], wave, columns)


@attrs.define
class _Tally:
    """The incomplete responses met so far."""

    where: list[str] = attrs.field(factory=list)


def _cut(
    table: _Table,
    *,
    plan: _Plan,
    rows: Rows,
    mapping: FormMapping | None,
    rule: str,
    tally: _Tally,
) -> Iterator[tuple[int, list[str]]]:
    """Yield each data row cut down to our layout; nothing else of a row is kept."""
    placement = plan.placement
    width = placement.width
    kinds: dict[Role, int] = {
        r: i for r, i in placement.roles.items() if r in ("finished", "progress", "status")
    }
    internal = mapping.is_internal if mapping is not None and mapping.internal else None
    for line, row in rows:
        values = row
        if len(values) != width:
            extra = [v for v in values[width:] if _cell_text(v).strip()]
            if table.sheet is None or extra:
                raise table.error(
                    line,
                    None,
                    None,
                    f"expected {width} fields, as in the header ({table.where(placement.line)}),"
                    f" got {len(values)}",
                )
            values = (*values[:width], *([None] * (width - len(values))))
        for i in placement.unnamed:
            cell = _cell_text(values[i])
            if cell.strip():
                raise table.error(
                    line,
                    i,
                    None,
                    f"column {i + 1} has no header but holds {_show(cell)}; give the column a"
                    " header or remove it",
                )
        if kinds:
            marked = placement.layout.incomplete(
                {role: _cell_text(values[i]) for role, i in kinds.items()}
            )
            if marked is not None:
                role, reason = marked
                if rule == "error":
                    raise table.error(
                        line,
                        kinds[role],
                        placement.titles[kinds[role]],
                        f"an incomplete response ({reason}); pass incomplete='exclude' or"
                        " 'include' (--incomplete on the command line) to read the file",
                    )
                tally.where.append(table.where(line))
                if rule == "exclude":
                    continue
        cells = [plan.wave if i is None else _cell_text(values[i]) for i in plan.picks]
        if internal is not None and internal(cells[plan.about]):
            cells[plan.about] = INTERNAL
        yield line, cells


# --------------------------------------------------------------------------- reading


def _close(rows: Rows) -> None:
    """Close the rows' generator: a workbook is closed with it."""
    close = getattr(rows, "close", None)
    if close is not None:
        close()


def _read_table(
    table: _Table, instrument: Instrument, mapping: FormMapping | None, rule: str
) -> tuple[Responses, _Tally]:
    try:
        layout, header, rows = _header_rows(table)
        placement = _place(table, layout, header, instrument, mapping)
        _check(table, placement, instrument, mapping)
        plan = _plan(placement, mapping, table)
    except BaseException:
        _close(table.rows)
        raise
    tally = _Tally()
    try:
        keys, units, matrix = _read_wide(
            _cut(table, plan=plan, rows=rows, mapping=mapping, rule=rule, tally=tally),
            plan.header,
            table.name,
            instrument,
        )
    except ResponseFileError as error:
        raise table.relocate(error, plan.columns) from None
    finally:
        _close(table.rows)
    if not keys:
        left_out = (
            f"; its {len(tally.where)} incomplete responses were left out (pass"
            " incomplete='include' to read them)"
            if tally.where
            else ""
        )
        raise ResponseFileError(
            table.name,
            f"no responses: the file has a header ({table.where(placement.line)}) but no"
            f" data rows{left_out}",
        )
    return _build(table.name, keys, units, matrix, instrument), tally


def _warn(name: str, tally: _Tally, rule: str) -> None:
    if tally.where:
        warnings.warn(
            IncompleteResponsesWarning(name, len(tally.where), rule, tuple(tally.where)),
            stacklevel=4,  # _warn, the reader, read_responses, its caller
        )


def read_export(
    source: str | os.PathLike[str] | IO[bytes] | IO[str],
    instrument: Instrument,
    mapping: object,
    rule: str,
) -> Responses:
    """Read a form tool's export or a spreadsheet, with an optional mapping."""
    checked = load_mapping(mapping, instrument)
    table = _open_table(source, None if checked is None else checked.sheet)
    responses, tally = _read_table(table, instrument, checked, rule)
    _warn(table.name, tally, rule)
    return responses


def read_workbook(data: bytes, name: str, instrument: Instrument, rule: str) -> Responses:
    """Read a spreadsheet's content already read (a file object without a suffix)."""
    opened = open_sheet(name, name, data, None)
    responses, tally = _read_table(_Table(name, opened.rows, opened), instrument, None, rule)
    _warn(name, tally, rule)
    return responses


def read_export_text(
    text: str,
    name: str,
    undecodable: ResponseFileError | None,
    instrument: Instrument,
    rule: str,
) -> Responses:
    """Read a form tool's CSV export, already decoded, without a mapping."""
    responses, tally = _read_table(_csv_table(text, name, undecodable), instrument, None, rule)
    _warn(name, tally, rule)
    return responses


def draft_mapping(
    source: str | os.PathLike[str] | IO[bytes] | IO[str],
    instrument: Instrument,
    mapping: object = None,
) -> str:
    """Return a starting mapping for an export, from its header rows alone."""
    checked = load_mapping(mapping, instrument)
    table = _open_table(source, None if checked is None else checked.sheet)
    try:
        layout, header, _ = _header_rows(table)
    finally:
        _close(table.rows)
    placement = _place(table, layout, header, instrument, checked)
    return _starting(table, placement, instrument, checked)
