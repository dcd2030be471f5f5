"""The patient's side of the assessment: their own intake, the home program and the lessons."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from painpath.domain.access import Access
from painpath.domain.accounts import Patient
from painpath.domain.errors import Conflict, InvalidInput
from painpath.services import assessment as svc
from painpath.services.assessment.program import lesson_list
from painpath.services.patients import get_patient, my_patient_id
from painpath.services.progress.monitoring import current_doses
from painpath.web.pages import assessment_forms as forms
from painpath.web.pages.assessment import intake_context, keep_typed_intake
from painpath.web.render import PATIENT_HOME_CARDS, HomeCard, redirect, render
from painpath.web.security import RequestContext, add_route, request_context

router = APIRouter(include_in_schema=False)


def _me(rc: RequestContext) -> Patient:
    return get_patient(rc.ctx, patient_id=my_patient_id(rc.ctx))


@add_route(router, "GET", "/me/program", access=Access.PATIENT_ACCOUNT)
def my_program(request: Request, rc: RequestContext = Depends(request_context)) -> Response:
    patient = _me(rc)
    program = svc.home_program(rc.ctx, patient_id=patient.id)
    doses = current_doses(rc.ctx, patient_id=patient.id) if program is not None else {}
    context = {"patient": patient, "program": program, "monitored_doses": doses}
    return render(request, rc, "a_me_program.html", context)


@add_route(router, "GET", "/me/lessons", access=Access.PATIENT_ACCOUNT)
def my_lessons(request: Request, rc: RequestContext = Depends(request_context)) -> Response:
    patient = _me(rc)
    assigned, others = lesson_list(rc.ctx, patient_id=patient.id)
    return render(
        request,
        rc,
        "a_me_lessons.html",
        {"patient": patient, "assigned": assigned, "others": others},
    )


@add_route(router, "GET", "/me/lessons/{lesson_id}", access=Access.PATIENT_ACCOUNT)
def my_lesson(
    request: Request, lesson_id: str, rc: RequestContext = Depends(request_context)
) -> Response:
    patient = _me(rc)
    view = svc.lesson(rc.ctx, patient_id=patient.id, lesson_id=lesson_id)
    return render(request, rc, "a_me_lesson.html", {"patient": patient, "lesson": view})


def _intake_page(request: Request, rc: RequestContext, patient: Patient, **extra: object) -> dict:  # type: ignore[type-arg]
    return {
        "patient": patient,
        **intake_context(request, rc, patient),
        "notice": request.query_params.get("notice", "")[:200],
        "error": "",
        **extra,
    }


@add_route(router, "GET", "/me/intake", access=Access.PATIENT_ACCOUNT)
def my_intake(request: Request, rc: RequestContext = Depends(request_context)) -> Response:
    patient = _me(rc)
    return render(request, rc, "a_me_intake.html", _intake_page(request, rc, patient))


@add_route(router, "POST", "/me/intake", access=Access.PATIENT_ACCOUNT)
async def my_intake_submit(
    request: Request, rc: RequestContext = Depends(request_context)
) -> Response:
    patient = _me(rc)
    form = await request.form()
    parsed = None
    try:
        parsed = forms.parse_intake(form)
        svc.save_intake(
            rc.ctx,
            patient_id=patient.id,
            intake=parsed,
            managed=forms.INTAKE_FORM_FIELDS,
            expected_version=_version(form.get("expected_version")),
            reason="answers updated by the patient",
        )
    except (InvalidInput, Conflict) as err:
        keep_typed_intake(request, parsed, err)
        context = _intake_page(request, rc, patient, error=str(err))
        return render(request, rc, "a_me_intake.html", context, status_code=400)
    return redirect("/me")


def _version(raw: object) -> int | None:
    return int(raw) if isinstance(raw, str) and raw.isdigit() else None


def _cards(rc: RequestContext, patient: Patient) -> list[HomeCard]:
    cards = []
    program = svc.home_program(rc.ctx, patient_id=patient.id)
    if program is not None:
        n = len(program.exercises)
        text = f"{n} exercise{'s' if n != 1 else ''} and {len(program.lessons)} short lessons."
        cards.append(
            HomeCard("Your home program", text, "/me/program", "Open my program", order=15)
        )
    else:
        text = "Your therapist will share your exercises here after your assessment."
        cards.append(
            HomeCard("Your home program", text, "/me/lessons", "Read the lessons", order=70)
        )
    if svc.get_intake(rc.ctx, patient_id=patient.id) is None:
        cards.append(
            HomeCard(
                "Tell us about your pain",
                "A few questions about your pain and your health, before your first visit.",
                "/me/intake",
                "Answer the questions",
                order=10,
                highlight=True,
            )
        )
    return cards


if _cards not in PATIENT_HOME_CARDS:
    PATIENT_HOME_CARDS.append(_cards)
