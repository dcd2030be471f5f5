from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from painpath.domain.planning.schedule import is_training_day, training_weekdays


def test_three_a_week_leaves_rest_days_between() -> None:
    assert training_weekdays(3) == (0, 2, 4)
    assert training_weekdays(3, offset=1) == (1, 3, 5)
    assert training_weekdays(2) == (0, 3)


def test_daily_and_none() -> None:
    assert training_weekdays(7) == tuple(range(7))
    assert training_weekdays(14) == tuple(range(7))
    assert training_weekdays(0) == ()


@given(st.integers(min_value=1, max_value=6), st.integers(min_value=0, max_value=50))
def test_exactly_the_dosed_number_of_days_each_week(freq: int, offset: int) -> None:
    days = training_weekdays(freq, offset=offset)
    assert len(days) == freq and len(set(days)) == freq
    monday = date(2026, 11, 30)
    week = [monday + timedelta(days=d) for d in range(7)]
    assert sum(is_training_day(d, freq, offset=offset) for d in week) == freq
