"""The caseload: every patient of the clinician's clinic with a summary row, sorted and filtered.

The summary (``domain/caseload.py``) is recomputed for a patient in the same transaction as
every write to their clinical records (the unit of work's commit hook calls
``refresh_summaries``), so reading the caseload is two queries whatever the history length:
which rows are stale (a new patient, or a new day since the row was computed), and the sorted,
filtered page. Stale rows are recomputed on read (the day's first caseload) and by the hourly
scheduled task ``caseload.refresh`` ahead of it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

from painpath.domain.access import Access
from painpath.domain.accounts import Patient
from painpath.domain.caseload import (
    FUNCTION_INSTRUMENTS,
    CaseloadFilter,
    CaseloadSort,
    PatientSummary,
    SummaryAlert,
    adherence,
    pain_trend,
)
from painpath.domain.outcomes.alerts import evaluate_alerts, fold_decisions, record_alerts
from painpath.domain.ports import UnitOfWork
from painpath.domain.progression.checkins import CheckIn
from painpath.domain.progression.engine import EngineState, replay_engine
from painpath.domain.progression.resume import (
    STATE_FORMAT,
    RecordFacts,
    SummaryReads,
    SummaryState,
    digest_checkins,
)
from painpath.domain.records import RecordKind
from painpath.services.context import Call, ServiceContext, operation
from painpath.services.progress import (
    PROGRAMME_KEY,
    Programme,
    ProgressSummary,
    build_summary,
    programme_from,
)
from painpath.services.progress.checkins import checkin_from_payload
from painpath.services.progress.outcomes import OutcomeChange, load_outcomes, load_red_flags
from painpath.services.questionnaires.schedule import due_items, next_review, schedule_of
from painpath.services.scheduled import scheduled

__all__ = [
    "CaseloadEntry",
    "caseload",
    "compute_summary",
    "refresh_stale_summaries",
    "refresh_summaries",
]

log = logging.getLogger(__name__)
_OPEN = ("overdue", "due", "upcoming")
_NOT_COMPUTED = date(1970, 1, 1)  # never "today": the next read tries again
# A check-in for a new day resumes the stored engine state and reads only this window of
# recent check-ins (adherence over 28 days, flares over 14, pain over 7; see ``_resumed``).
_WINDOW_DAYS = 35  # must cover adherence_28 (28 days), flares (14) and the stored lag + 1
_LAG_DAYS = 7  # the stored state is a week behind: a late or repeated check-in resumes too
_KEEP_REVIEWS = 8  # review rule ids kept for the low-adherence alert (it reads the last 2)
# The records ``RecordFacts`` are computed from (a check-in writes none of them).
_SUMMARY_KINDS = (
    RecordKind.RESPONSE,  # outcomes, PHQ-4, questionnaires done
    RecordKind.ASSIGNMENT,  # questionnaire schedule
    RecordKind.INTAKE,  # red flags
    RecordKind.EXAMINATION,
)
_FACTS_KEY = "records"  # where the stored state's JSON keeps the RecordFacts


@dataclass(frozen=True)
class CaseloadEntry:
    patient: Patient
    summary: PatientSummary


def compute_summary(uow: UnitOfWork, patient: Patient, today: date) -> PatientSummary:
    """The patient's summary from their records, replayed in full (the reference answer)."""
    return _replayed(uow, patient, today)[0]


def _replayed(
    uow: UnitOfWork, patient: Patient, today: date
) -> tuple[PatientSummary, SummaryState | None]:
    progress = build_summary(uow, patient, today, state_at=today - timedelta(days=_LAG_DAYS))
    days = {c.day for c in progress.checkins if c.day <= today}
    start = (
        progress.programme.start_day
        if progress.programme is not None
        else (min(days) if days else None)
    )
    due = [i.due_on for i in due_items(uow, patient.id, today) if i.status in _OPEN and i.due_on]
    summary = PatientSummary(
        patient_id=patient.id,
        computed_on=today,
        quota=progress.quota_today if progress.quota_today is not None else progress.next_quota,
        unit=progress.programme.unit if progress.programme else None,
        last_checkin=max(days) if days else None,
        adherence_7=adherence(days, start=start, today=today, days=7),
        adherence_28=adherence(days, start=start, today=today, days=28),
        alerts=tuple(SummaryAlert(a.code, a.severity.value, a.message) for a in progress.alerts),
        next_review=min(due, default=None),
        pain_trend=pain_trend(
            [(c.day, c.pain_now) for c in progress.checkins], start=start, today=today
        ),
        function_trend=_function_trend(progress.outcomes),
    )
    return summary, _state_of(uow, progress, today)


