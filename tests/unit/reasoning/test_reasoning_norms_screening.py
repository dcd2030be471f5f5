"""Norm tables and yellow-flag screening rules, each by example at and around its threshold."""

from __future__ import annotations

import pytest
from reasoning_helpers import sr

from painpath.domain.assessment.norms import NormStatus, compare_functional_test
from painpath.domain.assessment.screening import evaluate_psychosocial_flags, subscale
from painpath.domain.types import Sex

# ---------------------------------------------------------------- norms


@pytest.mark.parametrize(
    ("age", "sex", "value", "status", "low", "high"),
    [
        (62, Sex.MALE, 13, NormStatus.BELOW, 14, 19),  # Rikli & Jones 1999, men 60-64
        (62, Sex.MALE, 14, NormStatus.WITHIN, 14, 19),
        (62, Sex.MALE, 20, NormStatus.ABOVE, 14, 19),
        (67, Sex.FEMALE, 10, NormStatus.BELOW, 11, 16),
        (92, Sex.FEMALE, 4, NormStatus.WITHIN, 4, 11),
        (85, Sex.MALE, 15, NormStatus.ABOVE, 8, 14),
    ],
)
def test_chair_stand_rikli_jones(
    age: int, sex: Sex, value: float, status: NormStatus, low: float, high: float
) -> None:
    cmp = compare_functional_test("chair_stand_30s", value, age=age, sex=sex)
    assert (cmp.status, cmp.low, cmp.high, cmp.verified) == (status, low, high, True)
    assert cmp.evidence == ("rikli1999",)


@pytest.mark.parametrize(("age", "sex"), [(45, Sex.FEMALE), (95, Sex.MALE), (70, Sex.OTHER)])
def test_chair_stand_outside_table_has_no_norm(age: int, sex: Sex) -> None:
    assert (
        compare_functional_test("chair_stand_30s", 10, age=age, sex=sex).status
        is NormStatus.NO_NORM
    )


@pytest.mark.parametrize(
    ("age", "value", "status"),
    [
        (65, 9.1, NormStatus.BELOW),  # slower than the upper CI 9.0 s is worse than average
        (65, 9.0, NormStatus.WITHIN),
        (65, 7.0, NormStatus.ABOVE),
        (75, 10.3, NormStatus.BELOW),
        (85, 12.0, NormStatus.WITHIN),
        (50, 20.0, NormStatus.NO_NORM),
    ],
)
def test_tug_bohannon(age: int, value: float, status: NormStatus) -> None:
    assert compare_functional_test("tug", value, age=age, sex=Sex.MALE).status is status


@pytest.mark.parametrize(
    ("test", "age", "value", "status"),
    [
        ("single_leg_stance", 40, 29, NormStatus.BELOW),
        ("single_leg_stance", 40, 30, NormStatus.WITHIN),
        ("single_leg_stance", 75, 10, NormStatus.WITHIN),
        ("six_minute_walk", 65, 399, NormStatus.BELOW),
        ("six_minute_walk", 85, 300, NormStatus.WITHIN),
    ],
)
def test_unverified_defaults_are_marked(
    test: str, age: int, value: float, status: NormStatus
) -> None:
    cmp = compare_functional_test(test, value, age=age, sex=Sex.FEMALE)
    assert cmp.status is status and not cmp.verified
    assert cmp.evidence == ("project_default",) and "unverified" in cmp.norm


def test_unknown_test_has_no_norm() -> None:
    cmp = compare_functional_test("grip", 30, age=50, sex=Sex.MALE)
    assert cmp.status is NormStatus.NO_NORM and cmp.evidence == ()


# ---------------------------------------------------------------- yellow flags


@pytest.mark.parametrize(
    ("result", "flag"),
    [
        (sr("tsk-17", 38), "kinesiophobia"),
        (sr("tsk-11", 28), "kinesiophobia"),
        (sr("pcs", 30), "catastrophizing"),
        (sr("orebro-sf", 50), "disability_risk"),
        (sr("fabq", None, physical_activity=15, work=10), "fear_avoidance_physical"),
        (sr("fabq", None, pa=5, w=35), "fear_avoidance_work"),
        (sr("phq-4", 4, anxiety=3, depression=1), "anxiety"),
        (sr("phq-4", 4, anxiety=1, depression=3), "low_mood"),
        (sr("startback", 7, "high"), "startback_high"),
        (sr("startback", 5, "medium"), "startback_medium"),
    ],
)
def test_flag_raised_at_threshold(result: object, flag: str) -> None:
    from painpath.domain.outcomes.instruments.result import ScoreResult

    assert isinstance(result, ScoreResult)
    flags = evaluate_psychosocial_flags({result.instrument: result})
    assert flag in [f.id for f in flags]
    hit = next(f for f in flags if f.id == flag)
    assert hit.evidence and hit.threshold


@pytest.mark.parametrize(
    "result",
    [
        sr("tsk-17", 37),  # > 37, so 37 is not high
        sr("tsk-11", 27),
        sr("pcs", 29),
        sr("orebro-sf", 49),
        sr("fabq", None, physical_activity=14, work=34),
        sr("phq-4", 4, anxiety=2, depression=2),
        sr("startback", 3, "low"),
        sr("pcs", None),
    ],
)
def test_no_flag_below_threshold(result: object) -> None:
    from painpath.domain.outcomes.instruments.result import ScoreResult

    assert isinstance(result, ScoreResult)
    assert evaluate_psychosocial_flags({result.instrument: result}) == ()


def test_invalid_result_raises_no_flag() -> None:
    from painpath.domain.outcomes.instruments.result import ScoreResult

    bad = ScoreResult("tsk-17", valid=False, total=60)
    assert evaluate_psychosocial_flags({"tsk-17": bad}) == ()
    assert (
        evaluate_psychosocial_flags({"startback": ScoreResult("startback", False, 8, band="high")})
        == ()
    )


def test_subscale_aliases() -> None:
    assert subscale(sr("fabq", None, fabq_w=20), "w") == 20
    assert subscale(sr("x", None, other=1), "other") == 1
    assert subscale(sr("x", None), "pa") is None
