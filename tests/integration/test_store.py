"""The record store and audit log on SQLite and PostgreSQL: migrations, append-only records,
optimistic locking, natural keys, and the hash chain."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import event, inspect, text

from painpath.bootstrap import Container
from painpath.domain.caseload import PatientSummary
from painpath.domain.errors import Conflict, InvalidInput
from painpath.domain.ports import UnitOfWork
from painpath.domain.progression.resume import digest_checkins, digest_versions
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


@contextmanager
def _verbs(container: Container) -> Iterator[list[str]]:
    """The first word of every statement sent while the block runs."""
    verbs: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        verbs.append(statement.split(None, 1)[0].upper())

    event.listen(container.engine, "before_cursor_execute", count)
    try:
        yield verbs
    finally:
        event.remove(container.engine, "before_cursor_execute", count)


def test_a_version_is_written_in_two_statements_and_returned_as_stored(
    any_container: Container,
) -> None:
    """A new record is one INSERT; a revision (by record and version, or of whatever version
    is current under a natural key) one UPDATE (retiring the current version and returning
    what the next copies) and one INSERT: no read before, no savepoint around. The versions
    returned are exactly the rows stored."""
    world = build_world(any_container)
    pid, by = world.patient.id, world.clinician.user_id
    with any_container.uow() as uow:
        uow.records.list_current(kind=RecordKind.NOTE, patient_id=pid)  # opens the transaction
        with _verbs(any_container) as verbs:
            first = uow.records.add(
                kind=RecordKind.NOTE,
                patient_id=pid,
                payload={"text": "v1", "n": 1.5},
                natural_key="k",
                meta={"source": "test"},
                created_by=by,
            )
        assert verbs == ["INSERT"]
        with _verbs(any_container) as verbs:
            second = uow.records.revise(
                first.record_id,
                expected_version=1,
                payload={"text": "v2"},
                reason="typo",
                created_by=by,
            )
        assert verbs == ["UPDATE", "INSERT"]
        assert (second.version, second.natural_key, second.meta) == (2, "k", {"source": "test"})
        with _verbs(any_container) as verbs:
            third = uow.records.supersede(
                kind=RecordKind.NOTE,
                patient_id=pid,
                natural_key="k",
                payload={"text": "v3"},
                reason="sent again",
                created_by=by,
            )
            none = uow.records.supersede(
                kind=RecordKind.NOTE,
                patient_id=pid,
                natural_key="no such key",
                payload={},
                reason="sent again",
                created_by=by,
            )
        # PostgreSQL: the retire and the insert in one statement (WITH retired AS (UPDATE ...)
        # INSERT ...); SQLite has no data-modifying WITH
        one = any_container.engine.dialect.name == "postgresql"
        assert verbs == (["WITH", "WITH"] if one else ["UPDATE", "INSERT", "UPDATE"])
        assert none is None
        assert third is not None and (third.version, third.change_reason) == (3, "sent again")
        with pytest.raises(InvalidInput, match="needs a reason"):
            uow.records.supersede(
                kind=RecordKind.NOTE,
                patient_id=pid,
                natural_key="k",
                payload={},
                reason=" ",
                created_by=by,
            )
        uow.commit()
    with any_container.uow() as uow:
        assert uow.records.history(first.record_id) == [
            replace(first, is_current=False),
            replace(second, is_current=False),
            third,
        ]


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
    for every cut-off day, with revised versions, a key-less record and no records at all,
    and ``digest_versions`` of the other kinds' current versions, which leave the check-in
    digests alone (and the other way round)."""
    world = build_world(any_container)
    pid, by = world.patient.id, world.clinician.user_id
    days = [date(2026, 10, 1) + timedelta(days=n) for n in range(0, 40, 3)]
    cuts = [date(2026, 9, 1), days[4], days[5] + timedelta(days=1), date(2027, 1, 1)]
    kind = RecordKind.CHECKIN
    others = (RecordKind.RESPONSE, RecordKind.INTAKE, RecordKind.EXAMINATION)

    def digests(uow: UnitOfWork) -> tuple[bool, list[str], str]:
        return uow.records.digest_keys(kind=kind, patient_id=pid, through=cuts, others=others)

    def versions(uow: UnitOfWork) -> str:
        return digest_versions(
            (k.value, v.record_id, v.version)
            for k in others
            for v in uow.records.list_current(kind=k, patient_id=pid)
        )

    with any_container.uow() as uow:
        nothing = digest_versions([])
        assert digests(uow) == (False, [digest_checkins([], through=c) for c in cuts], nothing)
        assert uow.records.digest_keys(kind=kind, patient_id=pid, through=cuts)[2] == nothing
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
        checkins = [digest_checkins(keys, through=c) for c in cuts]
        assert digests(uow) == (False, checkins, nothing)
        intake = uow.records.add(kind=RecordKind.INTAKE, patient_id=pid, payload={}, created_by=by)
        for n in range(3):
            uow.records.add(
                kind=RecordKind.RESPONSE, patient_id=pid, payload={"n": n}, created_by=by
            )
        uow.records.add(kind=RecordKind.NOTE, patient_id=pid, payload={}, created_by=by)
        with_intake = digests(uow)
        assert with_intake == (False, checkins, versions(uow))  # key-less, not a check-in
        assert with_intake[2] != nothing
        uow.records.revise(
            intake.record_id, expected_version=1, payload={"y": 1}, reason="r", created_by=by
        )
        revised = digests(uow)
        assert revised == (False, checkins, versions(uow)) and revised[2] != with_intake[2]
        uow.records.void(intake.record_id, expected_version=2, reason="wrong", by=by)
        voided = digests(uow)
        assert voided == (False, checkins, versions(uow))
        assert voided[2] not in (with_intake[2], revised[2])
        uow.records.add(kind=kind, patient_id=pid, payload={}, created_by=by)  # no key
        keys = uow.records.current_keys(kind=kind, patient_id=pid)
        keyless, cut_digests, other = digests(uow)
        assert keyless and other == voided[2]
        assert cut_digests == [digest_checkins(keys, through=c) for c in cuts]
        assert len(set(cut_digests)) == len(cuts)  # every cut-off covers a different set


