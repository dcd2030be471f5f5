"""Secure messages between a patient and their clinic's care team (pure).

A thread belongs to one patient and their clinic; every clinician of that clinic is on the
care team. Text only: no attachments. Read state is per person (``last read message id``);
a clinician can mark a thread as needing action for the whole team.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime

from painpath.domain.errors import InvalidInput

__all__ = [
    "MAX_MESSAGE_CHARS",
    "MAX_SUBJECT_CHARS",
    "Message",
    "Thread",
    "clean_message_body",
    "clean_subject",
]

MAX_MESSAGE_CHARS = 4000
MAX_SUBJECT_CHARS = 120


@dataclass(frozen=True, slots=True)
class Thread:
    id: str
    patient_id: str
    clinic_id: int
    subject: str
    created_by: int
    created_at: datetime
    last_message_at: datetime
    needs_action: bool = False
    needs_action_by: int | None = None
    needs_action_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Message:
    id: int
    thread_id: str
    sender_user_id: int
    sender_role: str  # patient | clinician
    sender_name: str
    body: str
    created_at: datetime


def _strip_controls(text: str, *, keep_newlines: bool) -> str:
    allowed = {"\n", "\t"} if keep_newlines else set()
    return "".join(
        ch for ch in text if ch in allowed or not unicodedata.category(ch).startswith("C")
    )


def clean_message_body(text: str) -> str:
    """Normalise line endings, drop control characters, refuse empty or overlong text."""
    body = _strip_controls(text.replace("\r\n", "\n").replace("\r", "\n"), keep_newlines=True)
    body = body.strip()
    if not body:
        raise InvalidInput("please write a message")
    if len(body) > MAX_MESSAGE_CHARS:
        raise InvalidInput(
            f"a message can have up to {MAX_MESSAGE_CHARS} characters (this one has {len(body)})"
        )
    return body


def clean_subject(text: str) -> str:
    subject = " ".join(_strip_controls(text, keep_newlines=False).split())
    if not subject:
        raise InvalidInput("please give the message a short title")
    if len(subject) > MAX_SUBJECT_CHARS:
        raise InvalidInput(f"a title can have up to {MAX_SUBJECT_CHARS} characters")
    return subject
