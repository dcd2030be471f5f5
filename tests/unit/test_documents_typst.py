"""Typst typesetting of the home-program sheet: user text cannot change the markup."""

from __future__ import annotations

import io
import re
from datetime import date

import pypdf
import pytest

from painpath.adapters.reports.typst_pdf import render_pdf, svg_image, text
from painpath.domain.planning.illustration import Pose, View, render_svg
from painpath.domain.planning.pain_guidance import pain_guidance
from painpath.domain.types import Irritability
from painpath.services.assessment.program import HomeProgram, ProgramExercise
from painpath.services.documents.charts import pain_course_svg, score_series_svg
from painpath.services.documents.program import program_source

NASTY = "Zoë #set * $x$ [a] \\ _b_ @ref <lab> // not a comment\n= not a heading\n- not a list"


def _text(pdf: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages)


def _flat(s: str) -> str:
    return " ".join(s.split())


@pytest.mark.parametrize("value", [NASTY, '"quoted" \\" end', "#);]}", "a\tb"])
def test_user_text_is_printed_verbatim(value: str) -> None:
    pdf = render_pdf(f"Before {text(value)}.after", title=value)
    assert pdf.startswith(b"%PDF")
    assert _flat(f"Before {value}.after") in _flat(_text(pdf))


def test_home_program_sheet_has_name_exercise_guidance_flare_plan_and_safety_net() -> None:
    guidance = pain_guidance(Irritability.HIGH)
    exercise = ProgramExercise(
        item_id="ex-1",
        exercise_id="clamshell",
        name="Clamshell [left] #1",
        purpose="Wakes up the hip.",
        dose="2 sets of 8, 3 times a week.",
        cues=("Lie on your side.",),
        common_errors=(),
        precautions=(guidance.sentence,),
        equipment=(),
        svg=render_svg(Pose(View.SIDE, {}, {}), title="Clamshell"),
        note="Use a pillow *under* your head",
        weekdays=(0, 2, 4),
    )
    program = HomeProgram(
        signed_by="Dr_Who @clinic",
        signed_at=None,
        version=3,
        pain_guidance=guidance,
        exercises=(exercise,),
        lessons=(),
        activities=(),
        flare_plan="Do a bit less for a day or two.",
        safety_net=("Go to the emergency department now if your legs get weak.",),
    )
    source = program_source(program, patient_name=NASTY, printed_on="2026-12-05")
    words = _flat(_text(render_pdf(source, title="Home program")))
    for expected in (
        NASTY,
        "Clamshell [left] #1",
        guidance.sentence,
        "2 sets of 8, 3 times a week.",
        "Monday, Wednesday, Friday",
        "Use a pillow *under* your head",
        "signed by Dr_Who @clinic",
        "Do a bit less for a day or two.",
        "Go to the emergency department now if your legs get weak.",
    ):
        assert _flat(expected) in words, expected


def test_pain_chart_draws_each_week_over_the_expected_band_and_typesets() -> None:
    weekly = [(0.0, 6.0), (1.0, 5.5), (2.0, 4.0)]
    band = [(float(w), 3.0 - w * 0.5, 7.0 - w * 0.5) for w in range(4)]
    svg = pain_course_svg(weekly, band)
    polyline = re.search(r'<polyline[^>]*points="([^"]+)"', svg)
    assert polyline and len(polyline.group(1).split()) == len(weekly)
    assert svg.count("<circle") == len(weekly) and "<polygon" in svg
    # week 0 at pain 6 sits above week 2 at pain 4 (SVG y grows downwards)
    ys = [float(p.split(",")[1]) for p in polyline.group(1).split()]
    assert ys[0] < ys[2]
    assert render_pdf(svg_image(svg, width_cm=10), title="chart").startswith(b"%PDF")


def test_score_chart_spaces_points_by_date() -> None:
    series = [(date(2026, 1, 1), 3.0), (date(2026, 1, 2), 5.0), (date(2026, 1, 31), 7.0)]
    svg = score_series_svg(series, y_max=10)
    points = re.search(r'points="([^"]+)"', svg)
    assert points
    xs = [float(p.split(",")[0]) for p in points.group(1).split()]
    assert xs[1] - xs[0] < xs[2] - xs[1]  # one day apart versus 29 days apart
    assert render_pdf(svg_image(svg), title="chart").startswith(b"%PDF")


def test_score_chart_draws_the_important_change_line_at_its_score() -> None:
    series = [(date(2026, 1, 1), 2.0), (date(2026, 2, 1), 6.0)]
    svg = score_series_svg(series, y_max=10, threshold=4.0)
    dashed = re.search(r'<line x1="[^"]+" y1="([^"]+)"[^>]*stroke-dasharray', svg)
    points = re.search(r'points="([^"]+)"', svg)
    assert dashed and points
    ys = [float(p.split(",")[1]) for p in points.group(1).split()]
    assert ys[1] < float(dashed.group(1)) < ys[0]  # 4 lies between the scores 2 and 6
