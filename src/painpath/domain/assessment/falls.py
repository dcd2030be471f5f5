"""Falls risk in older adults: falls history, Timed Up and Go and 30-second chair stand.

Rules (documented in ``docs/clinical/reasoning.md``, falls section):

* Applies from ``FALLS_MIN_AGE`` (60): the TUG cut-off comes from community-dwelling older adults
  and the chair-stand norms cover ages 60-94 (project choice of the lower edge).
* TUG at or above 13.5 s (inclusive; Shumway-Cook 2000, reported by Barry 2014, which warns that
  TUG alone predicts poorly, so it raises the flag but never rules risk out).
* 30-second chair stand below the lower edge of the Rikli & Jones 1999 normal range for age and
  sex (strictly below: at the edge is within the range).
* One or more falls in the past 12 months (World Falls Guidelines 2022: ask every older adult).

Any of these raises a falls-risk flag (level ``raised``). Level ``high`` follows the World Falls
Guidelines' severity features of a fall: an injury, two or more falls in the year, or lying
unable to get up; or a fall together with a gait/balance finding (TUG or chair stand). A high
level asks for a multifactorial falls assessment; every flag gets strength-and-balance training.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from painpath.domain.assessment.norms import NormComparison, NormStatus
from painpath.domain.errors import InvalidCase

__all__ = [
    "FALLS_MIN_AGE",
    "TUG_FALLS_CUTOFF_S",
    "FallsHistory",
    "FallsLevel",
    "FallsRisk",
    "evaluate_falls_risk",
    "falls_history_from_mapping",
]

FALLS_MIN_AGE = 60
TUG_FALLS_CUTOFF_S = 13.5  # inclusive: 13.5 s raises the flag


class FallsLevel(StrEnum):
    NONE = "none"  # no trigger, or younger than FALLS_MIN_AGE
    RAISED = "raised"  # one or more triggers: strength and balance training, GP review
    HIGH = "high"  # World Falls Guidelines high risk: multifactorial falls assessment


@dataclass(frozen=True, slots=True)
class FallsHistory:
    """``intake.falls``; ``None`` = not asked. ``past_year``: falls in the last 12 months."""

    past_year: int | None = None
    injured: bool | None = None  # hurt in a fall (needed care, bruise, fracture)
    unable_to_get_up: bool | None = None  # lay on the floor unable to get up
    worried: bool | None = None  # concern about falling (recorded, not a trigger alone)


@dataclass(frozen=True, slots=True)
class FallsRisk:
    level: FallsLevel
    triggers: tuple[str, ...]  # the facts that raised it, in words
    evidence: tuple[str, ...]
    applies: bool  # False below FALLS_MIN_AGE

    @property
    def flagged(self) -> bool:
        return self.level is not FallsLevel.NONE


def falls_history_from_mapping(value: Any) -> FallsHistory:
    where = "intake.falls"
    if value is None:
        return FallsHistory()
    if not isinstance(value, Mapping):
        raise InvalidCase(f"{where}: expected a mapping, got {type(value).__name__}")
    known = ("past_year", "injured", "unable_to_get_up", "worried")
    unknown = sorted(set(value) - set(known))
    if unknown:
        raise InvalidCase(f"{where}: unknown field(s) {', '.join(map(str, unknown))}")
    count = value.get("past_year")
    if count is not None and (
        isinstance(count, bool) or not isinstance(count, int) or not 0 <= count <= 100
    ):
        raise InvalidCase(f"{where}.past_year: expected a whole number 0-100, got {count!r}")
    flags: dict[str, bool | None] = {}
    for key in known[1:]:
        answer = value.get(key)
        if answer is not None and not isinstance(answer, bool):
            raise InvalidCase(f"{where}.{key}: expected true or false, got {answer!r}")
        flags[key] = answer
    return FallsHistory(past_year=count, **flags)


def evaluate_falls_risk(
    *,
    age: int,
    history: FallsHistory,
    tug_s: Iterable[float],
    norms: Iterable[NormComparison],
) -> FallsRisk:
    """``tug_s``: measured TUG times; ``norms``: the chair stands judged against Rikli & Jones."""
    evidence: list[str] = ["montero_odasso2022"]
    if age < FALLS_MIN_AGE:
        return FallsRisk(FallsLevel.NONE, (), tuple(evidence), applies=False)
    triggers: list[str] = []
    physical = False
    slowest = max(tug_s, default=None)
    if slowest is not None and slowest >= TUG_FALLS_CUTOFF_S:
        triggers.append(f"Timed Up and Go {slowest:g} s (13.5 s or more)")
        evidence += ["shumway_cook2000", "barry2014"]
        physical = True
    for n in norms:
        if n.test == "chair_stand_30s" and n.status is NormStatus.BELOW:
            triggers.append(f"30-second chair stand {n.value:g} stands, below {n.norm}")
            evidence.append("rikli1999")
            physical = True
            break
    falls = history.past_year or 0
    if falls >= 1:
        triggers.append(f"{falls} fall{'s' if falls > 1 else ''} in the past 12 months")
    severe = [
        text
        for present, text in (
            (history.injured, "hurt in a fall"),
            (falls >= 2, "two or more falls in a year"),
            (history.unable_to_get_up, "could not get up after a fall"),
        )
        if present
    ]
    triggers += severe
    if (falls >= 1 or history.injured or history.unable_to_get_up) and (severe or physical):
        level = FallsLevel.HIGH
    elif triggers:
        level = FallsLevel.RAISED
    else:
        level = FallsLevel.NONE
    return FallsRisk(level, tuple(triggers), tuple(dict.fromkeys(evidence)), applies=True)
