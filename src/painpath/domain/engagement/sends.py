"""Reminder sends: one claimed row per (patient, local day), the key that stops duplicates (pure).

The scheduler inserts the row before it sends (a unique key on patient and local day, so of
several workers exactly one wins), sends after the claim commits, then records the outcome. A
refused send is retried on later ticks of the same day, a few times, with growing gaps. A claim
whose worker died mid-send is never retried: one reminder lost beats one sent twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from painpath.domain.engagement.reminders import ReminderKind

__all__ = ["MAX_ATTEMPTS", "ReminderSend", "SendStatus", "retry_due"]

MAX_ATTEMPTS = 3
RETRY_GAP = timedelta(minutes=5)


class SendStatus:
    SENDING = "sending"  # claimed by one worker; the mail is on its way
    SENT = "sent"
    FAILED = "failed"  # the mail server refused; retried on a later tick the same day
    SKIPPED = "skipped"  # nothing was due that day (already checked in, nothing open)


@dataclass(frozen=True, slots=True)
class ReminderSend:
    """One claimed (patient, local day): the row that makes every reminder go out once."""

    id: int
    patient_id: str
    local_day: date
    kinds: tuple[str, ...]
    status: str
    attempts: int
    claimed_at: datetime
    sent_at: datetime | None = None
    opened_at: datetime | None = None
    error: str | None = None

    @property
    def link_target(self) -> str:
        """Where the e-mail's link leads: the check-in if it asked for one, else the forms."""
        return "/me/checkin" if ReminderKind.CHECKIN in self.kinds else "/me/questionnaires"


def retry_due(send: ReminderSend, now: datetime) -> bool:
    """Whether a failed send may be tried again at ``now`` (waits RETRY_GAP x attempts)."""
    if send.status != SendStatus.FAILED or send.attempts >= MAX_ATTEMPTS:
        return False
    return now >= send.claimed_at + RETRY_GAP * send.attempts
