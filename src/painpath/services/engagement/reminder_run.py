"""The reminder run: every tick, e-mail each patient whose reminder time has come.

Safe with any number of schedulers at once (worker threads in several web processes, or Celery
beat with several workers): each (patient, local day) is *claimed* by inserting a row with a
unique key before anything is sent, so exactly one worker sends it. The mail goes out after the
claim commits; the outcome is recorded and audited afterwards. Reminder text says only that a
check-in or a form is waiting, never what about.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from datetime import date, datetime

from painpath.domain.engagement.mailtext import reminder_mail
from painpath.domain.engagement.reminders import (
    ReminderKind,
    ReminderPreferences,
    ReminderRecipient,
    local_day_start,
    questionnaire_nudge_due,
    reminder_day,
)
from painpath.domain.engagement.sends import ReminderSend, SendStatus, retry_due
from painpath.domain.errors import DeliveryFailed, InvalidInput
from painpath.domain.ports import UnitOfWork
from painpath.services.context import ServiceContext
from painpath.services.engagement._common import mail_of, public_link
from painpath.services.engagement.tokens import new_token
from painpath.services.questionnaires import due_items
from painpath.services.scheduled import scheduled

__all__ = ["due_kinds", "send_due_reminders"]


def _checked_in(uow: UnitOfWork, prefs: ReminderPreferences, day: date, now: datetime) -> bool:
    """A check-in for the local day, or one sent since the local day began (the check-in
    page may date it by the server's day, which differs from the patient's near midnight)."""
    start = local_day_start(day, prefs.time_zone)
    marks = uow.reminders.checkin_marks(prefs.patient_id, since=start)
    return any(m.day >= day or start <= m.first_at <= now for m in marks)


def _questionnaire_nudge(uow: UnitOfWork, patient_id: str, day: date) -> bool:
    return any(
        item.ready_online and item.due_on is not None and questionnaire_nudge_due(item.due_on, day)
        for item in due_items(uow, patient_id, day)
    )


def due_kinds(
    uow: UnitOfWork, prefs: ReminderPreferences, day: date, now: datetime
) -> tuple[str, ...]:
    """What a reminder for ``day`` should mention: the check-in unless it is done, a form when
    one falls due (then nudged every few days); nothing means no e-mail that day."""
    kinds = []
    if prefs.checkin and not _checked_in(uow, prefs, day, now):
        kinds.append(ReminderKind.CHECKIN)
    if prefs.questionnaires and _questionnaire_nudge(uow, prefs.patient_id, day):
        kinds.append(ReminderKind.QUESTIONNAIRE)
    return tuple(kinds)


@scheduled("reminders")
def send_due_reminders(ctx: ServiceContext) -> Mapping[str, int]:
    """One tick: claim and send every reminder due now. Returns counts by outcome."""
    now = ctx.clock.now()
    with ctx.uow_factory() as uow:
        due: list[tuple[ReminderRecipient, date]] = []
        for recipient in uow.reminders.recipients():
            try:
                day = reminder_day(recipient.prefs, now)
            except InvalidInput:  # a zone the tz database no longer knows: skip, never crash
                continue
            if day is not None:
                due.append((recipient, day))
        claimed = uow.reminders.sends_on([(r.prefs.patient_id, day) for r, day in due])
    outcomes: Counter[str] = Counter()
    for recipient, day in due:
        previous = claimed.get((recipient.prefs.patient_id, day))
        if previous is not None and not retry_due(previous, now):
            continue
        outcomes[_remind(ctx, recipient, day, previous, now)] += 1
    return dict(outcomes)


def _claim(
    ctx: ServiceContext,
    recipient: ReminderRecipient,
    day: date,
    previous: ReminderSend | None,
    token_hash: str,
    now: datetime,
) -> tuple[int, tuple[str, ...]] | None:
    """Claim the day's send in one short transaction; None when another worker has it."""
    prefs = recipient.prefs
    with ctx.uow_factory() as uow:
        kinds = due_kinds(uow, prefs, day, now)
        if previous is None:
            status = SendStatus.SENDING if kinds else SendStatus.SKIPPED
            send = uow.reminders.claim(
                patient_id=prefs.patient_id,
                local_day=day,
                kinds=kinds,
                status=status,
                link_token_hash=token_hash if kinds else None,
                at=now,
            )
            if send is None:
                return None
            send_id = send.id
        else:
            taken = uow.reminders.reclaim(
                previous.id,
                attempts=previous.attempts,
                kinds=kinds,
                link_token_hash=token_hash,
                at=now,
            )
            if not taken:
                return None
            send_id = previous.id
            if not kinds:
                uow.reminders.finish(send_id, status=SendStatus.SKIPPED, at=now)
        uow.commit()
    return send_id, kinds


def _remind(
    ctx: ServiceContext,
    recipient: ReminderRecipient,
    day: date,
    previous: ReminderSend | None,
    now: datetime,
) -> str:
    token, token_hash = new_token()
    claimed = _claim(ctx, recipient, day, previous, token_hash, now)
    if claimed is None:
        return "taken by another worker"
    send_id, kinds = claimed
    if not kinds:
        return SendStatus.SKIPPED
    prefs = recipient.prefs
    stop_link = public_link(ctx, f"/r/{token}/stop")
    text = reminder_mail(
        kinds=kinds,
        send_at=prefs.send_at,
        time_zone=prefs.time_zone,
        link=public_link(ctx, f"/r/{token}"),
        stop_link=stop_link,
    )
    headers = {
        "List-Unsubscribe": f"<{stop_link}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",  # RFC 8058 one-click
    }
    status, error = SendStatus.SENT, None
    try:
        ctx.mail.send(mail_of(recipient.email, text, headers))
    except DeliveryFailed as err:
        status, error = SendStatus.FAILED, str(err)
    with ctx.uow_factory() as uow:
        uow.reminders.finish(send_id, status=status, at=ctx.clock.now(), error=error)
        uow.audit.append(
            action="reminder.send",
            actor_user_id=None,
            actor_role="system",
            patient_id=prefs.patient_id,
            clinic_id=recipient.clinic_id,
            detail={"send_id": send_id, "local_day": day.isoformat(), "kinds": list(kinds)},
            outcome="ok" if status == SendStatus.SENT else "failed",
        )
        uow.commit()
    return status
