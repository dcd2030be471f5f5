"""The patient's side of the plan: the home program and the lessons.

Only a *signed* version of the plan reaches the patient: the newest version that carries a
signature (an edit after signing clears the signature, and the patient keeps seeing the last
signed version until the clinician signs again). Exercise texts come from the exercise library,
dosed for the plan's irritability level unless the clinician changed the dose.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from html import escape

from painpath.adapters.library import load_exercises, load_lessons
from painpath.domain.access import Access
from painpath.domain.errors import InvalidInput, NotFound
from painpath.domain.notes import Note, patient_notes
from painpath.domain.planning import (
    PainGuidance,
    Plan,
    PlanItem,
    PlanItemKind,
    fill_pain_guidance,
)
from painpath.domain.planning.custom import exercise_of
from painpath.domain.planning.illustration import render_svg
from painpath.domain.planning.library import Dosage, Exercise, ExerciseLibrary
from painpath.domain.planning.schedule import WEEKDAY_NAMES, training_weekdays
from painpath.domain.ports import UnitOfWork
from painpath.domain.records import RecordKind
from painpath.services.assessment.codec import plan_from_payload
from painpath.services.assessment.markdown import markdown_to_html
from painpath.services.assessment.records import PLAN_KEY, build_picture
from painpath.services.context import Call, operation

__all__ = [
    "HomeProgram",
    "LessonView",
    "ProgramExercise",
    "ProgramLesson",
    "build_home_program",
    "dose_text",
    "flare_plan_text",
    "home_program",
    "lesson",
    "lesson_list",
    "patient_pain_guidance",
    "signed_plan",
]


@dataclass(frozen=True)
class ProgramExercise:
    item_id: str
    exercise_id: str
    name: str
    purpose: str
    dose: str
    cues: tuple[str, ...]
    common_errors: tuple[str, ...]
    precautions: tuple[str, ...]
    equipment: tuple[str, ...]
    svg: str  # trusted markup from domain.illustration.render_svg (values escaped there)
    note: str = ""  # the clinician's note, only when it is patient-visible
    weekdays: tuple[int, ...] = tuple(range(7))  # 0 = Monday; spread by domain.schedule
    today: bool = True
    picture: str = ""  # trusted <img> markup for a clinic exercise's uploaded picture

    @property
    def day_names(self) -> str:
        if len(self.weekdays) == 7:
            return "every day"
        return ", ".join(WEEKDAY_NAMES[d] for d in self.weekdays)


@dataclass(frozen=True)
class ProgramLesson:
    id: str
    title: str
    summary: str
    reading_minutes: int
    week: int


@dataclass(frozen=True)
class ProgramActivity:
    title: str
    details: str


@dataclass(frozen=True)
class HomeProgram:
    signed_by: str
    signed_at: datetime | None
    version: int
    pain_guidance: PainGuidance  # the plan's one pain guidance (domain.planning.pain_guidance)
    exercises: tuple[ProgramExercise, ...]
    lessons: tuple[ProgramLesson, ...]
    activities: tuple[ProgramActivity, ...]
    flare_plan: str | None
    # plain-language red-flag safety-net messages from the current picture, most urgent first
    safety_net: tuple[str, ...] = ()

    @property
    def pain_guide(self) -> str:
        return self.pain_guidance.sentence


@dataclass(frozen=True)
class LessonView:
    id: str
    title: str
    summary: str
    reading_minutes: int
    html: str  # rendered by markdown_to_html: every lesson character escaped
    assigned: bool


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def dose_text(d: Dosage) -> str:
    """Plain-language dose: '3 sets of 10, rest 60 seconds between sets, 3 times a week'
    ('1 set of 5, every day' for one set: no rest between sets to speak of)."""
    if d.reps is not None:
        amount = f"{_count(d.sets, 'set', 'sets')} of {d.reps}"
        if d.hold_s:
            amount += f", hold each {_count(d.hold_s, 'second', 'seconds')}"
    else:
        amount = (
            f"{_count(d.sets, 'hold', 'holds')} of {_count(d.hold_s or 0, 'second', 'seconds')}"
        )
    often = "every day" if d.frequency_per_week == 7 else f"{d.frequency_per_week} times a week"
    if d.frequency_per_week > 7:
        per_day = round(d.frequency_per_week / 7)
        about = "twice" if per_day == 2 else f"{per_day} times"
        often = f"{d.frequency_per_week} times a week (about {about} a day)"
    between = "sets" if d.reps is not None else "holds"
    rest = f"rest {_count(d.rest_s, 'second', 'seconds')} between {between}, " if d.sets > 1 else ""
    text = f"{amount}, {rest}{often}."
    return f"{text} {d.note}" if d.note else text


def clinic_library(call: Call, clinic_id: int) -> tuple[ExerciseLibrary, dict[str, str]]:
    """The library plus the clinic's own exercises; and the picture type of those that have an
    uploaded picture (exercise id -> content type)."""
    records = call.uow.custom_exercises.for_clinic(clinic_id)
    library = ExerciseLibrary([*load_exercises().all(), *(exercise_of(r) for r in records)])
    return library, {r.id: r.image_type for r in records if r.image_type}


def illustration(ex: Exercise, pictures: dict[str, str]) -> str:
    """Trusted markup: the uploaded picture of a custom exercise, else the drawn pose."""
    if ex.id in pictures:  # ids are kebab-case; the name is escaped
        return f'<img src="/library/custom/{ex.id}/image" alt="{escape(ex.name, quote=True)}">'
    return render_svg(ex.pose, title=ex.name, description=ex.purpose)


def _signed_plan(call: Call, patient_id: str) -> Plan | None:
    return signed_plan(call.uow, patient_id)


def signed_plan(uow: UnitOfWork, patient_id: str) -> Plan | None:
    """The last signed version of the patient's plan (what the patient follows), or None."""
    record = uow.records.current_by_key(
        kind=RecordKind.PLAN, patient_id=patient_id, natural_key=PLAN_KEY
    )
    if record is None:
        return None
    for version in reversed(uow.records.history(record.record_id)):
        if version.voided:
            continue
        plan = plan_from_payload(version.payload, version=version.version)
        if plan.signed_by:
            return plan
    return None


