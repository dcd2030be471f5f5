"""What an audit event's ``detail`` may hold: identifiers and field names, never clinical values.

An audit event says who did what to which record, when. Its details add identifiers (record,
file, job ids), the names of the fields that changed, counts, a few codes from fixed lists,
yes/no flags and the days the action concerned. Anything else (free text, a name, a search
query, a pain score, a dose, a reason typed by a person) belongs in the clinical record, not in
the log: the log is read by admins, exported and kept for years.

The policy is data: ``DETAIL_KEYS`` names every key an event may carry and its ``DetailKind``;
a key ending in ``_id`` is an identifier and one ending in ``_ids`` a list of them. Any other key
is refused, and so is a declared key holding the wrong kind of value. ``check_detail`` is pure;
the audit log's ``append`` (the one write path) enforces it: strict (tests, development) raises
``AuditDetailRefused``; otherwise the offending keys are dropped, their names kept under
``dropped``, so the business action and its event still commit (docs/security.md, "Audit
event details").
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from enum import Enum
from ipaddress import ip_address
from typing import Any

from painpath.domain.accounts import Role
from painpath.domain.assessment.findings import FindingSource
from painpath.domain.caseload import CaseloadSort
from painpath.domain.engagement.reminders import ReminderKind

__all__ = [
    "DETAIL_KEYS",
    "DROPPED_KEY",
    "AuditDetailRefused",
    "DetailCheck",
    "DetailKind",
    "check_detail",
    "clean_detail",
]


class DetailKind(Enum):
    ID = "identifier"  # int >= 0, or a token without spaces (uuid, hex, catalogue id)
    COUNT = "count"  # int >= 0: how many, a version number, a size in bytes
    FLAG = "flag"  # True / False
    DAY = "day"  # an ISO date, YYYY-MM-DD: the day the action concerned
    CODE = "code"  # one of the key's listed codes (or a list of them)
    FIELDS = "field names"  # a list of snake_case names, never their values
    ADDRESS = "client address"  # an IP address, or the peer's token (e.g. "testclient")


@dataclass(frozen=True, slots=True)
class Rule:
    kind: DetailKind
    codes: frozenset[str] = frozenset()


def _codes(*values: str) -> Rule:
    return Rule(DetailKind.CODE, frozenset(values))


_COUNT = Rule(DetailKind.COUNT)
_FLAG = Rule(DetailKind.FLAG)
_DAY = Rule(DetailKind.DAY)
_FIELDS = Rule(DetailKind.FIELDS)

DROPPED_KEY = "dropped"  # names of the keys the lenient log left out

# Every key besides ``*_id`` / ``*_ids``. A new call site that needs a new key adds it here,
# with its kind: the review of this table is the review of what the log may hold.
DETAIL_KEYS: Mapping[str, Rule] = {
    # counts and versions
    "version": _COUNT,
    "intake_version": _COUNT,
    "plan_version": _COUNT,
    "added": _COUNT,
    "retests": _COUNT,
    "alerts": _COUNT,
    "steps": _COUNT,
    "days": _COUNT,
    "results": _COUNT,
    "messages": _COUNT,
    "threads": _COUNT,
    "patients": _COUNT,
    "outcomes": _COUNT,
    "responses": _COUNT,
    "reviews": _COUNT,
    "bytes": _COUNT,
    "refreshed": _COUNT,
    "retention_days": _COUNT,  # a setting of the installation, not a clinical value
    "sessions_revoked": _COUNT,
    # yes / no
    "active": _FLAG,
    "picture": _FLAG,
    "blocked": _FLAG,
    "late": _FLAG,
    "needs_action": _FLAG,
    "checkin": _FLAG,
    "questionnaires": _FLAG,
    "first_open": _FLAG,
    "searched": _FLAG,
    "placeholder": _FLAG,
    "replaced": _FLAG,
    "mfa_setup_required": _FLAG,
    # the days an action concerned
    "day": _DAY,
    "first_day": _DAY,
    "start": _DAY,
    "local_day": _DAY,
    "paused_until": _DAY,
    # codes from fixed lists
    "role": _codes(*(r.value for r in Role)),
    "required_role": _codes(*(r.value for r in Role)),
    "source": _codes(*(s.value for s in FindingSource)),
    "sort": _codes(*(s.value for s in CaseloadSort)),
    "kinds": _codes(*ReminderKind.ALL),
    "image": _codes("keyframes", "angles"),
    "scope": _codes("all", "client", "account", "clinic", "installation"),
    "account": _codes("unknown"),
    "privacy_version": Rule(DetailKind.ID),
    # names, never values
    "fields": _FIELDS,
    "filters": _FIELDS,
    DROPPED_KEY: _FIELDS,
    # where a sign-in came from (security logging, ASVS 7.1)
    "client": Rule(DetailKind.ADDRESS),
}

_KEY = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
_TOKEN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,79}$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MAX_LIST = 200
_LISTABLE = (DetailKind.ID, DetailKind.CODE, DetailKind.FIELDS)


class AuditDetailRefused(ValueError):
    """A programming error: a call site tried to put a value into an audit event's details
    that the policy does not allow. Raised only by a strict log (tests, development)."""

    def __init__(self, action: str, problems: Mapping[str, str]) -> None:
        self.action = action
        self.problems = dict(problems)
        named = "; ".join(f"{k}: {why}" for k, why in sorted(self.problems.items()))
        super().__init__(f"audit event {action!r}: detail refused ({named})")


@dataclass(frozen=True, slots=True)
class DetailCheck:
    """``clean``: the allowed part of the details; ``problems``: key -> why it was refused."""

    clean: dict[str, Any]
    problems: dict[str, str]


def rule_for(key: str) -> Rule | None:
    if key in DETAIL_KEYS:
        return DETAIL_KEYS[key]
    if key.endswith(("_id", "_ids")):
        return Rule(DetailKind.ID)
    return None


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _one_ok(rule: Rule, value: object) -> bool:
    match rule.kind:
        case DetailKind.ID:
            return (_is_int(value) and value >= 0) or (  # type: ignore[operator]
                isinstance(value, str) and bool(_TOKEN.match(value))
            )
        case DetailKind.COUNT:
            return _is_int(value) and value >= 0  # type: ignore[operator]
        case DetailKind.FLAG:
            return isinstance(value, bool)
        case DetailKind.DAY:
            return isinstance(value, str) and bool(_DATE.match(value)) and _parses(value)
        case DetailKind.CODE:
            return isinstance(value, str) and value in rule.codes
        case DetailKind.FIELDS:
            return isinstance(value, str) and bool(_KEY.match(value))
        case DetailKind.ADDRESS:
            return isinstance(value, str) and (_is_ip(value) or bool(_TOKEN.match(value)))
    return False  # pragma: no cover - every kind is matched above


def _parses(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _is_ip(text: str) -> bool:
    try:
        ip_address(text)
    except ValueError:
        return False
    return True


def _problem(key: object, value: object) -> str | None:
    """Why ``key: value`` may not be in an event's details, or None when it may."""
    if not isinstance(key, str) or not _KEY.match(key):
        return "not a field name"
    rule = rule_for(key)
    if rule is None:
        return "not a declared detail key (identifiers, counts, codes, flags, days, field names)"
    if value is None:
        return None  # absence says nothing
    if isinstance(value, list | tuple):
        if rule.kind not in _LISTABLE or len(value) > _MAX_LIST:
            return f"a list where a {rule.kind.value} belongs"
        bad = [v for v in value if not _one_ok(rule, v)]
        return f"holds a value that is not a {rule.kind.value}" if bad else None
    if rule.kind is DetailKind.FIELDS:
        return "field names go in a list"
    return None if _one_ok(rule, value) else f"holds a value that is not a {rule.kind.value}"


def check_detail(detail: Mapping[Any, Any]) -> DetailCheck:
    """Split ``detail`` into what the policy allows and what it refuses (with the reason).
    Pure: no logging, no raising."""
    clean: dict[str, Any] = {}
    problems: dict[str, str] = {}
    for key, value in detail.items():
        why = _problem(key, value)
        name = key if isinstance(key, str) and _KEY.match(key) else "unnamed_key"
        if why is None:
            clean[key] = list(value) if isinstance(value, tuple) else value
        else:
            problems[name] = why
    return DetailCheck(clean, problems)


def clean_detail(action: str, detail: Mapping[Any, Any], *, strict: bool) -> DetailCheck:
    """Apply the policy at write time. Strict: raise ``AuditDetailRefused`` on any refused key.
    Lenient: the refused keys are left out and their names listed under ``dropped`` (so the
    event says something was left out, never what it held)."""
    checked = check_detail(detail)
    if not checked.problems:
        return checked
    if strict:
        raise AuditDetailRefused(action, checked.problems)
    dropped = sorted(set(checked.problems) | set(checked.clean.get(DROPPED_KEY) or []))
    return DetailCheck({**checked.clean, DROPPED_KEY: dropped}, checked.problems)
