"""Shared by the assessment services: the current record of a kind (one per patient, natural
key = the kind), saving a new version of it, and building the clinical picture from the store.
Internal to ``services.assessment*``; no operation lives here."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from painpath.domain.assessment.intake import examination_from_mapping, intake_from_mapping
from painpath.domain.assessment.reasoning import ClinicalPicture, evaluate_case
from painpath.domain.errors import NotFound
from painpath.domain.outcomes.instruments.result import ScoreResult
from painpath.domain.planning import referral_note
from painpath.domain.records import RecordKind, RecordVersion
from painpath.services.context import Call

__all__ = [
    "EXAM_KEY",
    "INTAKE_KEY",
    "PLAN_KEY",
    "PictureView",
    "build_picture",
    "current_record",
    "latest_scores",
    "store_record",
]

INTAKE_KEY = "intake"
EXAM_KEY = "examination"
PLAN_KEY = "plan"


def current_record(call: Call, kind: RecordKind, key: str, patient_id: str) -> RecordVersion | None:
    return call.uow.records.current_by_key(kind=kind, patient_id=patient_id, natural_key=key)


def store_record(
    call: Call,
    kind: RecordKind,
    key: str,
    payload: Mapping[str, Any],
    *,
    expected_version: int | None,
    reason: str,
    meta: Mapping[str, Any],
) -> RecordVersion:
    """Version 1, or a revision of the current record (optimistic locking when a version is
    named; without one, the caller saves over the version that is current now)."""
    patient_id = call.the_patient.id
    current = current_record(call, kind, key, patient_id)
    if current is None:
        return call.uow.records.add(
            kind=kind,
            patient_id=patient_id,
            payload=payload,
            created_by=call.actor.user_id,
            natural_key=key,
            meta=meta,
        )
    return call.uow.records.revise(
        current.record_id,
        expected_version=current.version if expected_version is None else expected_version,
        payload=payload,
        reason=reason.strip() or f"{kind.value} updated",
        created_by=call.actor.user_id,
        meta=meta,
    )


@dataclass(frozen=True)
class PictureView:
    picture: ClinicalPicture
    blocked: bool  # an urgent red flag: no plan, refer
    referral: str | None  # the referral note whenever any red flag is raised
    intake_record: RecordVersion
    exam_record: RecordVersion | None
    score_dates: Mapping[str, str] = field(default_factory=dict)  # instrument -> completed_on


def latest_scores(call: Call, patient_id: str) -> tuple[dict[str, ScoreResult], dict[str, str]]:
    """The latest valid response per instrument (newest ``completed_on`` wins)."""
    best: dict[str, tuple[str, ScoreResult]] = {}
    for record in call.uow.records.list_current(kind=RecordKind.RESPONSE, patient_id=patient_id):
        p = record.payload
        if not p.get("valid") or not p.get("instrument"):
            continue
        day = str(p.get("completed_on") or "")
        instrument = str(p["instrument"])
        if instrument in best and best[instrument][0] > day:
            continue
        best[instrument] = (
            day,
            ScoreResult(
                instrument=instrument,
                valid=True,
                total=p.get("total"),
                subscales=dict(p.get("subscales") or {}),
                band=p.get("band"),
                missing=tuple(p.get("missing") or ()),
                messages=tuple(p.get("messages") or ()),
            ),
        )
    return {k: v for k, (_, v) in best.items()}, {k: d for k, (d, _) in best.items()}


def build_picture(call: Call, patient_id: str) -> PictureView:
    intake_record = current_record(call, RecordKind.INTAKE, INTAKE_KEY, patient_id)
    if intake_record is None:
        raise NotFound("no intake has been recorded for this patient yet")
    exam_record = current_record(call, RecordKind.EXAMINATION, EXAM_KEY, patient_id)
    scores, dates = latest_scores(call, patient_id)
    picture = evaluate_case(
        intake_from_mapping(intake_record.payload),
        examination_from_mapping(exam_record.payload if exam_record else {}),
        scores,
        today=call.ctx.clock.today(),
    )
    referral = referral_note(picture) if picture.screening.red_flags else None
    return PictureView(
        picture=picture,
        blocked=picture.screening.blocks_planning,
        referral=referral,
        intake_record=intake_record,
        exam_record=exam_record,
        score_dates=dates,
    )
