"""The patient's daily check-in and its validation.

A check-in is one day's report: pain now and at worst (0-10 NPRS), sleep quality (0-10), how much
of the activity quota was actually done (minutes or units, >= 0), how many home exercises were
done, whether the day was a flare-up, and the pain on waking the next morning (the 24-hour
response of the pain-monitoring model, silbernagel2007 / pain_monitoring_model).

A day without a check-in is simply absent from the mapping: it never counts as a day on which
the quota was done.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from painpath.domain.errors import InvalidInput

__all__ = ["PAIN_MAX", "CheckIn", "ExerciseReport", "index_by_day", "validate_checkin"]

PAIN_MAX = 10.0  # NPRS 0-10
SLEEP_MAX = 10.0  # sleep quality 0 (worst) - 10 (best)
NOTE_MAX_CHARS = 2000


@dataclass(frozen=True, slots=True)
class ExerciseReport:
    """For an exercise under pain monitoring (silbernagel2007): NPRS 0-10 pain during it that
    day (None: not done), and pain or stiffness on waking that morning (None: not given).
    ``exercise_id`` is the plan item id (``exercise.heel-raise``)."""

    exercise_id: str
    during: float | None = None
    morning: float | None = None


@dataclass(frozen=True, slots=True)
class CheckIn:
    """One day's report.

    ``pain_now`` and ``pain_worst``: NPRS 0-10 (worst = during today's activity).
    ``sleep_quality``: 0 (very poor) - 10 (very good).
    ``quota_done``: minutes or units of the graded activity actually done (>= 0).
    ``exercises_done``: number of home-program exercises done (>= 0).
    ``flare``: the patient declares a flare-up today, with ``flare_severity`` 1 (mild),
    2 (moderate) or 3 (severe) and ``flare_days``, how many days it has lasted so far (1-60).
    Without a severity a flare counts as moderate.
    ``next_morning_pain``: NPRS 0-10 on waking the morning after this day, or None if unknown.
    """

    day: date
    pain_now: float
    pain_worst: float
    sleep_quality: float = 5.0
    quota_done: float = 0.0
    exercises_done: int = 0
    flare: bool = False
    next_morning_pain: float | None = None
    note: str = ""
    flare_severity: int | None = None
    flare_days: int | None = None
    exercise_pain: tuple[ExerciseReport, ...] = ()  # monitored exercises only

    def __post_init__(self) -> None:
        _check_ranges(self)


def _check_number(name: str, value: float, low: float, high: float) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
        raise InvalidInput(f"{name} must be a number from {low:g} to {high:g}, got {value!r}")
    if not low <= value <= high:
        raise InvalidInput(f"{name} must be from {low:g} to {high:g}, got {value:g}")


def _check_ranges(checkin: CheckIn) -> None:
    _check_number("pain_now", checkin.pain_now, 0.0, PAIN_MAX)
    _check_number("pain_worst", checkin.pain_worst, 0.0, PAIN_MAX)
    _check_number("sleep_quality", checkin.sleep_quality, 0.0, SLEEP_MAX)
    # Minutes or units done in one day: negative is impossible; more than a day's minutes is a typo.
    _check_number("quota_done", checkin.quota_done, 0.0, 24 * 60.0)
    if checkin.next_morning_pain is not None:
        _check_number("next_morning_pain", checkin.next_morning_pain, 0.0, PAIN_MAX)
    if isinstance(checkin.exercises_done, bool) or not isinstance(checkin.exercises_done, int):
        raise InvalidInput(f"exercises_done must be a whole number, got {checkin.exercises_done!r}")
    if checkin.exercises_done < 0:
        raise InvalidInput(f"exercises_done cannot be negative, got {checkin.exercises_done}")
    if checkin.pain_worst < checkin.pain_now:
        raise InvalidInput(
            f"pain_worst ({checkin.pain_worst:g}) cannot be lower than pain_now "
            f"({checkin.pain_now:g})"
        )
    for name, value, high in (
        ("flare_severity", checkin.flare_severity, 3),
        ("flare_days", checkin.flare_days, 60),
    ):
        if value is None:
            continue
        if not checkin.flare:
            raise InvalidInput(f"{name} is only given with a flare-up")
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= high:
            raise InvalidInput(f"{name} must be a whole number from 1 to {high}, got {value!r}")
    _check_exercise_pain(checkin.exercise_pain)
    if len(checkin.note) > NOTE_MAX_CHARS:
        raise InvalidInput(f"note is too long ({len(checkin.note)} > {NOTE_MAX_CHARS} characters)")


def _check_exercise_pain(reports: tuple[ExerciseReport, ...]) -> None:
    if len({r.exercise_id for r in reports}) != len(reports):
        raise InvalidInput("one answer per exercise and day")
    for r in reports:
        if not r.exercise_id.startswith("exercise.") or len(r.exercise_id) > 120:
            raise InvalidInput(f"unknown exercise {r.exercise_id[:40]!r}")
        for name, value in (("pain during", r.during), ("morning pain", r.morning)):
            if value is not None:
                _check_number(name, value, 0.0, PAIN_MAX)


def validate_checkin(checkin: CheckIn, *, today: date) -> CheckIn:
    """Return ``checkin`` if it is possible on ``today``; raise InvalidInput otherwise.

    Ranges are checked on construction; this adds the checks that need the current date.
    """
    _check_ranges(checkin)
    if checkin.day > today:
        raise InvalidInput(f"a check-in cannot be for a future day ({checkin.day} > {today})")
    return checkin


def index_by_day(checkins: Iterable[CheckIn]) -> Mapping[date, CheckIn]:
    """Map day -> check-in; two check-ins for one day is an error (correct by a new version)."""
    by_day: dict[date, CheckIn] = {}
    for checkin in checkins:
        if checkin.day in by_day:
            raise InvalidInput(f"two check-ins for {checkin.day}; keep one per day")
        by_day[checkin.day] = checkin
    return by_day
