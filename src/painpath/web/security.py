"""Sessions, CSRF and per-route access declarations for the web edge.

Every route is added through ``add_route`` with an explicit ``Access``; the guard
authenticates, checks the role, checks CSRF on unsafe methods, and hands the handler a
``ServiceContext`` acting as the signed-in user. The services then check clinic and
patient scope. The authorisation-matrix test walks every route by its declared access.
"""

from __future__ import annotations

import hashlib
import hmac
import inspect
import secrets
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, replace
from ipaddress import ip_address
from typing import Any

import anyio
import anyio.to_thread
from fastapi import APIRouter, Depends, Request, Response
from fastapi.routing import APIRoute

from painpath.bootstrap import Container
from painpath.domain.access import Access
from painpath.domain.accounts import Actor, Role
from painpath.domain.errors import (
    AuthenticationRequired,
    PermissionDenied,
    SecondFactorSetupRequired,
)
from painpath.services.auth import resolve_session
from painpath.services.context import ServiceContext, audit_role_denied, authorize_patient
from painpath.services.request_unit import RequestUnit

__all__ = [
    "ACCESS_KEY",
    "ANON_COOKIE",
    "BEFORE_MFA_KEY",
    "CAPABILITY_KEY",
    "SESSION_COOKIE",
    "RequestContext",
    "add_route",
    "anon_csrf_token",
    "client_address",
    "request_context",
    "set_session_cookie",
]

SESSION_COOKIE = "pp_session"
ANON_COOKIE = "pp_anon"
ACCESS_KEY = "x-painpath-access"
CAPABILITY_KEY = "x-painpath-capability-url"  # CSRF-exempt: the path's token authorises
BEFORE_MFA_KEY = "x-painpath-before-mfa-setup"  # open to an account still to set up MFA
_UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
_ROLE_FOR = {
    Access.CLINICIAN: Role.CLINICIAN,
    Access.ADMIN: Role.ADMIN,
    Access.PATIENT_ACCOUNT: Role.PATIENT,
    Access.PATIENT_CLINICAL: Role.CLINICIAN,  # the service then checks the clinic
}


@dataclass(frozen=True)
class RequestContext:
    ctx: ServiceContext
    actor: Actor | None
    csrf_token: str
    request_id: str
    container: Container


def container_of(request: Request) -> Container:
    container: Container = request.app.state.container
    return container


def anon_csrf_token(secret: str, nonce: str) -> str:
    return hmac.new(secret.encode(), f"anon:{nonce}".encode(), hashlib.sha256).hexdigest()


def _actor_for(
    request: Request, container: Container, base: ServiceContext, access: Access
) -> tuple[Actor | None, str]:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        # A patient-scoped route's patient is read with the session (one round trip); the
        # guard's access check below then finds it in the unit of work.
        patient_id = request.path_params.get("patient_id") if access.needs_patient else None
        try:
            return resolve_session(
                base,
                token=token,
                idle_minutes=container.settings.session_idle_minutes,
                absolute_hours=container.settings.session_absolute_hours,
                patient_id=patient_id if isinstance(patient_id, str) and patient_id else None,
            )
        except AuthenticationRequired as err:
            request.state.session_error = str(err)
    nonce = request.cookies.get(ANON_COOKIE) or request.state.anon_nonce
    return None, anon_csrf_token(request.app.state.secret_key, nonce)


def _reads_form(request: Request) -> bool:
    """Whether ``_check_csrf`` will wait for a form FastAPI has not parsed already."""
    if request.method not in _UNSAFE or request.headers.get("x-csrf-token"):
        return False
    return getattr(request, "_form", None) is None  # Starlette keeps the parsed form there


async def _check_csrf(request: Request, expected: str) -> None:
    if request.method not in _UNSAFE:
        return
    supplied = request.headers.get("x-csrf-token")
    content_type = request.headers.get("content-type", "")
    if not supplied and (
        content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data"))
    ):
        form = await request.form()  # Starlette caches it: the handler reads the same form
        value = form.get("csrf_token")
        supplied = value if isinstance(value, str) else None
    if not supplied or not hmac.compare_digest(supplied, expected):
        raise PermissionDenied("the form expired or did not come from this site; reload and retry")


# Threads in which a guard waits for a pooled connection when none is free (below): a limiter
# of their own, so waiting guards never take the thread-pool tokens the handlers that will
# free those connections need.
_WAITING_GUARDS = 16


