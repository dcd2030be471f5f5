"""``painpath assess CASE.yaml``: clinical picture and plan (or referral) for one case file."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import typer

__all__ = ["register"]


def _summary(result: dict[str, object]) -> str:
    picture = result["picture"]
    assert isinstance(picture, dict)
    lines = [f"red-flag urgency: {picture['screening']['urgency']}"]
    lines += [f"- {c['statement']}" for c in picture["conclusions"]]
    plan = result["plan"]
    if isinstance(plan, dict):
        lines.append(f"plan v{plan['version']}: {len(plan['items'])} items")
        lines += [f"  [{i['kind']}] {i['title']}" for i in plan["items"]]
    if result["referral"]:
        lines += ["", str(result["referral"])]
    return "\n".join(lines)


def _write(path: Path, page: str) -> None:
    from painpath.domain.errors import InvalidCase

    try:
        path.write_text(page, encoding="utf-8")
    except OSError as err:
        raise InvalidCase(f"cannot write {path}: {err.strerror or err}") from err


def _day(today: str | None) -> date | None:
    from painpath.domain.errors import InvalidCase

    try:
        return date.fromisoformat(today) if today else None
    except ValueError:
        raise InvalidCase(f"--today: {today!r} is not a date YYYY-MM-DD") from None


def assess(
    case: Path = typer.Argument(..., help="Case file (YAML): intake, examination, scores/answers."),
    as_json: bool = typer.Option(False, "--json", help="Print picture, plan and referral as JSON."),
    html_out: Path | None = typer.Option(None, "--html", help="Also write an HTML report here."),
    today: str | None = typer.Option(None, "--today", help="Assessment date YYYY-MM-DD."),
) -> None:
    """Reason over one case: red flags, mechanism, irritability, related regions -> plan."""
    from painpath.adapters.case_file import load_case
    from painpath.adapters.library import load_exercises, load_lessons
    from painpath.adapters.reports.assessment_html import (
        assessment_to_dict,
        render_assessment_html,
    )
    from painpath.cli._common import cli_errors, print_json
    from painpath.domain.assessment.reasoning import evaluate_case
    from painpath.domain.planning import build_plan, referral_note

    with cli_errors():
        day = _day(today)
        loaded = load_case(case)
        day = day or loaded.assessed_on or date.today()
        picture = evaluate_case(loaded.intake, loaded.examination, loaded.scores, today=day)
        plan = None
        if not picture.screening.blocks_planning:
            plan = build_plan(picture, load_exercises(), load_lessons(), start_date=day)
        referral = referral_note(picture) if picture.screening.red_flags else None
        if html_out is not None:
            _write(html_out, render_assessment_html(picture, plan, referral, title=loaded.title))
        result = assessment_to_dict(picture, plan, referral)
        if as_json:
            print_json(result)
        else:
            typer.echo(_summary(result))


def register(app: typer.Typer) -> None:
    app.command("assess")(assess)
