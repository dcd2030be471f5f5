"""Irritability rule (documented default) and the regional-interdependence graph."""

from __future__ import annotations

from typing import Any

import pytest
from reasoning_helpers import exam, finding, intake

from painpath.adapters.knowledge import load_evidence
from painpath.domain.assessment.findings import Finding, FindingKind
from painpath.domain.assessment.intake import examination_from_mapping
from painpath.domain.assessment.irritability import DOSING, evaluate_irritability
from painpath.domain.assessment.regions import (
    COMPENSATION_IMPAIRMENTS,
    REGION_LINKS,
    evaluate_related_regions,
    impairments_of,
    links_from,
)
from painpath.domain.errors import InvalidCase
from painpath.domain.types import Compensation, Impairment, Irritability, Region


@pytest.mark.parametrize(
    ("kw", "level"),
    [
        ({}, Irritability.MODERATE),  # nothing asked: cautious middle
        ({"pain_worst": 3, "provoked_after_min": 60, "settle_min": 10}, Irritability.LOW),
        ({"pain_worst": 7, "provoked_after_min": 60, "settle_min": 10}, Irritability.MODERATE),
        ({"pain_worst": 6.9, "provoked_after_min": 10, "settle_min": 10}, Irritability.MODERATE),
        ({"pain_worst": 3, "provoked_after_min": 11, "settle_min": 60}, Irritability.MODERATE),
        ({"pain_worst": 8, "provoked_after_min": 5}, Irritability.HIGH),
        ({"pain_worst": 2, "settle_min": 240}, Irritability.HIGH),  # very slow to settle
        ({"pain_worst": 2, "settle_min": 239}, Irritability.MODERATE),
        ({"pain_worst": 2}, Irritability.LOW),
    ],
)
def test_irritability_rule(kw: dict[str, Any], level: Irritability) -> None:
    result = evaluate_irritability(intake(**kw))
    assert result.level is level
    assert result.dosing is DOSING[level]


@pytest.mark.parametrize(
    ("kw", "name", "level"),
    [
        # severity: >= 7 high, >= 4 moderate, < 4 low (average pain wins over worst)
        ({"pain_worst": 7}, "severity", Irritability.HIGH),
        ({"pain_worst": 6.9}, "severity", Irritability.MODERATE),
        ({"pain_worst": 4}, "severity", Irritability.MODERATE),
        ({"pain_worst": 3.9}, "severity", Irritability.LOW),
        ({"pain_worst": 9, "pain_average": 3}, "severity", Irritability.LOW),
        # time to provoke: <= 10 high, <= 30 moderate, > 30 low
        ({"provoked_after_min": 10}, "time_to_provoke", Irritability.HIGH),
        ({"provoked_after_min": 10.5}, "time_to_provoke", Irritability.MODERATE),
        ({"provoked_after_min": 30}, "time_to_provoke", Irritability.MODERATE),
        ({"provoked_after_min": 30.5}, "time_to_provoke", Irritability.LOW),
        # time to settle: >= 60 high, >= 15 moderate, < 15 low
        ({"settle_min": 60}, "time_to_settle", Irritability.HIGH),
        ({"settle_min": 59}, "time_to_settle", Irritability.MODERATE),
        ({"settle_min": 15}, "time_to_settle", Irritability.MODERATE),
        ({"settle_min": 14}, "time_to_settle", Irritability.LOW),
        # night and rest pain (24-hour behaviour)
        ({"pattern": {"night_rest_pain": "constant"}}, "night_rest_pain", Irritability.HIGH),
        (
            {"pattern": {"night_rest_pain": "intermittent"}},
            "night_rest_pain",
            Irritability.MODERATE,
        ),
        ({"pattern": {"night_rest_pain": "none"}}, "night_rest_pain", Irritability.LOW),
        ({"pattern": {"constant": True}}, "night_rest_pain", Irritability.HIGH),
        ({"pattern": {"night_pain": True}}, "night_rest_pain", Irritability.MODERATE),
    ],
)
def test_irritability_component_edges(kw: dict[str, Any], name: str, level: Irritability) -> None:
    component = evaluate_irritability(intake(**kw)).component(name)
    assert component is not None and component.level is level


