"""Falls risk in older adults: each trigger at its boundary, the level, and the plan items."""

from __future__ import annotations

from typing import Any

import pytest
from reasoning_helpers import TODAY, exam, finding, intake, lessons, library, picture

from painpath.domain.assessment.falls import FallsLevel, falls_history_from_mapping
from painpath.domain.errors import InvalidCase
from painpath.domain.planning import PlanItemKind, build_plan


def _falls(age: int = 75, sex: str = "female", *findings: Any, **history: Any) -> Any:
    i = intake(age=age, sex=sex, falls=history or None)
    return picture(i, exam(*findings)).falls


def tug(seconds: float) -> Any:
    return finding("functional_test", "tug", abnormal=False, value=seconds, unit="s")


def chair(stands: float) -> Any:
    return finding("functional_test", "chair_stand_30s", abnormal=False, value=stands)


@pytest.mark.parametrize(
    ("seconds", "level"),
    [(13.4, FallsLevel.NONE), (13.5, FallsLevel.RAISED), (20, FallsLevel.RAISED)],
)
def test_tug_cutoff_is_inclusive_13_5_s(seconds: float, level: FallsLevel) -> None:
    falls = _falls(75, "female", tug(seconds))
    assert falls.level is level
    assert ("shumway_cook2000" in falls.evidence) == (level is FallsLevel.RAISED)


@pytest.mark.parametrize(
    ("age", "sex", "stands", "level"),
    [
        (67, "female", 10, FallsLevel.RAISED),  # Rikli & Jones women 65-69: 11-16
        (67, "female", 11, FallsLevel.NONE),  # the lower edge is within the range
        (62, "male", 13, FallsLevel.RAISED),  # men 60-64: 14-19
        (62, "male", 14, FallsLevel.NONE),
    ],
)
def test_chair_stand_below_norm(age: int, sex: str, stands: float, level: FallsLevel) -> None:
    assert _falls(age, sex, chair(stands)).level is level


@pytest.mark.parametrize(("age", "applies"), [(59, False), (60, True)])
def test_applies_from_60(age: int, applies: bool) -> None:
    falls = _falls(age, "female", tug(16), past_year=1)
    assert falls.applies is applies and falls.flagged is applies


@pytest.mark.parametrize(
    ("history", "findings", "level"),
    [
        ({"past_year": 0, "worried": True}, [], FallsLevel.NONE),  # worry alone: recorded only
        ({"past_year": 1}, [], FallsLevel.RAISED),
        ({"past_year": 2}, [], FallsLevel.HIGH),
        ({"past_year": 1, "injured": True}, [], FallsLevel.HIGH),
        ({"past_year": 1, "unable_to_get_up": True}, [], FallsLevel.HIGH),
        ({"past_year": 1}, ["tug"], FallsLevel.HIGH),  # a fall plus a gait/balance finding
        ({"past_year": 0}, ["tug"], FallsLevel.RAISED),
    ],
)
def test_level(history: dict[str, Any], findings: list[str], level: FallsLevel) -> None:
    fs = [tug(14) for _ in findings]
    assert _falls(80, "male", *fs, **history).level is level


def test_flag_gives_strength_balance_item_referral_and_conclusion() -> None:
    p = picture(intake(age=78, falls={"past_year": 2}), exam(tug(15)))
    plan = build_plan(p, library(), lessons(), start_date=TODAY)
    ids = [i.id for i in plan.items]
    assert "falls.strength_and_balance" in ids and "referral.falls_high" in ids
    item = next(i for i in plan.items if i.id == "falls.strength_and_balance")
    assert item.kind is PlanItemKind.CARE_PATHWAY and "sherrington2019" in item.evidence
    assert any("Timed Up and Go 15 s" in t for t in item.triggered_by)
    c = next(c for c in p.conclusions if c.id == "falls_risk")
    assert "high" in c.statement and "montero_odasso2022" in c.evidence


def test_no_flag_no_items() -> None:
    p = picture(intake(age=78, falls={"past_year": 0}), exam(tug(9)))
    plan = build_plan(p, library(), lessons(), start_date=TODAY)
    assert not [i for i in plan.items if "falls" in i.id]
    assert "falls_risk" not in [c.id for c in p.conclusions]


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"past_year": -1}, "whole number"),
        ({"past_year": 1.5}, "whole number"),
        ({"past_year": True}, "whole number"),
        ({"injured": "yes"}, "true or false"),
        ({"slipped": True}, "unknown field"),
        ([1], "expected a mapping"),
    ],
)
def test_falls_history_is_validated(raw: Any, message: str) -> None:
    with pytest.raises(InvalidCase, match=message):
        falls_history_from_mapping(raw)
