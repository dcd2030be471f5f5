"""Reviewing and verifying the audit log."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from painpath.domain.access import Access
from painpath.domain.audit import AuditEvent, ChainBreak, verify_chain
from painpath.domain.errors import NotFound
from painpath.domain.jobs import Job
from painpath.services.context import Call, ServiceContext, operation
from painpath.services.jobs import Progress, job_handler

__all__ = [
    "get_audit_job",
    "latest_audit_verification",
    "list_audit_events",
    "request_audit_verification",
    "verify_audit_log",
]

AUDIT_VERIFY = "audit.verify"


@operation(Access.ADMIN, audit="admin.audit.list")
def list_audit_events(
    call: Call,
    *,
    patient_id_filter: str | None = None,
    action: str | None = None,
    actor_user_id: int | None = None,
    limit: int = 200,
) -> list[AuditEvent]:
    call.audit_detail.update(
        {"patient": patient_id_filter, "action": action, "actor": actor_user_id}
    )
    return call.uow.audit.search(
        clinic_id=call.actor.clinic_id,
        patient_id=patient_id_filter,
        action=action,
        actor_user_id=actor_user_id,
        limit=max(1, min(limit, 1000)),
    )


def verify_audit_log(ctx: ServiceContext) -> tuple[int, ChainBreak | None]:
    """System operation (CLI): walk the whole chain; return (events checked, first break)."""
    checked = 0
    with ctx.uow_factory() as uow:

        def counted() -> object:
            nonlocal checked
            for event in uow.audit.iter_all():
                checked += 1
                yield event

        broken = verify_chain(counted())  # type: ignore[arg-type]
    return checked, broken


@operation(Access.ADMIN, audit="admin.audit.verify")
def request_audit_verification(call: Call) -> Job:
    """Queue a background walk of the whole chain (it can take a while on a big log)."""
    job = call.uow.jobs.add(
        kind=AUDIT_VERIFY,
        payload={},
        patient_id=None,
        clinic_id=call.actor.clinic_id,
        created_by=call.actor.user_id,
    )
    call.after_commit.append(lambda: call.ctx.jobs.enqueue(job.id, job.kind, job.payload))
    call.audit_detail["job_id"] = job.id
    return job


@operation(Access.ADMIN)
def get_audit_job(call: Call, *, job_id: str) -> Job:
    job = call.uow.jobs.get(job_id)
    if job is None or job.kind != AUDIT_VERIFY or job.clinic_id != call.actor.clinic_id:
        raise NotFound("no such verification job")
    return job


@operation(Access.ADMIN)
def latest_audit_verification(call: Call) -> Job | None:
    return call.uow.jobs.latest(kind=AUDIT_VERIFY, clinic_id=call.actor.clinic_id)


@job_handler(AUDIT_VERIFY)
def _run_audit_verification(ctx: ServiceContext, job: Job, progress: Progress) -> Mapping[str, Any]:
    progress(0.1, "walking the audit chain")
    checked, broken = verify_audit_log(ctx)
    return {
        "checked": checked,
        "intact": broken is None,
        "broken_at": broken.seq if broken else None,
        "reason": broken.reason if broken else None,
    }
