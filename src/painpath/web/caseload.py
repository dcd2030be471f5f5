"""The caseload rows: patients with their alert badges, most urgent first.

Features contribute badges through ``CASELOAD_BADGES`` (a function of the service context
and the patients on screen), so the caseload grows with the product without edits here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from painpath.domain.accounts import Patient
from painpath.services.context import ServiceContext
from painpath.services.patients import search_patients

__all__ = ["CASELOAD_BADGES", "Badge", "CaseloadRow", "caseload_rows"]

_RANK = {"urgent": 0, "high": 1, "medium": 2, "low": 3}


@dataclass(frozen=True)
class Badge:
    label: str
    severity: str  # urgent | high | medium | low
    detail: str = ""


@dataclass
class CaseloadRow:
    patient: Patient
    badges: list[Badge] = field(default_factory=list)

    @property
    def urgency(self) -> int:
        return min((_RANK.get(b.severity, 4) for b in self.badges), default=5)


BadgeSource = Callable[[ServiceContext, Sequence[Patient]], dict[str, list[Badge]]]
CASELOAD_BADGES: list[BadgeSource] = []


def caseload_rows(ctx: ServiceContext, *, query: str = "") -> list[CaseloadRow]:
    patients = search_patients(ctx, query=query)
    rows = {p.id: CaseloadRow(p) for p in patients}
    for source in CASELOAD_BADGES:
        for patient_id, badges in source(ctx, patients).items():
            if patient_id in rows:
                rows[patient_id].badges.extend(badges)
    return sorted(rows.values(), key=lambda r: (r.urgency, r.patient.family_name))
