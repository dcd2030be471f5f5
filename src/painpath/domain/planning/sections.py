"""Plan sections that come from the picture alone: referrals, goals, education, manual therapy
and movement retraining. Each function returns ``PlanItem``s with facts, rule and evidence."""

from __future__ import annotations

from datetime import date, timedelta

from painpath.domain.assessment.reasoning import ClinicalPicture
from painpath.domain.assessment.regions import COMPENSATION_IMPAIRMENTS
from painpath.domain.assessment.screening import Urgency
from painpath.domain.errors import PainPathError
from painpath.domain.planning.model import LessonLibraryLike, PlanItem, PlanItemKind
from painpath.domain.planning.stratified import (
    CORE_LESSONS,
    PSYCHOLOGICALLY_INFORMED_LESSONS,
    Stratum,
    care_stratum,
)
from painpath.domain.types import Compensation, Impairment, Region, sided

__all__ = [
    "GOAL_WEEKS",
    "LESSONS_PER_WEEK",
    "PSFS_TARGET_GAIN",
    "education_items",
    "goal_items",
    "manual_therapy_items",
    "referral_items",
    "retraining_items",
]

GOAL_WEEKS = 12
# PSFS: MDC about 2 points (average) / 3 points (single activity), Stratford 1995; a goal asks
# for at least the single-activity MDC so that reaching it is a real change.
PSFS_TARGET_GAIN = 3.0
LESSONS_PER_WEEK = 2


def referral_items(picture: ClinicalPicture) -> list[PlanItem]:
    items = [
        PlanItem(
            id=f"referral.{flag.condition.value}",
            kind=PlanItemKind.REFERRAL,
            title=f"Refer soon: possible {flag.condition.value.replace('_', ' ')}",
            details="Send a referral to the patient's doctor within about two weeks; keep "
            "treatment gentle and re-check these questions at every visit.",
            triggered_by=tuple(f"red flag answer: {q}" for q in flag.triggered_by),
            rule_id=f"screening.red_flag.{flag.condition.value}",
            evidence=flag.evidence,
        )
        for flag in picture.screening.red_flags
        if flag.urgency is Urgency.SOON
    ]
    mood = [f for f in picture.psychosocial if f.id in ("low_mood", "anxiety", "startback_high")]
    if mood:
        items.append(
            PlanItem(
                id="referral.psychologically_informed",
                kind=PlanItemKind.REFERRAL,
                title="Psychologically informed care; consider GP/psychology for mood",
                details="Use a psychologically informed approach; positive mood screens need "
                "follow-up by the GP or a psychologist (screens are not diagnoses).",
                triggered_by=tuple(f"{f.instrument} = {f.score} ({f.threshold})" for f in mood),
                rule_id="plan.referral.psychosocial",
                evidence=tuple(dict.fromkeys(k for f in mood for k in f.evidence)),
            )
        )
    return items


def goal_items(picture: ClinicalPicture, *, start_date: date) -> list[PlanItem]:
    """SMART goals from the patient's chosen activities (PSFS 0-10 seeds the baseline)."""
    due = start_date + timedelta(weeks=GOAL_WEEKS)
    items = []
    for n, goal in enumerate(picture.intake.goals, start=1):
        if goal.ability is None:  # PSFS optional: the goal stands, the rating comes later
            items.append(
                PlanItem(
                    id=f"goal.{n}",
                    kind=PlanItemKind.GOAL,
                    title=goal.name,
                    details=f"Specific: {goal.name}. Measurable: ask the patient to rate how "
                    "well they can do it now (0-10) at the next visit; the target is then at "
                    f"least {PSFS_TARGET_GAIN:g} points higher. Achievable: built step by step "
                    "through the graded activity and exercise program. Relevant: chosen by the "
                    f"patient. Time-bound: by {due.isoformat()} ({GOAL_WEEKS} weeks).",
                    triggered_by=(f"patient goal: {goal.name} (not yet rated)",),
                    rule_id="plan.goal.psfs_smart",
                    evidence=("stratford1995", "abbott2014"),
                    due=due,
                    attributes={"baseline": "", "target": ""},
                )
            )
            continue
        target = min(10.0, goal.ability + PSFS_TARGET_GAIN)
        items.append(
            PlanItem(
                id=f"goal.{n}",
                kind=PlanItemKind.GOAL,
                title=f"{goal.name}: from {goal.ability:g}/10 to {target:g}/10",
                details=f"Specific: {goal.name}. Measurable: PSFS rating now {goal.ability:g}/10, "
                f"target {target:g}/10. Achievable: built step by step through the graded "
                f"activity and exercise program. Relevant: chosen by the patient. "
                f"Time-bound: by {due.isoformat()} ({GOAL_WEEKS} weeks).",
                triggered_by=(f"patient goal: {goal.name} (ability {goal.ability:g}/10)",),
                rule_id="plan.goal.psfs_smart",
                evidence=("stratford1995", "abbott2014"),
                due=due,
                attributes={"baseline": f"{goal.ability:g}", "target": f"{target:g}"},
            )
        )
    return items


