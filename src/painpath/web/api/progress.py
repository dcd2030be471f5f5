"""JSON API v1 for daily check-ins and the graded-activity progress summary."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field

from painpath.domain.access import Access
from painpath.services.progress import progress_summary, summary_to_dict
from painpath.services.progress.checkins import StoredCheckIn, list_checkins, submit_checkin
from painpath.web.security import RequestContext, add_route, request_context

router = APIRouter(prefix="/api/v1", tags=["progress"])


class CheckinCreate(BaseModel):
    """One day's check-in. NPRS 0-10 for pain, 0-10 for sleep, quota in the programme's unit."""

    model_config = ConfigDict(extra="forbid")
    day: date
    pain_now: float = Field(ge=0, le=10)
    pain_worst: float = Field(ge=0, le=10)
    sleep_quality: float = Field(default=5.0, ge=0, le=10)
    quota_done: float = Field(default=0.0, ge=0, le=1440)
    exercises_done: int = Field(default=0, ge=0)
    flare: bool = False
    next_morning_pain: float | None = Field(default=None, ge=0, le=10)
    waking_pain: float | None = Field(default=None, ge=0, le=10)
    note: str = Field(default="", max_length=2000)


class CheckinPublic(BaseModel):
    record_id: str
    version: int
    day: date
    pain_now: float
    pain_worst: float
    sleep_quality: float
    quota_done: float
    exercises_done: int
    flare: bool
    next_morning_pain: float | None
    note: str
    entered_by_role: str
    late: bool

    @classmethod
    def of(cls, stored: StoredCheckIn) -> CheckinPublic:
        c = stored.checkin
        return cls(
            record_id=stored.record_id,
            version=stored.version,
            day=c.day,
            pain_now=c.pain_now,
            pain_worst=c.pain_worst,
            sleep_quality=c.sleep_quality,
            quota_done=c.quota_done,
            exercises_done=c.exercises_done,
            flare=c.flare,
            next_morning_pain=c.next_morning_pain,
            note=c.note,
            entered_by_role=stored.entered_by_role,
            late=stored.late,
        )


@add_route(
    router,
    "POST",
    "/patients/{patient_id}/checkins",
    access=Access.PATIENT_SELF_REPORT,
    response_model=CheckinPublic,
    status_code=201,
)
def api_submit_checkin(
    patient_id: str, body: CheckinCreate, rc: RequestContext = Depends(request_context)
) -> CheckinPublic:
    """Store a day's check-in; the same day again makes a new version (never a duplicate)."""
    stored = submit_checkin(rc.ctx, patient_id=patient_id, **body.model_dump())
    return CheckinPublic.of(stored)


@add_route(
    router,
    "GET",
    "/patients/{patient_id}/checkins",
    access=Access.PATIENT_READ,
    response_model=list[CheckinPublic],
)
def api_list_checkins(
    patient_id: str, rc: RequestContext = Depends(request_context)
) -> list[CheckinPublic]:
    return [CheckinPublic.of(s) for s in list_checkins(rc.ctx, patient_id=patient_id)]


@add_route(router, "GET", "/patients/{patient_id}/progress", access=Access.PATIENT_READ)
def api_progress(patient_id: str, rc: RequestContext = Depends(request_context)) -> dict[str, Any]:
    """Quota, decisions with reasons, adherence, exposure ladder, outcomes, course and alerts."""
    return summary_to_dict(progress_summary(rc.ctx, patient_id=patient_id))
