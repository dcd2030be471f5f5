"""Invariants of the graded-activity engine and the simulated patients (Hypothesis)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from painpath.adapters.knowledge import load_evidence
from painpath.domain.progression.checkins import CheckIn
from painpath.domain.progression.engine import (
    Action,
    Baseline,
    Decision,
    GradedActivityPolicy,
    run_engine,
)
from painpath.domain.progression.simulation import Archetype, simulate_patient
from strategies_progression import START, histories, policies

EPS = 1e-9
_PERIOD_RESTARTS = {Action.START, Action.PROGRESS, Action.STEP_BACK, Action.FLARE_RESET}
baselines = st.lists(st.floats(min_value=0, max_value=60), min_size=3, max_size=7).map(
    lambda v: Baseline.from_measurements(v, pain=3.0)
)


def _rises(d: Decision) -> bool:
    return (
        d.quota_before is not None and d.quota_after is not None and d.quota_after > d.quota_before
    )


def _check_invariants(
    decisions: list[Decision],
    checkins: Mapping[date, CheckIn],
    policy: GradedActivityPolicy,
    baseline: Baseline | None,
) -> None:
    for d in decisions:
        previous = checkins.get(d.day - timedelta(days=1))
        today = checkins.get(d.day)
        flare_near = (today is not None and today.flare) or (
            previous is not None and previous.flare
        )
        if flare_near:
            assert not _rises(d), d
        if d.quota_after is None:
            continue
        assert baseline is not None
        assert 0 < policy.floor(baseline) - EPS <= d.quota_after <= policy.ceiling(baseline) + EPS
        if d.quota_before is not None:
            assert d.quota_after - d.quota_before <= policy.max_step(baseline) + EPS


def _check_progress_periods(
    decisions: list[Decision], checkins: Mapping[date, CheckIn], policy: GradedActivityPolicy
) -> None:
    """Every rise rests on a whole period of done days: a missing day never counts as done."""
    period_first: date | None = None
    for d in decisions:
        if d.action is Action.PROGRESS:
            assert period_first is not None and d.quota_before is not None
            n = (d.day - period_first).days + 1
            assert n >= policy.step_every_days
            for offset in range(n):
                c = checkins.get(period_first + timedelta(days=offset))
                assert c is not None, "a missing day was counted as done"
                assert c.quota_done >= d.quota_before * policy.done_fraction - EPS
        if d.action in _PERIOD_RESTARTS or d.quota_after != d.quota_before or d.is_review:
            period_first = d.day + timedelta(days=1)


@settings(max_examples=150, deadline=None)
@given(history=histories(), policy=policies(), baseline=baselines)
def test_engine_invariants_hold_for_any_history(
    history: tuple[dict[date, CheckIn], int], policy: GradedActivityPolicy, baseline: Baseline
) -> None:
    checkins, n_days = history
    end = START + timedelta(days=n_days - 1)
    decisions = run_engine(policy, baseline, checkins, start=START, end=end)
    assert len(decisions) == n_days
    assert decisions == run_engine(policy, baseline, checkins, start=START, end=end)
    _check_invariants(decisions, checkins, policy, baseline)
    _check_progress_periods(decisions, checkins, policy)


@settings(max_examples=60, deadline=None)
@given(history=histories(max_days=40), policy=policies())
def test_engine_invariants_hold_with_a_collected_baseline(
    history: tuple[dict[date, CheckIn], int], policy: GradedActivityPolicy
) -> None:
    checkins, n_days = history
    end = START + timedelta(days=n_days - 1)
    decisions = run_engine(policy, None, checkins, start=START, end=end)
    started = [d for d in decisions if d.action is Action.START]
    assert len(started) <= 1
    for d in decisions:
        if d.quota_after is not None:
            assert d.quota_after > 0
        assert not (_rises(d) and (c := checkins.get(d.day)) is not None and c.flare)


@settings(max_examples=25, deadline=None)
@given(archetype=st.sampled_from(Archetype), seed=st.integers(0, 2**32 - 1))
def test_simulation_is_deterministic_and_explained(archetype: Archetype, seed: int) -> None:
    course = simulate_patient(archetype, weeks=8, seed=seed)
    again = simulate_patient(archetype, weeks=8, seed=seed)
    assert course == again
    assert len(course.days) == 8 * 7
    catalogue = load_evidence()
    for day in course.days:
        d = day.decision
        assert d.day == day.day and d.reason and d.clinician_note
        assert d.evidence and catalogue.unresolved(d.evidence) == []
        assert day.quota == d.quota_before
    policy = GradedActivityPolicy()
    checkins = course.checkins
    starts = [d for d in course.decisions if d.action is Action.START]
    assert starts, "the engine never left the baseline phase"
    _check_progress_periods(course.decisions, checkins, policy)
    for d in course.decisions:
        assert not (
            _rises(d)
            and any(
                (c := checkins.get(d.day - timedelta(days=k))) is not None and c.flare
                for k in (0, 1)
            )
        )
