"""Background jobs and stored files (movement videos)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from painpath.adapters.db.accounts import aware
from painpath.adapters.db.tables import JobRow, StoredFileRow, utcnow
from painpath.domain.jobs import Job, StoredFile

__all__ = ["JobRepo", "StoredFileRepo"]


def _job(row: JobRow) -> Job:
    return Job(
        id=row.id,
        kind=row.kind,
        status=row.status,
        progress=row.progress,
        message=row.message,
        payload=row.payload or {},
        result=row.result,
        patient_id=row.patient_id,
        clinic_id=row.clinic_id,
        created_by=row.created_by,
        created_at=aware(row.created_at),
        updated_at=aware(row.updated_at),
    )


class JobRepo:
    def __init__(self, session: Session) -> None:
        self._s = session

    def add(
        self,
        *,
        kind: str,
        payload: Mapping[str, Any],
        patient_id: str | None,
        clinic_id: int | None,
        created_by: int | None,
    ) -> Job:
        row = JobRow(
            id=str(uuid.uuid4()),
            kind=kind,
            payload=dict(payload),
            patient_id=patient_id,
            clinic_id=clinic_id,
            created_by=created_by,
            status="pending",
            message="waiting to start",
        )
        self._s.add(row)
        self._s.flush()
        return _job(row)

    def get(self, job_id: str) -> Job | None:
        row = self._s.get(JobRow, job_id)
        return _job(row) if row else None

    def claim(self, job_id: str) -> bool:
        """Move a pending job to running; False if another worker got it first."""
        stmt = (
            update(JobRow)
            .where(JobRow.id == job_id, JobRow.status == "pending")
            .values(
                status="running",
                attempts=JobRow.attempts + 1,
                updated_at=utcnow(),
                message="started",
            )
        )
        return bool(self._s.execute(stmt).rowcount)  # type: ignore[attr-defined]

    def pending_ids(self, *, limit: int = 20) -> list[str]:
        stmt = (
            select(JobRow.id).where(JobRow.status == "pending").order_by(JobRow.created_at)
        ).limit(limit)
        return list(self._s.scalars(stmt))

    def update(
        self,
        job_id: str,
        *,
        status: str | None = None,
        progress: float | None = None,
        message: str | None = None,
        result: Mapping[str, Any] | None = None,
    ) -> None:
        row = self._s.get_one(JobRow, job_id)
        if status is not None:
            row.status = status
        if progress is not None:
            row.progress = max(0.0, min(1.0, progress))
        if message is not None:
            row.message = message
        if result is not None:
            row.result = dict(result)
        row.updated_at = utcnow()

    def expire_running(self, *, silent_since: datetime, message: str) -> list[str]:
        """Running jobs whose worker stopped sending heartbeats (``updated_at``) are failed."""
        ids = list(
            self._s.scalars(
                select(JobRow.id).where(
                    JobRow.status == "running", JobRow.updated_at < silent_since
                )
            )
        )
        if ids:
            self._s.execute(
                update(JobRow)
                .where(JobRow.id.in_(ids), JobRow.status == "running")
                .values(
                    status="failed", message=message, result={"error": message}, updated_at=utcnow()
                )
            )
        return ids

    def requeue(self, job_id: str) -> bool:
        stmt = (
            update(JobRow)
            .where(JobRow.id == job_id, JobRow.status == "failed")
            .values(
                status="pending",
                progress=0.0,
                message="waiting to start again",
                result=None,
                updated_at=utcnow(),
            )
        )
        return bool(self._s.execute(stmt).rowcount)  # type: ignore[attr-defined]

    def latest(self, *, kind: str, clinic_id: int | None) -> Job | None:
        row = self._s.scalar(
            select(JobRow)
            .where(JobRow.kind == kind, JobRow.clinic_id == clinic_id)
            .order_by(JobRow.created_at.desc())
            .limit(1)
        )
        return _job(row) if row else None

    def for_patient(self, patient_id: str, *, limit: int = 20) -> list[Job]:
        stmt = (
            select(JobRow)
            .where(JobRow.patient_id == patient_id)
            .order_by(JobRow.created_at.desc())
            .limit(limit)
        )
        return [_job(r) for r in self._s.scalars(stmt)]


def _file(row: StoredFileRow) -> StoredFile:
    return StoredFile(
        id=row.id,
        patient_id=row.patient_id,
        clinic_id=row.clinic_id,
        filename=row.filename,
        content_type=row.content_type,
        size_bytes=row.size_bytes,
        sha256=row.sha256,
        storage_key=row.storage_key,
        created_by=row.created_by,
        created_at=aware(row.created_at),
        deleted=row.deleted_at is not None,
    )


class StoredFileRepo:
    def __init__(self, session: Session) -> None:
        self._s = session

    def add(
        self,
        *,
        patient_id: str,
        clinic_id: int,
        created_by: int,
        filename: str,
        content_type: str,
        size_bytes: int,
        sha256: str,
        storage_key: str,
    ) -> StoredFile:
        row = StoredFileRow(
            id=str(uuid.uuid4()),
            patient_id=patient_id,
            clinic_id=clinic_id,
            created_by=created_by,
            filename=filename,
            content_type=content_type,
            size_bytes=size_bytes,
            sha256=sha256,
            storage_key=storage_key,
        )
        self._s.add(row)
        self._s.flush()
        return _file(row)

    def get(self, file_id: str) -> StoredFile | None:
        row = self._s.get(StoredFileRow, file_id)
        return _file(row) if row else None

    def for_patient(self, patient_id: str) -> list[StoredFile]:
        stmt = (
            select(StoredFileRow)
            .where(StoredFileRow.patient_id == patient_id, StoredFileRow.deleted_at.is_(None))
            .order_by(StoredFileRow.created_at.desc())
        )
        return [_file(r) for r in self._s.scalars(stmt)]

    def mark_deleted(self, file_id: str, *, by: int, reason: str) -> None:
        row = self._s.get_one(StoredFileRow, file_id)
        row.deleted_at = utcnow()
        row.deleted_by = by
        row.delete_reason = reason
