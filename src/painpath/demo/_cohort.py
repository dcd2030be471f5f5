"""Synthetic patients through the real services: shared by ``painpath simulate`` and the demo.

``domain.simulation`` closes the loop between an invented patient model and the engine; here
each simulated check-in is then submitted through ``submit_checkin`` with a context whose clock
stands on that day, and the services' own progress summary (the engine rerun over the stored
records) is compared with the simulation's decisions: they must agree day by day.
"""

from __future__ import annotations

import random
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from painpath.adapters.db.uow import SqlUnitOfWork
from painpath.bootstrap import Container
from painpath.domain.accounts import Actor, Patient, Role
from painpath.domain.ports import UnitOfWork
from painpath.domain.progression.policy import Decision, GradedActivityPolicy
from painpath.domain.progression.simulation import (
    Archetype,
    SimulatedCourse,
    profile_of,
    simulate_patient,
)
from painpath.services.caseload import refresh_summaries
from painpath.services.context import ServiceContext
from painpath.services.patients import NewPatient, create_patient
from painpath.services.progress import progress_summary, start_programme
from painpath.services.progress.checkins import (
    checkin_to_payload,
    submit_checkin,
    submit_checkin_batch,
)
from painpath.services.system import create_staff_user

__all__ = ["ARCHETYPE_MIX", "DayClock", "run_cohort", "simulate_into_services"]

# An invented but plausible mix for a chronic-pain caseload (synthetic_patients, project).
ARCHETYPE_MIX: tuple[tuple[Archetype, float], ...] = (
    (Archetype.SLOW_RESPONDER, 0.30),
    (Archetype.FAST_RESPONDER, 0.20),
    (Archetype.FLARE_PRONE, 0.20),
    (Archetype.POORLY_ADHERENT, 0.15),
    (Archetype.PLATEAU, 0.15),
)
SIM_CLINIC = "Simulation Clinic"
SIM_EMAIL = "simulation-clinician@simulation.painpath.local"


@dataclass(frozen=True)
class DayClock:
    """A clock standing on one day (09:30 UTC): services see that day as today."""

    day: date

    def now(self) -> datetime:
        return datetime(self.day.year, self.day.month, self.day.day, 9, 30, tzinfo=UTC)

    def today(self) -> date:
        return self.day


def on_day(ctx: ServiceContext, day: date) -> ServiceContext:
    return replace(ctx, clock=DayClock(day))


def goal_for(archetype: Archetype) -> float:
    """A goal of 2.5 x the archetype's starting tolerance (minutes of walking a day)."""
    return round(2.5 * profile_of(archetype).tolerance_min, 1)


def simulate_into_services(
    ctx: ServiceContext,
    patient: Patient,
    archetype: Archetype,
    *,
    start: date,
    weeks: int,
    seed: int,
    tick: Callable[[int], None] | None = None,
    edit: Callable[[SimulatedCourse], SimulatedCourse] | None = None,
    reporter: ServiceContext | None = None,
    weekly: bool = False,
) -> SimulatedCourse:
    """Start a walking programme on ``start`` (as ``ctx``, a clinician) and submit ``weeks`` of
    simulated check-ins (as ``reporter``, the patient, when given). ``edit`` may change the
    simulated course before it is submitted (a demo story's flare or missed days).
    ``weekly``: submit each week in one transaction (``submit_checkin_batch``, entered on the
    week's last day), for speed; otherwise one submission a day, on that day."""
    goal = goal_for(archetype)
    start_programme(
        on_day(ctx, start),
        patient_id=patient.id,
        activity="walking",
        unit="minutes",
        goal=goal,
    )
    policy = GradedActivityPolicy(goal_quota=goal, unit="minutes")
    course = simulate_patient(archetype, weeks=weeks, seed=seed, policy=policy, start=start)
    if edit is not None:
        course = edit(course)
    if weekly:
        for first in range(0, len(course.days), 7):
            week = course.days[first : first + 7]
            found = [d.checkin for d in week if d.checkin is not None]
            if found:
                ctx_day = on_day(reporter or ctx, week[-1].day)
                submit_checkin_batch(ctx_day, patient_id=patient.id, checkins=found)
            if tick is not None:
                tick(len(week))
        return course
    for sim_day in course.days:
        if sim_day.checkin is not None:
            fields = checkin_to_payload(sim_day.checkin)
            fields["day"] = sim_day.day
            submit_checkin(on_day(reporter or ctx, sim_day.day), patient_id=patient.id, **fields)
        if tick is not None:
            tick(1)
    return course


