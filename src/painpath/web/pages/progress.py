"""Graded-activity pages: the patient's daily check-in and progress, the clinician's Progress
tab (programme, exposure ladder, decisions, alerts), the home card and the caseload badges."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from painpath.domain.access import Access
from painpath.domain.accounts import Patient, Role
from painpath.domain.errors import InvalidInput
from painpath.domain.planning import NO_PLAN_GUIDANCE
from painpath.domain.progression.checkins import CheckIn, ExerciseReport
from painpath.domain.progression.policy import Action, Decision
from painpath.services.assessment.program import patient_pain_guidance
from painpath.services.patients import my_patient_id
from painpath.services.progress import (
    COURSE,
    UNITS,
    ProgressSummary,
    progress_summary,
    replan_programme,
    start_programme,
)
from painpath.services.progress.checkins import (
    StoredCheckIn,
    list_checkins,
    rate_exposure_step,
    save_exposure_ladder,
    submit_checkin,
)
from painpath.web.caseload import ALERT_LABELS
from painpath.web.pages.progress_charts import progress_charts
from painpath.web.render import PATIENT_HOME_CARDS, HomeCard, chart_tab, redirect, render
from painpath.web.security import RequestContext, add_route, request_context

router = APIRouter(include_in_schema=False)

_ALERT_LABELS = ALERT_LABELS  # one set of labels for the caseload and the progress tab


def fmt_quota(value: float | None) -> str:
    return "-" if value is None else f"{round(value, 1):g}"


_ALWAYS_SHOWN = frozenset({Action.START, Action.REPLAN, Action.FLARE_RESET})


def goal_changes(decisions: Sequence[Decision]) -> list[Decision]:
    """The decisions that changed the daily goal (or started, re-planned or set it back), newest
    first: the clinician reads why every change happened, however long ago."""
    return [
        d
        for d in reversed(decisions)
        if d.action in _ALWAYS_SHOWN
        or (d.quota_before is not None and d.quota_after != d.quota_before)
    ]


def _view(summary: ProgressSummary) -> dict[str, Any]:
    return {
        "s": summary,
        "charts": progress_charts(summary),
        "fmt": fmt_quota,
        "alert_labels": _ALERT_LABELS,
        "recent": list(reversed(summary.decisions[-21:])),
        "changes": goal_changes(summary.decisions),
        "course_words": COURSE.patient_words,
    }


# -- the patient's pages ---------------------------------------------------------------------


@add_route(router, "GET", "/me/checkin", access=Access.PATIENT_ACCOUNT)
def checkin_form(request: Request, rc: RequestContext = Depends(request_context)) -> Response:
    """The check-in for a day (today by default), opened with that day's saved answers."""
    patient_id = my_patient_id(rc.ctx)
    summary = progress_summary(rc.ctx, patient_id=patient_id)
    today = rc.ctx.clock.today()
    raw_day = request.query_params.get("day", "")[:10]
    try:
        day = date.fromisoformat(raw_day) if raw_day else today
    except ValueError:
        day = today
    saved = _saved_checkin(rc, patient_id, day)
    form = {"day": day.isoformat()} | (_as_form(saved.checkin) if saved else {})
    form["version"] = str(saved.version) if saved else "0"
    context = _checkin_context(rc, summary, form, today) | {"saved_entry": saved}
    return render(request, rc, "p_checkin.html", context)


def _saved_checkin(rc: RequestContext, patient_id: str, day: date) -> StoredCheckIn | None:
    found = [c for c in list_checkins(rc.ctx, patient_id=patient_id) if c.checkin.day == day]
    return found[0] if found else None


def _as_form(checkin: CheckIn) -> dict[str, str]:
    """A stored check-in as the form's field values (what the patient sees to change)."""
    return {
        "pain_now": fmt_quota(checkin.pain_now),
        "pain_worst": fmt_quota(checkin.pain_worst),
        "sleep_quality": fmt_quota(checkin.sleep_quality),
        "quota_done": fmt_quota(checkin.quota_done),
        "exercises_done": str(checkin.exercises_done),
        "flare": "yes" if checkin.flare else "no",
        "flare_severity": str(checkin.flare_severity or ""),
        "flare_days": str(checkin.flare_days or ""),
        "note": checkin.note,
    } | {
        f"ex_{part}:{r.exercise_id}": fmt_quota(value)
        for r in checkin.exercise_pain
        for part, value in (("during", r.during), ("morning", r.morning))
        if value is not None
    }


def _checkin_context(
    rc: RequestContext,
    summary: ProgressSummary,
    form: Mapping[str, str],
    today: date,
    error: str = "",
) -> dict[str, Any]:
    return {
        "s": summary,
        "form": form,
        "today": today.isoformat(),
        "error": error,
        "fmt": fmt_quota,
        "patient_id": summary.patient_id,
        "guidance": patient_pain_guidance(rc.ctx, patient_id=summary.patient_id),
        "no_plan_guidance": NO_PLAN_GUIDANCE,
        "saved_entry": None,
    }


