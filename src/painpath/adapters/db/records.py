"""Append-only clinical record store: versions, voiding, optimistic locking."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from sqlalchemy import Row, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from painpath.adapters.db.accounts import aware
from painpath.adapters.db.tables import RecordRow
from painpath.domain.errors import Conflict, NotFound
from painpath.domain.progression.resume import digest_checkins
from painpath.domain.records import RecordKind, RecordVersion, check_edit, check_void

__all__ = ["RecordRepo"]


# The columns a RecordVersion is built from. Reads select these as plain rows: building ORM
# objects (identity map, change tracking) for a year of daily check-ins cost about as much as
# decoding them, and a read only reads (a version is changed by new rows and Core updates).
_FIELDS = (
    RecordRow.record_id,
    RecordRow.version,
    RecordRow.kind,
    RecordRow.patient_id,
    RecordRow.episode_id,
    RecordRow.payload,
    RecordRow.natural_key,
    RecordRow.created_by,
    RecordRow.created_at,
    RecordRow.is_current,
    RecordRow.voided,
    RecordRow.void_reason,
    RecordRow.change_reason,
    RecordRow.meta,
)


# ``digest_checkins`` in SQL: the lines "key|record_id|version" ("None" for no key) of the
# days up to :dayN, sorted by code point (COLLATE "C": keys, ids and versions are ASCII),
# joined by newlines, SHA-256 in hex; no line at all hashes the empty string, as in Python.
_PG_DIGEST = (
    "encode(sha256(convert_to(coalesce(string_agg(line, E'\\n' ORDER BY line COLLATE \"C\")"
    " FILTER (WHERE natural_key IS NULL OR natural_key COLLATE \"C\" <= :day{n}), ''),"
    " 'UTF8')), 'hex')"
)
_PG_DIGESTS = (
    "SELECT coalesce(bool_or(natural_key IS NULL), false), {digests} FROM ("
    " SELECT natural_key, coalesce(natural_key, 'None') || '|' || record_id || '|' || version"
    " AS line FROM clinical_records"
    " WHERE kind = :kind AND patient_id = :patient AND is_current) AS current_keys"
)


def _version(row: RecordRow | Row[Any]) -> RecordVersion:
    return RecordVersion(
        record_id=row.record_id,
        version=row.version,
        kind=RecordKind(row.kind),
        patient_id=row.patient_id,
        episode_id=row.episode_id,
        payload=row.payload,
        natural_key=row.natural_key,
        created_by=row.created_by,
        created_at=aware(row.created_at),
        is_current=row.is_current,
        voided=row.voided,
        void_reason=row.void_reason,
        change_reason=row.change_reason,
        meta=row.meta or {},
    )


class RecordRepo:
    def __init__(self, session: Session) -> None:
        self._s = session
        # Patients whose records this unit of work wrote: their summaries are refreshed at
        # commit (``SqlUnitOfWork``'s commit hook), in the same transaction.
        self.touched: set[str] = set()
        # (kind, patient) -> current versions in list order, filled by ``prefetch`` only and
        # dropped by any write of this repository (the only writer of clinical records).
        self._prefetched: dict[tuple[str, str], list[RecordVersion]] = {}

    def add(
        self,
        *,
        kind: RecordKind,
        patient_id: str,
        payload: Mapping[str, Any],
        created_by: int,
        episode_id: str | None = None,
        natural_key: str | None = None,
        meta: Mapping[str, Any] | None = None,
    ) -> RecordVersion:
        """Write version 1 of a new record. A clash on the natural key raises Conflict."""
        row = RecordRow(
            record_id=str(uuid.uuid4()),
            version=1,
            kind=kind.value,
            patient_id=patient_id,
            episode_id=episode_id,
            natural_key=natural_key,
            payload=dict(payload),
            meta=dict(meta or {}),
            created_by=created_by,
            is_current=True,
        )
        self._insert(row)
        self.touched.add(patient_id)
        return _version(row)

    def add_many(
        self,
        *,
        kind: RecordKind,
        patient_id: str,
        keyed_payloads: Sequence[tuple[str, Mapping[str, Any]]],
        created_by: int,
        episode_id: str | None = None,
    ) -> list[RecordVersion]:
        """Version 1 of several new records in one savepoint and one flush; a clash on any
        natural key raises Conflict and writes none."""
        rows = [
            RecordRow(
                record_id=str(uuid.uuid4()),
                version=1,
                kind=kind.value,
                patient_id=patient_id,
                episode_id=episode_id,
                natural_key=key,
                payload=dict(payload),
                meta={},
                created_by=created_by,
                is_current=True,
            )
            for key, payload in keyed_payloads
        ]
        if not rows:
            return []
        self._prefetched.clear()
        try:
            with self._s.begin_nested():
                self._s.add_all(rows)
                self._s.flush()
        except IntegrityError as err:
            raise Conflict("a current record with the same key already exists") from err
        self.touched.add(patient_id)
        return [_version(r) for r in rows]

    def revise(
        self,
        record_id: str,
        *,
        expected_version: int,
        payload: Mapping[str, Any],
        reason: str,
        created_by: int,
        meta: Mapping[str, Any] | None = None,
    ) -> RecordVersion:
        current = self.current(record_id)
        new_version = check_edit(current, expected_version=expected_version, reason=reason)
        self._retire(record_id, current.version)
        row = RecordRow(
            record_id=record_id,
            version=new_version,
            kind=current.kind.value,
            patient_id=current.patient_id,
            episode_id=current.episode_id,
            natural_key=current.natural_key,
            payload=dict(payload),
            meta=dict(meta if meta is not None else current.meta),
            created_by=created_by,
            change_reason=reason,
            is_current=True,
        )
        self._insert(row)
        self.touched.add(current.patient_id)
        return _version(row)

    def void(self, record_id: str, *, expected_version: int, reason: str, by: int) -> None:
        current = self.current(record_id)
        check_void(current, expected_version=expected_version, reason=reason)
        self._prefetched.clear()
        stmt = (
            update(RecordRow)
            .where(
                RecordRow.record_id == record_id,
                RecordRow.version == current.version,
                RecordRow.is_current.is_(True),
            )
            .values(voided=True, void_reason=reason, is_current=False)
        )
        if self._s.execute(stmt).rowcount != 1:  # type: ignore[attr-defined]
            raise Conflict("the record changed while it was being voided; reload and retry")
        self.touched.add(current.patient_id)

    def _retire(self, record_id: str, version: int) -> None:
        self._prefetched.clear()
        stmt = (
            update(RecordRow)
            .where(
                RecordRow.record_id == record_id,
                RecordRow.version == version,
                RecordRow.is_current.is_(True),
            )
            .values(is_current=False)
        )
        if self._s.execute(stmt).rowcount != 1:  # type: ignore[attr-defined]
            raise Conflict("the record changed since you opened it; reload and apply again")

    def _insert(self, row: RecordRow) -> None:
        self._prefetched.clear()
        try:
            with self._s.begin_nested():
                self._s.add(row)
                self._s.flush()
        except IntegrityError as err:
            raise Conflict("a current record with the same key already exists") from err

    def current(self, record_id: str) -> RecordVersion:
        row = self._s.execute(
            select(*_FIELDS)
            .where(RecordRow.record_id == record_id)
            .order_by(RecordRow.version.desc())
            .limit(1)
        ).first()
        if row is None:
            raise NotFound("no such record")
        return _version(row)

    def history(self, record_id: str) -> list[RecordVersion]:
        stmt = select(RecordRow).where(RecordRow.record_id == record_id).order_by(RecordRow.version)
        return [_version(r) for r in self._s.scalars(stmt)]

    def current_by_key(
        self, *, kind: RecordKind, patient_id: str, natural_key: str
    ) -> RecordVersion | None:
        row = self._s.execute(
            select(*_FIELDS).where(
                RecordRow.kind == kind.value,
                RecordRow.patient_id == patient_id,
                RecordRow.natural_key == natural_key,
                RecordRow.is_current.is_(True),
            )
        ).first()
        return _version(row) if row else None

    def current_keys(
        self, *, kind: RecordKind, patient_id: str
    ) -> list[tuple[str | None, str, int]]:
        stmt = select(RecordRow.natural_key, RecordRow.record_id, RecordRow.version).where(
            RecordRow.kind == kind.value,
            RecordRow.patient_id == patient_id,
            RecordRow.is_current.is_(True),
        )
        return [(k, r, v) for k, r, v in self._s.execute(stmt)]

    def digest_keys(
        self, *, kind: RecordKind, patient_id: str, through: Sequence[date]
    ) -> tuple[bool, list[str]]:
        """``digest_checkins`` of the current versions up to each day of ``through``. On
        PostgreSQL the database hashes them (one row back instead of a year of keys: this runs
        on every check-in); elsewhere Python does, from ``current_keys``."""
        if self._s.get_bind().dialect.name != "postgresql":
            keys = self.current_keys(kind=kind, patient_id=patient_id)
            keyless = any(k is None for k, _, _ in keys)
            return keyless, [digest_checkins(keys, through=day) for day in through]
        params: dict[str, Any] = {"kind": kind.value, "patient": patient_id}
        columns = []
        for n, day in enumerate(through):
            params[f"day{n}"] = day.isoformat()
            columns.append(_PG_DIGEST.format(n=n))
        sql = _PG_DIGESTS.format(digests=", ".join(columns) or "NULL")
        row = self._s.execute(text(sql), params).one()
        return bool(row[0]), [str(v) for v in row[1 : 1 + len(through)]]

    def list_current(
        self,
        *,
        kind: RecordKind,
        patient_id: str,
        episode_id: str | None = None,
        newest_first: bool = False,
        natural_key_from: str | None = None,
    ) -> list[RecordVersion]:
        cached = self._prefetched.get((kind.value, patient_id))
        if cached is not None and episode_id is None and natural_key_from is None:
            # Oldest first (created_at, then id); newest first keeps id ascending within one
            # created_at, as the query below orders it (the sort is stable when reversed).
            if newest_first:
                return sorted(cached, key=lambda v: v.created_at, reverse=True)
            return list(cached)
        stmt = select(*_FIELDS).where(
            RecordRow.kind == kind.value,
            RecordRow.patient_id == patient_id,
            RecordRow.is_current.is_(True),
        )
        if episode_id is not None:
            stmt = stmt.where(RecordRow.episode_id == episode_id)
        if natural_key_from is not None:
            stmt = stmt.where(RecordRow.natural_key >= natural_key_from)
        order = RecordRow.created_at.desc() if newest_first else RecordRow.created_at
        return [_version(r) for r in self._s.execute(stmt.order_by(order, RecordRow.id))]

    def prefetch(self, *, kinds: Sequence[RecordKind], patient_id: str) -> None:
        """One query for the patient's current records of several kinds (the caseload
        summary reads five kinds on every check-in); ``list_current`` then answers from it."""
        values = sorted({k.value for k in kinds})
        stmt = (
            select(*_FIELDS)
            .where(
                RecordRow.kind.in_(values),
                RecordRow.patient_id == patient_id,
                RecordRow.is_current.is_(True),
            )
            .order_by(RecordRow.created_at, RecordRow.id)
        )
        found: dict[tuple[str, str], list[RecordVersion]] = {(v, patient_id): [] for v in values}
        for row in self._s.execute(stmt):
            found[(row.kind, patient_id)].append(_version(row))
        self._prefetched.update(found)
