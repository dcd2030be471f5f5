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

__all__ = [
    "START_QUOTA_FRACTION",
    "Plan",
    "PlanChanges",
    "PlanItem",
    "PlanItemKind",
    "build_plan",
    "referral_note",
    "revise_plan",
    "start_quota",
]
