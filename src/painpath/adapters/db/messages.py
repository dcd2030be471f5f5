"""Repository for secure message threads, messages and read markers."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import and_, delete, func, select
from sqlalchemy.orm import Session

from painpath.adapters.db.accounts import aware
from painpath.adapters.db.engagement_tables import MessageRow, MessageThreadRow, ThreadReadRow
from painpath.adapters.db.tables import UserRow
from painpath.domain.engagement.messages import Message, Thread

__all__ = ["MessageRepo"]


def _thread(row: MessageThreadRow) -> Thread:
    return Thread(
        id=row.id,
        patient_id=row.patient_id,
        clinic_id=row.clinic_id,
        subject=row.subject,
        created_by=row.created_by,
        created_at=aware(row.created_at),
        last_message_at=aware(row.last_message_at),
        needs_action=row.needs_action,
        needs_action_by=row.needs_action_by,
        needs_action_at=aware(row.needs_action_at) if row.needs_action_at else None,
    )


def _message(row: MessageRow, sender_name: str) -> Message:
    return Message(
        id=row.id,
        thread_id=row.thread_id,
        sender_user_id=row.sender_user_id,
        sender_role=row.sender_role,
        sender_name=sender_name,
        body=row.body,
        created_at=aware(row.created_at),
    )


class MessageRepo:
    def __init__(self, session: Session) -> None:
        self._s = session

    def add_thread(
        self, *, patient_id: str, clinic_id: int, subject: str, created_by: int, at: datetime
    ) -> Thread:
        row = MessageThreadRow(
            id=str(uuid.uuid4()),
            patient_id=patient_id,
            clinic_id=clinic_id,
            subject=subject,
            created_by=created_by,
            created_at=at,
            last_message_at=at,
            needs_action=False,
        )
        self._s.add(row)
        self._s.flush()
        return _thread(row)

    def thread(self, thread_id: str) -> Thread | None:
        row = self._s.get(MessageThreadRow, thread_id)
        return _thread(row) if row else None

    def threads_for_patient(self, patient_id: str) -> list[Thread]:
        stmt = (
            select(MessageThreadRow)
            .where(MessageThreadRow.patient_id == patient_id)
            .order_by(MessageThreadRow.last_message_at.desc())
        )
        return [_thread(r) for r in self._s.scalars(stmt)]

    def threads_for_clinic(
        self, clinic_id: int, *, needs_action_only: bool = False, limit: int = 200
    ) -> list[Thread]:
        stmt = select(MessageThreadRow).where(MessageThreadRow.clinic_id == clinic_id)
        if needs_action_only:
            stmt = stmt.where(MessageThreadRow.needs_action.is_(True))
        stmt = stmt.order_by(MessageThreadRow.last_message_at.desc()).limit(limit)
        return [_thread(r) for r in self._s.scalars(stmt)]

    def add_message(
        self, *, thread_id: str, sender_user_id: int, sender_role: str, body: str, at: datetime
    ) -> Message:
        thread = self._s.get_one(MessageThreadRow, thread_id)
        row = MessageRow(
            thread_id=thread_id,
            sender_user_id=sender_user_id,
            sender_role=sender_role,
            body=body,
            created_at=at,
        )
        self._s.add(row)
        thread.last_message_at = max(aware(thread.last_message_at), at)
        self._s.flush()
        # The sender has read their own message and everything before it.
        self.mark_read(thread_id, sender_user_id, up_to=row.id, at=at)
        name = self._s.scalar(select(UserRow.name).where(UserRow.id == sender_user_id)) or ""
        return _message(row, name)

    def messages(self, thread_id: str) -> list[Message]:
        stmt = (
            select(MessageRow, UserRow.name)
            .join(UserRow, UserRow.id == MessageRow.sender_user_id)
            .where(MessageRow.thread_id == thread_id)
            .order_by(MessageRow.id)
        )
        return [_message(row, name) for row, name in self._s.execute(stmt)]

    def mark_read(self, thread_id: str, user_id: int, *, up_to: int, at: datetime) -> None:
        row = self._s.get(ThreadReadRow, (thread_id, user_id))
        if row is None:
            self._s.add(
                ThreadReadRow(
                    thread_id=thread_id, user_id=user_id, last_read_message_id=up_to, read_at=at
                )
            )
        elif up_to > row.last_read_message_id:
            row.last_read_message_id = up_to
            row.read_at = at
        self._s.flush()

    def _unread_query(self, user_id: int):  # type: ignore[no-untyped-def]
        marker = func.coalesce(ThreadReadRow.last_read_message_id, 0)
        return (
            select(MessageThreadRow.id, MessageThreadRow.patient_id, func.count(MessageRow.id))
            .join(MessageRow, MessageRow.thread_id == MessageThreadRow.id)
            .outerjoin(
                ThreadReadRow,
                and_(
                    ThreadReadRow.thread_id == MessageThreadRow.id,
                    ThreadReadRow.user_id == user_id,
                ),
            )
            .where(MessageRow.sender_user_id != user_id, MessageRow.id > marker)
            .group_by(MessageThreadRow.id, MessageThreadRow.patient_id)
        )

    def unread_in_threads(self, user_id: int, thread_ids: list[str]) -> dict[str, int]:
        if not thread_ids:
            return {}
        stmt = self._unread_query(user_id).where(MessageThreadRow.id.in_(thread_ids))
        return {thread_id: int(n) for thread_id, _patient, n in self._s.execute(stmt)}

    def unread_by_patient(
        self, user_id: int, *, patient_ids: list[str] | None = None, clinic_id: int | None = None
    ) -> dict[str, int]:
        stmt = self._unread_query(user_id)
        if patient_ids is not None:
            if not patient_ids:
                return {}
            stmt = stmt.where(MessageThreadRow.patient_id.in_(patient_ids))
        if clinic_id is not None:
            stmt = stmt.where(MessageThreadRow.clinic_id == clinic_id)
        counts: dict[str, int] = {}
        for _thread_id, patient_id, n in self._s.execute(stmt):
            counts[patient_id] = counts.get(patient_id, 0) + int(n)
        return counts

    def set_needs_action(
        self, thread_id: str, *, needs_action: bool, by: int, at: datetime
    ) -> None:
        row = self._s.get_one(MessageThreadRow, thread_id)
        row.needs_action = needs_action
        row.needs_action_by = by if needs_action else None
        row.needs_action_at = at if needs_action else None

    def senders(self, thread_id: str) -> set[int]:
        stmt = select(MessageRow.sender_user_id).where(MessageRow.thread_id == thread_id).distinct()
        return set(self._s.scalars(stmt))

    def purge_before(self, cutoff: datetime) -> tuple[int, int]:
        old = self._s.execute(delete(MessageRow).where(MessageRow.created_at < cutoff))
        messages = int(old.rowcount or 0)  # type: ignore[attr-defined]
        empty = select(MessageThreadRow.id).where(
            ~select(MessageRow.id).where(MessageRow.thread_id == MessageThreadRow.id).exists()
        )
        empty_ids = list(self._s.scalars(empty))
        if empty_ids:
            self._s.execute(delete(ThreadReadRow).where(ThreadReadRow.thread_id.in_(empty_ids)))
            self._s.execute(delete(MessageThreadRow).where(MessageThreadRow.id.in_(empty_ids)))
        return messages, len(empty_ids)
