"""Plain words for patients: every page a patient of the demo can reach (her own pages, the
public pages her e-mails link to, a questionnaire's thank-you page) and every e-mail the demo
sent her is read as she reads it, and fails on any term of ``domain/plain_words.py``."""

from __future__ import annotations

import email
import re
from collections.abc import Iterator
from email import policy
from pathlib import Path

import pytest

from painpath.bootstrap import Container
from painpath.domain.plain_words import FORBIDDEN_TERMS, find_forbidden_terms
from tests.conftest import csrf_from, make_container, seed_demo_copy
from tests.demo_pages import Page, crawl, demo_client, screen_text, template_of

TEMPLATES = Path(__file__).parents[2] / "src" / "painpath" / "web" / "templates"
MARIA = "maria@demo.painpath.local"


def patient_templates() -> set[str]:
    """Every template a patient sees: her own pages follow the naming rule ``*me*.html``; the
    check-in, her progress and the questionnaire pages are named here; the public pages her
    e-mails open (reminder, stop reminders, invitation, privacy) too."""
    own = {p.name for p in TEMPLATES.glob("*.html") if re.search(r"(^|_)me(_|\.)", p.name)}
    return own | {
        "p_checkin.html",
        "p_progress.html",
        "q_list.html",
        "q_form.html",
        "q_done.html",
        "q_unavailable.html",
        "e_link.html",
        "e_stop.html",
        "e_invite.html",
        "e_privacy.html",
        "signin.html",
    }


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Container]:
    container = make_container(tmp_path_factory.mktemp("demo"))
    seed_demo_copy(container)
    yield container
    container.engine.dispose()


def _links_in_mail(container: Container) -> tuple[list[str], list[str]]:
    """(paths of the links in every e-mail the demo sent, the e-mails' text)."""
    paths, texts = [], []
    for eml in sorted(container.settings.outbox_dir.glob("*.eml")):
        message = email.message_from_bytes(eml.read_bytes(), policy=policy.default)
        body = message.get_body(preferencelist=("plain",))
        text = f"{message['subject']}\n{body.get_content() if body else ''}"
        texts.append(text)
        paths += re.findall(r"https?://[^/\s]+(/(?:r|invite)/[A-Za-z0-9_\-]+(?:/stop)?)", text)
    return sorted(set(paths)), texts


def _patient_pages(container: Container) -> list[Page]:
    client = demo_client(container, MARIA)
    found = crawl(client, ["/me", "/me/intake", "/privacy"], follow=lambda u: u.startswith("/me"))
    pages = found.pages
    # The paper-only note of a questionnaire without wording (the pain rating) ...
    paper = client.get("/me/questionnaires/nprs")
    pages.append(Page(str(paper.url), paper.status_code, paper.text, template_of(paper)))
    # ... and a thank-you page: answer the back-pain form (the demo's placeholder pack).
    form_url = "/me/questionnaires/odi"
    form = client.get(form_url)
    assert form.status_code == 200, "the demo gives Maria the back-pain form to answer"
    answers = {f"item-{n}": "1" for n in range(1, 11)} | {"item-8": "na"}
    done = client.post(form_url, data={"csrf_token": csrf_from(form.text), **answers})
    assert done.status_code == 200 and "/done" in str(done.url)
    pages.append(Page(str(done.url), done.status_code, done.text, template_of(done)))
    # The public pages her e-mails open, signed out.
    mail_paths, _ = _links_in_mail(container)
    assert any("/stop" in p for p in mail_paths) and any("/invite/" in p for p in mail_paths)
    outside = demo_client(container, MARIA)
    outside.cookies.clear()
    for path in [*mail_paths[:6], "/signin", "/invite/a-link-that-ended"]:
        resp = outside.get(path)
        pages.append(Page(path, resp.status_code, resp.text, template_of(resp)))
    return pages


def test_no_patient_page_of_the_demo_uses_a_forbidden_term(demo: Container) -> None:
    pages = _patient_pages(demo)
    assert all(p.status < 500 for p in pages)
    rendered = {p.template for p in pages if p.template}
    missing = patient_templates() - rendered
    assert not missing, f"patient templates the demo never showed: {sorted(missing)}"
    problems = [
        f"{page.url}: '{words}' (say '{entry.instead}')"
        for page in pages
        for words, entry in find_forbidden_terms(screen_text(page.body))
    ]
    assert problems == [], "\n".join(problems)


def test_the_demo_emails_to_patients_use_plain_words(demo: Container) -> None:
    _, texts = _links_in_mail(demo)
    assert texts
    problems = [f"'{w}' (say '{e.instead}')" for t in texts for w, e in find_forbidden_terms(t)]
    assert problems == []


def test_the_check_would_catch_a_forbidden_term_on_a_page() -> None:
    page = (
        "<html><head><script>var baseline = 1;</script></head><body><main>"
        "<h1>Your quota today</h1><p title='Tampa Scale'>Ok</p>"
        "<p>Your ODI score</p><p>Topics, peg and odious words are fine.</p></main></body></html>"
    )
    found = sorted(w for w, _ in find_forbidden_terms(screen_text(page)))
    assert found == ["ODI", "Tampa", "quota"]


def test_each_plain_replacement_is_itself_plain() -> None:
    for entry in FORBIDDEN_TERMS:
        assert entry.pattern.search(entry.example), entry.term
        assert find_forbidden_terms(entry.instead) == [], entry.instead
