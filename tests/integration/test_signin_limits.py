"""Sign-in limits shared by every worker (database), trusted proxies, bounded audit, and the
session rules: absolute lifetime, signing in again ends earlier sessions, Secure cookies."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from painpath.bootstrap import Container
from painpath.domain.errors import AuthenticationRequired, RateLimited
from painpath.services.auth import SignInLimiter, sign_in
from painpath.web.app import create_app
from tests.conftest import PASSWORD, World, build_world
from tests.integration.test_web_security import ShiftedClock

LIMITS = SignInLimiter(attempts=3, window_s=60, client_attempts=5, global_attempts=8)


def _try(world: World, email: str, password: str, client: str) -> str:
    try:
        sign_in(world.ctx(None), email=email, password=password, client=client, limiter=LIMITS)
    except RateLimited:
        return "limited"
    except AuthenticationRequired:
        return "refused"
    return "ok"


def test_account_limit_holds_whatever_the_address(world: World) -> None:
    outcomes = [_try(world, "clin@a.test", "wrong-guess", f"10.0.0.{i}") for i in range(5)]
    assert outcomes == ["refused"] * 3 + ["limited"] * 2
    # the right password is refused too while the account is limited, from a new address
    assert _try(world, "clin@a.test", PASSWORD, "10.9.9.9") == "limited"
    assert _try(world, "pat@a.test", PASSWORD, "10.9.9.9") == "ok"  # other accounts work


def test_client_limit_holds_across_accounts(world: World) -> None:
    accounts = [f"user{i}@a.test" for i in range(7)]
    outcomes = [_try(world, a, "wrong-guess", "10.1.1.1") for a in accounts]
    assert outcomes == ["refused"] * 5 + ["limited"] * 2
    assert _try(world, "clin@a.test", PASSWORD, "10.1.1.1") == "limited"
    assert _try(world, "clin@a.test", PASSWORD, "10.1.1.2") == "ok"


def test_global_limit_holds_across_accounts_and_addresses(world: World) -> None:
    outcomes = [_try(world, f"u{i}@a.test", "wrong-guess", f"10.2.0.{i}") for i in range(10)]
    assert outcomes == ["refused"] * 8 + ["limited"] * 2


def test_limits_are_shared_by_every_worker(container: Container, world: World) -> None:
    # A second container on the same database is another worker process's view.
    from painpath.bootstrap import build_container
    from tests.conftest import fast_hasher

    other = build_container(container.settings, hasher=fast_hasher(), worker_threads=0)
    try:
        for _ in range(3):
            _try(world, "clin@a.test", "wrong-guess", "10.3.0.1")
        ctx = other.context().acting_as(None, request_id="w2")
        with pytest.raises(RateLimited):
            sign_in(ctx, email="clin@a.test", password=PASSWORD, client="10.3.0.2", limiter=LIMITS)
    finally:
        other.engine.dispose()


def test_failures_are_audited_and_storage_stays_bounded(world: World) -> None:
    for i in range(40):
        _try(world, "clin@a.test", "wrong-guess", f"10.4.0.{i % 3}")
    with world.container.uow() as uow:
        events = [e for e in uow.audit.iter_all() if e.action.startswith("auth.signin")]
        rows = uow.signin_attempts.total_rows()
    denied = [e for e in events if e.action == "auth.signin" and e.outcome == "denied"]
    blocked = [e for e in events if e.action == "auth.signin.blocked"]
    assert len(denied) == 3 and len(blocked) == 1  # not one event per knock
    assert all(e.actor_user_id == world.clinician.user_id for e in denied)
    assert all(PASSWORD not in str(e.detail) and "wrong-guess" not in str(e.detail) for e in events)
    assert rows <= 3 + 1


def test_old_attempts_are_forgotten_after_the_window(any_container: Container) -> None:
    # Both backends: PostgreSQL prunes with SKIP LOCKED, SQLite with a plain delete.
    container = any_container
    build_world(container)
    clock = ShiftedClock()
    shifted = replace(container, clock=clock)
    ctx = shifted.context().acting_as(None, request_id="t")

    def attempt(password: str) -> None:
        sign_in(ctx, email="clin@a.test", password=password, client="10.5.0.1", limiter=LIMITS)

    for _ in range(3):
        with pytest.raises(AuthenticationRequired):
            attempt("wrong-guess")
    with pytest.raises(RateLimited):
        attempt(PASSWORD)
    clock.offset = timedelta(seconds=61)
    attempt(PASSWORD)
    with container.uow() as uow:
        assert uow.signin_attempts.total_rows() == 0


def _web_sign_in(client: TestClient, headers: dict[str, str]) -> int:
    resp = client.post(
        "/api/v1/session",
        json={"email": "clin@a.test", "password": "wrong-guess"},
        headers=headers,
    )
    return resp.status_code


def test_forwarded_for_is_ignored_unless_the_peer_is_a_trusted_proxy(
    container: Container, world: World
) -> None:
    app = create_app(container.settings, container=container)
    client = TestClient(app)  # the TestClient's peer address is "testclient"
    statuses = [_web_sign_in(client, {"x-forwarded-for": f"203.0.113.{i}"}) for i in range(22)]
    # the account limit (5) stops it whatever the header claims
    assert statuses[:5] == [401] * 5 and set(statuses[5:]) == {429}
    with container.uow() as uow:
        events = [e for e in uow.audit.iter_all() if e.action == "auth.signin"]
    assert {e.detail["client"] for e in events} == {"testclient"}


def test_trusted_proxy_forwarded_address_is_the_client(tmp_path, world: World) -> None:  # type: ignore[no-untyped-def]
    from ipaddress import ip_network

    settings = world.container.settings.model_copy(
        update={"trusted_proxies": "127.0.0.1, 10.0.0.0/8"}
    )
    assert settings.trusted_proxy_networks == [ip_network("127.0.0.1/32"), ip_network("10.0.0.0/8")]
    app = create_app(settings, container=replace(world.container, settings=settings))
    proxy = TestClient(app, client=("127.0.0.1", 5000))
    for i in range(3):  # three people behind the proxy, and a spoofed left-most entry
        _web_sign_in(proxy, {"x-forwarded-for": f"1.2.3.4, 198.51.100.{i}, 10.0.0.7"})
    direct = TestClient(app, client=("192.0.2.50", 5000))
    _web_sign_in(direct, {"x-forwarded-for": "198.51.100.99"})  # not a proxy: ignored
    with world.container.uow() as uow:
        events = [e for e in uow.audit.iter_all() if e.action == "auth.signin"]
    assert [e.detail["client"] for e in events] == [
        "198.51.100.0",
        "198.51.100.1",
        "198.51.100.2",
        "192.0.2.50",
    ]


def test_signing_in_again_ends_the_earlier_session(container: Container, world: World) -> None:
    app = create_app(container.settings, container=container)
    first, second = TestClient(app), TestClient(app)
    body = {"email": "clin@a.test", "password": PASSWORD}
    assert first.post("/api/v1/session", json=body).status_code == 200
    assert first.get("/api/v1/me").status_code == 200
    assert second.post("/api/v1/session", json=body).status_code == 200
    assert first.get("/api/v1/me").status_code == 401
    assert second.get("/api/v1/me").status_code == 200


def test_sessions_end_at_their_absolute_lifetime(container: Container, world: World) -> None:
    clock = ShiftedClock()
    shifted = replace(container, clock=clock)
    app = create_app(container.settings, container=shifted)
    client = TestClient(app)
    body = {"email": "clin@a.test", "password": PASSWORD}
    assert client.post("/api/v1/session", json=body).status_code == 200
    for hours in range(1, 12):  # active every 10 minutes all day ...
        for minutes in (0, 10, 20, 30, 40, 50):
            clock.offset = timedelta(hours=hours - 1, minutes=minutes)
            assert client.get("/api/v1/me").status_code == 200
    clock.offset = timedelta(hours=12, minutes=1)  # ... still ends after 12 hours
    resp = client.get("/api/v1/me")
    assert resp.status_code == 401 and "time limit" in resp.text


@pytest.mark.parametrize("path", ["/api/v1/session", "/signin"])
def test_secure_cookie_setting_is_honoured_on_every_sign_in_path(
    container: Container, world: World, path: str
) -> None:
    from tests.conftest import csrf_from

    settings = container.settings.model_copy(update={"secure_cookies": True})
    app = create_app(settings, container=replace(container, settings=settings))
    client = TestClient(app, follow_redirects=False)  # plain http, behind a TLS proxy
    if path == "/signin":
        token = csrf_from(client.get("/signin").text)
        resp = client.post(
            path, data={"email": "clin@a.test", "password": PASSWORD, "csrf_token": token}
        )
    else:
        resp = client.post(path, json={"email": "clin@a.test", "password": PASSWORD})
    assert resp.status_code in (200, 303)
    cookie = next(h for h in resp.headers.get_list("set-cookie") if h.startswith("pp_session="))
    assert "Secure" in cookie and "HttpOnly" in cookie
