"""Mechanism criteria (IASP 2021 nociplastic grading; neuropathic screen + signs) by example."""

from __future__ import annotations

from typing import Any

import pytest
from reasoning_helpers import exam, finding, intake, sr

from painpath.domain.assessment.findings import ClinicianJudgements, Judgement, SensoryLocation
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
    assert m.nociceptive is Grade.POSSIBLE  # allodynia argues against probable
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


# ---------------------------------------------------------------- neuropathic (NeuPSIG)


def _neuro(
    history: bool | None,
    distribution: bool | None,
    signs: bool | None,
    confirmed: str | None = None,
    scores: dict[str, Any] | None = None,
) -> Grade:
    e = (
        exam()
        if signs is None
        else exam(finding("sensory", "dermatomal_sensory_loss", abnormal=signs))
    )
    if confirmed is not None:
        e = Examination(
            e.findings, ClinicianJudgements(neural_lesion_confirmed=Judgement(confirmed))
        )
    i = intake(neural_lesion_history=history, radiating_dermatomal=distribution)
    return evaluate_mechanism(i, e, scores or {}).neuropathic


@pytest.mark.parametrize(
    ("history", "distribution", "signs", "confirmed", "grade"),
    [
        (True, True, None, None, Grade.POSSIBLE),
        (True, True, False, None, Grade.POSSIBLE),
        (True, True, True, None, Grade.PROBABLE),
        (True, True, True, "no", Grade.PROBABLE),
        (True, True, True, "unsure", Grade.PROBABLE),
        (True, True, True, "yes", Grade.DEFINITE),
        (True, True, None, "yes", Grade.PROBABLE),  # signs hard to show, test confirms
        (True, True, False, "yes", Grade.PROBABLE),
        (False, True, True, "yes", Grade.UNLIKELY),  # no relevant lesion in the history
        (True, False, True, None, Grade.UNLIKELY),  # distribution not plausible
        (None, True, True, None, Grade.INDETERMINATE),  # ask the history
        (True, None, None, None, Grade.INDETERMINATE),
    ],
)
def test_neupsig_grading(
    history: bool | None,
    distribution: bool | None,
    signs: bool | None,
    confirmed: str | None,
    grade: Grade,
) -> None:
    assert _neuro(history, distribution, signs, confirmed) is grade


@pytest.mark.parametrize(
    "scores",
    [
        {},
        {"paindetect": sr("paindetect", 13)},  # unclear band
        {"paindetect": sr("paindetect", 25)},  # positive
        {"dn4": sr("dn4", 7)},
        {"paindetect": sr("paindetect", 30), "dn4": sr("dn4", 10)},
    ],
)
def test_questionnaire_neither_required_nor_sufficient(scores: dict[str, Any]) -> None:
    # negative history, non-neural distribution, normal neurological examination
    assert _neuro(False, False, False, scores=scores) is Grade.UNLIKELY
    # history + distribution + signs is probable with or without a questionnaire
    assert _neuro(True, True, True, scores=scores) is Grade.PROBABLE


def test_paindetect_unclear_alone_is_not_neuropathic() -> None:
    m = evaluate_mechanism(intake(), exam(), {"paindetect": sr("paindetect", 15)})
    assert m.neuropathic is Grade.INDETERMINATE
    assert "neuropathic" not in m.mechanisms
    screen = m.criterion("neuropathic.screen")
    assert screen.status is CriterionStatus.NOT_MET and not screen.decides
    assert "unclear" in screen.facts[0]


def test_motor_and_neurodynamic_signs_support_only() -> None:
    e = exam(finding("sensory", "slr"), finding("strength", "myotomal_weakness"))
    i = intake(neural_lesion_history=True, radiating_dermatomal=True)
    m = evaluate_mechanism(i, e, {})
    assert m.neuropathic is Grade.POSSIBLE  # the sensory step is not shown
    assert m.criterion("neuropathic.support_signs").status is CriterionStatus.MET


def test_dn4_positive_even_if_paindetect_negative() -> None:
    scores = {"paindetect": sr("paindetect", 5), "dn4": sr("dn4", 5)}
    m = evaluate_mechanism(intake(), exam(), scores)
    assert m.criterion("neuropathic.screen").status is CriterionStatus.MET


# ---------------------------------------------------------------- nociplastic criteria 3-5

RADICULAR: dict[str, Any] = {
    "pain_sites": [{"region": "low_back"}, {"region": "thigh"}],
    "duration_weeks": 30,
    "radiating_dermatomal": True,
    "neural_lesion_history": True,
}


def test_probable_radiculopathy_explains_the_pain() -> None:
    e = exam(finding("sensory", "dermatomal_sensory_loss"), finding("sensory", "allodynia"))
    m = evaluate_mechanism(intake(**RADICULAR), e, {"dn4": sr("dn4", 6)})
    assert m.neuropathic is Grade.PROBABLE
    c3 = m.criterion("nociplastic.3_unexplained")
    assert c3.status is CriterionStatus.NOT_MET and c3.suggested is CriterionStatus.NOT_MET
    assert m.nociplastic is Grade.UNLIKELY


