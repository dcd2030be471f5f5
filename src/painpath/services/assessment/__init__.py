"""Assessment in care: intake and examination records, the clinical picture, and the plan
from draft through edits to signature.

Records (append-only store, one current version each, natural key = the kind):

* INTAKE: the case-schema ``intake`` mapping (``docs/clinical/case-schema.md``); the patient may
  fill it themself (history, red-flag questions); age and sex come from the patient record.
* EXAMINATION: ``{"findings": [...]}`` in the case schema; video analysis appends findings.
* PLAN: the plan as data. One plan record per patient; every draft, edit and signature is a
  new version with a reason (optimistic locking). The patient sees the newest *signed* version
  (``services.assessment_program``), so an unsigned edit never reaches the phone.

The picture reads the latest valid questionnaire response per instrument (RESPONSE records of
``services.questionnaires``) at the moment it is viewed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from painpath.domain.access import Access
from painpath.domain.accounts import Role
from painpath.domain.assessment.findings import Finding, FindingSource
from painpath.domain.assessment.intake import examination_from_mapping, intake_from_mapping
from painpath.domain.assessment.intake_edits import merge_intake_edit
from painpath.domain.errors import InvalidInput
from painpath.domain.records import RecordKind, RecordVersion
from painpath.services.assessment.codec import (
    finding_to_mapping,
    json_ready,
    picture_to_data,
    plan_to_payload,
)
from painpath.services.assessment.library import (
    LibraryPage,
    add_custom_exercise,
    custom_image,
    exercise_library,
    exercise_names,
    parse_query,
)
from painpath.services.assessment.plans import (
    ExerciseChoice,
    PlanEdits,
    PlanView,
    current_plan,
    draft_plan,
    edit_plan,
    plan_history,
    save_plan,
    sign_plan,
)
from painpath.services.assessment.program import HomeProgram, LessonView, home_program, lesson
from painpath.services.assessment.records import (
    EXAM_KEY,
    INTAKE_KEY,
    PictureView,
    build_picture,
    current_record,
    store_record,
)
from painpath.services.assessment.sessions import (
    SessionView,
    list_sessions,
    save_session,
    session_history,
    sign_session,
)
from painpath.services.context import Call, operation

__all__ = [
    "ExerciseChoice",
    "HomeProgram",
    "LessonView",
    "LibraryPage",
    "PictureView",
    "PlanEdits",
    "PlanView",
    "SessionView",
    "add_custom_exercise",
    "add_findings",
    "clinical_picture",
    "current_plan",
    "custom_image",
    "draft_plan",
    "edit_plan",
    "exercise_library",
    "exercise_names",
    "get_examination",
    "get_intake",
    "home_program",
    "lesson",
    "list_sessions",
    "parse_query",
    "picture_to_data",
    "plan_history",
    "plan_to_payload",
    "save_examination",
    "save_intake",
    "save_plan",
    "save_session",
    "session_history",
    "sign_plan",
    "sign_session",
]


# ---------------------------------------------------------------- intake and examination


def _with_patient_facts(call: Call, raw: Mapping[str, Any]) -> dict[str, Any]:
    """Age and sex come from the patient record unless the intake gives them."""
    patient = call.the_patient
    data = dict(raw)
    age = patient.age_on(call.ctx.clock.today())
    if data.get("age") in (None, "") and age is not None:
        data["age"] = age
    if data.get("sex") in (None, "") and patient.sex is not None:
        data["sex"] = patient.sex.value
    return data


@operation(Access.PATIENT_SELF_REPORT, audit="intake.save")
def save_intake(
    call: Call,
    *,
    patient_id: str,
    intake: Mapping[str, Any],
    expected_version: int | None = None,
    reason: str = "",
    managed: frozenset[str] | None = None,
) -> RecordVersion:
    """Validate (``intake_from_mapping``: ``InvalidCase`` names the field) and store.
    ``managed``: the fields the submitting form shows (``"pattern.night_pain"``: one
    sub-field); the stored version's other fields are kept (``intake_edits``). A patient's
    save keeps the clinician-only fields (skip reasons) as recorded."""
    current = current_record(call, RecordKind.INTAKE, INTAKE_KEY, patient_id)
    merged = merge_intake_edit(
        None if current is None else current.payload,
        intake,
        managed=managed,
        by_patient=call.actor.role is Role.PATIENT,
    )
    data = json_ready(_with_patient_facts(call, merged), "intake")
    intake_from_mapping(data)
    meta = {"entered_by_role": call.actor.role.value}
    record = store_record(
        call,
        RecordKind.INTAKE,
        INTAKE_KEY,
        data,
        expected_version=expected_version,
        reason=reason,
        meta=meta,
    )
    call.audit_detail.update(record_id=record.record_id, version=record.version)
    return record


@operation(Access.PATIENT_SELF_REPORT, audit="intake.read")
def get_intake(call: Call, *, patient_id: str) -> RecordVersion | None:
    return current_record(call, RecordKind.INTAKE, INTAKE_KEY, patient_id)


@operation(Access.PATIENT_CLINICAL, audit="examination.read")
def get_examination(call: Call, *, patient_id: str) -> RecordVersion | None:
    return current_record(call, RecordKind.EXAMINATION, EXAM_KEY, patient_id)


def _video_findings(current: RecordVersion | None) -> list[Any]:
    if current is None:
        return []
    findings = current.payload.get("findings") or []
    return [f for f in findings if f.get("source") == FindingSource.VIDEO.value]


@operation(Access.PATIENT_CLINICAL, audit="examination.save")
def save_examination(
    call: Call,
    *,
    patient_id: str,
    examination: Mapping[str, Any],
    expected_version: int | None = None,
    reason: str = "",
    keep_video_findings: bool = False,
) -> RecordVersion:
    """Store the examination. ``keep_video_findings``: the clinician's form edits only their
    own findings, so findings that came from video analysis are carried over."""
    data = json_ready(examination, "examination")
    if keep_video_findings:
        current = current_record(call, RecordKind.EXAMINATION, EXAM_KEY, patient_id)
        data["findings"] = list(data.get("findings") or []) + _video_findings(current)
    examination_from_mapping(data)
    record = store_record(
        call,
        RecordKind.EXAMINATION,
        EXAM_KEY,
        data,
        expected_version=expected_version,
        reason=reason,
        meta={},
    )
    call.audit_detail.update(record_id=record.record_id, version=record.version)
    return record


@operation(Access.PATIENT_CLINICAL, audit="examination.add_findings")
def add_findings(
    call: Call, *, patient_id: str, findings: list[Finding], source: str
) -> RecordVersion:
    """Append findings (e.g. from a video analysis job) to the current examination."""
    if not findings:
        raise InvalidInput("no findings to add")
    current = current_record(call, RecordKind.EXAMINATION, EXAM_KEY, patient_id)
    existing = list(current.payload.get("findings") or []) if current else []
    data = {
        **(current.payload if current else {}),
        "findings": existing + [finding_to_mapping(f) for f in findings],
    }
    examination_from_mapping(data)
    record = store_record(
        call,
        RecordKind.EXAMINATION,
        EXAM_KEY,
        data,
        expected_version=None,
        reason=f"{len(findings)} finding(s) added from {source}",
        meta={"last_source": source},
    )
    # ``source`` is a description ("video job 7"); the log takes the findings' source codes.
    call.audit_detail.update(
        record_id=record.record_id,
        source=sorted({f.source.value for f in findings}),
        added=len(findings),
    )
    return record


# ---------------------------------------------------------------- the clinical picture


@operation(Access.PATIENT_CLINICAL, audit="picture.read")
def clinical_picture(call: Call, *, patient_id: str) -> PictureView:
    """Latest intake + examination + scores -> ``evaluate_case``; NotFound without an intake."""
    view = build_picture(call, patient_id)
    call.audit_detail["blocked"] = view.blocked
    return view
