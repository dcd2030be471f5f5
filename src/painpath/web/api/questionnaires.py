"""JSON API v1 for questionnaires: the instrument catalogue, assignments, responses and the
FHIR export. Same services as the pages."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from painpath.domain.access import Access
from painpath.services.questionnaires import (
    DueItem,
    ResponseView,
    assign_instruments,
    correct_response,
    describe_instrument,
    due_questionnaires,
    export_fhir_bundle,
    list_instruments,
    list_responses,
    submit_response,
    void_response,
)
from painpath.web.security import RequestContext, add_route, request_context

router = APIRouter(prefix="/api/v1", tags=["questionnaires"])

Answer = int | None


class ResponseCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    instrument: str = Field(min_length=1, max_length=64)
    answers: list[Answer] = Field(max_length=100)
    completed_on: date | None = None
    activities: list[str] = Field(default_factory=list, max_length=5)
    allow_missing: bool = False
    # Item numbers marked "not applicable" (their answer is null), only where the form allows it
    not_applicable: list[int] = Field(default_factory=list, max_length=10)


class ResponseCorrection(BaseModel):
    model_config = ConfigDict(extra="forbid")
    expected_version: int = Field(ge=1)
    answers: list[Answer] = Field(max_length=100)
    reason: str = Field(min_length=1, max_length=500)
    completed_on: date | None = None
    activities: list[str] | None = Field(default=None, max_length=5)
    not_applicable: list[int] | None = Field(default=None, max_length=10)  # None: keep


class ResponseVoid(BaseModel):
    model_config = ConfigDict(extra="forbid")
    expected_version: int = Field(ge=1)
    reason: str = Field(min_length=1, max_length=500)


class AssignmentCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    instruments: list[str] = Field(min_length=1, max_length=30)
    schedule_weeks: list[int] = Field(min_length=1, max_length=30)
    start: date | None = None


class ResponsePublic(BaseModel):
    record_id: str
    version: int
    instrument: str
    answers: list[Answer]
    valid: bool
    total: float | None
    subscales: dict[str, float | None]
    band: str | None
    missing: list[int]
    messages: list[str]
    completed_on: date
    entered_by_role: str
    activities: list[str]
    not_applicable: list[int]

    @classmethod
    def of(cls, v: ResponseView) -> ResponsePublic:
        return cls(
            record_id=v.record_id,
            version=v.version,
            instrument=v.instrument_id,
            answers=list(v.answers),
            valid=v.valid,
            total=v.total,
            subscales=dict(v.subscales),
            band=v.band,
            missing=list(v.missing),
            messages=list(v.messages),
            completed_on=v.completed_on,
            entered_by_role=v.entered_by_role,
            activities=list(v.activities),
            not_applicable=list(v.not_applicable),
        )


class DuePublic(BaseModel):
    instrument: str
    name: str
    status: str
    due_on: date | None
    week: int | None
    next_on: date | None
    last_completed_on: date | None
    # True: no published wording and no wording pack here; the patient completes it on paper
    on_paper: bool

    @classmethod
    def of(cls, d: DueItem) -> DuePublic:
        return cls(
            instrument=d.instrument_id,
            name=d.name,
            status=d.status,
            due_on=d.due_on,
            week=d.week,
            next_on=d.next_on,
            last_completed_on=d.last_completed_on,
            on_paper=d.on_paper,
        )


class AssignmentPublic(BaseModel):
    record_id: str
    instruments: list[str]
    schedule_weeks: list[int]
    start: date


@add_route(router, "GET", "/instruments", access=Access.SIGNED_IN)
def api_instruments(rc: RequestContext = Depends(request_context)) -> list[dict[str, Any]]:
    """The instrument catalogue (ids, names, purpose group, number of items)."""
    return list_instruments(rc.ctx)


@add_route(router, "GET", "/instruments/{instrument_id}", access=Access.SIGNED_IN)
def api_instrument(
    instrument_id: str, rc: RequestContext = Depends(request_context)
) -> Mapping[str, Any]:
    """One instrument's public structure: topic labels, options with scores, scores, MCID/MDC."""
    return describe_instrument(rc.ctx, instrument_id=instrument_id)


