"""The authorisation matrix: every route of the app against seven personas (the seventh, an
admin who has not set up the authenticator app, reaches only the set-up page and sign-out).

Every route declares its access level (``add_route(..., access=...)``); this test reads the
declaration from the app itself, so a new route joins the matrix automatically, and a route
without a declaration fails the test.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from painpath.bootstrap import Container
from painpath.config import Settings
from painpath.domain.access import Access
from painpath.domain.accounts import Role
from painpath.services.system import create_staff_user
from painpath.web.app import create_app
from painpath.web.security import ACCESS_KEY, BEFORE_MFA_KEY, iter_api_routes
from tests.conftest import PASSWORD, World, build_world, fresh_recovery_code

PERSONAS = (
    "anonymous",
    "patient_self",
    "other_patient",
    "clinician_same",
    "clinician_other",
    "admin",
    "admin_without_mfa",
)
EMAILS = {
    "patient_self": "pat@a.test",
    "other_patient": "otto@a.test",
    "clinician_same": "clin@a.test",
    "clinician_other": "clin@b.test",
    "admin": "admin@a.test",
    "admin_without_mfa": "admin2@a.test",  # an admin who has not set up the app yet
}
ALLOWED: dict[Access, set[str]] = {
    Access.PUBLIC: set(PERSONAS),
    # an account that must still set up its app reaches only routes marked before_mfa_setup
    Access.SIGNED_IN: set(PERSONAS) - {"anonymous", "admin_without_mfa"},
    Access.CLINICIAN: {"clinician_same", "clinician_other"},
    Access.ADMIN: {"admin"},
    Access.PATIENT_ACCOUNT: {"patient_self", "other_patient"},
    Access.PATIENT_READ: {"patient_self", "clinician_same"},
    Access.PATIENT_SELF_REPORT: {"patient_self", "clinician_same"},
    Access.PATIENT_CLINICAL: {"clinician_same"},
}
# Values for path parameters other than patient_id: real where the world has one, else a
# well-formed id that does not exist (an allowed persona then gets 404, never 401/403).
PARAM_VALUES = {
    "tab_id": "overview",
    "user_id": "1",
    "job_id": "00000000-0000-0000-0000-000000000000",
}


@pytest.fixture(scope="module")
def matrix_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Container, World]]:
    from tests.conftest import make_container

    container = make_container(tmp_path_factory.mktemp("matrix"))
    world = build_world(container)
    create_staff_user(
        container.context(),
        email="admin2@a.test",
        name="Admin Two",
        role=Role.ADMIN,
        clinic_name="Clinic A",
        password=PASSWORD,
    )
    yield container, world
    container.engine.dispose()


def _routes(app) -> list[APIRoute]:  # type: ignore[no-untyped-def]
    return iter_api_routes(app.routes)


def _path_for(route: APIRoute, world: World) -> str:
    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        if name == "patient_id":
            return world.patient.id
        return PARAM_VALUES.get(name, "00000000-0000-0000-0000-000000000000")

    return re.sub(r"\{(\w+)(?::\w+)?\}", fill, route.path)


def _client_for(app, persona: str, world: World | None = None) -> tuple[TestClient, str]:  # type: ignore[no-untyped-def]
    client = TestClient(app, follow_redirects=False)
    page = client.get("/signin")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    if persona == "anonymous":
        return client, csrf
    body = {"email": EMAILS[persona], "password": PASSWORD}
    if persona == "admin":  # the world's admin has the app set up: a one-time code
        container = app.state.container
        with container.uow() as uow:
            user = uow.users.by_email(EMAILS[persona])
        body["code"] = fresh_recovery_code(container, user.id)
    resp = client.post("/api/v1/session", json=body)
    assert resp.status_code == 200, resp.text
    assert resp.json()["mfa_setup_required"] is (persona == "admin_without_mfa")
    return client, resp.json()["csrf_token"]


def _is_denied(access: Access, persona: str, status: int, location: str) -> bool:
    if status in (401, 403):
        return True
    redirected = status in (302, 303)
    if access is not Access.PUBLIC and persona == "admin_without_mfa":
        return redirected and location.startswith("/account/mfa")
    to_signin = redirected and location.startswith("/signin")
    return access is not Access.PUBLIC and persona == "anonymous" and to_signin


def _allowed(route: APIRoute, access: Access, persona: str) -> bool:
    if persona == "admin_without_mfa" and (route.openapi_extra or {}).get(BEFORE_MFA_KEY):
        return True
    return persona in ALLOWED[access]


def test_every_route_declares_its_access(matrix_env: tuple[Container, World]) -> None:
    container, _ = matrix_env
    app = create_app(container.settings, container=container)
    undeclared = [r.path for r in _routes(app) if ACCESS_KEY not in (r.openapi_extra or {})]
    assert undeclared == []
    assert len(_routes(app)) >= 20


def test_authorisation_matrix(matrix_env: tuple[Container, World]) -> None:
    container, world = matrix_env
    app = create_app(container.settings, container=container)
    failures: list[str] = []
    checked = 0
    pairs = [(route, method) for route in _routes(app) for method in sorted(route.methods or ())]
    # A GET changes nothing, so each persona's GETs share one signed-in client and go first
    # (signing in again ends a user's earlier session); every other method gets a client
    # signed in for it alone. That halves the ~950 sign-ins.
    pairs.sort(key=lambda pair: pair[1] != "GET")
    readers: dict[str, tuple[TestClient, str]] = {}
    for route, method in pairs:
        access = Access(route.openapi_extra[ACCESS_KEY])  # type: ignore[index]
        path = _path_for(route, world)
        for persona in PERSONAS:
            if method == "GET":
                if persona not in readers:
                    readers[persona] = _client_for(app, persona, world)
                client, csrf = readers[persona]
            else:
                readers.pop(persona, None)
                client, csrf = _client_for(app, persona, world)
            with client:
                kwargs: dict[str, object] = {"headers": {"x-csrf-token": csrf}}
                if method in ("POST", "PUT", "PATCH"):
                    if path.startswith("/api/"):
                        kwargs["json"] = {}
                    else:
                        kwargs = {"data": {"csrf_token": csrf}}
                resp = client.request(method, path, **kwargs)  # type: ignore[arg-type]
            checked += 1
            if resp.status_code >= 500:
                failures.append(f"{method} {route.path} as {persona}: server error")
                continue
            denied = _is_denied(access, persona, resp.status_code, resp.headers.get("location", ""))
            expected_allowed = _allowed(route, access, persona)
            if persona == "admin_without_mfa" and denied and access is not Access.PUBLIC:
                # the API says why, in a field a program can read; pages go to set-up
                if path.startswith("/api/"):
                    reason = resp.json()["error"].get("reason")
                    if resp.status_code != 403 or reason != "mfa_setup_required":
                        failures.append(f"{method} {route.path}: {resp.status_code} {reason}")
                elif method == "GET" and resp.status_code != 303:
                    failures.append(f"{method} {route.path}: {resp.status_code}, no set-up")
            if denied == expected_allowed:
                want = "allowed" if expected_allowed else "denied"
                failures.append(
                    f"{method} {route.path} [{access.value}] as {persona}: expected {want}, "
                    f"got {resp.status_code}"
                )
    assert failures == [], "\n".join(failures)
    assert checked >= 7 * 20


def test_denied_access_to_a_patient_is_audited(matrix_env: tuple[Container, World]) -> None:
    container, world = matrix_env
    app = create_app(container.settings, container=container)
    client, _ = _client_for(app, "clinician_other", world)
    with client:
        assert client.get(f"/api/v1/patients/{world.patient.id}").status_code == 403
    with container.uow() as uow:
        events = uow.audit.search(patient_id=world.patient.id)
    assert any(
        e.outcome == "denied" and e.actor_user_id == world.other_clinician.user_id for e in events
    )


def test_settings_are_not_global(matrix_env: tuple[Container, World]) -> None:
    # Two apps with different settings coexist: nothing was built at import time.
    container, _ = matrix_env
    other = Settings(data_dir=container.settings.data_dir / "other", session_idle_minutes=3)
    assert other.session_idle_minutes == 3 and container.settings.session_idle_minutes == 15
