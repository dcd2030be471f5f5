"""Repositories for clinics, users, patients, episodes and sign-in sessions."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Row, and_, bindparam, func, or_, select, update
from sqlalchemy.orm import Session

from painpath.adapters.db.tables import (
    ClinicRow,
    EpisodeRow,
    PatientRow,
    SessionRow,
    UserRow,
    utcnow,
)
from painpath.domain.accounts import (
    Clinic,
    Episode,
    EpisodeStatus,
    MfaState,
    Patient,
    Role,
    SessionAccount,
    SignInSession,
    User,
)
from painpath.domain.types import Sex

__all__ = [
    "ClinicRepo",
    "EpisodeRepo",
    "PatientReads",
    "PatientRepo",
    "SessionRepo",
    "UserRepo",
    "aware",
]


def aware(value: datetime) -> datetime:
    """SQLite hands back naive datetimes; everything PainPath stores is UTC."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _clinic(row: ClinicRow) -> Clinic:
    return Clinic(id=row.id, name=row.name, created_at=aware(row.created_at))


def _fields(mapped: Any) -> tuple[Any, ...]:
    """Every column of a mapped class as ORM attributes: a select of these returns plain
    rows (no identity map or change tracking) and still flushes pending changes first."""
    return tuple(getattr(mapped, c.key) for c in mapped.__table__.columns)


_USER_FIELDS = _fields(UserRow)
_SESSION_FIELDS = _fields(SessionRow)

# Every signed-in request: the session, its account and whether the account has a second
# factor, in one statement built once (Core columns, no ORM entity: the cheapest execution).
_SESSIONS = SessionRow.__table__.c
_USERS = UserRow.__table__.c
_SESSION_ACCOUNT = (
    select(
        *_SESSIONS,
        _USERS.clinic_id,
        _USERS.email,
        _USERS.name,
        _USERS.role,
        _USERS.active,
        _USERS.patient_id,
        _USERS.created_at.label("user_created_at"),
        # MfaState.enabled, without reading the sealed secret itself
        and_(_USERS.mfa_secret.is_not(None), _USERS.mfa_enabled_at.is_not(None)).label(
            "mfa_enabled"
        ),
    )
    .join_from(SessionRow.__table__, UserRow.__table__, _SESSIONS.user_id == _USERS.id)
    .where(_SESSIONS.id_hash == bindparam("id_hash"))
)


def _user(row: UserRow | Row[Any], *, id_key: str = "id", created_key: str = "created_at") -> User:
    """A user from its row, or from a joined row whose user id and creation time carry other
    names (``_SESSION_ACCOUNT`` names them ``user_id`` and ``user_created_at``)."""
    return User(
        id=getattr(row, id_key),
        clinic_id=row.clinic_id,
        email=row.email,
        name=row.name,
        role=Role(row.role),
        active=row.active,
        patient_id=row.patient_id,
        created_at=aware(getattr(row, created_key)),
    )


def _patient(row: Any) -> Patient:
    return Patient(
        id=row.id,
        clinic_id=row.clinic_id,
        given_name=row.given_name,
        family_name=row.family_name,
        birth_date=row.birth_date,
        sex=Sex(row.sex) if row.sex else None,
        mrn=row.mrn,
        email=row.email,
        created_at=aware(row.created_at),
        created_by=row.created_by,
        version=row.version,
        voided=row.voided,
    )


def _episode(row: Any) -> Episode:
    return Episode(
        id=row.id,
        patient_id=row.patient_id,
        clinic_id=row.clinic_id,
        title=row.title,
        status=EpisodeStatus(row.status),
        started_on=row.started_on,
        discharged_on=row.discharged_on,
        created_by=row.created_by,
        created_at=aware(row.created_at),
        version=row.version,
    )


class ClinicRepo:
    def __init__(self, session: Session) -> None:
        self._s = session

    def add(self, name: str) -> Clinic:
        row = ClinicRow(name=name)
        self._s.add(row)
        self._s.flush()
        return _clinic(row)

    def get(self, clinic_id: int) -> Clinic | None:
        row = self._s.get(ClinicRow, clinic_id)
        return _clinic(row) if row else None

    def by_name(self, name: str) -> Clinic | None:
        row = self._s.scalar(select(ClinicRow).where(ClinicRow.name == name))
        return _clinic(row) if row else None

    def list(self) -> list[Clinic]:
        return [_clinic(r) for r in self._s.scalars(select(ClinicRow).order_by(ClinicRow.name))]

    def count(self) -> int:
        return int(self._s.scalar(select(func.count()).select_from(ClinicRow)) or 0)


