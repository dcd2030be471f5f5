"""Demo assessments: an intake and an examination for every demo patient, told as their story,
and a signed plan for everyone except Peter (urgent cauda equina red flags: referral, no plan).

Seeders run in alphabetical order, so this one runs before the questionnaires: the plans are
built from history and examination alone, and the Reasoning tab adds the questionnaire scores
whenever it is opened. Maria's clinician adds her exposure ladder by hand (her fear of bending
and lifting is plain from the intake and the guarded movement on examination).
"""

from __future__ import annotations

from typing import Any

from painpath.demo import DemoWorld
from painpath.domain.planning import PlanChanges, PlanItem, PlanItemKind
from painpath.services.assessment import (
    edit_plan,
    save_examination,
    save_intake,
    save_plan,
    sign_plan,
)

__all__ = ["seed"]

_NO_FLAGS = {
    "ces_bladder": False,
    "ces_bowel": False,
    "ces_saddle_numbness": False,
    "ces_bilateral_leg_symptoms": False,
    "ces_sexual_dysfunction": False,
    "progressive_leg_weakness": False,
    "gait_disturbance_clumsy_hands": False,
    "major_trauma": False,
    "fever_with_spinal_pain": False,
    "cancer_history": False,
    "unexplained_weight_loss": False,
}


_CES_QUESTIONS = (
    "ces_bladder",
    "ces_bowel",
    "ces_saddle_numbness",
    "ces_bilateral_leg_symptoms",
    "ces_sexual_dysfunction",
)
_KNEE_ONLY = "knee pain from running, no back pain and no leg nerve symptoms"


def _f(kind: str, code: str, side: str = "none", **extra: Any) -> dict[str, Any]:
    return {"kind": kind, "code": code, "side": side, **extra}


def _site(region: str, side: str = "none", primary: bool = False) -> dict[str, Any]:
    return {"region": region, "side": side, "primary": primary}


