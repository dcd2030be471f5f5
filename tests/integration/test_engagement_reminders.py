"""The reminder run with a moved clock against a real SMTP server: on time in the patient's
zone, once per day however many workers run, quiet hours, pauses, one-click stop, retries,
tracked opens and what followed."""

from __future__ import annotations

import re
import threading
from datetime import UTC, date, datetime

import pytest
from fastapi.testclient import TestClient

from painpath.bootstrap import Container
from painpath.domain.engagement.sends import SendStatus
from painpath.domain.errors import InvalidInput, PermissionDenied
from painpath.services.context import ServiceContext
from painpath.services.engagement import (
    adherence_insight,
    open_reminder_link,
    pause_reminders,
    reminder_settings,
    save_reminder_settings,
    send_due_reminders,
)
from painpath.services.progress.checkins import submit_checkin
from painpath.services.questionnaires import assign_instruments
from painpath.web.app import create_app
from tests.conftest import World, build_world
from tests.engagement_support import MovableClock, body_of, link_in, smtp_sender, token_of, with_
from tests.mailserver import SmtpTestServer, running_smtp_server
from tests.wording_support import install_test_packs

# 18:00 in Berlin on 2 March 2026 is 17:00 UTC (winter time).
BEFORE = datetime(2026, 3, 2, 16, 59, tzinfo=UTC)
ON_TIME = datetime(2026, 3, 2, 17, 0, tzinfo=UTC)


def _setup(world: World, clock: MovableClock, *, patient=None, **prefs: object) -> None:  # type: ignore[no-untyped-def]
    patient = patient or world.patient
    actor = world.patient_actor if patient is world.patient else world.other_patient_actor
    fields: dict[str, object] = {
        "checkin": True,
        "questionnaires": True,
        "send_at": "18:00",
        "time_zone": "Europe/Berlin",
        "quiet_start": "21:00",
        "quiet_end": "07:00",
    }
    fields.update(prefs)
    save_reminder_settings(with_(world.ctx(actor), clock=clock), patient_id=patient.id, **fields)  # type: ignore[arg-type]


def _system(world: World, clock: MovableClock, server: SmtpTestServer) -> ServiceContext:
    return with_(world.container.context(), clock=clock, mail=smtp_sender(server))


def _sends(container: Container, patient_id: str):  # type: ignore[no-untyped-def]
    with container.uow() as uow:
        return uow.reminders.sends_for(patient_id, since=date(2000, 1, 1))


def test_a_reminder_goes_at_the_chosen_local_time_once_a_day(
    world: World, smtp_server: SmtpTestServer
) -> None:
    clock = MovableClock(BEFORE)
    _setup(world, clock)
    system = _system(world, clock, smtp_server)
    assert send_due_reminders(system) == {}
    clock.set(ON_TIME)
    assert send_due_reminders(system) == {"sent": 1}
    [mail] = smtp_server.wait_for(1)
    assert mail["To"] == "pat@a.test" and mail["Subject"] == "Your reminder from PainPath"
    body = body_of(mail)
    assert "check-in for today is waiting" in body and "18:00 (Europe/Berlin)" in body
    assert not re.search(r"\bPat\b|Tester", body)  # no names either
    opener = link_in(mail, "/r/")  # the first /r/ link opens PainPath
    assert str(mail["List-Unsubscribe"]).strip() == f"<{opener}/stop>"  # (long headers fold)
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    clock.advance(minutes=30)
    assert send_due_reminders(system) == {}  # claimed for today: never twice
    clock.set(datetime(2026, 3, 3, 17, 1, tzinfo=UTC))
    assert send_due_reminders(system) == {"sent": 1}
    assert [s.local_day for s in _sends(world.container, world.patient.id)] == [
        date(2026, 3, 2),
        date(2026, 3, 3),
    ]
    with world.container.uow() as uow:
        events = [e for e in uow.audit.iter_all() if e.action == "reminder.send"]
    assert len(events) == 2 and events[0].patient_id == world.patient.id
    assert set(events[0].detail) == {"send_id", "local_day", "kinds"}


