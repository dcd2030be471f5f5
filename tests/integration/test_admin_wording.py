"""The admin page for wording packs (issue 11 item 1): an admin lists, uploads and removes the
packs of their own clinic through the same validation and storage as the console, audited;
nobody else may, and another clinic's packs are neither shown nor touched."""

from __future__ import annotations

import json

import pytest
import yaml

from painpath.domain.errors import NotFound, PermissionDenied
from painpath.services.questionnaires import (
    clinic_wording,
    install_clinic_wording_pack,
    install_wording_pack,
    list_wording_packs,
    questionnaire_form,
    remove_clinic_wording_pack,
)
from tests.conftest import World, api_client, csrf_from
from tests.wording_support import sample_pack


def _admin(world: World):  # type: ignore[no-untyped-def]
    client, _ = api_client(world.container, "admin@a.test", code=world.admin_code())
    return client


def _audit(world: World, prefix: str) -> list[tuple[str, dict[str, object], int | None]]:
    with world.container.uow() as uow:
        return [
            (e.action, dict(e.detail), e.actor_user_id)
            for e in uow.audit.iter_all()
            if e.action.startswith(prefix)
        ]


def test_admin_uploads_lists_and_removes_a_pack_for_their_clinic(world: World) -> None:
    client = _admin(world)
    page = client.get("/admin/wording")
    assert page.status_code == 200
    assert 'data-testid="wording-own-none"' in page.text
    assert "Pain Catastrophizing Scale" in page.text.split('data-testid="wording-paper"')[1]
    assert "Patient Health Questionnaire-4" in page.text.split('data-testid="wording-shipped"')[1]
    csrf = csrf_from(page.text)

    body = yaml.safe_dump(sample_pack("pcs")).encode()
    sent = client.post(
        "/admin/wording",
        data={"csrf_token": csrf},
        files={"file": ("pcs-pack.yaml", body, "application/x-yaml")},
    )
    assert sent.status_code == 303, sent.text
    listing = client.get(sent.headers["location"])
    assert "Installed the pcs pack test." in listing.text
    row = listing.text.split('data-testid="wording-row-pcs"')[1].split("</tr>")[0]
    assert "test suite: test licence" in row and f"{world.admin.name} (admin)" in row
    assert "Pain Catastrophizing Scale" not in listing.text.split('data-testid="wording-paper"')[1]

    # The clinic's patients may now fill it in; the other clinic's may not.
    mine = questionnaire_form(
        world.ctx(world.patient_actor), patient_id=world.patient.id, instrument_id="pcs"
    )
    theirs = questionnaire_form(
        world.ctx(world.other_clinician), patient_id=world.foreign_patient.id, instrument_id="pcs"
    )
    assert mine.patient_may_fill_in and not theirs.patient_may_fill_in
    [installed] = _audit(world, "admin.wording.install")
    assert installed[1]["instrument_id"] == "pcs" and installed[1]["scope"] == "clinic"
    assert installed[2] == world.admin.user_id

    removed = client.post("/admin/wording/pcs/remove", data={"csrf_token": csrf})
    assert removed.status_code == 303
    assert 'data-testid="wording-own-none"' in client.get("/admin/wording").text
    assert [a[0] for a in _audit(world, "admin.wording.remove")] == ["admin.wording.remove"]
    assert list_wording_packs(world.container.context()) == []


def test_a_pack_that_does_not_fit_is_refused_with_every_problem_and_nothing_stored(
    world: World,
) -> None:
    client = _admin(world)
    csrf = csrf_from(client.get("/admin/wording").text)
    bad = sample_pack("pcs")
    bad["items"] = bad["items"][:-1]  # one item short
    bad["items"][0]["options"] = ["only one label"]
    sent = client.post(
        "/admin/wording",
        data={"csrf_token": csrf},
        files={"file": ("pcs.json", json.dumps(bad).encode(), "application/json")},
    )
    assert sent.status_code == 400
    assert 'data-testid="wording-error"' in sent.text
    assert "items has 12 entries; pcs has 13 items" in sent.text
    assert "has 1 answer labels; the scoring expects 5" in sent.text
    broken = client.post("/admin/wording", data={"csrf_token": csrf, "text": "instrument: [pcs"})
    assert broken.status_code == 400 and "is not valid YAML" in broken.text
    empty = client.post("/admin/wording", data={"csrf_token": csrf})
    assert empty.status_code == 400 and "choose a pack file" in empty.text
    assert list_wording_packs(world.container.context()) == []
    assert _audit(world, "admin.wording") == []


def test_pasted_text_installs_and_replaces(world: World) -> None:
    client = _admin(world)
    csrf = csrf_from(client.get("/admin/wording").text)
    text = yaml.safe_dump(sample_pack("odi"))
    first = client.post("/admin/wording", data={"csrf_token": csrf, "text": text})
    second = client.post("/admin/wording", data={"csrf_token": csrf, "text": text})
    assert first.status_code == second.status_code == 303
    assert "Replaced" in client.get(second.headers["location"]).text
    details = [a[1] for a in _audit(world, "admin.wording.install")]
    assert [d["replaced"] for d in details] == [False, True]


def test_only_admins_and_only_their_own_clinic(world: World) -> None:
    for actor in (world.clinician, world.patient_actor):
        with pytest.raises(PermissionDenied):
            clinic_wording(world.ctx(actor))
        with pytest.raises(PermissionDenied):
            install_clinic_wording_pack(world.ctx(actor), document=sample_pack("pcs"))
    clinician, _ = api_client(world.container, "clin@a.test")
    assert clinician.get("/admin/wording").status_code == 403
    # A pack another clinic installed at the console is neither listed nor removable here.
    ctx = world.container.context()
    install_wording_pack(ctx, document=sample_pack("pcs"), clinic_name="Clinic B")
    install_wording_pack(ctx, document=sample_pack("odi"))  # the whole installation
    view = clinic_wording(world.ctx(world.admin))
    assert view.own == ()
    assert [p.pack.instrument_id for p in view.installation] == ["odi"]
    with pytest.raises(NotFound):
        remove_clinic_wording_pack(world.ctx(world.admin), instrument_id="pcs")
    with pytest.raises(NotFound):
        remove_clinic_wording_pack(world.ctx(world.admin), instrument_id="odi")
    assert len(list_wording_packs(ctx)) == 2
