"""What the patient reports (``Intake``) and what the clinician observes (``Examination``).

``intake_from_mapping`` / ``examination_from_mapping`` validate plain mappings (parsed from a
case file or a web form by an adapter) and raise ``InvalidCase`` with a message naming the
field and the allowed values. Units are in the field names; ranges are in the docstrings.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from painpath.domain.assessment.falls import FallsHistory, falls_history_from_mapping
from painpath.domain.assessment.findings import (
    ACTIVE_VS_PASSIVE,
    PAIN_ONSET_IN_RANGE,
    REPEATED_RESPONSES,
    ClinicianJudgements,
    Finding,
    FindingKind,
    FindingSource,
    ImagingReport,
    Judgement,
    Palpation,
    Presentation,
    RangeResponse,
    RepeatedMovement,
    SensoryLocation,
    SpecialTest,
)
from painpath.domain.assessment.screening import (
    red_flag_answers_from_mapping,
    red_flag_signs_from_mapping,
    red_flag_skips_from_mapping,
)
from painpath.domain.errors import InvalidCase
from painpath.domain.types import Compensation, Impairment, Region, Sex, Side

__all__ = [
    "HYPERSENSITIVITY_MODALITIES",
    "Examination",
    "FearedActivity",
    "GoalActivity",
    "Intake",
    "Onset",
    "PainPattern",
    "PainSite",
    "Sleep",
    "examination_from_mapping",
    "intake_from_mapping",
]


# IASP 2021 criterion 5: reported hypersensitivity to touch, pressure, movement, cold or heat
HYPERSENSITIVITY_MODALITIES = ("touch", "pressure", "movement", "cold", "heat")


class Onset(StrEnum):
    GRADUAL = "gradual"
    SUDDEN = "sudden"
    TRAUMATIC = "traumatic"
    POST_SURGICAL = "post_surgical"


@dataclass(frozen=True, slots=True)
class PainSite:
    region: Region
    side: Side = Side.NONE
    primary: bool = False
    duration_weeks: float | None = None  # how long this site has hurt (None = as the episode)


@dataclass(frozen=True, slots=True)
class PainPattern:
    """24-hour behaviour. ``morning_stiffness_min`` 0-600 minutes."""

    morning_stiffness_min: float = 0.0
    night_pain: bool = False
    worse_end_of_day: bool = False
    constant: bool = False
    night_rest_pain: str | None = None  # "none" / "intermittent" / "constant" (irritability)


@dataclass(frozen=True, slots=True)
class Sleep:
    hours: float = 7.0  # 0-24 h per night
    wakings_per_night: int = 0


@dataclass(frozen=True, slots=True)
class GoalActivity:
    """An activity the patient wants back; ``ability`` 0-10 seeds the PSFS (Stratford 1995).

    ``ability`` is optional: a goal may be recorded before the patient rates it."""

    name: str
    ability: float | None = None


@dataclass(frozen=True, slots=True)
class FearedActivity:
    """An activity the patient avoids; ``fear`` 0-100 perceived harmfulness (PHODA-style)."""

    name: str
    fear: float


@dataclass(frozen=True, slots=True)
class Intake:
    """The patient's history. Pain ratings 0-10 (NPRS); ``settle_min`` is how long symptoms take
    to settle after aggravation; ``provoked_after_min`` how long an aggravating activity can be
    done before pain rises. ``None`` means not asked."""

    age: int
    sex: Sex
    pain_sites: tuple[PainSite, ...]
    duration_weeks: float
    onset: Onset = Onset.GRADUAL
    pain_now: float | None = None
    pain_worst: float | None = None
    settle_min: float | None = None
    provoked_after_min: float | None = None
    pattern: PainPattern = PainPattern()
    aggravating: tuple[str, ...] = ()
    easing: tuple[str, ...] = ()
    sleep: Sleep = Sleep()
    work_status: str = "working"
    goals: tuple[GoalActivity, ...] = ()
    feared_activities: tuple[FearedActivity, ...] = ()
    medication: tuple[str, ...] = ()
    comorbidities: tuple[str, ...] = ()
    red_flag_answers: Mapping[str, bool] = field(default_factory=dict)
    # question id -> why it was not asked (a critical question must be answered or skipped)
    red_flags_skipped: Mapping[str, str] = field(default_factory=dict)
    falls: FallsHistory = field(default_factory=FallsHistory)  # past year (older adults)
    # IASP 2021 nociplastic criteria 5 and 6 (None = not asked)
    hypersensitivity_history: bool | None = None
    sensory_sensitivity: bool | None = None  # sound, light, odours
    fatigue: bool | None = None
    cognitive_problems: bool | None = None
    # neuropathic history: pain in a dermatomal / nerve territory, radiating below knee/elbow
    radiating_dermatomal: bool | None = None
    # NeuPSIG (Finnerup 2016) history: a relevant lesion or disease of the nervous system
    # (e.g. disc herniation with root signs, diabetes, nerve injury, shingles, stroke)
    neural_lesion_history: bool | None = None
    # criterion 5 per modality (touch, pressure, movement, cold, heat); see ``HYPERSENSITIVITY_
    # MODALITIES``; ``hypersensitivity_history`` is then true if any is true
    hypersensitivity_modalities: Mapping[str, bool] = field(default_factory=dict)
    pain_average: float | None = None  # average pain over the last week, 0-10
    height_cm: float | None = None  # 100-250
    weight_kg: float | None = None  # 25-350
    sports: tuple[str, ...] = ()  # sports and exercise the patient does or wants back

    @property
    def bmi(self) -> float | None:
        if self.height_cm is None or self.weight_kg is None:
            return None
        return self.weight_kg / (self.height_cm / 100) ** 2

    @property
    def primary_site(self) -> PainSite:
        return next((s for s in self.pain_sites if s.primary), self.pain_sites[0])

    @property
    def regions(self) -> frozenset[Region]:
        return frozenset(s.region for s in self.pain_sites)


@dataclass(frozen=True, slots=True)
class Examination:
    findings: tuple[Finding, ...] = ()
    judgements: ClinicianJudgements = field(default_factory=ClinicianJudgements)
    range_response: RangeResponse = field(default_factory=RangeResponse)
    # red-flag signs examined (``red_flags.EXAM_SIGNS``): true = present, false = absent
    red_flag_signs: Mapping[str, bool] = field(default_factory=dict)
    presentations: tuple[Presentation, ...] = ()  # working diagnoses
    special_tests: tuple[SpecialTest, ...] = ()
    palpation: tuple[Palpation, ...] = ()
    imaging: tuple[ImagingReport, ...] = ()  # as reported
    repeated_movements: tuple[RepeatedMovement, ...] = ()
    directional_preference: str | None = None  # e.g. "extension" (Long 2004)

    def of_kind(self, kind: FindingKind) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.kind is kind)

    def abnormal(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.abnormal)

    def has(self, code: str) -> bool:
        return any(f.code == code for f in self.findings)

    def abnormal_code(self, code: str) -> bool:
        return any(f.code == code and f.abnormal for f in self.findings)


# ---------------------------------------------------------------- validation helpers


def _enum(cls: type[StrEnum], value: Any, where: str) -> Any:
    try:
        return cls(str(value))
    except ValueError:
        allowed = ", ".join(m.value for m in cls)
        raise InvalidCase(f"{where}: {value!r} is not one of: {allowed}") from None


def _number(raw: Mapping[str, Any], key: str, where: str, lo: float, hi: float) -> float | None:
    value = raw.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidCase(f"{where}.{key}: expected a number, got {value!r}")
    if not lo <= float(value) <= hi:
        raise InvalidCase(f"{where}.{key}: {value} is outside {lo:g}-{hi:g}")
    return float(value)


def _required(raw: Mapping[str, Any], key: str, where: str, lo: float, hi: float) -> float:
    value = _number(raw, key, where, lo, hi)
    if value is None:
        raise InvalidCase(f"{where}.{key} is required")
    return value


def _default(value: float | None, default: float) -> float:
    return default if value is None else value


def _flag(raw: Mapping[str, Any], key: str, where: str) -> bool | None:
    value = raw.get(key)
    if value is not None and not isinstance(value, bool):
        raise InvalidCase(f"{where}.{key}: expected true or false, got {value!r}")
    return value


def _choice(raw: Mapping[str, Any], key: str, where: str, allowed: tuple[str, ...]) -> str | None:
    value = raw.get(key)
    if value is None:
        return None
    if value not in allowed:
        raise InvalidCase(f"{where}.{key}: {value!r} is not one of: {', '.join(allowed)}")
    return str(value)


def _mapping(value: Any, where: str) -> Mapping[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise InvalidCase(f"{where}: expected a mapping, got {type(value).__name__}")
    return value


def _list(value: Any, where: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise InvalidCase(f"{where}: expected a list, got {type(value).__name__}")
    return value


def _strings(value: Any, where: str) -> tuple[str, ...]:
    return tuple(str(v) for v in _list(value, where))


_INTAKE_KEYS = frozenset(
    [
        "age",
        "sex",
        "pain_sites",
        "duration_weeks",
        "onset",
        "pain_now",
        "pain_worst",
        "settle_min",
        "provoked_after_min",
        "pattern",
        "aggravating",
        "easing",
        "sleep",
        "work_status",
        "goals",
        "feared_activities",
        "medication",
        "comorbidities",
        "red_flags",
        "red_flags_skipped",
        "falls",
        "hypersensitivity_history",
        "sensory_sensitivity",
        "fatigue",
        "cognitive_problems",
        "radiating_dermatomal",
        "neural_lesion_history",
        "pain_average",
        "height_cm",
        "weight_kg",
        "sports",
    ]
)


def _sites(value: Any) -> tuple[PainSite, ...]:
    items = _list(value, "intake.pain_sites")
    if not items:
        raise InvalidCase("intake.pain_sites: at least one pain site is required")
    sites = []
    for i, item in enumerate(items):
        where = f"intake.pain_sites[{i}]"
        raw = _mapping(item, where)
        unknown = sorted(set(raw) - {"region", "side", "primary", "duration_weeks"})
        if unknown:
            raise InvalidCase(f"{where}: unknown field(s) {', '.join(map(str, unknown))}")
        sites.append(
            PainSite(
                region=_enum(Region, raw.get("region"), f"{where}.region"),
                side=_enum(Side, raw.get("side", "none"), f"{where}.side"),
                primary=bool(_flag(raw, "primary", where)),
                duration_weeks=_number(raw, "duration_weeks", where, 0, 5200),
            )
        )
    return tuple(sites)


def _goals(value: Any) -> tuple[GoalActivity, ...]:
    goals = []
    for i, item in enumerate(_list(value, "intake.goals")):
        where = f"intake.goals[{i}]"
        raw = _mapping(item, where)
        unknown = sorted(set(raw) - {"name", "ability"})
        if unknown:
            raise InvalidCase(f"{where}: unknown field(s) {', '.join(map(str, unknown))}")
        if not str(raw.get("name", "")).strip():
            raise InvalidCase(f"{where}.name is required")
        goals.append(GoalActivity(str(raw["name"]), _number(raw, "ability", where, 0, 10)))
    if len(goals) > 5:
        raise InvalidCase("intake.goals: at most 5 activities (PSFS uses 3-5)")
    return tuple(goals)


def _feared(value: Any) -> tuple[FearedActivity, ...]:
    out = []
    for i, item in enumerate(_list(value, "intake.feared_activities")):
        where = f"intake.feared_activities[{i}]"
        raw = _mapping(item, where)
        if not str(raw.get("name", "")).strip():
            raise InvalidCase(f"{where}.name is required")
        out.append(FearedActivity(str(raw["name"]), _required(raw, "fear", where, 0, 100)))
    return tuple(out)


def intake_from_mapping(raw: Mapping[str, Any]) -> Intake:
    """Validate and build an ``Intake``; unknown keys are rejected so typos do not pass."""
    raw = _mapping(raw, "intake")
    unknown = sorted(set(raw) - _INTAKE_KEYS)
    if unknown:
        raise InvalidCase(f"intake: unknown field(s) {', '.join(map(str, unknown))}")
    pattern = _mapping(raw.get("pattern"), "intake.pattern")
    hyper, modalities = _hypersensitivity(raw.get("hypersensitivity_history"))
    sleep = _mapping(raw.get("sleep"), "intake.sleep")
    answers = red_flag_answers_from_mapping(raw.get("red_flags"))
    return Intake(
        age=int(_required(raw, "age", "intake", 12, 110)),
        sex=_enum(Sex, raw.get("sex"), "intake.sex"),
        pain_sites=_sites(raw.get("pain_sites")),
        duration_weeks=_required(raw, "duration_weeks", "intake", 0, 5200),
        onset=_enum(Onset, raw.get("onset", "gradual"), "intake.onset"),
        pain_now=_number(raw, "pain_now", "intake", 0, 10),
        pain_worst=_number(raw, "pain_worst", "intake", 0, 10),
        settle_min=_number(raw, "settle_min", "intake", 0, 10080),
        provoked_after_min=_number(raw, "provoked_after_min", "intake", 0, 1440),
        pattern=PainPattern(
            morning_stiffness_min=_default(
                _number(pattern, "morning_stiffness_min", "intake.pattern", 0, 600), 0.0
            ),
            night_pain=bool(_flag(pattern, "night_pain", "intake.pattern")),
            worse_end_of_day=bool(_flag(pattern, "worse_end_of_day", "intake.pattern")),
            constant=bool(_flag(pattern, "constant", "intake.pattern")),
            night_rest_pain=_choice(
                pattern, "night_rest_pain", "intake.pattern", ("none", "intermittent", "constant")
            ),
        ),
        aggravating=_strings(raw.get("aggravating"), "intake.aggravating"),
        easing=_strings(raw.get("easing"), "intake.easing"),
        sleep=Sleep(
            hours=_default(_number(sleep, "hours", "intake.sleep", 0, 24), 7.0),
            wakings_per_night=int(_number(sleep, "wakings_per_night", "intake.sleep", 0, 20) or 0),
        ),
        work_status=str(raw.get("work_status", "working")),
        goals=_goals(raw.get("goals")),
        feared_activities=_feared(raw.get("feared_activities")),
        medication=_strings(raw.get("medication"), "intake.medication"),
        comorbidities=_strings(raw.get("comorbidities"), "intake.comorbidities"),
        hypersensitivity_history=hyper,
        hypersensitivity_modalities=modalities,
        pain_average=_number(raw, "pain_average", "intake", 0, 10),
        red_flag_answers=answers,
        red_flags_skipped=red_flag_skips_from_mapping(raw.get("red_flags_skipped"), answers),
        falls=falls_history_from_mapping(raw.get("falls")),
        height_cm=_number(raw, "height_cm", "intake", 100, 250),
        weight_kg=_number(raw, "weight_kg", "intake", 25, 350),
        sports=_strings(raw.get("sports"), "intake.sports"),
        **{k: _flag(raw, k, "intake") for k in _HISTORY_FLAGS},
    )


def _hypersensitivity(value: Any) -> tuple[bool | None, dict[str, bool]]:
    """``hypersensitivity_history``: true/false, or a mapping per modality (criterion 5)."""
    where = "intake.hypersensitivity_history"
    if value is None or isinstance(value, bool):
        return value, {}
    raw = _mapping(value, where)
    unknown = sorted(set(raw) - set(HYPERSENSITIVITY_MODALITIES))
    if unknown:
        allowed = ", ".join(HYPERSENSITIVITY_MODALITIES)
        raise InvalidCase(f"{where}: unknown modality {', '.join(unknown)}; known: {allowed}")
    modalities = {str(k): v for k, v in raw.items() if _flag(raw, k, where) is not None}
    if any(modalities.values()):
        return True, modalities
    if len(modalities) == len(HYPERSENSITIVITY_MODALITIES):
        return False, modalities
    return None, modalities


_HISTORY_FLAGS = (
    "sensory_sensitivity",
    "fatigue",
    "cognitive_problems",
    "radiating_dermatomal",
    "neural_lesion_history",
)

# ---------------------------------------------------------------- examination

_FINDING_KEYS = frozenset(
    [
        "kind",
        "code",
        "side",
        "value",
        "unit",
        "abnormal",
        "norm",
        "test",
        "source",
        "confidence",
        "impairments",
        "evidence",
        "note",
        "location",
    ]
)


def _finding(raw: Mapping[str, Any], where: str) -> Finding:
    unknown = sorted(set(raw) - _FINDING_KEYS)
    if unknown:
        raise InvalidCase(f"{where}: unknown field(s) {', '.join(map(str, unknown))}")
    kind = _enum(FindingKind, raw.get("kind"), f"{where}.kind")
    code = str(raw.get("code", "")).strip()
    if not code:
        raise InvalidCase(f"{where}.code is required")
    compensation = None
    if kind is FindingKind.COMPENSATION:
        compensation = _enum(Compensation, code, f"{where}.code")
    value = _number(raw, "value", where, -1e6, 1e6)
    if kind is FindingKind.STRENGTH and raw.get("unit", "mmt") == "mmt" and value is not None:
        _number(raw, "value", where, 0, 5)
    return Finding(
        kind=kind,
        code=code,
        side=_enum(Side, raw.get("side", "none"), f"{where}.side"),
        value=value,
        unit=None if raw.get("unit") is None else str(raw["unit"]),
        abnormal=bool(_flag(raw, "abnormal", where)) or compensation is not None,
        norm=None if raw.get("norm") is None else str(raw["norm"]),
        test=None if raw.get("test") is None else str(raw["test"]),
        source=_enum(FindingSource, raw.get("source", "clinician"), f"{where}.source"),
        confidence=_default(_number(raw, "confidence", where, 0, 1), 1.0),
        impairments=tuple(
            _enum(Impairment, v, f"{where}.impairments")
            for v in _list(raw.get("impairments"), f"{where}.impairments")
        ),
        evidence=_strings(raw.get("evidence"), f"{where}.evidence"),
        note=str(raw.get("note", "")),
        compensation=compensation,
        location=None
        if raw.get("location") is None
        else _enum(SensoryLocation, raw["location"], f"{where}.location"),
    )


def examination_from_mapping(raw: Mapping[str, Any]) -> Examination:
    """``{"findings": [...]}``; a compensation finding is abnormal by definition."""
    raw = _mapping(raw, "examination")
    unknown = sorted(set(raw) - _EXAM_KEYS)
    if unknown:
        raise InvalidCase(f"examination: unknown field(s) {', '.join(map(str, unknown))}")
    items = _list(raw.get("findings"), "examination.findings")
    return Examination(
        tuple(
            _finding(_mapping(item, f"examination.findings[{i}]"), f"examination.findings[{i}]")
            for i, item in enumerate(items)
        ),
        judgements=_judgements(raw.get("judgements")),
        range_response=_range_response(raw.get("range_response")),
        red_flag_signs=red_flag_signs_from_mapping(raw.get("red_flag_signs")),
        special_tests=_items(raw, "special_tests", _special_test),
        palpation=_items(raw, "palpation", _palpation),
        imaging=_items(raw, "imaging", _imaging),
        repeated_movements=_items(raw, "repeated_movements", _repeated),
        directional_preference=_text(raw, "directional_preference") or None,
        presentations=tuple(
            _enum(Presentation, v, "examination.presentations")
            for v in _list(raw.get("presentations"), "examination.presentations")
        ),
    )


_EXAM_KEYS = frozenset(
    {
        "findings",
        "judgements",
        "range_response",
        "red_flag_signs",
        "presentations",
        "special_tests",
        "palpation",
        "imaging",
        "repeated_movements",
        "directional_preference",
    }
)


def _text(raw: Mapping[str, Any], key: str) -> str:
    value = raw.get(key)
    return "" if value is None else str(value).strip()


def _items(raw: Mapping[str, Any], key: str, build: Any) -> tuple[Any, ...]:
    where = f"examination.{key}"
    return tuple(
        build(_mapping(item, f"{where}[{i}]"), f"{where}[{i}]")
        for i, item in enumerate(_list(raw.get(key), where))
    )


def _keys(raw: Mapping[str, Any], where: str, allowed: set[str], required: str) -> str:
    unknown = sorted(set(raw) - allowed)
    if unknown:
        raise InvalidCase(f"{where}: unknown field(s) {', '.join(map(str, unknown))}")
    value = _text(raw, required)
    if not value:
        raise InvalidCase(f"{where}.{required} is required")
    return value


def _result(raw: Mapping[str, Any], key: str, where: str) -> bool:
    value = _flag(raw, key, where)
    if value is None:
        raise InvalidCase(f"{where}.{key} is required (true or false)")
    return value


def _special_test(raw: Mapping[str, Any], where: str) -> SpecialTest:
    name = _keys(raw, where, {"name", "positive", "side", "note"}, "name")
    return SpecialTest(
        name=name,
        positive=_result(raw, "positive", where),
        side=_enum(Side, raw.get("side", "none"), f"{where}.side"),
        note=_text(raw, "note"),
    )


def _palpation(raw: Mapping[str, Any], where: str) -> Palpation:
    site = _keys(raw, where, {"site", "tender", "side", "note"}, "site")
    return Palpation(
        site=site,
        tender=_result(raw, "tender", where),
        side=_enum(Side, raw.get("side", "none"), f"{where}.side"),
        note=_text(raw, "note"),
    )


def _imaging(raw: Mapping[str, Any], where: str) -> ImagingReport:
    modality = _keys(raw, where, {"modality", "report", "date", "region"}, "modality")
    report = _text(raw, "report")
    if not report:
        raise InvalidCase(f"{where}.report is required (the report's words)")
    return ImagingReport(
        modality=modality,
        report=report,
        date=_text(raw, "date") or None,
        region=_text(raw, "region"),
    )


def _repeated(raw: Mapping[str, Any], where: str) -> RepeatedMovement:
    movement = _keys(raw, where, {"movement", "response", "centralises"}, "movement")
    response = _choice(raw, "response", where, REPEATED_RESPONSES)
    if response is None:
        raise InvalidCase(f"{where}.response is required: one of {', '.join(REPEATED_RESPONSES)}")
    return RepeatedMovement(movement, response, _flag(raw, "centralises", where))


def _range_response(value: Any) -> RangeResponse:
    where = "examination.range_response"
    raw = _mapping(value, where)
    unknown = sorted(set(raw) - {"active_vs_passive", "pain_onset"})
    if unknown:
        raise InvalidCase(f"{where}: unknown field(s) {', '.join(map(str, unknown))}")
    return RangeResponse(
        active_vs_passive=_choice(raw, "active_vs_passive", where, ACTIVE_VS_PASSIVE),
        pain_onset=_choice(raw, "pain_onset", where, PAIN_ONSET_IN_RANGE),
    )


def _judgements(value: Any) -> ClinicianJudgements:
    where = "examination.judgements"
    raw = _mapping(value, where)
    keys = (
        "nociplastic_unexplained",
        "neural_lesion_confirmed",
        "aerobic_exercise_contraindicated",
    )
    unknown = sorted(set(raw) - set(keys))
    if unknown:
        raise InvalidCase(f"{where}: unknown field(s) {', '.join(map(str, unknown))}")
    answers = {
        k: None if raw.get(k) is None else _enum(Judgement, raw[k], f"{where}.{k}") for k in keys
    }
    return ClinicianJudgements(**answers)
