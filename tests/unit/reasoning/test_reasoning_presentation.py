"""Plan content by presentation (issue 9 item 8): each item is triggered by its facts, carries
a rule and evidence keys that exist, and is absent when its facts are absent."""

from __future__ import annotations

from typing import Any

import pytest
from reasoning_helpers import TODAY, exam, finding, intake, lessons, library, picture, sr

from painpath.adapters.knowledge import load_evidence
from painpath.domain.assessment.findings import ClinicianJudgements, Judgement, Presentation
from painpath.domain.assessment.intake import Examination
from painpath.domain.assessment.reasoning import ClinicalPicture
from painpath.domain.planning import Plan, PlanItemKind, build_plan
from painpath.domain.planning.presentation import (
    BMI_OBESE,
    BMI_OVERWEIGHT,
    CHRONIC_WEEKS,
    RADICULAR_REVIEW_WEEKS,
    presentation_items,
)

K = PlanItemKind
HIP: dict[str, Any] = {"pain_sites": [{"region": "hip", "side": "left", "primary": True}]}


def _dx(*presentations: Presentation, **judgements: Judgement) -> Examination:
    return Examination((), ClinicianJudgements(**judgements), presentations=tuple(presentations))


def _ids(p: ClinicalPicture) -> set[str]:
    return {i.id for i in presentation_items(p)}


def _plan(p: ClinicalPicture) -> Plan:
    return build_plan(p, library(), lessons(), start_date=TODAY)


def test_every_presentation_item_cites_known_evidence() -> None:
    evidence = load_evidence()
    p = picture(
        intake(
            **HIP,
            duration_weeks=40,
            sports=["running"],
            height_cm=165,
            weight_kg=90,
            work_status="off work since March",
            radiating_dermatomal=True,
            neural_lesion_history=True,
        ),
        _dx(Presentation.GLUTEAL_TENDINOPATHY, Presentation.LUMBAR_RADICULOPATHY),
    )
    items = presentation_items(p)
    assert len(items) >= 7
    for item in items:
        assert item.evidence and evidence.unresolved(item.evidence) == [], item.id
        assert item.rule_id.startswith("plan.") and item.triggered_by


def test_gluteal_tendinopathy_avoids_compression_mellor_2018() -> None:
    ids = _ids(picture(intake(**HIP), _dx(Presentation.GLUTEAL_TENDINOPATHY)))
    assert {"load.tendon", "load.gluteal_compression"} <= ids
    (item,) = [
        i
        for i in presentation_items(picture(intake(**HIP), _dx(Presentation.GLUTEAL_TENDINOPATHY)))
        if i.id == "load.gluteal_compression"
    ]
    assert "mellor2018" in item.evidence and "crossing the legs" in item.details


def test_other_tendinopathy_has_load_management_but_no_gluteal_advice() -> None:
    ids = _ids(picture(intake(), _dx(Presentation.PATELLAR_TENDINOPATHY)))
    assert "load.tendon" in ids and "load.gluteal_compression" not in ids
    assert not {"load.tendon", "load.gluteal_compression"} & _ids(
        picture(intake(), _dx(Presentation.KNEE_OSTEOARTHRITIS))
    )


def test_running_versus_other_sport_versus_none() -> None:
    run = [
        i for i in presentation_items(picture(intake(sports=["Parkrun"]))) if i.id == "load.sport"
    ]
    assert run[0].rule_id == "plan.load.running" and "nielsen2014" in run[0].evidence
    tennis = [
        i for i in presentation_items(picture(intake(sports=["tennis"]))) if i.id == "load.sport"
    ]
    assert tennis[0].rule_id == "plan.load.sport"
    assert "load.sport" not in _ids(picture(intake()))


def test_radicular_pain_neural_mobilisation_rechecks_and_escalation() -> None:
    p = picture(
        intake(pain_sites=[{"region": "low_back", "primary": True}]),
        _dx(Presentation.LUMBAR_RADICULOPATHY),
    )
    items = {i.id: i for i in presentation_items(p)}
    assert {
        "manual.neural_mobilisation",
        "examine.neurology_each_visit",
        "pathway.radicular_escalation",
    } <= set(items)
    esc = items["pathway.radicular_escalation"]
    assert "progressive neurological deficit" in esc.details
    assert f"week {RADICULAR_REVIEW_WEEKS}" in esc.details
    assert esc.attributes["review_week"] == str(RADICULAR_REVIEW_WEEKS)


def test_neuropathic_pain_in_a_nerve_distribution_is_radicular_without_a_diagnosis() -> None:
    e = exam(finding("sensory", "dermatomal_sensory_loss"))
    yes = picture(intake(neural_lesion_history=True, radiating_dermatomal=True), e)
    no = picture(intake(neural_lesion_history=True, radiating_dermatomal=False), e)
    assert "pathway.radicular_escalation" in _ids(yes)
    assert "pathway.radicular_escalation" not in _ids(no)