def _clinician(container: Container) -> Actor:
    with container.uow() as uow:
        user = uow.users.by_email(SIM_EMAIL)
    if user is None:
        user = create_staff_user(
            container.context(),
            email=SIM_EMAIL,
            name="Simulation Clinician",
            role=Role.CLINICIAN,
            clinic_name=SIM_CLINIC,
            password=secrets.token_urlsafe(18),
        )
    return Actor(user.id, user.role, user.clinic_id, user.name)


def _decision_json(d: Decision) -> dict[str, Any]:
    return {
        "action": d.action.value,
        "quota_before": d.quota_before,
        "quota_after": d.quota_after,
        "reason": d.reason,
        "clinician_note": d.clinician_note,
        "rule_id": d.rule_id,
    }


def run_cohort(
    container: Container,
    *,
    patients: int,
    weeks: int,
    seed: int,
    progress: Callable[[int], None] | None = None,
) -> dict[str, Any]:
    """Create a clinician and ``patients`` synthetic patients; the last day is yesterday."""
    today = container.clock.today()
    start = today - timedelta(days=weeks * 7)
    clinician = _clinician(container)
    # Speed: the caseload's read model is refreshed once per simulated patient, after their
    # weeks are written, instead of inside every weekly transaction (each refresh reruns the
    # engine over the whole history). Records, services, access checks and audit events are
    # exactly those of the ordinary path.
    pending: set[str] = set()

    def collect(_uow: UnitOfWork, patient_ids: set[str]) -> None:
        pending.update(patient_ids)

    def deferred_uow() -> UnitOfWork:
        return SqlUnitOfWork(
            container.session_factory,
            before_commit=collect,
            audit_key=container.extras.get("audit_key", b""),
            audit_checkpoint_every=container.settings.audit_checkpoint_every,
        )

    ctx = replace(
        container.context().acting_as(clinician, request_id=f"simulate-{seed}"),
        uow_factory=deferred_uow,
    )
    rng = random.Random(seed)
    kinds, weights = zip(*ARCHETYPE_MIX, strict=True)
    out: list[dict[str, Any]] = []
    for n in range(patients):
        archetype = rng.choices(kinds, weights=weights)[0]
        patient = create_patient(
            on_day(ctx, start),
            new=NewPatient(
                given_name="Sim",
                family_name=f"{archetype.value.replace('_', ' ').title()} {n + 1}",
                mrn=f"SIM-{seed}-{n + 1}-{uuid.uuid4().hex[:6]}",
                episode_title="Simulated chronic pain",
            ),
        )
        course = simulate_into_services(
            ctx,
            patient,
            archetype,
            start=start,
            weeks=weeks,
            seed=seed * 1000 + n,
            tick=progress,
            weekly=True,
        )
        out.append(_patient_json(ctx, patient, archetype, course, today))
        with container.uow() as uow:
            refresh_summaries(uow, pending, today)
            uow.commit()
        pending.clear()
    return {"seed": seed, "weeks": weeks, "start": start.isoformat(), "patients": out}


def _patient_json(
    ctx: ServiceContext,
    patient: Patient,
    archetype: Archetype,
    course: SimulatedCourse,
    today: date,
) -> dict[str, Any]:
    summary = progress_summary(on_day(ctx, today), patient_id=patient.id)
    by_day = {d.day: d for d in summary.decisions}
    days = []
    for sim_day in course.days:
        decision = by_day[sim_day.day]  # the services' decision over the stored check-ins
        checkin = None if sim_day.checkin is None else checkin_to_payload(sim_day.checkin)
        days.append(
            {
                "day": sim_day.day.isoformat(),
                "quota": decision.quota_before,
                "checkin": checkin,
                "decision": _decision_json(decision),
            }
        )
    return {
        "patient_id": patient.id,
        "archetype": archetype.value,
        "checkins": len(course.checkins),
        "engine_matches_simulation": list(summary.decisions) == course.decisions,
        "quota_today": summary.quota_today,
        "alerts": [a.code for a in summary.alerts],
        "days": days,
    }
