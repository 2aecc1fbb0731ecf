"""Tests of the packaged fictional example survey and its generator.

Every story point is checked independently of the library's aggregation: group means are
computed here with ``np.nanmean`` per organisation, about and wave, and placed with
:func:`jointworking.classify`.
"""

from __future__ import annotations

import csv
import importlib.util
import io
import re
from importlib import resources
from pathlib import Path
from types import MappingProxyType, ModuleType
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt
import pytest

import jointworking.examples
from builders import ALLIANCE, COUNTY, DISTRICT, HOUSING, TRUST, VOLUNTARY
from jointworking import Estimate, Rung, Verdict, check_label, classify, path
from jointworking.assessment import ValueInputs
from jointworking.examples import Example, load_example
from jointworking.responses import Responses

ORGANISATIONS = {DISTRICT, COUNTY, TRUST, HOUSING, VOLUNTARY}
INTERNAL = "internal"
EARLY, LATEST = "2025-Q3", "2026-Q1"
HEADER = "organisation,about,respondent,unit,wave,q1,q2,q3,q4,q5,q6,q7,q8,q9,q10"
COLLABORATION_QUESTIONS = (1, 2, 6)
PARTNERSHIP_QUESTIONS = (3, 4, 5, 7, 8, 9, 10)
MIN_GROUP_SIZE = 3  # the default minimum group size of an assessment

GENERATOR = Path(__file__).parents[1] / "scripts" / "make_example_data.py"

Group = tuple[str, str, str]
FloatArray = npt.NDArray[np.float64]


def _packaged_text() -> str:
    source = resources.files("jointworking") / "data" / "example_survey.csv"
    return source.read_bytes().decode("utf-8")


def _load_generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_example_data", GENERATOR)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def example() -> Example:
    return load_example()


@pytest.fixture(scope="module")
def rows() -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(_packaged_text(), newline="")))


@pytest.fixture(scope="module")
def generator() -> ModuleType:
    return _load_generator()


def _answers(responses: Responses, organisation: str, about: str, wave: str) -> FloatArray:
    """Return the answer matrix of one group (rows: respondents)."""
    mask = (
        (responses.organisation == organisation)
        & (responses.about == about)
        & (responses.wave == wave)
    )
    return np.asarray(responses.answers[mask], dtype=np.float64)


def _means(responses: Responses, organisation: str, about: str, wave: str = LATEST) -> FloatArray:
    """Return one group's per-question means, ignoring missing answers."""
    answers = _answers(responses, organisation, about, wave)
    assert answers.shape[0] > 0, (organisation, about, wave)
    return np.asarray(np.nanmean(answers, axis=0), dtype=np.float64)


def _rung(responses: Responses, organisation: str, about: str, wave: str = LATEST) -> Rung:
    return classify(_means(responses, organisation, about, wave).tolist()).rung


def _groups(responses: Responses) -> dict[Group, int]:
    """Count respondents per (organisation, about, wave)."""
    counts: dict[Group, int] = {}
    for key in zip(
        responses.organisation.tolist(),
        responses.about.tolist(),
        responses.wave.tolist(),
        strict=True,
    ):
        counts[key] = counts.get(key, 0) + 1
    return counts


def _lookup(mapping: Any, first: str, second: str) -> Any:
    """Look a relationship up in either order, as consumers of :class:`Example` must."""
    if (first, second) in mapping:
        return mapping[(first, second)]
    return mapping[(second, first)]


def _q(number: int) -> int:
    """Return the column of question `number`."""
    return number - 1


