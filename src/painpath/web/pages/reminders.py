"""Reminder pages: the patient's settings (time, time zone, quiet hours, pause), the tracked
link in each reminder e-mail, the one-click stop page, and the home card."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from painpath.domain.access import Access
from painpath.domain.accounts import Patient
from painpath.domain.engagement.reminders import MAX_PAUSE_DAYS, known_time_zones
from painpath.domain.errors import InvalidInput, NotFound
from painpath.services.engagement import (
    FormProblems,
    ReminderSettings,
    open_reminder_link,
    pause_reminders,
    reminder_settings,
    reminder_stop_view,
    save_reminder_settings,
    stop_reminders,
)
from painpath.services.patients import my_patient_id
from painpath.web.render import PATIENT_HOME_CARDS, HomeCard, redirect, render
from painpath.web.security import RequestContext, add_route, request_context

router = APIRouter(include_in_schema=False)


def _form_of(settings: ReminderSettings) -> dict[str, str]:
    prefs = settings.prefs
    return {
        "checkin": "yes" if prefs.checkin else "",
        "questionnaires": "yes" if prefs.questionnaires else "",
        "send_at": prefs.send_at.strftime("%H:%M"),
        "time_zone": prefs.time_zone,
        "quiet_start": prefs.quiet.start.strftime("%H:%M") if prefs.quiet.is_set else "",
        "quiet_end": prefs.quiet.end.strftime("%H:%M") if prefs.quiet.is_set else "",
    }


def _page(
    request: Request,
    rc: RequestContext,
    settings: ReminderSettings,
    *,
    form: dict[str, str] | None = None,
    problems: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    context = {
        "settings": settings,
        "form": form or _form_of(settings),
        "problems": problems or {},
        "zones": sorted(known_time_zones()),
        "saved": request.query_params.get("saved", "")[:20],
        "max_pause": MAX_PAUSE_DAYS,
    }
    return render(request, rc, "e_reminders.html", context, status_code=status_code)


@add_route(router, "GET", "/me/reminders", access=Access.PATIENT_ACCOUNT)
def reminders_page(request: Request, rc: RequestContext = Depends(request_context)) -> Response:
    settings = reminder_settings(rc.ctx, patient_id=my_patient_id(rc.ctx))
    return _page(request, rc, settings)


@add_route(router, "POST", "/me/reminders", access=Access.PATIENT_ACCOUNT)
async def reminders_save(
    request: Request, rc: RequestContext = Depends(request_context)
) -> Response:
    form = {k: str(v) for k, v in (await request.form()).items() if k != "csrf_token"}
    patient_id = my_patient_id(rc.ctx)
    try:
        save_reminder_settings(
            rc.ctx,
            patient_id=patient_id,
            checkin=form.get("checkin") == "yes",
            questionnaires=form.get("questionnaires") == "yes",
            send_at=form.get("send_at", ""),
            time_zone=form.get("time_zone", ""),
            quiet_start=form.get("quiet_start", ""),
            quiet_end=form.get("quiet_end", ""),
        )
    except FormProblems as err:
        settings = reminder_settings(rc.ctx, patient_id=patient_id)
        return _page(request, rc, settings, form=form, problems=err.problems, status_code=400)
    return redirect("/me/reminders?saved=settings")


@add_route(router, "POST", "/me/reminders/pause", access=Access.PATIENT_ACCOUNT)
async def reminders_pause(
    request: Request, rc: RequestContext = Depends(request_context)
) -> Response:
    form = await request.form()
    patient_id = my_patient_id(rc.ctx)
    raw = str(form.get("until") or "").strip()
    try:
        if form.get("resume") == "yes":
            until = None
        else:
            try:
                until = date.fromisoformat(raw)
            except ValueError:
                raise InvalidInput("please pick the last day of the pause") from None
        pause_reminders(rc.ctx, patient_id=patient_id, until=until)
    except InvalidInput as err:
        settings = reminder_settings(rc.ctx, patient_id=patient_id)
        problems = {"until": str(err)}
        response = _page(request, rc, settings, problems=problems, status_code=400)
        return response
    return redirect("/me/reminders?saved=" + ("resumed" if until is None else "paused"))


# -- links in reminder e-mails (no sign-in needed) ----------------------------------------------


@add_route(router, "GET", "/r/{token}", access=Access.PUBLIC)
def reminder_link(token: str, rc: RequestContext = Depends(request_context)) -> Response:
    """Count the open, then go where the reminder points (sign-in first if needed)."""
    try:
        target = open_reminder_link(rc.ctx, token=token)
    except NotFound:
        target = "/"
    return redirect(target)


@add_route(router, "GET", "/r/{token}/stop", access=Access.PUBLIC)
def reminder_stop_page(
    request: Request, token: str, rc: RequestContext = Depends(request_context)
) -> Response:
    view = reminder_stop_view(rc.ctx, token=token)
    done = request.query_params.get("done") == "1"
    return render(request, rc, "e_stop.html", {"token": token, "view": view, "done": done})


@add_route(router, "POST", "/r/{token}/stop", access=Access.PUBLIC, capability_url=True)
def reminder_stop(token: str, rc: RequestContext = Depends(request_context)) -> Response:
    """One click, no sign-in: the button on the stop page, or a mail client's RFC 8058 POST."""
    stop_reminders(rc.ctx, token=token)
    return redirect(f"/r/{token}/stop?done=1")


# -- the home card ----------------------------------------------------------------------------


def _home_card(rc: RequestContext, patient: Patient) -> list[HomeCard]:
    settings = reminder_settings(rc.ctx, patient_id=patient.id)
    prefs = settings.prefs
    if not settings.on:
        text = "We can send you a short e-mail each day, so you remember to check in."
        return [HomeCard("Reminders are off", text, "/me/reminders", "Set up reminders", 70)]
    if settings.paused and prefs.paused_until is not None:
        text = f"Reminders are on a break until {prefs.paused_until.strftime('%d %B')}."
    else:
        text = f"We send you an e-mail each day at {prefs.send_at.strftime('%H:%M')}."
    return [HomeCard("Reminders", text, "/me/reminders", "Change", 70)]


PATIENT_HOME_CARDS.append(_home_card)
