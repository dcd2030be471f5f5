"""Stratified care (Hill 2011): the size and content of the plan follow the STarT Back band."""

from __future__ import annotations

import pytest
from reasoning_helpers import TODAY, exam, finding, intake, lessons, library, picture, sr

from painpath.adapters.knowledge import load_evidence
from painpath.domain.planning import Plan, PlanItemKind, build_plan
from painpath.domain.planning.stratified import (
    CORE_LESSONS,
    LIGHT_MAX_EXERCISES,
    PSYCHOLOGICALLY_INFORMED_LESSONS,
    Stratum,
    care_stratum,
)

K = PlanItemKind
LOW_BACK = {
    "pain_sites": [{"region": "low_back", "primary": True}],
    "duration_weeks": 8,
    "aggravating": ["bending"],
    "easing": ["walking"],
    "goals": [{"name": "lift the shopping", "ability": 4}, {"name": "garden", "ability": 3}],
}
# enough impairments that a full plan has more exercises than the light package allows
EXAM = exam(
    finding("strength", "hip_abduction"),
    finding("strength", "hip_extension"),
    finding("range_of_motion", "hip_internal_rotation"),
    finding("range_of_motion", "thoracic_rotation"),
    finding("compensation", "excessive_trunk_flexion"),
)


def _plan(band: str | None) -> Plan:
    scores = {} if band is None else {"startback": sr("startback", 2, band)}
    return build_plan(
        picture(intake(**LOW_BACK), EXAM, scores), library(), lessons(), start_date=TODAY
    )


@pytest.mark.parametrize(
    ("band", "stratum"),
    [
        ("low", Stratum.LOW),
        ("medium", Stratum.MEDIUM),
        ("high", Stratum.HIGH),
        (None, Stratum.NOT_SCREENED),
    ],
)
def test_stratum_from_startback_band(band: str | None, stratum: Stratum) -> None:
    scores = {} if band is None else {"startback": sr("startback", 2, band)}
    assert care_stratum(picture(intake(**LOW_BACK), EXAM, scores)) is stratum


def test_low_risk_gets_the_light_package() -> None:
    plan = _plan("low")
    (pathway,) = plan.of_kind(K.CARE_PATHWAY)
    assert pathway.id == "pathway.stratified.low" and "one or two sessions" in pathway.title
    assert 0 < len(plan.of_kind(K.EXERCISE)) <= LIGHT_MAX_EXERCISES
    assert not plan.of_kind(K.GRADED_ACTIVITY) and not plan.of_kind(K.MANUAL_THERAPY)
    assert [r.id for r in plan.of_kind(K.REVIEW)] == ["review.week2"]
    assert {i.ref for i in plan.of_kind(K.EDUCATION)} <= set(CORE_LESSONS)


def test_medium_risk_gets_physiotherapist_led_care() -> None:
    plan = _plan("medium")
    assert [i.id for i in plan.of_kind(K.CARE_PATHWAY)] == ["pathway.stratified.medium"]
    assert len(plan.of_kind(K.EXERCISE)) > LIGHT_MAX_EXERCISES
    assert plan.of_kind(K.GRADED_ACTIVITY) and plan.of_kind(K.MANUAL_THERAPY)
    assert len(plan.of_kind(K.REVIEW)) == 3
    refs = {i.ref for i in plan.of_kind(K.EDUCATION)}
    assert not refs & set(PSYCHOLOGICALLY_INFORMED_LESSONS)


def test_high_risk_gets_psychologically_informed_care() -> None:
    plan = _plan("high")
    assert [i.id for i in plan.of_kind(K.CARE_PATHWAY)] == ["pathway.stratified.high"]
    refs = {i.ref for i in plan.of_kind(K.EDUCATION)}
    assert set(PSYCHOLOGICALLY_INFORMED_LESSONS) <= refs
    assert plan.item("referral.psychologically_informed").kind is K.REFERRAL


def test_plan_size_follows_the_stratum() -> None:
    low, medium, high = (len(_plan(b).items) for b in ("low", "medium", "high"))
    assert low < medium < high


def test_unscreened_low_back_pain_asks_for_the_screen() -> None:
    plan = _plan(None)
    assert [i.id for i in plan.of_kind(K.CARE_PATHWAY)] == ["pathway.screen_startback"]
    knee = build_plan(picture(), library(), lessons(), start_date=TODAY)
    assert not knee.of_kind(K.CARE_PATHWAY)


def test_pathway_items_cite_resolving_evidence() -> None:
    keys = [
        k
        for b in ("low", "medium", "high", None)
        for i in _plan(b).of_kind(K.CARE_PATHWAY)
        for k in i.evidence
    ]
    assert keys and load_evidence().unresolved(keys) == []
