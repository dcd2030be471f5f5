"""``painpath progress`` (one patient's graded-activity status) and ``painpath simulate``
(a synthetic cohort run through the real engine and services into the database)."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

import typer

if TYPE_CHECKING:
    from painpath.bootstrap import Container


def register(app: typer.Typer) -> None:
    app.command("progress")(progress)
    app.command("simulate")(simulate)


def _container() -> Container:
    from painpath.bootstrap import build_container
    from painpath.config import Settings

    return build_container(Settings(), worker_threads=0)


def progress(
    patient_id: str = typer.Argument(..., help="The patient's id."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Current quota, last decision and its reason, outcome changes and open alerts."""
    from painpath.cli._common import cli_errors, print_json
    from painpath.services.progress import summary_to_dict, system_progress_summary

    with cli_errors():
        container = _container()
        summary = system_progress_summary(container.context(), patient_id=patient_id)
    data = summary_to_dict(summary)
    brief = {
        "patient_id": data["patient_id"],
        "today": data["today"],
        "programme": data["programme"],
        "quota_today": data["quota_today"],
        "next_quota": data["next_quota"],
        "last_decision": data["last_decision"],
        "adherence": data["adherence"],
        "outcomes": data["outcomes"],
        "alerts": data["alerts"],
        "what_to_expect": data["what_to_expect"],
    }
    if as_json:
        print_json(brief)
        return
    _print_text(brief)


def _print_text(brief: dict[str, Any]) -> None:
    def fmt(value: float | None) -> str:
        return "-" if value is None else f"{round(value, 1):g}"

    programme = brief["programme"]
    if programme:
        typer.echo(
            f"programme: {programme['activity']} ({programme['unit']}), goal {programme['goal']:g}"
        )
    typer.echo(f"quota today: {fmt(brief['quota_today'])}; next: {fmt(brief['next_quota'])}")
    last = brief["last_decision"]
    if last:
        typer.echo(f"last decision {last['day']}: {last['action']} - {last['clinician_note']}")
        typer.echo(f"  reason: {last['reason']}")
    for outcome in brief["outcomes"]:
        typer.echo(
            f"{outcome['instrument']}: {outcome['baseline']:g} -> {outcome['latest']:g} "
            f"({outcome['category'] or 'one measurement'})"
        )
    for alert in brief["alerts"]:
        typer.echo(f"ALERT [{alert['severity']}] {alert['code']}: {alert['message']}")
    if not brief["alerts"]:
        typer.echo("no open alerts")


def simulate(
    patients: int = typer.Option(5, "--patients", min=1, max=500, help="Cohort size."),
    weeks: int = typer.Option(8, "--weeks", min=1, max=104, help="Weeks of daily check-ins."),
    seed: int = typer.Option(1, "--seed", help="Random seed (same seed, same cohort)."),
    as_json: bool = typer.Option(False, "--json", help="Print the whole course as JSON."),
) -> None:
    """Run synthetic patients through the real services and engine into the database."""
    from painpath.cli._common import cli_errors, print_json
    from painpath.demo._cohort import run_cohort

    with cli_errors():
        container = _container()
        total = patients * weeks * 7
        with typer.progressbar(
            length=total, label="simulating", file=sys.stderr, show_pos=True
        ) as bar:
            result = run_cohort(
                container, patients=patients, weeks=weeks, seed=seed, progress=bar.update
            )
    if as_json:
        print_json(result)
        return
    for p in result["patients"]:
        last = p["days"][-1]["decision"]
        typer.echo(
            f"{p['patient_id']} {p['archetype']}: {p['checkins']} check-ins, quota "
            f"{last['quota_after']}, last decision {last['action']}"
        )