def test_nothing_is_sent_when_nothing_waits_and_forms_are_mentioned_when_due(
    world: World, smtp_server: SmtpTestServer
) -> None:
    clock = MovableClock(ON_TIME)
    _setup(world, clock)
    submit_checkin(
        with_(world.ctx(world.patient_actor), clock=clock),
        patient_id=world.patient.id,
        day=date(2026, 3, 2),
        pain_now=3,
        pain_worst=5,
    )
    system = _system(world, clock, smtp_server)
    assert send_due_reminders(system) == {"skipped": 1}
    assert smtp_server.messages == []
    # Tomorrow a form falls due as well (assigned for 3 March) and no check-in is in yet; the
    # clinic has installed its wording, so the patient can fill it in online.
    install_test_packs(world.container, ["odi"])
    assign_instruments(
        world.ctx(world.clinician),
        patient_id=world.patient.id,
        instruments=["odi"],
        schedule_weeks=[0],
        start=date(2026, 3, 3),
    )
    clock.set(datetime(2026, 3, 3, 17, 5, tzinfo=UTC))
    assert send_due_reminders(system) == {"sent": 1}
    body = body_of(smtp_server.wait_for(1)[0])
    assert "check-in" in body and "form for you to fill in" in body
    for word in ("ODI", "Oswestry", "odi", "disability", "back"):
        assert word not in body
    assert link_in(smtp_server.messages[0], "/r/")


def test_a_form_without_wording_is_not_announced_it_is_on_paper(
    world: World, smtp_server: SmtpTestServer
) -> None:
    clock = MovableClock(datetime(2026, 3, 3, 17, 5, tzinfo=UTC))
    _setup(world, clock)
    assign_instruments(
        world.ctx(world.clinician),
        patient_id=world.patient.id,
        instruments=["odi"],
        schedule_weeks=[0],
        start=date(2026, 3, 3),
    )
    assert send_due_reminders(_system(world, clock, smtp_server)) == {"sent": 1}
    body = body_of(smtp_server.wait_for(1)[0])
    assert "check-in" in body and "form for you to fill in" not in body


def test_quiet_hours_pause_and_switched_off_reminders_send_nothing(
    world: World, smtp_server: SmtpTestServer
) -> None:
    clock = MovableClock(datetime(2026, 3, 2, 20, 30, tzinfo=UTC))  # 21:30 in Berlin: quiet
    _setup(world, clock, send_at="20:00", quiet_start="21:00", quiet_end="07:00")
    system = _system(world, clock, smtp_server)
    assert send_due_reminders(system) == {}
    clock.set(datetime(2026, 3, 3, 19, 0, tzinfo=UTC))  # 20:00 next day
    pause_reminders(
        with_(world.ctx(world.patient_actor), clock=clock),
        patient_id=world.patient.id,
        until=date(2026, 3, 4),
    )
    assert send_due_reminders(system) == {}
    clock.set(datetime(2026, 3, 5, 19, 0, tzinfo=UTC))
    assert send_due_reminders(system) == {"sent": 1}
    _setup(world, clock, checkin=False, questionnaires=False)
    clock.set(datetime(2026, 3, 6, 19, 0, tzinfo=UTC))
    assert send_due_reminders(system) == {}
    with pytest.raises(InvalidInput, match="quiet hours"):
        _setup(world, clock, send_at="22:00")
    with pytest.raises(InvalidInput, match="up to 90 days"):
        pause_reminders(
            with_(world.ctx(world.patient_actor), clock=clock),
            patient_id=world.patient.id,
            until=date(2026, 9, 1),
        )


def test_reminder_settings_belong_to_the_patient_and_their_care_team(world: World) -> None:
    clock = MovableClock(ON_TIME)
    _setup(world, clock)
    assert reminder_settings(world.ctx(world.clinician), patient_id=world.patient.id).on
    for stranger in (world.other_patient_actor, world.other_clinician, world.admin):
        with pytest.raises(PermissionDenied):
            reminder_settings(world.ctx(stranger), patient_id=world.patient.id)
    with pytest.raises(PermissionDenied):
        adherence_insight(world.ctx(world.patient_actor), patient_id=world.patient.id)


def test_opened_links_and_check_ins_that_followed(
    world: World, smtp_server: SmtpTestServer
) -> None:
    clock = MovableClock(ON_TIME)
    _setup(world, clock)
    system = _system(world, clock, smtp_server)
    send_due_reminders(system)
    token = token_of(link_in(smtp_server.wait_for(1)[0], "/r/"))
    clock.advance(minutes=20)
    public = with_(world.ctx(None), clock=clock)
    assert open_reminder_link(public, token=token) == "/me/checkin"
    assert open_reminder_link(public, token=token) == "/me/checkin"  # a second open counts once
    submit_checkin(
        with_(world.ctx(world.patient_actor), clock=clock),
        patient_id=world.patient.id,
        day=date(2026, 3, 2),
        pain_now=3,
        pain_worst=4,
    )
    clock.set(datetime(2026, 3, 3, 17, 0, tzinfo=UTC))
    send_due_reminders(system)  # not opened, no check-in follows
    clock.set(datetime(2026, 3, 4, 12, 0, tzinfo=UTC))
    summary = adherence_insight(
        with_(world.ctx(world.clinician), clock=clock), patient_id=world.patient.id
    )
    assert (summary.sent, summary.opened, summary.checkin_reminders, summary.followed) == (
        2,
        1,
        2,
        1,
    )
    assert [(r.send.local_day.day, r.opened, r.followed) for r in summary.rows] == [
        (3, False, False),
        (2, True, True),
    ]


