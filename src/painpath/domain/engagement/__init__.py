"""Engagement between visits: invitations, reminders, secure messages and adherence (pure)."""

from painpath.domain.engagement.adherence import (
    AdherenceSummary,
    CheckinMark,
    ReminderOutcome,
    summarise_adherence,
)
from painpath.domain.engagement.invitations import (
    INVITATION_DAYS,
    PRIVACY_NOTICE_VERSION,
    Invitation,
    InvitationStatus,
    check_usable,
)
from painpath.domain.engagement.messages import Message, Thread, clean_message_body, clean_subject
from painpath.domain.engagement.reminders import (
    QuietHours,
    ReminderKind,
    ReminderPreferences,
    reminder_day,
    validate_time_zone,
)
from painpath.domain.engagement.sends import ReminderSend, SendStatus, retry_due

__all__ = [
    "INVITATION_DAYS",
    "PRIVACY_NOTICE_VERSION",
    "AdherenceSummary",
    "CheckinMark",
    "Invitation",
    "InvitationStatus",
    "Message",
    "QuietHours",
    "ReminderKind",
    "ReminderOutcome",
    "ReminderPreferences",
    "ReminderSend",
    "SendStatus",
    "Thread",
    "check_usable",
    "clean_message_body",
    "clean_subject",
    "reminder_day",
    "retry_due",
    "summarise_adherence",
    "validate_time_zone",
]
