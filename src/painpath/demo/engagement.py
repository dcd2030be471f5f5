"""Demo engagement between visits: an invited patient, two weeks of Maria's reminders (run by
the real reminder job day by day, most links opened), and message threads with the care team.

Every e-mail goes through the configured mail sender: with no SMTP host they land as ``.eml``
files in ``var/outbox`` (the invitation, the reminders, the message notices), so a newcomer can
open exactly what a patient would receive.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from painpath.demo import DemoWorld
from painpath.domain.ports import MailMessage, MailSender
from painpath.services.engagement import (
    invite_patient,
    open_reminder_link,
    save_reminder_settings,
    send_due_reminders,
    send_message,
    set_needs_action,
    start_thread,
)
from painpath.services.patients import NewPatient, create_patient

__all__ = ["seed"]

ZONE = "Europe/London"
SEND_AT = time(18, 30)
REMINDER_DAYS = 14
UNOPENED = {4, 8, 12}  # days ago whose reminder Maria did not open


@dataclass(frozen=True)
class _At:
    """A clock stopped at one instant (the reminder run looks at ``now``)."""

    at: datetime

    def now(self) -> datetime:
        return self.at

    def today(self) -> date:
        return self.at.date()


@dataclass
class _Keep:
    """Passes every e-mail on to the real sender and keeps the reminder links it saw."""

    inner: MailSender
    links: list[str] = field(default_factory=list)

    def send(self, message: MailMessage) -> None:
        self.inner.send(message)
        found = re.search(r"/r/([\w\-]+)\s", message.body)
        if found:
            self.links.append(found.group(1))


def _local(day: date, at: time) -> datetime:
    return datetime.combine(day, at, tzinfo=ZoneInfo(ZONE)).astimezone(UTC)


def _reminders(world: DemoWorld) -> tuple[int, int]:
    maria = world.patients["maria"]
    actor = world.patient_actors["maria"]
    save_reminder_settings(
        world.ctx(actor, on=world.today - timedelta(days=REMINDER_DAYS + 1)),
        patient_id=maria.id,
        checkin=True,
        questionnaires=True,
        send_at=SEND_AT.strftime("%H:%M"),
        time_zone=ZONE,
        quiet_start="21:30",
        quiet_end="07:30",
    )
    keep = _Keep(world.container.mail)
    sent = opened = 0
    for days_ago in range(REMINDER_DAYS, 0, -1):
        day = world.today - timedelta(days=days_ago)
        system = replace(world.container.context(), clock=_At(_local(day, time(18, 31))), mail=keep)
        before = len(keep.links)
        sent += send_due_reminders(system).get("sent", 0)
        if days_ago in UNOPENED or len(keep.links) == before:
            continue
        public = replace(world.container.context(), clock=_At(_local(day, time(19, 5))))
        open_reminder_link(public, token=keep.links[-1])
        opened += 1
    return sent, opened


def _threads(world: DemoWorld) -> int:
    maria, pid = world.patient_actors["maria"], world.patients["maria"].id
    t = world.today
    first = start_thread(
        world.ctx(maria, on=t - timedelta(days=5)),
        patient_id=pid,
        subject="Stiff in the morning",
        body=(
            "My back feels stiff for the first half hour after I get up. "
            "Should I still do the exercises in the morning?"
        ),
    )
    send_message(
        world.ctx(world.clinician, on=t - timedelta(days=4)),
        patient_id=pid,
        thread_id=first.id,
        body=(
            "Morning stiffness that eases within the hour is common and not a sign of harm. "
            "Start with the two gentlest exercises and do the rest later in the day if that "
            "feels easier. We can look at the timing together at your next visit."
        ),
    )
    send_message(
        world.ctx(maria, on=t - timedelta(days=3)),
        patient_id=pid,
        thread_id=first.id,
        body="Thank you, that helps. Afternoons work better for me.",
    )
    second = start_thread(
        world.ctx(maria, on=t - timedelta(days=1)),
        patient_id=pid,
        subject="Away for two weeks",
        body=(
            "I am travelling for two weeks next month. "
            "How do I keep up with my walking and exercises while I am away?"
        ),
    )
    colleague = world.ctx(world.clinician2, on=t)
    set_needs_action(colleague, patient_id=pid, thread_id=second.id, needs_action=True)
    send_message(
        colleague,
        patient_id=pid,
        thread_id=second.id,
        body=(
            "Thank you for telling us. We will plan your two weeks away together at your next "
            "visit, so you can keep going in a way that fits your trip."
        ),
    )
    return 2


def _invited(world: DemoWorld) -> str:
    lena = create_patient(
        world.ctx(world.clinician, on=world.today - timedelta(days=1)),
        new=NewPatient(
            given_name="Lena",
            family_name="Fischer",
            birth_date=date(1983, 6, 21),
            email="lena@demo.painpath.local",
            mrn="R-1100",
            episode_title="Hip and groin pain",
        ),
    )
    invite_patient(world.ctx(world.clinician), patient_id=lena.id)
    return lena.display_name


def seed(world: DemoWorld) -> str:
    sent, opened = _reminders(world)
    threads = _threads(world)
    invited = _invited(world)
    return (
        f"engagement: {invited} invited (link pending), {sent} reminders to Maria "
        f"({opened} opened), {threads} message threads"
    )
