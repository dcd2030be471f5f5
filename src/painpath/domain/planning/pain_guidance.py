"""The one pain guidance a patient reads: how much pain during exercise and activity is okay.

Every patient-visible sentence about acceptable pain (the home program, the lessons, the exercise
precautions, the check-in, the flare-up plan, the printed program) is written from one value,
the plan's dosing: ``DOSING[plan.irritability].pain_during_max`` (pain-monitoring model,
``pain_monitoring_model`` / ``silbernagel2007``; 0-2/10 for a highly irritable presentation,
up to 5/10 otherwise). Nothing else may print its own number.

Texts in the knowledge files (lessons, exercise precautions) say ``[[pain-guidance]]`` where the
guidance belongs; ``fill_pain_guidance`` puts the plan's sentence there, or a sentence without a
number when the patient has no signed plan yet.
"""

from __future__ import annotations

from dataclasses import dataclass

from painpath.domain.assessment.irritability import DOSING
from painpath.domain.types import Irritability

__all__ = [
    "NO_PLAN_GUIDANCE",
    "PAIN_GUIDANCE_TOKEN",
    "PainGuidance",
    "fill_pain_guidance",
    "pain_guidance",
]

PAIN_GUIDANCE_TOKEN = "[[pain-guidance]]"
# Read where no plan is signed yet: the rule's shape without a number the plan may contradict.
NO_PLAN_GUIDANCE = (
    "Some pain during activity is okay. Your therapist will tell you how much is right for you. "
    "It should settle by the next morning."
)
_SAFE_ZONE_MAX = 2  # pain-monitoring model: 0-2/10 is the "safe" zone


@dataclass(frozen=True, slots=True)
class PainGuidance:
    """How much pain is acceptable during exercise and activity, on the 0-10 scale.

    ``during_max``: highest acceptable pain during activity (0-10). ``steady_weekly``: pain
    should also not creep up from week to week (low irritability: loading is progressive).
    """

    level: Irritability
    during_max: int
    steady_weekly: bool
    evidence: tuple[str, ...]

    @property
    def limit_words(self) -> str:
        """``"2 out of 10"``: the number as a patient reads it."""
        return f"{self.during_max} out of 10"

    @property
    def sentence(self) -> str:
        """The guidance in plain words (Flesch-Kincaid grade <= 8)."""
        if self.during_max <= _SAFE_ZONE_MAX:
            text = (
                f"Keep pain during your exercises and activities at {self.limit_words} or "
                "lower. It should be no worse the next morning."
            )
        else:
            text = (
                f"Pain up to {self.limit_words} during your exercises and activities is okay, "
                "as long as it settles by the next morning."
            )
        if self.steady_weekly:
            text += " It should not creep up from week to week."
        return text

    @property
    def clinician_words(self) -> str:
        """``"pain up to 5/10 during, settled by the next morning"`` for clinician texts."""
        text = f"pain up to {self.during_max}/10 during, settled by the next morning"
        return text + ", not rising week to week" if self.steady_weekly else text


def pain_guidance(level: Irritability) -> PainGuidance:
    """The guidance for a plan dosed at this irritability level (the plan's dosing rule)."""
    rule = DOSING[level]
    return PainGuidance(
        level=level,
        during_max=rule.pain_during_max,
        steady_weekly=level is Irritability.LOW,
        evidence=rule.evidence,
    )


def fill_pain_guidance(text: str, guidance: PainGuidance | None) -> str:
    """Replace every ``[[pain-guidance]]`` with the plan's sentence (or the no-plan sentence)."""
    if PAIN_GUIDANCE_TOKEN not in text:
        return text
    return text.replace(
        PAIN_GUIDANCE_TOKEN, guidance.sentence if guidance is not None else NO_PLAN_GUIDANCE
    )
