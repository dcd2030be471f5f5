"""Episodes of care: discharge one (a reason and an outcome summary) and start a new one.

The episode row keeps its status and discharge day (the caseload reads them); the reason and
the outcome summary are a DISCHARGE clinical record of the episode, append-only like every
clinical record. Audit events hold the episode id only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from painpath.domain.access import Access
from painpath.domain.accounts import Episode, EpisodeStatus
from painpath.domain.errors import Conflict, NotFound
from painpath.domain.records import RecordKind
from painpath.services.context import Call, operation
from painpath.services.engagement._common import FormProblems

__all__ = [
    "DISCHARGE_REASONS",
    "Discharge",
    "discharge_episode",
    "discharges",
    "load_discharges",
]

DISCHARGE_REASONS: dict[str, str] = {
    "goals_met": "Goals met",
    "self_managing": "Managing well on their own",
    "referred_on": "Referred to another service",
    "stopped_attending": "Stopped attending",
    "patients_choice": "The patient's choice",
    "other": "Other (see the summary)",
}
SUMMARY_MAX = 4000
BACKDATE_DAYS = 90  # a discharge is recorded at the time, at most about three months late


@dataclass(frozen=True)
class Discharge:
    episode_id: str
    reason: str
    outcome_summary: str
    discharged_on: date

    @property
    def reason_label(self) -> str:
        return DISCHARGE_REASONS.get(self.reason, self.reason)


def _key(episode_id: str) -> str:
    return f"discharge:{episode_id}"


def _episode(call: Call, patient_id: str, episode_id: str) -> Episode:
    episode = call.uow.episodes.get(episode_id)
    if episode is None or episode.patient_id != patient_id:
        raise NotFound("no such episode")
    return episode


@operation(Access.PATIENT_CLINICAL, audit="episode.discharge")
def discharge_episode(
    call: Call,
    *,
    patient_id: str,
    episode_id: str,
    reason: str,
    outcome_summary: str,
    discharged_on: date | None = None,
) -> Discharge:
    """Discharge an open episode; every wrong field is named (``FormProblems``), nothing stored."""
    episode = _episode(call, patient_id, episode_id)
    if episode.status is EpisodeStatus.DISCHARGED:
        raise Conflict("this episode is already discharged")
    today = call.ctx.clock.today()
    day = discharged_on or today
    summary = outcome_summary.strip()
    problems: dict[str, str] = {}
    if reason not in DISCHARGE_REASONS:
        problems["reason"] = "choose a reason for the discharge"
    if not summary:
        problems["outcome_summary"] = "write a short outcome summary"
    elif len(summary) > SUMMARY_MAX:
        problems["outcome_summary"] = f"keep the summary under {SUMMARY_MAX} characters"
    if day > today:
        problems["discharged_on"] = "the discharge date cannot be in the future"
    elif day < episode.started_on:
        problems["discharged_on"] = "the discharge date is before the episode started"
    elif day < today - timedelta(days=BACKDATE_DAYS):
        problems["discharged_on"] = f"the discharge date is more than {BACKDATE_DAYS} days ago"
    if problems:
        raise FormProblems(problems)
    call.uow.records.add(
        kind=RecordKind.DISCHARGE,
        patient_id=patient_id,
        payload={
            "episode_id": episode.id,
            "reason": reason,
            "outcome_summary": summary,
            "discharged_on": day.isoformat(),
        },
        created_by=call.actor.user_id,
        episode_id=episode.id,
        natural_key=_key(episode.id),
    )
    call.uow.episodes.discharge(episode.id, on=day)
    call.audit_detail["episode_id"] = episode.id
    return Discharge(episode.id, reason, summary, day)


@operation(Access.PATIENT_CLINICAL, audit="episode.discharges")
def discharges(call: Call, *, patient_id: str) -> dict[str, Discharge]:
    """The discharge of each discharged episode, by episode id."""
    return load_discharges(call, patient_id)


def load_discharges(call: Call, patient_id: str) -> dict[str, Discharge]:
    """``discharges`` inside an operation already authorised (the discharge summary)."""
    out: dict[str, Discharge] = {}
    for record in call.uow.records.list_current(kind=RecordKind.DISCHARGE, patient_id=patient_id):
        p = record.payload
        out[str(p["episode_id"])] = Discharge(
            str(p["episode_id"]),
            str(p["reason"]),
            str(p["outcome_summary"]),
            date.fromisoformat(str(p["discharged_on"])),
        )
    return out
