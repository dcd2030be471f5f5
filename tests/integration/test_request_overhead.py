"""What a signed-in request costs the database, and that the cheaper path keeps its promises.

A check-in through the app takes one pooled connection and one transaction on PostgreSQL
(the guard's session lookup and patient check continue into the operation), two on SQLite;
the session and its account are read in one statement, on every request, so a sign-out,
deactivation or role change made by another server process takes effect on the next
request; a pooled connection the server killed is replaced without an error reaching the
user (no pre-ping), and a connection lost during COMMIT is never rerun.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import anyio.to_thread
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, event, text, update

from painpath.adapters.db.tables import SessionRow, UserRow
from painpath.bootstrap import Container, build_container
from painpath.domain.errors import StorageLost
from painpath.domain.progression.checkins import CheckIn
from painpath.services.progress.checkins import submit_checkin
from painpath.web.api.progress import CheckinPublic
from painpath.web.app import create_app
from painpath.web.security import SESSION_COOKIE
from tests.conftest import (
    POSTGRES_URL,
    World,
    api_client,
    assert_summary_is_replay,
    build_world,
    fast_hasher,
    store_checkins,
    walking_since,
)


@dataclass
class _Counts:
    checkouts: int = 0
    begins: int = 0
    commits: int = 0
    rollbacks: int = 0
    statements: list[str] = field(default_factory=list)

    def reset(self) -> None:
        self.checkouts = self.begins = self.commits = self.rollbacks = 0
        self.statements.clear()


@pytest.fixture
def counted(any_container: Container) -> Iterator[tuple[World, _Counts]]:
    world = build_world(any_container)
    counts = _Counts()
    engine = any_container.engine

    def checkout(*_: Any) -> None:
        counts.checkouts += 1

    def begin(*_: Any) -> None:
        counts.begins += 1

    def commit(*_: Any) -> None:
        counts.commits += 1

    def rollback(*_: Any) -> None:
        counts.rollbacks += 1

    def statement(_conn: Any, _cursor: Any, sql: str, *_: Any) -> None:
        counts.statements.append(sql)

    listeners = [
        (engine, "checkout", checkout),
        (engine, "begin", begin),
        (engine, "commit", commit),
        (engine, "rollback", rollback),
        (engine, "before_cursor_execute", statement),
    ]
    for target, name, fn in listeners:
        event.listen(target, name, fn)
    try:
        yield world, counts
    finally:
        for target, name, fn in listeners:
            event.remove(target, name, fn)


def _checkin(client: TestClient, csrf: str, patient_id: str, day: str, pain: int) -> int:
    resp = client.post(
        f"/api/v1/patients/{patient_id}/checkins",
        json={"day": day, "pain_now": pain, "pain_worst": 8, "quota_done": 10},
        headers={"X-CSRF-Token": csrf},
    )
    assert resp.status_code == 201, resp.text
    return resp.status_code


def test_a_checkin_takes_one_connection_and_one_transaction_on_postgresql(
    counted: tuple[World, _Counts],
) -> None:
    world, counts = counted
    client, csrf = api_client(world.container, "clin@a.test")
    today = world.container.clock.today()
    _checkin(client, csrf, world.patient.id, today.isoformat(), 3)  # warm: first version
    counts.reset()
    _checkin(client, csrf, world.patient.id, today.isoformat(), 4)  # a revision, as the benchmark
    postgres = world.container.engine.dialect.name == "postgresql"
    # PostgreSQL: the guard's session lookup and patient check and the operation share one
    # connection and one transaction; SQLite (BEGIN IMMEDIATE): the guard's own, then the
    # operation's. Before: three of each on both.
    expected = 1 if postgres else 2
    assert (counts.checkouts, counts.begins, counts.commits) == (
        expected,
        expected,
        1,
    ), counts
    sql = [s.lower() for s in counts.statements]
    # one statement reads the session, its account and the URL's patient with the episodes;
    # on PostgreSQL nothing reads the patient again (SQLite: the operation's own transaction
    # reads it once more)
    sessions = [s for s in sql if "from sessions join users" in s]
    assert len(sessions) == 1 and "left outer join patients" in sessions[0], sql
    patient_reads = sum(s.startswith("select") and "from patients" in s for s in sql)
    assert patient_reads == (0 if postgres else 1), sql
    assert not any("from users" in s and "sessions" not in s for s in sql), sql
    with world.container.uow() as uow:
        kinds = [e.action for e in uow.audit.search(patient_id=world.patient.id)]
    assert kinds.count("checkin.submit") == 2  # still audited, once per request


def test_the_guard_still_refuses_another_clinics_patient_before_the_body_is_validated(
    counted: tuple[World, _Counts],
) -> None:
    world, counts = counted
    client, csrf = api_client(world.container, "clin@b.test")
    resp = client.post(
        f"/api/v1/patients/{world.patient.id}/checkins",
        json={"day": "not a day"},  # would be 422 if the body were validated first
        headers={"X-CSRF-Token": csrf},
    )
    assert resp.status_code == 403
    with world.container.uow() as uow:
        denied = [
            e
            for e in uow.audit.search(patient_id=world.patient.id)
            if e.action == "patient.access" and e.outcome == "denied"
        ]
    assert len(denied) == 1  # the denial was committed although the request failed
    assert counts.checkouts >= 1


def _second_process(container: Container) -> Container:
    """What another server process has: its own engine and pool on the same database."""
    if container.engine.dialect.name == "postgresql":
        with container.engine.connect() as conn:
            schema = conn.execute(text("SELECT current_schema()")).scalar_one()
        return build_container(
            container.settings, schema=schema, hasher=fast_hasher(), worker_threads=0
        )
    return build_container(container.settings, hasher=fast_hasher(), worker_threads=0)


def test_revocation_in_another_process_takes_effect_on_the_next_request(
    any_container: Container,
) -> None:
    world = build_world(any_container)
    other = _second_process(any_container)
    try:
        elsewhere = TestClient(create_app(other.settings, container=other))
        # sign-out through the other process
        client, csrf = api_client(any_container, "clin@a.test")
        assert client.get("/api/v1/me").status_code == 200
        elsewhere.cookies.set(SESSION_COOKIE, client.cookies[SESSION_COOKIE])
        resp = elsewhere.delete("/api/v1/session", headers={"X-CSRF-Token": csrf})
        assert resp.status_code == 204
        assert client.get("/api/v1/me").status_code == 401
        # a role change made elsewhere: the next request sees the new role
        client, _ = api_client(any_container, "clin@a.test")
        assert client.get("/api/v1/patients").status_code == 200
        with other.engine.begin() as conn:
            conn.execute(
                update(UserRow).where(UserRow.id == world.clinician.user_id).values(role="admin")
            )
        assert client.get("/api/v1/patients").status_code == 403
        with other.engine.begin() as conn:
            conn.execute(
                update(UserRow)
                .where(UserRow.id == world.clinician.user_id)
                .values(role="clinician")
            )
        assert client.get("/api/v1/patients").status_code == 200
        # deactivated elsewhere
        with other.engine.begin() as conn:
            conn.execute(
                update(UserRow).where(UserRow.id == world.clinician.user_id).values(active=False)
            )
        assert client.get("/api/v1/me").status_code == 401
        with other.engine.begin() as conn:
            conn.execute(
                update(UserRow).where(UserRow.id == world.clinician.user_id).values(active=True)
            )
        # idle past the timeout (the last request was seen by the other process's clock)
        client, _ = api_client(any_container, "clin@a.test")
        idle = any_container.settings.session_idle_minutes + 1
        with other.engine.begin() as conn:
            conn.execute(
                update(SessionRow)
                .where(SessionRow.user_id == world.clinician.user_id)
                .values(last_seen_at=datetime.now(UTC) - timedelta(minutes=idle))
            )
        assert client.get("/api/v1/me").status_code == 401
    finally:
        other.engine.dispose()


@pytest.fixture
def pg_world(tmp_path: Path, postgres_schema: str) -> Iterator[World]:
    from tests.conftest import make_container

    container = make_container(tmp_path, backend="postgres", pg_base=postgres_schema)
    try:
        yield build_world(container)
    finally:
        container.engine.dispose()


def _idle_backend_pids(container: Container) -> list[int]:
    """The PostgreSQL backends of the connections idle in this container's pool."""
    records = list(container.engine.pool._pool.queue)  # type: ignore[attr-defined]
    return [int(r.dbapi_connection.info.backend_pid) for r in records if r.dbapi_connection]


