"""Background jobs: worker threads (embedded) and Celery workers on the Redis service."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from dataclasses import replace
from pathlib import Path

import pytest

from painpath.adapters.jobqueue import CeleryJobQueue, ThreadJobQueue
from painpath.bootstrap import Container
from painpath.services.audit import get_audit_job, request_audit_verification
from painpath.services.jobs import run_job
from tests.conftest import World, build_world, make_container


def test_worker_threads_run_a_job_and_record_progress(container: Container, world: World) -> None:
    queue = ThreadJobQueue(lambda job_id: run_job(container.context(), job_id), threads=1)
    threaded = replace(container, jobs=queue)
    queue.start([])
    ctx = threaded.context().acting_as(world.admin)
    job = request_audit_verification(ctx)
    queue.join()
    done = get_audit_job(ctx, job_id=job.id)
    assert done.status == "done" and done.progress == 1.0
    assert done.result == {
        "checked": done.result["checked"],
        "intact": True,  # type: ignore[index]
        "broken_at": None,
        "reason": None,
    }
    queue.stop()


def test_a_job_runs_once_and_unknown_kinds_fail_cleanly(container: Container, world: World) -> None:
    with container.uow() as uow:
        job = uow.jobs.add(
            kind="no.such.kind", payload={}, patient_id=None, clinic_id=1, created_by=None
        )
        uow.commit()
    run_job(container.context(), job.id)
    run_job(container.context(), job.id)  # idempotent: not pending any more
    with container.uow() as uow:
        failed = uow.jobs.get(job.id)
    assert failed is not None and failed.status == "failed"
    assert "no handler" in failed.message


@pytest.mark.redis
def test_celery_worker_on_redis_runs_the_job(tmp_path: Path) -> None:
    container = make_container(tmp_path)
    world = build_world(container)
    broker = f"redis://127.0.0.1:6379/{9}"
    env = {
        **os.environ,
        "PAINPATH_DATA_DIR": str(tmp_path / "data"),
        "PAINPATH_BROKER_URL": broker,
    }
    env.pop("PAINPATH_DATABASE_URL", None)
    celery_bin = str(Path(sys.executable).parent / "celery")
    hostname = f"pp-test-{uuid.uuid4().hex[:8]}@localhost"
    log_path = tmp_path / "celery.log"
    log = log_path.open("w")
    worker = subprocess.Popen(
        [
            celery_bin,
            "-A",
            "painpath.worker.celery_app:app",
            "worker",
            "--pool",
            "solo",
            "--loglevel",
            "WARNING",
            "-n",
            hostname,
            "--without-gossip",
            "--without-mingle",
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        celery_container = replace(container, jobs=CeleryJobQueue(broker))
        ctx = celery_container.context().acting_as(world.admin)
        job = request_audit_verification(ctx)
        deadline = time.monotonic() + 60
        status = "pending"
        while time.monotonic() < deadline and status not in ("done", "failed"):
            time.sleep(0.5)
            status = get_audit_job(ctx, job_id=job.id).status
        final = get_audit_job(ctx, job_id=job.id)
        assert final.status == "done", f"{final.message}\n{log_path.read_text()[-2000:]}"
        assert final.result is not None and final.result["intact"] is True
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
        log.close()
        container.engine.dispose()
