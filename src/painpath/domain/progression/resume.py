"""What a patient's caseload summary keeps to resume the engine instead of replaying the year.

A ``SummaryState`` is the engine's state after its last decided day (``through``), the facts
the decision alerts read (``DecisionFacts``), the last two decisions' quotas and the first
programme week's pain, together with what they were computed from: ``inputs`` names the
programme version (goal, baseline, policy settings, re-plans) and the code, ``checkins`` is a
digest of the current check-ins of the days up to ``through``. A caller that finds both
unchanged steps the engine over the new days only; anything else replays in full.

The JSON form (``to_json`` / ``from_json``) keeps floats exactly (Python writes the shortest
repr that reads back to the same float).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from datetime import date
from typing import Any

from painpath.domain.outcomes.alerts import DecisionFacts
from painpath.domain.progression.engine import EngineState
from painpath.domain.progression.policy import Baseline

__all__ = ["STATE_FORMAT", "SummaryState", "digest_checkins"]

# Bump when the engine, the alerts or this format change: every stored state is then replayed.
STATE_FORMAT = 1
_DATES = frozenset(
    {"start_day", "period_start", "last_rise", "setback_day", "first_day", "change_day"}
)


@dataclass(frozen=True, slots=True)
class SummaryState:
    inputs: str  # programme record, version and STATE_FORMAT
    checkins: str  # digest_checkins of the current check-ins of days <= through
    through: date  # the last decided day
    engine: EngineState  # after ``through``
    facts: DecisionFacts
    tail: tuple[tuple[date, float | None], ...]  # (day, quota_after) of the last 2 decisions
    first_week: tuple[tuple[date, float], ...]  # (day, NPRS) of the programme's first 7 days

    def to_json(self) -> dict[str, Any]:
        return {
            "format": STATE_FORMAT,
            "inputs": self.inputs,
            "checkins": self.checkins,
            "through": self.through.isoformat(),
            "engine": _plain(self.engine),
            "facts": _plain(self.facts),
            "tail": [[d.isoformat(), q] for d, q in self.tail],
            "first_week": [[d.isoformat(), p] for d, p in self.first_week],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> SummaryState | None:
        """The state, or None when it was written in another format or cannot be read."""
        if data.get("format") != STATE_FORMAT:
            return None
        try:
            engine = dict(_dated(data["engine"]))
            if engine["baseline"] is not None:
                b = engine["baseline"]
                engine["baseline"] = Baseline(tuple(float(v) for v in b["values"]), b["pain"])
            facts = dict(_dated(data["facts"]))
            facts["review_rules"] = tuple(str(r) for r in facts["review_rules"])
            return cls(
                inputs=str(data["inputs"]),
                checkins=str(data["checkins"]),
                through=date.fromisoformat(data["through"]),
                engine=EngineState(**engine),
                facts=DecisionFacts(**facts),
                tail=tuple((date.fromisoformat(d), q) for d, q in data["tail"]),
                first_week=tuple((date.fromisoformat(d), p) for d, p in data["first_week"]),
            )
        except (KeyError, TypeError, ValueError):
            return None


def digest_checkins(keys: Iterable[tuple[str | None, str, int]], *, through: date) -> str:
    """A digest of the current check-in versions ``(natural_key, record_id, version)`` of the
    days up to ``through`` (keys are ISO days; a key-less record is always included): any
    added, corrected or voided check-in of those days changes it."""
    last = through.isoformat()
    lines = sorted(f"{k}|{r}|{v}" for k, r, v in keys if k is None or k <= last)
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def _plain(value: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in fields(value):
        v = getattr(value, f.name)
        if isinstance(v, date):
            v = v.isoformat()
        elif isinstance(v, Baseline):
            v = {"values": list(v.values), "pain": v.pain}
        elif isinstance(v, tuple):
            v = list(v)
        out[f.name] = v
    return out


def _dated(data: Mapping[str, Any]) -> dict[str, Any]:
    return {
        k: date.fromisoformat(v) if k in _DATES and v is not None else v for k, v in data.items()
    }
