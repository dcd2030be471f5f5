"""A clinic's own exercises (migration 0004): the validated exercise as JSON and an optional
uploaded picture (PNG or JPEG, checked by ``domain.planning.custom.check_image``)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, LargeBinary, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from painpath.adapters.db.tables import Base, utcnow
from painpath.domain.planning.custom import CustomExerciseRecord

__all__ = ["CustomExerciseRepo", "CustomExerciseRow"]


class CustomExerciseRow(Base):
    __tablename__ = "custom_exercises"
    id: Mapped[str] = mapped_column(String(60), primary_key=True)
    clinic_id: Mapped[int] = mapped_column(ForeignKey("clinics.id"))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    image: Mapped[bytes | None] = mapped_column(LargeBinary)
    image_type: Mapped[str | None] = mapped_column(String(20))
    created_by: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    __table_args__ = (Index("ix_custom_exercises_clinic", "clinic_id"),)


def _record(row: CustomExerciseRow) -> CustomExerciseRecord:
    return CustomExerciseRecord(
        id=row.id,
        clinic_id=row.clinic_id,
        payload=dict(row.payload),
        image_type=row.image_type,
    )


class CustomExerciseRepo:
    def __init__(self, session: Session) -> None:
        self._s = session

    def add(
        self,
        *,
        exercise_id: str,
        clinic_id: int,
        payload: Mapping[str, Any],
        image: bytes | None,
        image_type: str | None,
        created_by: int,
    ) -> CustomExerciseRecord:
        row = CustomExerciseRow(
            id=exercise_id,
            clinic_id=clinic_id,
            payload=dict(payload),
            image=image,
            image_type=image_type,
            created_by=created_by,
        )
        self._s.add(row)
        self._s.flush()
        return _record(row)

    def for_clinic(self, clinic_id: int) -> list[CustomExerciseRecord]:
        stmt = select(CustomExerciseRow).where(CustomExerciseRow.clinic_id == clinic_id)
        return [_record(r) for r in self._s.scalars(stmt.order_by(CustomExerciseRow.id))]

    def image(self, exercise_id: str, *, clinic_id: int) -> tuple[bytes, str] | None:
        row = self._s.get(CustomExerciseRow, exercise_id)
        if row is None or row.clinic_id != clinic_id or not row.image or not row.image_type:
            return None
        return row.image, row.image_type
