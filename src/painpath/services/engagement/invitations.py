"""Invitations: the clinician invites a patient by e-mail; the patient sets their own password.

The link is one-time and expiring (``PAINPATH_INVITATION_DAYS``); resending issues a new token
(the old link stops working); revoking ends it. Accepting creates the patient's sign-in, records
the privacy notice version they accepted, and uses the link up. The password is hashed before
the write transaction opens, so a slow hash never holds the database's write lock.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError

from painpath.domain.access import Access
from painpath.domain.accounts import Role
from painpath.domain.engagement.invitations import (
    INVITATION_DAYS,
    PRIVACY_NOTICE_VERSION,
    Invitation,
    InvitationStatus,
    check_usable,
)
from painpath.domain.engagement.mailtext import invitation_mail
from painpath.domain.errors import Conflict, InvalidInput, NotFound
from painpath.services.accounts import validate_password
from painpath.services.context import Call, ServiceContext, operation
from painpath.services.engagement._common import FormProblems, mail_of, public_link
from painpath.services.engagement.tokens import hash_token, new_token

__all__ = [
    "InvitationLanding",
    "InvitationPanel",
    "accept_invitation",
    "check_new_password",
    "invitation_panel",
    "invite_patient",
    "open_invitation",
    "resend_invitation",
    "revoke_invitation",
]

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_DEAD_LINK = "This link does not work. Ask your care team to send you a new one."


@dataclass(frozen=True)
class InvitationPanel:
    """What the clinician sees: the patient's sign-in, or their invitations and status."""

    account_email: str | None
    default_email: str
    invitations: tuple[tuple[Invitation, InvitationStatus], ...]

    @property
    def pending(self) -> Invitation | None:
        return next((i for i, s in self.invitations if s is InvitationStatus.PENDING), None)


@dataclass(frozen=True)
class InvitationLanding:
    """What the set-password page shows the holder of a live link."""

    email: str
    clinic_name: str
    expires_at: datetime


def check_new_password(password: str, again: str) -> str | None:
    """The set-password page's one password check: a message, or None when it is fine.

    Uses the project's password policy (``services.accounts.validate_password``), so a
    stricter policy applies here the moment it lands there.
    """
    try:
        validate_password(password)
    except InvalidInput as err:
        return str(err)
    if password != again:
        return "the two passwords are not the same"
    return None


def _lifetime(call: Call) -> timedelta:
    return timedelta(days=int(call.ctx.extras.get("invitation_days", INVITATION_DAYS)))


def _send_after_commit(call: Call, invitation: Invitation, token: str) -> None:
    clinic = call.uow.clinics.get(invitation.clinic_id)
    text = invitation_mail(
        clinic_name=clinic.name if clinic else "Your clinic",
        link=public_link(call.ctx, f"/invite/{token}"),
        expires_on=invitation.expires_at.date(),
    )
    mail = mail_of(invitation.email, text)
    call.after_commit.append(lambda: call.ctx.mail.send(mail))  # DeliveryFailed reaches the page


def _check_invitable(call: Call, patient_id: str, email: str) -> None:
    if call.uow.users.by_patient(patient_id) is not None:
        raise Conflict("this patient already has a sign-in; no invitation is needed")
    if not _EMAIL.match(email):
        raise InvalidInput("please give the patient's e-mail address")
    if call.uow.users.by_email(email) is not None:
        raise Conflict("an account with this e-mail already exists")


@operation(Access.PATIENT_CLINICAL, audit="invitation.send")
def invite_patient(call: Call, *, patient_id: str, email: str | None = None) -> Invitation:
    """Invite the patient by e-mail (their record's address unless another is given). A live
    earlier invitation is revoked: one working link at a time."""
    address = (email or call.the_patient.email or "").strip()
    _check_invitable(call, patient_id, address)
    now = call.ctx.clock.now()
    for old in call.uow.invitations.for_patient(patient_id):
        if old.status_at(now) is InvitationStatus.PENDING:
            call.uow.invitations.revoke(old.id, at=now, by=call.actor.user_id)
    token, token_hash = new_token()
    invitation = call.uow.invitations.add(
        patient_id=patient_id,
        clinic_id=call.the_patient.clinic_id,
        email=address,
        token_hash=token_hash,
        created_by=call.actor.user_id,
        at=now,
        expires_at=now + _lifetime(call),
    )
    _send_after_commit(call, invitation, token)
    call.audit_detail["invitation_id"] = invitation.id
    return invitation


def _invitation_of(call: Call, patient_id: str, invitation_id: str) -> Invitation:
    invitation = call.uow.invitations.get(invitation_id)
    if invitation is None or invitation.patient_id != patient_id:
        raise NotFound("no such invitation for this patient")
    call.audit_detail["invitation_id"] = invitation.id
    return invitation


