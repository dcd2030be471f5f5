"""Ports: the small interfaces the core needs from the outside world.

Concrete adapters live in ``painpath.adapters``; ``bootstrap.py`` alone picks them;
``tests/fakes.py`` has in-memory versions for unit tests.

Services depend on :class:`UnitOfWork` and the repository protocols below, never on the
SQLAlchemy classes: ``adapters/db/uow.py::SqlUnitOfWork`` satisfies ``UnitOfWork``
structurally (mypy checks it where ``bootstrap`` hands the factory to the services). A feature
that adds a repository adds its protocol here and its attribute to ``UnitOfWork``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import date, datetime
from types import TracebackType
from typing import Any, Protocol

from painpath.domain.accounts import (
    AttemptCounts,
    Clinic,
    Episode,
    MfaState,
    PasswordReset,
    Patient,
    Role,
    SessionAccount,
    SignInSession,
    User,
)
from painpath.domain.audit import AuditEvent, Checkpoint
from painpath.domain.caseload import CaseloadFilter, CaseloadSort, PatientSummary
from painpath.domain.engagement.adherence import CheckinMark
from painpath.domain.engagement.invitations import Invitation
from painpath.domain.engagement.messages import Message, Thread
from painpath.domain.engagement.reminders import ReminderPreferences, ReminderRecipient
from painpath.domain.engagement.sends import ReminderSend
from painpath.domain.jobs import Job, StoredFile
from painpath.domain.outcomes.instruments.wording import WordingPack
from painpath.domain.planning.custom import CustomExerciseRecord
from painpath.domain.progression.resume import SummaryReads
from painpath.domain.records import RecordKind, RecordVersion
from painpath.domain.types import Sex

__all__ = [
    "AuditLog",
    "ClinicRepository",
    "Clock",
    "EpisodeRepository",
    "InvitationRepository",
    "JobQueue",
    "JobRepository",
    "MailMessage",
    "MailSender",
    "MessageRepository",
    "PasswordHasher",
    "PasswordResetRepository",
    "PatientRepository",
    "RecordRepository",
    "RecoveryCodeRepository",
    "ReminderRepository",
    "SessionRepository",
    "SignInAttemptRepository",
    "StoredFileRepository",
    "SummaryRepository",
    "UnitOfWork",
    "UserRepository",
    "WordingPackRepository",
]


class Clock(Protocol):
    def now(self) -> datetime: ...

    def today(self) -> date: ...


class PasswordHasher(Protocol):
    def hash(self, password: str) -> str: ...

    def verify(self, password_hash: str, password: str) -> bool: ...


class JobQueue(Protocol):
    """Hands a committed job id to whatever runs jobs (worker threads or Celery)."""

    def enqueue(self, job_id: str, kind: str, payload: Mapping[str, Any]) -> None: ...


class MailMessage(Protocol):
    """One plain-text e-mail. Health data never goes in a message body: links and notices only."""

    @property
    def to(self) -> str: ...

    @property
    def subject(self) -> str: ...

    @property
    def body(self) -> str: ...


class MailSender(Protocol):
    """Delivers e-mail (SMTP in production, an in-memory outbox in unit tests).

    ``send`` raises ``painpath.domain.errors.DeliveryFailed`` when the mail server refuses or
    cannot be reached, so a caller can retry later; call it after commit, never inside a
    transaction (a slow mail server must not hold database locks).
    """

    def send(self, message: MailMessage) -> None: ...


# --- repositories -----------------------------------------------------------------------------


class ClinicRepository(Protocol):
    def add(self, name: str) -> Clinic: ...

    def get(self, clinic_id: int) -> Clinic | None: ...

    def by_name(self, name: str) -> Clinic | None: ...

    def list(self) -> list[Clinic]: ...

    def count(self) -> int: ...


class UserRepository(Protocol):
    def add(
        self,
        *,
        clinic_id: int,
        email: str,
        name: str,
        role: Role,
        password_hash: str,
        patient_id: str | None = None,
    ) -> User: ...

    def get(self, user_id: int) -> User | None: ...

    def by_email(self, email: str) -> User | None: ...

    def by_patient(self, patient_id: str) -> User | None: ...

    def password_hash(self, user_id: int) -> str | None: ...

    def set_password_hash(self, user_id: int, password_hash: str) -> None: ...

    def mfa(self, user_id: int) -> MfaState: ...

    def set_mfa(
        self, user_id: int, *, sealed_secret: str | None, enabled_at: datetime | None
    ) -> None: ...

    def use_mfa_step(self, user_id: int, step: int) -> bool: ...

    def set_active(self, user_id: int, active: bool) -> None: ...

    def mark_signed_in(self, user_id: int) -> None: ...

    def list(self, *, clinic_id: int | None = None) -> list[User]: ...

    def count(self) -> int: ...


class PatientRepository(Protocol):
    def add(
        self,
        *,
        clinic_id: int,
        given_name: str,
        family_name: str,
        birth_date: date | None,
        sex: Sex | None,
        mrn: str | None,
        email: str | None,
        created_by: int,
    ) -> Patient: ...

    def get(self, patient_id: str) -> Patient | None: ...

    def search(self, *, clinic_id: int, query: str = "", limit: int = 200) -> list[Patient]: ...


class EpisodeRepository(Protocol):
    def add(
        self, *, patient_id: str, clinic_id: int, title: str, started_on: date, created_by: int
    ) -> Episode: ...

    def get(self, episode_id: str) -> Episode | None: ...

    def for_patient(self, patient_id: str) -> list[Episode]: ...

    def discharge(self, episode_id: str, *, on: date) -> None: ...


class SessionRepository(Protocol):
    def add(
        self,
        *,
        id_hash: str,
        user_id: int,
        csrf_token: str,
        client: str | None = None,
        user_agent: str | None = None,
        mfa_pending: bool = False,
    ) -> None: ...

    def get(self, id_hash: str) -> SignInSession | None: ...

    def with_account(self, id_hash: str, *, patient_id: str | None = None) -> SessionAccount | None:
        """The session with its account; ``patient_id``: also read that patient (and their
        episodes) in the same round trip, for this unit of work's ``patients.get``."""
        ...

    def for_user(self, user_id: int) -> list[SignInSession]: ...

    def touch(self, id_hash: str, *, at: datetime) -> None: ...

    def revoke(self, id_hash: str) -> None: ...

    def revoke_all(self, user_id: int, *, keep: str | None = None) -> int: ...

    def complete_mfa(self, id_hash: str) -> None: ...


