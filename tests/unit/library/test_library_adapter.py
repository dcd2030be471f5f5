"""Reading exercise YAML and lesson Markdown files: templates, front matter, evidence keys."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from painpath.adapters.library import exercises_from_folder, lessons_from_folder, parse_lesson
from painpath.domain.errors import InvalidInput
from painpath.domain.types import Irritability, Region
from strategies_library import exercise_mapping

TEMPLATES = {
    "easy": {level.value: {"sets": 1, "reps": 5, "frequency_per_week": 3} for level in Irritability}
}
LESSON = """---
title: Sleep
summary: Sleep helps.
topics: [sleep]
evidence: [finan2013]
reading_minutes: 1
---
# Sleep

Keep a rhythm.
---
More text after a rule.
"""


def write_folder(tmp_path: Path, exercises: list[dict[str, object]], region: str = "knee") -> Path:
    (tmp_path / "_dosage_templates.yaml").write_text(yaml.safe_dump(TEMPLATES))
    (tmp_path / "knee.yaml").write_text(yaml.safe_dump({"region": region, "exercises": exercises}))
    return tmp_path


def entry(**overrides: object) -> dict[str, object]:
    raw: dict[str, object] = exercise_mapping(**({"dosage": "easy"} | overrides))
    del raw["region"]  # inherited from the file
    return raw


def test_exercise_inherits_file_region_and_resolves_the_template(tmp_path: Path) -> None:
    lib = exercises_from_folder(write_folder(tmp_path, [entry()]))
    (ex,) = lib.all()
    assert ex.region is Region.KNEE
    assert ex.dosage[Irritability.HIGH].reps == 5


@pytest.mark.parametrize(
    ("exercises", "message"),
    [
        ([entry(dosage="heavy")], "unknown dosage template"),
        ([entry(evidence=["made_up_2099"])], "made_up_2099"),
        (["just text"], "must be a mapping"),
    ],
)
def test_bad_exercise_files_are_rejected(
    tmp_path: Path, exercises: list[dict[str, object]], message: str
) -> None:
    with pytest.raises(InvalidInput, match=message):
        exercises_from_folder(write_folder(tmp_path, exercises))


def test_file_without_exercise_list_or_templates_is_rejected(tmp_path: Path) -> None:
    write_folder(tmp_path, [])
    (tmp_path / "knee.yaml").write_text("region: knee\n")
    with pytest.raises(InvalidInput, match="exercises list"):
        exercises_from_folder(tmp_path)
    (tmp_path / "_dosage_templates.yaml").write_text("- a list\n")
    with pytest.raises(InvalidInput, match="template names"):
        exercises_from_folder(tmp_path)


def test_lesson_front_matter_and_body_are_split(tmp_path: Path) -> None:
    (tmp_path / "sleep-basics.md").write_text(LESSON)
    (lesson,) = lessons_from_folder(tmp_path).all()
    assert lesson.id == "sleep-basics"
    assert lesson.topics == ("sleep",)
    assert lesson.body_markdown.startswith("# Sleep")
    assert "More text after a rule." in lesson.body_markdown


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("# No front matter\n", "front matter"),
        ("---\ntitle: [unclosed\n---\nbody\n", "not valid YAML"),
        ("---\n- a list\n---\nbody\n", "must be a mapping"),
        (LESSON.replace("finan2013", "nobody2001"), "nobody2001"),
    ],
)
def test_bad_lessons_are_rejected(text: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        parse_lesson("sleep-basics", text)
