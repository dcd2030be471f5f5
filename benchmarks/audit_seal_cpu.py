"""CPU time per audited commit on PostgreSQL: the chain sealed at commit vs queued and sealed
in batches (deferred sealing, ``adapters/db/audit.py``), in process.

    PYTHONPATH=src:. python benchmarks/audit_seal_cpu.py [--commits 1000] [--repeat 3]

Each commit is a unit of work that writes one row (a sign-in attempt) and appends one audit
event with a check-in's usual details, as a check-in request does. Inline: each commit locks
the head and chains its event. Deferred: each commit queues its event, and the time includes
``seal_audit_events`` chaining all of them afterwards. Prints the CPU ms of this process
(``time.process_time``) per commit for each mode and repeat; the chain is verified after each.
Needs the PostgreSQL test server (``PAINPATH_TEST_POSTGRES_URL``).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, text
from tests.conftest import POSTGRES_URL, make_container

from painpath.bootstrap import Container
from painpath.services.audit import audit_report, seal_audit_events


def _commits(container: Container, n: int) -> None:
    for i in range(n):
        with container.uow() as uow:
            uow.signin_attempts.add(
                account="a@x.test", client=f"c{i}", at=datetime.now(UTC), kind="t"
            )
            uow.audit.append(
                action="checkin.submit",
                actor_user_id=1,
                actor_role="clinician",
                patient_id=uuid.uuid4().hex,
                clinic_id=1,
                request_id=uuid.uuid4().hex,
                detail={"record_id": uuid.uuid4().hex, "version": 3, "day": "2026-12-01"},
            )
            uow.commit()


def _run(base: str, mode: str, commits: int) -> float:
    container = make_container(Path(tempfile.mkdtemp()), backend="postgres", pg_base=base)
    try:
        if mode == "deferred":
            container.settings.audit_seal_ms = 60_000  # the test seals, not the thread
            container.start_audit_sealer()
        _commits(container, 50)  # warm: statement caches, prepared statements
        seal_audit_events(container.context())
        started = time.process_time()
        _commits(container, commits)
        if mode == "deferred":
            seal_audit_events(container.context())
        cpu_ms = (time.process_time() - started) * 1000 / commits
        assert audit_report(container.context())[1] == []
        return cpu_ms
    finally:
        if container.audit_sealer is not None:
            container.audit_sealer.stop()
            container.audit_sealer = None
        container.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--commits", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    base = f"pp_sealcpu_{uuid.uuid4().hex[:6]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{base}"'))
    try:
        results: dict[str, list[float]] = {"inline": [], "deferred": []}
        for _ in range(args.repeat):
            for mode in results:
                results[mode].append(_run(base, mode, args.commits))
        for mode, values in results.items():
            shown = ", ".join(f"{v:.3f}" for v in values)
            median = statistics.median(values)
            print(f"{mode}: CPU ms per audited commit {shown} (median {median:.3f})")
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{base}" CASCADE'))
        admin.dispose()


if __name__ == "__main__":
    main()
