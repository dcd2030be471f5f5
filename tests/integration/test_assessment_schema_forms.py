"""The clinician's intake and examination pages capture the case-schema fields of issue 9:
average pain, night and rest pain, sensitivity per modality, height, weight, sports; special
tests, palpation, imaging, repeated movements, directional preference, range response,
working diagnoses and judgements. A save keeps what the page shows and rejects bad rows."""

from __future__ import annotations

from typing import Any

from painpath.domain.assessment.screening import CRITICAL_QUESTIONS
from painpath.services import assessment as svc
from tests.conftest import World, api_client
from tests.integration.test_assessment_services import KNEE, KNEE_EXAM


def _intake_form(csrf: str, **extra: Any) -> dict[str, Any]:
    return {
        "csrf_token": csrf,
        "site": ["knee:right"],
        "duration_weeks": "30",
        **{f"rf_{q}": "no" for q in CRITICAL_QUESTIONS},
        **extra,
    }


def test_clinician_intake_page_edits_detail_fields(world: World) -> None:
    pid = world.patient.id
    clin = world.ctx(world.clinician)
    svc.save_intake(clin, patient_id=pid, intake=KNEE)
    client, csrf = api_client(world.container, "clin@a.test")
    page = client.get(f"/patients/{pid}/tab/intake").text
    for name in ('name="pain_average"', 'name="night_rest_pain"', 'name="hxmod_cold"'):
        assert name in page
    form = _intake_form(
        csrf,
        pain_average="6",
        night_pain="1",
        night_rest_pain="intermittent",
        hx_hypersensitivity_history="yes",
        hxmod_touch="yes",
        hxmod_cold="no",
        height_cm="170",
        weight_kg="92",
        sports="parkrun\ntennis",
        goal_name_0="garden",
    )
    assert client.post(f"/patients/{pid}/intake", data=form).status_code == 303
    saved = svc.get_intake(clin, patient_id=pid)
    assert saved is not None
    p = saved.payload
    assert p["pain_average"] == 6 and p["pattern"]["night_rest_pain"] == "intermittent"
    assert p["hypersensitivity_history"] == {"touch": True, "cold": False}
    assert p["height_cm"] == 170 and p["weight_kg"] == 92
    assert p["sports"] == ["parkrun", "tennis"]
    assert p["goals"] == [{"name": "garden", "ability": None}]  # goal without a rating
    again = client.get(f"/patients/{pid}/tab/intake").text
    assert 'value="intermittent" selected' in again and 'value="6"' in again
    bad = client.post(f"/patients/{pid}/intake", data={**form, "pain_average": "12"})
    assert bad.status_code == 400
    unchanged = svc.get_intake(clin, patient_id=pid)
    assert unchanged is not None and unchanged.version == saved.version


def test_patient_save_keeps_clinician_detail(world: World) -> None:
    pid = world.patient.id
    clin = world.ctx(world.clinician)
    svc.save_intake(clin, patient_id=pid, intake={**KNEE, "height_cm": 170, "sports": ["running"]})
    client, csrf = api_client(world.container, "pat@a.test")
    page = client.get("/me/intake").text
    assert 'name="height_cm"' not in page and 'name="hxmod_cold"' not in page
    assert client.post("/me/intake", data=_intake_form(csrf)).status_code == 303
    saved = svc.get_intake(clin, patient_id=pid)
    assert saved is not None
    assert saved.payload["height_cm"] == 170 and saved.payload["sports"] == ["running"]


EXAM_FORM: dict[str, Any] = {
    "st-0-name": "Hawkins-Kennedy",
    "st-0-side": "right",
    "st-0-result": "positive",
    "pp-0-site": "greater trochanter",
    "pp-0-side": "right",
    "pp-0-tender": "1",
    "im-0-modality": "MRI",
    "im-0-date": "2026-10-02",
    "im-0-report": "L4-5 disc bulge, no root compression",
    "rm-0-movement": "extension in lying",
    "rm-0-response": "better",
    "rm-0-centralises": "1",
    "directional_preference": "extension",
    "rr_active_vs_passive": "active_less",
    "rr_pain_onset": "before_end_range",
    "dx_gluteal_tendinopathy": "1",
    "jd_aerobic_exercise_contraindicated": "no",
}


