"""Sign in, sign out, and turning a session cookie back into an actor.

Sign-in limits live in the database (``signin_attempts``), so every web worker counts the
same attempts: per account, per client address and in total, inside a sliding window. An
attempt is recorded *before* the password is checked (as "pending"), so parallel guesses
count at once; the argon2 verification runs between two short transactions, never inside
a write transaction. Failed attempts are audited while they are counted; once a scope is
blocked, only the first blocked attempt of each window is audited, and rows older than the
window are deleted: the tables stay bounded however hard someone knocks.

Each of those short transactions is rerun (``retry_busy``: jittered, capped backoff) when the
database reports a deadlock, serialization failure, lock timeout or no free connection, so a
burst of sign-ins meets a wait, not an HTTP 503. None of them holds a row another sign-in
needs for long: the attempt rows are each sign-in's own, expired rows are pruned with
``SKIP LOCKED`` (PostgreSQL), and the audit chain's head is locked only while the commit seals
the events (adapters/db/audit.py).
"""

from __future__ import annotations

import hashlib
import secrets
import threading
from dataclasses import dataclass
from datetime import timedelta

from painpath.domain.accounts import Actor, User
from painpath.domain.errors import AuthenticationRequired, RateLimited
from painpath.services.context import ServiceContext, retry_busy
from painpath.services.mfa import check_second_factor, setup_required, setup_required_given

__all__ = [
    "SecondFactorRequired",
    "SignIn",
    "SignInLimiter",
    "resolve_session",
    "sign_in",
    "sign_out",
]


class SecondFactorRequired(AuthenticationRequired):
    """The password was right but the account's second factor was missing or wrong."""


_WILDCARD = "*"


@dataclass(frozen=True)
class SignIn:
    token: str  # goes in the HttpOnly cookie; only its hash is stored
    csrf_token: str
    actor: Actor


@dataclass(frozen=True)
class SignInLimiter:
    """The limits (the counts themselves are in the database): failed attempts allowed per
    account, per client address and in total inside ``window_s`` seconds."""

    attempts: int
    window_s: float
    client_attempts: int = 20
    global_attempts: int = 300


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _check_limits(ctx: ServiceContext, limiter: SignInLimiter, *, account: str, client: str) -> int:
    """Refuse when a limit is reached; else record a pending attempt and return its id."""
    return retry_busy(lambda: _check_limits_once(ctx, limiter, account=account, client=client))


def _check_limits_once(
    ctx: ServiceContext, limiter: SignInLimiter, *, account: str, client: str
) -> int:
    now = ctx.clock.now()
    since = now - timedelta(seconds=limiter.window_s)
    with ctx.uow_factory() as uow:
        uow.signin_attempts.prune(before=since)
        counts = uow.signin_attempts.counts(account=account, client=client, since=since)
        scope: tuple[str, str] | None = None
        if counts.total >= limiter.global_attempts:
            scope = (_WILDCARD, _WILDCARD)
        elif counts.client >= limiter.client_attempts:
            scope = (_WILDCARD, client)
        elif counts.account >= limiter.attempts:
            scope = (account, _WILDCARD)
        if scope is not None:
            # One audit event (and one marker row) per blocked scope and window.
            if not uow.signin_attempts.has_block(account=scope[0], client=scope[1], since=since):
                uow.signin_attempts.add(account=scope[0], client=scope[1], at=now, kind="blocked")
                which = {
                    (_WILDCARD, _WILDCARD): "all",
                    (_WILDCARD, client): "client",
                }.get(scope, "account")
                uow.audit.append(
                    action="auth.signin.blocked",
                    actor_user_id=None,
                    actor_role=None,
                    request_id=ctx.request_id,
                    detail={"scope": which, "client": client},
                    outcome="denied",
                )
            uow.commit()
            minutes = max(1, round(limiter.window_s / 60))
            raise RateLimited(f"too many sign-in attempts; try again in {minutes} minutes")
        attempt_id = uow.signin_attempts.add(account=account, client=client, at=now, kind="pending")
        uow.commit()
    return attempt_id


def sign_in(
    ctx: ServiceContext,
    *,
    email: str,
    password: str,
    client: str,
    limiter: SignInLimiter,
    user_agent: str | None = None,
    code: str | None = None,
) -> SignIn:
    """Check the password (and, when the account has it on, the authenticator or recovery
    code) and open a session. A missing or wrong code counts as a failed attempt.

    When the account's role needs a second factor (PAINPATH_MFA_REQUIRED_ROLES) and none is
    set up, the session opens with ``actor.mfa_setup_required``: the guard and every service
    operation then allow only the set-up page and signing out."""
    account = email.strip().lower()[:320]
    client = client[:64]
    attempt_id = _check_limits(ctx, limiter, account=account, client=client)
    user, stored = retry_busy(lambda: _account(ctx, account))  # closed before the hash check
    # Verify against a dummy hash when the account is unknown, so timing reveals nothing.
    ok = ctx.hasher.verify(stored or _DUMMY_HASH.get(ctx), password)
    needs_code = False
    # An account with the authenticator app on always needs its code (whatever the role);
    # a role that requires one but has none set up gets a session fit only for set-up.
    if (
        ok
        and user is not None
        and user.active
        and not check_second_factor(ctx, user_id=user.id, code=code)
    ):
        ok, needs_code = False, True
    if user is None or not user.active or not ok:
        retry_busy(lambda: _record_failure(ctx, attempt_id, user, client))
        if needs_code:
            raise SecondFactorRequired(
                "please enter the 6-digit code from your authenticator app (or a recovery code)"
            )
        raise AuthenticationRequired("the email or password is not right")
    return retry_busy(lambda: _open_session(ctx, attempt_id, user, client, user_agent))


