"""Security headers and what a strict Content-Security-Policy needs from the pages.

The CSP forbids inline styles and scripts and eval; these tests check the templates, the
pages as really rendered for each role, the chart library, and the headers themselves.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from jinja2 import BaseLoader, Environment, Template

from painpath.bootstrap import Container
from painpath.web.app import create_app
from painpath.web.security import iter_api_routes
from tests.conftest import World, build_world
from tests.integration.test_authz_matrix import _client_for, _path_for

WEB = Path(__file__).resolve().parents[2] / "src" / "painpath" / "web"
INLINE_STYLE = re.compile(r"""\sstyle\s*=""", re.I)
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\ssrc=)[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"""\son[a-z]+\s*=\s*["']""", re.I)
JS_URL = re.compile(r"""(href|src|action)\s*=\s*["']\s*javascript:""", re.I)


def inline_problems(html: str) -> list[str]:
    found = []
    for name, pattern in (
        ("inline style", INLINE_STYLE),
        ("inline script", INLINE_SCRIPT),
        ("inline event handler", INLINE_HANDLER),
        ("javascript: URL", JS_URL),
    ):
        for match in pattern.finditer(html):
            found.append(f"{name}: {html[max(0, match.start() - 40) : match.end() + 40]!r}")
    return found


def test_the_detector_finds_what_a_strict_csp_blocks() -> None:
    assert inline_problems('<p style="color:red">x</p>')
    assert inline_problems("<script>alert(1)</script>")
    assert inline_problems('<button onclick="go()">x</button>')
    assert inline_problems('<a href="javascript:history.back()">x</a>')
    assert not inline_problems('<script src="/static/app.js" defer></script><p class="a">x</p>')


def test_no_template_has_inline_style_or_script() -> None:
    templates = sorted((WEB / "templates").glob("*.html"))
    assert len(templates) >= 20
    problems = {t.name: inline_problems(t.read_text(encoding="utf-8")) for t in templates}
    assert {k: v for k, v in problems.items() if v} == {}


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Container, World]]:
    from tests.conftest import make_container

    container = make_container(tmp_path_factory.mktemp("csp"))
    world = build_world(container)
    yield container, world
    container.engine.dispose()


class _Recording(BaseLoader):
    """Wraps the app's template loader to record every template (and macro file) loaded."""

    def __init__(self, inner: BaseLoader, seen: set[str]) -> None:
        self.inner = inner
        self.seen = seen

    def get_source(self, environment: Environment, template: str) -> Any:
        self.seen.add(template)
        return self.inner.get_source(environment, template)

    def load(self, environment: Environment, name: str, globals: Any = None) -> Template:
        self.seen.add(name)
        return super().load(environment, name, globals)


def test_every_page_renders_without_inline_style_or_script(
    env: tuple[Container, World],
) -> None:
    container, world = env
    app = create_app(container.settings, container=container)
    seen: set[str] = set()
    jinja = app.state.templates.env
    jinja.loader = _Recording(jinja.loader, seen)
    problems: list[str] = []
    pages = 0
    for persona in ("anonymous", "patient_self", "clinician_same", "admin"):
        client, _ = _client_for(app, persona)
        with client:
            for route in iter_api_routes(app.routes):
                if "GET" not in (route.methods or ()):
                    continue
                resp = client.get(_path_for(route, world))
                if not resp.headers.get("content-type", "").startswith("text/html"):
                    continue
                pages += 1
                problems += [f"{persona} {route.path}: {p}" for p in inline_problems(resp.text)]
            # error pages render too
            resp = client.get("/no/such/page")
            assert resp.status_code == 404
            problems += [f"{persona} 404: {p}" for p in inline_problems(resp.text)]
    assert problems == []
    assert pages >= 20
    assert {"base.html", "error.html", "signin.html", "caseload.html"} <= seen
    assert len(seen) >= 15, sorted(seen)


def _plotly_bundle() -> str:
    import plotly

    return (Path(plotly.__file__).parent / "package_data" / "plotly.min.js").read_text(
        encoding="utf-8"
    )


