"""Treatment session notes (issue 14 item 2): one note per visit, versioned and signed, re-tests
join the examination history, the chart shows the visits on a timeline."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from painpath.domain.errors import Conflict, InvalidInput
from painpath.domain.planning.sessions import session_from_mapping
from painpath.services import assessment as svc
from tests.conftest import World, api_client, csrf_from
from tests.integration.test_assessment_services import _assessed, _clin


def _note(world: World, **extra: Any) -> dict[str, Any]:
    today = world.container.context().clock.today()
    return {
        "visit_date": today.isoformat(),
        "subjective": "Slept better; stairs still sore",
        "retests": [
            {
                "kind": "range_of_motion",
                "code": "knee flexion",
                "value": "118",
                "unit": "degrees",
                "side": "right",
            }
        ],
        "interventions": [
            {
                "technique": "Tibiofemoral mobilisation",
                "region": "knee",
                "grade": "III",
                "dose": "3 x 60 s",
            }
        ],
        "progressions": "Wall sit to split squat",
        "education": "Pain and tissue load",
        "response": "Less pain on stairs after treatment",
        "next_time": "Re-test stairs",
        **extra,
    }


def test_a_note_is_saved_signed_and_edited_as_versions(world: World) -> None:
    pid = _assessed(world)
    saved = svc.save_session(_clin(world), patient_id=pid, note=_note(world))
    assert saved.version == 1 and saved.signed_by is None
    assert saved.note.interventions[0].grade == "III"
    assert saved.note.retests[0].code == "knee_flexion"
    signed = svc.sign_session(
        _clin(world), patient_id=pid, record_id=saved.record_id, expected_version=1
    )
    assert signed.version == 2 and signed.signed_by
    with pytest.raises(Conflict):
        svc.save_session(_clin(world), patient_id=pid, note=_note(world))  # same visit day
    with pytest.raises(InvalidInput, match="reason"):
        svc.save_session(_clin(world), patient_id=pid, note=_note(world), expected_version=2)
    edited = svc.save_session(
        _clin(world),
        patient_id=pid,
        note=_note(world, response="Much less pain on stairs"),
        expected_version=2,
        reason="response corrected",
    )
    assert edited.version == 3 and edited.signed_by is None  # an edit must be signed again
    history = svc.session_history(_clin(world), patient_id=pid, record_id=saved.record_id)
    assert [h.version for h in history] == [1, 2, 3]
    assert history[0].note.response == "Less pain on stairs after treatment"


def test_retests_join_the_examination_history(world: World) -> None:
    pid = _assessed(world)
    before = svc.get_examination(_clin(world), patient_id=pid)
    count = len(before.payload.get("findings") or []) if before else 0
    svc.save_session(_clin(world), patient_id=pid, note=_note(world))
    after = svc.get_examination(_clin(world), patient_id=pid)
    assert after is not None
    findings = after.payload["findings"]
    assert len(findings) == count + 1
    assert findings[-1]["code"] == "knee_flexion" and findings[-1]["value"] == 118.0
    assert before is None or after.version == before.version + 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"visit_date": "2001-01-01"}, "visit date"),
        ({"visit_date": "nonsense"}, "visit date"),
        ({"interventions": [{"technique": "mob", "region": "knee", "grade": "VII"}]}, "grade"),
        ({"interventions": [{"technique": "mob", "region": "moon"}]}, "region"),
        ({"retests": [{"kind": "strength", "code": "hip abduction", "value": "lots"}]}, "number"),
        ({"retests": [{"kind": "compensation", "code": "x_y", "value": "1"}]}, "re-test"),
    ],
)
def test_bad_notes_are_refused_and_nothing_is_stored(
    world: World, change: dict[str, Any], message: str
) -> None:
    pid = _assessed(world)
    with pytest.raises(InvalidInput, match=message):
        svc.save_session(_clin(world), patient_id=pid, note=_note(world, **change))
    assert svc.list_sessions(_clin(world), patient_id=pid) == []


def test_future_and_empty_notes_are_refused() -> None:
    from datetime import date

    today = date(2026, 12, 5)
    with pytest.raises(InvalidInput, match="on or after the visit"):
        session_from_mapping(
            {"visit_date": (today + timedelta(days=1)).isoformat(), "subjective": "x"},
            episode_start=None,
            today=today,
        )
    with pytest.raises(InvalidInput, match="before this episode"):
        session_from_mapping(
            {"visit_date": "2026-12-01", "subjective": "x"},
            episode_start=date(2026, 12, 2),
            today=today,
        )
    with pytest.raises(InvalidInput, match="empty"):
        session_from_mapping({"visit_date": "2026-12-05"}, episode_start=None, today=today)


def test_the_chart_tab_records_a_session_and_shows_the_timeline(world: World) -> None:
    pid = _assessed(world)
    staff, _ = api_client(world.container, "clin@a.test")
    tab = staff.get(f"/patients/{pid}/tab/sessions")
    assert tab.status_code == 200 and "New session note" in tab.text
    today = world.container.context().clock.today().isoformat()
    form = {
        "csrf_token": csrf_from(tab.text),
        "visit_date": today,
        "subjective": "Better week",
        "i1_technique": "Soft tissue massage",
        "i1_region": "hip",
        "i1_grade": "",
        "i1_dose": "5 min",
        "r1_kind": "functional_test",
        "r1_code": "chair_stand_30s",
        "r1_value": "12",
        "r1_unit": "reps",
        "r1_side": "none",
        "response": "Relaxed",
    }
    bad = staff.post(f"/patients/{pid}/sessions", data={**form, "i1_grade": "IX"})
    assert bad.status_code == 400 and 'data-testid="form-error"' in bad.text
    assert "Better week" in bad.text  # the typed note is kept
    ok = staff.post(f"/patients/{pid}/sessions", data=form)
    assert ok.status_code == 303
    page = staff.get(f"/patients/{pid}/tab/sessions").text
    assert f'data-testid="visit-{today}"' in page and "Soft tissue massage" in page
    assert "chair stand 30s 12 reps" in page
    view = svc.list_sessions(_clin(world), patient_id=pid)[0]
    signed = staff.post(
        f"/patients/{pid}/sessions/{view.record_id}/sign",
        data={"csrf_token": csrf_from(page), "expected_version": "1"},
    )
    assert signed.status_code == 303
    assert 'data-testid="session-signed"' in staff.get(f"/patients/{pid}/tab/sessions").text


def test_another_clinic_cannot_read_or_write_sessions(world: World) -> None:
    pid = _assessed(world)
    from painpath.domain.errors import NotFound, PermissionDenied

    with pytest.raises((PermissionDenied, NotFound)):
        svc.save_session(world.ctx(world.other_clinician), patient_id=pid, note=_note(world))
    with pytest.raises((PermissionDenied, NotFound)):
        svc.list_sessions(world.ctx(world.patient_actor), patient_id=pid)


def test_the_demo_shows_visits_on_a_timeline_and_a_library_exercise(container) -> None:  # type: ignore[no-untyped-def]
    from datetime import date

    from painpath.domain.accounts import Actor, Role
    from tests.conftest import seed_demo_copy

    summary = seed_demo_copy(container, today=date(2026, 11, 30))
    assert "maria: 3 visits" in summary and "banded side step added" in summary
    with container.uow() as uow:
        maria = next(p for p in uow.patients.search(clinic_id=1, query="Lopez"))
        james = next(p for p in uow.patients.search(clinic_id=1, query="Connor"))
        staff = uow.users.by_email("clinician@demo.painpath.local")
    assert staff is not None
    ctx = container.context().acting_as(
        Actor(staff.id, Role.CLINICIAN, staff.clinic_id, staff.name)
    )
    visits = svc.list_sessions(ctx, patient_id=maria.id)
    assert len(visits) == 3
    assert [v.signed_by is not None for v in visits] == [False, True, True]  # newest first
    exam = svc.get_examination(ctx, patient_id=maria.id)
    assert exam is not None
    findings = exam.payload["findings"]
    flexion = [f.get("value") for f in findings if f["code"] == "lumbar_flexion"]
    assert flexion[-3:] == [40.0, 52.0, 60.0]
    plan = svc.current_plan(ctx, patient_id=james.id)
    assert plan is not None and plan.signed
    assert plan.plan.item("exercise.banded-side-step").attributes["days"] == "1,3,5"
