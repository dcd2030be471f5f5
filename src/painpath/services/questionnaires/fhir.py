"""The FHIR R4B export of every questionnaire response of a patient."""

from __future__ import annotations

import json
from typing import Any

from painpath.adapters.fhir.instruments import PAINPATH_BASE, export_response, to_questionnaire
from painpath.adapters.instrument_catalogue import get_instrument
from painpath.domain.access import Access
from painpath.domain.accounts import Patient
from painpath.domain.instruments import score
from painpath.services.context import Call, operation
from painpath.services.questionnaires._common import current_responses


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


@operation(Access.PATIENT_READ, audit="fhir.export")
def export_fhir_bundle(call: Call, *, patient_id: str) -> dict[str, Any]:
    """A FHIR R4B ``collection`` Bundle: the Patient, every Questionnaire used, and each
    current response as a QuestionnaireResponse with its score Observations."""
    from fhir.resources.R4B.bundle import Bundle

    views = current_responses(call, patient_id)
    reference = f"Patient/{patient_id}"
    entries = [_entry(_patient_resource(call.the_patient))]
    for instrument_id in dict.fromkeys(v.instrument_id for v in views):
        entries.append(_entry(_as_json(to_questionnaire(get_instrument(instrument_id)))))
    for view in views:
        instrument = get_instrument(view.instrument_id)
        exported = export_response(
            instrument,
            list(view.answers),
            score(instrument, view.answers),
            patient_reference=reference,
            authored=view.completed_on,
            response_id=view.record_id,
        )
        entries.append(_entry(_as_json(exported.questionnaire_response)))
        entries.extend(_entry(_as_json(o)) for o in exported.observations)
    bundle = Bundle.model_validate(
        {
            "resourceType": "Bundle",
            "type": "collection",
            "timestamp": call.ctx.clock.now().isoformat(),
            "entry": entries,
        }
    )
    call.audit_detail["responses"] = len(views)
    return _as_json(bundle)
