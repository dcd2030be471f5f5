"""``painpath assess CASE.yaml``: clinical picture and plan (or referral) for one case file."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from painpath.adapters.case_file import Case
    from painpath.domain.assessment.reasoning import ClinicalPicture
    from painpath.domain.planning import Plan

__all__ = ["assess_case", "register"]


def assess_case(
    loaded: Case, day: date | None = None
) -> tuple[ClinicalPicture, Plan | None, str | None]:
    """Picture, plan (None when an urgent or emergency red flag blocks planning) and referral
    (whenever a red flag is raised) for one loaded case: what ``painpath assess`` reports.
    The published-case suite (tests/clinical_cases) runs every case through this function."""
    from painpath.adapters.library import load_exercises, load_lessons
    from painpath.domain.assessment.reasoning import evaluate_case
    from painpath.domain.planning import build_plan, referral_note

    day = day or loaded.assessed_on or date.today()
    picture = evaluate_case(loaded.intake, loaded.examination, loaded.scores, today=day)
    plan = None
    if not picture.screening.blocks_planning:
        plan = build_plan(picture, load_exercises(), load_lessons(), start_date=day)
    referral = referral_note(picture) if picture.screening.red_flags else None
    return picture, plan, referral


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
    from painpath.adapters.reports.assessment_html import (
        assessment_to_dict,
        render_assessment_html,
    )
    from painpath.cli._common import cli_errors, print_json

    with cli_errors():
        loaded = load_case(case)
        picture, plan, referral = assess_case(loaded, _day(today))
        if html_out is not None:
            _write(html_out, render_assessment_html(picture, plan, referral, title=loaded.title))
        result = assessment_to_dict(picture, plan, referral)
        if as_json:
            print_json(result)
        else:
            typer.echo(_summary(result))


def register(app: typer.Typer) -> None:
    app.command("assess")(assess)
