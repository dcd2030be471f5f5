"""Severity, irritability and nature (SIN) -> ``Irritability`` level, which sets the dosing.

Rule (documented project default after Maitland's SIN concept; evidence ``sin_irritability``,
status unverified):

* three signs: severe pain (worst >= 7/10), easily provoked (<= 10 min of the aggravating
  activity), slow to settle (>= 60 min to settle after aggravation);
* HIGH when two or more signs are present or settling takes >= 4 h; MODERATE with one sign;
  LOW with none; MODERATE when none of the three was asked (cautious middle);
* nature: a probable neuropathic or nociplastic mechanism raises LOW to MODERATE.

Dosing per level uses the pain-monitoring model (pain during activity 0-2 safe, up to 5
acceptable if settled by next morning; ``pain_monitoring_model``, ``silbernagel2007``).
"""

from __future__ import annotations

from dataclasses import dataclass

from painpath.domain.assessment.intake import Intake
from painpath.domain.types import Irritability

__all__ = ["DOSING", "DosingRule", "IrritabilityAssessment", "evaluate_irritability"]

SEVERE_PAIN = 7.0  # worst pain 0-10
EASILY_PROVOKED_MIN = 10.0
SLOW_TO_SETTLE_MIN = 60.0
VERY_SLOW_TO_SETTLE_MIN = 240.0


@dataclass(frozen=True, slots=True)
class DosingRule:
    level: Irritability
    summary: str
    pain_during_max: int  # 0-10 acceptable during exercise
    sessions_per_week: int
    evidence: tuple[str, ...]


_PMM = ("sin_irritability", "pain_monitoring_model", "silbernagel2007")

DOSING: dict[Irritability, DosingRule] = {
    Irritability.HIGH: DosingRule(
        Irritability.HIGH,
        "Low load, short bouts, few repetitions; stay in the safe zone (pain 0-2/10 during), "
        "no increase the next morning; progress only after a settled week.",
        2,
        3,
        _PMM,
    ),
    Irritability.MODERATE: DosingRule(
        Irritability.MODERATE,
        "Moderate load; pain up to 5/10 during is acceptable if it settles by the next "
        "morning; progress weekly when the 24-hour response is settled.",
        5,
        3,
        _PMM,
    ),
    Irritability.LOW: DosingRule(
        Irritability.LOW,
        "Progressive loading toward strength and capacity; pain up to 5/10 during if settled "
        "by the next morning and not rising week to week.",
        5,
        4,
        _PMM,
    ),
}


@dataclass(frozen=True, slots=True)
class IrritabilityAssessment:
    level: Irritability
    severe: bool | None
    easily_provoked: bool | None
    slow_to_settle: bool | None
    facts: tuple[str, ...]
    dosing: DosingRule
    evidence: tuple[str, ...] = ("sin_irritability",)


def _at_least(value: float | None, limit: float) -> bool | None:
    return None if value is None else value >= limit


def evaluate_irritability(intake: Intake, *, sensitised: bool = False) -> IrritabilityAssessment:
    """``sensitised``: a probable neuropathic or nociplastic mechanism (the "nature" part)."""
    severe = _at_least(intake.pain_worst, SEVERE_PAIN)
    provoked = (
        None
        if intake.provoked_after_min is None
        else intake.provoked_after_min <= EASILY_PROVOKED_MIN
    )
    settle = _at_least(intake.settle_min, SLOW_TO_SETTLE_MIN)
    signs = [severe, provoked, settle]
    count = sum(1 for s in signs if s)
    very_slow = bool(_at_least(intake.settle_min, VERY_SLOW_TO_SETTLE_MIN))
    facts = [
        f"worst pain {_fmt(intake.pain_worst, '/10')} (severe >= {SEVERE_PAIN:g})",
        f"provoked after {_fmt(intake.provoked_after_min, ' min')}"
        f" (easily <= {EASILY_PROVOKED_MIN:g})",
        f"settles in {_fmt(intake.settle_min, ' min')} (slow >= {SLOW_TO_SETTLE_MIN:g})",
    ]
    if count >= 2 or very_slow:
        level = Irritability.HIGH
    elif count == 1 or all(s is None for s in signs):
        level = Irritability.MODERATE
    else:
        level = Irritability.LOW
    if sensitised and level is Irritability.LOW:
        level = Irritability.MODERATE
        facts.append("probable neuropathic/nociplastic mechanism: raised from low to moderate")
    return IrritabilityAssessment(level, severe, provoked, settle, tuple(facts), DOSING[level])


def _fmt(value: float | None, unit: str) -> str:
    return "not asked" if value is None else f"{value:g}{unit}"