CASES: dict[str, tuple[dict[str, Any], list[dict[str, Any]]]] = {
    "maria": (
        {
            "pain_sites": [_site("low_back", primary=True)],
            # About 5 months: inside Costa 2012's persistent non-specific low back pain
            # (12 weeks to 12 months), so her progress shows the expected-course band.
            "duration_weeks": 22,
            "onset": "sudden",
            "pain_now": 5,
            "pain_worst": 7,
            "settle_min": 60,
            "provoked_after_min": 30,
            "pattern": {"morning_stiffness_min": 15, "worse_end_of_day": True},
            "aggravating": ["bending", "lifting", "sitting over an hour"],
            "easing": ["walking", "changing position", "heat"],
            "sleep": {"hours": 6.5, "wakings_per_night": 1},
            "work_status": "reduced hours",
            "goals": [
                {"name": "lift the laundry basket", "ability": 2},
                {"name": "garden for an hour", "ability": 3},
                {"name": "sit through a film", "ability": 5},
            ],
            "feared_activities": [
                {"name": "bending to tie shoes", "fear": 55},
                {"name": "gardening", "fear": 70},
                {"name": "lifting a laundry basket", "fear": 85},
            ],
            "red_flags": _NO_FLAGS,
            "radiating_dermatomal": False,
            "hypersensitivity_history": False,
        },
        [
            _f("compensation", "guarded_movement", test="squat"),
            _f("compensation", "excessive_trunk_flexion", test="sit-to-stand"),
            _f(
                "range_of_motion",
                "hip_internal_rotation",
                "both",
                value=25,
                unit="deg",
                abnormal=True,
            ),
            _f(
                "range_of_motion", "lumbar_flexion", abnormal=True, note="stops at mid-shin, braced"
            ),
            _f("strength", "hip_extension", "both", value=4, unit="mmt", abnormal=True),
            _f("sensory", "slr", "both", abnormal=False),
            _f("functional_test", "six_minute_walk", value=470, unit="m"),
        ],
    ),
    "james": (
        {
            "pain_sites": [_site("knee", "right", True)],
            "duration_weeks": 30,
            "onset": "gradual",
            "pain_now": 2,
            "pain_worst": 6,
            "settle_min": 45,
            "provoked_after_min": 20,
            "aggravating": ["stairs down", "running", "squatting"],
            "easing": ["straightening the leg", "walking on the flat"],
            "sleep": {"hours": 7.5},
            "work_status": "working",
            "goals": [
                {"name": "run 5 km", "ability": 2},
                {"name": "take the stairs without the rail", "ability": 5},
                {"name": "play five-a-side football"},  # not rated yet (the PSFS is optional)
            ],
            "sports": ["parkrun", "five-a-side football"],
            "pain_average": 3,
            "red_flags": {
                "major_trauma": False,
                "cancer_history": False,
                "unexplained_weight_loss": False,
                "fever_with_spinal_pain": False,
                "progressive_leg_weakness": False,
                "gait_disturbance_clumsy_hands": False,
            },
            # The clinician recorded why the spinal nerve questions were not asked.
            "red_flags_skipped": dict.fromkeys(_CES_QUESTIONS, _KNEE_ONLY),
        },
        [
            _f("compensation", "dynamic_knee_valgus", "right", test="single-leg-squat"),
            _f("compensation", "pelvic_drop", "left", test="single-leg-squat"),
            _f("strength", "hip_abduction", "right", value=3.5, unit="mmt", abnormal=True),
            _f("strength", "hip_external_rotation", "right", value=4, unit="mmt", abnormal=True),
            _f("strength", "knee_extension", "right", value=4.5, unit="mmt", abnormal=False),
            _f("functional_test", "single_leg_stance", "right", value=35, unit="s"),
        ],
    ),
    "aisha": (
        {
            "pain_sites": [_site("shoulder", "right", True), _site("thoracic_spine")],
            "duration_weeks": 20,
            "onset": "gradual",
            "pain_now": 3,
            "pain_worst": 6,
            "settle_min": 30,
            "provoked_after_min": 10,
            "aggravating": ["reaching to high shelves", "hanging washing", "sleeping on the right"],
            "easing": ["arm supported on a cushion", "warm shower"],
            "sleep": {"hours": 6, "wakings_per_night": 2},
            "work_status": "working (teacher)",
            "goals": [
                {"name": "write on the whiteboard", "ability": 4},
                {"name": "put dishes on the top shelf", "ability": 3},
            ],
            "red_flags": _NO_FLAGS,
        },
        [
            _f("compensation", "shoulder_hiking", "right", test="overhead-reach"),
            _f("compensation", "scapular_dyskinesis", "right", test="overhead-reach"),
            _f("compensation", "reduced_thoracic_rotation", "both", test="observation"),
            _f(
                "range_of_motion", "thoracic_rotation", "right", value=30, unit="deg", abnormal=True
            ),
            _f(
                "range_of_motion", "shoulder_flexion", "right", value=150, unit="deg", abnormal=True
            ),
            _f(
                "strength",
                "shoulder_external_rotation",
                "right",
                value=4,
                unit="mmt",
                abnormal=True,
            ),
        ],
    ),
    "tom": (
        {
            "pain_sites": [_site("neck", "both", True), _site("head")],
            "duration_weeks": 52,
            "onset": "gradual",
            "pain_now": 4,
            "pain_worst": 6,
            "settle_min": 120,
            "provoked_after_min": 60,
            "pattern": {"worse_end_of_day": True},
            "aggravating": ["long desk days", "driving"],
            "easing": ["walks", "heat on the neck"],
            "sleep": {"hours": 7},
            "work_status": "working (accountant)",
            "goals": [
                {"name": "work a full day without a headache", "ability": 4},
                {"name": "check the blind spot when driving", "ability": 6},
            ],
            "red_flags": {**_NO_FLAGS, "cervical_arterial_signs": False},
            # one trip on the stairs last spring: a falls-risk flag with balance training
            "falls": {"past_year": 1, "injured": False, "worried": True},
        },
        [
            _f("strength", "deep_neck_flexor_endurance", value=12, unit="s", abnormal=True),
            _f("range_of_motion", "cervical_rotation", "left", value=55, unit="deg", abnormal=True),
            _f(
                "range_of_motion",
                "thoracic_extension",
                abnormal=True,
                note="flat, stiff upper back",
            ),
            _f("functional_test", "tug", value=7.5, unit="s"),
        ],
    ),
    "helen": (
        {
            "pain_sites": [
                _site("general", "both", True),
                _site("neck", "both"),
                _site("low_back"),
                _site("hip", "both"),
            ],
            "duration_weeks": 110,
            "onset": "gradual",
            "pain_now": 6,
            "pain_worst": 8,
            "settle_min": 180,
            "provoked_after_min": 20,
            "pattern": {"morning_stiffness_min": 20, "worse_end_of_day": True, "constant": True},
            "aggravating": ["long walks", "housework", "cold weather"],
            "easing": ["warm bath", "gentle stretching"],
            "sleep": {"hours": 5, "wakings_per_night": 3},
            "work_status": "reduced hours",
            "goals": [
                {"name": "walk the dog for 30 minutes", "ability": 3},
                {"name": "a full day at work", "ability": 4},
            ],
            "medication": ["paracetamol as needed"],
            "comorbidities": ["migraine"],
            "hypersensitivity_history": True,
            "sensory_sensitivity": True,
            "fatigue": True,
            "cognitive_problems": True,
            "radiating_dermatomal": False,
            "red_flags": _NO_FLAGS,
        },
        [
            _f("sensory", "allodynia", "both", abnormal=True, note="brush-evoked pain, forearms"),
            _f("sensory", "pressure_pain_threshold", "both", value=180, unit="kPa", abnormal=True),
            _f("sensory", "dermatomal_sensory_loss", abnormal=False),
            _f("functional_test", "six_minute_walk", value=380, unit="m"),
            _f("functional_test", "chair_stand_30s", value=11, unit="stands"),
        ],
    ),
    "samuel": (
        {
            "pain_sites": [
                _site("low_back", primary=True),
                _site("thigh", "left"),
                _site("lower_leg", "left"),
            ],
            "duration_weeks": 16,
            "onset": "gradual",
            "pain_now": 5,
            "pain_worst": 7,
            "settle_min": 90,
            "provoked_after_min": 15,
            "aggravating": ["sitting", "bending forward"],
            "easing": ["walking", "lying flat"],
            "sleep": {"hours": 6, "wakings_per_night": 2},
            "work_status": "off work (driver)",
            "goals": [{"name": "drive for an hour", "ability": 3}],
            "radiating_dermatomal": True,
            "neural_lesion_history": True,
            "hypersensitivity_history": False,
            "red_flags": {**_NO_FLAGS, "progressive_leg_weakness": False},
        },
        [
            _f(
                "sensory",
                "slr",
                "left",
                abnormal=True,
                note="reproduces burning calf pain at 40 deg",
            ),
            _f("sensory", "dermatomal_sensory_loss", "left", abnormal=True, note="reduced L5"),
            _f("sensory", "reflex_change", "left", abnormal=False),
            _f("range_of_motion", "lumbar_flexion", abnormal=True),
        ],
    ),
    "peter": (
        {
            "pain_sites": [_site("low_back", primary=True), _site("thigh", "both")],
            "duration_weeks": 3,
            "onset": "sudden",
            "pain_now": 7,
            "pain_worst": 9,
            "aggravating": ["sitting", "bending"],
            "easing": ["lying on the side"],
            "goals": [{"name": "drive to work", "ability": 2}],
            "red_flags": {**_NO_FLAGS, "ces_saddle_numbness": True, "ces_bladder": True},
        },
        [
            _f(
                "sensory",
                "dermatomal_sensory_loss",
                "both",
                abnormal=True,
                note="reduced light touch in the saddle area",
            ),
        ],
    ),
}


