"""The audit log tables: events chained under a brief row lock on the chain head, either at
commit (inline) or in batches by a sealer (deferred); reads for review and verification."""

from __future__ import annotations

import hmac
import logging
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import Table, bindparam, func, select
from sqlalchemy.orm import Session

from painpath.adapters.db.accounts import aware
from painpath.adapters.db.tables import (
    AuditCheckpointRow,
    AuditEventRow,
    AuditHeadRow,
    AuditPendingRow,
    utcnow,
)
from painpath.domain.audit import (
    GENESIS_HASH,
    PENDING_ALTERED,
    AuditEvent,
    Checkpoint,
    compute_event_hash,
    sign_checkpoint,
    sign_pending,
)
from painpath.domain.audit_detail import clean_detail

__all__ = ["SEAL_BATCH_UNITS", "AuditLog"]

_log = logging.getLogger("painpath.audit")

SEAL_BATCH_UNITS = 500  # pending units (one per committed unit of work) chained per transaction

# Sealing uses the tables, not the mapped classes: plain Core statements skip the ORM's bulk
# and session-synchronisation paths while the head is locked.
_EVENTS: Table = AuditEventRow.__table__  # type: ignore[assignment]
_HEAD: Table = AuditHeadRow.__table__  # type: ignore[assignment]
_PENDING: Table = AuditPendingRow.__table__  # type: ignore[assignment]
_HEAD_ROW = select(_HEAD.c.last_seq, _HEAD.c.last_hash).where(_HEAD.c.id == 1)
_LOCK_HEAD = _HEAD_ROW.with_for_update()
# A sealer that finds the head locked (another process's sealer, or a review sealing before
# it reads) skips its turn instead of queueing: the holder is chaining the same backlog.
_TRY_LOCK_HEAD = _HEAD_ROW.with_for_update(skip_locked=True)
_MOVE_HEAD = (
    _HEAD.update()
    .where(_HEAD.c.id == 1, _HEAD.c.last_seq == bindparam("was_seq"))
    .values(last_seq=bindparam("to_seq"), last_hash=bindparam("to_hash"))
)
_INSERT_EVENTS = _EVENTS.insert()
_INSERT_PENDING = _PENDING.insert()
# The oldest committed units, taken out of the queue in the statement that reads them. Only a
# transaction holding the head deletes here, so no unit is taken twice; a unit committed after
# this statement (even one with a lower id, which began earlier) waits for the next batch.
_TAKE_PENDING = (
    _PENDING.delete()
    .where(
        _PENDING.c.id.in_(
            select(_PENDING.c.id)
            .order_by(_PENDING.c.id)
            .limit(bindparam("units"))
            .scalar_subquery()
        )
    )
    .returning(_PENDING.c.id, _PENDING.c.events, _PENDING.c.mac)
)


def _move_and_insert() -> Any:
    """PostgreSQL, one event (a request's usual commit): ``_MOVE_HEAD`` and the event's
    insert in one statement, which inserts the event only if the head moved (row count 1)."""
    moved = _MOVE_HEAD.returning(_HEAD.c.id).cte("moved")
    names = [c.name for c in _EVENTS.c]
    row = select(*(bindparam(n, type_=_EVENTS.c[n].type) for n in names)).select_from(moved)
    # (SQLAlchemy keeps an INSERT's row count only when asked.)
    return _EVENTS.insert().from_select(names, row).execution_options(preserve_rowcount=True)


_MOVE_AND_INSERT = _move_and_insert()


def _unsealed(event: AuditEvent) -> dict[str, Any]:
    """A pending event as JSON: everything the hash covers except its place in the chain."""
    return {
        "at": event.at.isoformat(),
        "actor_user_id": event.actor_user_id,
        "actor_role": event.actor_role,
        "action": event.action,
        "patient_id": event.patient_id,
        "clinic_id": event.clinic_id,
        "request_id": event.request_id,
        "detail": dict(event.detail),
        "outcome": event.outcome,
    }


def _from_unsealed(item: Mapping[str, Any]) -> AuditEvent:
    return AuditEvent(
        seq=0,
        at=datetime.fromisoformat(item["at"]),
        actor_user_id=item["actor_user_id"],
        actor_role=item["actor_role"],
        action=item["action"],
        patient_id=item["patient_id"],
        clinic_id=item["clinic_id"],
        request_id=item["request_id"],
        detail=item["detail"] or {},
        outcome=item["outcome"],
    )