class TestDataset:
    def test_header_and_encoding(self) -> None:
        """The file is UTF-8 with the exact header and ``\\n`` line endings only."""
        raw = (resources.files("jointworking") / "data" / "example_survey.csv").read_bytes()
        text = raw.decode("utf-8")
        assert text.split("\n", 1)[0] == HEADER
        assert b"\r" not in raw
        assert text.endswith("\n")

    def test_respondent_count(self, example: Example) -> None:
        """There are 100 to 300 respondents in total."""
        assert 100 <= len(example.responses) <= 300

    def test_organisations_and_waves(self, example: Example) -> None:
        """Five organisations answer, in two waves."""
        assert set(example.responses.organisations) == ORGANISATIONS
        assert example.responses.waves == (EARLY, LATEST)

    def test_units_present(self, example: Example) -> None:
        """The larger organisations' respondents carry the expected units."""
        units: dict[str, set[str]] = {}
        for organisation, unit in zip(
            example.responses.organisation.tolist(), example.responses.unit.tolist(), strict=True
        ):
            units.setdefault(organisation, set()).add(unit)
        assert {"Housing", "Planning", "Finance", "Customer Services"} <= units[DISTRICT]
        assert {"Adult Social Care", "Highways", "Children's Services"} <= units[COUNTY]
        assert {"Community Nursing", "Mental Health"} <= units[TRUST]
        assert {"Tenancy Services", "Repairs"} <= units[HOUSING]

    def test_internal_and_external_views(self, example: Example) -> None:
        """Both internal views and views about partners or the Alliance are present."""
        abouts = set(example.responses.about.tolist())
        assert INTERNAL in abouts
        assert {COUNTY, DISTRICT, VOLUNTARY, ALLIANCE} <= abouts

    def test_dont_know_and_blank_read_as_missing(
        self, example: Example, rows: list[dict[str, str]]
    ) -> None:
        """Every "Don't know" and blank cell is missing (NaN), never 0; there are a few."""
        questions = [f"q{n}" for n in range(1, 11)]
        dont_know = [
            (i, j)
            for i, r in enumerate(rows)
            for j, q in enumerate(questions)
            if r[q] == "Don't know"
        ]
        blank = [(i, j) for i, r in enumerate(rows) for j, q in enumerate(questions) if r[q] == ""]
        assert dont_know
        assert blank
        for i, j in dont_know + blank:
            assert np.isnan(example.responses.answers[i, j])
        share = (len(dont_know) + len(blank)) / (len(rows) * len(questions))
        assert 0.01 <= share <= 0.08
        assert int(np.isnan(example.responses.answers).sum()) == len(dont_know) + len(blank)

    def test_answers_on_the_scale(self, rows: list[dict[str, str]]) -> None:
        """Every answered cell is an integer from 0 to 4."""
        cells = {r[f"q{n}"] for r in rows for n in range(1, 11)}
        assert cells <= {"0", "1", "2", "3", "4", "", "Don't know"}

    def test_respondent_ids(self, example: Example) -> None:
        """Ids look like ``ndc-001``, share a prefix per organisation, and are unique per group."""
        prefixes: dict[str, set[str]] = {}
        seen: set[tuple[str, str, str, str]] = set()
        for organisation, about, wave, respondent in zip(
            example.responses.organisation.tolist(),
            example.responses.about.tolist(),
            example.responses.wave.tolist(),
            example.responses.respondent.tolist(),
            strict=True,
        ):
            assert re.fullmatch(r"[a-z]{3}-\d{3}", respondent)
            prefixes.setdefault(organisation, set()).add(respondent[:3])
            key = (organisation, about, wave, respondent)
            assert key not in seen
            seen.add(key)
        assert all(len(p) == 1 for p in prefixes.values())
        assert prefixes[DISTRICT] == {"ndc"}

    def test_description_says_fictional(self, example: Example) -> None:
        """The module, the generator and the description all say the data are fictional."""
        assert jointworking.examples.__doc__ is not None
        assert "fictional" in jointworking.examples.__doc__.lower()
        assert "FICTIONAL" in GENERATOR.read_text(encoding="utf-8").split('"""', 1)[0]
        assert "fictional" in example.description.lower()


