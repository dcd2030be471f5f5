"""Synthetic patients: each archetype behaves as described, in a closed loop with the engine."""

from __future__ import annotations

from collections import Counter

import pytest

from painpath.domain.errors import InvalidInput
from painpath.domain.progression.engine import Action, GradedActivityPolicy
from painpath.domain.progression.simulation import Archetype, profile_of, simulate_patient

SEEDS = range(6)


def _actions(archetype: Archetype, weeks: int = 16) -> Counter[Action]:
    total: Counter[Action] = Counter()
    for seed in SEEDS:
        total.update(
            d.action for d in simulate_patient(archetype, weeks=weeks, seed=seed).decisions
        )
    return total


def _final_over_start(archetype: Archetype) -> float:
    ratios = []
    for seed in SEEDS:
        course = simulate_patient(archetype, weeks=16, seed=seed)
        start = next(d.quota_after for d in course.decisions if d.action is Action.START)
        assert start is not None
        ratios.append(course.days[-1].decision.quota_after / start)  # type: ignore[operator]
    return sum(ratios) / len(ratios)


def test_fast_responder_progresses_more_than_slow_and_plateau() -> None:
    fast = _final_over_start(Archetype.FAST_RESPONDER)
    slow = _final_over_start(Archetype.SLOW_RESPONDER)
    flat = _final_over_start(Archetype.PLATEAU)
    assert fast > slow > flat
    assert fast > 1.5


def test_flare_prone_patients_get_flare_resets() -> None:
    assert _actions(Archetype.FLARE_PRONE)[Action.FLARE_RESET] > 3 * max(
        1, _actions(Archetype.FAST_RESPONDER)[Action.FLARE_RESET]
    )


def test_poor_adherence_misses_days_and_stalls() -> None:
    course = simulate_patient(Archetype.POORLY_ADHERENT, weeks=12, seed=3)
    missed = sum(d.checkin is None for d in course.days)
    assert missed > 0.3 * len(course.days)
    assert _actions(Archetype.POORLY_ADHERENT)[Action.PLATEAU] > 0


def test_plateau_archetype_meets_its_capacity_as_set_backs_not_cuts() -> None:
    # Tolerance never grows: the planned line outruns it, which shows as flares and set-backs,
    # while the planned level itself never falls.
    plateau = _actions(Archetype.PLATEAU)
    assert plateau[Action.FLARE_RESET] > 2 * max(
        1, _actions(Archetype.FAST_RESPONDER)[Action.FLARE_RESET]
    )
    assert plateau[Action.SETBACK] > 0
    assert profile_of(Archetype.PLATEAU).tolerance_gain_per_week == 0


def test_closed_loop_uses_the_policy() -> None:
    fast = GradedActivityPolicy(step_fraction_of_start=0.25)
    slow = GradedActivityPolicy(step_fraction_of_start=0.02)
    a = simulate_patient(Archetype.FAST_RESPONDER, weeks=10, seed=1, policy=fast)
    b = simulate_patient(Archetype.FAST_RESPONDER, weeks=10, seed=1, policy=slow)
    assert a.days[-1].quota != b.days[-1].quota


def test_different_seeds_differ() -> None:
    a = simulate_patient(Archetype.SLOW_RESPONDER, weeks=4, seed=1)
    b = simulate_patient(Archetype.SLOW_RESPONDER, weeks=4, seed=2)
    assert a.checkins != b.checkins


@pytest.mark.parametrize("weeks", [0, 105])
def test_weeks_out_of_range_are_refused(weeks: int) -> None:
    with pytest.raises(InvalidInput):
        simulate_patient(Archetype.FAST_RESPONDER, weeks=weeks, seed=0)
