"""Authorisation with real child ids: another patient's records, files, jobs and threads
under a patient the clinician may see (an IDOR probe), the same ids for the other clinic,
another clinic's admin, and ids smuggled in query strings and bodies."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient

from painpath.bootstrap import Container
from painpath.domain.accounts import Actor, Role
from painpath.domain.records import RecordKind
from painpath.services.system import create_staff_user
from painpath.web.app import create_app
from painpath.web.security import iter_api_routes
from tests.conftest import (
    PASSWORD,
    World,
    build_world,
    enrol_second_factor,
    fresh_recovery_code,
)
from tests.integration.test_authz_matrix import _client_for

CHILD_PARAMS = {"record_id", "file_id", "job_id", "thread_id", "invitation_id"}


def _children(
    container: Container, world: World, patient_id: str, clinic_id: int
) -> dict[str, str]:
    by = world.clinician.user_id
    with container.uow() as uow:
        plan = uow.records.add(
            kind=RecordKind.PLAN, patient_id=patient_id, payload={}, created_by=by
        )
        file = uow.files.add(
            patient_id=patient_id,
            clinic_id=clinic_id,
            created_by=by,
            filename="v.mp4",
            content_type="video/mp4",
            size_bytes=1,
            sha256="0" * 64,
            storage_key="x/none",
        )
        job = uow.jobs.add(
            kind="audit.verify",
            payload={},
            patient_id=patient_id,
            clinic_id=clinic_id,
            created_by=by,
        )
        thread = uow.messages.add_thread(
            patient_id=patient_id,
            clinic_id=clinic_id,
            subject="s",
            created_by=by,
            at=datetime.now(UTC),
        )
        uow.commit()
    return {
        "record_id": plan.record_id,
        "file_id": file.id,
        "job_id": job.id,
        "thread_id": thread.id,
        "invitation_id": "00000000-0000-0000-0000-000000000000",
    }


@pytest.fixture(scope="module")
def env(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[Container, World, dict[str, dict[str, str]]]]:
    from tests.conftest import make_container

    container = make_container(tmp_path_factory.mktemp("children"))
    world = build_world(container)
    kids = {
        "other": _children(container, world, world.other_patient.id, world.clinician.clinic_id),
        "foreign": _children(
            container, world, world.foreign_patient.id, world.other_clinician.clinic_id
        ),
    }
    yield container, world, kids
    container.engine.dispose()


def _fill(path: str, patient_id: str, kids: dict[str, str]) -> str:
    def one(m: re.Match[str]) -> str:
        name = m.group(1)
        if name == "patient_id":
            return patient_id
        return kids.get(name, "overview" if name == "tab_id" else "x")

    return re.sub(r"\{(\w+)(?::\w+)?\}", one, path)


def test_another_patients_child_ids_never_work_under_my_patient(env) -> None:  # type: ignore[no-untyped-def]
    container, world, kids = env
    app = create_app(container.settings, container=container)
    client, csrf = _client_for(app, "clinician_same")
    failures, checked = [], 0
    for route in iter_api_routes(app.routes):
        params = set(re.findall(r"\{(\w+)", route.path))
        if "patient_id" not in params or not params & CHILD_PARAMS:
            continue
        for which in ("other", "foreign"):
            path = _fill(route.path, world.patient.id, kids[which])
            for method in sorted(route.methods or ()):
                kwargs: dict[str, object] = {"headers": {"x-csrf-token": csrf}}
                if method in ("POST", "PATCH", "PUT"):
                    kwargs = (
                        {"json": {}, "headers": {"x-csrf-token": csrf}}
                        if path.startswith("/api/")
                        else {"data": {"csrf_token": csrf}}
                    )
                resp = client.request(method, path, **kwargs)  # type: ignore[arg-type]
                checked += 1
                if not 400 <= resp.status_code < 500:
                    failures.append(f"{method} {path} ({which}): {resp.status_code}")
    assert failures == []
    assert checked >= 20


def test_the_other_clinic_cannot_reach_these_children(env) -> None:  # type: ignore[no-untyped-def]
    container, world, kids = env
    app = create_app(container.settings, container=container)
    for persona in ("clinician_other", "patient_self"):
        client, _ = _client_for(app, persona)
        for path in (
            f"/api/v1/patients/{world.other_patient.id}/jobs/{kids['other']['job_id']}",
            f"/api/v1/patients/{world.other_patient.id}/videos/{kids['other']['file_id']}",
            f"/patients/{world.other_patient.id}/messages/{kids['other']['thread_id']}",
            f"/me/messages/{kids['other']['thread_id']}",
        ):
            assert client.get(path).status_code in (403, 404), (persona, path)


def test_another_clinics_admin_sees_nothing_of_clinic_a(env) -> None:  # type: ignore[no-untyped-def]
    container, world, kids = env
    create_staff_user(
        container.context(),
        email="admin@b.test",
        name="Admin B",
        role=Role.ADMIN,
        clinic_name="Clinic B",
        password=PASSWORD,
    )
    app = create_app(container.settings, container=container)
    client = TestClient(app)
    with container.uow() as uow:
        admin_b = uow.users.by_email("admin@b.test")
    assert admin_b is not None
    enrol_second_factor(container, Actor(admin_b.id, Role.ADMIN, admin_b.clinic_id, "Admin B"))
    code = fresh_recovery_code(container, admin_b.id)
    resp = client.post(
        "/api/v1/session", json={"email": "admin@b.test", "password": PASSWORD, "code": code}
    )
    assert resp.status_code == 200
    csrf = resp.json()["csrf_token"]
    users = client.get("/api/v1/admin/users").json()
    assert users and all(u["email"].endswith("@b.test") for u in users)
    events = client.get("/api/v1/admin/audit", params={"limit": 1000}).json()
    clinic_a_users = {world.admin.user_id, world.clinician.user_id}
    clinic_a_patients = {world.patient.id, world.other_patient.id}
    assert events and all(e["actor_user_id"] not in clinic_a_users for e in events)
    assert all(e["patient_id"] not in clinic_a_patients for e in events)
    assert client.get(f"/api/v1/admin/audit?patient_id={world.patient.id}").json() == []
    # ids smuggled in the query string and in bodies
    assert client.get(f"/api/v1/admin/jobs/{kids['other']['job_id']}").status_code == 404
    page = client.post(
        f"/admin/users/{world.clinician.user_id}/active",
        data={"active": "false", "csrf_token": csrf},
    )
    assert page.status_code == 404
    with container.uow() as uow:
        assert uow.users.get(world.clinician.user_id).active
    body = client.post(
        "/api/v1/users",
        headers={"x-csrf-token": csrf},
        json={
            "email": "sneak@a.test",
            "name": "Sneak",
            "role": "clinician",
            "password": "otter lantern quarry 19",
            "clinic_id": world.clinician.clinic_id,
        },
    )
    with container.uow() as uow:
        sneak = uow.users.by_email("sneak@a.test")
    assert sneak is None or sneak.clinic_id == world.other_clinician.clinic_id, body.text
