# FICTIONAL DATA. Every organisation, unit, respondent, address and answer this script
# writes is invented for testing. No real person answered this survey.
"""Generate the form tool exports in ``tests/data/forms/`` from one canonical survey.

One fictional survey is written in our own CSV layout (``canonical.csv``) and as each
form tool exports it, with the tool's header rows, own columns, date formats and quirks:

* ``microsoft.xlsx``: Microsoft Forms ("Open results in Excel"): ``ID``, ``Start time``,
  ``Completion time``, ``Email`` ("anonymous"), ``Name``, ``Last modified time``, the
  questions by their wording, a free-text comment; times as date cells.
* ``google.csv`` and ``google.xlsx``: Google Forms and its Google Sheet: ``Timestamp``
  (``2026/03/02 9:14:22 AM GMT`` in the CSV, a date cell in the sheet ``Form responses
  1``), ``Email address``, questions numbered ``1. ...``, Windows line endings.
* ``surveymonkey.csv`` and ``surveymonkey.xlsx``: SurveyMonkey: two header rows
  (question, then ``Response``), ``Respondent ID`` ... ``Custom Data 1``, US dates,
  an "Other (please specify)" column, a byte order mark.
* ``qualtrics.csv``: Qualtrics: three header rows (ids, texts, import ids), its many own
  columns, one question reworded (mapped in ``[questions]``), and incomplete responses
  (``Finished`` False) that are not part of the canonical survey.
* ``plain.xlsx``: our own layout in a workbook, scores as number cells (``3.0``).

Each export has its mapping (``<tool>.toml``), and ``expected.json`` says which mapping
reads which export and how many incomplete responses it holds. Run from the repository
root (openpyxl is needed for the workbooks)::

    python scripts/make_form_exports.py            # rewrite tests/data/forms/
    python scripts/make_form_exports.py --check    # exit 1 if the files are out of date

The writers are also used by the property tests, which write any survey in any layout.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import random
import re
import sys
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Final, NamedTuple

FOLDER: Final = Path(__file__).resolve().parents[1] / "tests" / "data" / "forms"
SEED: Final = 20260302
WAVE: Final = "2026-Q1"
OWN: Final = "Our own organisation"
ORGANISATION_Q: Final = "Which organisation do you work for?"
ABOUT_Q: Final = "Whose joint working are you assessing?"
UNIT_Q: Final = "Which service do you work in?"
COMMENT_Q: Final = "Any other comments?"
REWORDED_Q4: Final = "Do we take risks and innovate together?"
# The instrument's question wordings (Morley 2016), as a form asks them.
QUESTIONS: Final = (
    "Is there evidence that the organisations involved in the joint working have a shared"
    " understanding of, and commitment to, the objectives for it?",
    "Is there consistency between the objectives for the joint working and what are"
    " communicated as priorities in each of the organisations?",
    "Is there evidence of shared accountability for the performance of the joint working?",
    "Is there evidence of a willingness to take risks and innovate within the joint working"
    " across the organisations?",
    "Is there a sharing of corporate risks and rewards between the organisations?",
    "Is there a willingness to share information and to explore all options to address"
    " challenges and opportunities together?",
    "Are resources viewed as belonging to all of the organisations involved in the joint"
    " working or to individual organisations?",
    "Is there a consistency of leadership, organisational culture and behaviours for the"
    " joint working across the organisations?",
    "Is there a consistent approach to the development and use of competencies,"
    " capabilities and capacity across the organisations involved in the joint working?",
    "Is there a consistent and tangible illustration of the shared ambition and commitment"
    " in all of the organisations involved in the joint working that is delivering a"
    " transformation in performance?",
)
LABELS: Final = ("No evidence", "Little evidence", "Some evidence", "Clear evidence")
LABELS_ALL: Final = (*LABELS, "Strong evidence")
ORGANISATIONS: Final = {
    "Eastbrook Borough Council": ("Housing", "Planning", "Leisure"),
    "Eastbrook Care Trust": ("Community nursing", "Mental health"),
    "Westmere College": ("Adult learning", "Estates"),
}
START: Final = dt.datetime(2026, 3, 2, 9, 0)


class Response(NamedTuple):
    """One respondent's answers as the form recorded them."""

    organisation: str
    about: str  # OWN or a partner's name
    unit: str
    answers: tuple[str, ...]  # a label, "Don't know" or "" (skipped), per question
    comment: str
    started: dt.datetime
    minutes: int


