"""Assigning instruments on a schedule, and what is due, overdue or next."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date, timedelta

from painpath.adapters.instrument_catalogue import get_instrument
from painpath.domain.access import Access
from painpath.domain.dates import MAX_SCHEDULE_AHEAD_DAYS, check_window
from painpath.domain.errors import InvalidInput
from painpath.domain.outcomes.instruments import Instrument
from painpath.domain.ports import UnitOfWork
from painpath.domain.progression.resume import Schedule
from painpath.domain.records import RecordKind, RecordVersion
from painpath.services.context import Call, operation
from painpath.services.questionnaires._common import (
    EARLY_DAYS,
    GRACE_DAYS,
    MAX_WEEK,
    DueItem,
    ResponseView,
    form_wording,
    open_episode_id,
    schedule_points,
)


def _check_schedule(schedule_weeks: Sequence[int]) -> list[int]:
    weeks = sorted(set(schedule_weeks))
    if not weeks:
        raise InvalidInput("choose at least one week in the schedule (0 = now)")
    if any(not isinstance(w, int) or not 0 <= w <= MAX_WEEK for w in weeks):
        raise InvalidInput(f"schedule weeks must be whole numbers from 0 to {MAX_WEEK}")
    return weeks


@operation(Access.PATIENT_CLINICAL, audit="questionnaire.assign")
def assign_instruments(
    call: Call,
    *,
    patient_id: str,
    instruments: Sequence[str],
    schedule_weeks: Sequence[int],
    start: date,
) -> RecordVersion:
    """Assign instruments to be completed at ``start`` + each of ``schedule_weeks`` weeks."""
    ids = list(dict.fromkeys(i.strip() for i in instruments if i.strip()))
    if not ids:
        raise InvalidInput("choose at least one questionnaire to assign")
    for instrument_id in ids:
        get_instrument(instrument_id)  # UnknownInstrument (an InvalidInput) names the known ids
    weeks = _check_schedule(schedule_weeks)
    check_window(
        start,
        today=call.ctx.clock.today(),
        what="schedule start",
        future_days=MAX_SCHEDULE_AHEAD_DAYS,
    )
    record = call.uow.records.add(
        kind=RecordKind.ASSIGNMENT,
        patient_id=patient_id,
        episode_id=open_episode_id(call, patient_id),
        payload={"instruments": ids, "schedule_weeks": weeks, "start": start.isoformat()},
        created_by=call.actor.user_id,
    )
    call.audit_detail.update(
        record_id=record.record_id, instrument_ids=ids, start=start.isoformat(), reviews=len(weeks)
    )
    return record


def _status_of(
    instrument: Instrument, points: list[tuple[date, int]], done: list[date], today: date
) -> DueItem:
    """Each time point is answered by a response from EARLY_DAYS before it up to the next."""
    last_done = max(done) if done else None
    open_point: tuple[date, int] | None = None
    for index, (due_on, week) in enumerate(points):
        if due_on - timedelta(days=EARLY_DAYS) > today:
            break
        window_end = (
            points[index + 1][0] - timedelta(days=EARLY_DAYS)
            if index + 1 < len(points)
            else date.max
        )
        answered = any(due_on - timedelta(days=EARLY_DAYS) <= d < window_end for d in done)
        open_point = None if answered else (due_on, week)
    upcoming = next((d for d, _ in points if d - timedelta(days=EARLY_DAYS) > today), None)
    if open_point is not None:
        late = today > open_point[0] + timedelta(days=GRACE_DAYS)
        return DueItem(
            instrument.id,
            instrument.name,
            "overdue" if late else "due",
            open_point[0],
            open_point[1],
            upcoming,
            last_done,
        )
    status = "upcoming" if upcoming else "complete"
    return DueItem(instrument.id, instrument.name, status, upcoming, None, upcoming, last_done)


_STATUS_ORDER = {"overdue": 0, "due": 1, "upcoming": 2, "complete": 3}


@operation(Access.PATIENT_READ, audit="questionnaire.due")
def due_questionnaires(call: Call, *, patient_id: str) -> list[DueItem]:
    """Every assigned instrument with what is due now, overdue, or next (most urgent first)."""
    return due_items(call.uow, patient_id, call.ctx.clock.today())


def due_items(uow: UnitOfWork, patient_id: str, today: date) -> list[DueItem]:
    """``due_questionnaires`` without the access check, for callers that authorised already
    (the reminder scheduler runs as the system and asks on the patient's own local day)."""
    schedule = schedule_of(uow, patient_id)
    patient = uow.patients.get(patient_id)
    items = []
    for instrument_id, points, done in schedule:
        instrument = get_instrument(instrument_id)
        item = _status_of(instrument, list(points), list(done), today)
        on_paper = patient is None or form_wording(uow, instrument, patient.clinic_id) is None
        items.append(replace(item, on_paper=on_paper))
    items.sort(key=lambda i: (_STATUS_ORDER[i.status], i.due_on or date.max, i.name))
    return items


def schedule_of(uow: UnitOfWork, patient_id: str) -> Schedule:
    """Per assigned instrument: its time points (due day, week) and the days it was answered,
    all that ``due_items`` reads from the records (the caseload summary keeps it)."""
    assignments = uow.records.list_current(kind=RecordKind.ASSIGNMENT, patient_id=patient_id)
    responses = [
        ResponseView.of(r)
        for r in uow.records.list_current(kind=RecordKind.RESPONSE, patient_id=patient_id)
    ]
    return tuple(
        (
            instrument_id,
            tuple(points),
            tuple(r.completed_on for r in responses if r.instrument_id == instrument_id),
        )
        for instrument_id, points in schedule_points(assignments).items()
    )


def next_review(schedule: Schedule, today: date) -> date | None:
    """The first due day of the instruments that are overdue, due or upcoming on ``today``
    (the caseload's "next review"), from ``schedule_of``."""
    due = []
    for instrument_id, points, done in schedule:
        item = _status_of(get_instrument(instrument_id), list(points), list(done), today)
        if item.status in ("overdue", "due", "upcoming") and item.due_on:
            due.append(item.due_on)
    return min(due, default=None)
