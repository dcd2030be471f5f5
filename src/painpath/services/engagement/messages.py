"""Secure messages between a patient and their clinic's care team.

Every read and every send is an audited operation (identifiers only, never the text). The
other side gets an e-mail *notice* without content, once per unread run: a second message
before they have read the first sends no second e-mail. Text only; no attachments.
Old messages are deleted by the retention task when ``PAINPATH_MESSAGE_RETENTION_DAYS`` is set.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from painpath.domain.access import Access
from painpath.domain.accounts import Role, User
from painpath.domain.engagement.mailtext import message_notice_to_patient, message_notice_to_staff
from painpath.domain.engagement.messages import (
    Message,
    Thread,
    clean_message_body,
    clean_subject,
)
from painpath.domain.errors import NotFound
from painpath.services.context import Call, ServiceContext, operation
from painpath.services.engagement._common import mail_of, public_link, send_notice
from painpath.services.scheduled import scheduled

__all__ = [
    "InboxRow",
    "ThreadView",
    "clinic_inbox",
    "list_threads",
    "my_unread_messages",
    "purge_old_messages",
    "read_thread",
    "retention_days",
    "send_message",
    "set_needs_action",
    "start_thread",
    "unread_for_patients",
]


@dataclass(frozen=True)
class InboxRow:
    thread: Thread
    unread: int
    patient_name: str = ""


@dataclass(frozen=True)
class ThreadView:
    thread: Thread
    messages: tuple[Message, ...]
    first_unread_id: int | None  # where "new" starts for the reader, before this read


def retention_days(ctx: ServiceContext) -> int:
    return int(ctx.extras.get("message_retention_days", 0))


def _thread_of(call: Call, patient_id: str, thread_id: str) -> Thread:
    thread = call.uow.messages.thread(thread_id)
    if thread is None or thread.patient_id != patient_id:
        raise NotFound("no such conversation")
    call.audit_detail["thread_id"] = thread.id
    return thread


def _recipients(call: Call, thread: Thread) -> list[User]:
    """Who hears about a new message: the patient, or the clinicians in the conversation
    (every clinician of the clinic while none has written yet)."""
    if call.actor.role is not Role.PATIENT:
        account = call.uow.users.by_patient(thread.patient_id)
        return [account] if account is not None and account.active else []
    team = [
        u
        for u in call.uow.users.list(clinic_id=thread.clinic_id)
        if u.role is Role.CLINICIAN and u.active
    ]
    involved = call.uow.messages.senders(thread.id)
    return [u for u in team if u.id in involved] or team


def _notify_after_commit(call: Call, thread: Thread) -> None:
    mails = []
    for user in _recipients(call, thread):
        unread = call.uow.messages.unread_in_threads(user.id, [thread.id]).get(thread.id, 0)
        if unread != 1:  # they already had a notice for the unread run, or nothing is new
            continue
        if user.role is Role.PATIENT:
            text = message_notice_to_patient(link=public_link(call.ctx, "/me/messages"))
        else:
            text = message_notice_to_staff(link=public_link(call.ctx, "/messages"))
        mails.append(mail_of(user.email, text))
    ctx = call.ctx

    def send_all() -> None:
        for mail in mails:
            send_notice(ctx, mail, what="new message notice")

    call.after_commit.append(send_all)


def _post(call: Call, thread: Thread, body: str) -> Message:
    message = call.uow.messages.add_message(
        thread_id=thread.id,
        sender_user_id=call.actor.user_id,
        sender_role=call.actor.role.value,
        body=body,
        at=call.ctx.clock.now(),
    )
    call.audit_detail.update(thread_id=thread.id, message_id=message.id)
    _notify_after_commit(call, thread)
    return message


@operation(Access.PATIENT_SELF_REPORT, audit="message.start")
def start_thread(call: Call, *, patient_id: str, subject: str, body: str) -> Thread:
    """A new conversation with its first message (patient or clinician)."""
    clean_title, clean_body = clean_subject(subject), clean_message_body(body)
    thread = call.uow.messages.add_thread(
        patient_id=patient_id,
        clinic_id=call.the_patient.clinic_id,
        subject=clean_title,
        created_by=call.actor.user_id,
        at=call.ctx.clock.now(),
    )
    _post(call, thread, clean_body)
    return thread


@operation(Access.PATIENT_SELF_REPORT, audit="message.send")
def send_message(call: Call, *, patient_id: str, thread_id: str, body: str) -> Message:
    thread = _thread_of(call, patient_id, thread_id)
    return _post(call, thread, clean_message_body(body))


@operation(Access.PATIENT_READ, audit="message.read")
def read_thread(call: Call, *, patient_id: str, thread_id: str) -> ThreadView:
    """Open a conversation: every message, oldest first; marks it read for the reader."""
    thread = _thread_of(call, patient_id, thread_id)
    messages = call.uow.messages.messages(thread.id)
    reader = call.actor.user_id
    unread_before = call.uow.messages.unread_in_threads(reader, [thread.id]).get(thread.id, 0)
    others = [m for m in messages if m.sender_user_id != reader]
    first_unread = others[-unread_before].id if unread_before else None
    if messages:
        call.uow.messages.mark_read(
            thread.id, reader, up_to=messages[-1].id, at=call.ctx.clock.now()
        )
    call.audit_detail["messages"] = len(messages)
    return ThreadView(thread, tuple(messages), first_unread)


@operation(Access.PATIENT_READ, audit="message.list")
def list_threads(call: Call, *, patient_id: str) -> list[InboxRow]:
    threads = call.uow.messages.threads_for_patient(patient_id)
    unread = call.uow.messages.unread_in_threads(call.actor.user_id, [t.id for t in threads])
    name = call.the_patient.display_name
    return [InboxRow(t, unread.get(t.id, 0), name) for t in threads]


@operation(Access.PATIENT_CLINICAL, audit="message.flag")
def set_needs_action(call: Call, *, patient_id: str, thread_id: str, needs_action: bool) -> None:
    """Mark a conversation as needing action by the care team (or clear the mark)."""
    thread = _thread_of(call, patient_id, thread_id)
    call.uow.messages.set_needs_action(
        thread.id, needs_action=needs_action, by=call.actor.user_id, at=call.ctx.clock.now()
    )
    call.audit_detail["needs_action"] = needs_action


@operation(Access.CLINICIAN, audit="message.inbox")
def clinic_inbox(call: Call, *, needs_action_only: bool = False) -> list[InboxRow]:
    """The clinic's conversations: needing action first, then newest; unread for this reader."""
    threads = call.uow.messages.threads_for_clinic(
        call.actor.clinic_id, needs_action_only=needs_action_only
    )
    unread = call.uow.messages.unread_in_threads(call.actor.user_id, [t.id for t in threads])
    names: dict[str, str] = {}
    for t in threads:
        if t.patient_id not in names:
            patient = call.uow.patients.get(t.patient_id)
            names[t.patient_id] = patient.display_name if patient else "(removed record)"
    rows = [InboxRow(t, unread.get(t.id, 0), names[t.patient_id]) for t in threads]
    rows.sort(key=lambda r: (not r.thread.needs_action, -r.thread.last_message_at.timestamp()))
    call.audit_detail["threads"] = len(rows)
    return rows


