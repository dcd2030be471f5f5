"""Request body limits (issue 12): refused with 413 before the body is read, on every route,
whether the size is declared (Content-Length) or streamed (chunked), multipart included."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from painpath.bootstrap import Container
from painpath.web.app import create_app
from painpath.web.limits import BodyLimitMiddleware
from tests.conftest import World, api_client, build_world, make_container

LIMIT = 64 * 1024


@pytest.fixture
def small(tmp_path: Path) -> Iterator[tuple[Container, World]]:
    container = make_container(tmp_path)
    container.settings.max_body_bytes = LIMIT
    container.settings.max_video_bytes = 2 * 1024 * 1024
    yield container, build_world(container)
    container.engine.dispose()


def _chunks(total: int, size: int = 16 * 1024) -> Iterator[bytes]:
    sent = 0
    while sent < total:
        yield b"a" * min(size, total - sent)
        sent += size


def test_declared_size_over_the_limit_is_refused_unread(small: tuple[Container, World]) -> None:
    container, _ = small
    client = TestClient(create_app(container.settings, container=container))
    resp = client.post(
        "/signin",
        content=b"email=x&password=" + b"a" * (LIMIT + 10),
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert resp.status_code == 413 and "larger than" in resp.text
    api = client.post("/api/v1/session", content=b"{" + b" " * LIMIT + b"}")
    assert api.status_code == 413 and api.json()["error"]["status"] == 413


def test_streamed_body_is_counted(small: tuple[Container, World]) -> None:
    container, world = small
    client, csrf = api_client(container, "clin@a.test")
    resp = client.post(
        f"/api/v1/patients/{world.patient.id}/checkins",
        content=_chunks(LIMIT * 3),
        headers={"content-type": "application/json", "X-CSRF-Token": csrf},
    )
    assert resp.status_code == 413
    ok = client.post(
        f"/api/v1/patients/{world.patient.id}/checkins",
        json={"day": container.clock.today().isoformat(), "pain_now": 3, "pain_worst": 4},
        headers={"X-CSRF-Token": csrf},
    )
    assert ok.status_code == 201  # the server keeps serving


def test_uploads_get_the_video_limit_and_no_more(small: tuple[Container, World]) -> None:
    container, world = small
    client, csrf = api_client(container, "clin@a.test")
    url = f"/api/v1/patients/{world.patient.id}/videos"
    big = b"\0" * (4 * 1024 * 1024)
    resp = client.post(
        url, files={"file": ("x.mp4", big, "video/mp4")}, headers={"X-CSRF-Token": csrf}
    )
    assert resp.status_code == 413
    # Over the form limit but under the video limit: read and judged by the route (not a video).
    under = client.post(
        url,
        content=b"\0" * (LIMIT * 2),
        headers={"X-CSRF-Token": csrf, "content-type": "application/octet-stream"},
    )
    assert under.status_code not in (413, 500) and under.status_code >= 400


def test_limit_for_paths() -> None:
    async def app(scope, receive, send):  # type: ignore[no-untyped-def]
        return None

    mw = BodyLimitMiddleware(app, max_body_bytes=1000, max_upload_bytes=10_000)
    assert mw.limit_for("/signin") == 1000
    assert mw.limit_for("/api/v1/patients/abc/videos") > 10_000
    assert mw.limit_for("/patients/abc/movement") > 10_000
    assert mw.limit_for("/patients/abc/videos/x/delete") == 1000
