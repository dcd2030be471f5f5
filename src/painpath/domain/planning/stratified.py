"""Stratified care (Hill 2011, STarT Back): the size and content of the plan follow the
patient's risk of a poor outcome.

* low risk -> a light package: advice, reassurance and self-management in one or two sessions
  (at most ``LIGHT_MAX_EXERCISES`` home exercises, the core lessons, one review, no manual
  therapy and no graded-activity programme);
* medium risk -> physiotherapist-led care (the standard plan);
* high risk -> psychologically informed physiotherapy (the standard plan plus the
  psychologically informed lessons and a referral item for coordination);
* not screened -> the standard plan; in low back pain an item asks for the screen.
"""

from __future__ import annotations

from enum import StrEnum

from painpath.domain.assessment.reasoning import ClinicalPicture
from painpath.domain.planning.model import PlanItem, PlanItemKind
from painpath.domain.types import Region

__all__ = [
    "CORE_LESSONS",
    "LIGHT_MAX_EXERCISES",
    "LIGHT_REVIEW_WEEKS",
    "PSYCHOLOGICALLY_INFORMED_LESSONS",
    "Stratum",
    "care_stratum",
    "stratified_items",
]

LIGHT_MAX_EXERCISES = 3  # a short self-management programme (project default)
LIGHT_REVIEW_WEEKS = (2,)  # assessment + one follow-up = two sessions in all
CORE_LESSONS = ("why-movement-helps", "hurt-vs-harm", "flare-ups", "what-to-expect")
PSYCHOLOGICALLY_INFORMED_LESSONS = (
    "fear-and-avoidance",
    "thoughts-and-pain",
    "stress-and-pain",
    "active-coping",
)
_EV = ("hill2011", "keele_sbst")


class Stratum(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    NOT_SCREENED = "not_screened"


def care_stratum(picture: ClinicalPicture) -> Stratum:
    """STarT Back band of a valid score; anything else is ``NOT_SCREENED``."""
    result = picture.scores.get("startback")
    band = (result.band or "").lower() if result is not None and result.valid else ""
    try:
        return Stratum(band) if band in ("low", "medium", "high") else Stratum.NOT_SCREENED
    except ValueError:  # pragma: no cover - guarded above
        return Stratum.NOT_SCREENED


_PATHWAY = {
    Stratum.LOW: (
        "Low risk: light package (one or two sessions)",
        "Advice and reassurance: the outlook is good, stay active and keep to usual "
        "activities and work; a short self-management programme to do at home; one follow-up "
        "at most. Offer more only if the picture changes at the follow-up.",
    ),
    Stratum.MEDIUM: (
        "Medium risk: physiotherapist-led care",
        "A course of physiotherapist-led treatment aimed at function: exercise, manual therapy "
        "where it helps the patient move, and advice; reviewed at weeks 2, 6 and 12.",
    ),
    Stratum.HIGH: (
        "High risk: psychologically informed physiotherapy",
        "Physiotherapist-led care that addresses physical and psychological obstacles together: "
        "explore worries and beliefs, set goals together, graded activity and exposure, "
        "coping skills; coordinate with the GP or a psychologist when mood screens are "
        "positive.",
    ),
}


def stratified_items(picture: ClinicalPicture) -> list[PlanItem]:
    """The care-pathway item for the stratum (or a request to screen in low back pain)."""
    stratum = care_stratum(picture)
    if stratum is Stratum.NOT_SCREENED:
        if Region.LOW_BACK not in picture.intake.regions:
            return []
        return [
            PlanItem(
                id="pathway.screen_startback",
                kind=PlanItemKind.CARE_PATHWAY,
                title="Screen with STarT Back to match care to risk",
                details="Low back pain without a risk screen: ask the nine STarT Back questions "
                "so that the size of the plan can follow the risk (low, medium, high).",
                triggered_by=("low back pain; STarT Back not completed",),
                rule_id="plan.pathway.stratified.screen",
                evidence=_EV,
            )
        ]
    title, details = _PATHWAY[stratum]
    return [
        PlanItem(
            id=f"pathway.stratified.{stratum.value}",
            kind=PlanItemKind.CARE_PATHWAY,
            title=title,
            details=details,
            triggered_by=(f"STarT Back {stratum.value} risk",),
            rule_id=f"plan.pathway.stratified.{stratum.value}",
            evidence=_EV,
            attributes={"stratum": stratum.value},
        )
    ]
