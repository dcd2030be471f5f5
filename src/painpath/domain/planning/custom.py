"""A clinic's own exercises (pure): the clinician's text, dose, targets and either a drawing
from joint angles (``illustration.render_svg``) or an uploaded picture (PNG or JPEG, at most
1 MB and 4000 px a side, checked here by its bytes, not its name).

A custom exercise is an ``Exercise`` like the library's (``exercise_from_mapping`` checks it),
with an id ``clinic-<name>`` that cannot clash with the library, one dose for every
irritability level (the clinician sets it), and the evidence key ``clinic_custom_exercise``.
"""

from __future__ import annotations

import re
import struct
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from painpath.domain.errors import InvalidInput
from painpath.domain.planning.library import Exercise, exercise_from_mapping

__all__ = [
    "MAX_IMAGE_BYTES",
    "CustomExerciseRecord",
    "check_image",
    "custom_exercise_payload",
    "exercise_of",
]

MAX_IMAGE_BYTES = 1_000_000
MAX_SIDE_PX = 4000
EVIDENCE_KEY = "clinic_custom_exercise"


@dataclass(frozen=True, slots=True)
class CustomExerciseRecord:
    id: str
    clinic_id: int
    payload: Mapping[str, Any]
    image_type: str | None = None  # "image/png" | "image/jpeg" when a picture was uploaded


def exercise_of(record: CustomExerciseRecord) -> Exercise:
    return exercise_from_mapping(record.payload)


def _png_size(data: bytes) -> tuple[int, int]:
    if len(data) < 24 or data[12:16] != b"IHDR":
        raise InvalidInput("picture: the PNG file is damaged")
    width, height = struct.unpack(">II", data[16:24])
    return int(width), int(height)


def _jpeg_size(data: bytes) -> tuple[int, int]:
    i = 2
    while i + 9 < len(data):
        if data[i] != 0xFF:
            raise InvalidInput("picture: the JPEG file is damaged")
        marker = data[i + 1]
        length = struct.unpack(">H", data[i + 2 : i + 4])[0]
        if marker in (0xC0, 0xC1, 0xC2):
            height, width = struct.unpack(">HH", data[i + 5 : i + 9])
            return int(width), int(height)
        i += 2 + length
    raise InvalidInput("picture: the JPEG file is damaged")


def check_image(data: bytes) -> str:
    """The picture's content type if it is a PNG or JPEG within the limits; else InvalidInput."""
    if not data:
        raise InvalidInput("picture: the file is empty")
    if len(data) > MAX_IMAGE_BYTES:
        raise InvalidInput(f"picture: at most {MAX_IMAGE_BYTES // 1000} kB")
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        kind, size = "image/png", _png_size(data)
    elif data.startswith(b"\xff\xd8\xff"):
        kind, size = "image/jpeg", _jpeg_size(data)
    else:
        raise InvalidInput("picture: use a PNG or JPEG image")
    if not all(0 < side <= MAX_SIDE_PX for side in size):
        raise InvalidInput(f"picture: at most {MAX_SIDE_PX} pixels a side")
    return kind


def _slug(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40].strip("-")
    if not slug:
        raise InvalidInput("name: use letters or numbers")
    return slug


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()][:12]


def _number(raw: str, field: str, low: int, high: int, *, required: bool) -> int | None:
    raw = raw.strip()
    if not raw:
        if required:
            raise InvalidInput(f"{field}: required")
        return None
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise InvalidInput(f"{field}: a whole number {low}-{high}")
    return int(raw)


def _angles(fields: Mapping[str, str], prefix: str) -> dict[str, float]:
    out: dict[str, float] = {}
    for joint in ("trunk", "hip", "knee", "ankle", "shoulder", "elbow"):
        raw = fields.get(f"{prefix}_{joint}", "").strip()
        if raw:
            try:
                out[joint] = float(raw)
            except ValueError:
                raise InvalidInput(f"{prefix} {joint} angle: a number of degrees") from None
    return out


def custom_exercise_payload(fields: Mapping[str, str], *, taken: set[str]) -> dict[str, Any]:
    """The stored mapping of a custom exercise from the form; checked by building it."""
    name = " ".join(fields.get("name", "").split())[:80]
    if not name:
        raise InvalidInput("name: required")
    ex_id = f"clinic-{_slug(name)}"
    if ex_id in taken:
        raise InvalidInput("name: this clinic already has an exercise with this name")
    sets = _number(fields.get("sets", ""), "sets", 1, 10, required=True)
    reps = _number(fields.get("reps", ""), "repetitions", 1, 100, required=False)
    hold = _number(fields.get("hold_s", ""), "hold (seconds)", 1, 3600, required=False)
    often = _number(fields.get("per_week", ""), "times a week", 1, 14, required=True)
    dose: dict[str, Any] = {"sets": sets, "frequency_per_week": often, "rest_s": 60}
    if reps:
        dose["reps"] = reps
    if hold:
        dose["hold_s"] = hold
    payload = {
        "id": ex_id,
        "name": name,
        "region": fields.get("region", ""),
        "targets": [t for t in fields.get("targets", "").split(",") if t][:4],
        "level": _number(fields.get("level", "1"), "level", 1, 3, required=True),
        "equipment": _lines(fields.get("equipment", "")),
        "purpose": " ".join(fields.get("purpose", "").split())[:300],
        "dosage": {"low": dose, "moderate": dose, "high": dose},
        "cues": _lines(fields.get("cues", "")),
        "common_errors": _lines(fields.get("common_errors", "")) or ["Rushing the movement."],
        "progression_id": None,
        "regression_id": None,
        "precautions": _lines(fields.get("precautions", "")),
        "evidence": [EVIDENCE_KEY],
        "pose": {
            "view": fields.get("view", "side") or "side",
            "start": _angles(fields, "start"),
            "end": _angles(fields, "end"),
        },
    }
    exercise_from_mapping(payload)  # InvalidInput names the field
    return payload
