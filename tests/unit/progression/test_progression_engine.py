"""The graded-activity engine's rules, by example."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from painpath.adapters.knowledge import load_evidence
from painpath.domain.errors import InvalidInput
from painpath.domain.progression.checkins import CheckIn
from painpath.domain.progression.engine import (
    Action,
    Baseline,
    EngineState,
    GradedActivityPolicy,
    Replan,
    next_quota,
    run_engine,
    step_engine,
)
from painpath.domain.progression.simulation import Archetype, simulate_patient

S = date(2026, 3, 2)
BASE = Baseline.from_measurements([18, 20, 22], pain=3.0)  # mean 20 -> start 14
POLICY = GradedActivityPolicy()


def day(n: int) -> date:
    return S + timedelta(days=n)


def ci(n: int, done: float = 14.0, **kw: object) -> CheckIn:
    fields: dict[str, object] = {"pain_now": 3.0, "pain_worst": 4.0}
    fields.update(kw)
    return CheckIn(day=day(n), quota_done=done, **fields)  # type: ignore[arg-type]


def full_days(first: int, last: int, done: float = 14.0) -> dict[date, CheckIn]:
    return {day(n): ci(n, done) for n in range(first, last + 1)}


def run(checkins: dict[date, CheckIn], last: int, policy: GradedActivityPolicy = POLICY):
    return run_engine(policy, BASE, checkins, start=S, end=day(last))


def test_baseline_from_measurements_mean_and_limits() -> None:
    assert BASE.mean == pytest.approx(20.0)
    assert Baseline.from_measurements([10, 20, 30, 40, 50, 60, 70]).mean == pytest.approx(40.0)
    for bad in ([10, 20], [10] * 8, [10, -1, 10]):
        with pytest.raises(InvalidInput):
            Baseline.from_measurements(bad)
    with pytest.raises(InvalidInput, match="pain"):
        Baseline.from_measurements([1, 2, 3], pain=11)


def test_start_quota_is_seventy_percent_of_baseline_mean() -> None:
    first = run({}, 0)[0]
    assert first.action is Action.START
    assert first.quota_before is None
    assert first.quota_after == pytest.approx(0.7 * 20)
    assert first.rule_id == "GA-START"
    assert "graded_activity_protocol" in first.evidence


def test_baseline_phase_collects_three_days_then_starts() -> None:
    checkins = {day(0): ci(0, 10), day(2): ci(2, 20), day(3): ci(3, 30, pain_now=5, pain_worst=6)}
    decisions = run_engine(POLICY, None, checkins, start=S, end=day(4))
    actions = [d.action for d in decisions]
    assert actions[:3] == [Action.BASELINE_NEEDED] * 3  # day 1 missing: only 2 days by day 2
    assert actions[3] is Action.START
    assert decisions[3].quota_after == pytest.approx(0.7 * 20)
    assert decisions[4].quota_before == pytest.approx(14)


def test_progress_is_time_contingent_on_done_quota() -> None:
    checkins = full_days(1, 7)
    checkins[day(3)] = ci(3, 14, pain_now=0, pain_worst=0)  # a pain-free day is not a reason
    decisions = run(checkins, 8)
    for d in decisions[1:7]:
        assert (d.action, d.rule_id, d.quota_after) == (Action.HOLD, "GA-CONTINUE", 14)
    review = decisions[7]
    assert review.action is Action.PROGRESS and review.is_review
    assert review.quota_after == pytest.approx(14 + 0.1 * 14)  # +10 % of the start quota
    assert decisions[8].quota_before == pytest.approx(15.4)


def test_missing_days_never_count_and_most_days_are_enough() -> None:
    checkins = full_days(1, 7)
    del checkins[day(5)]
    del checkins[day(6)]  # 5 of 7 done: progress as planned
    assert run(checkins, 7)[7].action is Action.PROGRESS
    del checkins[day(2)]  # 4 of 7: hold, and a barriers conversation, never a lower target
    review = run(checkins, 7)[7]
    assert (review.action, review.rule_id) == (Action.HOLD, "GA-HOLD-ADHERENCE")
    assert review.quota_after == review.quota_before == 14
    assert "4 of 7" in review.clinician_note and "barriers" in review.clinician_note
    assert "adherence_rule" in review.evidence


def test_adherence_threshold_is_configurable() -> None:
    checkins = full_days(1, 7)
    for n in (2, 4):
        del checkins[day(n)]
    strict = GradedActivityPolicy(adherence_days=7)
    assert run(checkins, 7, strict)[7].action is Action.HOLD
    assert run(checkins, 7)[7].action is Action.PROGRESS


def test_undone_quota_holds_and_the_next_period_starts_afresh() -> None:
    checkins = full_days(1, 14)
    for n in (2, 3, 4):
        checkins[day(n)] = ci(n, 13.9)
    decisions = run(checkins, 14)
    assert decisions[7].action is Action.HOLD
    assert decisions[14].action is Action.PROGRESS  # days 8-14 were all done


@pytest.mark.parametrize(
    "pain", [{"pain_now": 3, "pain_worst": 9}, {"pain_now": 8, "pain_worst": 9.5}]
)
def test_pain_on_a_day_neither_cuts_nor_raises(pain: dict[str, float]) -> None:
    checkins = full_days(1, 7)
    checkins[day(4)] = ci(4, **pain, next_morning_pain=9)
    decisions = run(checkins, 8)
    assert [d.quota_after for d in decisions[1:7]] == [14] * 6
    assert decisions[7].action is Action.PROGRESS  # the plan moves on as planned
    calm = full_days(1, 3)
    calm[day(2)] = ci(2, pain_now=0, pain_worst=0)
    assert [d.quota_after for d in run(calm, 3)[1:]] == [14, 14, 14]


@pytest.mark.parametrize(("severity", "fraction", "days"), [(1, 0.75, 1), (2, 0.6, 2), (3, 0.5, 3)])
def test_set_back_plan_reduces_for_days_and_is_back_within_a_week(
    severity: int, fraction: float, days: int
) -> None:
    checkins = full_days(1, 7)
    checkins[day(4)] = ci(4, flare=True, flare_severity=severity, pain_worst=8)
    decisions = run(checkins, 12)
    reset = decisions[4]
    assert reset.action is Action.FLARE_RESET and reset.rule_id == "GA-FLARE"
    assert reset.quota_after == pytest.approx(14 * fraction)
    assert reset.planned == 14 and "nicholas2011" in reset.evidence
    in_force = [d.quota_before for d in decisions[5:12]]
    assert in_force[:days] == [pytest.approx(14 * fraction)] * days
    assert in_force[days] == pytest.approx(14 * (1 + fraction) / 2)  # half-way
    assert in_force[days + 1] == 14  # back at the pre-flare level
    assert days + 2 <= 7


def test_repeated_flares_never_cut_cumulatively() -> None:
    checkins = full_days(1, 30)
    for n in (3, 5, 7, 9, 20, 21, 22):
        checkins[day(n)] = ci(n, flare=True, flare_severity=3)
    decisions = run(checkins, 30)
    lowest = min(d.quota_after for d in decisions if d.quota_after is not None)
    assert lowest == pytest.approx(7.0)  # half of the planned level, however many flares
    assert all(d.planned is not None and d.planned >= 14 for d in decisions[1:])
    assert decisions[-1].quota_after >= 14


def test_flare_without_severity_counts_as_moderate() -> None:
    checkins = full_days(1, 7)
    checkins[day(2)] = ci(2, flare=True)
    assert run(checkins, 2)[2].quota_after == pytest.approx(14 * 0.6)


def test_day_after_flare_never_steps_up() -> None:
    state = EngineState(
        start_day=S,
        baseline=BASE,
        quota=14,
        planned=14,
        period_start=day(1),
        period_days=6,
        period_done=6,
    )
    checkins = full_days(1, 7)
    checkins[day(6)] = ci(6, flare=True)
    decision = next_quota(state, checkins, POLICY, today=day(7))
    assert decision.rule_id == "GA-FLARE-HOLD" and decision.quota_after == 14


def test_clinician_replan_is_the_only_other_way_down_and_keeps_its_reason() -> None:
    replan = Replan(day(10), quota=10, goal=30, weeks=10, reason="new knee pain, plan reset")
    decisions = run_engine(POLICY, BASE, full_days(1, 30), start=S, end=day(30), replans=[replan])
    d = decisions[10]
    assert d.action is Action.REPLAN and d.quota_after == 10 and d.planned == 10
    assert "new knee pain" in d.clinician_note
    assert decisions[11].quota_before == 10
    assert decisions[17].action is Action.PROGRESS  # one period after the re-plan
    assert decisions[17].quota_after == pytest.approx(12)  # (30 - 10) / 10 a week
    with pytest.raises(InvalidInput):
        Replan(day(10), quota=10, goal=30, weeks=10, reason=" ")


def test_planned_line_is_set_in_advance() -> None:
    line = GradedActivityPolicy(goal_quota=20).planned_line(BASE, 8)
    assert line[0] == 14 and line[1] == pytest.approx(15.4) and line[-1] == 20
    assert line == sorted(line)


def test_plateau_after_fourteen_days_without_rise() -> None:
    checkins = {day(n): ci(n, 10) for n in range(1, 15)}
    decisions = run(checkins, 14)
    assert decisions[7].action is Action.HOLD
    assert decisions[14].action is Action.PLATEAU
    assert decisions[14].quota_after == 14
    assert "graded_activity_defaults" in decisions[14].evidence


def test_plateau_after_consecutive_held_reviews() -> None:
    policy = GradedActivityPolicy(
        step_every_days=2, adherence_days=2, plateau_holds=3, plateau_days=100
    )
    checkins = {day(n): ci(n, 1) for n in range(1, 7)}
    actions = [d.action for d in run(checkins, 6, policy)]
    assert actions[2] is Action.HOLD and actions[4] is Action.HOLD
    assert actions[6] is Action.PLATEAU


def test_ceiling_caps_progress_then_is_reached() -> None:
    policy = GradedActivityPolicy(goal_quota=15)
    decisions = run(full_days(1, 14, 15), 14, policy)
    assert decisions[7].action is Action.PROGRESS
    assert decisions[7].quota_after == pytest.approx(15)  # not 15.4
    assert decisions[14].action is Action.CEILING_REACHED
    assert decisions[14].quota_after == 15


def test_planned_weeks_step_is_capped_by_max_step() -> None:
    policy = GradedActivityPolicy(goal_quota=100, planned_weeks=1)
    assert policy.step(BASE) == pytest.approx(policy.max_step(BASE)) == pytest.approx(3.5)
    linear = GradedActivityPolicy(goal_quota=20, planned_weeks=6)
    assert linear.step(BASE) == pytest.approx(1.0)


def test_start_quota_never_exceeds_a_low_goal() -> None:
    policy = GradedActivityPolicy(goal_quota=5)
    assert policy.start_quota(BASE) == 5 and policy.floor(BASE) == 2.5
    tiny = GradedActivityPolicy(goal_quota=1.5, min_quota=2)
    assert tiny.start_quota(BASE) == tiny.floor(BASE) == tiny.ceiling(BASE) == 2


def test_zero_baseline_starts_at_min_quota() -> None:
    zero = Baseline.from_measurements([0, 0, 0])
    assert GradedActivityPolicy().start_quota(zero) == 1.0


@pytest.mark.parametrize(
    "kwargs",
    [
        {"baseline_min_days": 0},
        {"baseline_min_days": 8},
        {"start_fraction": 0},
        {"setback_fractions": (0.5, 0.5, 1.5)},
        {"setback_days": (1, 2, 5)},
        {"adherence_days": 8},
        {"step_every_days": 0},
        {"step_fraction_of_start": 0},
        {"min_quota": 0},
        {"goal_quota": -1},
        {"goal_multiple_of_baseline": 0},
        {"planned_weeks": 0},
    ],
)
def test_policy_rejects_impossible_settings(kwargs: dict[str, float]) -> None:
    with pytest.raises(InvalidInput):
        GradedActivityPolicy(**kwargs)  # type: ignore[arg-type]


def test_engine_rejects_days_out_of_order() -> None:
    with pytest.raises(InvalidInput):
        run_engine(POLICY, BASE, {}, start=day(3), end=day(2))
    with pytest.raises(InvalidInput):
        step_engine(EngineState.initial(day(3)), {}, POLICY, today=day(2))


def test_every_decision_explains_itself_with_resolvable_evidence() -> None:
    checkins = full_days(1, 30)
    checkins[day(9)] = ci(9, flare=True)
    checkins[day(20)] = ci(20, pain_worst=9)
    checkins[day(22)] = ci(22, flare=True, flare_severity=3)
    catalogue = load_evidence()
    for d in run(checkins, 30):
        assert d.reason and d.clinician_note and d.rule_id
        assert d.evidence and catalogue.unresolved(d.evidence) == []


@pytest.mark.parametrize("archetype", list(Archetype))
def test_every_amount_the_patient_reads_carries_its_unit(archetype: Archetype) -> None:
    """ "Keep to your plan of 16.5 a day" says nothing to a patient: each amount in a patient's
    sentence names the programme's unit ("16.5 minutes a day"); clinician notes may stay bare."""
    policy = GradedActivityPolicy(goal_quota=40.0, unit="minutes")
    course = simulate_patient(archetype, weeks=16, seed=3, policy=policy)
    reasons = {d.reason for d in course.decisions}
    bare = re.compile(r"(?<![\d.])\d+(?:\.\d+)?(?![\d.])(?! minutes| days?\b| weeks?\b)")
    amounts = [m.string for r in reasons for m in bare.finditer(r)]
    assert len(reasons) > 3
    assert not amounts, amounts
    assert any(re.search(r"\d minutes a day", r) for r in reasons)
