"""Clinics and user accounts (admin), and the signed-in user's own account."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError

from painpath.adapters.passwords import common_passwords
from painpath.domain.access import Access
from painpath.domain.accounts import Clinic, Role, User
from painpath.domain.errors import Conflict, InvalidInput, NotFound
from painpath.domain.passwords import password_problem
from painpath.services.context import Call, operation

__all__ = [
    "NewUser",
    "create_clinic",
    "create_user",
    "list_clinics",
    "list_users",
    "set_user_active",
    "validate_password",
]

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class NewUser:
    email: str
    name: str
    role: Role
    password: str
    patient_id: str | None = None


def validate_password(password: str, *, personal: tuple[str, ...] = ()) -> None:
    """The password policy (domain/passwords.py) against the shipped list of common and
    breached passwords; ``personal``: the person's name and e-mail, refused inside it."""
    # the name's words and the e-mail's local part (not its domain: a clinic shares that)
    words = tuple(w for p in personal for w in re.split(r"[\s._+-]+", p.split("@")[0]) if w)
    problem = password_problem(password, common=common_passwords(), personal=words)
    if problem:
        raise InvalidInput(problem)


def _validate_new_user(new: NewUser) -> None:
    if not _EMAIL.match(new.email.strip()):
        raise InvalidInput("please give a valid email address")
    if not new.name.strip():
        raise InvalidInput("please give the person's name")
    validate_password(new.password, personal=(new.name, new.email))
    if new.role is Role.PATIENT and not new.patient_id:
        raise InvalidInput("a patient account must be linked to a patient record")


def add_user(call: Call, new: NewUser, *, clinic_id: int) -> User:
    """Create a user inside an open operation (shared by admin and clinician flows)."""
    _validate_new_user(new)
    if call.uow.users.by_email(new.email.strip()) is not None:
        raise Conflict("an account with this email already exists")
    try:
        user = call.uow.users.add(
            clinic_id=clinic_id,
            email=new.email.strip(),
            name=new.name.strip(),
            role=new.role,
            password_hash=call.ctx.hasher.hash(new.password),
            patient_id=new.patient_id,
        )
    except IntegrityError as err:
        raise Conflict("this account clashes with an existing one") from err
    call.audit_detail.update({"user_id": user.id, "role": user.role.value})
    return user


@operation(Access.ADMIN, audit="admin.user.create")
def create_user(call: Call, *, new: NewUser, clinic_id: int | None = None) -> User:
    target = clinic_id or call.actor.clinic_id
    if call.uow.clinics.get(target) is None:
        raise NotFound("no such clinic")
    return add_user(call, new, clinic_id=target)


@operation(Access.ADMIN, audit="admin.user.list")
def list_users(call: Call) -> list[User]:
    return call.uow.users.list(clinic_id=call.actor.clinic_id)


@operation(Access.ADMIN, audit="admin.user.active")
def set_user_active(call: Call, *, user_id: int, active: bool) -> None:
    user = call.uow.users.get(user_id)
    if user is None or user.clinic_id != call.actor.clinic_id:
        raise NotFound("no such user in your clinic")
    if user.id == call.actor.user_id and not active:
        raise InvalidInput("you cannot deactivate your own account")
    call.uow.users.set_active(user_id, active)
    call.audit_detail.update({"user_id": user_id, "active": active})


@operation(Access.ADMIN, audit="admin.clinic.create")
def create_clinic(call: Call, *, name: str) -> Clinic:
    if not name.strip():
        raise InvalidInput("please give the clinic a name")
    if call.uow.clinics.by_name(name.strip()):
        raise Conflict("a clinic with this name exists")
    clinic = call.uow.clinics.add(name.strip())
    call.audit_detail["clinic_id"] = clinic.id
    return clinic


@operation(Access.ADMIN)
def list_clinics(call: Call) -> list[Clinic]:
    return call.uow.clinics.list()
