"""Dates outside a plausible window get a clear 4xx and nothing is stored (issue 12)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from painpath.demo import FixedClock
from painpath.domain.dates import check_window
from painpath.domain.errors import InvalidInput
from painpath.domain.progression.checkins import CheckIn
from painpath.domain.records import RecordKind
from painpath.services.progress import start_programme
from painpath.services.progress.checkins import submit_checkin_batch
from tests.conftest import World, api_client, csrf_from, in_care_since

CARE_BEGAN_DAYS_AGO = 10


def _recently_admitted(world: World) -> date:
    """Pat's episode began 10 days ago; returns that day."""
    began = world.container.clock.today() - timedelta(days=CARE_BEGAN_DAYS_AGO)
    in_care_since(world.container, [world.patient.id], began)
    return began


def _checkins(world: World) -> list[object]:
    with world.container.uow() as uow:
        return uow.records.list_current(kind=RecordKind.CHECKIN, patient_id=world.patient.id)


def test_checkin_before_the_episode_began_is_refused_over_http(world: World) -> None:
    began = _recently_admitted(world)
    client, csrf = api_client(world.container, "clin@a.test")
    url = f"/api/v1/patients/{world.patient.id}/checkins"

    def post(day: date) -> tuple[int, str]:
        body = {"day": day.isoformat(), "pain_now": 3, "pain_worst": 5}
        resp = client.post(url, json=body, headers={"X-CSRF-Token": csrf})
        return resp.status_code, resp.text

    status, text = post(began - timedelta(days=1))
    assert status == 400, text
    assert f"cannot be before care began on {began.isoformat()}" in text
    assert _checkins(world) == []
    assert post(began)[0] == 201  # the first day of care is fine


def test_checkin_page_before_the_episode_began_says_why(world: World) -> None:
    began = _recently_admitted(world)
    client, _ = api_client(world.container, "pat@a.test")
    csrf = csrf_from(client.get("/me/checkin").text)
    form = {
        "csrf_token": csrf,
        "day": (began - timedelta(days=1)).isoformat(),
        "pain_now": "4",
        "pain_worst": "6",
        "sleep_quality": "7",
        "quota_done": "15",
        "exercises_done": "3",
        "flare": "no",
    }
    resp = client.post("/me/checkin", data=form)
    assert resp.status_code == 400
    assert f"cannot be before care began on {began.isoformat()}" in resp.text
    assert _checkins(world) == []


def test_batch_and_programme_start_before_the_episode_began_are_refused(world: World) -> None:
    began = _recently_admitted(world)
    ctx = world.ctx(world.clinician)
    days = [began - timedelta(days=1), began, began + timedelta(days=1)]
    with pytest.raises(InvalidInput, match="before care began"):
        submit_checkin_batch(
            ctx,
            patient_id=world.patient.id,
            checkins=[CheckIn(day=d, pain_now=3, pain_worst=5) for d in days],
        )
    assert _checkins(world) == []  # all or nothing
    with pytest.raises(InvalidInput, match="programme start cannot be before care began"):
        start_programme(
            ctx,
            patient_id=world.patient.id,
            activity="walking",
            unit="minutes",
            goal=30,
            start=began - timedelta(days=1),
        )
    stored = submit_checkin_batch(
        ctx, patient_id=world.patient.id, checkins=[CheckIn(day=began, pain_now=3, pain_worst=5)]
    )
    assert len(stored) == 1


@pytest.mark.parametrize("days_ago", [367, 800, None])
def test_checkin_day_window_over_http(world: World, days_ago: int | None) -> None:
    client, csrf = api_client(world.container, "clin@a.test")
    today = world.container.clock.today()
    day = date(1, 1, 1) if days_ago is None else today - timedelta(days=days_ago)
    resp = client.post(
        f"/api/v1/patients/{world.patient.id}/checkins",
        json={"day": day.isoformat(), "pain_now": 3, "pain_worst": 5},
        headers={"X-CSRF-Token": csrf},
    )
    assert resp.status_code == 400, resp.text
    assert "check-in day" in resp.json()["error"]["message"]
    with world.container.uow() as uow:
        assert uow.records.list_current(kind=RecordKind.CHECKIN, patient_id=world.patient.id) == []
    ok = client.post(
        f"/api/v1/patients/{world.patient.id}/checkins",
        json={"day": (today - timedelta(days=30)).isoformat(), "pain_now": 3, "pain_worst": 5},
        headers={"X-CSRF-Token": csrf},
    )
    assert ok.status_code == 201  # a late entry within the window is still accepted


@pytest.mark.parametrize("start", ["0001-01-01", "9999-12-31", "2001-01-01"])
def test_schedule_start_window_over_http(world: World, start: str) -> None:
    client, csrf = api_client(world.container, "clin@a.test")
    resp = client.post(
        f"/api/v1/patients/{world.patient.id}/assignments",
        json={"instruments": ["nprs"], "schedule_weeks": [0, 4], "start": start},
        headers={"X-CSRF-Token": csrf},
    )
    assert resp.status_code == 400, resp.text
    assert "schedule start" in resp.json()["error"]["message"]
    with world.container.uow() as uow:
        found = uow.records.list_current(kind=RecordKind.ASSIGNMENT, patient_id=world.patient.id)
        assert found == []


def test_programme_start_years_ago_is_refused(world: World) -> None:
    ctx = world.ctx(world.clinician)
    today = world.container.clock.today()
    with pytest.raises(InvalidInput, match="programme start"):
        start_programme(
            ctx,
            patient_id=world.patient.id,
            activity="walking",
            unit="minutes",
            goal=30,
            start=today - timedelta(days=3 * 365),
        )
    start_programme(  # a recent start is fine, also when "today" is another day
        replace(ctx, clock=FixedClock(today - timedelta(days=10))),
        patient_id=world.patient.id,
        activity="walking",
        unit="minutes",
        goal=30,
        start=today - timedelta(days=40),
    )


def test_check_window_edges() -> None:
    today = date(2026, 6, 1)
    assert check_window(today, today=today, what="x") == today
    assert check_window(today - timedelta(days=366), today=today, what="x")
    with pytest.raises(InvalidInput, match="on or after"):
        check_window(today - timedelta(days=367), today=today, what="x")
    with pytest.raises(InvalidInput, match="future"):
        check_window(today + timedelta(days=1), today=today, what="x")
    with pytest.raises(InvalidInput, match="before care began on 2026-05-01"):
        check_window(date(2026, 4, 30), today=today, what="x", not_before=date(2026, 5, 1))
    assert check_window(date(2026, 5, 1), today=today, what="x", not_before=date(2026, 5, 1))
    with pytest.raises(InvalidInput, match="on or after"):  # an older start: the window holds
        check_window(date(2025, 1, 1), today=today, what="x", not_before=date(2024, 1, 1))
    assert check_window(date(2026, 12, 1), today=today, what="x", future_days=366)
