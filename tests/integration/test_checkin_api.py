"""The JSON check-in API takes what the web check-in form takes: a declared flare-up with its
severity and duration, and pain-monitoring answers per monitored exercise (silbernagel2007).
Round trips through the API and the web form; impossible input is refused with nothing stored."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from painpath.domain.planning import PlanItemKind
from painpath.services import assessment as svc
from tests.conftest import World, api_client
from tests.integration.test_assessment_services import KNEE, KNEE_EXAM


def _signed_plan_with_monitoring(world: World) -> tuple[str, str]:
    """The knee case with a signed plan whose first exercise is under pain monitoring;
    (monitored exercise id, an exercise of the same plan that is not monitored)."""
    ctx = world.ctx(world.clinician)
    svc.save_intake(ctx, patient_id=world.patient.id, intake=KNEE)
    svc.save_examination(ctx, patient_id=world.patient.id, examination=KNEE_EXAM)
    view = svc.save_plan(ctx, patient_id=world.patient.id)
    monitored, other = (i.id for i in view.plan.of_kind(PlanItemKind.EXERCISE)[:2])
    assert view.record_id is not None
    view = svc.edit_plan(
        ctx,
        patient_id=world.patient.id,
        record_id=view.record_id,
        expected_version=view.version,
        changes=svc.PlanEdits(monitoring={monitored: True}),
        reason="loading programme: watch the pain response",
    )
    assert view.record_id is not None
    svc.sign_plan(
        ctx, patient_id=world.patient.id, record_id=view.record_id, expected_version=view.version
    )
    return monitored, other


@pytest.fixture
def setup(world: World) -> tuple[TestClient, str, str, str, str]:
    """(patient's client, csrf, check-ins url, monitored exercise, unmonitored exercise)."""
    monitored, other = _signed_plan_with_monitoring(world)
    client, csrf = api_client(world.container, "pat@a.test")
    return client, csrf, f"/api/v1/patients/{world.patient.id}/checkins", monitored, other


def _body(day: str, **extra: Any) -> dict[str, Any]:
    return {"day": day, "pain_now": 3, "pain_worst": 6, "quota_done": 10} | extra


def test_flare_and_pain_monitoring_answers_round_trip(
    world: World, setup: tuple[TestClient, str, str, str, str]
) -> None:
    client, csrf, url, monitored, _ = setup
    today = world.container.clock.today()
    yesterday = (today - timedelta(days=1)).isoformat()
    sent = _body(
        yesterday,
        flare=True,
        flare_severity=3,
        flare_days=2,
        exercise_pain=[{"exercise_id": monitored, "pain_during": 7, "morning_pain": 2.5}],
    )
    resp = client.post(url, json=sent, headers={"x-csrf-token": csrf})
    assert resp.status_code == 201, resp.text
    stored = resp.json()
    expected_answers = [{"exercise_id": monitored, "pain_during": 7.0, "morning_pain": 2.5}]
    assert (stored["flare"], stored["flare_severity"], stored["flare_days"]) == (True, 3, 2)
    assert stored["exercise_pain"] == expected_answers
    (listed,) = client.get(url).json()
    assert listed == stored  # what is read back is what was stored
    # A severe flare starts a 3-day set-back (graded-activity engine) only with a programme;
    # the exercise answer reaches that exercise's pain monitoring: 7/10 is above 5/10.
    progress = client.get(url.replace("/checkins", "/progress")).json()
    (exercise,) = progress["monitoring"]
    assert exercise["item_id"] == monitored
    assert [r["during"] for r in exercise["reports"]] == [7.0]
    assert exercise["decisions"][-1]["rule_id"] == "PM-DURING"
    # The web form opens that day with the API's answers.
    form = client.get(f"/me/checkin?day={yesterday}").text
    assert 'name="flare" value="yes" checked' in form
    assert 'name="flare_severity" value="3" checked' in form
    assert 'name="flare_days" type="number"' in form and 'value="2"' in form
    assert f'name="ex_during:{monitored}" value="7"' in form
    # A second version may drop the flare and answer only the morning: no leftovers.
    again = _body(yesterday, exercise_pain=[{"exercise_id": monitored, "morning_pain": 1}])
    resp = client.post(url, json=again, headers={"x-csrf-token": csrf})
    assert resp.status_code == 201, resp.text
    second = resp.json()
    assert second["version"] == 2 and second["flare"] is False
    assert (second["flare_severity"], second["flare_days"]) == (None, None)
    assert second["exercise_pain"] == [
        {"exercise_id": monitored, "pain_during": None, "morning_pain": 1.0}
    ]


def test_openapi_documents_the_new_fields(world: World) -> None:
    from painpath.web.app import create_app

    spec = create_app(world.container.settings, container=world.container).openapi()
    schemas = spec["components"]["schemas"]
    create = schemas["CheckinCreate"]["properties"]
    assert {"flare_severity", "flare_days", "exercise_pain"} <= set(create)
    severity = create["flare_severity"]["anyOf"][0]
    assert (severity["minimum"], severity["maximum"]) == (1, 3)
    days = create["flare_days"]["anyOf"][0]
    assert (days["minimum"], days["maximum"]) == (1, 60)
    answer = schemas["ExercisePainAnswer"]["properties"]
    assert set(answer) == {"exercise_id", "pain_during", "morning_pain"}
    during = answer["pain_during"]["anyOf"][0]
    assert (during["minimum"], during["maximum"]) == (0, 10)
    assert "description" in answer["pain_during"] and "description" in create["flare_days"]
    public = schemas["CheckinPublic"]["properties"]
    assert {"flare_severity", "flare_days", "exercise_pain"} <= set(public)
    post = spec["paths"]["/api/v1/patients/{patient_id}/checkins"]["post"]
    assert {"201", "400", "422"} <= set(post["responses"])
    assert "flare" in post["description"] and "pain monitoring" in post["description"]


MONITORED = "{monitored}"
OTHER = "{other}"


@pytest.mark.parametrize(
    ("extra", "status", "words"),
    [
        ({"flare": True, "flare_severity": 4}, 422, "flare_severity"),
        ({"flare": True, "flare_severity": 0}, 422, "flare_severity"),
        ({"flare": True, "flare_severity": 2.5}, 422, "flare_severity"),
        ({"flare": True, "flare_severity": True}, 422, "flare_severity"),
        ({"flare": True, "flare_severity": "2"}, 422, "flare_severity"),
        ({"flare": True, "flare_days": 61}, 422, "flare_days"),
        ({"flare": True, "flare_days": 0}, 422, "flare_days"),
        ({"flare_severity": 2}, 422, "flare_severity only with flare: true"),
        ({"flare": False, "flare_days": 3}, 422, "flare_days only with flare: true"),
        ({"exercise_pain": [{"exercise_id": MONITORED, "pain_during": 11}]}, 422, "pain_during"),
        ({"exercise_pain": [{"exercise_id": MONITORED, "morning_pain": -1}]}, 422, "morning"),
        ({"exercise_pain": [{"exercise_id": MONITORED}]}, 422, "give pain_during"),
        (
            {
                "exercise_pain": [
                    {"exercise_id": MONITORED, "pain_during": None, "morning_pain": None}
                ]
            },
            422,
            "give pain_during",
        ),
        (
            {
                "exercise_pain": [
                    {"exercise_id": MONITORED, "pain_during": 2},
                    {"exercise_id": MONITORED, "morning_pain": 2},
                ]
            },
            422,
            "one answer per exercise",
        ),
        ({"exercise_pain": [{"exercise_id": "heel-raise", "pain_during": 2}]}, 422, "exercise_id"),
        (
            {"exercise_pain": [{"exercise_id": MONITORED, "pain_during": 2, "sets": 3}]},
            422,
            "sets",
        ),
        ({"exercise_pain": {"exercise_id": MONITORED}}, 422, "exercise_pain"),
        (
            {"exercise_pain": [{"exercise_id": OTHER, "pain_during": 2}]},
            400,
            "not under pain monitoring",
        ),
        (
            {"exercise_pain": [{"exercise_id": "exercise.not-in-the-plan", "morning_pain": 1}]},
            400,
            "exercise.not-in-the-plan is not under pain monitoring",
        ),
    ],
)
def test_impossible_answers_are_refused_and_nothing_is_stored(
    world: World,
    setup: tuple[TestClient, str, str, str, str],
    extra: dict[str, Any],
    status: int,
    words: str,
) -> None:
    client, csrf, url, monitored, other = setup
    raw = json.dumps(_body(world.container.clock.today().isoformat(), **extra))
    raw = raw.replace(MONITORED, monitored).replace(OTHER, other)
    resp = client.post(
        url, content=raw, headers={"x-csrf-token": csrf, "content-type": "application/json"}
    )
    assert resp.status_code == status, resp.text
    assert words in resp.json()["error"]["message"]
    assert client.get(url).json() == []


def test_not_a_number_is_refused(
    world: World, setup: tuple[TestClient, str, str, str, str]
) -> None:
    client, csrf, url, monitored, _ = setup
    day = world.container.clock.today().isoformat()
    raw = json.dumps(_body(day, exercise_pain=[{"exercise_id": monitored, "pain_during": 1}]))
    raw = raw.replace('"pain_during": 1', '"pain_during": NaN')
    resp = client.post(
        url, content=raw, headers={"x-csrf-token": csrf, "content-type": "application/json"}
    )
    assert resp.status_code in (400, 422), resp.text
    assert client.get(url).json() == []


def test_without_a_signed_plan_no_exercise_answers_are_taken(world: World) -> None:
    client, csrf = api_client(world.container, "pat@a.test")
    url = f"/api/v1/patients/{world.patient.id}/checkins"
    body = _body(
        world.container.clock.today().isoformat(),
        exercise_pain=[{"exercise_id": "exercise.single-heel-raise", "pain_during": 2}],
    )
    resp = client.post(url, json=body, headers={"x-csrf-token": csrf})
    assert resp.status_code == 400 and "not under pain monitoring" in resp.text
    assert client.get(url).json() == []
    # The same day without the answers is stored as usual.
    del body["exercise_pain"]
    assert client.post(url, json=body, headers={"x-csrf-token": csrf}).status_code == 201
