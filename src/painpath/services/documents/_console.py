"""Documents for an operator at the console (``painpath report``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from painpath.domain.errors import NotFound
from painpath.services.context import Call, ServiceContext, retry_busy

__all__ = ["for_console"]

R = TypeVar("R")


def for_console(
    ctx: ServiceContext, *, patient_id: str, action: str, build: Callable[[Call], R]
) -> R:
    """Run ``build`` for an operator at the console (no signed-in actor), audited as ``action``
    with the ids ``build`` put in ``call.audit_detail``."""

    def once() -> R:
        with ctx.uow_factory() as uow:
            patient = uow.patients.get(patient_id)
            if patient is None:
                raise NotFound(f"no patient with id {patient_id}")
            call = Call(ctx=ctx, uow=uow, patient=patient)
            result = build(call)
            uow.audit.append(
                action=action,
                actor_user_id=None,
                actor_role="system",
                patient_id=patient.id,
                clinic_id=patient.clinic_id,
                request_id=ctx.request_id,
                detail=call.audit_detail,
            )
            uow.commit()
        return result

    return retry_busy(once)
