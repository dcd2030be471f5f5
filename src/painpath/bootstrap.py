"""The composition root: Settings in, wired adapters and a service context out.

This is the only module that picks concrete adapters (database, hasher, clock, job queue).
The web app, the worker and the CLI all start here.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool

from painpath.adapters.db.engine import PoolSettings, make_engine, make_session_factory
from painpath.adapters.db.uow import SqlUnitOfWork
from painpath.adapters.jobqueue import CeleryJobQueue, ThreadJobQueue
from painpath.adapters.mail import FolderMailSender, SmtpMailSender
from painpath.adapters.scheduler import ThreadScheduler
from painpath.adapters.security import Argon2Hasher, SystemClock
from painpath.config import Mode, Settings
from painpath.domain.accounts import Role
from painpath.domain.errors import StorageBusy
from painpath.domain.ports import Clock, JobQueue, MailSender, PasswordHasher, UnitOfWork
from painpath.services.auth import SignInLimiter
from painpath.services.context import ServiceContext

__all__ = ["Container", "build_container", "load_feature_services"]

_log = logging.getLogger("painpath.audit")


@dataclass
class Container:
    settings: Settings
    engine: Engine
    session_factory: sessionmaker[Session]
    clock: Clock
    hasher: PasswordHasher
    jobs: JobQueue
    limiter: SignInLimiter
    mail: MailSender
    extras: dict[str, Any] = field(default_factory=dict)
    scheduler: ThreadScheduler | None = None
    audit_sealer: ThreadScheduler | None = None

    def uow(self) -> UnitOfWork:
        return SqlUnitOfWork(
            self.session_factory,
            before_commit=self._refresh_summaries,
            audit_key=self.extras.get("audit_key", b""),
            audit_checkpoint_every=self.settings.audit_checkpoint_every,
            audit_strict=self.settings.audit_strict,
            audit_defer=self.audit_sealer is not None,
        )

    @property
    def request_unit_spans_handler(self) -> bool:
        """Whether a web request's guard may hand its open unit of work (its session lookup
        and patient check) to the handler's first operation (``services/request_unit.py``).
        PostgreSQL: a transaction takes no lock when it begins, and the guard only reads.
        Not SQLite, whose transactions take the write lock at BEGIN (``BEGIN IMMEDIATE``):
        holding it while the handler waits for a thread would stall the other requests."""
        return self.engine.dialect.name == "postgresql"

    @property
    def connection_free(self) -> bool:
        """Whether the pool can hand out a connection now without waiting for one (always, for
        a pool that does not queue: SQLite's). The web guard asks before it reads on the event
        loop: waiting there would stop the loop from starting the handlers that hold the
        connections, and every request would wait out the pool timeout."""
        pool = self.engine.pool
        if not isinstance(pool, QueuePool):
            return True
        # (QueuePool counts overflow from -size: a new connection may open while it is below
        # the configured maximum.)
        most = pool._max_overflow  # -1: no limit
        return most < 0 or pool.checkedin() > 0 or pool.overflow() < most

    def _refresh_summaries(self, uow: UnitOfWork, patient_ids: set[str]) -> None:
        """Keep the caseload's read model current in the transaction that wrote the records."""
        from painpath.services.caseload import refresh_summaries

        refresh_summaries(uow, patient_ids, self.clock.today())

    def context(self) -> ServiceContext:
        """A context with no actor: for system work (CLI, jobs) and for web requests to refine."""
        return ServiceContext(
            uow_factory=self.uow,
            clock=self.clock,
            hasher=self.hasher,
            jobs=self.jobs,
            mail=self.mail,
            extras=self.extras,
        )

    def start_workers(self) -> None:
        if isinstance(self.jobs, ThreadJobQueue):
            with self.uow() as uow:
                pending = uow.jobs.pending_ids(limit=100)
            self.jobs.start(pending)
            # The embedded shape's periodic work (reminders ...) rides with its worker threads;
            # with a broker, Celery beat runs it instead.
            if self.jobs.threads > 0:
                self.start_scheduler()

    def start_scheduler(self) -> ThreadScheduler:
        """Start the embedded scheduler thread (PAINPATH_SCHEDULER_SECONDS; 0 = off)."""
        if self.scheduler is None:
            from painpath.services.scheduled import SCHEDULED_TASKS, run_scheduled

            self.scheduler = ThreadScheduler(
                lambda name: run_scheduled(self.context(), name),
                schedule={name: task.every_s for name, task in SCHEDULED_TASKS.items()},
                tick_s=self.settings.scheduler_seconds,
            )
            self.scheduler.start()
        return self.scheduler

    def stop_scheduler(self) -> None:
        if self.scheduler is not None:
            self.scheduler.stop()

    def start_audit_sealer(self) -> ThreadScheduler | None:
        """Web processes: from now on commits queue their audit events and a thread chains
        them in batches every ``PAINPATH_AUDIT_SEAL_MS`` (None when that is 0: each commit
        chains its own). Every process may run one; they take turns on the chain's head."""
        every_ms = self.settings.effective_audit_seal_ms
        if self.audit_sealer is None and every_ms > 0:
            self.audit_sealer = ThreadScheduler(
                lambda _name: self._seal_audit(wait=False),
                schedule={"audit.seal": None},
                tick_s=every_ms / 1000,
                name="painpath-audit-sealer",
            )
            self.audit_sealer.start()
        return self.audit_sealer

    def stop_audit_sealer(self) -> None:
        """Back to chaining at commit, and chain what is still queued (a process that dies
        instead leaves it queued for the next sealer or verification: nothing is lost)."""
        sealer, self.audit_sealer = self.audit_sealer, None
        if sealer is not None:
            sealer.stop()
            self._seal_audit(wait=True)

    def _seal_audit(self, *, wait: bool) -> None:
        from painpath.services.audit import seal_audit_events

        try:
            seal_audit_events(self.context(), wait=wait)
        except StorageBusy:  # the next turn picks the batch up
            _log.info("audit sealing deferred: the database is busy")


def build_container(
    settings: Settings,
    *,
    schema: str | None = None,
    hasher: PasswordHasher | None = None,
    clock: Clock | None = None,
    worker_threads: int | None = None,
    mail: MailSender | None = None,
) -> Container:
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    pool = PoolSettings(
        size=settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
        timeout_s=settings.db_pool_timeout_s,
    )
    engine = make_engine(settings.effective_database_url, schema=schema, pool=pool)
    session_factory = make_session_factory(engine)
    container_ref: list[Container] = []

    def run(job_id: str) -> None:
        from painpath.services.jobs import run_job

        run_job(container_ref[0].context(), job_id)

    jobs: JobQueue
    if settings.broker_url:
        jobs = CeleryJobQueue(settings.broker_url)
    else:
        threads = settings.worker_threads if worker_threads is None else worker_threads
        jobs = ThreadJobQueue(run, threads=threads)
    container = Container(
        settings=settings,
        engine=engine,
        session_factory=session_factory,
        clock=clock or SystemClock(),
        hasher=hasher or Argon2Hasher(),
        jobs=jobs,
        limiter=SignInLimiter(
            attempts=settings.signin_attempts_per_window,
            window_s=settings.signin_window_seconds,
            client_attempts=settings.signin_client_attempts_per_window,
            global_attempts=settings.signin_global_attempts_per_window,
        ),
        mail=mail or _mail_sender(settings),
    )
    if settings.mode is Mode.PRODUCTION:
        settings.resolve_secret_key()  # the session secret's error first: it is the usual miss
    container.extras["audit_key"] = settings.resolve_audit_key()  # outside the database
    container.extras["mfa_required_roles"] = frozenset(Role(r) for r in settings.mfa_roles)
    container.extras["video_dir"] = settings.video_dir
    container.extras["max_video_bytes"] = settings.max_video_bytes
    container.extras["max_video_seconds"] = settings.max_video_seconds
    container.extras["public_base_url"] = settings.public_base_url.rstrip("/")
    container.extras["invitation_days"] = settings.invitation_days
    container.extras["message_retention_days"] = settings.message_retention_days
    container.extras["default_time_zone"] = settings.default_time_zone
    container_ref.append(container)
    load_feature_services()
    return container


def load_feature_services() -> None:
    """Import the service modules that register job handlers (video analysis ...)."""
    import importlib
    import pkgutil

    import painpath.services as services

    # Walk sub-packages too: a feature area (assessment, progress ...) is a package.
    for info in pkgutil.walk_packages(services.__path__, prefix="painpath.services."):
        importlib.import_module(info.name)


def _mail_sender(settings: Settings) -> MailSender:
    if not settings.smtp_host:
        return FolderMailSender(settings.outbox_dir, sender=settings.mail_from)
    password = settings.smtp_password.get_secret_value() if settings.smtp_password else None
    return SmtpMailSender(
        host=settings.smtp_host,
        port=settings.smtp_port,
        sender=settings.mail_from,
        username=settings.smtp_username,
        password=password,
        starttls=settings.smtp_starttls,
        implicit_tls=settings.smtp_implicit_tls,
    )


RunJob = Callable[[str], None]
