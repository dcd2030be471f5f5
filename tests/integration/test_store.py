"""The record store and audit log on SQLite and PostgreSQL: migrations, append-only records,
optimistic locking, natural keys, and the hash chain."""

from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest
from sqlalchemy import inspect, text

from painpath.bootstrap import Container
from painpath.domain.errors import Conflict, InvalidInput
from painpath.domain.ports import UnitOfWork
from painpath.domain.progression.resume import digest_checkins
from painpath.domain.records import RecordKind
from painpath.services.audit import verify_audit_log
from tests.conftest import build_world


def test_migration_creates_every_table(any_container: Container) -> None:
    names = set(inspect(any_container.engine).get_table_names())
    assert {
        "clinics",
        "users",
        "patients",
        "episodes",
        "clinical_records",
        "audit_events",
        "audit_head",
        "sessions",
        "jobs",
        "stored_files",
        "wording_packs",
        "alembic_version",
    } <= names


def test_records_are_append_only_with_versions(any_container: Container) -> None:
    world = build_world(any_container)
    with any_container.uow() as uow:
        first = uow.records.add(
            kind=RecordKind.NOTE,
            patient_id=world.patient.id,
            payload={"text": "v1"},
            created_by=world.clinician.user_id,
        )
        second = uow.records.revise(
            first.record_id,
            expected_version=1,
            payload={"text": "v2"},
            reason="typo",
            created_by=world.clinician.user_id,
        )
        uow.commit()
    assert second.version == 2
    with any_container.uow() as uow:
        history = uow.records.history(first.record_id)
        assert [v.payload["text"] for v in history] == ["v1", "v2"]
        assert [v.is_current for v in history] == [False, True]
        assert history[1].change_reason == "typo"
        with pytest.raises(Conflict, match="changed since you opened it"):
            uow.records.revise(
                first.record_id,
                expected_version=1,
                payload={"text": "stale"},
                reason="late",
                created_by=world.clinician.user_id,
            )
    with any_container.uow() as uow:
        with pytest.raises(InvalidInput, match="needs a reason"):
            uow.records.revise(
                first.record_id,
                expected_version=2,
                payload={},
                reason="  ",
                created_by=world.clinician.user_id,
            )
        uow.records.void(
            first.record_id, expected_version=2, reason="wrong patient", by=world.clinician.user_id
        )
        uow.commit()
    with any_container.uow() as uow:
        current = uow.records.current(first.record_id)
        assert current.voided and current.void_reason == "wrong patient"
        assert len(uow.records.history(first.record_id)) == 2  # nothing deleted
        assert uow.records.list_current(kind=RecordKind.NOTE, patient_id=world.patient.id) == []


def test_one_current_version_per_natural_key(any_container: Container) -> None:
    world = build_world(any_container)
    with any_container.uow() as uow:
        uow.records.add(
            kind=RecordKind.CHECKIN,
            patient_id=world.patient.id,
            payload={},
            natural_key="2026-11-01",
            created_by=world.patient_actor.user_id,
        )
        with pytest.raises(Conflict):
            uow.records.add(
                kind=RecordKind.CHECKIN,
                patient_id=world.patient.id,
                payload={},
                natural_key="2026-11-01",
                created_by=world.patient_actor.user_id,
            )
        # The failed insert rolled back to a savepoint: the first record is still there.
        assert (
            uow.records.current_by_key(
                kind=RecordKind.CHECKIN, patient_id=world.patient.id, natural_key="2026-11-01"
            )
            is not None
        )
        # Bulk insert: all or none; a clash on one key writes none of the others.
        with pytest.raises(Conflict):
            uow.records.add_many(
                kind=RecordKind.CHECKIN,
                patient_id=world.patient.id,
                keyed_payloads=[("2026-11-02", {}), ("2026-11-01", {})],
                created_by=world.patient_actor.user_id,
            )
        assert (
            uow.records.current_by_key(
                kind=RecordKind.CHECKIN, patient_id=world.patient.id, natural_key="2026-11-02"
            )
            is None
        )
        added = uow.records.add_many(
            kind=RecordKind.CHECKIN,
            patient_id=world.patient.id,
            keyed_payloads=[("2026-11-02", {"n": 2}), ("2026-11-03", {"n": 3})],
            created_by=world.patient_actor.user_id,
        )
        assert [(v.natural_key, v.version, v.payload["n"]) for v in added] == [
            ("2026-11-02", 1, 2),
            ("2026-11-03", 1, 3),
        ]