async def _off_the_loop_if_pool_full(
    request: Request, container: Container, fn: Callable[..., Any], *args: Any
) -> Any:
    """Run ``fn`` (the guard's database reads) here on the event loop while the pool has a free
    connection (the usual case: no thread hop), else in a thread of the guards' own. Waiting
    for a connection on the loop would stop it from starting the handlers that hold them:
    every request in the process would then wait out the pool timeout."""
    if container.connection_free:
        return fn(*args)
    limiter = getattr(request.app.state, "waiting_guards", None)
    if limiter is None:
        limiter = request.app.state.waiting_guards = anyio.CapacityLimiter(_WAITING_GUARDS)
    return await anyio.to_thread.run_sync(fn, *args, limiter=limiter)


def _guard(
    access: Access, *, csrf: bool = True, before_mfa_setup: bool = False, keep_unit: bool = False
) -> Callable[[Request], AsyncIterator[RequestContext]]:
    """The route's guard. ``keep_unit`` (sync handlers: FastAPI has read the whole body before
    the guard runs, and the handler starts right after it) keeps the session lookup and the
    patient check in one unit of work and, where the container allows it (PostgreSQL), hands
    that unit of work to the handler's first operation (``services/request_unit.py``): one
    pooled connection and one transaction for the whole request."""

    async def guard(request: Request) -> AsyncIterator[RequestContext]:
        container = container_of(request)
        request_id = request.state.request_id
        unit = RequestUnit(container.uow)
        plain = container.context().acting_as(None, request_id=request_id)
        base = replace(plain, uow_factory=unit.uow)
        try:
            actor, csrf_token = await _off_the_loop_if_pool_full(
                request, container, _actor_for, request, container, base, access
            )
            if not keep_unit:
                unit.close()  # an async handler's body may still be on its way
            _check_actor(access, actor, before_mfa_setup=before_mfa_setup, request=request)
            # A JSON body cannot be sent cross-site without a CORS preflight (which PainPath
            # never grants), so the public JSON sign-in needs no token; every other write does.
            json_body = request.headers.get("content-type", "").startswith("application/json")
            if csrf and not (access is Access.PUBLIC and json_body):
                if _reads_form(request):
                    unit.close()  # the form may still be on its way: hold nothing meanwhile
                await _check_csrf(request, csrf_token)
            acting = base.acting_as(actor, request_id=request_id)
            if unit.is_open:  # no connection to wait for
                _authorise(acting, access, actor, request)
            else:
                await _off_the_loop_if_pool_full(
                    request, container, _authorise, acting, access, actor, request
                )
            if keep_unit and container.request_unit_spans_handler and unit.is_open:
                unit.hand_over()
            else:
                unit.close()
                acting = plain.acting_as(actor, request_id=request_id)
            rc = RequestContext(
                ctx=acting,
                actor=actor,
                csrf_token=csrf_token,
                request_id=request_id,
                container=container,
            )
            request.state.rc = rc
            yield rc
        finally:
            unit.close()  # the handler has returned (or the request failed before it ran)

    return guard


def _authorise(
    acting: ServiceContext, access: Access, actor: Actor | None, request: Request
) -> None:
    """The role the route needs (a refusal is audited) and, on a patient's route, the patient."""
    role = _ROLE_FOR.get(access)
    if role is not None and actor is not None and actor.role is not role:
        audit_role_denied(acting, required=role.value)
        raise PermissionDenied(f"only a {role.value} may open this page")
    if access.needs_patient and "patient_id" in request.path_params:
        authorize_patient(acting, access, str(request.path_params["patient_id"]))


def _check_actor(
    access: Access, actor: Actor | None, *, before_mfa_setup: bool, request: Request
) -> None:
    if access is not Access.PUBLIC and actor is None:
        raise AuthenticationRequired(
            getattr(request.state, "session_error", None) or "please sign in"
        )
    # An account whose role needs a second factor and has none reaches only the routes
    # declared ``before_mfa_setup`` (the set-up page, sign-out) and public ones.
    if (
        actor is not None
        and actor.mfa_setup_required
        and not before_mfa_setup
        and access is not Access.PUBLIC
    ):
        raise SecondFactorSetupRequired()


async def request_context(request: Request) -> RequestContext:
    # async: a plain function dependency would cost a trip through the thread pool
    rc: RequestContext = request.state.rc
    return rc


