"""Repositories for the sign-in machinery: attempts (shared limits), password resets, and
MFA recovery codes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from painpath.adapters.db.accounts import aware
from painpath.adapters.db.tables import PasswordResetRow, RecoveryCodeRow, SignInAttemptRow
from painpath.domain.accounts import AttemptCounts, PasswordReset

__all__ = ["PasswordResetRepo", "RecoveryCodeRepo", "SignInAttemptRepo"]

_COUNTED = ("pending", "failed")


class SignInAttemptRepo:
    """Every worker counts the same rows, so the limits hold across processes."""

    def __init__(self, session: Session) -> None:
        self._s = session

    def prune(self, *, before: datetime, batch: int = 500) -> None:
        """Delete up to ``batch`` expired rows. On PostgreSQL rows that another sign-in is
        already deleting are skipped (``SKIP LOCKED``), so concurrent sign-ins never queue on
        the same expired rows; SQLite has one writer at a time anyway."""
        expired = (
            select(SignInAttemptRow.id)
            .where(SignInAttemptRow.at < before)
            .order_by(SignInAttemptRow.id)
            .limit(batch)
        )
        if self._s.get_bind().dialect.name == "postgresql":
            expired = expired.with_for_update(skip_locked=True)
        self._s.execute(delete(SignInAttemptRow).where(SignInAttemptRow.id.in_(expired)))

    def counts(self, *, account: str, client: str, since: datetime) -> AttemptCounts:
        counted = (SignInAttemptRow.kind.in_(_COUNTED), SignInAttemptRow.at >= since)

        def n(*where: object) -> int:
            stmt = select(func.count()).select_from(SignInAttemptRow).where(*counted, *where)  # type: ignore[arg-type]
            return int(self._s.scalar(stmt) or 0)

        return AttemptCounts(
            account=n(SignInAttemptRow.account == account),
            client=n(SignInAttemptRow.client == client),
            total=n(),
        )

    def add(self, *, account: str, client: str, at: datetime, kind: str) -> int:
        row = SignInAttemptRow(account=account, client=client, at=at, kind=kind)
        self._s.add(row)
        self._s.flush()
        return row.id

    def set_kind(self, attempt_id: int, kind: str) -> None:
        self._s.execute(
            update(SignInAttemptRow).where(SignInAttemptRow.id == attempt_id).values(kind=kind)
        )

    def remove(self, attempt_id: int) -> None:
        self._s.execute(delete(SignInAttemptRow).where(SignInAttemptRow.id == attempt_id))

    def has_block(self, *, account: str, client: str, since: datetime) -> bool:
        stmt = select(SignInAttemptRow.id).where(
            SignInAttemptRow.kind == "blocked",
            SignInAttemptRow.account == account,
            SignInAttemptRow.client == client,
            SignInAttemptRow.at >= since,
        )
        return self._s.scalar(stmt.limit(1)) is not None

    def total_rows(self) -> int:
        return int(self._s.scalar(select(func.count()).select_from(SignInAttemptRow)) or 0)


def _reset(row: PasswordResetRow) -> PasswordReset:
    return PasswordReset(
        id=row.id,
        user_id=row.user_id,
        created_at=aware(row.created_at),
        expires_at=aware(row.expires_at),
        used_at=aware(row.used_at) if row.used_at else None,
    )


class PasswordResetRepo:
    def __init__(self, session: Session) -> None:
        self._s = session

    def add(
        self, *, user_id: int, token_hash: str, created_at: datetime, expires_at: datetime
    ) -> PasswordReset:
        row = PasswordResetRow(
            user_id=user_id, token_hash=token_hash, created_at=created_at, expires_at=expires_at
        )
        self._s.add(row)
        self._s.flush()
        return _reset(row)

    def by_token(self, token_hash: str) -> PasswordReset | None:
        row = self._s.scalar(
            select(PasswordResetRow).where(PasswordResetRow.token_hash == token_hash)
        )
        return _reset(row) if row else None

    def use(self, reset_id: int, *, at: datetime) -> bool:
        """Mark used once: False when another request used it first."""
        result = self._s.execute(
            update(PasswordResetRow)
            .where(PasswordResetRow.id == reset_id, PasswordResetRow.used_at.is_(None))
            .values(used_at=at)
        )
        return bool(getattr(result, "rowcount", 0))

    def cancel_open(self, user_id: int, *, at: datetime) -> None:
        """Every unused link of this user stops working (a newer link, or a changed password)."""
        self._s.execute(
            update(PasswordResetRow)
            .where(PasswordResetRow.user_id == user_id, PasswordResetRow.used_at.is_(None))
            .values(used_at=at)
        )


class RecoveryCodeRepo:
    def __init__(self, session: Session) -> None:
        self._s = session

    def replace(self, user_id: int, code_hashes: list[str]) -> None:
        self._s.execute(delete(RecoveryCodeRow).where(RecoveryCodeRow.user_id == user_id))
        self._s.add_all(RecoveryCodeRow(user_id=user_id, code_hash=h) for h in code_hashes)
        self._s.flush()

    def use(self, user_id: int, code_hash: str, *, at: datetime) -> bool:
        result = self._s.execute(
            update(RecoveryCodeRow)
            .where(
                RecoveryCodeRow.user_id == user_id,
                RecoveryCodeRow.code_hash == code_hash,
                RecoveryCodeRow.used_at.is_(None),
            )
            .values(used_at=at)
        )
        return bool(getattr(result, "rowcount", 0))

    def remaining(self, user_id: int) -> int:
        stmt = select(func.count()).where(
            RecoveryCodeRow.user_id == user_id, RecoveryCodeRow.used_at.is_(None)
        )
        return int(self._s.scalar(stmt) or 0)
