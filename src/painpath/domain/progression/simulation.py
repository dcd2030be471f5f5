"""Synthetic patients for demos and tests: a closed loop between a patient model and the engine.

Each day the simulated patient sees the quota the engine set the day before, decides whether to
check in and how much to do, and reports pain that depends on how far the load exceeded their
current tolerance. The engine then decides the next quota from the check-ins. Everything is
driven by one seeded ``random.Random``: the same archetype, weeks, seed and policy always give the
same course. The archetypes are invented for testing (``synthetic_patients``), not clinical data.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from painpath.domain.errors import InvalidInput
from painpath.domain.progression.checkins import PAIN_MAX, CheckIn
from painpath.domain.progression.engine import EngineState, GradedActivityPolicy, step_engine
from painpath.domain.progression.policy import Decision

__all__ = [
    "Archetype",
    "ArchetypeProfile",
    "SimulatedCourse",
    "SimulatedDay",
    "profile_of",
    "simulate_patient",
]

DEFAULT_START = date(2026, 1, 5)
MAX_WEEKS = 104


class Archetype(StrEnum):
    FAST_RESPONDER = "fast_responder"
    SLOW_RESPONDER = "slow_responder"
    FLARE_PRONE = "flare_prone"
    POORLY_ADHERENT = "poorly_adherent"
    PLATEAU = "plateau"


@dataclass(frozen=True, slots=True)
class ArchetypeProfile:
    """Parameters of one synthetic patient. Minutes for activity, NPRS 0-10 for pain."""

    tolerance_min: float  # activity tolerated at the start (minutes a day)
    tolerance_gain_per_week: float  # fractional weekly growth of tolerance
    tolerance_cap: float  # tolerance never exceeds this multiple of the start
    adherence: float  # probability of checking in on a given day
    effort: float  # probability of doing the full quota on a check-in day
    flare_rate: float  # daily flare probability without overload
    pain_start: float  # typical pain at the start
    pain_floor_fraction: float  # pain settles towards this fraction of the start
    pain_rate_per_week: float  # speed of that settling (exponential)


_PROFILES = {
    Archetype.FAST_RESPONDER: ArchetypeProfile(20, 0.12, 3.0, 0.99, 0.98, 0.005, 6, 0.3, 0.25),
    Archetype.SLOW_RESPONDER: ArchetypeProfile(15, 0.05, 2.5, 0.98, 0.95, 0.01, 6.5, 0.6, 0.08),
    Archetype.FLARE_PRONE: ArchetypeProfile(20, 0.06, 2.5, 0.92, 0.85, 0.06, 6.5, 0.6, 0.10),
    Archetype.POORLY_ADHERENT: ArchetypeProfile(20, 0.06, 2.5, 0.55, 0.5, 0.01, 6, 0.6, 0.10),
    Archetype.PLATEAU: ArchetypeProfile(20, 0.0, 1.0, 0.95, 0.9, 0.01, 6, 0.9, 0.05),
}


def profile_of(archetype: Archetype) -> ArchetypeProfile:
    return _PROFILES[archetype]


@dataclass(frozen=True, slots=True)
class SimulatedDay:
    day: date
    quota: float | None  # the quota in force on this day (None in the baseline phase)
    checkin: CheckIn | None  # None: the patient did not check in
    decision: Decision  # the engine's end-of-day decision


@dataclass(frozen=True, slots=True)
class SimulatedCourse:
    archetype: Archetype
    seed: int
    days: tuple[SimulatedDay, ...]

    @property
    def decisions(self) -> list[Decision]:
        return [d.decision for d in self.days]

    @property
    def checkins(self) -> dict[date, CheckIn]:
        return {d.day: d.checkin for d in self.days if d.checkin is not None}


def _clamp(value: float, low: float = 0.0, high: float = PAIN_MAX) -> float:
    return round(min(max(value, low), high), 1)


def _activity(
    profile: ArchetypeProfile, quota: float | None, tolerance: float, rng: random.Random
) -> float:
    if quota is None:
        # Baseline phase is pain-contingent: the patient does about what they tolerate.
        return tolerance * rng.uniform(0.8, 1.1)
    if rng.random() < profile.effort:
        return quota * rng.uniform(1.0, 1.1)
    return quota * rng.uniform(0.4, 0.95)


# Day-to-day pain noise: an AR(1) process (today keeps 60 % of yesterday's deviation) with a
# stationary SD of about 1.2 NPRS points, plus an occasional bad day (+2, about 1 day in 12).
# Chronic pain fluctuates from day to day by more than the NPRS measurement error (childs2005);
# the numbers are invented for testing (synthetic_patients).
PAIN_AR = 0.6
PAIN_SD = 1.2
BAD_DAY_RATE = 1 / 12


def _next_noise(previous: float, rng: random.Random) -> float:
    innovation = rng.gauss(0, PAIN_SD * math.sqrt(1 - PAIN_AR**2))
    bad = 2.0 if rng.random() < BAD_DAY_RATE else 0.0
    return PAIN_AR * previous + innovation + bad


def _patient_day(
    profile: ArchetypeProfile,
    day: date,
    week: float,
    quota: float | None,
    rng: random.Random,
    noise: float = 0.0,
) -> CheckIn | None:
    """One simulated day; draws a fixed number of random values per branch (determinism).

    ``noise``: today's pain deviation (NPRS points) from the AR(1) process."""
    if rng.random() >= profile.adherence:
        return None
    growth = min((1 + profile.tolerance_gain_per_week) ** week, profile.tolerance_cap)
    tolerance = profile.tolerance_min * growth
    done = _activity(profile, quota, tolerance, rng)
    overload = max(0.0, done / tolerance - 1.0)
    settle = profile.pain_floor_fraction + (1 - profile.pain_floor_fraction) * math.exp(
        -profile.pain_rate_per_week * week
    )
    pain_now = _clamp(profile.pain_start * settle + noise)
    flare = rng.random() < profile.flare_rate + 0.5 * overload
    severity = 1 + int(rng.random() < 0.6) + int(rng.random() < 0.25 + overload)
    worst = _clamp(pain_now + 0.5 + 6 * overload + abs(rng.gauss(0, 0.7)) + (2 if flare else 0))
    morning = _clamp(pain_now + 3 * overload + rng.gauss(0, 0.4) + (1.5 if flare else 0))
    sleep = _clamp(7 - 0.4 * (pain_now - 3) + rng.gauss(0, 1))
    return CheckIn(
        day=day,
        pain_now=pain_now,
        pain_worst=max(worst, pain_now),
        sleep_quality=sleep,
        quota_done=round(min(done, 24 * 60.0), 1),
        exercises_done=rng.randint(0, 3),
        flare=flare,
        next_morning_pain=morning,
        note="synthetic",
        flare_severity=severity if flare else None,
        flare_days=1 if flare else None,
    )


def simulate_patient(
    archetype: Archetype,
    *,
    weeks: int,
    seed: int,
    policy: GradedActivityPolicy | None = None,
    start: date = DEFAULT_START,
) -> SimulatedCourse:
    """Simulate ``weeks`` weeks of daily check-ins and engine decisions (closed loop)."""
    if not 1 <= weeks <= MAX_WEEKS:
        raise InvalidInput(f"weeks must be 1-{MAX_WEEKS}, got {weeks}")
    policy = policy or GradedActivityPolicy()
    profile = _PROFILES[archetype]
    rng = random.Random(seed)
    state = EngineState.initial(start)
    checkins: dict[date, CheckIn] = {}
    days: list[SimulatedDay] = []
    noise = 0.0
    for offset in range(weeks * 7):
        day = start + timedelta(days=offset)
        quota = state.quota
        noise = _next_noise(noise, rng)
        checkin = _patient_day(profile, day, offset / 7, quota, rng, noise)
        if checkin is not None:
            checkins[day] = checkin
        decision, state = step_engine(state, checkins, policy, today=day)
        days.append(SimulatedDay(day=day, quota=quota, checkin=checkin, decision=decision))
    return SimulatedCourse(archetype=archetype, seed=seed, days=tuple(days))
