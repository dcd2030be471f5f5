"""A treatment session note, one per visit (pure).

What the patient reported (subjective), what was re-tested (re-tests become examination
findings, so they join the examination history), the interventions delivered (manual therapy
technique, region, grade and dose), exercise progressions, education given, the patient's
response, and the plan for next time. Storage, versions and the signature are the service's
(``services/assessment/sessions.py``; generic ``clinical_records``, kind ``session``).

Mobilisation grades are Maitland's I-V (hengeveld2014): I-II small movements short of
resistance (mostly for pain), III-IV large/small movements into resistance (stiffness),
V a manipulation (a high-velocity thrust).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from painpath.domain.assessment.findings import Finding, FindingKind, FindingSource
from painpath.domain.errors import InvalidInput
from painpath.domain.types import Region, Side

__all__ = [
    "GRADES",
    "MAX_TEXT",
    "RETEST_KINDS",
    "Intervention",
    "Retest",
    "SessionNote",
    "session_from_mapping",
    "session_to_mapping",
]

GRADES = ("", "I", "II", "III", "IV", "V")  # Maitland grades; "" for a technique without one
RETEST_KINDS = (FindingKind.RANGE_OF_MOTION, FindingKind.STRENGTH, FindingKind.FUNCTIONAL_TEST)
MAX_TEXT = 2000
MAX_ROWS = 12
_LOOKBACK = timedelta(days=60)  # session_note_window (a project default)
_CODE = re.compile(r"^[a-z][a-z0-9_]{1,60}$")


@dataclass(frozen=True, slots=True)
class Intervention:
    technique: str  # e.g. "posterior-anterior mobilisation", "soft tissue massage"
    region: Region
    grade: str = ""  # Maitland I-V or ""
    dose: str = ""  # e.g. "3 x 60 s"


@dataclass(frozen=True, slots=True)
class Retest:
    kind: FindingKind
    code: str  # e.g. "knee_flexion", "chair_stand_30s"
    value: float
    unit: str = ""
    side: Side = Side.NONE

    def finding(self, visit: date) -> Finding:
        return Finding(
            kind=self.kind,
            code=self.code,
            side=self.side,
            value=self.value,
            unit=self.unit or None,
            test=self.code if self.kind is FindingKind.FUNCTIONAL_TEST else None,
            source=FindingSource.CLINICIAN,
            note=f"re-test at the visit on {visit.isoformat()}",
        )


@dataclass(frozen=True, slots=True)
class SessionNote:
    visit_date: date
    subjective: str = ""
    retests: tuple[Retest, ...] = ()
    interventions: tuple[Intervention, ...] = ()
    progressions: str = ""
    education: str = ""
    response: str = ""
    next_time: str = ""

    @property
    def empty(self) -> bool:
        texts = (self.subjective, self.progressions, self.education, self.response)
        return not (any(texts) or self.retests or self.interventions or self.next_time)


def _text(raw: Mapping[str, Any], key: str) -> str:
    value = raw.get(key) or ""
    if not isinstance(value, str):
        raise InvalidInput(f"{key.replace('_', ' ')}: expected text")
    value = value.strip()
    if len(value) > MAX_TEXT:
        raise InvalidInput(f"{key.replace('_', ' ')}: at most {MAX_TEXT} characters")
    return value


def _visit_date(raw: object, *, episode_start: date | None, today: date | None) -> date:
    try:
        visit = date.fromisoformat(str(raw))
    except ValueError:
        raise InvalidInput("visit date: give a date like 2026-12-05") from None
    if today is None:  # reading a stored note: its date was checked when it was written
        return visit
    if visit > today:
        raise InvalidInput("visit date: a session note is written on or after the visit")
    if episode_start is not None and visit < episode_start:
        raise InvalidInput(
            f"visit date: before this episode of care began ({episode_start.isoformat()})"
        )
    if visit < today - _LOOKBACK:
        raise InvalidInput(f"visit date: more than {_LOOKBACK.days} days ago")
    return visit


def _intervention(raw: Mapping[str, Any], n: int) -> Intervention:
    where = f"intervention {n}"
    technique = _text(raw, "technique")
    if not technique:
        raise InvalidInput(f"{where}: name the technique")
    try:
        region = Region(str(raw.get("region") or ""))
    except ValueError:
        raise InvalidInput(f"{where}: choose the body region") from None
    grade = str(raw.get("grade") or "").strip().upper()
    if grade not in GRADES:
        raise InvalidInput(f"{where}: the grade is I, II, III, IV or V (or none)")
    dose = _text(raw, "dose")[:200]
    return Intervention(technique[:200], region, grade, dose)


def _retest(raw: Mapping[str, Any], n: int) -> Retest:
    where = f"re-test {n}"
    try:
        kind = FindingKind(str(raw.get("kind") or ""))
    except ValueError:
        raise InvalidInput(f"{where}: choose what was measured") from None
    if kind not in RETEST_KINDS:
        raise InvalidInput(f"{where}: a re-test is a range, a strength or a functional test")
    code = str(raw.get("code") or "").strip().lower().replace(" ", "_").replace("-", "_")
    if not _CODE.match(code):
        raise InvalidInput(f"{where}: name the test in words, e.g. knee flexion")
    try:
        value = float(str(raw.get("value")))
    except ValueError:
        raise InvalidInput(f"{where}: the result is a number") from None
    if not math.isfinite(value) or not 0 <= value <= 10_000:
        raise InvalidInput(f"{where}: the result is a number from 0 to 10000")
    try:
        side = Side(str(raw.get("side") or "none"))
    except ValueError:
        raise InvalidInput(f"{where}: side is left, right, both or none") from None
    unit = str(raw.get("unit") or "").strip()[:20]
    return Retest(kind, code, value, unit, side)


def _rows(raw: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
    rows = raw.get(key) or []
    if not isinstance(rows, list) or not all(isinstance(r, Mapping) for r in rows):
        raise InvalidInput(f"{key}: expected a list of entries")
    if len(rows) > MAX_ROWS:
        raise InvalidInput(f"{key}: at most {MAX_ROWS} entries")
    return rows


def session_from_mapping(
    raw: Mapping[str, Any], *, episode_start: date | None, today: date | None
) -> SessionNote:
    """Validate one session note; ``InvalidInput`` names the field. ``today`` None reads a
    stored note (no date window)."""
    note = SessionNote(
        visit_date=_visit_date(raw.get("visit_date"), episode_start=episode_start, today=today),
        subjective=_text(raw, "subjective"),
        retests=tuple(_retest(r, n) for n, r in enumerate(_rows(raw, "retests"), start=1)),
        interventions=tuple(
            _intervention(r, n) for n, r in enumerate(_rows(raw, "interventions"), start=1)
        ),
        progressions=_text(raw, "progressions"),
        education=_text(raw, "education"),
        response=_text(raw, "response"),
        next_time=_text(raw, "next_time"),
    )
    if note.empty:
        raise InvalidInput("the note is empty: write at least what was done or found")
    return note


def session_to_mapping(note: SessionNote) -> dict[str, Any]:
    return {
        "visit_date": note.visit_date.isoformat(),
        "subjective": note.subjective,
        "retests": [
            {
                "kind": r.kind.value,
                "code": r.code,
                "value": r.value,
                "unit": r.unit,
                "side": r.side.value,
            }
            for r in note.retests
        ],
        "interventions": [
            {"technique": i.technique, "region": i.region.value, "grade": i.grade, "dose": i.dose}
            for i in note.interventions
        ],
        "progressions": note.progressions,
        "education": note.education,
        "response": note.response,
        "next_time": note.next_time,
    }
