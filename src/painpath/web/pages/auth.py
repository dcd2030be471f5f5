"""Sign in and out, and the landing redirect by role."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from painpath.domain.access import Access
from painpath.domain.accounts import Actor, Role
from painpath.domain.errors import AuthenticationRequired, RateLimited
from painpath.services.auth import sign_in, sign_out
from painpath.web.render import redirect, render
from painpath.web.security import (
    SESSION_COOKIE,
    RequestContext,
    add_route,
    client_address,
    request_context,
    set_session_cookie,
)

router = APIRouter(include_in_schema=False)

_HOME = {Role.CLINICIAN: "/caseload", Role.PATIENT: "/me", Role.ADMIN: "/admin/users"}
_SETUP = "/account/mfa?required=1"


def _home(actor: Actor) -> str:
    return _SETUP if actor.mfa_setup_required else _HOME[actor.role]


def _safe_next(target: str | None) -> str | None:
    """``target`` if it is a path on this site (``/...``), else None: no scheme or host, no
    ``//`` or ``/\\`` (browsers read both as another host), no control characters."""
    if not target or len(target) > 2000 or not target.startswith("/"):
        return None
    if target.startswith(("//", "/\\")) or "\\" in target:
        return None
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in target):
        return None
    return target


@add_route(router, "GET", "/", access=Access.PUBLIC)
def home(rc: RequestContext = Depends(request_context)) -> Response:
    if rc.actor is None:
        return redirect("/signin")
    return redirect(_home(rc.actor))


@add_route(router, "GET", "/healthz", access=Access.PUBLIC)
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@add_route(router, "GET", "/session/alive", access=Access.SIGNED_IN, before_mfa_setup=True)
def session_alive(rc: RequestContext = Depends(request_context)) -> Response:
    """ "Stay signed in" on the idle warning: any signed-in request refreshes the session."""
    return Response(status_code=204)


@add_route(router, "GET", "/signin", access=Access.PUBLIC)
def signin_page(
    request: Request,
    next: str | None = None,
    reason: str | None = None,
    rc: RequestContext = Depends(request_context),
) -> Response:
    if rc.actor is not None:
        return redirect(
            _home(rc.actor) if rc.actor.mfa_setup_required else _safe_next(next) or _home(rc.actor)
        )
    return render(request, rc, "signin.html", {"next": _safe_next(next) or "", "reason": reason})


@add_route(router, "POST", "/signin", access=Access.PUBLIC)
async def signin_submit(
    request: Request, rc: RequestContext = Depends(request_context)
) -> Response:
    form = await request.form()
    email = str(form.get("email") or "")
    password = str(form.get("password") or "")
    target = _safe_next(str(form.get("next") or ""))
    try:
        result = sign_in(
            rc.ctx,
            email=email,
            password=password,
            client=client_address(request),
            limiter=rc.container.limiter,
            user_agent=request.headers.get("user-agent"),
            code=str(form.get("code") or "") or None,
        )
    except (AuthenticationRequired, RateLimited) as err:
        status = 429 if isinstance(err, RateLimited) else 400
        return render(
            request,
            rc,
            "signin.html",
            {"error": str(err), "email": email, "next": target or ""},
            status_code=status,
        )
    if result.actor.mfa_setup_required:
        target = _SETUP  # the only page such an account may open until the app is set up
    response = redirect(target or _home(result.actor))
    set_session_cookie(request, response, result.token)
    return response


@add_route(router, "POST", "/signout", access=Access.SIGNED_IN, before_mfa_setup=True)
def signout(request: Request, rc: RequestContext = Depends(request_context)) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        sign_out(rc.ctx, token=token)
    response = redirect("/signin?reason=You%20have%20signed%20out.")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
