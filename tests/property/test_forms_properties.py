"""Any survey, written as any form tool exports it, reads back with its mapping as written."""

from __future__ import annotations

import importlib.util
import io
import sys
import tomllib
from pathlib import Path
from types import ModuleType

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from jointworking.io import read_responses

ROOT = Path(__file__).resolve().parents[2]


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "make_form_exports", ROOT / "scripts" / "make_form_exports.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("make_form_exports", module)
    spec.loader.exec_module(module)
    return module


EXPORTS = _script()

# Names a spreadsheet or CSV must keep as they are: commas, quotes, accents, a leading
# "=" (formula injection), a number, a name that looks like a question number.
NAMES = (
    "Eastbrook Borough Council",
    "Café Trust",
    'O\'Neill & "Partners", Ltd',
    "=Westmere College",
    "1. Northfield",
    "2026",
    "Ünïcode Board",
)
ANSWERS = (*EXPORTS.LABELS_ALL, "Don't know", "")
UNITS = ("", "Housing", "Estates; North", "Q3 team")


@st.composite
def surveys(draw: st.DrawFn) -> list[object]:
    organisations = draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=3, unique=True))
    size = draw(st.integers(1, 8))
    out = []
    for i in range(size):
        organisation = draw(st.sampled_from(organisations))
        partners = [n for n in NAMES if n != organisation]
        about = draw(st.sampled_from([EXPORTS.OWN, *partners]))
        answers = tuple(draw(st.sampled_from(ANSWERS)) for _ in EXPORTS.QUESTIONS)
        out.append(
            EXPORTS.Response(
                organisation,
                about,
                draw(st.sampled_from(UNITS)),
                answers,
                draw(st.sampled_from(["", "Fine, thanks", "=cmd"])),
                EXPORTS.START.replace(hour=i % 24),
                draw(st.integers(1, 90)),
            )
        )
    return out


@settings(max_examples=40)
@given(survey=surveys(), export=st.sampled_from(sorted(EXPORTS.WRITERS)))
def test_any_survey_in_any_layout_reads_back(survey: list[object], export: str) -> None:
    key, _, write = EXPORTS.WRITERS[export]
    want = read_responses(io.BytesIO(EXPORTS.canonical(survey)), format="csv")
    data = write(survey)
    got = read_responses(io.BytesIO(data), mapping=tomllib.loads(EXPORTS.MAPPINGS[key]))
    for column in ("organisation", "about", "unit", "wave"):
        assert getattr(got, column).tolist() == getattr(want, column).tolist(), column
    np.testing.assert_array_equal(got.answers, want.answers)
    assert len(set(got.respondent.tolist())) == len(survey)
