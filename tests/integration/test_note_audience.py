"""A clinician's note on a plan item reaches the patient only when marked patient-visible."""

from __future__ import annotations

import pytest

from painpath.domain.errors import InvalidInput
from painpath.domain.planning import PlanItemKind
from painpath.services import assessment as svc
from tests.conftest import World, api_client, csrf_from
from tests.integration.test_assessment_services import _assessed, _clin

PRIVATE = "Query central sensitisation; consider QST at review"
PLAIN = "Go slowly on the way down. Stop at a small bend if your knee is sore."


def _signed_plan_with_note(world: World, note: str, audience: str | None) -> tuple[str, str]:
    pid = _assessed(world)
    saved = svc.save_plan(_clin(world), patient_id=pid)
    assert saved.record_id is not None
    item = saved.plan.of_kind(PlanItemKind.EXERCISE)[0]
    audiences = {item.id: audience} if audience else {}
    svc.edit_plan(
        _clin(world),
        patient_id=pid,
        record_id=saved.record_id,
        expected_version=1,
        changes=svc.PlanEdits(notes={item.id: note}, note_audiences=audiences),
        reason="note",
    )
    svc.sign_plan(_clin(world), patient_id=pid, record_id=saved.record_id, expected_version=2)
    return saved.record_id, item.id


@pytest.mark.parametrize("audience", [None, "clinician"])
def test_the_patient_never_sees_a_clinician_only_note(world: World, audience: str | None) -> None:
    _signed_plan_with_note(world, PRIVATE, audience)
    client, _ = api_client(world.container, "pat@a.test")
    page = client.get("/me/program")
    assert page.status_code == 200 and "From your therapist" not in page.text
    assert "sensitisation" not in page.text and "QST" not in page.text
    staff, _ = api_client(world.container, "clin@a.test")
    tab = staff.get(f"/patients/{world.patient.id}/tab/plan").text
    assert PRIVATE in tab and "clinician-only" in tab


def test_a_patient_visible_note_is_shown_to_the_patient(world: World) -> None:
    _signed_plan_with_note(world, PLAIN, "patient")
    client, _ = api_client(world.container, "pat@a.test")
    page = client.get("/me/program").text
    assert "From your therapist:" in page and "Go slowly on the way down." in page


def test_a_hard_patient_note_is_refused_next_to_the_field(world: World) -> None:
    pid = _assessed(world)
    saved = svc.save_plan(_clin(world), patient_id=pid)
    item = saved.plan.of_kind(PlanItemKind.EXERCISE)[0]
    hard = (
        "Progressive isometric quadriceps contractions demonstrate considerable analgesic "
        "effectiveness regarding patellofemoral symptomatology."
    )
    with pytest.raises(InvalidInput, match="reading grade"):
        svc.edit_plan(
            _clin(world),
            patient_id=pid,
            record_id=saved.record_id or "",
            expected_version=1,
            changes=svc.PlanEdits(notes={item.id: hard}, note_audiences={item.id: "patient"}),
            reason="note",
        )
    staff, _ = api_client(world.container, "clin@a.test")
    tab = staff.get(f"/patients/{pid}/tab/plan").text
    form = {
        "csrf_token": csrf_from(tab),
        "expected_version": "1",
        "reason": "note",
        f"note:{item.id}": hard,
        f"note_audience:{item.id}": "patient",
    }
    resp = staff.post(f"/patients/{pid}/plan/{saved.record_id}/edit", data=form)
    assert resp.status_code == 400 and "reading grade" in resp.text
    assert svc.current_plan(_clin(world), patient_id=pid).version == 1  # type: ignore[union-attr]
    # Over the API: a 400 too, and an unknown audience is named.
    api, csrf = api_client(world.container, "clin@a.test")
    url = f"/api/v1/patients/{pid}/plan/{saved.record_id}"
    body = {"expected_version": 1, "reason": "n", "notes": {item.id: "hi"}}
    bad = api.patch(
        url, json=body | {"note_audiences": {item.id: "all"}}, headers={"X-CSRF-Token": csrf}
    )
    assert bad.status_code == 400 and "clinician-only or patient-visible" in bad.text