def _exercise(
    item: PlanItem,
    ex: Exercise,
    plan: Plan,
    *,
    position: int,
    today: date,
    pictures: dict[str, str],
) -> ProgramExercise:
    chosen = item.attributes.get("days", "")
    days = (
        tuple(int(d) for d in chosen.split(",") if d.isdigit())
        if chosen
        else training_weekdays(ex.dosage[plan.irritability].frequency_per_week, offset=position)
    )
    return ProgramExercise(
        item_id=item.id,
        exercise_id=ex.id,
        name=ex.name,
        purpose=ex.purpose,
        dose=item.attributes.get("dose") or dose_text(ex.dosage[plan.irritability]),
        cues=ex.cues,
        common_errors=ex.common_errors,
        precautions=tuple(fill_pain_guidance(p, plan.pain_guidance) for p in ex.precautions),
        equipment=ex.equipment,
        svg=render_svg(ex.pose, title=ex.name, description=ex.purpose),
        picture=illustration(ex, pictures) if ex.id in pictures else "",
        note="; ".join(patient_notes([Note.from_fields(item.attributes)])),
        weekdays=days,
        today=today.weekday() in days,
    )


def _exercises(call: Call, plan: Plan, today: date) -> tuple[ProgramExercise, ...]:
    """Today's exercises first, then the rest of the week's."""
    library, pictures = clinic_library(call, call.the_patient.clinic_id)
    out: list[ProgramExercise] = []
    for item in plan.of_kind(PlanItemKind.EXERCISE):
        try:
            ex = library.by_id(item.ref or "")
        except InvalidInput:
            continue  # an exercise no longer in the library: the clinician sees it in the chart
        out.append(_exercise(item, ex, plan, position=len(out), today=today, pictures=pictures))
    return tuple(sorted(out, key=lambda e: not e.today))


def _lessons(plan: Plan) -> tuple[ProgramLesson, ...]:
    library = load_lessons()
    out = []
    for item in plan.of_kind(PlanItemKind.EDUCATION):
        try:
            lesson = library.by_id(item.ref or "")
        except InvalidInput:
            continue
        week = int(item.attributes.get("week", "1") or 1)
        out.append(
            ProgramLesson(lesson.id, lesson.title, lesson.summary, lesson.reading_minutes, week)
        )
    return tuple(out)


@operation(Access.PATIENT_READ, audit="program.read")
def home_program(call: Call, *, patient_id: str) -> HomeProgram | None:
    """The signed plan as the patient's program; None until a plan is signed."""
    return build_home_program(call, patient_id)