class UserRepo:
    def __init__(self, session: Session) -> None:
        self._s = session

    def add(
        self,
        *,
        clinic_id: int,
        email: str,
        name: str,
        role: Role,
        password_hash: str,
        patient_id: str | None = None,
    ) -> User:
        row = UserRow(
            clinic_id=clinic_id,
            email=email.lower(),
            name=name,
            role=role.value,
            password_hash=password_hash,
            patient_id=patient_id,
            active=True,
        )
        self._s.add(row)
        self._s.flush()
        return _user(row)

    def get(self, user_id: int) -> User | None:
        # A plain row, not an ORM object: every signed-in request reads its user.
        row = self._s.execute(select(*_USER_FIELDS).where(UserRow.id == user_id)).first()
        return _user(row) if row else None

    def by_email(self, email: str) -> User | None:
        row = self._s.scalar(select(UserRow).where(UserRow.email == email.lower()))
        return _user(row) if row else None

    def by_patient(self, patient_id: str) -> User | None:
        row = self._s.scalar(select(UserRow).where(UserRow.patient_id == patient_id))
        return _user(row) if row else None

    def password_hash(self, user_id: int) -> str | None:
        row = self._s.get(UserRow, user_id)
        return row.password_hash if row else None

    def set_password_hash(self, user_id: int, password_hash: str) -> None:
        row = self._s.get_one(UserRow, user_id)
        row.password_hash = password_hash
        row.password_changed_at = utcnow()

    def mfa(self, user_id: int) -> MfaState:
        row = self._s.get_one(UserRow, user_id)
        return MfaState(
            sealed_secret=row.mfa_secret,
            enabled_at=aware(row.mfa_enabled_at) if row.mfa_enabled_at else None,
            last_step=row.mfa_last_step,
        )

    def set_mfa(
        self, user_id: int, *, sealed_secret: str | None, enabled_at: datetime | None
    ) -> None:
        row = self._s.get_one(UserRow, user_id)
        row.mfa_secret = sealed_secret
        row.mfa_enabled_at = enabled_at
        row.mfa_last_step = None

    def use_mfa_step(self, user_id: int, step: int) -> bool:
        """Record the TOTP time step just used; False if it (or a later one) was used before."""
        result = self._s.execute(
            update(UserRow)
            .where(
                UserRow.id == user_id,
                or_(UserRow.mfa_last_step.is_(None), UserRow.mfa_last_step < step),
            )
            .values(mfa_last_step=step)
        )
        return bool(getattr(result, "rowcount", 0))

    def set_active(self, user_id: int, active: bool) -> None:
        self._s.get_one(UserRow, user_id).active = active

    def mark_signed_in(self, user_id: int) -> None:
        self._s.get_one(UserRow, user_id).last_signin_at = utcnow()

    def list(self, *, clinic_id: int | None = None) -> list[User]:
        query = select(UserRow).order_by(UserRow.role, UserRow.name)
        if clinic_id is not None:
            query = query.where(UserRow.clinic_id == clinic_id)
        return [_user(r) for r in self._s.scalars(query)]

    def count(self) -> int:
        return int(self._s.scalar(select(func.count()).select_from(UserRow)) or 0)


# The patient and their episodes in one statement, Core columns built once (no ORM objects):
# a check-in reads both (the guard the patient, the handler the episodes), as do most
# patient-scoped operations.
_PATIENTS = PatientRow.__table__
_EPISODES = EpisodeRow.__table__
_EPISODE_ORDER = (_EPISODES.c.started_on.desc(), _EPISODES.c.id)
_PATIENT_WITH_EPISODES = (
    select(
        *_PATIENTS.c,
        *(c.label(f"episode_{c.name}") for c in _EPISODES.c),
    )
    .select_from(
        _PATIENTS.outerjoin(
            _EPISODES,
            _EPISODES.c.patient_id == _PATIENTS.c.id,
        )
    )
    .where(_PATIENTS.c.id == bindparam("patient_id"))
    .order_by(*_EPISODE_ORDER)
)
_EPISODES_OF = (
    select(*_EPISODES.c)
    .where(_EPISODES.c.patient_id == bindparam("patient_id"))
    .order_by(*_EPISODE_ORDER)
)


class _Prefixed:
    """A joined row's columns of one table, labelled ``prefix + name``, read by name."""

    __slots__ = ("_prefix", "_row")

    def __init__(self, row: Row[Any], prefix: str) -> None:
        self._row, self._prefix = row, prefix

    def __getattr__(self, name: str) -> Any:
        return getattr(self._row, self._prefix + name)


