"""Invitations: a one-time, expiring link with which a patient sets up their own sign-in (pure).

The link carries a random token; only its hash is stored. A link works once, until it expires
or the clinician revokes it; resending issues a new token and the old link stops working.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from painpath.domain.errors import Conflict, InvalidInput

__all__ = [
    "INVITATION_DAYS",
    "PRIVACY_NOTICE_VERSION",
    "Invitation",
    "InvitationStatus",
    "check_usable",
]

INVITATION_DAYS = 7  # default lifetime of a link (PAINPATH_INVITATION_DAYS overrides)
# Bump when the privacy notice's content changes: acceptance records which version was shown.
PRIVACY_NOTICE_VERSION = "2026-1"


class InvitationStatus(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    REVOKED = "revoked"
    EXPIRED = "expired"


@dataclass(frozen=True, slots=True)
class Invitation:
    id: str
    patient_id: str
    clinic_id: int
    email: str
    created_by: int
    created_at: datetime
    expires_at: datetime
    sent_count: int
    last_sent_at: datetime
    accepted_at: datetime | None = None
    accepted_user_id: int | None = None
    privacy_version: str | None = None
    revoked_at: datetime | None = None

    def status_at(self, now: datetime) -> InvitationStatus:
        if self.accepted_at is not None:
            return InvitationStatus.ACCEPTED
        if self.revoked_at is not None:
            return InvitationStatus.REVOKED
        if now >= self.expires_at:
            return InvitationStatus.EXPIRED
        return InvitationStatus.PENDING


def check_usable(invitation: Invitation, now: datetime) -> None:
    """Raise with words a patient understands unless the link can still be used."""
    status = invitation.status_at(now)
    if status is InvitationStatus.ACCEPTED:
        raise Conflict("This link has been used already. Please sign in with your e-mail.")
    if status is InvitationStatus.REVOKED:
        raise InvalidInput("This link no longer works. Ask your care team for a new one.")
    if status is InvitationStatus.EXPIRED:
        raise InvalidInput("This link has run out of time. Ask your care team for a new one.")
