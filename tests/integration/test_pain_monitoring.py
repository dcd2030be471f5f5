"""Pain monitoring per exercise (silbernagel2007) end to end: the clinician turns it on for
one exercise in the plan editor, the patient answers for it in the check-in, and the clinician
reads each dose decision with its reason; the daily activity plan is not touched."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from painpath.domain.errors import InvalidInput
from painpath.domain.planning import PlanItemKind
from painpath.domain.progression.pain_monitoring import LoadAction
from painpath.services import assessment as svc
from painpath.services.progress import progress_summary, start_programme
from tests.conftest import World, api_client
from tests.integration.test_assessment_services import KNEE, KNEE_EXAM


def _saved_plan(world: World) -> str:
    """The knee case through the services: intake, examination, a saved (unsigned) plan."""
    ctx = world.ctx(world.clinician)
    svc.save_intake(ctx, patient_id=world.patient.id, intake=KNEE)
    svc.save_examination(ctx, patient_id=world.patient.id, examination=KNEE_EXAM)
    view = svc.save_plan(ctx, patient_id=world.patient.id)
    return view.plan.of_kind(PlanItemKind.EXERCISE)[0].id


def _checkin(csrf: str, day: str, item: str, during: str, morning: str) -> dict[str, str]:
    return {
        "csrf_token": csrf, "day": day, "pain_now": "3", "pain_worst": "4",
        "sleep_quality": "6", "quota_done": "20", "exercises_done": "2", "flare": "no",
        f"ex_during:{item}": during, f"ex_morning:{item}": morning,
    }  # fmt: skip


def test_monitoring_from_the_plan_editor_to_the_clinicians_decisions(world: World) -> None:
    item = _saved_plan(world)
    clinician, ccsrf = api_client(world.container, "clin@a.test")
    base = f"/patients/{world.patient.id}"
    ctx = world.ctx(world.clinician)
    view = svc.current_plan(ctx, patient_id=world.patient.id)
    assert view is not None and view.record_id is not None
    editor = clinician.get(f"{base}/tab/plan").text
    assert f'name="monitor:{item}"' in editor
    edited = clinician.post(
        f"{base}/plan/{view.record_id}/edit",
        data={"csrf_token": ccsrf, "expected_version": str(view.version),
              "reason": "Achilles-type loading: watch the pain response",
              f"monitor_shown:{item}": "1", f"monitor:{item}": "on"},
    )  # fmt: skip
    assert edited.status_code == 303, edited.text[:500]
    view = svc.current_plan(ctx, patient_id=world.patient.id)
    assert view is not None and view.record_id is not None
    assert view.plan.item(item).attributes["pain_monitoring"] == "on"
    assert f'data-testid="monitored-{item}"' in clinician.get(f"{base}/tab/plan").text
    svc.sign_plan(
        ctx, patient_id=world.patient.id, record_id=view.record_id, expected_version=view.version
    )
    today = world.container.clock.today()
    start = today - timedelta(days=12)
    start_programme(ctx, patient_id=world.patient.id, activity="walking", unit="minutes",
                    goal=40, baseline_values=[20, 20, 20], start=start)  # fmt: skip

    patient, pcsrf = api_client(world.container, "pat@a.test")
    form = patient.get("/me/checkin").text
    assert f'data-testid="monitor-{item}"' in form and f'name="ex_during:{item}"' in form
    # Week one: sessions every other day at 3/10, mornings at their usual 2/10 -> progress.
    for n in range(12, 5, -1):
        day = (today - timedelta(days=n)).isoformat()
        during = "3" if n % 2 == 0 else ""
        resp = patient.post("/me/checkin", data=_checkin(pcsrf, day, item, during, "2"))
        assert resp.status_code == 303, resp.text[:300]
    # Then a session at 7/10, above the plan's 5/10: the dose goes down the same day.
    resp = patient.post(
        "/me/checkin", data=_checkin(pcsrf, (today - timedelta(days=4)).isoformat(), item, "7", "2")
    )
    assert resp.status_code == 303
    summary = progress_summary(ctx, patient_id=world.patient.id)
    (monitored,) = summary.monitoring
    actions = [(d.action, d.rule_id) for d in monitored.decisions]
    # The first week measures the usual morning level (2/10); the 7/10 session reduces.
    assert actions == [(LoadAction.HOLD, "PM-USUAL"), (LoadAction.REDUCE, "PM-DURING")]
    assert monitored.level < 1.0
    # The daily activity plan is time-contingent: pain during an exercise never moves it.
    assert all(d.action.value not in ("flare_reset", "setback") for d in summary.decisions)
    tab = clinician.get(f"{base}/tab/progress").text
    assert 'data-testid="pain-monitoring"' in tab and "PM-DURING" in tab
    assert "7/10 &gt; ceiling 5/10" in tab or "7/10 > ceiling 5/10" in tab
    mine = patient.get("/me/progress").text
    assert f'data-testid="monitor-{item}"' in mine and "do a bit less of it" in mine
    # The home program shows the amount for now beside the prescribed one.
    program = patient.get("/me/program").text
    assert 'data-testid="monitored-dose"' in program and monitored.current_dose in program
    assert monitored.current_dose != monitored.prescribed_dose
    # The saved answers come back in the form for that day.
    again = patient.get(f"/me/checkin?day={(today - timedelta(days=4)).isoformat()}").text
    assert re.search(rf'name="ex_during:{item}" value="7" data-item\s*checked', again)


def test_the_clinician_may_give_the_usual_morning_level(world: World) -> None:
    item = _saved_plan(world)
    ctx = world.ctx(world.clinician)
    view = svc.current_plan(ctx, patient_id=world.patient.id)
    assert view is not None and view.record_id is not None
    for bad in ("12", "stiff"):
        with pytest.raises(InvalidInput, match="usual morning level"):
            svc.edit_plan(
                ctx,
                patient_id=world.patient.id,
                record_id=view.record_id,
                expected_version=view.version,
                changes=svc.PlanEdits(monitoring={item: True}, usual_mornings={item: bad}),
                reason="monitoring",
            )
    edited = svc.edit_plan(
        ctx,
        patient_id=world.patient.id,
        record_id=view.record_id,
        expected_version=view.version,
        changes=svc.PlanEdits(monitoring={item: True}, usual_mornings={item: "3"}),
        reason="monitoring, usual stiffness 3/10 on waking",
    )
    assert edited.plan.item(item).attributes["usual_morning"] == "3"
    svc.sign_plan(
        ctx, patient_id=world.patient.id, record_id=view.record_id, expected_version=edited.version
    )
    summary = progress_summary(ctx, patient_id=world.patient.id)
    assert summary.monitoring[0].rule.usual_morning == 3.0