@pytest.mark.parametrize(("weeks", "expected"), [(CHRONIC_WEEKS - 1, False), (CHRONIC_WEEKS, True)])
def test_aerobic_exercise_from_13_weeks(weeks: int, expected: bool) -> None:
    assert ("load.aerobic" in _ids(picture(intake(duration_weeks=weeks)))) is expected


def test_aerobic_contraindication_asks_for_clearance_instead() -> None:
    p = picture(intake(duration_weeks=30), _dx(aerobic_exercise_contraindicated=Judgement.YES))
    ids = _ids(p)
    assert "pathway.aerobic_clearance" in ids and "load.aerobic" not in ids
    cleared = picture(intake(duration_weeks=30), _dx(aerobic_exercise_contraindicated=Judgement.NO))
    (item,) = [i for i in presentation_items(cleared) if i.id == "load.aerobic"]
    assert "Check for contraindications" not in item.details
    (unknown,) = [
        i for i in presentation_items(picture(intake(duration_weeks=30))) if i.id == "load.aerobic"
    ]
    assert "Check for contraindications" in unknown.details


def _weight(height: float, weight: float, *dx: Presentation) -> bool:
    p = picture(intake(height_cm=height, weight_kg=weight), _dx(*dx))
    return "pathway.weight_management" in _ids(p)


def test_weight_management_by_bmi_and_osteoarthritis() -> None:
    # height 1.70 m: BMI 30 at 86.7 kg, 25 at 72.25 kg
    obese = BMI_OBESE * 1.7**2
    over = BMI_OVERWEIGHT * 1.7**2
    assert _weight(170, obese + 0.1)
    assert not _weight(170, obese - 0.5)
    assert _weight(170, over + 0.1, Presentation.KNEE_OSTEOARTHRITIS)
    assert not _weight(170, over - 0.5, Presentation.KNEE_OSTEOARTHRITIS)
    assert "pathway.weight_management" not in _ids(picture(intake()))  # no height/weight


def test_return_to_work_when_work_at_risk() -> None:
    assert "pathway.return_to_work" not in _ids(picture(intake()))
    off = picture(intake(work_status="off sick for 6 weeks"))
    assert "pathway.return_to_work" in _ids(off)
    fabq = picture(intake(), scores={"fabq": sr("fabq", 50, None, pa=10, w=35)})
    assert "pathway.return_to_work" in _ids(fabq)
    fabq_edge = picture(intake(), scores={"fabq": sr("fabq", 50, None, pa=10, w=34)})
    assert "pathway.return_to_work" not in _ids(fabq_edge)
    orebro = picture(intake(), scores={"orebro-sf": sr("orebro-sf", 50)})
    assert "pathway.return_to_work" in _ids(orebro)


def test_cervical_thoracic_options_for_neck_pain_not_in_the_light_package() -> None:
    neck = picture(intake(pain_sites=[{"region": "neck", "primary": True}]))
    assert "manual.spinal_mobilisation_options" in _ids(neck)
    assert "manual.spinal_mobilisation_options" not in {
        i.id for i in presentation_items(neck, light=True)
    }
    assert "manual.spinal_mobilisation_options" not in _ids(picture(intake()))


NOCIPLASTIC: dict[str, Any] = {
    "pain_sites": [{"region": "general"}, {"region": "neck"}],
    "duration_weeks": 52,
    "hypersensitivity_history": True,
    "fatigue": True,
}


def test_probable_nociplastic_gp_liaison_and_sleep_stress_education() -> None:
    p = picture(intake(**NOCIPLASTIC), exam(finding("sensory", "allodynia")))
    assert p.mechanism.nociplastic.value == "probable"
    plan = _plan(p)
    ids = {i.id for i in plan.items}
    assert "pathway.gp_liaison_nociplastic" in ids
    assert {"education.sleep-and-pain", "education.stress-and-pain"} <= ids
    possible = picture(
        intake(**{**NOCIPLASTIC, "hypersensitivity_history": False}),
        exam(finding("sensory", "allodynia")),
    )
    assert possible.mechanism.nociplastic.value == "possible"
    assert "pathway.gp_liaison_nociplastic" not in _ids(possible)


def test_graded_activity_starts_from_goals_never_from_symptoms() -> None:
    p = picture(
        intake(aggravating=["coughing", "sitting"], goals=[{"name": "garden", "ability": 3}])
    )
    graded = _plan(p).of_kind(K.GRADED_ACTIVITY)
    assert [g.attributes["activity"] for g in graded] == ["garden"]
    no_goals = _plan(picture(intake(aggravating=["coughing"], goals=[]))).of_kind(K.GRADED_ACTIVITY)
    assert [g.attributes["activity"] for g in no_goals] == ["walking"]
    assert all("coughing" not in g.title for g in no_goals)


def test_presentation_items_reach_the_built_plan() -> None:
    plan = _plan(picture(intake(**HIP), _dx(Presentation.GLUTEAL_TENDINOPATHY)))
    assert {"load.tendon", "load.gluteal_compression"} <= {
        i.id for i in plan.of_kind(K.LOAD_ADVICE)
    }
