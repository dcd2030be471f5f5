"""The authorisation matrix: every route of the app against six personas.

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
from painpath.web.app import create_app
from painpath.web.security import ACCESS_KEY, iter_api_routes
from tests.conftest import PASSWORD, World, build_world

PERSONAS = (
    "anonymous",
    "patient_self",
    "other_patient",
    "clinician_same",
    "clinician_other",
    "admin",
)
EMAILS = {
    "patient_self": "pat@a.test",
    "other_patient": "otto@a.test",
    "clinician_same": "clin@a.test",
    "clinician_other": "clin@b.test",
    "admin": "admin@a.test",
}
ALLOWED: dict[Access, set[str]] = {
    Access.PUBLIC: set(PERSONAS),
    Access.SIGNED_IN: set(PERSONAS) - {"anonymous"},
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


def _client_for(app, persona: str) -> tuple[TestClient, str]:  # type: ignore[no-untyped-def]
    client = TestClient(app, follow_redirects=False)
    page = client.get("/signin")
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    if persona == "anonymous":
        return client, csrf
    resp = client.post("/api/v1/session", json={"email": EMAILS[persona], "password": PASSWORD})
    assert resp.status_code == 200, resp.text
    return client, resp.json()["csrf_token"]


def _is_denied(access: Access, persona: str, status: int, location: str) -> bool:
    if status in (401, 403):
        return True
    to_signin = status in (302, 303) and location.startswith("/signin")
    return access is not Access.PUBLIC and persona == "anonymous" and to_signin


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
    for route in _routes(app):
        access = Access(route.openapi_extra[ACCESS_KEY])  # type: ignore[index]
        path = _path_for(route, world)
        for method in sorted(route.methods or ()):
            for persona in PERSONAS:
                client, csrf = _client_for(app, persona)
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
                denied = _is_denied(
                    access, persona, resp.status_code, resp.headers.get("location", "")
                )
                expected_allowed = persona in ALLOWED[access]
                if denied == expected_allowed:
                    want = "allowed" if expected_allowed else "denied"
                    failures.append(
                        f"{method} {route.path} [{access.value}] as {persona}: expected {want}, "
                        f"got {resp.status_code}"
                    )
    assert failures == [], "\n".join(failures)
    assert checked >= 6 * 20


def test_denied_access_to_a_patient_is_audited(matrix_env: tuple[Container, World]) -> None:
    container, world = matrix_env
    app = create_app(container.settings, container=container)
    client, _ = _client_for(app, "clinician_other")
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
