"""A request body limit on every route, enforced before the body is read (issue 12).

Pure ASGI middleware: a declared ``Content-Length`` over the limit is answered 413 at once,
without reading a byte; a body sent without one (chunked) is counted as it streams, and the
chunk that crosses the limit raises a 413 in whatever is reading it (form, multipart or JSON
parsing), before the rest is read (Starlette's ``RequestBodyLimitResponder``, with the
limit chosen per path here). Video uploads get the video limit; everything else a small one
(``PAINPATH_MAX_BODY_BYTES``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from starlette.middleware.body_limit import RequestBodyLimitResponder

__all__ = ["BodyLimitMiddleware"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

_UPLOADS = re.compile(r"^(/api/v1)?/(patients/[^/]+|me)/(videos|movement)$")
_MULTIPART_OVERHEAD = 1024 * 1024  # form fields and part headers around the file


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, *, max_body_bytes: int, max_upload_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.max_upload_bytes = max_upload_bytes + _MULTIPART_OVERHEAD

    def limit_for(self, path: str) -> int:
        return self.max_upload_bytes if _UPLOADS.match(path) else self.max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(str(scope.get("path", "")))
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await _too_large(scope, send, limit)
            return
        # Streamed bodies: Starlette's responder counts the chunks and raises its 413 in the
        # reader; FastAPI recognises that error while parsing a body and keeps the 413.
        await RequestBodyLimitResponder(self.app, limit)(scope, receive, send)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def _message(limit: int) -> str:
    mib = 1024 * 1024
    size = f"{limit / mib:.0f} MB" if limit >= mib else f"{limit // 1024} KB"
    return f"the request is larger than this address accepts ({size})"


async def _too_large(scope: Scope, send: Send, limit: int) -> None:
    path = str(scope.get("path", ""))
    if path.startswith("/api/"):
        body = json.dumps(
            {"error": {"status": 413, "title": "Too large", "message": _message(limit)}}
        ).encode()
        kind = b"application/json"
    else:
        body = f"Too large: {_message(limit)}.".encode()
        kind = b"text/plain; charset=utf-8"
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", kind),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
                (b"x-content-type-options", b"nosniff"),
                (b"cache-control", b"no-store"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
