"""Plan sections that prescribe activity: exercise program (from the library, dosed by
irritability), graded activity, the exposure ladder, the flare-up plan, what to examine next
and review dates."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

from painpath.domain.assessment.reasoning import ClinicalPicture, ImpairmentTarget
from painpath.domain.errors import InvalidInput
from painpath.domain.planning.model import (
    DosageLike,
    ExerciseLibraryLike,
    ExerciseLike,
    PlanItem,
    PlanItemKind,
)
from painpath.domain.types import Impairment, Irritability, Region, sided

__all__ = [
    "MAX_EXERCISES",
    "REVIEW_WEEKS",
    "START_QUOTA_FRACTION",
    "examine_items",
    "exercise_items",
    "exposure_items",
    "flare_item",
    "graded_activity_items",
    "review_items",
    "start_quota",
]

MAX_EXERCISES = 8  # a home program longer than this is rarely done (project default)
START_QUOTA_FRACTION = 0.7  # graded_activity_protocol: start at 70 % of mean baseline
REVIEW_WEEKS = (2, 6, 12)  # most change in weeks 1-6 (kongsted2010, costa2012)
_LEVEL = {Irritability.HIGH: 1, Irritability.MODERATE: 1, Irritability.LOW: 2}
_GENERAL = (Impairment.GENERAL_DECONDITIONING, Impairment.LOW_AEROBIC_CAPACITY)


def start_quota(baseline: Sequence[float]) -> float:
    """Start quota = 70 % of the mean of the baseline sessions (any unit: minutes, reps, m)."""
    if not baseline or any(b < 0 for b in baseline):
        raise InvalidInput("baseline needs at least one non-negative value")
    return START_QUOTA_FRACTION * sum(baseline) / len(baseline)


def _dose_text(d: DosageLike) -> str:
    amount = f"{d.reps} reps" if d.reps is not None else f"{d.hold_s} s hold"
    if d.reps is not None and d.hold_s is not None:
        amount += f" with {d.hold_s} s hold"
    text = f"{d.sets} x {amount}, {d.frequency_per_week}x/week"
    return f"{text}. {d.note}" if d.note else text


def _pick(
    candidates: Sequence[ExerciseLike], level: int, regions: frozenset[Region] = frozenset()
) -> ExerciseLike | None:
    """The candidate in one of ``regions`` (the painful and the related regions) before any
    other, then the one nearest ``level``: guarded movement in a painful low back is trained
    with the trunk, not with ankle circles that happen to target it too."""
    if not candidates:
        return None
    return min(
        candidates, key=lambda e: (e.region not in regions, abs(e.level - level), e.level, e.id)
    )


def _regions(picture: ClinicalPicture) -> frozenset[Region]:
    """The painful regions and those linked to them (regional interdependence)."""
    painful = {site.region for site in picture.intake.pain_sites}
    return frozenset(painful | {r.link.target for r in picture.related})


def _targets(picture: ClinicalPicture) -> list[ImpairmentTarget]:
    targets = [t for t in picture.impairments if t.impairment is not Impairment.MOVEMENT_FEAR]
    # General capacity when nothing local is found, and always for a sensitised (nociplastic)
    # presentation, where whole-body graded exercise is the backbone (Hayden 2021).
    sensitised = picture.mechanism.nociplastic.value in ("possible", "probable")
    why = "nociplastic pain: general capacity" if sensitised else "no specific impairment found"
    if not targets or sensitised:
        present = {t.impairment for t in targets}
        targets += [
            ImpairmentTarget(imp, (why,), ("hayden2021",)) for imp in _GENERAL if imp not in present
        ]
    return targets


def exercise_items(picture: ClinicalPicture, library: ExerciseLibraryLike) -> list[PlanItem]:
    """One exercise per impairment target (and compensation), easiest fitting level first."""
    chosen: dict[str, PlanItem] = {}
    wanted: list[tuple[str, tuple[str, ...], tuple[str, ...]]] = [
        (t.impairment.value, t.facts, t.evidence) for t in _targets(picture)
    ]
    wanted += [
        (f.compensation.value, (f"compensation {sided(f.code, f.side)}",), f.evidence)
        for f in picture.compensations
        if f.compensation is not None
    ]
    for target, facts, ev in wanted:
        _choose(chosen, library, target, facts, ev, picture)
    if not chosen:  # nothing in the library for these targets: general capacity instead
        for imp in _GENERAL:
            _choose(
                chosen,
                library,
                imp.value,
                ("no library exercise for the targets",),
                ("hayden2021",),
                picture,
            )
    return list(chosen.values())


def _choose(
    chosen: dict[str, PlanItem],
    library: ExerciseLibraryLike,
    target: str,
    facts: tuple[str, ...],
    ev: tuple[str, ...],
    picture: ClinicalPicture,
) -> None:
    level = _LEVEL[picture.irritability.level]
    candidates = [e for e in library.for_target(target) if e.id not in chosen]
    ex = _pick(candidates, level, _regions(picture))
    if ex is not None and len(chosen) < MAX_EXERCISES:
        chosen[ex.id] = _exercise_item(ex, picture.irritability.level, target, facts, ev, picture)


def _exercise_item(
    ex: ExerciseLike,
    irr: Irritability,
    target: str,
    facts: tuple[str, ...],
    ev: tuple[str, ...],
    picture: ClinicalPicture,
) -> PlanItem:
    dose = ex.dosage[irr]
    steps = []
    if ex.progression_id:
        steps.append(f"progress to {ex.progression_id} when the 24-hour response is settled")
    if ex.regression_id:
        steps.append(f"regress to {ex.regression_id} after a flare")
    details = f"{_dose_text(dose).rstrip('.')}. {picture.irritability.dosing.summary}"
    if steps:
        details += " " + "; ".join(steps).capitalize() + "."
    return PlanItem(
        id=f"exercise.{ex.id}",
        kind=PlanItemKind.EXERCISE,
        title=ex.name,
        details=details,
        triggered_by=(f"target: {target}", *facts),
        rule_id=f"plan.exercise.dosed_by_irritability.{irr.value}",
        evidence=tuple(dict.fromkeys((*ex.evidence, *ev, *picture.irritability.dosing.evidence))),
        ref=ex.id,
        attributes={
            "target": target,
            "progression": ex.progression_id or "",
            "regression": ex.regression_id or "",
            "level": str(ex.level),
        },
    )


def graded_activity_items(picture: ClinicalPicture, *, start_date: date) -> list[PlanItem]:
    """Baseline first (3 pain-contingent sessions), then quotas from 70 % of baseline.

    The activities are the patient's goals, never the symptoms or the positions that provoke
    them (no "graded activity: coughing"); without goals, walking until goals are agreed.
    """
    names = [g.name for g in picture.intake.goals] or ["walking"]
    goal_date = start_date + timedelta(weeks=12)
    return [
        PlanItem(
            id=f"graded_activity.{n}",
            kind=PlanItemKind.GRADED_ACTIVITY,
            title=f"Graded activity: {name}",
            details="Baseline: over the first 3 sessions do the activity until pain or fatigue "
            "says stop and record how long/how much. Start quota: 70 % of the mean baseline. "
            "Then raise the quota on a fixed schedule (time-contingent, not by how pain feels "
            f"that day) to the goal by {goal_date.isoformat()}.",
            triggered_by=(
                f"patient goal: {name}"
                if picture.intake.goals
                else "no goal recorded yet: walking until goals are agreed",
            ),
            rule_id="plan.graded_activity.baseline_70pct",
            evidence=("graded_activity_protocol", "lindstrom1992", "macedo2010"),
            due=goal_date,
            attributes={"start_quota_fraction": f"{START_QUOTA_FRACTION:g}", "activity": name},
        )
        for n, name in enumerate(names, start=1)
    ]


def exposure_items(picture: ClinicalPicture) -> list[PlanItem]:
    """Exposure ladder when fear of movement is high, least-feared activity first."""
    if not picture.fear_high:
        return []
    fear_facts = tuple(
        f"{f.instrument} = {f.score} ({f.threshold})"
        for f in picture.psychosocial
        if f.id in ("kinesiophobia", "fear_avoidance_physical")
    )
    feared = sorted(picture.intake.feared_activities, key=lambda a: (a.fear, a.name))
    if not feared:
        return [
            PlanItem(
                id="exposure.hierarchy",
                kind=PlanItemKind.EXPOSURE_STEP,
                title="Build the fear hierarchy",
                details="Ask the patient to rate feared daily activities 0-100 (PHODA-style) "
                "and rank them; start exposure with the lowest.",
                triggered_by=fear_facts,
                rule_id="plan.exposure.hierarchy_first",
                evidence=("vlaeyen_exposure", "phoda"),
            )
        ]
    return [
        PlanItem(
            id=f"exposure.{rank}",
            kind=PlanItemKind.EXPOSURE_STEP,
            title=f"Exposure step {rank}: {a.name}",
            details=f"Feared {a.fear:g}/100. Before: predict what will happen; do the activity "
            "in a safe, graded form; after: compare what happened with the prediction. Move "
            "up when fear of this step has clearly dropped (a change above 20 points).",
            triggered_by=(*fear_facts, f"feared activity: {a.name} ({a.fear:g}/100)"),
            rule_id="plan.exposure.ladder_by_fear",
            evidence=("vlaeyen_exposure", "phoda", "bontinck2022"),
            attributes={"rank": str(rank), "fear": f"{a.fear:g}"},
        )
        for rank, a in enumerate(feared, start=1)
    ]


def flare_item(picture: ClinicalPicture) -> PlanItem:
    return PlanItem(
        id="flare_plan",
        kind=PlanItemKind.FLARE_PLAN,
        title="Flare-up plan",
        details="1) A flare is a temporary rise in pain, not new damage. 2) Keep moving: halve "
        "exercise sets and activity quotas for 2-3 days, use the regressions. 3) Use what eases "
        f"the pain: {', '.join(picture.intake.easing) or 'heat, relaxed breathing, gentle walking'}"
        ". 4) Rebuild to the previous level over a week. 5) Contact the clinic if it has not "
        "settled in a week, or at once for any new red-flag symptom.",
        triggered_by=(f"irritability {picture.irritability.level.value}",),
        rule_id="plan.flare_plan",
        evidence=("pain_monitoring_model", "project_default"),
    )


def examine_items(picture: ClinicalPicture) -> list[PlanItem]:
    """What to examine next; one item per (region, impairment) even if several links ask."""
    items = {
        f"examine.{r.link.target.value}.{imp.value}": PlanItem(
            id=f"examine.{r.link.target.value}.{imp.value}",
            kind=PlanItemKind.EXAMINE,
            title=f"Examine {r.link.target.value.replace('_', ' ')}: {imp.value.replace('_', ' ')}",
            details=r.link.rationale,
            triggered_by=(f"{r.link.source.value} pain; not yet examined",),
            rule_id=f"regions.{r.link.source.value}->{r.link.target.value}",
            evidence=r.link.evidence,
        )
        for r in reversed(picture.related)
        for imp in r.to_examine
    }
    return sorted(items.values(), key=lambda i: i.id)


def review_items(picture: ClinicalPicture, *, start_date: date) -> list[PlanItem]:
    instruments = ", ".join(sorted(picture.scores)) or "NPRS and PSFS"
    return [
        PlanItem(
            id=f"review.week{w}",
            kind=PlanItemKind.REVIEW,
            title=f"Review at week {w}",
            details=f"Repeat {instruments}; compare with MCID/MDC; adjust dose and quotas.",
            triggered_by=(f"plan start {start_date.isoformat()}",),
            rule_id="plan.review.2_6_12",
            evidence=("kongsted2010", "costa2012", "project_default"),
            due=start_date + timedelta(weeks=w),
        )
        for w in REVIEW_WEEKS
    ]
