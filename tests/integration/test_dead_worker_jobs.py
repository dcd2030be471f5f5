"""A job whose worker process is killed is detected (its heartbeat lease runs out), marked
failed with a readable message, and can then be retried to completion (issue 12)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from painpath.bootstrap import Container
from painpath.domain.errors import Conflict
from painpath.domain.jobs import Job
from painpath.services import jobs as jobs_service
from painpath.services.context import ServiceContext
from painpath.services.jobs import expire_dead_jobs, retry_job, run_job
from tests.conftest import World

WORKER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from painpath.bootstrap import build_container
    from painpath.config import Settings
    from painpath.services.jobs import job_handler, run_job

    @job_handler("test.forever")
    def forever(ctx, job, progress):
        progress(0.1, "working")
        time.sleep(600)
        return {}

    container = build_container(Settings(data_dir=Path(sys.argv[1])), worker_threads=0)
    run_job(container.context(), sys.argv[2])
    """
)


def _status(container: Container, job_id: str) -> Job:
    with container.uow() as uow:
        job = uow.jobs.get(job_id)
    assert job is not None
    return job


def test_killed_worker_job_is_failed_then_retried(world: World, tmp_path: Path) -> None:
    container = world.container
    with container.uow() as uow:
        job = uow.jobs.add(
            kind="test.forever",
            payload={},
            patient_id=world.patient.id,
            clinic_id=world.patient.clinic_id,
            created_by=world.clinician.user_id,
        )
        uow.commit()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    worker = subprocess.Popen(
        [sys.executable, "-c", WORKER, str(container.settings.data_dir), job.id],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while _status(container, job.id).message != "working":
            assert time.monotonic() < deadline, "the worker never started the job"
            time.sleep(0.2)
    finally:
        os.kill(worker.pid, signal.SIGKILL)  # the worker dies mid-job
        worker.wait(timeout=30)
    assert _status(container, job.id).status == "running"  # nobody told the database
    ctx = container.context()
    assert expire_dead_jobs(ctx) == []  # still inside its lease: not declared dead yet
    time.sleep(1.2)
    assert expire_dead_jobs(ctx, lease_s=1.0) == [job.id]
    failed = _status(container, job.id)
    assert failed.status == "failed" and "stopped" in failed.message

    def finish(_ctx: ServiceContext, _job: Job, progress: Any) -> Mapping[str, Any]:
        progress(0.5, "half")
        return {"ok": True}

    jobs_service.JOB_HANDLERS["test.forever"] = finish
    try:
        again = retry_job(world.ctx(world.clinician), patient_id=world.patient.id, job_id=job.id)
        assert again.status == "pending"
        run_job(ctx, job.id)
    finally:
        del jobs_service.JOB_HANDLERS["test.forever"]
    done = _status(container, job.id)
    assert done.status == "done" and done.result == {"ok": True}
    with pytest.raises(Conflict):
        retry_job(world.ctx(world.clinician), patient_id=world.patient.id, job_id=job.id)


def test_heartbeat_keeps_a_slow_job_alive(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    container = world.container
    monkeypatch.setattr(jobs_service, "HEARTBEAT_S", 0.2)
    seen: list[str] = []

    def slow(ctx: ServiceContext, job: Job, _progress: Any) -> Mapping[str, Any]:
        time.sleep(1.5)  # no progress calls: only the heartbeat shows the worker is alive
        seen.extend(expire_dead_jobs(ctx, lease_s=1.0))
        return {}

    jobs_service.JOB_HANDLERS["test.slow"] = slow
    try:
        with container.uow() as uow:
            job = uow.jobs.add(
                kind="test.slow", payload={}, patient_id=None, clinic_id=None, created_by=None
            )
            uow.commit()
        run_job(container.context(), job.id)
    finally:
        del jobs_service.JOB_HANDLERS["test.slow"]
    assert seen == []
    assert _status(container, job.id).status == "done"
