"""TOTP second factor (RFC 6238, pyotp) with one-time recovery codes.

The shared secret is stored sealed: XOR with an HMAC-SHA256 keystream under the audit key
(outside the database) and a random nonce, so a database copy alone does not yield it.
A code is accepted once (the time step is remembered); a recovery code works once.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

import pyotp

from painpath.domain.accounts import Role, User
from painpath.domain.errors import AuthenticationRequired, InvalidInput
from painpath.domain.ports import UnitOfWork
from painpath.services.context import ServiceContext, retry_busy

__all__ = [
    "MfaSetup",
    "check_second_factor",
    "confirm_mfa",
    "mfa_enabled",
    "mfa_required_roles",
    "setup_required",
    "setup_required_given",
    "start_mfa",
]

RECOVERY_CODES = 10


def mfa_required_roles(ctx: ServiceContext) -> frozenset[Role]:
    """The roles that must sign in with a second factor (PAINPATH_MFA_REQUIRED_ROLES, put in
    the container's extras by bootstrap). Admins always; without the setting, admins only."""
    configured = ctx.extras.get("mfa_required_roles")
    roles = frozenset(configured) if configured is not None else frozenset()
    return roles | {Role.ADMIN}


def setup_required(ctx: ServiceContext, uow: UnitOfWork, user: User) -> bool:
    """True when ``user``'s role needs a second factor and the account has not turned one on:
    such an account may reach only the set-up page and sign-out."""
    return user.role in mfa_required_roles(ctx) and not uow.users.mfa(user.id).enabled


def setup_required_given(ctx: ServiceContext, user: User, *, mfa_enabled: bool) -> bool:
    """``setup_required`` when the account's second-factor state is already read (the
    session lookup reads it with the session)."""
    return user.role in mfa_required_roles(ctx) and not mfa_enabled


def _key(ctx: ServiceContext) -> bytes:
    return bytes(ctx.extras.get("audit_key", b"")) or b"painpath-mfa"


def _stream(key: bytes, nonce: bytes, user_id: int, n: int) -> bytes:
    return hmac.new(key, b"totp|%d|" % user_id + nonce, hashlib.sha256).digest()[:n]


def seal(ctx: ServiceContext, user_id: int, secret: str) -> str:
    raw = secret.encode("ascii")
    nonce = secrets.token_bytes(16)
    mixed = bytes(
        a ^ b for a, b in zip(raw, _stream(_key(ctx), nonce, user_id, len(raw)), strict=True)
    )
    return f"{nonce.hex()}:{mixed.hex()}"


def unseal(ctx: ServiceContext, user_id: int, sealed: str) -> str:
    nonce_hex, mixed_hex = sealed.split(":", 1)
    mixed = bytes.fromhex(mixed_hex)
    stream = _stream(_key(ctx), bytes.fromhex(nonce_hex), user_id, len(mixed))
    return bytes(a ^ b for a, b in zip(mixed, stream, strict=True)).decode("ascii")


def _sha(code: str) -> str:
    return hashlib.sha256(code.strip().lower().replace("-", "").encode()).hexdigest()


class MfaSetup:
    def __init__(self, secret: str, uri: str) -> None:
        self.secret = secret
        self.uri = uri


def _me(ctx: ServiceContext) -> int:
    if ctx.actor is None:
        raise AuthenticationRequired("please sign in")
    return ctx.actor.user_id


def mfa_enabled(ctx: ServiceContext, user_id: int) -> bool:
    with ctx.uow_factory() as uow:
        return uow.users.mfa(user_id).enabled


def start_mfa(
    ctx: ServiceContext, *, current_code: str | None = None, secret: str | None = None
) -> MfaSetup:
    """A new secret for the signed-in user (not active until confirmed with a first code).

    When the app is already on, ``current_code`` (a code from it or a recovery code) must be
    right: a borrowed session alone cannot swap the second factor for the borrower's phone.
    ``secret``: a given base32 key instead of a new random one (the demo admin's published
    key); never for real accounts.
    """
    user_id = _me(ctx)
    if mfa_enabled(ctx, user_id) and not check_second_factor(
        ctx, user_id=user_id, code=current_code
    ):
        raise InvalidInput(
            "to set up a new phone, first enter a code from your current app or a recovery code"
        )
    return _install_secret(ctx, user_id, secret or pyotp.random_base32())


def _install_secret(ctx: ServiceContext, user_id: int, secret: str) -> MfaSetup:
    with ctx.uow_factory() as uow:
        user = uow.users.get(user_id)
        assert user is not None
        uow.users.set_mfa(user_id, sealed_secret=seal(ctx, user_id, secret), enabled_at=None)
        uow.commit()
    uri = pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name="PainPath")
    return MfaSetup(secret, uri)


