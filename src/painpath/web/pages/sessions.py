"""The Sessions chart tab: a note per visit (timeline, newest first), written, edited and signed.

Handlers translate the form into the service's mapping; every rule (dates, grades, re-test
values, versions) is the service's and the domain's. A failed save re-renders the tab with the
typed values and the message next to the form, status 400 (invalid) or 409 (conflict).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from painpath.domain.access import Access
from painpath.domain.accounts import Patient
from painpath.domain.errors import Conflict, InvalidInput, NotFound, PainPathError
from painpath.domain.planning.sessions import GRADES, RETEST_KINDS
from painpath.domain.types import Region, Side
from painpath.services import assessment as svc
from painpath.services.patients import get_patient
from painpath.web.render import chart_tab, ordered_tabs, redirect, render
from painpath.web.security import RequestContext, add_route, request_context

router = APIRouter(include_in_schema=False)

ROWS = 3
TEXTS = ("subjective", "progressions", "education", "response", "next_time")
KIND_LABELS = {
    "range_of_motion": "range of motion",
    "strength": "strength",
    "functional_test": "functional test",
}


def _words(value: str) -> str:
    return value.replace("_", " ")


def _choices() -> dict[str, Any]:
    return {
        "regions": [(r.value, _words(r.value)) for r in Region],
        "grades": GRADES,
        "kinds": [(k.value, KIND_LABELS.get(k.value, _words(k.value))) for k in RETEST_KINDS],
        "sides": [s.value for s in Side],
        "rows": range(1, ROWS + 1),
        "words": _words,
    }


def _values_of(view: svc.SessionView | None, today: str) -> dict[str, str]:
    if view is None:
        return {"visit_date": today}
    note = view.note
    values = {"visit_date": note.visit_date.isoformat(), **{t: getattr(note, t) for t in TEXTS}}
    for n, r in enumerate(note.retests[:ROWS], start=1):
        values.update(
            {
                f"r{n}_kind": r.kind.value,
                f"r{n}_code": _words(r.code),
                f"r{n}_value": f"{r.value:g}",
                f"r{n}_unit": r.unit,
                f"r{n}_side": r.side.value,
            }
        )
    for n, i in enumerate(note.interventions[:ROWS], start=1):
        values.update(
            {
                f"i{n}_technique": i.technique,
                f"i{n}_region": i.region.value,
                f"i{n}_grade": i.grade,
                f"i{n}_dose": i.dose,
            }
        )
    return values


@chart_tab("sessions", "Sessions", order=38)
def sessions_tab(
    request: Request, rc: RequestContext, patient: Patient
) -> tuple[str, Mapping[str, Any]]:
    sessions = svc.list_sessions(rc.ctx, patient_id=patient.id)
    editing = request.query_params.get("edit", "")
    edited = next((s for s in sessions if s.record_id == editing), None)
    typed = getattr(request.state, "session_values", None)
    context = {
        "sessions": sessions,
        "edited": edited,
        "values": typed or _values_of(edited, rc.ctx.clock.today().isoformat()),
        "notice": request.query_params.get("notice", "")[:200],
        "error": "",
        **_choices(),
    }
    return "s_tab_sessions.html", context


def note_from_form(form: Mapping[str, str]) -> dict[str, Any]:
    """The service's mapping from the form; rows left empty are skipped."""
    note: dict[str, Any] = {"visit_date": form.get("visit_date", "")}
    note.update({t: form.get(t, "") for t in TEXTS})
    note["retests"] = [
        {k: form.get(f"r{n}_{k}", "") for k in ("kind", "code", "value", "unit", "side")}
        for n in range(1, ROWS + 1)
        if form.get(f"r{n}_code", "").strip() or form.get(f"r{n}_value", "").strip()
    ]
    note["interventions"] = [
        {k: form.get(f"i{n}_{k}", "") for k in ("technique", "region", "grade", "dose")}
        for n in range(1, ROWS + 1)
        if form.get(f"i{n}_technique", "").strip()
    ]
    return note


def _error(
    request: Request,
    rc: RequestContext,
    patient_id: str,
    err: PainPathError,
    values: dict[str, str],
) -> Response:
    patient = get_patient(rc.ctx, patient_id=patient_id)
    request.state.session_values = values
    template, context = sessions_tab(request, rc, patient)
    data = {
        "patient": patient,
        "tabs": ordered_tabs(),
        "active_tab": "sessions",
        **context,
        "error": str(err),
        "notice": "",
    }
    return render(
        request, rc, template, data, status_code=409 if isinstance(err, Conflict) else 400
    )


@add_route(router, "POST", "/patients/{patient_id}/sessions", access=Access.PATIENT_CLINICAL)
async def session_submit(
    request: Request, patient_id: str, rc: RequestContext = Depends(request_context)
) -> Response:
    form = {k: str(v) for k, v in (await request.form()).items() if k != "csrf_token"}
    raw_version = form.get("expected_version", "")
    try:
        svc.save_session(
            rc.ctx,
            patient_id=patient_id,
            note=note_from_form(form),
            expected_version=int(raw_version) if raw_version.isdigit() else None,
            reason=form.get("reason", ""),
        )
    except (InvalidInput, Conflict) as err:
        return _error(request, rc, patient_id, err, form)
    return redirect(f"/patients/{patient_id}/tab/sessions?notice=Session+note+saved")


@add_route(
    router,
    "POST",
    "/patients/{patient_id}/sessions/{record_id}/sign",
    access=Access.PATIENT_CLINICAL,
)
async def session_sign(
    request: Request, patient_id: str, record_id: str, rc: RequestContext = Depends(request_context)
) -> Response:
    form = await request.form()
    raw = str(form.get("expected_version") or "")
    try:
        svc.sign_session(
            rc.ctx,
            patient_id=patient_id,
            record_id=record_id,
            expected_version=int(raw) if raw.isdigit() else 0,
        )
    except (InvalidInput, Conflict, NotFound) as err:
        return _error(request, rc, patient_id, err, {})
    return redirect(f"/patients/{patient_id}/tab/sessions?notice=Session+note+signed")
