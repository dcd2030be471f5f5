"""The caseload's read model: one summary per patient, and how the caseload sorts and filters.

A ``PatientSummary`` is derived from the patient's records (programme, check-ins, responses,
assignments) for one day; services store it in the same transaction as every write to those
records, so the caseload reads one row per patient instead of replaying every history. The
functions here are pure: the same check-ins give the same numbers.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

__all__ = [
    "FUNCTION_INSTRUMENTS",
    "PAIN_CHANGE_POINTS",
    "TREND_RANK",
    "CaseloadFilter",
    "CaseloadSort",
    "PatientSummary",
    "SummaryAlert",
    "adherence",
    "pain_trend",
]

# NPRS: a change of about 2 points is clinically important in chronic pain (farrar2001).
PAIN_CHANGE_POINTS = 2.0
# Instruments whose total measures function or disability (not pain intensity or beliefs).
FUNCTION_INSTRUMENTS = frozenset(
    {"odi", "ndi", "lefs", "psfs", "quickdash", "spadi", "bpi-interference"}
)
# Sorting "worst first": a worsened function comes before no change, then improvement.
TREND_RANK = {
    "worsened": 0,
    "within measurement error": 1,
    "no important change": 1,
    "improved": 2,
}
_SEVERITY_RANK = {"urgent": 0, "high": 1, "medium": 2, "low": 3}
NO_ALERT_RANK = 5


@dataclass(frozen=True)
class SummaryAlert:
    code: str
    severity: str  # urgent | high | medium | low
    message: str


@dataclass(frozen=True)
class PatientSummary:
    """What the caseload shows for one patient, as of ``computed_on``."""

    patient_id: str
    computed_on: date
    quota: float | None = None  # the daily quota in force (programme unit)
    unit: str | None = None
    last_checkin: date | None = None
    adherence_7: float | None = None  # share of the last 7 days with a check-in (0-1)
    adherence_28: float | None = None
    alerts: tuple[SummaryAlert, ...] = ()
    next_review: date | None = None  # the earliest questionnaire due or overdue
    pain_trend: float | None = None  # last 7 days' mean NPRS minus the first week's
    function_trend: str | None = None  # improved | worsened | no important change | ...

    @property
    def alert_rank(self) -> int:
        return min((_SEVERITY_RANK.get(a.severity, 4) for a in self.alerts), default=5)

    @property
    def function_rank(self) -> int | None:
        return None if self.function_trend is None else TREND_RANK.get(self.function_trend, 1)


def adherence(
    checkin_days: Collection[date], *, start: date | None, today: date, days: int
) -> float | None:
    """Share of the last ``days`` days with a check-in, counting only days since ``start``.

    Today counts once it is reported (the day is not over before); None before any day counts.
    """
    if start is None:
        return None
    end = today if today in checkin_days else today - timedelta(days=1)
    window = [end - timedelta(days=i) for i in range(days)]
    window = [d for d in window if d >= start]
    if not window:
        return None
    return sum(1 for d in window if d in checkin_days) / len(window)


def pain_trend(
    pain_by_day: Sequence[tuple[date, float]], *, start: date | None, today: date
) -> float | None:
    """Mean pain of the last 7 days minus the mean of the first 7 days from ``start``.

    Negative is less pain. None until both weeks have check-ins and do not overlap.
    """
    if start is None or (today - start).days < 13:
        return None
    first = [p for d, p in pain_by_day if 0 <= (d - start).days < 7]
    recent = [p for d, p in pain_by_day if 0 <= (today - d).days < 7]
    if not first or not recent:
        return None
    return round(sum(recent) / len(recent) - sum(first) / len(first), 2)


class CaseloadSort(StrEnum):
    URGENCY = "urgency"  # alerts, most urgent first (the default)
    NAME = "name"
    LAST_CHECKIN = "last_checkin"  # longest silence first
    ADHERENCE = "adherence"  # lowest first
    PAIN_TREND = "pain_trend"  # most worsened first
    FUNCTION_TREND = "function_trend"  # worsened first
    NEXT_REVIEW = "next_review"  # soonest first


@dataclass(frozen=True)
class CaseloadFilter:
    """Every condition set must hold. Numbers are chosen by the clinician on the page."""

    query: str = ""
    alerts: str = ""  # "" | any | urgent (urgent or high)
    adherence_below: float | None = None  # 0-1
    silent_days: int | None = None  # no check-in for at least this many days (or never)
    pain_worse: bool = False  # pain up by at least PAIN_CHANGE_POINTS (farrar2001)
    function_worse: bool = False
    review_within_days: int | None = None  # next review due within this many days (or overdue)
    # Whose episode of care: "active" (the default: an open episode, or none recorded yet),
    # "discharged" (every episode closed) or "all".
    episodes: str = "active"
