"""Submitting, correcting and voiding responses (append-only), and the form a patient fills in."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from painpath.adapters.instrument_catalogue import get_instrument
from painpath.domain.access import Access
from painpath.domain.accounts import Role
from painpath.domain.errors import InvalidAnswers, InvalidInput, NotFound, PermissionDenied
from painpath.domain.outcomes.instruments import Instrument, WordingPack, score
from painpath.domain.records import RecordKind, RecordVersion
from painpath.services.context import Call, operation
from painpath.services.questionnaires._common import (
    IncompleteAnswers,
    QuestionnaireForm,
    ResponseView,
    current_responses,
    form_wording,
    instrument_or_404,
    open_episode_id,
    schedule_points,
)


def check_answers(
    instrument: Instrument,
    answers: Sequence[int | None],
    *,
    allow_missing: bool = False,
    not_applicable: Sequence[int] = (),
) -> dict[int, str]:
    """Item number -> a plain description of what is wrong with that answer (empty = fine).

    Missing answers are problems unless ``allow_missing`` (a clinician entering a paper form
    with gaps; the missing-item rule of the instrument then decides if it can be scored). An
    item marked "not applicable" (where the form allows it) is answered, not missing.
    """
    problems: dict[int, str] = {}
    count = len(answers)
    fewest, most = instrument.fewest_answers, len(instrument.items)
    if not fewest <= count <= most:
        expected = str(most) if fewest == most else f"{fewest} to {most}"
        raise InvalidAnswers(f"{instrument.name}: expected {expected} answers, got {count}")
    skipped = set(not_applicable)
    for item, answer in zip(instrument.items, answers, strict=False):
        where = f"item {item.number} ({item.label})"
        if item.number in skipped:
            if not item.not_applicable:
                problems[item.number] = f"{where}: this question cannot be marked not applicable"
            elif answer is not None:
                problems[item.number] = f"{where}: choose an answer or not applicable, not both"
            continue
        if answer is None:
            if not allow_missing:
                problems[item.number] = f"{where}: please choose an answer"
        elif isinstance(answer, bool) or item.option_for(answer) is None:
            allowed = ", ".join(str(v) for v in item.values)
            problems[item.number] = f"{where}: {answer!r} is not one of the choices ({allowed})"
    return problems


def _raise_problems(instrument: Instrument, problems: Mapping[int, str]) -> None:
    if problems:
        raise IncompleteAnswers(
            f"{instrument.name}: " + "; ".join(problems[n] for n in sorted(problems)), problems
        )


def _check_activities(
    instrument: Instrument, answers: Sequence[int | None], names: Sequence[str]
) -> list[str]:
    """PSFS: one named activity per rating; other instruments take none."""
    cleaned = [n.strip()[:120] for n in names if n.strip()]
    if instrument.min_answers is None:
        return []
    if len(cleaned) != len(answers):
        raise IncompleteAnswers(
            f"{instrument.name}: name {instrument.fewest_answers} to {len(instrument.items)} "
            f"activities and rate each one (got {len(cleaned)} names, {len(answers)} ratings)",
            {},
        )
    return cleaned


def _completed_on(call: Call, completed_on: date | None) -> date:
    today = call.ctx.clock.today()
    day = completed_on or today
    if day > today:
        raise InvalidInput("the completion date cannot be in the future")
    if day < date(2000, 1, 1):
        raise InvalidInput("the completion date is too far in the past")
    return day


def _payload(
    instrument: Instrument,
    answers: Sequence[int | None],
    day: date,
    role: str,
    not_applicable: Sequence[int] = (),
) -> dict[str, Any]:
    result = score(instrument, answers, not_applicable=not_applicable)
    return {
        "instrument": instrument.id,
        "answers": list(answers),
        "valid": result.valid,
        "total": result.total,
        "subscales": dict(result.subscales),
        "band": result.band,
        "missing": list(result.missing),
        "messages": list(result.messages),
        "completed_on": day.isoformat(),
        "entered_by_role": role,
        "not_applicable": list(result.not_applicable),
    }


def _meta(names: Sequence[str], wording: WordingPack | None) -> dict[str, Any] | None:
    """PSFS activities, and which wording the patient answered (a clinician's entry is the
    paper form): the pack version and licence, and whether it was placeholder text."""
    meta: dict[str, Any] = {}
    if names:
        meta["activities"] = list(names)
    if wording is not None:
        meta["wording"] = {
            "version": wording.version,
            "licence_reference": wording.licence_reference,
            "placeholder": wording.placeholder,
        }
    return meta or None


@operation(Access.PATIENT_SELF_REPORT, audit="response.submit")
def submit_response(
    call: Call,
    *,
    patient_id: str,
    instrument_id: str,
    answers: Sequence[int | None],
    completed_on: date | None = None,
    activities: Sequence[str] = (),
    allow_missing: bool = False,
    not_applicable: Sequence[int] = (),
) -> ResponseView:
    """Validate every answer, score it with the generic scorer and store the response.

    Raises IncompleteAnswers (an InvalidAnswers) naming each item with a problem. A patient may
    submit only an instrument whose wording they can read (published or a wording pack):
    answers to topic summaries are not the questionnaire.
    """
    instrument = get_instrument(instrument_id)
    wording = form_wording(call.uow, instrument, call.the_patient.clinic_id)
    by_patient = call.actor.role is Role.PATIENT
    if by_patient and wording is None:
        raise PermissionDenied(
            "this questionnaire cannot be filled in here; your physiotherapist will give it "
            "to you on paper"
        )
    problems = check_answers(
        instrument, answers, allow_missing=allow_missing, not_applicable=not_applicable
    )
    _raise_problems(instrument, problems)
    names = _check_activities(instrument, answers, activities)
    day = _completed_on(call, completed_on)
    record = call.uow.records.add(
        kind=RecordKind.RESPONSE,
        patient_id=patient_id,
        episode_id=open_episode_id(call, patient_id),
        payload=_payload(instrument, answers, day, call.actor.role.value, not_applicable),
        meta=_meta(names, wording if by_patient else None),
        created_by=call.actor.user_id,
    )
    call.audit_detail.update(record_id=record.record_id, instrument_id=instrument.id)
    return ResponseView.of(record)


def _response_record(call: Call, patient_id: str, record_id: str) -> RecordVersion:
    try:
        record = call.uow.records.current(record_id)
    except NotFound:
        raise NotFound("no such questionnaire response") from None
    if record.patient_id != patient_id or record.kind is not RecordKind.RESPONSE:
        raise NotFound("no such questionnaire response")
    return record


@operation(Access.PATIENT_CLINICAL, audit="response.correct")
def correct_response(
    call: Call,
    *,
    patient_id: str,
    record_id: str,
    expected_version: int,
    answers: Sequence[int | None],
    reason: str,
    completed_on: date | None = None,
    activities: Sequence[str] | None = None,
    not_applicable: Sequence[int] | None = None,
) -> ResponseView:
    """A corrected version of a response (re-scored); the old version stays in the history.

    ``not_applicable`` None keeps the items the response marked not applicable."""
    current = ResponseView.of(_response_record(call, patient_id, record_id))
    instrument = get_instrument(current.instrument_id)
    skipped = current.not_applicable if not_applicable is None else tuple(not_applicable)
    _raise_problems(
        instrument,
        check_answers(instrument, answers, allow_missing=True, not_applicable=skipped),
    )
    names = _check_activities(
        instrument, answers, current.activities if activities is None else activities
    )
    day = _completed_on(call, completed_on or current.completed_on)
    record = call.uow.records.revise(
        record_id,
        expected_version=expected_version,
        payload=_payload(instrument, answers, day, current.entered_by_role, skipped),
        reason=reason,
        created_by=call.actor.user_id,
        # a correction keeps the record of which wording the patient answered
        meta={
            **({"activities": names} if names else {}),
            **({"wording": dict(current.wording)} if current.wording else {}),
        },
    )
    call.audit_detail.update(record_id=record_id, version=record.version, fields=["reason"])
    return ResponseView.of(record)


@operation(Access.PATIENT_CLINICAL, audit="response.void")
def void_response(
    call: Call, *, patient_id: str, record_id: str, expected_version: int, reason: str
) -> None:
    """Void a response entered in error (it stays in the store, marked void, with the reason)."""
    _response_record(call, patient_id, record_id)
    call.uow.records.void(
        record_id, expected_version=expected_version, reason=reason, by=call.actor.user_id
    )
    call.audit_detail.update(record_id=record_id, fields=["reason"])


@operation(Access.PATIENT_READ, audit="response.list")
def list_responses(
    call: Call, *, patient_id: str, instrument_id: str | None = None
) -> list[ResponseView]:
    """Current (not voided) responses, oldest first."""
    views = current_responses(call, patient_id)
    return [v for v in views if instrument_id is None or v.instrument_id == instrument_id]


def _intake_goals(call: Call, patient_id: str) -> tuple[str, ...]:
    intakes = call.uow.records.list_current(
        kind=RecordKind.INTAKE, patient_id=patient_id, newest_first=True
    )
    for record in intakes:
        goals = record.payload.get("goals") or []
        names = [g.get("name") for g in goals if isinstance(g, Mapping)]
        if names:
            return tuple(str(n) for n in names if n)[:5]
    return ()


@operation(Access.PATIENT_READ)
def questionnaire_form(call: Call, *, patient_id: str, instrument_id: str) -> QuestionnaireForm:
    """What a form for this instrument needs: is it assigned, the wording patients may read
    (None: paper only), and PSFS activities to prefill."""
    instrument = instrument_or_404(instrument_id)
    assignments = call.uow.records.list_current(kind=RecordKind.ASSIGNMENT, patient_id=patient_id)
    assigned = instrument.id in schedule_points(assignments)
    activities: tuple[str, ...] = ()
    if instrument.min_answers is not None:
        previous = [
            v for v in current_responses(call, patient_id) if v.instrument_id == instrument.id
        ]
        activities = previous[-1].activities if previous else _intake_goals(call, patient_id)
    wording = form_wording(call.uow, instrument, call.the_patient.clinic_id)
    return QuestionnaireForm(instrument, assigned, activities, wording)