@operation(Access.CLINICIAN, audit="message.unread")
def unread_for_patients(call: Call, *, patient_ids: Sequence[str]) -> dict[str, tuple[int, bool]]:
    """Per patient of the actor's clinic: (messages unread by this clinician, any thread
    marked as needing action). Counts only; no text."""
    ids = list(patient_ids)
    counts = call.uow.messages.unread_by_patient(
        call.actor.user_id, patient_ids=ids, clinic_id=call.actor.clinic_id
    )
    flagged = {
        t.patient_id
        for t in call.uow.messages.threads_for_clinic(call.actor.clinic_id, needs_action_only=True)
    }
    call.audit_detail["patients"] = len(ids)
    return {
        pid: (counts.get(pid, 0), pid in flagged)
        for pid in ids
        if counts.get(pid, 0) or pid in flagged
    }


@operation(Access.PATIENT_ACCOUNT, audit="message.unread")
def my_unread_messages(call: Call) -> int:
    if not call.actor.patient_id:
        raise NotFound("this account is not linked to a patient record")
    counts = call.uow.messages.unread_by_patient(
        call.actor.user_id, patient_ids=[call.actor.patient_id]
    )
    return counts.get(call.actor.patient_id, 0)


@scheduled("message-retention", every_s=3600)
def purge_old_messages(ctx: ServiceContext) -> dict[str, Any]:
    """Delete messages older than the retention setting (and conversations left empty)."""
    days = retention_days(ctx)
    if days <= 0:
        return {"messages": 0, "threads": 0}
    cutoff = ctx.clock.now() - timedelta(days=days)
    with ctx.uow_factory() as uow:
        messages, threads = uow.messages.purge_before(cutoff)
        if messages or threads:
            uow.audit.append(
                action="message.purge",
                actor_user_id=None,
                actor_role="system",
                detail={"messages": messages, "threads": threads, "retention_days": days},
            )
        uow.commit()
    return {"messages": messages, "threads": threads}
