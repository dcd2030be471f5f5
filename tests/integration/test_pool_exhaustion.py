"""More requests in flight than the pool has connections (issue 12: no request may slow
everyone down), against the real server on PostgreSQL.

The guard reads the session on the event loop. When the pool had no free connection it waited
there, so the loop could not start the handlers that held the connections: every request in
the process then waited out the pool timeout and got a 503. It now waits in a thread of its own
(``web/security.py``), and a connection the server refuses ("too many connections") is a
rerun, then a 503, never a 500."""

from __future__ import annotations

import threading
import time
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text

from painpath.adapters.db.engine import is_transient
from painpath.adapters.db.migrate import upgrade_database
from painpath.bootstrap import build_container
from painpath.config import Settings
from painpath.domain.accounts import Role
from painpath.services.system import create_staff_user
from tests.conftest import PASSWORD, POSTGRES_URL, _fresh_postgres_schema, build_world, fast_hasher
from tests.integration.test_concurrent_clients import running_server

pytestmark = pytest.mark.postgres

CLIENTS = 12  # six times the pool
CHECKINS = 3
POOL_TIMEOUT_S = 20.0


def test_twelve_check_ins_at_once_through_a_pool_of_two(
    tmp_path: Path, postgres_schema: str
) -> None:
    settings = Settings(
        data_dir=tmp_path / "data",
        database_url=POSTGRES_URL,
        secret_key=None,
        db_pool_size=2,
        db_max_overflow=0,
        db_pool_timeout_s=POOL_TIMEOUT_S,
    )
    schema = _fresh_postgres_schema(postgres_schema)
    container = build_container(settings, schema=schema, hasher=fast_hasher(), worker_threads=0)
    upgrade_database(container.engine)
    world = build_world(container)
    for n in range(CLIENTS):
        create_staff_user(
            container.context(), email=f"pool{n}@a.test", name=f"Clinician {n}",
            role=Role.CLINICIAN, clinic_name="Clinic A", password=PASSWORD)  # fmt: skip
    statuses: Counter[int | str] = Counter()
    slowest: list[float] = []
    with running_server(container) as base:
        clients = []
        for n in range(CLIENTS):  # sign in one by one (argon2 is not what this test is about)
            client = httpx.Client(base_url=base, timeout=30)
            resp = client.post("/api/v1/session",
                               json={"email": f"pool{n}@a.test", "password": PASSWORD})  # fmt: skip
            assert resp.status_code == 200, resp.text
            clients.append((client, resp.json()["csrf_token"]))
        start = threading.Barrier(CLIENTS)

        def drive(n: int) -> None:
            client, csrf = clients[n]
            start.wait()
            for r in range(CHECKINS):
                day = date.today() - timedelta(days=(n * CHECKINS + r) % 25)
                began = time.monotonic()
                try:
                    resp = client.post(
                        f"/api/v1/patients/{world.patient.id}/checkins",
                        json={"day": day.isoformat(), "pain_now": 3, "pain_worst": 5},
                        headers={"X-CSRF-Token": csrf},
                    )
                except httpx.HTTPError as exc:  # counted, so the assertion below names it
                    statuses[type(exc).__name__] += 1
                    continue
                finally:
                    slowest.append(time.monotonic() - began)
                statuses[resp.status_code] += 1

        threads = [threading.Thread(target=drive, args=(n,)) for n in range(CLIENTS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        for client, _ in clients:
            client.close()
    container.engine.dispose()
    assert statuses == Counter({201: CLIENTS * CHECKINS}), statuses
    # Before the fix each waiting guard held the loop for the whole pool timeout.
    assert max(slowest) < POOL_TIMEOUT_S / 2, max(slowest)


def test_a_refused_connection_is_transient(postgres_schema: str) -> None:
    """PostgreSQL refusing a connection (here a role's CONNECTION LIMIT 0; in production its
    max_connections) is a rerun and then a 503, not a server error."""
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    role = f"pp_refused_{postgres_schema[-6:]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE ROLE "{role}" LOGIN CONNECTION LIMIT 0'))
    refused = create_engine(POSTGRES_URL.replace("postgres@", f"{role}@"))
    try:
        with pytest.raises(Exception) as caught:
            refused.connect()
        assert "too many connections" in str(caught.value)
        assert is_transient(caught.value)
    finally:
        refused.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP ROLE "{role}"'))
        admin.dispose()