class TestLoader:
    def test_every_row_kept_unaltered(self, example: Example, rows: list[dict[str, str]]) -> None:
        """The loader keeps every row, in order, with labels and answers as written."""
        responses = example.responses
        assert len(responses) == len(rows) == _packaged_text().count("\n") - 1
        for name in ("organisation", "about", "respondent", "unit", "wave"):
            assert getattr(responses, name).tolist() == [r[name] for r in rows]
        expected = np.array(
            [
                [
                    float(r[f"q{n}"]) if r[f"q{n}"] not in ("", "Don't know") else np.nan
                    for n in range(1, 11)
                ]
                for r in rows
            ]
        )
        np.testing.assert_array_equal(responses.answers, expected)

    def test_mappings_read_only(self, example: Example) -> None:
        """Every mapping of the example is a read-only view."""
        for mapping in (example.arrangements, example.claims, example.targets, example.values):
            assert isinstance(mapping, MappingProxyType)
        with pytest.raises(TypeError):
            example.claims[ALLIANCE] = Rung.TRANSACTION  # type: ignore[index]

    def test_frozen_and_hashable(self, example: Example) -> None:
        """The example is frozen and ``hash()`` works."""
        with pytest.raises(attrs.exceptions.FrozenInstanceError):
            example.description = ""  # type: ignore[misc]
        assert isinstance(hash(example), int)

    def test_loads_afresh(self) -> None:
        """Two loads give equal data."""
        first, second = load_example(), load_example()
        np.testing.assert_array_equal(first.responses.answers, second.responses.answers)
        assert dict(first.claims) == dict(second.claims)


class TestGenerator:
    def test_packaged_file_is_generator_output(self, generator: ModuleType) -> None:
        """The packaged CSV is exactly what the generator renders."""
        rendered: str = generator.render()
        assert rendered == _packaged_text()

    def test_render_is_deterministic(self, generator: ModuleType) -> None:
        """Rendering twice, or after a fresh import, gives the same text."""
        assert generator.render() == generator.render() == _load_generator().render()

    def test_main_writes_and_checks(self, generator: ModuleType, tmp_path: Path) -> None:
        """``main`` writes byte-identical output and ``--check`` detects a stale file."""
        target = tmp_path / "survey.csv"
        assert generator.main([str(target)]) == 0
        assert target.read_bytes() == _packaged_text().encode("utf-8")
        assert generator.main([str(target), "--check"]) == 0
        target.write_text(HEADER + "\n", encoding="utf-8")
        assert generator.main([str(target), "--check"]) == 1