@operation(Access.PATIENT_CLINICAL, audit="invitation.resend")
def resend_invitation(call: Call, *, patient_id: str, invitation_id: str) -> Invitation:
    """Send the invitation again with a new link and a new expiry; the old link stops working."""
    invitation = _invitation_of(call, patient_id, invitation_id)
    now = call.ctx.clock.now()
    status = invitation.status_at(now)
    if status not in (InvitationStatus.PENDING, InvitationStatus.EXPIRED):
        raise Conflict(f"this invitation is {status.value}; send a new invitation instead")
    _check_invitable(call, patient_id, invitation.email)
    token, token_hash = new_token()
    expires = now + _lifetime(call)
    call.uow.invitations.reissue(invitation.id, token_hash=token_hash, at=now, expires_at=expires)
    fresh = call.uow.invitations.get(invitation.id)
    assert fresh is not None
    _send_after_commit(call, fresh, token)
    return fresh


@operation(Access.PATIENT_CLINICAL, audit="invitation.revoke")
def revoke_invitation(call: Call, *, patient_id: str, invitation_id: str) -> None:
    invitation = _invitation_of(call, patient_id, invitation_id)
    if invitation.accepted_at is not None:
        raise Conflict("this invitation was accepted already; the patient has a sign-in")
    call.uow.invitations.revoke(invitation.id, at=call.ctx.clock.now(), by=call.actor.user_id)


@operation(Access.PATIENT_CLINICAL, audit="invitation.list")
def invitation_panel(call: Call, *, patient_id: str) -> InvitationPanel:
    now = call.ctx.clock.now()
    account = call.uow.users.by_patient(patient_id)
    invitations = call.uow.invitations.for_patient(patient_id)
    return InvitationPanel(
        account_email=account.email if account else None,
        default_email=call.the_patient.email or "",
        invitations=tuple((i, i.status_at(now)) for i in invitations),
    )


def _live_invitation(call: Call, token: str) -> Invitation:
    invitation = call.uow.invitations.by_token(hash_token(token))
    if invitation is None:
        raise NotFound(_DEAD_LINK)
    check_usable(invitation, call.ctx.clock.now())
    call.patient = call.uow.patients.get(invitation.patient_id)
    if call.patient is None:
        raise NotFound(_DEAD_LINK)
    call.audit_detail["invitation_id"] = invitation.id
    return invitation


@operation(Access.PUBLIC, audit="invitation.open")
def open_invitation(call: Call, *, token: str) -> InvitationLanding:
    """The set-password page's facts for a live link; a dead link raises in plain words."""
    invitation = _live_invitation(call, token)
    clinic = call.uow.clinics.get(invitation.clinic_id)
    return InvitationLanding(invitation.email, clinic.name if clinic else "", invitation.expires_at)


def accept_invitation(
    ctx: ServiceContext, *, token: str, password: str, password_again: str, privacy_accepted: bool
) -> str:
    """Create the patient's sign-in from a live link; returns the e-mail they sign in with.

    Raises ``FormProblems`` (field -> message) for the form, and a plain-worded error when the
    link is dead or was used meanwhile (the account then exists once, never twice).
    """
    open_invitation(ctx, token=token)  # a dead link fails before any password work
    problems: dict[str, str] = {}
    if message := check_new_password(password, password_again):
        problems["password"] = message
    if not privacy_accepted:
        problems["privacy"] = "please read the privacy notice and tick the box to agree"
    if problems:
        raise FormProblems(problems)
    password_hash = ctx.hasher.hash(password)  # outside the write transaction (slow on purpose)
    return _complete_acceptance(ctx, token=token, password_hash=password_hash)


@operation(Access.PUBLIC, audit="invitation.accept")
def _complete_acceptance(call: Call, *, token: str, password_hash: str) -> str:
    invitation = _live_invitation(call, token)
    patient = call.the_patient
    if call.uow.users.by_patient(patient.id) is not None:
        raise Conflict("You have a sign-in already. Please sign in with your e-mail.")
    if call.uow.users.by_email(invitation.email) is not None:
        raise Conflict("An account with this e-mail exists already. Please sign in.")
    try:
        user = call.uow.users.add(
            clinic_id=patient.clinic_id,
            email=invitation.email,
            name=patient.display_name,
            role=Role.PATIENT,
            password_hash=password_hash,
            patient_id=patient.id,
        )
    except IntegrityError as err:  # a second tab accepted at the same moment
        raise Conflict("This link has been used already. Please sign in.") from err
    now = call.ctx.clock.now()
    accepted = call.uow.invitations.mark_accepted(
        invitation.id, at=now, user_id=user.id, privacy_version=PRIVACY_NOTICE_VERSION
    )
    if not accepted:
        raise Conflict("This link has been used already. Please sign in.")
    call.audit_detail.update(user_id=user.id, privacy_version=PRIVACY_NOTICE_VERSION)
    return invitation.email