def survey(seed: int = SEED, size: int = 36) -> list[Response]:
    """Return the canonical fictional survey: `size` respondents, deterministic."""
    rng = random.Random(seed)
    names = list(ORGANISATIONS)
    out: list[Response] = []
    for i in range(size):
        organisation = names[i % len(names)]
        partners = [n for n in names if n != organisation]
        about = OWN if i % 2 == 0 else partners[(i // 2) % len(partners)]
        answers = []
        for _ in QUESTIONS:
            roll = rng.random()
            if roll < 0.05:
                answers.append("Don't know")
            elif roll < 0.08:
                answers.append("")
            else:
                answers.append(rng.choice(LABELS_ALL if about == OWN else LABELS))
        comment = rng.choice(
            ["", "", "We meet monthly, which helps.", "Budgets are, still, separate."]
        )
        started = START + dt.timedelta(
            hours=7 * i, minutes=rng.randrange(60), seconds=rng.randrange(60)
        )
        out.append(
            Response(
                organisation,
                about,
                rng.choice(ORGANISATIONS[organisation]),
                tuple(answers),
                comment,
                started,
                rng.randrange(4, 25),
            )
        )
    return out


def _csv(rows: Sequence[Sequence[object]], *, newline: str = "\n", bom: bool = False) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator=newline).writerows(rows)
    return (("\ufeff" if bom else "") + out.getvalue()).encode("utf-8")


def _xlsx(sheet: str, rows: Sequence[Sequence[object]]) -> bytes:
    """Return a workbook of one sheet, byte for byte the same on every run."""
    import openpyxl  # noqa: PLC0415 - only when writing workbooks

    book = openpyxl.Workbook()
    book.properties.created = book.properties.modified = dt.datetime(2026, 3, 20)
    worksheet = book.active
    assert worksheet is not None
    worksheet.title = sheet
    for row in rows:
        worksheet.append([None if cell == "" else cell for cell in row])
    for cells in worksheet.iter_rows():
        for cell in cells:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # text, as the tools write it, not a formula
    raw = io.BytesIO()
    book.save(raw)
    # Rewrite the archive with fixed entry times, so that the bytes do not depend on the day.
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            entry = zipfile.ZipInfo(item.filename, date_time=(2026, 3, 20, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            data = source.read(item.filename)
            if item.filename == "docProps/core.xml":  # openpyxl stamps the time of saving
                data = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2026-03-20T00:00:00Z", data
                )
            target.writestr(entry, data)
    return out.getvalue()


def canonical(responses: Sequence[Response]) -> bytes:
    """Our own CSV layout: the survey as :func:`jointworking.io.read_responses` reads it."""
    rows: list[list[object]] = [
        ["organisation", "about", "unit", "wave", *(f"q{n}" for n in range(1, 11))]
    ]
    for r in responses:
        about = "internal" if r.about == OWN else r.about
        rows.append([r.organisation, about, r.unit, WAVE, *r.answers])
    return _csv(rows)


def _finished(r: Response) -> dt.datetime:
    return r.started + dt.timedelta(minutes=r.minutes)


def microsoft(responses: Sequence[Response]) -> bytes:
    """Write Microsoft Forms' .xlsx download."""
    header: list[object] = [
        "ID",
        "Start time",
        "Completion time",
        "Email",
        "Name",
        "Last modified time",
        ORGANISATION_Q,
        ABOUT_Q,
        UNIT_Q,
        *QUESTIONS,
        COMMENT_Q,
    ]
    rows: list[list[object]] = [header]
    for i, r in enumerate(responses, 1):
        rows.append(
            [
                i,
                r.started,
                _finished(r),
                "anonymous",
                "",
                "",
                r.organisation,
                r.about,
                r.unit,
                *r.answers,
                r.comment,
            ]
        )
    return _xlsx("Sheet1", rows)


def _google_rows(responses: Sequence[Response], *, dates_as_text: bool) -> list[list[object]]:
    # Forms that number their questions ("1. Is there ...") keep the number in the header.
    header = ["Timestamp", "Email address", ORGANISATION_Q, ABOUT_Q, UNIT_Q]
    header += [f"{n}. {text}" for n, text in enumerate(QUESTIONS, 1)]
    rows: list[list[object]] = [[*header, COMMENT_Q]]
    for i, r in enumerate(responses, 1):
        when = _finished(r)
        stamp: object = (
            f"{when:%Y/%m/%d} {when.hour % 12 or 12}:{when:%M:%S} {when:%p} GMT"
            if dates_as_text
            else when
        )
        rows.append(
            [
                stamp,
                f"respondent{i:02}@example.org",
                r.organisation,
                r.about,
                r.unit,
                *r.answers,
                r.comment,
            ]
        )
    return rows


def google_csv(responses: Sequence[Response]) -> bytes:
    """Write Google Forms' CSV download."""
    return _csv(_google_rows(responses, dates_as_text=True), newline="\r\n")


def google_xlsx(responses: Sequence[Response]) -> bytes:
    """Write the form's Google Sheet, downloaded as .xlsx."""
    return _xlsx("Form responses 1", _google_rows(responses, dates_as_text=False))


_SM_OWN: Final = (
    "Respondent ID",
    "Collector ID",
    "Start Date",
    "End Date",
    "IP Address",
    "Email Address",
    "First Name",
    "Last Name",
    "Custom Data 1",
)


def _surveymonkey_rows(responses: Sequence[Response], *, as_text: bool) -> list[list[object]]:
    first: list[object] = [*_SM_OWN, ORGANISATION_Q, ABOUT_Q, UNIT_Q, "", *QUESTIONS, COMMENT_Q]
    second: list[object] = [*([""] * len(_SM_OWN)), "Response", "Response", "Response"]
    second += ["Other (please specify)", *(["Response"] * len(QUESTIONS)), "Open-Ended Response"]
    rows: list[list[object]] = [first, second]
    for i, r in enumerate(responses):
        ident = 114_839_200_000 + 7919 * i
        start, end = r.started, _finished(r)
        dates: list[object] = (
            [f"{start:%m/%d/%Y %I:%M:%S %p}", f"{end:%m/%d/%Y %I:%M:%S %p}"]
            if as_text
            else [start, end]
        )
        rows.append(
            [
                str(ident) if as_text else ident,
                431_550_123,
                *dates,
                f"192.0.2.{i + 10}",
                "",
                "",
                "",
                "",
                r.organisation,
                r.about,
                r.unit,
                "",
                *r.answers,
                r.comment,
            ]
        )
    return rows


def surveymonkey_csv(responses: Sequence[Response]) -> bytes:
    """Write SurveyMonkey's CSV export."""
    return _csv(_surveymonkey_rows(responses, as_text=True), newline="\r\n", bom=True)


def surveymonkey_xlsx(responses: Sequence[Response]) -> bytes:
    """Write SurveyMonkey's .xlsx export."""
    return _xlsx("Sheet", _surveymonkey_rows(responses, as_text=False))


_QUALTRICS_OWN: Final = (
    ("StartDate", "Start Date", '{"ImportId":"startDate","timeZone":"Europe/London"}'),
    ("EndDate", "End Date", '{"ImportId":"endDate","timeZone":"Europe/London"}'),
    ("Status", "Response Type", '{"ImportId":"status"}'),
    ("IPAddress", "IP Address", '{"ImportId":"ipAddress"}'),
    ("Progress", "Progress", '{"ImportId":"progress"}'),
    ("Duration (in seconds)", "Duration (in seconds)", '{"ImportId":"duration"}'),
    ("Finished", "Finished", '{"ImportId":"finished"}'),
    ("RecordedDate", "Recorded Date", '{"ImportId":"recordedDate","timeZone":"Europe/London"}'),
    ("ResponseId", "Response ID", '{"ImportId":"_recordId"}'),
    ("RecipientLastName", "Recipient Last Name", '{"ImportId":"recipientLastName"}'),
    ("RecipientFirstName", "Recipient First Name", '{"ImportId":"recipientFirstName"}'),
    ("RecipientEmail", "Recipient Email", '{"ImportId":"recipientEmail"}'),
    ("ExternalReference", "External Data Reference", '{"ImportId":"externalDataReference"}'),
    ("LocationLatitude", "Location Latitude", '{"ImportId":"locationLatitude"}'),
    ("LocationLongitude", "Location Longitude", '{"ImportId":"locationLongitude"}'),
    ("DistributionChannel", "Distribution Channel", '{"ImportId":"distributionChannel"}'),
    ("UserLanguage", "User Language", '{"ImportId":"userLanguage"}'),
)


def qualtrics(responses: Sequence[Response], partials: Sequence[Response] = ()) -> bytes:
    """Qualtrics CSV; `partials` are written as incomplete responses among the others."""
    texts = [ORGANISATION_Q, ABOUT_Q, UNIT_Q, *QUESTIONS, COMMENT_Q]
    texts[3 + 3] = REWORDED_Q4  # the form reworded question 4
    ids = [f"Q{n}" for n in range(1, len(texts) + 1)]
    rows: list[list[object]] = [
        [*(c[0] for c in _QUALTRICS_OWN), *ids],
        [*(c[1] for c in _QUALTRICS_OWN), *texts],
        [
            *(c[2] for c in _QUALTRICS_OWN),
            *(f'{{"ImportId":"QID{n}"}}' for n in range(1, len(ids) + 1)),
        ],
    ]
    order = [(r, True) for r in responses]
    for k, p in enumerate(partials):
        order.insert(min(len(order), 5 + 9 * k), (p, False))
    for i, (r, complete) in enumerate(order):
        end = _finished(r)
        answers = list(r.answers)
        if not complete:
            answers[5:] = [""] * (len(answers) - 5)
        rows.append(
            [
                f"{r.started:%Y-%m-%d %H:%M:%S}",
                f"{end:%Y-%m-%d %H:%M:%S}",
                "IP Address",
                f"198.51.100.{i + 20}",
                100 if complete else 45,
                r.minutes * 60,
                "True" if complete else "False",
                f"{end:%Y-%m-%d %H:%M:%S}",
                f"R_{SEED + 977 * i:x}Qz{i:03}",
                "",
                "",
                "",
                "",
                "51.4816",
                "-0.0106",
                "anonymous",
                "EN-GB",
                r.organisation,
                r.about,
                r.unit,
                *answers,
                r.comment,
            ]
        )
    return _csv(rows, bom=True)


def plain_xlsx(responses: Sequence[Response]) -> bytes:
    """Our own layout in a workbook: scores as number cells, "Don't know" as text."""
    rows: list[list[object]] = [
        ["organisation", "about", "respondent", "unit", "wave", *(f"q{n}" for n in range(1, 11))]
    ]
    scores = {label: float(i) for i, label in enumerate(LABELS_ALL)}
    for i, r in enumerate(responses, 1):
        about = "internal" if r.about == OWN else r.about
        cells = [scores.get(a, a) for a in r.answers]
        rows.append([r.organisation, about, i, r.unit, WAVE, *cells])
    return _xlsx("Data", rows)


def _toml(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def mapping(
    *,
    respondent: str | None = None,
    questions: dict[str, str] | None = None,
    ignore: Sequence[str] = (COMMENT_Q,),
    sheet: str | None = None,
) -> str:
    """Return the mapping file of an export laid out by this script."""
    lines = [f"sheet = {_toml(sheet)}", ""] if sheet else []
    lines += [
        "[columns]",
        f"organisation = {_toml(ORGANISATION_Q)}",
        f"about = {_toml(ABOUT_Q)}",
        f"unit = {_toml(UNIT_Q)}",
    ]
    if respondent:
        lines.append(f"respondent = {_toml(respondent)}")
    lines += [f"ignore = [{', '.join(map(_toml, ignore))}]", "", "[values]"]
    lines += [f"internal = [{_toml(OWN)}]", f"wave = {_toml(WAVE)}"]
    if questions:
        lines += ["", "[questions]", *(f"{k} = {_toml(v)}" for k, v in questions.items())]
    return "\n".join(lines) + "\n"


MAPPINGS: Final[dict[str, str]] = {
    "microsoft": mapping(respondent="ID"),
    "google": mapping(),
    "surveymonkey": mapping(ignore=(COMMENT_Q, f"{UNIT_Q} - Other (please specify)")),
    "qualtrics": mapping(questions={"q4": REWORDED_Q4}),
}
"""Each tool's mapping file."""

WRITERS: Final[dict[str, tuple[str, str, Callable[[Sequence[Response]], bytes]]]] = {
    "microsoft.xlsx": ("microsoft", "Microsoft Forms", microsoft),
    "google.csv": ("google", "Google Forms", google_csv),
    "google.xlsx": ("google", "Google Forms", google_xlsx),
    "surveymonkey.csv": ("surveymonkey", "SurveyMonkey", surveymonkey_csv),
    "surveymonkey.xlsx": ("surveymonkey", "SurveyMonkey", surveymonkey_xlsx),
    "qualtrics.csv": ("qualtrics", "Qualtrics", qualtrics),
}
"""Each export: its mapping, its tool, and its writer of a complete survey."""

PARTIALS: Final = 2
"""Incomplete responses in qualtrics.csv, beyond the canonical survey."""


def files() -> dict[str, bytes]:
    """Return every file of tests/data/forms/, by name."""
    responses = survey()
    partials = survey(seed=SEED + 1, size=PARTIALS)
    out = {"canonical.csv": canonical(responses)}
    for name, (key, _, writer) in WRITERS.items():
        out[name] = qualtrics(responses, partials) if key == "qualtrics" else writer(responses)
    out["plain.xlsx"] = plain_xlsx(responses)
    for key, text in MAPPINGS.items():
        out[f"{key}.toml"] = text.encode("utf-8")
    expected: dict[str, dict[str, object]] = {
        name: {
            "tool": tool,
            "mapping": f"{key}.toml",
            "incomplete": PARTIALS if key == "qualtrics" else 0,
        }
        for name, (key, tool, _) in WRITERS.items()
    }
    expected["plain.xlsx"] = {"tool": None, "mapping": None, "incomplete": 0}
    out["expected.json"] = (json.dumps(expected, indent=2, sort_keys=True) + "\n").encode()
    return out


def main(argv: Sequence[str] | None = None) -> int:
    """Write the files, or with ``--check`` report any that are out of date."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the files differ")
    args = parser.parse_args(argv)
    stale = []
    for name, data in files().items():
        path = FOLDER / name
        if args.check:
            if not path.is_file() or path.read_bytes() != data:
                stale.append(name)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
    if stale:
        print(
            f"out of date: {', '.join(stale)}; run python scripts/make_form_exports.py",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