# Red-flag signs examined: Peter's reduced saddle sensation, Samuel's negative neuro screen.
_SIGNS: dict[str, dict[str, bool]] = {
    "peter": {"saddle_sensation_reduced": True, "bilateral_leg_neuro_deficit": False},
    "samuel": {
        "saddle_sensation_reduced": False,
        "bilateral_leg_neuro_deficit": False,
        "upper_motor_neuron_signs": False,
    },
}


def _maria_ladder(intake: dict[str, Any]) -> PlanChanges:
    steps = sorted(intake["feared_activities"], key=lambda a: a["fear"])
    items = tuple(
        PlanItem(
            id=f"exposure.{n}",
            kind=PlanItemKind.EXPOSURE_STEP,
            title=f"Exposure step {n}: {a['name']}",
            details=f"Feared {a['fear']}/100. Predict, do it in a safe graded form, compare.",
            triggered_by=(
                f"feared activity: {a['name']} ({a['fear']}/100)",
                "guarded movement on examination",
            ),
            rule_id="clinician.exposure_from_intake",
            evidence=("vlaeyen_exposure", "phoda"),
            attributes={"rank": str(n), "fear": str(a["fear"])},
        )
        for n, a in enumerate(steps, start=1)
    )
    return PlanChanges(reason="exposure ladder from the feared activities", add=items)


