"""``painpath report {program,...} PATIENT_ID --out FILE.pdf``: the printable documents.

The same documents the chart offers for download, typeset by Typst; run by an operator at the
console and audited as a system action (ids only)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from painpath.bootstrap import Container

report_app = typer.Typer(help="Printable documents (PDF) for one patient.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(report_app, name="report")


def _container() -> Container:
    from painpath.bootstrap import build_container
    from painpath.config import Settings

    return build_container(Settings(), worker_threads=0)


def _write(out: Path, pdf: bytes) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(pdf)
    typer.echo(f"wrote {out} ({len(pdf)} bytes)")


PATIENT = typer.Argument(..., help="The patient's id.")
OUT = typer.Option(..., "--out", "-o", help="Where to write the PDF.", dir_okay=False)


@report_app.command("program")
def program(patient_id: str = PATIENT, out: Path = OUT) -> None:
    """The home-program sheet of the patient's signed plan."""
    from painpath.cli._common import cli_errors
    from painpath.services.documents import system_program_pdf

    with cli_errors():
        pdf = system_program_pdf(_container().context(), patient_id=patient_id)
    _write(out, pdf)


@report_app.command("evaluation")
def evaluation(patient_id: str = PATIENT, out: Path = OUT) -> None:
    """The initial evaluation: history, findings, reasoning (mechanism grades, flags), plan."""
    from painpath.cli._common import cli_errors
    from painpath.services.documents import system_evaluation_pdf

    with cli_errors():
        pdf = system_evaluation_pdf(_container().context(), patient_id=patient_id)
    _write(out, pdf)


@report_app.command("progress")
def progress(patient_id: str = PATIENT, out: Path = OUT) -> None:
    """The progress report: scores over time against the minimal important change, pain course."""
    from painpath.cli._common import cli_errors
    from painpath.services.documents import system_progress_pdf

    with cli_errors():
        pdf = system_progress_pdf(_container().context(), patient_id=patient_id)
    _write(out, pdf)


@report_app.command("discharge")
def discharge(patient_id: str = PATIENT, out: Path = OUT) -> None:
    """The discharge summary of the latest discharged episode."""
    from painpath.cli._common import cli_errors
    from painpath.services.documents import system_discharge_pdf

    with cli_errors():
        pdf = system_discharge_pdf(_container().context(), patient_id=patient_id)
    _write(out, pdf)
