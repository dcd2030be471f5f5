"""Plan items for a falls-risk flag (World Falls Guidelines 2022; Sherrington 2019): a
strength-and-balance programme, and a referral suggestion whose strength follows the level."""

from __future__ import annotations

from painpath.domain.assessment.falls import FallsLevel
from painpath.domain.assessment.reasoning import ClinicalPicture
from painpath.domain.planning.model import PlanItem, PlanItemKind

__all__ = ["falls_items"]

_EXERCISE = (
    "Progressive balance and functional exercise with leg strengthening, at least three times a "
    "week for at least 12 weeks, supervised at first: standing balance with a narrowing base, "
    "stepping, sit to stand, heel and toe raises; progress by reducing hand support."
)
_REFERRAL = {
    FallsLevel.HIGH: (
        "Refer for a multifactorial falls assessment",
        "High falls risk by the World Falls Guidelines: ask the GP or falls service for a "
        "multifactorial assessment (medicines, blood pressure on standing, vision, feet and "
        "footwear, home hazards, bone health).",
    ),
    FallsLevel.RAISED: (
        "Suggest a GP review of falls risk factors",
        "Raised falls risk: tell the GP, and suggest a review of medicines, vision and blood "
        "pressure on standing; reassess the gait and balance tests at review.",
    ),
}


def falls_items(picture: ClinicalPicture) -> list[PlanItem]:
    falls = picture.falls
    if not falls.flagged:
        return []
    title, details = _REFERRAL[falls.level]
    return [
        PlanItem(
            id="falls.strength_and_balance",
            kind=PlanItemKind.CARE_PATHWAY,
            title="Strength and balance training to prevent falls",
            details=_EXERCISE,
            triggered_by=falls.triggers,
            rule_id=f"plan.falls.{falls.level.value}",
            evidence=tuple(dict.fromkeys(("sherrington2019", *falls.evidence))),
            attributes={"falls_level": falls.level.value},
        ),
        PlanItem(
            id=f"referral.falls_{falls.level.value}",
            kind=PlanItemKind.REFERRAL,
            title=title,
            details=details,
            triggered_by=falls.triggers,
            rule_id=f"plan.referral.falls.{falls.level.value}",
            evidence=falls.evidence,
        ),
    ]
