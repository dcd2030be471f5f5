"""Helpers the engagement tests share: a clock the test moves, a sender to the test SMTP server,
a patient without a sign-in, and links pulled out of received e-mails."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage

from painpath.adapters.mail import SmtpMailSender
from painpath.domain.accounts import Actor, Patient
from painpath.services.context import ServiceContext
from painpath.services.patients import NewPatient, create_patient
from tests.conftest import World
from tests.mailserver import SmtpTestServer

__all__ = [
    "MovableClock",
    "OffsetClock",
    "actor_of",
    "body_of",
    "link_in",
    "new_patient",
    "smtp_sender",
    "token_of",
    "with_",
]


@dataclass
class MovableClock:
    """A wall clock the test sets and moves; no test ever sleeps for real minutes."""

    at: datetime = field(default_factory=lambda: datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def now(self) -> datetime:
        with self._lock:
            return self.at

    def today(self):  # type: ignore[no-untyped-def]
        return self.now().date()

    def set(self, at: datetime) -> None:
        with self._lock:
            self.at = at

    def advance(self, **delta: float) -> None:
        with self._lock:
            self.at = self.at + timedelta(**delta)


@dataclass
class OffsetClock:
    """The real time plus an offset the test moves: sessions (stamped with real time) stay
    fresh while the app believes minutes have passed."""

    offset: timedelta = field(default_factory=timedelta)

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def today(self):  # type: ignore[no-untyped-def]
        return self.now().date()

    def advance(self, **delta: float) -> None:
        self.offset += timedelta(**delta)


def smtp_sender(server: SmtpTestServer) -> SmtpMailSender:
    return SmtpMailSender(
        host=server.host, port=server.port, sender="PainPath <no-reply@clinic.test>", starttls=False
    )


def with_(ctx: ServiceContext, **changes: object) -> ServiceContext:
    return replace(ctx, **changes)  # type: ignore[arg-type]


def new_patient(world: World, given: str, email: str | None, *, clock: object = None) -> Patient:
    ctx = world.ctx(world.clinician)
    if clock is not None:
        ctx = with_(ctx, clock=clock)
    return create_patient(ctx, new=NewPatient(given, "Newman", None, None, None, email))


def body_of(message: EmailMessage) -> str:
    return message.get_content()  # type: ignore[no-any-return]


def link_in(message: EmailMessage, path_prefix: str) -> str:
    match = re.search(rf"https?://\S+{re.escape(path_prefix)}[\w\-]+", body_of(message))
    assert match, f"no {path_prefix} link in: {body_of(message)}"
    return match.group(0)


def token_of(link: str) -> str:
    return link.rstrip("/").split("/")[-1]


def actor_of(world: World, patient: Patient) -> Actor:
    with world.container.uow() as uow:
        user = uow.users.by_patient(patient.id)
    assert user is not None
    return Actor(user.id, user.role, user.clinic_id, user.name, patient.id)
