"""``create_app(settings)``: the FastAPI application (server-rendered pages and the JSON API)."""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
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


class _EdgeMiddleware(BaseHTTPMiddleware):
    """Request ids, the anonymous CSRF nonce cookie and security headers on every response."""

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        request.state.request_id = clean_request_id(request.headers.get("x-request-id"))
        nonce = request.cookies.get(ANON_COOKIE)
        request.state.anon_nonce = nonce or new_nonce()
        response = await call_next(request)
        response.headers["X-Request-ID"] = request.state.request_id
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        # Links carry one-time tokens (reset, invitations): never leak a URL as a referrer.
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["Content-Security-Policy"] = _CSP
        response.headers["Permissions-Policy"] = _PERMISSIONS
        response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
        if request.url.scheme == "https":
            response.headers["Strict-Transport-Security"] = _HSTS
        if not request.url.path.startswith("/static/"):
            response.headers["Cache-Control"] = "no-store"
        if not nonce:
            response.set_cookie(
                ANON_COOKIE,
                request.state.anon_nonce,
                httponly=True,
                samesite="lax",
                secure=request.url.scheme == "https",
            )
        return response


def create_app(settings: Settings, *, container: Container | None = None) -> FastAPI:
    container = container or build_container(settings)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        container.start_workers()
        yield
        container.stop_scheduler()

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
    for package in ("painpath.web.pages", "painpath.web.api"):
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