def _lesson_choices(picture: ClinicalPicture) -> list[tuple[str, str]]:
    """(lesson id, reason) in teaching order."""
    m = picture.mechanism
    flags = picture.flag_ids()
    likely = ("possible", "probable")
    chosen = [
        ("why-movement-helps", "every plan pairs education with movement"),
        ("hurt-vs-harm", "every plan: pain is not a reliable measure of damage"),
    ]
    if m.nociplastic.value in likely:
        chosen.append(("sensitised-nervous-system", f"nociplastic pain {m.nociplastic.value}"))
    if m.neuropathic.value in likely:
        chosen.append(("nerve-pain", f"neuropathic component {m.neuropathic.value}"))
    if picture.fear_high:
        chosen.append(("fear-and-avoidance", "high fear of movement"))
        chosen.append(("graded-exposure", "exposure ladder in the plan"))
    if "catastrophizing" in flags:
        chosen.append(("thoughts-and-pain", "PCS catastrophizing"))
    if flags & {"anxiety", "low_mood", "startback_high"}:
        chosen.append(("stress-and-pain", "positive anxiety/mood screen"))
        chosen.append(("active-coping", "positive anxiety/mood screen"))
    sleep = picture.intake.sleep
    if sleep.hours < 6 or sleep.wakings_per_night >= 2:
        chosen.append(("sleep-and-pain", "disturbed sleep"))
    if m.nociplastic.value == "probable":  # sleep and stress education (Finan 2013)
        chosen.append(("sleep-and-pain", "nociplastic pain probable"))
        chosen.append(("stress-and-pain", "nociplastic pain probable"))
    chosen += [
        ("pacing-boom-bust", "graded activity in the plan"),
        ("setting-goals", "goals in the plan"),
        ("flare-ups", "every plan has a flare-up plan"),
        ("what-to-expect", "realistic expectations of the course"),
    ]
    stratum = care_stratum(picture)
    if stratum is Stratum.HIGH:
        why = "STarT Back high risk: psychologically informed care"
        chosen[2:2] = [(lesson, why) for lesson in PSYCHOLOGICALLY_INFORMED_LESSONS]
    first: dict[str, str] = {}
    for lesson_id, reason in chosen:
        first.setdefault(lesson_id, reason)
    if stratum is Stratum.LOW:  # light package: the core lessons only
        return [(k, v) for k, v in first.items() if k in CORE_LESSONS]
    return list(first.items())


def education_items(
    picture: ClinicalPicture,
    lessons: LessonLibraryLike,
    *,
    paired_with: tuple[str, ...],
    start_date: date,
) -> list[PlanItem]:
    """Lessons by mechanism, beliefs and fear; never alone: each names movement items.

    Lessons are spread over the first weeks, ``LESSONS_PER_WEEK`` at a time, in teaching order
    (project default: a few short lessons at a time are easier to take in than all at once).
    """
    if not paired_with:
        return []
    items: list[PlanItem] = []
    for lesson_id, reason in _lesson_choices(picture):
        try:
            lesson = lessons.by_id(lesson_id)
        except (PainPathError, LookupError):
            continue  # library without this lesson: the clinician teaches it in person
        week = len(items) // LESSONS_PER_WEEK
        items.append(
            PlanItem(
                id=f"education.{lesson.id}",
                kind=PlanItemKind.EDUCATION,
                title=lesson.title,
                details=f"{lesson.summary} Paired with: {', '.join(paired_with[:3])}.",
                triggered_by=(reason,),
                rule_id="plan.education.paired_with_movement",
                evidence=tuple(dict.fromkeys((*lesson.evidence, "louw2016"))),
                ref=lesson.id,
                due=start_date + timedelta(weeks=week),
                attributes={"paired_with": ",".join(paired_with), "week": str(week + 1)},
            )
        )
    return items


