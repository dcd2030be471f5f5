"""Pain monitoring per exercise through the services (silbernagel2007).

A clinician turns the model on for an exercise of the plan (the plan item's attribute
``pain_monitoring = "on"``, set in the plan editor; the patient follows the last *signed*
version). The patient's daily check-in then asks, for that exercise, the pain during it and the
pain or stiffness on waking (``CheckIn.exercise_pain``). Like the graded-activity engine, the
decisions are never stored: they are recomputed from the stored check-ins with
``evaluate_pain_monitoring`` (deterministic), so a corrected check-in corrects them. They move
only that exercise's dose, never the daily activity target.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from painpath.domain.access import Access
from painpath.domain.planning import Plan, PlanItem, PlanItemKind
from painpath.domain.ports import UnitOfWork
from painpath.domain.progression.checkins import CheckIn
from painpath.domain.progression.pain_monitoring import (
    MONITORING_ATTRIBUTE,
    USUAL_MORNING_ATTRIBUTE,
    ExerciseLoadDecision,
    ExercisePain,
    PainMonitoring,
    evaluate_pain_monitoring,
    scaled_dose,
)
from painpath.services.assessment.program import signed_plan
from painpath.services.context import Call, operation
from painpath.services.progress.checkins import load_checkins

__all__ = [
    "MONITORING_ATTRIBUTE",
    "MonitoredExercise",
    "current_doses",
    "is_monitored",
    "load_monitoring",
    "monitored_exercises",
]


@dataclass(frozen=True)
class MonitoredExercise:
    """One exercise under pain monitoring: its rule, reports and the dose decisions."""

    item_id: str
    title: str
    prescribed_dose: str
    rule: PainMonitoring
    reports: tuple[ExercisePain, ...]
    decisions: tuple[ExerciseLoadDecision, ...]

    @property
    def level(self) -> float:
        """The dose in force now, as a fraction of the prescribed dose."""
        return self.decisions[-1].level_after if self.decisions else 1.0

    @property
    def current_dose(self) -> str:
        return scaled_dose(self.prescribed_dose, self.level)

    @property
    def last_decision(self) -> ExerciseLoadDecision | None:
        return self.decisions[-1] if self.decisions else None


def is_monitored(item: PlanItem) -> bool:
    return item.kind is PlanItemKind.EXERCISE and item.attributes.get(MONITORING_ATTRIBUTE) == "on"


def _dose(item: PlanItem) -> str:
    """The dose the clinician set, else the drafted dose (the details' first sentence)."""
    return item.attributes.get("dose") or item.details.split(". ")[0].split(";")[0].strip()


def _usual(item: PlanItem) -> float | None:
    raw = item.attributes.get(USUAL_MORNING_ATTRIBUTE, "")
    return float(raw) if raw else None


def monitored_exercises(
    plan: Plan | None, checkins: Sequence[CheckIn], today: date
) -> tuple[MonitoredExercise, ...]:
    """Every monitored exercise of ``plan`` with its decisions up to ``today``."""
    if plan is None:
        return ()
    out = []
    for item in plan.items:
        if not is_monitored(item):
            continue
        reports = tuple(
            ExercisePain(c.day, r.during, r.morning)
            for c in checkins
            if c.day <= today
            for r in c.exercise_pain
            if r.exercise_id == item.id and (r.during is not None or r.morning is not None)
        )
        # The ceiling is the plan's one pain guidance (5/10, or 2/10 when highly irritable).
        rule = PainMonitoring(ceiling=plan.pain_guidance.during_max, usual_morning=_usual(item))
        decisions = evaluate_pain_monitoring(reports, rule=rule, end=today)
        out.append(
            MonitoredExercise(
                item_id=item.id,
                title=item.title,
                prescribed_dose=_dose(item),
                rule=rule,
                reports=reports,
                decisions=tuple(decisions),
            )
        )
    return tuple(out)


def load_monitoring(
    uow: UnitOfWork, patient_id: str, checkins: Sequence[CheckIn], today: date
) -> tuple[MonitoredExercise, ...]:
    """The patient's monitored exercises from the signed plan (no audit, no commit)."""
    return monitored_exercises(signed_plan(uow, patient_id), checkins, today)


@operation(Access.PATIENT_READ)
def current_doses(call: Call, *, patient_id: str) -> dict[str, str]:
    """Plan item id -> the dose in force now, for each exercise under pain monitoring (the home
    program shows it beside the prescribed dose)."""
    checkins = [s.checkin for s in load_checkins(call.uow, patient_id)]
    today = call.ctx.clock.today()
    return {
        m.item_id: m.current_dose for m in load_monitoring(call.uow, patient_id, checkins, today)
    }
