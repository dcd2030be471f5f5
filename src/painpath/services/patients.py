"""The clinic's patients: caseload search, registration, the chart, episodes of care."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from painpath.domain.access import Access
from painpath.domain.accounts import Episode, Patient, Role
from painpath.domain.errors import InvalidInput, NotFound
from painpath.domain.types import Sex
from painpath.services.accounts import NewUser, add_user
from painpath.services.context import Call, operation
from painpath.services.engagement._common import FormProblems

__all__ = [
    "NewPatient",
    "create_patient",
    "get_patient",
    "list_episodes",
    "my_patient_id",
    "open_episode",
    "search_patients",
]

_NAME = re.compile(r"^[\w .'\-]{1,120}$", re.UNICODE)


@dataclass(frozen=True)
class NewPatient:
    given_name: str
    family_name: str
    birth_date: date | None = None
    sex: Sex | None = None
    mrn: str | None = None
    email: str | None = None
    episode_title: str = "Chronic pain"
    account_password: str | None = None  # set to create the patient's own sign-in
    invite: bool = False  # the patient will be invited to make a sign-in with ``email``


def _validate(new: NewPatient, today: date) -> None:
    for label, value in (("given name", new.given_name), ("family name", new.family_name)):
        if not _NAME.match(value.strip()):
            raise InvalidInput(f"the {label} is empty or has characters a name cannot have")
    if new.birth_date and not (date(1900, 1, 1) <= new.birth_date <= today):
        raise InvalidInput("the date of birth must be a real past date")
    if new.account_password and not new.email:
        raise InvalidInput("a patient sign-in needs an email address")


def _check_unique(call: Call, new: NewPatient) -> None:
    """A record number already used in this clinic, or an e-mail that already signs someone
    in (when this patient is to sign in too: a password or an invitation), is a problem of
    that form field (``FormProblems``), found before anything is stored."""
    problems: dict[str, str] = {}
    mrn = (new.mrn or "").strip()
    if mrn:
        same = call.uow.patients.search(clinic_id=call.actor.clinic_id, query=mrn)
        if any((p.mrn or "").strip().lower() == mrn.lower() for p in same):
            problems["mrn"] = "another patient of this clinic already has this record number"
    email = (new.email or "").strip()
    signs_in = bool(new.account_password) or new.invite
    if email and signs_in and call.uow.users.by_email(email.lower()) is not None:
        problems["email"] = (
            "this e-mail already signs in to PainPath; use another e-mail, or leave it empty"
        )
    if problems:
        raise FormProblems(problems)


@operation(Access.CLINICIAN, audit="patient.search")
def search_patients(call: Call, *, query: str = "") -> list[Patient]:
    found = call.uow.patients.search(clinic_id=call.actor.clinic_id, query=query)
    # That a search happened and how many it found; never the words typed (often a name).
    call.audit_detail.update(searched=bool(query.strip()), results=len(found))
    return found


@operation(Access.CLINICIAN, audit="patient.create")
def create_patient(call: Call, *, new: NewPatient) -> Patient:
    today = call.ctx.clock.today()
    _validate(new, today)
    _check_unique(call, new)
    patient = call.uow.patients.add(
        clinic_id=call.actor.clinic_id,
        given_name=new.given_name.strip(),
        family_name=new.family_name.strip(),
        birth_date=new.birth_date,
        sex=new.sex,
        mrn=(new.mrn or "").strip() or None,
        email=(new.email or "").strip() or None,
        created_by=call.actor.user_id,
    )
    call.uow.episodes.add(
        patient_id=patient.id,
        clinic_id=patient.clinic_id,
        title=new.episode_title.strip() or "Chronic pain",
        started_on=today,
        created_by=call.actor.user_id,
    )
    if new.account_password:
        account = NewUser(
            email=new.email or "",
            name=patient.display_name,
            role=Role.PATIENT,
            password=new.account_password,
            patient_id=patient.id,
        )
        add_user(call, account, clinic_id=patient.clinic_id)
    call.patient = patient
    call.audit_detail["patient_id"] = patient.id
    return patient


@operation(Access.PATIENT_READ, audit="patient.read")
def get_patient(call: Call, *, patient_id: str) -> Patient:
    return call.the_patient


@operation(Access.PATIENT_READ, audit="episode.list")
def list_episodes(call: Call, *, patient_id: str) -> list[Episode]:
    return call.uow.episodes.for_patient(patient_id)


@operation(Access.PATIENT_CLINICAL, audit="episode.open")
def open_episode(call: Call, *, patient_id: str, title: str) -> Episode:
    if not title.strip():
        raise InvalidInput("please give the episode a title")
    episode = call.uow.episodes.add(
        patient_id=patient_id,
        clinic_id=call.the_patient.clinic_id,
        title=title.strip(),
        started_on=call.ctx.clock.today(),
        created_by=call.actor.user_id,
    )
    call.audit_detail["episode_id"] = episode.id
    return episode


@operation(Access.PATIENT_ACCOUNT)
def my_patient_id(call: Call) -> str:
    """The patient record a patient account belongs to."""
    if not call.actor.patient_id:
        raise NotFound("this account is not linked to a patient record")
    return call.actor.patient_id
