"""The caseload: every patient of the clinician's clinic with a summary row, sorted and filtered.

The summary (``domain/caseload.py``) is recomputed for a patient in the same transaction as
every write to their clinical records (the unit of work's commit hook calls
``refresh_summaries``), so reading the caseload is two queries whatever the history length:
which rows are stale (a new patient, or a new day since the row was computed), and the sorted,
filtered page. Stale rows are recomputed on read (the day's first caseload) and by the hourly
scheduled task ``caseload.refresh`` ahead of it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from painpath.domain.access import Access
from painpath.domain.accounts import Patient
from painpath.domain.caseload import (
    FUNCTION_INSTRUMENTS,
    CaseloadFilter,
    CaseloadSort,
    PatientSummary,
    SummaryAlert,
    adherence,
    pain_trend,
)
from painpath.domain.ports import UnitOfWork
from painpath.services.context import Call, ServiceContext, operation
from painpath.services.progress import build_summary
from painpath.services.questionnaires.schedule import due_items
from painpath.services.scheduled import scheduled

__all__ = [
    "CaseloadEntry",
    "caseload",
    "compute_summary",
    "refresh_stale_summaries",
    "refresh_summaries",
]

log = logging.getLogger(__name__)
_OPEN = ("overdue", "due", "upcoming")
_NOT_COMPUTED = date(1970, 1, 1)  # never "today": the next read tries again


@dataclass(frozen=True)
class CaseloadEntry:
    patient: Patient
    summary: PatientSummary


def compute_summary(uow: UnitOfWork, patient: Patient, today: date) -> PatientSummary:
    """The patient's summary from their records, replayed in full (the reference answer)."""
    progress = build_summary(uow, patient, today)
    days = {c.day for c in progress.checkins if c.day <= today}
    start = (
        progress.programme.start_day
        if progress.programme is not None
        else (min(days) if days else None)
    )
    function = [o for o in progress.outcomes if o.instrument in FUNCTION_INSTRUMENTS and o.category]
    latest_function = max(function, key=lambda o: o.series[-1][0], default=None)
    due = [i.due_on for i in due_items(uow, patient.id, today) if i.status in _OPEN and i.due_on]
    return PatientSummary(
        patient_id=patient.id,
        computed_on=today,
        quota=progress.quota_today if progress.quota_today is not None else progress.next_quota,
        unit=progress.programme.unit if progress.programme else None,
        last_checkin=max(days) if days else None,
        adherence_7=adherence(days, start=start, today=today, days=7),
        adherence_28=adherence(days, start=start, today=today, days=28),
        alerts=tuple(SummaryAlert(a.code, a.severity.value, a.message) for a in progress.alerts),
        next_review=min(due, default=None),
        pain_trend=pain_trend(
            [(c.day, c.pain_now) for c in progress.checkins], start=start, today=today
        ),
        function_trend=latest_function.category if latest_function else None,
    )


def refresh_summaries(uow: UnitOfWork, patient_ids: Iterable[str], today: date) -> None:
    """Recompute and store the summaries of ``patient_ids`` inside the caller's transaction."""
    for patient_id in sorted(set(patient_ids)):
        patient = uow.patients.get(patient_id)
        if patient is None:
            continue
        uow.summaries.put(_safe_summary(uow, patient, today), clinic_id=patient.clinic_id)


def _safe_summary(uow: UnitOfWork, patient: Patient, today: date) -> PatientSummary:
    """The summary, or (logged) one marked out of date when a record cannot be read: a derived
    view must never block the write that stored the record, nor the whole caseload."""
    try:
        return compute_summary(uow, patient, today)
    except Exception:  # any unreadable record; the row is retried on the next read
        log.exception("caseload summary of patient %s could not be computed", patient.id)
        return PatientSummary(patient.id, computed_on=_NOT_COMPUTED)


def _refresh_stale(uow: UnitOfWork, clinic_id: int, today: date) -> int:
    stale = uow.summaries.stale(clinic_id=clinic_id, today=today)
    for patient in stale:
        uow.summaries.put(_safe_summary(uow, patient, today), clinic_id=patient.clinic_id)
    return len(stale)


@operation(Access.CLINICIAN, audit="caseload.read")
def caseload(
    call: Call,
    *,
    where: CaseloadFilter | None = None,
    sort: CaseloadSort = CaseloadSort.URGENCY,
    descending: bool = False,
) -> list[CaseloadEntry]:
    """The clinician's own clinic's patients with their summaries, filtered and sorted."""
    where = where or CaseloadFilter()
    today = call.ctx.clock.today()
    clinic_id = call.actor.clinic_id
    refreshed = _refresh_stale(call.uow, clinic_id, today)
    rows = call.uow.summaries.caseload(
        clinic_id=clinic_id, today=today, where=where, sort=sort, descending=descending
    )
    call.audit_detail.update(
        patients=len(rows), sort=sort.value, refreshed=refreshed, searched=bool(where.query)
    )
    return [
        CaseloadEntry(patient, summary or PatientSummary(patient.id, today))
        for patient, summary in rows
        if patient.clinic_id == clinic_id  # defence in depth: the query is clinic-scoped
    ]


@scheduled("caseload.refresh", every_s=3600)
def refresh_stale_summaries(ctx: ServiceContext) -> dict[str, int]:
    """Recompute every clinic's summaries that are not for today (a day has passed)."""
    today = ctx.clock.today()
    done = 0
    with ctx.uow_factory() as uow:
        for clinic in uow.clinics.list():
            done += _refresh_stale(uow, clinic.id, today)
        uow.commit()
    return {"refreshed": done}
