"""Invitations: the clinician's invite/resend/revoke actions, the patient's set-password page
reached from the e-mailed link, and the privacy notice the patient accepts there."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from painpath.domain.access import Access
from painpath.domain.engagement.invitations import PRIVACY_NOTICE_VERSION
from painpath.domain.errors import Conflict, DeliveryFailed, InvalidInput, NotFound, PainPathError
from painpath.services.engagement import (
    FormProblems,
    accept_invitation,
    invite_patient,
    open_invitation,
    resend_invitation,
    revoke_invitation,
)
from painpath.web.errors import status_for
from painpath.web.render import redirect, render
from painpath.web.security import RequestContext, add_route, request_context

router = APIRouter(include_in_schema=False)

_TITLES = {404: "This link does not work", 409: "This link was used", 400: "This link has ended"}


@add_route(router, "GET", "/privacy", access=Access.PUBLIC)
def privacy_notice(request: Request, rc: RequestContext = Depends(request_context)) -> Response:
    return render(request, rc, "e_privacy.html", {"version": PRIVACY_NOTICE_VERSION})


def _dead_link(request: Request, rc: RequestContext, err: PainPathError) -> Response:
    status = status_for(err)
    title = _TITLES.get(status, "This link does not work")
    context = {"title": title, "message": str(err)}
    return render(request, rc, "e_link.html", context, status_code=status)


def _invite_page(
    request: Request,
    rc: RequestContext,
    token: str,
    *,
    form: dict[str, str] | None = None,
    problems: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    try:
        landing = open_invitation(rc.ctx, token=token)
    except (NotFound, InvalidInput, Conflict) as err:
        return _dead_link(request, rc, err)
    context = {"landing": landing, "token": token, "form": form or {}, "problems": problems or {}}
    return render(request, rc, "e_invite.html", context, status_code=status_code)


@add_route(router, "GET", "/invite/{token}", access=Access.PUBLIC)
def invitation_page(
    request: Request, token: str, rc: RequestContext = Depends(request_context)
) -> Response:
    return _invite_page(request, rc, token)


@add_route(router, "POST", "/invite/{token}", access=Access.PUBLIC)
async def invitation_accept(
    request: Request, token: str, rc: RequestContext = Depends(request_context)
) -> Response:
    form = await request.form()
    fields = {"privacy": "yes" if form.get("privacy") == "yes" else ""}
    try:
        email = accept_invitation(
            rc.ctx,
            token=token,
            password=str(form.get("password") or ""),
            password_again=str(form.get("password_again") or ""),
            privacy_accepted=bool(fields["privacy"]),
        )
    except FormProblems as err:
        return _invite_page(request, rc, token, form=fields, problems=err.problems, status_code=400)
    except (NotFound, InvalidInput, Conflict) as err:
        return _dead_link(request, rc, err)
    reason = quote(f"Your sign-in is ready. Please sign in as {email}.")
    return redirect(f"/signin?reason={reason}")


def _tab(patient_id: str, notice: str) -> Response:
    return redirect(f"/patients/{patient_id}/tab/between?notice={quote(notice)}")


def invite_new_patient(rc: RequestContext, patient_id: str, email: str | None = None) -> Response:
    """Invite, then show the Between visits tab with what happened (the new-patient form uses
    this too)."""
    try:
        invitation = invite_patient(rc.ctx, patient_id=patient_id, email=email)
    except DeliveryFailed:
        return _tab(
            patient_id,
            "The invitation is saved, but the e-mail could not be sent. Try Resend later.",
        )
    except (InvalidInput, Conflict) as err:
        return _tab(patient_id, f"Not sent: {err}")
    return _tab(patient_id, f"Invitation sent to {invitation.email}.")


@add_route(router, "POST", "/patients/{patient_id}/invitations", access=Access.PATIENT_CLINICAL)
async def invitation_send(
    request: Request, patient_id: str, rc: RequestContext = Depends(request_context)
) -> Response:
    form = await request.form()
    return invite_new_patient(rc, patient_id, str(form.get("email") or "").strip() or None)


@add_route(
    router,
    "POST",
    "/patients/{patient_id}/invitations/{invitation_id}/resend",
    access=Access.PATIENT_CLINICAL,
)
def invitation_resend(
    patient_id: str, invitation_id: str, rc: RequestContext = Depends(request_context)
) -> Response:
    try:
        invitation = resend_invitation(rc.ctx, patient_id=patient_id, invitation_id=invitation_id)
    except DeliveryFailed:
        return _tab(patient_id, "A new link is saved, but the e-mail could not be sent.")
    except (InvalidInput, Conflict) as err:
        return _tab(patient_id, f"Not sent: {err}")
    return _tab(
        patient_id, f"A new link was sent to {invitation.email}; the old one no longer works."
    )


@add_route(
    router,
    "POST",
    "/patients/{patient_id}/invitations/{invitation_id}/revoke",
    access=Access.PATIENT_CLINICAL,
)
def invitation_revoke(
    patient_id: str, invitation_id: str, rc: RequestContext = Depends(request_context)
) -> Response:
    try:
        revoke_invitation(rc.ctx, patient_id=patient_id, invitation_id=invitation_id)
    except Conflict as err:
        return _tab(patient_id, str(err))
    return _tab(patient_id, "The invitation link no longer works.")
