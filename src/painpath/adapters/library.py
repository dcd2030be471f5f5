"""Loads the exercise library (``knowledge/exercises/*.yaml``) and the education lessons
(``knowledge/education/*.md``) into the domain types of ``painpath.domain.planning.library``.

Exercise files: ``{region: <Region value>, exercises: [...]}``; each exercise inherits the
file's region. An exercise's ``dosage`` is either a mapping (low/moderate/high) or the name of
a template in ``exercises/_dosage_templates.yaml`` (files starting with ``_`` hold no
exercises). Lesson files: YAML front matter between ``---`` lines
(title, summary, topics, evidence, reading_minutes), then the Markdown body; the id is the
file stem. Every evidence key must resolve in ``evidence.yaml``. Results are cached.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cache
from importlib.resources.abc import Traversable

import yaml

from painpath.adapters.knowledge import knowledge_root, load_evidence, read_yaml
from painpath.domain.errors import InvalidInput
from painpath.domain.planning.library import (
    Exercise,
    ExerciseLibrary,
    Lesson,
    LessonLibrary,
    exercise_from_mapping,
    lesson_from_parts,
)

__all__ = [
    "exercises_from_folder",
    "lessons_from_folder",
    "load_exercises",
    "load_lessons",
    "parse_lesson",
]


def _files(folder: Traversable, suffix: str) -> list[Traversable]:
    return sorted((f for f in folder.iterdir() if f.name.endswith(suffix)), key=lambda f: f.name)


def _check_evidence(owner: str, keys: Iterable[str]) -> None:
    missing = load_evidence().unresolved(keys)
    if missing:
        raise InvalidInput(f"{owner}: evidence key(s) {missing} are not in evidence.yaml")


def _dosage_templates(folder: Traversable) -> Mapping[str, object]:
    raw = read_yaml(folder / "_dosage_templates.yaml")
    if not isinstance(raw, Mapping):
        raise InvalidInput("_dosage_templates.yaml: expected a mapping of template names")
    return raw


def _resolved(entry: Mapping[str, object], templates: Mapping[str, object], where: str) -> object:
    dosage = entry.get("dosage")
    if not isinstance(dosage, str):
        return dosage
    if dosage not in templates:
        raise InvalidInput(f"{where}: unknown dosage template {dosage!r}")
    return templates[dosage]


def _exercises_in(path: Traversable, templates: Mapping[str, object]) -> list[Exercise]:
    raw = read_yaml(path)
    if not isinstance(raw, Mapping) or not isinstance(raw.get("exercises"), list):
        raise InvalidInput(f"{path.name}: expected a mapping with region and an exercises list")
    out = []
    for entry in raw["exercises"]:
        if not isinstance(entry, Mapping):
            raise InvalidInput(f"{path.name}: every exercise must be a mapping")
        dosage = _resolved(entry, templates, f"{path.name}: {entry.get('id')!r}")
        ex = exercise_from_mapping({"region": raw.get("region"), **entry, "dosage": dosage})
        _check_evidence(f"{path.name}: exercise {ex.id!r}", ex.evidence)
        out.append(ex)
    return out


def exercises_from_folder(folder: Traversable) -> ExerciseLibrary:
    """Read every ``*.yaml`` in ``folder`` (except ``_*`` files) into one validated library."""
    templates = _dosage_templates(folder)
    files = [f for f in _files(folder, ".yaml") if not f.name.startswith("_")]
    return ExerciseLibrary(ex for f in files for ex in _exercises_in(f, templates))


@cache
def load_exercises() -> ExerciseLibrary:
    """The shipped exercise library (``knowledge/exercises``); read once per process."""
    return exercises_from_folder(knowledge_root() / "exercises")


def parse_lesson(lesson_id: str, text: str) -> Lesson:
    """Split front matter from body and build the Lesson; raises InvalidInput."""
    parts = text.split("---", 2) if text.startswith("---") else []
    if len(parts) != 3:
        raise InvalidInput(f"lesson {lesson_id!r}: must start with YAML front matter in '---'")
    try:
        front = yaml.safe_load(parts[1])
    except yaml.YAMLError as err:
        raise InvalidInput(f"lesson {lesson_id!r}: front matter is not valid YAML") from err
    if not isinstance(front, Mapping):
        raise InvalidInput(f"lesson {lesson_id!r}: front matter must be a mapping")
    lesson = lesson_from_parts(lesson_id, front, parts[2])
    _check_evidence(f"lesson {lesson_id!r}", lesson.evidence)
    return lesson


def lessons_from_folder(folder: Traversable) -> LessonLibrary:
    """Read every ``*.md`` in ``folder`` into one lesson library (id = file stem)."""
    return LessonLibrary(
        parse_lesson(f.name.removesuffix(".md"), f.read_text(encoding="utf-8"))
        for f in _files(folder, ".md")
    )


@cache
def load_lessons() -> LessonLibrary:
    """The shipped lessons (``knowledge/education``); read once per process."""
    return lessons_from_folder(knowledge_root() / "education")