# Working diagnoses and clinician judgements, so the plan shows the content that follows them
# (tendon load management, radicular escalation, criterion 3 decided by the clinician).
_EXAM_EXTRA: dict[str, dict[str, Any]] = {
    "james": {
        "presentations": ["patellofemoral_pain"],
        "special_tests": [{"name": "step-down test", "side": "right", "positive": True}],
        "palpation": [{"site": "lateral patellar facet", "side": "right", "tender": True}],
    },
    "aisha": {
        "presentations": ["rotator_cuff_tendinopathy"],
        "range_response": {"active_vs_passive": "similar", "pain_onset": "at_end_range"},
        "special_tests": [
            {"name": "Hawkins-Kennedy", "side": "right", "positive": True},
            {"name": "painful arc", "side": "right", "positive": True},
            {"name": "drop arm", "side": "right", "positive": False},
        ],
        "imaging": [
            {
                "modality": "ultrasound",
                "region": "right shoulder",
                "report": "Thickened supraspinatus tendon, no full-thickness tear",
            }
        ],
    },
    "tom": {"presentations": ["mechanical_neck_pain"]},
    "helen": {
        "presentations": ["fibromyalgia"],
        "judgements": {"nociplastic_unexplained": "yes"},
    },
    "samuel": {
        "presentations": ["lumbar_radiculopathy"],
        "repeated_movements": [
            {"movement": "extension in lying", "response": "better", "centralises": True},
            {"movement": "flexion in standing", "response": "worse"},
        ],
        "directional_preference": "extension",
    },
}


def _seed_one(world: DemoWorld, key: str) -> str:
    intake, findings = CASES[key]
    patient = world.patients[key]
    ctx = world.ctx(world.clinician, on=world.intake_day(key))
    save_intake(ctx, patient_id=patient.id, intake=intake)
    exam: dict[str, Any] = {"findings": findings}
    if key in _SIGNS:
        exam["red_flag_signs"] = _SIGNS[key]
    exam.update(_EXAM_EXTRA.get(key, {}))
    save_examination(ctx, patient_id=patient.id, examination=exam)
    if key == "peter":
        return "peter: urgent referral, no plan"
    view = save_plan(ctx, patient_id=patient.id)
    assert view.record_id is not None
    if key == "maria":
        view = edit_plan(
            ctx,
            patient_id=patient.id,
            record_id=view.record_id,
            expected_version=view.version,
            changes=_maria_ladder(intake),
            reason="exposure ladder from the feared activities",
        )
    assert view.record_id is not None
    sign_plan(ctx, patient_id=patient.id, record_id=view.record_id, expected_version=view.version)
    return f"{key}: signed plan"


def seed(world: DemoWorld) -> str:
    done = [_seed_one(world, key) for key in CASES if key in world.patients]
    return f"assessment: intake and examination for {len(done)} patients; " + "; ".join(done)
