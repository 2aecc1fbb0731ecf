"""The plain-data layout of an assessment: what ``to_dict`` and ``to_json`` write.

The layout is versioned (:data:`~jointworking.SCHEMA_VERSION`) and documented in the JSON
schema page of the documentation. It lays out whatever assessment it is given: the
analyst's, or its shared view (:meth:`~jointworking.Assessment.shared_view`), which holds
nothing that may not be shared. It decides nothing about privacy itself.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import attrs

from jointworking.ladder import Placement
from jointworking.rung import Rung
from jointworking.value import AddedValue, SimulatedAddedValue

if TYPE_CHECKING:
    from jointworking.assessment import Assessment, GroupView, Progress, RelationshipView
    from jointworking.consistency import Reliability, ScaleReliability

__all__ = ["layout", "number", "value_layout"]


def number(value: float) -> float | None:
    """Return a figure for JSON: None for NaN (not available), else rounded to 6 places."""
    return None if math.isnan(value) else round(value, 6)


def _probabilities(probabilities: Mapping[Rung, float] | None) -> dict[str, float] | None:
    if probabilities is None:
        return None
    return {rung.label: round(p, 6) for rung, p in probabilities.items()}


def _placement(placement: Placement, withheld: tuple[int, ...]) -> dict[str, Any]:
    return {
        "rung": placement.rung.label,
        "index": number(placement.index),
        "next": None if placement.next is None else placement.next.label,
        "blocking": list(placement.blocking),
        # A withheld question is not missing: it was answered, by too few to share.
        "missing": [n for n in placement.missing if n not in withheld],
        "met": list(placement.met),
        "ahead": list(placement.ahead),
    }


def _group(g: GroupView, numbers: tuple[int, ...]) -> dict[str, Any]:
    withheld = g.placement is None
    few = set(g.withheld_questions)
    return {
        "organisation": g.organisation,
        "about": g.about,
        "wave": g.wave,
        "respondents": g.respondents,
        "small": g.small,
        "withheld": withheld,
        "units": None if withheld else list(g.units),
        "placement": None if g.placement is None else _placement(g.placement, tuple(few)),
        "rung_probabilities": _probabilities(g.rung_probabilities),
        "confidence": number(g.confidence),
        "uncertain": g.uncertain,
        "rwg_j": number(g.rwg_j),
        "deciding_rwg_j": number(g.deciding_rwg_j),
        "divided": g.divided,
        "dividing": list(g.dividing),
        "unit_gap": number(g.unit_gap),
        "questions": None
        if withheld
        else [
            {
                "number": n,
                "count": c,
                "withheld": n in few,
                "mean": number(m),
                "sd": number(s),
                "rwg": number(r),
            }
            for n, c, m, s, r in zip(numbers, g.count, g.mean, g.sd, g.rwg, strict=True)
        ],
    }


def _relationship(view: RelationshipView, numbers: tuple[int, ...]) -> dict[str, Any]:
    few_gaps = set(view.withheld_gaps)
    return {
        "subject": view.subject,
        "kind": view.kind,
        "members": list(view.members),
        "wave": view.wave,
        "views": {
            m: _placement(p, view.withheld_questions.get(m, ())) for m, p in view.views.items()
        },
        "silent": list(view.silent),
        "withheld": list(view.withheld),
        "internal": {m: r.label for m, r in view.internal.items()},
        "internal_withheld": list(view.internal_withheld),
        "effective_rung": None if view.effective_rung is None else view.effective_rung.label,
        "rung_probabilities": _probabilities(view.rung_probabilities),
        "confidence": number(view.confidence),
        "uncertain": view.uncertain,
        "claimed": None if view.claimed is None else view.claimed.label,
        "target": None if view.target is None else view.target.label,
        "gaps": [
            {"number": n, "withheld": n in few_gaps, "gap": number(gap)}
            for n, gap in zip(numbers, view.gaps, strict=True)
        ],
        "value": None if view.value is None else value_layout(view.value),
    }


def _progress(p: Progress) -> dict[str, Any]:
    low, high = p.interval
    return {
        "organisation": p.organisation,
        "about": p.about,
        "before": p.before,
        "after": p.after,
        "rung_before": p.rung_before.label,
        "rung_after": p.rung_after.label,
        "index_change": number(p.index_change),
        "interval": None if math.isnan(low) else [number(low), number(high)],
        "direction": p.direction,
        "p_rung_moved": number(p.p_rung_moved),
        "uncertain_before": p.uncertain_before,
        "uncertain_after": p.uncertain_after,
    }


def _scale(item: ScaleReliability) -> dict[str, Any]:
    alpha = item.alpha
    return {
        "scale": item.scale,
        "questions": list(item.questions),
        "responses": item.responses,
        "alpha": None
        if alpha is None
        else {
            "raw": number(alpha.raw),
            "standardized": number(alpha.standardized),
            "average_r": number(alpha.average_r),
            "if_dropped": [number(v) for v in alpha.if_dropped],
            "item_rest": [number(v) for v in alpha.item_rest],
        },
        "omega": None if item.omega is None else number(item.omega.total),
        "note": item.note,
        "reading": item.reading,
    }


def _reliability(reliability: Reliability | None) -> dict[str, Any] | None:
    if reliability is None:
        return None
    return {
        "min_responses": reliability.min_responses,
        "survey": [_scale(item) for item in reliability.survey],
        "organisations": {
            name: [_scale(item) for item in items]
            for name, items in reliability.organisations.items()
        },
    }


def layout(assessment: Assessment, schema_version: int) -> dict[str, Any]:
    """Return `assessment` as plain data (see the JSON schema in the documentation)."""
    inst = assessment.instrument
    numbers = inst.numbers
    return {
        "schema_version": schema_version,
        "shared": assessment.shared,
        "instrument": {
            "name": inst.name,
            "source": inst.source,
            "scale": list(inst.scale.values),
            "collaboration_threshold": inst.collaboration_threshold,
            "partnership_threshold": inst.partnership_threshold,
            "questions": [
                {"number": q.number, "key": q.key, "rung": q.rung.label, "text": q.text}
                for q in inst.questions
            ],
        },
        "settings": {
            "min_group_size": assessment.min_group_size,
            "agreement_threshold": assessment.agreement_threshold,
            "confidence": assessment.confidence,
            "resamples": assessment.resamples,
            "seed": assessment.seed,
            "uncertainty": assessment.uncertainty,
        },
        "arrangements": {k: list(v) for k, v in assessment.arrangements.items()},
        "groups": [_group(g, numbers) for g in assessment.groups],
        "relationships": [_relationship(v, numbers) for v in assessment.relationships],
        "findings": [
            {
                "kind": f.kind,
                "severity": f.severity,
                "subject": f.subject,
                "message": f.message,
                "organisations": list(f.organisations),
                "questions": list(f.questions),
                "wave": f.wave,
            }
            for f in assessment.findings
        ],
        "progress": [_progress(p) for p in assessment.progress],
        "reliability": _reliability(assessment.reliability),
    }


def value_layout(value: AddedValue | SimulatedAddedValue) -> dict[str, Any]:
    """Return an added-value result as plain data."""
    if isinstance(value, AddedValue):
        return {
            "method": "point",
            "verdict": value.verdict.label,
            "threshold": value.threshold,
            "baseline": value.baseline,
            "joint": value.joint,
            "cost": value.cost,
            "optimism_bias": value.optimism_bias,
            "surplus": value.surplus,
            "uplift": value.uplift,
            "switching_value": value.switching_value,
        }
    return {
        "method": "monte_carlo",
        "verdict": value.verdict.label,
        "threshold": value.threshold,
        "confidence": value.confidence,
        "draws": value.draws,
        "seed": value.seed,
        "p_significant": value.p_significant,
        "p_positive": value.p_positive,
        "uplift": attrs.asdict(value.uplift),
        "surplus": attrs.asdict(value.surplus),
    }
