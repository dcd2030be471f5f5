"""The treatment plan in care: draft from the clinical picture, save, edit and sign.

One PLAN record per patient (natural key ``plan``); every draft, edit and signature is a new
version with a reason, under optimistic locking (a stale version raises ``Conflict``). An edit
clears the signature (``revise_plan``): the patient keeps seeing the last signed version until
the clinician signs again (``services.assessment_program``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from painpath.adapters.library import load_exercises, load_lessons
from painpath.domain.access import Access
from painpath.domain.assessment.screening import fact_label
from painpath.domain.errors import Conflict, InvalidInput, NotFound, SafetyBlock
from painpath.domain.notes import AUDIENCE_FIELD, NOTE_FIELD
from painpath.domain.planning import (
    Plan,
    PlanChanges,
    PlanItem,
    PlanItemKind,
    build_plan,
    revise_plan,
)
from painpath.domain.planning.edits import clinician_goal_item, library_exercise_item, parse_days
from painpath.domain.progression.pain_monitoring import (
    MONITORING_ATTRIBUTE,
    USUAL_MORNING_ATTRIBUTE,
)
from painpath.domain.records import RecordKind, RecordVersion
from painpath.services.assessment.codec import plan_from_payload, plan_to_payload
from painpath.services.assessment.library import clinic_library
from painpath.services.assessment.records import (
    PLAN_KEY,
    build_picture,
    current_record,
    store_record,
)
from painpath.services.context import Call, operation
from painpath.services.notes import note_from_form

__all__ = [
    "ExerciseChoice",
    "PlanEdits",
    "PlanView",
    "current_plan",
    "draft_plan",
    "edit_plan",
    "plan_history",
    "save_plan",
    "sign_plan",
]


@dataclass(frozen=True)
class PlanView:
    """A plan and where it is stored; ``record_id`` is None for an unsaved draft."""

    plan: Plan
    record_id: str | None
    version: int
    created_at: datetime | None = None
    created_by: int | None = None
    change_reason: str | None = None

    @property
    def signed(self) -> bool:
        return self.plan.signed_by is not None

    @classmethod
    def of(cls, record: RecordVersion) -> PlanView:
        return cls(
            plan=plan_from_payload(record.payload, version=record.version),
            record_id=record.record_id,
            version=record.version,
            created_at=record.created_at,
            created_by=record.created_by,
            change_reason=record.change_reason,
        )


@dataclass(frozen=True)
class ExerciseChoice:
    """An exercise picked from the library: its id, the dose (empty = the library's dose for
    the plan's irritability) and the training days (names ``Mon``..``Sun`` or 0-6)."""

    exercise_id: str
    dose: str = ""
    days: tuple[str, ...] = ()


@dataclass(frozen=True)
class PlanEdits:
    """The clinician's edits: remove items, change an exercise dose, add a note to an item,
    add or replace exercises from the library, reorder items, add goals and reword them.

    A note's audience (``note_audiences``: item id -> ``clinician`` | ``patient``) defaults to
    clinician-only; a patient-visible note must pass the readability check.
    """

    remove: tuple[str, ...] = ()
    doses: Mapping[str, str] = field(default_factory=dict)  # item id -> dose text
    notes: Mapping[str, str] = field(default_factory=dict)  # item id -> note text
    note_audiences: Mapping[str, str] = field(default_factory=dict)  # item id -> audience
    add_exercises: tuple[ExerciseChoice, ...] = ()
    replace_exercises: Mapping[str, ExerciseChoice] = field(default_factory=dict)  # item id ->
    positions: Mapping[str, int] = field(default_factory=dict)  # item id -> place in its section
    add_goals: tuple[str, ...] = ()
    goal_texts: Mapping[str, str] = field(default_factory=dict)  # goal item id -> new wording
    # exercise item id -> pain monitoring on/off (silbernagel2007, for a tendon or joint
    # loading exercise: progress.monitoring)
    monitoring: Mapping[str, bool] = field(default_factory=dict)
    # exercise item id -> the usual pain/stiffness on waking (0-10), or "" to measure it
    usual_mornings: Mapping[str, str] = field(default_factory=dict)


def _draft(call: Call, patient_id: str) -> Plan:
    view = build_picture(call, patient_id)  # build_plan raises SafetyBlock on an urgent red flag
    return build_plan(
        view.picture, load_exercises(), load_lessons(), start_date=call.ctx.clock.today()
    )


@operation(Access.PATIENT_CLINICAL, audit="plan.draft")
def draft_plan(call: Call, *, patient_id: str) -> Plan:
    """A new plan from the current picture, not stored. ``SafetyBlock`` on an urgent red flag."""
    return _draft(call, patient_id)


@operation(Access.PATIENT_CLINICAL, audit="plan.save")
def save_plan(
    call: Call, *, patient_id: str, expected_version: int | None = None, reason: str = ""
) -> PlanView:
    """Store a fresh draft: version 1, or a redraft of the existing plan (name its version)."""
    plan = _draft(call, patient_id)
    current = current_record(call, RecordKind.PLAN, PLAN_KEY, patient_id)
    if current is not None and expected_version is None:
        raise Conflict(
            f"this patient already has a plan (version {current.version}); edit it, or redraft "
            "it by naming the version you replace"
        )
    why = reason.strip() or "redrafted from the current clinical picture"
    payload = plan_to_payload(dataclasses.replace(plan, revision_reason=why if current else None))
    record = store_record(
        call,
        RecordKind.PLAN,
        PLAN_KEY,
        payload,
        expected_version=expected_version,
        reason=why,
        meta={},
    )
    call.audit_detail.update(record_id=record.record_id, version=record.version)
    return PlanView.of(record)


def _plan_record(call: Call, patient_id: str, record_id: str) -> RecordVersion:
    current = call.uow.records.current(record_id)
    if current.patient_id != patient_id or current.kind is not RecordKind.PLAN:
        raise NotFound("no such plan")
    return current


def _chosen(call: Call, plan: Plan, choice: ExerciseChoice) -> PlanItem:
    library, _ = clinic_library(call, call.the_patient.clinic_id)
    ex = library.by_id(choice.exercise_id)  # InvalidInput names an unknown exercise
    return library_exercise_item(
        ex,
        plan.irritability,
        dose=choice.dose,
        days=parse_days(choice.days),
    )


def _structure(
    call: Call, plan: Plan, edits: PlanEdits
) -> tuple[list[PlanItem], list[str], list[str]]:
    """Items to add, ids to remove, and the new order, for library picks, swaps and goals."""
    add: list[PlanItem] = []
    remove: list[str] = []
    kept = [i for i in plan.items if i.id not in edits.remove]
    unknown = sorted(set(edits.positions) - {i.id for i in plan.items})
    if unknown:
        raise InvalidInput(f"plan has no item(s): {', '.join(unknown)}")
    order = [i.id for i in kept]
    for kind in PlanItemKind:  # each section sorted by its new positions, in its own slots
        slots = [n for n, i in enumerate(kept) if i.kind is kind]
        ranked = sorted(
            slots, key=lambda n: (edits.positions.get(kept[n].id, slots.index(n) + 1), n)
        )
        for slot, n in zip(slots, ranked, strict=True):
            order[slot] = kept[n].id
    for old_id, choice in edits.replace_exercises.items():
        old = plan.item(old_id)
        if old.kind is not PlanItemKind.EXERCISE:
            raise InvalidInput(f"only an exercise can be replaced ({old.title!r} is not one)")
        new = _chosen(call, plan, choice)
        if new.id != old_id and new.id in order:
            raise InvalidInput(f"the plan already has {new.title!r}")
        remove.append(old_id)
        add.append(new)
        order = [new.id if o == old_id else o for o in order]
    for choice in edits.add_exercises:
        new = _chosen(call, plan, choice)
        if new.id in order:
            raise InvalidInput(f"the plan already has {new.title!r}; change its dose instead")
        add.append(new)
        order.append(new.id)
    taken = {i.id for i in plan.items} | set(order)
    for text in edits.add_goals:
        if not text.strip():
            continue
        goal = clinician_goal_item(text, due=None, taken=taken)
        taken.add(goal.id)
        add.append(goal)
        last_goal = max(
            (n for n, o in enumerate(order) if o.startswith("goal.")), default=len(order) - 1
        )
        order.insert(last_goal + 1, goal.id)
    return add, remove, order


def _changes(call: Call, plan: Plan, edits: PlanEdits, reason: str) -> PlanChanges:
    replace = []
    add, swapped, order = _structure(call, plan, edits)
    for item_id, text in edits.goal_texts.items():
        item = plan.item(item_id)
        if item.kind is not PlanItemKind.GOAL:
            raise InvalidInput(f"only a goal can be reworded ({item.title!r} is not one)")
        wording = " ".join(text.split())
        if wording and wording != item.title and item_id not in edits.remove:
            reworded = clinician_goal_item(wording, due=item.due, taken=())
            replace.append(
                dataclasses.replace(
                    item,
                    title=reworded.title,
                    triggered_by=(*item.triggered_by, "reworded by the clinician"),
                )
            )
    touched = (
        set(edits.doses) | set(edits.notes) | set(edits.monitoring) | set(edits.usual_mornings)
    )
    for item_id in sorted(touched - set(edits.remove) - set(swapped)):
        item = plan.item(item_id)  # InvalidInput names an unknown item
        attrs = dict(item.attributes)
        dose = edits.doses.get(item_id, "").strip()
        if dose and dose != attrs.get("dose"):
            if item.kind is not PlanItemKind.EXERCISE:
                raise InvalidInput(f"only an exercise has a dose ({item_id!r} is {item.kind})")
            attrs["dose"] = dose
        if item_id in edits.monitoring:
            if item.kind is not PlanItemKind.EXERCISE and edits.monitoring[item_id]:
                raise InvalidInput(f"only an exercise can be pain-monitored ({item.title!r})")
            if edits.monitoring[item_id]:
                attrs[MONITORING_ATTRIBUTE] = "on"
            else:
                attrs.pop(MONITORING_ATTRIBUTE, None)
        if item_id in edits.usual_mornings:
            _set_usual_morning(attrs, item, edits.usual_mornings[item_id])
        if item_id in edits.notes:
            try:
                note = note_from_form(edits.notes[item_id], edits.note_audiences.get(item_id))
            except InvalidInput as err:
                raise InvalidInput(f"note on {item.title!r}: {err}") from None
            attrs.pop(NOTE_FIELD, None)
            attrs.pop(AUDIENCE_FIELD, None)
            if note is not None:
                attrs.update(note.to_fields())
        if attrs != dict(item.attributes):
            replace.append(dataclasses.replace(item, attributes=attrs))
    current = [i.id for i in plan.items if i.id not in edits.remove and i.id not in swapped]
    moved = order != [*current, *(a.id for a in add)]
    return PlanChanges(
        reason=reason,
        add=tuple(add),
        remove=(*edits.remove, *swapped),
        replace=tuple(replace),
        order=tuple(order) if moved else (),
    )


def _set_usual_morning(attrs: dict[str, str], item: PlanItem, raw: str) -> None:
    """The usual pain/stiffness on waking (NPRS 0-10) of a monitored exercise; empty: the first
    week of answers measures it (pain_monitoring_defaults)."""
    text = raw.strip().replace(",", ".")
    if not text:
        attrs.pop(USUAL_MORNING_ATTRIBUTE, None)
        return
    try:
        value = float(text)
    except ValueError:
        raise InvalidInput(f"usual morning level of {item.title!r}: give a number 0-10") from None
    if not 0 <= value <= 10 or item.kind is not PlanItemKind.EXERCISE:
        raise InvalidInput(f"usual morning level of {item.title!r}: an exercise's 0-10 rating")
    attrs[USUAL_MORNING_ATTRIBUTE] = f"{value:g}"


@operation(Access.PATIENT_CLINICAL, audit="plan.edit")
def edit_plan(
    call: Call,
    *,
    patient_id: str,
    record_id: str,
    expected_version: int,
    changes: PlanEdits | PlanChanges,
    reason: str,
) -> PlanView:
    """One edit = one new version (``revise_plan`` + ``records.revise``); the signature is
    cleared, so the changed plan must be signed again. A stale version raises ``Conflict``."""
    current = _plan_record(call, patient_id, record_id)
    if expected_version != current.version:
        raise Conflict(
            f"the plan changed since you opened it (you edited version {expected_version}, "
            f"the current version is {current.version}); reload and apply your change again"
        )
    plan = plan_from_payload(current.payload, version=current.version)
    if isinstance(changes, PlanEdits):
        changes = _changes(call, plan, changes, reason)
    else:
        changes = dataclasses.replace(changes, reason=reason)
    if not (changes.add or changes.remove or changes.replace or changes.order):
        raise InvalidInput(
            "nothing to change: add, remove, replace or move an item, change a dose or a goal, "
            "or add a note"
        )
    revised = revise_plan(plan, changes)
    record = call.uow.records.revise(
        record_id,
        expected_version=expected_version,
        payload=plan_to_payload(revised),
        reason=reason,
        created_by=call.actor.user_id,
    )
    call.audit_detail.update(record_id=record_id, version=record.version)
    return PlanView.of(record)


def _check_screening(call: Call, patient_id: str) -> None:
    screening = build_picture(call, patient_id).picture.screening
    if screening.blocks_planning:
        raise SafetyBlock(
            f"{screening.urgency.label} red flag: {screening.urgency.action}; the plan cannot "
            "be signed"
        )
    if screening.missing_critical:
        questions = "; ".join(
            fact_label(q).removeprefix("answered yes: ") for q in screening.missing_critical
        )
        raise SafetyBlock(
            "the plan cannot be signed until these safety questions are answered on the intake "
            f"(or skipped there with a reason): {questions}"
        )


@operation(Access.PATIENT_CLINICAL, audit="plan.sign")
def sign_plan(call: Call, *, patient_id: str, record_id: str, expected_version: int) -> PlanView:
    """Sign the version the clinician reviewed: a new version with ``signed_by``/``signed_at``.

    Refused (``SafetyBlock``) while an urgent or emergency red flag stands, or while a critical
    red-flag question is neither answered nor skipped with a reason on the intake."""
    current = _plan_record(call, patient_id, record_id)
    _check_screening(call, patient_id)
    plan = plan_from_payload(current.payload, version=current.version)
    if plan.signed_by is not None and expected_version == current.version:
        raise Conflict(f"version {current.version} is already signed by {plan.signed_by}")
    signed = dataclasses.replace(
        plan,
        version=current.version + 1,
        signed_by=call.actor.name,
        signed_at=call.ctx.clock.now(),
        revision_reason="signed",
    )
    record = call.uow.records.revise(
        record_id,
        expected_version=expected_version,
        payload=plan_to_payload(signed),
        reason=f"signed by {call.actor.name}",
        created_by=call.actor.user_id,
    )
    call.audit_detail.update(record_id=record_id, version=record.version)
    return PlanView.of(record)


@operation(Access.PATIENT_CLINICAL, audit="plan.read")
def current_plan(call: Call, *, patient_id: str) -> PlanView | None:
    record = current_record(call, RecordKind.PLAN, PLAN_KEY, patient_id)
    return PlanView.of(record) if record else None


@operation(Access.PATIENT_CLINICAL, audit="plan.history")
def plan_history(call: Call, *, patient_id: str, record_id: str | None = None) -> list[PlanView]:
    """Every version of the patient's plan, oldest first."""
    if record_id is None:
        current = current_record(call, RecordKind.PLAN, PLAN_KEY, patient_id)
        if current is None:
            return []
        record_id = current.record_id
    _plan_record(call, patient_id, record_id)
    return [PlanView.of(v) for v in call.uow.records.history(record_id)]
