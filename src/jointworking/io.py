"""Read and write survey files: wide CSV, long CSV and JSON.

:func:`read_responses` reads the files people actually have: exported from a spreadsheet
or an online survey tool, in UTF-8 (with or without a byte order mark), UTF-16 or
Windows-1252 (one encoding throughout), delimited by commas, semicolons or tabs, with
labels ("Clear evidence"), numbers and "don't know" mixed in one column. Everything it
cannot read exactly is an error that names the file, the line and the column as written,
and says what was expected; no row is ever dropped silently. :func:`write_responses`
writes a file that reads back exactly, with every text cell protected against
spreadsheet formula injection.

Layouts
-------
Wide CSV, one row per respondent::

    organisation,about,respondent,unit,wave,q1,q2,q3,...,q10
    Harlow DC,internal,r1,Housing,2026-Q1,3,Some evidence,Don't know,...

Long CSV, one row per answer, recognised by its ``question`` and ``answer`` columns::

    organisation,about,respondent,unit,wave,question,answer
    Harlow DC,internal,r1,Housing,2026-Q1,q1,3

JSON, a list of records (or an object ``{"responses": [...]}``)::

    [{"organisation": "Harlow DC", "about": "internal", "respondent": "r1",
      "unit": "Housing", "wave": "2026-Q1",
      "answers": {"q1": 3, "q2": "Some evidence", "q3": null}}]

A wide CSV file too large to hold can be read in chunks: ``read_responses(path,
chunk_size=10_000)`` reads it a block at a time and yields
:class:`~jointworking.Responses` of at most that many respondents, checked as the whole
read checks them.
"""

from __future__ import annotations

import io
import json
import math
import os
from collections.abc import Iterator, Mapping
from typing import IO, cast, overload

from jointworking._csvsafe import neutralise
from jointworking._readers import _route
from jointworking._readers._cells import _show
from jointworking._readers._chunks import _check_chunk_size, _read_chunks
from jointworking._readers._constants import _LABEL_COLUMNS, _NEEDS_QUOTES
from jointworking._readers._encodings import _decode
from jointworking._readers._forms import (
    IncompleteResponsesWarning,
    MappingNeededError,
    check_incomplete,
    draft_mapping,
    is_spreadsheet,
    is_workbook,
    looks_like_export,
    read_export,
    read_export_text,
    read_workbook,
)
from jointworking._readers._json import _read_json
from jointworking._readers._source import (
    _check_format,
    _format_of,
    _load,
    _sniff,
    _stream_name,
    _suffix,
)
from jointworking._readers._wide import _read_csv
from jointworking.errors import ArgumentError, ResponseFileError
from jointworking.instrument import MORLEY_2016, Instrument
from jointworking.responses import (
    Responses,
)

__all__ = [
    "IncompleteResponsesWarning",
    "MappingNeededError",
    "read_responses",
    "starting_mapping",
    "write_responses",
]

# --------------------------------------------------------------------------- reading


@overload
def read_responses(
    source: str | os.PathLike[str] | IO[bytes] | IO[str],
    instrument: Instrument = ...,
    *,
    format: str | None = ...,
    chunk_size: None = ...,
    mapping: str | os.PathLike[str] | Mapping[str, object] | None = ...,
    incomplete: str = ...,
) -> Responses: ...


@overload
def read_responses(
    source: str | os.PathLike[str] | IO[bytes] | IO[str],
    instrument: Instrument = ...,
    *,
    format: str | None = ...,
    chunk_size: int,
    mapping: None = ...,
    incomplete: str = ...,
) -> Iterator[Responses]: ...