def test_keyed_payloads_are_the_current_versions_from_a_key(any_container: Container) -> None:
    world = build_world(any_container)
    pid, by = world.patient.id, world.clinician.user_id
    kind = RecordKind.CHECKIN
    with any_container.uow() as uow:
        for n in range(6):
            uow.records.add(
                kind=kind,
                patient_id=pid,
                payload={"n": n},
                natural_key=f"2026-10-0{n + 1}",
                created_by=by,
            )
        uow.records.supersede(
            kind=kind,
            patient_id=pid,
            natural_key="2026-10-05",
            payload={"n": 9},
            reason="again",
            created_by=by,
        )
        uow.records.add(
            kind=RecordKind.NOTE,
            patient_id=pid,
            payload={},
            natural_key="2026-10-06",
            created_by=by,
        )
        found = uow.records.keyed_payloads(kind=kind, patient_id=pid, natural_key_from="2026-10-03")
        listed = uow.records.list_current(kind=kind, patient_id=pid, natural_key_from="2026-10-03")
    assert sorted(found) == sorted((v.natural_key, v.payload) for v in listed)
    assert sorted(k for k, _ in found) == ["2026-10-03", "2026-10-04", "2026-10-05", "2026-10-06"]
    assert dict(found)["2026-10-05"] == {"n": 9}


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


