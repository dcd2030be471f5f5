"""The JSON and HTML renderings of a picture and plan (adapter, no I/O)."""

from __future__ import annotations

import json
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reasoning_helpers import TODAY, exam, finding, intake, lessons, library, picture

from painpath.adapters.reports.assessment_html import (
    assessment_to_dict,
    render_assessment_html,
    to_data,
)
from painpath.domain.assessment.intake import Examination, Intake
from painpath.domain.assessment.reasoning import evaluate_case
from painpath.domain.planning import build_plan, referral_note
from strategies_reasoning import findings, intakes, score_maps


def test_to_data_converts_enums_dates_and_intenums() -> None:
    p = picture(intake(red_flags={"ces_bowel": True}))
    data = to_data(p)
    assert data["screening"]["urgency"] == "emergency"
    assert data["assessed_on"] == "2026-11-30"
    assert data["intake"]["pain_sites"][0]["region"] == "knee"
    json.dumps(data)  # plain JSON types only


def test_assessment_dict_adds_derived_fields() -> None:
    p = picture(intake(), exam(finding("compensation", "pelvic_drop")))
    plan = build_plan(p, library(), lessons(), start_date=TODAY)
    d = assessment_to_dict(p, plan, None)
    assert d["picture"]["screening"]["blocks_planning"] is False
    assert d["picture"]["mechanism"]["mechanisms"] == ["nociceptive"]
    assert d["plan"]["version"] == 1 and d["referral"] is None
    assert d["plan"]["items"][0]["kind"] == "goal"


def test_html_escapes_patient_text() -> None:
    p = picture(intake(goals=[{"name": "<b>run</b> & jump", "ability": 2}]))
    plan = build_plan(p, library(), lessons(), start_date=TODAY)
    page = render_assessment_html(p, plan, None, title="A & B")
    assert "<b>run" not in page and "&lt;b&gt;run&lt;/b&gt; &amp; jump" in page
    assert "<title>A &amp; B</title>" in page and "not yet signed" in page


SLOW = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SLOW
@given(intakes(), st.lists(findings(), max_size=5), score_maps())
def test_every_case_renders_to_json_and_html(i: Intake, fs: list, scores: dict) -> None:  # type: ignore[type-arg]
    p = evaluate_case(i, Examination(tuple(fs)), scores, today=date(2026, 1, 1))
    plan = None
    if not p.screening.blocks_planning:
        plan = build_plan(p, library(), lessons(), start_date=date(2026, 1, 1))
    referral = referral_note(p) if p.screening.red_flags else None
    json.dumps(assessment_to_dict(p, plan, referral))
    page = render_assessment_html(p, plan, referral)
    assert page.startswith("<!doctype html>") and "<script" not in page
    assert ("No plan" in page) == (plan is None)


@SLOW
@given(intakes(allow_urgent=False), st.lists(findings(), max_size=6), score_maps())
def test_real_library_plans_cite_resolving_evidence(i: Intake, fs: list, scores: dict) -> None:  # type: ignore[type-arg]
    from painpath.adapters.knowledge import load_evidence
    from painpath.adapters.library import load_exercises, load_lessons

    p = evaluate_case(i, Examination(tuple(fs)), scores, today=date(2026, 1, 1))
    plan = build_plan(p, load_exercises(), load_lessons(), start_date=date(2026, 1, 1))
    assert load_evidence().unresolved(k for item in plan.items for k in item.evidence) == []
    assert len({item.id for item in plan.items}) == len(plan.items)