@pytest.mark.postgres
def test_a_killed_pooled_connection_is_replaced_without_an_error(pg_world: World) -> None:
    container = pg_world.container
    assert container.engine.pool._pre_ping is False  # type: ignore[attr-defined]
    client, csrf = api_client(container, "clin@a.test")
    today = container.clock.today()
    _checkin(client, csrf, pg_world.patient.id, today.isoformat(), 3)
    pids = _idle_backend_pids(container)
    assert pids
    disconnects: list[bool] = []

    def seen(context: Any) -> None:
        disconnects.append(bool(context.is_disconnect))

    event.listen(container.engine, "handle_error", seen)
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            for pid in pids:  # wait until each is gone (PostgreSQL 14+: a timeout in ms)
                conn.execute(text("SELECT pg_terminate_backend(:pid, 5000)"), {"pid": pid})
        # the guard's first statement meets a dead connection: rerun on a new one
        _checkin(client, csrf, pg_world.patient.id, today.isoformat(), 4)
        assert client.get("/api/v1/me").status_code == 200
    finally:
        event.remove(container.engine, "handle_error", seen)
        admin.dispose()
    assert True in disconnects  # the rerun path ran (no ping hid the dead connection)
    assert not set(pids) & set(_idle_backend_pids(container))


@pytest.mark.postgres
def test_a_connection_lost_during_commit_is_not_rerun(pg_world: World) -> None:
    container = pg_world.container
    today = container.clock.today()
    ctx = pg_world.ctx(pg_world.clinician)
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    commits: list[int] = []

    def kill_before_commit(conn: Any) -> None:  # runs just before COMMIT is sent
        pid = conn.connection.dbapi_connection.info.backend_pid
        commits.append(pid)
        with admin.connect() as a:
            a.execute(text("SELECT pg_terminate_backend(:pid, 5000)"), {"pid": pid})

    event.listen(container.engine, "commit", kill_before_commit)
    try:
        with pytest.raises(StorageLost):
            submit_checkin(ctx, patient_id=pg_world.patient.id, day=today, pain_now=3, pain_worst=5)
    finally:
        event.remove(container.engine, "commit", kill_before_commit)
        admin.dispose()
    assert len(commits) == 1  # not rerun: the outcome of a COMMIT that broke is unknown
    # here it was not stored (the backend was gone before COMMIT reached it); trying again
    # stores it once
    stored = submit_checkin(
        ctx, patient_id=pg_world.patient.id, day=today, pain_now=3, pain_worst=5
    )
    assert stored.version == 1
    assert isinstance(stored.checkin, CheckIn)