@pytest.mark.parametrize(
    ("judgement", "status", "grade"),
    [
        ("yes", CriterionStatus.MET, Grade.POSSIBLE),
        ("no", CriterionStatus.NOT_MET, Grade.UNLIKELY),
        ("unsure", CriterionStatus.UNKNOWN, Grade.INDETERMINATE),
    ],
)
def test_criterion_3_takes_the_clinician_judgement(
    judgement: str, status: CriterionStatus, grade: Grade
) -> None:
    e = Examination(
        (finding("sensory", "dermatomal_sensory_loss"), finding("sensory", "allodynia")),
        ClinicianJudgements(nociplastic_unexplained=Judgement(judgement)),
    )
    m = evaluate_mechanism(intake(**RADICULAR), e, {})
    c3 = m.criterion("nociplastic.3_unexplained")
    assert c3.status is status
    assert c3.suggested is CriterionStatus.NOT_MET  # the suggestion stays beside it
    assert m.nociplastic is grade


def test_local_tenderness_does_not_count_as_hypersensitivity() -> None:
    raw = {**WIDESPREAD}
    e = exam(
        finding("sensory", "pressure_pain_threshold", location=SensoryLocation.LOCAL),
        finding("sensory", "hyperalgesia", location=SensoryLocation.LOCAL),
    )
    m = evaluate_mechanism(intake(**raw), e, {})
    c4 = m.criterion("nociplastic.4_signs")
    assert c4.status is CriterionStatus.UNKNOWN
    assert any("not counted" in f for f in c4.facts)


@pytest.mark.parametrize(
    ("code", "location", "status"),
    [
        ("dynamic_mechanical_allodynia", SensoryLocation.LOCAL, CriterionStatus.MET),
        ("static_mechanical_allodynia", SensoryLocation.WIDESPREAD, CriterionStatus.MET),
        ("cold_allodynia", None, CriterionStatus.MET),
        ("heat_allodynia", SensoryLocation.LOCAL, CriterionStatus.MET),
        ("after_sensations", SensoryLocation.LOCAL, CriterionStatus.MET),
        ("dynamic_mechanical_allodynia", SensoryLocation.REMOTE, CriterionStatus.NOT_MET),
    ],
)
def test_evoked_hypersensitivity_in_the_region_of_pain(
    code: str, location: SensoryLocation | None, status: CriterionStatus
) -> None:
    e = exam(finding("sensory", code, location=location))
    m = evaluate_mechanism(intake(**WIDESPREAD), e, {})
    assert m.criterion("nociplastic.4_signs").status is status


@pytest.mark.parametrize(
    ("modalities", "status"),
    [
        ({"cold": True}, CriterionStatus.MET),
        ({"touch": False, "pressure": False}, CriterionStatus.UNKNOWN),
        (
            {"touch": False, "pressure": False, "movement": False, "cold": False, "heat": False},
            CriterionStatus.NOT_MET,
        ),
    ],
)
def test_history_per_modality(modalities: dict[str, bool], status: CriterionStatus) -> None:
    i = intake(**WIDESPREAD, hypersensitivity_history=modalities)
    c5 = evaluate_mechanism(i, _signs(), {}).criterion("nociplastic.5_history")
    assert c5.status is status
    assert any(f.startswith("cold: ") for f in c5.facts)


# ---------------------------------------------------------------- nociceptive and mixed


def test_nociceptive_probable_for_local_mechanical_pain() -> None:
    m = evaluate_mechanism(intake(), exam(finding("strength", "hip_abduction")), {})
    assert m.nociceptive is Grade.PROBABLE
    assert m.mechanisms == ("nociceptive",)


@pytest.mark.parametrize(
    ("overrides", "e", "grade"),
    [
        ({}, exam(), Grade.POSSIBLE),  # localised + mechanical, not examined yet
        (
            {"aggravating": [], "easing": []},
            exam(finding("strength", "hip_abduction")),
            Grade.POSSIBLE,
        ),
        (
            {"aggravating": [], "easing": []},
            exam(finding("strength", "hip_abduction", abnormal=False)),
            Grade.UNLIKELY,
        ),
        ({"aggravating": [], "easing": []}, exam(), Grade.INDETERMINATE),
        (
            {"pattern": {"night_pain": True}},
            exam(finding("strength", "hip_abduction")),
            Grade.POSSIBLE,
        ),
        (
            {"radiating_dermatomal": True},
            exam(finding("strength", "hip_abduction")),
            Grade.POSSIBLE,
        ),
    ],
)
def test_nociceptive_grade(overrides: dict[str, Any], e: Examination, grade: Grade) -> None:
    assert evaluate_mechanism(intake(**overrides), e, {}).nociceptive is grade


def test_widespread_pain_is_not_nociceptive() -> None:
    m = evaluate_mechanism(intake(**WIDESPREAD), _signs(), {})
    assert m.nociceptive is Grade.UNLIKELY
    c4 = m.criterion("nociceptive.4_no_features_against")
    assert c4.status is CriterionStatus.NOT_MET


def test_mixed_presentation() -> None:
    i = intake(
        **WIDESPREAD,
        hypersensitivity_history=True,
        fatigue=True,
        radiating_dermatomal=True,
        neural_lesion_history=True,
    )
    e = exam(finding("sensory", "allodynia"), finding("sensory", "dermatomal_sensory_loss"))
    m = evaluate_mechanism(i, e, {"paindetect": sr("paindetect", 20)})
    assert m.mixed and m.mechanisms == ("neuropathic", "nociplastic")
    assert not evaluate_mechanism(intake(), exam(), {}).mixed