def confirm_mfa(ctx: ServiceContext, *, code: str) -> list[str]:
    """Turn the second factor on with a first right code; return the recovery codes (shown
    once, stored as hashes)."""
    user_id = _me(ctx)
    with ctx.uow_factory() as uow:
        state = uow.users.mfa(user_id)
        if state.sealed_secret is None:
            raise InvalidInput("start the set-up first")
        totp = pyotp.TOTP(unseal(ctx, user_id, state.sealed_secret))
        step = _matching_step(totp, code, ctx.clock.now().timestamp())
        if step is None:
            raise InvalidInput("the code is not right; check the time on your phone")
        codes = [f"{secrets.token_hex(4)}-{secrets.token_hex(4)}" for _ in range(RECOVERY_CODES)]
        uow.users.set_mfa(user_id, sealed_secret=state.sealed_secret, enabled_at=ctx.clock.now())
        uow.users.use_mfa_step(user_id, step)  # the set-up code cannot sign in afterwards
        uow.recovery_codes.replace(user_id, [_sha(c) for c in codes])
        uow.audit.append(
            action="auth.mfa.enable",
            actor_user_id=user_id,
            actor_role=ctx.actor.role.value if ctx.actor else None,
            clinic_id=ctx.actor.clinic_id if ctx.actor else None,
            request_id=ctx.request_id,
        )
        uow.commit()
    return codes


def check_second_factor(ctx: ServiceContext, *, user_id: int, code: str | None) -> bool:
    """True when MFA is off for the user or ``code`` is a fresh TOTP code or an unused
    recovery code (then used up). Runs inside no other transaction."""
    # Rerun when the database is busy: a rolled-back attempt used up no code.
    return retry_busy(lambda: _check_second_factor(ctx, user_id=user_id, code=code))


def _check_second_factor(ctx: ServiceContext, *, user_id: int, code: str | None) -> bool:
    with ctx.uow_factory() as uow:
        state = uow.users.mfa(user_id)
        if not state.enabled:
            return True
        if not code or not code.strip():
            return False
        assert state.sealed_secret is not None
        totp = pyotp.TOTP(unseal(ctx, user_id, state.sealed_secret))
        now = ctx.clock.now()
        cleaned = code.strip().replace(" ", "")
        if cleaned.isdigit() and len(cleaned) == 6:
            step = _matching_step(totp, cleaned, now.timestamp())
            if step is None:
                return False
            ok = uow.users.use_mfa_step(user_id, step)  # a replayed code fails
            uow.commit()
            return ok
        ok = uow.recovery_codes.use(user_id, _sha(cleaned), at=now)
        uow.commit()
        return ok


def _matching_step(totp: pyotp.TOTP, code: str, now_s: float) -> int | None:
    """The time step (now, one before or one after: phone clocks drift) whose code is
    ``code``, or None."""
    cleaned = code.strip().replace(" ", "")
    if not (cleaned.isdigit() and len(cleaned) == 6):
        return None
    for offset in (0, -1, 1):
        at = now_s + offset * totp.interval
        if hmac.compare_digest(totp.at(at), cleaned):
            return int(at // totp.interval)
    return None
