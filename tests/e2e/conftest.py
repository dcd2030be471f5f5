"""Shared end-to-end fixtures: the real app served by uvicorn on a free local port over a fresh
SQLite database, and a headless Debian chromium page sized like a phone.

Use ``live_server`` (module-scoped: one server and one database per test module; seed what the
module needs through ``live_server.ctx(actor)`` and the services) and ``browser_page`` (a fresh
browser context per test, so cookies and localStorage never leak between tests). Mark browser
tests ``@pytest.mark.browser``.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from painpath.bootstrap import Container
from painpath.domain.accounts import Actor
from painpath.services.context import ServiceContext
from painpath.web.app import create_app
from tests.conftest import PASSWORD, World, build_world, make_container

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
PHONE = {"width": 390, "height": 844}


@dataclass
class LiveServer:
    """A running PainPath: ``url`` to browse, ``container`` and ``world`` (the personas of
    ``tests.conftest.build_world``) to seed data through the services."""

    url: str
    container: Container
    world: World

    def ctx(self, actor: Actor | None) -> ServiceContext:
        return self.container.context().acting_as(actor, request_id="e2e-seed")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def serve(container: Container, *, port: int | None = None) -> Iterator[str]:
    """Serve ``container`` with uvicorn on a free 127.0.0.1 port (or ``port``, when the
    settings must know it first, e.g. for links in e-mails); yields the base URL."""
    app = create_app(container.settings, container=container)
    port = port or free_port()
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_level="warning", ws="none", lifespan="on"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="live-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the live server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=15)


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    container = make_container(Path(tmp_path_factory.mktemp("live")))
    world = build_world(container)
    try:
        with serve(container) as url:
            yield LiveServer(url, container, world)
    finally:
        container.engine.dispose()


@pytest.fixture(scope="session")
def _browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def browser_page(_browser: Any) -> Iterator[Any]:
    """A Playwright ``Page`` in a fresh phone-sized context (390 x 844, touch)."""
    context = _browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        yield page
    finally:
        context.close()


def sign_in(page: Any, server: LiveServer, email: str, password: str = PASSWORD) -> None:
    """Sign in through the real form; waits until the landing page has loaded."""
    page.goto(f"{server.url}/signin")
    page.fill("#email", email)
    page.fill("#password", password)
    with page.expect_navigation():
        page.click("button[type=submit]")