def test_a_refused_send_is_retried_later_the_same_day(world: World) -> None:
    clock = MovableClock(ON_TIME)
    _setup(world, clock)
    with running_smtp_server() as gone:
        down = _system(world, clock, gone)
    assert send_due_reminders(down) == {"failed": 1}  # the server has stopped
    [send] = _sends(world.container, world.patient.id)
    assert (
        send.status == SendStatus.FAILED
        and send.attempts == 1
        and "did not accept" in (send.error or "")
    )
    with running_smtp_server() as server:
        up = _system(world, clock, server)
        clock.advance(minutes=4)
        assert send_due_reminders(up) == {}  # waits before retrying
        clock.advance(minutes=1)
        assert send_due_reminders(up) == {"sent": 1}
        assert len(server.wait_for(1)) == 1
    [send] = _sends(world.container, world.patient.id)
    assert send.status == SendStatus.SENT and send.attempts == 2


def test_one_click_stop_needs_no_sign_in_and_saving_turns_reminders_back_on(
    world: World, smtp_server: SmtpTestServer
) -> None:
    clock = MovableClock(ON_TIME)
    _setup(world, clock)
    system = _system(world, clock, smtp_server)
    send_due_reminders(system)
    mail = smtp_server.wait_for(1)[0]
    stop_path = str(mail["List-Unsubscribe"]).strip().strip("<>").split("127.0.0.1:8000")[1]
    client = TestClient(create_app(world.container.settings, container=world.container))
    page = client.get(stop_path)
    assert page.status_code == 200 and 'data-testid="stop-submit"' in page.text
    # What a mail client does for RFC 8058: a bare POST, no cookie, no CSRF token.
    fresh = TestClient(
        create_app(world.container.settings, container=world.container), follow_redirects=False
    )
    resp = fresh.post(stop_path, data={"List-Unsubscribe": "One-Click"})
    assert resp.status_code == 303
    assert 'data-testid="stopped"' in fresh.get(resp.headers["location"]).text
    assert reminder_settings(
        world.ctx(world.patient_actor), patient_id=world.patient.id
    ).prefs.unsubscribed
    clock.set(datetime(2026, 3, 3, 17, 0, tzinfo=UTC))
    assert send_due_reminders(system) == {}
    _setup(world, clock)  # the patient turns them back on from their settings
    assert send_due_reminders(system) == {"sent": 1}
    assert fresh.post("/r/not-a-token/stop").status_code == 404
    # Every other public form still needs its CSRF token.
    assert fresh.post("/signin", data={"email": "x", "password": "y"}).status_code == 403


def _race(
    container: Container, server: SmtpTestServer, workers: int
) -> tuple[World, dict[str, int]]:
    world = build_world(container)
    clock = MovableClock(ON_TIME)
    _setup(world, clock)
    _setup(world, clock, patient=world.other_patient)
    system = _system(world, clock, server)
    barrier = threading.Barrier(workers)
    totals: dict[str, int] = {}
    lock = threading.Lock()

    def tick() -> None:
        barrier.wait()
        result = send_due_reminders(system)
        with lock:
            for key, n in result.items():
                totals[key] = totals.get(key, 0) + n

    threads = [threading.Thread(target=tick) for _ in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return world, totals


def test_several_workers_at_once_send_each_reminder_once(
    any_container: Container, smtp_server: SmtpTestServer
) -> None:
    """Six schedulers tick at the same instant (threads with their own transactions, like
    several web processes or Celery workers); on SQLite and on PostgreSQL."""
    world, totals = _race(any_container, smtp_server, workers=6)
    assert totals.get("sent") == 2
    smtp_server.wait_for(2)
    assert sorted(str(m["To"]) for m in smtp_server.messages) == ["otto@a.test", "pat@a.test"]
    for patient in (world.patient, world.other_patient):
        assert len(_sends(any_container, patient.id)) == 1
