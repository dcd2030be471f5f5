"""The hash-chained audit log: every event commits to the one before it.

Each link is an HMAC-SHA256 under a key kept outside the database (``PAINPATH_AUDIT_KEY`` or
``data_dir/audit_key``), so someone who can write to the database cannot re-hash an altered
chain. Tampering with any stored event (or deleting one) breaks the chain from that point on.
Deleting the newest events leaves an intact-looking prefix: ``audit_findings`` catches that
by comparing with the chain head (count and last hash) and with signed checkpoints, stored
every N events and exportable to a file kept elsewhere.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

__all__ = [
    "GENESIS_HASH",
    "PENDING_ALTERED",
    "AuditEvent",
    "ChainBreak",
    "Checkpoint",
    "audit_findings",
    "compute_event_hash",
    "sign_checkpoint",
    "sign_pending",
    "verify_chain",
]

GENESIS_HASH = "0" * 64
# Chained by the sealer after a unit of events whose signature no longer matched while it
# waited in the queue (deferred sealing): verification reports it.
PENDING_ALTERED = "audit.pending_altered"


@dataclass(frozen=True, slots=True)
class AuditEvent:
    seq: int
    at: datetime
    actor_user_id: int | None
    actor_role: str | None
    action: str
    patient_id: str | None
    clinic_id: int | None
    request_id: str | None
    detail: Mapping[str, Any] = field(default_factory=dict)
    outcome: str = "ok"  # ok | denied
    prev_hash: str = GENESIS_HASH
    hash: str = ""


@dataclass(frozen=True, slots=True)
class ChainBreak:
    seq: int
    reason: str


def _canonical(event: AuditEvent) -> str:
    body = {
        "seq": event.seq,
        "at": event.at.isoformat(),
        "actor_user_id": event.actor_user_id,
        "actor_role": event.actor_role,
        "action": event.action,
        "patient_id": event.patient_id,
        "clinic_id": event.clinic_id,
        "request_id": event.request_id,
        "detail": event.detail,
        "outcome": event.outcome,
        "prev_hash": event.prev_hash,
    }
    return json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)


def compute_event_hash(event: AuditEvent, key: bytes = b"") -> str:
    """HMAC-SHA256 of the event's canonical form under ``key`` (plain SHA-256 without one)."""
    body = _canonical(event).encode("utf-8")
    if key:
        return hmac.new(key, body, hashlib.sha256).hexdigest()
    return hashlib.sha256(body).hexdigest()


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """A signed statement: the chain had ``seq`` events, the last one hashing to ``hash``."""

    seq: int
    hash: str
    at: datetime
    signature: str

    def as_json(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "hash": self.hash,
            "at": self.at.isoformat(),
            "signature": self.signature,
        }


def sign_pending(events: list[dict[str, Any]], key: bytes = b"") -> str:
    """HMAC-SHA256 (plain SHA-256 without a key) of a unit of events waiting to be chained,
    as JSON values (the form they are stored in), so a change while they wait shows."""
    body = json.dumps(events, sort_keys=True, separators=(",", ":"), default=str).encode()
    if key:
        return hmac.new(key, b"pending|" + body, hashlib.sha256).hexdigest()
    return hashlib.sha256(b"pending|" + body).hexdigest()


def sign_checkpoint(seq: int, last_hash: str, key: bytes) -> str:
    return hmac.new(key, f"checkpoint|{seq}|{last_hash}".encode(), hashlib.sha256).hexdigest()


def verify_chain(events: Iterable[AuditEvent], key: bytes = b"") -> ChainBreak | None:
    """Return the first broken link (events in ``seq`` order), or None if the chain holds."""
    expected_prev = GENESIS_HASH
    expected_seq = 1
    for event in events:
        if event.seq != expected_seq:
            return ChainBreak(expected_seq, f"event {expected_seq} is missing (found {event.seq})")
        if event.prev_hash != expected_prev:
            return ChainBreak(event.seq, "its link to the previous event does not match")
        if not hmac.compare_digest(compute_event_hash(event, key), event.hash):
            return ChainBreak(event.seq, "its content does not match its hash (altered)")
        expected_prev = event.hash
        expected_seq += 1
    return None


def audit_findings(
    events: Iterable[AuditEvent],
    *,
    key: bytes,
    head: tuple[int, str] | None,
    checkpoints: Iterable[Checkpoint],
) -> tuple[int, list[ChainBreak]]:
    """Walk the chain and compare it with its head and checkpoints.

    Returns (events checked, findings). Findings name each case: an altered or re-hashed
    event, a missing event, a broken link, a forged checkpoint, a checkpoint the chain no
    longer matches, events altered while waiting to be sealed, and truncation (the head or
    a checkpoint counts more events than exist).
    """
    points = list(checkpoints)
    wanted = {p.seq for p in points}
    hashes: dict[int, str] = {}  # only at checkpointed positions: memory stays small
    checked = 0
    last = (0, GENESIS_HASH)

    def walked() -> Iterable[AuditEvent]:
        nonlocal checked, last
        for event in events:
            checked += 1
            if event.seq in wanted:
                hashes[event.seq] = event.hash
            last = (event.seq, event.hash)
            yield event

    findings: list[ChainBreak] = []

    def flagged() -> Iterable[AuditEvent]:
        for event in walked():
            if event.action == PENDING_ALTERED:
                findings.append(
                    ChainBreak(
                        event.seq,
                        "the events sealed just before it were altered while waiting to be sealed",
                    )
                )
            yield event

    broken = verify_chain(flagged(), key)
    if broken is not None:
        findings.append(broken)
        for _ in flagged():  # keep counting to the end
            pass
    if head is not None:
        if head[0] > last[0]:
            findings.append(
                ChainBreak(
                    last[0] + 1,
                    f"truncated: the head counts {head[0]} events, the log ends at {last[0]}",
                )
            )
        elif head != last:
            findings.append(ChainBreak(last[0], "the chain head does not match the last event"))
    for point in points:
        if not hmac.compare_digest(sign_checkpoint(point.seq, point.hash, key), point.signature):
            findings.append(ChainBreak(point.seq, "a checkpoint's signature is not valid (forged)"))
        elif point.seq > last[0]:
            findings.append(
                ChainBreak(
                    last[0] + 1,
                    f"truncated: a signed checkpoint counts {point.seq} "
                    f"events, the log ends at {last[0]}",
                )
            )
        elif hashes.get(point.seq) != point.hash:
            findings.append(
                ChainBreak(point.seq, "the event does not match its signed checkpoint (rewritten)")
            )
    return checked, findings
