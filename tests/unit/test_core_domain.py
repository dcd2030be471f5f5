"""The pure core of the foundation: access rules, the audit hash chain, record versioning."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from painpath.domain.access import Access, authorize
from painpath.domain.accounts import Actor, Episode, EpisodeStatus, Patient, Role, current_episode
from painpath.domain.audit import GENESIS_HASH, AuditEvent, compute_event_hash, verify_chain
from painpath.domain.errors import AuthenticationRequired, Conflict, InvalidInput, PermissionDenied
from painpath.domain.evidence import EvidenceCatalogue
from painpath.domain.records import RecordKind, RecordVersion, check_edit, check_void

NOW = datetime(2026, 11, 1, 12, tzinfo=UTC)
PATIENT = Patient("p1", 1, "Ann", "Lee", date(1980, 5, 31), None, None, None, NOW, 1, 1)
CLINICIAN = Actor(10, Role.CLINICIAN, 1, "C")
OTHER_CLINICIAN = Actor(11, Role.CLINICIAN, 2, "D")
SELF = Actor(12, Role.PATIENT, 1, "Ann", "p1")
OTHER_PATIENT = Actor(13, Role.PATIENT, 1, "Bob", "p2")
ADMIN = Actor(14, Role.ADMIN, 1, "A")


@pytest.mark.parametrize(
    ("access", "allowed"),
    [
        (Access.PATIENT_READ, {CLINICIAN, SELF}),
        (Access.PATIENT_SELF_REPORT, {CLINICIAN, SELF}),
        (Access.PATIENT_CLINICAL, {CLINICIAN}),
        (Access.CLINICIAN, {CLINICIAN, OTHER_CLINICIAN}),
        (Access.ADMIN, {ADMIN}),
        (Access.PATIENT_ACCOUNT, {SELF, OTHER_PATIENT}),
        (Access.SIGNED_IN, {CLINICIAN, OTHER_CLINICIAN, SELF, OTHER_PATIENT, ADMIN}),
    ],
)
def test_access_matrix(access: Access, allowed: set[Actor]) -> None:
    for actor in (CLINICIAN, OTHER_CLINICIAN, SELF, OTHER_PATIENT, ADMIN):
        if actor in allowed:
            authorize(actor, access, patient=PATIENT)
        else:
            with pytest.raises(PermissionDenied):
                authorize(actor, access, patient=PATIENT)
    with pytest.raises(AuthenticationRequired):
        authorize(None, access, patient=PATIENT)


def test_public_needs_nobody_and_patient_access_needs_a_patient() -> None:
    authorize(None, Access.PUBLIC)
    with pytest.raises(PermissionDenied, match="needs a patient"):
        authorize(CLINICIAN, Access.PATIENT_READ, patient=None)


def test_age_on_counts_birthdays() -> None:
    assert PATIENT.age_on(date(2026, 5, 30)) == 45
    assert PATIENT.age_on(date(2026, 5, 31)) == 46
    assert replace(PATIENT, birth_date=None).age_on(date(2026, 1, 1)) is None
    assert PATIENT.display_name == "Ann Lee"


def _chain(n: int) -> list[AuditEvent]:
    events, prev = [], GENESIS_HASH
    for seq in range(1, n + 1):
        event = AuditEvent(
            seq, NOW, 1, "clinician", f"a{seq}", "p1", 1, "r", {"k": seq}, prev_hash=prev
        )
        event = replace(event, hash=compute_event_hash(event))
        events.append(event)
        prev = event.hash
    return events


@given(st.integers(min_value=1, max_value=12), st.data())
def test_any_single_alteration_is_found_at_its_event(n: int, data: st.DataObject) -> None:
    events = _chain(n)
    assert verify_chain(events) is None
    victim = data.draw(st.integers(min_value=0, max_value=n - 1))
    altered = list(events)
    altered[victim] = replace(events[victim], action="forged")
    broken = verify_chain(altered)
    assert broken is not None and broken.seq == victim + 1


def test_a_reordered_or_relinked_chain_is_found() -> None:
    events = _chain(3)
    assert verify_chain([events[0], events[2]]) == verify_chain([events[0], events[2]])
    assert verify_chain([events[0], events[2]]).seq == 2  # type: ignore[union-attr]
    relinked = replace(events[1], prev_hash="f" * 64)
    relinked = replace(relinked, hash=compute_event_hash(relinked))
    broken = verify_chain([events[0], relinked, events[2]])
    assert broken is not None and broken.seq == 2 and "link" in broken.reason


def _record(**kw: object) -> RecordVersion:
    base = RecordVersion("r1", 3, RecordKind.NOTE, "p1", None, {}, None, 1, NOW)
    return replace(base, **kw)  # type: ignore[arg-type]


def test_current_episode_is_the_open_one_started_last_in_any_order() -> None:
    def ep(eid: str, started: date, status: EpisodeStatus) -> Episode:
        ended = None if status is EpisodeStatus.OPEN else started
        return Episode(eid, "p1", 1, eid, status, started, ended, 10, NOW, 1)

    old = ep("old", date(2025, 1, 6), EpisodeStatus.DISCHARGED)
    new = ep("new", date(2026, 3, 2), EpisodeStatus.OPEN)
    later_closed = ep("later", date(2026, 6, 1), EpisodeStatus.DISCHARGED)
    for listed in ([old, new], [new, old], [later_closed, new, old]):
        assert current_episode(listed) == new
    assert current_episode([old, later_closed]) == later_closed  # none open: the latest
    assert current_episode([]) is None


def test_edit_rules() -> None:
    assert check_edit(_record(), expected_version=3, reason="typo") == 4
    with pytest.raises(Conflict, match="version 2"):
        check_edit(_record(), expected_version=2, reason="typo")
    with pytest.raises(InvalidInput):
        check_edit(_record(), expected_version=3, reason=" ")
    with pytest.raises(Conflict, match="voided"):
        check_edit(_record(voided=True), expected_version=3, reason="x")


def test_void_rules() -> None:
    check_void(_record(), expected_version=3, reason="wrong patient")
    with pytest.raises(Conflict):
        check_void(_record(voided=True), expected_version=3, reason="x")
    with pytest.raises(Conflict):
        check_void(_record(), expected_version=1, reason="x")
    with pytest.raises(InvalidInput):
        check_void(_record(), expected_version=3, reason="")


def test_evidence_catalogue() -> None:
    raw = {"a2020": {"citation": "A", "url": "u", "status": "verified", "supports": "s"}}
    catalogue = EvidenceCatalogue.from_mapping(raw)
    assert "a2020" in catalogue and catalogue.get("a2020").citation == "A"
    assert catalogue.unresolved(["a2020", "zz"]) == ["zz"]
    with pytest.raises(InvalidInput, match="unknown evidence key"):
        catalogue.get("zz")
    with pytest.raises(InvalidInput, match="malformed"):
        EvidenceCatalogue.from_mapping(
            {"b": {"citation": "B", "url": "u", "status": "maybe", "supports": "s"}}
        )


def test_shipped_evidence_catalogue_loads() -> None:
    from painpath.adapters.knowledge import load_evidence

    catalogue = load_evidence()
    assert len(catalogue.references) >= 50
    assert all(ref.citation and ref.supports for ref in catalogue.references.values())
