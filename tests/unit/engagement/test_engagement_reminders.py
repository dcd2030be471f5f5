"""When a reminder is due: the patient's local time, quiet hours, pauses, daylight saving."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from painpath.domain.engagement.reminders import (
    QuietHours,
    ReminderPreferences,
    local_day_start,
    parse_clock_time,
    questionnaire_nudge_due,
    reminder_day,
    validate_pause,
    validate_preferences,
    validate_time_zone,
)
from painpath.domain.engagement.sends import ReminderSend, SendStatus, retry_due
from painpath.domain.errors import InvalidInput

NO_QUIET = QuietHours(time(0, 0), time(0, 0))


def prefs(**changes: object) -> ReminderPreferences:
    base = {
        "patient_id": "p1",
        "checkin": True,
        "questionnaires": True,
        "send_at": time(18, 0),
        "time_zone": "Europe/Berlin",
        "quiet": QuietHours(time(21, 0), time(8, 0)),
    }
    base.update(changes)
    return ReminderPreferences(**base)  # type: ignore[arg-type]


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_due_from_the_chosen_local_time_to_the_end_of_that_local_day() -> None:
    p = prefs()  # 18:00 in Berlin = 17:00 UTC in winter
    assert reminder_day(p, utc(2026, 1, 15, 16, 59)) is None
    assert reminder_day(p, utc(2026, 1, 15, 17, 0)) == date(2026, 1, 15)
    assert reminder_day(p, utc(2026, 1, 15, 19, 59)) == date(2026, 1, 15)
    assert reminder_day(p, utc(2026, 1, 15, 20, 0)) is None  # 21:00 local: quiet hours


def test_the_same_instant_is_a_different_local_day_across_zones() -> None:
    instant = utc(2026, 6, 1, 2, 30)  # 19:30 the day before in Los Angeles, 11:30 in Tokyo
    assert reminder_day(prefs(time_zone="America/Los_Angeles"), instant) == date(2026, 5, 31)
    assert reminder_day(prefs(time_zone="Asia/Tokyo", send_at=time(11, 0)), instant) == date(
        2026, 6, 1
    )
    assert reminder_day(prefs(time_zone="Asia/Tokyo"), instant) is None  # 18:00 not yet


def test_quiet_hours_wrap_midnight_and_can_be_empty() -> None:
    night = QuietHours(time(22, 0), time(7, 0))
    assert night.contains(time(23, 0)) and night.contains(time(6, 59))
    assert not night.contains(time(7, 0)) and not night.contains(time(21, 59))
    afternoon = QuietHours(time(13, 0), time(15, 0))
    assert afternoon.contains(time(13, 0)) and not afternoon.contains(time(15, 0))
    assert not NO_QUIET.contains(time(3, 0)) and not NO_QUIET.is_set


def test_a_reminder_time_inside_quiet_hours_is_refused() -> None:
    with pytest.raises(InvalidInput, match="quiet hours"):
        validate_preferences(prefs(send_at=time(22, 30)))
    assert validate_preferences(prefs(send_at=time(20, 59)))


def test_pause_stops_reminders_up_to_and_including_its_last_day() -> None:
    p = prefs(time_zone="UTC", paused_until=date(2026, 3, 10))
    assert reminder_day(p, utc(2026, 3, 10, 18, 30)) is None
    assert reminder_day(p, utc(2026, 3, 11, 18, 30)) == date(2026, 3, 11)


def test_stopped_or_switched_off_reminders_are_never_due() -> None:
    evening = utc(2026, 3, 10, 18, 30)
    assert reminder_day(prefs(time_zone="UTC", unsubscribed=True), evening) is None
    assert (
        reminder_day(prefs(time_zone="UTC", checkin=False, questionnaires=False), evening) is None
    )
    assert prefs(checkin=False).kinds() == ("questionnaire",)


def test_daylight_saving_days() -> None:
    # Europe/Berlin springs forward on 2026-03-29 at 02:00 -> 03:00: a 02:30 reminder goes at 03:00.
    p = prefs(send_at=time(2, 30), quiet=NO_QUIET)
    assert reminder_day(p, utc(2026, 3, 29, 0, 59)) is None  # 01:59 local
    assert reminder_day(p, utc(2026, 3, 29, 1, 0)) == date(2026, 3, 29)  # 03:00 local
    # Falls back on 2026-10-25 at 03:00 -> 02:00: 02:30 happens twice, the day is the same day.
    assert reminder_day(p, utc(2026, 10, 25, 0, 30)) == date(2026, 10, 25)
    assert reminder_day(p, utc(2026, 10, 25, 1, 30)) == date(2026, 10, 25)
    assert local_day_start(date(2026, 3, 29), "Europe/Berlin").utcoffset().total_seconds() == 3600  # type: ignore[union-attr]


@pytest.mark.parametrize("name", ["", "Mars/Olympus", "../../etc/passwd", "localtime", "utc+2"])
def test_only_iana_zone_names_are_accepted(name: str) -> None:
    with pytest.raises(InvalidInput, match="not a time zone"):
        validate_time_zone(name)


def test_clock_times() -> None:
    assert parse_clock_time("07:05", "t") == time(7, 5)
    assert parse_clock_time(" 23:59:30 ", "t") == time(23, 59)
    for bad in ("24:00", "7:5", "noon", "12:60", ""):
        with pytest.raises(InvalidInput, match="like 18:30"):
            parse_clock_time(bad, "reminder time")


def test_pause_window() -> None:
    today = date(2026, 5, 1)
    assert validate_pause(date(2026, 5, 1), today=today) == today
    with pytest.raises(InvalidInput, match="today or later"):
        validate_pause(date(2026, 4, 30), today=today)
    with pytest.raises(InvalidInput, match="up to 90 days"):
        validate_pause(date(2026, 8, 1), today=today)


def test_questionnaire_nudges_on_the_due_day_three_days_later_then_weekly() -> None:
    due = date(2026, 5, 1)
    nudged = [d for d in range(-3, 30) if questionnaire_nudge_due(due, due + timedelta(days=d))]
    assert nudged == [0, 3, 7, 14, 21, 28]


def test_a_failed_send_is_retried_with_growing_gaps_then_given_up() -> None:
    claimed = utc(2026, 5, 1, 18, 0)
    failed = ReminderSend(1, "p1", date(2026, 5, 1), ("checkin",), SendStatus.FAILED, 1, claimed)
    assert not retry_due(failed, utc(2026, 5, 1, 18, 4))
    assert retry_due(failed, utc(2026, 5, 1, 18, 5))
    second = ReminderSend(1, "p1", date(2026, 5, 1), ("checkin",), SendStatus.FAILED, 2, claimed)
    assert not retry_due(second, utc(2026, 5, 1, 18, 9)) and retry_due(
        second, utc(2026, 5, 1, 18, 10)
    )
    spent = ReminderSend(1, "p1", date(2026, 5, 1), ("checkin",), SendStatus.FAILED, 3, claimed)
    assert not retry_due(spent, utc(2026, 5, 2, 0, 0))
    sending = ReminderSend(1, "p1", date(2026, 5, 1), ("checkin",), SendStatus.SENDING, 0, claimed)
    assert not retry_due(sending, utc(2026, 5, 2, 0, 0))  # a worker may have died mid-send
    assert sending.link_target == "/me/checkin"
    forms = ReminderSend(2, "p1", date(2026, 5, 1), ("questionnaire",), SendStatus.SENT, 1, claimed)
    assert forms.link_target == "/me/questionnaires"


@given(
    minutes=st.integers(min_value=0, max_value=48 * 60),
    zone=st.sampled_from(
        ["UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata", "Pacific/Auckland"]
    ),
    send_at=st.times().map(lambda t: t.replace(second=0, microsecond=0)),
)
def test_a_due_day_is_always_the_local_day_at_or_after_the_chosen_time(
    minutes: int, zone: str, send_at: time
) -> None:
    now = utc(2026, 3, 28) + timedelta(minutes=minutes)
    day = reminder_day(prefs(time_zone=zone, send_at=send_at, quiet=NO_QUIET), now)
    local = now.astimezone(ZoneInfo(zone))
    if day is None:
        assert local.time().replace(tzinfo=None) < send_at
    else:
        assert day == local.date() and local.time().replace(tzinfo=None) >= send_at
