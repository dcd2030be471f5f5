"""Invitations end to end through the services, against a real SMTP server: one-time,
expiring, single-use links; resend and revoke; the set-password page over HTTP."""

from __future__ import annotations

import json
import re
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from painpath.bootstrap import Container
from painpath.domain.errors import Conflict, InvalidInput, NotFound
from painpath.services.auth import SignInLimiter, sign_in
from painpath.services.engagement import (
    FormProblems,
    accept_invitation,
    invitation_panel,
    invite_patient,
    open_invitation,
    resend_invitation,
    revoke_invitation,
)
from painpath.services.engagement.tokens import hash_token
from painpath.web.app import create_app
from tests.conftest import PASSWORD, World, api_client, build_world, csrf_from
from tests.engagement_support import (
    MovableClock,
    body_of,
    link_in,
    new_patient,
    smtp_sender,
    token_of,
    with_,
)
from tests.mailserver import SmtpTestServer

NEW_PASSWORD = "river stones and maple 7"


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock()


def _invite(world: World, clock: MovableClock, server: SmtpTestServer, email: str) -> str:
    """Register a patient without a sign-in, invite them, return the token from the e-mail."""
    patient = new_patient(world, "Nora", email, clock=clock)
    ctx = with_(world.ctx(world.clinician), clock=clock, mail=smtp_sender(server))
    invite_patient(ctx, patient_id=patient.id)
    [message] = [m for m in server.wait_for(len(server.messages) or 1) if email in str(m["To"])]
    return token_of(link_in(message, "/invite/"))


def test_invitation_mail_link_sets_up_a_sign_in_once(
    world: World, clock: MovableClock, smtp_server: SmtpTestServer
) -> None:
    token = _invite(world, clock, smtp_server, "nora@example.test")
    [message] = smtp_server.messages
    assert message["Subject"] == "Your invitation to PainPath"
    body = body_of(message)
    assert "Clinic A has invited you" in body and "Nora" not in body  # a link, no record data
    with world.container.uow() as uow:  # only the hash is stored
        assert uow.invitations.by_token(hash_token(token)) is not None
        assert uow.invitations.by_token(token) is None
    public = with_(world.ctx(None), clock=clock)
    landing = open_invitation(public, token=token)
    assert landing.email == "nora@example.test" and landing.clinic_name == "Clinic A"
    email = accept_invitation(
        public,
        token=token,
        password=NEW_PASSWORD,
        password_again=NEW_PASSWORD,
        privacy_accepted=True,
    )
    signed = sign_in(
        world.ctx(None),
        email=email,
        password=NEW_PASSWORD,
        client="t",
        limiter=SignInLimiter(attempts=5, window_s=60),
    )
    assert signed.actor.patient_id is not None
    with pytest.raises(Conflict, match="used already"):
        accept_invitation(
            public,
            token=token,
            password=NEW_PASSWORD,
            password_again=NEW_PASSWORD,
            privacy_accepted=True,
        )
    panel = invitation_panel(world.ctx(world.clinician), patient_id=signed.actor.patient_id)
    assert panel.account_email == "nora@example.test" and panel.pending is None
    [(accepted, status)] = panel.invitations
    assert status.value == "accepted" and accepted.privacy_version == "2026-1"
    with world.container.uow() as uow:
        events = [e for e in uow.audit.iter_all() if e.action.startswith("invitation.")]
    assert {"invitation.send", "invitation.open", "invitation.accept"} <= {e.action for e in events}
    details = json.dumps([e.detail for e in events])
    assert NEW_PASSWORD not in details and token not in details and "nora@" not in details


