"""Deferred sealing (group commit for the audit chain): a web process's commits queue their
events in ``audit_pending`` in the transaction they record, without locking the chain's head;
a sealer chains the committed units in batches under one lock of the head; reviews and
verification seal before they read. On SQLite and PostgreSQL: the same chain (formula,
checkpoints, verification), no event lost when a process dies between its write and the
seal, and one gap-free chain when several processes write and seal at once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select, text, update

from painpath.adapters.db.tables import AuditPendingRow, SignInAttemptRow
from painpath.bootstrap import Container, build_container
from painpath.config import Settings
from painpath.domain.audit import AuditEvent
from painpath.services.audit import audit_report, export_checkpoint, seal_audit_events
from tests.conftest import fast_hasher, make_container

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def base(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Container]:
    """A migrated database (its audit key in its data dir) and an inline container on it."""
    if request.param == "postgres":
        pg_base = request.getfixturevalue("postgres_schema")
        container = make_container(tmp_path, backend="postgres", pg_base=pg_base)
    else:
        container = make_container(tmp_path)
    yield container
    container.engine.dispose()


def _schema(container: Container) -> str | None:
    if container.engine.dialect.name != "postgresql":
        return None
    with container.engine.connect() as conn:
        return str(conn.execute(text("SELECT current_schema()")).scalar_one())


def _spec(container: Container) -> dict[str, object]:
    return {
        "data_dir": str(container.settings.data_dir),
        "url": container.settings.database_url,
        "schema": _schema(container),
    }


def _container(spec: dict[str, object], *, seal_ms: int) -> Container:
    settings = Settings(
        data_dir=Path(str(spec["data_dir"])),
        database_url=spec["url"],  # type: ignore[arg-type]
        secret_key=None,
        audit_seal_ms=seal_ms,
        audit_strict=True,
    )
    schema = spec["schema"]
    return build_container(
        settings,
        schema=str(schema) if schema else None,
        hasher=fast_hasher(),
        worker_threads=0,
    )


@pytest.fixture
def deferred(base: Container) -> Iterator[Container]:
    """A second container on the same database whose commits defer sealing; its sealer
    thread waits a minute before its first turn, so the tests seal when they choose."""
    container = _container(_spec(base), seal_ms=60_000)
    assert container.start_audit_sealer() is not None
    yield container
    container.stop_audit_sealer()
    container.engine.dispose()


def _write(container: Container, tag: str, *, events: int = 2, commit: bool = True) -> None:
    """A unit of work that writes a row and audits it (``events`` events)."""
    with container.uow() as uow:
        uow.signin_attempts.add(account="a@x.test", client=tag, at=datetime.now(UTC), kind="t")
        for i in range(events):
            uow.audit.append(
                action="test.write",
                actor_user_id=None,
                actor_role=None,
                request_id=tag,
                detail={"steps": i},
            )
        if commit:
            uow.commit()


def _chain(container: Container) -> list[AuditEvent]:
    with container.uow() as uow:
        return list(uow.audit.iter_all())


def _pending(container: Container) -> int:
    with container.uow() as uow:
        return uow.audit.pending_units()


def _written_tags(container: Container) -> set[str]:
    with container.session_factory() as s:
        return set(s.scalars(select(SignInAttemptRow.client)))


def test_a_deferred_commit_queues_its_events_with_its_write_and_a_seal_chains_them(
    base: Container, deferred: Container
) -> None:
    _write(base, "inline-1")  # an existing, inline-sealed chain carries on
    _write(deferred, "deferred-1", events=3)
    _write(deferred, "deferred-2")
    _write(deferred, "rolled-back", commit=False)
    assert [e.request_id for e in _chain(base)] == ["inline-1"] * 2
    assert _pending(base) == 2  # one unit per commit; the rolled-back one left nothing
    assert _written_tags(base) == {"inline-1", "deferred-1", "deferred-2"}

    assert seal_audit_events(deferred.context()) == 5
    events = _chain(base)
    assert [e.request_id for e in events] == ["inline-1"] * 2 + ["deferred-1"] * 3 + [
        "deferred-2"
    ] * 2
    assert [e.detail["steps"] for e in events] == [0, 1, 0, 1, 2, 0, 1]  # order appended
    assert [e.seq for e in events] == list(range(1, 8))
    assert _pending(base) == 0
    assert audit_report(base.context()) == (7, [])  # the inline verifier, same formula
    with base.uow() as uow:
        assert uow.audit.head() == (7, events[-1].hash)


def test_a_queued_unit_altered_before_the_seal_is_reported(
    base: Container, deferred: Container
) -> None:
    """Someone with write access to the database but not the key changes who did it while
    the unit waits: it is chained as found, followed by an event verification reports."""
    _write(deferred, "honest")
    _write(deferred, "edited")
    with base.engine.begin() as conn:
        rows = conn.execute(select(AuditPendingRow.id, AuditPendingRow.events)).all()
        row = next(r for r in rows if r.events[0]["request_id"] == "edited")
        forged = [e | {"actor_user_id": 999} for e in row.events]
        conn.execute(
            update(AuditPendingRow).where(AuditPendingRow.id == row.id).values(events=forged)
        )
    _, findings = audit_report(base.context())
    assert [(f.seq, "altered while waiting" in f.reason) for f in findings] == [(5, True)]
    events = _chain(base)
    assert [e.action for e in events][-1] == "audit.pending_altered"
    assert events[-1].detail == {"pending_id": row.id}
    assert [e.actor_user_id for e in events[2:4]] == [999, 999]


def test_reviews_and_verification_seal_what_is_pending_before_they_read(
    base: Container, deferred: Container
) -> None:
    for n in range(230):  # the batch crosses two checkpoint marks
        _write(deferred, f"u{n}", events=1)
    assert _chain(base) == [] and _pending(base) == 230
    point = export_checkpoint(base.context())  # seals first: the signed head covers them
    assert point is not None and point.seq == 230
    _write(deferred, "after-export", events=1)
    assert audit_report(base.context()) == (231, [])
    with base.uow() as uow:
        assert [p.seq for p in uow.audit.checkpoints()] == [100, 200, 230]
        assert uow.audit.pending_units() == 0


def test_the_cli_verification_seals_pending_events(
    base: Container, deferred: Container, tmp_path: Path
) -> None:
    """``painpath audit verify`` in its own process counts events committed but not yet
    sealed (here: their writer is still running and its sealer has not had a turn)."""
    for n in range(3):
        _write(deferred, f"u{n}")
    schema = _schema(base)
    url = base.settings.database_url
    env = {**os.environ, "PAINPATH_DATA_DIR": str(base.settings.data_dir)}
    if url is not None:
        env["PAINPATH_DATABASE_URL"] = f"{url}?options=-csearch_path%3D{schema}"
    out = subprocess.run(
        [sys.executable, "-m", "painpath", "audit", "verify"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert out.returncode == 0 and "intact: 6 events" in out.stdout, out.stdout + out.stderr
    assert _pending(base) == 0


def _run_writer(spec: dict[str, object]) -> subprocess.Popen[str]:
    code = "import json, sys; from tests.integration.test_audit_deferred import writer_process;"
    code += " writer_process(json.loads(sys.argv[1]))"
    return subprocess.Popen(
        [sys.executable, "-c", code, json.dumps(spec)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), *sys.path])},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def writer_process(spec: dict[str, object]) -> None:
    """A separate app process: ``threads`` writers, each committing ``units`` audited writes
    (and rolling one back); it then stops its sealer (which seals what is left) or, with
    ``crash``, dies on the spot, leaving whatever its sealer had not reached."""
    container = _container(spec, seal_ms=int(str(spec["seal_ms"])))
    container.start_audit_sealer()
    name, units = str(spec["name"]), int(str(spec["units"]))
    errors: list[BaseException] = []

    def run(t: int) -> None:
        try:
            for u in range(units):
                _write(container, f"{name}-{t}-{u}")
                if u == units // 2:
                    _write(container, f"{name}-{t}-rolled-back", commit=False)
        except BaseException as err:  # reported below
            errors.append(err)

    threads = [threading.Thread(target=run, args=(t,)) for t in range(int(str(spec["threads"])))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        print(repr(errors[0]), file=sys.stderr)
        os._exit(3)
    if spec.get("crash"):
        os._exit(0)  # no stop_audit_sealer, no dispose: a process killed after its commits
    container.stop_audit_sealer()
    container.engine.dispose()


def test_a_process_that_dies_between_its_writes_and_the_seal_loses_no_event(
    base: Container,
) -> None:
    spec = _spec(base) | {"name": "dead", "seal_ms": 60_000, "threads": 2, "units": 10}
    proc = _run_writer(spec | {"crash": True})
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    written = _written_tags(base)
    assert len(written) == 20 and _pending(base) == 20  # committed, never sealed
    assert audit_report(base.context()) == (40, [])
    assert {e.request_id for e in _chain(base)} == written


def test_processes_writing_and_sealing_at_once_give_one_gap_free_verified_chain(
    base: Container,
) -> None:
    """Two deferring processes (one dies at the end), one sealing at commit and this one
    sealing too: every committed write has its events, in one chain with no gap."""
    threads, units = 4, 15
    procs = [
        _run_writer(_spec(base) | {"name": name, "seal_ms": ms, "threads": threads, "units": units})
        for name, ms in (("p1", 20), ("p2", 20), ("inline", 0))
    ]
    procs.append(
        _run_writer(
            _spec(base)
            | {"name": "dies", "seal_ms": 20, "threads": threads, "units": units, "crash": True}
        )
    )
    deadline = time.monotonic() + 180
    while any(p.poll() is None for p in procs) and time.monotonic() < deadline:
        seal_audit_events(base.context(), wait=False)
        time.sleep(0.05)
    for p in procs:
        _, err = p.communicate(timeout=max(1.0, deadline - time.monotonic()))
        assert p.returncode == 0, err
    total_units = len(procs) * threads * units
    written = _written_tags(base)
    assert len(written) == total_units
    checked, findings = audit_report(base.context())
    assert (checked, findings) == (2 * total_units, [])
    events = _chain(base)
    assert [e.seq for e in events] == list(range(1, 2 * total_units + 1))
    by_unit: dict[str | None, list[int]] = {}
    for e in events:
        by_unit.setdefault(e.request_id, []).append(e.seq)
    assert set(by_unit) == written  # no write without its events, no event without its write
    assert all(seqs == [seqs[0], seqs[0] + 1] for seqs in by_unit.values())
    with base.uow() as uow:
        assert [p.seq for p in uow.audit.checkpoints()] == [100, 200, 300, 400]
        assert uow.audit.pending_units() == 0


@pytest.mark.postgres
def test_a_deferred_commit_takes_no_lock_on_the_head_and_a_busy_head_skips_the_sealer(
    tmp_path: Path, postgres_schema: str
) -> None:
    """While another transaction holds the chain's head (a sealer at work), a deferring
    commit still completes and a background seal turn returns at once; an inline commit
    waits for the head (the convoy this removes)."""
    base = make_container(tmp_path, backend="postgres", pg_base=postgres_schema)
    deferred = _container(_spec(base), seal_ms=60_000)
    deferred.start_audit_sealer()
    done: dict[str, float] = {}

    def timed(name: str, fn: object) -> threading.Thread:
        def run() -> None:
            started = time.monotonic()
            fn()  # type: ignore[operator]
            done[name] = time.monotonic() - started

        t = threading.Thread(target=run)
        t.start()
        return t

    try:
        with base.engine.connect() as holder:
            holder.execute(text("SELECT last_seq FROM audit_head WHERE id = 1 FOR UPDATE"))
            deferred_t = timed("deferred", lambda: _write(deferred, "d"))
            skip_t = timed("skip", lambda: seal_audit_events(deferred.context(), wait=False))
            inline_t = timed("inline", lambda: _write(base, "i"))
            deferred_t.join(10)
            skip_t.join(10)
            time.sleep(0.5)
            assert "deferred" in done and "skip" in done and "inline" not in done, done
            holder.rollback()
        inline_t.join(10)
        assert "inline" in done
        assert audit_report(base.context()) == (4, [])
    finally:
        deferred.stop_audit_sealer()
        deferred.engine.dispose()
        base.engine.dispose()


def test_the_background_sealer_chains_commits_within_its_interval(base: Container) -> None:
    container = _container(_spec(base), seal_ms=50)
    container.start_audit_sealer()
    try:
        _write(container, "soon")
        deadline = time.monotonic() + 10
        while _pending(base) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert [e.request_id for e in _chain(base)] == ["soon", "soon"]
    finally:
        container.stop_audit_sealer()
        container.engine.dispose()
