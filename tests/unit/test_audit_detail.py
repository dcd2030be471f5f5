"""The write-time policy for audit event details: identifiers and field names, never values."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from painpath.domain.audit_detail import (
    DETAIL_KEYS,
    AuditDetailRefused,
    DetailKind,
    check_detail,
    clean_detail,
)

ALLOWED = {
    "patient_id": "3f2b9c1e0a6d4e7f8a9b0c1d2e3f4a5b",
    "user_id": 12,
    "instrument_ids": ["odi", "psfs"],
    "version": 3,
    "results": 0,
    "late": False,
    "day": "2026-11-29",
    "paused_until": None,
    "role": "clinician",
    "kinds": ["checkin", "questionnaire"],
    "fields": ["fear", "done"],
    "client": "2001:db8::1",
}


def test_identifiers_counts_codes_flags_days_and_field_names_pass_unchanged() -> None:
    checked = check_detail(ALLOWED)
    assert checked.problems == {}
    assert checked.clean == ALLOWED


@pytest.mark.parametrize(
    ("detail", "key"),
    [
        ({"query": "Maria Santos"}, "query"),  # a search text: often a name
        ({"activity": "walking"}, "activity"),  # undeclared key, free text
        ({"goal": 30}, "goal"),  # undeclared key: a clinical number
        ({"pain_now": 7}, "pain_now"),
        ({"reason": "filmed a visitor"}, "reason"),
        ({"version": 7.5}, "version"),  # a count is a whole number
        ({"results": -1}, "results"),
        ({"results": True}, "results"),  # a bool is not a count
        ({"patient_id": "Maria Santos"}, "patient_id"),  # spaces: not an identifier
        ({"record_id": 4.2}, "record_id"),
        ({"role": "superuser"}, "role"),  # not one of the listed codes
        ({"scope": "clinic Clinic A"}, "scope"),
        ({"day": "29/11/2026"}, "day"),
        ({"day": "2026-02-30"}, "day"),  # the right shape, not a day
        ({"start": "2026-11-29T10:00:00"}, "start"),
        ({"late": "yes"}, "late"),
        ({"fields": "fear,done"}, "fields"),  # names go in a list
        ({"fields": ["fear", "8/10"]}, "fields"),
        ({"results": [1, 2]}, "results"),  # no list where a count belongs
        ({"record_id": {"nested": 1}}, "record_id"),
        ({"client": "Maria's phone"}, "client"),
        ({"Bad Key": 1}, "unnamed_key"),
    ],
)
def test_values_outside_the_policy_are_refused(detail: dict[str, object], key: str) -> None:
    checked = check_detail({"record_id": "r1", **detail})
    assert set(checked.problems) == {key}
    assert checked.clean == ({"record_id": "r1"} if "record_id" not in detail else {})


def test_strict_raises_naming_the_key_never_the_value() -> None:
    with pytest.raises(AuditDetailRefused) as refused:
        clean_detail("patient.search", {"query": "Maria Santos", "results": 2}, strict=True)
    assert refused.value.action == "patient.search" and set(refused.value.problems) == {"query"}
    assert "query" in str(refused.value) and "Maria" not in str(refused.value)


def test_lenient_drops_the_key_and_says_a_key_was_dropped() -> None:
    checked = clean_detail(
        "programme.start", {"goal": 30, "activity": "walking", "start": "2026-11-01"}, strict=False
    )
    assert checked.clean == {"start": "2026-11-01", "dropped": ["activity", "goal"]}
    assert set(checked.problems) == {"activity", "goal"}
    assert clean_detail("x", {"results": 1}, strict=False).clean == {"results": 1}


def test_every_declared_key_is_a_field_name_with_a_kind() -> None:
    assert DETAIL_KEYS and all(isinstance(rule.kind, DetailKind) for rule in DETAIL_KEYS.values())
    for key, rule in DETAIL_KEYS.items():
        assert check_detail({key: None}).problems == {}, key
        if rule.kind is DetailKind.CODE:
            assert rule.codes, key


_WORDS = st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=30).map(
    lambda s: f"{s} {s}"  # free text: at least one space
)


@given(text=_WORDS, key=st.sampled_from([*DETAIL_KEYS, "record_id", "patient_ids"]))
def test_free_text_is_refused_under_every_key(text: str, key: str) -> None:
    assert key in check_detail({key: text}).problems
    assert key in check_detail({key: [text]}).problems


@given(value=st.floats(allow_nan=True, allow_infinity=True))
def test_a_measured_number_is_refused_under_every_key(value: float) -> None:
    for key in [*DETAIL_KEYS, "record_id"]:
        assert key in check_detail({key: value}).problems, key