def test_the_form_reports_each_problem_and_creates_nothing(
    world: World, clock: MovableClock, smtp_server: SmtpTestServer
) -> None:
    token = _invite(world, clock, smtp_server, "nina@example.test")
    public = with_(world.ctx(None), clock=clock)
    with pytest.raises(FormProblems) as err:
        accept_invitation(
            public, token=token, password="short", password_again="short", privacy_accepted=False
        )
    assert set(err.value.problems) == {"password", "privacy"}
    with pytest.raises(FormProblems) as err:
        accept_invitation(
            public,
            token=token,
            password=NEW_PASSWORD,
            password_again=NEW_PASSWORD + "x",
            privacy_accepted=True,
        )
    assert err.value.problems == {"password": "the two passwords are not the same"}
    with world.container.uow() as uow:
        assert uow.users.by_email("nina@example.test") is None
    open_invitation(public, token=token)  # the link still works


def test_links_expire_resend_replaces_the_link_and_revoke_ends_it(
    world: World, clock: MovableClock, smtp_server: SmtpTestServer
) -> None:
    first = _invite(world, clock, smtp_server, "olga@example.test")
    public = with_(world.ctx(None), clock=clock)
    clock.advance(days=7, seconds=1)
    with pytest.raises(InvalidInput, match="run out of time"):
        open_invitation(public, token=first)
    clinician = with_(world.ctx(world.clinician), clock=clock, mail=smtp_sender(smtp_server))
    with world.container.uow() as uow:
        [invitation] = uow.invitations.for_patient(
            uow.invitations.by_token(hash_token(first)).patient_id
        )  # type: ignore[union-attr]
    resent = resend_invitation(
        clinician, patient_id=invitation.patient_id, invitation_id=invitation.id
    )
    assert resent.sent_count == 2 and resent.expires_at == clock.now() + timedelta(days=7)
    second = token_of(link_in(smtp_server.wait_for(2)[-1], "/invite/"))
    assert second != first
    with pytest.raises(NotFound, match="does not work"):
        open_invitation(public, token=first)  # the old link died with the resend
    assert open_invitation(public, token=second).email == "olga@example.test"
    revoke_invitation(clinician, patient_id=invitation.patient_id, invitation_id=invitation.id)
    with pytest.raises(InvalidInput, match="no longer works"):
        open_invitation(public, token=second)
    with pytest.raises(Conflict, match="revoked"):
        resend_invitation(clinician, patient_id=invitation.patient_id, invitation_id=invitation.id)


def test_a_new_invitation_revokes_the_live_one(
    world: World, clock: MovableClock, smtp_server: SmtpTestServer
) -> None:
    first = _invite(world, clock, smtp_server, "pia@example.test")
    public = with_(world.ctx(None), clock=clock)
    with world.container.uow() as uow:
        patient_id = uow.invitations.by_token(hash_token(first)).patient_id  # type: ignore[union-attr]
    clinician = with_(world.ctx(world.clinician), clock=clock, mail=smtp_sender(smtp_server))
    clock.advance(minutes=10)
    invite_patient(clinician, patient_id=patient_id, email="pia.private@example.test")
    second = token_of(link_in(smtp_server.wait_for(2)[-1], "/invite/"))
    with pytest.raises(InvalidInput, match="no longer works"):
        open_invitation(public, token=first)
    assert open_invitation(public, token=second).email == "pia.private@example.test"
    statuses = [s.value for _, s in invitation_panel(clinician, patient_id=patient_id).invitations]
    assert statuses == ["pending", "revoked"]


def test_invitations_are_refused_where_they_make_no_sense(
    world: World, clock: MovableClock
) -> None:
    ctx = world.ctx(world.clinician)
    with pytest.raises(Conflict, match="already has a sign-in"):
        invite_patient(ctx, patient_id=world.patient.id)
    taken = new_patient(world, "Twin", "otto@a.test")  # Otto's e-mail is someone's sign-in
    with pytest.raises(Conflict, match="already exists"):
        invite_patient(ctx, patient_id=taken.id)
    nobody = new_patient(world, "Noemail", None)
    with pytest.raises(InvalidInput, match="e-mail address"):
        invite_patient(ctx, patient_id=nobody.id)
    from painpath.domain.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        invite_patient(world.ctx(world.other_clinician), patient_id=nobody.id)
    with pytest.raises(PermissionDenied):
        invite_patient(world.ctx(world.patient_actor), patient_id=nobody.id)


