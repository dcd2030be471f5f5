"""Admin pages: users, clinics and the audit log."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from painpath.domain.access import Access
from painpath.domain.accounts import Role
from painpath.domain.errors import Conflict, InvalidInput
from painpath.services.accounts import (
    NewUser,
    create_clinic,
    create_user,
    list_clinics,
    list_users,
    set_user_active,
)
from painpath.services.audit import (
    latest_audit_verification,
    list_audit_events,
    request_audit_verification,
)
from painpath.web.render import redirect, render
from painpath.web.security import RequestContext, add_route, request_context

router = APIRouter(include_in_schema=False)


@add_route(router, "GET", "/admin/users", access=Access.ADMIN)
def users_page(request: Request, rc: RequestContext = Depends(request_context)) -> Response:
    return render(request, rc, "admin_users.html", {"users": list_users(rc.ctx), "form": {}})


@add_route(router, "POST", "/admin/users", access=Access.ADMIN)
async def users_create(request: Request, rc: RequestContext = Depends(request_context)) -> Response:
    form = {k: str(v) for k, v in (await request.form()).items() if k != "csrf_token"}
    role_raw = form.get("role", "")
    try:
        if role_raw not in (Role.CLINICIAN.value, Role.ADMIN.value):
            raise InvalidInput("choose clinician or admin (patients get accounts from their chart)")
        new = NewUser(
            email=form.get("email", ""),
            name=form.get("name", ""),
            role=Role(role_raw),
            password=form.get("password", ""),
        )
        create_user(rc.ctx, new=new)
    except (InvalidInput, Conflict) as err:
        context = {"users": list_users(rc.ctx), "form": form, "error": str(err)}
        return render(request, rc, "admin_users.html", context, status_code=400)
    return redirect("/admin/users")


@add_route(router, "POST", "/admin/users/{user_id}/active", access=Access.ADMIN)
async def users_set_active(
    request: Request, user_id: int, rc: RequestContext = Depends(request_context)
) -> Response:
    form = await request.form()
    set_user_active(rc.ctx, user_id=user_id, active=form.get("active") == "true")
    return redirect("/admin/users")


@add_route(router, "GET", "/admin/clinics", access=Access.ADMIN)
def clinics_page(request: Request, rc: RequestContext = Depends(request_context)) -> Response:
    return render(request, rc, "admin_clinics.html", {"clinics": list_clinics(rc.ctx)})


@add_route(router, "POST", "/admin/clinics", access=Access.ADMIN)
async def clinics_create(
    request: Request, rc: RequestContext = Depends(request_context)
) -> Response:
    form = await request.form()
    try:
        create_clinic(rc.ctx, name=str(form.get("name") or ""))
    except (InvalidInput, Conflict) as err:
        context = {"clinics": list_clinics(rc.ctx), "error": str(err)}
        return render(request, rc, "admin_clinics.html", context, status_code=400)
    return redirect("/admin/clinics")


@add_route(router, "GET", "/admin/audit", access=Access.ADMIN)
def audit_page(
    request: Request,
    patient: str = "",
    action: str = "",
    actor: str = "",
    rc: RequestContext = Depends(request_context),
) -> Response:
    actor_id = int(actor) if actor.strip().isdigit() else None
    events = list_audit_events(
        rc.ctx, patient_id_filter=patient or None, action=action or None, actor_user_id=actor_id
    )
    filters = {"patient": patient, "action": action, "actor": actor}
    context = {
        "events": events,
        "filters": filters,
        "verification": latest_audit_verification(rc.ctx),
    }
    return render(request, rc, "admin_audit.html", context)


@add_route(router, "POST", "/admin/audit/verify", access=Access.ADMIN)
def audit_verify(rc: RequestContext = Depends(request_context)) -> Response:
    request_audit_verification(rc.ctx)
    return redirect("/admin/audit")
