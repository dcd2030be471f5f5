"""Spreading a home program over the week: which exercises are today's.

A dose says how many times a week (``frequency_per_week``); the sessions are spread as evenly
as the 7 days allow, and each exercise is shifted by its place in the program so that the
days do not all pile up on Monday. Rest days between strength sessions follow from the even
spread (3 a week: Monday, Wednesday, Friday). This is a project default for presentation;
the dose itself comes from the plan.
"""

from __future__ import annotations

from datetime import date

__all__ = ["WEEKDAY_NAMES", "is_training_day", "training_weekdays"]

WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def training_weekdays(frequency_per_week: int, *, offset: int = 0) -> tuple[int, ...]:
    """Weekdays (0 = Monday) for ``frequency_per_week`` sessions, evenly spread, sorted.

    7 or more a week means every day (more than 7 is several sessions on the same day);
    0 or less means none.
    """
    if frequency_per_week >= 7:
        return tuple(range(7))
    if frequency_per_week <= 0:
        return ()
    step = 7 / frequency_per_week  # >= 7/6, so the floors below are all distinct
    return tuple(sorted((int(i * step) + offset) % 7 for i in range(frequency_per_week)))


def is_training_day(day: date, frequency_per_week: int, *, offset: int = 0) -> bool:
    return day.weekday() in training_weekdays(frequency_per_week, offset=offset)
