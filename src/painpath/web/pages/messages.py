"""Secure messages: the patient's conversations with their care team, the clinician's inbox,
the chart's Messages tab, unread counts on the patient home and in the caseload."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from starlette.datastructures import UploadFile

from painpath.domain.access import Access
from painpath.domain.accounts import Patient
from painpath.domain.engagement.messages import MAX_MESSAGE_CHARS, MAX_SUBJECT_CHARS
from painpath.domain.errors import InvalidInput
from painpath.services.context import ServiceContext
from painpath.services.engagement import (
    clinic_inbox,
    list_threads,
    my_unread_messages,
    read_thread,
    retention_days,
    send_message,
    set_needs_action,
    start_thread,
    unread_for_patients,
)
from painpath.services.patients import get_patient, my_patient_id
from painpath.web.caseload import CASELOAD_BADGES, Badge
from painpath.web.render import (
    PATIENT_HOME_CARDS,
    HomeCard,
    chart_tab,
    ordered_tabs,
    redirect,
    render,
)
from painpath.web.security import RequestContext, add_route, request_context

router = APIRouter(include_in_schema=False)


async def _text_form(request: Request) -> dict[str, str]:
    """The form's text fields; an attached file is refused (messages are text only)."""
    form = await request.form()
    if any(isinstance(v, UploadFile) for v in form.values()):
        await form.close()  # free the spooled upload now; it is never stored
        raise InvalidInput("messages cannot carry attachments; please write your message as text")
    return {k: str(v) for k, v in form.items() if k != "csrf_token"}


def _limits(ctx: ServiceContext) -> dict[str, Any]:
    return {
        "max_body": MAX_MESSAGE_CHARS,
        "max_subject": MAX_SUBJECT_CHARS,
        "retention_days": retention_days(ctx),
    }


def _field_of(err: InvalidInput) -> str:
    return "subject" if "title" in str(err) else "body"


# -- the patient ---------------------------------------------------------------------------------


