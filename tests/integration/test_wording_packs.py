"""Questionnaire wording (issue 11 item 1): a patient reads a questionnaire only in its published
wording (shipped where the holder allows it and the text was checked) or in a clinic's installed
wording pack; otherwise the form is on paper and the clinician enters the answers."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from painpath.adapters.instrument_catalogue import load_catalogue
from painpath.bootstrap import Container
from painpath.domain.accounts import Actor, Role
from painpath.domain.errors import InvalidInput, NotFound, PermissionDenied
from painpath.services.questionnaires import (
    clinic_wording,
    install_wording_pack,
    list_responses,
    list_wording_packs,
    questionnaire_form,
    remove_wording_pack,
    submit_response,
)
from tests.conftest import World, api_client, build_world, csrf_from, make_container, seed_demo_copy
from tests.demo_pages import demo_client, template_of
from tests.wording_support import assign_due_today, sample_pack

ALL = sorted(load_catalogue())


def _audit_actions(container: Container) -> list[tuple[str, dict[str, object]]]:
    with container.uow() as uow:
        return [(e.action, dict(e.detail)) for e in uow.audit.iter_all()]


def _patient(world: World) -> TestClient:
    client, _ = api_client(world.container, "pat@a.test", follow_redirects=True)
    return client


# -- install, list, remove -------------------------------------------------------------------


def test_install_is_validated_stored_per_clinic_and_audited(world: World) -> None:
    ctx = world.container.context()
    installed = install_wording_pack(ctx, document=sample_pack("pcs"), clinic_name="Clinic A")
    assert installed.scope == "clinic Clinic A" and not installed.replaced
    again = install_wording_pack(ctx, document=sample_pack("pcs"), clinic_name="Clinic A")
    assert again.replaced
    [listed] = list_wording_packs(ctx)
    assert (listed.pack.instrument_id, listed.clinic_name) == ("pcs", "Clinic A")
    actions = [a for a in _audit_actions(world.container) if a[0].startswith("system.wording")]
    assert [a[0] for a in actions] == ["system.wording.install"] * 2
    detail = actions[0][1]
    assert detail["instrument_id"] == "pcs" and detail["scope"] == "clinic"
    assert "test licence" not in str(detail)  # free text stays with the pack, not in the log
    assert actions[1][1]["replaced"] is True
    # Clinic A's patients may now fill it in; Clinic B's may not (a clinic's own licence).
    pat = questionnaire_form(
        world.ctx(world.patient_actor), patient_id=world.patient.id, instrument_id="pcs"
    )
    foreign = questionnaire_form(
        world.ctx(world.other_clinician), patient_id=world.foreign_patient.id, instrument_id="pcs"
    )
    assert pat.patient_may_fill_in and not foreign.patient_may_fill_in


def test_an_installation_pack_serves_every_clinic_and_a_clinic_pack_wins(world: World) -> None:
    ctx = world.container.context()
    install_wording_pack(ctx, document=sample_pack("tsk-11"))
    clinic = sample_pack("tsk-11")
    clinic["version"] = "clinic A's own"
    install_wording_pack(ctx, document=clinic, clinic_name="Clinic A")
    mine = questionnaire_form(
        world.ctx(world.patient_actor), patient_id=world.patient.id, instrument_id="tsk-11"
    )
    foreign = questionnaire_form(
        world.ctx(world.other_clinician),
        patient_id=world.foreign_patient.id,
        instrument_id="tsk-11",
    )
    assert mine.wording is not None and mine.wording.version == "clinic A's own"
    assert foreign.wording is not None and foreign.wording.version == "test"


def test_a_bad_pack_stores_nothing_and_names_the_problem(world: World) -> None:
    ctx = world.container.context()
    bad = sample_pack("odi")
    bad["items"][3]["options"] = bad["items"][3]["options"][:4]
    with pytest.raises(InvalidInput, match=r"item 4 \(odi-4\) has 4 answer labels; the scoring"):
        install_wording_pack(ctx, document=bad)
    with pytest.raises(InvalidInput, match="no clinic called 'Nowhere'"):
        install_wording_pack(ctx, document=sample_pack("odi"), clinic_name="Nowhere")
    with pytest.raises(InvalidInput, match="unknown instrument 'oswestry'"):
        install_wording_pack(ctx, document={**sample_pack("odi"), "instrument": "oswestry"})
    assert list_wording_packs(ctx) == []
    assert not any(a.startswith("system.wording") for a, _ in _audit_actions(world.container))


def test_remove_is_audited_and_the_form_goes_back_to_paper(world: World) -> None:
    ctx = world.container.context()
    install_wording_pack(ctx, document=sample_pack("odi"), clinic_name="Clinic A")
    with pytest.raises(NotFound, match="the whole installation"):
        remove_wording_pack(ctx, instrument_id="odi")
    remove_wording_pack(ctx, instrument_id="odi", clinic_name="Clinic A")
    assert list_wording_packs(ctx) == []
    assert ("system.wording.remove", "odi") in [
        (a, d.get("instrument_id")) for a, d in _audit_actions(world.container)
    ]
    form = questionnaire_form(
        world.ctx(world.patient_actor), patient_id=world.patient.id, instrument_id="odi"
    )
    assert not form.patient_may_fill_in


def test_packs_are_stored_replaced_and_removed_on_every_backend(any_container: Container) -> None:
    """The same store on SQLite and (with -m postgres) PostgreSQL: JSON content, one pack per
    instrument and scope (installation "*" or a clinic), replace in place, remove."""
    world = build_world(any_container)
    ctx = any_container.context()
    install_wording_pack(ctx, document=sample_pack("odi"))
    install_wording_pack(ctx, document=sample_pack("odi"), clinic_name="Clinic A")
    assert install_wording_pack(ctx, document=sample_pack("odi")).replaced
    with any_container.uow() as uow:
        clinic_a = world.clinician.clinic_id
        mine = uow.wording_packs.for_clinic("odi", clinic_a)
        other = uow.wording_packs.for_clinic("odi", world.other_clinician.clinic_id)
        assert mine is not None and mine.clinic_id == clinic_a
        assert other is not None and other.clinic_id is None
        assert mine.for_item("odi-8").not_applicable == "test: not applicable"
        assert len(uow.wording_packs.list()) == 2
    remove_wording_pack(ctx, instrument_id="odi")
    assert [p.clinic_name for p in list_wording_packs(ctx)] == ["Clinic A"]


# -- the patient form: published wording or a pack, else paper -------------------------------


def test_every_instrument_on_patient_pages_has_published_wording_or_a_pack(world: World) -> None:
    """The guarantee: a patient never gets a questionnaire form built from topic summaries."""
    assign_due_today(world, ALL)
    install_wording_pack(world.container.context(), document=sample_pack("startback"))
    with world.container.uow() as uow:
        packs = {p.instrument_id for p in uow.wording_packs.list()}
    client = _patient(world)
    shown = []
    for instrument_id in ALL:
        page = client.get(f"/me/questionnaires/{instrument_id}")
        assert page.status_code == 200
        if template_of(page) == "q_form.html":
            shown.append(instrument_id)
            instrument = load_catalogue()[instrument_id]
            assert instrument.ships_published_wording or instrument_id in packs, instrument_id
            for item in instrument.items:  # the topic summaries are never the questions
                assert f"</span> {item.label}</legend>" not in page.text
        else:
            assert template_of(page) == "q_unavailable.html"
            assert "on paper for now" in page.text
    assert shown == ["phq-4", "startback"]


def test_without_wording_the_patient_is_told_and_cannot_submit(world: World) -> None:
    assign_due_today(world, ["pcs"])
    client = _patient(world)
    listing = client.get("/me/questionnaires")
    assert 'data-testid="q-paper"' in listing.text and "paper copy" in listing.text
    assert 'href="/me/questionnaires/pcs"' not in listing.text  # no Start button
    page = client.get("/me/questionnaires/pcs")
    assert 'data-testid="q-unavailable"' in page.text and 'class="q-form"' not in page.text
    sent = client.post("/me/questionnaires/pcs", data={"csrf_token": csrf_from(listing.text)})
    assert template_of(sent) == "q_unavailable.html"
    with pytest.raises(PermissionDenied, match="on paper"):
        submit_response(
            world.ctx(world.patient_actor),
            patient_id=world.patient.id,
            instrument_id="pcs",
            answers=[1] * 13,
        )
    assert list_responses(world.ctx(world.clinician), patient_id=world.patient.id) == []


def test_the_clinician_enters_the_paper_form_with_section_8_not_applicable(world: World) -> None:
    assign_due_today(world, ["odi"])
    client, csrf = api_client(world.container, "clin@a.test", follow_redirects=True)
    url = f"/patients/{world.patient.id}/questionnaires/odi/enter"
    page = client.get(url)
    assert 'data-testid="q-paper-only"' in page.text and "Mapi Research Trust" in page.text
    assert 'name="item-8" value="na"' in page.text and 'name="item-1" value="na"' not in page.text
    form = {"csrf_token": csrf, **{f"item-{n}": "2" for n in range(1, 11)}, "item-8": "na"}
    form["item-9"] = form["item-10"] = "1"
    assert client.post(url, data=form, follow_redirects=False).status_code == 303
    (view,) = list_responses(world.ctx(world.clinician), patient_id=world.patient.id)
    assert view.not_applicable == (8,) and view.missing == ()
    assert view.total == pytest.approx(16 / 45 * 100) and view.entered_by_role == "clinician"


def test_a_patient_answers_the_pack_wording_and_may_mark_section_8(world: World) -> None:
    install_wording_pack(world.container.context(), document=sample_pack("odi"))
    assign_due_today(world, ["odi"])
    client = _patient(world)
    page = client.get("/me/questionnaires/odi")
    assert template_of(page) == "q_form.html" and "Test wording odi item 8" in page.text
    assert 'data-testid="q-demo-pack"' not in page.text  # a real (non-placeholder) pack
    answers = {f"item-{n}": "5" for n in range(1, 11)} | {"item-8": "na"}
    done = client.post(
        "/me/questionnaires/odi", data={"csrf_token": csrf_from(page.text), **answers}
    )
    assert "/done" in str(done.url)
    (view,) = list_responses(world.ctx(world.clinician), patient_id=world.patient.id)
    assert view.not_applicable == (8,) and view.total == pytest.approx(100.0)
    assert view.entered_by_role == "patient"
    # which wording she answered is kept with the response
    assert view.wording == {
        "version": "test",
        "licence_reference": "test licence",
        "placeholder": False,
    }
    assert "Your score is 100 out of 100" in done.text


# -- the demo --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Container]:
    container = make_container(tmp_path_factory.mktemp("wording-demo"))
    seed_demo_copy(container)
    yield container
    container.engine.dispose()


def test_demo_shows_a_labelled_placeholder_pack_and_a_paper_only_note(demo: Container) -> None:
    [installed] = list_wording_packs(demo.context())
    assert installed.pack.instrument_id == "odi" and installed.pack.placeholder
    maria = demo_client(demo, "maria@demo.painpath.local")
    odi = maria.get("/me/questionnaires/odi")
    assert template_of(odi) == "q_form.html"
    assert "Demo pack — replace with your licensed wording" in odi.text
    assert "not the real questionnaire" in odi.text and "Sample question 1" in odi.text
    answers = {f"item-{n}": "1" for n in range(1, 11)}
    done = maria.post("/me/questionnaires/odi", data={"csrf_token": csrf_from(odi.text), **answers})
    assert "/done" in str(done.url) and "no score to show" in done.text
    assert "Your score is" not in done.text  # sample questions give no score to the patient
    tsk = maria.get("/me/questionnaires/tsk-17")
    assert template_of(tsk) == "q_unavailable.html"
    clinician = demo_client(demo, "clinician@demo.painpath.local")
    with demo.uow() as uow:
        user = uow.users.by_email("maria@demo.painpath.local")
    assert user is not None and user.patient_id
    maria_id = user.patient_id
    enter = clinician.get(f"/patients/{maria_id}/questionnaires/odi/enter")
    assert "Placeholder text installed for the demo" in enter.text
    tab = clinician.get(f"/patients/{maria_id}/tab/questionnaires").text
    assert 'data-testid="q-demo-wording"' in tab  # her demo-form answers are marked
    # The demo admin's "Questionnaire wording" page shows Riverside's placeholder pack (which
    # the admin may replace or remove) and the PHQ-4 as shipped with its published wording.
    with demo.uow() as uow:
        admin = uow.users.by_email("admin@demo.painpath.local")
    assert admin is not None
    actor = Actor(admin.id, Role.ADMIN, admin.clinic_id, admin.name)
    view = clinic_wording(demo.context().acting_as(actor, request_id="test"))
    assert view.clinic_name == "Riverside Physiotherapy"
    assert [(p.pack.instrument_id, p.pack.placeholder) for p in view.own] == [("odi", True)]
    assert [i.id for i in view.shipped] == ["phq-4"]
    assert "odi" not in {i.id for i in view.paper_only} and "pcs" in {i.id for i in view.paper_only}


# -- the command line ------------------------------------------------------------------------

PAINPATH = str(Path(sys.executable).parent / "painpath")


def _cli(args: list[str], data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PAINPATH_DATA_DIR": str(data_dir)}
    env.pop("PAINPATH_DATABASE_URL", None)
    return subprocess.run([PAINPATH, *args], capture_output=True, text=True, env=env, timeout=120)


def test_cli_import_list_remove(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert _cli(["db", "upgrade"], data).returncode == 0
    good = tmp_path / "pcs.json"
    good.write_text(json.dumps(sample_pack("pcs")), encoding="utf-8")
    bad_doc = copy.deepcopy(sample_pack("pcs"))
    bad_doc["items"] = bad_doc["items"][:12]
    bad = tmp_path / "bad.yaml"
    bad.write_text(json.dumps(bad_doc), encoding="utf-8")  # JSON is YAML too
    refused = _cli(["instruments", "wording", "import", str(bad)], data)
    assert refused.returncode == 2 and refused.stdout == ""
    assert "items has 12 entries; pcs has 13 items" in refused.stderr
    assert "no wording packs installed" in _cli(["instruments", "wording", "list"], data).stdout
    ok = _cli(["instruments", "wording", "import", str(good)], data)
    assert ok.returncode == 0 and "installed wording pack pcs test" in ok.stdout
    listed = json.loads(_cli(["instruments", "wording", "list", "--json"], data).stdout)
    assert [(r["instrument"], r["clinic"]) for r in listed] == [("pcs", None)]
    gone = _cli(["instruments", "wording", "remove", "pcs"], data)
    assert gone.returncode == 0 and "removed wording pack pcs" in gone.stdout
    again = _cli(["instruments", "wording", "remove", "pcs"], data)
    assert again.returncode == 2 and "no wording pack for pcs" in again.stderr


def test_the_api_refuses_a_patient_without_wording_and_takes_not_applicable(world: World) -> None:
    assign_due_today(world, ["odi"])
    patient, pat_csrf = api_client(world.container, "pat@a.test")
    due = patient.get(f"/api/v1/patients/{world.patient.id}/due")
    assert due.status_code == 200 and [d["on_paper"] for d in due.json()] == [True]
    body = {"instrument": "odi", "answers": [2] * 7 + [None, 1, 1], "not_applicable": [8]}
    url = f"/api/v1/patients/{world.patient.id}/responses"
    refused = patient.post(url, json=body, headers={"x-csrf-token": pat_csrf})
    assert refused.status_code == 403
    clinician, csrf = api_client(world.container, "clin@a.test")
    made = clinician.post(url, json=body, headers={"x-csrf-token": csrf})
    assert made.status_code == 201, made.text
    assert made.json()["not_applicable"] == [8]
    assert made.json()["total"] == pytest.approx(16 / 45 * 100)


def test_the_chart_tab_says_which_forms_are_paper_only(world: World) -> None:
    assign_due_today(world, ["odi", "pcs"])
    install_wording_pack(world.container.context(), document=sample_pack("odi"))
    client, _ = api_client(world.container, "clin@a.test", follow_redirects=True)
    tab = client.get(f"/patients/{world.patient.id}/tab/questionnaires").text
    assert tab.count('data-testid="q-on-paper"') == 1  # pcs only; odi has its pack


def test_a_stored_pack_that_no_longer_fits_the_items_is_not_shown(world: World) -> None:
    """After a catalogue change, a pack against the old items goes back to paper, not a crash
    or answers mapped to the wrong options."""
    from sqlalchemy import update

    from painpath.adapters.db.wording_packs import WordingPackRow

    install_wording_pack(world.container.context(), document=sample_pack("odi"))
    stale = sample_pack("odi")
    stale["items"][0]["options"] = stale["items"][0]["options"][:5]  # as if odi-1 had 5 options
    with world.container.uow() as uow:
        uow.session.execute(update(WordingPackRow).values(content=stale))
        uow.commit()
    assign_due_today(world, ["odi"])
    page = _patient(world).get("/me/questionnaires/odi")
    assert template_of(page) == "q_unavailable.html"
    [listed] = list_wording_packs(world.container.context())
    assert not listed.fits
