"""Check-in validation: impossible values are refused with a clear message."""

from __future__ import annotations

from datetime import date

import pytest

from painpath.domain.errors import InvalidInput
from painpath.domain.progression.checkins import CheckIn, index_by_day, validate_checkin

D = date(2026, 3, 2)


def test_a_plausible_checkin_passes() -> None:
    c = CheckIn(day=D, pain_now=3, pain_worst=5, quota_done=20, exercises_done=3, flare=True)
    assert validate_checkin(c, today=D) is c


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"pain_now": 11, "pain_worst": 11}, "pain_now"),
        ({"pain_now": -1}, "pain_now"),
        ({"pain_worst": 10.5}, "pain_worst"),
        ({"pain_now": float("nan")}, "pain_now"),
        ({"pain_now": True}, "pain_now"),
        ({"sleep_quality": 12}, "sleep_quality"),
        ({"quota_done": -5}, "quota_done"),
        ({"quota_done": 2000}, "quota_done"),
        ({"next_morning_pain": 11}, "next_morning_pain"),
        ({"exercises_done": -1}, "exercises_done"),
        ({"exercises_done": 1.5}, "exercises_done"),
        ({"exercises_done": True}, "exercises_done"),
        ({"pain_now": 6, "pain_worst": 4}, "lower than pain_now"),
        ({"note": "x" * 2001}, "too long"),
    ],
)
def test_impossible_values_are_refused(fields: dict[str, object], message: str) -> None:
    values: dict[str, object] = {"day": D, "pain_now": 2, "pain_worst": 4}
    values.update(fields)
    with pytest.raises(InvalidInput, match=message):
        CheckIn(**values)  # type: ignore[arg-type]


def test_a_future_day_is_refused() -> None:
    c = CheckIn(day=date(2026, 3, 3), pain_now=2, pain_worst=2)
    with pytest.raises(InvalidInput, match="future"):
        validate_checkin(c, today=D)


def test_index_by_day_refuses_duplicates() -> None:
    a = CheckIn(day=D, pain_now=1, pain_worst=1)
    assert index_by_day([a]) == {D: a}
    with pytest.raises(InvalidInput, match="two check-ins"):
        index_by_day([a, a])