def test_plotly_style_rules_are_served_from_a_file() -> None:
    """plotly.js skips its inline <style> when base.html links /static/plotly.css with the id
    and class it looks for; the file must carry every rule of the installed bundle."""
    bundle = _plotly_bundle()
    assert 'matches(".no-inline-styles")' in bundle and '"plotly.js-style-"' in bundle
    base = (WEB / "templates" / "base.html").read_text(encoding="utf-8")
    assert re.search(
        r'href="/static/plotly.css" id="plotly.js-style-global" class="no-inline-styles"', base
    )
    start = bundle.index("I0e={") + 5
    table = bundle[start : bundle.index("};for(", start)]
    rules = re.findall(
        r""""((?:[^"\\]|\\.)*)":(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")""", table
    )
    assert len(rules) > 30
    served = (WEB / "static" / "plotly.css").read_text(encoding="utf-8")
    for key, single, double in rules:
        selector = re.sub(r"^,", " ,", key).replace("X", ".js-plotly-plot .plotly")
        selector = selector.replace("Y", ".plotly-notifier")
        assert f"{selector}{{{single or double}}}" in served, selector


def test_plotly_needs_no_eval_for_the_charts_we_draw() -> None:
    """The bundle's only dynamic-code sites are fallbacks that never run in a modern browser:
    the globalThis shim (``typeof globalThis`` is "object") and the Function.prototype.bind
    polyfill (native bind exists). Anything new here would need 'unsafe-eval'."""
    bundle = _plotly_bundle()
    assert not re.search(r"[^\w.$]eval\(", bundle)
    sites = [m.start() for m in re.finditer(r"(?<![\w.$])(new )?Function\(", bundle)]
    contexts = [bundle[max(0, i - 80) : i + 40] for i in sites]
    assert len(contexts) >= 1

    def known_fallback(c: str) -> bool:
        shim = 'typeof globalThis=="object"' in c and 'Function("return this")' in c
        return shim or 'Function("binder"' in c

    assert all(known_fallback(c) for c in contexts), contexts


@pytest.fixture
def client(env: tuple[Container, World]) -> TestClient:
    container, _ = env
    return TestClient(create_app(container.settings, container=container), follow_redirects=False)


def test_headers_on_every_response(client: TestClient) -> None:
    for path in ("/signin", "/static/app.css", "/api/v1/openapi.json", "/no/such/page"):
        resp = client.get(path)
        csp = resp.headers["content-security-policy"]
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert "script-src 'self'" in csp and "style-src 'self'" in csp
        assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
        assert resp.headers["referrer-policy"] == "no-referrer"
        assert "geolocation=()" in resp.headers["permissions-policy"]
        assert "microphone=()" in resp.headers["permissions-policy"]
        assert "strict-transport-security" not in resp.headers  # plain http: no HSTS


def test_hsts_only_over_https(env: tuple[Container, World]) -> None:
    container, _ = env
    app = create_app(container.settings, container=container)
    with TestClient(app, base_url="https://testserver") as secure:
        hsts = secure.get("/signin").headers["strict-transport-security"]
    assert re.fullmatch(r"max-age=(\d+); includeSubDomains", hsts)
    assert int(hsts.split("=")[1].split(";")[0]) >= 180 * 24 * 3600


def test_head_is_answered_on_every_get_route(
    client: TestClient, env: tuple[Container, World]
) -> None:
    _, world = env
    failures = []
    for route in iter_api_routes(client.app.routes):  # type: ignore[attr-defined]
        if "GET" not in (route.methods or ()):
            continue
        path = _path_for(route, world)
        got, head = client.get(path), client.head(path)
        if head.status_code != got.status_code or head.content != b"":
            failures.append(f"{path}: GET {got.status_code}, HEAD {head.status_code}")
        elif got.status_code == 200 and head.headers.get("content-length") != got.headers.get(
            "content-length"
        ):
            failures.append(f"{path}: content-length differs")
    assert failures == []


def test_client_request_ids_are_sanitised(client: TestClient) -> None:
    kept = client.get("/signin", headers={"x-request-id": "lb-7f3a.42:9"})
    assert kept.headers["x-request-id"] == "lb-7f3a.42:9"
    bad_ids: list[bytes] = [b"a" * 65, b"<script>", b"id with space", "x\u00e9".encode(), b"a\tb"]
    for bad in bad_ids:
        resp = client.get("/signin", headers=[(b"x-request-id", bad)])
        assert re.fullmatch(r"[0-9a-f]{32}", resp.headers["x-request-id"]), bad