def _account(ctx: ServiceContext, account: str) -> tuple[User | None, str | None]:
    with ctx.uow_factory() as uow:
        user = uow.users.by_email(account)
        return user, (uow.users.password_hash(user.id) if user else None)


def _record_failure(ctx: ServiceContext, attempt_id: int, user: User | None, client: str) -> None:
    with ctx.uow_factory() as uow:
        uow.signin_attempts.set_kind(attempt_id, "failed")
        uow.audit.append(
            action="auth.signin",
            actor_user_id=user.id if user else None,
            actor_role=user.role.value if user else None,
            clinic_id=user.clinic_id if user else None,
            request_id=ctx.request_id,
            detail={"client": client} if user else {"client": client, "account": "unknown"},
            outcome="denied",
        )
        uow.commit()


def _open_session(
    ctx: ServiceContext, attempt_id: int, user: User, client: str, user_agent: str | None
) -> SignIn:
    with ctx.uow_factory() as uow:
        uow.signin_attempts.remove(attempt_id)
        # Signing in again ends every earlier session of this account (a stolen cookie too).
        revoked = uow.sessions.revoke_all(user.id)
        token = secrets.token_urlsafe(32)
        csrf = secrets.token_urlsafe(32)
        uow.sessions.add(
            id_hash=_hash_token(token),
            user_id=user.id,
            csrf_token=csrf,
            client=client,
            user_agent=user_agent,
        )
        uow.users.mark_signed_in(user.id)
        needs_setup = setup_required(ctx, uow, user)
        uow.audit.append(
            action="auth.signin",
            actor_user_id=user.id,
            actor_role=user.role.value,
            clinic_id=user.clinic_id,
            request_id=ctx.request_id,
            detail={
                "client": client,
                "sessions_revoked": revoked,
                "mfa_setup_required": needs_setup,
            },
        )
        uow.commit()
    actor = Actor(user.id, user.role, user.clinic_id, user.name, user.patient_id, needs_setup)
    return SignIn(token=token, csrf_token=csrf, actor=actor)


def resolve_session(
    ctx: ServiceContext,
    *,
    token: str,
    idle_minutes: int,
    absolute_hours: int = 12,
    patient_id: str | None = None,
) -> tuple[Actor, str]:
    """Return (actor, csrf token) for a live session; refresh its last-seen time.

    A session ends after ``idle_minutes`` without a request, and ``absolute_hours`` after it
    began however active it is. ``patient_id`` (a patient-scoped request): the same statement
    reads the patient for the unit of work, which the access check that follows in it uses
    (nothing is decided from it here).
    """
    return retry_busy(
        lambda: _resolve(
            ctx,
            token=token,
            idle_minutes=idle_minutes,
            absolute_hours=absolute_hours,
            patient_id=patient_id,
        )
    )


def _resolve(
    ctx: ServiceContext,
    *,
    token: str,
    idle_minutes: int,
    absolute_hours: int,
    patient_id: str | None = None,
) -> tuple[Actor, str]:
    now = ctx.clock.now()
    with ctx.uow_factory() as uow:
        # Session, account and second-factor state in one statement, read on every request:
        # a sign-out, password change, deactivation or role change elsewhere (any process)
        # takes effect on the next request; nothing is cached.
        found = uow.sessions.with_account(_hash_token(token), patient_id=patient_id)
        if found is None or found.session.revoked_at is not None:
            raise AuthenticationRequired("please sign in")
        row, user = found.session, found.user
        if now - row.created_at > timedelta(hours=absolute_hours):
            uow.sessions.revoke(row.id_hash)
            uow.commit()
            raise AuthenticationRequired("your session reached its time limit; please sign in")
        if now - row.last_seen_at > timedelta(minutes=idle_minutes):
            uow.sessions.revoke(row.id_hash)
            uow.commit()
            raise AuthenticationRequired("you were signed out after a period of inactivity")
        if not user.active:
            raise AuthenticationRequired("this account is no longer active")
        # Touch at most once a minute: a page with many requests should not write each time.
        if now - row.last_seen_at > timedelta(minutes=1):
            uow.sessions.touch(row.id_hash, at=now)
            uow.commit()
        csrf = row.csrf_token
        # Read on every request, so a changed PAINPATH_MFA_REQUIRED_ROLES (or a second factor
        # turned on in this session) takes effect at once, not at the next sign-in.
        needs_setup = setup_required_given(ctx, user, mfa_enabled=found.mfa_enabled)
    actor = Actor(user.id, user.role, user.clinic_id, user.name, user.patient_id, needs_setup)
    return actor, csrf


def sign_out(ctx: ServiceContext, *, token: str) -> None:
    retry_busy(lambda: _sign_out(ctx, token=token))


def _sign_out(ctx: ServiceContext, *, token: str) -> None:
    with ctx.uow_factory() as uow:
        row = uow.sessions.get(_hash_token(token))
        if row is not None:
            uow.sessions.revoke(row.id_hash)
            uow.audit.append(
                action="auth.signout",
                actor_user_id=row.user_id,
                actor_role=ctx.actor.role.value if ctx.actor else None,
                clinic_id=ctx.actor.clinic_id if ctx.actor else None,
                request_id=ctx.request_id,
            )
            uow.commit()


class _DummyHash:
    """One hash of a random password per hasher, made on first use (not at import)."""

    def __init__(self) -> None:
        self._value: str | None = None
        self._lock = threading.Lock()

    def get(self, ctx: ServiceContext) -> str:
        with self._lock:
            if self._value is None:
                self._value = ctx.hasher.hash(secrets.token_urlsafe(16))
            return self._value


_DUMMY_HASH = _DummyHash()
