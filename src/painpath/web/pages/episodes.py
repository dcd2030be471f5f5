"""Episodes of care from the chart overview: discharge the open episode, start a new one."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from painpath.domain.access import Access
from painpath.domain.errors import InvalidInput
from painpath.services.engagement._common import FormProblems
from painpath.services.episodes import discharge_episode
from painpath.services.patients import open_episode
from painpath.web.pages.clinician import overview_page
from painpath.web.render import redirect
from painpath.web.security import RequestContext, add_route, request_context

router = APIRouter(include_in_schema=False)


async def _form(request: Request) -> dict[str, str]:
    return {k: str(v)[:5000] for k, v in (await request.form()).items() if k != "csrf_token"}


@add_route(
    router,
    "POST",
    "/patients/{patient_id}/episodes/{episode_id}/discharge",
    access=Access.PATIENT_CLINICAL,
)
async def discharge_submit(
    request: Request,
    patient_id: str,
    episode_id: str,
    rc: RequestContext = Depends(request_context),
) -> Response:
    form = await _form(request)
    form["episode_id"] = episode_id
    try:
        raw_day = form.get("discharged_on", "").strip()
        try:
            day = date.fromisoformat(raw_day) if raw_day else None
        except ValueError:
            raise FormProblems({"discharged_on": "enter the date like 2026-05-31"}) from None
        discharge_episode(
            rc.ctx,
            patient_id=patient_id,
            episode_id=episode_id,
            reason=form.get("reason", ""),
            outcome_summary=form.get("outcome_summary", ""),
            discharged_on=day,
        )
    except FormProblems as err:
        return overview_page(
            request, rc, patient_id, episode_form=form, field_errors=err.problems, status_code=400
        )
    return redirect(f"/patients/{patient_id}/overview")


@add_route(router, "POST", "/patients/{patient_id}/episodes", access=Access.PATIENT_CLINICAL)
async def new_episode_submit(
    request: Request, patient_id: str, rc: RequestContext = Depends(request_context)
) -> Response:
    form = await _form(request)
    form["episode_id"] = "new"
    try:
        open_episode(rc.ctx, patient_id=patient_id, title=form.get("title", "")[:200])
    except InvalidInput as err:
        return overview_page(
            request,
            rc,
            patient_id,
            episode_form=form,
            field_errors={"title": str(err)},
            status_code=400,
        )
    return redirect(f"/patients/{patient_id}/overview")