def test_prefetched_lists_match_the_queries_and_follow_writes(any_container: Container) -> None:
    """``prefetch`` answers ``list_current`` with the same versions in the same order (oldest
    and newest first, several kinds at once), and a write in the same unit of work is seen."""
    world = build_world(any_container)
    pid, by = world.patient.id, world.clinician.user_id
    with any_container.uow() as uow:
        for n in range(3):
            uow.records.add(kind=RecordKind.NOTE, patient_id=pid, payload={"n": n}, created_by=by)
            uow.records.add(kind=RecordKind.INTAKE, patient_id=pid, payload={"n": n}, created_by=by)
        uow.commit()

    def lists(uow: UnitOfWork) -> list[list[tuple[str, int, object]]]:
        out = []
        for kind in (RecordKind.NOTE, RecordKind.INTAKE, RecordKind.RESPONSE):
            for newest in (False, True):
                found = uow.records.list_current(kind=kind, patient_id=pid, newest_first=newest)
                out.append([(v.record_id, v.version, v.payload["n"]) for v in found])
        return out

    with any_container.uow() as uow:
        queried = lists(uow)
        uow.records.prefetch(
            kinds=[RecordKind.NOTE, RecordKind.INTAKE, RecordKind.RESPONSE], patient_id=pid
        )
        assert lists(uow) == queried
        assert [n for _, _, n in queried[0]] == [0, 1, 2]
        assert [n for _, _, n in queried[1]] == [2, 1, 0]
        first = queried[0][0]
        uow.records.revise(
            first[0], expected_version=1, payload={"n": 9}, reason="typo", created_by=by
        )
        uow.records.add(kind=RecordKind.RESPONSE, patient_id=pid, payload={"n": 5}, created_by=by)
        notes = uow.records.list_current(kind=RecordKind.NOTE, patient_id=pid)
        assert sorted(v.payload["n"] for v in notes) == [1, 2, 9]
        responses = uow.records.list_current(kind=RecordKind.RESPONSE, patient_id=pid)
        assert [v.payload["n"] for v in responses] == [5]


def test_database_digest_of_keys_equals_the_domain_digest(any_container: Container) -> None:
    """``digest_keys`` (SQL on PostgreSQL) gives ``digest_checkins`` of ``current_keys``
    for every cut-off day, with revised versions, a key-less record and no records at all."""
    world = build_world(any_container)
    pid, by = world.patient.id, world.clinician.user_id
    days = [date(2026, 10, 1) + timedelta(days=n) for n in range(0, 40, 3)]
    cuts = [date(2026, 9, 1), days[4], days[5] + timedelta(days=1), date(2027, 1, 1)]
    kind = RecordKind.CHECKIN
    with any_container.uow() as uow:
        assert uow.records.digest_keys(kind=kind, patient_id=pid, through=cuts) == (
            False,
            [digest_checkins([], through=c) for c in cuts],
        )
        added = [
            uow.records.add(
                kind=kind, patient_id=pid, payload={}, natural_key=d.isoformat(), created_by=by
            )
            for d in days
        ]
        uow.records.revise(
            added[2].record_id, expected_version=1, payload={"x": 1}, reason="r", created_by=by
        )
        keys = uow.records.current_keys(kind=kind, patient_id=pid)
        assert uow.records.digest_keys(kind=kind, patient_id=pid, through=cuts) == (
            False,
            [digest_checkins(keys, through=c) for c in cuts],
        )
        uow.records.add(kind=kind, patient_id=pid, payload={}, created_by=by)  # no key
        keys = uow.records.current_keys(kind=kind, patient_id=pid)
        keyless, digests = uow.records.digest_keys(kind=kind, patient_id=pid, through=cuts)
        assert keyless
        assert digests == [digest_checkins(keys, through=c) for c in cuts]
        assert len(set(digests)) == len(cuts)  # every cut-off covers a different set


def test_audit_chain_verifies_and_detects_tampering(any_container: Container) -> None:
    build_world(any_container)
    checked, broken = verify_audit_log(any_container.context())
    assert checked >= 5 and broken is None
    with any_container.engine.begin() as conn:
        conn.execute(text("UPDATE audit_events SET action = 'patient.hidden' WHERE seq = 3"))
    checked, broken = verify_audit_log(any_container.context())
    assert broken is not None and broken.seq == 3 and "altered" in broken.reason


def test_deleted_audit_row_is_detected(any_container: Container) -> None:
    build_world(any_container)
    with any_container.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_events WHERE seq = 2"))
    _, broken = verify_audit_log(any_container.context())
    assert broken is not None and broken.seq == 2 and "missing" in broken.reason


def test_concurrent_audit_appends_keep_one_chain(any_container: Container) -> None:
    errors: list[BaseException] = []

    def append_many(n: int) -> None:
        try:
            for _ in range(n):
                with any_container.uow() as uow:
                    uow.audit.append(action="test.concurrent", actor_user_id=None, actor_role=None)
                    uow.commit()
        except BaseException as err:  # surface thread failures in the assertion below
            errors.append(err)

    threads = [threading.Thread(target=append_many, args=(15,)) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    checked, broken = verify_audit_log(any_container.context())
    assert (checked, broken) == (60, None)
