"""Pydantic models at the JSON edge: ``ThingCreate`` in, ``ThingPublic`` out."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from painpath.domain.accounts import Episode, Patient, User
from painpath.domain.audit import AuditEvent
from painpath.domain.jobs import Job


class SessionCreate(BaseModel):
    email: str = Field(max_length=320)
    password: str = Field(max_length=500)
    code: str | None = Field(default=None, max_length=40)  # TOTP or recovery code, if on


class UserPublic(BaseModel):
    id: int
    name: str
    email: str
    role: str
    clinic_id: int
    patient_id: str | None
    active: bool

    @classmethod
    def of(cls, user: User) -> UserPublic:
        return cls(
            id=user.id,
            name=user.name,
            email=user.email,
            role=user.role.value,
            clinic_id=user.clinic_id,
            patient_id=user.patient_id,
            active=user.active,
        )


class SessionPublic(BaseModel):
    csrf_token: str
    user_id: int
    role: str
    name: str
    patient_id: str | None
    # True: the role needs an authenticator app and this account has none yet; every other
    # call answers 403 (error.reason "mfa_setup_required") until it is set up at /account/mfa.
    mfa_setup_required: bool = False


class UserCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email: str = Field(max_length=320)
    name: str = Field(min_length=1, max_length=200)
    role: str = Field(pattern="^(clinician|admin)$")
    password: str = Field(min_length=12, max_length=256)


class PatientCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    given_name: str = Field(min_length=1, max_length=120)
    family_name: str = Field(min_length=1, max_length=120)
    birth_date: date | None = None
    sex: str | None = Field(default=None, pattern="^(female|male|other)$")
    mrn: str | None = Field(default=None, max_length=64)
    email: str | None = Field(default=None, max_length=320)
    episode_title: str = Field(default="Chronic pain", max_length=200)


class PatientPublic(BaseModel):
    id: str
    given_name: str
    family_name: str
    birth_date: date | None
    sex: str | None
    mrn: str | None
    email: str | None
    version: int

    @classmethod
    def of(cls, p: Patient) -> PatientPublic:
        return cls(
            id=p.id,
            given_name=p.given_name,
            family_name=p.family_name,
            birth_date=p.birth_date,
            sex=p.sex.value if p.sex else None,
            mrn=p.mrn,
            email=p.email,
            version=p.version,
        )


class EpisodeCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: str = Field(min_length=1, max_length=200)


class EpisodePublic(BaseModel):
    id: str
    title: str
    status: str
    started_on: date
    discharged_on: date | None

    @classmethod
    def of(cls, e: Episode) -> EpisodePublic:
        return cls(
            id=e.id,
            title=e.title,
            status=e.status.value,
            started_on=e.started_on,
            discharged_on=e.discharged_on,
        )


class AuditEventPublic(BaseModel):
    seq: int
    at: datetime
    actor_user_id: int | None
    actor_role: str | None
    action: str
    patient_id: str | None
    request_id: str | None
    outcome: str
    detail: dict[str, Any]

    @classmethod
    def of(cls, e: AuditEvent) -> AuditEventPublic:
        return cls(
            seq=e.seq,
            at=e.at,
            actor_user_id=e.actor_user_id,
            actor_role=e.actor_role,
            action=e.action,
            patient_id=e.patient_id,
            request_id=e.request_id,
            outcome=e.outcome,
            detail=dict(e.detail),
        )


class JobPublic(BaseModel):
    id: str
    kind: str
    status: str
    progress: float
    message: str
    result: dict[str, Any] | None

    @classmethod
    def of(cls, job: Job) -> JobPublic:
        return cls(
            id=job.id,
            kind=job.kind,
            status=job.status,
            progress=job.progress,
            message=job.message,
            result=dict(job.result) if job.result else None,
        )