def test_two_tabs_accepting_at_once_make_one_account(
    any_container: Container, smtp_server: SmtpTestServer
) -> None:
    world = build_world(any_container)
    clock = MovableClock()
    token = _invite(world, clock, smtp_server, "race@example.test")
    public = with_(world.ctx(None), clock=clock)
    barrier = threading.Barrier(4)
    outcomes: list[str] = []

    def accept() -> None:
        barrier.wait()
        try:
            accept_invitation(
                public,
                token=token,
                password=NEW_PASSWORD,
                password_again=NEW_PASSWORD,
                privacy_accepted=True,
            )
            outcomes.append("ok")
        except Conflict:
            outcomes.append("conflict")

    threads = [threading.Thread(target=accept) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(outcomes) == ["conflict", "conflict", "conflict", "ok"]
    with any_container.uow() as uow:
        assert uow.users.by_email("race@example.test") is not None


# -- over HTTP ----------------------------------------------------------------------------------


def test_set_password_page_keeps_choices_and_shows_errors_by_the_fields(
    world: World, smtp_server: SmtpTestServer
) -> None:
    container = world.container
    token = _invite(world, MovableClock(container.clock.now()), smtp_server, "page@example.test")
    client = TestClient(create_app(container.settings, container=container), follow_redirects=False)
    page = client.get(f"/invite/{token}")
    assert page.status_code == 200 and "page@example.test" in page.text
    assert 'href="/privacy"' in page.text
    csrf = csrf_from(page.text)
    bad = client.post(
        f"/invite/{token}",
        data={"csrf_token": csrf, "password": "short", "password_again": "short", "privacy": "yes"},
    )
    assert bad.status_code == 400
    assert (
        'data-testid="error-password"' in bad.text and 'data-testid="error-privacy"' not in bad.text
    )
    assert re.search(r'name="privacy" value="yes"\s+checked', bad.text)  # the tick is kept
    good = client.post(
        f"/invite/{token}",
        data={
            "csrf_token": csrf,
            "password": NEW_PASSWORD,
            "password_again": NEW_PASSWORD,
            "privacy": "yes",
        },
    )
    assert good.status_code == 303 and good.headers["location"].startswith("/signin?reason=")
    used = client.get(f"/invite/{token}")
    assert used.status_code == 409 and "used already" in used.text
    unknown = client.get("/invite/not-a-real-token")
    assert unknown.status_code == 404 and "Ask your care team" in unknown.text
    no_csrf = client.post(f"/invite/{token}", data={"password": NEW_PASSWORD})
    assert no_csrf.status_code == 403
    assert client.get("/privacy").status_code == 200


def test_new_patient_form_invites_by_default(world: World, tmp_path: Path) -> None:
    client, csrf = api_client(world.container, "clin@a.test")
    form = client.get("/patients/new")
    assert 'name="invite" value="yes"' in form.text and "checked" in form.text
    resp = client.post(
        "/patients/new",
        data={
            "csrf_token": csrf,
            "given_name": "Ines",
            "family_name": "Invited",
            "email": "ines@example.test",
            "invite": "yes",
        },
    )
    assert (
        resp.status_code == 303
        and "/tab/between?notice=Invitation%20sent" in resp.headers["location"]
    )
    tab = client.get(resp.headers["location"])
    assert 'data-testid="pending-invitation"' in tab.text and "ines@example.test" in tab.text
    # No SMTP host configured: the embedded shape writes the e-mail to the outbox folder.
    [eml] = list((world.container.settings.outbox_dir).glob("*.eml"))
    assert "/invite/" in eml.read_text()
    unticked = client.post(
        "/patients/new",
        data={"csrf_token": csrf, "given_name": "", "family_name": "X", "email": "x@example.test"},
    )
    assert unticked.status_code == 400 and not re.search(
        r'name="invite" value="yes"[^>]*checked', unticked.text
    )
    assert PASSWORD  # the personas still sign in with the shared test password
