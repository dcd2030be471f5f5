"""The audit log table: appends under a row lock on the chain head; reads for review/verify."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from painpath.adapters.db.accounts import aware
from painpath.adapters.db.tables import AuditCheckpointRow, AuditEventRow, AuditHeadRow, utcnow
from painpath.domain.audit import (
    GENESIS_HASH,
    AuditEvent,
    Checkpoint,
    compute_event_hash,
    sign_checkpoint,
)

__all__ = ["AuditLog"]


def _event(row: AuditEventRow) -> AuditEvent:
    return AuditEvent(
        seq=row.seq,
        at=datetime.fromisoformat(row.at_text),
        actor_user_id=row.actor_user_id,
        actor_role=row.actor_role,
        action=row.action,
        patient_id=row.patient_id,
        clinic_id=row.clinic_id,
        request_id=row.request_id,
        detail=row.detail or {},
        outcome=row.outcome,
        prev_hash=row.prev_hash,
        hash=row.hash,
    )


class AuditLog:
    """``key``: the HMAC key (outside the database); a signed checkpoint every
    ``checkpoint_every`` events."""

    def __init__(self, session: Session, *, key: bytes = b"", checkpoint_every: int = 100) -> None:
        self._s = session
        self._key = key
        self._every = checkpoint_every

    def append(
        self,
        *,
        action: str,
        actor_user_id: int | None,
        actor_role: str | None,
        patient_id: str | None = None,
        clinic_id: int | None = None,
        request_id: str | None = None,
        detail: Mapping[str, Any] | None = None,
        outcome: str = "ok",
    ) -> AuditEvent:
        head = self._s.scalar(select(AuditHeadRow).where(AuditHeadRow.id == 1).with_for_update())
        if head is None:
            head = AuditHeadRow(id=1, last_seq=0, last_hash=GENESIS_HASH)
            self._s.add(head)
            self._s.flush()
        event = AuditEvent(
            seq=head.last_seq + 1,
            at=utcnow(),
            actor_user_id=actor_user_id,
            actor_role=actor_role,
            action=action,
            patient_id=patient_id,
            clinic_id=clinic_id,
            request_id=request_id,
            detail=dict(detail or {}),
            outcome=outcome,
            prev_hash=head.last_hash,
        )
        event = replace(event, hash=compute_event_hash(event, self._key))
        self._s.add(
            AuditEventRow(
                seq=event.seq,
                at=event.at,
                at_text=event.at.isoformat(),
                actor_user_id=event.actor_user_id,
                actor_role=event.actor_role,
                action=event.action,
                patient_id=event.patient_id,
                clinic_id=event.clinic_id,
                request_id=event.request_id,
                detail=dict(event.detail),
                outcome=event.outcome,
                prev_hash=event.prev_hash,
                hash=event.hash,
            )
        )
        head.last_seq = event.seq
        head.last_hash = event.hash
        if self._key and event.seq % self._every == 0:
            self._add_checkpoint(event.seq, event.hash)
        self._s.flush()
        return event

    def _add_checkpoint(self, seq: int, last_hash: str) -> Checkpoint:
        point = Checkpoint(seq, last_hash, utcnow(), sign_checkpoint(seq, last_hash, self._key))
        if self._s.get(AuditCheckpointRow, seq) is None:
            self._s.add(
                AuditCheckpointRow(seq=seq, hash=last_hash, at=point.at, signature=point.signature)
            )
        return point

    def head(self) -> tuple[int, str] | None:
        row = self._s.get(AuditHeadRow, 1)
        return (row.last_seq, row.last_hash) if row else None

    def checkpoints(self) -> list[Checkpoint]:
        rows = self._s.scalars(select(AuditCheckpointRow).order_by(AuditCheckpointRow.seq))
        return [Checkpoint(r.seq, r.hash, aware(r.at), r.signature) for r in rows]

    def checkpoint_now(self) -> Checkpoint | None:
        """Sign the current head (stored, and returned for export); None for an empty log."""
        head = self.head()
        if head is None or head[0] == 0:
            return None
        point = self._add_checkpoint(*head)
        self._s.flush()
        return point

    def iter_all(self, *, batch: int = 1000) -> Iterator[AuditEvent]:
        last = 0
        while True:
            rows = list(
                self._s.scalars(
                    select(AuditEventRow)
                    .where(AuditEventRow.seq > last)
                    .order_by(AuditEventRow.seq)
                    .limit(batch)
                )
            )
            if not rows:
                return
            for row in rows:
                yield _event(row)
            last = rows[-1].seq

    def search(
        self,
        *,
        clinic_id: int | None = None,
        patient_id: str | None = None,
        actor_user_id: int | None = None,
        action: str | None = None,
        limit: int = 200,
    ) -> list[AuditEvent]:
        stmt = select(AuditEventRow)
        if clinic_id is not None:
            stmt = stmt.where(AuditEventRow.clinic_id == clinic_id)
        if patient_id:
            stmt = stmt.where(AuditEventRow.patient_id == patient_id)
        if actor_user_id is not None:
            stmt = stmt.where(AuditEventRow.actor_user_id == actor_user_id)
        if action:
            stmt = stmt.where(AuditEventRow.action.like(f"{action}%"))
        stmt = stmt.order_by(AuditEventRow.seq.desc()).limit(limit)
        return [_event(r) for r in self._s.scalars(stmt)]
