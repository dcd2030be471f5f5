"""Types, constants and helpers the questionnaire services share."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from painpath.adapters.instrument_catalogue import get_instrument, load_catalogue
from painpath.domain.accounts import EpisodeStatus
from painpath.domain.errors import InvalidAnswers, InvalidInput, NotFound, UnknownInstrument
from painpath.domain.outcomes.instruments import (
    ChangeInterpretation,
    Instrument,
    ItemWording,
    WordingPack,
    validate_wording_pack,
    wording_pack_to_dict,
)
from painpath.domain.ports import UnitOfWork
from painpath.domain.records import RecordKind, RecordVersion
from painpath.services.context import Call

GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Pain", ("nprs", "peg", "bpi-severity", "bpi-interference")),
    ("Function by region", ("odi", "ndi", "lefs", "quickdash", "spadi", "psfs")),
    (
        "Psychosocial and risk",
        ("startback", "orebro-sf", "tsk-17", "tsk-11", "fabq", "pcs", "pseq", "phq-4"),
    ),
    ("Mechanism screens", ("paindetect", "dn4", "csi")),
    ("Change", ("grc",)),
)
SCHEDULE_PRESETS: Mapping[str, tuple[int, ...]] = {
    "standard": (0, 2, 6, 12),
    "monthly": (0, 4, 8, 12),
    "fortnightly": (0, 2, 4, 6, 8, 10, 12),
    "once": (0,),
}
# A response counts for a time point from this many days before it (project default: patients
# often fill forms in a few days early at a visit) ...
EARLY_DAYS = 3
# ... and a time point is "due" for this many days, "overdue" after (project default).
GRACE_DAYS = 7
MAX_WEEK = 104


class IncompleteAnswers(InvalidAnswers):
    """Answers with problems at named items; ``problems`` maps item number -> what is wrong."""

    def __init__(self, message: str, problems: Mapping[int, str]) -> None:
        super().__init__(message)
        self.problems = dict(problems)


@dataclass(frozen=True)
class ResponseView:
    record_id: str
    version: int
    instrument_id: str
    completed_on: date
    entered_by_role: str
    answers: tuple[int | None, ...]
    valid: bool
    total: float | None
    subscales: Mapping[str, float | None]
    band: str | None
    missing: tuple[int, ...]
    messages: tuple[str, ...]
    activities: tuple[str, ...] = ()
    change_reason: str | None = None
    not_applicable: tuple[int, ...] = ()
    # The wording the patient answered online (pack version, licence, placeholder); None for
    # a paper form entered by the clinician and for responses stored before packs existed.
    wording: Mapping[str, Any] | None = None

    @property
    def placeholder_wording(self) -> bool:
        return bool(self.wording and self.wording.get("placeholder"))

    @classmethod
    def of(cls, record: RecordVersion) -> ResponseView:
        p = record.payload
        return cls(
            record_id=record.record_id,
            version=record.version,
            instrument_id=str(p["instrument"]),
            completed_on=date.fromisoformat(p["completed_on"]),
            entered_by_role=str(p["entered_by_role"]),
            answers=tuple(p["answers"]),
            valid=bool(p["valid"]),
            total=p["total"],
            subscales=dict(p["subscales"]),
            band=p["band"],
            missing=tuple(p["missing"]),
            messages=tuple(p["messages"]),
            activities=tuple(record.meta.get("activities", ())),
            change_reason=record.change_reason,
            not_applicable=tuple(p.get("not_applicable", ())),
            wording=record.meta.get("wording"),
        )


@dataclass(frozen=True)
class DueItem:
    """Where one assigned instrument stands today.

    ``status``: ``overdue`` (a time point passed more than GRACE_DAYS ago unanswered), ``due``
    (a time point is open now), ``upcoming`` (all past points answered, more to come) or
    ``complete`` (the schedule is finished).
    """

    instrument_id: str
    name: str
    status: str
    due_on: date | None
    week: int | None
    next_on: date | None
    last_completed_on: date | None
    # No published wording and no wording pack: the patient cannot fill it in on their pages;
    # the clinician gives the paper form and enters the answers.
    on_paper: bool = False

    @property
    def plain_name(self) -> str:
        """The instrument's name in plain words, for patient pages."""
        return get_instrument(self.instrument_id).plain_name

    @property
    def is_open(self) -> bool:
        return self.status in ("due", "overdue")

    @property
    def ready_online(self) -> bool:
        """Open now and the patient can fill it in on their own pages."""
        return self.is_open and not self.on_paper