def read_responses(  # noqa: PLR0911 - one return per layout
    source: str | os.PathLike[str] | IO[bytes] | IO[str],
    instrument: Instrument = MORLEY_2016,
    *,
    format: str | None = None,
    chunk_size: int | None = None,
    mapping: str | os.PathLike[str] | Mapping[str, object] | None = None,
    incomplete: str = "exclude",
) -> Responses | Iterator[Responses]:
    r"""Read survey responses from a wide CSV, long CSV or JSON file, whole or in chunks.

    Also reads a form tool's export as it is downloaded (Microsoft Forms, Google Forms,
    SurveyMonkey, Qualtrics) and ``.xlsx`` spreadsheets, with a `mapping`: see *Form
    tools and spreadsheets* below.

    Parameters
    ----------
    source : str, os.PathLike or file object
        A path, or a file opened in binary (preferred: the encoding is then detected) or
        text mode. Messages name the path as given, the file object's ``name``, or
        ``"<stream>"``.
    instrument : Instrument, optional
        The instrument answered; :data:`~jointworking.MORLEY_2016` by default. Its scale
        reads the answers and its questions name the columns.
    format : {"csv", "json"}, optional
        By default, from the file's suffix (``.csv``, ``.txt`` and ``.tsv`` are CSV,
        ``.json`` is JSON); for a file object without a name, or a path without a
        suffix, JSON if the first non-blank character is ``[`` or ``{``, else CSV.
    chunk_size : int, optional
        Read a wide CSV file in chunks of at most this many respondents (a whole number,
        1 or more; one beyond ``sys.maxsize`` is no limit) instead of whole; see *Chunks*
        below. JSON and long CSV files cannot be read in chunks, nor can exports read
        with a mapping, or spreadsheets.
    mapping : str, os.PathLike or dict, optional
        A TOML mapping file, or the same as a dict, naming the columns of a form tool's
        export that hold the organisation, about, unit and respondent, the answers meaning
        the respondent's own organisation, and the wave; see *Form tools and
        spreadsheets* and :ref:`mapping-file`.
    incomplete : {"exclude", "include", "error"}, optional
        What to do with responses a tool marks incomplete (Qualtrics ``Finished`` false,
        SurveyMonkey partials): leave them out (the default), read them as they are
        (unanswered questions missing), or refuse the file. Either way, if there are
        any, an :class:`IncompleteResponsesWarning` says how many and where.

    Returns
    -------
    Responses or iterator of Responses
        One respondent per data row (wide CSV), per distinct organisation, about, wave
        and respondent (long CSV), or per record (JSON), in the order they first appear.
        With `chunk_size`, an iterator (a generator) of :class:`~jointworking.Responses` holding at
        most `chunk_size` respondents each, in file order; together they hold exactly
        what the whole read returns.

    Raises
    ------
    ResponseFileError
        If the file cannot be read or decoded (or mixes encodings), or anything in it is
        not what was expected. The message names the file, the line (counting the file's lines from
        1, so the header is line 1; for a record spanning several lines, the line it
        starts on) and the column by its header as written, or for JSON the record
        (counting from 1) and the field, and says what was expected. The error's
        ``line`` and ``column`` attributes hold the same (``None`` for JSON records).
        With `chunk_size`, also if the file is JSON or long CSV. Errors in the file are
        raised while iterating, when the chunk they are in is read.
        A spreadsheet or export with columns it cannot place is a
        :class:`MappingNeededError` (a :class:`~jointworking.ResponseFileError`), whose
        message holds a starting mapping; a mapping file that cannot be read or holds what a mapping
        cannot is an error naming it and the key at fault.
    ArgumentError
        If `source`, `instrument`, `format`, `chunk_size`, `mapping` or `incomplete` is
        not of a usable kind, or `chunk_size` is given with ``format="json"``, a mapping
        or a spreadsheet.

    Notes
    -----
    **Text.** A file is read in one encoding throughout: UTF-16 if it starts with its
    byte order mark; otherwise UTF-8 (with or without a byte order mark) or Windows-1252
    (the encoding of older spreadsheet exports). Which of the two is decided by the
    first line that holds anything but ASCII: UTF-8 if that line is valid UTF-8 (or the
    file starts with UTF-8's byte order mark), Windows-1252 if not. A later line that
    disagrees, one that is not valid UTF-8 in a UTF-8 file or one holding UTF-8 text in a
    Windows-1252 file, is an error naming that line and the earlier one: the file mixes
    encodings (rows pasted from another export, say), and read either way some of its
    names would be garbled (``Café`` on one line, ``CafÃ©`` on another, two
    organisations). Save such a file as CSV UTF-8. Lines may end in CRLF, LF or CR.

    **Names.** Organisation, about, respondent, unit and wave cells are trimmed and
    stored in Unicode normalisation form C (NFC), so that ``Café`` typed with a
    precomposed é and with an e and a combining accent is one name. A name holding a
    lone surrogate, a line break, another control character (tab and NUL among them)
    or an invisible formatting character (zero-width space or joiner, word joiner, soft
    hyphen, a byte order mark, bidirectional marks, embeddings, overrides and isolates)
    is an error naming the file, line and column and the character: such text either
    cannot be written at all or shows two different names alike. Organisation names (in
    the organisation and about columns) that differ only in case, spacing or the form of
    their characters (compared after Unicode NFKC and case folding: full-width letters,
    ligatures and no-break spaces count as their plain forms) are an error naming the
    line of each, and so are waves that differ only in case, spacing, punctuation or
    zeros before a number (``2024-1`` and ``2024-01``, ``Q1`` and ``q1``): left alone,
    they would split one organisation, or one wave, in two.

    **CSV.** The delimiter, a comma, semicolon or tab, is the one the header line uses
    most often outside quotes, unless a first line such as ``sep=;`` names it. Headers
    are trimmed and case-insensitive. A file with both a ``question`` and an ``answer``
    column is *long*; otherwise it is *wide*.

    * Wide: required columns ``organisation`` (or ``organization``) and ``about``;
      optional ``respondent``, ``unit`` and ``wave``; and one column per question, headed
      ``q3``, ``3`` or the question's key (``shared_accountability``). A question without
      a column is missing for everyone. Without a ``respondent`` column, each
      respondent's identifier is its line number as text (``"2"`` for the first data
      row).
    * Long: required columns ``organisation``, ``about``, ``respondent``, ``question``
      and ``answer``; optional ``unit`` and ``wave``. A respondent is an organisation,
      about, wave and respondent identifier; its unit must be the same on all its rows
      and it may answer each question once.

    Any other column is an error, as is a row with more or fewer fields than the
    header; a column without a header is ignored only while every cell in it is blank
    (a sheet's stray empty columns). Rows whose cells are all blank, such as the empty
    rows a spreadsheet leaves at the end, are skipped; every other row is read or
    reported. Text cells that :func:`write_responses` protected against formula
    injection (a leading ``'``) are restored. Fields longer than
    :func:`csv.field_size_limit` are an error.

    **Answers.** One rule in every layout (and in :meth:`Responses.from_frame
    <jointworking.Responses.from_frame>`): a number, a label or missing.

    * A number is written with ASCII digits, an optional leading minus and an optional
      decimal part (``3``, ``3.0``, ``-1``, ``2.5``), surrounding spaces ignored; no plus
      sign, leading zeros (``03``), exponent (``1e0``) or other digits (``٣``). It must
      be one of the scale's points. In JSON, a number value (not ``true`` or ``false``)
      is read the same way.
    * A label (``Clear evidence``) or an alias (``clear``) of a point, in any case and
      spacing.
    * Missing: a blank cell, "don't know" or another of the scale's missing words, or
      JSON ``null``. Missing is NaN in the answer matrix, never zero.

    Anything else is an error naming the cell, ``NaN`` and ``Infinity`` included (as
    text, or as JSON's ``NaN`` and ``Infinity``): a missing answer must say it is
    missing.

    **JSON.** Each record holds ``organisation``, ``about``, ``respondent`` (text or a
    whole number) and ``answers`` (an object keyed by question number, ``q3`` or key,
    with a score, label or ``null``), and optionally ``unit`` and ``wave`` (text, a
    whole number or ``null``).

    **Chunks.** With `chunk_size`, a wide CSV file is read incrementally, a block of
    64 KiB at a time, so memory stays bounded by the chunk, not the file: the file, its
    text and its rows are never held whole. A path is opened when iteration starts and
    closed when the iterator is exhausted or closed; a file object is read from its
    current position and left open. Everything above holds, and every error names the
    same file, line and column, with the same message, as the whole read would (the
    encoding is decided line by line in both, and the whole read too reports the first
    problem in the file); but an error is raised only when the iteration reaches its
    chunk, after the chunks before it have been yielded.

    A respondent who answers twice for one organisation, about and wave is refused
    across chunks, naming both lines, as in the whole read. To do so without keeping
    every identifier, the read keeps a 64-bit hash of each respondent's organisation,
    about, wave and identifier, and its line, in numpy arrays: about 16 bytes per
    respondent read so far (an unrelated respondent whose hash collides would be
    reported as a repeat; with 64-bit hashes the chance is about n**2 / 2**65 for n
    respondents). Without a ``respondent`` column, each identifier is its line number,
    so nothing is kept. Each distinct organisation name and wave is kept too, to find
    ones that only look different.

    **Form tools and spreadsheets.** A spreadsheet (``.xlsx``, read with openpyxl:
    ``pip install "jointworking[xlsx]"``) is read from its first sheet, or the one the
    mapping's ``sheet`` names; its cells are turned into text (a whole number ``3.0`` is
    ``3``) and read as a CSV file's. A form tool's export is recognised by its own columns
    (Microsoft Forms ``ID``, ``Start time``, ``Completion time``; Google Forms
    ``Timestamp``; SurveyMonkey ``Respondent ID``, ``Collector ID`` and two header rows;
    Qualtrics ``StartDate``, ``ResponseId`` and three header rows), which are left out;
    personal data (e-mail, names, IP address, location) is never read. A question's
    column is found by its wording, the instrument's question text, compared after
    folding case, spacing, punctuation and typographic quotes, with or without a leading
    number (``3.``, ``Q3``); or by our own names (``q3``, ``3``, the key). The mapping
    names the other columns; the tool's response id is the respondent by default. Every
    other column is an error: nothing is guessed. Rows are then read by every rule
    above, and errors name the export's line, or sheet and cell (``Sheet1!F7``), and the
    column's header as the export has it.

    Examples
    --------
    >>> import io
    >>> survey = io.StringIO(
    ...     "organisation;about;respondent;q1;Q2;shared_accountability\n"
    ...     "Harlow DC;internal;r1;Clear evidence;2;Don't know\n"
    ...     "Harlow DC;Essex CC;r1;strong;;1\n"
    ... )
    >>> responses = read_responses(survey)
    >>> responses.about.tolist()
    ['internal', 'Essex CC']
    >>> responses.answers[:, :4].tolist()
    [[3.0, 2.0, nan, nan], [4.0, nan, 1.0, nan]]
    >>> read_responses(io.StringIO("organisation,about,q1\nHarlow DC,internal,7\n"))
    Traceback (most recent call last):
    ...
    jointworking.errors.ResponseFileError: <stream>: line 2, column 'q1': expected one of ...

    In chunks, here of at most two respondents:

    >>> survey = io.StringIO(
    ...     "organisation,about,respondent,q1\n"
    ...     "Harlow DC,internal,r1,3\nHarlow DC,internal,r2,2\nHarlow DC,Essex CC,r1,4\n"
    ... )
    >>> for chunk in read_responses(survey, chunk_size=2):
    ...     print(chunk.respondent.tolist(), chunk.answers[:, 0].tolist())
    ['r1', 'r2'] [3.0, 2.0]
    ['r1'] [4.0]
    """
    if not isinstance(instrument, Instrument):
        raise ArgumentError(f"instrument: expected an Instrument, got {instrument!r}")
    chosen = _check_format(format)
    rule = check_incomplete(incomplete)
    if mapping is not None or is_spreadsheet(source):
        if chunk_size is not None:
            raise ArgumentError(
                "chunk_size: a spreadsheet, or a file read with a mapping, is read whole;"
                " leave out chunk_size"
            )
        if chosen == "json":
            raise ArgumentError("format: a file read with a mapping is CSV or .xlsx, not JSON")
        return read_export(source, instrument, mapping, rule)
    if chunk_size is not None:
        return _read_chunks(source, instrument, chosen, _check_chunk_size(chunk_size))
    name, suffix, data = _load(source, chosen)
    if is_workbook(data):
        return read_workbook(cast("bytes", data), name, instrument, rule)
    fast = _route.from_bytes(data, name, instrument, chosen or _format_of(suffix, name))
    if fast is not None:
        return fast
    text, undecodable = _decode(data, name)
    del data  # the text holds it all now: do not keep the file twice
    kind = chosen or _format_of(suffix, name) or _sniff(text)
    if kind == "json":
        if undecodable is not None:
            raise undecodable
        return _read_json(text, name, instrument)
    if looks_like_export(text, name):
        return read_export_text(text, name, undecodable, instrument, rule)
    return _read_csv(text, name, instrument, undecodable)


