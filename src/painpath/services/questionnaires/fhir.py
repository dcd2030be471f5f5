"""The FHIR R4B export of every questionnaire response of a patient."""

from __future__ import annotations

from typing import Any

from painpath.adapters.fhir.bundle import BundledResponse, patient_bundle
from painpath.adapters.instrument_catalogue import get_instrument
from painpath.domain.access import Access
from painpath.services.context import Call, operation
from painpath.services.questionnaires._common import current_responses


@operation(Access.PATIENT_READ, audit="fhir.export")
def export_fhir_bundle(call: Call, *, patient_id: str) -> dict[str, Any]:
    """A FHIR R4B ``collection`` Bundle: the Patient, every Questionnaire used, and each
    current response as a QuestionnaireResponse with its score Observations."""
    views = current_responses(call, patient_id)
    responses = [
        BundledResponse(
            get_instrument(v.instrument_id),
            v.answers,
            v.completed_on,
            v.record_id,
            not_applicable=v.not_applicable,
        )
        for v in views
    ]
    call.audit_detail["responses"] = len(views)
    return patient_bundle(call.the_patient, responses, timestamp=call.ctx.clock.now())
