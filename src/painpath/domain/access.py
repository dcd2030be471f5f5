"""Who may do what: access levels declared per service operation, checked in one place.

A patient reaches only their own record; a clinician only the patients of their own clinic;
an admin manages users, clinics and the audit log but reads no clinical record.
"""

from __future__ import annotations

from enum import StrEnum

from painpath.domain.accounts import Actor, Patient, Role
from painpath.domain.errors import (
    AuthenticationRequired,
    PermissionDenied,
    SecondFactorSetupRequired,
)

__all__ = ["Access", "authorize"]


class Access(StrEnum):
    PUBLIC = "public"  # anyone, signed in or not
    SIGNED_IN = "signed_in"  # any active account
    CLINICIAN = "clinician"  # clinicians (their own clinic's data)
    ADMIN = "admin"  # clinic administrators
    PATIENT_ACCOUNT = "patient_account"  # a patient's own pages (their record is implied)
    PATIENT_READ = "patient_read"  # the patient themself or a clinician of their clinic
    PATIENT_SELF_REPORT = (
        "patient_self_report"  # same as read: the patient reports, a clinician may enter
    )
    PATIENT_CLINICAL = "patient_clinical"  # clinicians of the patient's clinic only

    @property
    def needs_patient(self) -> bool:
        return self in {Access.PATIENT_READ, Access.PATIENT_SELF_REPORT, Access.PATIENT_CLINICAL}


def authorize(actor: Actor | None, access: Access, *, patient: Patient | None = None) -> None:
    """Raise unless ``actor`` may perform an operation declared with ``access``."""
    if access is Access.PUBLIC:
        return
    if actor is None:
        raise AuthenticationRequired("please sign in")
    if actor.mfa_setup_required:
        raise SecondFactorSetupRequired()
    if access is Access.SIGNED_IN:
        return
    if access is Access.ADMIN:
        _require_role(actor, Role.ADMIN)
        return
    if access is Access.CLINICIAN:
        _require_role(actor, Role.CLINICIAN)
        return
    if access is Access.PATIENT_ACCOUNT:
        _require_role(actor, Role.PATIENT)
        return
    if patient is None:
        raise PermissionDenied("this operation needs a patient")
    if actor.role is Role.CLINICIAN and actor.clinic_id == patient.clinic_id:
        return
    patient_may = access in {Access.PATIENT_READ, Access.PATIENT_SELF_REPORT}
    if patient_may and actor.role is Role.PATIENT and actor.patient_id == patient.id:
        return
    raise PermissionDenied("you do not have access to this patient's record")


def _require_role(actor: Actor, role: Role) -> None:
    if actor.role is not role:
        raise PermissionDenied(f"only a {role.value} may do this")
