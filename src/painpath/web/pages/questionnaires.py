"""Questionnaire pages: the clinician's chart tab (assign, due, history charts, FHIR link), the
patient's list, the phone-friendly form and the thank-you page, and the home card."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from starlette.datastructures import FormData

from painpath.domain.access import Access
from painpath.domain.accounts import Patient
from painpath.domain.errors import InvalidInput, NotFound
from painpath.services.patients import get_patient, my_patient_id
from painpath.services.questionnaires import (
    SCHEDULE_PRESETS,
    IncompleteAnswers,
    QuestionnaireForm,
    assign_instruments,
    catalogue_by_group,
    due_questionnaires,
    list_responses,
    questionnaire_form,
    response_history,
    submit_response,
    void_response,
)
from painpath.web.pages import q_views as views
from painpath.web.render import (
    PATIENT_HOME_CARDS,
    HomeCard,
    chart_tab,
    ordered_tabs,
    redirect,
    render,
)
from painpath.web.security import RequestContext, add_route, request_context

router = APIRouter(include_in_schema=False)

_TAB = "questionnaires"


# -- clinician: the chart tab ------------------------------------------------------------------


@chart_tab(_TAB, "Questionnaires", order=20)
def questionnaires_tab(
    request: Request, rc: RequestContext, patient: Patient
) -> tuple[str, Mapping[str, Any]]:
    due = due_questionnaires(rc.ctx, patient_id=patient.id)
    histories = response_history(rc.ctx, patient_id=patient.id)
    return "q_chart_tab.html", {
        "groups": catalogue_by_group(),
        "presets": SCHEDULE_PRESETS,
        "due": due,
        "histories": [views.history_view(h) for h in histories],
        "today": rc.ctx.clock.today(),
        "notice": request.query_params.get("notice", "")[:200],
        "error": "",
        "form": {},
    }


def _render_tab(
    request: Request, rc: RequestContext, patient_id: str, *, error: str, form: dict[str, Any]
) -> Response:
    patient = get_patient(rc.ctx, patient_id=patient_id)
    template, context = questionnaires_tab(request, rc, patient)
    data = {
        "patient": patient,
        "tabs": ordered_tabs(),
        "active_tab": _TAB,
        **context,
        "error": error,
        "form": form,
    }
    return render(request, rc, template, data, status_code=400)


def _weeks(form: FormData) -> list[int]:
    custom = str(form.get("weeks") or "").strip()
    if custom:
        try:
            return [int(w) for w in custom.replace(";", ",").split(",") if w.strip()]
        except ValueError:
            raise InvalidInput("write the weeks as whole numbers, like 0, 2, 6, 12") from None
    preset = str(form.get("preset") or "standard")
    if preset not in SCHEDULE_PRESETS:
        raise InvalidInput("choose a schedule")
    return list(SCHEDULE_PRESETS[preset])


def _day(raw: str, label: str, default: date) -> date:
    if not raw.strip():
        return default
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        raise InvalidInput(f"the {label} must be a date like 2026-05-31") from None


@add_route(
    router, "POST", "/patients/{patient_id}/questionnaires/assign", access=Access.PATIENT_CLINICAL
)
async def assign_submit(
    request: Request, patient_id: str, rc: RequestContext = Depends(request_context)
) -> Response:
    form = await request.form()
    chosen = [str(v) for v in form.getlist("instrument")]
    try:
        assign_instruments(
            rc.ctx,
            patient_id=patient_id,
            instruments=chosen,
            schedule_weeks=_weeks(form),
            start=_day(str(form.get("start") or ""), "start date", rc.ctx.clock.today()),
        )
    except InvalidInput as err:
        kept = {"chosen": chosen, "weeks": form.get("weeks"), "preset": form.get("preset")}
        return _render_tab(request, rc, patient_id, error=str(err), form=kept)
    notice = f"Assigned {len(chosen)} questionnaire(s)."
    return redirect(f"/patients/{patient_id}/tab/{_TAB}?notice={notice}")


@add_route(
    router,
    "POST",
    "/patients/{patient_id}/questionnaires/responses/{record_id}/void",
    access=Access.PATIENT_CLINICAL,
)
async def void_submit(
    request: Request, patient_id: str, record_id: str, rc: RequestContext = Depends(request_context)
) -> Response:
    form = await request.form()
    try:
        version = int(str(form.get("version") or "0"))
        void_response(
            rc.ctx,
            patient_id=patient_id,
            record_id=record_id,
            expected_version=version,
            reason=str(form.get("reason") or ""),
        )
    except (InvalidInput, ValueError) as err:
        message = str(err) if isinstance(err, InvalidInput) else "the form was incomplete"
        return _render_tab(request, rc, patient_id, error=message, form={})
    return redirect(f"/patients/{patient_id}/tab/{_TAB}?notice=Response voided.")


@add_route(
    router,
    "GET",
    "/patients/{patient_id}/questionnaires/{instrument_id}/enter",
    access=Access.PATIENT_CLINICAL,
)
def clinician_form(
    request: Request,
    patient_id: str,
    instrument_id: str,
    rc: RequestContext = Depends(request_context),
) -> Response:
    spec = questionnaire_form(rc.ctx, patient_id=patient_id, instrument_id=instrument_id)
    patient = get_patient(rc.ctx, patient_id=patient_id)
    action = f"/patients/{patient_id}/questionnaires/{instrument_id}/enter"
    return _form_page(request, rc, patient, spec, spec.activities, action=action)


@add_route(
    router,
    "POST",
    "/patients/{patient_id}/questionnaires/{instrument_id}/enter",
    access=Access.PATIENT_CLINICAL,
)
async def clinician_form_submit(
    request: Request,
    patient_id: str,
    instrument_id: str,
    rc: RequestContext = Depends(request_context),
) -> Response:
    spec = questionnaire_form(rc.ctx, patient_id=patient_id, instrument_id=instrument_id)
    form = await request.form()
    parsed = views.parse_form(spec.instrument, form)
    action = f"/patients/{patient_id}/questionnaires/{instrument_id}/enter"
    try:
        if parsed.problems:
            raise IncompleteAnswers("some answers need another look", {})
        submit_response(
            rc.ctx,
            patient_id=patient_id,
            instrument_id=spec.instrument.id,
            answers=parsed.answers,
            activities=parsed.activities,
            completed_on=_day(str(form.get("completed_on") or ""), "date", rc.ctx.clock.today()),
            allow_missing=True,  # a paper form may have gaps; the missing-item rule decides
            not_applicable=parsed.not_applicable,
        )
    except InvalidInput as err:
        patient = get_patient(rc.ctx, patient_id=patient_id)
        return _form_page(request, rc, patient, spec, (), action=action, error=err, parsed=parsed)
    notice = f"{spec.instrument.name} entered."
    return redirect(f"/patients/{patient_id}/tab/{_TAB}?notice={notice}")


# -- the form (patient and clinician) ----------------------------------------------------------


def _form_page(
    request: Request,
    rc: RequestContext,
    patient: Patient,
    spec: QuestionnaireForm,
    activities: tuple[str, ...],
    *,
    action: str,
    error: InvalidInput | None = None,
    parsed: views.ParsedForm | None = None,
) -> Response:
    instrument = spec.instrument
    problems: dict[int, str] = dict(parsed.problems) if parsed else {}
    if isinstance(error, IncompleteAnswers):
        problems.update(parsed.map_problems(error.problems) if parsed else error.problems)
    context = {
        "patient": patient,
        "q": views.form_view(instrument, activities, parsed, wording=spec.wording),
        "action": action,
        "problems": problems,
        "error": str(error) if error else "",
        "keep_key": f"q-{patient.id}-{instrument.id}",
        "is_patient": rc.actor is not None and rc.actor.role.value == "patient",
        "today": rc.ctx.clock.today(),
    }
    return render(request, rc, "q_form.html", context, status_code=400 if error else 200)


# -- patient pages -------------------------------------------------------------------------


@add_route(router, "GET", "/me/questionnaires", access=Access.PATIENT_ACCOUNT)
def my_questionnaires(request: Request, rc: RequestContext = Depends(request_context)) -> Response:
    patient_id = my_patient_id(rc.ctx)
    due = due_questionnaires(rc.ctx, patient_id=patient_id)
    return render(
        request,
        rc,
        "q_list.html",
        {
            "open": [d for d in due if d.is_open and not d.on_paper],
            "paper": [d for d in due if d.is_open and d.on_paper],
            "later": [d for d in due if d.status == "upcoming"],
            "minutes": views.minutes_for(d.instrument_id for d in due if d.ready_online),
        },
    )


def _paper_only(request: Request, rc: RequestContext, spec: QuestionnaireForm) -> Response:
    """No published wording and no wording pack: say why there is no form, never show the
    topic summaries as if they were the questionnaire."""
    return render(request, rc, "q_unavailable.html", {"instrument": spec.instrument})


def _assigned_form(rc: RequestContext, instrument_id: str) -> tuple[str, Any]:
    patient_id = my_patient_id(rc.ctx)
    spec = questionnaire_form(rc.ctx, patient_id=patient_id, instrument_id=instrument_id)
    if not spec.assigned:
        raise NotFound("this questionnaire is not on your list")
    return patient_id, spec


@add_route(router, "GET", "/me/questionnaires/{instrument_id}", access=Access.PATIENT_ACCOUNT)
def my_form(
    request: Request, instrument_id: str, rc: RequestContext = Depends(request_context)
) -> Response:
    patient_id, spec = _assigned_form(rc, instrument_id)
    if not spec.patient_may_fill_in:
        return _paper_only(request, rc, spec)
    patient = get_patient(rc.ctx, patient_id=patient_id)
    action = f"/me/questionnaires/{spec.instrument.id}"
    return _form_page(request, rc, patient, spec, spec.activities, action=action)


@add_route(router, "POST", "/me/questionnaires/{instrument_id}", access=Access.PATIENT_ACCOUNT)
async def my_form_submit(
    request: Request, instrument_id: str, rc: RequestContext = Depends(request_context)
) -> Response:
    patient_id, spec = _assigned_form(rc, instrument_id)
    if not spec.patient_may_fill_in:
        return _paper_only(request, rc, spec)
    form = await request.form()
    parsed = views.parse_form(spec.instrument, form)
    action = f"/me/questionnaires/{spec.instrument.id}"
    try:
        if parsed.problems:
            raise IncompleteAnswers("some answers need another look", {})
        saved = submit_response(
            rc.ctx,
            patient_id=patient_id,
            instrument_id=spec.instrument.id,
            answers=parsed.answers,
            activities=parsed.activities,
            # Flagged first; a patient may then choose to leave questions out, and the
            # instrument's missing-item rule decides whether it can still be scored.
            allow_missing=form.get("skip_empty") == "1",
            not_applicable=parsed.not_applicable,
        )
    except InvalidInput as err:
        patient = get_patient(rc.ctx, patient_id=patient_id)
        return _form_page(request, rc, patient, spec, (), action=action, error=err, parsed=parsed)
    return redirect(f"/me/questionnaires/{spec.instrument.id}/done?r={saved.record_id}")


@add_route(router, "GET", "/me/questionnaires/{instrument_id}/done", access=Access.PATIENT_ACCOUNT)
def my_thanks(
    request: Request, instrument_id: str, r: str = "", rc: RequestContext = Depends(request_context)
) -> Response:
    patient_id = my_patient_id(rc.ctx)
    histories = response_history(rc.ctx, patient_id=patient_id, instrument_id=instrument_id)
    if not histories:
        raise NotFound("we could not find that questionnaire")
    history = histories[0]
    point = next((p for p in history.points if p.record_id == r), history.points[-1])
    due = [d for d in due_questionnaires(rc.ctx, patient_id=patient_id) if d.ready_online]
    mine = list_responses(rc.ctx, patient_id=patient_id, instrument_id=instrument_id)
    answered = next((v for v in mine if v.record_id == point.record_id), None)
    demo = answered is not None and answered.placeholder_wording
    words = views.demo_words() if demo else views.patient_words(history.instrument, point)
    return render(
        request,
        rc,
        "q_done.html",
        {"instrument": history.instrument, "words": words, "more": due},
    )


# -- the patient's home card ---------------------------------------------------------------


def questionnaire_card(rc: RequestContext, patient: Patient) -> list[HomeCard]:
    due = due_questionnaires(rc.ctx, patient_id=patient.id)
    open_items = [d for d in due if d.ready_online]
    if open_items:
        names = ", ".join(d.plain_name for d in open_items[:3]) + (
            "…" if len(open_items) > 3 else ""
        )
        minutes = views.minutes_for(d.instrument_id for d in open_items)
        text = f"{len(open_items)} ready for you ({names}). About {minutes} minutes."
        return [
            HomeCard(
                "Questionnaires to complete",
                text,
                "/me/questionnaires",
                "Start",
                order=20,
                highlight=True,
            )
        ]
    upcoming = [d for d in due if d.next_on]
    if not upcoming:
        return []
    when = min(d.next_on for d in upcoming if d.next_on).strftime("%d %B")
    text = f"All done for now, thank you. The next ones open around {when}."
    return [HomeCard("Questionnaires", text, "/me/questionnaires", "See my list", order=60)]


if questionnaire_card not in PATIENT_HOME_CARDS:
    PATIENT_HOME_CARDS.append(questionnaire_card)
