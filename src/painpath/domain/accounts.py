"""People and places: clinics, users, roles, patients, episodes of care, and who is acting."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from painpath.domain.types import Sex

__all__ = [
    "Actor",
    "AttemptCounts",
    "Clinic",
    "Episode",
    "EpisodeStatus",
    "MfaState",
    "PasswordReset",
    "Patient",
    "Role",
    "SessionAccount",
    "SignInSession",
    "User",
    "current_episode",
]


class Role(StrEnum):
    ADMIN = "admin"  # users, clinics, audit review; no clinical records
    CLINICIAN = "clinician"  # the clinic's patients: assessment, plan, caseload
    PATIENT = "patient"  # their own record only


@dataclass(frozen=True, slots=True)
class Clinic:
    id: int
    name: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class User:
    id: int
    clinic_id: int
    email: str
    name: str
    role: Role
    active: bool
    patient_id: str | None  # set for role=patient: the record this account may see
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Actor:
    """The signed-in person on whose behalf a service operation runs."""

    user_id: int
    role: Role
    clinic_id: int
    name: str
    patient_id: str | None = None
    # The role needs a second factor and this account has none yet: until it sets one up,
    # the actor may open the set-up page and sign out, nothing else (domain/access.py).
    mfa_setup_required: bool = False


@dataclass(frozen=True, slots=True)
class Patient:
    id: str
    clinic_id: int
    given_name: str
    family_name: str
    birth_date: date | None
    sex: Sex | None
    mrn: str | None
    email: str | None
    created_at: datetime
    created_by: int
    version: int
    voided: bool = False

    @property
    def display_name(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()

    def age_on(self, day: date) -> int | None:
        if self.birth_date is None:
            return None
        born = self.birth_date
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


class EpisodeStatus(StrEnum):
    OPEN = "open"
    DISCHARGED = "discharged"


@dataclass(frozen=True, slots=True)
class Episode:
    id: str
    patient_id: str
    clinic_id: int
    title: str
    status: EpisodeStatus
    started_on: date
    discharged_on: date | None
    created_by: int
    created_at: datetime
    version: int


def current_episode(episodes: Iterable[Episode]) -> Episode | None:
    """The episode a new record belongs to: the open episode started last; when every
    episode is discharged, the one started last (a late entry after discharge). None when
    the patient has no episode. Order-independent: repositories list episodes newest first."""
    listed = list(episodes)
    open_ = [e for e in listed if e.status is EpisodeStatus.OPEN]
    return max(open_ or listed, key=lambda e: (e.started_on, e.created_at), default=None)


@dataclass(frozen=True, slots=True)
class SignInSession:
    """A server-side sign-in session; the browser's cookie holds the token hashed in ``id_hash``."""

    id_hash: str
    user_id: int
    csrf_token: str
    created_at: datetime
    last_seen_at: datetime
    revoked_at: datetime | None
    client: str | None = None
    user_agent: str | None = None
    mfa_pending: bool = False


@dataclass(frozen=True, slots=True)
class SessionAccount:
    """A session with the account it belongs to, as every signed-in request reads them (one
    statement): whether the account has its authenticator app on decides the set-up rule."""

    session: SignInSession
    user: User
    mfa_enabled: bool


@dataclass(frozen=True, slots=True)
class AttemptCounts:
    """Sign-in attempts inside the window: for one account, one client address, and all."""

    account: int
    client: int
    total: int


@dataclass(frozen=True, slots=True)
class PasswordReset:
    """An e-mailed reset link; only the hash of its token is stored."""

    id: int
    user_id: int
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None


@dataclass(frozen=True, slots=True)
class MfaState:
    """A user's second factor: the sealed TOTP secret (None: not set up) and when it was
    confirmed (None: set up but not yet confirmed with a first code)."""

    sealed_secret: str | None
    enabled_at: datetime | None
    last_step: int | None

    @property
    def enabled(self) -> bool:
        return self.sealed_secret is not None and self.enabled_at is not None
