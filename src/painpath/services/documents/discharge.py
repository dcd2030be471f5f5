"""The discharge summary of the patient's latest discharged episode: the episode, the reason and
the outcome summary the clinician wrote, the questionnaire scores over the care with the judgement
against the minimal important change, and the home program the patient leaves with."""

from __future__ import annotations

from painpath.adapters.reports.typst_pdf import render_pdf, text
from painpath.domain.access import Access
from painpath.domain.accounts import EpisodeStatus
from painpath.domain.errors import NotFound
from painpath.services.assessment.program import build_home_program
from painpath.services.context import Call, ServiceContext, operation
from painpath.services.documents._console import for_console
from painpath.services.documents._layout import header, table
from painpath.services.documents.progress import outcomes_section
from painpath.services.episodes import load_discharges
from painpath.services.progress import build_summary

__all__ = ["discharge_pdf", "system_discharge_pdf"]


def _build(call: Call) -> bytes:
    patient = call.the_patient
    done = [
        e for e in call.uow.episodes.for_patient(patient.id) if e.status is EpisodeStatus.DISCHARGED
    ]
    if not done:
        raise NotFound("no episode has been discharged yet")
    episode = max(done, key=lambda e: (e.discharged_on or e.started_on, e.created_at))
    discharge = load_discharges(call, patient.id).get(episode.id)
    today = call.ctx.clock.today()
    call.audit_detail["episode_id"] = episode.id
    out = [header("Discharge summary", patient, printed_on=today.isoformat())]
    ended = episode.discharged_on.isoformat() if episode.discharged_on else "-"
    rows = [
        ("Episode", episode.title),
        ("Care", f"{episode.started_on.isoformat()} to {ended}"),
    ]
    if discharge is not None:
        rows.append(("Reason", discharge.reason_label))
    out.append(table(("", ""), rows, columns="(1fr, 3fr)"))
    out.append("== Outcome summary\n")
    summary = discharge.outcome_summary if discharge else "No summary recorded."
    out.append(text(summary) + "\n\n")
    out.append(outcomes_section(build_summary(call.uow, patient, today)))
    program = build_home_program(call, patient.id)
    out.append("== Home program to keep up\n")
    if program is None:
        out.append(text("No signed home program.") + "\n")
    else:
        out.append(text(program.pain_guide) + "\n\n")
        out.append(
            table(
                ("Exercise", "How much", "Which days"),
                [(e.name, e.dose, e.day_names) for e in program.exercises],
            )
        )
        if program.flare_plan:
            out.append("=== If you have a flare-up\n" + text(program.flare_plan) + "\n")
    return render_pdf("".join(out), title="Discharge summary")


@operation(Access.PATIENT_CLINICAL, audit="document.discharge")
def discharge_pdf(call: Call, *, patient_id: str) -> bytes:
    """The discharge summary as PDF bytes (clinicians of the patient's clinic)."""
    return _build(call)


def system_discharge_pdf(ctx: ServiceContext, *, patient_id: str) -> bytes:
    """The same summary for ``painpath report discharge`` (audited as a system action)."""
    return for_console(ctx, patient_id=patient_id, action="cli.report.discharge", build=_build)