def _altered(pending_id: int) -> AuditEvent:
    return AuditEvent(
        seq=0,
        at=utcnow(),
        actor_user_id=None,
        actor_role=None,
        action=PENDING_ALTERED,
        patient_id=None,
        clinic_id=None,
        request_id=None,
        detail={"pending_id": pending_id},
    )


def _values(event: AuditEvent) -> dict[str, Any]:
    """A sealed event's row: the pending fields plus its place in the chain."""
    return _unsealed(event) | {
        "seq": event.seq,
        "at": event.at,
        "at_text": event.at.isoformat(),
        "prev_hash": event.prev_hash,
        "hash": event.hash,
    }


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
    ``checkpoint_every`` events; ``strict``: a detail the policy refuses
    (``domain/audit_detail.py``) raises instead of being dropped.

    ``append`` only records the event in the unit of work; ``seal`` (called by the unit of
    work's commit, after every other row of the transaction is written) then either chains
    them at once (``defer=False``: lock the head, link the events, insert them, move the head,
    and the commit follows) or, ``defer=True``, writes them to ``audit_pending`` in that same
    transaction with no lock at all, and ``seal_pending`` (the sealer, a few times a second,
    and every review or verification before it reads) chains the committed units in batches
    under one lock of the head (docs/architecture.md, "The audit chain").
    """

    def __init__(
        self,
        session: Session,
        *,
        key: bytes = b"",
        checkpoint_every: int = 100,
        strict: bool = False,
        defer: bool = False,
    ) -> None:
        self._s = session
        self._strict = strict
        self._key = key
        self._every = checkpoint_every
        self._defer = defer
        self._pending: list[AuditEvent] = []

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
        """Record an event in this unit of work; it is chained (seq, hash) when it commits,
        and dropped with everything else if it rolls back. The returned event has seq 0.

        ``detail`` passes the write-time policy first: identifiers, counts, listed codes, flags,
        days and field names only. A refused key raises ``AuditDetailRefused`` when strict;
        otherwise it is left out, named under ``dropped`` and logged (name only, never the
        value), so the business action still commits with its event.
        """
        checked = clean_detail(action, detail or {}, strict=self._strict)
        if checked.problems:
            _log.warning(
                "audit event %s: detail keys dropped by the policy: %s",
                action,
                ", ".join(sorted(checked.problems)),
            )
        event = AuditEvent(
            seq=0,
            at=utcnow(),
            actor_user_id=actor_user_id,
            actor_role=actor_role,
            action=action,
            patient_id=patient_id,
            clinic_id=clinic_id,
            request_id=request_id,
            detail=checked.clean,
            outcome=outcome,
        )
        self._pending.append(event)
        return event

    @property
    def pending(self) -> int:
        return len(self._pending)

    def discard(self) -> None:
        """The transaction rolled back: its events never happened."""
        self._pending.clear()

    def seal(self) -> list[AuditEvent]:
        """Commit time, inside the caller's transaction: chain the pending events onto the
        head (returned), or, deferred, queue them in ``audit_pending`` (returns []).

        Call it last before commit: the head's lock is then held only until the commit.
        Plain statements, not ORM objects: the lock, one insert of the events and the head's
        update are all this needs, and the ORM's flush machinery cost more than the SQL while
        the head was locked.
        """
        if not self._pending:
            return []
        if self._defer:
            # Atomic with the write it records; chained later, by whichever sealer runs.
            events = [_unsealed(e) for e in self._pending]
            self._s.execute(
                _INSERT_PENDING,
                {"at": utcnow(), "events": events, "mac": sign_pending(events, self._key)},
            )
            self._pending.clear()
            return []
        prev_seq, prev = self._lock_head()
        sealed = self._chain(self._pending, prev_seq, prev)
        self._store(sealed, prev_seq, single_statement=True)
        self._pending.clear()
        return sealed

    def seal_pending(self, *, wait: bool = True, units: int = SEAL_BATCH_UNITS) -> int:
        """Chain up to ``units`` committed pending units (oldest first, each unit's events
        consecutive and in the order appended) inside the caller's transaction, which must
        commit at once; returns the number of events sealed.

        ``wait=False`` (the background sealer): when another transaction holds the head,
        return 0 at once rather than queue behind it."""
        head = self._lock_head() if wait else self._try_lock_head()
        if head is None:
            return 0
        rows = self._s.execute(_TAKE_PENDING, {"units": units}).all()
        if not rows:
            return 0
        events: list[AuditEvent] = []
        for row in sorted(rows, key=lambda r: r.id):
            events.extend(_from_unsealed(e) for e in row.events)
            if not hmac.compare_digest(sign_pending(row.events, self._key), row.mac):
                # Chained as found (they were committed), followed by an event that says so.
                _log.error("audit: queued unit %s was altered before it was sealed", row.id)
                events.append(_altered(row.id))
        sealed = self._chain(events, *head)
        self._store(sealed, head[0], single_statement=False)
        return len(sealed)

    def _chain(self, events: Sequence[AuditEvent], prev_seq: int, prev: str) -> list[AuditEvent]:
        """Number, link and HMAC ``events`` after (prev_seq, prev); adds the checkpoints the
        batch crosses."""
        seq = prev_seq
        sealed: list[AuditEvent] = []
        for pending in events:
            seq += 1
            event = replace(pending, seq=seq, prev_hash=prev)
            event = replace(event, hash=compute_event_hash(event, self._key))
            prev = event.hash
            sealed.append(event)
            if self._key and seq % self._every == 0:
                self._add_checkpoint(seq, event.hash)
        return sealed

    def _store(self, sealed: list[AuditEvent], prev_seq: int, *, single_statement: bool) -> None:
        head = {"was_seq": prev_seq, "to_seq": sealed[-1].seq, "to_hash": sealed[-1].hash}
        if (
            single_statement
            and len(sealed) == 1
            and self._s.get_bind().dialect.name == "postgresql"
        ):
            # one round trip less while the head is locked
            moved = self._s.execute(_MOVE_AND_INSERT, head | _values(sealed[0]))
        else:
            self._s.execute(_INSERT_EVENTS, [_values(e) for e in sealed])
            moved = self._s.execute(_MOVE_HEAD, head)
        # The row is locked, so it cannot have moved; a mismatch means the lock did not hold.
        if moved.rowcount != 1:  # type: ignore[attr-defined]
            raise RuntimeError("the audit chain's head moved while it was locked")

    def _lock_head(self) -> tuple[int, str]:
        """Lock the head row (FOR UPDATE; SQLite's write lock is already held) and return its
        (last seq, last hash)."""
        head = self._s.execute(_LOCK_HEAD).one_or_none()
        if head is None:  # the migration creates it; a hand-made schema may not have it
            self._s.execute(_HEAD.insert().values(id=1, last_seq=0, last_hash=GENESIS_HASH))
            head = self._s.execute(_LOCK_HEAD).one()
        return int(head.last_seq), str(head.last_hash)

    def _try_lock_head(self) -> tuple[int, str] | None:
        """``_lock_head``, or None at once if another transaction holds the head."""
        head = self._s.execute(_TRY_LOCK_HEAD).one_or_none()
        if head is not None:
            return int(head.last_seq), str(head.last_hash)
        if self._s.execute(_HEAD_ROW).one_or_none() is not None:
            return None  # it exists, so it is locked
        return self._lock_head()

    def pending_units(self) -> int:
        """Committed units of work whose events are not chained yet (deferred sealing)."""
        return int(self._s.execute(select(func.count()).select_from(_PENDING)).scalar_one())

    def _add_checkpoint(self, seq: int, last_hash: str) -> Checkpoint:
        point = Checkpoint(seq, last_hash, utcnow(), sign_checkpoint(seq, last_hash, self._key))
        if self._s.get(AuditCheckpointRow, seq) is None:
            self._s.add(
                AuditCheckpointRow(seq=seq, hash=last_hash, at=point.at, signature=point.signature)
            )
        return point

    def head(self) -> tuple[int, str] | None:
        row = self._s.execute(
            select(AuditHeadRow.last_seq, AuditHeadRow.last_hash).where(AuditHeadRow.id == 1)
        ).one_or_none()
        return (int(row.last_seq), str(row.last_hash)) if row else None

    def checkpoints(self) -> list[Checkpoint]:
        rows = self._s.scalars(select(AuditCheckpointRow).order_by(AuditCheckpointRow.seq))
        return [Checkpoint(r.seq, r.hash, aware(r.at), r.signature) for r in rows]

    def checkpoint_now(self) -> Checkpoint | None:
        """Sign the current head (stored, and returned for export); None for an empty log."""
        last_seq, last_hash = self._lock_head()  # two checkpoints of one head: one insert
        if last_seq == 0:
            return None
        point = self._add_checkpoint(last_seq, last_hash)
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