def test_summary_reads_are_the_separate_reads(any_container: Container) -> None:
    """``summary_reads`` (one statement on PostgreSQL) gives what the separate reads give:
    the stored state, the current programme version, ``digest_keys`` up to the state's
    ``through`` and to the later of it and the lag day, and the window's keyed payloads;
    with no state, a state without a readable ``through``, a state ahead of the lag day and
    behind it, a revised and a key-less check-in, no programme and a revised programme."""
    world = build_world(any_container)
    pid, by = world.patient.id, world.clinician.user_id
    kind, others = RecordKind.CHECKIN, (RecordKind.RESPONSE, RecordKind.INTAKE)
    programme = (RecordKind.ACTIVITY, "graded-activity")
    days = [date(2026, 10, 1) + timedelta(days=n) for n in range(0, 40, 2)]
    lag, window = date(2026, 10, 20), date(2026, 10, 9)

    def reads(uow: UnitOfWork) -> Any:
        return uow.records.summary_reads(
            patient_id=pid,
            kind=kind,
            programme=programme,
            others=others,
            lag_day=lag,
            window_from=window,
        )

    def expected(uow: UnitOfWork, state: dict[str, Any] | None) -> tuple[Any, ...]:
        raw = (state or {}).get("through")
        through = date.fromisoformat(raw) if isinstance(raw, str) else None
        cuts = [through, max(through, lag)] if through else [lag, lag]
        keyless, digests, sources = uow.records.digest_keys(
            kind=kind, patient_id=pid, through=cuts, others=others
        )
        prog = uow.records.current_by_key(
            kind=programme[0], patient_id=pid, natural_key=programme[1]
        )
        return (
            state,
            (prog.record_id, prog.version, prog.payload) if prog else None,
            (cuts[0], cuts[1]) if through else None,
            keyless,
            tuple(digests) if through else None,
            sources,
            sorted(
                uow.records.keyed_payloads(
                    kind=kind, patient_id=pid, natural_key_from=window.isoformat()
                ),
                key=str,
            ),
        )

    def got(uow: UnitOfWork) -> tuple[Any, ...]:
        r = reads(uow)
        return (
            r.state,
            r.programme,
            r.days,
            r.keyless,
            r.digests if r.days else None,
            r.sources,
            sorted(r.recent, key=str),
        )

    summary = PatientSummary(pid, computed_on=date(2026, 11, 1))
    with any_container.uow() as uow:
        assert got(uow) == expected(uow, None)  # nothing at all
        for d in days:
            uow.records.add(
                kind=kind,
                patient_id=pid,
                payload={"day": d.isoformat(), "pain_now": 1.5},
                natural_key=d.isoformat(),
                created_by=by,
            )
        uow.records.supersede(
            kind=kind,
            patient_id=pid,
            natural_key=days[6].isoformat(),
            payload={"day": days[6].isoformat(), "pain_now": 2.25},
            reason="again",
            created_by=by,
        )
        uow.records.add(kind=RecordKind.INTAKE, patient_id=pid, payload={}, created_by=by)
        prog = uow.records.add(
            kind=programme[0],
            patient_id=pid,
            payload={"goal": 30.0},
            natural_key=programme[1],
            created_by=by,
        )
        states: list[dict[str, Any] | None] = [
            None,
            {"format": 1, "through": "2026-10-11", "x": [1.5, None]},  # behind the lag day
            {"format": 1, "through": "2026-10-25"},  # ahead of it
            {"format": 1},  # no through: no digests from it
            {"format": 1, "through": 20261011},
        ]
        for n, state in enumerate(states):
            if n == 3:
                uow.records.revise(
                    prog.record_id,
                    expected_version=1,
                    payload={"goal": 40.0},
                    reason="replan",
                    created_by=by,
                )
                uow.records.add(kind=kind, patient_id=pid, payload={}, created_by=by)  # no key
            uow.summaries.put(summary, clinic_id=world.patient.clinic_id, state=state)
            assert got(uow) == expected(uow, state), state
        assert reads(uow).keyless and reads(uow).programme is not None
        assert reads(uow).programme[1] == 2  # type: ignore[index]


def test_a_patient_is_read_with_the_episodes_and_episode_writes_are_seen(
    any_container: Container,
) -> None:
    """``patients.get`` reads the patient's episodes in the same statement and later reads
    in the unit of work send none; ``episodes.for_patient`` answers from it, newest first,
    the same as reading them on their own; an added or discharged episode is seen at once;
    a voided or unknown patient is None; after a rollback the next read asks again."""
    world = build_world(any_container)
    pid, by = world.patient.id, world.clinician.user_id
    with any_container.uow() as uow:
        uow.episodes.add(
            patient_id=pid,
            clinic_id=world.patient.clinic_id,
            title="second",
            started_on=date(2026, 1, 5),
            created_by=by,
        )
        uow.commit()
    with any_container.uow() as uow:
        alone = uow.episodes.for_patient(pid)  # a unit of work that has not read the patient
    assert len(alone) == 2
    assert [e.started_on for e in alone] == sorted((e.started_on for e in alone), reverse=True)
    with any_container.uow() as uow, _verbs(any_container) as verbs:
        assert uow.patients.get(pid) == world.patient
        assert uow.episodes.for_patient(pid) == alone
        assert uow.patients.get(pid) == world.patient
        assert uow.patients.get("no-such-patient") is None
        assert uow.patients.get("no-such-patient") is None
        sent = [v for v in verbs if v != "BEGIN"]  # SQLite's BEGIN IMMEDIATE
        assert sent == ["SELECT", "SELECT"]  # one per patient, episodes included
        third = uow.episodes.add(
            patient_id=pid,
            clinic_id=world.patient.clinic_id,
            title="third",
            started_on=date(2026, 3, 1),
            created_by=by,
        )
        assert uow.episodes.for_patient(pid)[0] == third
        uow.episodes.discharge(third.id, on=date(2026, 3, 9))
        assert uow.episodes.for_patient(pid)[0].discharged_on == date(2026, 3, 9)
        uow.rollback()
        before = verbs.count("SELECT")
        assert uow.episodes.for_patient(pid) == alone  # the rollback undid both writes
        assert verbs.count("SELECT") == before + 1
    with any_container.engine.begin() as conn:
        conn.execute(text("UPDATE patients SET voided = :t WHERE id = :p"), {"t": True, "p": pid})
    with any_container.uow() as uow:
        assert uow.patients.get(pid) is None
        assert uow.episodes.for_patient(pid) == alone
