"""The exercise library for clinicians: search and filter, each exercise with its
illustration, cues, dose ranges by irritability, progression, regression and precautions.

Library content is clinical knowledge, not patient data: any clinician may read it (no audit
event; nothing about a patient is read).
"""

from __future__ import annotations

from dataclasses import dataclass

from painpath.domain.access import Access
from painpath.domain.errors import InvalidInput, NotFound
from painpath.domain.planning.custom import check_image as _check_image
from painpath.domain.planning.custom import custom_exercise_payload
from painpath.domain.planning.library import (
    NO_EQUIPMENT,
    Exercise,
    ExerciseQuery,
    exercise_from_mapping,
    search_exercises,
)
from painpath.domain.planning.pain_guidance import fill_pain_guidance, pain_guidance
from painpath.domain.types import Irritability, Region
from painpath.services.assessment.program import clinic_library, dose_text, illustration
from painpath.services.context import Call, operation

__all__ = [
    "LibraryExercise",
    "LibraryPage",
    "add_custom_exercise",
    "clinic_library",
    "custom_image",
    "exercise_library",
    "exercise_names",
    "illustration",
    "parse_query",
]


@dataclass(frozen=True)
class LibraryExercise:
    id: str
    name: str
    region: str
    level: int
    equipment: tuple[str, ...]
    purpose: str
    targets: tuple[str, ...]  # readable words, not ids
    cues: tuple[str, ...]
    doses: tuple[tuple[str, str], ...]  # (irritability, dose text), high irritability first
    progression: tuple[str, str] | None  # (id, name)
    regression: tuple[str, str] | None
    precautions: tuple[str, ...]
    svg: str  # trusted markup from domain.illustration.render_svg (values escaped there)
    custom: bool = False


@dataclass(frozen=True)
class LibraryPage:
    query: ExerciseQuery
    exercises: tuple[LibraryExercise, ...]
    total: int
    regions: tuple[tuple[str, str], ...]  # (value, label)
    equipment: tuple[str, ...]
    purposes: tuple[tuple[str, str], ...]  # (target value, label)


def _words(value: str) -> str:
    return value.replace("_", " ")


def _view(ex: Exercise, names: dict[str, str], pictures: dict[str, str]) -> LibraryExercise:
    def link(ex_id: str | None) -> tuple[str, str] | None:
        return (ex_id, names.get(ex_id, ex_id)) if ex_id else None

    order = (Irritability.HIGH, Irritability.MODERATE, Irritability.LOW)
    return LibraryExercise(
        id=ex.id,
        name=ex.name,
        region=_words(ex.region.value),
        level=ex.level,
        equipment=ex.equipment,
        purpose=ex.purpose,
        targets=tuple(_words(t) for t in ex.targets),
        cues=ex.cues,
        doses=tuple((f"{i.value} irritability", dose_text(ex.dosage[i])) for i in order),
        progression=link(ex.progression_id),
        regression=link(ex.regression_id),
        precautions=tuple(
            fill_pain_guidance(p, pain_guidance(Irritability.MODERATE)) for p in ex.precautions
        ),
        svg=illustration(ex, pictures),
        custom=ex.id.startswith("clinic-"),
    )


def parse_query(
    *, text: str = "", region: str = "", equipment: str = "", level: str = "", purpose: str = ""
) -> ExerciseQuery:
    """The page's filters from query-string text; unknown values raise ``InvalidInput``."""
    try:
        reg = Region(region) if region else None
    except ValueError:
        raise InvalidInput(f"unknown region {region!r}") from None
    lvl = None
    if level:
        if level not in ("1", "2", "3"):
            raise InvalidInput("level is 1, 2 or 3")
        lvl = int(level)
    return ExerciseQuery(
        text=text.strip()[:100], region=reg, equipment=equipment, level=lvl, purpose=purpose
    )


@operation(Access.CLINICIAN)
def exercise_library(call: Call, *, query: ExerciseQuery) -> LibraryPage:
    library, pictures = clinic_library(call, call.actor.clinic_id)
    everything = library.all()
    names = {e.id: e.name for e in everything}
    hits = search_exercises(everything, query)
    equipment = sorted({item for e in everything for item in e.equipment})
    targets = sorted({t for e in everything for t in e.targets})
    return LibraryPage(
        query=query,
        exercises=tuple(_view(e, names, pictures) for e in hits),
        total=len(everything),
        regions=tuple((r.value, _words(r.value)) for r in library.regions()),
        equipment=(NO_EQUIPMENT, *equipment),
        purposes=tuple((t, _words(t)) for t in targets),
    )


@operation(Access.CLINICIAN)
def exercise_names(call: Call) -> list[tuple[str, str]]:
    """(id, name) of every library exercise, by name: the plan editor's "replace with" list."""
    library, _ = clinic_library(call, call.actor.clinic_id)
    return sorted(((e.id, e.name) for e in library.all()), key=lambda p: p[1])


@operation(Access.CLINICIAN, audit="exercise.custom.add")
def add_custom_exercise(
    call: Call, *, fields: dict[str, str], picture: bytes | None = None
) -> LibraryExercise:
    """A clinic's own exercise: its text, dose and a drawing from joint angles, or an uploaded
    picture (PNG/JPEG, checked by its bytes). ``InvalidInput`` names the field."""
    clinic_id = call.actor.clinic_id
    library, _ = clinic_library(call, clinic_id)
    payload = custom_exercise_payload(fields, taken={e.id for e in library.all()})
    picture_type = _check_image(picture) if picture else None
    call.uow.custom_exercises.add(
        exercise_id=str(payload["id"]),
        clinic_id=clinic_id,
        payload=payload,
        image=picture,
        image_type=picture_type,
        created_by=call.actor.user_id,
    )
    call.audit_detail.update(exercise_id=payload["id"], picture=picture_type is not None)
    ex = exercise_of_payload(payload)
    return _view(ex, {ex.id: ex.name}, {ex.id: picture_type} if picture_type else {})


def exercise_of_payload(payload: dict[str, object]) -> Exercise:
    return exercise_from_mapping(payload)


@operation(Access.SIGNED_IN)
def custom_image(call: Call, *, exercise_id: str) -> tuple[bytes, str]:
    """The uploaded picture of a custom exercise of the actor's own clinic."""
    found = call.uow.custom_exercises.image(exercise_id, clinic_id=call.actor.clinic_id)
    if found is None:
        raise NotFound("no such picture")
    return found