def starting_mapping(
    source: str | os.PathLike[str] | IO[bytes] | IO[str],
    instrument: Instrument = MORLEY_2016,
    *,
    mapping: str | os.PathLike[str] | Mapping[str, object] | None = None,
) -> str:
    """Return a starting mapping file for a form tool's export, built from its headers.

    The command ``jointworking map EXPORT`` prints the same. Columns already placed
    (questions by their wording, columns the `mapping` names) are filled in; the others
    are listed for the user to place. Only the header rows are read.

    Parameters
    ----------
    source : str, os.PathLike or file object
        The export: CSV or ``.xlsx``.
    instrument : Instrument, optional
        The instrument whose question wordings place the question columns.
    mapping : str, os.PathLike or dict, optional
        A mapping to start from (its ``sheet``, columns and question headers).

    Returns
    -------
    str
        TOML, to save as ``mapping.toml``, edit and pass back as ``mapping=``.

    Raises
    ------
    ResponseFileError
        If the file cannot be read, or its header cannot.
    """
    if not isinstance(instrument, Instrument):
        raise ArgumentError(f"instrument: expected an Instrument, got {instrument!r}")
    return draft_mapping(source, instrument, mapping)


def write_responses(
    responses: Responses,
    target: str | os.PathLike[str] | IO[str] | IO[bytes],
    *,
    format: str | None = None,
) -> None:
    r"""Write responses as a wide CSV or a JSON file that :func:`read_responses` reads back.

    Parameters
    ----------
    responses : Responses
    target : str, os.PathLike or file object
        A path (overwritten), or an open file: text (opened with ``newline=""`` so that
        line endings are kept as written) or binary (UTF-8 is written).
    format : {"csv", "json"}, optional
        By default, from the suffix of the path or the file object's name (``.csv``,
        ``.txt``, ``.tsv`` or ``.json``); CSV when there is no suffix.

    Raises
    ------
    ResponseFileError
        If the file cannot be written, or its suffix names no format.
    ArgumentError
        If `responses`, `target` or `format` is not of a usable kind.

    Notes
    -----
    CSV: UTF-8 without a byte order mark, ``\n`` line endings, header
    ``organisation,about,respondent,unit,wave,q1,...`` (question numbers of the
    instrument), whole scores written as ``3``, missing as a blank cell. Text cells that
    a spreadsheet would run as a formula (``=...``, ``+...``, ``-...``, ``@...``) get a
    leading ``'``, which :func:`read_responses` removes again.

    JSON: UTF-8, a list of records, one per line, with ``organisation``, ``about``,
    ``respondent``, ``unit`` and ``wave`` (``null`` where not given) and ``answers``
    keyed ``"q1"``, ... (whole scores as integers, ``null`` for missing). Names are
    written as they are: JSON is not opened by spreadsheets.

    Examples
    --------
    >>> import io
    >>> responses = Responses.from_arrays(
    ...     [[3, 2, None, 1, 1, 3, 2, 2, 1, 0]], organisation="=Harlow", about="internal"
    ... )
    >>> out = io.StringIO()
    >>> write_responses(responses, out)
    >>> print(out.getvalue(), end="")
    organisation,about,respondent,unit,wave,q1,q2,q3,q4,q5,q6,q7,q8,q9,q10
    '=Harlow,internal,1,,,3,2,,1,1,3,2,2,1,0
    >>> read_responses(io.StringIO(out.getvalue())).organisation.tolist()
    ['=Harlow']
    """
    if not isinstance(responses, Responses):
        raise ArgumentError(f"responses: expected Responses, got {type(responses).__name__}")
    chosen = _check_format(format)
    if isinstance(target, str | os.PathLike):
        name = os.fsdecode(target)
        kind = chosen or _format_of(_suffix(name), name) or "csv"
        data = _encode(_render(responses, kind), name)
        from jointworking._files import atomic_write  # noqa: PLC0415 - only when writing

        try:
            # Atomically: a failed write leaves the previous file as it was.
            atomic_write(name, lambda stream: stream.write(data), binary=True)
        except OSError as error:
            raise ResponseFileError(name, f"cannot be written: {error.strerror or error}") from None
        return
    if not callable(getattr(target, "write", None)):
        raise ArgumentError(f"target: expected a path or an open file, got {type(target).__name__}")
    name = _stream_name(target)
    kind = chosen or _format_of(_suffix(name), name) or "csv"
    text = _render(responses, kind)
    try:
        if isinstance(target, io.RawIOBase | io.BufferedIOBase) or "b" in str(
            getattr(target, "mode", "")
        ):
            cast("IO[bytes]", target).write(_encode(text, name))
        else:
            cast("IO[str]", target).write(text)
    except UnicodeEncodeError as error:
        raise ResponseFileError(
            name,
            f"cannot be written in the file's encoding ({error.encoding}); open it with"
            " encoding='utf-8'",
        ) from None
    except OSError as error:
        raise ResponseFileError(name, f"cannot be written: {error}") from None


