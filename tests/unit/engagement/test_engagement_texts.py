"""E-mail texts carry no health data and read plainly; messages are cleaned; invitation status;
adherence sums."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta

import pytest
from tests.readability import fk_grade

from painpath.adapters.instrument_catalogue import load_catalogue
from painpath.domain.engagement.adherence import CheckinMark, summarise_adherence
from painpath.domain.engagement.invitations import Invitation, InvitationStatus, check_usable
from painpath.domain.engagement.mailtext import (
    invitation_mail,
    message_notice_to_patient,
    message_notice_to_staff,
    reminder_mail,
)
from painpath.domain.engagement.messages import (
    MAX_MESSAGE_CHARS,
    clean_message_body,
    clean_subject,
)
from painpath.domain.engagement.sends import ReminderSend, SendStatus
from painpath.domain.errors import Conflict, InvalidInput

MAX_GRADE = 8
# Words that would make an e-mail carry clinical details (symptoms, scores, conditions, plan).
CLINICAL_WORDS = re.compile(
    r"\b(pain|score|flare|symptom|diagnos\w*|back|knee|neck|shoulder|hip|fear|mood|depress\w*|"
    r"anxi\w*|exercise|dose|quota|referral|red flag|sleep|worse|better)\b",
    re.IGNORECASE,
)


def _all_mails() -> list[tuple[str, str]]:
    link, stop = "https://clinic.example/r/TOKEN", "https://clinic.example/r/TOKEN/stop"
    texts = [
        invitation_mail(clinic_name="Riverside Physio", link=link, expires_on=date(2026, 5, 8)),
        message_notice_to_patient(link=link),
        message_notice_to_staff(link=link),
    ]
    for kinds in (("checkin",), ("questionnaire",), ("checkin", "questionnaire")):
        texts.append(
            reminder_mail(
                kinds=kinds,
                send_at=time(18, 0),
                time_zone="Europe/London",
                link=link,
                stop_link=stop,
            )
        )
    return [(t.subject, t.body) for t in texts]


@pytest.mark.parametrize("subject_body", _all_mails(), ids=lambda sb: sb[0])
def test_mail_texts_have_no_clinical_details(subject_body: tuple[str, str]) -> None:
    subject, body = subject_body
    assert CLINICAL_WORDS.search(subject + "\n" + body) is None
    # No questionnaire name or id may appear either (a reminder only says "a form").
    names = {i.id.lower() for i in load_catalogue().values()}
    names |= {i.name.lower() for i in load_catalogue().values()}
    words = set(re.findall(r"[a-z0-9\-]+", (subject + " " + body).lower()))
    assert not (words & {n for n in names if " " not in n})
    assert not any(n in body.lower() for n in names if " " in n)


@pytest.mark.parametrize("subject_body", _all_mails(), ids=lambda sb: sb[0])
def test_mail_texts_are_plain(subject_body: tuple[str, str]) -> None:
    _subject, body = subject_body
    prose = "\n".join(line for line in body.splitlines() if "://" not in line)
    assert fk_grade(prose) <= MAX_GRADE, prose


def test_reminder_mentions_only_what_is_waiting() -> None:
    only_forms = reminder_mail(
        kinds=("questionnaire",), send_at=time(7, 30), time_zone="UTC", link="L", stop_link="S"
    )
    assert "check-in" not in only_forms.body and "form" in only_forms.body
    assert "07:30 (UTC)" in only_forms.body and only_forms.body.rstrip().endswith("S")


def test_message_bodies_are_cleaned_and_limited() -> None:
    assert clean_message_body("  Hello\r\nthere\x07 \x00 ") == "Hello\nthere"
    with pytest.raises(InvalidInput, match="write a message"):
        clean_message_body(" \n\t ")
    with pytest.raises(InvalidInput, match="up to 4000"):
        clean_message_body("x" * (MAX_MESSAGE_CHARS + 1))
    assert clean_subject("  Morning\n stiffness\t ") == "Morning stiffness"
    with pytest.raises(InvalidInput, match="short title"):
        clean_subject("\x1b ")
    with pytest.raises(InvalidInput, match="up to 120"):
        clean_subject("y" * 121)


def _invitation(**changes: object) -> Invitation:
    at = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)
    base: dict[str, object] = {
        "id": "i1",
        "patient_id": "p1",
        "clinic_id": 1,
        "email": "a@b.test",
        "created_by": 2,
        "created_at": at,
        "expires_at": at + timedelta(days=7),
        "sent_count": 1,
        "last_sent_at": at,
    }
    base.update(changes)
    return Invitation(**base)  # type: ignore[arg-type]


def test_invitation_status_and_usability() -> None:
    at = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)
    live = _invitation()
    assert live.status_at(at + timedelta(days=6)) is InvitationStatus.PENDING
    check_usable(live, at)
    assert live.status_at(at + timedelta(days=7)) is InvitationStatus.EXPIRED
    with pytest.raises(InvalidInput, match="run out of time"):
        check_usable(live, at + timedelta(days=8))
    with pytest.raises(InvalidInput, match="no longer works"):
        check_usable(_invitation(revoked_at=at), at)
    used = _invitation(accepted_at=at, revoked_at=at)  # accepted wins over a later revoke
    assert used.status_at(at) is InvitationStatus.ACCEPTED
    with pytest.raises(Conflict, match="used already"):
        check_usable(used, at)


def _send(day: int, kinds: tuple[str, ...], *, status: str = SendStatus.SENT, opened: bool = False):  # type: ignore[no-untyped-def]
    sent = datetime(2026, 5, day, 17, 0, tzinfo=UTC)
    return ReminderSend(
        id=day,
        patient_id="p1",
        local_day=date(2026, 5, day),
        kinds=kinds,
        status=status,
        attempts=1,
        claimed_at=sent,
        sent_at=sent if status == SendStatus.SENT else None,
        opened_at=sent + timedelta(minutes=5) if opened else None,
    )


def test_adherence_counts_opens_and_check_ins_that_followed() -> None:
    sends = [
        _send(1, ("checkin",), opened=True),  # checked in for that day
        _send(2, ("checkin", "questionnaire")),  # a check-in sent within 24 h
        _send(3, ("checkin",), opened=True),  # nothing followed
        _send(4, ("questionnaire",), opened=True),  # not about the check-in
        _send(5, ("checkin",), status=SendStatus.FAILED),  # never delivered: not counted as sent
        _send(6, ("checkin",), status=SendStatus.SKIPPED),
    ]
    checkins = [
        CheckinMark(date(2026, 5, 1), datetime(2026, 5, 1, 19, 0, tzinfo=UTC)),  # for the day
        # A late entry for an old day, sent 3 h after the 2nd's reminder: it followed that one.
        CheckinMark(date(2026, 4, 30), datetime(2026, 5, 2, 20, 0, tzinfo=UTC)),
        # Sent 26 h after the 3rd's reminder: too late to count as following it.
        CheckinMark(date(2026, 4, 28), datetime(2026, 5, 4, 19, 0, tzinfo=UTC)),
    ]
    summary = summarise_adherence(sends, checkins, days=30)
    assert (summary.sent, summary.opened, summary.failed) == (4, 3, 1)
    assert (summary.checkin_reminders, summary.followed) == (3, 2)
    assert summary.opened_share == 0.75 and summary.followed_share == pytest.approx(2 / 3)
    assert [r.send.local_day.day for r in summary.rows] == [4, 3, 2, 1]
    assert [r.followed for r in summary.rows] == [None, False, True, True]
    empty = summarise_adherence([], [], days=30)
    assert empty.opened_share is None and empty.followed_share is None
