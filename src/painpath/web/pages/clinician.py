"""The clinician's pages: caseload, registering a patient, the patient chart and its tabs."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from painpath.domain.access import Access
from painpath.domain.errors import InvalidInput, NotFound
from painpath.domain.types import Sex
from painpath.services.engagement._common import FormProblems
from painpath.services.episodes import DISCHARGE_REASONS, discharges
from painpath.services.patients import NewPatient, create_patient, get_patient, list_episodes
from painpath.web.caseload import (
    ADHERENCE_CHOICES,
    REVIEW_CHOICES,
    SILENT_CHOICES,
    caseload_rows,
    parse_caseload_query,
    sort_links,
)
from painpath.web.pages.invitations import invite_new_patient
from painpath.web.render import CHART_TABS, ordered_tabs, redirect, render
from painpath.web.security import RequestContext, add_route, request_context

router = APIRouter(include_in_schema=False)


@add_route(router, "GET", "/caseload", access=Access.CLINICIAN)
def caseload(request: Request, rc: RequestContext = Depends(request_context)) -> Response:
    query = parse_caseload_query(dict(request.query_params))
    rows = caseload_rows(rc.ctx, query)
    params = query.as_params()
    return render(
        request,
        rc,
        "caseload.html",
        {
            "rows": rows,
            "q": params["q"],
            "f": params,
            "sort": query.sort.value,
            "order": "desc" if query.descending else "asc",
            "sort_links": sort_links(query),
            "choices": {
                "adherence": ADHERENCE_CHOICES,
                "silent": SILENT_CHOICES,
                "review": REVIEW_CHOICES,
            },
        },
    )


@add_route(router, "GET", "/patients/new", access=Access.CLINICIAN)
def new_patient_form(request: Request, rc: RequestContext = Depends(request_context)) -> Response:
    return render(request, rc, "patient_new.html", {"form": {}})


def _parse_date(raw: str, label: str) -> date | None:
    if not raw.strip():
        return None
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        raise InvalidInput(f"the {label} must be a date like 1970-05-31") from None


@add_route(router, "POST", "/patients/new", access=Access.CLINICIAN)
async def new_patient_submit(
    request: Request, rc: RequestContext = Depends(request_context)
) -> Response:
    form = {k: str(v) for k, v in (await request.form()).items() if k != "csrf_token"}
    try:
        sex_raw = form.get("sex", "")
        new = NewPatient(
            given_name=form.get("given_name", ""),
            family_name=form.get("family_name", ""),
            birth_date=_parse_date(form.get("birth_date", ""), "date of birth"),
            sex=Sex(sex_raw) if sex_raw in Sex._value2member_map_ else None,
            mrn=form.get("mrn") or None,
            email=form.get("email") or None,
            episode_title=form.get("episode_title") or "Chronic pain",
            account_password=form.get("account_password") or None,
            invite=form.get("invite") == "yes",
        )
        patient = create_patient(rc.ctx, new=new)
    except InvalidInput as err:
        form.setdefault("invite", "no")  # an unticked box is absent from the form
        form.pop("account_password", None)  # never echo a password back
        problems = err.problems if isinstance(err, FormProblems) else {}
        data = {"form": form, "error": "" if problems else str(err), "field_errors": problems}
        return render(request, rc, "patient_new.html", data, status_code=400)
    if form.get("invite") == "yes" and new.email and not new.account_password:
        return invite_new_patient(rc, patient.id)
    return redirect(f"/patients/{patient.id}")


@add_route(router, "GET", "/patients/{patient_id}", access=Access.PATIENT_CLINICAL)
@add_route(router, "GET", "/patients/{patient_id}/overview", access=Access.PATIENT_CLINICAL)
def chart_overview(
    request: Request, patient_id: str, rc: RequestContext = Depends(request_context)
) -> Response:
    return overview_page(request, rc, patient_id)


def overview_page(
    request: Request,
    rc: RequestContext,
    patient_id: str,
    *,
    episode_form: dict[str, str] | None = None,
    field_errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    """The chart overview; ``episode_form``/``field_errors`` refill a refused episode form."""
    patient = get_patient(rc.ctx, patient_id=patient_id)
    episodes = list_episodes(rc.ctx, patient_id=patient_id)
    today = rc.ctx.clock.today()
    return render(
        request,
        rc,
        "chart_overview.html",
        {
            "patient": patient,
            "episodes": episodes,
            "discharges": discharges(rc.ctx, patient_id=patient_id),
            "discharge_reasons": DISCHARGE_REASONS,
            "episode_form": episode_form or {},
            "field_errors": field_errors or {},
            "today": today,
            "age": patient.age_on(today),
            "tabs": ordered_tabs(),
            "active_tab": "overview",
        },
        status_code=status_code,
    )


@add_route(router, "GET", "/patients/{patient_id}/tab/{tab_id}", access=Access.PATIENT_CLINICAL)
def chart_tab_page(
    request: Request, patient_id: str, tab_id: str, rc: RequestContext = Depends(request_context)
) -> Response:
    patient = get_patient(rc.ctx, patient_id=patient_id)
    tab = CHART_TABS.get(tab_id)
    if tab is None:
        raise NotFound("no such tab")
    template, context = tab.render(request, rc, patient)
    data = {"patient": patient, "tabs": ordered_tabs(), "active_tab": tab_id, **context}
    return render(request, rc, template, data)
