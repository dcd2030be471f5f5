"""Typed settings, read once at start-up from ``PAINPATH_*`` environment variables.

Nothing here runs at import time: callers build ``Settings()`` and pass it down.
"""

from __future__ import annotations

import os
import secrets
import stat
from enum import StrEnum
from ipaddress import IPv4Network, IPv6Network, ip_network
from pathlib import Path

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from painpath.domain.errors import InvalidInput

__all__ = ["Mode", "Settings"]

_SECRET_FILE = "secret_key"
_AUDIT_KEY_FILE = "audit_key"
_PLACEHOLDERS = {"changeme", "change-me", "secret", "dev", "development", ""}


class Mode(StrEnum):
    EMBEDDED = "embedded"  # one laptop, one clinic: SQLite, worker threads, generated secret
    PRODUCTION = "production"  # refuses to start without an explicit secret key


class Settings(BaseSettings):
    """Every knob PainPath has. Environment variables use the prefix ``PAINPATH_``."""

    model_config = SettingsConfigDict(env_prefix="PAINPATH_", extra="ignore")

    mode: Mode = Mode.EMBEDDED
    data_dir: Path = Field(default_factory=lambda: Path("var").resolve())
    database_url: str | None = None
    secret_key: SecretStr | None = None
    broker_url: str | None = None
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    session_idle_minutes: int = Field(default=15, ge=1, le=24 * 60)
    session_absolute_hours: int = Field(default=12, ge=1, le=24 * 30)  # even if active
    # Sign-in limits, counted in the database so every web worker sees the same numbers:
    # failed attempts per account, per client address, and in total, inside the window.
    signin_attempts_per_window: int = Field(default=5, ge=1)
    signin_client_attempts_per_window: int = Field(default=20, ge=1)
    signin_global_attempts_per_window: int = Field(default=300, ge=1)
    signin_window_seconds: int = Field(default=300, ge=1)
    # Reverse proxies whose X-Forwarded-For is believed (comma-separated IPs or CIDR ranges).
    # Empty: the client address is the TCP peer, whatever headers say.
    trusted_proxies: str = ""
    password_reset_minutes: int = Field(default=30, ge=5, le=24 * 60)
    # Roles that must use a second factor (TOTP): "admin" or "admin,clinician". Admins always
    # do; patients never are forced. Such an account reaches only the set-up page until done.
    mfa_required_roles: str = "admin"
    # The audit chain's HMAC key. Unset: embedded mode keeps one in data_dir/audit_key (0600);
    # production mode refuses to start without it. Keep it outside the database's backups.
    audit_key: SecretStr | None = None
    audit_checkpoint_every: int = Field(default=100, ge=1)  # a signed checkpoint each N events
    # Audit event details hold identifiers, counts, codes, flags, days and field names only
    # (domain/audit_detail.py). Strict (tests, development): a refused detail raises, so the
    # call site is fixed. Off (the default, for clinics): the refused keys are dropped and
    # named under "dropped", and the action still commits.
    audit_strict: bool = False
    # How often (ms) each web process's sealer chains the committed audit events in a batch
    # (docs/architecture.md, "The audit chain"). Unset: 200 on PostgreSQL, where requests
    # then take no lock on the chain's head; 0 (SQLite's default: one writer at a time
    # anyway): each commit chains its own events under the head's lock.
    audit_seal_ms: int | None = Field(default=None, ge=0, le=60_000)
    worker_threads: int = Field(default=1, ge=0, le=16)
    # Database connections per process (docs/architecture.md, "Concurrency and pools"):
    # kept open, extra on demand, and how long a request waits for one before a 503.
    db_pool_size: int = Field(default=20, ge=1, le=200)
    db_max_overflow: int = Field(default=30, ge=0, le=200)
    db_pool_timeout_s: float = Field(default=30.0, gt=0, le=600)
    max_video_bytes: int = Field(default=200 * 1024 * 1024, ge=1)
    # Every other request body (forms, JSON); checked before the body is read (web/limits.py).
    max_body_bytes: int = Field(default=2 * 1024 * 1024, ge=1024)
    max_video_seconds: float = Field(default=120.0, gt=0)
    secure_cookies: bool | None = None  # None: decide per request (https -> Secure)
    # Outgoing e-mail (invitations, password reset, reminders). No host: messages are written
    # as .eml files under data_dir/outbox (embedded shape; nothing leaves the machine).
    smtp_host: str | None = None
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_starttls: bool = True
    smtp_implicit_tls: bool = False
    mail_from: str = "PainPath <no-reply@painpath.local>"
    # The address patients and staff reach PainPath at, for links in e-mails.
    public_base_url: str = "http://127.0.0.1:8000"
    # Engagement between visits: invitation links, reminders and secure messages.
    invitation_days: int = Field(default=7, ge=1, le=60)  # how long an invitation link works
    scheduler_seconds: float = Field(default=60.0, ge=0)  # embedded scheduler tick; 0 = off
    message_retention_days: int = Field(default=0, ge=0)  # delete older messages; 0 = keep all
    default_time_zone: str = "UTC"  # offered first on a patient's reminder settings

    @field_validator("data_dir")
    @classmethod
    def _absolute(cls, value: Path) -> Path:
        return value.expanduser().resolve()

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'painpath.sqlite3'}"

    @property
    def effective_audit_seal_ms(self) -> int:
        if self.audit_seal_ms is not None:
            return self.audit_seal_ms
        return 0 if self.is_sqlite else 200

    @property
    def is_sqlite(self) -> bool:
        return self.effective_database_url.startswith("sqlite")

    @property
    def video_dir(self) -> Path:
        return self.data_dir / "videos"

    @property
    def outbox_dir(self) -> Path:
        return self.data_dir / "outbox"

    @property
    def trusted_proxy_networks(self) -> list[IPv4Network | IPv6Network]:
        networks = []
        for part in self.trusted_proxies.split(","):
            if part.strip():
                try:
                    networks.append(ip_network(part.strip(), strict=False))
                except ValueError as err:
                    raise InvalidInput(f"PAINPATH_TRUSTED_PROXIES: {part.strip()!r}") from err
        return networks

    @property
    def mfa_roles(self) -> frozenset[str]:
        """The staff roles that must sign in with an authenticator app: admin always, and
        clinician when listed. Patients are never forced (their accounts are for their own
        reports, and a lost phone must not lock someone out of their care)."""
        roles = {r.strip().lower() for r in self.mfa_required_roles.split(",") if r.strip()}
        unknown = roles - {"admin", "clinician"}
        if unknown:
            raise InvalidInput(
                f"PAINPATH_MFA_REQUIRED_ROLES: {', '.join(sorted(unknown))} cannot be required"
                " (list admin and/or clinician)"
            )
        return frozenset(roles | {"admin"})

    def resolve_audit_key(self) -> bytes:
        """The key of the audit chain's HMAC and checkpoint signatures (outside the database)."""
        if self.audit_key is not None:
            value = self.audit_key.get_secret_value()
            if value.strip().lower() in _PLACEHOLDERS or len(value) < 16:
                raise InvalidInput(
                    "PAINPATH_AUDIT_KEY is a placeholder or shorter than 16 characters"
                )
            return value.encode("utf-8")
        if self.mode is Mode.PRODUCTION:
            raise InvalidInput(
                "production mode needs PAINPATH_AUDIT_KEY; refusing to start without it"
            )
        return _embedded_secret(self.data_dir / _AUDIT_KEY_FILE).encode("utf-8")

    def resolve_secret_key(self) -> str:
        """The secret that signs sessions and CSRF tokens.

        Embedded mode generates one on first use and keeps it in the data dir with 0600
        permissions; production mode refuses to start without an explicit, non-placeholder key.
        """
        if self.secret_key is not None:
            value = self.secret_key.get_secret_value()
            if value.strip().lower() in _PLACEHOLDERS or len(value) < 16:
                raise InvalidInput(
                    "PAINPATH_SECRET_KEY is a placeholder or shorter than 16 characters"
                )
            return value
        if self.mode is Mode.PRODUCTION:
            raise InvalidInput(
                "production mode needs PAINPATH_SECRET_KEY; refusing to start without it"
            )
        return _embedded_secret(self.data_dir / _SECRET_FILE)


def _embedded_secret(path: Path) -> str:
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, stat.S_IRUSR | stat.S_IWUSR)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(secrets.token_urlsafe(48))
    return path.read_text(encoding="utf-8").strip()
