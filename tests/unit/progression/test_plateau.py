"""Plateau analysis tells a flare pattern, an adherence stall and a capacity plateau apart."""

from __future__ import annotations

from datetime import date, timedelta

from painpath.domain.progression.checkins import CheckIn
from painpath.domain.progression.engine import run_engine
from painpath.domain.progression.plateau import PlateauKind, analyse_plateau
from painpath.domain.progression.policy import Baseline, GradedActivityPolicy

S = date(2026, 3, 2)
BASE = Baseline.from_measurements([20, 20, 20], pain=4)


def _kind(checkins: dict[date, CheckIn], days: int = 35) -> PlateauKind | None:
    today = S + timedelta(days=days)
    decisions = run_engine(GradedActivityPolicy(), BASE, checkins, start=S, end=today)
    finding = analyse_plateau(decisions, checkins, today=today + timedelta(days=1))
    return None if finding is None else finding.kind


def _day(n: int, done: float, **kw: object) -> CheckIn:
    return CheckIn(day=S + timedelta(days=n), pain_now=4, pain_worst=5, quota_done=done, **kw)  # type: ignore[arg-type]


def test_three_kinds_and_none_when_progressing() -> None:
    assert _kind({S + timedelta(days=n): _day(n, 60) for n in range(1, 36)}) is None
    sparse = {S + timedelta(days=n): _day(n, 60) for n in range(1, 36) if n % 3 == 0}
    assert _kind(sparse) is PlateauKind.ADHERENCE_STALL
    short = {S + timedelta(days=n): _day(n, 5) for n in range(1, 36)}
    assert _kind(short) is PlateauKind.CAPACITY_PLATEAU
    flary = {S + timedelta(days=n): _day(n, 5, flare=n in (20, 27)) for n in range(1, 36)}
    assert _kind(flary) is PlateauKind.FLARE_PATTERN
