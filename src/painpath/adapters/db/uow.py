"""The SQLAlchemy unit of work: one transaction, every repository on the same session."""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType

from sqlalchemy.orm import Session, sessionmaker

from painpath.adapters.db.accounts import (
    ClinicRepo,
    EpisodeRepo,
    PatientReads,
    PatientRepo,
    SessionRepo,
    UserRepo,
)
from painpath.adapters.db.audit import AuditLog
from painpath.adapters.db.custom_exercises import CustomExerciseRepo
from painpath.adapters.db.engagement import InvitationRepo, ReminderRepo
from painpath.adapters.db.engine import is_disconnect, is_transient
from painpath.adapters.db.jobs import JobRepo, StoredFileRepo
from painpath.adapters.db.messages import MessageRepo
from painpath.adapters.db.records import RecordRepo
from painpath.adapters.db.security import PasswordResetRepo, RecoveryCodeRepo, SignInAttemptRepo
from painpath.adapters.db.summaries import SummaryRepo
from painpath.adapters.db.wording_packs import WordingPackRepo
from painpath.domain.errors import StorageBusy, StorageLost

__all__ = ["CommitHook", "SqlUnitOfWork"]

# Runs inside the transaction just before it commits, with the patients whose clinical records
# were written (bootstrap wires the caseload summary refresh here).
CommitHook = Callable[["SqlUnitOfWork", set[str]], None]


class SqlUnitOfWork:
    """``with uow:`` opens a transaction; ``commit()`` ends it; leaving uncommitted rolls back."""

    clinics: ClinicRepo
    users: UserRepo
    patients: PatientRepo
    episodes: EpisodeRepo
    records: RecordRepo
    audit: AuditLog
    sessions: SessionRepo
    jobs: JobRepo
    files: StoredFileRepo
    invitations: InvitationRepo
    reminders: ReminderRepo
    messages: MessageRepo
    summaries: SummaryRepo
    custom_exercises: CustomExerciseRepo
    signin_attempts: SignInAttemptRepo
    password_resets: PasswordResetRepo
    recovery_codes: RecoveryCodeRepo
    wording_packs: WordingPackRepo

    def __init__(
        self,
        session_factory: sessionmaker[Session],
        *,
        before_commit: CommitHook | None = None,
        audit_key: bytes = b"",
        audit_checkpoint_every: int = 100,
        audit_strict: bool = False,
        audit_defer: bool = False,
    ) -> None:
        self._factory = session_factory
        self._session: Session | None = None
        self._before_commit = before_commit
        self._audit_key = audit_key
        self._audit_every = audit_checkpoint_every
        self._audit_strict = audit_strict
        self._audit_defer = audit_defer

    def __enter__(self) -> SqlUnitOfWork:
        session = self._factory()
        self._session = session
        self.clinics = ClinicRepo(session)
        self.users = UserRepo(session)
        self._patient_reads = PatientReads()  # shared: a patient is read with the episodes
        self.patients = PatientRepo(session, self._patient_reads)
        self.episodes = EpisodeRepo(session, self._patient_reads)
        self.records = RecordRepo(session)
        self.audit = AuditLog(
            session,
            key=self._audit_key,
            checkpoint_every=self._audit_every,
            strict=self._audit_strict,
            defer=self._audit_defer,
        )
        self.sessions = SessionRepo(session, self._patient_reads)
        self.jobs = JobRepo(session)
        self.files = StoredFileRepo(session)
        self.invitations = InvitationRepo(session)
        self.reminders = ReminderRepo(session)
        self.messages = MessageRepo(session)
        self.summaries = SummaryRepo(session)
        self.custom_exercises = CustomExerciseRepo(session)
        self.signin_attempts = SignInAttemptRepo(session)
        self.password_resets = PasswordResetRepo(session)
        self.recovery_codes = RecoveryCodeRepo(session)
        self.wording_packs = WordingPackRepo(session)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        assert self._session is not None
        self.audit.discard()
        try:
            self._session.rollback()
        finally:
            self._session.close()
            self._session = None
        if exc is not None and is_transient(exc):
            # Locked, deadlocked, no free connection or a pooled connection that had gone:
            # nothing was written. Say so in the domain's words; ``operation`` reruns the
            # whole unit of work a few times (on a new connection).
            raise StorageBusy("the database is busy; please try again in a moment") from exc

    @property
    def session(self) -> Session:
        assert self._session is not None, "use the unit of work inside a with-block"
        return self._session

    def commit(self) -> None:
        touched = set(self.records.touched)
        if touched and self._before_commit is not None:
            self._before_commit(self, touched)
        self.records.touched.clear()
        # Every other row of the transaction is written (and locked) first; the audit chain's
        # head is locked last, so it is held only for the sealing statements and the commit
        # (deferred sealing: the events are queued in ``audit_pending`` instead, no lock).
        self.session.flush()
        self.audit.seal()
        self._patient_reads.forget()
        try:
            self.session.commit()
        except Exception as err:
            if is_disconnect(err):
                # Lost during COMMIT: the server may have committed. Rerunning could store
                # the change twice, so this one is not "busy" (engine.py, no pre-ping).
                raise StorageLost(
                    "the connection to the database broke while saving; reload to see"
                    " whether the change was saved"
                ) from err
            raise

    def rollback(self) -> None:
        self._patient_reads.forget()
        self.records.touched.clear()
        self.audit.discard()
        self.session.rollback()