def _remember(reads: PatientReads, patient_id: str, rows: list[Row[Any]], prefix: str) -> None:
    """Keep what rows of a patient (columns labelled ``prefix``, or unlabelled for "") left
    joined to the patient's episodes (labelled ``episode_``) say: the patient, or None when
    there is none, and the episodes, newest first."""
    first = rows[0] if rows else None
    if first is None or getattr(first, prefix + "id") is None:
        reads.patients[patient_id] = None
        return
    reads.patients[patient_id] = _patient(_Prefixed(first, prefix) if prefix else first)
    reads.episodes[patient_id] = [
        _episode(_Prefixed(r, "episode_")) for r in rows if r.episode_id is not None
    ]


class PatientReads:
    """The patients (None: no such patient) and episode lists one unit of work has read,
    shared by its patient and episode repositories: later reads of the same patient answer
    from here. An episode written through ``EpisodeRepo`` drops its patient's list; the unit
    of work forgets everything at commit and rollback."""

    def __init__(self) -> None:
        self.patients: dict[str, Patient | None] = {}
        self.episodes: dict[str, list[Episode]] = {}

    def forget(self) -> None:
        self.patients.clear()
        self.episodes.clear()


class PatientRepo:
    def __init__(self, session: Session, reads: PatientReads | None = None) -> None:
        self._s = session
        self._reads = reads if reads is not None else PatientReads()

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
    ) -> Patient:
        row = PatientRow(
            id=str(uuid.uuid4()),
            clinic_id=clinic_id,
            given_name=given_name,
            family_name=family_name,
            birth_date=birth_date,
            sex=sex.value if sex else None,
            mrn=mrn,
            email=email,
            created_by=created_by,
        )
        self._s.add(row)
        self._s.flush()
        return _patient(row)

    def get(self, patient_id: str) -> Patient | None:
        """The patient (None when there is none, or voided); the first read in a unit of
        work reads the patient's episodes with it (one statement), the later ones none."""
        if patient_id not in self._reads.patients:
            rows = self._s.execute(_PATIENT_WITH_EPISODES, {"patient_id": patient_id}).all()
            _remember(self._reads, patient_id, list(rows), "")
        patient = self._reads.patients[patient_id]
        return patient if patient is not None and not patient.voided else None

    def search(self, *, clinic_id: int, query: str = "", limit: int = 200) -> list[Patient]:
        stmt = select(PatientRow).where(
            PatientRow.clinic_id == clinic_id, PatientRow.voided.is_(False)
        )
        if query.strip():
            like = f"%{query.strip().lower()}%"
            stmt = stmt.where(
                or_(
                    func.lower(PatientRow.given_name).like(like),
                    func.lower(PatientRow.family_name).like(like),
                    func.lower(func.coalesce(PatientRow.mrn, "")).like(like),
                )
            )
        stmt = stmt.order_by(PatientRow.family_name, PatientRow.given_name).limit(limit)
        return [_patient(r) for r in self._s.scalars(stmt)]


class EpisodeRepo:
    def __init__(self, session: Session, reads: PatientReads | None = None) -> None:
        self._s = session
        self._reads = reads if reads is not None else PatientReads()

    def add(
        self, *, patient_id: str, clinic_id: int, title: str, started_on: date, created_by: int
    ) -> Episode:
        row = EpisodeRow(
            id=str(uuid.uuid4()),
            patient_id=patient_id,
            clinic_id=clinic_id,
            title=title,
            started_on=started_on,
            created_by=created_by,
            status=EpisodeStatus.OPEN.value,
        )
        self._s.add(row)
        self._s.flush()
        self._reads.episodes.pop(patient_id, None)
        return _episode(row)

    def get(self, episode_id: str) -> Episode | None:
        row = self._s.get(EpisodeRow, episode_id)
        return _episode(row) if row else None

    def for_patient(self, patient_id: str) -> list[Episode]:
        """Newest first (started_on, then id); answered from the patient's read when this
        unit of work has read the patient and written none of their episodes since."""
        known = self._reads.episodes.get(patient_id)
        if known is None:
            rows = self._s.execute(_EPISODES_OF, {"patient_id": patient_id})
            known = self._reads.episodes[patient_id] = [_episode(r) for r in rows]
        return list(known)

    def discharge(self, episode_id: str, *, on: date) -> None:
        row = self._s.get_one(EpisodeRow, episode_id)
        row.status = EpisodeStatus.DISCHARGED.value
        row.discharged_on = on
        self._s.flush()  # the Core reads above do not autoflush
        self._reads.episodes.pop(row.patient_id, None)


