"""No lost work (issue 14 item 6): a form sent after the idle sign-out returns, after signing
in again, to the page it was on (not to its POST-only address, a 405); ``next`` is a local
path only; the pages carry the idle time for the warning and load the drafts script."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient

from painpath.bootstrap import Container
from painpath.web.app import create_app
from tests.conftest import World, csrf_from
from tests.integration.test_web_security import ShiftedClock, sign_in


@pytest.fixture
def client(container: Container, world: World) -> TestClient:
    return TestClient(create_app(container.settings, container=container), follow_redirects=False)


def _next_of(location: str) -> str:
    return parse_qs(urlsplit(location).query).get("next", [""])[0]


def test_a_form_sent_after_the_idle_sign_out_returns_to_its_page(
    container: Container, world: World
) -> None:
    clock = ShiftedClock()
    app = create_app(container.settings, container=replace(container, clock=clock))
    pid = world.patient.id
    with TestClient(app, follow_redirects=False) as c:
        sign_in(c, "clin@a.test")
        page = c.get(f"/patients/{pid}/tab/sessions")
        assert page.status_code == 200
        assert 'data-idle-minutes="15"' in page.text and "/static/drafts.js" in page.text
        clock.offset = timedelta(minutes=16)
        base = str(c.base_url)
        resp = c.post(
            f"/patients/{pid}/sessions",
            data={"csrf_token": csrf_from(page.text), "subjective": "typed"},
            headers={"referer": f"{base}/patients/{pid}/tab/sessions?edit=x"},
        )
        assert resp.status_code == 303
        target = _next_of(resp.headers["location"])
        assert target == f"/patients/{pid}/tab/sessions?edit=x"
        # the page's own return field (drafts.js adds it) wins; the site sends no Referer
        resp = c.post(
            f"/patients/{pid}/sessions",
            data={"subjective": "typed", "next": f"/patients/{pid}/tab/plan"},
        )
        assert _next_of(resp.headers["location"]) == f"/patients/{pid}/tab/plan"
        resp = c.post(
            f"/patients/{pid}/sessions", data={"subjective": "typed", "next": "//evil.example"}
        )
        assert _next_of(resp.headers["location"]) == "/"
        # a referer from another site is not followed
        resp = c.post(
            f"/patients/{pid}/sessions",
            data={"subjective": "typed"},
            headers={"referer": "https://evil.example/patients"},
        )
        assert _next_of(resp.headers["location"]) == "/"
        clock.offset = timedelta()  # the sign-in's clock and the session check's agree again
        signed = sign_in(c, "clin@a.test", next_=target)
        assert signed.headers["location"] == target  # type: ignore[attr-defined]
        back = c.get(target)
        assert back.status_code == 200, back.headers.get("location")


@pytest.mark.parametrize(
    "bad", ["//evil.example/x", "/\\evil.example", "https://evil.example/", "/a\r\nSet-Cookie:x"]
)
def test_next_must_be_a_local_path(client: TestClient, bad: str) -> None:
    resp = sign_in(client, "clin@a.test", next_=bad)
    assert resp.headers["location"] == "/caseload"  # type: ignore[attr-defined]


def test_stay_signed_in_refreshes_the_session(container: Container, world: World) -> None:
    clock = ShiftedClock()
    app = create_app(container.settings, container=replace(container, clock=clock))
    with TestClient(app, follow_redirects=False) as c:
        assert c.get("/session/alive").status_code == 303  # not signed in: to the sign-in page
        sign_in(c, "clin@a.test")
        clock.offset = timedelta(minutes=14)
        assert c.get("/session/alive").status_code == 204
        clock.offset = timedelta(minutes=14 + 14)
        assert c.get("/caseload").status_code == 200  # still signed in thanks to the ping


def test_patients_get_the_warning_but_no_clinician_drafts(client: TestClient) -> None:
    sign_in(client, "pat@a.test")
    page = client.get("/me").text
    assert "data-idle-minutes" in page and 'data-drafts="on"' not in page