def _function_trend(outcomes: Iterable[OutcomeChange]) -> str | None:
    function = [o for o in outcomes if o.instrument in FUNCTION_INSTRUMENTS and o.category]
    latest = max(function, key=lambda o: o.series[-1][0], default=None)
    return latest.category if latest else None


def _inputs(programme: Programme) -> str:
    """What the stored state was computed from besides the check-ins: the programme version
    (goal, baseline, policy settings and re-plans are all in it) and the state format."""
    return f"{STATE_FORMAT}|{programme.record_id}|{programme.version}"


def _state_of(uow: UnitOfWork, progress: ProgressSummary, today: date) -> SummaryState | None:
    """The state that resumes this replay, or None when there is nothing to resume."""
    programme = progress.programme
    if programme is None or not progress.decisions:
        return None
    keys = uow.records.current_keys(kind=RecordKind.CHECKIN, patient_id=progress.patient_id)
    known = {c.day.isoformat() for c in progress.checkins}
    if len(keys) != len(progress.checkins) or any(k not in known for k, _, _ in keys):
        return None  # a check-in not keyed by its day: the digest could not vouch for it
    through = min(progress.decisions[-1].day, today - timedelta(days=_LAG_DAYS))
    start = programme.start_day
    if through < start:
        return None
    if progress.engine_at is not None and through == today - timedelta(days=_LAG_DAYS):
        # build_summary's replay kept the state at ``through``: no second replay
        decisions = [d for d in progress.decisions if d.day <= through]
        engine = progress.engine_at
    else:
        by_day = {c.day: c for c in progress.checkins if c.day <= through}
        decisions, engine = replay_engine(
            EngineState.initial(start, programme.baseline()),
            programme.policy(),
            by_day,
            first=start,
            end=through,
            replans=programme.replans,
        )
    return SummaryState(
        inputs=_inputs(programme),
        checkins=digest_checkins(keys, through=through),
        through=through,
        engine=engine,
        facts=fold_decisions(decisions, keep=_KEEP_REVIEWS),
        tail=tuple((d.day, d.quota_after) for d in decisions[-2:]),
        first_week=tuple(
            (c.day, c.pain_now)
            for c in progress.checkins
            if 0 <= (c.day - start).days < 7 and c.day <= through
        ),
    )


def _resumed(
    uow: UnitOfWork,
    patient: Patient,
    today: date,
    stored: SummaryState,
    reads: SummaryReads,
    facts: RecordFacts | None = None,
) -> tuple[PatientSummary, SummaryState, RecordFacts] | None:
    """The summary from the stored state stepped over the new days, or None when the state
    cannot vouch for the answer (then the caller replays in full). ``reads``: what
    ``_reads`` read with the state (programme, digests, the window's check-ins). ``facts``:
    those stored with the state, used when they were computed today from the same records;
    otherwise they are computed again."""
    if reads.programme is None:
        return None
    programme = programme_from(*reads.programme)
    if stored.inputs != _inputs(programme) or stored.through > today:
        return None
    start = programme.start_day
    window_from = today - timedelta(days=_WINDOW_DAYS)
    if (
        stored.engine.baseline is None  # the baseline phase reads back over several days
        or stored.through < start + timedelta(days=6)  # the first week's pain is not complete
        or stored.through - timedelta(days=1) < window_from  # the engine reads the day before
    ):
        return None
    # The state is stored _LAG_DAYS behind today, so a check-in for any of the last days
    # (sent late, or sent again) resumes too; the days after it are stepped on every refresh.
    # (``end`` below is today or yesterday, so it never comes before this day.)
    through = max(stored.through, today - timedelta(days=_LAG_DAYS))
    if reads.days != (stored.through, through):
        return None  # the digests were not taken up to these days (an unreadable state)
    covered, kept_digest = reads.digests
    if reads.keyless or covered != stored.checkins:
        return None  # a check-in of a decided day was added, corrected or voided
    recent: list[CheckIn] = []
    for key, payload in reads.recent:
        checkin = checkin_from_payload(payload)
        if key != checkin.day.isoformat():
            return None
        recent.append(checkin)
    recent.sort(key=lambda c: c.day)
    by_day = {c.day: c for c in recent if c.day <= today}
    if not any(d < today for d in by_day):
        return None  # the last check-in (or the missed-days streak) reaches past the window
    end = today if today in by_day else today - timedelta(days=1)
    if end < stored.through:
        return None
    kept = _stepped(stored, programme, by_day, through)
    latest = _stepped(kept, programme, by_day, end)
    kept = replace(kept, checkins=kept_digest)
    if facts is None or facts.sources != reads.sources or facts.computed_on != today:
        facts = _record_facts(uow, patient.id, today, reads.sources)
    return _summary_from(patient, today, programme, latest, recent, facts), kept, facts


