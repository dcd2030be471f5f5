"""Password policy (length, shipped list of common/breached passwords), change password, and
reset by a one-time, expiring link e-mailed through a real SMTP server."""

from __future__ import annotations

from dataclasses import replace

import pytest
from fastapi.testclient import TestClient

from painpath.adapters.passwords import common_passwords
from painpath.domain.errors import Conflict, InvalidInput
from painpath.domain.passwords import password_problem
from painpath.services.accounts import validate_password
from painpath.services.passwords import (
    complete_password_reset,
    open_password_reset,
    request_password_reset,
)
from painpath.web.app import create_app
from tests.conftest import PASSWORD, World, csrf_from
from tests.engagement_support import MovableClock, body_of, link_in, smtp_sender, token_of, with_
from tests.mailserver import SmtpTestServer

NEW = "otter lantern quarry 19"


def test_the_shipped_list_is_loaded() -> None:
    common = common_passwords()
    assert len(common) > 15_000
    assert {"password", "qwertyuiop", "iloveyou"} <= common


@pytest.mark.parametrize(
    "password",
    [
        "aaaaaaaaaa",  # the examples: too short and trivial
        "password12",
        "aaaaaaaaaaaa",  # long enough, but 1 distinct character
        "abababababab",
        "password1234",  # a common core with digits added
        "!!Password2024",
        "qwertyuiop123",
        "1qaz2wsx3edc",  # on the list itself
        "short pw",
    ],
)
def test_weak_passwords_are_refused(password: str) -> None:
    with pytest.raises(InvalidInput):
        validate_password(password)


@pytest.mark.parametrize("password", [PASSWORD, NEW, "correct horse battery staple"])
def test_reasonable_passwords_pass(password: str) -> None:
    validate_password(password)


def test_personal_words_are_refused() -> None:
    problem = password_problem("margaretsmith-99", common=set(), personal=("margaret", "smith"))
    assert problem and "name" in problem
    assert password_problem("margaretsmith-99", common=set(), personal=()) is None


def test_new_accounts_follow_the_policy(world: World) -> None:
    from painpath.domain.accounts import Role
    from painpath.services.accounts import NewUser, create_user

    with pytest.raises(InvalidInput, match="common or leaked"):
        create_user(
            world.ctx(world.admin),
            new=NewUser("new@a.test", "New Person", Role.CLINICIAN, "password1234"),
        )


def _signed_in(app, email: str = "clin@a.test") -> TestClient:  # type: ignore[no-untyped-def]
    client = TestClient(app, follow_redirects=False)
    token = csrf_from(client.get("/signin").text)
    resp = client.post("/signin", data={"email": email, "password": PASSWORD, "csrf_token": token})
    assert resp.status_code == 303
    return client


def test_change_password_page(world: World) -> None:
    app = create_app(world.container.settings, container=world.container)
    client = _signed_in(app)
    token = csrf_from(client.get("/account/password").text)

    def change(current: str, new: str) -> object:
        data = {"current": current, "new": new, "again": new, "csrf_token": token}
        return client.post("/account/password", data=data)

    wrong = change("not-it-at-all", NEW)
    assert wrong.status_code == 400 and "current password is not right" in wrong.text  # type: ignore[attr-defined]
    weak = change(PASSWORD, "password1234")
    assert weak.status_code == 400 and "common or leaked" in weak.text  # type: ignore[attr-defined]
    assert change(PASSWORD, NEW).status_code == 303  # type: ignore[attr-defined]
    assert client.get("/account/sessions").status_code == 200  # this session lives on
    fresh = TestClient(app)
    old = {"email": "clin@a.test", "password": PASSWORD}
    assert fresh.post("/api/v1/session", json=old).status_code == 401
    assert fresh.post("/api/v1/session", json={**old, "password": NEW}).status_code == 200
    with world.container.uow() as uow:
        events = [e for e in uow.audit.iter_all() if e.action == "auth.password.change"]
    assert len(events) == 1 and NEW not in str(events[0].detail)


