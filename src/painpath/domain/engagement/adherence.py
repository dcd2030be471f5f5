"""Adherence insight: reminders sent, links opened and check-ins that followed (pure).

A check-in *followed* a reminder when the reminder asked for the check-in and the patient
checked in for the reminded day, or sent a check-in within 24 hours of the reminder (a patient
far from the server's time zone may date it differently).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from painpath.domain.engagement.reminders import ReminderKind
from painpath.domain.engagement.sends import ReminderSend, SendStatus

__all__ = [
    "FOLLOW_WINDOW",
    "AdherenceSummary",
    "CheckinMark",
    "ReminderOutcome",
    "summarise_adherence",
]

FOLLOW_WINDOW = timedelta(hours=24)


@dataclass(frozen=True, slots=True)
class CheckinMark:
    """A check-in as adherence sees it: the day it is for and when it was first sent."""

    day: date
    first_at: datetime


@dataclass(frozen=True, slots=True)
class ReminderOutcome:
    send: ReminderSend
    opened: bool
    followed: bool | None  # None: the reminder was not about the check-in


@dataclass(frozen=True, slots=True)
class AdherenceSummary:
    days: int
    sent: int
    opened: int
    checkin_reminders: int
    followed: int
    failed: int
    rows: tuple[ReminderOutcome, ...]

    @property
    def opened_share(self) -> float | None:
        return self.opened / self.sent if self.sent else None

    @property
    def followed_share(self) -> float | None:
        return self.followed / self.checkin_reminders if self.checkin_reminders else None


def _followed(send: ReminderSend, checkins: Sequence[CheckinMark]) -> bool:
    sent_at = send.sent_at
    for mark in checkins:
        if mark.day == send.local_day:
            return True
        if sent_at is not None and sent_at <= mark.first_at <= sent_at + FOLLOW_WINDOW:
            return True
    return False


def summarise_adherence(
    sends: Sequence[ReminderSend], checkins: Sequence[CheckinMark], *, days: int
) -> AdherenceSummary:
    """Sums over the sends given (the caller picks the last ``days`` days), newest row first."""
    rows = []
    for send in sorted(sends, key=lambda s: s.local_day, reverse=True):
        if send.status != SendStatus.SENT:
            continue
        about_checkin = ReminderKind.CHECKIN in send.kinds
        followed = _followed(send, checkins) if about_checkin else None
        rows.append(ReminderOutcome(send, send.opened_at is not None, followed))
    return AdherenceSummary(
        days=days,
        sent=len(rows),
        opened=sum(r.opened for r in rows),
        checkin_reminders=sum(r.followed is not None for r in rows),
        followed=sum(r.followed is True for r in rows),
        failed=sum(s.status == SendStatus.FAILED for s in sends),
        rows=tuple(rows),
    )
