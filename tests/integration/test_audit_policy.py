"""Audit event details hold identifiers and field names, never clinical values (issue 13
item 5): the policy is enforced where events are written, admins read metadata of their own
clinic only, and a whole realistic flow (the demo) writes nothing the policy refuses."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pyotp
import pytest
from fastapi.testclient import TestClient

from painpath.adapters.db.migrate import upgrade_database
from painpath.bootstrap import Container, build_container
from painpath.config import Settings
from painpath.domain.accounts import Actor, Role
from painpath.domain.audit import AuditEvent
from painpath.domain.audit_detail import AuditDetailRefused, check_detail
from painpath.services.audit import audit_report, list_audit_events
from painpath.services.patients import search_patients
from painpath.services.system import create_staff_user
from painpath.web.app import create_app
from tests.conftest import (
    PASSWORD,
    World,
    api_client,
    csrf_from,
    enrol_second_factor,
    fast_hasher,
    fresh_recovery_code,
)


def _events(container: Container) -> list[AuditEvent]:
    with container.uow() as uow:
        return list(uow.audit.iter_all())


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list | tuple):
        return [s for v in value for s in _strings(v)]
    return []


# -- written at the source -------------------------------------------------------------------


def test_a_patient_search_records_that_it_happened_never_the_words(world: World) -> None:
    found = search_patients(world.ctx(world.clinician), query="Tester")
    assert len(found) == 2
    search_patients(world.ctx(world.clinician), query="")
    with world.container.uow() as uow:
        events = uow.audit.search(action="patient.search")
    assert [e.detail for e in events] == [
        {"searched": False, "results": 2},
        {"searched": True, "results": 2},
    ]
    assert "Tester" not in json.dumps([e.detail for e in events])


def test_the_strict_log_refuses_a_clinical_value_and_nothing_is_written(
    container: Container,
) -> None:
    assert container.settings.audit_strict  # the tests run strict (tests/conftest.py)
    with pytest.raises(AuditDetailRefused, match="pain_now"), container.uow() as uow:
        uow.audit.append(
            action="progress.checkin",
            actor_user_id=1,
            actor_role="clinician",
            detail={"record_id": "r1", "pain_now": 7},
        )
        uow.commit()
    assert _events(container) == []


def test_the_lenient_log_keeps_the_action_drops_the_value_and_says_so(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = Settings(data_dir=tmp_path / "data", audit_strict=False)
    container = build_container(settings, hasher=fast_hasher(), worker_threads=0)
    upgrade_database(container.engine)
    try:
        with caplog.at_level(logging.WARNING, logger="painpath.audit"):
            user = create_staff_user(
                container.context(),
                email="ops@x.test",
                name="Ops",
                role=Role.CLINICIAN,
                clinic_name="Clinic X",
                password=PASSWORD,
            )
            with container.uow() as uow:
                uow.audit.append(
                    action="progress.note",
                    actor_user_id=user.id,
                    actor_role="clinician",
                    detail={"record_id": "r1", "note": "Maria cried today", "pain_now": 8},
                )
                uow.commit()
        events = _events(container)
        assert events[-1].detail == {"record_id": "r1", "dropped": ["note", "pain_now"]}
        assert "note, pain_now" in caplog.text and "Maria" not in caplog.text
        assert audit_report(container.context())[1] == []  # the chain still holds
    finally:
        container.engine.dispose()


# -- read by admins: metadata of their own clinic --------------------------------------------


def _clinic_b_admin(world: World) -> tuple[Actor, str]:
    user = create_staff_user(
        world.container.context(),
        email="admin@b.test",
        name="Admin B",
        role=Role.ADMIN,
        clinic_name="Clinic B",
        password=PASSWORD,
    )
    admin_b = Actor(user.id, Role.ADMIN, user.clinic_id, "Admin B")
    enrol_second_factor(world.container, admin_b)
    return admin_b, fresh_recovery_code(world.container, user.id)


def test_an_admin_sees_metadata_of_their_own_clinic_only_page_and_api(world: World) -> None:
    clinician = world.ctx(world.clinician)
    search_patients(clinician, query="Pat Tester")
    search_patients(world.ctx(world.other_clinician), query="Fran")
    admin_b, code_b = _clinic_b_admin(world)

    # the service: clinic B's events only, whatever filter is asked for
    seen = list_audit_events(world.ctx(admin_b), limit=1000)
    assert seen and {e.clinic_id for e in seen} == {admin_b.clinic_id}
    assert list_audit_events(world.ctx(admin_b), patient_id_filter=world.patient.id) == []

    # the JSON API: clinic B's admin reads clinic B's events and none of clinic A's
    client_b, _ = api_client(world.container, "admin@b.test", code=code_b)
    events_b = client_b.get("/api/v1/admin/audit", params={"limit": 1000}).json()
    clinic_a_users = {world.admin.user_id, world.clinician.user_id}
    clinic_a_patients = {world.patient.id, world.other_patient.id}
    assert any(e["patient_id"] == world.foreign_patient.id for e in events_b)
    assert all(e["actor_user_id"] not in clinic_a_users for e in events_b)
    assert all(e["patient_id"] not in clinic_a_patients for e in events_b)
    assert client_b.get("/api/v1/admin/audit", params={"patient_id": world.patient.id}).json() == []

    # the page: none of clinic A's patients or searches
    page_b = client_b.get("/admin/audit", params={"action": "patient."}).text
    assert world.patient.id[:8] not in page_b and world.foreign_patient.id[:8] in page_b
    page_b_filtered = client_b.get("/admin/audit", params={"patient": world.patient.id}).text
    assert "No events match." in page_b_filtered

    # clinic A's admin: their clinic's events, ids and field names, no value typed or measured
    client_a, _ = api_client(world.container, "admin@a.test", code=world.admin_code())
    events_a = client_a.get("/api/v1/admin/audit", params={"limit": 1000}).json()
    assert any(e["action"] == "patient.search" for e in events_a)
    assert all(e["patient_id"] != world.foreign_patient.id for e in events_a)
    for event in events_a:
        assert set(event["detail"]) <= {"fields"} | {
            k for k in event["detail"] if k == "id" or k.endswith(("_id", "_ids"))
        }
    text_a = json.dumps(events_a) + client_a.get("/admin/audit").text
    for clinical in ("Pat Tester", "Tester", "Fran", "Foreign"):
        assert clinical not in text_a
    # reading the log is itself audited, with the filters' names, not the text typed
    client_a.get("/admin/audit", params={"action": "Maria Santos"})
    with world.container.uow() as uow:
        [read] = uow.audit.search(action="admin.audit.list", limit=1)
    assert read.detail == {"filters": ["action"]}


# -- a realistic flow: the demo clinic ---------------------------------------------------------

DEMO_TEXT = (  # names and free text the demo enters; none may reach an event's details
    "Maria",
    "Santos",
    "Samuel",
    "Osei",
    "Riverside",
    "Hillside",
    "Stiff in the morning",
)


@pytest.mark.slow
def test_every_event_of_the_demo_keeps_the_policy_and_the_demo_admin_enrols(
    container: Container,
) -> None:
    from painpath.demo import DEMO_PASSWORD, seed_demo

    seed_demo(container)  # through the real services, on a strict log: a refusal would raise
    events = _events(container)
    assert len(events) > 300
    broken = {
        (e.action, k): why for e in events for k, why in check_detail(e.detail).problems.items()
    }
    assert broken == {}
    assert all("dropped" not in e.detail for e in events)
    everything = [s for e in events for s in _strings(e.detail)]
    assert all(" " not in s for s in everything)  # no free text at all
    for text in DEMO_TEXT:
        assert not any(text.lower() in s.lower() for s in everything), text
    actions = {e.action for e in events}
    # the demo reaches the writes that used to carry values: searches aside, a programme with
    # its activity and goal, check-ins, questionnaire schedules and answers, a wording pack
    assert {
        "patient.create",
        "programme.start",
        "questionnaire.assign",
        "response.submit",
        "message.send",
        "system.wording.install",
    } <= actions

    # The demo admin (README, `painpath demo`): the password, then an authenticator app is
    # set up on the first sign-in, then the audit log of Riverside only.
    client = TestClient(create_app(container.settings, container=container))
    signin = client.get("/signin")
    first = client.post(
        "/signin",
        data={
            "email": "admin@demo.painpath.local",
            "password": DEMO_PASSWORD,
            "csrf_token": csrf_from(signin.text),
        },
        follow_redirects=False,
    )
    assert first.status_code == 303 and first.headers["location"].startswith("/account/mfa")
    setup_page = client.get(first.headers["location"])
    assert 'data-testid="mfa-required"' in setup_page.text
    started = client.post("/account/mfa/start", data={"csrf_token": csrf_from(setup_page.text)})
    secret = started.text.split('data-testid="mfa-secret">')[1].split("<")[0]
    confirmed = client.post(
        "/account/mfa/confirm",
        data={"csrf_token": csrf_from(started.text), "code": pyotp.TOTP(secret).now()},
    )
    assert 'data-testid="recovery-codes"' in confirmed.text
    page = client.get("/admin/audit")
    assert page.status_code == 200
    listed = client.get("/api/v1/admin/audit", params={"limit": 1000}).json()
    with container.uow() as uow:
        riverside = {c.id for c in uow.clinics.list() if c.name.startswith("Riverside")}
        hillside_patients = {
            p.id
            for c in uow.clinics.list()
            if c.name.startswith("Hillside")
            for p in uow.patients.search(clinic_id=c.id)
        }
    assert riverside and hillside_patients and listed
    assert all(e["patient_id"] not in hillside_patients for e in listed)
    shown = page.text + json.dumps(listed)
    for text in DEMO_TEXT[:4]:  # the patients' names (the page may name the clinic)
        assert text not in shown, text


def test_a_role_refused_a_route_or_an_operation_is_audited(world: World) -> None:
    from painpath.domain.errors import PermissionDenied
    from painpath.services.accounts import list_users

    client, _ = api_client(world.container, "pat@a.test")
    assert client.get("/admin/users").status_code == 403
    assert client.get("/api/v1/admin/audit").status_code == 403
    with pytest.raises(PermissionDenied):
        list_users(world.ctx(world.clinician))
    with world.container.uow() as uow:
        by_role = uow.audit.search(action="access.role")
        by_operation = uow.audit.search(actor_user_id=world.clinician.user_id, action="admin.")
    assert [(e.actor_user_id, e.outcome, e.detail) for e in by_role] == [
        (world.patient_actor.user_id, "denied", {"required_role": "admin"})
    ] * 2
    assert all(e.clinic_id == world.patient_actor.clinic_id for e in by_role)
    assert [(e.action, e.outcome) for e in by_operation] == [("admin.user.list", "denied")]
