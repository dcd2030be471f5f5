"""Irritability -> ``Irritability`` level, which sets the dosing.

Operationalisation (rule ``irritability.kelley2009``; boundaries in ``docs/clinical/reasoning.md``):
each component the clinician recorded is rated high / moderate / low.

* severity (average pain over the last week if recorded, else worst pain; Kelley 2009 /
  STAR-Shoulder, Kareha 2021): >= 7 high, >= 4 moderate, < 4 low;
* night and rest pain (24-hour behaviour): constant high, intermittent moderate, none low;
* active versus passive range: active less than passive because of pain high, similar
  moderate, equal low;
* where pain comes on in the range: before end range high, at end range moderate, only with
  overpressure low;
* time to provoke (Maitland's "easily provoked", project default bands): <= 10 min high,
  <= 30 min moderate, > 30 min low;
* time to settle (Maitland's "slow to settle", project default bands): >= 60 min high,
  >= 15 min moderate, < 15 min low.

Level: HIGH when two or more components are high, or symptoms take 4 h or more to settle;
LOW when every recorded component is low; otherwise MODERATE (also when nothing was
recorded: the cautious middle). Nature: a probable neuropathic or nociplastic mechanism
raises LOW to MODERATE.

Dosing per level uses the pain-monitoring model (pain during activity 0-2 safe, up to 5
acceptable if settled by next morning; ``pain_monitoring_model``, ``silbernagel2007``).
"""

from __future__ import annotations

from dataclasses import dataclass

from painpath.domain.assessment.intake import Examination, Intake
from painpath.domain.types import Irritability

__all__ = [
    "DOSING",
    "DosingRule",
    "IrritabilityAssessment",
    "IrritabilityComponent",
    "evaluate_irritability",
]

SEVERE_PAIN = 7.0  # >= high
MODERATE_PAIN = 4.0  # >= moderate, below is low
EASILY_PROVOKED_MIN = 10.0  # <= high
PROVOKED_MODERATE_MIN = 30.0  # <= moderate, above is low
SLOW_TO_SETTLE_MIN = 60.0  # >= high
SETTLE_MODERATE_MIN = 15.0  # >= moderate, below is low
VERY_SLOW_TO_SETTLE_MIN = 240.0  # >= high on its own


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
class IrritabilityComponent:
    name: str
    level: Irritability
    fact: str
    evidence: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class IrritabilityAssessment:
    level: Irritability
    components: tuple[IrritabilityComponent, ...]
    facts: tuple[str, ...]
    dosing: DosingRule
    evidence: tuple[str, ...] = ("kelley2009", "kareha2021", "barakatt2009", "sin_irritability")

    def component(self, name: str) -> IrritabilityComponent | None:
        return next((c for c in self.components if c.name == name), None)


_H, _M, _L = Irritability.HIGH, Irritability.MODERATE, Irritability.LOW
_KELLEY = ("kelley2009", "kareha2021")
_MAITLAND = ("sin_irritability",)


def _severity(intake: Intake) -> IrritabilityComponent | None:
    value, which = intake.pain_average, "average"
    if value is None:
        value, which = intake.pain_worst, "worst"
    if value is None:
        return None
    level = _H if value >= SEVERE_PAIN else _M if value >= MODERATE_PAIN else _L
    fact = f"severity: {which} pain {value:g}/10 (>= 7 high, >= 4 moderate, < 4 low)"
    return IrritabilityComponent("severity", level, fact, _KELLEY)


def _night_rest(intake: Intake) -> IrritabilityComponent | None:
    p = intake.pattern
    answer = p.night_rest_pain
    if answer is None:
        answer = "constant" if p.constant else "intermittent" if p.night_pain else None
    if answer is None:
        return None
    level = {"constant": _H, "intermittent": _M, "none": _L}[answer]
    return IrritabilityComponent("night_rest_pain", level, f"night or rest pain: {answer}", _KELLEY)


def _range(exam: Examination) -> list[IrritabilityComponent]:
    r = exam.range_response
    out = []
    if r.active_vs_passive is not None:
        level = {"active_less": _H, "similar": _M, "equal": _L}[r.active_vs_passive]
        words = r.active_vs_passive.replace("_", " ")
        fact = f"active range compared with passive: {words}"
        out.append(IrritabilityComponent("active_vs_passive", level, fact, _KELLEY))
    if r.pain_onset is not None:
        level = {"before_end_range": _H, "at_end_range": _M, "overpressure_only": _L}[r.pain_onset]
        fact = f"pain comes on: {r.pain_onset.replace('_', ' ')}"
        out.append(IrritabilityComponent("pain_onset", level, fact, _KELLEY))
    return out


def _timing(intake: Intake) -> list[IrritabilityComponent]:
    out = []
    provoke = intake.provoked_after_min
    if provoke is not None:
        level = (
            _H if provoke <= EASILY_PROVOKED_MIN else _M if provoke <= PROVOKED_MODERATE_MIN else _L
        )
        fact = f"provoked after {provoke:g} min (<= 10 high, <= 30 moderate, > 30 low)"
        out.append(IrritabilityComponent("time_to_provoke", level, fact, _MAITLAND))
    settle = intake.settle_min
    if settle is not None:
        level = _H if settle >= SLOW_TO_SETTLE_MIN else _M if settle >= SETTLE_MODERATE_MIN else _L
        fact = f"settles in {settle:g} min (>= 60 high, >= 15 moderate, < 15 low)"
        out.append(IrritabilityComponent("time_to_settle", level, fact, _MAITLAND))
    return out


def evaluate_irritability(
    intake: Intake, exam: Examination | None = None, *, sensitised: bool = False
) -> IrritabilityAssessment:
    """``sensitised``: a probable neuropathic or nociplastic mechanism (the "nature" part)."""
    parts = [_severity(intake), _night_rest(intake)]
    components = [c for c in parts if c is not None]
    components += _range(exam or Examination())
    components += _timing(intake)
    facts = [f"{c.fact}: {c.level.value}" for c in components]
    highs = sum(c.level is _H for c in components)
    very_slow = intake.settle_min is not None and intake.settle_min >= VERY_SLOW_TO_SETTLE_MIN
    if highs >= 2 or very_slow:
        level = _H
        if very_slow:
            facts.append("takes 4 hours or more to settle: high on its own")
    elif components and all(c.level is _L for c in components):
        level = _L
    else:
        level = _M
        if not components:
            facts.append("no irritability component recorded: moderate (cautious middle)")
    if sensitised and level is _L:
        level = _M
        facts.append("probable neuropathic/nociplastic mechanism: raised from low to moderate")
    return IrritabilityAssessment(level, tuple(components), tuple(facts), DOSING[level])
