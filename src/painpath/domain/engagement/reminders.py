"""Reminder preferences and when a reminder is due, in the patient's own time zone (pure).

A patient chooses a local time of day, an IANA time zone, optional quiet hours and a pause.
``reminder_day`` answers one question for the scheduler: at this instant, is the reminder of
some local day due? The scheduler then claims that (patient, local day) once in the database,
so however often it asks and however many workers ask, one reminder goes out per day.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from painpath.domain.errors import InvalidInput

__all__ = [
    "DEFAULT_QUIET",
    "DEFAULT_SEND_AT",
    "MAX_PAUSE_DAYS",
    "QuietHours",
    "ReminderKind",
    "ReminderPreferences",
    "ReminderRecipient",
    "known_time_zones",
    "local_day_start",
    "parse_clock_time",
    "questionnaire_nudge_due",
    "reminder_day",
    "validate_pause",
    "validate_preferences",
    "validate_time_zone",
]

MAX_PAUSE_DAYS = 90  # a longer break is "stop", not "pause" (project default)
_CLOCK = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)(:[0-5]\d)?$")


class ReminderKind:
    """What one reminder e-mail is about (a send may carry both)."""

    CHECKIN = "checkin"
    QUESTIONNAIRE = "questionnaire"
    ALL = (CHECKIN, QUESTIONNAIRE)


@dataclass(frozen=True, slots=True)
class QuietHours:
    """Local hours in which no reminder is sent; ``start == end`` means none. May wrap midnight
    (22:00-07:00)."""

    start: time
    end: time

    def contains(self, moment: time) -> bool:
        if self.start == self.end:
            return False
        if self.start < self.end:
            return self.start <= moment < self.end
        return moment >= self.start or moment < self.end

    @property
    def is_set(self) -> bool:
        return self.start != self.end


DEFAULT_SEND_AT = time(18, 0)
DEFAULT_QUIET = QuietHours(time(21, 0), time(8, 0))


@dataclass(frozen=True, slots=True)
class ReminderPreferences:
    """One patient's reminder settings. ``paused_until``: no reminders up to and including
    that local day. ``unsubscribed``: the patient stopped them from an e-mail link."""

    patient_id: str
    checkin: bool
    questionnaires: bool
    send_at: time
    time_zone: str
    quiet: QuietHours
    paused_until: date | None = None
    unsubscribed: bool = False

    @property
    def active(self) -> bool:
        return (self.checkin or self.questionnaires) and not self.unsubscribed

    def kinds(self) -> tuple[str, ...]:
        chosen = (self.checkin, self.questionnaires)
        return tuple(k for k, on in zip(ReminderKind.ALL, chosen, strict=True) if on)


@dataclass(frozen=True, slots=True)
class ReminderRecipient:
    """A patient with reminders on and an active sign-in: where the e-mail goes."""

    prefs: ReminderPreferences
    user_id: int
    email: str
    clinic_id: int


# Files in a tz database that are not zones a person lives in.
_NOT_ZONES = frozenset({"localtime", "posixrules", "Factory"})


@lru_cache(maxsize=1)
def known_time_zones() -> frozenset[str]:
    """The IANA zone names this machine knows (the system tz database or ``tzdata``)."""
    return frozenset(available_timezones()) - _NOT_ZONES


def validate_time_zone(name: str) -> ZoneInfo:
    """An IANA time zone by name, like ``Europe/Berlin``; anything else is refused."""
    key = name.strip()
    if key not in known_time_zones():
        raise InvalidInput(f"{key or 'an empty name'!r} is not a time zone; pick one from the list")
    try:
        return ZoneInfo(key)
    except (ZoneInfoNotFoundError, ValueError) as err:  # pragma: no cover - listed but unreadable
        raise InvalidInput(f"the time zone {key!r} cannot be read on this server") from err


def parse_clock_time(raw: str, label: str) -> time:
    """``HH:MM`` (24-hour clock; seconds are accepted and dropped)."""
    match = _CLOCK.match(raw.strip())
    if not match:
        raise InvalidInput(f"{label}: please give a time like 18:30")
    return time(int(match.group(1)), int(match.group(2)))


def validate_preferences(prefs: ReminderPreferences) -> ReminderPreferences:
    validate_time_zone(prefs.time_zone)
    if prefs.quiet.contains(prefs.send_at):
        raise InvalidInput(
            "the reminder time falls in your quiet hours; choose another time or change them"
        )
    return prefs


def validate_pause(until: date, *, today: date) -> date:
    """A pause ends on a day from today up to MAX_PAUSE_DAYS ahead."""
    if until < today:
        raise InvalidInput("a pause must end today or later")
    if until > today + timedelta(days=MAX_PAUSE_DAYS):
        raise InvalidInput(
            f"a pause can last up to {MAX_PAUSE_DAYS} days; to stop for longer, turn reminders off"
        )
    return until


def reminder_day(prefs: ReminderPreferences, now: datetime) -> date | None:
    """The patient's local day whose reminder is due at ``now`` (aware), else None.

    Due from the chosen local wall-clock time to the end of that local day, outside quiet hours
    and pauses. Comparing wall-clock times handles daylight-saving changes: on a spring-forward
    day a 02:30 reminder goes at 03:00; on a fall-back day the repeated hour cannot send twice,
    because the day is claimed once.
    """
    if not prefs.active:
        return None
    local = now.astimezone(validate_time_zone(prefs.time_zone))
    day, moment = local.date(), local.time().replace(tzinfo=None)
    if prefs.paused_until is not None and day <= prefs.paused_until:
        return None
    if moment < prefs.send_at or prefs.quiet.contains(moment):
        return None
    return day


def local_day_start(day: date, time_zone: str) -> datetime:
    """The aware instant a local day begins (midnight, or the first valid time after it)."""
    return datetime.combine(day, time(0, 0), tzinfo=validate_time_zone(time_zone))


# A questionnaire time point is nudged on the day it falls due, three days later, then weekly
# while it stays open (project default: a nudge, not a daily nag).
_NUDGE_DAYS = (0, 3)
_NUDGE_EVERY = 7


def questionnaire_nudge_due(due_on: date, day: date) -> bool:
    """Whether a questionnaire time point due on ``due_on`` earns a reminder on ``day``."""
    days_open = (day - due_on).days
    if days_open in _NUDGE_DAYS:
        return True
    return days_open >= _NUDGE_EVERY and days_open % _NUDGE_EVERY == 0
