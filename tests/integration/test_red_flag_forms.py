"""The intake and examination pages capture the red-flag and falls fields: skip reasons for
unanswered safety questions, the falls history, and red-flag signs; errors appear next to the
field, and nothing is stored."""

from __future__ import annotations

from typing import Any

from painpath.domain.assessment.screening import CRITICAL_QUESTIONS
from painpath.services import assessment as svc
from tests.conftest import World, api_client


def _form(csrf: str, **extra: Any) -> dict[str, Any]:
    return {
        "csrf_token": csrf,
        "site": ["low_back:none"],
        "duration_weeks": "6",
        **{f"rf_{q}": "no" for q in CRITICAL_QUESTIONS if q != "ces_bowel"},
        **extra,
    }


def test_intake_form_saves_skip_reasons_and_falls(world: World) -> None:
    client, csrf = api_client(world.container, "clin@a.test")
    pid = world.patient.id
    page = client.get(f"/patients/{pid}/tab/intake")
    assert 'name="rf_skip_ces_bowel"' in page.text and 'name="falls_past_year"' in page.text
    form = _form(
        csrf,
        rf_skip_ces_bowel="patient too distressed to continue; ask next visit",
        rf_skip_ces_bladder="ignored: the question was answered",
        falls_past_year="2",
        falls_injured="yes",
        falls_worried="no",
    )
    resp = client.post(f"/patients/{pid}/intake", data=form)
    assert resp.status_code == 303
    stored = svc.get_intake(world.ctx(world.clinician), patient_id=pid)
    assert stored is not None
    assert stored.payload["red_flags_skipped"] == {
        "ces_bowel": "patient too distressed to continue; ask next visit"
    }
    assert stored.payload["falls"] == {"past_year": 2, "injured": True, "worried": False}
    again = client.get(f"/patients/{pid}/tab/intake").text
    assert 'value="patient too distressed to continue; ask next visit"' in again
    view = svc.clinical_picture(world.ctx(world.clinician), patient_id=pid)
    assert view.picture.screening.missing_critical == ()


def test_bad_falls_count_is_shown_next_to_the_field_and_not_stored(world: World) -> None:
    client, csrf = api_client(world.container, "clin@a.test")
    pid = world.patient.id
    for bad in ("1.5", "-2"):
        resp = client.post(f"/patients/{pid}/intake", data=_form(csrf, falls_past_year=bad))
        assert resp.status_code == 400
        assert 'data-testid="error-falls.past_year"' in resp.text
        assert "whole number" in resp.text
    assert svc.get_intake(world.ctx(world.clinician), patient_id=pid) is None


def test_short_skip_reason_is_shown_next_to_its_question(world: World) -> None:
    client, csrf = api_client(world.container, "clin@a.test")
    pid = world.patient.id
    resp = client.post(f"/patients/{pid}/intake", data=_form(csrf, rf_skip_ces_bowel="x"))
    assert resp.status_code == 400
    assert 'data-testid="error-red_flags_skipped.ces_bowel"' in resp.text
    assert 'aria-invalid="true"' in resp.text
    assert svc.get_intake(world.ctx(world.clinician), patient_id=pid) is None


def test_examination_form_records_red_flag_signs(world: World) -> None:
    client, csrf = api_client(world.container, "clin@a.test")
    pid = world.patient.id
    client.post(f"/patients/{pid}/intake", data=_form(csrf, rf_ces_bowel="no"))
    page = client.get(f"/patients/{pid}/tab/examination")
    assert 'data-testid="red-flag-signs"' in page.text
    resp = client.post(
        f"/patients/{pid}/examination",
        data={
            "csrf_token": csrf,
            "sign_upper_motor_neuron_signs": "yes",
            "sign_saddle_sensation_reduced": "no",
            "sign_spinal_percussion_tenderness": "",
        },
    )
    assert resp.status_code == 303
    stored = svc.get_examination(world.ctx(world.clinician), patient_id=pid)
    assert stored is not None
    assert stored.payload["red_flag_signs"] == {
        "upper_motor_neuron_signs": True,
        "saddle_sensation_reduced": False,
    }
    again = client.get(f"/patients/{pid}/tab/examination").text
    assert 'name="sign_upper_motor_neuron_signs" value="yes" checked' in again
    plan = client.get(f"/patients/{pid}/tab/plan").text
    assert 'data-testid="referral-box"' in plan and "within 24 hours" in plan
    reasoning = client.get(f"/patients/{pid}/tab/reasoning").text
    assert "upper-motor-neuron signs" in reasoning and 'data-testid="safety-net"' in reasoning
    assert "Urgent medical referral" in reasoning and "Urgent medical referral" in plan


