"""Mechanism criteria (IASP 2021 nociplastic grading; neuropathic screen + signs) by example."""

from __future__ import annotations

from typing import Any

import pytest
from reasoning_helpers import exam, finding, intake, sr

from painpath.domain.assessment.intake import Examination
from painpath.domain.assessment.mechanism import CriterionStatus, Grade, evaluate_mechanism

WIDESPREAD: dict[str, Any] = {
    "pain_sites": [{"region": "general"}, {"region": "neck"}],
    "duration_weeks": 52,
}
ALL_COMORBID = {"sensory_sensitivity": True, "fatigue": True, "cognitive_problems": True}


def _signs(positive: bool = True) -> Examination:
    return exam(finding("sensory", "allodynia", abnormal=positive))


def test_probable_nociplastic_when_all_six_criteria_met() -> None:
    m = evaluate_mechanism(
        intake(**WIDESPREAD, hypersensitivity_history=True, fatigue=True), _signs(), {}
    )
    assert m.nociplastic is Grade.PROBABLE
    assert all(
        c.status is CriterionStatus.MET for c in m.criteria if c.id.startswith("nociplastic")
    )


def test_possible_without_history() -> None:
    m = evaluate_mechanism(
        intake(**WIDESPREAD, hypersensitivity_history=False, **ALL_COMORBID), _signs(), {}
    )
    assert m.nociplastic is Grade.POSSIBLE
    assert m.criterion("nociplastic.5_history").status is CriterionStatus.NOT_MET


def test_possible_when_comorbidity_unknown() -> None:
    m = evaluate_mechanism(intake(**WIDESPREAD, hypersensitivity_history=True), _signs(), {})
    assert m.criterion("nociplastic.6_comorbidity").status is CriterionStatus.UNKNOWN
    assert m.nociplastic is Grade.POSSIBLE


def test_comorbidity_not_met_when_all_denied_and_sleep_fine() -> None:
    no = {"sensory_sensitivity": False, "fatigue": False, "cognitive_problems": False}
    m = evaluate_mechanism(intake(**WIDESPREAD, hypersensitivity_history=True, **no), _signs(), {})
    assert m.criterion("nociplastic.6_comorbidity").status is CriterionStatus.NOT_MET
    assert m.nociplastic is Grade.POSSIBLE


def test_disturbed_sleep_counts_as_comorbidity() -> None:
    i = intake(**WIDESPREAD, hypersensitivity_history=True, sleep={"hours": 5})
    assert evaluate_mechanism(i, _signs(), {}).nociplastic is Grade.PROBABLE


@pytest.mark.parametrize(
    "override",
    [
        {"duration_weeks": 12},  # < 3 months
        {"pain_sites": [{"region": "knee"}]},  # one region: discrete
    ],
)
def test_not_applicable_when_entry_criteria_fail(override: dict[str, Any]) -> None:
    raw = {**WIDESPREAD, **override}
    assert evaluate_mechanism(intake(**raw), _signs(), {}).nociplastic is Grade.NOT_APPLICABLE


def test_indeterminate_when_hypersensitivity_not_examined() -> None:
    m = evaluate_mechanism(intake(**WIDESPREAD), exam(finding("strength", "hip_abduction")), {})
    assert m.criterion("nociplastic.4_signs").status is CriterionStatus.UNKNOWN
    assert m.nociplastic is Grade.INDETERMINATE


def test_unlikely_when_signs_negative() -> None:
    assert evaluate_mechanism(intake(**WIDESPREAD), _signs(False), {}).nociplastic is Grade.UNLIKELY


def test_two_regions_with_local_findings_are_explained() -> None:
    raw = {"pain_sites": [{"region": "knee"}, {"region": "hip"}], "duration_weeks": 30}
    e = exam(finding("strength", "hip_abduction"), finding("sensory", "allodynia"))
    m = evaluate_mechanism(intake(**raw), e, {})
    assert m.criterion("nociplastic.3_unexplained").status is CriterionStatus.NOT_MET
    assert m.nociplastic is Grade.UNLIKELY


def test_unexplained_unknown_without_any_examination() -> None:
    raw = {"pain_sites": [{"region": "knee"}, {"region": "hip"}], "duration_weeks": 30}
    m = evaluate_mechanism(intake(**raw), exam(), {})
    assert m.criterion("nociplastic.3_unexplained").status is CriterionStatus.UNKNOWN


