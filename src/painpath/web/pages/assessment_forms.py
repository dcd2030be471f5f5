"""Intake and examination web forms <-> the case-schema mappings the services validate.

Parsing only translates form fields (numbers, yes/no, lines of text) into the mapping; the
domain validator (``intake_from_mapping``) decides what is valid. The body map is drawn from
the ``BODY_MAP`` table: every shape names a region and a side, and each (region, side) has a
real checkbox so the form works without JavaScript.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from starlette.datastructures import FormData

from painpath.domain.assessment.findings import (
    REPEATED_RESPONSES,
    FindingKind,
    Judgement,
    Presentation,
)
from painpath.domain.assessment.intake import HYPERSENSITIVITY_MODALITIES, Onset
from painpath.domain.assessment.norms import FUNCTIONAL_TESTS
from painpath.domain.assessment.screening import EXAM_SIGNS, RED_FLAG_QUESTIONS
from painpath.domain.errors import InvalidInput
from painpath.domain.types import Compensation, MovementTestId, Region, Side

__all__ = [
    "BODY_MAP",
    "EXAM_CHOICES",
    "HISTORY_QUESTIONS",
    "INTAKE_SITES",
    "exam_rows",
    "intake_values",
    "parse_examination",
    "parse_intake",
]


@dataclass(frozen=True)
class Shape:
    region: str
    side: str
    view: str  # front | back
    kind: str  # rect | ellipse
    x: float  # rect: x, y, w, h; ellipse: cx, cy, rx, ry
    y: float
    w: float
    h: float

    @property
    def value(self) -> str:
        return f"{self.region}:{self.side}"


def _pair(region: str, view: str, kind: str, xr: float, xl: float, y: float, w: float, h: float):  # type: ignore[no-untyped-def]
    """Front view: the patient's right is on the viewer's left (x ``xr``); back view mirrors."""
    return (
        Shape(region, "right", view, kind, xr, y, w, h),
        Shape(region, "left", view, kind, xl, y, w, h),
    )


_F, _B = "front", "back"
BODY_MAP: tuple[Shape, ...] = (
    # front figure, midline x = 100
    Shape("head", "none", _F, "ellipse", 100, 30, 17, 21),
    Shape("neck", "none", _F, "rect", 92, 51, 16, 14),
    *_pair("shoulder", _F, "ellipse", 70, 130, 76, 13, 10),
    Shape("chest", "none", _F, "rect", 80, 68, 40, 50),
    Shape("abdomen", "none", _F, "rect", 81, 118, 38, 40),
    *_pair("upper_arm", _F, "rect", 52, 134, 86, 14, 40),
    *_pair("elbow", _F, "ellipse", 59, 141, 134, 8, 8),
    *_pair("forearm", _F, "rect", 52, 134, 143, 14, 30),
    *_pair("wrist_hand", _F, "ellipse", 54, 146, 188, 9, 14),
    *_pair("hip", _F, "rect", 79, 100, 158, 21, 22),
    *_pair("thigh", _F, "rect", 79, 102, 180, 19, 60),
    *_pair("knee", _F, "ellipse", 88, 112, 252, 10, 11),
    *_pair("lower_leg", _F, "rect", 80, 104, 264, 16, 62),
    *_pair("ankle_foot", _F, "ellipse", 87, 113, 336, 11, 9),
    # back figure, midline x = 320: the patient's left is on the viewer's left
    Shape("head", "none", _B, "ellipse", 320, 30, 17, 21),
    Shape("neck", "none", _B, "rect", 312, 51, 16, 14),
    *_pair("shoulder", _B, "ellipse", 350, 290, 76, 13, 10),
    Shape("thoracic_spine", "none", _B, "rect", 300, 68, 40, 50),
    Shape("low_back", "none", _B, "rect", 301, 118, 38, 28),
    Shape("pelvis_sacrum", "none", _B, "rect", 301, 146, 38, 12),
    *_pair("upper_arm", _B, "rect", 354, 272, 86, 14, 40),
    *_pair("elbow", _B, "ellipse", 361, 279, 134, 8, 8),
    *_pair("forearm", _B, "rect", 354, 272, 143, 14, 30),
    *_pair("wrist_hand", _B, "ellipse", 366, 274, 188, 9, 14),
    *_pair("buttock", _B, "rect", 320, 299, 158, 21, 22),
    *_pair("thigh", _B, "rect", 321, 300, 180, 19, 60),
    *_pair("knee", _B, "ellipse", 332, 308, 252, 10, 11),
    *_pair("lower_leg", _B, "rect", 324, 300, 264, 16, 62),
    *_pair("ankle_foot", _B, "ellipse", 333, 307, 336, 11, 9),
)

_REGION_WORDS = {
    "wrist_hand": "wrist and hand",
    "ankle_foot": "ankle and foot",
    "thoracic_spine": "upper and mid back",
    "low_back": "low back",
    "pelvis_sacrum": "pelvis and tailbone",
    "upper_arm": "upper arm",
    "lower_leg": "lower leg",
    "hip": "hip",
}


def site_label(value: str) -> str:
    region, _, side = value.partition(":")
    words = _REGION_WORDS.get(region, region.replace("_", " "))
    if region == "general":
        return "Pain all over (widespread)"
    return f"{side.capitalize()} {words}" if side in ("left", "right") else words.capitalize()


# Every (region, side) on the map once, in map order, plus widespread pain.
INTAKE_SITES: tuple[tuple[str, str], ...] = tuple(
    (v, site_label(v)) for v in dict.fromkeys([s.value for s in BODY_MAP] + ["general:both"])
)

HISTORY_QUESTIONS: tuple[tuple[str, str], ...] = (
    (
        "hypersensitivity_history",
        "Is your skin or body unusually sensitive to touch, pressure, heat or cold?",
    ),
    (
        "sensory_sensitivity",
        "Do bright light, loud sounds or strong smells bother you more than they used to?",
    ),
    ("fatigue", "Do you feel tired or drained most days?"),
    ("cognitive_problems", "Do you have trouble concentrating or remembering things?"),
    (
        "radiating_dermatomal",
        "Does the pain travel in a line, for example down an arm or a leg, "
        "perhaps with burning, tingling or numbness?",
    ),
    (
        "neural_lesion_history",
        "Has a doctor ever told you about a nerve problem, for example a trapped nerve in the "
        "back or neck, nerve damage from diabetes, shingles or a stroke?",
    ),
)
_YES_NO = {"yes": True, "no": False}


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def _num(form: FormData, name: str, label: str) -> float | None:
    raw = _text(form, name).replace(",", ".")
    if not raw:
        return None
    try:
        return float(raw)
    except ValueError:
        raise InvalidInput(f"{label} must be a number (you wrote {raw[:20]!r})") from None


def _lines(form: FormData, name: str) -> list[str]:
    raw = _text(form, name).replace(";", "\n")
    return [line.strip() for line in raw.splitlines() if line.strip()][:20]


def _put(out: dict[str, Any], key: str, value: Any) -> None:
    if value is not None and value != "" and value != [] and value != {}:
        out[key] = value


def _sites(form: FormData) -> list[dict[str, Any]]:
    known = {v for v, _ in INTAKE_SITES}
    chosen = [str(v) for v in form.getlist("site") if str(v) in known]
    primary = _text(form, "primary")
    primary = primary if primary in chosen else (chosen[0] if chosen else "")
    out = []
    for v in dict.fromkeys(chosen):
        site: dict[str, Any] = {
            "region": v.partition(":")[0],
            "side": v.partition(":")[2],
            "primary": v == primary,
        }
        # how long this site has hurt (optional; shown for sites already saved)
        _put(site, "duration_weeks", _num(form, f"site_weeks_{v}", f"{site_label(v)} (weeks)"))
        out.append(site)
    return out


def _pairs(form: FormData, prefix: str, value_key: str, label: str) -> list[dict[str, Any]]:
    out = []
    for n in range(5):
        name = _text(form, f"{prefix}_name_{n}")
        value = _num(form, f"{prefix}_{value_key}_{n}", f"{label} {n + 1}")
        if name or value is not None:
            out.append({"name": name, value_key: value})
    return out


FALLS_QUESTIONS: tuple[tuple[str, str], ...] = (
    ("injured", "Were you hurt in a fall in the past year?"),
    ("unable_to_get_up", "After a fall, were you unable to get up by yourself?"),
    ("worried", "Are you worried about falling?"),
)


def _falls(form: FormData) -> dict[str, Any]:
    """``intake.falls`` from the falls questions (count as a whole number, yes/no answers)."""
    out: dict[str, Any] = {}
    count = _num(form, "falls_past_year", "Falls in the past 12 months")
    if count is not None:
        if not count.is_integer():
            raise InvalidInput(
                "intake.falls.past_year: Falls in the past 12 months must be a whole number"
            )
        out["past_year"] = int(count)
    for key, _ in FALLS_QUESTIONS:
        answer = _text(form, f"falls_{key}")
        if answer in _YES_NO:
            out[key] = _YES_NO[answer]
    return out


def field_error(message: str) -> tuple[str, str] | None:
    """The form field a schema error names (``intake.falls.past_year: ...``), and the message
    without the schema path, so the page can show it next to that field."""
    path, sep, text = message.partition(": ")
    if not sep or "." not in path:
        return None
    field = path.split(".", 1)[1]
    return field, text[:1].upper() + text[1:]


# The intake fields the intake form (clinician tab and the patient's own page) shows; a save
# from the form keeps the stored fields outside this set (the service merges them).
# "pattern.x": only that sub-field is on the form; other stored pattern fields are kept.
INTAKE_FORM_FIELDS: frozenset[str] = frozenset(
    {
        "pain_sites",
        "sex",
        "age",
        "duration_weeks",
        "pain_now",
        "pain_worst",
        "provoked_after_min",
        "settle_min",
        "onset",
        "pattern.morning_stiffness_min",
        "pattern.night_pain",
        "pattern.worse_end_of_day",
        "pattern.constant",
        "sleep.hours",
        "sleep.wakings_per_night",
        "aggravating",
        "easing",
        "medication",
        "comorbidities",
        "work_status",
        "goals",
        "feared_activities",
        "red_flags",
        "red_flags_skipped",
        "falls",
        *(key for key, _ in HISTORY_QUESTIONS),
    }
)
# The clinician's intake page also edits the detail behind two patient answers: night and rest
# pain (irritability) and sensitivity per modality (IASP criterion 5).
# Average pain, height, weight and sports are on the clinician's page only.
CLINICIAN_INTAKE_FORM_FIELDS: frozenset[str] = INTAKE_FORM_FIELDS | {
    "pattern.night_rest_pain",
    "pain_average",
    "height_cm",
    "weight_kg",
    "sports",
}
NIGHT_REST_CHOICES: tuple[tuple[str, str], ...] = (
    ("none", "No night or rest pain"),
    ("intermittent", "Sometimes at night or at rest"),
    ("constant", "Constant, including night and rest"),
)


def parse_intake(form: FormData) -> dict[str, Any]:
    """The case-schema ``intake`` mapping from the intake form (age/sex filled by the service)."""
    out: dict[str, Any] = {"pain_sites": _sites(form)}
    if _text(form, "sex"):
        out["sex"] = _text(form, "sex")
    numbers = {
        "age": "Age",
        "duration_weeks": "How long (weeks)",
        "pain_now": "Pain now",
        "pain_worst": "Worst pain",
        "pain_average": "Average pain",
        "height_cm": "Height (cm)",
        "weight_kg": "Weight (kg)",
        "provoked_after_min": "Minutes until pain rises",
        "settle_min": "Minutes to settle",
    }
    for key, label in numbers.items():
        _put(out, key, _num(form, key, label))
    _put(out, "onset", _text(form, "onset"))
    pattern: dict[str, Any] = {}
    _put(pattern, "morning_stiffness_min", _num(form, "morning_stiffness_min", "Morning stiffness"))
    for key in ("night_pain", "worse_end_of_day", "constant"):
        if _text(form, key):
            pattern[key] = True
    _put(pattern, "night_rest_pain", _text(form, "night_rest_pain"))
    _put(out, "pattern", pattern)
    sleep: dict[str, Any] = {}
    _put(sleep, "hours", _num(form, "sleep_hours", "Hours of sleep"))
    _put(sleep, "wakings_per_night", _num(form, "wakings_per_night", "Wakings per night"))
    _put(out, "sleep", sleep)
    for key in ("aggravating", "easing", "medication", "comorbidities", "sports"):
        _put(out, key, _lines(form, key))
    _put(out, "work_status", _text(form, "work_status"))
    _put(out, "goals", _pairs(form, "goal", "ability", "Activity"))
    _put(out, "feared_activities", _pairs(form, "feared", "fear", "Feared activity"))
    red = {
        q.id: _YES_NO[_text(form, f"rf_{q.id}")]
        for q in RED_FLAG_QUESTIONS
        if _text(form, f"rf_{q.id}") in _YES_NO
    }
    _put(out, "red_flags", red)
    skips = {
        q.id: _text(form, f"rf_skip_{q.id}")[:500]
        for q in RED_FLAG_QUESTIONS
        if q.id not in red and _text(form, f"rf_skip_{q.id}")
    }
    _put(out, "red_flags_skipped", skips)
    _put(out, "falls", _falls(form))
    for key, _ in HISTORY_QUESTIONS:
        answer = _text(form, f"hx_{key}")
        if answer in _YES_NO:
            out[key] = _YES_NO[answer]
    modalities = {
        m: _YES_NO[_text(form, f"hxmod_{m}")]
        for m in HYPERSENSITIVITY_MODALITIES
        if _text(form, f"hxmod_{m}") in _YES_NO
    }
    if modalities:  # the clinician's detail: sensitivity per modality
        out["hypersensitivity_history"] = modalities
    return out


def _g(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def intake_values(payload: Mapping[str, Any] | None) -> dict[str, Any]:
    """Form values (strings) from a stored intake, to prefill the form."""
    p = payload or {}
    pattern, sleep = p.get("pattern") or {}, p.get("sleep") or {}
    values: dict[str, Any] = {
        k: _g(p.get(k))
        for k in (
            "age",
            "sex",
            "duration_weeks",
            "onset",
            "pain_now",
            "pain_worst",
            "pain_average",
            "height_cm",
            "weight_kg",
            "provoked_after_min",
            "settle_min",
            "work_status",
        )
    }
    values.update(
        morning_stiffness_min=_g(pattern.get("morning_stiffness_min")),
        sleep_hours=_g(sleep.get("hours")),
        wakings_per_night=_g(sleep.get("wakings_per_night")),
        **{k: bool(pattern.get(k)) for k in ("night_pain", "worse_end_of_day", "constant")},
        **{
            k: "\n".join(p.get(k) or [])
            for k in ("aggravating", "easing", "medication", "comorbidities", "sports")
        },
        night_rest_pain=pattern.get("night_rest_pain") or "",
    )
    sites = p.get("pain_sites") or []
    values["sites"] = {f"{s.get('region')}:{s.get('side', 'none')}" for s in sites}
    values["site_weeks"] = {
        f"{s.get('region')}:{s.get('side', 'none')}": _g(s.get("duration_weeks")) for s in sites
    }
    values["primary"] = next(
        (f"{s.get('region')}:{s.get('side', 'none')}" for s in sites if s.get("primary")), ""
    )
    for prefix, key, rows in (
        ("goal", "ability", p.get("goals")),
        ("feared", "fear", p.get("feared_activities")),
    ):
        for n, row in enumerate((rows or [])[:5]):
            values[f"{prefix}_name_{n}"] = row.get("name", "")
            values[f"{prefix}_{key}_{n}"] = _g(row.get(key))
    red = p.get("red_flags") or {}
    values["red"] = {k: ("yes" if v else "no") for k, v in red.items()}
    values["skip"] = dict(p.get("red_flags_skipped") or {})
    falls = p.get("falls") or {}
    values["falls_past_year"] = _g(falls.get("past_year"))
    values["falls"] = {
        k: ("" if falls.get(k) is None else "yes" if falls.get(k) else "no")
        for k, _ in FALLS_QUESTIONS
    }
    hx = {k: p.get(k) for k, _ in HISTORY_QUESTIONS}
    per_modality = hx.get("hypersensitivity_history")
    if isinstance(per_modality, Mapping):
        hx["hypersensitivity_history"] = (
            True if any(per_modality.values()) else False if per_modality else None
        )
    values["hx"] = {k: ("" if v is None else "yes" if v else "no") for k, v in hx.items()}
    values["hxmod"] = {
        m: ("yes" if per_modality[m] else "no")
        for m in HYPERSENSITIVITY_MODALITIES
        if isinstance(per_modality, Mapping) and per_modality.get(m) is not None
    }
    return values


# ---------------------------------------------------------------- examination

EXAM_CHOICES: dict[str, tuple[str, ...]] = {
    "tests": (*(m.value for m in MovementTestId), "observation"),
    "sides": tuple(s.value for s in Side),
    "compensations": tuple(c.value for c in Compensation),
    "rom": (
        "hip_internal_rotation",
        "hip_flexion",
        "ankle_dorsiflexion",
        "knee_to_wall",
        "thoracic_rotation",
        "thoracic_extension",
        "shoulder_flexion",
        "cervical_rotation",
        "cervical_extension",
        "lumbar_flexion",
    ),
    "strength": (
        "hip_abduction",
        "hip_external_rotation",
        "hip_extension",
        "knee_extension",
        "calf_raise",
        "shoulder_external_rotation",
        "shoulder_abduction",
        "scapular_dyskinesis",
        "craniocervical_flexion",
        "deep_neck_flexor_endurance",
        "trunk_endurance",
    ),
    "sensory": (
        "allodynia",
        "hyperalgesia",
        "pressure_pain_threshold",
        "after_sensations",
        "cold_allodynia",
        "dermatomal_sensory_loss",
        "hypoesthesia",
        "slr",
        "ulnt",
        "neural_tension",
        "reflex_change",
        "myotomal_weakness",
    ),
    "functional": tuple(FUNCTIONAL_TESTS),
    "presentations": tuple(p.value for p in Presentation),
    "judgements": tuple(j.value for j in Judgement),
    "repeated_responses": REPEATED_RESPONSES,
    "active_vs_passive": ("active_less", "similar", "equal"),
    "pain_onset": ("before_end_range", "at_end_range", "overpressure_only"),
}
# (row prefix, finding kind, unit, has a value, value range)
_ROWS = (
    ("comp", FindingKind.COMPENSATION, None),
    ("rom", FindingKind.RANGE_OF_MOTION, "deg"),
    ("str", FindingKind.STRENGTH, "mmt"),
    ("sen", FindingKind.SENSORY, None),
)
_MAX_ROWS = 30
# Which functional tests are done per side (single-leg stance) or once.
FUNCTIONAL_SIDES = {"single_leg_stance": ("left", "right")}


def _finding_row(form: FormData, prefix: str, kind: FindingKind, unit: str | None, n: int):  # type: ignore[no-untyped-def]
    code = _text(form, f"{prefix}-{n}-code")
    if not code:
        return None
    row: dict[str, Any] = {
        "kind": kind.value,
        "code": code,
        "side": _text(form, f"{prefix}-{n}-side") or "none",
    }
    if kind is FindingKind.COMPENSATION:
        _put(row, "test", _text(form, f"{prefix}-{n}-test"))
        return row
    value = _num(form, f"{prefix}-{n}-value", f"{code.replace('_', ' ')} value")
    if value is not None:
        row["value"] = value
        if unit:
            row["unit"] = unit
    row["abnormal"] = bool(_text(form, f"{prefix}-{n}-abnormal"))
    _put(row, "note", _text(form, f"{prefix}-{n}-note"))
    return row


def parse_examination(form: FormData) -> dict[str, Any]:
    """``{"findings": [...]}`` from the structured examination form."""
    findings: list[dict[str, Any]] = []
    for prefix, kind, unit in _ROWS:
        for n in range(_MAX_ROWS):
            row = _finding_row(form, prefix, kind, unit, n)
            if row is not None:
                findings.append(row)
    for test, unit in FUNCTIONAL_TESTS.items():
        for side in FUNCTIONAL_SIDES.get(test, ("none",)):
            value = _num(form, f"fn-{test}-{side}", test.replace("_", " "))
            if value is not None:
                findings.append(
                    {
                        "kind": "functional_test",
                        "code": test,
                        "side": side,
                        "value": value,
                        "unit": unit,
                    }
                )
    out: dict[str, Any] = {"findings": findings}
    _put(out, "red_flag_signs", _signs(form))
    judgements = {k: _text(form, f"jd_{k}") for k, _ in JUDGEMENT_QUESTIONS}
    _put(out, "judgements", {k: v for k, v in judgements.items() if v})
    range_response = {k: _text(form, f"rr_{k}") for k in ("active_vs_passive", "pain_onset")}
    _put(out, "range_response", {k: v for k, v in range_response.items() if v})
    _put(out, "presentations", [p.value for p in Presentation if _text(form, f"dx_{p.value}")])
    _put(out, "special_tests", _exam_list(form, "st", _special_test_row))
    _put(out, "palpation", _exam_list(form, "pp", _palpation_row))
    _put(out, "imaging", _exam_list(form, "im", _imaging_row))
    _put(out, "repeated_movements", _exam_list(form, "rm", _repeated_row))
    _put(out, "directional_preference", _text(form, "directional_preference"))
    return out


JUDGEMENT_QUESTIONS: tuple[tuple[str, str], ...] = (
    (
        "nociplastic_unexplained",
        "Is the pain not entirely explained by nociceptive or neuropathic mechanisms?",
    ),
    (
        "neural_lesion_confirmed",
        "Does a test (imaging, nerve conduction) confirm a nerve lesion that explains the pain?",
    ),
    ("aerobic_exercise_contraindicated", "Is aerobic exercise contraindicated?"),
)
JUDGEMENTS = tuple(j.value for j in Judgement)
_EXAM_LIST_ROWS = 6


def _exam_list(form: FormData, prefix: str, build: Any) -> list[dict[str, Any]]:
    rows = (build(form, f"{prefix}-{n}") for n in range(_EXAM_LIST_ROWS))
    return [r for r in rows if r]


def _special_test_row(form: FormData, p: str) -> dict[str, Any] | None:
    name = _text(form, f"{p}-name")
    result = _text(form, f"{p}-result")
    if not name and not result:
        return None
    row: dict[str, Any] = {"name": name, "side": _text(form, f"{p}-side") or "none"}
    if result in ("positive", "negative"):
        row["positive"] = result == "positive"
    _put(row, "note", _text(form, f"{p}-note"))
    return row


def _palpation_row(form: FormData, p: str) -> dict[str, Any] | None:
    site = _text(form, f"{p}-site")
    if not site:
        return None
    row: dict[str, Any] = {
        "site": site,
        "side": _text(form, f"{p}-side") or "none",
        "tender": bool(_text(form, f"{p}-tender")),
    }
    _put(row, "note", _text(form, f"{p}-note"))
    return row


def _imaging_row(form: FormData, p: str) -> dict[str, Any] | None:
    modality, report = _text(form, f"{p}-modality"), _text(form, f"{p}-report")
    if not modality and not report:
        return None
    row: dict[str, Any] = {"modality": modality, "report": report}
    _put(row, "date", _text(form, f"{p}-date"))
    return row


def _repeated_row(form: FormData, p: str) -> dict[str, Any] | None:
    movement, response = _text(form, f"{p}-movement"), _text(form, f"{p}-response")
    if not movement and not response:
        return None
    row: dict[str, Any] = {"movement": movement}
    _put(row, "response", response)
    if _text(form, f"{p}-centralises"):
        row["centralises"] = True
    return row


def _signs(form: FormData) -> dict[str, bool]:
    """Red-flag signs: yes = present, no = examined and absent, blank = not examined."""
    return {
        s.id: _YES_NO[_text(form, f"sign_{s.id}")]
        for s in EXAM_SIGNS
        if _text(form, f"sign_{s.id}") in _YES_NO
    }


def exam_rows(payload: Mapping[str, Any] | None, *, blank: int = 2) -> dict[str, Any]:
    """Rows to prefill the examination form from a stored examination (clinician findings)."""
    findings = [
        f
        for f in (payload or {}).get("findings", [])
        if f.get("source", "clinician") == "clinician"
    ]
    rows: dict[str, Any] = {}
    for prefix, kind, _ in _ROWS:
        mine = [f for f in findings if f.get("kind") == kind.value]
        rows[prefix] = [{**f, "value": _g(f.get("value"))} for f in mine] + [{}] * blank
    rows["fn"] = {
        f"{f['code']}-{f.get('side', 'none')}": _g(f.get("value"))
        for f in findings
        if f.get("kind") == "functional_test"
    }
    signs = (payload or {}).get("red_flag_signs") or {}
    rows["signs"] = {k: ("yes" if v else "no") for k, v in signs.items() if v is not None}
    rows["video"] = [f for f in (payload or {}).get("findings", []) if f.get("source") == "video"]
    p = payload or {}
    rows["judgements"] = dict(p.get("judgements") or {})
    rows["range_response"] = dict(p.get("range_response") or {})
    rows["presentations"] = set(p.get("presentations") or [])
    rows["directional_preference"] = p.get("directional_preference") or ""
    for key in ("special_tests", "palpation", "imaging", "repeated_movements"):
        stored = [dict(r) for r in p.get(key) or []][:_EXAM_LIST_ROWS]
        rows[key] = stored + [{}] * max(0, min(blank, _EXAM_LIST_ROWS - len(stored)))
    return rows


ONSETS = tuple(o.value for o in Onset)
REGIONS = tuple(r.value for r in Region)