class SignInAttemptRepository(Protocol):
    """Recent sign-in attempts in the database: every web worker sees the same counts."""

    def prune(self, *, before: datetime) -> None: ...

    def counts(self, *, account: str, client: str, since: datetime) -> AttemptCounts: ...

    def add(self, *, account: str, client: str, at: datetime, kind: str) -> int: ...

    def set_kind(self, attempt_id: int, kind: str) -> None: ...

    def remove(self, attempt_id: int) -> None: ...

    def has_block(self, *, account: str, client: str, since: datetime) -> bool: ...

    def total_rows(self) -> int: ...


class PasswordResetRepository(Protocol):
    def add(
        self, *, user_id: int, token_hash: str, created_at: datetime, expires_at: datetime
    ) -> PasswordReset: ...

    def by_token(self, token_hash: str) -> PasswordReset | None: ...

    def use(self, reset_id: int, *, at: datetime) -> bool: ...

    def cancel_open(self, user_id: int, *, at: datetime) -> None: ...


class RecoveryCodeRepository(Protocol):
    def replace(self, user_id: int, code_hashes: list[str]) -> None: ...

    def use(self, user_id: int, code_hash: str, *, at: datetime) -> bool: ...

    def remaining(self, user_id: int) -> int: ...


class AuditLog(Protocol):
    def append(
        self,
        *,
        action: str,
        actor_user_id: int | None,
        actor_role: str | None,
        patient_id: str | None = None,
        clinic_id: int | None = None,
        request_id: str | None = None,
        detail: Mapping[str, Any] | None = None,
        outcome: str = "ok",
    ) -> AuditEvent:
        """Record an event in the unit of work. It is committed with the unit of work and
        vanishes with it on rollback; it takes its place in the chain (seq, keyed hash) at
        commit, or, with deferred sealing, in the sealer's next batch (``seal_pending``)."""
        ...

    def seal_pending(self, *, wait: bool = True, units: int = 500) -> int:
        """Chain committed events still waiting for the sealer, in this unit of work (which
        then commits); the number sealed. ``wait=False``: 0 at once if the head is busy."""
        ...

    def pending_units(self) -> int: ...

    def head(self) -> tuple[int, str] | None: ...

    def checkpoints(self) -> list[Checkpoint]: ...

    def checkpoint_now(self) -> Checkpoint | None: ...

    def iter_all(self, *, batch: int = 1000) -> Iterator[AuditEvent]: ...

    def search(
        self,
        *,
        clinic_id: int | None = None,
        patient_id: str | None = None,
        actor_user_id: int | None = None,
        action: str | None = None,
        limit: int = 200,
    ) -> list[AuditEvent]: ...


