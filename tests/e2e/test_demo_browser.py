"""The first click of a newcomer: the seeded demo, the demo clinician, a patient, sign out."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from painpath.demo import DEMO_PASSWORD
from tests.conftest import make_container, seed_demo_copy
from tests.e2e.conftest import serve

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    container = make_container(Path(tmp_path_factory.mktemp("demo")))
    seed_demo_copy(container)
    try:
        with serve(container) as url:
            yield url
    finally:
        container.engine.dispose()


def test_demo_clinician_signs_in_opens_a_patient_and_signs_out(
    demo_url: str, browser_page: Any
) -> None:
    page = browser_page
    page.goto(demo_url)
    assert page.url.endswith("/signin")
    page.fill("#email", "clinician@demo.painpath.local")
    page.fill("#password", DEMO_PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit]")
    assert page.url.endswith("/caseload")
    links = page.locator("[data-testid=patient-link]")
    assert links.count() >= 6
    assert page.get_by_text("Other, Olivia").count() == 0  # another clinic's patient
    # On a phone the page itself never scrolls sideways; the wide table scrolls in its box.
    width, viewport = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width <= viewport
    with page.expect_navigation():
        page.get_by_role("link", name="Lopez, Maria").click()
    assert "/patients/" in page.url
    assert page.get_by_role("heading", name="Maria Lopez").is_visible()
    tabs = page.get_by_role("navigation", name="Patient chart").get_by_role("link")
    assert tabs.count() >= 3
    with page.expect_navigation():
        page.get_by_test_id("signout").click()
    assert "/signin" in page.url
    page.goto(f"{demo_url}/caseload")
    assert "/signin" in page.url  # the session is gone


def test_demo_patient_sees_only_her_own_home(demo_url: str, browser_page: Any) -> None:
    page = browser_page
    page.goto(f"{demo_url}/signin")
    page.fill("#email", "maria@demo.painpath.local")
    page.fill("#password", DEMO_PASSWORD)
    with page.expect_navigation():
        page.click("button[type=submit]")
    assert page.url.endswith("/me")
    assert page.get_by_role("heading", name="Hello, Maria").is_visible()
    assert page.get_by_text("James").count() == 0
    page.goto(f"{demo_url}/caseload")
    assert page.get_by_role("heading", name="Not allowed").is_visible()
