"""The API documentation page: Swagger UI from the installed swagger-ui-bundle, no CDN."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from painpath.domain.access import Access
from painpath.web.security import add_route

router = APIRouter(include_in_schema=False)

_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>PainPath API</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/vendor/swagger/swagger-ui.css"></head>
<body><div id="swagger-ui" data-spec="/api/v1/openapi.json"></div>
<script src="/vendor/swagger/swagger-ui-bundle.js"></script>
<script src="/static/api-docs.js"></script></body></html>"""


@add_route(router, "GET", "/api/docs", access=Access.PUBLIC, response_class=HTMLResponse)
def api_docs() -> HTMLResponse:
    return HTMLResponse(_PAGE)
