"""The initial evaluation report: history (intake summary), examination findings, the clinical
reasoning (mechanism grades, irritability, red and psychosocial flags, conclusions with their
sources) and the plan. Clinician language; read from the same picture the reasoning tab shows."""

from __future__ import annotations

from painpath.adapters.reports.typst_pdf import render_pdf, text
from painpath.domain.access import Access
from painpath.domain.assessment.reasoning import ClinicalPicture
from painpath.domain.planning import Plan
from painpath.domain.records import RecordKind
from painpath.services.assessment.codec import plan_from_payload
from painpath.services.assessment.records import PLAN_KEY, build_picture, current_record
from painpath.services.context import Call, ServiceContext, operation
from painpath.services.documents._console import for_console
from painpath.services.documents._layout import bullets, header, number, table, words

__all__ = ["evaluation_pdf", "evaluation_source", "system_evaluation_pdf"]


def _history(p: ClinicalPicture) -> str:
    i = p.intake
    sites = ", ".join(
        words(s.region.value)
        + (f" ({words(s.side.value)})" if s.side.value != "none" else "")
        + (" - main" if s.primary else "")
        for s in i.pain_sites
    )
    rows = [
        ("Pain sites", sites or "-"),
        ("Duration", f"{number(i.duration_weeks)} weeks, {words(i.onset.value)} onset"),
        ("Pain now / worst (0-10)", f"{number(i.pain_now)} / {number(i.pain_worst)}"),
        ("Settles after aggravation", f"{number(i.settle_min)} minutes"),
        ("Aggravating", ", ".join(i.aggravating) or "-"),
        ("Easing", ", ".join(i.easing) or "-"),
        ("Work", words(i.work_status)),
        ("Medication", ", ".join(i.medication) or "-"),
        ("Other conditions", ", ".join(i.comorbidities) or "-"),
        (
            "Goals (ability 0-10)",
            "; ".join(f"{g.name} ({number(g.ability)})" for g in i.goals) or "-",
        ),
    ]
    return "== History\n" + table(("", ""), rows, columns="(1fr, 2fr)")


def _findings(p: ClinicalPicture) -> str:
    rows = []
    for f in p.examination.findings:
        value = "" if f.value is None else f"{number(f.value)} {f.unit or ''}".strip()
        side = "" if f.side.value == "none" else words(f.side.value)
        rows.append(
            (
                words(f.kind.value),
                words(f.code),
                side,
                value,
                "abnormal" if f.abnormal else "normal",
            )
        )
    out = "== Examination findings\n"
    if not rows:
        return out + text("No examination recorded yet.") + "\n\n"
    out += table(("Kind", "Finding", "Side", "Value", "Judgement"), rows)
    if p.scores:
        out += "=== Questionnaire scores\n" + table(
            ("Questionnaire", "Score"),
            [
                (k, number(s.total) if s.total is not None else (s.band or "-"))
                for k, s in sorted(p.scores.items())
            ],
        )
    return out


def _reasoning(p: ClinicalPicture, referral: str | None) -> str:
    m = p.mechanism
    out = ["== Clinical reasoning\n", "=== Pain mechanism\n"]
    out.append(
        table(
            ("Nociceptive", "Neuropathic (NeuPSIG)", "Nociplastic (IASP 2021)"),
            [(words(m.nociceptive.value), words(m.neuropathic.value), words(m.nociplastic.value))],
        )
    )
    if m.mixed:
        out.append(text("Mixed presentation.") + "\n\n")
    out.append("=== Irritability\n")
    out.append(text(f"{words(p.irritability.level.value)}: {p.irritability.dosing.summary}"))
    out.append("\n\n=== Red flags\n")
    if p.screening.red_flags:
        for f in p.screening.red_flags:
            out.append(f"*{text(f'{words(f.condition.value)} ({f.urgency.label})')}*\n")
            out.append(bullets([*f.findings, f"Referral: {f.referral}"]))
    else:
        out.append(text("No red flag reported.") + "\n\n")
    if referral:
        out.append("=== Referral\n" + text(referral) + "\n\n")
    out.append("=== Psychosocial flags\n")
    if p.psychosocial:
        out.append(
            bullets(
                f"{f.statement} ({f.instrument} = {f.score}, threshold {f.threshold})"
                for f in p.psychosocial
            )
        )
    else:
        out.append(text("No flag from the questionnaire scores so far.") + "\n\n")
    out.append("=== Conclusions and their sources\n")
    out.append(
        table(
            ("Conclusion", "Facts used", "Sources"),
            [(c.statement, "; ".join(c.facts), ", ".join(c.evidence)) for c in p.conclusions],
            columns="(2fr, 3fr, 1fr)",
        )
    )
    return "".join(out)


def _plan(plan: Plan | None) -> str:
    out = "== Plan\n"
    if plan is None:
        return out + text("No plan yet.") + "\n"
    signed = f"signed by {plan.signed_by}" if plan.signed_by else "not signed yet"
    out += text(
        f"Version {plan.version}, from {plan.start_date.isoformat()}, irritability "
        f"{words(plan.irritability.value)}, {signed}."
    )
    out += "\n\n"
    rows = [
        (
            words(i.kind.value),
            i.title,
            i.details + (f" (due {i.due.isoformat()})" if i.due else ""),
        )
        for i in plan.items
    ]
    return out + table(("Kind", "Item", "Details"), rows)


def evaluation_source(
    picture: ClinicalPicture, plan: Plan | None, referral: str | None, *, head: str
) -> str:
    return "".join(
        [head, _history(picture), _findings(picture), _reasoning(picture, referral), _plan(plan)]
    )


def _build(call: Call) -> bytes:
    patient = call.the_patient
    view = build_picture(call, patient.id)  # NotFound until an intake is recorded
    record = current_record(call, RecordKind.PLAN, PLAN_KEY, patient.id)
    plan = plan_from_payload(record.payload, version=record.version) if record else None
    call.audit_detail["intake_version"] = view.intake_record.version
    if plan is not None:
        call.audit_detail["plan_version"] = plan.version
    head = header(
        "Initial evaluation",
        patient,
        printed_on=call.ctx.clock.today().isoformat(),
        lines=[f"Assessed on {view.picture.assessed_on.isoformat()}"],
    )
    source = evaluation_source(view.picture, plan, view.referral, head=head)
    return render_pdf(source, title="Initial evaluation")


@operation(Access.PATIENT_CLINICAL, audit="document.evaluation")
def evaluation_pdf(call: Call, *, patient_id: str) -> bytes:
    """The initial evaluation report as PDF bytes (clinicians of the patient's clinic)."""
    return _build(call)


def system_evaluation_pdf(ctx: ServiceContext, *, patient_id: str) -> bytes:
    """The same report for ``painpath report evaluation`` (audited as a system action)."""
    return for_console(ctx, patient_id=patient_id, action="cli.report.evaluation", build=_build)
