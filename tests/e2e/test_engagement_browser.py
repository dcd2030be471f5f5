"""Issue 15's journey in one browser run, against a real SMTP server: a clinician invites a new
patient, who signs up from the e-mailed link, receives a reminder at their chosen time, checks
in from the reminder's link, and exchanges a message with the clinician.

The app is configured the way an operator would (``PAINPATH_SMTP_HOST/PORT``,
``PAINPATH_SMTP_STARTTLS=false``, ``PAINPATH_PUBLIC_BASE_URL``); its embedded scheduler thread
ticks every 0.2 s, and the app's clock is moved forward instead of waiting for real minutes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from painpath.adapters.db.migrate import upgrade_database
from painpath.bootstrap import Container, build_container
from painpath.config import Settings
from painpath.domain.accounts import Role
from painpath.services.system import create_staff_user
from tests.conftest import PASSWORD, fast_hasher
from tests.e2e.conftest import PHONE, free_port, serve
from tests.engagement_support import OffsetClock, body_of, link_in
from tests.mailserver import SmtpTestServer

pytestmark = pytest.mark.browser

NORA = "nora@patients.test"
NORA_PASSWORD = "blue heron at the lake 42"
SECRET = "Can I garden this weekend?"
REPLY = "Yes, in short spells with breaks."
ZONES = ("Europe/London", "Europe/Berlin", "Atlantic/Azores", "America/New_York", "Asia/Tokyo")


@dataclass
class Engaged:
    url: str
    container: Container
    clock: OffsetClock
    smtp: SmtpTestServer


@pytest.fixture
def engaged(
    tmp_path: Path, smtp_server: SmtpTestServer, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Engaged]:
    port = free_port()
    for name, value in {
        "PAINPATH_DATA_DIR": str(tmp_path / "data"),
        "PAINPATH_SMTP_HOST": smtp_server.host,
        "PAINPATH_SMTP_PORT": str(smtp_server.port),
        "PAINPATH_SMTP_STARTTLS": "false",
        "PAINPATH_PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
        "PAINPATH_SCHEDULER_SECONDS": "0.2",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("PAINPATH_DATABASE_URL", raising=False)
    monkeypatch.delenv("PAINPATH_BROKER_URL", raising=False)
    clock = OffsetClock()
    container = build_container(Settings(), hasher=fast_hasher(), clock=clock, worker_threads=1)
    upgrade_database(container.engine)
    create_staff_user(
        container.context(),
        email="clin@a.test",
        name="Sam Rivera",
        role=Role.CLINICIAN,
        clinic_name="Clinic A",
        password=PASSWORD,
    )
    try:
        with serve(container, port=port) as url:
            assert container.scheduler is not None and container.scheduler.running
            yield Engaged(url, container, clock, smtp_server)
    finally:
        container.engine.dispose()


def _sign_in(page: Any, url: str, email: str, password: str) -> None:
    page.goto(f"{url}/signin")
    page.fill("#email", email)
    page.fill("#password", password)
    with page.expect_navigation():
        page.click("button[type=submit]")


def _zone_and_time(clock: OffsetClock) -> tuple[str, str, str, str]:
    """A zone whose local date is the app's (UTC) date, away from midnight; a reminder time two
    minutes ahead there; quiet hours well away from it."""
    now = clock.now()
    for zone in ZONES:
        local = now.astimezone(ZoneInfo(zone))
        if local.date() == now.date() and "00:10" <= local.strftime("%H:%M") <= "23:40":
            send_at = (local + timedelta(minutes=2)).strftime("%H:%M")
            quiet_start = (local + timedelta(hours=6)).strftime("%H:%M")
            quiet_end = (local + timedelta(hours=8)).strftime("%H:%M")
            return zone, send_at, quiet_start, quiet_end
    raise AssertionError(f"no zone fits {now}")


def test_invite_sign_up_reminder_check_in_and_message(engaged: Engaged, _browser: Any) -> None:
    smtp, url = engaged.smtp, engaged.url
    staff = _browser.new_context(viewport={"width": 1200, "height": 900}).new_page()
    phone = _browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True).new_page()
    for page in (staff, phone):
        page.set_default_timeout(15_000)

    # 1. The clinician registers Nora; the invitation goes out by default.
    _sign_in(staff, url, "clin@a.test", PASSWORD)
    staff.goto(f"{url}/patients/new")
    staff.fill("#given_name", "Nora")
    staff.fill("#family_name", "Newman")
    staff.fill("#email", NORA)
    assert staff.get_by_test_id("invite-checkbox").is_checked()
    with staff.expect_navigation(url=re.compile(r".*/tab/between.*")):
        staff.click("form[action='/patients/new'] button[type=submit]")
    assert f"Invitation sent to {NORA}." in staff.get_by_test_id("notice").inner_text()
    chart_url = staff.url.split("/tab/")[0]

    # 2. Nora opens the e-mailed link on her phone and sets her own password.
    [invitation] = smtp.wait_for(1)
    assert invitation["To"] == NORA and "Newman" not in body_of(invitation)
    invite_link = link_in(invitation, "/invite/")
    assert invite_link.startswith(f"{url}/invite/")
    phone.goto(invite_link)
    assert phone.get_by_test_id("invite-email").inner_text() == NORA
    phone.fill("#password", NORA_PASSWORD)
    phone.fill("#password_again", NORA_PASSWORD)
    phone.check("input[name=privacy]")
    with phone.expect_navigation(url=re.compile(r".*/signin\?reason=.*")):
        phone.get_by_test_id("invite-submit").click()
    assert "Your sign-in is ready" in phone.inner_text("main")
    _sign_in(phone, url, NORA, NORA_PASSWORD)
    assert phone.url.endswith("/me")

    # 3. She chooses a reminder two minutes from now in her time zone.
    zone, send_at, quiet_start, quiet_end = _zone_and_time(engaged.clock)
    phone.locator("article.card", has_text="Reminders are off").get_by_role("link").click()
    phone.fill("#time_zone", zone)
    phone.fill("#send_at", send_at)
    phone.fill("#quiet_start", quiet_start)
    phone.fill("#quiet_end", quiet_end)
    assert phone.locator("input[name=checkin]").is_checked()
    with phone.expect_navigation(url=re.compile(r".*saved=settings")):
        phone.get_by_test_id("reminder-save").click()
    assert phone.get_by_test_id("saved").is_visible()
    phone.wait_for_timeout(800)  # four scheduler ticks: nothing is due yet
    assert len(smtp.messages) == 1

    # 4. Three minutes later (moved, not waited) the scheduler sends the reminder.
    engaged.clock.advance(minutes=3)
    reminder = smtp.wait_for(2)[1]
    assert reminder["To"] == NORA and reminder["Subject"] == "Your reminder from PainPath"
    body = body_of(reminder)
    assert f"each day at {send_at} ({zone})" in body and "check-in for today" in body
    prose = "\n".join(line for line in body.splitlines() if "://" not in line)
    assert not re.search(r"\b(nora|newman|pain|gardening)\b", prose, re.IGNORECASE)

    # 5. The reminder's link leads to the check-in; she checks in.
    phone.goto(link_in(reminder, "/r/"))
    assert phone.url.endswith("/me/checkin")
    for name, value in (("pain_now", 3), ("pain_worst", 5), ("sleep_quality", 6)):
        phone.locator(f"[data-testid=scale-{name}] label").nth(value).click()
    with phone.expect_navigation(url=re.compile(r".*/me/progress\?saved=.*")):
        phone.get_by_test_id("checkin-submit").click()

    # 6. She writes to her care team; the clinician gets a notice without the text.
    phone.goto(f"{url}/me/messages")
    phone.fill("#subject", "Gardening")
    phone.fill("#body", SECRET)
    with phone.expect_navigation(url=re.compile(r".*/me/messages/.*sent=1")):
        phone.get_by_test_id("message-send").click()
    thread_url = phone.url.split("?")[0]
    notice = smtp.wait_for(3)[2]
    assert notice["To"] == "clin@a.test" and SECRET not in body_of(notice)

    # 7. The clinician sees the unread message in the caseload, reads it and replies.
    staff.goto(f"{url}/caseload")
    row = staff.locator("tr", has_text="Newman")
    assert "1 unread message" in row.inner_text()
    row.get_by_test_id("patient-link").click()
    staff.get_by_role("link", name="Messages", exact=True).last.click()
    staff.get_by_test_id("thread-link").click()
    assert SECRET in staff.get_by_test_id("messages").inner_text()
    staff.fill("#body", REPLY)
    with staff.expect_navigation(url=re.compile(r".*sent=1")):
        staff.get_by_test_id("reply-send").click()
    staff.get_by_test_id("action-toggle").click()
    assert staff.get_by_test_id("needs-action").is_visible()
    to_nora = smtp.wait_for(4)[3]
    assert to_nora["To"] == NORA and REPLY not in body_of(to_nora)
    staff.goto(f"{url}/caseload")
    row_text = staff.locator("tr", has_text="Newman").inner_text()
    assert "unread" not in row_text and "Message needs action" in row_text

    # 8. Nora sees the new message on her home page and reads the reply.
    phone.goto(f"{url}/me")
    card = phone.locator("article.card.highlight", has_text="New message")
    card.get_by_role("link", name="Read it").click()
    phone.get_by_test_id("thread-link").click()
    assert phone.url == thread_url
    assert REPLY in phone.get_by_test_id("messages").inner_text()

    # 9. The clinician's adherence insight: one reminder sent, opened, a check-in followed.
    staff.goto(f"{chart_url}/tab/between")
    assert staff.get_by_test_id("has-account").is_visible()
    assert staff.get_by_test_id("adherence-sent").inner_text() == "1"
    assert staff.get_by_test_id("adherence-opened").inner_text().startswith("1 (100 %)")
    assert staff.get_by_test_id("adherence-followed").inner_text().startswith("1 of 1")
    assert len(smtp.messages) == 4
    assert datetime.now(UTC) < engaged.clock.now()  # the app's clock was moved, not waited
