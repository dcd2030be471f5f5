"""build_plan / referral_note / revise_plan, by example and by property."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reasoning_helpers import (
    LESSON_IDS,
    TODAY,
    FakeLessonLibrary,
    exam,
    finding,
    intake,
    lessons,
    library,
    picture,
    sr,
)

from painpath.adapters.knowledge import load_evidence
from painpath.adapters.library import load_exercises
from painpath.domain.assessment.intake import Examination
from painpath.domain.assessment.reasoning import evaluate_case
from painpath.domain.assessment.screening import Urgency
from painpath.domain.errors import InvalidInput, SafetyBlock
from painpath.domain.planning import (
    Plan,
    PlanChanges,
    PlanItem,
    PlanItemKind,
    build_plan,
    referral_note,
    revise_plan,
    start_quota,
)
from painpath.domain.planning.activity import MAX_EXERCISES, exercise_items
from painpath.domain.types import Irritability, Region, Side
from strategies_reasoning import findings, intakes, red_flag_signs, score_maps

K = PlanItemKind
MOVEMENT = {K.EXERCISE, K.MOVEMENT_RETRAINING, K.GRADED_ACTIVITY}


def _plan(p: object) -> Plan:
    from painpath.domain.assessment.reasoning import ClinicalPicture

    assert isinstance(p, ClinicalPicture)
    return build_plan(p, library(), lessons(), start_date=TODAY)


def _assert_well_formed(plan: Plan) -> None:
    ids = [i.id for i in plan.items]
    assert len(ids) == len(set(ids))
    unresolved = load_evidence().unresolved(k for i in plan.items for k in i.evidence)
    assert unresolved == []
    for item in plan.items:
        assert item.evidence and item.rule_id and item.title, item
    kinds = {i.kind for i in plan.items}
    if K.EDUCATION in kinds:  # education is never alone
        assert kinds & MOVEMENT
    assert len(plan.of_kind(K.EXERCISE)) <= MAX_EXERCISES


# ---------------------------------------------------------------- examples


def test_knee_plan_targets_hip_and_dosed_by_irritability() -> None:
    e = exam(
        finding("compensation", "dynamic_knee_valgus", side=Side.RIGHT, test="single-leg-squat"),
        finding("strength", "hip_abduction", value=3),
    )
    plan = _plan(picture(intake(pain_worst=8, provoked_after_min=5), e))
    _assert_well_formed(plan)
    assert plan.irritability is Irritability.HIGH and plan.version == 1
    clam = plan.item("exercise.clamshell")
    assert clam.details.startswith("1 x 8 reps, 3x/week")  # the HIGH dosage of the exercise
    assert clam.attributes["progression"] == "side-step"
    assert "target: hip_abductor_weakness" in clam.triggered_by
    assert plan.item("retraining.dynamic_knee_valgus").evidence == ("powers2010",)
    assert {i.id for i in plan.of_kind(K.EXAMINE)} >= {
        "examine.ankle_foot.ankle_dorsiflexion_deficit"
    }


def test_low_irritability_picks_the_level_two_option_and_low_dose() -> None:
    e = exam(finding("strength", "hip_abduction"))
    plan = _plan(picture(intake(pain_worst=2), e))
    assert plan.irritability is Irritability.LOW
    ex = plan.of_kind(K.EXERCISE)
    assert "3 x 12 reps with 2 s hold, 4x/week. slow lowering" in ex[0].details


def test_goals_are_smart_from_patient_activities() -> None:
    plan = _plan(
        picture(intake(goals=[{"name": "run", "ability": 8.5}, {"name": "lift", "ability": 1}]))
    )
    run, lift = plan.of_kind(K.GOAL)
    assert run.attributes == {"baseline": "8.5", "target": "10"}  # capped at 10
    assert lift.attributes["target"] == "4"
    assert run.due == TODAY + timedelta(weeks=12) and "Time-bound" in run.details


def test_education_by_mechanism_fear_and_mood() -> None:
    i = intake(
        pain_sites=[{"region": "general"}, {"region": "neck"}],
        duration_weeks=60,
        hypersensitivity_history=True,
        fatigue=True,
        radiating_dermatomal=True,
        neural_lesion_history=True,
        sleep={"hours": 4},
    )
    scores = {
        "tsk-17": sr("tsk-17", 45),
        "pcs": sr("pcs", 35),
        "phq-4": sr("phq-4", 6, anxiety=3, depression=3),
    }
    plan = _plan(picture(i, exam(finding("sensory", "allodynia")), scores))
    _assert_well_formed(plan)
    refs = {x.ref for x in plan.of_kind(K.EDUCATION)}
    assert refs == set(LESSON_IDS)  # every trigger present
    edu = plan.of_kind(K.EDUCATION)[0]
    assert edu.attributes["paired_with"]
    assert plan.item("referral.psychologically_informed").kind is K.REFERRAL


def test_education_minimal_and_skips_missing_lessons() -> None:
    p = picture(intake(pain_worst=2))
    plan = build_plan(p, library(), FakeLessonLibrary(["hurt-vs-harm"]), start_date=TODAY)
    assert [x.ref for x in plan.of_kind(K.EDUCATION)] == ["hurt-vs-harm"]
    refs = {x.ref for x in _plan(p).of_kind(K.EDUCATION)}
    assert "fear-and-avoidance" not in refs and "sensitised-nervous-system" not in refs


def test_exposure_ladder_ranked_by_fear_only_when_fear_high() -> None:
    feared = [
        {"name": "lifting", "fear": 90},
        {"name": "bending", "fear": 40},
        {"name": "jog", "fear": 60},
    ]
    high = _plan(picture(intake(feared_activities=feared), scores={"tsk-17": sr("tsk-17", 40)}))
    steps = high.of_kind(K.EXPOSURE_STEP)
    assert [s.attributes["activity" if False else "fear"] for s in steps] == ["40", "60", "90"]
    assert "vlaeyen_exposure" in steps[0].evidence
    low = _plan(picture(intake(feared_activities=feared), scores={"tsk-17": sr("tsk-17", 37)}))
    assert low.of_kind(K.EXPOSURE_STEP) == ()
    none = _plan(picture(intake(), scores={"fabq": sr("fabq", None, physical_activity=20)}))
    assert [s.id for s in none.of_kind(K.EXPOSURE_STEP)] == ["exposure.hierarchy"]


def test_graded_activity_baseline_first_and_start_quota() -> None:
    plan = _plan(picture(intake(goals=[], aggravating=[])))
    (ga,) = plan.of_kind(K.GRADED_ACTIVITY)
    assert ga.attributes == {"start_quota_fraction": "0.7", "activity": "walking"}
    assert ga.details.startswith("Baseline")
    assert start_quota([10, 20, 30]) == pytest.approx(14.0)
    with pytest.raises(InvalidInput):
        start_quota([])
    with pytest.raises(InvalidInput):
        start_quota([5, -1])


def test_manual_therapy_suggestions_follow_related_region_findings() -> None:
    shoulder = intake(
        pain_sites=[{"region": "shoulder", "side": "left"}], pain_worst=9, settle_min=300
    )
    e = exam(finding("range_of_motion", "thoracic_extension"))
    plan = _plan(picture(shoulder, e))
    (mt,) = plan.of_kind(K.MANUAL_THERAPY)
    assert "peek2015" in mt.evidence and "gentle grades" in mt.details
    neck = _plan(picture(intake(pain_sites=[{"region": "neck"}], pain_worst=2), e))
    (mt,) = neck.of_kind(K.MANUAL_THERAPY)
    assert mt.evidence == ("masaracchio2019",) and "gentle" not in mt.details
    assert _plan(picture(intake(), e)).of_kind(K.MANUAL_THERAPY) == ()


def test_general_program_when_no_impairment_found() -> None:
    plan = _plan(picture(intake(), exam()))
    assert [x.ref for x in plan.of_kind(K.EXERCISE)] == ["walk"]
    assert "hayden2021" in plan.of_kind(K.EXERCISE)[0].evidence


def test_general_fallback_when_library_has_nothing_for_targets() -> None:
    plan = _plan(picture(intake(), exam(finding("strength", "calf_raise"))))
    assert [x.ref for x in plan.of_kind(K.EXERCISE)] == ["walk"]


def test_exercise_cap() -> None:
    many = exam(
        *[
            finding("compensation", c)
            for c in (
                "dynamic_knee_valgus",
                "pelvic_drop",
                "shoulder_hiking",
                "balance_loss",
                "uses_arms_to_rise",
                "guarded_movement",
                "excessive_trunk_flexion",
                "reduced_thoracic_rotation",
                "limited_squat_depth",
            )
        ],
        finding("strength", "craniocervical_flexion"),
        finding("strength", "shoulder_external_rotation"),
    )
    plan = _plan(picture(intake(), many))
    assert len(plan.of_kind(K.EXERCISE)) == MAX_EXERCISES


def test_soon_red_flag_plan_has_referral_first() -> None:
    p = picture(intake(red_flags={"cancer_history": True, "unexplained_weight_loss": True}))
    plan = _plan(p)
    assert plan.items[0].kind is K.REFERRAL and plan.items[0].id == "referral.cancer"
    note = referral_note(p)
    assert "SOON" in note and "within days" in note and "continues" in note


def test_urgent_red_flag_blocks_and_referral_names_answers() -> None:
    p = picture(intake(red_flags={"ces_bladder": True, "ces_bowel": False}))
    with pytest.raises(SafetyBlock, match="emergency red flag \\(cauda equina\\)"):
        _plan(p)
    note = referral_note(p)
    assert "EMERGENCY" in note and "emergency department now" in note and "on hold" in note
    assert "bladder" in note and "bowels" not in note


def test_referral_note_without_flags() -> None:
    assert "No red flags" in referral_note(picture())


def test_review_dates_and_flare_plan() -> None:
    plan = _plan(picture(intake(easing=["heat pack"])))
    assert [r.due for r in plan.of_kind(K.REVIEW)] == [
        TODAY + timedelta(weeks=w) for w in (2, 6, 12)
    ]
    (flare,) = plan.of_kind(K.FLARE_PLAN)
    assert "heat pack" in flare.details


# ---------------------------------------------------------------- revise_plan


def test_revise_plan_new_version_clears_signature() -> None:
    plan = dataclasses.replace(_plan(picture()), signed_by="pt1", signed_at=datetime(2026, 11, 30))
    extra = PlanItem(
        "custom.1",
        K.EXERCISE,
        "Swim",
        "2x/week",
        ("patient prefers",),
        "clinician",
        ("hayden2021",),
    )
    flare = dataclasses.replace(plan.item("flare_plan"), details="call me")
    new = revise_plan(
        plan, PlanChanges("patient swims", add=(extra,), remove=("review.week2",), replace=(flare,))
    )
    assert new.version == 2 and new.signed_by is None and new.signed_at is None
    assert new.revision_reason == "patient swims"
    assert new.item("custom.1") == extra and new.item("flare_plan").details == "call me"
    with pytest.raises(InvalidInput):
        new.item("review.week2")
    assert plan.version == 1 and plan.item("review.week2")  # the old version is untouched


@pytest.mark.parametrize(
    "changes",
    [
        PlanChanges(" "),
        PlanChanges("x", remove=("nope",)),
        PlanChanges(
            "x",
            add=(PlanItem("flare_plan", K.FLARE_PLAN, "t", "d", (), "r", ("project_default",)),),
        ),
    ],
)
def test_revise_plan_rejects_bad_changes(changes: PlanChanges) -> None:
    with pytest.raises(InvalidInput):
        revise_plan(_plan(picture()), changes)


# ---------------------------------------------------------------- properties

FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(intakes(), st.lists(findings(), max_size=6), red_flag_signs(), score_maps())
def test_urgent_red_flag_never_yields_a_plan(
    i: object,
    fs: list[object],
    signs: dict[str, bool],
    scores: dict,  # type: ignore[type-arg]
) -> None:
    from painpath.domain.assessment.intake import Intake

    assert isinstance(i, Intake)
    e = Examination(tuple(fs), red_flag_signs=signs)  # type: ignore[arg-type]
    p = evaluate_case(i, e, scores, today=date(2026, 1, 1))
    assert p.screening.blocks_planning == (p.screening.urgency >= Urgency.URGENT)
    if p.screening.blocks_planning:
        with pytest.raises(SafetyBlock):
            _plan(p)
        assert p.screening.urgency.label.upper() in referral_note(p)
        assert p.screening.safety_net
    else:
        _assert_well_formed(_plan(p))


@FAST
@given(intakes(allow_urgent=False), st.lists(findings(), max_size=5), findings(), score_maps())
def test_adding_an_abnormal_finding_never_removes_a_target(
    i: object,
    fs: list[object],
    extra: object,
    scores: dict,  # type: ignore[type-arg]
) -> None:
    from painpath.domain.assessment.findings import Finding
    from painpath.domain.assessment.intake import Intake

    assert isinstance(i, Intake) and isinstance(extra, Finding)
    extra = dataclasses.replace(extra, abnormal=True)
    before = evaluate_case(i, Examination(tuple(fs)), scores, today=TODAY)  # type: ignore[arg-type]
    after = evaluate_case(i, Examination((*fs, extra)), scores, today=TODAY)  # type: ignore[arg-type]
    assert {t.impairment for t in before.impairments} <= {t.impairment for t in after.impairments}
    plan_before, plan_after = _plan(before), _plan(after)
    retrain = {x.id for x in plan_after.of_kind(K.MOVEMENT_RETRAINING)}
    assert {x.id for x in plan_before.of_kind(K.MOVEMENT_RETRAINING)} <= retrain


@FAST
@given(intakes(allow_urgent=False), score_maps())
def test_exposure_ladder_is_sorted_and_only_with_high_fear(i: object, scores: dict) -> None:  # type: ignore[type-arg]
    from painpath.domain.assessment.intake import Intake

    assert isinstance(i, Intake)
    p = evaluate_case(i, Examination(), scores, today=TODAY)
    steps = [s for s in _plan(p).of_kind(K.EXPOSURE_STEP) if s.id != "exposure.hierarchy"]
    fears = [float(s.attributes["fear"]) for s in steps]
    assert fears == sorted(fears)
    assert p.fear_high or not steps


def test_education_is_never_given_without_movement() -> None:
    from painpath.domain.planning.sections import education_items

    assert education_items(picture(), lessons(), paired_with=(), start_date=TODAY) == []
    items = education_items(picture(), lessons(), paired_with=("exercise.walk",), start_date=TODAY)
    weeks = [int(i.attributes["week"]) for i in items]
    assert weeks == [1 + n // 2 for n in range(len(items))]  # two lessons a week, in order
    assert [i.due for i in items] == [TODAY + timedelta(weeks=w - 1) for w in weeks]


def test_nociplastic_plan_always_includes_general_capacity() -> None:
    widespread = intake(
        pain_sites=[{"region": "general"}, {"region": "neck"}],
        duration_weeks=60,
        hypersensitivity_history=True,
        fatigue=True,
    )
    e = exam(finding("sensory", "allodynia"), finding("strength", "craniocervical_flexion"))
    plan = _plan(picture(widespread, e))
    refs = [x.ref for x in plan.of_kind(K.EXERCISE)]
    assert refs[0] == "chin-nod" and "walk" in refs
    walk = plan.item("exercise.walk")
    assert "nociplastic pain: general capacity" in walk.triggered_by


def test_a_compensation_is_trained_in_the_painful_or_a_related_region() -> None:
    """The demo's Maria: low back pain, guarded movement. Several library exercises target
    guarded movement (ankle circles among them, first by name); the plan takes one for the trunk
    or a related region, never one for the ankle."""
    shipped = load_exercises()
    back = intake(
        pain_sites=[{"region": "low_back", "side": "none", "primary": True}],
        aggravating=["bending"],
        easing=["walking"],
    )
    findings_ = exam(finding("compensation", "guarded_movement", side=Side.NONE))
    case = evaluate_case(back, findings_, {}, today=TODAY)
    items = exercise_items(case, shipped)
    chosen = {i.id.removeprefix("exercise."): i for i in items}
    guarded = [k for k, i in chosen.items() if "target: guarded_movement" in i.triggered_by]
    assert guarded, chosen
    by_id = {e.id: e for e in shipped.all()}
    related = {r.link.target for r in case.related} | {Region.LOW_BACK}
    assert all(by_id[k].region in related for k in guarded), [by_id[k].region for k in guarded]
    assert "ankle-circles" not in chosen