def build_home_program(call: Call, patient_id: str) -> HomeProgram | None:
    """``home_program`` inside an operation already authorised (the printed program reuses it)."""
    plan = _signed_plan(call, patient_id)
    if plan is None or plan.signed_by is None:
        return None
    flare = plan.of_kind(PlanItemKind.FLARE_PLAN)
    call.audit_detail["version"] = plan.version
    return HomeProgram(
        signed_by=plan.signed_by,
        signed_at=plan.signed_at,
        version=plan.version,
        pain_guidance=plan.pain_guidance,
        exercises=_exercises(call, plan, call.ctx.clock.today()),
        lessons=_lessons(plan),
        activities=tuple(_activity(i) for i in plan.of_kind(PlanItemKind.GRADED_ACTIVITY)),
        flare_plan=flare_plan_text(plan) if flare else None,
        safety_net=_safety_net(call, patient_id),
    )


def _safety_net(call: Call, patient_id: str) -> tuple[str, ...]:
    """What to watch for: the safety-net messages of the red flags raised now."""
    try:
        return build_picture(call, patient_id).picture.screening.safety_net
    except NotFound:
        return ()


def _activity(item: PlanItem) -> ProgramActivity:
    """A graded-activity item in the patient's words (the item's details are the clinician's)."""
    name = item.attributes.get("activity") or item.title.partition(": ")[2] or "your activity"
    notes = patient_notes([Note.from_fields(item.attributes)])
    return ProgramActivity(
        f"Building up {name}",
        f"For the first three days, do {name} until pain or tiredness tells you to stop, and "
        "write down how much you did in your check-in. Then you get a daily goal a little "
        "below that. It goes up on set days, not by how your pain feels that day."
        + "".join(f" From your therapist: {n}" for n in notes),
    )


def flare_plan_text(plan: Plan) -> str:
    """The flare-up plan as the patient reads it, with the plan's own pain guidance."""
    return (
        "A flare-up is a short rise in pain. It does not mean new damage. Keep moving, but "
        "do a bit less of your exercises and your daily goal for a day or two. Use what eases "
        "your pain, like heat or a short walk. Then build back up over about a week. "
        f"{plan.pain_guidance.sentence} Call the clinic if it has not settled after a week. "
        "Get help at once for any new warning sign."
    )


def _without_title(body: str, title: str) -> str:
    """Lessons repeat their title as the first heading; the page shows it once."""
    first, _, rest = body.lstrip().partition("\n")
    return rest if first.lstrip("# ").strip() == title.strip() else body


@operation(Access.PATIENT_READ, audit="lesson.read")
def lesson(call: Call, *, patient_id: str, lesson_id: str) -> LessonView:
    """One lesson rendered safely; any lesson of the library may be read, assigned or not."""
    try:
        found = load_lessons().by_id(lesson_id)
    except InvalidInput:
        raise NotFound("no such lesson") from None
    plan = _signed_plan(call, patient_id)
    assigned = plan is not None and any(
        i.ref == lesson_id for i in plan.of_kind(PlanItemKind.EDUCATION)
    )
    call.audit_detail["lesson_id"] = lesson_id
    return LessonView(
        id=found.id,
        title=found.title,
        summary=found.summary,
        reading_minutes=found.reading_minutes,
        html=markdown_to_html(
            fill_pain_guidance(
                _without_title(found.body_markdown, found.title),
                plan.pain_guidance if plan is not None else None,
            )
        ),
        assigned=assigned,
    )


@operation(Access.PATIENT_READ)
def lesson_list(call: Call, *, patient_id: str) -> tuple[list[ProgramLesson], list[ProgramLesson]]:
    """(assigned lessons in teaching order, every other lesson by title)."""
    plan = _signed_plan(call, patient_id)
    assigned = list(_lessons(plan)) if plan else []
    ids = {x.id for x in assigned}
    others = [
        ProgramLesson(x.id, x.title, x.summary, x.reading_minutes, 0)
        for x in sorted(load_lessons().all(), key=lambda x: x.title)
        if x.id not in ids
    ]
    return assigned, others


@operation(Access.PATIENT_READ)
def patient_pain_guidance(call: Call, *, patient_id: str) -> PainGuidance | None:
    """The pain guidance of the patient's signed plan (None before a plan is signed): the check-in
    and every other patient page read it from here, never their own number."""
    plan = _signed_plan(call, patient_id)
    return plan.pain_guidance if plan is not None else None
