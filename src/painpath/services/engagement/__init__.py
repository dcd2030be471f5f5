"""Engagement between visits: invitations, reminders (a scheduled run), secure messages and
adherence insight. This package's ``__init__`` is the area's public service API."""

from __future__ import annotations

from painpath.services.engagement._common import FormProblems
from painpath.services.engagement.adherence import adherence_insight
from painpath.services.engagement.invitations import (
    InvitationLanding,
    InvitationPanel,
    accept_invitation,
    check_new_password,
    invitation_panel,
    invite_patient,
    open_invitation,
    resend_invitation,
    revoke_invitation,
)
from painpath.services.engagement.messages import (
    InboxRow,
    ThreadView,
    clinic_inbox,
    list_threads,
    my_unread_messages,
    purge_old_messages,
    read_thread,
    retention_days,
    send_message,
    set_needs_action,
    start_thread,
    unread_for_patients,
)
from painpath.services.engagement.reminder_run import due_kinds, send_due_reminders
from painpath.services.engagement.reminders import (
    ReminderSettings,
    StopView,
    open_reminder_link,
    pause_reminders,
    reminder_settings,
    reminder_stop_view,
    save_reminder_settings,
    stop_reminders,
)

__all__ = [
    "FormProblems",
    "InboxRow",
    "InvitationLanding",
    "InvitationPanel",
    "ReminderSettings",
    "StopView",
    "ThreadView",
    "accept_invitation",
    "adherence_insight",
    "check_new_password",
    "clinic_inbox",
    "due_kinds",
    "invitation_panel",
    "invite_patient",
    "list_threads",
    "my_unread_messages",
    "open_invitation",
    "open_reminder_link",
    "pause_reminders",
    "purge_old_messages",
    "read_thread",
    "reminder_settings",
    "reminder_stop_view",
    "resend_invitation",
    "retention_days",
    "revoke_invitation",
    "save_reminder_settings",
    "send_due_reminders",
    "send_message",
    "set_needs_action",
    "start_thread",
    "stop_reminders",
    "unread_for_patients",
]
