"""Graded activity through the services: the programme, the engine over stored check-ins, the
progress summary (quota, decisions, adherence, exposure ladder, outcomes, expected course,
alerts) and the caseload badges.

The progress views never store the engine: every summary reruns it over the current check-ins
from the programme's start (deterministic, so the same records always give the same decisions;
a corrected check-in changes the decisions from its day on). See docs/clinical/graded-activity.md.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum
from typing import Any

from painpath.domain.access import Access
from painpath.domain.accounts import Patient, Role
from painpath.domain.dates import care_start, check_window
from painpath.domain.errors import InvalidInput, NotFound
from painpath.domain.outcomes.alerts import Alert, evaluate_alerts
from painpath.domain.outcomes.tracking import ExpectedCourse, what_to_expect
from painpath.domain.ports import UnitOfWork
from painpath.domain.progression.checkins import CheckIn
from painpath.domain.progression.engine import EngineState, Replan, replay_engine
from painpath.domain.progression.exposure import ExposureDecision, ExposureLadder, evaluate_ladder
from painpath.domain.progression.planned import PlannedDay, planned_line
from painpath.domain.progression.plateau import PlateauFinding, analyse_plateau
from painpath.domain.progression.policy import Baseline, Decision, GradedActivityPolicy
from painpath.domain.records import RecordKind
from painpath.services.context import Call, ServiceContext, operation
from painpath.services.progress.checkins import load_checkins, load_ladder
from painpath.services.progress.monitoring import MonitoredExercise, load_monitoring
from painpath.services.progress.outcomes import (
    OutcomeChange,
    load_feared_activities,
    load_outcomes,
    load_pain_context,
    load_red_flags,
)

__all__ = [
    "COURSE",
    "UNITS",
    "Adherence",
    "CoursePoint",
    "ExposureView",
    "Programme",
    "ProgressSummary",
    "caseload_alerts",
    "get_programme",
    "load_programme",
    "programme_from",
    "progress_summary",
    "replan_programme",
    "replay_programme",
    "start_programme",
    "summary_to_dict",
    "system_progress_summary",
]

UNITS = ("minutes", "repetitions", "steps", "metres", "sets")
PROGRAMME_KEY = "graded-activity"
# Policy fields a clinician may override per programme (numbers only). The goal comes from
# ``goal`` and the unit from ``unit``.
_OVERRIDABLE = frozenset(
    f.name for f in dataclasses.fields(GradedActivityPolicy) if f.name not in ("goal_quota", "unit")
)


@dataclass(frozen=True)
class Programme:
    """A graded-activity programme: one activity, its unit, the goal and the start day."""

    record_id: str
    version: int
    activity: str
    unit: str
    goal: float
    start_day: date
    baseline_values: tuple[float, ...] | None
    baseline_pain: float | None
    overrides: Mapping[str, float]
    replans: tuple[Replan, ...] = ()

    def policy(self) -> GradedActivityPolicy:
        return _policy(self.goal, self.overrides, unit=self.unit)

    def baseline(self) -> Baseline | None:
        if not self.baseline_values:
            return None
        return Baseline.from_measurements(self.baseline_values, pain=self.baseline_pain)


def _policy(goal: float, overrides: Mapping[str, float], *, unit: str) -> GradedActivityPolicy:
    unknown = sorted(set(overrides) - _OVERRIDABLE)
    if unknown:
        raise InvalidInput(f"unknown programme setting(s): {', '.join(unknown)}")
    ints = {
        f.name for f in dataclasses.fields(GradedActivityPolicy) if f.type in ("int", "int | None")
    }
    values: dict[str, Any] = {k: int(v) if k in ints else float(v) for k, v in overrides.items()}
    return GradedActivityPolicy(goal_quota=goal, unit=unit, **values)


def _programme(uow: UnitOfWork, patient_id: str) -> Programme | None:
    record = uow.records.current_by_key(
        kind=RecordKind.ACTIVITY, patient_id=patient_id, natural_key=PROGRAMME_KEY
    )
    if record is None:
        return None
    return programme_from(record.record_id, record.version, record.payload)


def programme_from(record_id: str, version: int, p: Mapping[str, Any]) -> Programme:
    """The programme stored as version ``version`` of record ``record_id`` with payload ``p``."""
    values = p.get("baseline_values")
    return Programme(
        record_id=record_id,
        version=version,
        activity=str(p["activity"]),
        unit=str(p["unit"]),
        goal=float(p["goal"]),
        start_day=date.fromisoformat(str(p["start_day"])),
        baseline_values=tuple(float(v) for v in values) if values else None,
        baseline_pain=None if p.get("baseline_pain") is None else float(p["baseline_pain"]),
        overrides=dict(p.get("policy") or {}),
        replans=tuple(
            Replan(
                day=date.fromisoformat(str(r["day"])),
                quota=float(r["quota"]),
                goal=float(r["goal"]),
                weeks=int(r["weeks"]),
                reason=str(r["reason"]),
            )
            for r in p.get("replans") or []
        ),
    )


@operation(Access.PATIENT_CLINICAL, audit="programme.start")
def start_programme(
    call: Call,
    *,
    patient_id: str,
    activity: str,
    unit: str,
    goal: float,
    baseline_values: Sequence[float] | None = None,
    baseline_pain: float | None = None,
    start: date | None = None,
    policy: Mapping[str, float] | None = None,
) -> Programme:
    """Start (or restart) the patient's graded-activity programme.

    ``goal``: the ceiling quota in ``unit`` per day. ``baseline_values``: 3-7 measured days;
    without them the first days are the baseline phase. ``policy``: overrides of
    ``GradedActivityPolicy`` fields. A restart is a new version of the same record.
    """
    today = call.ctx.clock.today()
    start = start or today
    if not activity.strip():
        raise InvalidInput("name the activity, e.g. walking")
    if unit not in UNITS:
        raise InvalidInput(f"the unit must be one of: {', '.join(UNITS)}")
    if start > today:
        raise InvalidInput("a programme cannot start in the future")
    episodes = call.uow.episodes.for_patient(call.the_patient.id)
    check_window(start, today=today, what="programme start", not_before=care_start(episodes))
    overrides = dict(policy or {})
    _policy(goal, overrides, unit=unit)  # validates the goal and every override
    values = [float(v) for v in baseline_values] if baseline_values else None
    if values is not None:
        Baseline.from_measurements(values, pain=baseline_pain)
    payload = {
        "activity": activity.strip(),
        "unit": unit,
        "goal": float(goal),
        "start_day": start.isoformat(),
        "baseline_values": values,
        "baseline_pain": baseline_pain,
        "policy": overrides,
    }
    existing = _programme(call.uow, patient_id)
    if existing is None:
        call.uow.records.add(
            kind=RecordKind.ACTIVITY,
            patient_id=patient_id,
            payload=payload,
            natural_key=PROGRAMME_KEY,
            created_by=call.actor.user_id,
        )
    else:
        call.uow.records.revise(
            existing.record_id,
            expected_version=existing.version,
            payload=payload,
            reason="programme restarted",
            created_by=call.actor.user_id,
        )
    # Field names only: the activity and its goal are clinical values (the record holds them).
    call.audit_detail.update(fields=["activity", "goal"], start=start.isoformat())
    programme = _programme(call.uow, patient_id)
    assert programme is not None
    return programme


@operation(Access.PATIENT_CLINICAL, audit="programme.replan")
def replan_programme(
    call: Call, *, patient_id: str, quota: float, goal: float, weeks: int, reason: str
) -> Programme:
    """The clinician re-plans at a review: from tomorrow the plan restarts at ``quota`` a day
    and climbs to ``goal`` over ``weeks`` weeks. The reason is stored with the re-plan, shown in
    the decision and kept as the record version's change reason. The only way, besides a
    declared flare, that a target goes down."""
    today = call.ctx.clock.today()
    programme = _programme(call.uow, patient_id)
    if programme is None:
        raise InvalidInput("there is no programme to re-plan yet")
    if today < programme.start_day:
        raise InvalidInput("a re-plan cannot be before the programme starts")
    replan = Replan(day=today, quota=quota, goal=goal, weeks=weeks, reason=reason.strip()[:500])
    record = call.uow.records.current_by_key(
        kind=RecordKind.ACTIVITY, patient_id=patient_id, natural_key=PROGRAMME_KEY
    )
    assert record is not None
    payload = dict(record.payload)
    payload["replans"] = [
        *(payload.get("replans") or []),
        {
            "day": today.isoformat(),
            "quota": float(quota),
            "goal": float(goal),
            "weeks": int(weeks),
            "reason": replan.reason,
        },
    ]
    call.uow.records.revise(
        record.record_id,
        expected_version=record.version,
        payload=payload,
        reason=f"re-planned: {replan.reason}"[:200],
        created_by=call.actor.user_id,
    )
    call.audit_detail.update(fields=["quota", "goal", "weeks", "reason"])
    found = _programme(call.uow, patient_id)
    assert found is not None
    return found


def load_programme(uow: UnitOfWork, patient_id: str) -> Programme | None:
    """The patient's current programme (no audit), or None."""
    return _programme(uow, patient_id)


