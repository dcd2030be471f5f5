"""Demo: weekly treatment sessions for Maria (low back) and James (knee), signed except the
latest, so the Sessions tab shows visits on a timeline on first click; James's plan gets one
exercise from the library (a new version, signed again)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from painpath.demo import DemoWorld
from painpath.domain.planning import PlanItemKind
from painpath.services.assessment import (
    ExerciseChoice,
    PlanEdits,
    current_plan,
    edit_plan,
    save_session,
    sign_plan,
    sign_session,
)

_VISITS: dict[str, list[dict[str, Any]]] = {
    "maria": [
        {
            "subjective": "Back stiff in the mornings; avoids bending to the dishwasher.",
            "retests": [
                {
                    "kind": "range_of_motion",
                    "code": "lumbar_flexion",
                    "value": 40,
                    "unit": "degrees",
                }
            ],
            "interventions": [
                {
                    "technique": "Posterior-anterior mobilisation",
                    "region": "low_back",
                    "grade": "II",
                    "dose": "3 x 60 s",
                }
            ],
            "education": "Hurt does not mean harm; why gentle movement helps a sensitive back.",
            "response": "Moved more freely after treatment; worried about flare-ups.",
            "next_time": "First step of the bending ladder together.",
        },
        {
            "subjective": "Tried the first ladder step at home twice; fear rating down.",
            "retests": [
                {
                    "kind": "range_of_motion",
                    "code": "lumbar_flexion",
                    "value": 52,
                    "unit": "degrees",
                }
            ],
            "interventions": [
                {
                    "technique": "Posterior-anterior mobilisation",
                    "region": "low_back",
                    "grade": "III",
                    "dose": "3 x 60 s",
                }
            ],
            "progressions": "Bridge to 3 sets; added the bending ladder step 2.",
            "education": "Flare-up plan reviewed.",
            "response": "Less guarding when bending; pain settled within the hour.",
            "next_time": "Re-test bending; lifting a light box.",
        },
        {
            "subjective": "Lifted a shopping bag from the car boot without a flare.",
            "retests": [
                {
                    "kind": "range_of_motion",
                    "code": "lumbar_flexion",
                    "value": 60,
                    "unit": "degrees",
                }
            ],
            "interventions": [
                {
                    "technique": "Soft tissue massage",
                    "region": "low_back",
                    "grade": "",
                    "dose": "5 min",
                }
            ],
            "progressions": "Light box lift from knee height.",
            "response": "Confident with the lift; asked about returning to the gym.",
            "next_time": "Plan the gym return with graded steps.",
        },
    ],
    "james": [
        {
            "subjective": "Stairs sore going down; ran once, stopped at 2 km.",
            "retests": [
                {
                    "kind": "functional_test",
                    "code": "chair_stand_30s",
                    "value": 14,
                    "unit": "stands",
                }
            ],
            "interventions": [
                {
                    "technique": "Patellar taping",
                    "region": "knee",
                    "grade": "",
                    "dose": "trial on the stairs",
                }
            ],
            "education": "Load and the knee: why we build up step by step.",
            "response": "Stairs easier with the taping.",
            "next_time": "Add hip strength work from the library.",
        },
        {
            "subjective": "Stairs better; ran 3 km twice this week.",
            "retests": [
                {
                    "kind": "functional_test",
                    "code": "chair_stand_30s",
                    "value": 17,
                    "unit": "stands",
                }
            ],
            "interventions": [
                {
                    "technique": "Tibiofemoral mobilisation",
                    "region": "knee",
                    "grade": "III",
                    "dose": "3 x 45 s",
                }
            ],
            "progressions": "Added side steps with a band from the library.",
            "response": "No pain the next morning after the run.",
            "next_time": "Re-test; plan the first parkrun.",
        },
    ],
}


def _library_pick(world: DemoWorld) -> str:
    patient = world.patients["james"]
    ctx = world.ctx(world.clinician, on=world.today - timedelta(weeks=2))
    view = current_plan(ctx, patient_id=patient.id)
    if view is None or view.record_id is None:
        return "no plan for james"
    have = {i.ref for i in view.plan.of_kind(PlanItemKind.EXERCISE)}
    if "banded-side-step" in have:
        return "james: library exercise already there"
    edited = edit_plan(
        ctx,
        patient_id=patient.id,
        record_id=view.record_id,
        expected_version=view.version,
        changes=PlanEdits(
            add_exercises=(
                ExerciseChoice("banded-side-step", "2 x 10 steps each way", ("Tue", "Thu", "Sat")),
            )
        ),
        reason="hip strength from the library",
    )
    sign_plan(ctx, patient_id=patient.id, record_id=view.record_id, expected_version=edited.version)
    return "james: banded side step added from the library"


def seed(world: DemoWorld) -> str:
    done = []
    for key, visits in _VISITS.items():
        if key not in world.patients:
            continue
        patient = world.patients[key]
        weeks = world.specs[key].weeks_in_care
        for n, visit in enumerate(visits):
            day = world.today - timedelta(weeks=len(visits) - n) + timedelta(days=2)
            day = max(day, world.intake_day(key) + timedelta(days=7 * (n + 1)))
            if day > world.today or (world.today - day).days > 56 or weeks < 1:
                continue
            ctx = world.ctx(world.clinician, on=day)
            note = {"visit_date": day.isoformat(), **visit}
            view = save_session(ctx, patient_id=patient.id, note=note)
            if n < len(visits) - 1:
                sign_session(
                    ctx,
                    patient_id=patient.id,
                    record_id=view.record_id,
                    expected_version=view.version,
                )
        done.append(f"{key}: {len(visits)} visits")
    if "james" in world.patients:
        done.append(_library_pick(world))
    return "sessions: " + "; ".join(done)
