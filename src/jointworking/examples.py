"""A packaged, fictional example survey to learn, demonstrate and test with.

Everything here is invented. Northfield and Westshire are not real places, and the five
organisations (a district council, a county council, a community health NHS trust, a
housing association and a voluntary-sector body), their units, respondents, answers,
claims, targets and money values describe no real body or person. The survey was drawn
at random around chosen means by ``scripts/make_example_data.py``, which writes the
packaged file ``jointworking/data/example_survey.csv`` byte for byte.

The numbers tell a story that exercises every part of the library. In the latest wave
(2026-Q1):

1. Northfield District Council is at collaboration inside, up from transaction in
   2025-Q3.
2. Westshire County Council is transactional inside, and its units disagree sharply
   (Adult Social Care answers 3-4 and Highways 0-1 on questions 1, 2 and 6): "the bigger
   and more diversified an organisation the bigger the challenge".
3. The district council places its relationship with the county at collaboration,
   though the two call it a partnership.
4. The county scores the same relationship at partnership on every question, a
   perception gap of more than a point on most questions, and above its own
   transactional inside.
5. The NHS trust is at collaboration inside; the housing association at partnership.
6. The three members of the Northfield Health and Housing Alliance see it differently:
   collaboration, transaction, collaboration.
7. The district council sees its relationship with Northfield Voluntary Action as
   transactional, yet aims for partnership (a jump of two rungs); the voluntary body
   never answers about the district council.
8. Northfield Voluntary Action's own view rests on two respondents, fewer than a
   minimum group size of three.

The Alliance's added value, uncertain, is only marginal; the district-county
relationship's is significant.

Examples
--------
>>> from jointworking.examples import load_example
>>> example = load_example()
>>> len(example.responses), example.responses.waves
(182, ('2025-Q3', '2026-Q1'))
>>> example.arrangements["Northfield Health and Housing Alliance"]
('Northfield District Council', 'Westshire Community Health NHS Trust', 'Northfield Homes Housing Association')
"""  # noqa: E501 - a doctest's output is one line

from __future__ import annotations

import csv
import io
import math
from collections.abc import Mapping, Sequence
from importlib import resources
from types import MappingProxyType
from typing import Final, TextIO, TypeAlias

import attrs

from jointworking.assessment import ValueInputs
from jointworking.errors import ArgumentError
from jointworking.instrument import MORLEY_2016, Instrument
from jointworking.responses import Responses
from jointworking.rung import Rung
from jointworking.value import Estimate

__all__ = ["Example", "load_example"]

Key: TypeAlias = tuple[str, str] | str
"""A relationship (a pair of organisation names, in either order) or an arrangement name."""

_SURVEY_FILE: Final = "example_survey.csv"
_LABELS: Final = ("organisation", "about", "respondent", "unit", "wave")

_DISTRICT: Final = "Northfield District Council"
_COUNTY: Final = "Westshire County Council"
_TRUST: Final = "Westshire Community Health NHS Trust"
_HOUSING: Final = "Northfield Homes Housing Association"
_VOLUNTARY: Final = "Northfield Voluntary Action"
_ALLIANCE: Final = "Northfield Health and Housing Alliance"

_DESCRIPTION: Final = (
    "A fictional survey of five organisations in Northfield and Westshire, in two waves"
    " (2025-Q3 and 2026-Q1). Northfield District Council has climbed from transaction to"
    " collaboration inside; Westshire County Council, big and diversified, is"
    " transactional and its units disagree sharply. The district and county call their"
    " relationship a partnership, but the district's answers place it at collaboration"
    " while the county's place it at partnership. The Northfield Health and Housing"
    " Alliance of the district council, the NHS trust and the housing association is"
    " seen as collaboration by two members and transaction by the third, and its added"
    " value is only marginal. The district council's relationship with Northfield"
    " Voluntary Action is transactional, one-sided, and aims for partnership."
)


def _arrangements(value: Mapping[str, Sequence[str]]) -> Mapping[str, tuple[str, ...]]:
    return MappingProxyType({name: tuple(members) for name, members in value.items()})


def _rungs(value: Mapping[Key, Rung]) -> Mapping[Key, Rung]:
    return MappingProxyType(dict(value))


def _value_inputs(value: Mapping[Key, ValueInputs]) -> Mapping[Key, ValueInputs]:
    return MappingProxyType(dict(value))


@attrs.frozen(eq=False)
class Example:
    """A survey with the context an assessment needs: arrangements, claims, targets, values.

    Mapping keys name a relationship or an arrangement: a pair of organisation names (the
    pair may be written in either order; :func:`load_example` writes them in alphabetical
    order) or the name of a declared multi-party arrangement.

    Attributes
    ----------
    responses : Responses
        Every respondent's answers, as read from the packaged file.
    arrangements : mapping of str to tuple of str
        Each declared multi-party arrangement's members, by arrangement name. Read-only.
    claims : mapping of tuple of (str, str) or str to Rung
        The rung each relationship or arrangement is called (its label). Read-only.
    targets : mapping of tuple of (str, str) or str to Rung
        The rung each relationship or arrangement aims for. Read-only.
    values : mapping of tuple of (str, str) or str to ValueInputs
        The inputs of the added-value test, in GBP million a year. Read-only.
    description : str
        A short paragraph describing the example, for reports.

    Examples
    --------
    >>> example = load_example()
    >>> example.claims[("Northfield District Council", "Westshire County Council")]
    Rung.PARTNERSHIP
    >>> example.values["Northfield Health and Housing Alliance"].test().verdict
    Verdict.MARGINAL
    """

    responses: Responses
    arrangements: Mapping[str, tuple[str, ...]] = attrs.field(converter=_arrangements)
    claims: Mapping[Key, Rung] = attrs.field(converter=_rungs)
    targets: Mapping[Key, Rung] = attrs.field(converter=_rungs)
    values: Mapping[Key, ValueInputs] = attrs.field(converter=_value_inputs)
    description: str


