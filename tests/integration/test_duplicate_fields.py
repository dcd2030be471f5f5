"""A duplicate record number or e-mail on the new-patient form is a form error next to the
field (issue 14 item 6): status 400, the typed values kept, nothing stored."""

from __future__ import annotations

import pytest

from painpath.domain.errors import InvalidInput
from painpath.services.patients import NewPatient, create_patient, search_patients
from tests.conftest import World, api_client, csrf_from


def _form(staff, **fields: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    page = staff.get("/patients/new").text
    return {"csrf_token": csrf_from(page), "given_name": "Nora", "family_name": "Lind", **fields}


def test_a_duplicate_record_number_is_shown_next_to_its_field(world: World) -> None:
    ctx = world.ctx(world.clinician)
    create_patient(ctx, new=NewPatient(given_name="Ann", family_name="Berg", mrn="MRN-77"))
    staff, _ = api_client(world.container, "clin@a.test")
    before = len(search_patients(ctx, query="Lind"))
    resp = staff.post("/patients/new", data=_form(staff, mrn="mrn-77", invite="no"))
    assert resp.status_code == 400
    assert 'data-testid="error-mrn"' in resp.text and "record number" in resp.text
    assert 'aria-describedby="err-mrn"' in resp.text and 'value="Lind"' in resp.text
    assert len(search_patients(ctx, query="Lind")) == before
    fine = staff.post("/patients/new", data=_form(staff, mrn="MRN-78", invite="no"))
    assert fine.status_code == 303


def test_a_record_number_of_another_clinic_is_no_clash(world: World) -> None:
    create_patient(
        world.ctx(world.other_clinician),
        new=NewPatient(given_name="Ann", family_name="Berg", mrn="X-1"),
    )
    made = create_patient(
        world.ctx(world.clinician), new=NewPatient(given_name="Bo", family_name="Ek", mrn="X-1")
    )
    assert made.mrn == "X-1"


def test_an_email_that_already_signs_in_is_shown_next_to_its_field(world: World) -> None:
    staff, _ = api_client(world.container, "clin@a.test")
    resp = staff.post(
        "/patients/new",
        data=_form(staff, email="PAT@a.test", account_password="a long enough password 1"),
    )
    assert resp.status_code == 400
    assert 'data-testid="error-email"' in resp.text and "already signs in" in resp.text
    assert "a long enough password" not in resp.text  # the password is not echoed
    with pytest.raises(InvalidInput, match="already signs in"):
        create_patient(
            world.ctx(world.clinician),
            new=NewPatient(given_name="Nora", family_name="Lind", email="pat@a.test", invite=True),
        )
    assert search_patients(world.ctx(world.clinician), query="Lind") == []


def test_an_invitation_to_an_email_that_already_signs_in_is_refused_on_the_form(
    world: World,
) -> None:
    staff, _ = api_client(world.container, "clin@a.test")
    resp = staff.post("/patients/new", data=_form(staff, email="otto@a.test", invite="yes"))
    assert resp.status_code == 400 and 'data-testid="error-email"' in resp.text
    assert search_patients(world.ctx(world.clinician), query="Lind") == []
    # without a sign-in the e-mail is only contact data: the patient is registered
    kept = staff.post("/patients/new", data=_form(staff, email="otto@a.test", invite="no"))
    assert kept.status_code == 303
