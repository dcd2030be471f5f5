"""Questionnaires through the real services on SQLite (and PostgreSQL with -m postgres):
assignments and what is due, validation, append-only corrections, history against MCID/MDC,
the FHIR bundle, and the pages and API that use them."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from painpath.adapters.fhir.instruments import answers_from_response, scores_from_observations
from painpath.adapters.instrument_catalogue import get_instrument
from painpath.bootstrap import Container
from painpath.demo import FixedClock
from painpath.demo.questionnaires import answers_for
from painpath.domain.accounts import Actor
from painpath.domain.errors import (
    Conflict,
    InvalidAnswers,
    InvalidInput,
    NotFound,
    PermissionDenied,
    UnknownInstrument,
)
from painpath.domain.outcomes.instruments import ChangeCategory, score
from painpath.domain.records import RecordKind
from painpath.services.context import ServiceContext
from painpath.services.questionnaires import (
    IncompleteAnswers,
    assign_instruments,
    correct_response,
    due_questionnaires,
    export_fhir_bundle,
    list_responses,
    questionnaire_form,
    response_history,
    submit_response,
    void_response,
)
from tests.conftest import World, api_client, build_world
from tests.wording_support import install_test_packs

TODAY = date(2026, 6, 15)


@pytest.fixture(autouse=True)
def _wording_packs(request: pytest.FixtureRequest) -> None:
    """These tests are about scheduling, scoring and storage, not wording: every instrument
    gets a test pack so the patient may fill it in (tests/integration/test_wording_packs.py
    covers the paper-only case)."""
    for name in ("container", "any_container"):
        if name in request.fixturenames:
            install_test_packs(request.getfixturevalue(name))


PAYLOAD_KEYS = {
    "not_applicable",
    "instrument",
    "answers",
    "valid",
    "total",
    "subscales",
    "band",
    "missing",
    "messages",
    "completed_on",
    "entered_by_role",
}


def on(world: World, actor: Actor | None, day: date = TODAY) -> ServiceContext:
    return replace(world.ctx(actor), clock=FixedClock(day))


def submit(world: World, actor: Actor, instrument: str, target: float, day: date, **kw):  # type: ignore[no-untyped-def]
    answers = answers_for(get_instrument(instrument), target)
    return submit_response(
        on(world, actor, day),
        patient_id=world.patient.id,
        instrument_id=instrument,
        answers=answers,
        completed_on=day,
        **kw,
    )


# -- assignments and due ---------------------------------------------------------------------


def test_assign_rejects_unknown_instruments_and_bad_schedules(world: World) -> None:
    ctx = on(world, world.clinician)
    with pytest.raises(UnknownInstrument, match="'xyz'"):
        assign_instruments(
            ctx,
            patient_id=world.patient.id,
            instruments=["odi", "xyz"],
            schedule_weeks=[0],
            start=TODAY,
        )
    with pytest.raises(InvalidInput, match="at least one week"):
        assign_instruments(
            ctx, patient_id=world.patient.id, instruments=["odi"], schedule_weeks=[], start=TODAY
        )
    with pytest.raises(InvalidInput, match="0 to 104"):
        assign_instruments(
            ctx,
            patient_id=world.patient.id,
            instruments=["odi"],
            schedule_weeks=[0, 200],
            start=TODAY,
        )
    with pytest.raises(PermissionDenied):  # assigning is clinical work
        assign_instruments(
            on(world, world.patient_actor),
            patient_id=world.patient.id,
            instruments=["odi"],
            schedule_weeks=[0],
            start=TODAY,
        )
    record = assign_instruments(
        ctx,
        patient_id=world.patient.id,
        instruments=["odi", "nprs"],
        schedule_weeks=[6, 0, 2, 2],
        start=TODAY,
    )
    assert dict(record.payload) == {
        "instruments": ["odi", "nprs"],
        "schedule_weeks": [0, 2, 6],
        "start": "2026-06-15",
    }


def test_due_overdue_upcoming_and_complete(world: World) -> None:
    start = TODAY - timedelta(weeks=4)  # time points at -4 w, -2 w and +2 w
    assign_instruments(
        on(world, world.clinician),
        patient_id=world.patient.id,
        instruments=["odi"],
        schedule_weeks=[0, 2, 6],
        start=start,
    )
    assign_instruments(
        on(world, world.clinician),
        patient_id=world.patient.id,
        instruments=["startback"],
        schedule_weeks=[0],
        start=TODAY - timedelta(days=2),
    )
    due = {
        d.instrument_id: d
        for d in due_questionnaires(on(world, world.patient_actor), patient_id=world.patient.id)
    }
    odi = due["odi"]
    assert (odi.status, odi.week, odi.due_on) == ("overdue", 2, start + timedelta(weeks=2))
    assert odi.next_on == start + timedelta(weeks=6) and odi.is_open
    assert due["startback"].status == "due"
    # A response two days before the week-2 point answers it; week 6 is then next.
    submit(world, world.patient_actor, "odi", 30, start + timedelta(weeks=2) - timedelta(days=2))
    submit_response(
        on(world, world.patient_actor),
        patient_id=world.patient.id,
        instrument_id="startback",
        answers=[0] * 9,
    )
    due = {
        d.instrument_id: d
        for d in due_questionnaires(on(world, world.clinician), patient_id=world.patient.id)
    }
    assert (due["odi"].status, due["odi"].due_on) == ("upcoming", start + timedelta(weeks=6))
    assert due["startback"].status == "complete" and not due["startback"].is_open
    later = on(world, world.clinician, start + timedelta(weeks=6))
    assert due_questionnaires(later, patient_id=world.patient.id)[0].status == "due"


# -- submitting: validation and the stored schema ----------------------------------------------


def test_submit_validates_every_item_and_names_it(world: World) -> None:
    ctx = on(world, world.patient_actor)
    answers: list[int | None] = [2] * 10
    answers[3], answers[6] = 9, None
    with pytest.raises(IncompleteAnswers) as caught:
        submit_response(ctx, patient_id=world.patient.id, instrument_id="odi", answers=answers)
    message = str(caught.value)
    label7 = get_instrument("odi").items[6].label
    assert "item 4" in message and "9 is not one of the choices (0, 1, 2, 3, 4, 5)" in message
    assert f"item 7 ({label7}): please choose an answer" in message
    assert set(caught.value.problems) == {4, 7}
    with pytest.raises(InvalidAnswers, match="expected 10 answers, got 3"):
        submit_response(ctx, patient_id=world.patient.id, instrument_id="odi", answers=[1, 2, 3])
    with pytest.raises(InvalidInput, match="future"):
        submit_response(
            ctx,
            patient_id=world.patient.id,
            instrument_id="nprs",
            answers=[3],
            completed_on=TODAY + timedelta(days=1),
        )
    with pytest.raises(IncompleteAnswers, match="name 3 to 5 activities"):
        submit_response(
            ctx,
            patient_id=world.patient.id,
            instrument_id="psfs",
            answers=[3, 4, 5],
            activities=["Stairs"],
        )
    with pytest.raises(PermissionDenied):
        submit_response(
            on(world, world.other_patient_actor),
            patient_id=world.patient.id,
            instrument_id="nprs",
            answers=[3],
        )
    assert list_responses(on(world, world.clinician), patient_id=world.patient.id) == []


def test_submit_stores_the_agreed_payload(world: World) -> None:
    answers = [3, 2, 2, 3, 1, 2, 2, 2, 2, 2]
    view = submit_response(
        on(world, world.patient_actor),
        patient_id=world.patient.id,
        instrument_id="odi",
        answers=answers,
    )
    with world.container.uow() as uow:
        record = uow.records.current(view.record_id)
    payload = dict(record.payload)
    assert set(payload) == PAYLOAD_KEYS
    expected = score(get_instrument("odi"), answers)
    assert payload["total"] == pytest.approx(expected.total) == pytest.approx(42.0)
    assert (payload["band"], payload["valid"], payload["missing"]) == (expected.band, True, [])
    assert payload["completed_on"] == TODAY.isoformat() and payload["answers"] == answers
    assert payload["entered_by_role"] == "patient"
    # A clinician entering a paper form with a gap: accepted, scored by the missing-item rule.
    paper = [*answers[:9], None]
    gap = submit_response(
        on(world, world.clinician),
        patient_id=world.patient.id,
        instrument_id="odi",
        answers=paper,
        allow_missing=True,
    )
    assert gap.entered_by_role == "clinician" and gap.missing == (10,)
    assert gap.total == pytest.approx(score(get_instrument("odi"), paper).total)


def test_psfs_keeps_activities_and_prefills_them(world: World) -> None:
    ctx = on(world, world.patient_actor)
    assign_instruments(
        on(world, world.clinician),
        patient_id=world.patient.id,
        instruments=["psfs"],
        schedule_weeks=[0],
        start=TODAY,
    )
    assert (
        questionnaire_form(ctx, patient_id=world.patient.id, instrument_id="psfs").activities == ()
    )
    with world.container.uow() as uow:  # the intake's goals prefill the first PSFS
        uow.records.add(
            kind=RecordKind.INTAKE,
            patient_id=world.patient.id,
            payload={"goals": [{"name": "run 5 km", "ability": 2}]},
            created_by=world.clinician.user_id,
        )
        uow.commit()
    prefill = questionnaire_form(ctx, patient_id=world.patient.id, instrument_id="psfs")
    assert prefill.activities == ("run 5 km",)
    view = submit_response(
        ctx,
        patient_id=world.patient.id,
        instrument_id="psfs",
        answers=[3, 4, 8, 2],
        activities=["Stairs", "Running", "Gardening", "Golf"],
    )
    assert view.total == pytest.approx(4.25) and view.activities == (
        "Stairs",
        "Running",
        "Gardening",
        "Golf",
    )
    form = questionnaire_form(ctx, patient_id=world.patient.id, instrument_id="psfs")
    assert form.assigned and form.activities == ("Stairs", "Running", "Gardening", "Golf")
    with pytest.raises(NotFound):
        questionnaire_form(ctx, patient_id=world.patient.id, instrument_id="nope")


# -- append-only corrections ---------------------------------------------------------------


def test_correction_is_a_new_version_and_void_keeps_the_record(any_container: Container) -> None:
    world = build_world(any_container)
    first = submit(world, world.patient_actor, "odi", 42, TODAY)
    clinician = on(world, world.clinician)
    fixed = answers_for(get_instrument("odi"), 36)
    with pytest.raises(PermissionDenied):
        correct_response(
            on(world, world.patient_actor),
            patient_id=world.patient.id,
            record_id=first.record_id,
            expected_version=1,
            answers=fixed,
            reason="x",
        )
    with pytest.raises(InvalidInput, match="needs a reason"):
        correct_response(
            clinician,
            patient_id=world.patient.id,
            record_id=first.record_id,
            expected_version=1,
            answers=fixed,
            reason=" ",
        )
    second = correct_response(
        clinician,
        patient_id=world.patient.id,
        record_id=first.record_id,
        expected_version=1,
        answers=fixed,
        reason="item 3 misread",
    )
    assert (second.version, second.total, second.change_reason) == (2, 36.0, "item 3 misread")
    assert second.entered_by_role == "patient"  # the answers are still the patient's
    with pytest.raises(Conflict):
        correct_response(
            clinician,
            patient_id=world.patient.id,
            record_id=first.record_id,
            expected_version=1,
            answers=fixed,
            reason="stale",
        )
    with any_container.uow() as uow:
        versions = uow.records.history(first.record_id)
    assert [v.payload["total"] for v in versions] == [42.0, 36.0]
    assert [v.is_current for v in versions] == [False, True]
    with pytest.raises(NotFound):  # a record of another patient is not reachable this way
        void_response(
            clinician,
            patient_id=world.other_patient.id,
            record_id=first.record_id,
            expected_version=2,
            reason="x",
        )
    void_response(
        clinician,
        patient_id=world.patient.id,
        record_id=first.record_id,
        expected_version=2,
        reason="wrong patient",
    )
    assert list_responses(clinician, patient_id=world.patient.id) == []
    with any_container.uow() as uow:
        current = uow.records.current(first.record_id)
        actions = [e.action for e in uow.audit.search(patient_id=world.patient.id)]
    assert current.voided and current.void_reason == "wrong patient"
    assert {"response.submit", "response.correct", "response.void"} <= set(actions)


# -- history and change interpretation -----------------------------------------------------


def test_history_interprets_change_against_mcid_and_mdc(world: World) -> None:
    start = TODAY - timedelta(weeks=6)
    for week, odi, nprs in ((0, 42, 6), (2, 36, 5), (6, 30, 8)):
        day = start + timedelta(weeks=week)
        submit(world, world.patient_actor, "odi", odi, day)
        submit(world, world.patient_actor, "nprs", nprs, day)
    submit(world, world.patient_actor, "pcs", 32, start)
    histories = {
        h.instrument.id: h
        for h in response_history(on(world, world.clinician), patient_id=world.patient.id)
    }
    odi = histories["odi"]
    assert [p.total for p in odi.points] == [42.0, 36.0, 30.0]
    assert odi.points[0].from_baseline is None and odi.points[0].band_label == "Severe disability"
    assert odi.points[1].from_baseline.category is ChangeCategory.WITHIN_ERROR  # 6 < MDC 10
    last = odi.points[2]
    assert last.from_baseline.category is ChangeCategory.IMPROVED
    assert last.from_baseline.delta == pytest.approx(-12.0)
    assert "10-point rule" in last.from_baseline.rule_applied
    assert last.from_previous.category is ChangeCategory.WITHIN_ERROR
    assert odi.responder is True and odi.baseline == 42.0 and odi.latest == 30.0
    nprs = histories["nprs"]
    assert nprs.points[2].from_baseline.category is ChangeCategory.WORSENED  # 6 -> 8
    assert nprs.points[2].from_previous.category is ChangeCategory.WORSENED  # 5 -> 8
    assert nprs.responder is False
    pcs = histories["pcs"]  # a screen without MCID: shown, never interpreted
    assert pcs.points[0].from_baseline is None and pcs.responder is None
    only = response_history(
        on(world, world.patient_actor), patient_id=world.patient.id, instrument_id="nprs"
    )
    assert [h.instrument.id for h in only] == ["nprs"]


# -- FHIR ----------------------------------------------------------------------------------


def test_fhir_bundle_validates_and_round_trips(world: World) -> None:
    odi = submit(world, world.patient_actor, "odi", 42, TODAY - timedelta(days=14))
    pcs = submit(world, world.patient_actor, "pcs", 32, TODAY)
    voided = submit(world, world.patient_actor, "nprs", 5, TODAY)
    void_response(
        on(world, world.clinician),
        patient_id=world.patient.id,
        record_id=voided.record_id,
        expected_version=1,
        reason="duplicate",
    )
    raw = export_fhir_bundle(on(world, world.patient_actor), patient_id=world.patient.id)
    bundle = Bundle.model_validate(raw)
    assert bundle.type == "collection"
    kinds = [e.resource.get_resource_type() for e in bundle.entry]
    assert kinds.count("Questionnaire") == 2 and kinds.count("QuestionnaireResponse") == 2
    assert kinds.count("Observation") == 1 + 4  # ODI total; PCS total and three subscales
    by_id = {e.resource.id: e.resource for e in bundle.entry}
    for view in (odi, pcs):
        qr = by_id[view.record_id]
        assert isinstance(qr, QuestionnaireResponse)
        assert qr.subject.reference == f"Patient/{world.patient.id}"
        instrument = get_instrument(view.instrument_id)
        assert answers_from_response(instrument, qr) == list(view.answers)
        observations = [
            r
            for r in by_id.values()
            if isinstance(r, Observation)
            and r.derivedFrom[0].reference == f"QuestionnaireResponse/{view.record_id}"
        ]
        scores = scores_from_observations(observations)
        assert scores["total"] == pytest.approx(view.total)
        assert {k: scores[k] for k in view.subscales} == pytest.approx(dict(view.subscales))
    assert voided.record_id not in by_id
    with pytest.raises(PermissionDenied):
        export_fhir_bundle(on(world, world.other_clinician), patient_id=world.patient.id)


# -- pages and API -------------------------------------------------------------------------


def _signed_in(world: World, email: str) -> tuple[TestClient, str]:
    return api_client(world.container, email, follow_redirects=True)


def test_patient_form_flags_missing_answers_and_thanks_in_plain_words(world: World) -> None:
    today = world.container.clock.today()
    assign_instruments(
        world.ctx(world.clinician),
        patient_id=world.patient.id,
        instruments=["odi", "nprs"],
        schedule_weeks=[0, 4],
        start=today,
    )
    client, csrf = _signed_in(world, "pat@a.test")
    home = client.get("/me")
    assert "Questionnaires to complete" in home.text and "/me/questionnaires" in home.text
    page = client.get("/me/questionnaires/odi")
    assert page.status_code == 200 and "0 of 10 answered" in page.text
    assert 'data-keep="q-' in page.text and "data-retry" in page.text
    # The installed pack's wording and answer labels, never the topic summaries
    assert "Test wording odi item 1" in page.text and "test choice 5" in page.text
    assert "Pain intensity" not in page.text and "Complete limitation" not in page.text
    assert "test: not applicable" in page.text  # section 8's own "not applicable" choice
    form = {"csrf_token": csrf, **{f"item-{n}": "2" for n in range(1, 11) if n != 5}}
    bad = client.post("/me/questionnaires/odi", data=form)
    assert bad.status_code == 400
    assert re.search(r'id="item-5" class="q-item has-problem"', bad.text)
    assert 'id="item-4" class="q-item"' in bad.text
    assert re.search(r'name="item-4" value="2" data-item checked', bad.text)  # answers kept
    assert 'name="skip_empty"' in bad.text  # the patient may choose to leave it out
    form["item-5"] = "3"
    ok = client.post("/me/questionnaires/odi", data=form, follow_redirects=False)
    assert ok.status_code == 303 and ok.headers["location"].startswith(
        "/me/questionnaires/odi/done"
    )
    thanks = client.get(ok.headers["location"])
    assert "Thank you" in thanks.text and "starting point" in thanks.text
    assert "42 out of 100" in thanks.text
    assert "Severe disability" not in thanks.text and "severe" not in thanks.text  # no band jargon
    assert client.get("/me/questionnaires/pcs").status_code == 404  # not assigned


def test_chart_tab_api_and_fhir_download(world: World) -> None:
    start = world.container.clock.today() - timedelta(weeks=2)
    submit_response(
        replace(world.ctx(world.patient_actor), clock=FixedClock(start)),
        patient_id=world.patient.id,
        instrument_id="nprs",
        answers=[7],
        completed_on=start,
    )
    client, csrf = _signed_in(world, "clin@a.test")
    assigned = client.post(
        f"/patients/{world.patient.id}/questionnaires/assign",
        data={
            "csrf_token": csrf,
            "instrument": ["nprs", "odi"],
            "preset": "standard",
            "start": start.isoformat(),
        },
        follow_redirects=False,
    )
    assert assigned.status_code == 303
    created = client.post(
        f"/api/v1/patients/{world.patient.id}/responses",
        json={"instrument": "nprs", "answers": [3]},
        headers={"x-csrf-token": csrf},
    )
    assert created.status_code == 201 and created.json()["total"] == 3.0
    bad = client.post(
        f"/api/v1/patients/{world.patient.id}/responses",
        json={"instrument": "nprs", "answers": [11]},
        headers={"x-csrf-token": csrf},
    )
    assert bad.status_code == 400 and "item 1" in bad.json()["error"]["message"]
    tab = client.get(f"/patients/{world.patient.id}/tab/questionnaires")
    assert tab.status_code == 200 and 'class="chart" data-plot=' in tab.text
    assert tab.text.index("/vendor/plotly/plotly.min.js") > tab.text.index(
        'src="/static/app.js" defer'
    )
    assert "improved: -4.0 points" in tab.text and "Download FHIR bundle" in tab.text
    listed = client.get(f"/api/v1/patients/{world.patient.id}/responses").json()
    assert [r["total"] for r in listed] == [7.0, 3.0]
    assert client.get("/api/v1/instruments/odi").json()["items"][0]["number"] == 1
    assert client.get("/api/v1/instruments/nope").status_code == 404
    assert len(client.get("/api/v1/instruments").json()) >= 20
    fhir = client.get(f"/api/v1/patients/{world.patient.id}/fhir")
    assert fhir.headers["content-type"].startswith("application/fhir+json")
    assert Bundle.model_validate(fhir.json()).type == "collection"


def test_patient_may_leave_a_question_out_after_it_was_flagged(world: World) -> None:
    assign_instruments(
        world.ctx(world.clinician),
        patient_id=world.patient.id,
        instruments=["odi"],
        schedule_weeks=[0],
        start=world.container.clock.today(),
    )
    client, csrf = _signed_in(world, "pat@a.test")
    form = {"csrf_token": csrf, **{f"item-{n}": "1" for n in range(1, 11) if n != 8}}
    sent = client.post(
        "/me/questionnaires/odi", data={**form, "skip_empty": "1"}, follow_redirects=False
    )
    assert sent.status_code == 303
    (view,) = list_responses(world.ctx(world.clinician), patient_id=world.patient.id)
    assert view.missing == (8,) and view.valid and view.total == pytest.approx(20.0)


def test_clinician_enters_a_paper_psfs_and_voids_a_response(world: World) -> None:
    client, csrf = _signed_in(world, "clin@a.test")
    url = f"/patients/{world.patient.id}/questionnaires/psfs/enter"
    assert "Activity 1" in client.get(url).text
    form = {
        "csrf_token": csrf,
        "activity-1": "Stairs",
        "item-1": "4",
        "activity-2": "Golf",
        "item-2": "6",
        "item-3": "5",
        "completed_on": "2026-01-05",
    }
    bad = client.post(url, data=form)
    assert bad.status_code == 400 and 'id="item-3" class="q-item has-problem"' in bad.text
    form["activity-3"] = "Gardening"
    assert client.post(url, data=form, follow_redirects=False).status_code == 303
    (view,) = list_responses(world.ctx(world.clinician), patient_id=world.patient.id)
    assert view.activities == ("Stairs", "Golf", "Gardening") and view.total == pytest.approx(5.0)
    assert (view.completed_on, view.entered_by_role) == (date(2026, 1, 5), "clinician")
    void_url = f"/patients/{world.patient.id}/questionnaires/responses/{view.record_id}/void"
    refused = client.post(void_url, data={"csrf_token": csrf, "version": "1", "reason": ""})
    assert refused.status_code == 400 and "needs a reason" in refused.text
    voided = client.post(
        void_url,
        data={"csrf_token": csrf, "version": "1", "reason": "typo"},
        follow_redirects=False,
    )
    assert voided.status_code == 303
    assert list_responses(world.ctx(world.clinician), patient_id=world.patient.id) == []


def test_demo_tells_each_story_and_leaves_maria_questionnaires_due(container: Container) -> None:
    from tests.conftest import seed_demo_copy

    seed_demo_copy(container, today=TODAY)
    with container.uow() as uow:
        clinician = uow.users.by_email("clinician@demo.painpath.local")
        people = {p.given_name: p for p in uow.patients.search(clinic_id=clinician.clinic_id)}
    ctx = replace(
        container.context().acting_as(
            Actor(clinician.id, clinician.role, clinician.clinic_id, clinician.name)
        ),
        clock=FixedClock(TODAY),
    )

    def totals(name: str) -> dict[str, list[float | None]]:
        history = response_history(ctx, patient_id=people[name].id)
        return {h.instrument.id: [p.total for p in h.points] for h in history}

    maria = totals("Maria")
    assert maria["odi"] == [42.0, 30.0] and maria["tsk-17"] == [44.0, 38.0]
    assert maria["pcs"] == [32.0]
    due = due_questionnaires(ctx, patient_id=people["Maria"].id)
    assert {d.instrument_id for d in due if d.is_open} == {"odi", "tsk-17", "nprs", "pcs"}
    assert totals("James")["lefs"] == [48.0, 54.0, 62.0]
    assert totals("Samuel")["paindetect"] == [21.0] and totals("Samuel")["dn4"] == [5.0]
    assert totals("Peter") == {"nprs": [8.0]}
    helen = list_responses(ctx, patient_id=people["Helen"].id, instrument_id="phq-4")
    assert helen[0].subscales["anxiety"] >= 3  # GAD-2 positive screen
