"""Helpers for tests that read every page of the seeded demo as a patient or a clinician would:
a signed-in client, a crawler that follows the page's own links, and the text on screen."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from fastapi.testclient import TestClient

from painpath.bootstrap import Container
from painpath.demo import DEMO_PASSWORD
from painpath.domain.accounts import Actor, Role
from tests.conftest import enrol_second_factor, fresh_recovery_code

__all__ = ["Page", "crawl", "demo_client", "screen_text", "template_of"]

_HIDDEN = re.compile(r"(?is)<(script|style|template)\b.*?</\1>|<!--.*?-->")
_DETAILS = re.compile(r"(?is)<details\b.*?</details>")
# Attributes a person reads or hears: tooltips, screen-reader labels, placeholders, alt text.
_READ_ATTRS = re.compile(r"""(?i)\s(?:title|aria-label|placeholder|alt)=(?:"([^"]*)"|'([^']*)')""")
_SVG_TITLE = re.compile(r"(?is)<title>(.*?)</title>")


def demo_client(container: Container, email: str) -> TestClient:
    """A client of a fresh app signed in to the seeded demo as ``email``."""
    from painpath.web.app import create_app

    client = TestClient(create_app(container.settings, container=container))
    body = {"email": email, "password": DEMO_PASSWORD}
    with container.uow() as uow:
        user = uow.users.by_email(email)
        enrolled = user is not None and uow.users.mfa(user.id).enabled
    if user is not None and user.role is Role.ADMIN:
        # admins must use an authenticator app: the demo admin sets one up on first sign-in
        if not enrolled:
            enrol_second_factor(container, Actor(user.id, user.role, user.clinic_id, user.name))
        body["code"] = fresh_recovery_code(container, user.id)
    resp = client.post("/api/v1/session", json=body)
    assert resp.status_code == 200, resp.text
    return client


def screen_text(page: str, *, skip_details: bool = False) -> str:
    """What a person can read on the page: the text of the body (and its <title>), plus the
    attributes that are shown or spoken. ``skip_details`` leaves out <details> elements."""
    page = _HIDDEN.sub(" ", page)
    if skip_details:
        page = _DETAILS.sub(" ", page)
    attrs = [a or b for a, b in _READ_ATTRS.findall(page)]
    spoken = " ".join(attrs) + " " + " ".join(_SVG_TITLE.findall(page))
    text = re.sub(r"<[^>]+>", " ", page) + " " + spoken
    return re.sub(r"\s+", " ", html.unescape(text))


def template_of(resp: object) -> str | None:
    """The template Starlette's test client records for a rendered page."""
    name = getattr(getattr(resp, "template", None), "name", None)
    return name if isinstance(name, str) else None


@dataclass
class Page:
    url: str
    status: int
    body: str
    template: str | None


@dataclass
class Crawl:
    pages: list[Page] = field(default_factory=list)

    @property
    def templates(self) -> set[str]:
        return {p.template for p in self.pages if p.template}


_LINK = re.compile(r'href="(/[^"#?]*)(?:\?[^"#]*)?(?:#[^"]*)?"')


def crawl(
    client: TestClient,
    start: Iterable[str],
    *,
    follow: Callable[[str], bool],
    limit: int = 400,
) -> Crawl:
    """GET every page reachable from ``start`` through links ``follow`` accepts."""
    seen: set[str] = set()
    queue = list(start)
    result = Crawl()
    while queue and len(seen) < limit:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        resp = client.get(url)
        if "text/html" not in resp.headers.get("content-type", ""):
            continue
        template = template_of(resp)
        result.pages.append(Page(url, resp.status_code, resp.text, template))
        queue.extend(u for u in _LINK.findall(resp.text) if u not in seen and follow(u))
    return result
