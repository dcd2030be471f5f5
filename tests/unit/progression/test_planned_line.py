"""The planned line: the target set in advance, drawn beside what the engine set."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest

from painpath.domain.errors import InvalidInput
from painpath.domain.progression.checkins import CheckIn
from painpath.domain.progression.engine import Action, Baseline, Replan, run_engine
from painpath.domain.progression.planned import planned_line
from painpath.domain.progression.policy import GradedActivityPolicy

S = date(2026, 3, 2)
BASE = Baseline.from_measurements([18, 20, 22], pain=3.0)  # mean 20 -> start 14
POLICY = GradedActivityPolicy(goal_quota=30.0, planned_weeks=8)  # step (30 - 14) / 8 = 2


def day(n: int) -> date:
    return S + timedelta(days=n)


def done_every_day(last: int, amount: float = 40.0) -> dict[date, CheckIn]:
    return {
        day(n): CheckIn(day=day(n), pain_now=3.0, pain_worst=4.0, quota_done=amount)
        for n in range(last + 1)
    }


def test_kept_plan_follows_the_line_exactly() -> None:
    decisions = run_engine(POLICY, BASE, done_every_day(80), start=S, end=day(80))
    line = planned_line(POLICY, decisions, until=day(81))
    by_day = {p.day: p.quota for p in line}
    assert line[0].day == day(1) and line[0].quota == pytest.approx(14.0)
    # The engine's target for each day (set the evening before) is the planned one.
    for before, d in itertools.pairwise(decisions):
        assert by_day[d.day] == pytest.approx(before.quota_after), d.day
    assert by_day[day(8)] == pytest.approx(16.0)  # one step after the first week
    assert max(by_day.values()) == pytest.approx(30.0)  # reaches the goal, never above it
    assert line[-1].day == day(81)


def test_held_weeks_leave_the_target_below_the_line() -> None:
    checkins = done_every_day(30, amount=14.5)  # enough for 14 and 16, too little for 18
    decisions = run_engine(POLICY, BASE, checkins, start=S, end=day(30))
    by_day = {p.day: p.quota for p in planned_line(POLICY, decisions, until=day(30))}
    assert by_day[day(22)] == pytest.approx(20.0)
    actual = next(d.quota_before for d in decisions if d.day == day(22))
    assert actual is not None and actual < by_day[day(22)]


def test_a_replan_restarts_the_line_at_its_level_goal_and_weeks() -> None:
    replan = Replan(day=day(10), quota=10.0, goal=20.0, weeks=5, reason="after surgery")
    decisions = run_engine(
        POLICY, BASE, done_every_day(30), start=S, end=day(30), replans=(replan,)
    )
    assert any(d.action is Action.REPLAN for d in decisions)
    by_day = {
        p.day: p.quota for p in planned_line(POLICY, decisions, until=day(30), replans=(replan,))
    }
    assert by_day[day(10)] == pytest.approx(16.0)  # the old line up to the re-plan
    assert by_day[day(11)] == pytest.approx(10.0)
    assert by_day[day(18)] == pytest.approx(12.0)  # (20 - 10) / 5 a week
    # The engine's target after the re-plan follows the new line too.
    assert next(d.quota_before for d in decisions if d.day == day(18)) == pytest.approx(12.0)


def test_baseline_phase_has_no_line_and_decisions_must_be_ordered() -> None:
    decisions = run_engine(POLICY, None, {}, start=S, end=day(5))
    assert planned_line(POLICY, decisions, until=day(5)) == []
    started = run_engine(POLICY, BASE, {}, start=S, end=day(2))
    with pytest.raises(InvalidInput):
        planned_line(POLICY, list(reversed(started)), until=day(2))


def test_a_replan_on_the_first_day_starts_the_line() -> None:
    replan = Replan(day=day(0), quota=9.0, goal=12.0, weeks=3, reason="start lower")
    decisions = run_engine(POLICY, BASE, {}, start=S, end=day(0), replans=(replan,))
    assert [d.action for d in decisions] == [Action.REPLAN]
    line = planned_line(POLICY, decisions, until=day(8), replans=(replan,))
    assert [p.quota for p in line[:8]] == [9.0] * 7 + [10.0]
