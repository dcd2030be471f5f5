"""The clinical documentation (docs/clinical/*.md) served to clinicians, so the evidence of a
project default or a documented rule links to a page that opens (``/docs/clinical/NAME.md``)."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from painpath.domain.access import Access
from painpath.domain.errors import NotFound
from painpath.services.assessment.markdown import markdown_to_html
from painpath.web.render import render
from painpath.web.security import RequestContext, add_route, request_context

router = APIRouter(include_in_schema=False)

DOCS = Path(__file__).resolve().parents[4] / "docs" / "clinical"
_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")


@add_route(router, "GET", "/docs/clinical/{name}.md", access=Access.SIGNED_IN)
def clinical_doc(
    request: Request, name: str, rc: RequestContext = Depends(request_context)
) -> Response:
    path = DOCS / f"{name}.md"
    if not _NAME.match(name) or not path.is_file():
        raise NotFound("no clinical document by that name")
    text = path.read_text(encoding="utf-8")
    title = next((ln.lstrip("# ").strip() for ln in text.splitlines() if ln.startswith("#")), name)
    body = markdown_to_html(text)
    return render(request, rc, "clinical_doc.html", {"title": title, "body": body, "name": name})