def _number(
    form: Mapping[str, str], name: str, label: str, *, required: bool = True
) -> float | None:
    raw = form.get(name, "").strip().replace(",", ".")
    if not raw:
        if required:
            raise InvalidInput(f"please answer: {label}")
        return None
    try:
        value = float(raw)
    except ValueError:
        raise InvalidInput(f"{label}: please give a number") from None
    if not math.isfinite(value) or value < 0:
        raise InvalidInput(f"{label}: please give a number of 0 or more")
    return value


def _whole(form: Mapping[str, str], name: str, label: str) -> int | None:
    value = _number(form, name, label, required=False)
    if value is None:
        return None
    if value != int(value):
        raise InvalidInput(f"{label}: please give a whole number")
    return int(value)


def _parse_checkin(form: Mapping[str, str]) -> dict[str, Any]:
    try:
        day = date.fromisoformat(form.get("day", "").strip())
    except ValueError:
        raise InvalidInput("please give the day as a date, like 2026-11-29") from None
    exercises = _number(form, "exercises_done", "exercises done", required=False) or 0
    if exercises != int(exercises):
        raise InvalidInput("exercises done: please give a whole number")
    flare = form.get("flare") == "yes"
    return {
        "day": day,
        "pain_now": _number(form, "pain_now", "pain now"),
        "pain_worst": _number(form, "pain_worst", "worst pain today"),
        "sleep_quality": _number(form, "sleep_quality", "sleep last night"),
        "quota_done": _number(form, "quota_done", "how much you did", required=False) or 0.0,
        "exercises_done": int(exercises),
        "flare": flare,
        "flare_severity": _whole(form, "flare_severity", "how bad the flare-up is")
        if flare
        else None,
        "flare_days": _whole(form, "flare_days", "days the flare-up has lasted") if flare else None,
        "waking_pain": _number(form, "waking_pain", "pain on waking", required=False),
        "note": form.get("note", ""),
        "exercise_pain": _exercise_pain(form),
    }


def _exercise_pain(form: Mapping[str, str]) -> tuple[ExerciseReport, ...]:
    """Answers for exercises under pain monitoring: ``ex_during:<item>``, ``ex_morning:<item>``."""
    items = sorted(
        {k.split(":", 1)[1] for k in form if k.startswith(("ex_during:", "ex_morning:"))}
    )
    reports = []
    for item in items[:20]:
        during = _number(form, f"ex_during:{item}", "pain during the exercise", required=False)
        morning = _number(form, f"ex_morning:{item}", "pain or stiffness on waking", required=False)
        if during is not None or morning is not None:
            reports.append(ExerciseReport(item, during, morning))
    return tuple(reports)


@add_route(router, "POST", "/me/checkin", access=Access.PATIENT_ACCOUNT)
async def checkin_submit(
    request: Request, rc: RequestContext = Depends(request_context)
) -> Response:
    form = {k: str(v) for k, v in (await request.form()).items() if k != "csrf_token"}
    patient_id = my_patient_id(rc.ctx)
    today = rc.ctx.clock.today()
    try:
        parsed = _parse_checkin(form)
        saved = _saved_checkin(rc, patient_id, parsed["day"])
        if saved is not None and form.get("version", "") != str(saved.version):
            # That day already has answers the patient has not seen here: show them, and
            # replace them only when the form is sent again (it now carries their version).
            summary = progress_summary(rc.ctx, patient_id=patient_id)
            context = _checkin_context(rc, summary, form | {"version": str(saved.version)}, today)
            context |= {"saved_entry": saved, "confirm_replace": True}
            return render(request, rc, "p_checkin.html", context, status_code=409)
        stored = submit_checkin(rc.ctx, patient_id=patient_id, **parsed)
    except InvalidInput as err:
        summary = progress_summary(rc.ctx, patient_id=patient_id)
        context = _checkin_context(rc, summary, form, today, str(err))
        return render(request, rc, "p_checkin.html", context, status_code=400)
    return redirect(f"/me/progress?saved={stored.checkin.day.isoformat()}")


@add_route(router, "GET", "/me/progress", access=Access.PATIENT_ACCOUNT)
def my_progress(request: Request, rc: RequestContext = Depends(request_context)) -> Response:
    summary = progress_summary(rc.ctx, patient_id=my_patient_id(rc.ctx))
    context = _view(summary) | {"saved": request.query_params.get("saved", "")[:10]}
    return render(request, rc, "p_progress.html", context)


