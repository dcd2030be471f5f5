"""Plateau analysis: why the planned level has stopped rising, and what a clinician might do.

Over the last ``window_days`` (default 21) without a planned step (graded_activity_defaults):

* **flare pattern**: at least 2 declared flares in the window: the set-back plan keeps
  interrupting. Suggest reviewing the pattern (triggers, load, sleep, stress) and the set-back
  plan; never a cumulative cut (nicholas2011).
* **adherence stall**: check-ins on fewer than 5 of 7 days: the plan is not being
  followed or not reported. Suggest a conversation about barriers (adherence_rule,
  nicholas2012).
* **capacity plateau**: the patient checks in but does less than the plan on most days, with
  few flares: the plan may be outrunning what they can do now. Suggest a re-plan with a reason
  (a smaller step or a later goal) and a look at the goal (graded_activity_protocol).

Pure: decisions and check-ins in, a finding out (None when the level rose in the window or the
goal is reached).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from painpath.domain.progression.checkins import CheckIn
from painpath.domain.progression.policy import Action, Decision

__all__ = ["PlateauFinding", "PlateauKind", "analyse_plateau"]


class PlateauKind(StrEnum):
    FLARE_PATTERN = "flare_pattern"
    ADHERENCE_STALL = "adherence_stall"
    CAPACITY_PLATEAU = "capacity_plateau"


@dataclass(frozen=True, slots=True)
class PlateauFinding:
    kind: PlateauKind
    label: str  # clinician wording
    suggestion: str
    facts: Mapping[str, int]
    evidence: tuple[str, ...]


def analyse_plateau(
    decisions: Sequence[Decision],
    checkins: Mapping[date, CheckIn],
    *,
    today: date,
    window_days: int = 21,
) -> PlateauFinding | None:
    """The kind of plateau over the last ``window_days`` days, or None when there is none."""
    first = today - timedelta(days=window_days)
    recent = [d for d in decisions if first <= d.day < today]
    if len(recent) < window_days or any(d.quota_before is None for d in recent):
        return None  # too early to tell
    if any(d.action in (Action.PROGRESS, Action.CEILING_REACHED, Action.REPLAN) for d in recent):
        return None
    days = [d.day for d in recent]
    reports = [c for day in days if (c := checkins.get(day)) is not None]
    flares = sum(1 for c in reports if c.flare)
    below = sum(
        1
        for d in recent
        if (c := checkins.get(d.day)) is not None and c.quota_done < (d.quota_before or 0.0)
    )
    facts = {"days": len(days), "check_ins": len(reports), "flares": flares, "below_plan": below}
    if flares >= 2:
        return PlateauFinding(
            PlateauKind.FLARE_PATTERN,
            "Flare pattern",
            "Look at the flare days together with the patient (triggers, load, sleep, stress) "
            "and rehearse the set-back plan; keep the planned level.",
            facts,
            ("nicholas2011", "graded_activity_defaults"),
        )
    if len(reports) < len(days) * 5 / 7:
        return PlateauFinding(
            PlateauKind.ADHERENCE_STALL,
            "Adherence stall",
            "Talk about barriers (time, worry about pain, mood, practical obstacles) and agree "
            "on how to report; keep the target.",
            facts,
            ("adherence_rule", "nicholas2012"),
        )
    if below > len(reports) / 2:
        return PlateauFinding(
            PlateauKind.CAPACITY_PLATEAU,
            "Capacity plateau",
            "The plan may be ahead of what the patient can do now: consider a re-plan with a "
            "reason (smaller steps or a later goal) and check the goal still fits.",
            facts,
            ("graded_activity_protocol", "graded_activity_defaults"),
        )
    return None
