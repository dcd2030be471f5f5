"""Hypothesis strategies, plain factories and a Markdown-to-prose helper for library tests."""

from __future__ import annotations

import re
from typing import Any

from hypothesis import strategies as st

from painpath.domain.planning.illustration import ANGLE_KEYS

ANGLE = st.floats(min_value=-180.0, max_value=180.0, allow_nan=False, allow_infinity=False)


def angle_maps() -> st.SearchStrategy[dict[str, float]]:
    """Any subset of the known joints with any legal angle (degrees)."""
    return st.dictionaries(st.sampled_from(sorted(ANGLE_KEYS)), ANGLE, max_size=len(ANGLE_KEYS))


def pose_mappings() -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {"view": st.sampled_from(["side", "front"]), "start": angle_maps(), "end": angle_maps()}
    )


def dose(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"sets": 2, "reps": 10, "frequency_per_week": 3, "rest_s": 60}
    return base | overrides


def exercise_mapping(**overrides: Any) -> dict[str, Any]:
    """A valid exercise entry (as read from YAML); override fields to break one rule."""
    base: dict[str, Any] = {
        "id": "test-bridge",
        "name": "Test bridge",
        "region": "hip",
        "targets": ["hip_extensor_weakness"],
        "level": 1,
        "equipment": [],
        "purpose": "Makes the buttock muscles stronger.",
        "dosage": {"low": dose(sets=3), "moderate": dose(), "high": dose(sets=1, reps=6)},
        "cues": ["Lift your hips."],
        "common_errors": ["Arching the back."],
        "progression_id": None,
        "regression_id": None,
        "precautions": [],
        "evidence": ["hayden2021"],
        "pose": {"view": "side", "start": {}, "end": {"hip": 90}},
    }
    return base | overrides


_MARKUP = re.compile(r"[*_`>#]|\[([^\]]*)\]\([^)]*\)")
_LIST = re.compile(r"^\s*(?:[-+]|\d+\.)\s+")


def plain_text(markdown: str) -> str:
    """Markdown -> prose; headings and list items become sentences of their own (an unpunctuated
    heading would otherwise glue onto the next sentence and inflate the grade)."""
    lines = []
    for raw in markdown.splitlines():
        line = _MARKUP.sub(lambda m: m.group(1) or "", _LIST.sub("", raw)).strip()
        if line:
            lines.append(line if line[-1] in ".!?:" else line + ".")
    return " ".join(lines)


def exercise_sets() -> st.SearchStrategy[list[dict[str, Any]]]:
    """Small libraries of unlinked exercises with random regions, levels and targets."""
    from painpath.domain.planning.library import KNOWN_TARGETS

    one = st.fixed_dictionaries(
        {
            "region": st.sampled_from(["hip", "knee", "neck", "general"]),
            "level": st.integers(1, 3),
            "targets": st.lists(st.sampled_from(sorted(KNOWN_TARGETS)), min_size=1, max_size=3),
        }
    )
    return st.lists(one, min_size=1, max_size=12).map(
        lambda items: [exercise_mapping(id=f"ex-{i}", **item) for i, item in enumerate(items)]
    )
