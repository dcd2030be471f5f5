"""The pain-monitoring model for one loading exercise (silbernagel2007), at each boundary."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from painpath.adapters.knowledge import load_evidence
from painpath.domain.errors import InvalidInput
from painpath.domain.progression.pain_monitoring import (
    ExercisePain,
    LoadAction,
    PainMonitoring,
    evaluate_pain_monitoring,
    scaled_dose,
)

S = date(2026, 3, 2)
RULE = PainMonitoring(usual_morning=2.0)  # ceiling 5/10, changes from 2 points


def day(n: int) -> date:
    return S + timedelta(days=n)


def week(first: int, *, during: float = 3.0, morning: float = 2.0, sessions=(0, 2, 4)):
    """Reports for days first..first+6: sessions on the given offsets, a morning every day."""
    return [
        ExercisePain(day(first + n), during if n in sessions else None, morning) for n in range(7)
    ]


def run(reports, last: int, rule: PainMonitoring = RULE):
    return evaluate_pain_monitoring(reports, rule=rule, end=day(last))


def test_a_week_within_the_rules_progresses_one_step() -> None:
    decisions = run(week(0), 6)
    assert [d.action for d in decisions] == [LoadAction.PROGRESS]
    assert decisions[0].day == day(6) and decisions[0].level_after == pytest.approx(1.1)
    assert decisions[0].rule_id == "PM-PROGRESS"


@pytest.mark.parametrize(
    ("during", "action"), [(5.0, LoadAction.PROGRESS), (6.0, LoadAction.REDUCE)]
)
def test_pain_during_up_to_the_ceiling_is_acceptable_above_it_reduces(during, action) -> None:
    reports = week(0)
    reports[2] = ExercisePain(day(2), during, 2.0)
    decisions = run(reports, 6)
    assert decisions[0].action is action
    if action is LoadAction.REDUCE:
        assert decisions[0].day == day(2) and decisions[0].rule_id == "PM-DURING"
        assert decisions[0].level_after == pytest.approx(0.8)
        assert "6/10 > ceiling 5/10" in decisions[0].clinician_note


def test_the_plans_lower_ceiling_applies() -> None:
    reports = week(0, during=3.0)
    decisions = run(reports, 6, PainMonitoring(ceiling=2.0, usual_morning=2.0))
    assert decisions[0].action is LoadAction.REDUCE and decisions[0].day == day(0)


@pytest.mark.parametrize(
    ("morning", "action"), [(3.0, LoadAction.PROGRESS), (4.0, LoadAction.REDUCE)]
)
def test_the_next_morning_must_be_back_within_two_points_of_usual(morning, action) -> None:
    reports = week(0)
    reports[3] = ExercisePain(day(3), None, morning)  # the morning after the day-2 session
    decisions = run(reports, 6)
    assert decisions[0].action is action
    if action is LoadAction.REDUCE:
        assert decisions[0].rule_id == "PM-MORNING" and decisions[0].day == day(3)
        assert "childs2005" in decisions[0].evidence


def test_a_high_morning_without_a_session_the_day_before_is_not_a_session_response() -> None:
    reports = week(0)
    reports[2] = ExercisePain(day(2), None, 5.0)  # day 1 had no session
    assert run(reports, 6)[0].action is LoadAction.PROGRESS


@pytest.mark.parametrize(
    ("worst", "action"), [(4.0, LoadAction.PROGRESS), (5.0, LoadAction.REDUCE)]
)
def test_worst_during_pain_is_compared_week_with_week(worst, action) -> None:
    decisions = run(week(0, during=3.0) + week(7, during=worst), 13)
    assert decisions[1].action is action
    if action is LoadAction.REDUCE:
        assert (
            decisions[1].rule_id == "PM-WEEKLY-WORST" and "3 -> 5/10" in decisions[1].clinician_note
        )


def test_morning_ratings_are_compared_week_with_week() -> None:
    rule = PainMonitoring(usual_morning=2.0, change_points=2.0)
    # 3.5 on waking is within usual + 2 every day, but the week's mean rose by 2 points.
    first, second = week(0, morning=1.5), week(7, morning=3.5)
    decisions = run(first + second, 13, rule)
    assert decisions[1].action is LoadAction.REDUCE
    assert decisions[1].rule_id == "PM-WEEKLY-MORNING"


@pytest.mark.parametrize(
    ("sessions", "action"), [((0,), LoadAction.HOLD), ((0, 3), LoadAction.PROGRESS)]
)
def test_too_few_sessions_hold_and_missing_reports_never_count(sessions, action) -> None:
    assert run(week(0, sessions=sessions), 6)[0].action is action
    no_mornings = [ExercisePain(day(n), 3.0, None) for n in (0, 2, 4)]
    assert run(no_mornings, 6)[0].rule_id == "PM-FEW-SESSIONS"


def test_without_a_usual_level_the_first_week_measures_it() -> None:
    rule = PainMonitoring()
    decisions = run(week(0, morning=3.0) + week(7, morning=3.0), 13, rule)
    assert [d.rule_id for d in decisions] == ["PM-USUAL", "PM-PROGRESS"]
    assert "(3/10)" in decisions[0].clinician_note
    high = week(0, morning=3.0) + week(7, morning=3.0)
    high[10] = ExercisePain(day(10), None, 5.0)  # after the day-9 session: usual 3 + 2
    assert run(high, 13, rule)[1].rule_id == "PM-MORNING"


def test_dose_stays_between_its_limits() -> None:
    reports = [ExercisePain(day(n), 8.0, 2.0) for n in range(10)]
    levels = [d.level_after for d in run(reports, 9)]
    assert min(levels) == pytest.approx(0.5) and levels[-1] == pytest.approx(0.5)
    good = [r for w in range(12) for r in week(7 * w)]
    assert max(d.level_after for d in run(good, 83)) == pytest.approx(2.0)


def test_the_daily_activity_target_is_not_an_input() -> None:
    # The function sees only this exercise's reports: it cannot move the graded-activity target.
    assert "quota" not in evaluate_pain_monitoring.__code__.co_varnames


def test_validation_and_evidence_keys() -> None:
    with pytest.raises(InvalidInput):
        ExercisePain(day(0), 11.0)
    with pytest.raises(InvalidInput):
        PainMonitoring(ceiling=12)
    with pytest.raises(InvalidInput):
        evaluate_pain_monitoring(
            [ExercisePain(day(0)), ExercisePain(day(0))], rule=RULE, end=day(1)
        )
    assert evaluate_pain_monitoring([], rule=RULE, end=day(1)) == []
    evidence = load_evidence()
    reports = week(0)
    reports[2] = ExercisePain(day(2), 7.0, 2.0)
    for d in run(reports, 20) + run(week(0), 6):
        assert all(key in evidence for key in d.evidence), d.evidence


def test_scaled_dose() -> None:
    assert scaled_dose("3 x 15 slow", 0.8) == "3 x 12 slow"
    assert scaled_dose("3 x 15", 1.0) == "3 x 15"
    assert scaled_dose("hold 30 s", 1.2) == "120 % of: hold 30 s"


_PAIN = st.one_of(st.none(), st.integers(0, 10).map(float))


@settings(max_examples=60, deadline=None)
@given(answers=st.lists(st.tuples(_PAIN, _PAIN), min_size=1, max_size=40))
def test_properties_over_any_answers(answers: list[tuple[float | None, float | None]]) -> None:
    reports = [ExercisePain(day(n), d, m) for n, (d, m) in enumerate(answers)]
    decisions = run(reports, len(answers) + 7)
    level = 1.0
    for d in decisions:
        assert d.level_before == pytest.approx(level)  # one chain of doses, nothing skipped
        assert RULE.lowest - 1e-9 <= d.level_after <= RULE.highest + 1e-9
        if d.action is LoadAction.REDUCE:
            expected = max(RULE.lowest, d.level_before - RULE.reduce_step)
            assert d.level_after == pytest.approx(expected)
        else:
            assert d.level_after >= d.level_before  # only a broken rule lowers the dose
        if d.action is LoadAction.PROGRESS:
            # A progress week had no session above the ceiling.
            week = [r for r in reports if d.day - timedelta(days=6) <= r.day <= d.day]
            assert all(r.during is None or r.during <= RULE.ceiling for r in week)
        level = d.level_after


def test_the_graded_activity_engine_ignores_exercise_answers() -> None:
    from painpath.domain.progression.checkins import CheckIn, ExerciseReport
    from painpath.domain.progression.engine import Baseline, GradedActivityPolicy, run_engine

    base = Baseline.from_measurements([20, 20, 20], pain=3.0)
    plain = {
        day(n): CheckIn(day=day(n), pain_now=3, pain_worst=4, quota_done=20) for n in range(30)
    }
    answered = {
        d: CheckIn(
            day=d, pain_now=3, pain_worst=4, quota_done=20,
            exercise_pain=(ExerciseReport("exercise.heel-raise", 9.0, 9.0),),
        )
        for d in plain
    }  # fmt: skip
    policy = GradedActivityPolicy(goal_quota=40)
    assert run_engine(policy, base, plain, start=S, end=day(29)) == run_engine(
        policy, base, answered, start=S, end=day(29)
    )