class TestStory:
    def test_1_district_internal_progress(self, example: Example) -> None:
        """District council inside: transaction in 2025-Q3, collaboration in 2026-Q1."""
        r = example.responses
        assert _rung(r, DISTRICT, INTERNAL, EARLY) is Rung.TRANSACTION
        assert _rung(r, DISTRICT, INTERNAL, LATEST) is Rung.COLLABORATION
        before = _means(r, DISTRICT, INTERNAL, EARLY)
        after = _means(r, DISTRICT, INTERNAL, LATEST)
        assert float(np.mean(after)) > float(np.mean(before))

    def test_2_county_internal_transaction(self, example: Example) -> None:
        """County council inside: transaction in the latest wave (and the first)."""
        assert _rung(example.responses, COUNTY, INTERNAL) is Rung.TRANSACTION
        assert _rung(example.responses, COUNTY, INTERNAL, EARLY) is Rung.TRANSACTION

    def test_2_county_units_disagree(self, example: Example) -> None:
        """Adult Social Care answers 3-4 and Highways 0-1 on questions 1, 2 and 6."""
        r = example.responses
        mask = (r.organisation == COUNTY) & (r.about == INTERNAL) & (r.wave == LATEST)
        columns = [_q(n) for n in COLLABORATION_QUESTIONS]
        care = r.answers[mask & (r.unit == "Adult Social Care")][:, columns]
        roads = r.answers[mask & (r.unit == "Highways")][:, columns]
        assert set(care[~np.isnan(care)].tolist()) <= {3.0, 4.0}
        assert set(roads[~np.isnan(roads)].tolist()) <= {0.0, 1.0}

    def test_2_county_low_agreement(self, example: Example) -> None:
        """The county's spread on questions 1, 2 and 6 is large and the widest of any group."""
        r = example.responses
        columns = [_q(n) for n in COLLABORATION_QUESTIONS]
        county = np.nanstd(_answers(r, COUNTY, INTERNAL, LATEST)[:, columns], axis=0, ddof=1)
        assert np.all(county >= 1.2)
        for organisation, about, wave in _groups(r):
            if (organisation, about) in {(COUNTY, INTERNAL), (VOLUNTARY, INTERNAL)}:
                continue
            answers = _answers(r, organisation, about, wave)[:, columns]
            other = np.nanstd(answers, axis=0, ddof=1)
            assert np.all(other < county.min()), (organisation, about, wave)

    def test_3_district_about_county_overstated(self, example: Example) -> None:
        """District on county: collaboration, partnership questions near 2; called partnership."""
        r = example.responses
        rung = _rung(r, DISTRICT, COUNTY)
        assert rung is Rung.COLLABORATION
        claim = _lookup(example.claims, DISTRICT, COUNTY)
        assert claim is Rung.PARTNERSHIP
        assert check_label(claim, rung).status == "overstated"
        means = _means(r, DISTRICT, COUNTY)[[_q(n) for n in PARTNERSHIP_QUESTIONS]]
        assert int(np.count_nonzero((means >= 1.5) & (means < 2.5))) >= 5
        assert np.all(means < 3)

    def test_4_county_about_district_partnership(self, example: Example) -> None:
        """County about district: partnership, every mean at least 3."""
        means = _means(example.responses, COUNTY, DISTRICT)
        assert np.all(means >= 3)
        assert classify(means.tolist()).rung is Rung.PARTNERSHIP

    def test_4_perception_gap(self, example: Example) -> None:
        """The two views differ by a point or more on several questions; their rungs differ."""
        r = example.responses
        gap = _means(r, COUNTY, DISTRICT) - _means(r, DISTRICT, COUNTY)
        assert int(np.count_nonzero(np.abs(gap) >= 1)) >= 4
        assert _rung(r, COUNTY, DISTRICT) != _rung(r, DISTRICT, COUNTY)

    def test_4_county_external_above_internal(self, example: Example) -> None:
        """The county's view of the district sits above its own internal rung."""
        r = example.responses
        assert _rung(r, COUNTY, DISTRICT) > _rung(r, COUNTY, INTERNAL)

    def test_5_trust_and_housing_internal(self, example: Example) -> None:
        """NHS trust inside: collaboration; housing association inside: partnership."""
        r = example.responses
        assert _rung(r, TRUST, INTERNAL) is Rung.COLLABORATION
        assert _rung(r, HOUSING, INTERNAL) is Rung.PARTNERSHIP

    def test_6_alliance_members(self, example: Example) -> None:
        """The Alliance is declared with the district council, NHS trust and housing association."""
        assert example.arrangements == {ALLIANCE: (DISTRICT, TRUST, HOUSING)}
        r = example.responses
        answering = set(r.organisation[r.about == ALLIANCE].tolist())
        assert answering == {DISTRICT, TRUST, HOUSING}

    def test_6_alliance_views_mixed(self, example: Example) -> None:
        """The members see the Alliance at collaboration, transaction and collaboration."""
        r = example.responses
        assert _rung(r, DISTRICT, ALLIANCE) is Rung.COLLABORATION
        assert _rung(r, TRUST, ALLIANCE) is Rung.TRANSACTION
        assert _rung(r, HOUSING, ALLIANCE) is Rung.COLLABORATION
        assert example.claims[ALLIANCE] is Rung.PARTNERSHIP
        assert example.targets[ALLIANCE] is Rung.PARTNERSHIP

    def test_7_district_about_voluntary(self, example: Example) -> None:
        """District about the voluntary body: transaction, aiming for partnership, two rungs up."""
        rung = _rung(example.responses, DISTRICT, VOLUNTARY)
        assert rung is Rung.TRANSACTION
        target = _lookup(example.targets, DISTRICT, VOLUNTARY)
        assert target is Rung.PARTNERSHIP
        assert len(path(rung, target)) == 2

    def test_7_one_sided(self, example: Example) -> None:
        """The voluntary body never answers about the district council, in any wave."""
        r = example.responses
        voluntary = r.organisation == VOLUNTARY
        assert not np.any(voluntary & (r.about == DISTRICT))
        assert set(r.about[voluntary].tolist()) == {INTERNAL}

    def test_8_voluntary_internal_small(self, example: Example) -> None:
        """The voluntary body's own view rests on two respondents, below the minimum of 3."""
        n = _answers(example.responses, VOLUNTARY, INTERNAL, LATEST).shape[0]
        assert n == 2 < MIN_GROUP_SIZE

    def test_9_group_sizes(self, example: Example) -> None:
        """Every other group has at least 5 respondents; most have 8 to 20."""
        counts = _groups(example.responses)
        others = {k: n for k, n in counts.items() if k != (VOLUNTARY, INTERNAL, LATEST)}
        assert all(n >= 5 for n in others.values())
        assert sum(8 <= n <= 20 for n in others.values()) > len(others) / 2

    def test_9_first_wave_smaller(self, example: Example) -> None:
        """The first wave is smaller and covers only some of the latest wave's groups."""
        counts = _groups(example.responses)
        early = {(o, a) for o, a, w in counts if w == EARLY}
        latest = {(o, a) for o, a, w in counts if w == LATEST}
        assert early < latest
        n_early = sum(n for (_, _, w), n in counts.items() if w == EARLY)
        assert n_early < len(example.responses) - n_early