def add_route(
    router: APIRouter,
    method: str,
    path: str,
    *,
    access: Access,
    capability_url: bool = False,
    before_mfa_setup: bool = False,
    **kwargs: Any,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register ``fn`` for ``method path`` behind the guard for ``access``.

    ``before_mfa_setup``: the route stays open to an account that must still set up its
    authenticator app (the set-up page itself, sign-out). Every other signed-in route answers
    such an account with 403 ``mfa_setup_required`` (pages: a redirect to the set-up page).

    ``capability_url``: a PUBLIC route whose path carries a secret one-time token that is the
    whole authorisation (the one-click unsubscribe a mail client POSTs, RFC 8058). Such a POST
    cannot carry a CSRF token, and needs none: a forger would need the secret itself.
    """
    if capability_url and (access is not Access.PUBLIC or "{token}" not in path):
        raise ValueError("capability_url is for PUBLIC routes with a {token} in the path")

    responses = {
        **_documented_errors(method, path, access),
        **(kwargs.pop("responses", None) or {}),
    }

    def register(fn: Callable[..., Any]) -> Callable[..., Any]:
        extra = dict(kwargs.pop("openapi_extra", None) or {})
        extra[ACCESS_KEY] = access.value
        if capability_url:
            extra[CAPABILITY_KEY] = True
        if before_mfa_setup:
            extra[BEFORE_MFA_KEY] = True
        guard = _guard(
            access,
            csrf=not capability_url,
            before_mfa_setup=before_mfa_setup,
            keep_unit=not inspect.iscoroutinefunction(fn),
        )
        router.add_api_route(
            path,
            fn,
            methods=[method],
            # scope "function": the guard's clean-up runs when the handler returns, before
            # the response is sent
            dependencies=[Depends(guard, scope="function")],
            openapi_extra=extra,
            responses=responses,
            **kwargs,
        )
        return fn

    return register


def _error(text: str) -> dict[str, Any]:
    return {"description": text}


def _documented_errors(method: str, path: str, access: Access) -> dict[int | str, Any]:
    """The error statuses a route really returns (web/errors.py maps them), for the schema."""
    out: dict[int | str, Any] = {
        400: _error("Bad input: the message says which field and how to fix it"),
        422: _error("The request body or parameters do not match the schema"),
        503: _error("The database was busy or mail could not be sent; try again"),
    }
    if access is not Access.PUBLIC:
        out[401] = _error("Not signed in, or the session ended")
    if access is not Access.PUBLIC or method in _UNSAFE:
        out[403] = _error(
            "This role or clinic may not do this, the CSRF token is missing, or (reason"
            " mfa_setup_required) the account must first set up its authenticator app"
        )
    if "{" in path:
        out[404] = _error("No such item (or the actor may not know it exists)")
    if method in _UNSAFE or "{" in path:
        out[409] = _error(
            "The item changed meanwhile, was used already, or a safety rule blocks it"
        )
    if method == "POST" and path.endswith("/session"):
        out[401] = _error("The e-mail, password or authenticator code is not right")
        out[429] = _error("Too many sign-in attempts; try again later")
    return out


def client_address(request: Request) -> str:
    """The client's address: the TCP peer, unless the peer is a configured trusted proxy;
    then the right-most X-Forwarded-For entry that is not itself a trusted proxy.

    Without PAINPATH_TRUSTED_PROXIES, X-Forwarded-For is ignored: anybody can send it.
    """
    peer = request.client.host if request.client else "unknown"
    trusted = container_of(request).settings.trusted_proxy_networks
    if not trusted or not _in(peer, trusted):
        return peer
    hops = [h.strip() for h in ",".join(request.headers.getlist("x-forwarded-for")).split(",")]
    for hop in reversed([h for h in hops if h]):
        try:
            ip_address(hop)
        except ValueError:
            return peer  # a malformed chain: trust nothing in it
        if not _in(hop, trusted):
            return hop
    return peer


def _in(address: str, networks: list[Any]) -> bool:
    try:
        ip = ip_address(address)
    except ValueError:
        return False
    return any(ip in net for net in networks)


def set_session_cookie(request: Request, response: Response, token: str) -> None:
    """The session cookie, the same on every sign-in path (pages and API): HttpOnly,
    SameSite=Lax, and Secure over https or whenever PAINPATH_SECURE_COOKIES is true."""
    settings = container_of(request).settings
    secure = (
        settings.secure_cookies
        if settings.secure_cookies is not None
        else request.url.scheme == "https"
    )
    response.set_cookie(
        SESSION_COOKIE, token, httponly=True, samesite="lax", secure=secure, path="/"
    )


def new_request_id() -> str:
    return uuid.uuid4().hex


def new_nonce() -> str:
    return secrets.token_urlsafe(24)


def iter_api_routes(routes: list[Any]) -> list[APIRoute]:
    """Every APIRoute of an app, looking inside included routers (FastAPI >= 0.16x wraps them).

    Routers are included without an extra prefix, so each route's own path is the URL path.
    """
    found: list[APIRoute] = []
    for route in routes:
        if isinstance(route, APIRoute):
            found.append(route)
        elif hasattr(route, "original_router"):
            found.extend(iter_api_routes(list(route.original_router.routes)))
    return found
