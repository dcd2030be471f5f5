"""The clinician's assessment tabs: Intake, Examination, Reasoning and Plan.

Handlers translate forms into service calls and render; every decision (validation, locking,
the safety block) is the services'. A failed save re-renders the tab with the message and the
answers the clinician typed, with status 400 (invalid) or 409 (conflict, safety block).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from painpath.domain.access import Access
from painpath.domain.accounts import Patient
from painpath.domain.assessment.intake import HYPERSENSITIVITY_MODALITIES
from painpath.domain.assessment.norms import NormComparison, compare_functional_test
from painpath.domain.assessment.screening import (
    CRITICAL_QUESTIONS,
    EXAM_SIGNS,
    RED_FLAG_QUESTIONS,
)
from painpath.domain.errors import Conflict, InvalidInput, NotFound, PainPathError, SafetyBlock
from painpath.domain.planning import Plan, PlanItemKind
from painpath.domain.types import Sex
from painpath.services import assessment as svc
from painpath.services.evidence import evidence_references
from painpath.services.patients import get_patient
from painpath.web.pages import assessment_forms as forms
from painpath.web.render import chart_tab, ordered_tabs, redirect, render
from painpath.web.security import RequestContext, add_route, request_context

router = APIRouter(include_in_schema=False)

SECTIONS: tuple[tuple[PlanItemKind, str], ...] = (
    (PlanItemKind.REFERRAL, "Referrals"),
    (PlanItemKind.CARE_PATHWAY, "Care pathway"),
    (PlanItemKind.LOAD_ADVICE, "Load and activity advice"),
    (PlanItemKind.GOAL, "Goals"),
    (PlanItemKind.EDUCATION, "Education"),
    (PlanItemKind.MANUAL_THERAPY, "Manual therapy"),
    (PlanItemKind.MOVEMENT_RETRAINING, "Movement retraining"),
    (PlanItemKind.EXERCISE, "Exercises"),
    (PlanItemKind.GRADED_ACTIVITY, "Graded activity"),
    (PlanItemKind.EXPOSURE_STEP, "Exposure ladder"),
    (PlanItemKind.FLARE_PLAN, "Flare-up plan"),
    (PlanItemKind.EXAMINE, "Examine next"),
    (PlanItemKind.REVIEW, "Review dates"),
)
QUESTION_TEXT = {q.id: q.text for q in RED_FLAG_QUESTIONS}


def _common(request: Request) -> dict[str, Any]:
    return {
        "notice": request.query_params.get("notice", "")[:200],
        "error": "",
        "refs": evidence_references(),
        "question_text": QUESTION_TEXT,
    }


def _tab_response(
    request: Request,
    rc: RequestContext,
    patient_id: str,
    tab: str,
    build: Callable[[Request, RequestContext, Patient], tuple[str, Mapping[str, Any]]],
    *,
    error: PainPathError,
) -> Response:
    patient = get_patient(rc.ctx, patient_id=patient_id)
    template, context = build(request, rc, patient)
    status = 409 if isinstance(error, Conflict | SafetyBlock) else 400
    data = {
        "patient": patient,
        "tabs": ordered_tabs(),
        "active_tab": tab,
        **context,
        "error": str(error),
        "notice": "",
    }
    return render(request, rc, template, data, status_code=status)


def _int(raw: object) -> int | None:
    try:
        return int(str(raw))
    except (TypeError, ValueError):
        return None


# ---------------------------------------------------------------- intake


def keep_typed_intake(
    request: Request, parsed: Mapping[str, Any] | None, err: PainPathError
) -> None:
    """After a refused intake save: keep the answers as typed, and the field the error names,
    for ``intake_context`` to show again."""
    if parsed is not None:
        request.state.intake_values = forms.intake_values(parsed)
    located = forms.field_error(str(err))
    if located is not None:
        request.state.intake_field_errors = dict([located])


def intake_context(request: Request, rc: RequestContext, patient: Patient) -> dict[str, Any]:
    """The intake form's data (shared with the patient's own intake page). After a failed save
    the handler leaves the answers typed in ``request.state.intake_values``."""
    record = svc.get_intake(rc.ctx, patient_id=patient.id)
    typed = getattr(request.state, "intake_values", None)
    values = typed or forms.intake_values(record.payload if record else None)
    form = {
        "values": values,
        "body_map": forms.BODY_MAP,
        "sites": forms.INTAKE_SITES,
        "questions": RED_FLAG_QUESTIONS,
        "history_questions": forms.HISTORY_QUESTIONS,
        "falls_questions": forms.FALLS_QUESTIONS,
        "night_rest_choices": forms.NIGHT_REST_CHOICES,
        "modalities": HYPERSENSITIVITY_MODALITIES,
        "critical": set(CRITICAL_QUESTIONS),
        "field_errors": getattr(request.state, "intake_field_errors", {}),
        "onsets": forms.ONSETS,
        "needs_age": patient.birth_date is None,
        "needs_sex": patient.sex is None,
        "sexes": [s.value for s in Sex],
    }
    return {"record": record, "intake_form": form, "age": patient.age_on(rc.ctx.clock.today())}


@chart_tab("intake", "Intake", order=10)
def intake_tab(
    request: Request, rc: RequestContext, patient: Patient
) -> tuple[str, Mapping[str, Any]]:
    return "a_tab_intake.html", {**_common(request), **intake_context(request, rc, patient)}


@add_route(router, "POST", "/patients/{patient_id}/intake", access=Access.PATIENT_CLINICAL)
async def intake_submit(
    request: Request, patient_id: str, rc: RequestContext = Depends(request_context)
) -> Response:
    form = await request.form()
    parsed: dict[str, Any] | None = None
    try:
        parsed = forms.parse_intake(form)
        svc.save_intake(
            rc.ctx,
            patient_id=patient_id,
            intake=parsed,
            managed=forms.CLINICIAN_INTAKE_FORM_FIELDS,
            expected_version=_int(form.get("expected_version")),
            reason=str(form.get("reason") or ""),
        )
    except (InvalidInput, Conflict) as err:
        keep_typed_intake(request, parsed, err)
        return _tab_response(request, rc, patient_id, "intake", intake_tab, error=err)
    return redirect(f"/patients/{patient_id}/tab/intake?notice=Intake+saved")


# ---------------------------------------------------------------- examination


def _norms(rc: RequestContext, patient: Patient, payload: Mapping[str, Any]) -> list[Any]:
    """Functional tests against age/sex norms (the picture's, or the patient record's)."""
    try:
        return list(svc.clinical_picture(rc.ctx, patient_id=patient.id).picture.norms)
    except NotFound:
        pass
    age, sex = patient.age_on(rc.ctx.clock.today()), patient.sex
    if age is None or sex is None:
        return []
    out: list[NormComparison] = []
    for f in payload.get("findings", []):
        if f.get("kind") == "functional_test" and f.get("value") is not None:
            out.append(compare_functional_test(f["code"], float(f["value"]), age=age, sex=sex))
    return out


@chart_tab("examination", "Examination", order=15)
def examination_tab(
    request: Request, rc: RequestContext, patient: Patient
) -> tuple[str, Mapping[str, Any]]:
    record = svc.get_examination(rc.ctx, patient_id=patient.id)
    payload = record.payload if record else {}
    return "a_tab_exam.html", {
        **_common(request),
        "record": record,
        "rows": forms.exam_rows(payload),
        "choices": forms.EXAM_CHOICES,
        "signs": EXAM_SIGNS,
        "functional_sides": forms.FUNCTIONAL_SIDES,
        "judgement_questions": forms.JUDGEMENT_QUESTIONS,
        "norms": _norms(rc, patient, payload) if record else [],
    }


@add_route(router, "POST", "/patients/{patient_id}/examination", access=Access.PATIENT_CLINICAL)
async def examination_submit(
    request: Request, patient_id: str, rc: RequestContext = Depends(request_context)
) -> Response:
    form = await request.form()
    try:
        svc.save_examination(
            rc.ctx,
            patient_id=patient_id,
            examination=forms.parse_examination(form),
            expected_version=_int(form.get("expected_version")),
            reason=str(form.get("reason") or ""),
            keep_video_findings=True,
        )
    except (InvalidInput, Conflict) as err:
        return _tab_response(request, rc, patient_id, "examination", examination_tab, error=err)
    return redirect(f"/patients/{patient_id}/tab/examination?notice=Examination+saved")


# ---------------------------------------------------------------- reasoning


@chart_tab("reasoning", "Reasoning", order=30)
def reasoning_tab(
    request: Request, rc: RequestContext, patient: Patient
) -> tuple[str, Mapping[str, Any]]:
    try:
        view = svc.clinical_picture(rc.ctx, patient_id=patient.id)
    except NotFound:
        view = None
    questions = {q.id: q.text for q in RED_FLAG_QUESTIONS}
    return "a_tab_reasoning.html", {**_common(request), "view": view, "red_flag_text": questions}


# ---------------------------------------------------------------- plan


def _sections(plan: Plan) -> list[tuple[str, list[Any]]]:
    return [(label, list(plan.of_kind(kind))) for kind, label in SECTIONS if plan.of_kind(kind)]


@chart_tab("plan", "Plan", order=35)
def plan_tab(
    request: Request, rc: RequestContext, patient: Patient
) -> tuple[str, Mapping[str, Any]]:
    context: dict[str, Any] = {**_common(request), "view": None, "current": None, "draft": None}
    try:
        view = svc.clinical_picture(rc.ctx, patient_id=patient.id)
    except NotFound:
        return "a_tab_plan.html", context
    context["view"] = view
    if view.blocked:
        return "a_tab_plan.html", context  # urgent red flag: the referral note, no plan
    current = svc.current_plan(rc.ctx, patient_id=patient.id)
    if current is None:
        draft = svc.draft_plan(rc.ctx, patient_id=patient.id)
        context.update(draft=draft, sections=_sections(draft))
    else:
        context.update(
            current=current,
            sections=_sections(current.plan),
            exercise_names=svc.exercise_names(rc.ctx),
            goal_kind=PlanItemKind.GOAL,
            exercise_kind=PlanItemKind.EXERCISE,
            history=list(reversed(svc.plan_history(rc.ctx, patient_id=patient.id))),
        )
    return "a_tab_plan.html", context


def _plan_error(
    request: Request, rc: RequestContext, patient_id: str, err: PainPathError
) -> Response:
    return _tab_response(request, rc, patient_id, "plan", plan_tab, error=err)


@add_route(router, "POST", "/patients/{patient_id}/plan/draft", access=Access.PATIENT_CLINICAL)
async def plan_draft_submit(
    request: Request, patient_id: str, rc: RequestContext = Depends(request_context)
) -> Response:
    form = await request.form()
    try:
        svc.save_plan(
            rc.ctx,
            patient_id=patient_id,
            expected_version=_int(form.get("expected_version")),
            reason=str(form.get("reason") or ""),
        )
    except (InvalidInput, Conflict, SafetyBlock, NotFound) as err:
        return _plan_error(request, rc, patient_id, err)
    return redirect(f"/patients/{patient_id}/tab/plan?notice=Plan+saved")


def _edits(form: Any) -> svc.PlanEdits:
    remove = tuple(str(v) for v in form.getlist("remove"))
    doses, notes, audiences, goals = {}, {}, {}, {}
    replace: dict[str, svc.ExerciseChoice] = {}
    positions: dict[str, int] = {}
    monitoring: dict[str, bool] = {}
    usual: dict[str, str] = {}
    for key, value in form.items():
        if key.startswith("position:"):
            position = _int(value)
            if position is None:
                raise InvalidInput("an item's order must be a whole number")
            positions[key[9:]] = position
        elif key.startswith("replace:") and str(value):
            replace[key[8:]] = svc.ExerciseChoice(exercise_id=str(value), days=("0", "2", "4"))
        elif key.startswith("goal:"):
            goals[key[5:]] = str(value)
        elif key.startswith("dose:"):
            doses[key[5:]] = str(value)
        elif key.startswith("note:"):
            notes[key[5:]] = str(value)
        elif key.startswith("note_audience:"):
            audiences[key[14:]] = str(value)
        elif key.startswith("usual_morning:"):
            usual[key[14:]] = str(value)
        elif key.startswith("monitor_shown:"):
            # The box is sent only when ticked: the hidden field says it was on the form.
            monitoring[key[14:]] = form.get(f"monitor:{key[14:]}") == "on"
    # A note whose text is unchanged but whose audience changed is an edit of that note.
    new_goal = str(form.get("new_goal") or "").strip()
    return svc.PlanEdits(
        remove=remove,
        doses=doses,
        notes=notes,
        note_audiences=audiences,
        replace_exercises=replace,
        positions=positions,
        add_goals=(new_goal,) if new_goal else (),
        goal_texts=goals,
        monitoring=monitoring,
        usual_mornings=usual,
    )


@add_route(
    router, "POST", "/patients/{patient_id}/plan/{record_id}/edit", access=Access.PATIENT_CLINICAL
)
async def plan_edit_submit(
    request: Request, patient_id: str, record_id: str, rc: RequestContext = Depends(request_context)
) -> Response:
    form = await request.form()
    try:
        changes = _edits(form)
        svc.edit_plan(
            rc.ctx,
            patient_id=patient_id,
            record_id=record_id,
            expected_version=_int(form.get("expected_version")) or 0,
            changes=changes,
            reason=str(form.get("reason") or ""),
        )
    except (InvalidInput, Conflict) as err:
        return _plan_error(request, rc, patient_id, err)
    return redirect(f"/patients/{patient_id}/tab/plan?notice=Plan+changes+saved+as+a+new+version")


@add_route(
    router, "POST", "/patients/{patient_id}/plan/{record_id}/sign", access=Access.PATIENT_CLINICAL
)
async def plan_sign_submit(
    request: Request, patient_id: str, record_id: str, rc: RequestContext = Depends(request_context)
) -> Response:
    form = await request.form()
    try:
        svc.sign_plan(
            rc.ctx,
            patient_id=patient_id,
            record_id=record_id,
            expected_version=_int(form.get("expected_version")) or 0,
        )
    except (InvalidInput, Conflict, SafetyBlock) as err:
        return _plan_error(request, rc, patient_id, err)
    return redirect(f"/patients/{patient_id}/tab/plan?notice=Plan+signed:+the+patient+sees+it+now")
