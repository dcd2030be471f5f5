"""evaluate_case: conclusions carry facts, rule ids and resolving evidence."""

from __future__ import annotations

from reasoning_helpers import TODAY, exam, finding, intake, picture, sr

from painpath.adapters.knowledge import load_evidence
from painpath.domain.assessment.findings import FindingKind
from painpath.domain.assessment.mechanism import Grade
from painpath.domain.assessment.screening import Urgency
from painpath.domain.types import Impairment, Irritability, Side


def test_conclusions_have_facts_rules_and_resolving_evidence() -> None:
    p = picture(
        intake(red_flags={"cancer_history": True}, pain_worst=8, provoked_after_min=5),
        exam(
            finding("compensation", "dynamic_knee_valgus", side=Side.RIGHT),
            finding("functional_test", "chair_stand_30s", abnormal=False, value=9, unit="stands"),
        ),
        {"tsk-17": sr("tsk-17", 45), "csi": sr("csi", 50)},
    )
    assert p.assessed_on == TODAY
    ids = [c.id for c in p.conclusions]
    assert len(ids) == len(set(ids))
    assert {
        "red_flag.cancer",
        "mechanism.nociplastic",
        "psychosocial.kinesiophobia",
        "irritability",
    } <= set(ids)
    catalogue = load_evidence()
    for c in p.conclusions:
        assert c.rule_id and c.statement and c.evidence, c
        assert catalogue.unresolved(c.evidence) == [], c


def test_no_red_flag_conclusion_reports_unanswered() -> None:
    p = picture()
    c = next(c for c in p.conclusions if c.id == "red_flag.none")
    assert "unanswered" in c.facts[0]
    assert p.screening.urgency is Urgency.NONE


def test_functional_tests_are_judged_against_norms() -> None:
    e = exam(
        finding("functional_test", "chair_stand_30s", abnormal=False, value=9),
        finding("functional_test", "tug", abnormal=True, value=7.0),
        finding("functional_test", "tug", abnormal=False),  # no value: left as given
        finding("functional_test", "grip", abnormal=True, value=20),
    )
    p = picture(intake(age=66, sex="female"), e)
    chair, tug, tug_blank, grip = p.examination.findings
    assert chair.abnormal and chair.norm and "Rikli" in chair.norm  # below 11-16
    assert not tug.abnormal  # faster than Bohannon's lower CI: clinician flag overridden
    assert tug_blank.value is None and grip.abnormal
    assert [n.test for n in p.norms] == ["chair_stand_30s", "tug"]
    targets = {t.impairment for t in p.impairments}
    assert {Impairment.QUADRICEPS_WEAKNESS, Impairment.GENERAL_DECONDITIONING} <= targets
    assert Impairment.BALANCE_DEFICIT not in targets


def test_no_norm_keeps_the_clinicians_judgement() -> None:
    e = exam(finding("functional_test", "chair_stand_30s", abnormal=True, value=9))
    p = picture(intake(age=40), e)
    assert p.examination.findings[0].abnormal
    assert any(c.id == "norm.chair_stand_30s" for c in p.conclusions)


def test_impairment_targets_collect_facts_from_several_findings() -> None:
    e = exam(
        finding("strength", "hip_abduction", value=3, unit="mmt", side=Side.RIGHT),
        finding("compensation", "pelvic_drop", side=Side.LEFT),
    )
    p = picture(intake(), e)
    hip = next(t for t in p.impairments if t.impairment is Impairment.HIP_ABDUCTOR_WEAKNESS)
    assert len(hip.facts) == 2 and "powers2010" in hip.evidence
    assert p.compensations == (e.findings[1],)
    assert any(c.id == "regions.knee->hip" for c in p.conclusions)


def test_fear_high_and_sensitised_irritability() -> None:
    widespread = intake(
        pain_sites=[{"region": "general"}, {"region": "neck"}],
        duration_weeks=60,
        hypersensitivity_history=True,
        fatigue=True,
        pain_worst=2,
    )
    p = picture(
        widespread, exam(finding("sensory", "allodynia")), {"fabq": sr("fabq", None, pa=20)}
    )
    assert p.fear_high and "fear_avoidance_physical" in p.flag_ids()
    assert p.mechanism.nociplastic is Grade.PROBABLE
    assert p.irritability.level is Irritability.MODERATE  # low raised by nature
    assert p.to_examine  # related regions not examined


def test_mixed_conclusion_only_when_mixed() -> None:
    e = exam(finding("sensory", "dermatomal_sensory_loss"), finding("strength", "hip_abduction"))
    radicular = intake(radiating_dermatomal=True, neural_lesion_history=True)
    p = picture(radicular, e, {"dn4": sr("dn4", 5)})
    assert any(c.id == "mechanism.mixed" for c in p.conclusions)
    assert not any(c.id == "mechanism.mixed" for c in picture().conclusions)
    assert all(f.kind is FindingKind.COMPENSATION for f in p.compensations)
