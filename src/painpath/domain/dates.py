"""Plausible date windows for what people type (issue 12: one check-in dated year 0001 made a
progress page of 8 MB). A date outside its window is ``InvalidInput`` (HTTP 400), not stored.

The windows are input bounds chosen by the project (not clinical rules): a late entry may be
up to a year old, and a schedule may start up to a year before or after today.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from painpath.domain.accounts import Episode
from painpath.domain.errors import InvalidInput

__all__ = ["MAX_PAST_DAYS", "MAX_SCHEDULE_AHEAD_DAYS", "care_start", "check_window"]

MAX_PAST_DAYS = 366  # a late check-in, a programme or schedule start: at most about a year back
MAX_SCHEDULE_AHEAD_DAYS = 366


def care_start(episodes: Iterable[Episode]) -> date | None:
    """The day the patient's care began (the earliest episode's start), the lower bound of
    anything she reports: a late entry from an earlier episode is still allowed, a day before
    any care is not. None when she has no episode."""
    return min((e.started_on for e in episodes), default=None)


def check_window(
    day: date,
    *,
    today: date,
    what: str,
    past_days: int = MAX_PAST_DAYS,
    future_days: int = 0,
    not_before: date | None = None,
) -> date:
    """Return ``day`` if it lies in [today - past_days, today + future_days] and not before
    ``not_before``; otherwise raise InvalidInput naming the allowed range."""
    earliest = today - timedelta(days=past_days)
    latest = today + timedelta(days=future_days)
    if day > latest:
        if future_days == 0:
            raise InvalidInput(f"the {what} cannot be in the future ({day.isoformat()})")
        raise InvalidInput(f"the {what} must be on or before {latest.isoformat()}")
    if not_before is not None and not_before > earliest and day < not_before:
        raise InvalidInput(
            f"the {what} cannot be before care began on {not_before.isoformat()} "
            f"(got {day.isoformat()})"
        )
    if day < earliest:
        raise InvalidInput(
            f"the {what} must be on or after {earliest.isoformat()} (got {day.isoformat()})"
        )
    return day