def test_demo_shows_falls_and_examined_signs(container) -> None:  # type: ignore[no-untyped-def]
    from datetime import date

    from fastapi.testclient import TestClient

    from painpath.demo import DEMO_PASSWORD
    from painpath.web.app import create_app
    from tests.conftest import seed_demo_copy

    seed_demo_copy(container, today=date(2026, 11, 30))
    client = TestClient(create_app(container.settings, container=container))
    email = "clinician@demo.painpath.local"
    resp = client.post("/api/v1/session", json={"email": email, "password": DEMO_PASSWORD})
    assert resp.status_code == 200
    with container.uow() as uow:
        tom = next(p for p in uow.patients.search(clinic_id=1, query="Becker"))
        peter = next(p for p in uow.patients.search(clinic_id=1, query="Peter"))
    plan = client.get(f"/patients/{tom.id}/tab/plan").text
    assert "Strength and balance training to prevent falls" in plan
    reasoning = client.get(f"/patients/{peter.id}/tab/reasoning").text
    assert "reduced or altered sensation in the saddle" in reasoning
    assert 'data-testid="safety-net"' in reasoning


def test_the_patient_program_shows_the_safety_net_of_a_soon_flag(world: World) -> None:
    from tests.integration.test_assessment_services import KNEE

    clin = world.ctx(world.clinician)
    pid = world.patient.id
    answers = {**KNEE["red_flags"], "prolonged_steroids": True}
    svc.save_intake(clin, patient_id=pid, intake={**KNEE, "red_flags": answers})
    saved = svc.save_plan(clin, patient_id=pid)
    assert saved.record_id is not None
    svc.sign_plan(clin, patient_id=pid, record_id=saved.record_id, expected_version=1)
    program = svc.home_program(world.ctx(world.patient_actor), patient_id=pid)
    assert program is not None and len(program.safety_net) == 1
    assert "see your doctor in the next few days" in program.safety_net[0]
    client, _ = api_client(world.container, "pat@a.test")
    page = client.get("/me/program").text
    assert 'data-testid="safety-net"' in page and "When to get help" in page


def test_api_sign_is_refused_while_critical_questions_are_missing(world: World) -> None:
    from tests.integration.test_assessment_services import KNEE

    client, csrf = api_client(world.container, "clin@a.test")
    pid = world.patient.id
    headers = {"x-csrf-token": csrf}
    answers = {q: False for q in CRITICAL_QUESTIONS if q != "cancer_history"}
    intake = {**KNEE, "red_flags": answers}
    assert client.put(f"/api/v1/patients/{pid}/intake", json={"intake": intake}, headers=headers)
    created = client.post(f"/api/v1/patients/{pid}/plan", json={}, headers=headers)
    assert created.status_code == 201
    rid = created.json()["record_id"]
    sign = client.post(
        f"/api/v1/patients/{pid}/plan/{rid}/sign", json={"expected_version": 1}, headers=headers
    )
    assert sign.status_code == 409 and "treated for cancer" in sign.text
    skipped = {**intake, "red_flags_skipped": {"cancer_history": "asked by the GP, see letter"}}
    client.put(f"/api/v1/patients/{pid}/intake", json={"intake": skipped}, headers=headers)
    page = client.get(f"/patients/{pid}/tab/reasoning").text
    assert 'data-testid="skipped-questions"' in page and "asked by the GP, see letter" in page
    sign = client.post(
        f"/api/v1/patients/{pid}/plan/{rid}/sign", json={"expected_version": 1}, headers=headers
    )
    assert sign.status_code == 200


def test_a_patient_saving_their_intake_keeps_the_clinicians_skip_reasons(world: World) -> None:
    """The patient page has no skip-reason fields, so a patient save must not drop them; a
    question the patient now answers loses its skip (the answer replaces it)."""
    pid = world.patient.id
    clin_client, clin_csrf = api_client(world.container, "clin@a.test")
    reason = "interpreter not available; ask at the next visit"
    form = _form(clin_csrf, rf_skip_ces_bowel=reason, rf_ces_bladder="", rf_skip_ces_bladder=reason)
    assert clin_client.post(f"/patients/{pid}/intake", data=form).status_code == 303
    clin = world.ctx(world.clinician)
    first = svc.get_intake(clin, patient_id=pid)
    assert first is not None
    assert first.payload["red_flags_skipped"] == {"ces_bowel": reason, "ces_bladder": reason}

    client, csrf = api_client(world.container, "pat@a.test")
    page = client.get("/me/intake").text
    assert "rf_skip_" not in page
    answers = {f"rf_{q}": "no" for q in first.payload["red_flags"]}
    resp = client.post(
        "/me/intake",
        data={
            "csrf_token": csrf,
            "expected_version": str(first.version),
            "site": ["low_back:none"],
            "duration_weeks": "8",
            **answers,
            "rf_ces_bladder": "no",
        },
    )
    assert resp.status_code == 303
    saved = svc.get_intake(clin, patient_id=pid)
    assert saved is not None and saved.version == first.version + 1
    assert saved.meta["entered_by_role"] == "patient"
    assert saved.payload["duration_weeks"] == 8
    assert saved.payload["red_flags_skipped"] == {"ces_bowel": reason}
    assert saved.payload["red_flags"]["ces_bladder"] is False
    view = svc.clinical_picture(clin, patient_id=pid)
    assert view.picture.screening.missing_critical == ()


