"""The exercise library page (search and filters) and adding a library exercise to a plan.

Opened from a patient's plan (``?patient=ID``) the page offers "Add to this plan" with a dose
and training days; the addition is a new plan version with a reason, as every plan edit.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from starlette.datastructures import UploadFile

from painpath.domain.access import Access
from painpath.domain.errors import Conflict, InvalidInput, NotFound, PainPathError
from painpath.domain.planning.custom import MAX_IMAGE_BYTES
from painpath.domain.planning.edits import DAY_NAMES
from painpath.domain.types import Region
from painpath.services import assessment as svc
from painpath.services.patients import get_patient
from painpath.web.render import redirect, render
from painpath.web.security import RequestContext, add_route, request_context

router = APIRouter(include_in_schema=False)


def _patient_plan(rc: RequestContext, patient_id: str) -> dict[str, Any]:
    if not patient_id:
        return {"patient": None, "plan_view": None}
    patient = get_patient(rc.ctx, patient_id=patient_id)
    return {"patient": patient, "plan_view": svc.current_plan(rc.ctx, patient_id=patient.id)}


@add_route(router, "GET", "/library", access=Access.CLINICIAN)
def library_page(
    request: Request,
    q: str = "",
    region: str = "",
    equipment: str = "",
    level: str = "",
    purpose: str = "",
    patient: str = "",
    rc: RequestContext = Depends(request_context),
) -> Response:
    error = ""
    try:
        query = svc.parse_query(
            text=q, region=region, equipment=equipment, level=level, purpose=purpose
        )
    except InvalidInput as err:
        error, query = str(err), svc.parse_query()
    page = svc.exercise_library(rc.ctx, query=query)
    data = {
        "page": page,
        "q": q,
        "f": {"region": region, "equipment": equipment, "level": level, "purpose": purpose},
        "days": list(enumerate(DAY_NAMES)),
        "all_regions": [(r.value, r.value.replace("_", " ")) for r in Region],
        "custom": {},
        "custom_error": "",
        "error": error,
        "notice": request.query_params.get("notice", "")[:200],
        **_patient_plan(rc, patient),
    }
    return render(request, rc, "library.html", data, status_code=400 if error else 200)


@add_route(
    router,
    "POST",
    "/patients/{patient_id}/plan/{record_id}/add-exercise",
    access=Access.PATIENT_CLINICAL,
)
async def add_exercise_submit(
    request: Request, patient_id: str, record_id: str, rc: RequestContext = Depends(request_context)
) -> Response:
    form = await request.form()
    exercise_id = str(form.get("exercise_id") or "")
    choice = svc.ExerciseChoice(
        exercise_id=exercise_id,
        dose=str(form.get("dose") or ""),
        days=tuple(str(d) for d in form.getlist("days")),
    )
    try:
        version = int(str(form.get("expected_version") or "0"))
    except ValueError:
        version = 0
    try:
        svc.edit_plan(
            rc.ctx,
            patient_id=patient_id,
            record_id=record_id,
            expected_version=version,
            changes=svc.PlanEdits(add_exercises=(choice,)),
            reason=str(form.get("reason") or "").strip() or "exercise added from the library",
        )
    except (InvalidInput, Conflict, NotFound) as err:
        return _error(request, rc, patient_id, exercise_id, err)
    return redirect(f"/patients/{patient_id}/tab/plan?notice=Exercise+added:+new+plan+version")


def _error(
    request: Request, rc: RequestContext, patient_id: str, exercise_id: str, err: PainPathError
) -> Response:
    page = svc.exercise_library(rc.ctx, query=svc.parse_query())
    data = {
        "page": page,
        "q": "",
        "f": {"region": "", "equipment": "", "level": "", "purpose": ""},
        "days": list(enumerate(DAY_NAMES)),
        "error": "",
        "notice": "",
        "field_error": {exercise_id: str(err)},
        "all_regions": [(r.value, r.value.replace("_", " ")) for r in Region],
        "custom": {},
        "custom_error": "",
        **_patient_plan(rc, patient_id),
    }
    status = 409 if isinstance(err, Conflict) else 400
    get_patient(rc.ctx, patient_id=patient_id)
    return render(request, rc, "library.html", data, status_code=status)


@add_route(router, "POST", "/library/custom", access=Access.CLINICIAN)
async def custom_exercise_submit(
    request: Request, rc: RequestContext = Depends(request_context)
) -> Response:
    """A clinic's own exercise; a bad field or picture re-renders the form with the message."""
    form = await request.form()
    fields = {k: v for k, v in form.items() if isinstance(v, str) and k != "csrf_token"}
    fields["targets"] = ",".join(str(t) for t in form.getlist("targets"))
    upload = form.get("picture")
    picture: bytes | None = None
    try:
        if isinstance(upload, UploadFile):
            if upload.filename:
                picture = await upload.read(MAX_IMAGE_BYTES + 1)
            await upload.close()
        made = svc.add_custom_exercise(rc.ctx, fields=fields, picture=picture or None)
    except InvalidInput as err:
        await form.close()
        page = svc.exercise_library(rc.ctx, query=svc.parse_query())
        data = {
            "page": page,
            "q": "",
            "f": {"region": "", "equipment": "", "level": "", "purpose": ""},
            "days": list(enumerate(DAY_NAMES)),
            "all_regions": [(r.value, r.value.replace("_", " ")) for r in Region],
            "custom": fields,
            "custom_error": str(err),
            "error": "",
            "notice": "",
            "patient": None,
            "plan_view": None,
        }
        return render(request, rc, "library.html", data, status_code=400)
    return redirect(
        f"/library?q={made.name.replace(' ', '+')}&notice=Exercise+added+to+the+library"
    )


@add_route(router, "GET", "/library/custom/{exercise_id}/image", access=Access.SIGNED_IN)
def custom_exercise_image(
    exercise_id: str, rc: RequestContext = Depends(request_context)
) -> Response:
    data, content_type = svc.custom_image(rc.ctx, exercise_id=exercise_id)
    return Response(
        content=data,
        media_type=content_type,
        headers={"X-Content-Type-Options": "nosniff", "Cache-Control": "private, max-age=3600"},
    )
