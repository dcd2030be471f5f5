"""The words of PainPath's e-mails to patients and staff (pure, plain language).

E-mails carry a link and a notice, never health data: no names of questionnaires, no scores,
no symptoms, no message content, no patient names in staff e-mails. Tests check each text for
clinical words and reading grade.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

from painpath.domain.engagement.reminders import ReminderKind

__all__ = [
    "MailText",
    "invitation_mail",
    "message_notice_to_patient",
    "message_notice_to_staff",
    "reminder_mail",
]


@dataclass(frozen=True, slots=True)
class MailText:
    subject: str
    body: str


def invitation_mail(*, clinic_name: str, link: str, expires_on: date) -> MailText:
    body = (
        "Hello,\n\n"
        f"{clinic_name} has invited you to PainPath. You can use it to fill in forms, "
        "check in each day and send secure messages to your care team.\n\n"
        "To start, open this link and choose your own password:\n"
        f"{link}\n\n"
        f"The link works once. It stops working on {expires_on.strftime('%d %B %Y')}. "
        "If it has stopped working, ask your care team to send a new one.\n\n"
        "If you did not expect this e-mail, you can ignore it.\n"
    )
    return MailText("Your invitation to PainPath", body)


def reminder_mail(
    *,
    kinds: tuple[str, ...],
    send_at: time,
    time_zone: str,
    link: str,
    stop_link: str,
) -> MailText:
    """One daily reminder. Says only *that* something is waiting, never what it is about."""
    lines = []
    if ReminderKind.CHECKIN in kinds:
        lines.append("- Your check-in for today is waiting. It takes about two minutes.")
    if ReminderKind.QUESTIONNAIRE in kinds:
        lines.append("- Your care team has a form for you to fill in.")
    body = (
        "Hello,\n\n"
        "This is your reminder from PainPath.\n"
        + "\n".join(lines)
        + "\n\nOpen PainPath:\n"
        + f"{link}\n\n"
        + f"You get this e-mail each day at {send_at.strftime('%H:%M')} ({time_zone}). "
        + "To change the time or take a break, sign in and open Reminders.\n\n"
        + "To stop these e-mails, open this link:\n"
        + f"{stop_link}\n"
    )
    return MailText("Your reminder from PainPath", body)


def message_notice_to_patient(*, link: str) -> MailText:
    body = (
        "Hello,\n\n"
        "Your care team sent you a new message in PainPath. "
        "To keep it private, this e-mail does not show it.\n\n"
        "Sign in to read it:\n"
        f"{link}\n"
    )
    return MailText("You have a new message in PainPath", body)


def message_notice_to_staff(*, link: str) -> MailText:
    body = (
        "Hello,\n\n"
        "A patient sent a new message in PainPath. "
        "To keep it private, this e-mail does not show who sent it or what it says.\n\n"
        "Sign in to read it:\n"
        f"{link}\n"
    )
    return MailText("New patient message in PainPath", body)
