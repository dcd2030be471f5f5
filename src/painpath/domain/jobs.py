"""Background jobs and stored files: the records of work the system does for a user (not clinical
facts). Their rows live in the database; these are the values services see."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

__all__ = ["Job", "StoredFile"]


@dataclass(frozen=True, slots=True)
class Job:
    id: str
    kind: str
    status: str  # pending -> running -> done | failed
    progress: float
    message: str
    payload: Mapping[str, Any]
    result: Mapping[str, Any] | None
    patient_id: str | None
    clinic_id: int | None
    created_by: int | None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class StoredFile:
    id: str
    patient_id: str
    clinic_id: int
    filename: str
    content_type: str
    size_bytes: int
    sha256: str
    storage_key: str
    created_by: int
    created_at: datetime
    deleted: bool
