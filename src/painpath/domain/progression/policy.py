"""Graded-activity policy and decision types (pure data; the engine is in ``progression``).

Every default carries its source: ``graded_activity_protocol`` / ``lindstrom1992`` for the
baseline, the 70 % start and the pre-planned line, ``nicholas2011`` for set-back plans,
``adherence_rule`` for "most days", ``pain_monitoring_model`` / ``silbernagel2007`` for the
pain-monitoring rule (loading exercises only, never the daily activity target), and
``graded_activity_defaults`` (status unverified) for the values no published source fixes.
See docs/clinical/graded-activity.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from painpath.domain.errors import InvalidInput
from painpath.domain.progression.checkins import CheckIn

__all__ = ["Action", "Baseline", "Decision", "GradedActivityPolicy", "PainMonitoringRule"]


class Action(StrEnum):
    START = "start"
    PROGRESS = "progress"
    HOLD = "hold"
    FLARE_RESET = "flare_reset"  # a declared flare starts the set-back plan
    SETBACK = "setback"  # a day of the set-back plan (reduced, or on the way back)
    REPLAN = "replan"  # the clinician re-planned at a review, with a reason
    CEILING_REACHED = "ceiling_reached"
    PLATEAU = "plateau"
    BASELINE_NEEDED = "baseline_needed"


@dataclass(frozen=True, slots=True)
class Decision:
    """One day's decision. ``quota_after`` applies from the day after ``day``.

    ``reason`` is for the patient (plain language); ``clinician_note`` is one line for the
    therapist; ``rule_id`` names the rule; ``evidence`` holds keys of knowledge/evidence.yaml.
    """

    day: date
    action: Action
    quota_before: float | None
    quota_after: float | None
    reason: str
    clinician_note: str
    rule_id: str
    evidence: tuple[str, ...]
    is_review: bool = False  # a scheduled (time-contingent) review day
    planned: float | None = None  # the planned level after this day (the pre-flare level)


@dataclass(frozen=True, slots=True)
class PainMonitoringRule:
    """Pain-monitoring model (pain_monitoring_model, silbernagel2007), NPRS 0-10.

    ``max_pain_during``: worst pain during activity up to 5/10 is acceptable [secondary].
    ``during_allowance``: people with chronic pain often rest above 5/10, where the absolute
    rule would stop every session (the model was tested in tendinopathy; its use in other
    chronic pain is an extrapolation). So the limit is ``max(max_pain_during, baseline pain +
    during_allowance)`` [project default, graded_activity_defaults].
    ``weekly_rise_tolerance``: from one period to the next, mean pain must not rise by more than
    this (the model's week-to-week rule, secondary; the 1-point margin is a project default).
    Checked at reviews when both periods have at least ``min_days_for_trend`` check-ins.
    ``next_morning_tolerance``: the next morning pain must be back to baseline; we allow this
    many points above it because NPRS measurement error is about 1-2 points (childs2005)
    [project default].
    """

    max_pain_during: float = 5.0
    next_morning_tolerance: float = 1.0
    during_allowance: float = 2.0
    weekly_rise_tolerance: float = 1.0
    min_days_for_trend: int = 3

    def __post_init__(self) -> None:
        if not 0 < self.max_pain_during <= 10:
            raise InvalidInput("max_pain_during must be within (0, 10]")
        if min(self.next_morning_tolerance, self.during_allowance, self.weekly_rise_tolerance) < 0:
            raise InvalidInput("pain tolerances cannot be negative")
        if self.min_days_for_trend < 1:
            raise InvalidInput("min_days_for_trend must be >= 1")

    def during_limit(self, baseline_pain: float | None) -> float:
        """Highest acceptable worst pain (NPRS) during activity."""
        if baseline_pain is None:
            return self.max_pain_during
        return max(self.max_pain_during, baseline_pain + self.during_allowance)

    def broken_by(
        self, today: CheckIn | None, yesterday: CheckIn | None, baseline_pain: float | None
    ) -> str | None:
        """A clinician-facing description of the broken rule, or None when all rules hold.

        Uses today's worst pain and the morning pain after yesterday (yesterday's
        ``next_morning_pain``, i.e. this morning): both are known when today's decision is made.
        """
        limit = self.during_limit(baseline_pain)
        if today is not None and today.pain_worst > limit:
            return f"worst pain {today.pain_worst:g}/10 > {limit:.1f}/10"
        if yesterday is None or yesterday.next_morning_pain is None:
            return None
        reference = baseline_pain if baseline_pain is not None else yesterday.pain_now
        if yesterday.next_morning_pain > reference + self.next_morning_tolerance:
            return (
                f"morning pain {yesterday.next_morning_pain:g}/10 not back to baseline "
                f"{reference:.1f}/10 (+{self.next_morning_tolerance:g})"
            )
        return None

    def trend_broken(self, period: Sequence[CheckIn], previous: Sequence[CheckIn]) -> str | None:
        """Week-to-week rule: mean ``pain_now`` of ``period`` vs ``previous`` (NPRS 0-10)."""
        if min(len(period), len(previous)) < self.min_days_for_trend:
            return None
        now = sum(c.pain_now for c in period) / len(period)
        before = sum(c.pain_now for c in previous) / len(previous)
        if now > before + self.weekly_rise_tolerance:
            return f"mean pain rose {before:.1f} -> {now:.1f}/10 over the period"
        return None


@dataclass(frozen=True, slots=True)
class Baseline:
    """Tolerance measured over 3-7 days before the quota starts (graded_activity_protocol).

    ``values``: minutes or units done per baseline day, each >= 0.
    ``pain``: mean NPRS 0-10 on those days, or None; the next-morning rule compares with it.
    """

    values: tuple[float, ...]
    pain: float | None = None

    @property
    def mean(self) -> float:
        return sum(self.values) / len(self.values)

    @classmethod
    def from_measurements(
        cls,
        values: Sequence[float],
        *,
        pain: float | None = None,
        min_days: int = 3,
        max_days: int = 7,
    ) -> Baseline:
        if not min_days <= len(values) <= max_days:
            raise InvalidInput(
                f"a baseline needs {min_days} to {max_days} days of measurements, got {len(values)}"
            )
        if any(v < 0 for v in values):
            raise InvalidInput("baseline measurements cannot be negative")
        if pain is not None and not 0.0 <= pain <= 10.0:
            raise InvalidInput(f"baseline pain must be 0-10, got {pain:g}")
        return cls(values=tuple(float(v) for v in values), pain=pain)


@dataclass(frozen=True, slots=True)
class GradedActivityPolicy:
    """Every tunable of the engine, with its source in ``evidence`` and the docs.

    Units of the quota are those of the activity (minutes or repetitions).
    """

    baseline_min_days: int = 3  # graded_activity_protocol: 3 baseline sessions
    baseline_max_days: int = 7  # project default: at most one week of baseline
    start_fraction: float = 0.7  # graded_activity_protocol: start at 70 % of the baseline mean
    step_every_days: int = 7  # unverified default: one scheduled review per week
    step_fraction_of_start: float = 0.10  # unverified default: +10 % of the start quota a period
    planned_weeks: int | None = None  # if set: linear start -> goal over this many periods
    max_step_fraction_of_start: float = 0.25  # unverified cap on one rise
    done_fraction: float = 1.0  # a day counts as done when quota_done >= 100 % of the quota
    adherence_days: int = 5  # adherence_rule: progress when done on >= 5 of the 7 days
    goal_quota: float | None = None  # the goal ceiling; None -> goal_multiple_of_baseline
    goal_multiple_of_baseline: float = 2.0  # project default ceiling without a stated goal
    floor_fraction_of_start: float = 0.5  # unverified: a set-back never goes below half the start
    min_quota: float = 1.0  # absolute floor (> 0) in the activity's units
    # Set-back plan (nicholas2011 set-back plans; amounts are graded_activity_defaults):
    # severity 1 mild, 2 moderate, 3 severe -> this fraction of the pre-flare level ...
    setback_fractions: tuple[float, float, float] = (0.75, 0.6, 0.5)
    # ... for this many days, then one half-way day, then back to the pre-flare level.
    setback_days: tuple[int, int, int] = (1, 2, 3)
    plateau_days: int = 14  # unverified: no rise for 14 days at a review -> plateau
    plateau_holds: int = 3  # unverified: or 3 consecutive held reviews

    def setback(self, severity: int) -> tuple[float, int]:
        """(fraction of the pre-flare level, reduced days) for a flare of ``severity`` 1-3."""
        index = min(max(severity, 1), 3) - 1
        return self.setback_fractions[index], self.setback_days[index]

    def planned_line(self, baseline: Baseline, periods: int) -> list[float]:
        """The planned quota of each period 0..periods, set in advance: start -> goal."""
        start, step, goal = self.start_quota(baseline), self.step(baseline), self.ceiling(baseline)
        return [min(goal, start + k * step) for k in range(periods + 1)]

    def __post_init__(self) -> None:
        _validate_policy(self)

    def ceiling(self, baseline: Baseline) -> float:
        """The goal quota: the stated goal, or a multiple of the baseline mean; >= min_quota."""
        goal = self.goal_quota
        if goal is None:
            goal = self.goal_multiple_of_baseline * baseline.mean
        return max(goal, self.min_quota)

    def start_quota(self, baseline: Baseline) -> float:
        return min(max(self.start_fraction * baseline.mean, self.min_quota), self.ceiling(baseline))

    def floor(self, baseline: Baseline) -> float:
        """The lowest quota the engine sets: > 0 and never above the ceiling."""
        lowest = max(self.floor_fraction_of_start * self.start_quota(baseline), self.min_quota)
        return min(lowest, self.ceiling(baseline))

    def max_step(self, baseline: Baseline) -> float:
        return self.max_step_fraction_of_start * self.start_quota(baseline)

    def step(self, baseline: Baseline) -> float:
        """One scheduled increase, before the max-step cap and the ceiling."""
        return self.step_for(start=self.start_quota(baseline), goal=self.ceiling(baseline))

    def step_for(self, *, start: float, goal: float) -> float:
        """One scheduled increase from a start quota towards a goal, capped at the max step
        (``max_step_fraction_of_start`` of the start)."""
        if self.planned_weeks is not None:
            # The published principle: a linear, pre-planned progression from start to goal.
            raw = (goal - start) / self.planned_weeks
        else:
            raw = self.step_fraction_of_start * start
        return max(min(raw, self.max_step_fraction_of_start * start), 0.0)


def _validate_policy(p: GradedActivityPolicy) -> None:
    if not 1 <= p.baseline_min_days <= p.baseline_max_days:
        raise InvalidInput("baseline days: need 1 <= baseline_min_days <= baseline_max_days")
    for name in ("start_fraction", "floor_fraction_of_start", "done_fraction"):
        value = getattr(p, name)
        if not 0.0 < value <= 1.0:
            raise InvalidInput(f"{name} must be in (0, 1], got {value:g}")
    if p.step_every_days < 1 or p.plateau_days < 1 or p.plateau_holds < 1:
        raise InvalidInput("step_every_days, plateau_days and plateau_holds must be >= 1")
    if not 1 <= p.adherence_days <= p.step_every_days:
        raise InvalidInput("adherence_days must be from 1 to step_every_days")
    if len(p.setback_fractions) != 3 or not all(0 < f <= 1 for f in p.setback_fractions):
        raise InvalidInput("setback_fractions: three fractions in (0, 1], mild to severe")
    if len(p.setback_days) != 3 or not all(1 <= d <= 3 for d in p.setback_days):
        raise InvalidInput("setback_days: three values of 1-3 days, mild to severe")
    if p.step_fraction_of_start <= 0 or p.max_step_fraction_of_start <= 0:
        raise InvalidInput("step_fraction_of_start and max_step_fraction_of_start must be > 0")
    if p.min_quota <= 0:
        raise InvalidInput("min_quota must be > 0: a quota of zero is not graded activity")
    if p.goal_quota is not None and p.goal_quota <= 0:
        raise InvalidInput("goal_quota must be > 0")
    if p.goal_multiple_of_baseline <= 0:
        raise InvalidInput("goal_multiple_of_baseline must be > 0")
    if p.planned_weeks is not None and p.planned_weeks < 1:
        raise InvalidInput("planned_weeks must be >= 1")