def _my_list(
    request: Request,
    rc: RequestContext,
    *,
    form: Mapping[str, str] | None = None,
    problems: Mapping[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    rows = list_threads(rc.ctx, patient_id=my_patient_id(rc.ctx))
    context = {"rows": rows, "form": form or {}, "problems": problems or {}, **_limits(rc.ctx)}
    return render(request, rc, "e_me_messages.html", context, status_code=status_code)


@add_route(router, "GET", "/me/messages", access=Access.PATIENT_ACCOUNT)
def my_messages(request: Request, rc: RequestContext = Depends(request_context)) -> Response:
    return _my_list(request, rc)


@add_route(router, "POST", "/me/messages", access=Access.PATIENT_ACCOUNT)
async def my_message_start(
    request: Request, rc: RequestContext = Depends(request_context)
) -> Response:
    form = await _text_form(request)
    try:
        thread = start_thread(
            rc.ctx,
            patient_id=my_patient_id(rc.ctx),
            subject=form.get("subject", ""),
            body=form.get("body", ""),
        )
    except InvalidInput as err:
        problems = {_field_of(err): str(err)}
        return _my_list(request, rc, form=form, problems=problems, status_code=400)
    return redirect(f"/me/messages/{thread.id}?sent=1")


def _my_thread(
    request: Request,
    rc: RequestContext,
    thread_id: str,
    *,
    form: Mapping[str, str] | None = None,
    problems: Mapping[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    view = read_thread(rc.ctx, patient_id=my_patient_id(rc.ctx), thread_id=thread_id)
    context = {
        "view": view,
        "form": form or {},
        "problems": problems or {},
        "sent": request.query_params.get("sent") == "1",
        **_limits(rc.ctx),
    }
    return render(request, rc, "e_me_thread.html", context, status_code=status_code)


@add_route(router, "GET", "/me/messages/{thread_id}", access=Access.PATIENT_ACCOUNT)
def my_thread(
    request: Request, thread_id: str, rc: RequestContext = Depends(request_context)
) -> Response:
    return _my_thread(request, rc, thread_id)


@add_route(router, "POST", "/me/messages/{thread_id}", access=Access.PATIENT_ACCOUNT)
async def my_reply(
    request: Request, thread_id: str, rc: RequestContext = Depends(request_context)
) -> Response:
    form = await _text_form(request)
    try:
        send_message(
            rc.ctx, patient_id=my_patient_id(rc.ctx), thread_id=thread_id, body=form.get("body", "")
        )
    except InvalidInput as err:
        return _my_thread(
            request, rc, thread_id, form=form, problems={"body": str(err)}, status_code=400
        )
    return redirect(f"/me/messages/{thread_id}?sent=1")


def _home_card(rc: RequestContext, patient: Patient) -> list[HomeCard]:
    unread = my_unread_messages(rc.ctx)
    if unread:
        words = "1 new message" if unread == 1 else f"{unread} new messages"
        text = f"You have {words} from your care team."
        return [HomeCard("New message", text, "/me/messages", "Read it", 5, highlight=True)]
    text = "Write to your care team with a question about your care."
    return [HomeCard("Messages", text, "/me/messages", "Open messages", 60)]


PATIENT_HOME_CARDS.append(_home_card)


# -- the clinician -------------------------------------------------------------------------------


@add_route(router, "GET", "/messages", access=Access.CLINICIAN)
def inbox(
    request: Request, show: str = "", rc: RequestContext = Depends(request_context)
) -> Response:
    action_only = show == "action"
    rows = clinic_inbox(rc.ctx, needs_action_only=action_only)
    return render(request, rc, "e_inbox.html", {"rows": rows, "action_only": action_only})


def _chart_messages(
    rc: RequestContext,
    patient: Patient,
    *,
    form: Mapping[str, str] | None = None,
    problems: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    return {
        "rows": list_threads(rc.ctx, patient_id=patient.id),
        "form": form or {},
        "problems": problems or {},
        **_limits(rc.ctx),
    }


@chart_tab("messages", "Messages", order=60)
def messages_tab(
    request: Request, rc: RequestContext, patient: Patient
) -> tuple[str, Mapping[str, Any]]:
    return "e_chart_messages.html", _chart_messages(rc, patient)


@add_route(router, "POST", "/patients/{patient_id}/messages", access=Access.PATIENT_CLINICAL)
async def chart_message_start(
    request: Request, patient_id: str, rc: RequestContext = Depends(request_context)
) -> Response:
    form = await _text_form(request)
    try:
        thread = start_thread(
            rc.ctx,
            patient_id=patient_id,
            subject=form.get("subject", ""),
            body=form.get("body", ""),
        )
    except InvalidInput as err:
        patient = get_patient(rc.ctx, patient_id=patient_id)
        context = _chart_messages(rc, patient, form=form, problems={_field_of(err): str(err)})
        data = {"patient": patient, "tabs": ordered_tabs(), "active_tab": "messages", **context}
        return render(request, rc, "e_chart_messages.html", data, status_code=400)
    return redirect(f"/patients/{patient_id}/messages/{thread.id}?sent=1")


def _chart_thread(
    request: Request,
    rc: RequestContext,
    patient_id: str,
    thread_id: str,
    *,
    form: Mapping[str, str] | None = None,
    problems: Mapping[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    patient = get_patient(rc.ctx, patient_id=patient_id)
    view = read_thread(rc.ctx, patient_id=patient_id, thread_id=thread_id)
    context = {
        "patient": patient,
        "tabs": ordered_tabs(),
        "active_tab": "messages",
        "view": view,
        "form": form or {},
        "problems": problems or {},
        "sent": request.query_params.get("sent") == "1",
        **_limits(rc.ctx),
    }
    return render(request, rc, "e_thread.html", context, status_code=status_code)


@add_route(
    router, "GET", "/patients/{patient_id}/messages/{thread_id}", access=Access.PATIENT_CLINICAL
)
def chart_thread(
    request: Request, patient_id: str, thread_id: str, rc: RequestContext = Depends(request_context)
) -> Response:
    return _chart_thread(request, rc, patient_id, thread_id)


@add_route(
    router, "POST", "/patients/{patient_id}/messages/{thread_id}", access=Access.PATIENT_CLINICAL
)
async def chart_reply(
    request: Request, patient_id: str, thread_id: str, rc: RequestContext = Depends(request_context)
) -> Response:
    form = await _text_form(request)
    try:
        send_message(rc.ctx, patient_id=patient_id, thread_id=thread_id, body=form.get("body", ""))
    except InvalidInput as err:
        return _chart_thread(
            request,
            rc,
            patient_id,
            thread_id,
            form=form,
            problems={"body": str(err)},
            status_code=400,
        )
    return redirect(f"/patients/{patient_id}/messages/{thread_id}?sent=1")


@add_route(
    router,
    "POST",
    "/patients/{patient_id}/messages/{thread_id}/action",
    access=Access.PATIENT_CLINICAL,
)
async def chart_needs_action(
    request: Request, patient_id: str, thread_id: str, rc: RequestContext = Depends(request_context)
) -> Response:
    form = await _text_form(request)
    set_needs_action(
        rc.ctx, patient_id=patient_id, thread_id=thread_id, needs_action=form.get("on") == "yes"
    )
    return redirect(f"/patients/{patient_id}/messages/{thread_id}")


def _badges(ctx: ServiceContext, patients: Sequence[Patient]) -> dict[str, list[Badge]]:
    found = unread_for_patients(ctx, patient_ids=[p.id for p in patients])
    badges: dict[str, list[Badge]] = {}
    for patient_id, (unread, flagged) in found.items():
        items = badges.setdefault(patient_id, [])
        if flagged:
            items.append(Badge("Message needs action", "high", "a conversation is marked"))
        if unread:
            words = "1 unread message" if unread == 1 else f"{unread} unread messages"
            items.append(Badge(words, "medium", "messages you have not read yet"))
    return badges


CASELOAD_BADGES.append(_badges)
