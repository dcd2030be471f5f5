"""The demo shows engagement on the first click: an invited patient, Maria's reminders with
opens and check-ins that followed, and message threads waiting in the caseload."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from painpath.bootstrap import Container
from painpath.demo import FixedClock
from painpath.domain.accounts import Actor
from painpath.services.engagement import (
    adherence_insight,
    clinic_inbox,
    invitation_panel,
    my_unread_messages,
    unread_for_patients,
)
from tests.conftest import seed_demo_copy

TODAY = date(2026, 11, 29)


def world_patient(container: Container, patient_id: str):  # type: ignore[no-untyped-def]
    with container.uow() as uow:
        user = uow.users.by_patient(patient_id)
    assert user is not None
    return container.context().acting_as(
        Actor(user.id, user.role, user.clinic_id, user.name, patient_id)
    )


def test_demo_seeds_an_invitation_reminders_and_threads(container: Container) -> None:
    summary = seed_demo_copy(container, today=TODAY)
    assert "Lena Fischer invited (link pending), 14 reminders to Maria (11 opened)" in summary
    with container.uow() as uow:
        user = uow.users.by_email("clinician@demo.painpath.local")
        assert user is not None
        people = {p.given_name: p for p in uow.patients.search(clinic_id=user.clinic_id)}
    ctx = replace(
        container.context().acting_as(Actor(user.id, user.role, user.clinic_id, user.name)),
        clock=FixedClock(TODAY),
    )
    panel = invitation_panel(ctx, patient_id=people["Lena"].id)
    assert panel.pending is not None and panel.account_email is None
    insight = adherence_insight(ctx, patient_id=people["Maria"].id)
    assert (insight.sent, insight.opened) == (14, 11)
    assert 0 < insight.followed <= insight.checkin_reminders == 14  # from her seeded check-ins
    # Maria's thank-you and her travel question, and a colleague's reply, are new to Sam;
    # the colleague marked the travel question as needing action.
    assert unread_for_patients(ctx, patient_ids=[people["Maria"].id]) == {
        people["Maria"].id: (3, True)
    }
    maria = world_patient(container, people["Maria"].id)
    assert my_unread_messages(maria) == 1  # the colleague's reply: her home shows it
    subjects = [r.thread.subject for r in clinic_inbox(ctx)]
    assert subjects == ["Away for two weeks", "Stiff in the morning"]  # needing action first
    outbox = list(container.settings.outbox_dir.glob("*.eml"))
    assert len(outbox) >= 1 + 14  # the invitation and every reminder, as files
