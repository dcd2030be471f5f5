"""One error tree for the whole of PainPath.

::

    PainPathError
     ├── InvalidInput            bad input from a person or a file (HTTP 400/422, CLI exit 2)
     │    ├── UnknownInstrument  an instrument id that is not in the catalogue
     │    ├── InvalidAnswers     answers that break an instrument's published structure
     │    ├── InvalidCase        an assessment case that does not match the schema
     │    └── VideoError         a video that cannot be analysed (empty, corrupt, too big ...)
     │         └── QualityCheckFailed  the video decoded but the movement cannot be measured
     ├── NotFound                the thing does not exist, or the actor may not know it does
     ├── AuthenticationRequired  nobody is signed in, or the session expired (HTTP 401)
     ├── PermissionDenied        signed in, but this role or clinic may not do this (HTTP 403)
     │    └── SecondFactorSetupRequired  the role needs an authenticator app; none set up yet
     ├── Conflict                an edit raced another edit (optimistic locking) (HTTP 409)
     ├── SafetyBlock             an urgent red flag stops treatment planning (HTTP 409)
     ├── RateLimited             too many attempts; try again later (HTTP 429)
     ├── DeliveryFailed          the mail server refused or could not be reached (HTTP 503)
     ├── StorageBusy             the database stayed locked, its pool stayed full or a pooled
     │                           connection had gone; nothing written, rerun (HTTP 503)
     └── StorageLost             the connection broke during COMMIT: outcome unknown (HTTP 503)

Adapters wrap library errors in these with ``raise ... from``; ``web/errors.py`` maps
them to status codes in one place, and the CLI maps ``InvalidInput`` to exit code 2.
"""

from __future__ import annotations

__all__ = [
    "AuthenticationRequired",
    "Conflict",
    "DeliveryFailed",
    "InvalidAnswers",
    "InvalidCase",
    "InvalidInput",
    "NotFound",
    "PainPathError",
    "PermissionDenied",
    "QualityCheckFailed",
    "RateLimited",
    "SafetyBlock",
    "SecondFactorSetupRequired",
    "StorageBusy",
    "StorageLost",
    "UnknownInstrument",
    "VideoError",
]


class PainPathError(Exception):
    """Base of every error PainPath raises on purpose. ``str(err)`` is safe to show a user.

    ``reason``: a stable, machine-readable code for the few errors a client must tell apart
    (the JSON API returns it beside the message); None for the rest.
    """

    reason: str | None = None


class InvalidInput(PainPathError):
    """Input that breaks a declared constraint; the message says which and how to fix it."""


class UnknownInstrument(InvalidInput):
    """An instrument id that is not in the catalogue."""


class InvalidAnswers(InvalidInput):
    """Answers that break an instrument's structure: wrong count, value out of range."""


class InvalidCase(InvalidInput):
    """An assessment case (intake, examination) that does not match the schema."""


class VideoError(InvalidInput):
    """A video that cannot be analysed: empty, truncated, not a video, too long or too large."""


class QualityCheckFailed(VideoError):
    """The video decoded, but the movement cannot be measured reliably (no person, wrong view)."""


class NotFound(PainPathError):
    """The thing does not exist, or the actor is not allowed to learn that it exists."""


class AuthenticationRequired(PainPathError):
    """Nobody is signed in, or the session has expired."""


class PermissionDenied(PainPathError):
    """The signed-in user's role or clinic does not allow this operation."""


class SecondFactorSetupRequired(PermissionDenied):
    """The account's role must sign in with an authenticator app and this account has not set
    one up: until it does, it may only open the set-up page and sign out."""

    reason = "mfa_setup_required"

    def __init__(self, message: str | None = None) -> None:
        super().__init__(
            message
            or "your role needs a second step at sign-in: set up an authenticator app at "
            "/account/mfa before you continue"
        )


class Conflict(PainPathError):
    """The record changed since it was read (optimistic locking), or a unique fact exists."""


class SafetyBlock(PainPathError):
    """An urgent red flag: treatment planning stops and the patient needs medical referral."""


class RateLimited(PainPathError):
    """Too many attempts in a short time."""


class DeliveryFailed(PainPathError):
    """A message could not be handed to the mail server; the caller may retry later."""


class StorageBusy(PainPathError):
    """The database stayed locked (SQLite), deadlocked, had no free connection in time, or a
    pooled connection turned out to be closed (a server restart, a killed backend).

    Nothing was written (the transaction rolled back); service operations retry it a few
    times before it reaches the caller, who may retry later.
    """


class StorageLost(PainPathError):
    """The database connection broke while the transaction was committing: it may or may not
    have been saved. Never rerun automatically (it could store the same change twice); the
    person reloads to see whether it was saved."""
