"""Plan items the clinician adds by hand: an exercise chosen from the library (or a clinic's
own exercise) with its dose and training days, and a goal agreed with the patient (pure).

The builder drafts a plan from the clinical picture; these constructors make the items for the
clinician's additions, so that an added item looks like a drafted one to every reader (the
patient's program, the chart). Storage and versioning are the service's (``edit_plan``).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from painpath.domain.errors import InvalidInput
from painpath.domain.planning.model import DosageLike, ExerciseLike, PlanItem, PlanItemKind
from painpath.domain.types import Irritability

__all__ = [
    "DAY_NAMES",
    "MAX_DOSE_CHARS",
    "MAX_GOAL_CHARS",
    "clinician_goal_item",
    "days_text",
    "library_exercise_item",
    "parse_days",
]

DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MAX_DOSE_CHARS = 200
MAX_GOAL_CHARS = 300


def parse_days(raw: Iterable[str]) -> tuple[int, ...]:
    """Weekdays (0 = Monday) from day names or numbers; unknown names are refused."""
    days: set[int] = set()
    for value in raw:
        text = value.strip()
        if not text:
            continue
        if text.isdigit() and int(text) < len(DAY_NAMES):
            days.add(int(text))
            continue
        names = [d.casefold() for d in DAY_NAMES]
        if text[:3].casefold() not in names:
            raise InvalidInput(f"unknown training day {text!r}; use Mon to Sun")
        days.add(names.index(text[:3].casefold()))
    return tuple(sorted(days))


def days_text(days: Iterable[int]) -> str:
    return " ".join(DAY_NAMES[d] for d in sorted(days))


def _default_dose(d: DosageLike) -> str:
    amount = f"{d.reps} reps" if d.reps is not None else f"{d.hold_s} s hold"
    if d.reps is not None and d.hold_s is not None:
        amount += f" with {d.hold_s} s hold"
    return f"{d.sets} x {amount}"


def library_exercise_item(
    ex: ExerciseLike, irritability: Irritability, *, dose: str, days: tuple[int, ...]
) -> PlanItem:
    """The plan item for an exercise the clinician picked. An empty ``dose`` takes the
    library's dose for the plan's irritability; at least one training day is required."""
    dose = " ".join(dose.split())
    if len(dose) > MAX_DOSE_CHARS:
        raise InvalidInput(f"the dose is too long (at most {MAX_DOSE_CHARS} characters)")
    if not days:
        raise InvalidInput("choose at least one training day")
    if any(not 0 <= d < len(DAY_NAMES) for d in days):
        raise InvalidInput("training days are Mon to Sun")
    dose = dose or _default_dose(ex.dosage[irritability])
    details = f"{dose}; on {days_text(days)}. Chosen from the library by the clinician."
    return PlanItem(
        id=f"exercise.{ex.id}",
        kind=PlanItemKind.EXERCISE,
        title=ex.name,
        details=details,
        triggered_by=("clinician's choice from the exercise library",),
        rule_id="plan.exercise.clinician_choice",
        evidence=tuple(ex.evidence),
        ref=ex.id,
        attributes={
            "dose": dose,
            "days": ",".join(str(d) for d in sorted(days)),
            "progression": ex.progression_id or "",
            "regression": ex.regression_id or "",
            "level": str(ex.level),
        },
    )


def clinician_goal_item(text: str, *, due: date | None, taken: Iterable[str]) -> PlanItem:
    """A goal agreed with the patient, in their words; its id does not clash with ``taken``."""
    text = " ".join(text.split())
    if not text:
        raise InvalidInput("write the goal")
    if len(text) > MAX_GOAL_CHARS:
        raise InvalidInput(f"the goal is too long (at most {MAX_GOAL_CHARS} characters)")
    used = set(taken)
    n = 1
    while f"goal.agreed-{n}" in used:
        n += 1
    return PlanItem(
        id=f"goal.agreed-{n}",
        kind=PlanItemKind.GOAL,
        title=text,
        details="Agreed with the patient"
        + (f"; review by {due.isoformat()}." if due is not None else "."),
        triggered_by=("goal agreed with the patient",),
        rule_id="plan.goal.agreed",
        evidence=("abbott2014",),
        due=due,
    )
