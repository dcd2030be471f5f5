"""The published-case harness: load one case file, run it through ``painpath assess``'s own code
(``cli.assess.assess_case``) and check every expectation.

A case file is an assessment case in the schema of ``examples/*.yaml`` (``docs/clinical/
case-schema.md``) plus two keys:

* ``source``: the paper, case report or guideline the case is written from (required).
* ``expect``: what a clinician following that source concludes. Every leaf is
  ``{is: VALUE, cite: [evidence keys], why: "optional note"}``; leaves may be grouped one level
  deep (``mechanisms: {nociceptive: {is: probable, cite: [...]}}`` is the check
  ``mechanisms.nociceptive``). Unknown checks and unknown leaf fields fail loudly.

Add a check by adding a function to ``CHECKS`` (name -> function(result, expected) returning an
error message or None). Keep the names stable: case files use them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from painpath.adapters.case_file import case_from_mapping
from painpath.adapters.reports.assessment_html import assessment_to_dict
from painpath.cli.assess import assess_case
from painpath.domain.assessment.reasoning import ClinicalPicture
from painpath.domain.planning import Plan
from painpath.domain.planning.stratified import care_stratum

__all__ = ["CHECKS", "CaseFileError", "ClinicalCase", "Expectation", "Result", "load", "run"]

CASES_DIR = Path(__file__).resolve().parent
_LEAF_KEYS = frozenset({"is", "cite", "why"})
_CASE_ONLY_KEYS = frozenset({"source", "expect"})


class CaseFileError(ValueError):
    """A case file that breaks the harness's own schema (not the clinical case schema)."""


@dataclass(frozen=True)
class Expectation:
    check: str  # dotted name, a key of CHECKS
    value: Any
    cite: tuple[str, ...]
    why: str = ""


@dataclass(frozen=True)
class ClinicalCase:
    name: str
    source: str
    raw: Mapping[str, Any]  # the assessment case, without source/expect
    expectations: tuple[Expectation, ...]


@dataclass(frozen=True)
class Result:
    picture: ClinicalPicture
    plan: Plan | None
    referral: str | None
    data: Mapping[str, Any]  # exactly what ``painpath assess --json`` prints


# ---------------------------------------------------------------- checks


def _equal(actual: Any, expected: Any, what: str) -> str | None:
    return None if actual == expected else f"{what}: expected {expected!r}, got {actual!r}"


