"""JSON API v1 for daily check-ins and the graded-activity progress summary."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Depends, Response
from pydantic import BaseModel, ConfigDict, Field, model_validator

from painpath.domain.access import Access
from painpath.domain.progression.checkins import ExerciseReport
from painpath.services.progress import progress_summary, summary_to_dict
from painpath.services.progress.checkins import StoredCheckIn, list_checkins, submit_checkin
from painpath.web.security import RequestContext, add_route, request_context

router = APIRouter(prefix="/api/v1", tags=["progress"])


# Seen by OpenAPI readers: what each pain-monitoring answer means (silbernagel2007).
_DURING = "NPRS 0-10: pain during this exercise on the check-in's day; null when it was not done"
_MORNING = (
    "NPRS 0-10: pain or stiffness there on waking that morning (the morning after the "
    "previous day's session); null when not given"
)


class ExercisePainAnswer(BaseModel):
    """Answers for one exercise under pain monitoring (silbernagel2007), as the web check-in
    asks them. Only exercises the patient's signed plan puts under pain monitoring are
    accepted (others: 400, nothing stored); at least one of the two ratings is given."""

    model_config = ConfigDict(extra="forbid")
    exercise_id: str = Field(
        min_length=10,
        max_length=120,
        pattern=r"^exercise\.\S+$",
        description="The plan item id of the monitored exercise, e.g. exercise.single-heel-raise",
        examples=["exercise.single-heel-raise"],
    )
    pain_during: float | None = Field(default=None, ge=0, le=10, description=_DURING)
    morning_pain: float | None = Field(default=None, ge=0, le=10, description=_MORNING)

    @model_validator(mode="after")
    def _one_rating(self) -> ExercisePainAnswer:
        if self.pain_during is None and self.morning_pain is None:
            raise ValueError(
                f"{self.exercise_id}: give pain_during, morning_pain or both (leave the "
                "exercise out when there is nothing to report)"
            )
        return self

    def to_report(self) -> ExerciseReport:
        return ExerciseReport(self.exercise_id, self.pain_during, self.morning_pain)


class ExercisePainPublic(BaseModel):
    """Stored pain-monitoring answers of one exercise (see ``ExercisePainAnswer``)."""

    exercise_id: str
    pain_during: float | None = Field(description=_DURING)
    morning_pain: float | None = Field(description=_MORNING)

    @classmethod
    def of(cls, report: ExerciseReport) -> ExercisePainPublic:
        return cls(
            exercise_id=report.exercise_id, pain_during=report.during, morning_pain=report.morning
        )


class CheckinCreate(BaseModel):
    """One day's check-in. NPRS 0-10 for pain, 0-10 for sleep, quota in the programme's unit.

    A flare-up is declared by the patient (``flare``), with how bad it is (``flare_severity``)
    and how long it has lasted so far (``flare_days``); the set-back plan follows from them
    (nicholas2011). Both are refused without ``flare: true``."""

    model_config = ConfigDict(extra="forbid")
    day: date
    pain_now: float = Field(ge=0, le=10)
    pain_worst: float = Field(ge=0, le=10, description="NPRS 0-10, at least pain_now")
    sleep_quality: float = Field(default=5.0, ge=0, le=10)
    quota_done: float = Field(default=0.0, ge=0, le=1440)
    exercises_done: int = Field(default=0, ge=0)
    flare: bool = Field(default=False, description="The patient declares a flare-up this day")
    flare_severity: int | None = Field(
        default=None,
        ge=1,
        le=3,
        strict=True,
        description="Only with flare: 1 mild, 2 moderate, 3 severe; none given counts as moderate",
    )
    flare_days: int | None = Field(
        default=None,
        ge=1,
        le=60,
        strict=True,
        description="Only with flare: how many days the flare-up has lasted so far (1-60)",
    )
    next_morning_pain: float | None = Field(default=None, ge=0, le=10)
    waking_pain: float | None = Field(default=None, ge=0, le=10)
    exercise_pain: list[ExercisePainAnswer] = Field(
        default_factory=list,
        max_length=20,
        description="Pain-monitoring answers, one per monitored exercise of the signed plan",
    )
    note: str = Field(default="", max_length=2000)

    @model_validator(mode="after")
    def _consistent(self) -> CheckinCreate:
        if not self.flare:
            given = [n for n in ("flare_severity", "flare_days") if getattr(self, n) is not None]
            if given:
                raise ValueError(f"{' and '.join(given)} only with flare: true")
        ids = [a.exercise_id for a in self.exercise_pain]
        if len(set(ids)) != len(ids):
            raise ValueError("exercise_pain: one answer per exercise and day")
        return self

    def service_arguments(self) -> dict[str, Any]:
        """The keyword arguments of ``submit_checkin``."""
        out = self.model_dump(exclude={"exercise_pain"})
        out["exercise_pain"] = tuple(a.to_report() for a in self.exercise_pain)
        return out


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
    flare_severity: int | None
    flare_days: int | None
    next_morning_pain: float | None
    exercise_pain: list[ExercisePainPublic]
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
            flare_severity=c.flare_severity,
            flare_days=c.flare_days,
            next_morning_pain=c.next_morning_pain,
            exercise_pain=[ExercisePainPublic.of(r) for r in c.exercise_pain],
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
) -> Response:
    """Store a day's check-in; the same day again makes a new version (never a duplicate).

    The same answers as the web check-in: pain, sleep, activity done, a declared flare-up with
    its severity and duration, and pain-monitoring answers for each exercise the signed plan
    monitors. A value out of range, a flare detail without a flare, or two answers for one
    exercise: 422. Worst pain below pain now, a future or too-old day, or an exercise not under
    pain monitoring: 400. Nothing is stored on either."""
    stored = submit_checkin(rc.ctx, patient_id=patient_id, **body.service_arguments())
    # Rendered here, in the handler's worker thread: for a returned model FastAPI validates
    # it again against ``response_model`` in a second thread-pool trip (two thread switches
    # and an event-loop wake-up per check-in); the model is already valid by construction.
    # ``response_model`` above still documents the body.
    return Response(
        CheckinPublic.of(stored).model_dump_json(), status_code=201, media_type="application/json"
    )


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