def test_night_rest_pain_not_recorded_is_no_component() -> None:
    assert evaluate_irritability(intake()).component("night_rest_pain") is None


@pytest.mark.parametrize(
    ("rng", "name", "level"),
    [
        ({"active_vs_passive": "active_less"}, "active_vs_passive", Irritability.HIGH),
        ({"active_vs_passive": "similar"}, "active_vs_passive", Irritability.MODERATE),
        ({"active_vs_passive": "equal"}, "active_vs_passive", Irritability.LOW),
        ({"pain_onset": "before_end_range"}, "pain_onset", Irritability.HIGH),
        ({"pain_onset": "at_end_range"}, "pain_onset", Irritability.MODERATE),
        ({"pain_onset": "overpressure_only"}, "pain_onset", Irritability.LOW),
    ],
)
def test_range_components(rng: dict[str, str], name: str, level: Irritability) -> None:
    e = examination_from_mapping({"range_response": rng})
    component = evaluate_irritability(intake(), e).component(name)
    assert component is not None and component.level is level


def test_kelley_high_and_low_profiles() -> None:
    high = intake(pain_average=8, pattern={"night_rest_pain": "constant"})
    rng_high = examination_from_mapping(
        {"range_response": {"active_vs_passive": "active_less", "pain_onset": "before_end_range"}}
    )
    assert evaluate_irritability(high, rng_high).level is Irritability.HIGH
    low = intake(pain_average=2, pattern={"night_rest_pain": "none"})
    rng_low = examination_from_mapping(
        {"range_response": {"active_vs_passive": "equal", "pain_onset": "overpressure_only"}}
    )
    assert evaluate_irritability(low, rng_low).level is Irritability.LOW
    # one moderate component keeps a low profile at moderate
    mid = examination_from_mapping(
        {"range_response": {"active_vs_passive": "equal", "pain_onset": "at_end_range"}}
    )
    assert evaluate_irritability(low, mid).level is Irritability.MODERATE


def test_unknown_range_response_values_are_rejected() -> None:
    with pytest.raises(InvalidCase, match="pain_onset"):
        examination_from_mapping({"range_response": {"pain_onset": "sometimes"}})
    with pytest.raises(InvalidCase, match="unknown field"):
        examination_from_mapping({"range_response": {"arom": "less"}})
    with pytest.raises(InvalidCase, match="night_rest_pain"):
        intake(pattern={"night_rest_pain": "often"})


def test_sensitised_nature_raises_low_to_moderate_only() -> None:
    low = intake(pain_worst=2)
    assert evaluate_irritability(low, sensitised=True).level is Irritability.MODERATE
    high = intake(pain_worst=9, settle_min=300)
    assert evaluate_irritability(high, sensitised=True).level is Irritability.HIGH


def test_dosing_is_more_cautious_when_more_irritable() -> None:
    assert DOSING[Irritability.HIGH].pain_during_max < DOSING[Irritability.LOW].pain_during_max
    assert DOSING[Irritability.HIGH].sessions_per_week <= DOSING[Irritability.LOW].sessions_per_week


def test_every_region_link_and_compensation_cites_resolving_evidence() -> None:
    catalogue = load_evidence()
    keys = [k for link in REGION_LINKS for k in link.evidence]
    keys += [k for _, ev in COMPENSATION_IMPAIRMENTS.values() for k in ev]
    keys += [k for rule in DOSING.values() for k in rule.evidence]
    keys += [
        k
        for c in evaluate_irritability(intake(pain_worst=5, settle_min=5)).components
        for k in c.evidence
    ]
    keys += list(evaluate_irritability(intake()).evidence)
    assert keys and catalogue.unresolved(keys) == []
    assert set(COMPENSATION_IMPAIRMENTS) == set(Compensation)


