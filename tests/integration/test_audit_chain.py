"""The keyed (HMAC) audit chain: truncation, re-hashing, forged checkpoints, exported
checkpoints, `painpath audit verify` reporting each case, and what admins see."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import text

from painpath.bootstrap import Container
from painpath.domain.audit import GENESIS_HASH, compute_event_hash
from painpath.services.audit import audit_report, export_checkpoint, list_audit_events
from tests.conftest import World, build_world


def _append(container: Container, n: int) -> None:
    with container.uow() as uow:
        for i in range(n):
            uow.audit.append(
                action="test.event",
                actor_user_id=1,
                actor_role="clinician",
                clinic_id=1,
                detail={"record_id": f"r{i}", "version": 7},
            )
        uow.commit()


@pytest.fixture
def big(container: Container) -> Container:
    build_world(container)
    _append(container, 230)  # checkpoints at 100 and 200
    return container


def reasons(container: Container, **kw: object) -> list[str]:
    _, findings = audit_report(container.context(), **kw)  # type: ignore[arg-type]
    return [f.reason for f in findings]


def test_intact_chain_with_stored_checkpoints(big: Container) -> None:
    checked, findings = audit_report(big.context())
    assert findings == [] and checked >= 230
    with big.uow() as uow:
        assert [p.seq for p in uow.audit.checkpoints()] == [100, 200]


def test_deleting_the_newest_events_is_truncation(big: Container) -> None:
    with big.uow() as uow:
        last = uow.audit.head()
    assert last is not None
    with big.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_events WHERE seq > :n"), {"n": last[0] - 50})
    found = reasons(big)
    assert any("truncated: the head counts" in r for r in found), found


def test_truncation_with_a_rewritten_head_is_caught_by_checkpoints(big: Container) -> None:
    point = export_checkpoint(big.context())  # exported, kept elsewhere
    assert point is not None
    with big.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_events WHERE seq > 150"))
        h = conn.execute(text("SELECT hash FROM audit_events WHERE seq = 150")).scalar_one()
        conn.execute(text("UPDATE audit_head SET last_seq = 150, last_hash = :h"), {"h": h})
    found = reasons(big)  # the stored checkpoint at 200 still counts more
    assert any("truncated: a signed checkpoint counts 200" in r for r in found), found
    with big.engine.begin() as conn:  # the intruder deletes the stored checkpoints too
        conn.execute(text("DELETE FROM audit_checkpoints"))
    assert reasons(big) == []  # nothing inside the database can tell any more ...
    found = reasons(big, exported=[point])  # ... the exported checkpoint can
    assert any(f"checkpoint counts {point.seq}" in r for r in found), found


def _rehash_from(container: Container, seq: int, key: bytes) -> None:
    """Alter event ``seq`` and recompute every hash after it, as an intruder would."""
    with container.uow() as uow:
        events = list(uow.audit.iter_all())
    prev = GENESIS_HASH
    with container.engine.begin() as conn:
        for e in events:
            if e.seq >= seq:
                detail = dict(e.detail)
                if e.seq == seq:
                    detail = {**detail, "record_id": "forged"}
                fixed = replace(e, detail=detail, prev_hash=prev, hash="")
                new_hash = compute_event_hash(fixed, key)
                conn.execute(
                    text(
                        "UPDATE audit_events SET detail = :d, prev_hash = :p, hash = :h "
                        "WHERE seq = :s"
                    ),
                    {"d": json.dumps(detail), "p": prev, "h": new_hash, "s": e.seq},
                )
                prev = new_hash
            else:
                prev = e.hash
        conn.execute(text("UPDATE audit_head SET last_hash = :h"), {"h": prev})


@pytest.mark.parametrize("key", [b"", b"a guessed key of the intruder"])
def test_rehashing_without_the_key_is_detected(big: Container, key: bytes) -> None:
    _rehash_from(big, 120, key)
    found = reasons(big)
    assert found and "altered" in found[0]
    _, findings = audit_report(big.context())
    assert findings[0].seq == 120


def test_rehashing_with_the_key_is_still_caught_by_a_checkpoint(big: Container) -> None:
    # even a thief of the key cannot move the signed checkpoint at 200 past a rewritten 150
    _rehash_from(big, 150, big.extras["audit_key"])
    found = reasons(big)
    assert any("does not match its signed checkpoint" in r for r in found), found


def test_a_forged_checkpoint_is_reported(big: Container) -> None:
    with big.engine.begin() as conn:
        conn.execute(
            text("UPDATE audit_checkpoints SET signature = :s WHERE seq = 100"),
            {"s": hashlib.sha256(b"x").hexdigest()},
        )
    assert any("forged" in r for r in reasons(big))


def test_cli_verify_reports_each_case(big: Container, tmp_path: Path) -> None:
    env = {
        **os.environ,
        "PAINPATH_DATA_DIR": str(big.settings.data_dir),
        "PYTHONPATH": os.environ.get("PYTHONPATH", ""),
    }

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "painpath", "audit", *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    out = tmp_path / "cp.json"
    assert cli("checkpoint", "--out", str(out)).returncode == 0
    ok = cli("verify", "--checkpoint", str(out))
    assert ok.returncode == 0 and "intact" in ok.stdout
    with big.engine.begin() as conn:
        conn.execute(text("UPDATE audit_events SET action = 'x' WHERE seq = 5"))
        conn.execute(text("DELETE FROM audit_events WHERE seq > 220"))
        conn.execute(text("DELETE FROM audit_checkpoints"))
    bad = cli("verify", "--checkpoint", str(out))
    assert bad.returncode == 1
    lines = bad.stderr.strip().splitlines()
    assert any("event 5" in line and "altered" in line for line in lines), lines
    assert any("truncated" in line for line in lines), lines


def test_admins_see_metadata_of_their_own_clinic_only(world: World) -> None:
    with world.container.uow() as uow:
        uow.audit.append(
            action="progress.checkin",
            actor_user_id=world.clinician.user_id,
            actor_role="clinician",
            clinic_id=world.clinician.clinic_id,
            patient_id=world.patient.id,
            detail={"checkin_id": "c1", "day": "2026-11-02", "late": True},
        )
        uow.audit.append(
            action="progress.checkin",
            actor_user_id=world.other_clinician.user_id,
            actor_role="clinician",
            clinic_id=world.other_clinician.clinic_id,
            patient_id=world.foreign_patient.id,
            detail={"checkin_id": "c2"},
        )
        uow.commit()
    events = list_audit_events(world.ctx(world.admin), action="progress.checkin")
    # identifiers, and the names of the other fields without their values
    assert [e.detail for e in events] == [{"checkin_id": "c1", "fields": ["day", "late"]}]
    everything = list_audit_events(world.ctx(world.admin), limit=1000)
    assert all(e.clinic_id == world.admin.clinic_id for e in everything)
    assert all("2026-11-02" not in str(e.detail) for e in everything)
