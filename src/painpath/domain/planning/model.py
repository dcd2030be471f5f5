"""Plan types and the pure revision function.

A plan is a versioned, immutable value. Editing and storage belong to the service layer;
``revise_plan`` returns the next version with the change recorded, and clears the signature
because a changed plan must be signed again.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Protocol

from painpath.domain.errors import InvalidInput
from painpath.domain.planning.pain_guidance import PainGuidance, pain_guidance
from painpath.domain.types import Irritability, Region

__all__ = [
    "DosageLike",
    "ExerciseLibraryLike",
    "ExerciseLike",
    "LessonLibraryLike",
    "LessonLike",
    "Plan",
    "PlanChanges",
    "PlanItem",
    "PlanItemKind",
    "revise_plan",
]


class PlanItemKind(StrEnum):
    REFERRAL = "referral"  # medical referral (soon) or coordination with GP/psychology
    CARE_PATHWAY = "care_pathway"  # stratified care, return to work, GP liaison, escalation
    LOAD_ADVICE = "load_advice"  # load management and activity advice by presentation
    GOAL = "goal"
    EDUCATION = "education"
    MANUAL_THERAPY = "manual_therapy"  # suggestion for the clinician
    MOVEMENT_RETRAINING = "movement_retraining"
    EXERCISE = "exercise"
    GRADED_ACTIVITY = "graded_activity"
    EXPOSURE_STEP = "exposure_step"
    FLARE_PLAN = "flare_plan"
    EXAMINE = "examine"  # what to examine at the next visit
    REVIEW = "review"


@dataclass(frozen=True, slots=True)
class PlanItem:
    """One component of the plan, with the facts that triggered it, the rule and evidence."""

    id: str  # unique within a plan, e.g. "exercise.clamshell"
    kind: PlanItemKind
    title: str
    details: str
    triggered_by: tuple[str, ...]
    rule_id: str
    evidence: tuple[str, ...]
    ref: str | None = None  # exercise or lesson id
    due: date | None = None
    attributes: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Plan:
    version: int
    start_date: date
    irritability: Irritability
    items: tuple[PlanItem, ...]
    signed_by: str | None = None
    signed_at: datetime | None = None
    revision_reason: str | None = None

    def of_kind(self, kind: PlanItemKind) -> tuple[PlanItem, ...]:
        return tuple(i for i in self.items if i.kind is kind)

    @property
    def pain_guidance(self) -> PainGuidance:
        """The one pain guidance every patient text of this plan uses (its dosing)."""
        return pain_guidance(self.irritability)

    def item(self, item_id: str) -> PlanItem:
        for i in self.items:
            if i.id == item_id:
                return i
        raise InvalidInput(f"plan has no item {item_id!r}")


@dataclass(frozen=True, slots=True)
class PlanChanges:
    reason: str
    add: tuple[PlanItem, ...] = ()
    remove: tuple[str, ...] = ()  # item ids
    replace: tuple[PlanItem, ...] = ()  # items with an existing id
    # item ids in their new order; they take the places those items held (others stay put)
    order: tuple[str, ...] = ()


def _reordered(items: list[PlanItem], order: tuple[str, ...]) -> list[PlanItem]:
    if len(set(order)) != len(order):
        raise InvalidInput("the new order names an item twice")
    by_id = {i.id: i for i in items}
    unknown = [o for o in order if o not in by_id]
    if unknown:
        raise InvalidInput(f"cannot reorder, plan has no item(s): {', '.join(unknown)}")
    wanted = iter(order)
    return [by_id[next(wanted)] if i.id in set(order) else i for i in items]


def revise_plan(plan: Plan, changes: PlanChanges) -> Plan:
    """The next version: items removed, replaced, added, then reordered; signature cleared."""
    if not changes.reason.strip():
        raise InvalidInput("a plan revision needs a reason")
    ids = {i.id for i in plan.items}
    unknown = [r for r in (*changes.remove, *(i.id for i in changes.replace)) if r not in ids]
    if unknown:
        raise InvalidInput(f"plan has no item(s): {', '.join(unknown)}")
    replacing = {i.id: i for i in changes.replace}
    items = [replacing.get(i.id, i) for i in plan.items if i.id not in changes.remove]
    kept = {i.id for i in items}
    clash = [i.id for i in changes.add if i.id in kept]
    if clash:
        raise InvalidInput(f"plan already has item(s): {', '.join(clash)}")
    return dataclasses.replace(
        plan,
        version=plan.version + 1,
        items=tuple(_reordered([*items, *changes.add], changes.order)),
        signed_by=None,
        signed_at=None,
        revision_reason=changes.reason.strip(),
    )


# ---------------------------------------------------------------- library contract (structural)


class DosageLike(Protocol):
    @property
    def sets(self) -> int: ...
    @property
    def reps(self) -> int | None: ...
    @property
    def hold_s(self) -> int | None: ...
    @property
    def frequency_per_week(self) -> int: ...
    @property
    def note(self) -> str: ...


class ExerciseLike(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def region(self) -> Region: ...
    @property
    def level(self) -> int: ...
    @property
    def dosage(self) -> Mapping[Irritability, DosageLike]: ...
    @property
    def cues(self) -> tuple[str, ...]: ...
    @property
    def progression_id(self) -> str | None: ...
    @property
    def regression_id(self) -> str | None: ...
    @property
    def evidence(self) -> tuple[str, ...]: ...


class ExerciseLibraryLike(Protocol):
    def for_target(
        self, target: str, *, region: Region | None = None
    ) -> Sequence[ExerciseLike]: ...


class LessonLike(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def summary(self) -> str: ...
    @property
    def evidence(self) -> tuple[str, ...]: ...


class LessonLibraryLike(Protocol):
    def by_id(self, lesson_id: str) -> LessonLike: ...
    def all(self) -> Iterable[LessonLike]: ...
