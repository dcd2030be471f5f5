"""What a patient's caseload summary keeps to resume the engine instead of replaying the year.

A ``SummaryState`` is the engine's state after its last decided day (``through``), the facts
the decision alerts read (``DecisionFacts``), the last two decisions' quotas and the first
programme week's pain, together with what they were computed from: ``inputs`` names the
programme version (goal, baseline, policy settings, re-plans) and the code, ``checkins`` is a
digest of the current check-ins of the days up to ``through``. A caller that finds both
unchanged steps the engine over the new days only; anything else replays in full.

A ``RecordFacts`` is what the summary reads from the patient's other records (responses,
questionnaire assignments, intake, examination): the alerts they raise, the function trend and
the questionnaire schedule, with a digest of the current versions they came from
(``digest_versions``) and the day they were computed. A check-in changes none of those records,
so a refresh that finds the same digest on the same day uses the facts instead of reading,
scoring and screening the records again; any write of such a record changes the digest.

The JSON forms (``to_json`` / ``from_json``) keep floats exactly (Python writes the shortest
repr that reads back to the same float).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from datetime import date
from typing import Any

from painpath.domain.outcomes.alerts import Alert, DecisionFacts, Severity
from painpath.domain.progression.engine import EngineState
from painpath.domain.progression.policy import Baseline

__all__ = [
    "FACTS_FORMAT",
    "STATE_FORMAT",
    "RecordFacts",
    "SummaryReads",
    "SummaryState",
    "digest_checkins",
    "digest_versions",
    "state_through",
]

# Bump when the engine, the alerts or this format change: every stored state is then replayed.
STATE_FORMAT = 1
# Bump when what ``RecordFacts`` holds, or how it is computed, changes.
FACTS_FORMAT = 1
# (instrument id, its time points (due day, week), the days it was answered)
Schedule = tuple[tuple[str, tuple[tuple[date, int], ...], tuple[date, ...]], ...]
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


def digest_versions(versions: Iterable[tuple[str, str, int]]) -> str:
    """A digest of current record versions ``(kind, record_id, version)``: any added,
    corrected or voided record changes it."""
    lines = sorted(f"{k}|{r}|{v}" for k, r, v in versions)
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class SummaryReads:
    """Everything a summary refresh that may resume reads, read together (one statement on
    PostgreSQL: a refresh runs in every check-in's transaction).

    ``state``: the JSON stored with the summary (None: none). ``programme``: the current
    programme version as (record id, version, payload), or None. ``days``: the two days the
    check-in digests run up to, the state's ``through`` and the later of it and the
    ``lag_day`` asked for (None when the state has no readable ``through``: the caller
    computes no digest from it). ``keyless``, ``digests`` and ``sources``: as
    ``RecordRepository.digest_keys`` returns them for those days. ``recent``: (natural key,
    payload) of the current check-ins keyed at or after the window's first day, any order."""

    state: Mapping[str, Any] | None
    programme: tuple[str, int, Mapping[str, Any]] | None
    days: tuple[date, date] | None
    keyless: bool
    digests: tuple[str, str]
    sources: str
    recent: list[tuple[str | None, Mapping[str, Any]]]


def state_through(state: Mapping[str, Any] | None) -> date | None:
    """The ``through`` day of a stored state's JSON, or None when it has no readable one."""
    raw = state.get("through") if state else None
    try:
        return date.fromisoformat(raw) if isinstance(raw, str) else None
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class RecordFacts:
    sources: str  # digest_versions of the records these facts were computed from
    computed_on: date
    alerts: tuple[Alert, ...]  # ``record_alerts`` of those records
    function_trend: str | None
    schedule: Schedule

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FACTS_FORMAT,
            "sources": self.sources,
            "computed_on": self.computed_on.isoformat(),
            "alerts": [
                {
                    "code": a.code,
                    "severity": a.severity.value,
                    "message": a.message,
                    "facts": dict(a.facts),
                    "evidence": list(a.evidence),
                }
                for a in self.alerts
            ],
            "function_trend": self.function_trend,
            "schedule": [
                [i, [[d.isoformat(), w] for d, w in points], [d.isoformat() for d in done]]
                for i, points, done in self.schedule
            ],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> RecordFacts | None:
        """The facts, or None when they were written in another format or cannot be read."""
        if data.get("format") != FACTS_FORMAT:
            return None
        try:
            return cls(
                sources=str(data["sources"]),
                computed_on=date.fromisoformat(data["computed_on"]),
                alerts=tuple(
                    Alert(
                        str(a["code"]),
                        Severity(a["severity"]),
                        str(a["message"]),
                        dict(a["facts"]),
                        tuple(str(e) for e in a["evidence"]),
                    )
                    for a in data["alerts"]
                ),
                function_trend=data["function_trend"],
                schedule=tuple(
                    (
                        str(i),
                        tuple((date.fromisoformat(d), int(w)) for d, w in points),
                        tuple(date.fromisoformat(d) for d in done),
                    )
                    for i, points, done in data["schedule"]
                ),
            )
        except (KeyError, TypeError, ValueError):
            return None


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