def _read_survey(file: TextIO, name: str, instrument: Instrument) -> Responses:
    """Read a wide survey CSV, keeping every row as it is; blank and "don't know" are missing.

    Raises
    ------
    ArgumentError
        If a column is missing, a row has the wrong number of cells, or an answer is not
        a point of the scale; messages name the file, line and column.
    """
    reader = csv.reader(file)
    header = [cell.strip().casefold() for cell in next(reader, [])]
    for column in _LABELS:
        if column not in header:
            raise ArgumentError(f"{name}: missing column {column!r}")
    questions = {
        instrument.position(column, argument=f"{name}: column {column!r}"): i
        for i, column in enumerate(header)
        if column not in _LABELS
    }
    if len(questions) != len(instrument.questions):
        raise ArgumentError(
            f"{name}: expected one column per question ({len(instrument.questions)}),"
            f" got {len(questions)}"
        )
    label_cells = {column: header.index(column) for column in _LABELS}
    answer_cells = [questions[position] for position in range(len(instrument.questions))]
    labels: dict[str, list[str]] = {column: [] for column in _LABELS}
    answers: list[list[float]] = []
    for row in reader:
        line = reader.line_num
        if len(row) != len(header):
            raise ArgumentError(
                f"{name}: line {line}: expected {len(header)} cells, got {len(row)}"
            )
        for label, index in label_cells.items():
            labels[label].append(row[index])
        scores: list[float] = []
        for index in answer_cells:
            where = f"{name}: line {line}, column {header[index]!r}"
            score = instrument.scale.parse(row[index], argument=where)
            scores.append(math.nan if score is None else score)
        answers.append(scores)
    return Responses.from_arrays(
        answers,
        organisation=labels["organisation"],
        about=labels["about"],
        respondent=labels["respondent"],
        unit=labels["unit"],
        wave=labels["wave"],
        instrument=instrument,
    )


def load_example() -> Example:
    """Load the packaged fictional example survey and its context.

    Returns
    -------
    Example
        The responses of ``jointworking/data/example_survey.csv`` (every row, as
        written), the Northfield Health and Housing Alliance and its three members, the
        claimed and target rungs, and the added-value inputs.

    Notes
    -----
    The district-county relationship and the Alliance are both called partnerships; the
    district council aims for partnership with Northfield Voluntary Action, and the
    Alliance for partnership too. The Alliance's added value is uncertain: each member's
    value alone is a triangular estimate (about 4.0, 6.5 and 2.1 GBP million a year) and
    the joint value a PERT estimate, tested by seeded simulation. The district-county
    relationship's values are plain numbers.

    Examples
    --------
    >>> example = load_example()
    >>> example.responses.organisations
    ('Northfield District Council', 'Northfield Homes Housing Association', 'Northfield Voluntary Action', 'Westshire Community Health NHS Trust', 'Westshire County Council')
    >>> example.targets[("Northfield District Council", "Northfield Voluntary Action")]
    Rung.PARTNERSHIP
    >>> example.values[("Northfield District Council", "Westshire County Council")].test().verdict
    Verdict.SIGNIFICANT
    """  # noqa: E501 - a doctest's output is one line
    source = resources.files("jointworking") / "data" / _SURVEY_FILE
    with source.open("rb") as raw, io.TextIOWrapper(raw, encoding="utf-8", newline="") as file:
        responses = _read_survey(file, _SURVEY_FILE, MORLEY_2016)
    district_county = (_DISTRICT, _COUNTY)
    district_voluntary = (_DISTRICT, _VOLUNTARY)
    return Example(
        responses=responses,
        arrangements={_ALLIANCE: (_DISTRICT, _TRUST, _HOUSING)},
        claims={district_county: Rung.PARTNERSHIP, _ALLIANCE: Rung.PARTNERSHIP},
        targets={district_voluntary: Rung.PARTNERSHIP, _ALLIANCE: Rung.PARTNERSHIP},
        values={
            _ALLIANCE: ValueInputs(
                individual=[
                    Estimate.triangular(3.5, 4.0, 4.6),
                    Estimate.triangular(5.8, 6.5, 7.1),
                    Estimate.triangular(1.7, 2.1, 2.6),
                ],
                joint=Estimate.pert(12.8, 14.2, 16.0),
                cost=0.4,
                seed=2016,
            ),
            district_county: ValueInputs(individual=[3.2, 8.5], joint=14.1, cost=0.6),
        },
        description=_DESCRIPTION,
    )
