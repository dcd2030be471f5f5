"""The evidence catalogue (citation keys -> references) as pages show it beside a conclusion."""

from __future__ import annotations

from collections.abc import Mapping

from painpath.adapters.knowledge import load_evidence
from painpath.domain.evidence import Reference

__all__ = ["evidence_references"]


def evidence_references() -> Mapping[str, Reference]:
    """Every citation key with its reference.

    A plain function, not an operation: the catalogue is shipped knowledge, not a patient's
    record, so there is nothing to authorise or audit.
    """
    return load_evidence().references
