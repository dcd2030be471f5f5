"""The home-program sheet: the signed plan's exercises (drawing, dose, days, cues, precautions),
the plan's pain guidance (domain.planning.pain_guidance, the one source of that number), the
flare-up plan and when to get help. The patient's own words, in plain language."""

from __future__ import annotations

from painpath.adapters.reports.typst_pdf import render_pdf, svg_image, text
from painpath.domain.access import Access
from painpath.domain.errors import NotFound
from painpath.services.assessment.program import HomeProgram, build_home_program
from painpath.services.context import Call, ServiceContext, operation
from painpath.services.documents._console import for_console

__all__ = ["program_pdf", "program_source", "system_program_pdf"]

GET_HELP = (
    "Call the clinic if a flare-up has not settled after a week, or if you are worried about "
    "your pain. Get help at once for any new warning sign."
)


def _bullets(lines: tuple[str, ...] | list[str]) -> str:
    return "".join(f"- {text(line)}\n" for line in lines)


def _exercises(program: HomeProgram) -> str:
    parts: list[str] = []
    for n, ex in enumerate(program.exercises, start=1):
        details = [
            f"=== {text(f'{n}. {ex.name}')}\n",
            f"{text(ex.purpose)}\n\n",
            f"*How much:* {text(ex.dose)}\\\n",
            f"*Which days:* {text(ex.day_names)}\n\n",
        ]
        if ex.cues:
            details.append(f"*How to do it:*\n{_bullets(ex.cues)}\n")
        if ex.precautions:
            details.append(f"*Take care:*\n{_bullets(ex.precautions)}\n")
        if ex.note:
            details.append(f"*From your therapist:* {text(ex.note)}\n\n")
        body = "".join(details)
        parts.append(
            "#block(breakable: false, width: 100%)[\n"
            "#grid(columns: (3.8cm, 1fr), gutter: 0.6cm,\n"
            f"[{svg_image(ex.svg)}],\n"
            f"[\n{body}])\n]\n"
        )
    return "".join(parts)


def program_source(program: HomeProgram, *, patient_name: str, printed_on: str) -> str:
    """The Typst markup of the sheet (user text only through ``text``)."""
    out = [
        f"= {text('Your home program')}\n",
        f"{text(patient_name)} #h(1fr) {text(f'printed {printed_on}')}\\\n",
        f"{text(f'Plan version {program.version}, signed by {program.signed_by}')}\n\n",
        "== How much pain is okay\n",
        f"#block(stroke: 0.8pt, inset: 8pt, width: 100%)[{text(program.pain_guide)}]\n\n",
    ]
    if program.exercises:
        out.append("== Your exercises\n")
        out.append(_exercises(program))
    if program.activities:
        out.append("== Building up your activity\n")
        for activity in program.activities:
            out.append(f"*{text(activity.title)}*\\\n{text(activity.details)}\n\n")
    if program.flare_plan:
        out.append("== If you have a flare-up\n")
        out.append(f"{text(program.flare_plan)}\n\n")
    out.append("== When to get help\n")
    if program.safety_net:
        out.append(_bullets(program.safety_net))
    out.append(f"{text(GET_HELP)}\n")
    return "".join(out)


def _build(call: Call) -> bytes:
    patient = call.the_patient
    program = build_home_program(call, patient.id)
    if program is None:
        raise NotFound("there is no signed plan to print yet")
    call.audit_detail["version"] = program.version
    source = program_source(
        program,
        patient_name=patient.display_name,
        printed_on=call.ctx.clock.today().isoformat(),
    )
    return render_pdf(source, title="Home program")


@operation(Access.PATIENT_READ, audit="document.program")
def program_pdf(call: Call, *, patient_id: str) -> bytes:
    """The home-program sheet of the patient's signed plan as PDF bytes."""
    return _build(call)


def system_program_pdf(ctx: ServiceContext, *, patient_id: str) -> bytes:
    """The same sheet for ``painpath report program`` (audited as a system action)."""
    return for_console(ctx, patient_id=patient_id, action="cli.report.program", build=_build)
