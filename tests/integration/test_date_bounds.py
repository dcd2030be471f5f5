"""Dates outside a plausible window get a clear 4xx and nothing is stored (issue 12)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from painpath.demo import FixedClock
from painpath.domain.dates import check_window
from painpath.domain.errors import InvalidInput
from painpath.domain.records import RecordKind
from painpath.services.progress import start_programme
from tests.conftest import World, api_client


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
    with pytest.raises(InvalidInput, match="on or after 2026-05-01"):
        check_window(date(2026, 4, 30), today=today, what="x", not_before=date(2026, 5, 1))
    assert check_window(date(2026, 12, 1), today=today, what="x", future_days=366)
