"""The caseload's read model: ``patient_summaries``, one row per patient (migration 0003).

Rows are written by the unit of work's commit hook in the same transaction as the records they
summarise; the caseload is one query over ``patients`` joined to this table, filtered and
sorted in SQL, whatever the length of each history.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    and_,
    exists,
    func,
    or_,
    select,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, Session, mapped_column
from sqlalchemy.sql.elements import ColumnElement

from painpath.adapters.db.accounts import _patient
from painpath.adapters.db.tables import Base, EpisodeRow, PatientRow, utcnow
from painpath.domain.accounts import Patient
from painpath.domain.caseload import (
    NO_ALERT_RANK,
    PAIN_CHANGE_POINTS,
    TREND_RANK,
    CaseloadFilter,
    CaseloadSort,
    PatientSummary,
    SummaryAlert,
)

__all__ = ["PatientSummaryRow", "SummaryRepo"]


class PatientSummaryRow(Base):
    __tablename__ = "patient_summaries"
    patient_id: Mapped[str] = mapped_column(ForeignKey("patients.id"), primary_key=True)
    clinic_id: Mapped[int] = mapped_column(Integer)
    computed_on: Mapped[date] = mapped_column(Date)
    quota: Mapped[float | None] = mapped_column(Float)
    unit: Mapped[str | None] = mapped_column(String(20))
    last_checkin: Mapped[date | None] = mapped_column(Date)
    adherence_7: Mapped[float | None] = mapped_column(Float)
    adherence_28: Mapped[float | None] = mapped_column(Float)
    alert_rank: Mapped[int] = mapped_column(Integer)
    alert_count: Mapped[int] = mapped_column(Integer)
    alerts: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    next_review: Mapped[date | None] = mapped_column(Date)
    pain_trend: Mapped[float | None] = mapped_column(Float)
    function_trend: Mapped[str | None] = mapped_column(String(40))
    function_rank: Mapped[int | None] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # What resumes the engine for the next day (``domain/progression/resume.py``), or None.
    engine_state: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    __table_args__ = (Index("ix_patient_summaries_clinic", "clinic_id", "computed_on"),)


def _summary(row: PatientSummaryRow) -> PatientSummary:
    return PatientSummary(
        patient_id=row.patient_id,
        computed_on=row.computed_on,
        quota=row.quota,
        unit=row.unit,
        last_checkin=row.last_checkin,
        adherence_7=row.adherence_7,
        adherence_28=row.adherence_28,
        alerts=tuple(
            SummaryAlert(str(a["code"]), str(a["severity"]), str(a["message"]))
            for a in row.alerts or []
        ),
        next_review=row.next_review,
        pain_trend=row.pain_trend,
        function_trend=row.function_trend,
    )


def _values(summary: PatientSummary, clinic_id: int) -> dict[str, Any]:
    return {
        "patient_id": summary.patient_id,
        "clinic_id": clinic_id,
        "computed_on": summary.computed_on,
        "quota": summary.quota,
        "unit": summary.unit,
        "last_checkin": summary.last_checkin,
        "adherence_7": summary.adherence_7,
        "adherence_28": summary.adherence_28,
        "alert_rank": summary.alert_rank,
        "alert_count": len(summary.alerts),
        "alerts": [
            {"code": a.code, "severity": a.severity, "message": a.message} for a in summary.alerts
        ],
        "next_review": summary.next_review,
        "pain_trend": summary.pain_trend,
        "function_trend": summary.function_trend,
        "function_rank": summary.function_rank,
        "updated_at": utcnow(),
    }


S = PatientSummaryRow
_ORDER: dict[CaseloadSort, list[Any]] = {
    CaseloadSort.URGENCY: [func.coalesce(S.alert_rank, NO_ALERT_RANK), S.alert_count.desc()],
    CaseloadSort.NAME: [],
    CaseloadSort.LAST_CHECKIN: [S.last_checkin.asc().nulls_first()],
    CaseloadSort.ADHERENCE: [S.adherence_7.asc().nulls_last()],
    CaseloadSort.PAIN_TREND: [S.pain_trend.desc().nulls_last()],
    CaseloadSort.FUNCTION_TREND: [S.function_rank.asc().nulls_last()],
    CaseloadSort.NEXT_REVIEW: [S.next_review.asc().nulls_last()],
}
_REVERSED: dict[CaseloadSort, list[Any]] = {
    CaseloadSort.URGENCY: [func.coalesce(S.alert_rank, NO_ALERT_RANK).desc()],
    CaseloadSort.NAME: [],
    CaseloadSort.LAST_CHECKIN: [S.last_checkin.desc().nulls_last()],
    CaseloadSort.ADHERENCE: [S.adherence_7.desc().nulls_last()],
    CaseloadSort.PAIN_TREND: [S.pain_trend.asc().nulls_last()],
    CaseloadSort.FUNCTION_TREND: [S.function_rank.desc().nulls_last()],
    CaseloadSort.NEXT_REVIEW: [S.next_review.desc().nulls_last()],
}


def _upsert(insert: Any) -> Any:
    """Insert a summary row or replace every column of the existing one; built once per
    dialect (every check-in runs it: building it per call cost more than executing it)."""
    table = PatientSummaryRow.__table__
    stmt = insert(table)
    return stmt.on_conflict_do_update(
        index_elements=["patient_id"],
        set_={c.name: stmt.excluded[c.name] for c in table.columns if c.name != "patient_id"},
    )


_UPSERT = {"postgresql": _upsert(pg_insert), "sqlite": _upsert(sqlite_insert)}


def _conditions(f: CaseloadFilter, today: date) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if f.query.strip():
        like = f"%{f.query.strip().lower()}%"
        where.append(
            or_(
                func.lower(PatientRow.given_name).like(like),
                func.lower(PatientRow.family_name).like(like),
                func.lower(func.coalesce(PatientRow.mrn, "")).like(like),
            )
        )
    if f.alerts == "any":
        where.append(S.alert_count > 0)
    elif f.alerts == "urgent":
        where.append(S.alert_rank <= 1)
    if f.adherence_below is not None:
        where.append(S.adherence_7 < f.adherence_below)
    if f.silent_days is not None:
        where.append(
            or_(S.last_checkin.is_(None), S.last_checkin <= today - timedelta(f.silent_days))
        )
    if f.pain_worse:
        where.append(S.pain_trend >= PAIN_CHANGE_POINTS)
    if f.function_worse:
        where.append(S.function_rank == TREND_RANK["worsened"])
    if f.review_within_days is not None:
        where.append(S.next_review <= today + timedelta(f.review_within_days))
    if f.episodes in ("active", "discharged"):
        of_patient = EpisodeRow.patient_id == PatientRow.id
        has_open = exists().where(of_patient, EpisodeRow.status == "open")
        has_any = exists().where(of_patient)
        if f.episodes == "active":
            where.append(or_(has_open, ~has_any))
        else:
            where.append(and_(has_any, ~has_open))
    return where


class SummaryRepo:
    def __init__(self, session: Session) -> None:
        self._s = session

    def get(self, patient_id: str) -> PatientSummary | None:
        row = self._s.get(PatientSummaryRow, patient_id)
        return _summary(row) if row is not None else None

    def state(self, patient_id: str) -> Mapping[str, Any] | None:
        return self._s.scalar(
            select(PatientSummaryRow.engine_state).where(PatientSummaryRow.patient_id == patient_id)
        )

    def put(
        self, summary: PatientSummary, *, clinic_id: int, state: Mapping[str, Any] | None = None
    ) -> None:
        """Insert or replace the patient's summary (one statement on both backends)."""
        values = _values(summary, clinic_id)
        values["engine_state"] = None if state is None else dict(state)
        self._s.execute(_UPSERT[self._s.get_bind().dialect.name], values)

    def stale(self, *, clinic_id: int, today: date, limit: int = 1000) -> list[Patient]:
        """The clinic's patients without a summary for ``today`` (new, or a day has passed)."""
        stmt = (
            select(PatientRow)
            .outerjoin(S, S.patient_id == PatientRow.id)
            .where(
                PatientRow.clinic_id == clinic_id,
                PatientRow.voided.is_(False),
                or_(S.computed_on.is_(None), S.computed_on != today),
            )
            .limit(limit)
        )
        return [_patient(r) for r in self._s.scalars(stmt)]

    def caseload(
        self,
        *,
        clinic_id: int,
        today: date,
        where: CaseloadFilter,
        sort: CaseloadSort = CaseloadSort.URGENCY,
        descending: bool = False,
        limit: int = 500,
    ) -> list[tuple[Patient, PatientSummary | None]]:
        stmt = (
            select(PatientRow, S)
            .outerjoin(S, S.patient_id == PatientRow.id)
            .where(PatientRow.clinic_id == clinic_id, PatientRow.voided.is_(False))
        )
        for condition in _conditions(where, today):
            stmt = stmt.where(condition)
        order = (_REVERSED if descending else _ORDER)[sort]
        names: list[Any] = [PatientRow.family_name, PatientRow.given_name, PatientRow.id]
        if sort is CaseloadSort.NAME and descending:
            names = [PatientRow.family_name.desc(), PatientRow.given_name.desc(), PatientRow.id]
        stmt = stmt.order_by(*order, *names).limit(limit)
        return [
            (_patient(p), _summary(s) if s is not None else None) for p, s in self._s.execute(stmt)
        ]
