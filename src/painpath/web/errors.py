"""One place that maps PainPath errors to HTTP: JSON under /api, a friendly page elsewhere."""

from __future__ import annotations

import logging
from urllib.parse import quote, urlsplit

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from painpath.domain.errors import (
    AuthenticationRequired,
    Conflict,
    DeliveryFailed,
    InvalidInput,
    NotFound,
    PainPathError,
    PermissionDenied,
    RateLimited,
    SafetyBlock,
    SecondFactorSetupRequired,
    StorageBusy,
    StorageLost,
)

__all__ = ["install_error_handlers", "status_for"]

log = logging.getLogger(__name__)

_STATUS: list[tuple[type[PainPathError], int]] = [
    (AuthenticationRequired, 401),
    (PermissionDenied, 403),
    (NotFound, 404),
    (Conflict, 409),
    (SafetyBlock, 409),
    (RateLimited, 429),
    (DeliveryFailed, 503),
    (StorageBusy, 503),
    (StorageLost, 503),
    (InvalidInput, 400),
]


def status_for(err: PainPathError) -> int:
    for kind, status in _STATUS:
        if isinstance(err, kind):
            return status
    return 400


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _render(
    request: Request, status: int, title: str, message: str, *, reason: str | None = None
) -> Response:
    if _is_api(request):
        body: dict[str, object] = {"status": status, "title": title, "message": message}
        if reason is not None:
            body["reason"] = reason  # machine-readable, e.g. mfa_setup_required
        return JSONResponse({"error": body}, status_code=status)
    templates = request.app.state.templates
    rc = getattr(request.state, "rc", None)
    response: Response = templates.TemplateResponse(
        request,
        "error.html",
        {"status": status, "title": title, "message": message, "rc": rc},
        status_code=status,
    )
    return response


async def _return_path(request: Request) -> str:
    """Where to go after signing in again: the page itself for a GET; for a form sent after
    the session ended, the page the form was on (its ``next`` field, which ``drafts.js`` adds,
    or a same-site ``Referer``), never the POST-only address (which would answer 405 and
    lose the work). The sign-in page accepts a local path only."""
    if request.method in ("GET", "HEAD"):
        return request.url.path + (f"?{request.url.query}" if request.url.query else "")
    content_type = request.headers.get("content-type", "")
    if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        try:
            value = (await request.form()).get("next")
        except Exception:  # an unreadable body just means no return path
            value = None
        if isinstance(value, str) and value.startswith("/") and not value.startswith("//"):
            return value
    referer = urlsplit(request.headers.get("referer", ""))
    if referer.netloc == request.url.netloc and referer.path.startswith("/"):
        return referer.path + (f"?{referer.query}" if referer.query else "")
    return "/"


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(PainPathError)
    async def painpath_error(request: Request, err: PainPathError) -> Response:
        status = status_for(err)
        if isinstance(err, SecondFactorSetupRequired) and not _is_api(request):
            return RedirectResponse("/account/mfa?required=1", status_code=303)
        if status == 401 and not _is_api(request):
            target = quote(await _return_path(request), safe="/")
            reason = quote(str(err))
            return RedirectResponse(f"/signin?next={target}&reason={reason}", status_code=303)
        titles = {
            401: "Please sign in",
            403: "Not allowed",
            404: "Not found",
            409: "Conflict",
            429: "Too many attempts",
            503: "Please try again later",
        }
        title = titles.get(status, "Please check your input")
        return _render(request, status, title, str(err), reason=err.reason)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, err: RequestValidationError) -> Response:
        problems = []
        for item in err.errors():
            where = ".".join(str(p) for p in item.get("loc", ()) if p not in ("body", "query"))
            problems.append(f"{where}: {item.get('msg', 'invalid')}" if where else item["msg"])
        message = "; ".join(problems) or "the request was not valid"
        status = 422 if _is_api(request) else 400
        return _render(request, status, "Please check your input", message)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, err: StarletteHTTPException) -> Response:
        titles = {404: "Not found", 405: "Not allowed", 413: "Too large"}
        return _render(
            request, err.status_code, titles.get(err.status_code, "Error"), str(err.detail)
        )

    @app.exception_handler(Exception)
    async def unexpected(request: Request, err: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return _render(
            request,
            500,
            "Something went wrong",
            "The server could not finish this request. Nothing you entered before was lost.",
        )
