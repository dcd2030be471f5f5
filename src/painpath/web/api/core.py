"""JSON API v1: sessions, patients, episodes, users, audit, jobs. Same services as the pages."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response

from painpath.domain.access import Access
from painpath.domain.accounts import Role
from painpath.domain.types import Sex
from painpath.services.accounts import NewUser, create_user, list_users
from painpath.services.audit import get_audit_job, list_audit_events
from painpath.services.auth import sign_in, sign_out
from painpath.services.jobs import get_job
from painpath.services.patients import (
    NewPatient,
    create_patient,
    get_patient,
    list_episodes,
    open_episode,
    search_patients,
)
from painpath.web.api.schemas import (
    AuditEventPublic,
    EpisodeCreate,
    EpisodePublic,
    JobPublic,
    PatientCreate,
    PatientPublic,
    SessionCreate,
    SessionPublic,
    UserCreate,
    UserPublic,
)
from painpath.web.security import (
    SESSION_COOKIE,
    RequestContext,
    add_route,
    client_address,
    request_context,
    set_session_cookie,
)

router = APIRouter(prefix="/api/v1", tags=["core"])


@add_route(router, "POST", "/session", access=Access.PUBLIC, response_model=SessionPublic)
def api_sign_in(
    body: SessionCreate,
    request: Request,
    response: Response,
    rc: RequestContext = Depends(request_context),
) -> SessionPublic:
    """Sign in; sets the HttpOnly session cookie. Send ``X-CSRF-Token`` on later writes.

    ``mfa_setup_required: true``: the account's role needs an authenticator app and has none;
    every other call answers 403 with ``error.reason = "mfa_setup_required"`` until it is set
    up on the page /account/mfa."""
    result = sign_in(
        rc.ctx,
        email=body.email,
        password=body.password,
        client=client_address(request),
        limiter=rc.container.limiter,
        user_agent=request.headers.get("user-agent"),
        code=body.code,
    )
    set_session_cookie(request, response, result.token)
    actor = result.actor
    return SessionPublic(
        csrf_token=result.csrf_token,
        user_id=actor.user_id,
        role=actor.role.value,
        name=actor.name,
        patient_id=actor.patient_id,
        mfa_setup_required=actor.mfa_setup_required,
    )


@add_route(
    router, "DELETE", "/session", access=Access.SIGNED_IN, status_code=204, before_mfa_setup=True
)
def api_sign_out(request: Request, rc: RequestContext = Depends(request_context)) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        sign_out(rc.ctx, token=token)
    response = Response(status_code=204)
    response.delete_cookie(SESSION_COOKIE)
    return response


@add_route(router, "GET", "/me", access=Access.SIGNED_IN, response_model=SessionPublic)
def api_me(rc: RequestContext = Depends(request_context)) -> SessionPublic:
    actor = rc.actor
    assert actor is not None
    return SessionPublic(
        csrf_token=rc.csrf_token,
        user_id=actor.user_id,
        role=actor.role.value,
        name=actor.name,
        patient_id=actor.patient_id,
        mfa_setup_required=actor.mfa_setup_required,
    )


@add_route(router, "GET", "/patients", access=Access.CLINICIAN, response_model=list[PatientPublic])
def api_search_patients(
    q: str = "", rc: RequestContext = Depends(request_context)
) -> list[PatientPublic]:
    return [PatientPublic.of(p) for p in search_patients(rc.ctx, query=q)]


@add_route(
    router,
    "POST",
    "/patients",
    access=Access.CLINICIAN,
    response_model=PatientPublic,
    status_code=201,
)
def api_create_patient(
    body: PatientCreate, rc: RequestContext = Depends(request_context)
) -> PatientPublic:
    new = NewPatient(
        given_name=body.given_name,
        family_name=body.family_name,
        birth_date=body.birth_date,
        sex=Sex(body.sex) if body.sex else None,
        mrn=body.mrn,
        email=body.email,
        episode_title=body.episode_title,
    )
    return PatientPublic.of(create_patient(rc.ctx, new=new))


@add_route(
    router,
    "GET",
    "/patients/{patient_id}",
    access=Access.PATIENT_READ,
    response_model=PatientPublic,
)
def api_get_patient(
    patient_id: str, rc: RequestContext = Depends(request_context)
) -> PatientPublic:
    return PatientPublic.of(get_patient(rc.ctx, patient_id=patient_id))


@add_route(
    router,
    "GET",
    "/patients/{patient_id}/episodes",
    access=Access.PATIENT_READ,
    response_model=list[EpisodePublic],
)
def api_list_episodes(
    patient_id: str, rc: RequestContext = Depends(request_context)
) -> list[EpisodePublic]:
    return [EpisodePublic.of(e) for e in list_episodes(rc.ctx, patient_id=patient_id)]


@add_route(
    router,
    "POST",
    "/patients/{patient_id}/episodes",
    access=Access.PATIENT_CLINICAL,
    response_model=EpisodePublic,
    status_code=201,
)
def api_open_episode(
    patient_id: str, body: EpisodeCreate, rc: RequestContext = Depends(request_context)
) -> EpisodePublic:
    return EpisodePublic.of(open_episode(rc.ctx, patient_id=patient_id, title=body.title))


@add_route(
    router,
    "GET",
    "/patients/{patient_id}/jobs/{job_id}",
    access=Access.PATIENT_READ,
    response_model=JobPublic,
)
def api_get_job(
    patient_id: str, job_id: str, rc: RequestContext = Depends(request_context)
) -> JobPublic:
    job = get_job(rc.ctx, patient_id=patient_id, job_id=job_id)
    return JobPublic.of(job)


@add_route(router, "GET", "/admin/users", access=Access.ADMIN, response_model=list[UserPublic])
def api_list_users(rc: RequestContext = Depends(request_context)) -> list[UserPublic]:
    return [UserPublic.of(u) for u in list_users(rc.ctx)]


@add_route(
    router, "POST", "/admin/users", access=Access.ADMIN, response_model=UserPublic, status_code=201
)
def api_create_user(body: UserCreate, rc: RequestContext = Depends(request_context)) -> UserPublic:
    new = NewUser(email=body.email, name=body.name, role=Role(body.role), password=body.password)
    return UserPublic.of(create_user(rc.ctx, new=new))


@add_route(
    router, "GET", "/admin/audit", access=Access.ADMIN, response_model=list[AuditEventPublic]
)
def api_audit(
    patient_id: str | None = None,
    action: str | None = None,
    actor_user_id: int | None = None,
    limit: int = 200,
    rc: RequestContext = Depends(request_context),
) -> list[AuditEventPublic]:
    events = list_audit_events(
        rc.ctx,
        patient_id_filter=patient_id,
        action=action,
        actor_user_id=actor_user_id,
        limit=limit,
    )
    return [AuditEventPublic.of(e) for e in events]


@add_route(router, "GET", "/admin/jobs/{job_id}", access=Access.ADMIN, response_model=JobPublic)
def api_admin_job(job_id: str, rc: RequestContext = Depends(request_context)) -> JobPublic:
    job = get_audit_job(rc.ctx, job_id=job_id)
    return JobPublic.of(job)
