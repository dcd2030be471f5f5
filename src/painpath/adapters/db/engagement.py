"""Repositories for invitations and reminders (engagement between visits)."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time

from sqlalchemy import func, or_, select, tuple_, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from painpath.adapters.db.accounts import aware
from painpath.adapters.db.engagement_tables import (
    InvitationRow,
    ReminderPreferenceRow,
    ReminderSendRow,
)
from painpath.adapters.db.tables import PatientRow, RecordRow, UserRow
from painpath.domain.accounts import Role
from painpath.domain.engagement.adherence import CheckinMark
from painpath.domain.engagement.invitations import Invitation
from painpath.domain.engagement.reminders import QuietHours, ReminderPreferences, ReminderRecipient
from painpath.domain.engagement.sends import ReminderSend, SendStatus
from painpath.domain.records import RecordKind

__all__ = ["InvitationRepo", "ReminderRepo"]


def _opt(value: datetime | None) -> datetime | None:
    return aware(value) if value is not None else None


def _invitation(row: InvitationRow) -> Invitation:
    return Invitation(
        id=row.id,
        patient_id=row.patient_id,
        clinic_id=row.clinic_id,
        email=row.email,
        created_by=row.created_by,
        created_at=aware(row.created_at),
        expires_at=aware(row.expires_at),
        sent_count=row.sent_count,
        last_sent_at=aware(row.last_sent_at),
        accepted_at=_opt(row.accepted_at),
        accepted_user_id=row.accepted_user_id,
        privacy_version=row.privacy_version,
        revoked_at=_opt(row.revoked_at),
    )


class InvitationRepo:
    def __init__(self, session: Session) -> None:
        self._s = session

    def add(
        self,
        *,
        patient_id: str,
        clinic_id: int,
        email: str,
        token_hash: str,
        created_by: int,
        at: datetime,
        expires_at: datetime,
    ) -> Invitation:
        row = InvitationRow(
            id=str(uuid.uuid4()),
            patient_id=patient_id,
            clinic_id=clinic_id,
            email=email,
            token_hash=token_hash,
            created_by=created_by,
            created_at=at,
            expires_at=expires_at,
            sent_count=1,
            last_sent_at=at,
        )
        self._s.add(row)
        self._s.flush()
        return _invitation(row)

    def get(self, invitation_id: str) -> Invitation | None:
        row = self._s.get(InvitationRow, invitation_id)
        return _invitation(row) if row else None

    def by_token(self, token_hash: str) -> Invitation | None:
        row = self._s.scalar(select(InvitationRow).where(InvitationRow.token_hash == token_hash))
        return _invitation(row) if row else None

    def for_patient(self, patient_id: str) -> list[Invitation]:
        stmt = (
            select(InvitationRow)
            .where(InvitationRow.patient_id == patient_id)
            .order_by(InvitationRow.created_at.desc())
        )
        return [_invitation(r) for r in self._s.scalars(stmt)]

    def reissue(
        self, invitation_id: str, *, token_hash: str, at: datetime, expires_at: datetime
    ) -> None:
        row = self._s.get_one(InvitationRow, invitation_id)
        row.token_hash = token_hash
        row.expires_at = expires_at
        row.last_sent_at = at
        row.sent_count += 1

    def mark_accepted(
        self, invitation_id: str, *, at: datetime, user_id: int, privacy_version: str
    ) -> bool:
        stmt = (
            update(InvitationRow)
            .where(
                InvitationRow.id == invitation_id,
                InvitationRow.accepted_at.is_(None),
                InvitationRow.revoked_at.is_(None),
            )
            .values(accepted_at=at, accepted_user_id=user_id, privacy_version=privacy_version)
        )
        return bool(self._s.execute(stmt).rowcount)  # type: ignore[attr-defined]

    def revoke(self, invitation_id: str, *, at: datetime, by: int) -> None:
        row = self._s.get_one(InvitationRow, invitation_id)
        if row.revoked_at is None and row.accepted_at is None:
            row.revoked_at = at
            row.revoked_by = by


def _clock(value: str) -> time:
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))


def _hhmm(value: time) -> str:
    return value.strftime("%H:%M")


def _prefs(row: ReminderPreferenceRow) -> ReminderPreferences:
    return ReminderPreferences(
        patient_id=row.patient_id,
        checkin=row.checkin,
        questionnaires=row.questionnaires,
        send_at=_clock(row.send_at),
        time_zone=row.time_zone,
        quiet=QuietHours(_clock(row.quiet_start), _clock(row.quiet_end)),
        paused_until=row.paused_until,
        unsubscribed=row.unsubscribed_at is not None,
    )


def _send(row: ReminderSendRow) -> ReminderSend:
    return ReminderSend(
        id=row.id,
        patient_id=row.patient_id,
        local_day=row.local_day,
        kinds=tuple(k for k in row.kinds.split(",") if k),
        status=row.status,
        attempts=row.attempts,
        claimed_at=aware(row.claimed_at),
        sent_at=_opt(row.sent_at),
        opened_at=_opt(row.opened_at),
        error=row.error,
    )


class ReminderRepo:
    def __init__(self, session: Session) -> None:
        self._s = session

    def preferences(self, patient_id: str) -> ReminderPreferences | None:
        row = self._s.get(ReminderPreferenceRow, patient_id)
        return _prefs(row) if row else None

    def save_preferences(self, prefs: ReminderPreferences, *, by: int, at: datetime) -> None:
        row = self._s.get(ReminderPreferenceRow, prefs.patient_id)
        if row is None:
            row = ReminderPreferenceRow(patient_id=prefs.patient_id)
            self._s.add(row)
        row.checkin = prefs.checkin
        row.questionnaires = prefs.questionnaires
        row.send_at = _hhmm(prefs.send_at)
        row.time_zone = prefs.time_zone
        row.quiet_start = _hhmm(prefs.quiet.start)
        row.quiet_end = _hhmm(prefs.quiet.end)
        row.paused_until = prefs.paused_until
        row.unsubscribed_at = at if prefs.unsubscribed else None
        row.updated_at = at
        row.updated_by = by
        self._s.flush()

    def set_unsubscribed(self, patient_id: str, *, at: datetime) -> None:
        row = self._s.get(ReminderPreferenceRow, patient_id)
        if row is not None and row.unsubscribed_at is None:
            row.unsubscribed_at = at
            row.updated_at = at

    def recipients(self) -> list[ReminderRecipient]:
        stmt = (
            select(ReminderPreferenceRow, UserRow.id, UserRow.email, UserRow.clinic_id)
            .join(UserRow, UserRow.patient_id == ReminderPreferenceRow.patient_id)
            .join(PatientRow, PatientRow.id == ReminderPreferenceRow.patient_id)
            .where(
                ReminderPreferenceRow.unsubscribed_at.is_(None),
                or_(ReminderPreferenceRow.checkin, ReminderPreferenceRow.questionnaires),
                UserRow.active.is_(True),
                UserRow.role == Role.PATIENT.value,
                PatientRow.voided.is_(False),
            )
        )
        return [
            ReminderRecipient(_prefs(row), user_id, email, clinic_id)
            for row, user_id, email, clinic_id in self._s.execute(stmt)
        ]

    def sends_on(self, keys: list[tuple[str, date]]) -> dict[tuple[str, date], ReminderSend]:
        found: dict[tuple[str, date], ReminderSend] = {}
        for start in range(0, len(keys), 500):  # keep each IN list a sensible size
            chunk = keys[start : start + 500]
            stmt = select(ReminderSendRow).where(
                tuple_(ReminderSendRow.patient_id, ReminderSendRow.local_day).in_(chunk)
            )
            for row in self._s.scalars(stmt):
                found[(row.patient_id, row.local_day)] = _send(row)
        return found

    def claim(
        self,
        *,
        patient_id: str,
        local_day: date,
        kinds: tuple[str, ...],
        status: str,
        link_token_hash: str | None,
        at: datetime,
    ) -> ReminderSend | None:
        row = ReminderSendRow(
            patient_id=patient_id,
            local_day=local_day,
            kinds=",".join(kinds),
            status=status,
            attempts=0,
            claimed_at=at,
            link_token_hash=link_token_hash,
        )
        try:
            with self._s.begin_nested():  # a lost race rolls back this insert only
                self._s.add(row)
                self._s.flush()
        except IntegrityError:
            return None
        return _send(row)

    def reclaim(
        self,
        send_id: int,
        *,
        attempts: int,
        kinds: tuple[str, ...],
        link_token_hash: str,
        at: datetime,
    ) -> bool:
        stmt = (
            update(ReminderSendRow)
            .where(
                ReminderSendRow.id == send_id,
                ReminderSendRow.status == SendStatus.FAILED,
                ReminderSendRow.attempts == attempts,
            )
            .values(
                status=SendStatus.SENDING,
                claimed_at=at,
                kinds=",".join(kinds),
                link_token_hash=link_token_hash,
            )
        )
        return bool(self._s.execute(stmt).rowcount)  # type: ignore[attr-defined]

    def finish(self, send_id: int, *, status: str, at: datetime, error: str | None = None) -> None:
        row = self._s.get_one(ReminderSendRow, send_id)
        row.status = status
        row.attempts += 1
        row.error = error[:500] if error else None
        if status == SendStatus.SENT:
            row.sent_at = at

    def by_link_token(self, token_hash: str) -> ReminderSend | None:
        stmt = select(ReminderSendRow).where(ReminderSendRow.link_token_hash == token_hash)
        row = self._s.scalar(stmt)
        return _send(row) if row else None

    def mark_opened(self, send_id: int, *, at: datetime) -> bool:
        stmt = (
            update(ReminderSendRow)
            .where(ReminderSendRow.id == send_id, ReminderSendRow.opened_at.is_(None))
            .values(opened_at=at)
        )
        return bool(self._s.execute(stmt).rowcount)  # type: ignore[attr-defined]

    def sends_for(self, patient_id: str, *, since: date) -> list[ReminderSend]:
        stmt = (
            select(ReminderSendRow)
            .where(ReminderSendRow.patient_id == patient_id, ReminderSendRow.local_day >= since)
            .order_by(ReminderSendRow.local_day)
        )
        return [_send(r) for r in self._s.scalars(stmt)]

    def checkin_marks(self, patient_id: str, *, since: datetime) -> list[CheckinMark]:
        # Read-only look at the check-in records: the day each is for and its first version.
        first_at = func.min(RecordRow.created_at)
        stmt = (
            select(RecordRow.record_id, func.max(RecordRow.natural_key), first_at)
            .where(
                RecordRow.patient_id == patient_id,
                RecordRow.kind == RecordKind.CHECKIN.value,
                RecordRow.voided.is_(False),
            )
            .group_by(RecordRow.record_id)
            .having(
                or_(first_at >= since, func.max(RecordRow.natural_key) >= since.date().isoformat())
            )
        )
        marks = []
        for _record_id, key, first in self._s.execute(stmt):
            if key:
                marks.append(CheckinMark(date.fromisoformat(key), aware(first)))
        return marks
