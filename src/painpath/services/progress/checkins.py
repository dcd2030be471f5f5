"""Patient self-reports for graded activity: daily check-ins and exposure-ladder ratings.

A check-in is a CHECKIN record keyed by its day (``natural_key = "2026-11-29"``): sending the
same day again writes a new version (reason "resubmitted"), never a second record. The store's
partial unique index keeps one current version per day even when two submissions race; the
loser of the race sees ``Conflict`` and retries as a revision. The exposure ladder is one
EXPOSURE record per patient, revised on every rating (vlaeyen_exposure, phoda).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from painpath.domain.access import Access
from painpath.domain.accounts import current_episode
from painpath.domain.dates import care_start, check_window
from painpath.domain.errors import Conflict, InvalidInput
from painpath.domain.planning import PlanItemKind
from painpath.domain.ports import UnitOfWork
from painpath.domain.progression.checkins import CheckIn, ExerciseReport, validate_checkin
from painpath.domain.progression.exposure import ExposureLadder, ExposureStep
from painpath.domain.progression.pain_monitoring import MONITORING_ATTRIBUTE
from painpath.domain.records import RecordKind, RecordVersion
from painpath.services.assessment.program import signed_plan
from painpath.services.context import Call, operation

__all__ = [
    "StoredCheckIn",
    "checkin_from_payload",
    "checkin_to_payload",
    "ladder_from_payload",
    "list_checkins",
    "load_checkins",
    "load_ladder",
    "rate_exposure_step",
    "save_exposure_ladder",
    "submit_checkin",
    "submit_checkin_batch",
]

_RACE_RETRIES = 5
LADDER_KEY = "exposure-ladder"


@dataclass(frozen=True)
class StoredCheckIn:
    """A check-in as stored: the domain value plus its record id, version and who entered it."""

    checkin: CheckIn
    record_id: str
    version: int
    entered_by_role: str
    late: bool


def checkin_to_payload(checkin: CheckIn) -> dict[str, Any]:
    return {
        "day": checkin.day.isoformat(),
        "pain_now": checkin.pain_now,
        "pain_worst": checkin.pain_worst,
        "sleep_quality": checkin.sleep_quality,
        "quota_done": checkin.quota_done,
        "exercises_done": checkin.exercises_done,
        "flare": checkin.flare,
        "next_morning_pain": checkin.next_morning_pain,
        "note": checkin.note,
        "flare_severity": checkin.flare_severity,
        "flare_days": checkin.flare_days,
        "exercise_pain": [
            {"exercise": r.exercise_id, "during": r.during, "morning": r.morning}
            for r in checkin.exercise_pain
        ],
    }


def checkin_from_payload(payload: Mapping[str, Any]) -> CheckIn:
    nmp = payload.get("next_morning_pain")
    return CheckIn(
        day=date.fromisoformat(str(payload["day"])),
        pain_now=float(payload["pain_now"]),
        pain_worst=float(payload["pain_worst"]),
        sleep_quality=float(payload.get("sleep_quality", 5.0)),
        quota_done=float(payload.get("quota_done", 0.0)),
        exercises_done=int(payload.get("exercises_done", 0)),
        flare=bool(payload.get("flare", False)),
        next_morning_pain=None if nmp is None else float(nmp),
        note=str(payload.get("note", "")),
        flare_severity=_opt_int(payload.get("flare_severity")),
        flare_days=_opt_int(payload.get("flare_days")),
        exercise_pain=tuple(
            ExerciseReport(
                str(r["exercise"]), _opt_float(r.get("during")), _opt_float(r.get("morning"))
            )
            for r in payload.get("exercise_pain") or []
        ),
    )


def _opt_float(value: Any) -> float | None:
    return None if value is None else float(value)


def _opt_int(value: Any) -> int | None:
    return None if value is None else int(value)


def _stored(version: RecordVersion) -> StoredCheckIn:
    return StoredCheckIn(
        checkin=checkin_from_payload(version.payload),
        record_id=version.record_id,
        version=version.version,
        entered_by_role=str(version.payload.get("entered_by_role", "")),
        late=bool(version.payload.get("late", False)),
    )


def load_checkins(uow: UnitOfWork, patient_id: str) -> list[StoredCheckIn]:
    """The current version of every check-in of a patient, oldest day first."""
    rows = uow.records.list_current(kind=RecordKind.CHECKIN, patient_id=patient_id)
    return sorted((_stored(r) for r in rows), key=lambda s: s.checkin.day)


def _write_day(
    call: Call,
    patient_id: str,
    payload: dict[str, Any],
    *,
    reason: str,
    episode_id: str | None = None,
) -> RecordVersion:
    """Revise the day's current record, or add one; a lost race becomes a revision."""
    records, key = call.uow.records, str(payload["day"])
    episode = episode_id if episode_id is not None else _episode_id(call)
    for _ in range(_RACE_RETRIES):
        try:
            revised = records.supersede(
                kind=RecordKind.CHECKIN,
                patient_id=patient_id,
                natural_key=key,
                payload=payload,
                reason=reason,
                created_by=call.actor.user_id,
            )
            if revised is not None:
                return revised
            return records.add(
                kind=RecordKind.CHECKIN,
                patient_id=patient_id,
                episode_id=episode,
                payload=payload,
                natural_key=key,
                created_by=call.actor.user_id,
            )
        except Conflict:
            continue  # another submission for the same day committed first: build on it
    raise Conflict(f"the check-in for {key} keeps changing; please send it again")


