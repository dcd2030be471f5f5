"""Reads an assessment case file (YAML; schema in ``docs/clinical/case-schema.md``) into
``(Intake, Examination, scores)``. Scores come from ``scores:`` (given totals/subscales/band)
or from ``answers:`` (raw item answers scored by the instrument catalogue's generic scorer).
Every problem is raised as ``InvalidCase`` (or ``InvalidAnswers``/``UnknownInstrument``) with a
message that names the field.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from painpath.domain.assessment.intake import (
    Examination,
    Intake,
    examination_from_mapping,
    intake_from_mapping,
)
from painpath.domain.errors import InvalidCase
from painpath.domain.outcomes.instruments.result import ScoreResult

__all__ = ["Case", "case_from_mapping", "load_case", "score_from_mapping"]

_TOP_KEYS = frozenset({"assessed_on", "intake", "examination", "scores", "answers", "title"})


@dataclass(frozen=True, slots=True)
class Case:
    intake: Intake
    examination: Examination
    scores: Mapping[str, ScoreResult]
    assessed_on: date | None
    title: str = ""


def _num(value: Any, where: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidCase(f"{where}: expected a number, got {value!r}")
    return float(value)


def score_from_mapping(instrument: str, raw: Any) -> ScoreResult:
    """A given score: ``{total, subscales: {name: value}, band}`` (all optional but one)."""
    where = f"scores.{instrument}"
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        raw = {"total": raw}
    if not isinstance(raw, Mapping):
        raise InvalidCase(f"{where}: expected a number or a mapping with total/subscales/band")
    unknown = sorted(set(raw) - {"total", "subscales", "band"})
    if unknown:
        raise InvalidCase(f"{where}: unknown field(s) {', '.join(map(str, unknown))}")
    subs_raw = raw.get("subscales") or {}
    if not isinstance(subs_raw, Mapping):
        raise InvalidCase(f"{where}.subscales: expected a mapping")
    subscales = {str(k): _num(v, f"{where}.subscales.{k}") for k, v in subs_raw.items()}
    total = _num(raw.get("total"), f"{where}.total")
    band = raw.get("band")
    if total is None and not subscales and band is None:
        raise InvalidCase(f"{where}: give a total, subscales or a band")
    return ScoreResult(
        instrument=instrument,
        valid=True,
        total=total,
        subscales=subscales,
        band=None if band is None else str(band).lower(),
        messages=("score given in the case file, not computed from answers",),
    )


def _score_answers(instrument: str, raw: Any) -> ScoreResult:
    from painpath.adapters.instrument_catalogue import get_instrument
    from painpath.domain.outcomes.instruments.scoring import score

    if not isinstance(raw, list) or not all(a is None or isinstance(a, int) for a in raw):
        raise InvalidCase(f"answers.{instrument}: expected a list of whole numbers (null = empty)")
    return score(get_instrument(instrument), raw)


def _scores(raw: Mapping[str, Any]) -> dict[str, ScoreResult]:
    given = raw.get("scores") or {}
    answers = raw.get("answers") or {}
    for name, block in (("scores", given), ("answers", answers)):
        if not isinstance(block, Mapping):
            raise InvalidCase(f"{name}: expected a mapping of instrument id -> value")
    both = sorted(set(given) & set(answers))
    if both:
        raise InvalidCase(f"instrument(s) given both as scores and answers: {', '.join(both)}")
    scores = {str(k): score_from_mapping(str(k), v) for k, v in given.items()}
    scores.update({str(k): _score_answers(str(k), v) for k, v in answers.items()})
    return scores


def case_from_mapping(raw: Any) -> Case:
    if not isinstance(raw, Mapping):
        raise InvalidCase("case file: expected a mapping at the top level")
    unknown = sorted(set(raw) - _TOP_KEYS)
    if unknown:
        raise InvalidCase(f"case file: unknown top-level field(s) {', '.join(map(str, unknown))}")
    if "intake" not in raw:
        raise InvalidCase("case file: the intake section is required")
    assessed = raw.get("assessed_on")
    if assessed is not None and not isinstance(assessed, date):
        raise InvalidCase(f"assessed_on: expected a date YYYY-MM-DD, got {assessed!r}")
    return Case(
        intake=intake_from_mapping(raw["intake"]),
        examination=examination_from_mapping(raw.get("examination") or {}),
        scores=_scores(raw),
        assessed_on=assessed,
        title=str(raw.get("title", "")),
    )


def load_case(path: Path) -> Case:
    """Read and validate one case file."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise InvalidCase(f"cannot read case file {path}: {err.strerror or err}") from err
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        raise InvalidCase(f"case file {path.name} is not valid YAML{where}") from err
    return case_from_mapping(raw)
