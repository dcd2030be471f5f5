"""The signed-in user's own account (password, sessions) and password reset by e-mail."""

from __future__ import annotations

import hashlib

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from painpath.domain.access import Access
from painpath.domain.errors import Conflict, InvalidInput
from painpath.services.mfa import confirm_mfa, mfa_enabled, start_mfa
from painpath.services.passwords import (
    change_password,
    complete_password_reset,
    list_sessions,
    open_password_reset,
    request_password_reset,
    revoke_other_sessions,
)
from painpath.web.render import redirect, render
from painpath.web.security import SESSION_COOKIE, RequestContext, add_route, request_context

router = APIRouter(include_in_schema=False)


def _form_text(form: object, name: str) -> str:
    value = form.get(name)  # type: ignore[attr-defined]
    return value if isinstance(value, str) else ""


@add_route(router, "GET", "/account/sessions", access=Access.SIGNED_IN)
def sessions_page(
    request: Request, revoked: int | None = None, rc: RequestContext = Depends(request_context)
) -> Response:
    token = request.cookies.get(SESSION_COOKIE, "")
    current = hashlib.sha256(token.encode()).hexdigest()
    return render(
        request,
        rc,
        "account_sessions.html",
        {"sessions": list_sessions(rc.ctx), "current": current, "revoked": revoked},
    )


@add_route(router, "POST", "/account/sessions/revoke", access=Access.SIGNED_IN)
def sessions_revoke(request: Request, rc: RequestContext = Depends(request_context)) -> Response:
    token = request.cookies.get(SESSION_COOKIE, "")
    revoked = revoke_other_sessions(rc.ctx, session_token=token)
    return redirect(f"/account/sessions?revoked={revoked}")


@add_route(router, "GET", "/account/password", access=Access.SIGNED_IN)
def password_page(
    request: Request, done: bool = False, rc: RequestContext = Depends(request_context)
) -> Response:
    return render(request, rc, "account_password.html", {"errors": {}, "done": done})


@add_route(router, "POST", "/account/password", access=Access.SIGNED_IN)
async def password_submit(
    request: Request, rc: RequestContext = Depends(request_context)
) -> Response:
    form = await request.form()
    try:
        change_password(
            rc.ctx,
            current=_form_text(form, "current"),
            new=_form_text(form, "new"),
            again=_form_text(form, "again"),
            session_token=request.cookies.get(SESSION_COOKIE, ""),
        )
    except InvalidInput as err:
        field = "current" if "current password" in str(err) else "new"
        return render(
            request,
            rc,
            "account_password.html",
            {"errors": {field: str(err)}, "done": False},
            status_code=400,
        )
    return redirect("/account/password?done=true")


@add_route(router, "GET", "/password/forgot", access=Access.PUBLIC)
def forgot_page(request: Request, rc: RequestContext = Depends(request_context)) -> Response:
    return render(request, rc, "password_forgot.html", {"sent": False})


@add_route(router, "POST", "/password/forgot", access=Access.PUBLIC)
async def forgot_submit(
    request: Request, rc: RequestContext = Depends(request_context)
) -> Response:
    form = await request.form()
    email = _form_text(form, "email").strip()
    minutes = rc.container.settings.password_reset_minutes
    if "@" not in email:
        return render(
            request,
            rc,
            "password_forgot.html",
            {"sent": False, "error": "please give your e-mail address"},
            status_code=400,
        )
    request_password_reset(rc.ctx, email=email, minutes=minutes)
    return render(request, rc, "password_forgot.html", {"sent": True, "minutes": minutes})


@add_route(router, "GET", "/password/reset/{token}", access=Access.PUBLIC)
def reset_page(
    request: Request, token: str, rc: RequestContext = Depends(request_context)
) -> Response:
    link = open_password_reset(rc.ctx, token=token)
    return render(request, rc, "password_reset.html", {"email": link.email, "token": token})


@add_route(router, "POST", "/password/reset/{token}", access=Access.PUBLIC)
async def reset_submit(
    request: Request, token: str, rc: RequestContext = Depends(request_context)
) -> Response:
    form = await request.form()
    try:
        complete_password_reset(
            rc.ctx, token=token, new=_form_text(form, "new"), again=_form_text(form, "again")
        )
    except InvalidInput as err:
        link = open_password_reset(rc.ctx, token=token)
        return render(
            request,
            rc,
            "password_reset.html",
            {"email": link.email, "token": token, "error": str(err)},
            status_code=400,
        )
    except Conflict:
        raise
    return redirect("/signin?reason=Your%20new%20password%20is%20saved.%20Please%20sign%20in.")


def _mfa_page(request: Request, rc: RequestContext, extra: dict[str, object]) -> dict[str, object]:
    assert rc.actor is not None
    return {
        "enabled": mfa_enabled(rc.ctx, rc.actor.user_id),
        "required": rc.actor.mfa_setup_required,
        **extra,
    }


@add_route(router, "GET", "/account/mfa", access=Access.SIGNED_IN, before_mfa_setup=True)
def mfa_page(request: Request, rc: RequestContext = Depends(request_context)) -> Response:
    return render(request, rc, "account_mfa.html", _mfa_page(request, rc, {}))


@add_route(router, "POST", "/account/mfa/start", access=Access.SIGNED_IN, before_mfa_setup=True)
async def mfa_start(request: Request, rc: RequestContext = Depends(request_context)) -> Response:
    form = await request.form()
    try:
        setup = start_mfa(rc.ctx, current_code=_form_text(form, "current_code") or None)
    except InvalidInput as err:
        context = _mfa_page(request, rc, {"error": str(err)})
        return render(request, rc, "account_mfa.html", context, status_code=400)
    return render(request, rc, "account_mfa.html", _mfa_page(request, rc, {"setup": setup}))


@add_route(router, "POST", "/account/mfa/confirm", access=Access.SIGNED_IN, before_mfa_setup=True)
async def mfa_confirm(request: Request, rc: RequestContext = Depends(request_context)) -> Response:
    form = await request.form()
    try:
        codes = confirm_mfa(rc.ctx, code=_form_text(form, "code"))
    except InvalidInput as err:
        context = _mfa_page(request, rc, {"enabled": False, "error": str(err)})
        return render(request, rc, "account_mfa.html", context, status_code=400)
    return render(request, rc, "account_mfa.html", _mfa_page(request, rc, {"codes": codes}))