@add_route(
    router,
    "POST",
    "/patients/{patient_id}/assignments",
    access=Access.PATIENT_CLINICAL,
    response_model=AssignmentPublic,
    status_code=201,
)
def api_assign(
    patient_id: str, body: AssignmentCreate, rc: RequestContext = Depends(request_context)
) -> AssignmentPublic:
    record = assign_instruments(
        rc.ctx,
        patient_id=patient_id,
        instruments=body.instruments,
        schedule_weeks=body.schedule_weeks,
        start=body.start or rc.ctx.clock.today(),
    )
    p = record.payload
    return AssignmentPublic(
        record_id=record.record_id,
        instruments=list(p["instruments"]),
        schedule_weeks=list(p["schedule_weeks"]),
        start=date.fromisoformat(p["start"]),
    )


@add_route(
    router,
    "GET",
    "/patients/{patient_id}/due",
    access=Access.PATIENT_READ,
    response_model=list[DuePublic],
)
def api_due(patient_id: str, rc: RequestContext = Depends(request_context)) -> list[DuePublic]:
    return [DuePublic.of(d) for d in due_questionnaires(rc.ctx, patient_id=patient_id)]


@add_route(
    router,
    "POST",
    "/patients/{patient_id}/responses",
    access=Access.PATIENT_SELF_REPORT,
    response_model=ResponsePublic,
    status_code=201,
)
def api_submit(
    patient_id: str, body: ResponseCreate, rc: RequestContext = Depends(request_context)
) -> ResponsePublic:
    """Submit answers (numbers from the form, ``null`` = left empty) for one instrument."""
    view = submit_response(
        rc.ctx,
        patient_id=patient_id,
        instrument_id=body.instrument,
        answers=body.answers,
        completed_on=body.completed_on,
        activities=body.activities,
        allow_missing=body.allow_missing,
        not_applicable=body.not_applicable,
    )
    return ResponsePublic.of(view)


@add_route(
    router,
    "GET",
    "/patients/{patient_id}/responses",
    access=Access.PATIENT_READ,
    response_model=list[ResponsePublic],
)
def api_responses(
    patient_id: str, instrument: str | None = None, rc: RequestContext = Depends(request_context)
) -> list[ResponsePublic]:
    views = list_responses(rc.ctx, patient_id=patient_id, instrument_id=instrument)
    return [ResponsePublic.of(v) for v in views]


@add_route(
    router,
    "POST",
    "/patients/{patient_id}/responses/{record_id}/corrections",
    access=Access.PATIENT_CLINICAL,
    response_model=ResponsePublic,
    status_code=201,
)
def api_correct(
    patient_id: str,
    record_id: str,
    body: ResponseCorrection,
    rc: RequestContext = Depends(request_context),
) -> ResponsePublic:
    """A corrected version of a response, with a reason; earlier versions stay on file."""
    view = correct_response(
        rc.ctx,
        patient_id=patient_id,
        record_id=record_id,
        expected_version=body.expected_version,
        answers=body.answers,
        reason=body.reason,
        completed_on=body.completed_on,
        activities=body.activities,
        not_applicable=body.not_applicable,
    )
    return ResponsePublic.of(view)


@add_route(
    router,
    "POST",
    "/patients/{patient_id}/responses/{record_id}/void",
    access=Access.PATIENT_CLINICAL,
    status_code=204,
)
def api_void(
    patient_id: str,
    record_id: str,
    body: ResponseVoid,
    rc: RequestContext = Depends(request_context),
) -> None:
    void_response(
        rc.ctx,
        patient_id=patient_id,
        record_id=record_id,
        expected_version=body.expected_version,
        reason=body.reason,
    )


@add_route(router, "GET", "/patients/{patient_id}/fhir", access=Access.PATIENT_READ)
def api_fhir(patient_id: str, rc: RequestContext = Depends(request_context)) -> JSONResponse:
    """A FHIR R4 collection Bundle: Patient, Questionnaires, QuestionnaireResponses and their
    score Observations."""
    bundle = export_fhir_bundle(rc.ctx, patient_id=patient_id)
    return JSONResponse(
        bundle,
        media_type="application/fhir+json",
        headers={"Content-Disposition": f'attachment; filename="painpath-{patient_id}-fhir.json"'},
    )
