"""``create_app(settings)``: the FastAPI application (server-rendered pages and the JSON API)."""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import cookie_parser
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from painpath import __version__
from painpath.bootstrap import Container, build_container
from painpath.config import Settings
from painpath.web.chart_text import chart_summary, chart_table
from painpath.web.errors import install_error_handlers
from painpath.web.limits import BodyLimitMiddleware
from painpath.web.plain import plain_html
from painpath.web.security import ANON_COOKIE, new_nonce, new_request_id

__all__ = ["clean_request_id", "create_app"]

_HERE = Path(__file__).parent
# No 'unsafe-inline' and no 'unsafe-eval': templates carry no inline style or script (a test
# checks), plotly.js gets its style rules from /static/plotly.css, and plotly.js v4 draws the
# chart types PainPath uses without eval (docs/security.md).
_CSP = (
    "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; "
    "media-src 'self' blob:; object-src 'none'; frame-ancestors 'none'; form-action 'self'; "
    "base-uri 'self'"
)
_PERMISSIONS = (
    "camera=(self), microphone=(), geolocation=(), payment=(), usb=(), serial=(), "
    "bluetooth=(), midi=(), magnetometer=(), gyroscope=(), accelerometer=()"
)
_HSTS = "max-age=31536000; includeSubDomains"
_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")


def clean_request_id(supplied: str | None) -> str:
    """A client's X-Request-ID if it is short and plain (letters, digits, ``._:-``), else a
    new one: the id lands in logs and audit events, so no control characters or markup."""
    if supplied and _REQUEST_ID.fullmatch(supplied):
        return supplied
    return new_request_id()


class _HeadAsGet:
    """Answer HEAD on every GET route: run the GET, send its headers, drop the body."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def send_headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, send_headers_only)


_SECURITY_HEADERS = (
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    # Links carry one-time tokens (reset, invitations): never leak a URL as a referrer.
    ("Referrer-Policy", "no-referrer"),
    ("Content-Security-Policy", _CSP),
    ("Permissions-Policy", _PERMISSIONS),
    ("Cross-Origin-Opener-Policy", "same-origin"),
)


class _EdgeMiddleware:
    """Request ids, the anonymous CSRF nonce cookie and security headers on every response.

    Pure ASGI (it only edits the response's start message): ``BaseHTTPMiddleware`` ran every
    request through an extra task and memory stream, a measurable share of a cheap request's
    CPU (docs/validation/load.md)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        request_id = clean_request_id(headers.get("x-request-id"))
        nonce = cookie_parser(headers.get("cookie", "")).get(ANON_COOKIE)
        anon_nonce = nonce or new_nonce()
        state = scope.setdefault("state", {})
        state["request_id"] = request_id
        state["anon_nonce"] = anon_nonce
        https = scope.get("scheme") == "https"
        static = str(scope.get("path", "")).startswith("/static/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                out = MutableHeaders(scope=message)
                out["X-Request-ID"] = request_id
                for name, value in _SECURITY_HEADERS:
                    out[name] = value
                if https:
                    out["Strict-Transport-Security"] = _HSTS
                if not static:
                    out["Cache-Control"] = "no-store"
                if not nonce:
                    out.append("set-cookie", _anon_cookie(anon_nonce, secure=https))
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _anon_cookie(nonce: str, *, secure: bool) -> str:
    """The Set-Cookie value of the anonymous CSRF nonce (as ``Response.set_cookie`` writes it)."""
    carrier = Response()
    carrier.set_cookie(ANON_COOKIE, nonce, httponly=True, samesite="lax", secure=secure)
    return carrier.headers["set-cookie"]


def create_app(settings: Settings, *, container: Container | None = None) -> FastAPI:
    container = container or build_container(settings)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        container.start_workers()
        container.start_audit_sealer()
        yield
        container.stop_scheduler()
        container.stop_audit_sealer()

    app = FastAPI(
        lifespan=lifespan,
        title="PainPath",
        version=__version__,
        description=(
            "Physical therapy for chronic pain. JSON API; the web pages use the same services."
        ),
        docs_url=None,  # served by web/api/docs.py from the installed swagger-ui-bundle
        redoc_url=None,
        openapi_url="/api/v1/openapi.json",
    )
    app.state.container = container
    app.state.secret_key = settings.resolve_secret_key()
    app.state.templates = Jinja2Templates(directory=str(_HERE / "templates"))
    app.state.templates.env.filters["plain_html"] = plain_html
    app.state.templates.env.filters["chart_summary"] = chart_summary
    app.state.templates.env.filters["chart_table"] = chart_table
    app.add_middleware(_EdgeMiddleware)
    app.add_middleware(  # outermost: refuses an oversized body before anything reads it
        BodyLimitMiddleware,
        max_body_bytes=settings.max_body_bytes,
        max_upload_bytes=settings.max_video_bytes,
    )
    app.add_middleware(_HeadAsGet)  # outermost: HEAD becomes GET before anything else sees it
    app.mount("/static", StaticFiles(directory=str(_HERE / "static")), name="static")
    _mount_vendor_assets(app)
    install_error_handlers(app)
    # The JSON API first: routes are matched in order, one by one (about 3 us each in
    # FastAPI 0.165), and a check-in (the busiest write) was matched after every page route:
    # 0.32 -> 0.18 ms of CPU for a refused check-in, 0.33 -> 0.38 ms for the health check.
    # No page path can match an /api/ path (a test checks), so the order decides nothing else.
    for package in ("painpath.web.api", "painpath.web.pages"):
        _include_routers(app, package)

    return app


def app_from_environment() -> FastAPI:
    """The app built from ``PAINPATH_*`` settings: the factory each server process calls
    (``painpath serve --workers N``; or ``uvicorn --factory`` with this name)."""
    return create_app(Settings())


def _include_routers(app: FastAPI, package_name: str) -> None:
    package = importlib.import_module(package_name)
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{package_name}.{info.name}")
        router = getattr(module, "router", None)
        if router is not None:
            app.include_router(router)


def _mount_vendor_assets(app: FastAPI) -> None:
    """Serve plotly.js and Swagger UI from their installed packages: no CDN at run time."""
    import plotly
    from swagger_ui_bundle import swagger_ui_path

    bundle = Path(plotly.__file__).parent / "package_data"
    app.mount("/vendor/plotly", StaticFiles(directory=str(bundle)), name="vendor-plotly")
    app.mount("/vendor/swagger", StaticFiles(directory=str(swagger_ui_path)), name="vendor-swagger")
