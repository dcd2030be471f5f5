"""The planned line: the daily target the plan set in advance, day by day (pure).

Graded activity is time-contingent: the target follows a line from the start quota to the goal,
set in advance and shown to the patient (``graded_activity_protocol``, ``lindstrom1992``). This
module draws that line from the engine's decisions, so the chart can show the plan beside what
the engine actually set (which holds when the plan was not kept on most days, and dips for a
few days in a set-back).

* The line starts the day after the ``START`` decision, at its start quota, and rises by one
  planned step (``GradedActivityPolicy.step_for``) every ``step_every_days`` days, up to the
  goal.
* A clinician's re-plan (``REPLAN``) restarts the line the day after it, at the re-planned
  level, towards the re-planned goal over the re-planned weeks (the step still capped at the
  policy's max step): the plan as it stood from then on.
* The line is drawn to ``until`` (the caller may draw it ahead of today, so the patient sees
  what is coming).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from painpath.domain.errors import InvalidInput
from painpath.domain.progression.engine import Replan
from painpath.domain.progression.policy import Action, Decision, GradedActivityPolicy

__all__ = ["PlannedDay", "planned_line"]


@dataclass(frozen=True, slots=True)
class PlannedDay:
    """The planned target for ``day`` in the activity's units (minutes, repetitions, ...)."""

    day: date
    quota: float


@dataclass(frozen=True, slots=True)
class _Segment:
    first: date  # first day the segment's level applies
    start: float
    step: float
    goal: float


def _segments(
    policy: GradedActivityPolicy, decisions: Sequence[Decision], replans: Sequence[Replan]
) -> list[_Segment]:
    by_day = {r.day: r for r in replans}
    segments: list[_Segment] = []
    start_quota = 0.0
    for d in decisions:
        if d.action is Action.START and d.quota_after is not None:
            start_quota = d.quota_after
            goal = max(policy.goal_quota or d.quota_after, d.quota_after)
            step = policy.step_for(start=start_quota, goal=goal)
            segments.append(_Segment(d.day + timedelta(days=1), start_quota, step, goal))
        elif d.action is Action.REPLAN and (r := by_day.get(d.day)) is not None:
            # The engine's re-plan step: (goal - level) / weeks, capped at the max step (a
            # share of the start quota; a re-plan on the very first day has only its own).
            cap = policy.max_step_fraction_of_start * (start_quota or r.quota)
            step = max(min((r.goal - r.quota) / r.weeks, cap), 0.0)
            segments.append(_Segment(d.day + timedelta(days=1), r.quota, step, r.goal))
    return segments


def planned_line(
    policy: GradedActivityPolicy,
    decisions: Sequence[Decision],
    *,
    until: date,
    replans: Sequence[Replan] = (),
) -> list[PlannedDay]:
    """The planned target of every day from the day after the start decision to ``until``.

    ``decisions``: the engine's decisions in day order; ``replans``: the clinician's re-plans
    (their goal and weeks; a re-plan counts from the day of its ``REPLAN`` decision). Empty
    while the baseline phase lasts (no start quota yet).
    """
    if any(b.day <= a.day for a, b in itertools.pairwise(decisions)):
        raise InvalidInput("decisions must be in day order, one a day")
    segments = _segments(policy, decisions, replans)
    out: list[PlannedDay] = []
    for n, seg in enumerate(segments):
        last = segments[n + 1].first - timedelta(days=1) if n + 1 < len(segments) else until
        for offset in range((last - seg.first).days + 1):
            periods = offset // policy.step_every_days
            quota = min(seg.goal, seg.start + periods * seg.step)
            out.append(PlannedDay(seg.first + timedelta(days=offset), round(quota, 2)))
    return out
