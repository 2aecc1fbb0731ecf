"""Score the ten-question joint working self-assessment.

``jointworking`` places joint working on the ladder transaction, collaboration,
partnership, shows what holds it below the next rung, compares what is claimed with what
the evidence shows, and tests whether joint working adds a significant increase in value
over the sum of its parts, with or without uncertainty.

Examples
--------
>>> import jointworking as jw
>>> jw.classify([4, 3, 2, 3, 1, 3, 2, 3, 3, 2]).rung
Rung.COLLABORATION
>>> jw.added_value([400, 350, 250], 1200, cost=50).verdict
Verdict.SIGNIFICANT
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from jointworking.errors import (
    ArgumentError,
    InstrumentError,
    JointWorkingError,
    ResponseFileError,
)
from jointworking.rung import Rung

if TYPE_CHECKING:
    from jointworking import agreement
    from jointworking.assessment import (
        SCHEMA_VERSION,
        Assessment,
        Finding,
        GroupView,
        Progress,
        RelationshipView,
        ValueInputs,
        assess,
    )
    from jointworking.examples import Example, load_example
    from jointworking.instrument import (
        DEFAULT_SCALE,
        MORLEY_2016,
        Instrument,
        Question,
        Scale,
        ScalePoint,
        load_instrument,
    )
    from jointworking.io import read_responses, write_responses
    from jointworking.ladder import LabelCheck, Placement, check_label, classify, path
    from jointworking.responses import Response, Responses
    from jointworking.statistics import GroupStatistics
    from jointworking.value import (
        DEFAULT_THRESHOLD,
        AddedValue,
        Estimate,
        Percentiles,
        SimulatedAddedValue,
        Verdict,
        added_value,
        simulate_added_value,
    )

# Everything but the errors and the rungs is imported on first use, so that
# ``import jointworking`` is quick: numpy, attrs and the model load when first needed.
_LAZY: dict[str, str] = {
    "agreement": "",
    # The other public modules, so that ``jw.reliability`` works as ``jw.agreement`` does;
    # not in __all__, as a star import must not load matplotlib or pandas.
    "consistency": "",
    "export": "",
    "io": "",
    "plot": "",
    "reliability": "",
    "report": "",
    "statistics": "",
    "testing": "",
    "DEFAULT_SCALE": "instrument",
    "MORLEY_2016": "instrument",
    "Instrument": "instrument",
    "Question": "instrument",
    "Scale": "instrument",
    "ScalePoint": "instrument",
    "load_instrument": "instrument",
    "LabelCheck": "ladder",
    "Placement": "ladder",
    "check_label": "ladder",
    "classify": "ladder",
    "path": "ladder",
    "DEFAULT_THRESHOLD": "value",
    "AddedValue": "value",
    "Estimate": "value",
    "Percentiles": "value",
    "SimulatedAddedValue": "value",
    "Verdict": "value",
    "added_value": "value",
    "simulate_added_value": "value",
    "SCHEMA_VERSION": "assessment",
    "Assessment": "assessment",
    "Finding": "assessment",
    "GroupView": "assessment",
    "Progress": "assessment",
    "RelationshipView": "assessment",
    "ValueInputs": "assessment",
    "assess": "assessment",
    "Example": "examples",
    "load_example": "examples",
    "read_responses": "io",
    "write_responses": "io",
    "Response": "responses",
    "Responses": "responses",
    "GroupStatistics": "statistics",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'jointworking' has no attribute {name!r}")
    if module:
        value = getattr(importlib.import_module(f"jointworking.{module}"), name)
    else:
        value = importlib.import_module(f"jointworking.{name}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})


__version__ = "0.1.0.dev0"

__all__ = [
    "DEFAULT_SCALE",
    "DEFAULT_THRESHOLD",
    "MORLEY_2016",
    "SCHEMA_VERSION",
    "AddedValue",
    "ArgumentError",
    "Assessment",
    "Estimate",
    "Example",
    "Finding",
    "GroupStatistics",
    "GroupView",
    "Instrument",
    "InstrumentError",
    "JointWorkingError",
    "LabelCheck",
    "Percentiles",
    "Placement",
    "Progress",
    "Question",
    "RelationshipView",
    "Response",
    "ResponseFileError",
    "Responses",
    "Rung",
    "Scale",
    "ScalePoint",
    "SimulatedAddedValue",
    "ValueInputs",
    "Verdict",
    "added_value",
    "agreement",
    "assess",
    "check_label",
    "classify",
    "load_example",
    "load_instrument",
    "path",
    "read_responses",
    "simulate_added_value",
    "write_responses",
]
