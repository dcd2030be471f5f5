"""Demo graded activity: weeks of check-ins from the simulation archetypes, told as stories.

Maria responds slowly, has one flare that her set-back plan recovers within the week, and
climbs an exposure ladder (bending, lifting a laundry basket, gardening); her non-specific low
back pain of 5 months matches Costa 2012, so her pain chart draws the expected-course band.
James responds fast; Helen declared three flare-ups in the last two weeks (a review prompt with
the pattern); Tom checks in rarely and has been silent for the last 3 days; Samuel's activity
has stalled.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from painpath.demo import DemoWorld
from painpath.demo._cohort import simulate_into_services
from painpath.domain.progression.checkins import CheckIn
from painpath.domain.progression.simulation import Archetype, SimulatedCourse, SimulatedDay
from painpath.services.progress.checkins import rate_exposure_step, save_exposure_ladder

__all__ = ["seed"]

STORIES: tuple[tuple[str, Archetype, int], ...] = (
    ("maria", Archetype.SLOW_RESPONDER, 11),
    ("james", Archetype.FAST_RESPONDER, 37),
    ("helen", Archetype.FLARE_PRONE, 29),
    ("tom", Archetype.POORLY_ADHERENT, 14),
    ("samuel", Archetype.PLATEAU, 2),
)


def _with_flares(days: tuple[date, ...], note: str, severity: int = 2):  # type: ignore[no-untyped-def]
    """Declared flare-ups on ``days`` (a check-in is added where the day had none)."""

    def edit(course: SimulatedCourse) -> SimulatedCourse:
        out = []
        for d in course.days:
            if d.day in days:
                c = d.checkin or CheckIn(day=d.day, pain_now=5.0, pain_worst=6.0)
                worst = min(c.pain_worst + 2.5, 10.0)
                checkin = replace(
                    c,
                    flare=True,
                    pain_worst=worst,
                    note=note,
                    flare_severity=severity,
                    flare_days=1,
                )
                d = SimulatedDay(d.day, d.quota, checkin, d.decision)
            out.append(d)
        return replace(course, days=tuple(out))

    return edit


def _silent_since(day: date):  # type: ignore[no-untyped-def]
    """Tom stops checking in: no check-ins from ``day`` on."""

    def edit(course: SimulatedCourse) -> SimulatedCourse:
        days = tuple(
            SimulatedDay(d.day, d.quota, None, d.decision) if d.day >= day else d
            for d in course.days
        )
        return replace(course, days=days)

    return edit


def _ladder(world: DemoWorld) -> None:
    patient = world.patients["maria"]
    start = world.intake_day("maria") + timedelta(weeks=2)
    save_exposure_ladder(
        world.ctx(world.clinician, on=start),
        patient_id=patient.id,
        activities={
            "bending to load the dishwasher": 45,
            "lifting a laundry basket": 70,
            "gardening for 20 minutes": 85,
        },
    )
    maria = world.patient_actors.get("maria", world.clinician)
    ratings = (
        (3, "bending to load the dishwasher", 35, True),
        (4, "bending to load the dishwasher", 20, True),
        (5, "lifting a laundry basket", 60, True),
        (7, "lifting a laundry basket", 55, True),
    )
    for week, activity, fear, done in ratings:
        day = world.intake_day("maria") + timedelta(weeks=week)
        rate_exposure_step(
            world.ctx(maria, on=day), patient_id=patient.id, activity=activity, fear=fear, done=done
        )


def seed(world: DemoWorld) -> str:
    total = 0
    for key, archetype, seed_value in STORIES:
        spec, patient = world.specs[key], world.patients[key]
        start = world.intake_day(key)
        edit = None
        if key == "maria":
            # One moderate flare after gardening, recovered within the week.
            edit = _with_flares((world.today - timedelta(days=17),), "flare after gardening")
        elif key == "helen":
            # Three flares in two weeks: the caseload prompts a review with the pattern.
            back = (12, 7, 3)
            edit = _with_flares(
                tuple(world.today - timedelta(days=n) for n in back), "flare-up", severity=2
            )
        elif key == "tom":
            edit = _silent_since(world.today - timedelta(days=3))
        reporter = world.patient_actors.get(key)
        course = simulate_into_services(
            world.ctx(world.clinician, on=start),
            patient,
            archetype,
            start=start,
            weeks=spec.weeks_in_care,
            seed=seed_value,
            edit=edit,
            reporter=world.ctx(reporter) if reporter else None,
        )
        total += len(course.checkins)
    _ladder(world)
    return f"graded activity: 5 programmes, {total} daily check-ins, 1 exposure ladder"