@operation(Access.PATIENT_READ, audit="programme.read")
def get_programme(call: Call, *, patient_id: str) -> Programme | None:
    return _programme(call.uow, patient_id)


# -- the summary -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Adherence:
    """Over the programme's decided days: share with a check-in, and with the quota done."""

    days: int
    checked_in_days: int
    quota_days: int  # days on which a quota was in force
    done_days: int  # of those, days with a check-in reaching the quota

    @property
    def checkin_rate(self) -> float | None:
        return self.checked_in_days / self.days if self.days else None

    @property
    def done_rate(self) -> float | None:
        return self.done_days / self.quota_days if self.quota_days else None


@dataclass(frozen=True)
class CoursePoint:
    week: float
    low: float
    mid: float
    high: float


@dataclass(frozen=True)
class ExposureView:
    ladder: ExposureLadder
    decision: ExposureDecision


@dataclass(frozen=True)
class ProgressSummary:
    patient_id: str
    today: date
    week: float  # weeks since the programme (or first check-in) started
    programme: Programme | None
    quota_today: float | None  # the quota in force today
    next_quota: float | None  # the quota after the last decision
    last_decision: Decision | None
    decisions: tuple[Decision, ...]
    checkins: tuple[CheckIn, ...]
    checked_in_today: bool
    adherence: Adherence
    exposure: ExposureView | None
    outcomes: tuple[OutcomeChange, ...]
    baseline_pain: float | None
    weekly_pain: tuple[tuple[float, float], ...]  # (week, mean NPRS of that week)
    course: tuple[CoursePoint, ...]
    what_to_expect: str
    alerts: tuple[Alert, ...]
    feared_activities: Mapping[str, int]  # from the intake: a draft exposure ladder
    plateau: PlateauFinding | None = None  # why the planned level stopped rising, if it has
    # The target set in advance (start -> goal, restarted by a re-plan), a week ahead of today.
    planned: tuple[PlannedDay, ...] = ()
    # Exercises under pain monitoring (silbernagel2007): each one's dose decisions.
    monitoring: tuple[MonitoredExercise, ...] = ()
    # Which published course the band comes from and for whom, or why none is drawn.
    course_note: str = ""
    # The engine's state after the day ``build_summary`` was asked for (``state_at``), if
    # that day was decided: what the caseload summary stores to resume from.
    engine_at: EngineState | None = None


