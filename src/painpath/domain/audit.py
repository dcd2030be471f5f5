"""The hash-chained audit log: every event commits to the one before it.

Tampering with any stored event (or deleting one) breaks the chain from that point on, and
``verify_chain`` names the first broken link.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

__all__ = ["GENESIS_HASH", "AuditEvent", "ChainBreak", "compute_event_hash", "verify_chain"]

GENESIS_HASH = "0" * 64


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


def compute_event_hash(event: AuditEvent) -> str:
    return hashlib.sha256(_canonical(event).encode("utf-8")).hexdigest()


def verify_chain(events: Iterable[AuditEvent]) -> ChainBreak | None:
    """Return the first broken link (events in ``seq`` order), or None if the chain holds."""
    expected_prev = GENESIS_HASH
    expected_seq = 1
    for event in events:
        if event.seq != expected_seq:
            return ChainBreak(expected_seq, f"event {expected_seq} is missing (found {event.seq})")
        if event.prev_hash != expected_prev:
            return ChainBreak(event.seq, "its link to the previous event does not match")
        if compute_event_hash(event) != event.hash:
            return ChainBreak(event.seq, "its content does not match its hash (altered)")
        expected_prev = event.hash
        expected_seq += 1
    return None