@dataclass(frozen=True)
class HistoryPoint:
    record_id: str
    version: int
    completed_on: date
    total: float | None
    subscales: Mapping[str, float | None]
    band: str | None
    band_label: str | None
    valid: bool
    from_baseline: ChangeInterpretation | None
    from_previous: ChangeInterpretation | None
    placeholder_wording: bool = False  # answered on a demo pack's sample text


@dataclass(frozen=True)
class InstrumentHistory:
    """Every valid and invalid response of one instrument, oldest first.

    ``responder`` is None when the instrument has no MCID on file or fewer than two totals.
    """

    instrument: Instrument
    points: tuple[HistoryPoint, ...]
    baseline: float | None
    latest: float | None
    responder: bool | None

    @property
    def latest_change(self) -> ChangeInterpretation | None:
        return self.points[-1].from_baseline if self.points else None


@dataclass(frozen=True)
class QuestionnaireForm:
    """``wording`` is the text patients may read (an installed pack or the published wording
    the catalogue ships); None means the patient form is unavailable (paper only)."""

    instrument: Instrument
    assigned: bool
    activities: tuple[str, ...]  # PSFS: last named activities, else the intake goals
    wording: WordingPack | None = field(default=None)

    @property
    def patient_may_fill_in(self) -> bool:
        return self.wording is not None


CATALOGUE_WORDING = "as published (shipped with PainPath)"


def published_wording(instrument: Instrument) -> WordingPack | None:
    """The catalogue's own wording as a pack, when it ships the exact published text."""
    published = instrument.published
    if not instrument.ships_published_wording or instrument.licence is None or published is None:
        return None
    return WordingPack(
        instrument_id=instrument.id,
        version=CATALOGUE_WORDING,
        licence_holder=instrument.licence.holder,
        licence_reference=instrument.licence.source,
        items=tuple(
            ItemWording(item.link_id, item.text or "", tuple(o.label for o in item.options))
            for item in instrument.items
        ),
        instructions=published.instructions,
        attribution=published.attribution,
    )


def form_wording(uow: UnitOfWork, instrument: Instrument, clinic_id: int) -> WordingPack | None:
    """What patients of this clinic may read for ``instrument``: the clinic's (or the
    installation's) wording pack, else the catalogue's published wording, else None.

    A stored pack is checked again against the current catalogue: after a catalogue change
    that alters the item structure, a pack that no longer fits is not used (paper until the
    clinic imports a fitting one) rather than shown against the wrong items.
    """
    pack = uow.wording_packs.for_clinic(instrument.id, clinic_id)
    if pack is not None and pack_fits(instrument, pack):
        return pack
    return published_wording(instrument)


def pack_fits(instrument: Instrument, pack: WordingPack) -> bool:
    try:
        validate_wording_pack(instrument, wording_pack_to_dict(pack))
    except InvalidInput:
        return False
    return True


def group_of(instrument_id: str) -> str:
    return next((g for g, ids in GROUPS if instrument_id in ids), "Other")


def catalogue_by_group() -> list[tuple[str, list[Instrument]]]:
    """The catalogue grouped by purpose, in the display order of ``GROUPS``."""
    catalogue = load_catalogue()
    order = [g for g, _ in GROUPS] + ["Other"]
    groups: dict[str, list[Instrument]] = {g: [] for g in order}
    for instrument in catalogue.values():
        groups[group_of(instrument.id)].append(instrument)
    return [(g, items) for g, items in groups.items() if items]


def instrument_or_404(instrument_id: str) -> Instrument:
    try:
        return get_instrument(instrument_id)
    except UnknownInstrument:
        raise NotFound(f"no questionnaire called {instrument_id!r}") from None


def open_episode_id(call: Call, patient_id: str) -> str | None:
    episodes = [
        e for e in call.uow.episodes.for_patient(patient_id) if e.status is EpisodeStatus.OPEN
    ]
    return max(episodes, key=lambda e: e.started_on).id if episodes else None


def schedule_points(assignments: Sequence[RecordVersion]) -> dict[str, list[tuple[date, int]]]:
    """Instrument id -> sorted (due date, week) time points over every current assignment."""
    points: dict[str, set[tuple[date, int]]] = {}
    for record in assignments:
        start = date.fromisoformat(record.payload["start"])
        for instrument_id in record.payload["instruments"]:
            for week in record.payload["schedule_weeks"]:
                points.setdefault(instrument_id, set()).add((start + timedelta(weeks=week), week))
    return {k: sorted(v) for k, v in points.items()}


def current_responses(call: Call, patient_id: str) -> list[ResponseView]:
    records = call.uow.records.list_current(kind=RecordKind.RESPONSE, patient_id=patient_id)
    views = [ResponseView.of(r) for r in records]
    return sorted(views, key=lambda v: v.completed_on)  # stable: entry order within a day
