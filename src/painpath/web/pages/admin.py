"""Admin pages: users, clinics, questionnaire wording packs and the audit log."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from starlette.datastructures import UploadFile

from painpath.domain.access import Access
from painpath.domain.accounts import Role
from painpath.domain.errors import Conflict, InvalidInput, NotFound
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
from painpath.services.questionnaires import (
    clinic_wording,
    install_clinic_wording_pack,
    parse_pack_text,
    remove_clinic_wording_pack,
)
from painpath.services.questionnaires.wording import MAX_PACK_BYTES
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


def _wording_page(
    request: Request,
    rc: RequestContext,
    *,
    notice: str = "",
    error: InvalidInput | NotFound | None = None,
    pasted: str = "",
) -> Response:
    context = {
        "w": clinic_wording(rc.ctx),
        "notice": notice,
        "error": str(error) if error else "",
        "pasted": pasted,
    }
    return render(request, rc, "admin_wording.html", context, status_code=400 if error else 200)


@add_route(router, "GET", "/admin/wording", access=Access.ADMIN)
def wording_page(
    request: Request, notice: str = "", rc: RequestContext = Depends(request_context)
) -> Response:
    return _wording_page(request, rc, notice=notice)


async def _pack_upload(request: Request) -> tuple[str, str]:
    """The uploaded pack file's text and name, else the pasted text (``pack.yaml``)."""
    form = await request.form()
    upload, pasted = form.get("file"), str(form.get("text") or "")
    if isinstance(upload, UploadFile) and upload.filename:
        raw = await upload.read(MAX_PACK_BYTES + 1)
        await form.close()
        if len(raw) > MAX_PACK_BYTES:
            raise InvalidInput(f"the pack file is larger than {MAX_PACK_BYTES // 1024} KB")
        try:
            return raw.decode("utf-8"), upload.filename
        except UnicodeDecodeError:
            raise InvalidInput(f"{upload.filename} is not UTF-8 text") from None
    if not pasted.strip():
        raise InvalidInput("choose a pack file, or paste the pack's text")
    return pasted, "pack.yaml"


@add_route(router, "POST", "/admin/wording", access=Access.ADMIN)
async def wording_install(
    request: Request, rc: RequestContext = Depends(request_context)
) -> Response:
    pasted = ""
    try:
        text, filename = await _pack_upload(request)
        pasted = text if filename == "pack.yaml" else ""
        installed = install_clinic_wording_pack(
            rc.ctx, document=parse_pack_text(text, filename=filename)
        )
    except (InvalidInput, NotFound) as err:
        return _wording_page(request, rc, error=err, pasted=pasted)
    pack = installed.pack
    verb = "Replaced" if installed.replaced else "Installed"
    notice = f"{verb} the {pack.instrument_id} pack {pack.version}."
    return redirect(f"/admin/wording?notice={quote(notice)}")


@add_route(router, "POST", "/admin/wording/{instrument_id}/remove", access=Access.ADMIN)
def wording_remove(
    request: Request, instrument_id: str, rc: RequestContext = Depends(request_context)
) -> Response:
    removed = remove_clinic_wording_pack(rc.ctx, instrument_id=instrument_id)
    notice = f"Removed the {removed.pack.instrument_id} pack."
    return redirect(f"/admin/wording?notice={quote(notice)}")


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
