"""Outcome changes, PHQ-4 screen and red flags read from stored records for the progress summary.

RESPONSE payloads (written by the questionnaire service): ``{"instrument", "answers", "valid",
"total", "subscales", "band", "missing", "messages", "completed_on", "entered_by_role"}``.
Red flags: the latest INTAKE and EXAMINATION screened by the assessment's red-flag rules
(``load_red_flags``); no intake, nothing to report. Change is judged with the instrument's own
MCID and MDC from the catalogue.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from painpath.adapters.instrument_catalogue import get_instrument
from painpath.domain.assessment.intake import examination_from_mapping, intake_from_mapping
from painpath.domain.assessment.reasoning import screen
from painpath.domain.assessment.screening import RED_FLAG_QUESTIONS, RedFlag, evaluate_red_flags
from painpath.domain.errors import InvalidInput, PainPathError
from painpath.domain.outcomes.alerts import Phq4Screen
from painpath.domain.outcomes.instruments import Direction, Instrument, interpret_change, responder
from painpath.domain.outcomes.tracking import ResponderResult, evaluate_responder
from painpath.domain.ports import UnitOfWork
from painpath.domain.records import RecordKind, RecordVersion

__all__ = ["OutcomeChange", "load_feared_activities", "load_outcomes", "load_red_flags"]


@dataclass(frozen=True)
class OutcomeChange:
    """One instrument's course: its totals over time and the change from first to latest."""

    instrument: str
    name: str
    direction: str
    series: tuple[tuple[date, float], ...]
    baseline: float
    latest: float
    category: str | None  # improved | worsened | within measurement error | ... (None: no MCID)
    responder: bool | None
    explanation: str


@dataclass(frozen=True)
class _Like:
    """The view of an instrument that ``domain.outcomes.evaluate_responder`` reads."""

    id: str
    direction: str
    mcid: float | None
    mdc: float | None


def _completed_on(record: RecordVersion) -> date:
    raw = record.payload.get("completed_on")
    try:
        return date.fromisoformat(str(raw)[:10]) if raw else record.created_at.date()
    except ValueError:
        return record.created_at.date()


def _valid_totals(uow: UnitOfWork, patient_id: str) -> dict[str, list[tuple[date, RecordVersion]]]:
    by_instrument: dict[str, list[tuple[date, RecordVersion]]] = {}
    for record in uow.records.list_current(kind=RecordKind.RESPONSE, patient_id=patient_id):
        p = record.payload
        if not p.get("valid") or p.get("total") is None or not p.get("instrument"):
            continue
        by_instrument.setdefault(str(p["instrument"]), []).append((_completed_on(record), record))
    for rows in by_instrument.values():
        rows.sort(key=lambda r: (r[0], r[1].created_at))
    return by_instrument


def _change(instrument: Instrument, series: list[tuple[date, float]]) -> OutcomeChange:
    first, last = series[0][1], series[-1][1]
    category: str | None = None
    is_responder: bool | None = None
    explanation = "Only one measurement so far."
    if len(series) > 1:
        try:
            change = interpret_change(instrument, first, last)
            category, explanation = change.category.value, change.explanation
            is_responder = responder(instrument, first, last)
        except InvalidInput:
            explanation = f"{instrument.name}: no important-change threshold is on file."
    return OutcomeChange(
        instrument=instrument.id,
        name=instrument.name,
        direction=instrument.direction.value,
        series=tuple(series),
        baseline=first,
        latest=last,
        category=category,
        responder=is_responder,
        explanation=explanation,
    )


def _responder_result(instrument: Instrument, first: float, last: float) -> ResponderResult:
    like = _Like(
        id=instrument.id,
        direction=(
            "lower_is_better"
            if instrument.direction is Direction.LOWER_BETTER
            else "higher_is_better"
        ),
        mcid=instrument.mcid.value if instrument.mcid else None,
        mdc=instrument.mdc.value if instrument.mdc else None,
    )
    return evaluate_responder(like, baseline=first, latest=last)


def _phq4(rows: list[tuple[date, RecordVersion]]) -> Phq4Screen | None:
    subscales: Mapping[str, Any] = rows[-1][1].payload.get("subscales") or {}
    anxiety, depression = subscales.get("anxiety"), subscales.get("depression")
    if anxiety is None or depression is None:
        return None
    try:
        return Phq4Screen(anxiety=round(float(anxiety)), depression=round(float(depression)))
    except InvalidInput:
        return None