def _care_start(call: Call) -> date | None:
    return care_start(call.uow.episodes.for_patient(call.the_patient.id))


def _check_monitored(call: Call, patient_id: str, checkins: Sequence[CheckIn]) -> None:
    """Refuse pain-monitoring answers for an exercise that the patient's signed plan does not
    put under pain monitoring (silbernagel2007): nothing would read them, so storing them
    would only hide a mistake. The plan is read only when some answer was given."""
    asked = {r.exercise_id for c in checkins for r in c.exercise_pain}
    if not asked:
        return
    plan = signed_plan(call.uow, patient_id)
    monitored = {
        item.id
        for item in (plan.items if plan is not None else ())
        if item.kind is PlanItemKind.EXERCISE and item.attributes.get(MONITORING_ATTRIBUTE) == "on"
    }
    unknown = sorted(asked - monitored)
    if unknown:
        raise InvalidInput(
            f"exercise_pain: {', '.join(unknown)} is not under pain monitoring in the signed "
            "plan, so no pain answers are taken for it"
        )


def _episode_id(call: Call) -> str | None:
    episode = current_episode(call.uow.episodes.for_patient(call.the_patient.id))
    return episode.id if episode else None


@operation(Access.PATIENT_SELF_REPORT, audit="checkin.submit")
def submit_checkin(
    call: Call,
    *,
    patient_id: str,
    day: date,
    pain_now: float,
    pain_worst: float,
    sleep_quality: float = 5.0,
    quota_done: float = 0.0,
    exercises_done: int = 0,
    flare: bool = False,
    next_morning_pain: float | None = None,
    note: str = "",
    waking_pain: float | None = None,
    flare_severity: int | None = None,
    flare_days: int | None = None,
    exercise_pain: Sequence[ExerciseReport] = (),
) -> StoredCheckIn:
    """Store one day's check-in (NPRS 0-10, sleep 0-10, quota done in the programme's units).

    ``exercise_pain``: for exercises under pain monitoring, pain during each that day and
    pain/stiffness on waking (stored with the day; read by ``progress.monitoring``); an
    exercise the signed plan does not monitor is refused (``InvalidInput``).
    ``waking_pain`` (NPRS on waking this morning) completes the previous day's check-in as its
    ``next_morning_pain`` when that day has one without it. Resubmitting a day makes a new
    version. A future day is refused; a late entry is accepted and marked ``late``.
    """
    today = call.ctx.clock.today()
    checkin = validate_checkin(
        CheckIn(
            day=day,
            pain_now=pain_now,
            pain_worst=pain_worst,
            sleep_quality=sleep_quality,
            quota_done=quota_done,
            exercises_done=exercises_done,
            flare=flare,
            next_morning_pain=next_morning_pain,
            note=note.strip(),
            flare_severity=flare_severity if flare else None,
            flare_days=flare_days if flare else None,
            exercise_pain=tuple(exercise_pain),
        ),
        today=today,
    )
    episodes = call.uow.episodes.for_patient(call.the_patient.id)  # read once for both uses
    # Not years ago, not before her care began (the future: above).
    check_window(day, today=today, what="check-in day", not_before=care_start(episodes))
    _check_monitored(call, patient_id, (checkin,))
    payload = checkin_to_payload(checkin)
    payload.update(entered_by_role=call.actor.role.value, late=day < today)
    current = current_episode(episodes)  # None: _write_day looks again (and finds none)
    version = _write_day(
        call, patient_id, payload, reason="resubmitted", episode_id=current.id if current else None
    )
    if waking_pain is not None:
        _complete_previous_day(call, patient_id, day, waking_pain)
    call.audit_detail.update(day=day.isoformat(), version=version.version, late=day < today)
    return _stored(version)