def _reads(uow: UnitOfWork, patient_id: str, today: date) -> SummaryReads:
    """The stored state and what resuming it reads, in one go (``RecordRepository
    .summary_reads``): the programme, the check-in digests up to the state's day and a
    week behind today, the other records' digest, the window's check-ins."""
    return uow.records.summary_reads(
        patient_id=patient_id,
        kind=RecordKind.CHECKIN,
        programme=(RecordKind.ACTIVITY, PROGRAMME_KEY),
        others=_SUMMARY_KINDS,
        lag_day=today - timedelta(days=_LAG_DAYS),
        window_from=today - timedelta(days=_WINDOW_DAYS),
    )


def _record_facts(uow: UnitOfWork, patient_id: str, today: date, sources: str) -> RecordFacts:
    """What the summary reads from the outcome, schedule and red-flag records (one query)."""
    uow.records.prefetch(kinds=_SUMMARY_KINDS, patient_id=patient_id)
    outcomes, responders, phq4 = load_outcomes(uow, patient_id)
    alerts = record_alerts(
        responders=responders, red_flags=load_red_flags(uow, patient_id), phq4=phq4
    )
    return RecordFacts(
        sources=sources,
        computed_on=today,
        alerts=tuple(alerts),
        function_trend=_function_trend(outcomes),
        schedule=schedule_of(uow, patient_id),
    )


def _stepped(
    state: SummaryState, programme: Programme, by_day: Mapping[date, CheckIn], end: date
) -> SummaryState:
    """``state`` with the engine stepped over the days after its own up to ``end``."""
    decisions, engine = replay_engine(
        state.engine,
        programme.policy(),
        by_day,
        first=state.through + timedelta(days=1),
        end=end,
        replans=programme.replans,
    )
    facts = state.facts
    for decision in decisions:
        facts = facts.add(decision, keep=_KEEP_REVIEWS)
    tail = (*state.tail, *((d.day, d.quota_after) for d in decisions))[-2:]
    return replace(state, through=max(end, state.through), engine=engine, facts=facts, tail=tail)


def _summary_from(
    patient: Patient,
    today: date,
    programme: Programme,
    state: SummaryState,
    recent: Sequence[CheckIn],
    facts: RecordFacts,
) -> PatientSummary:
    """``compute_summary``'s answer from the state, the window's check-ins (``recent``) and
    the facts of the other records."""
    start = programme.start_day
    by_day = {c.day: c for c in recent if c.day <= today}
    alerts = evaluate_alerts(
        today=today,
        episode_start=start,
        checkins=by_day,
        facts=state.facts,
        recorded=facts.alerts,
    )
    yesterday = today - timedelta(days=1)
    quota = next((q for d, q in state.tail if d == yesterday), None)
    pain = [
        *state.first_week,
        *((c.day, c.pain_now) for c in recent if not 0 <= (c.day - start).days < 7),
    ]
    return PatientSummary(
        patient_id=patient.id,
        computed_on=today,
        quota=quota if quota is not None else state.tail[-1][1],
        unit=programme.unit,
        last_checkin=max(by_day),
        adherence_7=adherence(by_day.keys(), start=start, today=today, days=7),
        adherence_28=adherence(by_day.keys(), start=start, today=today, days=28),
        alerts=tuple(SummaryAlert(a.code, a.severity.value, a.message) for a in alerts),
        next_review=next_review(facts.schedule, today),
        pain_trend=pain_trend(pain, start=start, today=today),
        function_trend=facts.function_trend,
    )