@pytest.mark.parametrize(
    ("region", "must"),
    [
        (
            Region.KNEE,
            {
                Impairment.HIP_ABDUCTOR_WEAKNESS,
                Impairment.HIP_EXTERNAL_ROTATOR_WEAKNESS,
                Impairment.ANKLE_DORSIFLEXION_DEFICIT,
                Impairment.FOOT_CONTROL_DEFICIT,
            },
        ),
        (
            Region.SHOULDER,
            {
                Impairment.THORACIC_MOBILITY_DEFICIT,
                Impairment.SCAPULAR_CONTROL_DEFICIT,
                Impairment.CERVICAL_MOBILITY_DEFICIT,
            },
        ),
        (Region.LOW_BACK, {Impairment.HIP_MOBILITY_DEFICIT, Impairment.THORACIC_MOBILITY_DEFICIT}),
        (Region.NECK, {Impairment.THORACIC_MOBILITY_DEFICIT, Impairment.SCAPULAR_CONTROL_DEFICIT}),
    ],
)
def test_graph_covers_the_named_links(region: Region, must: set[Impairment]) -> None:
    found = {imp for link in links_from(region) for imp in link.impairments}
    assert must <= found


def test_impairments_of_uses_explicit_then_tables() -> None:
    explicit = Finding(
        FindingKind.STRENGTH, "x", abnormal=True, impairments=(Impairment.CALF_WEAKNESS,)
    )
    assert impairments_of(explicit) == (Impairment.CALF_WEAKNESS,)
    assert impairments_of(finding("strength", "hip_abduction")) == (
        Impairment.HIP_ABDUCTOR_WEAKNESS,
    )
    assert impairments_of(finding("compensation", "pelvic_drop")) == (
        Impairment.HIP_ABDUCTOR_WEAKNESS,
    )
    assert impairments_of(finding("strength", "hip_abduction", abnormal=False)) == ()
    assert impairments_of(finding("sensory", "unknown_code")) == ()


def test_related_regions_found_and_to_examine() -> None:
    e = exam(
        finding("strength", "hip_abduction", value=3, unit="mmt"),
        finding("strength", "hip_external_rotation", abnormal=False),
        finding("compensation", "dynamic_knee_valgus"),
    )
    results = {r.link.target: r for r in evaluate_related_regions(frozenset({Region.KNEE}), e)}
    hip = results[Region.HIP]
    found = dict(hip.found)
    assert Impairment.HIP_ABDUCTOR_WEAKNESS in found
    assert any("= 3 mmt" in f for f in found[Impairment.HIP_ABDUCTOR_WEAKNESS])
    # external rotators: normal on testing, but valgus suggests them -> found via compensation
    assert Impairment.HIP_EXTERNAL_ROTATOR_WEAKNESS in found
    assert Impairment.HIP_EXTENSOR_WEAKNESS in hip.to_examine
    ankle = results[Region.ANKLE_FOOT]
    assert Impairment.ANKLE_DORSIFLEXION_DEFICIT in ankle.to_examine
    assert Impairment.FOOT_CONTROL_DEFICIT in dict(ankle.found)


def test_examined_normal_is_not_to_examine() -> None:
    e = exam(finding("range_of_motion", "ankle_dorsiflexion", abnormal=False))
    results = {r.link.target: r for r in evaluate_related_regions(frozenset({Region.KNEE}), e)}
    assert Impairment.ANKLE_DORSIFLEXION_DEFICIT not in results[Region.ANKLE_FOOT].to_examine
    explicit = Finding(FindingKind.KINEMATIC, "k", impairments=(Impairment.FOOT_CONTROL_DEFICIT,))
    results = {
        r.link.target: r for r in evaluate_related_regions(frozenset({Region.KNEE}), exam(explicit))
    }
    assert Impairment.FOOT_CONTROL_DEFICIT not in results[Region.ANKLE_FOOT].to_examine


def test_unlinked_region_yields_nothing() -> None:
    assert evaluate_related_regions(frozenset({Region.ABDOMEN}), exam()) == ()


def test_compensation_judged_normal_counts_as_examined() -> None:
    normal = Finding(
        FindingKind.COMPENSATION,
        "dynamic_knee_valgus",
        abnormal=False,
        compensation=Compensation.DYNAMIC_KNEE_VALGUS,
    )
    results = {
        r.link.target: r for r in evaluate_related_regions(frozenset({Region.KNEE}), exam(normal))
    }
    assert results[Region.ANKLE_FOOT].to_examine == (Impairment.ANKLE_DORSIFLEXION_DEFICIT,)
    assert Impairment.HIP_ABDUCTOR_WEAKNESS not in results[Region.HIP].to_examine