# A patient-scoped request's session lookup reads the patient and their episodes with it
# (one statement instead of two): the patient id comes from the URL, so this needs nothing
# the session says; the guard still authorises the actor for the patient afterwards
# (``services.context.authorize_patient``), reading the patient from the unit of work.
_SESSION_ACCOUNT_PATIENT = (
    select(
        *_SESSION_ACCOUNT.selected_columns,
        *(c.label(f"pt_{c.name}") for c in _PATIENTS.c),
        *(c.label(f"episode_{c.name}") for c in _EPISODES.c),
    )
    .select_from(
        SessionRow.__table__.join(UserRow.__table__, _SESSIONS.user_id == _USERS.id)
        .outerjoin(_PATIENTS, _PATIENTS.c.id == bindparam("patient_id"))
        .outerjoin(_EPISODES, _EPISODES.c.patient_id == _PATIENTS.c.id)
    )
    .where(_SESSIONS.id_hash == bindparam("id_hash"))
    .order_by(*_EPISODE_ORDER)
)


class SessionRepo:
    """Server-side sign-in sessions; the cookie holds a random token, the table its hash."""

    def __init__(self, session: Session, reads: PatientReads | None = None) -> None:
        self._s = session
        self._reads = reads if reads is not None else PatientReads()

    def add(
        self,
        *,
        id_hash: str,
        user_id: int,
        csrf_token: str,
        client: str | None = None,
        user_agent: str | None = None,
        mfa_pending: bool = False,
    ) -> None:
        self._s.add(
            SessionRow(
                id_hash=id_hash,
                user_id=user_id,
                csrf_token=csrf_token,
                client=client,
                user_agent=(user_agent or "")[:200] or None,
                mfa_pending=mfa_pending,
            )
        )
        self._s.flush()

    def get(self, id_hash: str) -> SignInSession | None:
        # A plain row, not an ORM object: every signed-in request reads its session.
        row = self._s.execute(select(*_SESSION_FIELDS).where(SessionRow.id_hash == id_hash)).first()
        return _session(row) if row else None

    def with_account(self, id_hash: str, *, patient_id: str | None = None) -> SessionAccount | None:
        """The session with its user, in one statement (the guard reads it on every request).
        ``patient_id``: the same statement reads that patient with their episodes for the
        unit of work's later ``patients.get`` / ``episodes.for_patient`` (when the session
        exists)."""
        if patient_id is None:
            row: Any = self._s.execute(_SESSION_ACCOUNT, {"id_hash": id_hash}).first()
        else:
            rows = self._s.execute(
                _SESSION_ACCOUNT_PATIENT, {"id_hash": id_hash, "patient_id": patient_id}
            ).all()
            if rows and patient_id not in self._reads.patients:
                _remember(self._reads, patient_id, list(rows), "pt_")
            row = rows[0] if rows else None
        if row is None:
            return None
        user = _user(row, id_key="user_id", created_key="user_created_at")
        return SessionAccount(_session(row), user, bool(row.mfa_enabled))

    def for_user(self, user_id: int) -> list[SignInSession]:
        """The user's sessions not yet revoked, newest first."""
        stmt = (
            select(SessionRow)
            .where(SessionRow.user_id == user_id, SessionRow.revoked_at.is_(None))
            .order_by(SessionRow.created_at.desc())
        )
        return [_session(r) for r in self._s.scalars(stmt)]

    def touch(self, id_hash: str, *, at: datetime) -> None:
        row = self._s.get(SessionRow, id_hash)
        if row is not None:
            row.last_seen_at = at

    def revoke(self, id_hash: str) -> None:
        row = self._s.get(SessionRow, id_hash)
        if row is not None and row.revoked_at is None:
            row.revoked_at = utcnow()

    def revoke_all(self, user_id: int, *, keep: str | None = None) -> int:
        """Revoke every live session of the user except ``keep``; return how many."""
        stmt = update(SessionRow).where(
            SessionRow.user_id == user_id, SessionRow.revoked_at.is_(None)
        )
        if keep is not None:
            stmt = stmt.where(SessionRow.id_hash != keep)
        result = self._s.execute(stmt.values(revoked_at=utcnow()))
        return int(getattr(result, "rowcount", 0) or 0)

    def complete_mfa(self, id_hash: str) -> None:
        row = self._s.get(SessionRow, id_hash)
        if row is not None:
            row.mfa_pending = False


def _session(row: SessionRow | Row[Any]) -> SignInSession:
    return SignInSession(
        id_hash=row.id_hash,
        user_id=row.user_id,
        csrf_token=row.csrf_token,
        created_at=aware(row.created_at),
        last_seen_at=aware(row.last_seen_at),
        revoked_at=aware(row.revoked_at) if row.revoked_at else None,
        client=row.client,
        user_agent=row.user_agent,
        mfa_pending=bool(row.mfa_pending),
    )
