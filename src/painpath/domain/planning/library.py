"""The exercise library and the education lessons as validated domain types (pure).

Exercises and lessons are clinical knowledge written as data (``knowledge/exercises/*.yaml``,
``knowledge/education/*.md``); ``adapters/library.py`` reads the files and calls the
constructors here, which reject anything that breaks the rules below with ``InvalidInput``.

Rules for exercises (checked at construction):
  * ids are kebab-case and unique;
  * every target is an ``Impairment`` or ``Compensation`` value;
  * level is 1 (easiest) to 3;
  * a dosage is given for every ``Irritability`` level (high irritability = smallest dose);
  * a progression points to an exercise of the same region one level up (or the same level),
    a regression to one of the same region one level down (or the same level).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

from painpath.domain.errors import InvalidInput
from painpath.domain.planning.illustration import Pose, pose_from_mapping
from painpath.domain.types import Compensation, Impairment, Irritability, Region

__all__ = [
    "KNOWN_TARGETS",
    "Dosage",
    "Exercise",
    "ExerciseLibrary",
    "ExerciseQuery",
    "Lesson",
    "LessonLibrary",
    "dosage_from_mapping",
    "exercise_from_mapping",
    "lesson_from_parts",
    "search_exercises",
]

KNOWN_TARGETS: frozenset[str] = frozenset(m.value for m in Impairment) | frozenset(
    m.value for m in Compensation
)
_KEBAB = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_MAX_FREQUENCY_PER_WEEK = 14  # twice daily; gentle mobility drills are often given that often


@dataclass(frozen=True, slots=True)
class Dosage:
    """How much of an exercise: ``sets`` x (``reps`` and/or ``hold_s`` seconds), rest ``rest_s``
    seconds between sets, ``frequency_per_week`` sessions (1-14). ``note`` is patient-facing."""

    sets: int
    reps: int | None
    hold_s: int | None
    frequency_per_week: int
    rest_s: int
    note: str = ""


@dataclass(frozen=True, slots=True)
class Exercise:
    """One exercise. ``level`` 1-3; ``targets`` are Impairment/Compensation values;
    ``purpose``, ``cues``, ``common_errors`` and ``precautions`` are patient-facing text."""

    id: str
    name: str
    region: Region
    targets: tuple[str, ...]
    level: int
    equipment: tuple[str, ...]
    purpose: str
    dosage: Mapping[Irritability, Dosage]
    cues: tuple[str, ...]
    common_errors: tuple[str, ...]
    progression_id: str | None
    regression_id: str | None
    precautions: tuple[str, ...]
    evidence: tuple[str, ...]
    pose: Pose


@dataclass(frozen=True, slots=True)
class Lesson:
    """One pain-education lesson; ``body_markdown`` is patient-facing Markdown."""

    id: str
    title: str
    summary: str
    topics: tuple[str, ...]
    reading_minutes: int
    body_markdown: str
    evidence: tuple[str, ...]


# ---------------------------------------------------------------- field readers


def _req(d: Mapping[str, object], key: str, where: str) -> object:
    if key not in d or d[key] is None:
        raise InvalidInput(f"{where}: missing required field {key!r}")
    return d[key]


def _text(d: Mapping[str, object], key: str, where: str) -> str:
    value = _req(d, key, where)
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput(f"{where}: field {key!r} must be non-empty text")
    return value.strip()


def _int(value: object, key: str, where: str, *, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InvalidInput(f"{where}: {key!r} must be a whole number {low}-{high}, got {value!r}")
    return value


def _opt_int(d: Mapping[str, object], key: str, where: str, *, high: int) -> int | None:
    value = d.get(key)
    return None if value is None else _int(value, key, where, low=1, high=high)


def _texts(
    d: Mapping[str, object], key: str, where: str, *, required: bool = True
) -> tuple[str, ...]:
    value = d.get(key, [] if not required else None)
    if value is None or isinstance(value, str) or not isinstance(value, Sequence):
        raise InvalidInput(f"{where}: field {key!r} must be a list of text")
    items = tuple(str(v).strip() for v in value)
    if required and not items:
        raise InvalidInput(f"{where}: field {key!r} needs at least one entry")
    if any(not v for v in items):
        raise InvalidInput(f"{where}: field {key!r} has an empty entry")
    return items


def _opt_id(d: Mapping[str, object], key: str, where: str) -> str | None:
    value = d.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not _KEBAB.match(value):
        raise InvalidInput(f"{where}: {key!r} must be a kebab-case exercise id, got {value!r}")
    return value


# ---------------------------------------------------------------- constructors


def dosage_from_mapping(d: object, *, where: str = "dosage") -> Dosage:
    """Build a Dosage; at least one of ``reps`` and ``hold_s`` is required."""
    if not isinstance(d, Mapping):
        raise InvalidInput(f"{where}: expected a mapping, got {d!r}")
    reps = _opt_int(d, "reps", where, high=100)
    hold_s = _opt_int(d, "hold_s", where, high=3600)
    if reps is None and hold_s is None:
        raise InvalidInput(f"{where}: give reps, hold_s or both")
    note = d.get("note", "")
    return Dosage(
        sets=_int(_req(d, "sets", where), "sets", where, low=1, high=10),
        reps=reps,
        hold_s=hold_s,
        frequency_per_week=_int(
            _req(d, "frequency_per_week", where),
            "frequency_per_week",
            where,
            low=1,
            high=_MAX_FREQUENCY_PER_WEEK,
        ),
        rest_s=_int(d.get("rest_s", 0), "rest_s", where, low=0, high=600),
        note=str(note).strip(),
    )


def _dosages(raw: object, where: str) -> Mapping[Irritability, Dosage]:
    if not isinstance(raw, Mapping):
        raise InvalidInput(f"{where}: dosage must map low/moderate/high to a dose")
    unknown = sorted(set(map(str, raw)) - {i.value for i in Irritability})
    if unknown:
        raise InvalidInput(f"{where}: unknown irritability level(s) {unknown}")
    missing = [i.value for i in Irritability if i.value not in raw]
    if missing:
        raise InvalidInput(f"{where}: dosage missing for irritability {missing}")
    return MappingProxyType(
        {i: dosage_from_mapping(raw[i.value], where=f"{where}.{i.value}") for i in Irritability}
    )


def _targets(d: Mapping[str, object], where: str) -> tuple[str, ...]:
    targets = _texts(d, "targets", where)
    unknown = [t for t in targets if t not in KNOWN_TARGETS]
    if unknown:
        raise InvalidInput(f"{where}: unknown target(s) {unknown}; use Impairment/Compensation")
    return targets


def exercise_from_mapping(d: Mapping[str, object]) -> Exercise:
    """Build one Exercise from a plain mapping (one YAML entry); raises InvalidInput."""
    if not isinstance(d, Mapping):
        raise InvalidInput(f"exercise entry must be a mapping, got {type(d).__name__}")
    ex_id = _text(d, "id", "exercise")
    where = f"exercise {ex_id!r}"
    if not _KEBAB.match(ex_id):
        raise InvalidInput(f"{where}: id must be kebab-case (a-z, 0-9, hyphens)")
    try:
        region = Region(_text(d, "region", where))
    except ValueError:
        raise InvalidInput(f"{where}: unknown region {d.get('region')!r}") from None
    return Exercise(
        id=ex_id,
        name=_text(d, "name", where),
        region=region,
        targets=_targets(d, where),
        level=_int(_req(d, "level", where), "level", where, low=1, high=3),
        equipment=_texts(d, "equipment", where, required=False),
        purpose=_text(d, "purpose", where),
        dosage=_dosages(_req(d, "dosage", where), f"{where} dosage"),
        cues=_texts(d, "cues", where),
        common_errors=_texts(d, "common_errors", where),
        progression_id=_opt_id(d, "progression_id", where),
        regression_id=_opt_id(d, "regression_id", where),
        precautions=_texts(d, "precautions", where, required=False),
        evidence=_texts(d, "evidence", where),
        pose=pose_from_mapping(_req(d, "pose", where), where=f"{where} pose"),
    )


def lesson_from_parts(
    lesson_id: str, front_matter: Mapping[str, object], body_markdown: str
) -> Lesson:
    """Build a Lesson from its id (file stem), YAML front matter and Markdown body."""
    where = f"lesson {lesson_id!r}"
    if not _KEBAB.match(lesson_id):
        raise InvalidInput(f"{where}: id must be kebab-case (a-z, 0-9, hyphens)")
    if not isinstance(front_matter, Mapping):
        raise InvalidInput(f"{where}: front matter must be a mapping")
    if not body_markdown.strip():
        raise InvalidInput(f"{where}: body is empty")
    return Lesson(
        id=lesson_id,
        title=_text(front_matter, "title", where),
        summary=_text(front_matter, "summary", where),
        topics=_texts(front_matter, "topics", where),
        reading_minutes=_int(
            _req(front_matter, "reading_minutes", where), "reading_minutes", where, low=1, high=30
        ),
        body_markdown=body_markdown.strip() + "\n",
        evidence=_texts(front_matter, "evidence", where),
    )


# ---------------------------------------------------------------- libraries


def _check_link(ex: Exercise, link_id: str | None, by_id: Mapping[str, Exercise], up: bool) -> None:
    if link_id is None:
        return
    kind = "progression" if up else "regression"
    other = by_id.get(link_id)
    if other is None:
        raise InvalidInput(f"exercise {ex.id!r}: {kind} {link_id!r} does not exist")
    if other.id == ex.id:
        raise InvalidInput(f"exercise {ex.id!r}: {kind} points to itself")
    if other.region is not ex.region:
        raise InvalidInput(
            f"exercise {ex.id!r}: {kind} {link_id!r} is in region {other.region.value}, "
            f"not {ex.region.value}"
        )
    step = other.level - ex.level if up else ex.level - other.level
    if step not in (0, 1):
        raise InvalidInput(
            f"exercise {ex.id!r} (level {ex.level}): {kind} {link_id!r} has level "
            f"{other.level}; it must be the same level or one level {'up' if up else 'down'}"
        )


class ExerciseLibrary:
    """All exercises, validated as a whole (unique ids, links that resolve)."""

    __slots__ = ("_by_id",)

    def __init__(self, exercises: Iterable[Exercise]) -> None:
        by_id: dict[str, Exercise] = {}
        for ex in exercises:
            if ex.id in by_id:
                raise InvalidInput(f"duplicate exercise id {ex.id!r}")
            by_id[ex.id] = ex
        for ex in by_id.values():
            _check_link(ex, ex.progression_id, by_id, up=True)
            _check_link(ex, ex.regression_id, by_id, up=False)
        self._by_id: Mapping[str, Exercise] = MappingProxyType(by_id)

    def __len__(self) -> int:
        return len(self._by_id)

    def by_id(self, exercise_id: str) -> Exercise:
        try:
            return self._by_id[exercise_id]
        except KeyError:
            raise InvalidInput(f"unknown exercise id {exercise_id!r}") from None

    def all(self) -> list[Exercise]:
        """Every exercise, by region then level then id."""
        return sorted(self._by_id.values(), key=lambda e: (e.region.value, e.level, e.id))

    def regions(self) -> tuple[Region, ...]:
        return tuple(sorted({e.region for e in self._by_id.values()}, key=lambda r: r.value))

    def for_target(
        self, target: Impairment | Compensation | str, *, region: Region | None = None
    ) -> list[Exercise]:
        """Exercises that target ``target`` (optionally only in ``region``), easiest first."""
        value = str(target)
        if value not in KNOWN_TARGETS:
            raise InvalidInput(f"unknown target {value!r}")
        hits = [
            e
            for e in self._by_id.values()
            if value in e.targets and (region is None or e.region is region)
        ]
        return sorted(hits, key=lambda e: (e.level, e.id))


NO_EQUIPMENT = "none"


@dataclass(frozen=True, slots=True)
class ExerciseQuery:
    """The library page's search: free text (name, purpose, cues, targets) and filters.

    ``equipment`` is one equipment text or ``NO_EQUIPMENT``; ``purpose`` is a target value
    (an Impairment or Compensation); an empty or None field does not filter."""

    text: str = ""
    region: Region | None = None
    equipment: str = ""
    level: int | None = None
    purpose: str = ""


def _haystack(ex: Exercise) -> str:
    words = (ex.name, ex.purpose, *ex.cues, *(t.replace("_", " ") for t in ex.targets))
    return " ".join(words).casefold()


def search_exercises(exercises: Iterable[Exercise], query: ExerciseQuery) -> list[Exercise]:
    """The exercises matching every given filter; every word of ``text`` must occur."""
    words = query.text.casefold().split()
    hits = []
    for ex in exercises:
        if query.region is not None and ex.region is not query.region:
            continue
        if query.level is not None and ex.level != query.level:
            continue
        if query.purpose and query.purpose not in ex.targets:
            continue
        if query.equipment == NO_EQUIPMENT and ex.equipment:
            continue
        if query.equipment not in ("", NO_EQUIPMENT) and query.equipment not in ex.equipment:
            continue
        haystack = _haystack(ex)
        if all(w in haystack for w in words):
            hits.append(ex)
    return sorted(hits, key=lambda e: (e.region.value, e.level, e.id))


class LessonLibrary:
    """All education lessons; ids unique."""

    __slots__ = ("_by_id",)

    def __init__(self, lessons: Iterable[Lesson]) -> None:
        by_id: dict[str, Lesson] = {}
        for lesson in lessons:
            if lesson.id in by_id:
                raise InvalidInput(f"duplicate lesson id {lesson.id!r}")
            by_id[lesson.id] = lesson
        self._by_id: Mapping[str, Lesson] = MappingProxyType(by_id)

    def __len__(self) -> int:
        return len(self._by_id)

    def by_id(self, lesson_id: str) -> Lesson:
        try:
            return self._by_id[lesson_id]
        except KeyError:
            raise InvalidInput(f"unknown lesson id {lesson_id!r}") from None

    def all(self) -> list[Lesson]:
        return sorted(self._by_id.values(), key=lambda lesson: lesson.id)

    def for_topics(self, topics: Iterable[str]) -> list[Lesson]:
        """Lessons sharing at least one topic; most shared topics first, then by id."""
        wanted = set(topics)
        scored = [(len(wanted & set(x.topics)), x) for x in self._by_id.values()]
        return [x for n, x in sorted(scored, key=lambda p: (-p[0], p[1].id)) if n > 0]
