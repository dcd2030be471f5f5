"""The caseload summary resumed from its stored engine state equals the full replay.

A check-in for a new day steps the stored state over the new days only; an edit of a decided
day, a re-plan or a restart replays in full. Whatever the order of appends, edits, re-plans and
days passing, the stored summary must equal ``compute_summary`` (the full replay) exactly.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import painpath.services.caseload as caseload_service
from painpath.bootstrap import Container
from painpath.demo import FixedClock
from painpath.domain.progression.checkins import CheckIn
from painpath.domain.progression.engine import EngineState, replay_engine
from painpath.domain.progression.resume import SummaryState
from painpath.services.caseload import refresh_summaries
from painpath.services.progress import (
    build_summary,
    load_programme,
    replan_programme,
    start_programme,
)
from painpath.services.progress.checkins import submit_checkin
from tests.conftest import (
    World,
    assert_summary_is_replay,
    build_world,
    in_care_since,
    make_container,
    store_checkins,
)

T0 = date(2026, 3, 2)  # the programme's first day in every test here


@dataclass(frozen=True)
class Day:
    pain: float
    done: float
    flare: int  # 0: no flare; 1-3: a declared flare of that severity


days_st = st.builds(
    Day,
    pain=st.integers(0, 10).map(float),
    done=st.one_of(st.just(0.0), st.integers(0, 45).map(float)),  # often nothing: held reviews
    flare=st.sampled_from([0, 0, 0, 0, 0, 0, 1, 2, 3]),
)
# ("next", gap, day, checked_in) | ("edit", days back, day) | ("replan", quota, weeks)
ops_st = st.lists(
    st.one_of(
        st.tuples(st.just("next"), st.integers(1, 3), days_st, st.booleans()),
        st.tuples(st.just("next"), st.just(1), days_st, st.just(True)),
        st.tuples(st.just("next"), st.just(1), days_st, st.just(True)),
        st.tuples(st.just("edit"), st.integers(0, 25), days_st),
        st.tuples(st.just("replan"), st.integers(5, 20), st.integers(1, 8)),
    ),
    min_size=1,
    max_size=30,
)


def _checkin(day: date, d: Day) -> CheckIn:
    return CheckIn(
        day=day,
        pain_now=d.pain,
        pain_worst=min(10.0, d.pain + 1),
        quota_done=d.done,
        flare=d.flare > 0,
        flare_severity=d.flare or None,
    )


def _start(world: World, *, history: list[Day], baseline: list[float] | None, goal: int) -> None:
    """Programme from T0 and ``history`` (one day each from T0) in one transaction; the
    clock ends on the day after the history."""
    container = world.container
    in_care_since(container, [world.patient.id], T0 - timedelta(days=30))
    container.clock = FixedClock(T0)
    start_programme(
        world.ctx(world.clinician),
        patient_id=world.patient.id,
        activity="walking",
        unit="minutes",
        goal=goal,
        baseline_values=baseline,
    )
    container.clock = FixedClock(T0 + timedelta(days=len(history)))
    store_checkins(world, (_checkin(T0 + timedelta(days=i), d) for i, d in enumerate(history)))


def _submit(world: World, day: date, d: Day) -> None:
    submit_checkin(
        world.ctx(world.patient_actor),
        patient_id=world.patient.id,
        day=day,
        pain_now=d.pain,
        pain_worst=min(10.0, d.pain + 1),
        quota_done=d.done,
        flare=d.flare > 0,
        flare_severity=d.flare or None,
        flare_days=1 if d.flare else None,
    )


def _apply(world: World, op: tuple[Any, ...]) -> None:
    container = world.container
    today = container.clock.today()
    if op[0] == "next":
        _, gap, d, checked_in = op
        container.clock = FixedClock(today + timedelta(days=gap))
        if checked_in:
            _submit(world, container.clock.today(), d)
        else:  # a new day without a write: the caseload's stale refresh
            with container.uow() as uow:
                refresh_summaries(uow, [world.patient.id], container.clock.today())
                uow.commit()
    elif op[0] == "edit":
        _, back, d = op
        _submit(world, max(T0, today - timedelta(days=back)), d)
    else:
        _, quota, weeks = op
        replan_programme(
            world.ctx(world.clinician),
            patient_id=world.patient.id,
            quota=float(quota),
            goal=float(quota + 10),
            weeks=weeks,
            reason="test re-plan",
        )


@contextmanager
def _counting_resumes() -> Iterator[list[bool]]:
    """Records, per refresh that had a stored state, whether it resumed (True) or replayed."""
    seen: list[bool] = []
    real = caseload_service._resumed

    def wrapped(*args: Any, **kwargs: Any) -> Any:
        result = real(*args, **kwargs)
        seen.append(result is not None)
        return result

    with mock.patch.object(caseload_service, "_resumed", wrapped):
        yield seen


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    history=st.lists(days_st, min_size=0, max_size=45),
    baseline=st.one_of(st.none(), st.lists(st.integers(3, 20).map(float), min_size=3, max_size=7)),
    goal=st.integers(20, 60),
    ops=ops_st,
)
def test_resumed_summary_equals_full_replay(
    tmp_path_factory: Any,
    history: list[Day],
    baseline: list[float] | None,
    goal: int,
    ops: list[tuple[Any, ...]],
) -> None:
    container = make_container(tmp_path_factory.mktemp("resume"))
    try:
        world = build_world(container)
        _start(world, history=history, baseline=baseline, goal=goal)
        for op in ops:
            _apply(world, op)
            assert_summary_is_replay(world)
    finally:
        container.engine.dispose()


def _year(container: Container) -> World:
    world = build_world(container)
    history = [Day(float(i % 7), float(10 + i % 5), 2 if i % 61 == 30 else 0) for i in range(300)]
    _start(world, history=history, baseline=[8.0, 10.0, 12.0], goal=40)
    return world


def test_a_new_day_resumes_and_an_old_edit_replays(any_container: Container) -> None:
    """On both backends: the newest day resumes the stored state, an edit of a decided day and
    a re-plan replay in full, and every stored summary equals the full replay."""
    world = _year(any_container)
    today = any_container.clock.today()
    with _counting_resumes() as resumed:
        _submit(world, today, Day(3.0, 14.0, 0))  # the row stored by the bulk load vouches
        assert_summary_is_replay(world)
        _apply(world, ("next", 1, Day(4.0, 15.0, 0), True))
        assert_summary_is_replay(world)
        _apply(world, ("next", 2, Day(6.0, 2.0, 3), True))  # a gap and a severe flare
        assert_summary_is_replay(world)
        _apply(world, ("edit", 10, Day(9.0, 0.0, 2)))  # a decided day: replay
        assert_summary_is_replay(world)
        _apply(world, ("replan", 12, 4))  # a new programme version: replay
        assert_summary_is_replay(world)
        _apply(world, ("next", 1, Day(2.0, 12.0, 0), True))
        assert_summary_is_replay(world)
    assert resumed == [True, True, True, False, False, True], resumed


def test_a_stored_state_of_another_format_replays(world: World) -> None:
    _start(world, history=[Day(4.0, 10.0, 0)] * 20, baseline=None, goal=30)
    with world.container.uow() as uow:
        stored = uow.summaries.state(world.patient.id)
        assert stored is not None and SummaryState.from_json(stored) is not None
        assert SummaryState.from_json({**stored, "format": 0}) is None
        assert SummaryState.from_json({**stored, "engine": {"start_day": "x"}}) is None


@pytest.mark.parametrize("missing", ["through", "facts"])
def test_a_damaged_state_is_not_read(world: World, missing: str) -> None:
    _start(world, history=[Day(4.0, 10.0, 0)] * 20, baseline=None, goal=30)
    with world.container.uow() as uow:
        stored = dict(uow.summaries.state(world.patient.id) or {})
    stored.pop(missing)
    assert SummaryState.from_json(stored) is None


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    history=st.lists(days_st, min_size=1, max_size=40),
    baseline=st.one_of(st.none(), st.lists(st.integers(3, 20).map(float), min_size=3, max_size=7)),
    back=st.integers(0, 45),
)
def test_one_replay_keeps_the_state_the_summary_stores(
    tmp_path_factory: Any, history: list[Day], baseline: list[float] | None, back: int
) -> None:
    """``build_summary(state_at=day)`` makes the same decisions as without it, and its
    ``engine_at`` is the state a separate replay of the check-ins up to that day reaches (what
    the full-replay path of the caseload summary computed a second time before)."""
    container = make_container(tmp_path_factory.mktemp("state-at"))
    try:
        world = build_world(container)
        _start(world, history=history, baseline=baseline, goal=40)
        today = container.clock.today()
        at = today - timedelta(days=back)
        with container.uow() as uow:
            plain = build_summary(uow, world.patient, today)
            split = build_summary(uow, world.patient, today, state_at=at)
            programme = load_programme(uow, world.patient.id)
        assert split.decisions == plain.decisions
        assert programme is not None
        decided = bool(plain.decisions) and T0 <= at <= plain.decisions[-1].day
        if not decided:
            assert split.engine_at is None
            return
        _, expected = replay_engine(
            EngineState.initial(T0, programme.baseline()),
            programme.policy(),
            {c.day: c for c in plain.checkins if c.day <= at},
            first=T0,
            end=at,
            replans=programme.replans,
        )
        assert split.engine_at == expected
    finally:
        container.engine.dispose()
