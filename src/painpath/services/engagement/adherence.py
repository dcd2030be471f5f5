"""Adherence insight for the clinician: reminders sent, links opened, check-ins that followed."""

from __future__ import annotations

from datetime import timedelta

from painpath.domain.access import Access
from painpath.domain.engagement.adherence import AdherenceSummary, summarise_adherence
from painpath.domain.engagement.reminders import local_day_start, validate_time_zone
from painpath.services.context import Call, operation

__all__ = ["adherence_insight"]


@operation(Access.PATIENT_CLINICAL, audit="reminder.adherence")
def adherence_insight(call: Call, *, patient_id: str, days: int = 30) -> AdherenceSummary:
    """The last ``days`` local days of reminders for one patient and what followed them."""
    prefs = call.uow.reminders.preferences(patient_id)
    zone = prefs.time_zone if prefs else "UTC"
    today = call.ctx.clock.now().astimezone(validate_time_zone(zone)).date()
    since = today - timedelta(days=days - 1)
    sends = call.uow.reminders.sends_for(patient_id, since=since)
    marks = call.uow.reminders.checkin_marks(patient_id, since=local_day_start(since, zone))
    return summarise_adherence(sends, marks, days=days)
