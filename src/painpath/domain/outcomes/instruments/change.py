"""Is a change between two totals real and important? MCID, MDC and direction, from the data.

Order of the questions (a documented project default, ``project_default``):

1. A change smaller than the MDC is *within measurement error* (it could be noise).
2. Otherwise a change that reaches the MCID (absolute points, or the percent-of-baseline rule
   where the instrument has one, e.g. NPRS 2 points or 30 %) in the better direction is
   *improved*, in the worse direction *worsened*.
3. Anything else is *no important change*.

Comparisons use ``>=`` ("reaches the MCID") with a small tolerance so that 35.56 - 25.56 counts
as 10 points.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

from painpath.domain.errors import InvalidInput
from painpath.domain.outcomes.instruments.model import Direction, Instrument, Threshold

__all__ = ["ChangeCategory", "ChangeInterpretation", "interpret_change", "responder"]

_EPS = 1e-9
Rule = Literal["either", "absolute", "percent"]


class ChangeCategory(StrEnum):
    IMPROVED = "improved"
    WORSENED = "worsened"
    WITHIN_ERROR = "within measurement error"
    NO_IMPORTANT_CHANGE = "no important change"


@dataclass(frozen=True, slots=True)
class ChangeInterpretation:
    """``delta`` = after - before (score points); ``percent_change`` relative to ``before``
    (None when before is 0); ``threshold`` is the absolute MCID in points."""

    category: ChangeCategory
    delta: float
    percent_change: float | None
    rule_applied: str
    threshold: float
    evidence: tuple[str, ...]
    explanation: str


def _mcid(instrument: Instrument) -> Threshold:
    if instrument.mcid is None:
        raise InvalidInput(f"{instrument.id}: no minimal clinically important change is on file")
    return instrument.mcid


def _gain(instrument: Instrument, before: float, after: float) -> float:
    """Change in the better direction (positive = better for the patient)."""
    delta = after - before
    return -delta if instrument.direction is Direction.LOWER_BETTER else delta


def _rules_met(
    mcid: Threshold, size: float, percent: float | None, rule: Rule
) -> tuple[bool, bool]:
    """(absolute rule met, percent rule met) for a change of ``size`` points, ``percent`` %."""
    absolute_met = rule != "percent" and size + _EPS >= mcid.value
    percent_met = (
        rule != "absolute"
        and mcid.percent is not None
        and percent is not None
        and abs(percent) + _EPS >= mcid.percent
    )
    return absolute_met, percent_met


def _rule_text(mcid: Threshold, absolute_met: bool, percent_met: bool, rule: Rule) -> str:
    parts = []
    if absolute_met:
        parts.append(f"{mcid.value:g}-point rule")
    if percent_met:
        parts.append(f"{mcid.percent:g} % rule")
    if parts:
        return " and ".join(parts)
    if mcid.percent is not None and rule == "either":
        return f"{mcid.value:g}-point rule and {mcid.percent:g} % rule (neither reached)"
    if rule == "percent":
        return f"{mcid.percent:g} % rule (not reached)"
    return f"{mcid.value:g}-point rule (not reached)"


def interpret_change(
    instrument: Instrument, before: float, after: float, *, rule: Rule = "either"
) -> ChangeInterpretation:
    """Classify the change of an instrument's total from ``before`` to ``after``.

    ``rule`` picks the MCID rule where an instrument has both a point and a percent threshold
    (NPRS): ``either`` (default; Ostelo 2008 "2 points or 30 %"), ``absolute`` or ``percent``.
    Raises InvalidInput for an instrument without an MCID on file or a percent rule it lacks.
    """
    mcid = _mcid(instrument)
    if rule == "percent" and mcid.percent is None:
        raise InvalidInput(f"{instrument.id}: no percent-change rule is on file")
    delta = after - before
    percent = delta / before * 100.0 if before != 0 else None
    gain = _gain(instrument, before, after)
    absolute_met, percent_met = _rules_met(mcid, abs(delta), percent, rule)
    evidence = mcid.evidence + (instrument.mdc.evidence if instrument.mdc else ())
    rule_text = _rule_text(mcid, absolute_met, percent_met, rule)
    mdc = instrument.mdc
    if mdc is not None and abs(delta) + _EPS < mdc.value:
        category = ChangeCategory.WITHIN_ERROR
        rule_text = f"MDC {mdc.value:g} points (not exceeded)"
    elif (absolute_met or percent_met) and gain > 0:
        category = ChangeCategory.IMPROVED
    elif absolute_met or percent_met:
        category = ChangeCategory.WORSENED
    else:
        category = ChangeCategory.NO_IMPORTANT_CHANGE
    return ChangeInterpretation(
        category=category,
        delta=delta,
        percent_change=percent,
        rule_applied=rule_text,
        threshold=mcid.value,
        evidence=tuple(dict.fromkeys(evidence)),
        explanation=_explain(instrument, category, delta, rule_text),
    )


def _explain(instrument: Instrument, category: ChangeCategory, delta: float, rule: str) -> str:
    better = "lower" if instrument.direction is Direction.LOWER_BETTER else "higher"
    head = f"The {instrument.name} score changed by {delta:+.1f} points ({better} is better). "
    if category is ChangeCategory.WITHIN_ERROR:
        return head + "This is smaller than the usual measurement error, so it may not be real."
    if category is ChangeCategory.NO_IMPORTANT_CHANGE:
        return (
            head + f"This is more than measurement error but below the important change ({rule})."
        )
    word = "improvement" if category is ChangeCategory.IMPROVED else "worsening"
    return head + f"This is an important {word} ({rule})."


def responder(instrument: Instrument, baseline: float, current: float) -> bool:
    """True when the change reached the MCID in the improving direction (either rule for
    instruments that also have a percent rule)."""
    mcid = _mcid(instrument)
    gain = _gain(instrument, baseline, current)
    if gain <= 0:
        return False
    percent = (current - baseline) / baseline * 100.0 if baseline != 0 else None
    absolute_met, percent_met = _rules_met(mcid, gain, percent, "either")
    return absolute_met or percent_met
