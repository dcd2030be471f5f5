"""Graded activity: a time-contingent quota engine with pain-monitoring and flare rules.

The engine follows the operant, time-contingent graded-activity protocols (lindstrom1992,
graded_activity_protocol): a pain-contingent baseline over 3-7 days, a start quota of 70 % of the
baseline mean, then pre-planned increases on a schedule towards a goal ceiling. The quota rises
because the previous period's quota was done and the pain-monitoring rules were kept
(silbernagel2007, pain_monitoring_model), never because pain happened to be low that day.

Timing convention: the decision for ``day`` is made at the end of that day, after its check-in;
``quota_before`` is the quota that was in force on ``day`` and ``quota_after`` applies from the
next day. So a flare reported on ``day`` is answered by that day's decision (never a rise), and
the day after a flare is always a hold day.

Defaults a published source does not give (the increment, flare drop, floor, plateau) are marked
``graded_activity_defaults`` (status unverified) and listed in docs/clinical/graded-activity.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta

from painpath.domain.errors import InvalidInput
from painpath.domain.progression.checkins import CheckIn
from painpath.domain.progression.policy import (
    Action,
    Baseline,
    Decision,
    GradedActivityPolicy,
    PainMonitoringRule,
)

__all__ = [
    "Action",
    "Baseline",
    "Decision",
    "EngineState",
    "GradedActivityPolicy",
    "PainMonitoringRule",
    "next_quota",
    "run_engine",
    "step_engine",
]

_GA = ("graded_activity_protocol", "lindstrom1992")
_PM = ("pain_monitoring_model", "silbernagel2007")
_DEFAULTS = ("graded_activity_defaults",)


@dataclass(frozen=True, slots=True)
class EngineState:
    """What the engine remembers between days. Start with ``EngineState.initial(...)``."""

    start_day: date
    baseline: Baseline | None = None
    quota: float | None = None
    period_start: date | None = None  # first day of the current (unchanged-quota) period
    last_rise: date | None = None  # day the quota last rose (or started)
    hold_until: date | None = None  # no rise on or before this day (after a flare)
    held_reviews: int = 0  # consecutive scheduled reviews that did not progress

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


def _decision(
    today: date,
    action: Action,
    before: float | None,
    after: float | None,
    texts: tuple[str, str],
    rule: tuple[str, tuple[str, ...]],
    *,
    review: bool = False,
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
    )


def _decide(
    state: EngineState,
    checkins: Mapping[date, CheckIn],
    policy: GradedActivityPolicy,
    *,
    today: date,
) -> Decision:
    baseline, quota = state.baseline, state.quota
    if baseline is None:
        texts = (
            "We are still learning what you can do now. Do what feels okay and check in daily.",
            f"baseline phase: need {policy.baseline_min_days} check-ins within "
            f"{policy.baseline_max_days} days",
        )
        return _decision(today, Action.BASELINE_NEEDED, None, None, texts, ("GA-BASELINE", _GA))
    if quota is None:
        start = policy.start_quota(baseline)
        texts = (
            f"Your starting goal is {_fmt(start)} a day. It is set a bit below what you did "
            "in the first days, so you can do it even on a bad day.",
            f"start quota {_fmt(start)} = {policy.start_fraction:.0%} of baseline mean "
            f"{_fmt(baseline.mean)} (ceiling {_fmt(policy.ceiling(baseline))})",
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
    now, yesterday = checkins.get(today), checkins.get(today - timedelta(days=1))
    floor = policy.floor(baseline)
    if now is not None and now.flare:
        after = min(quota, max(floor, quota * policy.flare_fraction))
        texts = (
            f"Flare-ups happen and are not a sign of damage. Tomorrow's goal is lower "
            f"({_fmt(after)}); we will build up again once things settle.",
            f"flare reported: quota {_fmt(quota)} -> {_fmt(after)} "
            f"({policy.flare_fraction:.0%}), no rise for {policy.flare_hold_days} days",
        )
        return _decision(
            today, Action.FLARE_RESET, quota, after, texts, ("GA-FLARE", _DEFAULTS + _PM)
        )
    settling = (yesterday is not None and yesterday.flare) or (
        state.hold_until is not None and today <= state.hold_until
    )
    if settling:
        texts = (
            "Keep the same goal while the flare settles.",
            "hold after a flare: no rise during the flare hold days",
        )
        return _decision(today, Action.HOLD, quota, quota, texts, ("GA-FLARE-HOLD", _DEFAULTS))
    broken = policy.pain_rule.broken_by(now, yesterday, baseline.pain)
    if broken is not None:
        return _step_back(today, baseline, quota, policy, broken)
    return _review(state, baseline, quota, checkins, policy, today)


def _step_back(
    today: date,
    baseline: Baseline,
    quota: float,
    policy: GradedActivityPolicy,
    broken: str,
    *,
    review: bool = False,
) -> Decision:
    back = policy.step(baseline) or policy.max_step(baseline)
    after = min(quota, max(policy.floor(baseline), quota - back))
    texts = (
        f"Your pain went higher than we aim for. Tomorrow's goal is a little lower "
        f"({_fmt(after)}) so your body can adjust.",
        f"pain-monitoring rule broken ({broken}): quota {_fmt(quota)} -> {_fmt(after)}",
    )
    rule = ("GA-PAIN-RULE", _PM + _DEFAULTS)
    return _decision(today, Action.STEP_BACK, quota, after, texts, rule, review=review)


def _review(
    state: EngineState,
    baseline: Baseline,
    quota: float,
    checkins: Mapping[date, CheckIn],
    policy: GradedActivityPolicy,
    today: date,
) -> Decision:
    period_start = state.period_start or today
    elapsed = (today - period_start).days + 1
    if elapsed < policy.step_every_days:
        left = policy.step_every_days - elapsed
        texts = (
            f"Keep to your goal of {_fmt(quota)} a day, whatever the pain does today.",
            f"time-contingent: {left} day(s) to the next scheduled review",
        )
        return _decision(today, Action.HOLD, quota, quota, texts, ("GA-CONTINUE", _GA))
    days = _days(period_start, today)
    # A missing check-in is never a done day.
    undone = [
        d
        for d in days
        if (c := checkins.get(d)) is None or c.quota_done < quota * policy.done_fraction
    ]
    ceiling = policy.ceiling(baseline)
    if not undone:
        earlier = _days(period_start - timedelta(days=len(days)), period_start - timedelta(days=1))
        trend = policy.pain_rule.trend_broken(
            [c for d in days if (c := checkins.get(d)) is not None],
            [c for d in earlier if (c := checkins.get(d)) is not None],
        )
        if trend is not None:
            return _step_back(today, baseline, quota, policy, trend, review=True)
        return _progress(today, baseline, quota, ceiling, policy)
    since_rise = (today - (state.last_rise or state.start_day)).days + 1
    texts = (
        f"Let's stay at {_fmt(quota)} a day for now. Reaching it on every day comes first.",
        f"review: quota not done on {len(undone)} of {len(days)} days (missing days count as "
        f"not done); quota unchanged for {since_rise} days",
    )
    if since_rise >= policy.plateau_days or state.held_reviews + 1 >= policy.plateau_holds:
        texts = (texts[0], "PLATEAU: " + texts[1] + "; review goal, baseline and barriers")
        rule: tuple[str, tuple[str, ...]] = ("GA-PLATEAU", _GA + _DEFAULTS)
        return _decision(today, Action.PLATEAU, quota, quota, texts, rule, review=True)
    hold_rule = ("GA-HOLD-UNDONE", _GA)
    return _decision(today, Action.HOLD, quota, quota, texts, hold_rule, review=True)


def _progress(
    today: date, baseline: Baseline, quota: float, ceiling: float, policy: GradedActivityPolicy
) -> Decision:
    if quota >= ceiling:
        texts = (
            f"Well done: you have reached your goal of {_fmt(ceiling)}. Keep it up.",
            f"ceiling {_fmt(ceiling)} reached; maintain, taper supervision or set a new goal",
        )
        rule: tuple[str, tuple[str, ...]] = ("GA-CEILING", ("graded_activity_protocol",))
        return _decision(today, Action.CEILING_REACHED, quota, quota, texts, rule, review=True)
    after = min(ceiling, quota + policy.step(baseline))
    texts = (
        f"Well done: you met your goal every day. From tomorrow it goes up to {_fmt(after)}.",
        f"period complete, pain rules kept: quota {_fmt(quota)} -> {_fmt(after)} "
        f"(step {_fmt(after - quota)}, ceiling {_fmt(ceiling)})",
    )
    up_rule = ("GA-PROGRESS", _GA + _DEFAULTS)
    return _decision(today, Action.PROGRESS, quota, after, texts, up_rule, review=True)


def step_engine(
    state: EngineState,
    checkins: Mapping[date, CheckIn],
    policy: GradedActivityPolicy,
    *,
    today: date,
) -> tuple[Decision, EngineState]:
    """Decide for ``today`` (end of day) and return the decision with the new state."""
    if today < state.start_day:
        raise InvalidInput(f"today ({today}) is before the start of graded activity")
    if state.baseline is None:
        baseline = _collect_baseline(state, checkins, policy, today)
        if baseline is not None:
            state = replace(state, baseline=baseline)
    decision = _decide(state, checkins, policy, today=today)
    return decision, _advance(state, decision, policy)


def _advance(state: EngineState, decision: Decision, policy: GradedActivityPolicy) -> EngineState:
    tomorrow = decision.day + timedelta(days=1)
    action = decision.action
    if action is Action.BASELINE_NEEDED:
        return state
    if action is Action.START:
        return replace(state, quota=decision.quota_after, period_start=tomorrow, last_rise=tomorrow)
    if action is Action.PROGRESS:
        return replace(
            state,
            quota=decision.quota_after,
            period_start=tomorrow,
            last_rise=tomorrow,
            held_reviews=0,
        )
    if action is Action.FLARE_RESET:
        hold = decision.day + timedelta(days=policy.flare_hold_days)
        return replace(state, quota=decision.quota_after, period_start=tomorrow, hold_until=hold)
    if action is Action.STEP_BACK:
        return replace(state, quota=decision.quota_after, period_start=tomorrow)
    if action is Action.CEILING_REACHED:
        return replace(state, period_start=tomorrow, held_reviews=0)
    if decision.is_review:
        # A held review (hold, plateau, ceiling) starts a fresh period: the next review needs
        # a whole new period of done days.
        return replace(state, period_start=tomorrow, held_reviews=state.held_reviews + 1)
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
) -> list[Decision]:
    """One decision per day from ``start`` to ``end`` inclusive; deterministic.

    With ``baseline=None`` the first days are the baseline phase: the engine collects the
    check-ins of days ``start`` .. ``start + baseline_max_days - 1`` until it has enough.
    """
    if end < start:
        raise InvalidInput(f"end ({end}) is before start ({start})")
    state = EngineState.initial(start, baseline)
    decisions: list[Decision] = []
    for offset in range((end - start).days + 1):
        decision, state = step_engine(
            state, checkins_by_day, policy, today=start + timedelta(days=offset)
        )
        decisions.append(decision)
    return decisions
