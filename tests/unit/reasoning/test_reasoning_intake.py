"""Intake and examination validation: good mappings build; bad ones name the field."""

from __future__ import annotations

from typing import Any

import pytest
from reasoning_helpers import intake

from painpath.domain.assessment.findings import FindingKind
from painpath.domain.assessment.intake import Onset, examination_from_mapping
from painpath.domain.errors import InvalidCase
from painpath.domain.types import Compensation, Region, Sex, Side


def test_valid_intake_builds_typed_fields() -> None:
    i = intake(
        onset="post_surgical",
        pain_sites=[{"region": "knee", "side": "left"}, {"region": "hip", "primary": True}],
        pattern={"morning_stiffness_min": 45, "night_pain": True},
        sleep={"hours": 5.5, "wakings_per_night": 2},
        red_flags={"ces_bladder": False},
        feared_activities=[{"name": "running", "fear": 70}],
    )
    assert i.sex is Sex.FEMALE and i.onset is Onset.POST_SURGICAL
    assert i.primary_site.region is Region.HIP  # the flagged one, not the first
    assert i.pain_sites[0].side is Side.LEFT
    assert i.pattern.morning_stiffness_min == 45 and i.pattern.night_pain
    assert i.sleep.hours == 5.5 and i.sleep.wakings_per_night == 2
    assert i.red_flag_answers == {"ces_bladder": False}
    assert i.regions == frozenset({Region.KNEE, Region.HIP})


def test_defaults_when_optional_sections_missing() -> None:
    i = intake()
    assert i.sleep.hours == 7.0 and i.pattern.morning_stiffness_min == 0
    assert i.primary_site.region is Region.KNEE and i.red_flag_answers == {}


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"age": "forty"}, "intake.age: expected a number"),
        ({"age": 5}, "intake.age: 5 is outside 12-110"),
        ({"sex": "x"}, "intake.sex: 'x' is not one of: female, male, other"),
        ({"pain_sites": []}, "at least one pain site"),
        ({"pain_sites": [{"region": "toe"}]}, "intake.pain_sites[0].region: 'toe'"),
        ({"pain_sites": "knee"}, "intake.pain_sites: expected a list"),
        ({"duration_weeks": None}, "intake.duration_weeks is required"),
        ({"onset": "slow"}, "intake.onset"),
        ({"red_flags": {"bladder": True}}, "unknown question 'bladder'"),
        ({"red_flags": {"ces_bladder": "yes"}}, "intake.red_flags.ces_bladder: expected true"),
        ({"goals": [{"name": "", "ability": 3}]}, "intake.goals[0].name is required"),
        ({"goals": [{"name": "run", "ability": 11}]}, "intake.goals[0].ability: 11"),
        ({"goals": [{"name": f"g{n}", "ability": 1} for n in range(6)]}, "at most 5"),
        ({"feared_activities": [{"name": "lift"}]}, "feared_activities[0].fear is required"),
        ({"feared_activities": [{"fear": 3}]}, "feared_activities[0].name is required"),
        ({"pattern": {"night_pain": "often"}}, "intake.pattern.night_pain: expected true"),
        ({"pattern": []}, "intake.pattern: expected a mapping"),
        ({"agravating": ["x"]}, "unknown field(s) agravating"),
        ({"fatigue": 1}, "intake.fatigue: expected true or false"),
    ],
)
def test_invalid_intake_names_the_field(override: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidCase, match=_escape(message)):
        intake(**override)


def _escape(text: str) -> str:
    import re

    return re.escape(text)


def test_examination_compensation_is_abnormal_by_definition() -> None:
    e = examination_from_mapping(
        {
            "findings": [
                {"kind": "compensation", "code": "pelvic_drop", "side": "left"},
                {"kind": "strength", "code": "hip_abduction", "value": 3, "unit": "mmt"},
                {"kind": "sensory", "code": "allodynia", "abnormal": True, "impairments": []},
            ]
        }
    )
    comp, strength, sensory = e.findings
    assert comp.abnormal and comp.compensation is Compensation.PELVIC_DROP
    assert not strength.abnormal and strength.value == 3
    assert e.of_kind(FindingKind.SENSORY) == (sensory,)
    assert e.has("hip_abduction") and e.abnormal_code("allodynia")
    assert not e.abnormal_code("hip_abduction")


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"findings": [{"kind": "xray", "code": "a"}]}, "findings[0].kind"),
        ({"findings": [{"kind": "strength"}]}, "findings[0].code is required"),
        ({"findings": [{"kind": "compensation", "code": "limp"}]}, "findings[0].code: 'limp'"),
        (
            {"findings": [{"kind": "strength", "code": "hip_abduction", "value": 7}]},
            "7 is outside 0-5",
        ),
        ({"findings": [{"kind": "sensory", "code": "a", "colour": 1}]}, "unknown field(s) colour"),
        ({"findings": [{"kind": "sensory", "code": "a", "confidence": 2}]}, "confidence: 2"),
        ({"tests": []}, "examination: unknown field(s) tests"),
        ({"findings": {}}, "examination.findings: expected a list"),
        ([], "examination: expected a mapping"),
    ],
)
def test_invalid_examination(raw: Any, message: str) -> None:
    with pytest.raises(InvalidCase, match=_escape(message)):
        examination_from_mapping(raw)


def test_strength_in_newtons_is_not_limited_to_mmt_range() -> None:
    e = examination_from_mapping(
        {"findings": [{"kind": "strength", "code": "hip_abduction", "value": 150, "unit": "N"}]}
    )
    assert e.findings[0].value == 150
