"""Record payloads of the assessment <-> domain values (findings, plans).

The INTAKE payload is the ``intake`` mapping of the case schema (``docs/clinical/case-schema.md``)
and the EXAMINATION payload is ``{"findings": [...]}`` in the same schema, so one validator
(``domain.intake``) reads case files, web forms and stored records alike. The PLAN payload is
the plan as plain data (``to_data``) and reads back into ``domain.planning.Plan``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from painpath.adapters.reports.assessment_html import assessment_to_dict, to_data
from painpath.domain.assessment.findings import Finding
from painpath.domain.assessment.reasoning import ClinicalPicture
from painpath.domain.errors import InvalidCase
from painpath.domain.planning import Plan, PlanItem, PlanItemKind
from painpath.domain.types import Irritability

__all__ = [
    "finding_to_mapping",
    "json_ready",
    "picture_to_data",
    "plan_from_payload",
    "plan_to_payload",
]


def json_ready(raw: Mapping[str, Any], where: str) -> dict[str, Any]:
    """A plain JSON copy of ``raw``: what is stored is exactly what can be read back."""
    try:
        data = json.loads(json.dumps(dict(raw)))
    except (TypeError, ValueError) as err:
        raise InvalidCase(f"{where}: only text, numbers, true/false, lists and mappings") from err
    assert isinstance(data, dict)
    return data


def finding_to_mapping(f: Finding) -> dict[str, Any]:
    """A finding in the case-schema form that ``examination_from_mapping`` reads back."""
    out: dict[str, Any] = {
        "kind": f.kind.value,
        "code": f.code,
        "side": f.side.value,
        "abnormal": f.abnormal,
        "source": f.source.value,
        "confidence": f.confidence,
    }
    optional = {
        "value": f.value,
        "unit": f.unit,
        "norm": f.norm,
        "test": f.test,
        "location": None if f.location is None else f.location.value,
    }
    out.update({k: v for k, v in optional.items() if v is not None})
    if f.impairments:
        out["impairments"] = [i.value for i in f.impairments]
    if f.evidence:
        out["evidence"] = list(f.evidence)
    if f.note:
        out["note"] = f.note
    return out


def plan_to_payload(plan: Plan) -> dict[str, Any]:
    """The plan as plain data: the PLAN payload, and the ``plan`` the JSON API returns."""
    data = to_data(plan)
    assert isinstance(data, dict)
    return data


def picture_to_data(picture: ClinicalPicture) -> dict[str, Any]:
    """The clinical picture as JSON-ready data, as the ``--json`` report writes it."""
    data: dict[str, Any] = assessment_to_dict(picture, None, None)["picture"]
    return data


def _item(raw: Mapping[str, Any]) -> PlanItem:
    due = raw.get("due")
    return PlanItem(
        id=str(raw["id"]),
        kind=PlanItemKind(raw["kind"]),
        title=str(raw["title"]),
        details=str(raw["details"]),
        triggered_by=tuple(str(x) for x in raw.get("triggered_by", ())),
        rule_id=str(raw["rule_id"]),
        evidence=tuple(str(x) for x in raw.get("evidence", ())),
        ref=raw.get("ref"),
        due=date.fromisoformat(due) if due else None,
        attributes={str(k): str(v) for k, v in (raw.get("attributes") or {}).items()},
    )


def plan_from_payload(payload: Mapping[str, Any], *, version: int) -> Plan:
    """The stored plan; ``version`` is the record's version (the one source of truth)."""
    signed_at = payload.get("signed_at")
    return Plan(
        version=version,
        start_date=date.fromisoformat(payload["start_date"]),
        irritability=Irritability(payload["irritability"]),
        items=tuple(_item(i) for i in payload.get("items", ())),
        signed_by=payload.get("signed_by"),
        signed_at=datetime.fromisoformat(signed_at) if signed_at else None,
        revision_reason=payload.get("revision_reason"),
    )
