"""Sign in, sign out, and turning a session cookie back into an actor."""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass
from datetime import timedelta

from painpath.domain.accounts import Actor
from painpath.domain.errors import AuthenticationRequired, RateLimited
from painpath.services.context import ServiceContext

__all__ = ["SignIn", "SignInLimiter", "resolve_session", "sign_in", "sign_out"]


@dataclass(frozen=True)
class SignIn:
    token: str  # goes in the HttpOnly cookie; only its hash is stored
    csrf_token: str
    actor: Actor


class SignInLimiter:
    """Sliding-window limit on failed sign-ins per (client, account). Per process.

    A clinic network running several web processes should put this in Redis; the embedded
    default runs one process, where memory is enough.
    """

    def __init__(self, *, attempts: int, window_s: float) -> None:
        self._attempts = attempts
        self._window_s = window_s
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def check(self, key: str) -> None:
        now = time.monotonic()
        with self._lock:
            recent = self._failures.get(key)
            while recent and now - recent[0] > self._window_s:
                recent.popleft()
            if recent and len(recent) >= self._attempts:
                wait = int(self._window_s - (now - recent[0])) + 1
                raise RateLimited(f"too many sign-in attempts; try again in {wait} seconds")

    def failed(self, key: str) -> None:
        with self._lock:
            self._failures.setdefault(key, deque()).append(time.monotonic())

    def succeeded(self, key: str) -> None:
        with self._lock:
            self._failures.pop(key, None)


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def sign_in(
    ctx: ServiceContext, *, email: str, password: str, client: str, limiter: SignInLimiter
) -> SignIn:
    key = f"{client}|{email.strip().lower()}"
    limiter.check(key)
    # Read the account, then verify the password with no transaction open: argon2 takes tens
    # of milliseconds on purpose, and SQLite's write lock must not wait on it.
    with ctx.uow_factory() as uow:
        user = uow.users.by_email(email.strip())
        stored = uow.users.password_hash(user.id) if user else None
    # Verify against a dummy hash when the account is unknown, so timing reveals nothing.
    ok = ctx.hasher.verify(stored or _DUMMY_HASH.get(ctx), password)
    if user is None or not user.active or not ok:
        limiter.failed(key)
        with ctx.uow_factory() as uow:
            uow.audit.append(
                action="auth.signin",
                actor_user_id=user.id if user else None,
                actor_role=user.role.value if user else None,
                clinic_id=user.clinic_id if user else None,
                request_id=ctx.request_id,
                detail={"email": email.strip().lower()[:320]},
                outcome="denied",
            )
            uow.commit()
        raise AuthenticationRequired("the email or password is not right")
    token = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    with ctx.uow_factory() as uow:
        uow.sessions.add(id_hash=_hash_token(token), user_id=user.id, csrf_token=csrf)
        uow.users.mark_signed_in(user.id)
        uow.audit.append(
            action="auth.signin",
            actor_user_id=user.id,
            actor_role=user.role.value,
            clinic_id=user.clinic_id,
            request_id=ctx.request_id,
        )
        uow.commit()
    limiter.succeeded(key)
    actor = Actor(user.id, user.role, user.clinic_id, user.name, user.patient_id)
    return SignIn(token=token, csrf_token=csrf, actor=actor)


def resolve_session(ctx: ServiceContext, *, token: str, idle_minutes: int) -> tuple[Actor, str]:
    """Return (actor, csrf token) for a live session; refresh its last-seen time."""
    now = ctx.clock.now()
    with ctx.uow_factory() as uow:
        row = uow.sessions.get(_hash_token(token))
        if row is None or row.revoked_at is not None:
            raise AuthenticationRequired("please sign in")
        if now - row.last_seen_at > timedelta(minutes=idle_minutes):
            uow.sessions.revoke(row.id_hash)
            uow.commit()
            raise AuthenticationRequired("you were signed out after a period of inactivity")
        user = uow.users.get(row.user_id)
        if user is None or not user.active:
            raise AuthenticationRequired("this account is no longer active")
        # Touch at most once a minute: a page with many requests should not write each time.
        if now - row.last_seen_at > timedelta(minutes=1):
            uow.sessions.touch(row.id_hash, at=now)
            uow.commit()
        csrf = row.csrf_token
    return Actor(user.id, user.role, user.clinic_id, user.name, user.patient_id), csrf


def sign_out(ctx: ServiceContext, *, token: str) -> None:
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