@operation(Access.PATIENT_SELF_REPORT, audit="checkin.submit_batch")
def submit_checkin_batch(
    call: Call, *, patient_id: str, checkins: Sequence[CheckIn]
) -> list[StoredCheckIn]:
    """Store several days' check-ins in one transaction with one audit event (bulk entry, e.g.
    a week of a simulated patient). Each check-in passes the same validation as
    ``submit_checkin`` and is written the same way (one current version per day); days before
    today are marked ``late``. All or nothing: one invalid day stores none."""
    today = call.ctx.clock.today()
    if len(checkins) > 31:
        raise InvalidInput("send at most 31 days at once")
    if len({c.day for c in checkins}) != len(checkins):
        raise InvalidInput("each day may appear only once in a batch")
    episode = _episode_id(call)  # one patient, one transaction: the episode is the same
    payloads = []
    not_before = _care_start(call)
    for checkin in sorted(checkins, key=lambda c: c.day):
        validate_checkin(checkin, today=today)
        check_window(checkin.day, today=today, what="check-in day", not_before=not_before)
        payload = checkin_to_payload(checkin)
        payload.update(entered_by_role=call.actor.role.value, late=checkin.day < today)
        payloads.append(payload)
    _check_monitored(call, patient_id, checkins)
    try:
        # Mostly new days: all inserted at once. The store's unique index on a day's current
        # version refuses the lot when any day already has one; then day by day below.
        versions = call.uow.records.add_many(
            kind=RecordKind.CHECKIN,
            patient_id=patient_id,
            keyed_payloads=[(str(p["day"]), p) for p in payloads],
            created_by=call.actor.user_id,
            episode_id=episode,
        )
    except Conflict:
        versions = [
            _write_day(call, patient_id, p, reason="resubmitted", episode_id=episode)
            for p in payloads
        ]
    stored = [_stored(v) for v in versions]
    call.audit_detail.update(
        days=len(stored),
        first_day=stored[0].checkin.day.isoformat() if stored else None,
    )
    return stored


def _complete_previous_day(call: Call, patient_id: str, day: date, waking_pain: float) -> None:
    key = (day - timedelta(days=1)).isoformat()
    previous = call.uow.records.current_by_key(
        kind=RecordKind.CHECKIN, patient_id=patient_id, natural_key=key
    )
    if previous is None or previous.payload.get("next_morning_pain") is not None:
        return
    payload = dict(previous.payload, next_morning_pain=waking_pain)
    checkin_from_payload(payload)  # range check before writing
    _write_day(call, patient_id, payload, reason="next-morning pain added")


