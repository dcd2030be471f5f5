"""Hypothesis strategies for check-ins, graded-activity policies and check-in histories."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import strategies as st

from painpath.domain.progression.checkins import CheckIn
from painpath.domain.progression.engine import GradedActivityPolicy

START = date(2026, 1, 5)

pain = st.floats(min_value=0, max_value=10, allow_nan=False).map(lambda x: round(x, 1))


@st.composite
def checkins(draw: st.DrawFn, day: date, *, quota_max: float = 60.0) -> CheckIn:
    now = draw(pain)
    worst = draw(st.floats(min_value=now, max_value=10).map(lambda x: max(round(x, 1), now)))
    flare = draw(st.booleans())
    return CheckIn(
        day=day,
        pain_now=now,
        pain_worst=worst,
        sleep_quality=draw(pain),
        quota_done=draw(st.floats(min_value=0, max_value=quota_max).map(lambda x: round(x, 1))),
        exercises_done=draw(st.integers(min_value=0, max_value=10)),
        flare=flare,
        next_morning_pain=draw(st.none() | pain),
        flare_severity=draw(st.none() | st.integers(1, 3)) if flare else None,
    )


@st.composite
def histories(
    draw: st.DrawFn, *, max_days: int = 70, start: date = START
) -> tuple[dict[date, CheckIn], int]:
    """(check-ins by day with random gaps, number of days covered)."""
    n_days = draw(st.integers(min_value=1, max_value=max_days))
    present = draw(st.lists(st.booleans(), min_size=n_days, max_size=n_days))
    by_day: dict[date, CheckIn] = {}
    for offset, here in enumerate(present):
        if here:
            day = start + timedelta(days=offset)
            by_day[day] = draw(checkins(day))
    return by_day, n_days


@st.composite
def policies(draw: st.DrawFn) -> GradedActivityPolicy:
    every = draw(st.integers(min_value=1, max_value=10))
    return GradedActivityPolicy(
        step_every_days=every,
        adherence_days=draw(st.integers(min_value=1, max_value=every)),
        step_fraction_of_start=draw(st.floats(min_value=0.01, max_value=0.5)),
        max_step_fraction_of_start=draw(st.floats(min_value=0.01, max_value=0.5)),
        planned_weeks=draw(st.none() | st.integers(min_value=1, max_value=30)),
        goal_quota=draw(st.none() | st.floats(min_value=1, max_value=120)),
        setback_fractions=tuple(  # type: ignore[arg-type]
            draw(st.lists(st.floats(min_value=0.3, max_value=1.0), min_size=3, max_size=3))
        ),
        setback_days=tuple(  # type: ignore[arg-type]
            draw(st.lists(st.integers(min_value=1, max_value=3), min_size=3, max_size=3))
        ),
        floor_fraction_of_start=draw(st.floats(min_value=0.1, max_value=1.0)),
        done_fraction=draw(st.floats(min_value=0.5, max_value=1.0)),
    )
