"""Append-only clinical records: never overwritten, never deleted.

An edit writes a new version (with a reason) and retires the previous one; a mistake is
voided with a reason. Optimistic locking: an edit names the version it was based on, and is
refused if someone else changed the record in between. Records of a kind may carry a natural
key (the day of a check-in, say): at most one *current* version exists per key.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from painpath.domain.errors import Conflict, InvalidInput

__all__ = ["RecordKind", "RecordVersion", "check_edit", "check_void"]


class RecordKind(StrEnum):
    INTAKE = "intake"
    EXAMINATION = "examination"
    RESPONSE = "response"  # one completed instrument
    ASSIGNMENT = "assignment"  # instruments assigned to a patient, with a review schedule
    PLAN = "plan"
    CHECKIN = "checkin"
    EXPOSURE = "exposure"  # exposure ladder with fear ratings
    ACTIVITY = "activity"  # graded-activity programme (baseline, policy, goal)
    VIDEO_ANALYSIS = "video_analysis"
    NOTE = "note"
    SESSION = "session"  # a treatment session note, one per visit day (natural key)
    DISCHARGE = "discharge"  # an episode's discharge: reason and outcome summary


@dataclass(frozen=True, slots=True)
class RecordVersion:
    record_id: str
    version: int
    kind: RecordKind
    patient_id: str
    episode_id: str | None
    payload: Mapping[str, Any]
    natural_key: str | None
    created_by: int
    created_at: datetime
    is_current: bool = True
    voided: bool = False
    void_reason: str | None = None
    change_reason: str | None = None
    meta: Mapping[str, Any] = field(default_factory=dict)


def check_edit(current: RecordVersion, *, expected_version: int, reason: str) -> int:
    """Validate an edit of ``current``; return the new version number."""
    if current.voided:
        raise Conflict("this record was voided and can no longer be edited")
    if expected_version != current.version:
        raise Conflict(
            f"the record changed since you opened it (you edited version {expected_version}, "
            f"the current version is {current.version}); reload and apply your change again"
        )
    if not reason.strip():
        raise InvalidInput("an edit of a clinical record needs a reason")
    return current.version + 1


def check_void(current: RecordVersion, *, expected_version: int, reason: str) -> None:
    if current.voided:
        raise Conflict("this record is already voided")
    if expected_version != current.version:
        raise Conflict("the record changed since you opened it; reload before voiding")
    if not reason.strip():
        raise InvalidInput("voiding a clinical record needs a reason")