class TestValues:
    def test_alliance_marginal(self, example: Example) -> None:
        """The Alliance's uncertain added value is marginal at 80% confidence."""
        inputs = example.values[ALLIANCE]
        assert inputs.uncertain
        assert inputs.seed is not None
        assert inputs.confidence == pytest.approx(0.80)
        assert inputs.test().verdict is Verdict.MARGINAL

    def test_alliance_estimates(self, example: Example) -> None:
        """Individual values are triangular around 4.0, 6.5 and 2.1; the joint value is PERT."""
        inputs = example.values[ALLIANCE]
        assert len(inputs.individual) == len(example.arrangements[ALLIANCE])
        modes = []
        for value in inputs.individual:
            assert isinstance(value, Estimate)
            assert value.kind == "triangular"
            modes.append(value.parameters[1])
        assert modes == pytest.approx([4.0, 6.5, 2.1])
        assert isinstance(inputs.joint, Estimate)
        assert inputs.joint.kind == "pert"

    def test_alliance_reproducible(self, example: Example) -> None:
        """The seeded simulation gives the same result every time."""
        inputs = example.values[ALLIANCE]
        first, second = inputs.test(), inputs.test()
        assert first == second

    def test_district_county_significant(self, example: Example) -> None:
        """The district-county relationship's plain-number test is significant."""
        inputs = _lookup(example.values, DISTRICT, COUNTY)
        assert isinstance(inputs, ValueInputs)
        assert not inputs.uncertain
        assert inputs.test().verdict is Verdict.SIGNIFICANT

    def test_keys(self, example: Example) -> None:
        """Relationship keys name real pairs of organisations or a declared arrangement."""
        for mapping in (example.claims, example.targets, example.values):
            for key in mapping:
                if isinstance(key, str):
                    assert key in example.arrangements
                else:
                    assert len(key) == 2
                    assert set(key) <= ORGANISATIONS