def test_a_checkin_with_a_stored_summary_state_costs_few_statements(
    counted: tuple[World, _Counts],
) -> None:
    """A check-in for one of the last days of a patient with a programme and weeks of
    check-ins (the load benchmark's case: the summary resumes its stored state) sends at most
    6 statements on PostgreSQL: the session with its account and the patient with the
    episodes, the day's version, the summary's reads (state, programme, digests, window:
    one), its upsert and the audit seal's two. A saving undone fails here. It still
    resumes, is audited and leaves the summary equal to the full replay."""
    world, counts = counted
    container = world.container
    today = container.clock.today()
    start = today - timedelta(days=60)
    walking_since(world, start)
    store_checkins(
        world,
        (
            CheckIn(day=start + timedelta(days=n), pain_now=3.0, pain_worst=6.0,
                    quota_done=10.0 + n % 5)
            for n in range(60)
        ),
    )  # fmt: skip
    client, csrf = api_client(container, "clin@a.test")
    day = (today - timedelta(days=2)).isoformat()
    _checkin(client, csrf, world.patient.id, day, 3)
    counts.reset()
    _checkin(client, csrf, world.patient.id, day, 5)
    postgres = container.engine.dialect.name == "postgresql"
    sql = [s.lower() for s in counts.statements]
    assert len(sql) <= (6 if postgres else 14), "\n".join(s[:120] for s in sql)
    assert not any(s.startswith("select") and "from episodes" in s for s in sql), sql
    assert sum("patient_summaries" in s for s in sql) == 2, sql  # the reads and the upsert
    assert_summary_is_replay(world)
    with container.uow() as uow:
        state = uow.summaries.state(world.patient.id)
        kinds = [e.action for e in uow.audit.search(patient_id=world.patient.id)]
    assert state is not None and state["through"] == (today - timedelta(days=7)).isoformat()
    assert kinds.count("checkin.submit") == 2


def test_a_checkin_crosses_into_the_thread_pool_once(
    counted: tuple[World, _Counts], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The handler runs in the thread pool and renders its own response there: FastAPI would
    validate a returned model against ``response_model`` in a second trip (two thread
    switches and an event-loop wake-up more per check-in). The body is still the documented
    ``CheckinPublic``."""
    world, _ = counted
    client, csrf = api_client(world.container, "clin@a.test")
    trips: list[str] = []
    real = anyio.to_thread.run_sync

    async def counting(func: Any, *args: Any, **kwargs: Any) -> Any:
        trips.append(getattr(func, "__name__", repr(func)))
        return await real(func, *args, **kwargs)

    monkeypatch.setattr(anyio.to_thread, "run_sync", counting)
    day = world.container.clock.today().isoformat()
    resp = client.post(
        f"/api/v1/patients/{world.patient.id}/checkins",
        json={"day": day, "pain_now": 3, "pain_worst": 8, "quota_done": 10},
        headers={"X-CSRF-Token": csrf},
    )
    assert resp.status_code == 201, resp.text
    assert len(trips) == 1, trips
    body = resp.json()
    assert set(body) == set(CheckinPublic.model_fields)
    assert CheckinPublic.model_validate(body).day.isoformat() == day


def test_api_routes_are_matched_before_the_pages_and_never_shadowed_by_them(
    container: Container,
) -> None:
    """The JSON API's routes come first in the app (a check-in was matched after every page
    route, about 0.14 ms of CPU), and no page route matches any API path, so the order
    changes nothing but the time to find the route."""
    from painpath.web.security import iter_api_routes

    routes = iter_api_routes(create_app(container.settings, container=container).router.routes)
    is_api = [r.path.startswith("/api/") for r in routes]
    assert is_api.index(False) == sum(is_api), [r.path for r in routes]  # all API ones first
    samples = [
        r.path.replace("{", "x").replace("}", "") for r in routes if r.path.startswith("/api/")
    ]
    for route in routes:
        if not route.path.startswith("/api/"):
            assert not any(route.path_regex.match(p) for p in samples), route.path