def _decide(
    programme: Programme | None,
    by_day: Mapping[date, CheckIn],
    today: date,
    *,
    state_at: date | None = None,
) -> tuple[list[Decision], EngineState | None]:
    """The decisions, and the engine's state after the day ``state_at`` when that day was
    decided (else None): one replay, split there, serves both (the caseload summary stores
    that state; it used to replay the history a second time for it)."""
    if programme is None or state_at is None:
        return replay_programme(programme, by_day, today)[0], None
    end = today if today in by_day else today - timedelta(days=1)
    start = programme.start_day
    if not start <= state_at <= end:
        return replay_programme(programme, by_day, today)[0], None
    policy, replans = programme.policy(), programme.replans
    initial = EngineState.initial(start, programme.baseline())
    first, at = replay_engine(initial, policy, by_day, first=start, end=state_at, replans=replans)
    rest, _ = replay_engine(
        at, policy, by_day, first=state_at + timedelta(days=1), end=end, replans=replans
    )
    return first + rest, at


def replay_programme(
    programme: Programme | None, by_day: Mapping[date, CheckIn], today: date
) -> tuple[list[Decision], EngineState | None]:
    """The engine over the programme from its start: every decision up to the last decided day
    and the state after it (None before the first decided day)."""
    if programme is None:
        return [], None
    # The decision for a day is made at its end: today is decided only once it is reported.
    end = today if today in by_day else today - timedelta(days=1)
    if end < programme.start_day:
        return [], None
    start = programme.start_day
    return replay_engine(
        EngineState.initial(start, programme.baseline()),
        programme.policy(),
        by_day,
        first=start,
        end=end,
        replans=programme.replans,
    )