class JobRepository(Protocol):
    def add(
        self,
        *,
        kind: str,
        payload: Mapping[str, Any],
        patient_id: str | None,
        clinic_id: int | None,
        created_by: int | None,
    ) -> Job: ...

    def get(self, job_id: str) -> Job | None: ...

    def claim(self, job_id: str) -> bool: ...

    def pending_ids(self, *, limit: int = 20) -> list[str]: ...

    def update(
        self,
        job_id: str,
        *,
        status: str | None = None,
        progress: float | None = None,
        message: str | None = None,
        result: Mapping[str, Any] | None = None,
    ) -> None: ...

    def latest(self, *, kind: str, clinic_id: int | None) -> Job | None: ...

    def for_patient(self, patient_id: str, *, limit: int = 20) -> list[Job]: ...

    def expire_running(self, *, silent_since: datetime, message: str) -> list[str]:
        """Mark failed every running job whose heartbeat stopped before ``silent_since``."""
        ...

    def requeue(self, job_id: str) -> bool:
        """Move a failed job back to pending; False if it is not failed."""
        ...


class StoredFileRepository(Protocol):
    def add(
        self,
        *,
        patient_id: str,
        clinic_id: int,
        created_by: int,
        filename: str,
        content_type: str,
        size_bytes: int,
        sha256: str,
        storage_key: str,
    ) -> StoredFile: ...

    def get(self, file_id: str) -> StoredFile | None: ...

    def for_patient(self, patient_id: str) -> list[StoredFile]: ...

    def mark_deleted(self, file_id: str, *, by: int, reason: str) -> None: ...


class RecordRepository(Protocol):
    """Append-only clinical records (see ``domain/records.py`` for the rules)."""

    def add(
        self,
        *,
        kind: RecordKind,
        patient_id: str,
        payload: Mapping[str, Any],
        created_by: int,
        episode_id: str | None = None,
        natural_key: str | None = None,
        meta: Mapping[str, Any] | None = None,
    ) -> RecordVersion: ...

    def add_many(
        self,
        *,
        kind: RecordKind,
        patient_id: str,
        keyed_payloads: Sequence[tuple[str, Mapping[str, Any]]],
        created_by: int,
        episode_id: str | None = None,
    ) -> list[RecordVersion]:
        """Version 1 of several new records, each with its natural key, all or none: a clash
        on any key raises Conflict and writes none (bulk entry, one round trip)."""
        ...

    def revise(
        self,
        record_id: str,
        *,
        expected_version: int,
        payload: Mapping[str, Any],
        reason: str,
        created_by: int,
        meta: Mapping[str, Any] | None = None,
    ) -> RecordVersion: ...

    def supersede(
        self,
        *,
        kind: RecordKind,
        patient_id: str,
        natural_key: str,
        payload: Mapping[str, Any],
        reason: str,
        created_by: int,
    ) -> RecordVersion | None:
        """``revise`` the current record with this natural key at whatever version it is
        (None, and nothing written, when there is none): a day's check-in sent again."""
        ...

    def void(self, record_id: str, *, expected_version: int, reason: str, by: int) -> None: ...

    def current(self, record_id: str) -> RecordVersion: ...

    def history(self, record_id: str) -> list[RecordVersion]: ...

    def current_by_key(
        self, *, kind: RecordKind, patient_id: str, natural_key: str
    ) -> RecordVersion | None: ...

    def list_current(
        self,
        *,
        kind: RecordKind,
        patient_id: str,
        episode_id: str | None = None,
        newest_first: bool = False,
        natural_key_from: str | None = None,
    ) -> list[RecordVersion]:
        """``natural_key_from``: only records whose natural key sorts at or after it."""
        ...

    def current_keys(
        self, *, kind: RecordKind, patient_id: str
    ) -> list[tuple[str | None, str, int]]:
        """``(natural_key, record_id, version)`` of every current record (no payloads)."""
        ...

    def digest_keys(
        self,
        *,
        kind: RecordKind,
        patient_id: str,
        through: Sequence[date],
        others: Sequence[RecordKind] = (),
    ) -> tuple[bool, list[str], str]:
        """Whether a current record of ``kind`` has no natural key, for each day of
        ``through`` the ``digest_checkins`` of its current ``(natural_key, record_id,
        version)`` up to it, and the ``digest_versions`` of the current ``(kind, record_id,
        version)`` of the ``others`` kinds (the same digests, computed by the database where
        it can; one query)."""
        ...

    def keyed_payloads(
        self, *, kind: RecordKind, patient_id: str, natural_key_from: str
    ) -> list[tuple[str | None, Mapping[str, Any]]]:
        """``(natural_key, payload)`` of the current records whose natural key sorts at or
        after ``natural_key_from`` (any order)."""
        ...

    def summary_reads(
        self,
        *,
        patient_id: str,
        kind: RecordKind,
        programme: tuple[RecordKind, str],
        others: Sequence[RecordKind],
        lag_day: date,
        window_from: date,
    ) -> SummaryReads:
        """What a caseload summary refresh that may resume reads, together (one statement
        where the database can): the state stored with the patient's summary, the current
        version of the ``programme`` (kind, natural key), ``digest_keys`` of ``kind`` up to
        the state's ``through`` and up to the later of it and ``lag_day`` with the ``others``
        kinds' digest, and ``keyed_payloads`` of ``kind`` from ``window_from``."""
        ...

    def prefetch(self, *, kinds: Sequence[RecordKind], patient_id: str) -> None:
        """Read the patient's current records of ``kinds`` in one query; until this unit of
        work writes a record, ``list_current`` of one of them (whole list, any order) answers
        from it. A read-path optimisation only: results are the same without it."""
        ...


