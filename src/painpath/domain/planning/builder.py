"""``build_plan``: the individual plan from a clinical picture, or ``SafetyBlock`` when an
urgent red flag is present (then ``referral_note`` gives the referral text)."""

from __future__ import annotations

from datetime import date

from painpath.domain.assessment.reasoning import ClinicalPicture
from painpath.domain.assessment.screening import Urgency
from painpath.domain.errors import SafetyBlock
from painpath.domain.planning.activity import (
    examine_items,
    exercise_items,
    exposure_items,
    flare_item,
    graded_activity_items,
    review_items,
)
from painpath.domain.planning.falls import falls_items
from painpath.domain.planning.model import (
    ExerciseLibraryLike,
    LessonLibraryLike,
    Plan,
    PlanItem,
    PlanItemKind,
)
from painpath.domain.planning.presentation import presentation_items
from painpath.domain.planning.sections import (
    education_items,
    goal_items,
    manual_therapy_items,
    referral_items,
    retraining_items,
)
from painpath.domain.planning.stratified import (
    LIGHT_MAX_EXERCISES,
    LIGHT_REVIEW_WEEKS,
    Stratum,
    care_stratum,
    stratified_items,
)
from painpath.domain.types import sided

__all__ = ["build_plan", "referral_note"]

_MOVEMENT = (PlanItemKind.EXERCISE, PlanItemKind.MOVEMENT_RETRAINING, PlanItemKind.GRADED_ACTIVITY)


def build_plan(
    picture: ClinicalPicture,
    library: ExerciseLibraryLike,
    lessons: LessonLibraryLike,
    *,
    start_date: date,
) -> Plan:
    """Version 1 of the plan. Raises ``SafetyBlock`` for any urgent or emergency red flag."""
    if picture.screening.blocks_planning:
        conditions = ", ".join(
            f.condition.value.replace("_", " ")
            for f in picture.screening.red_flags
            if f.urgency >= Urgency.URGENT
        )
        level = picture.screening.urgency
        raise SafetyBlock(
            f"{level.label} red flag ({conditions}): {level.action}; no treatment plan is made"
        )
    # Stratified care (Hill 2011): a low-risk patient gets a light package.
    light = care_stratum(picture) is Stratum.LOW
    exercises = exercise_items(picture, library)
    movement: list[PlanItem] = [
        *retraining_items(picture),
        *(exercises[:LIGHT_MAX_EXERCISES] if light else exercises),
        *([] if light else graded_activity_items(picture, start_date=start_date)),
    ]
    paired = tuple(i.id for i in movement if i.kind in _MOVEMENT)
    reviews = review_items(picture, start_date=start_date)
    if light:
        keep = {f"review.week{w}" for w in LIGHT_REVIEW_WEEKS}
        reviews = [r for r in reviews if r.id in keep]
    manual = [] if light else manual_therapy_items(picture)
    by_presentation = presentation_items(picture, light=light)
    if any(m.id.startswith(("manual.neck.", "manual.thoracic_spine.")) for m in manual):
        # a related-region finding already suggests the spinal technique: one item, not two
        by_presentation = [
            i for i in by_presentation if i.id != "manual.spinal_mobilisation_options"
        ]
    items = [
        *referral_items(picture),
        *falls_items(picture),
        *stratified_items(picture),
        *goal_items(picture, start_date=start_date),
        *by_presentation,
        *education_items(picture, lessons, paired_with=paired, start_date=start_date),
        *manual,
        *movement,
        *exposure_items(picture),
        flare_item(picture),
        *examine_items(picture),
        *reviews,
    ]
    return Plan(
        version=1,
        start_date=start_date,
        irritability=picture.irritability.level,
        items=tuple(items),
    )


def referral_note(picture: ClinicalPicture) -> str:
    """Plain referral text for the doctor: flags, the answers behind them, urgency, date."""
    intake = picture.intake
    sites = ", ".join(sided(s.region.value, s.side) for s in intake.pain_sites)
    lines = [
        f"Referral from physiotherapy assessment on {picture.assessed_on.isoformat()}",
        f"Patient: {intake.age} years, {intake.sex.value}; pain: {sites}; "
        f"{intake.duration_weeks:g} weeks; onset {intake.onset.value}.",
        f"Overall urgency: {picture.screening.urgency.label.upper()} "
        f"({picture.screening.urgency.action})",
    ]
    if not picture.screening.red_flags:
        lines.append("No red flags were reported.")
    for flag in picture.screening.red_flags:
        name = flag.condition.value.replace("_", " ")
        lines.append(f"- Suspected {name}: {flag.urgency.action}. {flag.referral}")
        lines += [f"    {finding}" for finding in flag.findings]
    lines.append(
        "Treatment planning is on hold until medical assessment."
        if picture.screening.blocks_planning
        else "Physiotherapy continues alongside the referral."
    )
    return "\n".join(lines)
