"""CSRF over every unsafe route, and HEAD / OPTIONS / trailing slashes across the app."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from painpath.bootstrap import Container
from painpath.domain.access import Access
from painpath.web.app import create_app
from painpath.web.security import ACCESS_KEY, CAPABILITY_KEY, iter_api_routes
from tests.conftest import World, build_world
from tests.integration.test_authz_matrix import _client_for, _path_for

PERSONA_FOR = {
    Access.PUBLIC: "anonymous",
    Access.SIGNED_IN: "clinician_same",
    Access.CLINICIAN: "clinician_same",
    Access.ADMIN: "admin",
    Access.PATIENT_ACCOUNT: "patient_self",
    Access.PATIENT_READ: "clinician_same",
    Access.PATIENT_SELF_REPORT: "clinician_same",
    Access.PATIENT_CLINICAL: "clinician_same",
}


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Container, World]]:
    from tests.conftest import make_container

    container = make_container(tmp_path_factory.mktemp("csrf"))
    world = build_world(container)
    yield container, world
    container.engine.dispose()


def test_every_unsafe_route_refuses_a_missing_or_forged_csrf_token(
    env: tuple[Container, World],
) -> None:
    container, world = env
    app = create_app(container.settings, container=container)
    clients = {p: _client_for(app, p) for p in set(PERSONA_FOR.values())}
    failures: list[str] = []
    checked = 0
    for route in iter_api_routes(app.routes):
        extra = route.openapi_extra or {}
        if extra.get(CAPABILITY_KEY):
            continue  # the secret token in the path is the authorisation (RFC 8058)
        access = Access(extra[ACCESS_KEY])
        client, real = clients[PERSONA_FOR[access]]
        path = _path_for(route, world)
        for method in sorted((route.methods or set()) & {"POST", "PUT", "PATCH", "DELETE"}):
            for token in (None, "forged-" + "x" * 36, real[:-2] + "zz"):
                headers = {"x-csrf-token": token} if token else {}
                data = {"csrf_token": token} if token else {}
                # a form post (what a forged cross-site page can send) ...
                resp = client.request(method, path, data=data or {"a": "b"}, headers=headers)
                checked += 1
                if resp.status_code != 403:
                    failures.append(f"{method} {route.path} form {token!r}: {resp.status_code}")
                if path.startswith("/api/") and not (access is Access.PUBLIC and method == "POST"):
                    resp = client.request(method, path, json={}, headers=headers)
                    checked += 1
                    if resp.status_code != 403:
                        failures.append(f"{method} {route.path} json {token!r}: {resp.status_code}")
    assert failures == []
    assert checked >= 60


def test_head_options_and_trailing_slashes(env: tuple[Container, World]) -> None:
    container, world = env
    app = create_app(container.settings, container=container)
    failures: list[str] = []
    for persona in ("anonymous", "clinician_other", "other_patient", "admin"):
        client, _ = _client_for(app, persona)
        for route in iter_api_routes(app.routes):
            path = _path_for(route, world)
            access = Access((route.openapi_extra or {})[ACCESS_KEY])
            if "GET" in (route.methods or ()):
                got, head = client.get(path), client.head(path)
                if head.status_code != got.status_code or head.content:
                    failures.append(f"HEAD {path} as {persona}: {head.status_code}")
            opt = client.options(path)
            if opt.status_code >= 500 or (opt.status_code == 200 and opt.content):
                failures.append(f"OPTIONS {path} as {persona}: {opt.status_code}")
            if "access-control-allow-origin" in opt.headers:
                failures.append(f"OPTIONS {path}: grants CORS")
            if not path.endswith("/") and access is not Access.PUBLIC:
                slashed = client.get(path + "/")
                # never served under a different spelling without the same checks
                if slashed.status_code == 200 and persona == "anonymous":
                    failures.append(f"GET {path}/ as anonymous: 200")
                if slashed.status_code >= 500:
                    failures.append(f"GET {path}/ as {persona}: {slashed.status_code}")
    assert failures == []
