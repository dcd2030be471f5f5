"""Clinician notes with an audience: build one from a form and check patient-visible text.

A note a patient will read must be plain: Flesch-Kincaid grade 8 or lower, the same check the
test suite applies to every generated patient text (tests/readability.py). A clinician-only
note is the clinician's own shorthand and is not checked.
"""

from __future__ import annotations

from painpath.adapters.readability import fk_grade
from painpath.domain.errors import InvalidInput
from painpath.domain.notes import Audience, Note, parse_audience

__all__ = ["MAX_PATIENT_GRADE", "NoteTooHard", "check_patient_text", "note_from_form"]

MAX_PATIENT_GRADE = 8.0


class NoteTooHard(InvalidInput):
    """Patient-visible text above the reading grade; ``grade`` says by how much."""

    def __init__(self, grade: float) -> None:
        super().__init__(
            f"the patient will read this note, so please write it more plainly: shorter "
            f"sentences and everyday words (reading grade {grade:.0f}; aim for "
            f"{MAX_PATIENT_GRADE:.0f} or lower), or make it clinician-only"
        )
        self.grade = grade


def check_patient_text(text: str) -> None:
    """Raise NoteTooHard when ``text`` is harder to read than grade 8."""
    grade = fk_grade(text)
    if grade > MAX_PATIENT_GRADE:
        raise NoteTooHard(grade)


def note_from_form(text: str | None, audience: str | None) -> Note | None:
    """A note from a form's text and audience fields (None when the text is empty).

    The audience defaults to clinician-only; a patient-visible note must pass the check.
    """
    cleaned = (text or "").strip()
    who = parse_audience(audience)
    if not cleaned:
        return None
    note = Note(cleaned, who)
    if who is Audience.PATIENT:
        check_patient_text(cleaned)
    return note
