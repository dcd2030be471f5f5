"""Reminder settings (the patient's time, time zone, quiet hours, pause), the tracked link in a
reminder e-mail, and one-click stop without signing in.

The link and the stop link carry one random token per e-mail (stored hashed on the send), so a
stop link from any earlier e-mail keeps working and nobody needs to sign in to use it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime

from painpath.domain.access import Access
from painpath.domain.engagement.reminders import (
    DEFAULT_QUIET,
    DEFAULT_SEND_AT,
    QuietHours,
    ReminderPreferences,
    parse_clock_time,
    validate_pause,
    validate_preferences,
    validate_time_zone,
)
from painpath.domain.engagement.sends import ReminderSend
from painpath.domain.errors import InvalidInput, NotFound
from painpath.domain.ports import UnitOfWork
from painpath.services.context import Call, operation
from painpath.services.engagement._common import FormProblems
from painpath.services.engagement.tokens import hash_token

__all__ = [
    "ReminderSettings",
    "StopView",
    "local_today",
    "open_reminder_link",
    "pause_reminders",
    "reminder_settings",
    "reminder_stop_view",
    "save_reminder_settings",
    "stop_reminders",
]

_DEAD_LINK = "This link does not work. You can change reminders after you sign in."


@dataclass(frozen=True)
class ReminderSettings:
    prefs: ReminderPreferences
    saved: bool  # False: the defaults, never chosen
    local_today: date
    can_email: bool  # the patient has an active sign-in with an e-mail address

    @property
    def on(self) -> bool:
        return self.saved and self.prefs.active

    @property
    def paused(self) -> bool:
        until = self.prefs.paused_until
        return until is not None and until >= self.local_today


def local_today(prefs: ReminderPreferences, now: datetime) -> date:
    return now.astimezone(validate_time_zone(prefs.time_zone)).date()


def _default(call: Call, patient_id: str) -> ReminderPreferences:
    zone = str(call.ctx.extras.get("default_time_zone", "UTC"))
    try:
        validate_time_zone(zone)
    except InvalidInput:
        zone = "UTC"
    return ReminderPreferences(patient_id, True, True, DEFAULT_SEND_AT, zone, DEFAULT_QUIET)


def _settings(call: Call, patient_id: str) -> ReminderSettings:
    stored = call.uow.reminders.preferences(patient_id)
    prefs = stored or _default(call, patient_id)
    account = call.uow.users.by_patient(patient_id)
    return ReminderSettings(
        prefs=prefs,
        saved=stored is not None,
        local_today=local_today(prefs, call.ctx.clock.now()),
        can_email=account is not None and account.active,
    )


@operation(Access.PATIENT_READ, audit="reminder.settings.read")
def reminder_settings(call: Call, *, patient_id: str) -> ReminderSettings:
    return _settings(call, patient_id)


def _parse(
    patient_id: str,
    fields: dict[str, str],
    *,
    checkin: bool,
    questionnaires: bool,
    half_quiet: bool,
) -> ReminderPreferences:
    problems: dict[str, str] = {}
    if half_quiet:
        problems["quiet_end"] = "give both times for quiet hours, or leave both empty"
    parsed = {}
    for name, label in (
        ("send_at", "reminder time"),
        ("quiet_start", "quiet hours start"),
        ("quiet_end", "quiet hours end"),
    ):
        try:
            parsed[name] = parse_clock_time(fields.get(name, ""), label)
        except InvalidInput as err:
            problems[name] = str(err)
    try:
        validate_time_zone(fields.get("time_zone", ""))
    except InvalidInput as err:
        problems["time_zone"] = str(err)
    if problems:
        raise FormProblems(problems)
    prefs = ReminderPreferences(
        patient_id=patient_id,
        checkin=checkin,
        questionnaires=questionnaires,
        send_at=parsed["send_at"],
        time_zone=fields["time_zone"].strip(),
        quiet=QuietHours(parsed["quiet_start"], parsed["quiet_end"]),
    )
    try:
        return validate_preferences(prefs)
    except InvalidInput as err:
        raise FormProblems({"send_at": str(err)}) from None


@operation(Access.PATIENT_SELF_REPORT, audit="reminder.settings.save")
def save_reminder_settings(
    call: Call,
    *,
    patient_id: str,
    checkin: bool,
    questionnaires: bool,
    send_at: str,
    time_zone: str,
    quiet_start: str = "",
    quiet_end: str = "",
) -> ReminderPreferences:
    """Save what to be reminded of and when. Saving turns reminders back on after a stop
    link was used; a running pause is kept. Empty quiet hours mean none."""
    fields = {"send_at": send_at, "time_zone": time_zone}
    fields["quiet_start"] = quiet_start.strip() or "00:00"  # both empty: start == end, none
    fields["quiet_end"] = quiet_end.strip() or "00:00"
    half_quiet = bool(quiet_start.strip()) != bool(quiet_end.strip())
    prefs = _parse(
        patient_id, fields, checkin=checkin, questionnaires=questionnaires, half_quiet=half_quiet
    )
    stored = call.uow.reminders.preferences(patient_id)
    if stored is not None:
        prefs = replace(prefs, paused_until=stored.paused_until)
    call.uow.reminders.save_preferences(prefs, by=call.actor.user_id, at=call.ctx.clock.now())
    call.audit_detail.update(checkin=checkin, questionnaires=questionnaires)
    return prefs


@operation(Access.PATIENT_SELF_REPORT, audit="reminder.pause")
def pause_reminders(call: Call, *, patient_id: str, until: date | None) -> ReminderPreferences:
    """Pause reminders up to and including ``until`` (the patient's local day); None resumes."""
    stored = call.uow.reminders.preferences(patient_id)
    if stored is None:
        raise InvalidInput("please set up your reminders first")
    if until is not None:
        validate_pause(until, today=local_today(stored, call.ctx.clock.now()))
    prefs = replace(stored, paused_until=until)
    call.uow.reminders.save_preferences(prefs, by=call.actor.user_id, at=call.ctx.clock.now())
    call.audit_detail["paused_until"] = until.isoformat() if until else None
    return prefs


def _send_of(call: Call, token: str) -> ReminderSend:
    send = call.uow.reminders.by_link_token(hash_token(token))
    if send is None:
        raise NotFound(_DEAD_LINK)
    call.patient = call.uow.patients.get(send.patient_id)
    if call.patient is None:
        raise NotFound(_DEAD_LINK)
    call.audit_detail["send_id"] = send.id
    return send


@operation(Access.PUBLIC, audit="reminder.open")
def open_reminder_link(call: Call, *, token: str) -> str:
    """Record that a reminder's link was opened (the first time); return where it leads."""
    send = _send_of(call, token)
    first = call.uow.reminders.mark_opened(send.id, at=call.ctx.clock.now())
    call.audit_detail["first_open"] = first
    return send.link_target


@dataclass(frozen=True)
class StopView:
    stopped: bool


def _stopped(uow: UnitOfWork, patient_id: str) -> bool:
    prefs = uow.reminders.preferences(patient_id)
    return prefs is None or prefs.unsubscribed


@operation(Access.PUBLIC, audit="reminder.stop.view")
def reminder_stop_view(call: Call, *, token: str) -> StopView:
    send = _send_of(call, token)
    return StopView(stopped=_stopped(call.uow, send.patient_id))


@operation(Access.PUBLIC, audit="reminder.unsubscribe")
def stop_reminders(call: Call, *, token: str) -> None:
    """Stop every reminder e-mail for the patient the link was sent to (no sign-in needed)."""
    send = _send_of(call, token)
    call.uow.reminders.set_unsubscribed(send.patient_id, at=call.ctx.clock.now())
