"""Background jobs: handlers by kind, run with progress written to the database.

Jobs take ids, re-check state, are idempotent (a job that is not pending is not run again),
are enqueued only after the transaction that created them commits, and record
pending -> running -> done / failed with a message a person can read.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import Any

from painpath.domain.access import Access
from painpath.domain.errors import Conflict, NotFound, PainPathError
from painpath.domain.jobs import Job
from painpath.services.context import Call, ServiceContext, operation
from painpath.services.scheduled import scheduled

__all__ = [
    "HEARTBEAT_S",
    "JOB_HANDLERS",
    "LEASE_S",
    "Progress",
    "expire_dead_jobs",
    "get_job",
    "job_handler",
    "retry_job",
    "run_job",
]

# A running job's worker touches the job every HEARTBEAT_S; a job silent for LEASE_S has lost
# its worker (killed, machine restarted) and is marked failed, so it can be retried.
HEARTBEAT_S = 30.0
LEASE_S = 300.0
DEAD_WORKER_MESSAGE = "the worker running this job stopped; it can be retried"

log = logging.getLogger(__name__)

Progress = Callable[[float, str], None]
JobHandler = Callable[[ServiceContext, Job, Progress], Mapping[str, Any]]
JOB_HANDLERS: dict[str, JobHandler] = {}


def job_handler(kind: str) -> Callable[[JobHandler], JobHandler]:
    def register(fn: JobHandler) -> JobHandler:
        JOB_HANDLERS[kind] = fn
        return fn

    return register


def run_job(ctx: ServiceContext, job_id: str) -> None:
    """Run one job if it is still pending. Never raises: failures are stored on the job."""
    with ctx.uow_factory() as uow:
        job = uow.jobs.get(job_id)
        if job is None or not uow.jobs.claim(job_id):
            return
        uow.commit()
    handler = JOB_HANDLERS.get(job.kind)

    def progress(fraction: float, message: str) -> None:
        with ctx.uow_factory() as uow:
            uow.jobs.update(job_id, progress=fraction, message=message)
            uow.commit()

    stop = threading.Event()

    def heartbeat() -> None:
        while not stop.wait(HEARTBEAT_S):
            try:
                with ctx.uow_factory() as uow:
                    uow.jobs.update(job_id)  # refreshes updated_at: the lease
                    uow.commit()
            except Exception:  # a missed beat only shortens the lease
                log.warning("heartbeat of job %s failed", job_id, exc_info=True)

    beat = threading.Thread(target=heartbeat, name=f"job-heartbeat-{job_id[:8]}", daemon=True)
    beat.start()
    try:
        if handler is None:
            raise NotFound(f"no handler for jobs of kind {job.kind!r}")
        result = handler(ctx, job, progress)
        status, message, fraction = "done", "finished", 1.0
    except PainPathError as err:
        result, status, message, fraction = {"error": str(err)}, "failed", str(err), 1.0
    except Exception as err:  # a job must never take the worker down
        log.exception("job %s failed", job_id)
        result = {"error": "an unexpected error stopped this job"}
        status, message, fraction = "failed", f"unexpected error ({type(err).__name__})", 1.0
    finally:
        stop.set()
    with ctx.uow_factory() as uow:
        uow.jobs.update(job_id, status=status, progress=fraction, message=message, result=result)
        uow.commit()


@operation(Access.PATIENT_READ, audit="job.read")
def get_job(call: Call, *, patient_id: str, job_id: str) -> Job:
    job = call.uow.jobs.get(job_id)
    if job is None or job.patient_id != patient_id:
        raise NotFound("no such job for this patient")
    return job


def expire_dead_jobs(ctx: ServiceContext, *, lease_s: float = LEASE_S) -> list[str]:
    """Mark failed the running jobs whose heartbeat stopped more than ``lease_s`` ago."""
    silent_since = ctx.clock.now() - timedelta(seconds=lease_s)
    with ctx.uow_factory() as uow:
        ids = uow.jobs.expire_running(silent_since=silent_since, message=DEAD_WORKER_MESSAGE)
        for job_id in ids:
            job = uow.jobs.get(job_id)
            uow.audit.append(
                action="job.expired",
                actor_user_id=None,
                actor_role="system",
                patient_id=job.patient_id if job else None,
                clinic_id=job.clinic_id if job else None,
                request_id=ctx.request_id,
                detail={"job_id": job_id},
            )
        uow.commit()
    return ids


@scheduled("jobs.expire", every_s=60)
def _expire_task(ctx: ServiceContext) -> dict[str, int]:
    return {"expired": len(expire_dead_jobs(ctx))}


@operation(Access.PATIENT_CLINICAL, audit="job.retry")
def retry_job(call: Call, *, patient_id: str, job_id: str) -> Job:
    """Run a failed job of this patient again (e.g. after its worker died)."""
    job = call.uow.jobs.get(job_id)
    if job is None or job.patient_id != patient_id:
        raise NotFound("no such job for this patient")
    if not call.uow.jobs.requeue(job_id):
        raise Conflict("only a failed job can be retried")
    call.audit_detail["job_id"] = job_id
    call.after_commit.append(lambda: call.ctx.jobs.enqueue(job_id, job.kind, job.payload))
    requeued = call.uow.jobs.get(job_id)
    assert requeued is not None
    return requeued
