"""The individual treatment plan: build it from a clinical picture, revise it by version."""

from painpath.domain.planning.activity import START_QUOTA_FRACTION, start_quota
from painpath.domain.planning.builder import build_plan, referral_note
from painpath.domain.planning.model import (
    Plan,
    PlanChanges,
    PlanItem,
    PlanItemKind,
    revise_plan,
)
from painpath.domain.planning.pain_guidance import (
    NO_PLAN_GUIDANCE,
    PAIN_GUIDANCE_TOKEN,
    PainGuidance,
    fill_pain_guidance,
    pain_guidance,
)

__all__ = [
    "NO_PLAN_GUIDANCE",
    "PAIN_GUIDANCE_TOKEN",
    "START_QUOTA_FRACTION",
    "PainGuidance",
    "Plan",
    "PlanChanges",
    "PlanItem",
    "PlanItemKind",
    "build_plan",
    "fill_pain_guidance",
    "pain_guidance",
    "referral_note",
    "revise_plan",
    "start_quota",
]
