"""Pain monitoring of one exercise in the demo (runs after ``progress``): Aisha's rotator cuff
tendinopathy is a tendon loading programme, so four weeks ago her clinician turns the
pain-monitoring model (silbernagel2007) on for her rotator cuff loading exercise (an outward
turn, added from the library when the drafted plan has none). Her check-ins since then carry the
pain during it and the stiffness on waking: a first week that sets her usual morning level, a
week within the rules (dose up), a session at 6/10 (dose down the same day), then a settled
week (dose up again). The progress tab lists each decision with its reason."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from painpath.domain.planning import PlanItemKind
from painpath.domain.progression.checkins import ExerciseReport
from painpath.services.assessment import (
    ExerciseChoice,
    PlanEdits,
    current_plan,
    edit_plan,
    sign_plan,
)
from painpath.services.progress.checkins import submit_checkin

if TYPE_CHECKING:
    from painpath.demo import DemoWorld

__all__ = ["seed"]

KEY = "aisha"
LOADING = "band-external-rotation"  # shoulder.yaml: outward turn with a band
DAYS = 28
# Pain during the exercise on session days (every other day), by day from the start.
_DURING = {0: 3, 2: 4, 4: 3, 6: 3, 8: 4, 10: 3, 12: 4, 14: 4, 16: 6, 18: 4, 20: 3, 22: 3, 24: 3}


def seed(world: DemoWorld) -> str:
    patient = world.patients.get(KEY)
    if patient is None:
        return "pain monitoring: no demo patient"
    first = world.today - timedelta(days=DAYS)
    ctx = world.ctx(world.clinician, on=first)
    view = current_plan(ctx, patient_id=patient.id)
    if view is None or view.record_id is None:
        return "pain monitoring: no plan for aisha"
    # The loading exercise of the tendon: an outward turn (rotator cuff); added from the
    # library when the drafted plan has none.
    cuff = [
        i for i in view.plan.of_kind(PlanItemKind.EXERCISE) if "external-rotation" in (i.ref or "")
    ]
    if not cuff:
        view = edit_plan(
            ctx,
            patient_id=patient.id,
            record_id=view.record_id,
            expected_version=view.version,
            changes=PlanEdits(
                add_exercises=(ExerciseChoice(LOADING, "3 x 15", ("Mon", "Wed", "Fri")),)
            ),
            reason="rotator cuff loading from the library",
        )
        cuff = [i for i in view.plan.of_kind(PlanItemKind.EXERCISE) if i.ref == LOADING]
    item, record_id = cuff[0], view.record_id
    assert record_id is not None
    edited = edit_plan(
        ctx,
        patient_id=patient.id,
        record_id=record_id,
        expected_version=view.version,
        changes=PlanEdits(monitoring={item.id: True}),
        reason="tendon loading: follow the pain-monitoring model for this exercise",
    )
    assert edited.record_id is not None
    sign_plan(
        ctx, patient_id=patient.id, record_id=edited.record_id, expected_version=edited.version
    )
    reporter = world.patient_actors.get(KEY, world.clinician)
    for n in range(DAYS):
        day = first + timedelta(days=n)
        during = _DURING.get(n)
        morning = 3.0 if n == 17 else 2.0  # the morning after the 6/10 session is a bit stiffer
        submit_checkin(
            world.ctx(reporter, on=day),
            patient_id=patient.id,
            day=day,
            pain_now=3,
            pain_worst=5 if during == 6 else 4,
            sleep_quality=6,
            exercises_done=3 if during is not None else 2,
            exercise_pain=(ExerciseReport(item.id, during, morning),),
        )
    return f"pain monitoring: {item.title} for aisha, {DAYS} days of answers"