def test_a_patient_cannot_change_the_clinicians_skip_reasons_through_the_api(
    world: World,
) -> None:
    from tests.integration.test_assessment_services import KNEE

    pid = world.patient.id
    clin = world.ctx(world.clinician)
    answers = {k: v for k, v in KNEE["red_flags"].items() if k != "ces_bowel"}
    skipped = {"ces_bowel": "asked by phone, line dropped"}
    svc.save_intake(
        clin, patient_id=pid, intake={**KNEE, "red_flags": answers, "red_flags_skipped": skipped}
    )
    client, csrf = api_client(world.container, "pat@a.test")
    body = {
        "intake": {
            **KNEE,
            "red_flags": answers,
            "red_flags_skipped": {"ces_bowel": "not relevant to me"},
        }
    }
    resp = client.put(f"/api/v1/patients/{pid}/intake", json=body, headers={"X-CSRF-Token": csrf})
    assert resp.status_code == 400, resp.text
    assert "red_flags_skipped" in resp.text
    stored = svc.get_intake(clin, patient_id=pid)
    assert stored is not None and stored.version == 1
    same = {"intake": {**KNEE, "red_flags": answers, "red_flags_skipped": skipped}}
    ok = client.put(f"/api/v1/patients/{pid}/intake", json=same, headers={"X-CSRF-Token": csrf})
    assert ok.status_code == 200, ok.text
    kept = svc.get_intake(clin, patient_id=pid)
    assert kept is not None and kept.payload["red_flags_skipped"] == skipped


def test_a_patient_page_save_keeps_intake_fields_the_page_does_not_ask(world: World) -> None:
    from tests.integration.test_assessment_services import KNEE

    pid = world.patient.id
    clin = world.ctx(world.clinician)
    svc.save_intake(clin, patient_id=pid, intake={**KNEE, "pain_average": 4})
    client, csrf = api_client(world.container, "pat@a.test")
    form = {
        "csrf_token": csrf,
        "site": ["knee:right"],
        "duration_weeks": "30",
        **{f"rf_{q}": "no" for q in CRITICAL_QUESTIONS},
    }
    assert client.post("/me/intake", data=form).status_code == 303
    saved = svc.get_intake(clin, patient_id=pid)
    assert saved is not None and saved.version == 2
    assert saved.payload["duration_weeks"] == 30 and saved.payload["pain_average"] == 4


def test_a_form_save_keeps_recorded_detail_the_form_does_not_show(world: World) -> None:
    """The intake form shows night pain yes/no and sensitivity yes/no; the stored detail behind
    them (night and rest pain for irritability, sensitivity per modality) survives a save that
    keeps the same answer, and goes when the answer changes."""
    from tests.integration.test_assessment_services import KNEE

    pid = world.patient.id
    clin = world.ctx(world.clinician)
    detail = {"touch": True, "cold": True}
    svc.save_intake(
        clin,
        patient_id=pid,
        intake={
            **KNEE,
            "pattern": {"night_pain": True, "night_rest_pain": "constant"},
            "hypersensitivity_history": detail,
        },
    )
    client, csrf = api_client(world.container, "pat@a.test")
    form = {
        "csrf_token": csrf,
        "site": ["knee:right"],
        "duration_weeks": "30",
        "night_pain": "1",
        "constant": "1",
        "hx_hypersensitivity_history": "yes",
        **{f"rf_{q}": "no" for q in CRITICAL_QUESTIONS},
    }
    assert client.post("/me/intake", data=form).status_code == 303
    saved = svc.get_intake(clin, patient_id=pid)
    assert saved is not None and saved.version == 2
    assert saved.payload["pattern"] == {
        "night_pain": True,
        "constant": True,
        "night_rest_pain": "constant",
    }
    assert saved.payload["hypersensitivity_history"] == detail
    changed = {**form, "hx_hypersensitivity_history": "no"}
    assert client.post("/me/intake", data=changed).status_code == 303
    again = svc.get_intake(clin, patient_id=pid)
    assert again is not None and again.payload["hypersensitivity_history"] is False