_MANUAL = {
    (Region.SHOULDER, Impairment.THORACIC_MOBILITY_DEFICIT): (
        "Thoracic mobilisation/manipulation for shoulder pain",
        "Short-term relief only; use it to open a window for exercise, not as the treatment.",
        ("peek2015", "wainner2007"),
    ),
    (Region.NECK, Impairment.THORACIC_MOBILITY_DEFICIT): (
        "Thoracic manipulation/mobilisation for neck pain",
        "Short-term reduction of pain and disability; combine with neck and scapular exercise.",
        ("masaracchio2019",),
    ),
    (Region.LOW_BACK, Impairment.HIP_MOBILITY_DEFICIT): (
        "Hip mobilisation (internal rotation/extension) for low back pain",
        "Very-low-quality evidence of association; use only with active hip mobility work.",
        ("avman2019", "project_default"),
    ),
}


def manual_therapy_items(picture: ClinicalPicture) -> list[PlanItem]:
    """Suggestions for the clinician where a related-region impairment was found."""
    gentle = picture.irritability.level.value == "high" or picture.mechanism.nociplastic.value in (
        "possible",
        "probable",
    )
    items = []
    for r in picture.related:
        for imp, facts in r.found:
            entry = _MANUAL.get((r.link.source, imp))
            if entry is None:
                continue
            title, text, ev = entry
            if gentle:
                text += " Irritable or sensitised presentation: gentle grades, short doses."
            items.append(
                PlanItem(
                    id=f"manual.{r.link.source.value}.{imp.value}",
                    kind=PlanItemKind.MANUAL_THERAPY,
                    title=title,
                    details=text,
                    triggered_by=(f"{r.link.source.value} pain", *facts),
                    rule_id=f"plan.manual.{r.link.source.value}->{r.link.target.value}",
                    evidence=ev,
                )
            )
    return items


_CUES: dict[Compensation, str] = {
    Compensation.DYNAMIC_KNEE_VALGUS: "Keep the knee over the middle toes; slow lowering in front of a mirror.",  # noqa: E501
    Compensation.PELVIC_DROP: "Keep the pelvis level on one leg; stand tall, light touch support first.",  # noqa: E501
    Compensation.TRUNK_LATERAL_LEAN: "Keep the trunk upright over the standing leg.",
    Compensation.EXCESSIVE_TRUNK_FLEXION: "Sit the hips back and down with the chest up.",
    Compensation.WEIGHT_SHIFT: "Share the weight evenly between both feet; check with a mirror.",
    Compensation.SHOULDER_HIKING: "Lift the arm without shrugging; lead with the arm, shoulder blade glides.",  # noqa: E501
    Compensation.REDUCED_THORACIC_ROTATION: "Turn from the upper back, keeping the pelvis still.",
    Compensation.LUMBAR_EXTENSION_COMPENSATION: "Keep the ribs down as the arms go up.",
    Compensation.LIMITED_SQUAT_DEPTH: "Squat to a box at a comfortable height, then lower it.",
    Compensation.REDUCED_ARM_ELEVATION: "Raise the arm in a pain-free arc, a little further each week.",  # noqa: E501
    Compensation.USES_ARMS_TO_RISE: "Rise from a higher seat without the hands, then lower the seat.",  # noqa: E501
    Compensation.GAIT_ASYMMETRY: "Even steps and even time on each leg; start on flat ground.",
    Compensation.BALANCE_LOSS: "Practise balance near a counter; progress from two hands to none.",
    Compensation.GUARDED_MOVEMENT: "Move at normal speed with relaxed breathing; notice what happens.",  # noqa: E501
    Compensation.SCAPULAR_DYSKINESIS: "Set the shoulder blade gently back and down, then raise the arm slowly in front of a mirror, keeping the blade flat on the ribs.",  # noqa: E501
}


def retraining_items(picture: ClinicalPicture) -> list[PlanItem]:
    """One retraining item per compensation found (merged across sides and tests)."""
    by_comp: dict[Compensation, list[str]] = {}
    for f in picture.compensations:
        assert f.compensation is not None  # picture.compensations only holds these
        by_comp.setdefault(f.compensation, []).append(
            f"{sided(f.compensation.value, f.side)} in {f.test or 'examination'} [{f.source.value}]"
        )
    return [
        PlanItem(
            id=f"retraining.{comp.value}",
            kind=PlanItemKind.MOVEMENT_RETRAINING,
            title=f"Retrain: {comp.value.replace('_', ' ')}",
            details=_CUES[comp],
            triggered_by=tuple(facts),
            rule_id="plan.retraining.compensation",
            evidence=COMPENSATION_IMPAIRMENTS[comp][1],
        )
        for comp, facts in by_comp.items()
    ]
