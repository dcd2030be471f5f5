"""Graded-activity policy and decision types (pure data; the engine is in ``progression``).

Every default carries its source: ``graded_activity_protocol`` / ``lindstrom1992`` for the
baseline, the 70 % start and the pre-planned line, ``nicholas2011`` for set-back plans,
``adherence_rule`` for "most days", and ``graded_activity_defaults`` (status unverified) for
the values no published source fixes. Pain monitoring (silbernagel2007) is not part of this
policy: it adjusts one loading exercise's dose (``pain_monitoring``), never the daily activity
target. See docs/clinical/graded-activity.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from painpath.domain.errors import InvalidInput

__all__ = ["Action", "Baseline", "Decision", "GradedActivityPolicy"]


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
class Baseline:
    """Tolerance measured over 3-7 days before the quota starts (graded_activity_protocol).

    ``values``: minutes or units done per baseline day, each >= 0.
    ``pain``: mean NPRS 0-10 on those days, or None (recorded with the programme; no rule of
    the engine reads it, since pain on a given day neither raises nor cuts the quota).
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
    unit: str = ""  # the quota's unit in the patient's sentences ("minutes"); "" = bare number
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
