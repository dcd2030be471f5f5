"""Clinician pages without code: every clinician page of the demo (caseload, inbox, each
patient's overview and every chart tab, the admin pages) is read as a clinician sees it. Outside
<details> (where rule ids and citation keys stay available) no Python True/False/None and no
snake_case identifier may show; every link resolves; every chart names its axes and series."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from painpath.bootstrap import Container
from painpath.web.render import ordered_tabs
from tests.conftest import make_container, seed_demo_copy
from tests.demo_pages import Page, crawl, demo_client, screen_text

CLINICIAN = "clinician@demo.painpath.local"
ADMIN = "admin@demo.painpath.local"

# "None of the features ..." is English; "temperature: None" or "None]" is a Python value.
PYTHON_VALUE = re.compile(r"\b(?:True|False)\b|\bNone\b(?! [a-z])")
SNAKE_ID = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
_PLOT = re.compile(r"""data-plot='([^']*)'""")


def code_on_screen(page: str) -> list[str]:
    """Python values and snake_case ids a clinician would read (outside <details>)."""
    text = screen_text(page, skip_details=True)
    return PYTHON_VALUE.findall(text) + SNAKE_ID.findall(text)


def chart_problems(page: str) -> list[str]:
    """Each chart must title its axes (with the unit), name each series in the legend and be
    followed by a table of its numbers."""
    problems = []
    # After each chart, before the next one, its numbers as a table (readable without JS).
    for after in page.split("data-plot=")[1:]:
        if "<table" not in after.split("</article>")[0].split("</figure>")[0]:
            problems.append("a chart has no table of its numbers")
    for raw in _PLOT.findall(page):
        spec = json.loads(html.unescape(raw))
        layout = spec.get("layout", {})
        for axis in ("xaxis", "yaxis"):
            title = (layout.get(axis) or {}).get("title")
            text = title.get("text") if isinstance(title, dict) else title
            if not text:
                problems.append(f"{axis} has no title")
        for trace in spec.get("data", []):
            if trace.get("showlegend", True) and not trace.get("name"):
                problems.append(f"a {trace.get('type', 'scatter')} series has no name")
    return problems


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Container]:
    container = make_container(tmp_path_factory.mktemp("demo"))
    seed_demo_copy(container)
    yield container
    container.engine.dispose()


def clinician_pages(container: Container) -> list[tuple[TestClient, Page]]:
    """(the signed-in client, the page) for every clinician page and every admin page."""
    client = demo_client(container, CLINICIAN)
    with container.uow() as uow:
        user = uow.users.by_email(CLINICIAN)
        assert user is not None
        patients = uow.patients.search(clinic_id=user.clinic_id)
    start = ["/caseload", "/patients/new", "/messages"]
    for p in patients:
        start.append(f"/patients/{p.id}/overview")
        start += [f"/patients/{p.id}/tab/{tab.id}" for tab in ordered_tabs()]
    pages = [(client, p) for p in crawl(client, start, follow=_is_doc).pages]
    admin = demo_client(container, ADMIN)
    admin_pages = ["/admin/users", "/admin/clinics", "/admin/audit"]
    return pages + [(admin, p) for p in crawl(admin, admin_pages, follow=_is_doc).pages]


def _is_doc(url: str) -> bool:
    return url.startswith("/docs/")


@pytest.fixture(scope="module")
def seen(demo: Container) -> list[tuple[TestClient, Page]]:
    return clinician_pages(demo)


def test_clinician_pages_of_the_demo_show_no_code(seen: list[tuple[TestClient, Page]]) -> None:
    pages = [page for _, page in seen]
    assert len(pages) > 60 and all(p.status == 200 for p in pages), [
        (p.url, p.status) for p in pages if p.status != 200
    ]
    # The clinical documents (/docs/clinical/...) are technical by design: not checked here.
    problems = {p.url: sorted(set(code_on_screen(p.body))) for p in pages if not _is_doc(p.url)}
    assert {url: found for url, found in problems.items() if found} == {}


def test_every_link_on_a_clinician_page_resolves(seen: list[tuple[TestClient, Page]]) -> None:
    checked: dict[tuple[int, str], int] = {}
    for client, page in seen:
        for href in re.findall(r'href="([^"]+)"', page.body):
            href = html.unescape(href)
            if href.startswith(("http://", "https://", "mailto:", "#")):
                continue
            assert href.startswith("/"), f"{page.url}: relative link {href!r} does not resolve"
            key = (id(client), href.split("#")[0])
            if key not in checked:
                checked[key] = client.get(key[1]).status_code
    assert any(h.startswith("/docs/clinical/") for _, h in checked), "evidence links the docs"
    assert {h: s for (_, h), s in checked.items() if s >= 400} == {}


def test_every_chart_names_its_axes_and_series(seen: list[tuple[TestClient, Page]]) -> None:
    charts = 0
    problems = []
    for _, page in seen:
        charts += len(_PLOT.findall(page.body))
        problems += [f"{page.url}: {p}" for p in chart_problems(page.body)]
    assert charts >= 5
    assert problems == []


def test_the_checks_catch_code_and_unnamed_series() -> None:
    page = (
        "<main><p>smoker: True</p><p>side_effects</p><details><code>rule_id</code></details>"
        "<p>None of these. Sleep: None</p>"
        """<div data-plot='{"data": [{"type": "bar"}], "layout": {"xaxis": {"title": "Day"}}}'>"""
        "</div></main>"
    )
    assert code_on_screen(page) == ["True", "None", "side_effects"]
    assert chart_problems(page) == [
        "a chart has no table of its numbers",
        "yaxis has no title",
        "a bar series has no name",
    ]
