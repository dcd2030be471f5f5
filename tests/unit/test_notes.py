"""Notes have an audience: clinician-only unless a clinician says otherwise."""

from __future__ import annotations

import pytest

from painpath.domain.errors import InvalidInput
from painpath.domain.notes import Audience, Note, parse_audience, patient_notes
from painpath.services.notes import NoteTooHard, check_patient_text, note_from_form


def test_the_default_audience_is_clinician_only() -> None:
    assert Note("check hip ER").audience is Audience.CLINICIAN
    assert parse_audience(None) is parse_audience("  ") is Audience.CLINICIAN
    assert parse_audience("patient") is Audience.PATIENT
    with pytest.raises(InvalidInput, match="clinician-only or patient-visible"):
        parse_audience("everyone")


def test_stored_fields_round_trip_and_old_notes_stay_private() -> None:
    note = Note("Walk a little every day.", Audience.PATIENT)
    assert Note.from_fields(note.to_fields()) == note
    assert Note.from_fields({"note": "legacy note"}) == Note("legacy note")  # no audience field
    assert Note.from_fields({"note": "x", "note_audience": "bogus"}) == Note("x")
    assert Note.from_fields({"note": "   "}) is None and Note.from_fields({}) is None


def test_a_patient_reads_only_patient_visible_notes() -> None:
    notes = [
        Note("query central sensitisation; re-test QST"),
        Note("Walk a little every day.", Audience.PATIENT),
        None,
        Note("   ", Audience.PATIENT),
    ]
    assert patient_notes(notes) == ("Walk a little every day.",)


def test_patient_visible_text_must_be_plain() -> None:
    check_patient_text("Do the squats slowly. Stop at a small bend if your knee is sore.")
    hard = (
        "Progressive isometric quadriceps contractions demonstrate considerable analgesic "
        "effectiveness, particularly regarding patellofemoral symptomatology."
    )
    with pytest.raises(NoteTooHard, match="reading grade"):
        check_patient_text(hard)
    assert note_from_form(hard, "clinician") == Note(hard)  # the clinician's own shorthand
    with pytest.raises(NoteTooHard):
        note_from_form(hard, "patient")
    assert note_from_form("  ", "patient") is None
    with pytest.raises(InvalidInput, match="at most"):
        Note("x" * 2001)
