"""One pain guidance: for every example plan, everything the patient can read about acceptable
pain (home program, exercise precautions, flare-up plan, every lesson, the check-in) states the
same limit, the one in the plan's dosing. Read from the pages the patient really gets."""

from __future__ import annotations

import dataclasses
import html
import re
from datetime import datetime
from pathlib import Path

import pytest

from painpath.adapters.case_file import load_case
from painpath.adapters.library import load_exercises, load_lessons
from painpath.domain.assessment.reasoning import evaluate_case
from painpath.domain.planning import Plan, build_plan
from painpath.domain.records import RecordKind
from painpath.services.assessment.codec import plan_to_payload
from painpath.services.assessment.records import PLAN_KEY
from tests.conftest import World, api_client

EXAMPLES = sorted(
    p for p in (Path(__file__).parents[2] / "examples").glob("*.yaml") if "urgent" not in p.name
)
# "... pain ... 5 out of 10 ..." / "0-2/10" / "0 to 2 out of 10": a limit on acceptable pain.
_LIMIT = re.compile(r"(\d+)\s*(?:out of 10|/\s*10)")
_ABOUT_PAIN_LIMIT = re.compile(r"\b(okay|fine|acceptable|keep|safe|up to|or lower)\b", re.I)


def _plan(case: Path) -> Plan:
    loaded = load_case(case)
    day = loaded.assessed_on
    assert day is not None
    picture = evaluate_case(loaded.intake, loaded.examination, loaded.scores, today=day)
    plan = build_plan(picture, load_exercises(), load_lessons(), start_date=day)
    return dataclasses.replace(plan, signed_by="Dr Test", signed_at=datetime(2026, 1, 5, 9, 0))


def _sentences(page: str) -> list[str]:
    body = page.split("<main", 1)[-1].split("</main>", 1)[0]
    text = html.unescape(re.sub(r"<[^>]+>", " ", body))
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+|\n", text) if s.strip()]


def pain_limits(page: str) -> list[tuple[str, set[int]]]:
    """Each sentence about acceptable pain, with the 0-10 numbers it names as the limit."""
    found = []
    for sentence in _sentences(page):
        if "pain" in sentence.lower() and _ABOUT_PAIN_LIMIT.search(sentence):
            numbers = {int(n) for n in _LIMIT.findall(sentence)}
            if numbers:
                found.append((sentence, numbers))
    return found


def test_the_extractor_finds_a_contradiction() -> None:
    page = (
        "<main><p>Keep pain at 2 out of 10 or lower.</p>"
        "<p>Pain up to 5 out of 10 is fine.</p><p>Rate your pain 0 to 10.</p></main>"
    )
    assert set().union(*(n for _, n in pain_limits(page))) == {2, 5}


@pytest.mark.parametrize("case", EXAMPLES, ids=lambda p: p.stem)
def test_every_patient_text_gives_the_plans_one_pain_limit(world: World, case: Path) -> None:
    plan = _plan(case)
    with world.container.uow() as uow:
        uow.records.add(
            kind=RecordKind.PLAN,
            patient_id=world.patient.id,
            payload=plan_to_payload(plan),
            natural_key=PLAN_KEY,
            created_by=world.clinician.user_id,
        )
        uow.commit()
    client, _ = api_client(world.container, "pat@a.test")
    pages = {
        "program": client.get("/me/program").text,
        "checkin": client.get("/me/checkin").text,
    }
    for lesson in load_lessons().all():
        pages[f"lesson {lesson.id}"] = client.get(f"/me/lessons/{lesson.id}").text
    expected = plan.pain_guidance.during_max
    seen = {k: pain_limits(v) for k, v in pages.items()}
    wrong = [(where, s, n) for where, found in seen.items() for s, n in found if n != {expected}]
    assert wrong == [], f"{case.stem}: the plan says {expected}/10"
    # The guidance is really there: program (guide and flare plan), check-in, two lessons.
    assert len(seen["program"]) >= 2 and seen["checkin"]
    assert seen["lesson hurt-vs-harm"] and seen["lesson why-movement-helps"]
    assert "[[" not in "".join(pages.values())


def test_without_a_signed_plan_no_number_is_promised(world: World) -> None:
    client, _ = api_client(world.container, "pat@a.test")
    for url in ("/me/checkin", "/me/lessons/hurt-vs-harm", "/me/lessons/why-movement-helps"):
        page = client.get(url).text
        assert pain_limits(page) == [], url
        assert "Your therapist will tell you how much is right for you" in page
