"""Treatment session notes in care: one SESSION record per visit day (natural key
``session:<date>``), every save and the signature a new version with a reason; an edit after
signing clears the signature. Re-tests are appended to the examination (its history keeps
every version), so the clinical picture and the examination tab see them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from painpath.domain.access import Access
from painpath.domain.assessment.intake import examination_from_mapping
from painpath.domain.errors import Conflict, InvalidInput, NotFound
from painpath.domain.planning.sessions import SessionNote, session_from_mapping, session_to_mapping
from painpath.domain.records import RecordKind, RecordVersion
from painpath.services.assessment.codec import finding_to_mapping
from painpath.services.assessment.records import EXAM_KEY, current_record, store_record
from painpath.services.context import Call, operation

__all__ = ["SessionView", "list_sessions", "save_session", "session_history", "sign_session"]


@dataclass(frozen=True)
class SessionView:
    note: SessionNote
    record_id: str
    version: int
    signed_by: str | None
    signed_at: datetime | None
    created_at: datetime
    change_reason: str | None

    @classmethod
    def of(cls, record: RecordVersion) -> SessionView:
        payload = record.payload
        signed_at = payload.get("signed_at")
        note = session_from_mapping(payload, episode_start=None, today=None)
        return cls(
            note=note,
            record_id=record.record_id,
            version=record.version,
            signed_by=payload.get("signed_by") or None,
            signed_at=datetime.fromisoformat(signed_at) if signed_at else None,
            created_at=record.created_at,
            change_reason=record.change_reason,
        )


def _episode_start(call: Call, patient_id: str) -> date | None:
    episodes = [e for e in call.uow.episodes.for_patient(patient_id) if e.discharged_on is None]
    return min((e.started_on for e in episodes), default=None)


def _key(note: SessionNote) -> str:
    return f"session:{note.visit_date.isoformat()}"


def _add_retests(call: Call, note: SessionNote) -> int:
    if not note.retests:
        return 0
    current = current_record(call, RecordKind.EXAMINATION, EXAM_KEY, call.the_patient.id)
    existing = list(current.payload.get("findings") or []) if current else []
    data = {
        **(current.payload if current else {}),
        "findings": existing
        + [finding_to_mapping(r.finding(note.visit_date)) for r in note.retests],
    }
    examination_from_mapping(data)
    store_record(
        call,
        RecordKind.EXAMINATION,
        EXAM_KEY,
        data,
        expected_version=None,
        reason=f"{len(note.retests)} re-test(s) from the visit on {note.visit_date.isoformat()}",
        meta={"last_source": "session"},
    )
    return len(note.retests)


@operation(Access.PATIENT_CLINICAL, audit="session.save")
def save_session(
    call: Call,
    *,
    patient_id: str,
    note: Mapping[str, Any],
    expected_version: int | None = None,
    reason: str = "",
) -> SessionView:
    """Store the note of a visit: version 1, or an edit of that day's note (name its version;
    a reason is required). Re-tests join the examination. ``InvalidInput`` names the field."""
    parsed = session_from_mapping(
        note, episode_start=_episode_start(call, patient_id), today=call.ctx.clock.today()
    )
    current = current_record(call, RecordKind.SESSION, _key(parsed), patient_id)
    if current is not None and expected_version is None:
        raise Conflict(
            f"there is already a note for the visit on {parsed.visit_date.isoformat()}; "
            "open it and edit it"
        )
    if current is not None and not reason.strip():
        raise InvalidInput("an edit of a session note needs a reason")
    record = store_record(
        call,
        RecordKind.SESSION,
        _key(parsed),
        session_to_mapping(parsed),
        expected_version=expected_version,
        reason=reason.strip() or "session note written",
        meta={},
    )
    added = _add_retests(call, parsed)
    call.audit_detail.update(record_id=record.record_id, version=record.version, retests=added)
    return SessionView.of(record)


def _session(call: Call, patient_id: str, record_id: str) -> RecordVersion:
    try:
        current = call.uow.records.current(record_id)
    except NotFound:
        raise NotFound("no such session note") from None
    if current.patient_id != patient_id or current.kind is not RecordKind.SESSION:
        raise NotFound("no such session note")
    return current


@operation(Access.PATIENT_CLINICAL, audit="session.sign")
def sign_session(
    call: Call, *, patient_id: str, record_id: str, expected_version: int
) -> SessionView:
    current = _session(call, patient_id, record_id)
    if current.payload.get("signed_by") and expected_version == current.version:
        raise Conflict(f"version {current.version} is already signed")
    payload = {
        **current.payload,
        "signed_by": call.actor.name,
        "signed_at": call.ctx.clock.now().isoformat(),
    }
    record = call.uow.records.revise(
        record_id,
        expected_version=expected_version,
        payload=payload,
        reason=f"signed by {call.actor.name}",
        created_by=call.actor.user_id,
    )
    call.audit_detail.update(record_id=record_id, version=record.version)
    return SessionView.of(record)


@operation(Access.PATIENT_CLINICAL, audit="session.list")
def list_sessions(call: Call, *, patient_id: str) -> list[SessionView]:
    """The patient's visits, newest first (the chart's timeline)."""
    records = call.uow.records.list_current(kind=RecordKind.SESSION, patient_id=patient_id)
    views = [SessionView.of(r) for r in records if not r.voided]
    return sorted(views, key=lambda v: v.note.visit_date, reverse=True)


@operation(Access.PATIENT_CLINICAL, audit="session.history")
def session_history(call: Call, *, patient_id: str, record_id: str) -> list[SessionView]:
    _session(call, patient_id, record_id)
    return [SessionView.of(v) for v in call.uow.records.history(record_id)]
