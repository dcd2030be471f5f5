"""Reviewing and verifying the audit log."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from painpath.domain.access import Access
from painpath.domain.audit import AuditEvent, ChainBreak, Checkpoint, audit_findings
from painpath.domain.audit_detail import check_detail
from painpath.domain.errors import NotFound
from painpath.domain.jobs import Job
from painpath.services.context import Call, ServiceContext, operation
from painpath.services.jobs import Progress, job_handler

__all__ = [
    "audit_report",
    "export_checkpoint",
    "get_audit_job",
    "latest_audit_verification",
    "list_audit_events",
    "load_checkpoints",
    "request_audit_verification",
    "seal_audit_events",
    "verify_audit_log",
]

AUDIT_VERIFY = "audit.verify"
_MAX_SEAL_BATCHES = 100


@operation(Access.ADMIN, audit="admin.audit.list")
def list_audit_events(
    call: Call,
    *,
    patient_id_filter: str | None = None,
    action: str | None = None,
    actor_user_id: int | None = None,
    limit: int = 200,
) -> list[AuditEvent]:
    # Which filters were used and the ids filtered on; never the action text typed, nor a
    # patient filter that is not an identifier (someone may type a name there).
    filters = {"patient_id": patient_id_filter, "action": action, "actor_user_id": actor_user_id}
    call.audit_detail["filters"] = sorted(k for k, v in filters.items() if v not in (None, ""))
    shown = {"patient_filter_id": patient_id_filter, "actor_filter_id": actor_user_id}
    call.audit_detail.update(
        {k: v for k, v in shown.items() if v and not check_detail({k: v}).problems}
    )
    call.uow.audit.seal_pending()  # committed with this listing: it misses no pending event
    events = call.uow.audit.search(
        clinic_id=call.actor.clinic_id,  # only their own clinic's events
        patient_id=patient_id_filter,
        action=action,
        actor_user_id=actor_user_id,
        limit=max(1, min(limit, 1000)),
    )
    return [replace(e, detail=metadata_only(e.detail)) for e in events]


def metadata_only(detail: Mapping[str, Any]) -> dict[str, Any]:
    """What an admin may see of an event's details: identifiers, and the names of the other
    fields without their values (an admin reviews who did what, not clinical content)."""
    shown: dict[str, Any] = {}
    hidden: list[str] = []
    for key, value in detail.items():
        if key == "id" or key.endswith(("_id", "_ids")):
            shown[key] = value
        else:
            hidden.append(key)
    if hidden:
        shown["fields"] = sorted(hidden)
    return shown


def seal_audit_events(ctx: ServiceContext, *, wait: bool = True) -> int:
    """System operation (the sealer thread; reviews before they read): chain every committed
    event still pending, a batch per transaction; the number sealed. ``wait=False``: stop at
    once when another process is sealing (it holds the head)."""
    total = 0
    for _ in range(_MAX_SEAL_BATCHES):  # bounded: new events keep arriving under load
        with ctx.uow_factory() as uow:
            sealed = uow.audit.seal_pending(wait=wait)
            uow.commit()
        total += sealed
        if sealed == 0:
            break
    return total


def audit_report(
    ctx: ServiceContext, *, exported: Sequence[Checkpoint] = ()
) -> tuple[int, list[ChainBreak]]:
    """System operation (CLI): seal what is pending, then walk the whole chain under the
    HMAC key and compare it with the head, the stored signed checkpoints and any exported
    ones; (events checked, findings)."""
    key = bytes(ctx.extras.get("audit_key", b""))
    seal_audit_events(ctx)
    with ctx.uow_factory() as uow:
        return audit_findings(
            uow.audit.iter_all(),
            key=key,
            head=uow.audit.head(),
            checkpoints=[*uow.audit.checkpoints(), *exported],
        )


def verify_audit_log(ctx: ServiceContext) -> tuple[int, ChainBreak | None]:
    """Walk the whole chain; return (events checked, first finding)."""
    checked, findings = audit_report(ctx)
    return checked, (findings[0] if findings else None)


def export_checkpoint(ctx: ServiceContext) -> Checkpoint | None:
    """Sign the chain's head now (stored too); the caller keeps it outside the database."""
    with ctx.uow_factory() as uow:
        uow.audit.seal_pending()  # the signed head covers every committed event
        point = uow.audit.checkpoint_now()
        uow.commit()
    return point


def load_checkpoints(text: str) -> list[Checkpoint]:
    """Checkpoints from an exported JSON file (one object, or a list of them)."""
    data = json.loads(text)
    items = data if isinstance(data, list) else [data]
    return [
        Checkpoint(
            int(i["seq"]), str(i["hash"]), datetime.fromisoformat(i["at"]), str(i["signature"])
        )
        for i in items
    ]


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