def test_csi_is_supporting_only() -> None:
    i = intake(**WIDESPREAD, hypersensitivity_history=True, fatigue=True)
    low = evaluate_mechanism(i, _signs(), {"csi": sr("csi", 10)})
    high = evaluate_mechanism(i, _signs(), {"csi": sr("csi", 80)})
    assert low.nociplastic is high.nociplastic is Grade.PROBABLE
    assert "< 40" in low.supporting[0] and ">= 40" in high.supporting[0]
    assert (
        evaluate_mechanism(i, _signs(False), {"csi": sr("csi", 90)}).nociplastic is Grade.UNLIKELY
    )


# ---------------------------------------------------------------- neuropathic


@pytest.mark.parametrize(
    ("scores", "signs", "history", "grade"),
    [
        ({"paindetect": sr("paindetect", 19)}, True, None, Grade.PROBABLE),
        ({"dn4": sr("dn4", 4)}, True, None, Grade.PROBABLE),
        ({}, True, True, Grade.PROBABLE),
        ({"paindetect": sr("paindetect", 13)}, None, None, Grade.POSSIBLE),
        ({"paindetect": sr("paindetect", 12)}, True, None, Grade.POSSIBLE),
        ({}, None, True, Grade.POSSIBLE),
        ({"paindetect": sr("paindetect", 12)}, False, None, Grade.UNLIKELY),
        ({"dn4": sr("dn4", 3)}, None, None, Grade.UNLIKELY),
        ({}, None, None, Grade.INDETERMINATE),
        ({}, False, False, Grade.INDETERMINATE),
    ],
)
def test_neuropathic_grade(
    scores: dict[str, Any], signs: bool | None, history: bool | None, grade: Grade
) -> None:
    e = (
        exam()
        if signs is None
        else exam(finding("sensory", "dermatomal_sensory_loss", abnormal=signs))
    )
    m = evaluate_mechanism(intake(radiating_dermatomal=history), e, scores)
    assert m.neuropathic is grade


def test_dn4_positive_even_if_paindetect_negative() -> None:
    scores = {"paindetect": sr("paindetect", 5), "dn4": sr("dn4", 5)}
    m = evaluate_mechanism(intake(), exam(), scores)
    assert m.criterion("neuropathic.screen").status is CriterionStatus.MET


def test_probable_neuropathic_makes_local_pain_explained() -> None:
    i = intake(pain_sites=[{"region": "low_back"}, {"region": "thigh"}], duration_weeks=30)
    e = exam(finding("sensory", "slr"), finding("sensory", "allodynia"))
    m = evaluate_mechanism(i, e, {"dn4": sr("dn4", 6)})
    assert m.neuropathic is Grade.PROBABLE
    assert m.criterion("nociplastic.3_unexplained").status is CriterionStatus.NOT_MET


# ---------------------------------------------------------------- nociceptive and mixed


def test_nociceptive_from_local_findings_or_mechanical_pattern() -> None:
    assert evaluate_mechanism(intake(), exam(), {}).nociceptive  # stairs/rest, one region
    no_pattern = intake(aggravating=[], easing=[])
    assert evaluate_mechanism(
        no_pattern, exam(finding("strength", "hip_abduction")), {}
    ).nociceptive
    m = evaluate_mechanism(
        no_pattern, exam(finding("strength", "hip_abduction", abnormal=False)), {}
    )
    assert not m.nociceptive
    assert m.criterion("nociceptive.mechanical").status is CriterionStatus.NOT_MET


def test_nociceptive_unknown_without_history_or_examination() -> None:
    m = evaluate_mechanism(intake(aggravating=[], easing=[]), exam(), {})
    assert m.criterion("nociceptive.mechanical").status is CriterionStatus.UNKNOWN
    assert m.mechanisms == ()


def test_widespread_mechanical_pattern_is_not_nociceptive() -> None:
    m = evaluate_mechanism(intake(**WIDESPREAD), _signs(), {})
    assert not m.nociceptive


def test_mixed_presentation() -> None:
    i = intake(**WIDESPREAD, hypersensitivity_history=True, fatigue=True)
    e = exam(finding("sensory", "allodynia"), finding("sensory", "dermatomal_sensory_loss"))
    m = evaluate_mechanism(i, e, {"paindetect": sr("paindetect", 20)})
    assert m.mixed and m.mechanisms == ("neuropathic", "nociplastic")
    assert not evaluate_mechanism(intake(), exam(), {}).mixed