@operation(Access.PATIENT_READ, audit="checkin.list")
def list_checkins(call: Call, *, patient_id: str) -> list[StoredCheckIn]:
    return load_checkins(call.uow, patient_id)


# -- exposure ladder -------------------------------------------------------------------------


def ladder_to_payload(ladder: ExposureLadder) -> dict[str, Any]:
    steps = [
        {
            "activity": s.activity,
            "ratings": list(s.ratings),
            "done": s.done,
            "expectancies": [list(p) for p in s.expectancies],
        }
        for s in ladder.steps
    ]
    return {"steps": steps}


def ladder_from_payload(payload: Mapping[str, Any]) -> ExposureLadder:
    steps = tuple(
        ExposureStep(
            str(s["activity"]),
            tuple(int(f) for f in s["ratings"]),
            bool(s["done"]),
            tuple((int(p[0]), int(p[1])) for p in s.get("expectancies") or []),
        )
        for s in payload.get("steps", [])
    )
    return ExposureLadder(steps=steps)


def load_ladder(uow: UnitOfWork, patient_id: str) -> tuple[ExposureLadder, RecordVersion] | None:
    record = uow.records.current_by_key(
        kind=RecordKind.EXPOSURE, patient_id=patient_id, natural_key=LADDER_KEY
    )
    if record is None:
        return None
    return ladder_from_payload(record.payload), record


@operation(Access.PATIENT_CLINICAL, audit="exposure.ladder.save")
def save_exposure_ladder(
    call: Call, *, patient_id: str, activities: Mapping[str, int]
) -> ExposureLadder:
    """Set the ladder: {feared activity: first fear rating 0-100}. Ratings already given for an
    activity that stays on the ladder are kept; a fresh first rating starts a new history."""
    clean = {name.strip(): fear for name, fear in activities.items() if name.strip()}
    new = ExposureLadder.from_ratings(clean)
    found = load_ladder(call.uow, patient_id)
    if found is None:
        call.uow.records.add(
            kind=RecordKind.EXPOSURE,
            patient_id=patient_id,
            episode_id=_episode_id(call),
            payload=ladder_to_payload(new),
            natural_key=LADDER_KEY,
            created_by=call.actor.user_id,
        )
    else:
        old, record = found
        kept = {s.activity: s for s in old.steps}
        steps = tuple(
            kept[s.activity]
            if s.activity in kept and kept[s.activity].initial_fear == s.initial_fear
            else s
            for s in new.steps
        )
        new = ExposureLadder(steps=steps)
        call.uow.records.revise(
            record.record_id,
            expected_version=record.version,
            payload=ladder_to_payload(new),
            reason="ladder changed",
            created_by=call.actor.user_id,
        )
    call.audit_detail["steps"] = len(new.steps)
    return new


@operation(Access.PATIENT_SELF_REPORT, audit="exposure.rate")
def rate_exposure_step(
    call: Call,
    *,
    patient_id: str,
    activity: str,
    fear: int,
    done: bool,
    expected_harm: int | None = None,
    what_happened: int | None = None,
) -> ExposureLadder:
    """Record a fear rating (0-100) for one step, and whether it has now been done; optionally
    the harm expected before the practice and what happened after (0-100, craske2014)."""
    found = load_ladder(call.uow, patient_id)
    if found is None:
        raise InvalidInput("there is no exposure ladder yet; your therapist sets it up with you")
    ladder, record = found
    ladder = ladder.record(
        activity, fear, done=done, expected_harm=expected_harm, what_happened=what_happened
    )
    call.uow.records.revise(
        record.record_id,
        expected_version=record.version,
        payload=ladder_to_payload(ladder),
        reason="fear rating",
        created_by=call.actor.user_id,
    )
    # Field names only, never the values (privacy rule for audit details).
    call.audit_detail.update(
        fields=["fear", "done"]
        + (["expected_harm", "what_happened"] if expected_harm is not None else [])
    )
    return ladder
