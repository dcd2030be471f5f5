"""A patient's questionnaire responses as one FHIR R4B ``collection`` Bundle."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from painpath.adapters.fhir.instruments import PAINPATH_BASE, export_response, to_questionnaire
from painpath.domain.accounts import Patient
from painpath.domain.outcomes.instruments import Instrument, score

__all__ = ["BundledResponse", "patient_bundle"]


@dataclass(frozen=True)
class BundledResponse:
    """One stored response to export: which instrument, the answers, when, and its record id."""

    instrument: Instrument
    answers: Sequence[int | None]
    completed_on: date
    record_id: str
    not_applicable: Sequence[int] = ()  # items marked "not applicable" (ODI section 8)


def _patient_resource(patient: Patient) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "resourceType": "Patient",
        "id": patient.id,
        "name": [{"family": patient.family_name, "given": [patient.given_name]}],
    }
    if patient.birth_date:
        resource["birthDate"] = patient.birth_date.isoformat()
    if patient.sex:
        resource["gender"] = patient.sex.value
    return resource


def _entry(resource: dict[str, Any]) -> dict[str, Any]:
    return {
        "fullUrl": f"{PAINPATH_BASE}/{resource['resourceType']}/{resource['id']}",
        "resource": resource,
    }


def _as_json(model: Any) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(model.model_dump_json())
    return data


def patient_bundle(
    patient: Patient, responses: Sequence[BundledResponse], *, timestamp: datetime
) -> dict[str, Any]:
    """The Patient, every Questionnaire used, and each response as a QuestionnaireResponse
    with one Observation per score; validated by ``fhir.resources`` before it is returned."""
    from fhir.resources.R4B.bundle import Bundle

    reference = f"Patient/{patient.id}"
    entries = [_entry(_patient_resource(patient))]
    used = {r.instrument.id: r.instrument for r in responses}
    entries += [_entry(_as_json(to_questionnaire(i))) for i in used.values()]
    for response in responses:
        exported = export_response(
            response.instrument,
            list(response.answers),
            score(response.instrument, response.answers, not_applicable=response.not_applicable),
            patient_reference=reference,
            authored=response.completed_on,
            response_id=response.record_id,
        )
        entries.append(_entry(_as_json(exported.questionnaire_response)))
        entries.extend(_entry(_as_json(o)) for o in exported.observations)
    bundle = Bundle.model_validate(
        {
            "resourceType": "Bundle",
            "type": "collection",
            "timestamp": timestamp.isoformat(),
            "entry": entries,
        }
    )
    return _as_json(bundle)
