"""Background jobs: handlers by kind, run with progress written to the database.

Jobs take ids, re-check state, are idempotent (a job that is not pending is not run again),
are enqueued only after the transaction that created them commits, and record
pending -> running -> done / failed with a message a person can read.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

from painpath.domain.access import Access
from painpath.domain.errors import NotFound, PainPathError
from painpath.domain.jobs import Job
from painpath.services.context import Call, ServiceContext, operation

__all__ = ["JOB_HANDLERS", "Progress", "get_job", "job_handler", "run_job"]

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
    with ctx.uow_factory() as uow:
        uow.jobs.update(job_id, status=status, progress=fraction, message=message, result=result)
        uow.commit()


@operation(Access.PATIENT_READ, audit="job.read")
def get_job(call: Call, *, patient_id: str, job_id: str) -> Job:
    job = call.uow.jobs.get(job_id)
    if job is None or job.patient_id != patient_id:
        raise NotFound("no such job for this patient")
    return job
