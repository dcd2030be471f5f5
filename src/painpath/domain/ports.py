"""Ports: the small interfaces the core needs from the outside world.

Concrete adapters live in ``painpath.adapters``; ``bootstrap.py`` alone picks them;
``tests/fakes.py`` has in-memory versions for unit tests.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any, Protocol

__all__ = ["Clock", "JobQueue", "PasswordHasher"]


class Clock(Protocol):
    def now(self) -> datetime: ...

    def today(self) -> date: ...


class PasswordHasher(Protocol):
    def hash(self, password: str) -> str: ...

    def verify(self, password_hash: str, password: str) -> bool: ...


class JobQueue(Protocol):
    """Hands a committed job id to whatever runs jobs (worker threads or Celery)."""

    def enqueue(self, job_id: str, kind: str, payload: Mapping[str, Any]) -> None: ...