def refresh_summaries(uow: UnitOfWork, patient_ids: Iterable[str], today: date) -> None:
    """Recompute and store the summaries of ``patient_ids`` inside the caller's transaction."""
    for patient_id in sorted(set(patient_ids)):
        patient = uow.patients.get(patient_id)
        if patient is None:
            continue
        _refresh(uow, patient, today)


def _refresh(uow: UnitOfWork, patient: Patient, today: date) -> None:
    summary, state, facts = _safe_summary(uow, patient, today)
    stored = None
    if state is not None:
        stored = state.to_json()
        if facts is not None:
            stored[_FACTS_KEY] = facts.to_json()
    uow.summaries.put(summary, clinic_id=patient.clinic_id, state=stored)


def _safe_summary(
    uow: UnitOfWork, patient: Patient, today: date
) -> tuple[PatientSummary, SummaryState | None, RecordFacts | None]:
    """The summary (resumed from the stored state when it vouches for the answer, else
    replayed), or (logged) one marked out of date when a record cannot be read: a derived view
    must never block the write that stored the record, nor the whole caseload."""
    try:
        reads = _reads(uow, patient.id, today)
        stored = reads.state
        state = SummaryState.from_json(stored) if stored else None
        raw = stored.get(_FACTS_KEY) if stored else None
        facts = RecordFacts.from_json(raw) if isinstance(raw, Mapping) else None
        resumed = _resumed(uow, patient, today, state, reads, facts) if state is not None else None
        if resumed is not None:
            return resumed
        summary, state = _replayed(uow, patient, today)
        return summary, state, None
    except Exception:  # any unreadable record; the row is retried on the next read
        log.exception("caseload summary of patient %s could not be computed", patient.id)
        return PatientSummary(patient.id, computed_on=_NOT_COMPUTED), None, None


def _refresh_stale(uow: UnitOfWork, clinic_id: int, today: date) -> int:
    stale = uow.summaries.stale(clinic_id=clinic_id, today=today)
    for patient in stale:
        _refresh(uow, patient, today)
    return len(stale)


@operation(Access.CLINICIAN, audit="caseload.read")
def caseload(
    call: Call,
    *,
    where: CaseloadFilter | None = None,
    sort: CaseloadSort = CaseloadSort.URGENCY,
    descending: bool = False,
) -> list[CaseloadEntry]:
    """The clinician's own clinic's patients with their summaries, filtered and sorted."""
    where = where or CaseloadFilter()
    today = call.ctx.clock.today()
    clinic_id = call.actor.clinic_id
    refreshed = _refresh_stale(call.uow, clinic_id, today)
    rows = call.uow.summaries.caseload(
        clinic_id=clinic_id, today=today, where=where, sort=sort, descending=descending
    )
    call.audit_detail.update(
        patients=len(rows), sort=sort.value, refreshed=refreshed, searched=bool(where.query)
    )
    return [
        CaseloadEntry(patient, summary or PatientSummary(patient.id, today))
        for patient, summary in rows
        if patient.clinic_id == clinic_id  # defence in depth: the query is clinic-scoped
    ]


@scheduled("caseload.refresh", every_s=3600)
def refresh_stale_summaries(ctx: ServiceContext) -> dict[str, int]:
    """Recompute every clinic's summaries that are not for today (a day has passed)."""
    today = ctx.clock.today()
    done = 0
    with ctx.uow_factory() as uow:
        for clinic in uow.clinics.list():
            done += _refresh_stale(uow, clinic.id, today)
        uow.commit()
    return {"refreshed": done}