class InvitationRepository(Protocol):
    """Invitation links (engagement). Tokens are stored as hashes only."""

    def add(
        self,
        *,
        patient_id: str,
        clinic_id: int,
        email: str,
        token_hash: str,
        created_by: int,
        at: datetime,
        expires_at: datetime,
    ) -> Invitation: ...

    def get(self, invitation_id: str) -> Invitation | None: ...

    def by_token(self, token_hash: str) -> Invitation | None: ...

    def for_patient(self, patient_id: str) -> list[Invitation]: ...

    def reissue(
        self, invitation_id: str, *, token_hash: str, at: datetime, expires_at: datetime
    ) -> None: ...

    def mark_accepted(
        self, invitation_id: str, *, at: datetime, user_id: int, privacy_version: str
    ) -> bool:
        """Accept once: False when it was accepted or revoked in the meantime."""
        ...

    def revoke(self, invitation_id: str, *, at: datetime, by: int) -> None: ...


class ReminderRepository(Protocol):
    """Reminder preferences and the claimed sends (one per patient and local day)."""

    def preferences(self, patient_id: str) -> ReminderPreferences | None: ...

    def save_preferences(self, prefs: ReminderPreferences, *, by: int, at: datetime) -> None: ...

    def set_unsubscribed(self, patient_id: str, *, at: datetime) -> None: ...

    def recipients(self) -> list[ReminderRecipient]:
        """Patients with reminders on and an active patient sign-in."""
        ...

    def sends_on(self, keys: list[tuple[str, date]]) -> dict[tuple[str, date], ReminderSend]: ...

    def claim(
        self,
        *,
        patient_id: str,
        local_day: date,
        kinds: tuple[str, ...],
        status: str,
        link_token_hash: str | None,
        at: datetime,
    ) -> ReminderSend | None:
        """Insert the (patient, local day) row; None when another worker claimed it first."""
        ...

    def reclaim(
        self,
        send_id: int,
        *,
        attempts: int,
        kinds: tuple[str, ...],
        link_token_hash: str,
        at: datetime,
    ) -> bool:
        """Take a failed send back for another try; False when another worker took it."""
        ...

    def finish(
        self, send_id: int, *, status: str, at: datetime, error: str | None = None
    ) -> None: ...

    def by_link_token(self, token_hash: str) -> ReminderSend | None: ...

    def mark_opened(self, send_id: int, *, at: datetime) -> bool: ...

    def sends_for(self, patient_id: str, *, since: date) -> list[ReminderSend]: ...

    def checkin_marks(self, patient_id: str, *, since: datetime) -> list[CheckinMark]:
        """Check-ins first sent at or after ``since`` or dated on or after its day."""
        ...