def test_examination_page_captures_the_new_fields(world: World) -> None:
    pid = world.patient.id
    clin = world.ctx(world.clinician)
    svc.save_intake(clin, patient_id=pid, intake=KNEE)
    client, csrf = api_client(world.container, "clin@a.test")
    resp = client.post(f"/patients/{pid}/examination", data={"csrf_token": csrf, **EXAM_FORM})
    assert resp.status_code == 303
    saved = svc.get_examination(clin, patient_id=pid)
    assert saved is not None
    e = saved.payload
    assert e["special_tests"] == [{"name": "Hawkins-Kennedy", "side": "right", "positive": True}]
    assert e["palpation"] == [{"site": "greater trochanter", "side": "right", "tender": True}]
    assert e["imaging"][0]["report"] == "L4-5 disc bulge, no root compression"
    assert e["repeated_movements"] == [
        {"movement": "extension in lying", "response": "better", "centralises": True}
    ]
    assert e["directional_preference"] == "extension"
    assert e["range_response"] == {
        "active_vs_passive": "active_less",
        "pain_onset": "before_end_range",
    }
    assert e["presentations"] == ["gluteal_tendinopathy"]
    assert e["judgements"] == {"aerobic_exercise_contraindicated": "no"}
    tab = client.get(f"/patients/{pid}/tab/examination").text
    assert (
        'value="Hawkins-Kennedy"' in tab
        and 'name="dx_gluteal_tendinopathy" value="1" checked' in tab
    )
    plan = client.get(f"/patients/{pid}/tab/plan").text
    assert "Avoid compressing the gluteal tendons" in plan
    assert "Exercise in the preferred direction: extension" in plan


def test_examination_page_rejects_incomplete_rows_and_stores_nothing(world: World) -> None:
    pid = world.patient.id
    clin = world.ctx(world.clinician)
    svc.save_examination(clin, patient_id=pid, examination=KNEE_EXAM)
    client, csrf = api_client(world.container, "clin@a.test")
    bad = client.post(
        f"/patients/{pid}/examination",
        data={"csrf_token": csrf, "st-0-name": "slump"},  # no result
    )
    assert bad.status_code == 400 and "positive" in bad.text
    bad_rm = client.post(
        f"/patients/{pid}/examination",
        data={"csrf_token": csrf, "rm-0-movement": "flexion"},  # no effect chosen
    )
    assert bad_rm.status_code == 400 and "response" in bad_rm.text
    stored = svc.get_examination(clin, patient_id=pid)
    assert stored is not None and stored.version == 1


def test_duration_per_site_on_the_intake_page(world: World) -> None:
    pid = world.patient.id
    clin = world.ctx(world.clinician)
    client, csrf = api_client(world.container, "clin@a.test")
    form = _intake_form(csrf, site=["knee:right", "buttock:left"], primary="knee:right")
    assert client.post(f"/patients/{pid}/intake", data=form).status_code == 303
    page = client.get(f"/patients/{pid}/tab/intake").text
    assert 'name="site_weeks_buttock:left"' in page and 'name="site_weeks_knee:right"' in page
    weeks = {**form, "site_weeks_buttock:left": "8"}
    assert client.post(f"/patients/{pid}/intake", data=weeks).status_code == 303
    saved = svc.get_intake(clin, patient_id=pid)
    assert saved is not None
    assert saved.payload["pain_sites"] == [
        {"region": "knee", "side": "right", "primary": True},
        {"region": "buttock", "side": "left", "primary": False, "duration_weeks": 8},
    ]
    bad = client.post(f"/patients/{pid}/intake", data={**form, "site_weeks_knee:right": "-3"})
    assert bad.status_code == 400
    after = svc.get_intake(clin, patient_id=pid)
    assert after is not None and after.version == saved.version
