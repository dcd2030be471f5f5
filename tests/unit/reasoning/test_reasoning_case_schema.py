"""Case-schema fields of issue 9: optional goal rating, duration per site, special tests,
palpation, imaging as reported, repeated movements and directional preference, scapular
dyskinesis, buttock and forearm regions; unknown fields rejected."""

from __future__ import annotations

from typing import Any

import pytest
from reasoning_helpers import TODAY, exam, finding, intake, lessons, library, picture

from painpath.domain.assessment.intake import examination_from_mapping
from painpath.domain.errors import InvalidCase
from painpath.domain.planning import PlanItemKind, build_plan
from painpath.domain.types import Region, Side


def test_goal_without_ability_rating() -> None:
    i = intake(goals=[{"name": "garden"}, {"name": "walk", "ability": 4}])
    assert i.goals[0].ability is None and i.goals[1].ability == 4
    plan = build_plan(picture(i), library(), lessons(), start_date=TODAY)
    goals = plan.of_kind(PlanItemKind.GOAL)
    assert goals[0].title == "garden" and "rate" in goals[0].details
    assert goals[1].title == "walk: from 4/10 to 7/10"


@pytest.mark.parametrize(
    "goal", [{"name": "garden", "ability": 11}, {"name": "garden", "rating": 3}, {"ability": 3}]
)
def test_bad_goals_rejected(goal: dict[str, Any]) -> None:
    with pytest.raises(InvalidCase):
        intake(goals=[goal])


def test_duration_per_pain_site_and_new_regions() -> None:
    i = intake(
        pain_sites=[
            {"region": "buttock", "side": "left", "primary": True, "duration_weeks": 30},
            {"region": "forearm", "side": "right"},
        ]
    )
    assert i.pain_sites[0].region is Region.BUTTOCK and i.pain_sites[0].duration_weeks == 30
    assert i.pain_sites[1].region is Region.FOREARM and i.pain_sites[1].duration_weeks is None
    with pytest.raises(InvalidCase, match="duration_weeks"):
        intake(pain_sites=[{"region": "knee", "duration_weeks": -1}])
    with pytest.raises(InvalidCase, match="unknown field"):
        intake(pain_sites=[{"region": "knee", "since": 3}])


EXAM: dict[str, Any] = {
    "special_tests": [{"name": "Hawkins-Kennedy", "side": "right", "positive": True}],
    "palpation": [{"site": "greater trochanter", "side": "left", "tender": True}],
    "imaging": [{"modality": "MRI", "report": "L4-5 disc bulge", "date": "2026-10-02"}],
    "repeated_movements": [
        {"movement": "extension in lying", "response": "better", "centralises": True},
        {"movement": "flexion in standing", "response": "worse"},
    ],
    "directional_preference": "extension",
}


def test_examination_fields_parse() -> None:
    e = examination_from_mapping(EXAM)
    assert e.special_tests[0].positive and e.special_tests[0].side is Side.RIGHT
    assert e.palpation[0].tender and e.palpation[0].site == "greater trochanter"
    assert e.imaging[0].report == "L4-5 disc bulge" and e.imaging[0].date == "2026-10-02"
    assert [m.response for m in e.repeated_movements] == ["better", "worse"]
    assert e.directional_preference == "extension"


@pytest.mark.parametrize(
    ("key", "bad"),
    [
        ("special_tests", [{"name": "slump"}]),  # result missing
        ("special_tests", [{"name": "slump", "positive": "yes"}]),
        ("special_tests", [{"name": "slump", "positive": True, "grade": 2}]),
        ("palpation", [{"tender": True}]),
        ("imaging", [{"modality": "MRI"}]),
        ("repeated_movements", [{"movement": "extension", "response": "centralised"}]),
        ("bogus", []),
    ],
)
def test_bad_examination_fields_rejected(key: str, bad: Any) -> None:
    with pytest.raises(InvalidCase):
        examination_from_mapping({key: bad})


def test_directional_preference_gives_a_plan_item() -> None:
    p = picture(intake(), examination_from_mapping(EXAM))
    plan = build_plan(p, library(), lessons(), start_date=TODAY)
    (item,) = [i for i in plan.items if i.id == "load.directional_preference"]
    assert "extension" in item.title and "long2004" in item.evidence
    assert "repeated extension in lying: better, centralises" in item.triggered_by
    plain = build_plan(picture(intake()), library(), lessons(), start_date=TODAY)
    assert "load.directional_preference" not in {i.id for i in plain.items}


def test_scapular_dyskinesis_gets_a_retraining_item() -> None:
    p = picture(
        intake(pain_sites=[{"region": "shoulder", "side": "right"}]),
        exam(finding("compensation", "scapular_dyskinesis", side=Side.RIGHT)),
    )
    plan = build_plan(p, library(), lessons(), start_date=TODAY)
    (item,) = plan.of_kind(PlanItemKind.MOVEMENT_RETRAINING)
    assert item.id == "retraining.scapular_dyskinesis" and "kibler2013" in item.evidence
