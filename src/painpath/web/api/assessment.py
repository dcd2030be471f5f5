"""JSON API v1 for the assessment: intake, examination, the clinical picture and the plan.

Payloads follow the case schema (``docs/clinical/case-schema.md``); the same services as the
pages decide everything (validation -> 400, stale version -> 409, urgent red flag -> 409).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field

from painpath.domain.access import Access
from painpath.domain.errors import NotFound
from painpath.domain.records import RecordVersion
from painpath.services import assessment as svc
from painpath.web.security import RequestContext, add_route, request_context

router = APIRouter(prefix="/api/v1", tags=["assessment"])
_P = "/patients/{patient_id}"


class IntakePut(BaseModel):
    model_config = ConfigDict(extra="forbid")
    intake: dict[str, Any]
    expected_version: int | None = None
    reason: str = Field(default="", max_length=500)


class ExaminationPut(BaseModel):
    model_config = ConfigDict(extra="forbid")
    examination: dict[str, Any]
    expected_version: int | None = None
    reason: str = Field(default="", max_length=500)


class PlanCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    expected_version: int | None = None  # name the version when redrafting an existing plan
    reason: str = Field(default="", max_length=500)


class PlanEdit(BaseModel):
    model_config = ConfigDict(extra="forbid")
    expected_version: int
    reason: str = Field(min_length=1, max_length=500)
    remove: list[str] = []
    doses: dict[str, str] = {}
    notes: dict[str, str] = {}
    # item id -> "clinician" (clinician-only, the default) or "patient" (patient-visible)
    note_audiences: dict[str, str] = {}


class PlanSign(BaseModel):
    model_config = ConfigDict(extra="forbid")
    expected_version: int


def _record(record: RecordVersion | None, what: str) -> dict[str, Any]:
    if record is None:
        raise NotFound(f"no {what} has been recorded for this patient yet")
    return {
        "record_id": record.record_id,
        "version": record.version,
        "created_at": record.created_at.isoformat(),
        "change_reason": record.change_reason,
        what: dict(record.payload),
    }


def _plan(view: svc.PlanView) -> dict[str, Any]:
    return {
        "record_id": view.record_id,
        "version": view.version,
        "signed": view.signed,
        "change_reason": view.change_reason,
        "plan": svc.plan_to_payload(view.plan),
    }


@add_route(router, "GET", _P + "/intake", access=Access.PATIENT_SELF_REPORT)
def api_get_intake(patient_id: str, rc: RequestContext = Depends(request_context)) -> Any:
    return _record(svc.get_intake(rc.ctx, patient_id=patient_id), "intake")


@add_route(router, "PUT", _P + "/intake", access=Access.PATIENT_SELF_REPORT)
def api_put_intake(
    patient_id: str, body: IntakePut, rc: RequestContext = Depends(request_context)
) -> Any:
    """Save the intake (case-schema ``intake``); age and sex default to the patient record."""
    record = svc.save_intake(
        rc.ctx,
        patient_id=patient_id,
        intake=body.intake,
        expected_version=body.expected_version,
        reason=body.reason,
    )
    return _record(record, "intake")


@add_route(router, "GET", _P + "/examination", access=Access.PATIENT_CLINICAL)
def api_get_examination(patient_id: str, rc: RequestContext = Depends(request_context)) -> Any:
    return _record(svc.get_examination(rc.ctx, patient_id=patient_id), "examination")


@add_route(router, "PUT", _P + "/examination", access=Access.PATIENT_CLINICAL)
def api_put_examination(
    patient_id: str, body: ExaminationPut, rc: RequestContext = Depends(request_context)
) -> Any:
    record = svc.save_examination(
        rc.ctx,
        patient_id=patient_id,
        examination=body.examination,
        expected_version=body.expected_version,
        reason=body.reason,
    )
    return _record(record, "examination")


@add_route(router, "GET", _P + "/picture", access=Access.PATIENT_CLINICAL)
def api_picture(patient_id: str, rc: RequestContext = Depends(request_context)) -> Any:
    """The clinical picture; ``blocked`` is true when an urgent red flag stops planning."""
    view = svc.clinical_picture(rc.ctx, patient_id=patient_id)
    picture = svc.picture_to_data(view.picture)
    return {"blocked": view.blocked, "referral": view.referral, "picture": picture}


@add_route(router, "GET", _P + "/plan", access=Access.PATIENT_CLINICAL)
def api_get_plan(patient_id: str, rc: RequestContext = Depends(request_context)) -> Any:
    view = svc.current_plan(rc.ctx, patient_id=patient_id)
    if view is None:
        raise NotFound("no plan has been saved for this patient yet")
    history = svc.plan_history(rc.ctx, patient_id=patient_id)
    return {
        **_plan(view),
        "history": [
            {"version": h.version, "change_reason": h.change_reason, "signed": h.signed}
            for h in history
        ],
    }


@add_route(router, "POST", _P + "/plan", access=Access.PATIENT_CLINICAL, status_code=201)
def api_create_plan(
    patient_id: str, body: PlanCreate, rc: RequestContext = Depends(request_context)
) -> Any:
    """Draft the plan from the current picture and store it (409 on an urgent red flag)."""
    view = svc.save_plan(
        rc.ctx, patient_id=patient_id, expected_version=body.expected_version, reason=body.reason
    )
    return _plan(view)


@add_route(router, "PATCH", _P + "/plan/{record_id}", access=Access.PATIENT_CLINICAL)
def api_edit_plan(
    patient_id: str, record_id: str, body: PlanEdit, rc: RequestContext = Depends(request_context)
) -> Any:
    """Remove items, change exercise doses, add notes: one new version (409 when stale)."""
    edits = svc.PlanEdits(
        remove=tuple(body.remove),
        doses=body.doses,
        notes=body.notes,
        note_audiences=body.note_audiences,
    )
    view = svc.edit_plan(
        rc.ctx,
        patient_id=patient_id,
        record_id=record_id,
        expected_version=body.expected_version,
        changes=edits,
        reason=body.reason,
    )
    return _plan(view)


@add_route(router, "POST", _P + "/plan/{record_id}/sign", access=Access.PATIENT_CLINICAL)
def api_sign_plan(
    patient_id: str, record_id: str, body: PlanSign, rc: RequestContext = Depends(request_context)
) -> Any:
    view = svc.sign_plan(
        rc.ctx, patient_id=patient_id, record_id=record_id, expected_version=body.expected_version
    )
    return _plan(view)
