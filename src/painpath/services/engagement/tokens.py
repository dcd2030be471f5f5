"""One-time link tokens: random, sent once in an e-mail, stored only as a hash."""

from __future__ import annotations

import hashlib
import secrets

__all__ = ["hash_token", "new_token"]


def new_token() -> tuple[str, str]:
    """(token for the link, its SHA-256 hash for the database). 256 random bits."""
    token = secrets.token_urlsafe(32)
    return token, hash_token(token)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
