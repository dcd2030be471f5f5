"""The engagement pages over HTTP: messages (patient and clinician), reminder settings, the
Between visits tab, caseload badges and home cards, field errors, attachments refused, and plain
words on every patient page."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from painpath.services.engagement import invite_patient, start_thread
from painpath.services.engagement.tokens import hash_token
from tests.conftest import World, api_client
from tests.engagement_support import new_patient
from tests.readability import fk_grade

MAX_GRADE = 8
# Patient pages never use these (TEAM rules); nor do they leak a raw Python value.
FORBIDDEN = re.compile(r"\b(quota|time-contingent|baseline mean|catastrophizing|None|True|False)\b")


@pytest.fixture
def patient(world: World) -> tuple[TestClient, str]:
    return api_client(world.container, "pat@a.test")


@pytest.fixture
def clinician(world: World) -> tuple[TestClient, str]:
    return api_client(world.container, "clin@a.test")


_BLOCK_END = re.compile(r"</(p|li|h1|h2|h3|label|legend|button|a|dt|dd|th|td|summary)>")


def visible_text(page: str) -> str:
    """The words in <main>; each heading, label, button or paragraph ends a sentence (so short
    labels are not read as one endless sentence)."""
    main = page.split('<main id="main" tabindex="-1">', 1)[-1].split("</main>", 1)[0]
    main = re.sub(r"<(script|style|datalist)\b.*?</\1>", " ", main, flags=re.S)
    main = _BLOCK_END.sub(" . ", main)
    text = html.unescape(re.sub(r"<[^>]+>", " ", main))
    text = re.sub(r"([.?!:])\s*(\s\.\s*)+", r"\1 ", text)  # no doubled full stops
    return re.sub(r"\s+", " ", text).strip()


def test_patient_writes_and_the_clinician_sees_it_in_caseload_inbox_and_tab(
    world: World, patient: tuple[TestClient, str], clinician: tuple[TestClient, str]
) -> None:
    pc, pcsrf = patient
    home = pc.get("/me")
    assert "Write to your care team" in home.text and "Reminders are off" in home.text
    resp = pc.post(
        "/me/messages", data={"csrf_token": pcsrf, "subject": "Stairs", "body": "Is it ok?"}
    )
    assert resp.status_code == 303
    thread_url = resp.headers["location"].split("?")[0]
    page = pc.get(resp.headers["location"])
    assert 'data-testid="sent"' in page.text and "Is it ok?" in page.text
    assert 'data-testid="not-for-emergencies"' in page.text
    cc, ccsrf = clinician
    caseload = cc.get("/caseload")
    assert "1 unread message" in caseload.text
    inbox = cc.get("/messages")
    assert "Pat Tester" in inbox.text and "Stairs" in inbox.text and "1 unread" in inbox.text
    tab = cc.get(f"/patients/{world.patient.id}/tab/messages")
    link = re.search(rf'href="(/patients/{world.patient.id}/messages/[\w-]+)"', tab.text)
    assert link
    thread = cc.get(link.group(1))
    assert "Is it ok?" in thread.text and "New messages start here" in thread.text
    assert "1 unread message" not in cc.get("/caseload").text
    flag = cc.post(link.group(1) + "/action", data={"csrf_token": ccsrf, "on": "yes"})
    assert flag.status_code == 303
    assert "Message needs action" in cc.get("/caseload").text
    assert "Stairs" in cc.get("/messages?show=action").text
    reply = cc.post(link.group(1), data={"csrf_token": ccsrf, "body": "Yes, slowly."})
    assert reply.status_code == 303
    home = pc.get("/me")
    assert "You have 1 new message from your care team." in home.text
    assert 'class="card highlight"' in home.text
    assert "Yes, slowly." in pc.get(thread_url).text
    assert "1 new message" not in pc.get("/me").text


def test_message_forms_keep_what_was_typed_and_refuse_attachments(
    world: World, patient: tuple[TestClient, str], clinician: tuple[TestClient, str]
) -> None:
    pc, pcsrf = patient
    empty = pc.post(
        "/me/messages", data={"csrf_token": pcsrf, "subject": "Kept title", "body": " "}
    )
    assert empty.status_code == 400 and 'data-testid="error-body"' in empty.text
    assert 'value="Kept title"' in empty.text
    attached = pc.post(
        "/me/messages",
        data={"csrf_token": pcsrf, "subject": "Photo", "body": "see file"},
        files={"photo": ("knee.jpg", b"\xff\xd8\xff", "image/jpeg")},
    )
    assert attached.status_code == 400 and "cannot carry attachments" in attached.text
    cc, ccsrf = clinician
    bad = cc.post(
        f"/patients/{world.patient.id}/messages",
        data={"csrf_token": ccsrf, "subject": "", "body": "Hi"},
    )
    assert bad.status_code == 400 and 'data-testid="error-subject"' in bad.text
    other = start_thread(
        world.ctx(world.clinician), patient_id=world.other_patient.id, subject="O", body="o"
    )
    assert pc.get(f"/me/messages/{other.id}").status_code == 404  # not Pat's conversation
    assert pc.get("/messages").status_code == 403


def test_reminder_settings_page_saves_pauses_and_shows_errors_by_the_fields(
    world: World, patient: tuple[TestClient, str], clinician: tuple[TestClient, str]
) -> None:
    pc, pcsrf = patient
    page = pc.get("/me/reminders")
    assert page.status_code == 200 and "data-guess-zone" in page.text
    assert '<option value="Europe/Berlin">' in page.text and 'value="localtime"' not in page.text
    bad = pc.post(
        "/me/reminders",
        data={
            "csrf_token": pcsrf,
            "checkin": "yes",
            "send_at": "25:00",
            "time_zone": "Mars/Base",
            "quiet_start": "21:00",
            "quiet_end": "",
        },
    )
    assert bad.status_code == 400
    for field in ("send_at", "time_zone"):
        assert f'data-testid="error-{field}"' in bad.text
    assert 'value="Mars/Base"' in bad.text and 'value="25:00"' in bad.text
    quiet = pc.post(
        "/me/reminders",
        data={
            "csrf_token": pcsrf,
            "checkin": "yes",
            "send_at": "22:30",
            "time_zone": "Europe/Berlin",
            "quiet_start": "22:00",
            "quiet_end": "07:00",
        },
    )
    assert quiet.status_code == 400 and "quiet hours" in quiet.text
    ok = pc.post(
        "/me/reminders",
        data={
            "csrf_token": pcsrf,
            "checkin": "yes",
            "send_at": "19:15",
            "time_zone": "Europe/Berlin",
            "quiet_start": "",
            "quiet_end": "",
        },
    )
    assert ok.status_code == 303
    saved = pc.get(ok.headers["location"])
    assert 'data-testid="saved"' in saved.text and 'value="19:15"' in saved.text
    assert "data-guess-zone" not in saved.text
    assert "each day at 19:15" in pc.get("/me").text
    bad_pause = pc.post("/me/reminders/pause", data={"csrf_token": pcsrf, "until": "1999-01-01"})
    assert bad_pause.status_code == 400 and 'data-testid="error-until"' in bad_pause.text
    future = world.container.clock.today().replace(year=world.container.clock.today().year + 1)
    too_long = pc.post(
        "/me/reminders/pause", data={"csrf_token": pcsrf, "until": future.isoformat()}
    )
    assert too_long.status_code == 400 and "up to 90 days" in too_long.text
    # A week ahead: "today" by the server's UTC clock is already yesterday in Berlin (the
    # patient's zone above) from 23:00 UTC, and a pause may not end in the past there.
    week = world.container.clock.today() + timedelta(days=7)
    paused = pc.post("/me/reminders/pause", data={"csrf_token": pcsrf, "until": week.isoformat()})
    assert paused.status_code == 303 and 'data-testid="paused"' in pc.get("/me/reminders").text
    resumed = pc.post("/me/reminders/pause", data={"csrf_token": pcsrf, "resume": "yes"})
    assert resumed.status_code == 303 and 'data-testid="paused"' not in pc.get("/me/reminders").text
    cc, _ = clinician
    tab = cc.get(f"/patients/{world.patient.id}/tab/between")
    assert "19:15 (Europe/Berlin)" in tab.text and 'data-testid="has-account"' in tab.text
    assert 'data-testid="adherence-sent">0<' in tab.text


def test_between_visits_tab_resends_and_revokes(
    world: World, clinician: tuple[TestClient, str]
) -> None:
    cc, ccsrf = clinician
    nora = new_patient(world, "Nora", "nora@example.test")
    tab = cc.get(f"/patients/{nora.id}/tab/between")
    assert 'data-testid="invite-send"' in tab.text and 'value="nora@example.test"' in tab.text
    sent = cc.post(f"/patients/{nora.id}/invitations", data={"csrf_token": ccsrf, "email": ""})
    assert sent.status_code == 303 and "Invitation%20sent" in sent.headers["location"]
    tab = cc.get(sent.headers["location"])
    match = re.search(rf"/patients/{nora.id}/invitations/([\w-]+)/resend", tab.text)
    assert match and "Invitation sent to nora@example.test." in tab.text
    resent = cc.post(match.group(0), data={"csrf_token": ccsrf})
    assert "old%20one%20no%20longer%20works" in resent.headers["location"]
    revoked = cc.post(match.group(0).replace("/resend", "/revoke"), data={"csrf_token": ccsrf})
    assert "no%20longer%20works" in revoked.headers["location"]
    tab = cc.get(f"/patients/{nora.id}/tab/between")
    assert 'data-testid="invite-send"' in tab.text and "revoked" in tab.text
    dup = cc.post(f"/patients/{world.patient.id}/invitations", data={"csrf_token": ccsrf})
    assert "Not%20sent" in dup.headers["location"]  # Pat has a sign-in already


def test_patient_pages_use_plain_words(world: World, patient: tuple[TestClient, str]) -> None:
    pc, _ = patient
    thread = start_thread(
        world.ctx(world.clinician), patient_id=world.patient.id, subject="Hello", body="Hi Pat"
    )
    invitee = new_patient(world, "Ida", "ida@example.test")
    invite_patient(world.ctx(world.clinician), patient_id=invitee.id)
    with world.container.uow() as uow:
        [inv] = uow.invitations.for_patient(invitee.id)
    token = "plain-words-token"
    with world.container.uow() as uow:  # a token we know, so the page can be fetched
        uow.invitations.reissue(
            inv.id, token_hash=hash_token(token), at=inv.last_sent_at, expires_at=inv.expires_at
        )
        uow.commit()
    anonymous = TestClient(pc.app)
    pages = {
        "/me/messages": pc.get("/me/messages").text,
        f"/me/messages/{thread.id}": pc.get(f"/me/messages/{thread.id}").text,
        "/me/reminders": pc.get("/me/reminders").text,
        "/invite": anonymous.get(f"/invite/{token}").text,
        "/invite (dead)": anonymous.get("/invite/unknown").text,
        "/privacy": anonymous.get("/privacy").text,
    }
    for name, page in pages.items():
        text = visible_text(page)
        assert len(text) > 80, name
        assert fk_grade(text) <= MAX_GRADE, (name, fk_grade(text), text)
        assert not FORBIDDEN.search(text), (name, FORBIDDEN.search(text))