def _as_set(value: Any, what: str) -> set[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise CaseFileError(f"{what}: expected a list of names, got {value!r}")
    return set(value)


def _urgency(r: Result, expected: Any) -> str | None:
    return _equal(r.picture.screening.urgency.label, expected, "urgency")


def _flags(r: Result, expected: Any) -> str | None:
    """The exact set of red-flag conditions raised."""
    raised = {f.condition.value for f in r.picture.screening.red_flags}
    return _equal(sorted(raised), sorted(_as_set(expected, "flags")), "flags")


def _flag_rules(r: Result, expected: Any) -> str | None:
    """These rules (ids in ``domain/assessment/red_flags.py``) fired, among possibly others."""
    fired = {rule for f in r.picture.screening.red_flags for rule in f.rules}
    missing = _as_set(expected, "flag_rules") - fired
    return (
        f"flag_rules: {sorted(missing)} did not fire (fired: {sorted(fired)})" if missing else None
    )


def _missing_critical(r: Result, expected: Any) -> str | None:
    got = sorted(r.picture.screening.missing_critical)
    return _equal(got, sorted(_as_set(expected, "missing_critical")), "missing_critical")


def _plan(r: Result, expected: Any) -> str | None:
    """``made`` or ``none``."""
    if expected not in ("made", "none"):
        raise CaseFileError(f"plan: expected 'made' or 'none', got {expected!r}")
    return _equal("none" if r.plan is None else "made", expected, "plan")


def _item_matches(item: Any, pattern: str) -> bool:
    return item.id == pattern or item.id.startswith(pattern + ".") or item.kind.value == pattern


def _plan_includes(r: Result, expected: Any) -> str | None:
    """Each entry names a plan item id, an id prefix (``referral`` matches ``referral.x``) or
    an item kind; each must match at least one item."""
    if r.plan is None:
        return "plan_includes: no plan was made"
    missing = [
        p
        for p in _as_set(expected, "plan_includes")
        if not any(_item_matches(i, p) for i in r.plan.items)
    ]
    ids = [i.id for i in r.plan.items]
    return f"plan_includes: {sorted(missing)} not in plan {ids}" if missing else None


def _plan_excludes(r: Result, expected: Any) -> str | None:
    if r.plan is None:
        return None
    found = sorted(
        i.id
        for p in _as_set(expected, "plan_excludes")
        for i in r.plan.items
        if _item_matches(i, p)
    )
    return f"plan_excludes: plan has {found}" if found else None


def _referral_mentions(r: Result, expected: Any) -> str | None:
    """Words the referral note must contain (case-insensitive)."""
    text = (r.referral or "").lower()
    missing = [w for w in _as_set(expected, "referral_mentions") if w.lower() not in text]
    return f"referral_mentions: {missing} not in referral {r.referral!r}" if missing else None


def _mechanism(name: str) -> Callable[[Result, Any], str | None]:
    def check(r: Result, expected: Any) -> str | None:
        return _equal(r.data["picture"]["mechanism"][name], expected, f"mechanisms.{name}")

    return check


def _irritability(r: Result, expected: Any) -> str | None:
    return _equal(r.picture.irritability.level.value, expected, "irritability")


def _psychosocial(r: Result, expected: Any) -> str | None:
    """The exact set of psychosocial (yellow) flag ids."""
    got = sorted(f.id for f in r.picture.psychosocial)
    return _equal(got, sorted(_as_set(expected, "psychosocial")), "psychosocial")


def _falls_risk(r: Result, expected: Any) -> str | None:
    """``none``, ``raised`` or ``high`` (``domain/assessment/falls.py``)."""
    return _equal(r.picture.falls.level.value, expected, "falls_risk")


def _stratum(r: Result, expected: Any) -> str | None:
    """Stratified care (``domain/planning/stratified.py``): low, medium, high, not_screened."""
    return _equal(care_stratum(r.picture).value, expected, "stratum")


CHECKS: dict[str, Callable[[Result, Any], str | None]] = {
    "urgency": _urgency,
    "flags": _flags,
    "flag_rules": _flag_rules,
    "missing_critical": _missing_critical,
    "plan": _plan,
    "plan_includes": _plan_includes,
    "plan_excludes": _plan_excludes,
    "referral_mentions": _referral_mentions,
    "mechanisms.nociceptive": _mechanism("nociceptive"),
    "mechanisms.neuropathic": _mechanism("neuropathic"),
    "mechanisms.nociplastic": _mechanism("nociplastic"),
    "irritability": _irritability,
    "psychosocial": _psychosocial,
    "falls_risk": _falls_risk,
    "stratum": _stratum,
}


# ---------------------------------------------------------------- loading and running


def _leaf(check: str, raw: Mapping[str, Any], where: str) -> Expectation:
    unknown = sorted(set(raw) - _LEAF_KEYS)
    if unknown:
        raise CaseFileError(f"{where}.{check}: unknown field(s) {unknown}; allowed: is, cite, why")
    if check not in CHECKS:
        raise CaseFileError(f"{where}: unknown check {check!r}; known: {sorted(CHECKS)}")
    cite = raw.get("cite")
    if isinstance(cite, str):
        cite = [cite]
    if not cite or not isinstance(cite, list) or not all(isinstance(c, str) for c in cite):
        raise CaseFileError(f"{where}.{check}: every expectation needs cite: [evidence keys]")
    return Expectation(check, raw["is"], tuple(cite), str(raw.get("why", "")))


def _expectations(raw: Any, where: str, prefix: str = "") -> list[Expectation]:
    if not isinstance(raw, Mapping) or not raw:
        raise CaseFileError(f"{where}: expected a non-empty mapping of checks")
    out: list[Expectation] = []
    for key, value in raw.items():
        check = f"{prefix}{key}"
        if not isinstance(value, Mapping):
            raise CaseFileError(f"{where}.{check}: expected {{is: ..., cite: [...]}}")
        if "is" in value:
            out.append(_leaf(check, value, where))
        elif not prefix:
            out += _expectations(value, where, prefix=f"{check}.")
        else:
            raise CaseFileError(f"{where}.{check}: expected {{is: ..., cite: [...]}}")
    return out


def parse(raw: Any, name: str) -> ClinicalCase:
    if not isinstance(raw, Mapping):
        raise CaseFileError(f"{name}: expected a mapping at the top level")
    source = raw.get("source")
    if not isinstance(source, str) or len(source.strip()) < 10:
        raise CaseFileError(f"{name}: source: name the paper or guideline the case comes from")
    if "assessed_on" not in raw:
        raise CaseFileError(f"{name}: assessed_on is required (results depend on the date)")
    case = {k: v for k, v in raw.items() if k not in _CASE_ONLY_KEYS}
    expectations = _expectations(raw.get("expect"), f"{name}: expect")
    return ClinicalCase(name, source.strip(), case, tuple(expectations))


def load(path: Path) -> ClinicalCase:
    return parse(yaml.safe_load(path.read_text(encoding="utf-8")), path.name)


def result_of(case: ClinicalCase) -> Result:
    """Through the same code as ``painpath assess --json``."""
    loaded = case_from_mapping(case.raw)
    picture, plan, referral = assess_case(loaded)
    return Result(picture, plan, referral, assessment_to_dict(picture, plan, referral))


def run(case: ClinicalCase) -> list[str]:
    """Every failed expectation, as a message naming the check and its citation."""
    result = result_of(case)
    failures = []
    for e in case.expectations:
        error = CHECKS[e.check](result, e.value)
        if error is not None:
            failures.append(f"{error} [cited: {', '.join(e.cite)}]")
    return failures


def case_files() -> list[Path]:
    return sorted(CASES_DIR.glob("*.yaml"))
