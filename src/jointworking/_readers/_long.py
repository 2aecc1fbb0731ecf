"""Reading a long CSV file, one row per answer."""

from __future__ import annotations

from collections.abc import Iterator

import attrs
import numpy as np
import numpy.typing as npt

from jointworking._readers._cells import _Scores, _show
from jointworking._readers._constants import Key, _InvalidError
from jointworking._readers._csv import _Header
from jointworking._readers._labels import _Labels, _unit, _who
from jointworking.errors import ArgumentError, ResponseFileError
from jointworking.instrument import Instrument


@attrs.define
class _Respondent:
    """One respondent of a long file, as its rows are read."""

    line: int
    unit: str
    answers: dict[int, tuple[float, int]] = attrs.field(factory=dict)


def _read_long(
    records: Iterator[tuple[int, list[str]]], header: _Header, name: str, instrument: Instrument
) -> tuple[list[Key], list[str], npt.NDArray[np.float64]]:
    labels = _Labels(header, name)
    scores = _Scores(instrument.scale)
    question_index, question_header = header.labels["question"]
    answer_index, answer_header = header.labels["answer"]
    positions: dict[str, int] = {}
    respondents: dict[Key, _Respondent] = {}
    for line, cells in records:
        key, unit = labels.read(line, cells)
        cell = cells[question_index]
        position = positions.get(cell)
        if position is None:
            try:
                position = positions[cell] = instrument.position(cell.strip())
            except ArgumentError:
                numbers = ", ".join(str(n) for n in instrument.numbers)
                raise ResponseFileError(
                    name,
                    f"expected a question number ({numbers}), the number with a 'q' in"
                    f" front (q1) or a question key, got {_show(cell)}",
                    line=line,
                    column=question_header,
                ) from None
        try:
            score = scores.cell(cells[answer_index])
        except _InvalidError as problem:
            raise ResponseFileError(name, str(problem), line=line, column=answer_header) from None
        respondent = respondents.get(key)
        if respondent is None:
            respondent = respondents[key] = _Respondent(line, unit)
        elif unit != respondent.unit:
            raise labels.error(
                line,
                "unit",
                f"{_who(key)} has {_unit(unit)} here but {_unit(respondent.unit)} on line"
                f" {respondent.line}; expected one unit per respondent",
            )
        if position in respondent.answers:
            number = instrument.questions[position].number
            first = respondent.answers[position][1]
            raise ResponseFileError(
                name,
                f"{_who(key)} answers question {number} twice (lines {first} and {line})",
                line=line,
                column=question_header,
            )
        respondent.answers[position] = (score, line)
    matrix = np.full((len(respondents), len(instrument.questions)), np.nan)
    for row, respondent in enumerate(respondents.values()):
        for position, (score, _) in respondent.answers.items():
            matrix[row, position] = score
    return list(respondents), [r.unit for r in respondents.values()], matrix
