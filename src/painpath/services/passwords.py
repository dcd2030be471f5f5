"""The signed-in user's password and sessions, and password reset by e-mailed link.

Reset: a one-time link (random token; only its SHA-256 is stored) that expires after
``PAINPATH_PASSWORD_RESET_MINUTES``; asking for one never reveals whether the address has an
account; the mail goes out after the transaction commits. Setting a new password (change or
reset) revokes the account's other sessions and every other open reset link.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from painpath.adapters.mail import OutgoingMail
from painpath.domain.accounts import SignInSession, User
from painpath.domain.errors import (
    AuthenticationRequired,
    Conflict,
    InvalidInput,
    SecondFactorSetupRequired,
)
from painpath.domain.ports import UnitOfWork
from painpath.services.accounts import validate_password
from painpath.services.context import ServiceContext
from painpath.services.engagement._common import public_link

__all__ = [
    "ResetLink",
    "change_password",
    "complete_password_reset",
    "list_sessions",
    "open_password_reset",
    "request_password_reset",
    "revoke_other_sessions",
]


def _sha(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _actor_id(ctx: ServiceContext) -> int:
    if ctx.actor is None:
        raise AuthenticationRequired("please sign in")
    if ctx.actor.mfa_setup_required:
        raise SecondFactorSetupRequired()
    return ctx.actor.user_id


def _store_new_password(
    ctx: ServiceContext,
    uow: UnitOfWork,
    user: User,
    new_hash: str,
    *,
    action: str,
    keep: str | None = None,
) -> int:
    """Store the new hash, end the user's other sessions and open reset links, audit it, and
    commit; return how many sessions were ended (a change keeps the session that made it)."""
    uow.users.set_password_hash(user.id, new_hash)
    revoked = uow.sessions.revoke_all(user.id, keep=keep)
    uow.password_resets.cancel_open(user.id, at=ctx.clock.now())
    uow.audit.append(
        action=action,
        actor_user_id=user.id,
        actor_role=user.role.value,
        clinic_id=user.clinic_id,
        request_id=ctx.request_id,
        detail={"sessions_revoked": revoked},
    )
    uow.commit()
    return revoked


def change_password(
    ctx: ServiceContext, *, current: str, new: str, again: str, session_token: str
) -> int:
    """Change the signed-in user's password; return how many other sessions were ended."""
    user_id = _actor_id(ctx)
    if new != again:
        raise InvalidInput("the two new passwords are not the same")
    with ctx.uow_factory() as uow:  # read; the hash check below runs with no transaction open
        user = uow.users.get(user_id)
        stored = uow.users.password_hash(user_id)
    if user is None or stored is None or not ctx.hasher.verify(stored, current):
        raise InvalidInput("the current password is not right")
    validate_password(new, personal=(user.name, user.email))
    if ctx.hasher.verify(stored, new):
        raise InvalidInput("the new password must differ from the current one")
    new_hash = ctx.hasher.hash(new)
    with ctx.uow_factory() as uow:
        revoked = _store_new_password(
            ctx, uow, user, new_hash, action="auth.password.change", keep=_sha(session_token)
        )
    return revoked


def list_sessions(ctx: ServiceContext) -> list[SignInSession]:
    user_id = _actor_id(ctx)
    with ctx.uow_factory() as uow:
        return uow.sessions.for_user(user_id)


def revoke_other_sessions(ctx: ServiceContext, *, session_token: str) -> int:
    user_id = _actor_id(ctx)
    with ctx.uow_factory() as uow:
        revoked = uow.sessions.revoke_all(user_id, keep=_sha(session_token))
        uow.audit.append(
            action="auth.sessions.revoke",
            actor_user_id=user_id,
            actor_role=ctx.actor.role.value if ctx.actor else None,
            clinic_id=ctx.actor.clinic_id if ctx.actor else None,
            request_id=ctx.request_id,
            detail={"sessions_revoked": revoked},
        )
        uow.commit()
    return revoked


def request_password_reset(ctx: ServiceContext, *, email: str, minutes: int = 30) -> None:
    """E-mail a one-time reset link if the address has an active account; say nothing either
    way (the page shows the same message)."""
    now = ctx.clock.now()
    mail: OutgoingMail | None = None
    with ctx.uow_factory() as uow:
        user = uow.users.by_email(email.strip().lower()[:320])
        if user is None or not user.active:
            return
        token = secrets.token_urlsafe(32)
        uow.password_resets.cancel_open(user.id, at=now)  # only the newest link works
        uow.password_resets.add(
            user_id=user.id,
            token_hash=_sha(token),
            created_at=now,
            expires_at=now + timedelta(minutes=minutes),
        )
        uow.audit.append(
            action="auth.password.reset.request",
            actor_user_id=user.id,
            actor_role=user.role.value,
            clinic_id=user.clinic_id,
            request_id=ctx.request_id,
        )
        link = public_link(ctx, f"/password/reset/{token}")
        mail = OutgoingMail(
            to=user.email,
            subject="Setting a new PainPath password",
            body=(
                "Someone (we hope you) asked to set a new password for your PainPath account.\n\n"
                f"Open this link to choose a new password:\n{link}\n\n"
                f"The link works once, for {minutes} minutes. If you did not ask for it, you "
                "can ignore this message: your password stays as it is.\n"
            ),
        )
        uow.commit()
    ctx.mail.send(mail)  # after the commit: a slow mail server holds no database lock


@dataclass(frozen=True)
class ResetLink:
    email: str


def _live_reset(ctx: ServiceContext, token: str) -> tuple[int, int]:
    with ctx.uow_factory() as uow:
        reset = uow.password_resets.by_token(_sha(token))
        if reset is None or reset.used_at is not None:
            raise Conflict("this link was used already or replaced by a newer one")
        if ctx.clock.now() > reset.expires_at:
            raise Conflict("this link has expired; please ask for a new one")
        return reset.id, reset.user_id


def open_password_reset(ctx: ServiceContext, *, token: str) -> ResetLink:
    _, user_id = _live_reset(ctx, token)
    with ctx.uow_factory() as uow:
        user = uow.users.get(user_id)
    assert user is not None
    return ResetLink(email=user.email)


def complete_password_reset(ctx: ServiceContext, *, token: str, new: str, again: str) -> None:
    reset_id, user_id = _live_reset(ctx, token)
    if new != again:
        raise InvalidInput("the two new passwords are not the same")
    with ctx.uow_factory() as uow:
        user = uow.users.get(user_id)
    assert user is not None
    validate_password(new, personal=(user.name, user.email))
    new_hash = ctx.hasher.hash(new)
    with ctx.uow_factory() as uow:
        if not uow.password_resets.use(reset_id, at=ctx.clock.now()):
            raise Conflict("this link was used already or replaced by a newer one")
        _store_new_password(ctx, uow, user, new_hash, action="auth.password.reset")
