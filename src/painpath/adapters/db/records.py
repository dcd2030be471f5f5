"""Append-only clinical record store: versions, voiding, optimistic locking."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from sqlalchemy import Row, Select, Table, bindparam, false, func, select, text, true, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from painpath.adapters.db.accounts import aware
from painpath.adapters.db.summaries import PatientSummaryRow
from painpath.adapters.db.tables import RecordRow, utcnow
from painpath.domain.errors import Conflict, InvalidInput, NotFound
from painpath.domain.progression.resume import (
    SummaryReads,
    digest_checkins,
    digest_versions,
    state_through,
)
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
# ``digest_versions`` of the other kinds the same way, over "kind|record_id|version" lines.
_PG_DIGEST = (
    "encode(sha256(convert_to(coalesce(string_agg(line, E'\\n' ORDER BY line COLLATE \"C\")"
    ' FILTER (WHERE kind = :kind AND (natural_key IS NULL OR natural_key COLLATE "C" <= :day{n})),'
    " ''), 'UTF8')), 'hex')"
)
_PG_OTHERS = (
    "encode(sha256(convert_to(coalesce(string_agg(other, E'\\n' ORDER BY other COLLATE \"C\")"
    " FILTER (WHERE kind <> :kind), ''), 'UTF8')), 'hex')"
)
_PG_DIGESTS = (
    "SELECT coalesce(bool_or(natural_key IS NULL) FILTER (WHERE kind = :kind), false), {digests}"
    " FROM (SELECT kind, natural_key,"
    " coalesce(natural_key, 'None') || '|' || record_id || '|' || version AS line,"
    " kind || '|' || record_id || '|' || version AS other"
    " FROM clinical_records"
    " WHERE kind IN ({kinds}) AND patient_id = :patient AND is_current) AS current_keys"
)

# ``summary_reads`` on PostgreSQL: the stored state, the programme, the check-in digests up to
# the state's own ``through`` (day0) and the later of it and :lag (day1), the other kinds'
# digest and the window's check-ins, in one statement (four before: one round trip, not four,
# in every check-in's transaction). day0 is read from the state's JSON in SQL; the caller
# checks that it is the day the state says (``SummaryReads.days``).
_PG_LINE_DIGEST = (
    "encode(sha256(convert_to(coalesce(string_agg(line, E'\\n' ORDER BY line COLLATE \"C\")"
    " FILTER (WHERE kind = :kind AND {when}"
    '(natural_key IS NULL OR natural_key COLLATE "C" <= {day})),'
    " ''), 'UTF8')), 'hex')"
)
_PG_SUMMARY_READS = (
    "WITH st AS (SELECT engine_state, engine_state ->> 'through' AS day0"
    " FROM patient_summaries WHERE patient_id = :patient),"
    ' days AS (SELECT d.day0, greatest(d.day0 COLLATE "C", :lag) AS day1'
    " FROM (SELECT (SELECT day0 FROM st) AS day0) AS d),"
    " cur AS (SELECT kind, natural_key,"
    " coalesce(natural_key, 'None') || '|' || record_id || '|' || version AS line,"
    " kind || '|' || record_id || '|' || version AS other"
    " FROM clinical_records"
    " WHERE kind IN ({kinds}) AND patient_id = :patient AND is_current)"
    " SELECT (SELECT engine_state FROM st) AS state, days.day0, days.day1,"
    " (SELECT json_build_array(record_id, version, payload) FROM clinical_records"
    " WHERE kind = :pkind AND patient_id = :patient AND natural_key = :pkey AND is_current)"
    " AS programme,"
    " (SELECT json_agg(json_build_array(natural_key, payload)) FROM clinical_records"
    " WHERE kind = :kind AND patient_id = :patient AND is_current AND natural_key >= :window)"
    " AS recent,"
    " agg.keyless, agg.covered, agg.kept, agg.sources"
    " FROM days CROSS JOIN LATERAL (SELECT"
    " coalesce(bool_or(natural_key IS NULL) FILTER (WHERE kind = :kind), false) AS keyless, "
    + _PG_LINE_DIGEST.format(day="days.day0", when="")
    + " AS covered, "
    # when both days are the same (every check-in of a day after its first) the second
    # digest is the first: not aggregated twice, ``summary_reads`` copies it
    + _PG_LINE_DIGEST.format(day="days.day1", when="days.day1 <> days.day0 AND ")
    + " AS kept, "
    + _PG_OTHERS
    + " AS sources FROM cur) AS agg"
)
_summary_reads_sql: dict[int, Any] = {}


def _pg_summary_reads(kinds: int) -> Any:
    """The statement for ``kinds`` kinds (built once per count: a ``text`` construct and its
    compiled form are then reused)."""
    if kinds not in _summary_reads_sql:
        _summary_reads_sql[kinds] = text(
            _PG_SUMMARY_READS.format(kinds=", ".join(f":k{n}" for n in range(kinds)))
        )
    return _summary_reads_sql[kinds]


# Writing a version: plain Core statements built once (no ORM object, flush or savepoint).
# The insert skips a row that would break a unique index (one current version per natural
# key, one row per record and version) instead of failing, so a clash is a row count of 0
# and no savepoint is needed to keep the transaction usable: it is the Conflict the
# savepoint-wrapped ORM insert raised. The retire returns what the new version copies, so a
# revision is two statements instead of read, update, savepoint, insert and release.
_RECORDS: Table = RecordRow.__table__  # type: ignore[assignment]
# (SQLAlchemy keeps an INSERT's row count only when asked: ``preserve_rowcount``.)
_INSERT = {
    "postgresql": pg_insert(_RECORDS).on_conflict_do_nothing(),
    "sqlite": sqlite_insert(_RECORDS).on_conflict_do_nothing(),
}
_INSERT = {k: v.execution_options(preserve_rowcount=True) for k, v in _INSERT.items()}
_COPIED = ("kind", "patient_id", "episode_id", "natural_key", "meta")
_RETIRE = (
    _RECORDS.update()
    .where(
        _RECORDS.c.record_id == bindparam("b_record_id"),
        _RECORDS.c.version == bindparam("b_version"),
        _RECORDS.c.is_current.is_(True),
    )
    .values(is_current=False)
    .returning(*(_RECORDS.c[name] for name in _COPIED))
)
_RETIRE_KEYED = (
    _RECORDS.update()
    .where(
        _RECORDS.c.kind == bindparam("b_kind"),
        _RECORDS.c.patient_id == bindparam("b_patient"),
        _RECORDS.c.natural_key == bindparam("b_key"),
        _RECORDS.c.is_current.is_(True),
    )
    .values(is_current=False)
    .returning(_RECORDS.c.record_id, _RECORDS.c.version, _RECORDS.c.episode_id, _RECORDS.c.meta)
)


def _supersede_in_one() -> Select[Any]:
    """PostgreSQL: ``_RETIRE_KEYED`` and the insert of the next version in one statement (a
    data-modifying WITH). Its row: the retired version's record id, version, episode and
    meta, and how many versions were written (0: the insert met a unique index); no row:
    nothing was current under the key."""
    c = _RECORDS.c
    retired = _RETIRE_KEYED.cte("retired")
    written = (
        pg_insert(_RECORDS)
        .from_select(
            [
                "record_id",
                "version",
                "kind",
                "patient_id",
                "episode_id",
                "natural_key",
                "payload",
                "meta",
                "created_by",
                "created_at",
                "is_current",
                "voided",
                "change_reason",
            ],
            select(
                retired.c.record_id,
                retired.c.version + 1,
                bindparam("b_kind", type_=c.kind.type),
                bindparam("b_patient", type_=c.patient_id.type),
                retired.c.episode_id,
                bindparam("b_key", type_=c.natural_key.type),
                bindparam("b_payload", type_=c.payload.type),
                retired.c.meta,
                bindparam("b_created_by", type_=c.created_by.type),
                bindparam("b_created_at", type_=c.created_at.type),
                true(),
                false(),
                bindparam("b_reason", type_=c.change_reason.type),
            ),
        )
        .on_conflict_do_nothing()
        .returning(c.id)
        .cte("written")
    )
    count = select(func.count()).select_from(written).scalar_subquery()
    return select(
        retired.c.record_id,
        retired.c.version,
        retired.c.episode_id,
        retired.c.meta,
        count.label("written"),
    )


_SUPERSEDE_PG = _supersede_in_one()


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


def _new_row(
    *,
    record_id: str,
    version: int,
    kind: str,
    patient_id: str,
    episode_id: str | None,
    natural_key: str | None,
    payload: Mapping[str, Any],
    meta: Mapping[str, Any],
    created_by: int,
    change_reason: str | None = None,
) -> dict[str, Any]:
    """Every column of a new current version (the table's defaults spelt out, so the
    version returned is exactly the row written)."""
    return {
        "record_id": record_id,
        "version": version,
        "kind": kind,
        "patient_id": patient_id,
        "episode_id": episode_id,
        "natural_key": natural_key,
        "payload": dict(payload),
        "meta": dict(meta),
        "created_by": created_by,
        "created_at": utcnow(),
        "is_current": True,
        "voided": False,
        "void_reason": None,
        "change_reason": change_reason,
    }


def _written(values: Mapping[str, Any]) -> RecordVersion:
    """The version just inserted with ``values``."""
    return RecordVersion(
        record_id=values["record_id"],
        version=values["version"],
        kind=RecordKind(values["kind"]),
        patient_id=values["patient_id"],
        episode_id=values["episode_id"],
        payload=values["payload"],
        natural_key=values["natural_key"],
        created_by=values["created_by"],
        created_at=values["created_at"],
        is_current=True,
        voided=False,
        void_reason=None,
        change_reason=values["change_reason"],
        meta=values["meta"],
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
        values = _new_row(
            record_id=str(uuid.uuid4()),
            version=1,
            kind=kind.value,
            patient_id=patient_id,
            episode_id=episode_id,
            natural_key=natural_key,
            payload=payload,
            meta=meta or {},
            created_by=created_by,
        )
        self._insert(values)
        self.touched.add(patient_id)
        return _written(values)

    def add_many(
        self,
        *,
        kind: RecordKind,
        patient_id: str,
        keyed_payloads: Sequence[tuple[str, Mapping[str, Any]]],
        created_by: int,
        episode_id: str | None = None,
    ) -> list[RecordVersion]:
        """Version 1 of several new records in one savepoint and one statement; a clash on
        any natural key raises Conflict and writes none."""
        rows = [
            _new_row(
                record_id=str(uuid.uuid4()),
                version=1,
                kind=kind.value,
                patient_id=patient_id,
                episode_id=episode_id,
                natural_key=key,
                payload=payload,
                meta={},
                created_by=created_by,
            )
            for key, payload in keyed_payloads
        ]
        if not rows:
            return []
        self._prefetched.clear()
        try:
            with self._s.begin_nested():  # all or none: a clash undoes the rows before it
                self._s.execute(_RECORDS.insert(), rows)
        except IntegrityError as err:
            raise Conflict("a current record with the same key already exists") from err
        self.touched.add(patient_id)
        return [_written(r) for r in rows]

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
        """A new version of the record, which must be current at ``expected_version``
        (``check_edit``): the retire (returning what the new version copies) and the insert.
        When the retire finds no such current version, or the reason is empty, the record is
        read and ``check_edit`` raises the same error as it always has."""
        retired = self._retire(record_id, expected_version) if reason.strip() else None
        if retired is None:
            check_edit(self.current(record_id), expected_version=expected_version, reason=reason)
            raise Conflict("the record changed since you opened it; reload and apply again")
        values = _new_row(
            record_id=record_id,
            version=expected_version + 1,
            kind=retired.kind,
            patient_id=retired.patient_id,
            episode_id=retired.episode_id,
            natural_key=retired.natural_key,
            payload=payload,
            meta=meta if meta is not None else (retired.meta or {}),
            created_by=created_by,
            change_reason=reason,
        )
        self._insert(values)
        self.touched.add(retired.patient_id)
        return _written(values)

    def supersede(
        self,
        *,
        kind: RecordKind,
        patient_id: str,
        natural_key: str,
        payload: Mapping[str, Any],
        reason: str,
        created_by: int,
    ) -> RecordVersion | None:
        """A new version of the current record with this natural key, whatever its version
        (``revise`` of what ``current_by_key`` finds, without reading it first), or None when
        there is no current record with the key. A current version is never voided and is
        always the latest, so ``check_edit`` has only the reason to refuse."""
        if not reason.strip():
            raise InvalidInput("an edit of a clinical record needs a reason")
        self._prefetched.clear()
        params: dict[str, Any] = {
            "b_kind": kind.value,
            "b_patient": patient_id,
            "b_key": natural_key,
        }
        if self._dialect() == "postgresql":
            return self._supersede_in_one(params, payload, reason=reason, created_by=created_by)
        retired = self._s.execute(_RETIRE_KEYED, params).first()
        if retired is None:
            return None
        values = _new_row(
            record_id=retired.record_id,
            version=retired.version + 1,
            kind=kind.value,
            patient_id=patient_id,
            episode_id=retired.episode_id,
            natural_key=natural_key,
            payload=payload,
            meta=retired.meta or {},
            created_by=created_by,
            change_reason=reason,
        )
        self._insert(values)
        self.touched.add(patient_id)
        return _written(values)

    def _supersede_in_one(
        self, params: dict[str, Any], payload: Mapping[str, Any], *, reason: str, created_by: int
    ) -> RecordVersion | None:
        at = utcnow()
        params.update(
            b_payload=dict(payload), b_reason=reason, b_created_by=created_by, b_created_at=at
        )
        try:
            row = self._s.execute(_SUPERSEDE_PG, params).first()
        except IntegrityError as err:  # not a unique index (skipped): a bad reference
            raise Conflict("a current record with the same key already exists") from err
        if row is None:
            return None
        if row.written != 1:  # as ``_insert``: the retire stays, the transaction decides
            raise Conflict("a current record with the same key already exists")
        self.touched.add(params["b_patient"])
        return _written(
            _new_row(
                record_id=row.record_id,
                version=row.version + 1,
                kind=params["b_kind"],
                patient_id=params["b_patient"],
                episode_id=row.episode_id,
                natural_key=params["b_key"],
                payload=payload,
                meta=row.meta or {},
                created_by=created_by,
                change_reason=reason,
            )
            | {"created_at": at}
        )

    def _dialect(self) -> str:
        return self._s.get_bind().dialect.name

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

    def _retire(self, record_id: str, version: int) -> Row[Any] | None:
        """Mark ``version`` no longer current; its copied columns, or None when it was not
        the current version."""
        self._prefetched.clear()
        return self._s.execute(_RETIRE, {"b_record_id": record_id, "b_version": version}).first()

    def _insert(self, values: dict[str, Any]) -> None:
        self._prefetched.clear()
        try:
            written = self._s.execute(_INSERT[self._dialect()], values).rowcount  # type: ignore[attr-defined]
        except IntegrityError as err:  # not a unique index (skipped above): a bad reference,
            # a programming error; unlike a clash it ends the transaction on PostgreSQL
            raise Conflict("a current record with the same key already exists") from err
        if written != 1:
            raise Conflict("a current record with the same key already exists")

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
        stmt = select(*_FIELDS).where(RecordRow.record_id == record_id).order_by(RecordRow.version)
        return [_version(r) for r in self._s.execute(stmt)]

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
        self,
        *,
        kind: RecordKind,
        patient_id: str,
        through: Sequence[date],
        others: Sequence[RecordKind] = (),
    ) -> tuple[bool, list[str], str]:
        """Whether a current version of ``kind`` has no key, ``digest_checkins`` of them up to
        each day of ``through``, and ``digest_versions`` of the current versions of the
        ``others`` kinds. On PostgreSQL the database hashes them (one row back instead of a
        year of keys: this runs on every check-in); elsewhere Python does, from one query."""
        kinds = [kind.value, *(k.value for k in others if k is not kind)]
        if self._dialect() != "postgresql":
            stmt = select(
                RecordRow.kind, RecordRow.natural_key, RecordRow.record_id, RecordRow.version
            ).where(
                RecordRow.kind.in_(kinds),
                RecordRow.patient_id == patient_id,
                RecordRow.is_current.is_(True),
            )
            keys: list[tuple[str | None, str, int]] = []
            versions: list[tuple[str, str, int]] = []
            for k, key, record_id, version in self._s.execute(stmt):
                if k == kind.value:
                    keys.append((key, record_id, version))
                else:
                    versions.append((k, record_id, version))
            keyless = any(k is None for k, _, _ in keys)
            digests = [digest_checkins(keys, through=day) for day in through]
            return keyless, digests, digest_versions(versions)
        params: dict[str, Any] = {"kind": kind.value, "patient": patient_id}
        params.update({f"k{n}": value for n, value in enumerate(kinds)})
        columns = []
        for n, day in enumerate(through):
            params[f"day{n}"] = day.isoformat()
            columns.append(_PG_DIGEST.format(n=n))
        columns.append(_PG_OTHERS)
        sql = _PG_DIGESTS.format(
            digests=", ".join(columns), kinds=", ".join(f":k{n}" for n in range(len(kinds)))
        )
        row = self._s.execute(text(sql), params).one()
        return bool(row[0]), [str(v) for v in row[1 : 1 + len(through)]], str(row[-1])

    def summary_reads(
        self,
        *,
        patient_id: str,
        kind: RecordKind,
        programme: tuple[RecordKind, str],
        others: Sequence[RecordKind],
        lag_day: date,
        window_from: date,
    ) -> SummaryReads:
        """What a summary refresh that may resume reads (``SummaryReads``): the state stored
        with the patient's summary, the current ``programme`` (kind, natural key) version,
        ``digest_keys`` of ``kind`` up to the state's ``through`` and to the later of it and
        ``lag_day`` with the ``others`` kinds' digest, and the ``keyed_payloads`` of ``kind``
        from ``window_from``. One statement on PostgreSQL; elsewhere the same reads one by
        one."""
        kinds = [kind.value, *(k.value for k in others if k is not kind)]
        if self._dialect() != "postgresql":
            return self._summary_reads_each(
                patient_id=patient_id,
                kind=kind,
                programme=programme,
                others=others,
                lag_day=lag_day,
                window_from=window_from,
            )
        params: dict[str, Any] = {
            "patient": patient_id,
            "kind": kind.value,
            "pkind": programme[0].value,
            "pkey": programme[1],
            "lag": lag_day.isoformat(),
            "window": window_from.isoformat(),
        }
        params.update({f"k{n}": value for n, value in enumerate(kinds)})
        row = self._s.execute(_pg_summary_reads(len(kinds)), params).one()
        state = row.state
        through = state_through(state)
        days = None
        if through is not None and row.day0 == through.isoformat():
            days = (through, date.fromisoformat(row.day1))
        prog = row.programme
        return SummaryReads(
            state=state,
            programme=(str(prog[0]), int(prog[1]), prog[2]) if prog is not None else None,
            days=days,
            keyless=bool(row.keyless),
            digests=(str(row.covered), str(row.covered if row.day1 == row.day0 else row.kept)),
            sources=str(row.sources),
            recent=[(key, payload) for key, payload in row.recent or ()],
        )

    def _summary_reads_each(
        self,
        *,
        patient_id: str,
        kind: RecordKind,
        programme: tuple[RecordKind, str],
        others: Sequence[RecordKind],
        lag_day: date,
        window_from: date,
    ) -> SummaryReads:
        state = self._s.execute(
            select(PatientSummaryRow.engine_state).where(PatientSummaryRow.patient_id == patient_id)
        ).scalar()
        through = state_through(state)
        days = (through, max(through, lag_day)) if through is not None else None
        keyless, digests, sources = self.digest_keys(
            kind=kind, patient_id=patient_id, through=days or (lag_day, lag_day), others=others
        )
        prog = self.current_by_key(
            kind=programme[0], patient_id=patient_id, natural_key=programme[1]
        )
        return SummaryReads(
            state=state,
            programme=(prog.record_id, prog.version, prog.payload) if prog is not None else None,
            days=days,
            keyless=keyless,
            digests=(digests[0], digests[1]),
            sources=sources,
            recent=self.keyed_payloads(
                kind=kind, patient_id=patient_id, natural_key_from=window_from.isoformat()
            ),
        )

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

    def keyed_payloads(
        self, *, kind: RecordKind, patient_id: str, natural_key_from: str
    ) -> list[tuple[str | None, Mapping[str, Any]]]:
        """``(natural_key, payload)`` of the current records whose key sorts at or after
        ``natural_key_from``: what the caseload summary reads of the recent check-ins on every
        refresh, without building whole versions."""
        stmt = select(RecordRow.natural_key, RecordRow.payload).where(
            RecordRow.kind == kind.value,
            RecordRow.patient_id == patient_id,
            RecordRow.is_current.is_(True),
            RecordRow.natural_key >= natural_key_from,
        )
        return [(key, payload) for key, payload in self._s.execute(stmt)]

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
