"""Sign-in, sessions, CSRF, rate limiting, inactivity sign-out, error pages."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from painpath.bootstrap import Container
from painpath.web.app import create_app
from tests.conftest import PASSWORD, World, csrf_from


class ShiftedClock:
    """The real clock moved forward by ``offset``: to test inactivity without sleeping."""

    def __init__(self) -> None:
        self.offset = timedelta()

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def today(self):  # type: ignore[no-untyped-def]
        return self.now().date()


@pytest.fixture
def client(container: Container, world: World) -> TestClient:
    return TestClient(create_app(container.settings, container=container), follow_redirects=False)


def sign_in(
    client: TestClient, email: str, password: str = PASSWORD, next_: str = "", code: str = ""
) -> object:
    token = csrf_from(client.get("/signin").text)
    data = {"email": email, "password": password, "csrf_token": token, "next": next_}
    return client.post("/signin", data=data | ({"code": code} if code else {}))


def test_sign_in_sets_a_safe_cookie_and_lands_by_role(client: TestClient) -> None:
    resp = sign_in(client, "clin@a.test")
    assert resp.status_code == 303 and resp.headers["location"] == "/caseload"  # type: ignore[attr-defined]
    cookie = next(h for h in resp.headers.get_list("set-cookie") if h.startswith("pp_session="))  # type: ignore[attr-defined]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" not in cookie
    page = client.get("/caseload")
    assert page.status_code == 200 and "Tester, Pat" in page.text and "Foreign" not in page.text


def test_cookie_is_secure_over_https(container: Container, world: World) -> None:
    app = create_app(container.settings, container=container)
    with TestClient(app, base_url="https://testserver", follow_redirects=False) as secure:
        resp = sign_in(secure, "clin@a.test")
        cookie = next(h for h in resp.headers.get_list("set-cookie") if h.startswith("pp_session="))  # type: ignore[attr-defined]
        assert "Secure" in cookie


def test_wrong_password_is_refused_without_saying_which_part(client: TestClient) -> None:
    resp = sign_in(client, "clin@a.test", "not-the-password")
    assert resp.status_code == 400  # type: ignore[attr-defined]
    assert "email or password is not right" in resp.text  # type: ignore[attr-defined]
    unknown = sign_in(client, "nobody@a.test", "whatever-123")
    assert "email or password is not right" in unknown.text  # type: ignore[attr-defined]


def test_sign_in_is_rate_limited(client: TestClient) -> None:
    for _ in range(5):
        sign_in(client, "clin@a.test", "wrong-password-x")
    blocked = sign_in(client, "clin@a.test", PASSWORD)
    assert blocked.status_code == 429 and "too many sign-in attempts" in blocked.text  # type: ignore[attr-defined]


def test_every_form_post_needs_the_csrf_token(client: TestClient) -> None:
    sign_in(client, "clin@a.test")
    resp = client.post("/patients/new", data={"given_name": "No", "family_name": "Token"})
    assert resp.status_code == 403 and "did not come from this site" in resp.text
    forged = client.post(
        "/patients/new", data={"given_name": "No", "family_name": "Token", "csrf_token": "x" * 40}
    )
    assert forged.status_code == 403
    anon = TestClient(client.app, follow_redirects=False)
    assert anon.post("/signin", data={"email": "a@b.c", "password": "x"}).status_code == 403


def test_inactivity_signs_out(container: Container, world: World) -> None:
    clock = ShiftedClock()
    shifted = replace(container, clock=clock)
    app = create_app(container.settings, container=shifted)
    with TestClient(app, follow_redirects=False) as c:
        sign_in(c, "clin@a.test")
        assert c.get("/caseload").status_code == 200
        clock.offset = timedelta(minutes=14)
        assert c.get("/caseload").status_code == 200  # activity refreshes the session
        clock.offset = timedelta(minutes=14 + 16)
        resp = c.get("/caseload")
        assert resp.status_code == 303 and "inactivity" in resp.headers["location"]


def test_sign_out_revokes_the_session(client: TestClient) -> None:
    sign_in(client, "clin@a.test")
    token = csrf_from(client.get("/caseload").text)
    stolen = client.cookies.get("pp_session")
    client.post("/signout", data={"csrf_token": token})
    replay = TestClient(client.app, follow_redirects=False, cookies={"pp_session": stolen or ""})
    assert replay.get("/caseload").status_code == 303


def test_patient_sees_only_their_own_record(client: TestClient, world: World) -> None:
    sign_in(client, "pat@a.test")
    home = client.get("/me")
    assert home.status_code == 200 and "Hello, Pat" in home.text and "Otto" not in home.text
    assert client.get(f"/api/v1/patients/{world.other_patient.id}").status_code == 403
    assert client.get(f"/api/v1/patients/{world.patient.id}").status_code == 200
    assert client.get("/caseload").status_code == 403


def test_bad_input_gets_a_clear_4xx_never_a_stack_trace(client: TestClient, world: World) -> None:
    sign_in(client, "clin@a.test")
    token = csrf_from(client.get("/caseload").text)
    bad_date = client.post(
        "/patients/new",
        data={
            "given_name": "A",
            "family_name": "B",
            "birth_date": "31/31/1999",
            "csrf_token": token,
        },
    )
    assert bad_date.status_code == 400 and "must be a date" in bad_date.text
    future = client.post(
        "/patients/new",
        data={
            "given_name": "A",
            "family_name": "B",
            "birth_date": "2999-01-01",
            "csrf_token": token,
        },
    )
    assert future.status_code == 400 and "real past date" in future.text
    api = client.post(
        "/api/v1/patients", json={"given_name": "", "bogus": 1}, headers={"x-csrf-token": token}
    )
    assert api.status_code == 422 and "error" in api.json()
    assert "Traceback" not in api.text and "Traceback" not in bad_date.text
    missing = client.get("/patients/not-a-patient/overview")
    assert missing.status_code == 404 and "Not found" in missing.text
    nowhere = client.get("/no/such/page")
    assert nowhere.status_code == 404


def test_security_headers(client: TestClient) -> None:
    resp = client.get("/signin")
    assert resp.headers["x-frame-options"] == "DENY"
    assert "default-src 'self'" in resp.headers["content-security-policy"]
    assert resp.headers["x-content-type-options"] == "nosniff"
    assert re.fullmatch(r"[0-9a-f]{32}", resp.headers["x-request-id"])


def test_audit_records_who_read_which_patient(
    client: TestClient, container: Container, world: World
) -> None:
    sign_in(client, "clin@a.test")
    resp = client.get(f"/patients/{world.patient.id}/overview", headers={"x-request-id": "req-42"})
    assert resp.status_code == 200
    with container.uow() as uow:
        events = uow.audit.search(patient_id=world.patient.id, action="patient.read")
    assert any(
        e.request_id == "req-42" and e.actor_user_id == world.clinician.user_id for e in events
    )


def test_admin_pages_and_audit_filters(client: TestClient, world: World) -> None:
    sign_in(client, "admin@a.test", code=world.admin_code())
    token = csrf_from(client.get("/admin/users").text)
    created = client.post(
        "/admin/users",
        data={
            "name": "New PT",
            "email": "newpt@a.test",
            "role": "clinician",
            "password": "long-enough-pw",
            "csrf_token": token,
        },
    )
    assert created.status_code == 303
    assert "newpt@a.test" in client.get("/admin/users").text
    dup = client.post(
        "/admin/users",
        data={
            "name": "Dup",
            "email": "newpt@a.test",
            "role": "clinician",
            "password": "long-enough-pw",
            "csrf_token": token,
        },
    )
    assert dup.status_code == 400 and "already exists" in dup.text
    audit = client.get("/admin/audit", params={"action": "admin.user"})
    assert audit.status_code == 200 and "admin.user.create" in audit.text
    assert client.get(f"/api/v1/patients/{world.patient.id}").status_code == 403


def test_production_mode_refuses_without_secret(tmp_path: Path) -> None:
    from painpath.config import Mode, Settings
    from painpath.domain.errors import InvalidInput

    with pytest.raises(InvalidInput, match="production mode needs PAINPATH_SECRET_KEY"):
        create_app(Settings(data_dir=tmp_path, mode=Mode.PRODUCTION))


def test_embedded_secret_is_generated_once_with_0600(tmp_path: Path) -> None:
    from painpath.config import Settings

    settings = Settings(data_dir=tmp_path)
    first = settings.resolve_secret_key()
    assert first == settings.resolve_secret_key() and len(first) >= 40
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600
    with pytest.raises(Exception, match="placeholder"):
        Settings(data_dir=tmp_path, secret_key="changeme").resolve_secret_key()  # type: ignore[arg-type]


def test_api_docs_and_chart_library_are_served_locally(client: TestClient) -> None:
    docs = client.get("/api/docs")
    assert docs.status_code == 200
    assert "http" not in docs.text.replace("http-equiv", "")  # no CDN reference at all
    assert client.get("/vendor/swagger/swagger-ui-bundle.js").status_code == 200
    assert client.get("/vendor/plotly/plotly.min.js").status_code == 200
    spec = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/patients/{patient_id}" in spec["paths"]