def _adherence(decisions: Sequence[Decision], by_day: Mapping[date, CheckIn]) -> Adherence:
    quota_days = [d for d in decisions if d.quota_before is not None]
    done = [
        d
        for d in quota_days
        if (c := by_day.get(d.day)) is not None and c.quota_done >= (d.quota_before or 0.0)
    ]
    return Adherence(
        days=len(decisions),
        checked_in_days=sum(1 for d in decisions if d.day in by_day),
        quota_days=len(quota_days),
        done_days=len(done),
    )


COURSE = ExpectedCourse()  # costa2012: persistent low back pain (the one published course)


def course_for(
    region: str | None, duration_weeks: float | None, presentations: Sequence[str] = ()
) -> tuple[ExpectedCourse | None, str]:
    """The published course that matches the patient, and a sentence for the clinician naming
    the source and its population, or why no course is drawn."""
    why_not = COURSE.applies_to(region, duration_weeks, presentations)
    if why_not is not None:
        return None, f"No expected course is drawn: {why_not}. No published course of pain applies."
    return COURSE, (
        f"Expected course: {COURSE.source}, {COURSE.population}; the band is an approximate 95 % "
        "prediction interval for one person (its between-person SD is an unverified figure)."
    )


def _course(
    checkins: Sequence[CheckIn], start: date, today: date, course: ExpectedCourse | None
) -> tuple[float | None, list[tuple[float, float]], list[CoursePoint], float | None]:
    """Baseline NPRS (first week's mean), weekly means, the expected band, last week's mean."""
    first_week = [c.pain_now for c in checkins if 0 <= (c.day - start).days < 7]
    baseline = sum(first_week) / len(first_week) if first_week else None
    weeks: dict[int, list[float]] = {}
    for c in checkins:
        if c.day >= start:
            weeks.setdefault((c.day - start).days // 7, []).append(c.pain_now)
    weekly = [(w + 0.5, round(sum(v) / len(v), 2)) for w, v in sorted(weeks.items())]
    recent = [c.pain_now for c in checkins if 0 <= (today - c.day).days < 7]
    latest = sum(recent) / len(recent) if recent else None
    if baseline is None or course is None:
        return baseline, weekly, [], latest
    horizon = max(int((today - start).days / 7) + 2, 6)
    band = [CoursePoint(w, *course.expected_pain(baseline, w)) for w in range(horizon + 1)]
    return baseline, weekly, band, latest


def build_summary(
    uow: UnitOfWork, patient: Patient, today: date, *, state_at: date | None = None
) -> ProgressSummary:
    """Everything the progress views show, from the stored records (no audit, no commit).
    ``state_at``: also keep the engine's state after that day (``engine_at``)."""
    programme = _programme(uow, patient.id)
    checkins = [s.checkin for s in load_checkins(uow, patient.id)]
    by_day = {c.day: c for c in checkins if c.day <= today}
    decisions, engine_at = _decide(programme, by_day, today, state_at=state_at)
    start = programme.start_day if programme else (checkins[0].day if checkins else today)
    week = max((today - start).days, 0) / 7
    course, course_note = course_for(*load_pain_context(uow, patient.id))
    baseline, weekly, band, latest = _course(checkins, start, today, course)
    outcomes, responders, phq4 = load_outcomes(uow, patient.id)
    ladder = load_ladder(uow, patient.id)
    alerts = evaluate_alerts(
        today=today,
        # Missed check-ins only count once a programme asks for them.
        episode_start=programme.start_day if programme else today,
        checkins=by_day,
        decisions=decisions,
        responders=responders,
        red_flags=load_red_flags(uow, patient.id),
        phq4=phq4,
    )
    last = decisions[-1] if decisions else None
    return ProgressSummary(
        patient_id=patient.id,
        today=today,
        week=round(week, 2),
        programme=programme,
        quota_today=next(
            (d.quota_after for d in decisions if d.day == today - timedelta(days=1)), None
        ),
        next_quota=last.quota_after if last else None,
        last_decision=last,
        decisions=tuple(decisions),
        checkins=tuple(checkins),
        checked_in_today=today in by_day,
        adherence=_adherence(decisions, by_day),
        exposure=ExposureView(ladder[0], evaluate_ladder(ladder[0])) if ladder else None,
        outcomes=tuple(outcomes),
        baseline_pain=None if baseline is None else round(baseline, 2),
        weekly_pain=tuple(weekly),
        course=tuple(band),
        what_to_expect=what_to_expect(week, baseline=baseline, latest=latest, course=course),
        course_note=course_note,
        alerts=tuple(alerts),
        feared_activities=load_feared_activities(uow, patient.id) if ladder is None else {},
        plateau=analyse_plateau(decisions, by_day, today=today),
        planned=_planned(programme, decisions, today),
        monitoring=load_monitoring(uow, patient.id, checkins, today),
        engine_at=engine_at,
    )


PLANNED_AHEAD_DAYS = 7  # the planned line is drawn a week ahead: the patient sees what comes


def _planned(
    programme: Programme | None, decisions: Sequence[Decision], today: date
) -> tuple[PlannedDay, ...]:
    if programme is None:
        return ()
    line = planned_line(
        programme.policy(),
        decisions,
        until=today + timedelta(days=PLANNED_AHEAD_DAYS),
        replans=programme.replans,
    )
    return tuple(line)


@operation(Access.PATIENT_READ, audit="progress.read")
def progress_summary(call: Call, *, patient_id: str) -> ProgressSummary:
    return build_summary(call.uow, call.the_patient, call.ctx.clock.today())


def system_progress_summary(
    ctx: ServiceContext, *, patient_id: str, action: str = "cli.progress"
) -> ProgressSummary:
    """The summary for an operator at the console (no signed-in actor), audited as ``action``."""
    with ctx.uow_factory() as uow:
        patient = uow.patients.get(patient_id)
        if patient is None:
            raise NotFound(f"no patient with id {patient_id}")
        summary = build_summary(uow, patient, ctx.clock.today())
        uow.audit.append(
            action=action,
            actor_user_id=None,
            actor_role="system",
            patient_id=patient.id,
            clinic_id=patient.clinic_id,
            request_id=ctx.request_id,
            detail={"alerts": len(summary.alerts)},
        )
        uow.commit()
    return summary


@operation(Access.CLINICIAN)
def caseload_alerts(call: Call, patients: Sequence[Patient]) -> dict[str, list[Alert]]:
    """Open alerts per patient of the clinician's own clinic, most urgent first."""
    today = call.ctx.clock.today()
    found: dict[str, list[Alert]] = {}
    for patient in patients:
        if call.actor.role is not Role.CLINICIAN or patient.clinic_id != call.actor.clinic_id:
            continue  # defence in depth: the caseload only lists the clinic's own patients
        alerts = build_summary(call.uow, patient, today).alerts
        if alerts:
            found[patient.id] = list(alerts)
    return found


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    return value


def summary_to_dict(summary: ProgressSummary) -> dict[str, Any]:
    """A JSON-ready form of the summary (dates ISO, enums as their values)."""
    data: dict[str, Any] = _plain(summary)
    data["adherence"].update(
        checkin_rate=summary.adherence.checkin_rate, done_rate=summary.adherence.done_rate
    )
    if summary.exposure is not None:
        data["exposure"]["current"] = summary.exposure.decision.current
    return data
