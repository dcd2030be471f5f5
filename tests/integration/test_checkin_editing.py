"""Editing a check-in: the saved answers open in the form, an existing day is never replaced
without asking, and number fields refuse what is not a count."""

from __future__ import annotations

import re
from datetime import timedelta

from painpath.services.progress.checkins import list_checkins
from tests.conftest import World, api_client


def _form(csrf: str, day: str, **extra: str) -> dict[str, str]:
    form = {
        "csrf_token": csrf,
        "day": day,
        "pain_now": "4",
        "pain_worst": "6",
        "sleep_quality": "7",
        "quota_done": "15",
        "exercises_done": "3",
        "flare": "no",
        "note": "walked the dog",
        "version": "0",
    }
    form.update(extra)
    return form


def _checked(page: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="(\d+)"[^>]*\bchecked', page)
    assert match, f"nothing checked for {name}"
    return match.group(1)


def test_editing_today_opens_the_saved_answers(world: World) -> None:
    client, csrf = api_client(world.container, "pat@a.test")
    today = world.container.clock.today().isoformat()
    assert client.post("/me/checkin", data=_form(csrf, today)).status_code == 303
    page = client.get("/me/checkin").text
    assert _checked(page, "pain_now") == "4" and _checked(page, "pain_worst") == "6"
    assert "walked the dog" in page and 'name="version" value="1"' in page
    assert 'data-testid="saved-entry"' in page and "Save my changes" in page
    changed = _form(csrf, today, pain_now="2", version="1")
    assert client.post("/me/checkin", data=changed).status_code == 303
    stored = list_checkins(world.ctx(world.clinician), patient_id=world.patient.id)
    assert [(c.checkin.pain_now, c.version) for c in stored] == [(2.0, 2)]


def test_a_day_with_an_entry_is_shown_and_replaced_only_when_confirmed(world: World) -> None:
    client, csrf = api_client(world.container, "pat@a.test")
    day = (world.container.clock.today() - timedelta(days=3)).isoformat()
    assert client.post("/me/checkin", data=_form(csrf, day)).status_code == 303
    opened = client.get(f"/me/checkin?day={day}").text
    assert f'name="day" value="{day}"' in opened and _checked(opened, "pain_worst") == "6"
    # A second form for that day, sent without having seen the saved answers: asked first.
    again = client.post("/me/checkin", data=_form(csrf, day, pain_worst="9", note="new"))
    assert again.status_code == 409
    assert "You already sent answers for" in again.text and "Replace my answers" in again.text
    assert _checked(again.text, "pain_worst") == "9" and "new" in again.text  # typed input kept
    stored = list_checkins(world.ctx(world.clinician), patient_id=world.patient.id)
    assert [c.checkin.pain_worst for c in stored] == [6.0]  # nothing replaced yet
    version = re.search(r'name="version" value="(\d+)"', again.text)
    assert version and version.group(1) == "1"
    confirmed = _form(csrf, day, pain_worst="9", note="new", version=version.group(1))
    assert client.post("/me/checkin", data=confirmed).status_code == 303
    stored = list_checkins(world.ctx(world.clinician), patient_id=world.patient.id)
    assert [(c.checkin.pain_worst, c.version) for c in stored] == [(9.0, 2)]


def test_number_fields_are_validated_and_the_input_kept(world: World) -> None:
    client, csrf = api_client(world.container, "pat@a.test")
    today = world.container.clock.today().isoformat()
    for field, bad in (("quota_done", "nan"), ("quota_done", "-5"), ("exercises_done", "2.5")):
        resp = client.post("/me/checkin", data=_form(csrf, today, **{field: bad}))
        assert resp.status_code == 400, (field, bad)
        assert 'data-testid="checkin-error"' in resp.text and "walked the dog" in resp.text
    assert list_checkins(world.ctx(world.clinician), patient_id=world.patient.id) == []
