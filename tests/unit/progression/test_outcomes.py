"""Re-measurement schedule, responder status and the expected course."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tests.readability import fk_grade

from painpath.adapters.knowledge import load_evidence
from painpath.domain.errors import InvalidInput
from painpath.domain.outcomes.tracking import (
    ExpectedCourse,
    ResponderStatus,
    evaluate_responder,
    remeasurement_schedule,
    what_to_expect,
)

S = date(2026, 1, 5)


@dataclass(frozen=True)
class Inst:
    id: str
    direction: str
    mcid: float | None
    mdc: float | None


ODI = Inst("odi", "lower_is_better", 10, 10)
NDI = Inst("ndi", "lower_is_better", 7.5, 10.2)
LEFS = Inst("lefs", "higher_is_better", 9, 9)


def test_schedule_due_dates_done_and_overdue() -> None:
    today = S + timedelta(weeks=7)
    sched = remeasurement_schedule(S, today=today, completed=[S, S + timedelta(days=15)])
    assert [m.week for m in sched] == [0, 2, 6, 12, 26]
    assert [m.due for m in sched][2] == S + timedelta(weeks=6)
    assert [m.done for m in sched] == [True, True, False, False, False]
    assert [m.overdue for m in sched] == [False, False, False, False, False]  # 7 days grace
    later = remeasurement_schedule(S, today=today + timedelta(days=1), completed=[S])
    assert [m.overdue for m in later] == [False, True, True, False, False]


def test_schedule_rejects_bad_weeks() -> None:
    for weeks in ([2, 0], [0, 0], [-1, 2]):
        with pytest.raises(InvalidInput):
            remeasurement_schedule(S, today=S, weeks=weeks)


@pytest.mark.parametrize(
    ("inst", "baseline", "latest", "status"),
    [
        (ODI, 40, 30, ResponderStatus.RESPONDER),  # exactly the MCID counts (>=)
        (ODI, 40, 31, ResponderStatus.NOT_YET),
        (ODI, 40, 40, ResponderStatus.NO_CHANGE),
        (ODI, 40, 49, ResponderStatus.NO_CHANGE),
        (ODI, 40, 50, ResponderStatus.WORSENED),
        (NDI, 30, 22, ResponderStatus.POSSIBLE_RESPONDER),  # >= MCID 7.5, < MDC 10.2
        (NDI, 30, 19, ResponderStatus.RESPONDER),
        (LEFS, 40, 49, ResponderStatus.RESPONDER),  # higher is better
        (LEFS, 40, 31, ResponderStatus.WORSENED),
        (Inst("x", "higher_is_better", None, 3), 10, 13, ResponderStatus.POSSIBLE_RESPONDER),
        (Inst("x", "higher_is_better", 3, None), 10, 13, ResponderStatus.RESPONDER),
        (Inst("x", "higher_is_better", 3, None), 10, 7, ResponderStatus.WORSENED),
        (Inst("x", "higher_is_better", None, None), 10, 2, ResponderStatus.NO_CHANGE),
    ],
)
def test_responder_status(inst: Inst, baseline: float, latest: float, status: object) -> None:
    result = evaluate_responder(inst, baseline=baseline, latest=latest)
    assert result.status is status
    assert result.instrument_id in result.message
    assert load_evidence().unresolved(result.evidence) == []


def test_responder_rejects_bad_instruments() -> None:
    with pytest.raises(InvalidInput):
        evaluate_responder(Inst("x", "up", 1, 1), baseline=1, latest=2)
    with pytest.raises(InvalidInput):
        evaluate_responder(Inst("x", "lower_is_better", 0, 1), baseline=1, latest=2)


def test_expected_course_follows_costa_2012() -> None:
    course = ExpectedCourse()
    assert course.relative(0) == 1.0
    assert course.relative(6) == pytest.approx(33 / 51)
    assert course.relative(26) == pytest.approx(26 / 51)
    assert course.relative(52) == pytest.approx(23 / 51)
    assert course.relative(200) == pytest.approx(23 / 51)
    # Between anchors the course is linear in log(1 + weeks): faster early than linear time.
    share = (math.log(13) - math.log(7)) / (math.log(27) - math.log(7))
    assert course.relative(12) == pytest.approx(33 / 51 + (26 - 33) / 51 * share)
    assert course.relative(12) < (33 - 7 * 6 / 20) / 51
    assert load_evidence().unresolved(course.evidence) == []


def test_expected_pain_band_is_a_prediction_interval_opening_over_six_weeks() -> None:
    course = ExpectedCourse()
    assert course.expected_pain(6, 0) == (6, 6, 6)  # the first week is the patient's own
    low, mid, high = course.expected_pain(6, 6)
    assert mid == pytest.approx(6 * 33 / 51)
    # 1.96 x sqrt(20^2 + SE^2) on /100, SE of the week-6 mean from its CI 29-38.
    se = (38 - 29) / (2 * 1.96)
    half = 1.96 * math.sqrt(20**2 + se**2) / 10
    assert high - mid == pytest.approx(half) and mid - low == pytest.approx(min(half, mid))
    assert course.prediction_sd(52) > course.prediction_sd(6)  # the 52-week mean is less sure
    assert course.expected_pain(1, 52)[0] == 0.0
    assert course.expected_pain(70, 3, scale_max=100)[2] <= 100


@pytest.mark.parametrize(
    ("region", "weeks", "applies"),
    [
        ("low_back", 12, True),
        ("low_back", 52, True),
        ("low_back", 11, False),  # acute or subacute: another population
        ("low_back", 104, False),  # more than a year: outside the source population
        ("knee", 20, False),
        (None, 20, False),
        ("low_back", None, False),
    ],
)
def test_the_course_applies_only_to_its_population(
    region: str | None, weeks: float | None, applies: bool
) -> None:
    assert (ExpectedCourse().applies_to(region, weeks) is None) is applies


def test_a_specific_working_diagnosis_is_outside_a_non_specific_source() -> None:
    course = ExpectedCourse()
    assert course.applies_to("low_back", 20, ["nonspecific_low_back_pain"]) is None
    why = course.applies_to("low_back", 20, ["lumbar_radiculopathy"])
    assert why is not None and "lumbar radiculopathy" in why


def test_without_a_matching_course_no_range_is_named() -> None:
    text = what_to_expect(8, baseline=6.0, latest=9.0, course=None)
    assert "do not show a usual range" in text and "above" not in text
    assert fk_grade(text) <= 8


@given(week_a=st.floats(0, 300), week_b=st.floats(0, 300), base=st.floats(0, 10))
def test_expected_course_never_rises_and_band_contains_mid(
    week_a: float, week_b: float, base: float
) -> None:
    course = ExpectedCourse()
    early, late = sorted((week_a, week_b))
    assert course.relative(late) <= course.relative(early) + 1e-12
    low, mid, high = course.expected_pain(base, late)
    assert 0 <= low <= mid <= high <= 10


def test_expected_course_rejects_bad_input() -> None:
    with pytest.raises(InvalidInput):
        ExpectedCourse().relative(-1)
    with pytest.raises(InvalidInput):
        ExpectedCourse().expected_pain(11, 2)
    for kwargs in (
        {"anchors": ((1.0, 50.0), (6.0, 30.0))},
        {"anchors": ((0.0, 0.0), (6.0, 30.0))},
        {"between_sd": -1.0},
        {"anchor_ci": ((1.0, 2.0),)},
        {"band_full_week": 0.0},
    ):
        with pytest.raises(InvalidInput):
            ExpectedCourse(**kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("latest", "phrase"),
    [
        (None, "first 6 weeks"),
        (0.0, "lower than"),
        (10.0, "not a sign of harm"),
        (5.0, "usual range"),
    ],
)
def test_what_to_expect_is_plain_and_placed_in_the_band(latest: float | None, phrase: str) -> None:
    baseline = 9.0 if latest is not None else None
    text = what_to_expect(8, baseline=baseline, latest=latest, course=ExpectedCourse())
    assert phrase in text
    assert "Ups and downs are normal" in text
    assert fk_grade(text) <= 8
