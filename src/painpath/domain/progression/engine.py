"""Graded activity: a time-contingent quota engine with a planned line and set-back plans.

The engine follows the operant, time-contingent graded-activity protocols (lindstrom1992,
graded_activity_protocol, macedo2010): a pain-contingent baseline over 3-7 days, a start quota of
70 % of the baseline mean, then a planned line of increases, set in advance, towards the goal.

* Pain on a given day neither raises nor cuts the quota (pain is recorded, not obeyed).
* At each weekly review the quota moves one step along the planned line when it was done on
  most days of the period (default 5 of 7, ``adherence_rule``); a missing day never counts as
  done. Otherwise it holds: low adherence asks for a conversation about barriers, never a lower
  target.
* A flare is declared by the patient, with a severity (1-3). The set-back plan (nicholas2011)
  lowers the target for 1-3 days, has one half-way day, and is back at the pre-flare level
  within a week. The pre-flare level is remembered: flares never cut cumulatively.
* Only a flare or a clinician's re-plan (with a reason) ever lowers the quota.

Timing convention: the decision for ``day`` is made at the end of that day, after its check-in;
``quota_before`` is the quota that was in force on ``day`` and ``quota_after`` applies from the
next day.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

from painpath.domain.errors import InvalidInput
from painpath.domain.progression.checkins import CheckIn
from painpath.domain.progression.policy import (
    Action,
    Baseline,
    Decision,
    GradedActivityPolicy,
)

__all__ = [
    "Action",
    "Baseline",
    "Decision",
    "EngineState",
    "GradedActivityPolicy",
    "Replan",
    "next_quota",
    "replay_engine",
    "run_engine",
    "step_engine",
]

_GA = ("graded_activity_protocol", "lindstrom1992")
_SETBACK = ("nicholas2011", "graded_activity_defaults")
_ADHERENCE = ("adherence_rule", "graded_activity_protocol")
_DEFAULTS = ("graded_activity_defaults",)


@dataclass(frozen=True, slots=True)
class Replan:
    """A clinician's re-plan at a review: from the day after ``day`` the plan restarts at
    ``quota`` and climbs to ``goal`` over ``weeks`` periods. ``reason`` is required."""

    day: date
    quota: float
    goal: float
    weeks: int
    reason: str

    def __post_init__(self) -> None:
        if not self.reason.strip():
            raise InvalidInput("a re-plan needs a reason")
        if self.quota <= 0 or self.goal <= 0:
            raise InvalidInput("the re-planned amount and goal must be above zero")
        if self.quota > self.goal:
            raise InvalidInput("the re-planned amount cannot be above the goal")
        if not 1 <= self.weeks <= 104:
            raise InvalidInput("the re-plan needs 1-104 weeks")


@dataclass(frozen=True, slots=True)
class EngineState:
    """What the engine remembers between days. Start with ``EngineState.initial(...)``."""

    start_day: date
    baseline: Baseline | None = None
    quota: float | None = None  # the quota in force (reduced during a set-back)
    planned: float | None = None  # the planned level (the pre-flare level during a set-back)
    period_start: date | None = None  # first day of the current review period
    period_days: int = 0  # days of the current period so far
    period_done: int = 0  # of those, days with a check-in reaching the quota in force
    last_rise: date | None = None  # day the planned level last rose (or started)
    held_reviews: int = 0  # consecutive scheduled reviews that did not progress
    setback_day: date | None = None  # day the last flare was declared
    setback_reduced: int = 0  # reduced days of the current set-back
    setback_fraction: float = 1.0
    step: float | None = None  # the planned step (a re-plan sets its own)
    goal: float | None = None  # the goal (a re-plan sets its own)

    @classmethod
    def initial(cls, start_day: date, baseline: Baseline | None = None) -> EngineState:
        return cls(start_day=start_day, baseline=baseline)


def _collect_baseline(
    state: EngineState, checkins: Mapping[date, CheckIn], policy: GradedActivityPolicy, today: date
) -> Baseline | None:
    """Baseline from the check-ins of the last ``baseline_max_days`` days, once enough exist."""
    first = max(state.start_day, today - timedelta(days=policy.baseline_max_days - 1))
    found = [c for d in _days(first, today) if (c := checkins.get(d)) is not None]
    if len(found) < policy.baseline_min_days:
        return None
    pain = sum(c.pain_now for c in found) / len(found)
    return Baseline.from_measurements(
        [c.quota_done for c in found],
        pain=pain,
        min_days=policy.baseline_min_days,
        max_days=policy.baseline_max_days,
    )


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def _fmt(quota: float | None) -> str:
    return "-" if quota is None else f"{round(quota, 1):g}"


def _amount(quota: float | None, policy: GradedActivityPolicy) -> str:
    """A quota as the patient reads it: with its unit ("16.5 minutes"), never a bare number."""
    return f"{_fmt(quota)} {policy.unit}".rstrip()


def _decision(
    today: date,
    action: Action,
    before: float | None,
    after: float | None,
    texts: tuple[str, str],
    rule: tuple[str, tuple[str, ...]],
    *,
    review: bool = False,
    planned: float | None = None,
) -> Decision:
    return Decision(
        day=today,
        action=action,
        quota_before=before,
        quota_after=after,
        reason=texts[0],
        clinician_note=texts[1],
        rule_id=rule[0],
        evidence=rule[1],
        is_review=review,
        planned=after if planned is None else planned,
    )


def _decide(
    state: EngineState,
    checkins: Mapping[date, CheckIn],
    policy: GradedActivityPolicy,
    *,
    today: date,
    replan: Replan | None = None,
) -> Decision:
    baseline, quota = state.baseline, state.quota
    if baseline is None:
        texts = (
            "We are still learning what you can do now. Do what feels okay and check in daily.",
            f"baseline phase: need {policy.baseline_min_days} check-ins within "
            f"{policy.baseline_max_days} days",
        )
        return _decision(today, Action.BASELINE_NEEDED, None, None, texts, ("GA-BASELINE", _GA))
    if replan is not None:
        texts = (
            f"Your therapist has updated your plan: {_amount(replan.quota, policy)} a day from "
            f"tomorrow, building up to {_amount(replan.goal, policy)} over {replan.weeks} weeks.",
            f"re-planned by the clinician: {_fmt(quota)} -> {_fmt(replan.quota)}, goal "
            f"{_fmt(replan.goal)} over {replan.weeks} weeks. Reason: {replan.reason}",
        )
        replan_rule: tuple[str, tuple[str, ...]] = ("GA-REPLAN", _GA)
        return _decision(today, Action.REPLAN, quota, replan.quota, texts, replan_rule, review=True)
    if quota is None:
        start = policy.start_quota(baseline)
        texts = (
            f"Your plan starts at {_amount(start, policy)} a day. It is set a bit below what "
            "you did in the first days, so you can do it even on a bad day. It goes up a little "
            "each week, on a plan you can see.",
            f"start quota {_fmt(start)} = {policy.start_fraction:.0%} of baseline mean "
            f"{_fmt(baseline.mean)}; planned line to the goal {_fmt(policy.ceiling(baseline))} "
            f"by {_fmt(policy.step(baseline))} a week",
        )
        rule = ("GA-START", ("graded_activity_protocol",))
        return _decision(today, Action.START, None, start, texts, rule)
    return _decide_active(state, baseline, quota, checkins, policy, today)


def _decide_active(
    state: EngineState,
    baseline: Baseline,
    quota: float,
    checkins: Mapping[date, CheckIn],
    policy: GradedActivityPolicy,
    today: date,
) -> Decision:
    now = checkins.get(today)
    planned = state.planned if state.planned is not None else quota
    if now is not None and now.flare:
        return _flare(today, baseline, quota, planned, now, policy)
    if state.setback_day is not None:
        return _setback_day(state, baseline, quota, planned, policy, today)
    yesterday = checkins.get(today - timedelta(days=1))
    if yesterday is not None and yesterday.flare:
        texts = (
            f"Keep to your plan of {_amount(quota, policy)} a day while yesterday's flare settles.",
            "the day after a flare: no planned step today",
        )
        return _decision(today, Action.HOLD, quota, quota, texts, ("GA-FLARE-HOLD", _SETBACK))
    return _review(state, baseline, quota, policy, today)


def _flare(
    today: date,
    baseline: Baseline,
    quota: float,
    planned: float,
    now: CheckIn,
    policy: GradedActivityPolicy,
) -> Decision:
    severity = now.flare_severity or 2
    fraction, days = policy.setback(severity)
    # The reduction is always taken from the planned (pre-flare) level: never cumulative.
    after = max(min(planned * fraction, planned), min(policy.floor(baseline), planned))
    after = min(after, quota)  # a flare during a set-back never raises the day's target
    word = {1: "mild", 2: "moderate", 3: "severe"}[min(max(severity, 1), 3)]
    texts = (
        f"Flare-ups happen and are not a sign of damage. Your set-back plan: "
        f"{_amount(after, policy)} a day for {days} day{'s' if days > 1 else ''}, then back up "
        f"to {_amount(planned, policy)} within the "
        "week.",
        f"{word} flare declared (severity {severity}/3): set-back plan {_fmt(after)} "
        f"({fraction:.0%} of the planned {_fmt(planned)}) for {days} day(s), half-way for one "
        "day, then back to the planned level",
    )
    return _decision(
        today, Action.FLARE_RESET, quota, after, texts, ("GA-FLARE", _SETBACK), planned=planned
    )


def _setback_day(
    state: EngineState,
    baseline: Baseline,
    quota: float,
    planned: float,
    policy: GradedActivityPolicy,
    today: date,
) -> Decision:
    assert state.setback_day is not None
    elapsed = (today - state.setback_day).days  # 1 on the first reduced day
    reduced = planned * state.setback_fraction
    if elapsed < state.setback_reduced:
        after, word = quota, "Keep to your set-back plan while the flare settles."
        note = f"set-back day {elapsed} of {state.setback_reduced}: reduced level {_fmt(quota)}"
    elif elapsed == state.setback_reduced:
        after = max(quota, (reduced + planned) / 2)
        word = f"Tomorrow you go half-way back: {_amount(after, policy)} a day."
        note = f"set-back: half-way back {_fmt(quota)} -> {_fmt(after)} (planned {_fmt(planned)})"
    else:
        after = planned
        word = (
            f"You are back to your plan: {_amount(after, policy)} a day from tomorrow. Well done."
        )
        note = f"set-back over: back to the planned level {_fmt(planned)}"
    texts = (word, note)
    return _decision(
        today, Action.SETBACK, quota, after, texts, ("GA-SETBACK", _SETBACK), planned=planned
    )


def _review(
    state: EngineState,
    baseline: Baseline,
    quota: float,
    policy: GradedActivityPolicy,
    today: date,
) -> Decision:
    elapsed = state.period_days
    if elapsed < policy.step_every_days:
        left = policy.step_every_days - elapsed
        texts = (
            f"Keep to your plan of {_amount(quota, policy)} a day, whatever the pain does today.",
            f"time-contingent: {left} day(s) to the next scheduled review",
        )
        return _decision(today, Action.HOLD, quota, quota, texts, ("GA-CONTINUE", _GA))
    needed = math.ceil(policy.adherence_days * elapsed / policy.step_every_days)
    done = state.period_done
    goal = state.goal if state.goal is not None else policy.ceiling(baseline)
    if done >= needed:
        return _progress(state, today, baseline, quota, goal, policy, (done, elapsed))
    since_rise = (today - (state.last_rise or state.start_day)).days + 1
    texts = (
        f"Let's stay at {_amount(quota, policy)} a day this week. Your plan moves on once it "
        f"is done on most days; your therapist will talk with you about what gets in the way.",
        f"review: plan done on {done} of {elapsed} days (needs {needed}; missing days count as "
        f"not done): hold, talk about barriers; level unchanged for {since_rise} days",
    )
    if since_rise >= policy.plateau_days or state.held_reviews + 1 >= policy.plateau_holds:
        texts = (texts[0], "PLATEAU: " + texts[1])
        rule: tuple[str, tuple[str, ...]] = ("GA-PLATEAU", _ADHERENCE + _DEFAULTS)
        return _decision(today, Action.PLATEAU, quota, quota, texts, rule, review=True)
    hold_rule = ("GA-HOLD-ADHERENCE", _ADHERENCE)
    return _decision(today, Action.HOLD, quota, quota, texts, hold_rule, review=True)


def _progress(
    state: EngineState,
    today: date,
    baseline: Baseline,
    quota: float,
    goal: float,
    policy: GradedActivityPolicy,
    counts: tuple[int, int],
) -> Decision:
    if quota >= goal:
        texts = (
            f"Well done: you have reached your goal of {_amount(goal, policy)} a day. Keep it up.",
            f"goal {_fmt(goal)} reached; maintain, taper supervision or set a new goal",
        )
        rule: tuple[str, tuple[str, ...]] = ("GA-CEILING", ("graded_activity_protocol",))
        return _decision(today, Action.CEILING_REACHED, quota, quota, texts, rule, review=True)
    step = state.step if state.step is not None else policy.step(baseline)
    after = min(goal, quota + min(step, policy.max_step(baseline)))
    texts = (
        f"Well done: you kept to your plan on most days. As planned, from tomorrow it is "
        f"{_amount(after, policy)} a day.",
        f"period done on {counts[0]} of {counts[1]} days: planned step {_fmt(quota)} -> "
        f"{_fmt(after)} (goal {_fmt(goal)})",
    )
    up_rule = ("GA-PROGRESS", _GA + _ADHERENCE)
    return _decision(today, Action.PROGRESS, quota, after, texts, up_rule, review=True)


def step_engine(
    state: EngineState,
    checkins: Mapping[date, CheckIn],
    policy: GradedActivityPolicy,
    *,
    today: date,
    replan: Replan | None = None,
) -> tuple[Decision, EngineState]:
    """Decide for ``today`` (end of day) and return the decision with the new state."""
    if today < state.start_day:
        raise InvalidInput(f"today ({today}) is before the start of graded activity")
    if state.baseline is None:
        baseline = _collect_baseline(state, checkins, policy, today)
        if baseline is not None:
            state = replace(state, baseline=baseline)
    if state.quota is not None and state.period_start is not None:
        # Count today in the period: a missing check-in is never a done day.
        c = checkins.get(today)
        done = c is not None and c.quota_done >= state.quota * policy.done_fraction - 1e-9
        state = replace(
            state, period_days=state.period_days + 1, period_done=state.period_done + int(done)
        )
    if state.baseline is None:
        replan = None  # a re-plan needs a measured starting point (ignored in the baseline phase)
    decision = _decide(state, checkins, policy, today=today, replan=replan)
    return decision, _advance(state, decision, policy, checkins, replan)


def _new_period(state: EngineState, tomorrow: date) -> EngineState:
    return replace(state, period_start=tomorrow, period_days=0, period_done=0)


def _advance(
    state: EngineState,
    decision: Decision,
    policy: GradedActivityPolicy,
    checkins: Mapping[date, CheckIn],
    replan: Replan | None,
) -> EngineState:
    tomorrow = decision.day + timedelta(days=1)
    action = decision.action
    after = decision.quota_after
    if action is Action.BASELINE_NEEDED:
        return state
    if action in (Action.START, Action.PROGRESS):
        state = replace(state, quota=after, planned=after, last_rise=tomorrow, held_reviews=0)
        return _new_period(state, tomorrow)
    if action is Action.REPLAN and replan is not None:
        step = (replan.goal - replan.quota) / replan.weeks
        state = replace(
            state,
            quota=after,
            planned=after,
            last_rise=tomorrow,
            held_reviews=0,
            setback_day=None,
            step=step,
            goal=replan.goal,
        )
        return _new_period(state, tomorrow)
    if action is Action.FLARE_RESET:
        c = checkins.get(decision.day)
        fraction, days = policy.setback((c.flare_severity or 2) if c else 2)
        return replace(
            state,
            quota=after,
            planned=state.planned if state.planned is not None else state.quota,
            setback_day=decision.day,
            setback_reduced=days,
            setback_fraction=fraction,
        )
    if action is Action.SETBACK:
        over = after is not None and state.planned is not None and after >= state.planned
        return replace(state, quota=after, setback_day=None if over else state.setback_day)
    if action is Action.CEILING_REACHED:
        return _new_period(replace(state, held_reviews=0), tomorrow)
    if decision.is_review:
        # A held review starts a fresh period: the next review needs a new period of days.
        return _new_period(replace(state, held_reviews=state.held_reviews + 1), tomorrow)
    return state


def next_quota(
    state: EngineState,
    checkins: Mapping[date, CheckIn],
    policy: GradedActivityPolicy,
    *,
    today: date,
) -> Decision:
    """The decision for ``today`` only (see ``step_engine`` for the updated state)."""
    return step_engine(state, checkins, policy, today=today)[0]


def run_engine(
    policy: GradedActivityPolicy,
    baseline: Baseline | None,
    checkins_by_day: Mapping[date, CheckIn],
    *,
    start: date,
    end: date,
    replans: Sequence[Replan] = (),
) -> list[Decision]:
    """One decision per day from ``start`` to ``end`` inclusive; deterministic.

    With ``baseline=None`` the first days are the baseline phase: the engine collects the
    check-ins of days ``start`` .. ``start + baseline_max_days - 1`` until it has enough.
    ``replans``: the clinician's re-plans, each applied at the end of its day (the last one of
    a day wins).
    """
    if end < start:
        raise InvalidInput(f"end ({end}) is before start ({start})")
    state = EngineState.initial(start, baseline)
    return replay_engine(state, policy, checkins_by_day, first=start, end=end, replans=replans)[0]


def replay_engine(
    state: EngineState,
    policy: GradedActivityPolicy,
    checkins_by_day: Mapping[date, CheckIn],
    *,
    first: date,
    end: date,
    replans: Sequence[Replan] = (),
) -> tuple[list[Decision], EngineState]:
    """Step ``state`` over the days ``first`` .. ``end`` inclusive (none when ``end`` is
    before ``first``): the decisions and the state after ``end``. ``run_engine`` is this from
    the initial state; resuming from a stored state after day D with ``first`` = D + 1 gives
    the same decisions as a replay from the start (the engine reads only the state, the day's
    and the day before's check-ins, and, before the baseline is known, the baseline days)."""
    by_day = {r.day: r for r in sorted(replans, key=lambda r: r.day)}
    decisions: list[Decision] = []
    for offset in range(max((end - first).days + 1, 0)):
        today = first + timedelta(days=offset)
        decision, state = step_engine(
            state, checkins_by_day, policy, today=today, replan=by_day.get(today)
        )
        decisions.append(decision)
    return decisions, state
