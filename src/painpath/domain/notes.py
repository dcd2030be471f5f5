"""A clinician's note and who may read it.

Every note a clinician writes (on a plan item, a treatment session, a finding ...) carries an
audience: ``clinician`` (clinician-only, the default) or ``patient`` (patient-visible). A
patient page shows only patient-visible notes; patient-visible text must pass the readability
check (services.notes.check_patient_text) before it is saved. Stored as two fields next to each
other: ``note`` (the text) and ``note_audience`` (the audience value); a note stored before
audiences existed has no ``note_audience`` and so stays clinician-only.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from painpath.domain.errors import InvalidInput

__all__ = ["AUDIENCE_FIELD", "NOTE_FIELD", "Audience", "Note", "parse_audience", "patient_notes"]

NOTE_FIELD = "note"
AUDIENCE_FIELD = "note_audience"
MAX_NOTE_CHARS = 2000


class Audience(StrEnum):
    """Who may read a note. The default is the clinicians of the patient's clinic only."""

    CLINICIAN = "clinician"
    PATIENT = "patient"

    @property
    def label(self) -> str:
        return "Clinician-only" if self is Audience.CLINICIAN else "Patient can see this"


def parse_audience(raw: str | None) -> Audience:
    """A form or API value -> Audience; empty means clinician-only; anything else is an error."""
    if raw is None or not str(raw).strip():
        return Audience.CLINICIAN
    try:
        return Audience(str(raw).strip())
    except ValueError:
        raise InvalidInput("a note is either clinician-only or patient-visible") from None


@dataclass(frozen=True, slots=True)
class Note:
    """Text plus audience; ``Note(text)`` is clinician-only."""

    text: str
    audience: Audience = Audience.CLINICIAN

    def __post_init__(self) -> None:
        if len(self.text) > MAX_NOTE_CHARS:
            raise InvalidInput(f"a note can be at most {MAX_NOTE_CHARS} characters")

    @property
    def patient_visible(self) -> bool:
        return self.audience is Audience.PATIENT and bool(self.text.strip())

    @classmethod
    def from_fields(cls, fields: Mapping[str, Any]) -> Note | None:
        """The note stored in ``fields`` (``note`` + ``note_audience``), or None when empty."""
        text = str(fields.get(NOTE_FIELD) or "").strip()
        if not text:
            return None
        raw = fields.get(AUDIENCE_FIELD)
        audience = Audience.PATIENT if raw == Audience.PATIENT.value else Audience.CLINICIAN
        return cls(text, audience)

    def to_fields(self) -> dict[str, str]:
        return {NOTE_FIELD: self.text, AUDIENCE_FIELD: self.audience.value}


def patient_notes(notes: Iterable[Note | None]) -> tuple[str, ...]:
    """The texts a patient may read: patient-visible notes only, never a clinician-only one."""
    return tuple(n.text for n in notes if n is not None and n.patient_visible)