def load_outcomes(
    uow: UnitOfWork, patient_id: str
) -> tuple[list[OutcomeChange], list[ResponderResult], Phq4Screen | None]:
    """Per instrument the change first -> latest, responder results for alerts, latest PHQ-4."""
    changes: list[OutcomeChange] = []
    responders: list[ResponderResult] = []
    phq4: Phq4Screen | None = None
    for instrument_id, rows in sorted(_valid_totals(uow, patient_id).items()):
        if instrument_id == "phq-4":
            phq4 = _phq4(rows)
        try:
            instrument = get_instrument(instrument_id)
        except PainPathError:
            continue  # a response to an instrument no longer in the catalogue
        series = [(day, float(r.payload["total"])) for day, r in rows]
        changes.append(_change(instrument, series))
        if len(series) > 1 and (instrument.mcid or instrument.mdc):
            responders.append(_responder_result(instrument, series[0][1], series[-1][1]))
    return changes, responders, phq4


def _latest_intake(uow: UnitOfWork, patient_id: str) -> Mapping[str, Any]:
    intakes = uow.records.list_current(
        kind=RecordKind.INTAKE, patient_id=patient_id, newest_first=True
    )
    return intakes[0].payload if intakes else {}


def load_feared_activities(uow: UnitOfWork, patient_id: str) -> dict[str, int]:
    """The intake's ``feared_activities`` [{name, fear 0-100}]: a first draft of the ladder."""
    found: dict[str, int] = {}
    raw = _latest_intake(uow, patient_id).get("feared_activities")
    for item in raw if isinstance(raw, list) else []:
        if isinstance(item, Mapping) and str(item.get("name", "")).strip():
            try:
                found[str(item["name"]).strip()] = round(float(item.get("fear", 50)))
            except (TypeError, ValueError):
                continue
    return found


def _latest(uow: UnitOfWork, kind: RecordKind, patient_id: str) -> Mapping[str, Any]:
    rows = uow.records.list_current(kind=kind, patient_id=patient_id, newest_first=True)
    return rows[0].payload if rows else {}


def load_red_flags(uow: UnitOfWork, patient_id: str) -> tuple[RedFlag, ...]:
    """The red flags the assessment raises on the latest intake and examination: the same
    rules, context and urgency as the clinical picture (``reasoning.screen``). A stored intake
    that no longer validates is still screened on its red-flag answers alone, so a "yes"
    that a rule turns into a flag is never lost."""
    intake = _latest(uow, RecordKind.INTAKE, patient_id)
    if not intake:
        return ()
    try:
        examination = examination_from_mapping(_latest(uow, RecordKind.EXAMINATION, patient_id))
    except InvalidInput:
        examination = examination_from_mapping({})
    try:
        return screen(intake_from_mapping(intake), examination).red_flags
    except InvalidInput:
        raw = intake.get("red_flags")
        answers = raw if isinstance(raw, Mapping) else {}
        known = {q.id for q in RED_FLAG_QUESTIONS}
        facts = {str(k): v is True for k, v in answers.items() if k in known}
        return evaluate_red_flags(facts).red_flags


def load_pain_context(
    uow: UnitOfWork, patient_id: str
) -> tuple[str | None, float | None, tuple[str, ...]]:
    """(main pain area, weeks it had lasted at the intake, working diagnoses) from the latest
    intake and examination, for matching a published course of pain; unknown parts are None
    (or empty), and an intake that no longer validates gives (None, None, ())."""
    raw = _latest(uow, RecordKind.INTAKE, patient_id)
    if not raw:
        return None, None, ()
    try:
        intake = intake_from_mapping(raw)
    except InvalidInput:
        return None, None, ()
    try:
        examination = examination_from_mapping(_latest(uow, RecordKind.EXAMINATION, patient_id))
        presentations = tuple(p.value for p in examination.presentations)
    except InvalidInput:
        presentations = ()
    site = intake.primary_site
    weeks = site.duration_weeks if site.duration_weeks is not None else intake.duration_weeks
    return site.region.value, weeks, presentations
