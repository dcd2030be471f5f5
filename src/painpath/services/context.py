"""What every service operation runs with: who acts, in which request, on which storage."""

from __future__ import annotations

import functools
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Concatenate, ParamSpec, TypeVar, cast

from painpath.domain.access import Access, authorize
from painpath.domain.accounts import Actor, Patient
from painpath.domain.errors import (
    AuthenticationRequired,
    NotFound,
    PermissionDenied,
    StorageBusy,
)
from painpath.domain.ports import Clock, JobQueue, MailSender, PasswordHasher, UnitOfWork

__all__ = [
    "OPERATIONS",
    "Call",
    "ServiceContext",
    "audit_role_denied",
    "busy_pause",
    "operation",
    "retry_busy",
]

P = ParamSpec("P")
R = TypeVar("R")


@dataclass(frozen=True)
class ServiceContext:
    uow_factory: Callable[[], UnitOfWork]
    clock: Clock
    hasher: PasswordHasher
    jobs: JobQueue
    mail: MailSender
    actor: Actor | None = None
    request_id: str | None = None
    extras: Mapping[str, Any] = field(default_factory=dict)  # adapters for feature services

    def acting_as(self, actor: Actor | None, *, request_id: str | None = None) -> ServiceContext:
        return replace(self, actor=actor, request_id=request_id or self.request_id)


@dataclass
class Call:
    """One running operation: its context, its open unit of work and the patient it concerns."""

    ctx: ServiceContext
    uow: UnitOfWork
    patient: Patient | None
    audit_detail: dict[str, Any] = field(default_factory=dict)
    after_commit: list[Callable[[], None]] = field(default_factory=list)

    @property
    def actor(self) -> Actor:
        assert self.ctx.actor is not None
        return self.ctx.actor

    @property
    def the_patient(self) -> Patient:
        assert self.patient is not None
        return self.patient


OPERATIONS: dict[str, Access] = {}


def operation(
    access: Access, *, audit: str | None = None, patient_arg: str = "patient_id"
) -> Callable[[Callable[Concatenate[Call, P], R]], Callable[Concatenate[ServiceContext, P], R]]:
    """Declare a service operation: who may run it and what it writes to the audit log.

    The wrapper opens the unit of work, loads the patient (for patient-scoped access),
    authorises, runs the body, appends the audit event in the same transaction, commits once,
    then runs the ``after_commit`` hooks (job enqueueing). Denied attempts on a patient's
    record are audited too.
    """

    def decorate(
        fn: Callable[Concatenate[Call, P], R],
    ) -> Callable[Concatenate[ServiceContext, P], R]:
        OPERATIONS[f"{fn.__module__}.{fn.__qualname__}"] = access

        @functools.wraps(fn)
        def run(ctx: ServiceContext, *args: P.args, **kwargs: P.kwargs) -> R:
            if ctx.actor is None and access is not Access.PUBLIC:
                raise AuthenticationRequired("please sign in")
            return retry_busy(lambda: once(ctx, *args, **kwargs))

        def once(ctx: ServiceContext, *args: P.args, **kwargs: P.kwargs) -> R:
            with ctx.uow_factory() as uow:
                patient = _load_patient(uow, access, kwargs.get(patient_arg))
                try:
                    authorize(ctx.actor, access, patient=patient)
                except PermissionDenied:
                    if patient is not None or ctx.actor is not None:
                        # every failed access decision is logged (ASVS 7.2.2): on a patient's
                        # record, and a role refused an operation that needs another role
                        _audit(uow, ctx, audit or fn.__name__, patient, {}, outcome="denied")
                        uow.commit()
                    raise
                call = Call(ctx=ctx, uow=uow, patient=patient)
                result = fn(call, *args, **kwargs)
                if audit:
                    _audit(uow, ctx, audit, call.patient, call.audit_detail, outcome="ok")
                uow.commit()
            for hook in call.after_commit:
                hook()
            return result

        run.access = access  # type: ignore[attr-defined]
        return cast(Callable[Concatenate[ServiceContext, P], R], run)

    return decorate


BUSY_ATTEMPTS = 6
_BUSY_BASE_S = 0.025
_BUSY_CAP_S = 1.0


def busy_pause(n: int) -> float:
    """Seconds to wait before rerun ``n + 1``: exponential, capped, with full jitter, so
    transactions that collided (a deadlock's two sides) do not collide again in step."""
    return random.uniform(0.0, min(_BUSY_CAP_S, _BUSY_BASE_S * 2 ** (n + 1)))  # not a secret


def retry_busy(attempt: Callable[[], R], *, attempts: int = BUSY_ATTEMPTS) -> R:
    """Rerun a whole unit of work that failed with ``StorageBusy`` (a lock timeout, deadlock,
    serialization failure or no free connection: nothing was written) after a randomised
    pause; the last failure reaches the caller (HTTP 503)."""
    for n in range(attempts):
        try:
            return attempt()
        except StorageBusy:
            if n == attempts - 1:
                raise
            time.sleep(busy_pause(n))
    raise AssertionError("unreachable")


def _load_patient(uow: UnitOfWork, access: Access, patient_id: object) -> Patient | None:
    if not access.needs_patient:
        return None
    if not isinstance(patient_id, str) or not patient_id:
        raise NotFound("no such patient")
    patient = uow.patients.get(patient_id)
    if patient is None:
        raise NotFound("no such patient")
    return patient


def _audit(
    uow: UnitOfWork,
    ctx: ServiceContext,
    action: str,
    patient: Patient | None,
    detail: Mapping[str, Any],
    *,
    outcome: str,
) -> None:
    actor = ctx.actor
    uow.audit.append(
        action=action,
        actor_user_id=actor.user_id if actor else None,
        actor_role=actor.role.value if actor else None,
        patient_id=patient.id if patient else None,
        clinic_id=patient.clinic_id if patient else (actor.clinic_id if actor else None),
        request_id=ctx.request_id,
        detail=detail,
        outcome=outcome,
    )


def authorize_patient(ctx: ServiceContext, access: Access, patient_id: str) -> None:
    """Check patient-scoped access up front (the web guard), auditing a denial.

    Operations check again when they run; this early check makes a request for another
    clinic's patient fail before its body is even parsed.
    """
    with ctx.uow_factory() as uow:
        patient = _load_patient(uow, access, patient_id)
        try:
            authorize(ctx.actor, access, patient=patient)
        except PermissionDenied:
            _audit(uow, ctx, "patient.access", patient, {}, outcome="denied")
            uow.commit()
            raise


def audit_role_denied(ctx: ServiceContext, *, required: str) -> None:
    """Record that the signed-in actor was refused a route that needs another role (the web
    guard calls it before answering 403), so every failed access decision is in the log."""

    def once() -> None:
        with ctx.uow_factory() as uow:
            _audit(uow, ctx, "access.role", None, {"required_role": required}, outcome="denied")
            uow.commit()

    retry_busy(once)
