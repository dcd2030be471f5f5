"""Tables for engagement between visits: invitations, reminders, secure messages.

Kept apart from ``tables.py`` (same declarative ``Base``) so this area's schema changes do not
touch the core tables. Migration ``0002_engagement`` creates them.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from painpath.adapters.db.tables import Base

__all__ = [
    "InvitationRow",
    "MessageRow",
    "MessageThreadRow",
    "ReminderPreferenceRow",
    "ReminderSendRow",
    "ThreadReadRow",
]


class InvitationRow(Base):
    __tablename__ = "invitations"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    patient_id: Mapped[str] = mapped_column(ForeignKey("patients.id"), index=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinics.id"))
    email: Mapped[str] = mapped_column(String(320))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    sent_count: Mapped[int] = mapped_column(Integer, default=1)
    last_sent_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    accepted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    accepted_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    privacy_version: Mapped[str | None] = mapped_column(String(20))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_by: Mapped[int | None] = mapped_column(Integer)


class ReminderPreferenceRow(Base):
    __tablename__ = "reminder_preferences"
    patient_id: Mapped[str] = mapped_column(ForeignKey("patients.id"), primary_key=True)
    checkin: Mapped[bool] = mapped_column(Boolean, default=True)
    questionnaires: Mapped[bool] = mapped_column(Boolean, default=True)
    send_at: Mapped[str] = mapped_column(String(5))  # local "HH:MM"
    time_zone: Mapped[str] = mapped_column(String(64))  # IANA name
    quiet_start: Mapped[str] = mapped_column(String(5))
    quiet_end: Mapped[str] = mapped_column(String(5))
    paused_until: Mapped[date | None] = mapped_column(Date)
    unsubscribed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_by: Mapped[int | None] = mapped_column(Integer)


class ReminderSendRow(Base):
    """One claimed (patient, local day). The unique key is what stops duplicate sends."""

    __tablename__ = "reminder_sends"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    patient_id: Mapped[str] = mapped_column(ForeignKey("patients.id"))
    local_day: Mapped[date] = mapped_column(Date)
    kinds: Mapped[str] = mapped_column(String(40))  # "checkin,questionnaire"
    status: Mapped[str] = mapped_column(String(12))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claimed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    error: Mapped[str | None] = mapped_column(Text)
    link_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    opened_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    __table_args__ = (UniqueConstraint("patient_id", "local_day", name="uq_reminder_send_day"),)


class MessageThreadRow(Base):
    __tablename__ = "message_threads"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    patient_id: Mapped[str] = mapped_column(ForeignKey("patients.id"), index=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinics.id"))
    subject: Mapped[str] = mapped_column(String(120))
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_message_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    needs_action: Mapped[bool] = mapped_column(Boolean, default=False)
    needs_action_by: Mapped[int | None] = mapped_column(Integer)
    needs_action_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    __table_args__ = (Index("ix_message_threads_clinic_last", "clinic_id", "last_message_at"),)


class MessageRow(Base):
    __tablename__ = "thread_messages"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    thread_id: Mapped[str] = mapped_column(ForeignKey("message_threads.id"), index=True)
    sender_user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    sender_role: Mapped[str] = mapped_column(String(20))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class ThreadReadRow(Base):
    """How far one person has read one thread (by message id: ids only grow)."""

    __tablename__ = "thread_reads"
    thread_id: Mapped[str] = mapped_column(ForeignKey("message_threads.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    last_read_message_id: Mapped[int] = mapped_column(Integer)
    read_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