def _home_card(rc: RequestContext, patient: Patient) -> list[HomeCard]:
    summary = progress_summary(rc.ctx, patient_id=patient.id)
    goal = ""
    if summary.programme is not None and summary.quota_today is not None:
        goal = (
            f" Your plan for today: {fmt_quota(summary.quota_today)} {summary.programme.unit} "
            f"of {summary.programme.activity}."
        )
    if summary.checked_in_today:
        return [
            HomeCard(
                "Today's check-in: done",
                "Thank you. You can change today's answers until midnight." + goal,
                "/me/progress",
                "See my progress",
                order=10,
            )
        ]
    return [
        HomeCard(
            "Check-in due today",
            "Two minutes: how your pain, sleep and activity went today." + goal,
            "/me/checkin",
            "Check in now",
            order=10,
            highlight=True,
        ),
        HomeCard("My progress", "How you are doing over the weeks.", "/me/progress", "Open", 20),
    ]


PATIENT_HOME_CARDS.append(_home_card)


# -- the clinician's tab and forms -----------------------------------------------------------


@chart_tab("progress", "Progress", order=40)
def progress_tab(
    request: Request, rc: RequestContext, patient: Patient
) -> tuple[str, Mapping[str, Any]]:
    summary = progress_summary(rc.ctx, patient_id=patient.id)
    return "p_chart_progress.html", _view(summary) | {
        "units": UNITS,
        "notice": request.query_params.get("notice", "")[:80],
    }


def _tab(patient_id: str, notice: str) -> Response:
    return redirect(f"/patients/{patient_id}/tab/progress?notice={notice}")


async def _form(request: Request) -> dict[str, str]:
    return {k: str(v) for k, v in (await request.form()).items() if k != "csrf_token"}


@add_route(
    router, "POST", "/patients/{patient_id}/progress/programme", access=Access.PATIENT_CLINICAL
)
async def programme_submit(
    request: Request, patient_id: str, rc: RequestContext = Depends(request_context)
) -> Response:
    form = await _form(request)
    baseline_raw = [v for v in form.get("baseline_values", "").replace(",", " ").split() if v]
    try:
        baseline = [float(v) for v in baseline_raw]
    except ValueError:
        raise InvalidInput("baseline: give numbers separated by spaces, e.g. 10 12 8") from None
    weeks = _number(form, "planned_weeks", "planned weeks", required=False)
    start_programme(
        rc.ctx,
        patient_id=patient_id,
        activity=form.get("activity", ""),
        unit=form.get("unit", ""),
        goal=_number(form, "goal", "goal") or 0.0,
        baseline_values=baseline or None,
        policy={"planned_weeks": weeks} if weeks else None,
    )
    return _tab(patient_id, "programme saved")


@add_route(router, "POST", "/patients/{patient_id}/progress/replan", access=Access.PATIENT_CLINICAL)
async def replan_submit(
    request: Request, patient_id: str, rc: RequestContext = Depends(request_context)
) -> Response:
    form = await _form(request)
    weeks = _number(form, "replan_weeks", "weeks to the goal") or 0.0
    if weeks != int(weeks):
        raise InvalidInput("weeks to the goal: please give a whole number")
    replan_programme(
        rc.ctx,
        patient_id=patient_id,
        quota=_number(form, "replan_quota", "new daily amount") or 0.0,
        goal=_number(form, "replan_goal", "goal per day") or 0.0,
        weeks=int(weeks),
        reason=form.get("replan_reason", ""),
    )
    return _tab(patient_id, "plan updated")


def _parse_ladder(text: str) -> dict[str, int]:
    """Lines of "activity: fear 0-100"."""
    ladder: dict[str, int] = {}
    for line in text.splitlines():
        if not line.strip():
            continue
        name, sep, fear = line.rpartition(":")
        if not sep or not fear.strip().isdigit():
            raise InvalidInput(f"write each line as 'activity: fear 0-100' ({line.strip()!r})")
        ladder[name.strip()] = int(fear.strip())
    return ladder


@add_route(router, "POST", "/patients/{patient_id}/progress/ladder", access=Access.PATIENT_CLINICAL)
async def ladder_submit(
    request: Request, patient_id: str, rc: RequestContext = Depends(request_context)
) -> Response:
    form = await _form(request)
    save_exposure_ladder(
        rc.ctx, patient_id=patient_id, activities=_parse_ladder(form.get("ladder", ""))
    )
    return _tab(patient_id, "ladder saved")


@add_route(
    router, "POST", "/patients/{patient_id}/progress/exposure", access=Access.PATIENT_SELF_REPORT
)
async def exposure_rate(
    request: Request, patient_id: str, rc: RequestContext = Depends(request_context)
) -> Response:
    form = await _form(request)
    fear = _number(form, "fear", "fear 0-100")
    rate_exposure_step(
        rc.ctx,
        patient_id=patient_id,
        activity=form.get("activity", ""),
        fear=int(fear or 0),
        done=form.get("done") == "yes",
    )
    if rc.actor is not None and rc.actor.role is Role.PATIENT:
        return redirect("/me/progress?saved=exposure")
    return _tab(patient_id, "rating saved")
