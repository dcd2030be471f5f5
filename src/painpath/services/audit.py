"""Reviewing and verifying the audit log."""

from __future__ import annotations

from painpath.domain.access import Access
from painpath.domain.audit import AuditEvent, ChainBreak, verify_chain
from painpath.services.context import Call, ServiceContext, operation

__all__ = ["list_audit_events", "verify_audit_log"]


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
