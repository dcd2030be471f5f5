"""The check-in and progress pages, the Progress tab, caseload badges and the JSON API."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from painpath.bootstrap import Container
from tests.conftest import World, api_client


def _client(container: Container, email: str) -> tuple[TestClient, str]:
    return api_client(container, email)


@pytest.fixture
def patient(world: World) -> tuple[TestClient, str]:
    return _client(world.container, "pat@a.test")


@pytest.fixture
def clinician(world: World) -> tuple[TestClient, str]:
    return _client(world.container, "clin@a.test")


def _checkin_form(csrf: str, day: str, **extra: str) -> dict[str, str]:
    form = {
        "csrf_token": csrf,
        "day": day,
        "pain_now": "4",
        "pain_worst": "6",
        "sleep_quality": "7",
        "quota_done": "15",
        "exercises_done": "3",
        "flare": "no",
        "note": "walked the dog",
    }
    form.update(extra)
    return form


def test_patient_checks_in_through_the_form(world: World, patient: tuple[TestClient, str]) -> None:
    client, csrf = patient
    today = world.container.clock.today()
    home = client.get("/me")
    assert "Check-in due today" in home.text and 'class="card highlight"' in home.text
    form = client.get("/me/checkin")
    assert form.status_code == 200
    assert f'value="{today.isoformat()}"' in form.text and "data-retry" in form.text
    assert 'data-keep="checkin-' in form.text
    resp = client.post("/me/checkin", data=_checkin_form(csrf, today.isoformat()))
    assert resp.status_code == 303 and resp.headers["location"].startswith("/me/progress")
    page = client.get(resp.headers["location"])
    assert page.status_code == 200 and 'data-testid="saved"' in page.text
    assert '<script src="/vendor/plotly/plotly.min.js" defer></script>' in page.text
    assert page.text.index("plotly.min.js") < page.text.index("/static/app.js")
    assert "What is normal at this point" in page.text
    assert "Today&#39;s check-in: done" in client.get("/me").text
    earlier = (today - timedelta(days=2)).isoformat()
    late = client.post("/me/checkin", data=_checkin_form(csrf, earlier))
    assert (
        f"answers for {earlier} are saved (a late entry)"
        in client.get(late.headers["location"]).text
    )


def test_invalid_checkin_keeps_the_answers(world: World, patient: tuple[TestClient, str]) -> None:
    client, csrf = patient
    tomorrow = (world.container.clock.today() + timedelta(days=1)).isoformat()
    resp = client.post("/me/checkin", data=_checkin_form(csrf, tomorrow, note="kept note"))
    assert resp.status_code == 400
    assert "future day" in resp.text and "kept note" in resp.text
    resp = client.post("/me/checkin", data=_checkin_form(csrf, tomorrow, pain_now=""))
    assert resp.status_code == 400 and "please answer: pain now" in resp.text


def test_clinician_tab_programme_ladder_and_caseload(
    world: World, clinician: tuple[TestClient, str], patient: tuple[TestClient, str]
) -> None:
    client, csrf = clinician
    base = f"/patients/{world.patient.id}"
    resp = client.post(
        f"{base}/progress/programme",
        data={"csrf_token": csrf, "activity": "walking", "unit": "minutes", "goal": "30",
              "baseline_values": "10 12 14"},
    )  # fmt: skip
    assert resp.status_code == 303
    resp = client.post(
        f"{base}/progress/ladder",
        data={"csrf_token": csrf, "ladder": "bending: 40\nlifting a laundry basket: 70"},
    )
    assert resp.status_code == 303
    pclient, pcsrf = patient
    today = world.container.clock.today().isoformat()
    assert pclient.post("/me/checkin", data=_checkin_form(pcsrf, today)).status_code == 303
    rated = pclient.post(
        f"{base}/progress/exposure",
        data={"csrf_token": pcsrf, "activity": "bending", "fear": "20", "done": "yes"},
    )
    assert rated.status_code == 303 and rated.headers["location"].startswith("/me/progress")
    tab = client.get(f"{base}/tab/progress")
    assert tab.status_code == 200
    assert "GA-START" in tab.text and "lifting a laundry basket" in tab.text
    assert "40 → 20" in tab.text and "Recent check-ins" in tab.text
    assert "data-plot=" in tab.text
    # The plan set in advance is a trace of the chart, in its legend, summary and table.
    assert tab.text.count("plan set in advance") >= 3
    bad = client.post(f"{base}/progress/ladder", data={"csrf_token": csrf, "ladder": "no fear"})
    assert bad.status_code == 400
    assert 'data-testid="replan-form"' in tab.text
    replan = {"csrf_token": csrf, "replan_quota": "9", "replan_goal": "30", "replan_weeks": "6"}
    missing = client.post(f"{base}/progress/replan", data=replan | {"replan_reason": ""})
    assert missing.status_code == 400
    done = client.post(f"{base}/progress/replan", data=replan | {"replan_reason": "sore knee"})
    assert done.status_code == 303
    assert "sore knee" in client.get(f"{base}/tab/progress").text
    mine = pclient.get("/me/progress").text
    assert "Your plan from tomorrow: <strong>9 minutes" in mine and "quota" not in mine.lower()
    assert "plan set in advance: 9 at " in mine  # the chart summary: the re-planned line


def test_caseload_shows_missed_checkin_badge(
    world: World, clinician: tuple[TestClient, str]
) -> None:
    from dataclasses import replace

    from painpath.demo import FixedClock
    from painpath.services.progress import start_programme

    ago = world.container.clock.today() - timedelta(days=6)
    start_programme(
        replace(world.ctx(world.clinician), clock=FixedClock(ago)),
        patient_id=world.patient.id,
        activity="walking",
        unit="minutes",
        goal=30,
    )
    client, _ = clinician
    page = client.get("/caseload")
    row = re.search(r"Tester, Pat</a>.*?</tr>", page.text, re.S)
    assert row is not None and "Missed check-ins" in row.group(0)


def test_api_checkins_and_progress(world: World, patient: tuple[TestClient, str]) -> None:
    client, csrf = patient
    url = f"/api/v1/patients/{world.patient.id}"
    today = world.container.clock.today().isoformat()
    body = {"day": today, "pain_now": 3, "pain_worst": 5, "quota_done": 12}
    first = client.post(f"{url}/checkins", json=body, headers={"x-csrf-token": csrf})
    assert first.status_code == 201, first.text
    again = client.post(
        f"{url}/checkins", json=body | {"pain_now": 4}, headers={"x-csrf-token": csrf}
    )
    assert (first.json()["version"], again.json()["version"]) == (1, 2)
    listed = client.get(f"{url}/checkins").json()
    assert len(listed) == 1 and listed[0]["pain_now"] == 4
    bad = client.post(
        f"{url}/checkins", json=body | {"pain_worst": 1}, headers={"x-csrf-token": csrf}
    )
    assert bad.status_code == 400 and "pain_worst" in bad.json()["error"]["message"]
    progress = client.get(f"{url}/progress").json()
    assert progress["patient_id"] == world.patient.id and progress["checked_in_today"] is True
    assert {"decisions", "alerts", "adherence", "course", "what_to_expect"} <= set(progress)
    other, _ = _client(world.container, "otto@a.test")
    assert other.get(f"{url}/progress").status_code == 403