def test_change_password_ends_other_sessions(world: World) -> None:
    from painpath.services.auth import sign_in
    from painpath.services.passwords import change_password, list_sessions

    first = sign_in(
        world.ctx(None),
        email="clin@a.test",
        password=PASSWORD,
        client="a",
        limiter=world.container.limiter,
    )
    # a second live session (another device; signing in again would end the first, so the
    # row is added directly)
    with world.container.uow() as uow:
        uow.sessions.add(id_hash="f" * 64, user_id=world.clinician.user_id, csrf_token="x")
        uow.commit()
    ctx = world.ctx(first.actor)
    assert len(list_sessions(ctx)) == 2
    revoked = change_password(ctx, current=PASSWORD, new=NEW, again=NEW, session_token=first.token)
    assert revoked == 1
    [left] = list_sessions(ctx)
    assert left.id_hash != "f" * 64


def test_reset_by_mailed_link_once_and_before_it_expires(
    world: World, smtp_server: SmtpTestServer
) -> None:
    clock = MovableClock()
    ctx = with_(world.ctx(None), clock=clock, mail=smtp_sender(smtp_server))
    request_password_reset(ctx, email="nobody@a.test", minutes=30)  # no account: no mail
    request_password_reset(ctx, email="clin@a.test", minutes=30)
    [message] = smtp_server.wait_for(1)
    assert str(message["To"]) == "clin@a.test" and "Clin" not in body_of(message).split("\n")[0]
    token = token_of(link_in(message, "/password/reset/"))
    with world.container.uow() as uow:
        assert uow.password_resets.by_token(token) is None  # only the hash is stored
    assert open_password_reset(ctx, token=token).email == "clin@a.test"
    with pytest.raises(InvalidInput):
        complete_password_reset(ctx, token=token, new="password1234", again="password1234")
    complete_password_reset(ctx, token=token, new=NEW, again=NEW)
    with pytest.raises(Conflict, match="used already"):
        complete_password_reset(ctx, token=token, new=NEW + "x", again=NEW + "x")
    # a second link expires
    request_password_reset(ctx, email="clin@a.test", minutes=30)
    second = token_of(link_in(smtp_server.wait_for(2)[-1], "/password/reset/"))
    clock.advance(minutes=31)
    with pytest.raises(Conflict, match="expired"):
        complete_password_reset(ctx, token=second, new=NEW + "y", again=NEW + "y")


def test_reset_mail_is_sent_after_commit(world: World) -> None:
    seen: list[int] = []

    class Probe:
        def send(self, message: object) -> None:
            from sqlalchemy import text

            # a separate connection sees the reset row: it was committed before sending
            with world.container.engine.connect() as conn:
                count = conn.execute(text("select count(*) from password_resets")).scalar_one()
            seen.append(int(count))

    request_password_reset(replace(world.ctx(None), mail=Probe()), email="clin@a.test")
    assert seen == [1]


def test_reset_pages_over_http(world: World, smtp_server: SmtpTestServer) -> None:
    container = replace(world.container, mail=smtp_sender(smtp_server))
    app = create_app(container.settings, container=container)
    client = TestClient(app, follow_redirects=False)
    token = csrf_from(client.get("/password/forgot").text)
    sent = client.post("/password/forgot", data={"email": "clin@a.test", "csrf_token": token})
    assert sent.status_code == 200 and "If this address belongs" in sent.text
    unknown = client.post("/password/forgot", data={"email": "no@a.test", "csrf_token": token})
    assert unknown.status_code == 200 and "If this address belongs" in unknown.text
    [message] = smtp_server.wait_for(1)
    path = "/password/reset/" + token_of(link_in(message, "/password/reset/"))
    page = client.get(path)
    assert page.status_code == 200 and "clin@a.test" in page.text
    short = client.post(path, data={"new": "short", "again": "short", "csrf_token": token})
    assert short.status_code == 400 and "at least 12 characters" in short.text
    done = client.post(path, data={"new": NEW, "again": NEW, "csrf_token": token})
    assert done.status_code == 303
    assert client.get(path).status_code == 409
    api = TestClient(app)
    assert (
        api.post("/api/v1/session", json={"email": "clin@a.test", "password": NEW}).status_code
        == 200
    )
