"""The OpenAPI schema documents the status codes the API really returns."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from painpath.bootstrap import Container
from painpath.web.app import create_app
from painpath.web.security import iter_api_routes
from tests.conftest import World, build_world
from tests.integration.test_authz_matrix import _client_for, _path_for


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Container, World]]:
    from tests.conftest import make_container

    container = make_container(tmp_path_factory.mktemp("openapi"))
    world = build_world(container)
    yield container, world
    container.engine.dispose()


def test_every_status_returned_is_documented(env: tuple[Container, World]) -> None:
    container, world = env
    app = create_app(container.settings, container=container)
    spec = app.openapi()
    undocumented: list[str] = []
    checked = 0
    for persona in ("anonymous", "patient_self", "clinician_same", "clinician_other", "admin"):
        client, csrf = _client_for(app, persona)
        for route in iter_api_routes(app.routes):
            if not route.include_in_schema or not route.path.startswith("/api/v1"):
                continue
            path = _path_for(route, world)
            for method in sorted(route.methods or ()):
                documented = set(spec["paths"][route.path][method.lower()]["responses"])
                for body in ({}, {"bogus": 1}):
                    kwargs: dict[str, object] = {"headers": {"x-csrf-token": csrf}}
                    if method in ("POST", "PUT", "PATCH"):
                        kwargs["json"] = body
                    resp = client.request(method, path, **kwargs)  # type: ignore[arg-type]
                    checked += 1
                    if str(resp.status_code) not in documented:
                        undocumented.append(
                            f"{method} {route.path} as {persona}: {resp.status_code} "
                            f"(documented {sorted(documented)})"
                        )
    anon, _ = _client_for(app, "anonymous")
    documented = set(spec["paths"]["/api/v1/session"]["post"]["responses"])
    for _ in range(7):  # wrong passwords until the limit answers
        resp = anon.post("/api/v1/session", json={"email": "clin@a.test", "password": "x" * 12})
        if str(resp.status_code) not in documented:
            undocumented.append(f"POST /api/v1/session wrong password: {resp.status_code}")
    assert resp.status_code == 429
    assert undocumented == []
    assert checked >= 100


def test_error_responses_are_listed_with_descriptions(env: tuple[Container, World]) -> None:
    container, _ = env
    spec = create_app(container.settings, container=container).openapi()
    me = spec["paths"]["/api/v1/me"]["get"]["responses"]
    assert {"200", "401", "403"} <= set(me)
    session = spec["paths"]["/api/v1/session"]["post"]["responses"]
    assert {"200", "401", "403", "429"} <= set(session)
    for path, ops in spec["paths"].items():
        for op in ops.values():
            for code, info in op["responses"].items():
                assert re.fullmatch(r"[1-5]\d\d", code) and info.get("description"), (path, code)