class MessageRepository(Protocol):
    """Secure message threads, their messages and each reader's place in them."""

    def add_thread(
        self, *, patient_id: str, clinic_id: int, subject: str, created_by: int, at: datetime
    ) -> Thread: ...

    def thread(self, thread_id: str) -> Thread | None: ...

    def threads_for_patient(self, patient_id: str) -> list[Thread]: ...

    def threads_for_clinic(
        self, clinic_id: int, *, needs_action_only: bool = False, limit: int = 200
    ) -> list[Thread]: ...

    def add_message(
        self, *, thread_id: str, sender_user_id: int, sender_role: str, body: str, at: datetime
    ) -> Message: ...

    def messages(self, thread_id: str) -> list[Message]: ...

    def mark_read(self, thread_id: str, user_id: int, *, up_to: int, at: datetime) -> None: ...

    def unread_in_threads(self, user_id: int, thread_ids: list[str]) -> dict[str, int]:
        """Messages from others after the user's last read, per thread."""
        ...

    def unread_by_patient(
        self, user_id: int, *, patient_ids: list[str] | None = None, clinic_id: int | None = None
    ) -> dict[str, int]: ...

    def set_needs_action(
        self, thread_id: str, *, needs_action: bool, by: int, at: datetime
    ) -> None: ...

    def senders(self, thread_id: str) -> set[int]: ...

    def purge_before(self, cutoff: datetime) -> tuple[int, int]:
        """Delete messages older than ``cutoff`` and threads left empty: (messages, threads)."""
        ...


class SummaryRepository(Protocol):
    """The caseload's read model: one ``PatientSummary`` per patient (``domain/caseload.py``)."""

    def get(self, patient_id: str) -> PatientSummary | None: ...

    def put(
        self, summary: PatientSummary, *, clinic_id: int, state: Mapping[str, Any] | None = None
    ) -> None:
        """Insert or replace the summary; ``state``: what resumes it (JSON, or None)."""
        ...

    def state(self, patient_id: str) -> Mapping[str, Any] | None:
        """The JSON state stored with the patient's summary, if any."""
        ...

    def stale(self, *, clinic_id: int, today: date, limit: int = 1000) -> list[Patient]: ...

    def caseload(
        self,
        *,
        clinic_id: int,
        today: date,
        where: CaseloadFilter,
        sort: CaseloadSort = ...,
        descending: bool = False,
        limit: int = 500,
    ) -> list[tuple[Patient, PatientSummary | None]]: ...


class CustomExerciseRepository(Protocol):
    """A clinic's own exercises (``domain/planning/custom.py``)."""

    def add(
        self,
        *,
        exercise_id: str,
        clinic_id: int,
        payload: Mapping[str, Any],
        image: bytes | None,
        image_type: str | None,
        created_by: int,
    ) -> CustomExerciseRecord: ...

    def for_clinic(self, clinic_id: int) -> list[CustomExerciseRecord]: ...

    def image(self, exercise_id: str, *, clinic_id: int) -> tuple[bytes, str] | None: ...


class WordingPackRepository(Protocol):
    """Licensed questionnaire wording installed by a clinic or for the whole installation
    (``domain/outcomes/instruments/wording.py``)."""

    def put(self, pack: WordingPack, *, installed_by: str, at: datetime) -> bool: ...

    def for_clinic(self, instrument_id: str, clinic_id: int) -> WordingPack | None: ...

    def list(self) -> list[WordingPack]: ...

    def remove(self, instrument_id: str, *, clinic_id: int | None) -> WordingPack | None: ...


class UnitOfWork(Protocol):
    """One transaction with every repository on it: ``with uow: ...; uow.commit()``.

    Leaving the block without ``commit()`` rolls back.
    """

    # Read-only properties: an implementation may use any subtype of each repository.
    @property
    def clinics(self) -> ClinicRepository: ...

    @property
    def users(self) -> UserRepository: ...

    @property
    def patients(self) -> PatientRepository: ...

    @property
    def episodes(self) -> EpisodeRepository: ...

    @property
    def records(self) -> RecordRepository: ...

    @property
    def audit(self) -> AuditLog: ...

    @property
    def sessions(self) -> SessionRepository: ...

    @property
    def jobs(self) -> JobRepository: ...

    @property
    def files(self) -> StoredFileRepository: ...

    @property
    def invitations(self) -> InvitationRepository: ...

    @property
    def reminders(self) -> ReminderRepository: ...

    @property
    def messages(self) -> MessageRepository: ...

    @property
    def summaries(self) -> SummaryRepository: ...

    @property
    def custom_exercises(self) -> CustomExerciseRepository: ...

    @property
    def signin_attempts(self) -> SignInAttemptRepository: ...

    @property
    def password_resets(self) -> PasswordResetRepository: ...

    @property
    def recovery_codes(self) -> RecoveryCodeRepository: ...

    @property
    def wording_packs(self) -> WordingPackRepository: ...

    def __enter__(self) -> UnitOfWork: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    def commit(self) -> None: ...

    def rollback(self) -> None: ...
