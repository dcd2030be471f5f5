"""A form save keeps the fields it does not show; a patient save keeps the clinician's skip
reasons and cannot change them; an answered question loses its skip."""

from __future__ import annotations

import pytest

from painpath.domain.assessment.intake_edits import merge_intake_edit
from painpath.domain.errors import InvalidCase

STORED = {
    "duration_weeks": 10,
    "pain_average": 5,
    "red_flags": {"ces_bladder": False},
    "red_flags_skipped": {"ces_bowel": "no interpreter", "cancer_history": "no interpreter"},
}


def test_a_form_save_keeps_unshown_fields_and_replaces_shown_ones() -> None:
    out = merge_intake_edit(STORED, {"duration_weeks": 12}, managed={"duration_weeks", "sex"})
    assert out["duration_weeks"] == 12 and out["pain_average"] == 5
    cleared = merge_intake_edit(STORED, {}, managed={"duration_weeks"})
    assert "duration_weeks" not in cleared


def test_an_api_save_by_the_clinician_replaces_the_whole_intake() -> None:
    assert merge_intake_edit(STORED, {"duration_weeks": 3}) == {"duration_weeks": 3}


def test_a_patient_save_keeps_open_skips_and_drops_answered_ones() -> None:
    submitted = {"red_flags": {"ces_bladder": False, "cancer_history": False}}
    out = merge_intake_edit(STORED, submitted, by_patient=True)
    assert out["red_flags_skipped"] == {"ces_bowel": "no interpreter"}
    assert "pain_average" not in out  # the API replaces the patient's own fields in full
    answered_all = {"red_flags": {"ces_bowel": True, "cancer_history": False}}
    assert "red_flags_skipped" not in merge_intake_edit(STORED, answered_all, by_patient=True)


def test_a_patient_cannot_write_or_change_skip_reasons() -> None:
    with pytest.raises(InvalidCase, match="red_flags_skipped"):
        merge_intake_edit(
            STORED, {"red_flags_skipped": {"ces_bowel": "not needed"}}, by_patient=True
        )
    with pytest.raises(InvalidCase, match="red_flags_skipped"):
        merge_intake_edit(None, {"red_flags_skipped": {"ces_bowel": "not needed"}}, by_patient=True)
    same = {"red_flags_skipped": dict(STORED["red_flags_skipped"])}  # type: ignore[call-overload]
    assert (
        merge_intake_edit(STORED, same, by_patient=True)["red_flags_skipped"]
        == same["red_flags_skipped"]
    )


def test_a_form_managing_some_sub_fields_keeps_the_others() -> None:
    stored = {"pattern": {"night_pain": True, "night_rest_pain": "constant"}}
    managed = {"pattern.night_pain", "pattern.constant"}
    out = merge_intake_edit(stored, {"pattern": {"constant": True}}, managed=managed)
    assert out["pattern"] == {"constant": True, "night_rest_pain": "constant"}
    cleared = merge_intake_edit({"pattern": {"night_pain": True}}, {}, managed=managed)
    assert "pattern" not in cleared


def test_a_yes_keeps_the_stored_detail_and_a_no_replaces_it() -> None:
    stored = {"hypersensitivity_history": {"touch": True, "heat": False}}
    managed = {"hypersensitivity_history"}
    yes = merge_intake_edit(stored, {"hypersensitivity_history": True}, managed=managed)
    assert yes["hypersensitivity_history"] == {"touch": True, "heat": False}
    no = merge_intake_edit(stored, {"hypersensitivity_history": False}, managed=managed)
    assert no["hypersensitivity_history"] is False
    api = merge_intake_edit(stored, {"hypersensitivity_history": True})
    assert api["hypersensitivity_history"] is True