def _encode(text: str, name: str) -> bytes:
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError as error:
        raise ResponseFileError(
            name,
            f"cannot be written as UTF-8: a name holds {_show(error.object[error.start])},"
            " a lone surrogate",
        ) from None


def _render(responses: Responses, kind: str) -> str:
    return _json(responses) if kind == "json" else _csv(responses)


def _score_text(score: float) -> str:
    if math.isnan(score):
        return ""
    return str(int(score)) if score.is_integer() else repr(score)


def _json_score(score: float) -> int | float | None:
    if math.isnan(score):
        return None
    return int(score) if score.is_integer() else score


def _quote(cell: str) -> str:
    # csv.writer leaves a lone CR unquoted when lines end in LF, so quote by hand.
    return f'"{cell.replace(chr(34), chr(34) * 2)}"' if _NEEDS_QUOTES.search(cell) else cell


def _csv(responses: Responses) -> str:
    numbers = responses.instrument.numbers
    columns = [getattr(responses, column).tolist() for column in _LABEL_COLUMNS]
    cache: dict[str, str] = {}

    def cell(text: str) -> str:
        safe = cache.get(text)
        if safe is None:
            safe = cache[text] = _quote(neutralise(text))
        return safe

    lines = [",".join([*_LABEL_COLUMNS, *(f"q{n}" for n in numbers)])]
    for labels, scores in zip(zip(*columns, strict=True), responses.answers.tolist(), strict=True):
        lines.append(",".join([*map(cell, labels), *map(_score_text, scores)]))
    return "\n".join(lines) + "\n"


def _json(responses: Responses) -> str:
    numbers = responses.instrument.numbers
    columns = [getattr(responses, column).tolist() for column in _LABEL_COLUMNS]
    records = [
        {
            "organisation": organisation,
            "about": about,
            "respondent": respondent,
            "unit": unit or None,
            "wave": wave or None,
            "answers": {f"q{n}": _json_score(s) for n, s in zip(numbers, scores, strict=True)},
        }
        for (organisation, about, respondent, unit, wave), scores in zip(
            zip(*columns, strict=True), responses.answers.tolist(), strict=True
        )
    ]
    # One record per line: readable, and json's fast encoder does not indent.
    lines = ",\n".join(json.dumps(record, ensure_ascii=False) for record in records)
    return f"[\n{lines}\n]\n"
