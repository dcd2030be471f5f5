"""Exposure ladder: ordered by fear, a step advances when done and fear has really dropped."""

from __future__ import annotations

import pytest

from painpath.domain.errors import InvalidInput
from painpath.domain.progression.exposure import (
    ExposureAction,
    ExposureLadder,
    ExposurePolicy,
    ExposureStep,
    evaluate_ladder,
)

LADDER = ExposureLadder.from_ratings({"lift a box": 80, "bend to floor": 50, "carry shopping": 65})


def test_ladder_is_ordered_by_initial_fear() -> None:
    assert [s.activity for s in LADDER.steps] == ["bend to floor", "carry shopping", "lift a box"]


def test_start_with_the_least_feared_step() -> None:
    d = evaluate_ladder(LADDER)
    assert (d.action, d.current) == (ExposureAction.START, "bend to floor")
    assert set(d.evidence) >= {"phoda", "vlaeyen_exposure"}


def test_done_without_enough_fear_drop_stays() -> None:
    ladder = LADDER.record("bend to floor", 30, done=True)  # drop of exactly 20: not > 20
    d = evaluate_ladder(ladder)
    assert (d.action, d.current) == (ExposureAction.STAY, "bend to floor")
    assert "more than 20" in d.clinician_note


def test_fear_drop_without_doing_it_stays() -> None:
    ladder = LADDER.record("bend to floor", 10, done=False)
    d = evaluate_ladder(ladder)
    assert d.action is ExposureAction.STAY and "not yet done" in d.clinician_note


def test_drop_above_twenty_points_advances() -> None:
    ladder = LADDER.record("bend to floor", 29 + 0, done=True)  # drop 21
    d = evaluate_ladder(ladder)
    assert (d.action, d.current) == (ExposureAction.ADVANCE, "carry shopping")


def test_low_fear_counts_as_mastered_even_with_a_small_drop() -> None:
    ladder = ExposureLadder.from_ratings({"walk": 35, "run": 90}).record("walk", 25, done=True)
    assert evaluate_ladder(ladder).action is ExposureAction.ADVANCE


def test_practised_next_step_stays_until_mastered_and_all_mastered_completes() -> None:
    ladder = LADDER.record("bend to floor", 20, done=True).record("carry shopping", 60, done=True)
    assert evaluate_ladder(ladder).action is ExposureAction.STAY
    ladder = ladder.record("carry shopping", 20, done=False).record("lift a box", 10, done=True)
    assert evaluate_ladder(ladder).action is ExposureAction.COMPLETE
    assert evaluate_ladder(ladder).current is None


def test_policy_is_configurable() -> None:
    ladder = LADDER.record("bend to floor", 40, done=True)
    strict = evaluate_ladder(ladder)
    lenient = evaluate_ladder(ladder, policy=ExposurePolicy(fear_drop_points=5))
    assert strict.action is ExposureAction.STAY and lenient.action is ExposureAction.ADVANCE


@pytest.mark.parametrize(
    "build",
    [
        lambda: ExposureLadder.from_ratings({}),
        lambda: ExposureLadder.from_ratings({"walk": 101}),
        lambda: ExposureStep("walk", ()),
        lambda: ExposureStep(" ", (10,)),
        lambda: ExposureLadder((ExposureStep("a", (1,)), ExposureStep("a", (2,)))),
        lambda: LADDER.record("swim", 10, done=True),
        lambda: LADDER.record("lift a box", -1, done=True),
        lambda: ExposurePolicy(fear_drop_points=0),
    ],
)
def test_invalid_ladders_are_refused(build: object) -> None:
    with pytest.raises(InvalidInput):
        build()  # type: ignore[operator]


def test_expectancy_violation_advances_even_when_fear_stays() -> None:
    from painpath.domain.progression.exposure import ExposureAction, ExposureLadder, evaluate_ladder

    ladder = ExposureLadder.from_ratings({"bending": 50, "lifting": 70})
    same_fear = ladder.record("bending", 45, done=True, expected_harm=80, what_happened=10)
    decision = evaluate_ladder(same_fear)
    assert decision.action is ExposureAction.ADVANCE and decision.current == "lifting"
    assert "craske2014" in decision.evidence
    confirmed = ladder.record("bending", 45, done=True, expected_harm=80, what_happened=70)
    assert evaluate_ladder(confirmed).action is ExposureAction.STAY
    with pytest.raises(InvalidInput):
        ladder.record("bending", 45, done=True, expected_harm=80)
    with pytest.raises(InvalidInput):
        ladder.record("bending", 45, done=True, expected_harm=180, what_happened=10)
