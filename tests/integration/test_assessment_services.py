"""Assessment services on a real database: intake and examination records, the picture, the
plan from draft to signature (optimistic locking), the safety block and the patient's program."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient

from painpath.domain.assessment.findings import Finding, FindingKind, FindingSource
from painpath.domain.assessment.screening import CRITICAL_QUESTIONS
from painpath.domain.errors import Conflict, InvalidCase, NotFound, PermissionDenied, SafetyBlock
from painpath.domain.planning import PlanItemKind
from painpath.domain.records import RecordKind
from painpath.domain.types import Side
from painpath.services import assessment as svc
from painpath.services.assessment.markdown import markdown_to_html
from tests.conftest import World, api_client

KNEE: dict[str, Any] = {
    "pain_sites": [{"region": "knee", "side": "right", "primary": True}],
    "duration_weeks": 26,
    "pain_now": 3,
    "pain_worst": 6,
    "settle_min": 45,
    "provoked_after_min": 20,
    "goals": [{"name": "run 5 km", "ability": 2}],
    "red_flags": dict.fromkeys(CRITICAL_QUESTIONS, False),
}
KNEE_EXAM: dict[str, Any] = {
    "findings": [
        {"kind": "compensation", "code": "dynamic_knee_valgus", "side": "right"},
        {
            "kind": "strength",
            "code": "hip_abduction",
            "side": "right",
            "value": 3,
            "abnormal": True,
        },
    ]
}
URGENT: dict[str, Any] = {
    "pain_sites": [{"region": "low_back", "primary": True}],
    "duration_weeks": 2,
    "red_flags": {"ces_saddle_numbness": True, "ces_bladder": True},
}


def _clin(world: World):  # type: ignore[no-untyped-def]
    return world.ctx(world.clinician)


def _assessed(world: World) -> str:
    pid = world.patient.id
    svc.save_intake(_clin(world), patient_id=pid, intake=KNEE)
    svc.save_examination(_clin(world), patient_id=pid, examination=KNEE_EXAM)
    return pid


def _response(world: World, instrument: str, total: float, day: str, *, valid: bool = True) -> None:
    payload = {
        "instrument": instrument,
        "answers": [],
        "valid": valid,
        "total": total if valid else None,
        "subscales": {},
        "band": None,
        "missing": [],
        "messages": [],
        "completed_on": day,
        "entered_by_role": "patient",
    }
    with world.container.uow() as uow:
        uow.records.add(
            kind=RecordKind.RESPONSE,
            patient_id=world.patient.id,
            payload=payload,
            created_by=world.clinician.user_id,
        )
        uow.commit()


# ---------------------------------------------------------------- intake and examination


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"pain_sites": []}, "pain_sites"),
        ({"pain_now": 11}, "intake.pain_now: 11 is outside 0-10"),
        ({"red_flags": {"no_such_question": True}}, "unknown question"),
        ({"onset": "yesterday"}, "intake.onset"),
        ({"favourite_colour": "blue"}, "unknown field"),
    ],
)
def test_invalid_intake_is_refused_with_a_message_naming_the_field(
    world: World, change: dict[str, Any], message: str
) -> None:
    with pytest.raises(InvalidCase, match=re.escape(message)):
        svc.save_intake(_clin(world), patient_id=world.patient.id, intake={**KNEE, **change})
    assert svc.get_intake(_clin(world), patient_id=world.patient.id) is None


def test_intake_takes_age_and_sex_from_the_record_and_revises_by_version(world: World) -> None:
    pid = world.patient.id
    first = svc.save_intake(world.ctx(world.patient_actor), patient_id=pid, intake=KNEE)
    today = world.container.clock.today()
    assert first.version == 1
    assert first.payload["age"] == world.patient.age_on(today)
    assert first.payload["sex"] == "female"
    assert first.meta["entered_by_role"] == "patient"
    second = svc.save_intake(
        _clin(world),
        patient_id=pid,
        intake={**KNEE, "pain_now": 5},
        expected_version=1,
        reason="history taken at the visit",
    )
    assert (second.record_id, second.version) == (first.record_id, 2)
    assert second.change_reason == "history taken at the visit"
    with pytest.raises(Conflict, match="version 1"):
        svc.save_intake(_clin(world), patient_id=pid, intake=KNEE, expected_version=1)
    with pytest.raises(PermissionDenied):
        svc.save_intake(world.ctx(world.other_patient_actor), patient_id=pid, intake=KNEE)


def test_examination_validation_and_findings_from_video(world: World) -> None:
    pid = world.patient.id
    bad = {"findings": [{"kind": "compensation", "code": "wobbly_knee"}]}
    with pytest.raises(InvalidCase, match="dynamic_knee_valgus"):
        svc.save_examination(_clin(world), patient_id=pid, examination=bad)
    with pytest.raises(PermissionDenied):
        svc.save_examination(world.ctx(world.patient_actor), patient_id=pid, examination=KNEE_EXAM)
    svc.save_examination(_clin(world), patient_id=pid, examination=KNEE_EXAM)
    video = Finding(
        FindingKind.COMPENSATION,
        "pelvic_drop",
        Side.LEFT,
        test="single-leg-squat",
        source=FindingSource.VIDEO,
        confidence=0.8,
    )
    record = svc.add_findings(_clin(world), patient_id=pid, findings=[video], source="video job 7")
    assert record.version == 2 and record.change_reason == "1 finding(s) added from video job 7"
    codes = [(f["code"], f.get("source", "clinician")) for f in record.payload["findings"]]
    assert codes == [
        ("dynamic_knee_valgus", "clinician"),
        ("hip_abduction", "clinician"),
        ("pelvic_drop", "video"),
    ]
    # The clinician's form replaces their own findings but keeps what video analysis found.
    kept = svc.save_examination(
        _clin(world), patient_id=pid, examination={"findings": []}, keep_video_findings=True
    )
    assert [f["code"] for f in kept.payload["findings"]] == ["pelvic_drop"]


# ---------------------------------------------------------------- picture


def test_picture_reads_the_latest_valid_response_per_instrument(world: World) -> None:
    pid = _assessed(world)
    _response(world, "tsk-17", 30, "2026-01-01")
    _response(world, "tsk-17", 45, "2026-02-01")
    _response(world, "pcs", 40, "2026-02-02", valid=False)
    view = svc.clinical_picture(_clin(world), patient_id=pid)
    assert view.picture.scores["tsk-17"].total == 45
    assert "pcs" not in view.picture.scores
    assert view.score_dates["tsk-17"] == "2026-02-01"
    assert "kinesiophobia" in view.picture.flag_ids()
    assert not view.blocked and view.referral is None
    impairments = {t.impairment.value for t in view.picture.impairments}
    assert "hip_abductor_weakness" in impairments
    with pytest.raises(PermissionDenied):
        svc.clinical_picture(world.ctx(world.patient_actor), patient_id=pid)


def test_no_picture_without_an_intake(world: World) -> None:
    with pytest.raises(NotFound, match="no intake"):
        svc.clinical_picture(_clin(world), patient_id=world.patient.id)


# ---------------------------------------------------------------- plan


def test_plan_draft_edit_sign_with_optimistic_locking(world: World) -> None:
    pid = _assessed(world)
    draft = svc.draft_plan(_clin(world), patient_id=pid)
    assert draft.of_kind(PlanItemKind.EXERCISE) and draft.of_kind(PlanItemKind.FLARE_PLAN)
    saved = svc.save_plan(_clin(world), patient_id=pid)
    assert saved.version == 1 and saved.record_id and not saved.signed
    with pytest.raises(Conflict, match="already has a plan"):
        svc.save_plan(_clin(world), patient_id=pid)
    exercise = saved.plan.of_kind(PlanItemKind.EXERCISE)[0]
    review = saved.plan.of_kind(PlanItemKind.REVIEW)[-1]
    edits = svc.PlanEdits(
        remove=(review.id,),
        doses={exercise.id: "2 x 8, daily"},
        notes={exercise.id: "slow lowering"},
    )
    edited = svc.edit_plan(
        _clin(world),
        patient_id=pid,
        record_id=saved.record_id,
        expected_version=1,
        changes=edits,
        reason="lower dose to start",
    )
    assert edited.version == 2 and edited.change_reason == "lower dose to start"
    item = edited.plan.item(exercise.id)
    assert item.attributes["dose"] == "2 x 8, daily" and item.attributes["note"] == "slow lowering"
    assert review.id not in {i.id for i in edited.plan.items}
    with pytest.raises(Conflict, match="you edited version 1, the current version is 2"):
        svc.edit_plan(
            _clin(world),
            patient_id=pid,
            record_id=saved.record_id,
            expected_version=1,
            changes=svc.PlanEdits(remove=(exercise.id,)),
            reason="stale tab",
        )
    with pytest.raises(Conflict):
        svc.sign_plan(_clin(world), patient_id=pid, record_id=saved.record_id, expected_version=1)
    signed = svc.sign_plan(
        _clin(world), patient_id=pid, record_id=saved.record_id, expected_version=2
    )
    assert signed.version == 3 and signed.plan.signed_by == world.clinician.name
    assert signed.plan.signed_at is not None
    history = svc.plan_history(_clin(world), patient_id=pid)
    assert [(h.version, h.signed) for h in history] == [(1, False), (2, False), (3, True)]
    with world.container.uow() as uow:
        actions = [e.action for e in uow.audit.search(patient_id=pid)]
    assert {"plan.save", "plan.edit", "plan.sign"} <= set(actions)


def test_urgent_red_flag_blocks_the_plan_and_gives_the_referral(world: World) -> None:
    pid = world.patient.id
    svc.save_intake(_clin(world), patient_id=pid, intake=URGENT)
    view = svc.clinical_picture(_clin(world), patient_id=pid)
    assert view.blocked
    assert view.referral is not None and "EMERGENCY" in view.referral
    assert "numbness or tingling between your legs" in view.referral
    assert "emergency department now" in view.picture.screening.safety_net[0]
    with pytest.raises(SafetyBlock, match="cauda equina"):
        svc.draft_plan(_clin(world), patient_id=pid)
    with pytest.raises(SafetyBlock):
        svc.save_plan(_clin(world), patient_id=pid)
    assert svc.current_plan(_clin(world), patient_id=pid) is None


def test_home_program_shows_only_the_signed_plan(world: World) -> None:
    pid = _assessed(world)
    me = world.ctx(world.patient_actor)
    saved = svc.save_plan(_clin(world), patient_id=pid)
    assert saved.record_id is not None
    assert svc.home_program(me, patient_id=pid) is None  # drafted, not signed
    signed = svc.sign_plan(
        _clin(world), patient_id=pid, record_id=saved.record_id, expected_version=1
    )
    program = svc.home_program(me, patient_id=pid)
    assert program is not None and program.version == signed.version
    first = program.exercises[0]
    assert first.svg.startswith("<svg") and first.cues and "times a week" in first.dose
    assert program.lessons and program.flare_plan
    # An edit after signing is invisible to the patient until it is signed again.
    svc.edit_plan(
        _clin(world),
        patient_id=pid,
        record_id=saved.record_id,
        expected_version=2,
        changes=svc.PlanEdits(doses={first.item_id: "1 x 5"}),
        reason="flare",
    )
    assert svc.home_program(me, patient_id=pid).exercises[0].dose == first.dose  # type: ignore[union-attr]
    svc.sign_plan(_clin(world), patient_id=pid, record_id=saved.record_id, expected_version=3)
    assert svc.home_program(me, patient_id=pid).exercises[0].dose == "1 x 5"  # type: ignore[union-attr]
    with pytest.raises(PermissionDenied):
        svc.home_program(world.ctx(world.other_patient_actor), patient_id=pid)


# ---------------------------------------------------------------- lessons


def test_markdown_subset_is_rendered_and_everything_else_escaped() -> None:
    text = "# Title\n\nSome **bold** and *soft* words <script>alert(1)</script>\n\n- one\n- two"
    out = markdown_to_html(text)
    assert "<h2>Title</h2>" in out
    assert "<strong>bold</strong>" in out and "<em>soft</em>" in out
    assert "<script>" not in out and "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    assert "<ul>\n<li>one</li>\n<li>two</li>\n</ul>" in out
    assert markdown_to_html('<img src=x onerror="x()">') == (
        "<p>&lt;img src=x onerror=&quot;x()&quot;&gt;</p>"
    )


def test_lesson_for_the_patient(world: World) -> None:
    me = world.ctx(world.patient_actor)
    view = svc.lesson(me, patient_id=world.patient.id, lesson_id="hurt-vs-harm")
    assert view.title and "<h2>" in view.html and not view.assigned
    assert not view.html.lstrip().startswith(f"<h2>{view.title}")  # the page shows it once
    with pytest.raises(NotFound):
        svc.lesson(me, patient_id=world.patient.id, lesson_id="../../etc/passwd")


# ---------------------------------------------------------------- web and API


def _client(world: World, email: str) -> tuple[TestClient, str]:
    return api_client(world.container, email)


def test_intake_form_body_map_checkboxes_and_plan_tab(world: World) -> None:
    client, csrf = _client(world, "clin@a.test")
    pid = world.patient.id
    page = client.get(f"/patients/{pid}/tab/intake")
    assert 'data-region="knee" data-side="right"' in page.text
    assert 'type="checkbox" name="site" value="knee:right"' in page.text
    form = {
        "csrf_token": csrf,
        "site": ["knee:right", "hip:right"],
        "primary": "knee:right",
        "duration_weeks": "26",
        "rf_ces_bladder": "no",
        "goal_name_0": "run",
        "goal_ability_0": "2",
    }
    resp = client.post(f"/patients/{pid}/intake", data=form)
    assert resp.status_code == 303
    stored = svc.get_intake(_clin(world), patient_id=pid)
    assert stored is not None
    assert stored.payload["pain_sites"] == [
        {"region": "knee", "side": "right", "primary": True},
        {"region": "hip", "side": "right", "primary": False},
    ]
    assert stored.payload["red_flags"] == {"ces_bladder": False}
    bad = client.post(f"/patients/{pid}/intake", data={**form, "duration_weeks": "lots"})
    assert bad.status_code == 400 and "must be a number" in bad.text
    plan_tab = client.get(f"/patients/{pid}/tab/plan")
    assert "Draft plan (not saved)" in plan_tab.text and "Why?" in plan_tab.text


def test_api_urgent_case_gets_409_and_the_plan_tab_shows_only_the_referral(world: World) -> None:
    client, csrf = _client(world, "clin@a.test")
    pid = world.patient.id
    headers = {"x-csrf-token": csrf}
    put = client.put(f"/api/v1/patients/{pid}/intake", json={"intake": URGENT}, headers=headers)
    assert put.status_code == 200 and put.json()["version"] == 1
    picture = client.get(f"/api/v1/patients/{pid}/picture").json()
    assert picture["blocked"] is True and "EMERGENCY" in picture["referral"]
    resp = client.post(f"/api/v1/patients/{pid}/plan", json={}, headers=headers)
    assert resp.status_code == 409
    tab = client.get(f"/patients/{pid}/tab/plan")
    assert 'data-testid="referral-box"' in tab.text and "plan-editor" not in tab.text
    # Both tabs name the same level: an emergency is not called "urgent" on the reasoning tab.
    assert "Emergency medical referral" in tab.text
    reasoning = client.get(f"/patients/{pid}/tab/reasoning").text
    assert "Emergency medical referral" in reasoning and "Urgent medical referral" not in reasoning


def test_api_plan_round_trip(world: World) -> None:
    client, csrf = _client(world, "clin@a.test")
    pid = _assessed(world)
    headers = {"x-csrf-token": csrf}
    created = client.post(f"/api/v1/patients/{pid}/plan", json={}, headers=headers)
    assert created.status_code == 201
    rid = created.json()["record_id"]
    sign = client.post(
        f"/api/v1/patients/{pid}/plan/{rid}/sign", json={"expected_version": 1}, headers=headers
    )
    assert sign.status_code == 200 and sign.json()["signed"] is True
    stale = client.post(
        f"/api/v1/patients/{pid}/plan/{rid}/sign", json={"expected_version": 1}, headers=headers
    )
    assert stale.status_code == 409
    got = client.get(f"/api/v1/patients/{pid}/plan").json()
    assert [h["version"] for h in got["history"]] == [1, 2]


def test_demo_seeds_assessments_and_signed_plans(container) -> None:  # type: ignore[no-untyped-def]
    from painpath.demo.assessment import seed as _unused  # noqa: F401 - the module must import
    from tests.conftest import seed_demo_copy

    summary = seed_demo_copy(container, today=date(2026, 11, 30))
    assert "peter: urgent referral, no plan" in summary
    with container.uow() as uow:
        maria = next(p for p in uow.patients.search(clinic_id=1, query="Lopez"))
        user = uow.users.by_patient(maria.id)
    assert user is not None
    from painpath.domain.accounts import Actor, Role

    me = container.context().acting_as(
        Actor(user.id, Role.PATIENT, user.clinic_id, user.name, maria.id)
    )
    program = svc.home_program(me, patient_id=maria.id)
    assert program is not None and program.exercises


def test_examination_form_stores_structured_findings_and_shows_norms(world: World) -> None:
    client, csrf = _client(world, "clin@a.test")
    pid = world.patient.id
    svc.save_intake(_clin(world), patient_id=pid, intake={**KNEE, "age": 70})
    form = {
        "csrf_token": csrf,
        "comp-0-test": "single-leg-squat",
        "comp-0-side": "right",
        "comp-0-code": "dynamic_knee_valgus",
        "rom-0-code": "hip_internal_rotation",
        "rom-0-side": "left",
        "rom-0-value": "20",
        "rom-0-abnormal": "1",
        "str-1-code": "hip_abduction",
        "str-1-side": "right",
        "str-1-value": "3",
        "str-1-abnormal": "1",
        "sen-0-code": "allodynia",
        "sen-0-side": "both",
        "fn-chair_stand_30s-none": "8",
        "fn-single_leg_stance-left": "12",
    }
    assert client.post(f"/patients/{pid}/examination", data=form).status_code == 303
    stored = svc.get_examination(_clin(world), patient_id=pid)
    assert stored is not None
    found = {
        (f["kind"], f["code"], f["side"], f.get("value"), f.get("abnormal"))
        for f in stored.payload["findings"]
    }
    assert found == {
        ("compensation", "dynamic_knee_valgus", "right", None, None),
        ("range_of_motion", "hip_internal_rotation", "left", 20.0, True),
        ("strength", "hip_abduction", "right", 3.0, True),
        ("sensory", "allodynia", "both", None, False),
        ("functional_test", "chair_stand_30s", "none", 8.0, None),
        ("functional_test", "single_leg_stance", "left", 12.0, None),
    }
    tab = client.get(f"/patients/{pid}/tab/examination").text
    # 70-year-old woman: Rikli & Jones 1999 range 10-15 stands, so 8 is below the norm.
    norm_row = re.search(r'data-testid="norm-chair_stand_30s">(.*?)</tr>', tab, re.S)
    assert (
        norm_row and "Rikli &amp; Jones 1999" in norm_row.group(1) and "below" in norm_row.group(1)
    )
    bad = client.post(f"/patients/{pid}/examination", data={**form, "str-1-value": "7"})
    assert bad.status_code == 400 and "outside 0-5" in bad.text


def test_patient_answers_the_intake_on_their_phone(world: World) -> None:
    client, csrf = _client(world, "pat@a.test")
    page = client.get("/me")
    assert "Tell us about your pain" in page.text and "/me/intake" in page.text
    form = {
        "csrf_token": csrf,
        "site": ["low_back:none"],
        "duration_weeks": "10",
        "rf_ces_saddle_numbness": "no",
        "rf_ces_bladder": "no",
        "hx_fatigue": "yes",
    }
    assert client.post("/me/intake", data=form).status_code == 303
    stored = svc.get_intake(_clin(world), patient_id=world.patient.id)
    assert stored is not None and stored.meta["entered_by_role"] == "patient"
    assert stored.payload["fatigue"] is True
    assert stored.payload["red_flags"] == {"ces_saddle_numbness": False, "ces_bladder": False}
    assert "Tell us about your pain" not in client.get("/me").text
    stale = client.post("/me/intake", data={**form, "expected_version": "0"})
    assert stale.status_code == 400 and "changed since you opened it" in stale.text


def test_home_program_puts_todays_exercises_first(world: World) -> None:
    from dataclasses import replace
    from datetime import date, timedelta

    from painpath.demo import FixedClock

    pid = _assessed(world)
    saved = svc.save_plan(_clin(world), patient_id=pid)
    assert saved.record_id is not None
    svc.sign_plan(_clin(world), patient_id=pid, record_id=saved.record_id, expected_version=1)
    monday = date(2026, 11, 30)
    seen_today: dict[str, int] = {}
    for offset in range(7):
        day = monday + timedelta(days=offset)
        me = replace(world.ctx(world.patient_actor), clock=FixedClock(day))
        program = svc.home_program(me, patient_id=pid)
        assert program is not None
        flags = [e.today for e in program.exercises]
        assert flags == sorted(flags, reverse=True)  # today's first, then the other days
        for ex in program.exercises:
            assert ex.today == (day.weekday() in ex.weekdays)
            seen_today[ex.item_id] = seen_today.get(ex.item_id, 0) + ex.today
    # Over a week each exercise comes up exactly as often as its dose says.
    for ex in program.exercises:
        assert seen_today[ex.item_id] == len(ex.weekdays)


def test_unanswered_critical_questions_block_signing_until_answered_or_skipped(
    world: World,
) -> None:
    pid = world.patient.id
    answers = {q: False for q in CRITICAL_QUESTIONS if q not in ("ces_bowel", "cancer_history")}
    svc.save_intake(_clin(world), patient_id=pid, intake={**KNEE, "red_flags": answers})
    saved = svc.save_plan(_clin(world), patient_id=pid)  # drafting is allowed
    assert saved.record_id is not None
    with pytest.raises(SafetyBlock, match=r"lost control of your bowels.*treated for cancer"):
        svc.sign_plan(_clin(world), patient_id=pid, record_id=saved.record_id, expected_version=1)
    client, _ = _client(world, "clin@a.test")
    tab = client.get(f"/patients/{pid}/tab/plan")
    assert 'data-testid="sign-blocked"' in tab.text and 'data-testid="sign-plan"' not in tab.text
    assert "Have you ever been treated for cancer?" in tab.text
    reasoning = client.get(f"/patients/{pid}/tab/reasoning")
    assert 'data-testid="missing-critical"' in reasoning.text
    with pytest.raises(InvalidCase, match="give the reason"):
        svc.save_intake(
            _clin(world),
            patient_id=pid,
            intake={**KNEE, "red_flags": answers, "red_flags_skipped": {"ces_bowel": " "}},
        )
    svc.save_intake(
        _clin(world),
        patient_id=pid,
        intake={
            **KNEE,
            "red_flags": {**answers, "cancer_history": False},
            "red_flags_skipped": {"ces_bowel": "interpreter not available; ask at next visit"},
        },
    )
    signed = svc.sign_plan(
        _clin(world), patient_id=pid, record_id=saved.record_id, expected_version=1
    )
    assert signed.signed


def test_a_new_urgent_flag_blocks_signing_an_existing_plan(world: World) -> None:
    pid = _assessed(world)
    saved = svc.save_plan(_clin(world), patient_id=pid)
    assert saved.record_id is not None
    svc.save_examination(
        _clin(world),
        patient_id=pid,
        examination={**KNEE_EXAM, "red_flag_signs": {"upper_motor_neuron_signs": True}},
    )
    with pytest.raises(SafetyBlock, match="urgent red flag"):
        svc.sign_plan(_clin(world), patient_id=pid, record_id=saved.record_id, expected_version=1)
