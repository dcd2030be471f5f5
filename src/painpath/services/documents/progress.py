"""The progress report: questionnaire scores over time with the judgement of the change against
the instrument's minimal important change (``services.progress.outcomes``), weekly pain against
the expected course, graded-activity adherence and open alerts. Read from the same progress
summary the progress tab shows."""

from __future__ import annotations

from painpath.adapters.instrument_catalogue import get_instrument
from painpath.adapters.reports.typst_pdf import render_pdf, svg_image, text
from painpath.domain.access import Access
from painpath.domain.errors import InvalidInput
from painpath.domain.outcomes.instruments import Direction
from painpath.services.context import Call, ServiceContext, operation
from painpath.services.documents._console import for_console
from painpath.services.documents._layout import bullets, header, number, table
from painpath.services.documents.charts import pain_course_svg, score_series_svg
from painpath.services.progress import ProgressSummary, build_summary

__all__ = ["outcomes_section", "progress_pdf", "progress_source", "system_progress_pdf"]


def _mcid_line(instrument_id: str, baseline: float, direction: str) -> float | None:
    """The first score moved by the instrument's MCID in its better direction (None: no MCID)."""
    try:
        mcid = get_instrument(instrument_id).mcid
    except InvalidInput:
        return None
    if mcid is None:
        return None
    better_lower = direction == Direction.LOWER_BETTER.value
    return baseline - mcid.value if better_lower else baseline + mcid.value


def outcomes_section(s: ProgressSummary) -> str:
    """Each questionnaire's scores over time and the judgement of the change."""
    out = "== Questionnaire scores over time\n"
    if not s.outcomes:
        return out + text("No questionnaires completed yet.") + "\n\n"
    for o in s.outcomes:
        judgement = o.category or "one measurement only"
        if o.responder:
            judgement += ", responder"
        out += f"=== {text(o.name)}\n"
        if len(o.series) > 1:
            top = max(v for _, v in o.series)
            line = _mcid_line(o.instrument, o.baseline, o.direction)
            chart = score_series_svg(o.series, y_max=top, threshold=line)
            out += svg_image(chart, width_cm=12) + "\n\n"
            if line is not None:
                out += text(
                    f"Dashed line: the first score changed by the smallest change that matters "
                    f"to patients ({number(line)})."
                )
                out += "\n\n"
        out += table(
            ("Date", "Score"), [(day.isoformat(), number(value)) for day, value in o.series]
        )
        out += text(
            f"First {number(o.baseline)}, latest {number(o.latest)}: {judgement}. {o.explanation}"
        )
        out += "\n\n"
    return out


def _pain_course(s: ProgressSummary) -> str:
    out = "== Weekly pain against the expected course\n"
    if not s.weekly_pain:
        return out + text("No check-ins with a pain rating yet.") + "\n\n"
    rows = []
    for week, pain in s.weekly_pain:
        near = min(s.course, key=lambda c: abs(c.week - week), default=None)
        expected = "-" if near is None else f"{number(near.low)} to {number(near.high)}"
        rows.append((number(week), number(pain), expected))
    band = [(c.week, c.low, c.high) for c in s.course]
    out += svg_image(pain_course_svg(s.weekly_pain, band), width_cm=12) + "\n\n"
    out += text("Line: the weekly mean pain. Grey band: the expected range.") + "\n\n"
    if s.course_note:
        out += text(s.course_note) + "\n\n"  # the band's source and population, or why none
    out += table(("Week", "Mean pain (0-10)", "Expected range"), rows)
    if s.what_to_expect:
        out += text(s.what_to_expect) + "\n\n"
    return out


def _activity(s: ProgressSummary) -> str:
    out = "== Graded activity\n"
    if s.programme is None:
        return out + text("No graded-activity programme.") + "\n\n"
    p = s.programme
    rate = s.adherence.checkin_rate
    lines = [
        f"{p.activity} ({p.unit}), goal {number(p.goal)}, started {p.start_day.isoformat()}",
        f"Daily goal today: {number(s.quota_today)}; next: {number(s.next_quota)}",
        "Check-ins on "
        + ("-" if rate is None else f"{round(rate * 100)}%")
        + f" of {s.adherence.days} days",
    ]
    if s.last_decision is not None:
        d = s.last_decision
        lines.append(f"Last decision {d.day.isoformat()}: {d.clinician_note}")
    return out + bullets(lines) + "\n"


def _alerts(s: ProgressSummary) -> str:
    out = "== Open alerts\n"
    if not s.alerts:
        return out + text("None.") + "\n"
    return out + bullets(f"{a.severity}: {a.message}" for a in s.alerts)


def progress_source(summary: ProgressSummary, *, head: str) -> str:
    return "".join(
        [
            head,
            outcomes_section(summary),
            _pain_course(summary),
            _activity(summary),
            _alerts(summary),
        ]
    )


def _build(call: Call) -> bytes:
    patient = call.the_patient
    today = call.ctx.clock.today()
    summary = build_summary(call.uow, patient, today)
    call.audit_detail["outcomes"] = len(summary.outcomes)
    head = header(
        "Progress report",
        patient,
        printed_on=today.isoformat(),
        lines=[f"Week {number(summary.week)} of the programme"] if summary.programme else [],
    )
    return render_pdf(progress_source(summary, head=head), title="Progress report")


@operation(Access.PATIENT_CLINICAL, audit="document.progress")
def progress_pdf(call: Call, *, patient_id: str) -> bytes:
    """The progress report as PDF bytes (clinicians of the patient's clinic)."""
    return _build(call)


def system_progress_pdf(ctx: ServiceContext, *, patient_id: str) -> bytes:
    """The same report for ``painpath report progress`` (audited as a system action)."""
    return for_console(ctx, patient_id=patient_id, action="cli.report.progress", build=_build)
