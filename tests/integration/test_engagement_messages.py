"""Secure messages: threads between a patient and the care team, unread counts, e-mail
notices without content (real SMTP), audit of every read and send, needing action, retention."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from painpath.domain.accounts import Role
from painpath.domain.errors import InvalidInput, NotFound, PermissionDenied
from painpath.services.engagement import (
    clinic_inbox,
    list_threads,
    my_unread_messages,
    purge_old_messages,
    read_thread,
    send_message,
    set_needs_action,
    start_thread,
    unread_for_patients,
)
from painpath.services.system import create_staff_user
from tests.conftest import PASSWORD, World
from tests.engagement_support import MovableClock, body_of, smtp_sender, with_
from tests.mailserver import SmtpTestServer

SECRET = "my left foot tingles since Tuesday"


def test_a_conversation_with_notices_that_never_carry_the_text(
    world: World, smtp_server: SmtpTestServer
) -> None:
    create_staff_user(
        world.container.context(),
        email="colleague@a.test",
        name="Colleague",
        role=Role.CLINICIAN,
        clinic_name="Clinic A",
        password=PASSWORD,
    )
    mail = smtp_sender(smtp_server)
    patient = with_(world.ctx(world.patient_actor), mail=mail)
    clinician = with_(world.ctx(world.clinician), mail=mail)
    thread = start_thread(patient, patient_id=world.patient.id, subject="Tingling", body=SECRET)
    # Nobody on the team has answered yet: every clinician of the clinic hears about it.
    notices = smtp_server.wait_for(2)
    assert sorted(str(m["To"]) for m in notices) == ["clin@a.test", "colleague@a.test"]
    notice = notices[0]
    assert notice["Subject"] == "New patient message in PainPath"
    assert SECRET not in body_of(notice) and "Tingling" not in body_of(notice)
    assert "Pat" not in body_of(notice).replace("PainPath", "")  # nor who wrote it
    send_message(patient, patient_id=world.patient.id, thread_id=thread.id, body="and my toes")
    assert unread_for_patients(clinician, patient_ids=[world.patient.id]) == {
        world.patient.id: (2, False)
    }
    assert len(smtp_server.messages) == 2  # one notice per unread run, not one per message
    view = read_thread(clinician, patient_id=world.patient.id, thread_id=thread.id)
    assert [m.body for m in view.messages] == [SECRET, "and my toes"]
    assert view.first_unread_id == view.messages[0].id
    assert unread_for_patients(clinician, patient_ids=[world.patient.id]) == {}
    send_message(clinician, patient_id=world.patient.id, thread_id=thread.id, body="Call us today.")
    to_patient = smtp_server.wait_for(3)[-1]
    assert to_patient["To"] == "pat@a.test" and "Call us" not in body_of(to_patient)
    assert my_unread_messages(world.ctx(world.patient_actor)) == 1
    [row] = list_threads(world.ctx(world.patient_actor), patient_id=world.patient.id)
    assert row.unread == 1 and row.thread.subject == "Tingling"
    read_thread(world.ctx(world.patient_actor), patient_id=world.patient.id, thread_id=thread.id)
    assert my_unread_messages(world.ctx(world.patient_actor)) == 0
    # The patient writes again: the clinician who answered hears about it, the colleague
    # who never took part does not.
    send_message(patient, patient_id=world.patient.id, thread_id=thread.id, body="ok")
    assert str(smtp_server.wait_for(4)[-1]["To"]) == "clin@a.test"
    assert len(smtp_server.to("colleague@a.test")) == 1


def test_every_read_and_send_is_audited_without_the_text(world: World) -> None:
    patient = world.ctx(world.patient_actor)
    thread = start_thread(patient, patient_id=world.patient.id, subject="Sleep", body=SECRET)
    read_thread(world.ctx(world.clinician), patient_id=world.patient.id, thread_id=thread.id)
    send_message(
        world.ctx(world.clinician), patient_id=world.patient.id, thread_id=thread.id, body="Noted"
    )
    list_threads(patient, patient_id=world.patient.id)
    with world.container.uow() as uow:
        events = [
            e
            for e in uow.audit.search(patient_id=world.patient.id)
            if e.action.startswith("message.")
        ]
    actions = sorted(e.action for e in events)
    assert actions == ["message.list", "message.read", "message.send", "message.start"]
    assert all(e.patient_id == world.patient.id for e in events)
    text = json.dumps([e.detail for e in events])
    assert SECRET not in text and "Noted" not in text and "Sleep" not in text
    assert all("thread_id" in e.detail for e in events if e.action != "message.list")


def test_only_the_patient_and_their_clinic_reach_a_conversation(world: World) -> None:
    thread = start_thread(
        world.ctx(world.clinician), patient_id=world.patient.id, subject="Plan", body="Hello"
    )
    for stranger in (world.other_patient_actor, world.other_clinician, world.admin):
        with pytest.raises(PermissionDenied):
            read_thread(world.ctx(stranger), patient_id=world.patient.id, thread_id=thread.id)
        with pytest.raises(PermissionDenied):
            send_message(
                world.ctx(stranger), patient_id=world.patient.id, thread_id=thread.id, body="x"
            )
    # Another patient naming their own record cannot reach this thread through it.
    with pytest.raises(NotFound):
        read_thread(
            world.ctx(world.other_patient_actor),
            patient_id=world.other_patient.id,
            thread_id=thread.id,
        )
    with pytest.raises(PermissionDenied):
        set_needs_action(
            world.ctx(world.patient_actor),
            patient_id=world.patient.id,
            thread_id=thread.id,
            needs_action=True,
        )
    with world.container.uow() as uow:
        denied = [e for e in uow.audit.search(patient_id=world.patient.id) if e.outcome == "denied"]
    assert len(denied) >= 6
    assert clinic_inbox(world.ctx(world.other_clinician)) == []


def test_bad_messages_are_refused_and_nothing_is_stored(world: World) -> None:
    ctx = world.ctx(world.patient_actor)
    with pytest.raises(InvalidInput, match="write a message"):
        start_thread(ctx, patient_id=world.patient.id, subject="Hi", body="   ")
    with pytest.raises(InvalidInput, match="short title"):
        start_thread(ctx, patient_id=world.patient.id, subject="", body="text")
    assert list_threads(ctx, patient_id=world.patient.id) == []


def test_needing_action_and_the_inbox_order(world: World) -> None:
    clock = MovableClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    patient = with_(world.ctx(world.patient_actor), clock=clock)
    older = start_thread(patient, patient_id=world.patient.id, subject="Older", body="a")
    clock.advance(hours=1)
    newer = start_thread(patient, patient_id=world.patient.id, subject="Newer", body="b")
    clinician = with_(world.ctx(world.clinician), clock=clock)
    assert [r.thread.subject for r in clinic_inbox(clinician)] == ["Newer", "Older"]
    set_needs_action(clinician, patient_id=world.patient.id, thread_id=older.id, needs_action=True)
    rows = clinic_inbox(clinician)
    assert [r.thread.subject for r in rows] == ["Older", "Newer"]
    assert rows[0].thread.needs_action and rows[0].patient_name == "Pat Tester"
    assert [r.thread.subject for r in clinic_inbox(clinician, needs_action_only=True)] == ["Older"]
    # The mark is the team's: a colleague sees it too; unread is each person's own.
    assert unread_for_patients(world.ctx(world.clinician), patient_ids=[world.patient.id]) == {
        world.patient.id: (2, True)
    }
    set_needs_action(clinician, patient_id=world.patient.id, thread_id=older.id, needs_action=False)
    assert not any(r.thread.needs_action for r in clinic_inbox(clinician))
    assert newer.id != older.id


def test_retention_deletes_old_messages_and_empty_conversations(world: World) -> None:
    clock = MovableClock(datetime(2026, 1, 1, 9, 0, tzinfo=UTC))
    patient = with_(world.ctx(world.patient_actor), clock=clock)
    old = start_thread(patient, patient_id=world.patient.id, subject="Old", body="first")
    clock.set(datetime(2026, 3, 1, 9, 0, tzinfo=UTC))
    send_message(patient, patient_id=world.patient.id, thread_id=old.id, body="second")
    recent = start_thread(patient, patient_id=world.patient.id, subject="New", body="third")
    system = with_(world.container.context(), clock=clock)
    assert purge_old_messages(system) == {"messages": 0, "threads": 0}  # 0 days: keep everything
    keep_30 = with_(system, extras={**system.extras, "message_retention_days": 30})
    assert purge_old_messages(keep_30) == {"messages": 1, "threads": 0}
    view = read_thread(world.ctx(world.clinician), patient_id=world.patient.id, thread_id=old.id)
    assert [m.body for m in view.messages] == ["second"]
    clock.set(datetime(2026, 6, 1, 9, 0, tzinfo=UTC))
    assert purge_old_messages(keep_30) == {"messages": 2, "threads": 2}
    assert list_threads(world.ctx(world.patient_actor), patient_id=world.patient.id) == []
    with pytest.raises(NotFound):
        read_thread(world.ctx(world.clinician), patient_id=world.patient.id, thread_id=recent.id)
    with world.container.uow() as uow:
        [purge] = [e for e in uow.audit.iter_all() if e.action == "message.purge"][-1:]
    assert purge.detail == {"messages": 2, "threads": 2, "retention_days": 30}
