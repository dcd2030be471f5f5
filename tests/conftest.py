"""Shared fixtures: a fresh database per test (SQLite, or a PostgreSQL schema per run),
a wired container, the web app and the six personas of the authorisation matrix."""

from __future__ import annotations

import atexit
import hashlib
import os
import re
import shutil
import tempfile
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path

import pyotp
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from painpath.adapters.db.migrate import upgrade_database
from painpath.adapters.security import Argon2Hasher, SystemClock
from painpath.bootstrap import Container, build_container
from painpath.config import Settings
from painpath.domain.accounts import Actor, Patient, Role
from painpath.domain.progression.checkins import CheckIn
from painpath.domain.types import Sex
from painpath.services.mfa import confirm_mfa, start_mfa
from painpath.services.patients import NewPatient, create_patient
from painpath.services.system import create_staff_user
from tests.mailserver import SmtpTestServer, running_smtp_server

POSTGRES_URL = os.environ.get(
    "PAINPATH_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
PASSWORD = "test-password-123"


def pytest_configure(config: pytest.Config) -> None:
    # Every audit log the tests build refuses a detail outside the policy instead of
    # dropping it (domain/audit_detail.py): Settings() in tests and the console commands the
    # tests run read it from the environment, so a call site that breaks the policy fails.
    os.environ["PAINPATH_AUDIT_STRICT"] = "1"


# Tests that seed the demo (``seed_demo``, ``seed_demo_copy``: itself or through a fixture) form
# one pytest-xdist group, so under ``make test`` (``-n 2 --dist loadgroup``) they run on one
# worker and each demo template is seeded once a run, not once per worker.
_DEMO_SEEDERS = frozenset({"seed_demo", "seed_demo_copy"})
DEMO_GROUP = "demo"


def _seeds_the_demo(item: pytest.Item) -> bool:
    functions = [getattr(item, "function", None)]
    fixture_info = getattr(item, "_fixtureinfo", None)
    if fixture_info is not None:
        for defs in fixture_info.name2fixturedefs.values():
            functions += [d.func for d in defs]
    return any(
        _DEMO_SEEDERS & set(code.co_names)
        for f in functions
        if (code := getattr(f, "__code__", None)) is not None
    )


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if _seeds_the_demo(item):
            item.add_marker(pytest.mark.xdist_group(DEMO_GROUP))


def fast_hasher() -> Argon2Hasher:
    # Real argon2id, cheaper parameters: the tests hash dozens of passwords.
    return Argon2Hasher(time_cost=1, memory_cost_kib=8192)


@pytest.fixture(scope="session")
def postgres_schema() -> Iterator[str]:
    """One schema per test run, dropped at the end, so runs never collide."""
    schema = f"pp_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(
        POSTGRES_URL.replace("+psycopg", "+psycopg"), isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    yield schema
    with admin.connect() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def _fresh_postgres_schema(base: str) -> str:
    schema = f"{base}_{uuid.uuid4().hex[:6]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()
    return schema


def make_container(tmp_path: Path, *, backend: str = "sqlite", pg_base: str = "") -> Container:
    """A wired container over a database at the head revision (a fresh PostgreSQL schema, or
    a SQLite file in ``tmp_path / "data"``)."""
    settings = Settings(
        data_dir=tmp_path / "data",
        database_url=POSTGRES_URL if backend == "postgres" else None,
        secret_key=None,
    )
    if backend == "postgres":
        schema = _fresh_postgres_schema(pg_base)
        container = build_container(settings, schema=schema, hasher=fast_hasher(), worker_threads=0)
        upgrade_database(container.engine)
        return container
    # Running the migrations costs about 0.25 s a test; a copy of the file they produced once
    # this run is the same database (test_mfa and test_serve_workers also run them directly).
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(_sqlite_template() / _SQLITE_FILE, settings.data_dir / _SQLITE_FILE)
    return build_container(settings, hasher=fast_hasher(), worker_threads=0)


_SQLITE_FILE = "painpath.sqlite3"  # Settings.effective_database_url's file in the data dir
_templates: dict[str, Path] = {}
_worlds: dict[str, tuple[Path, World]] = {}


def _template_root() -> Path:
    if "root" not in _templates:
        _templates["root"] = Path(tempfile.mkdtemp(prefix="painpath-test-templates-"))
        atexit.register(shutil.rmtree, _templates["root"], True)
    return _templates["root"]


def _sqlite_template() -> Path:
    """A data dir whose SQLite database the migrations brought to head (made once per run)."""
    if "schema" not in _templates:
        settings = Settings(
            data_dir=_template_root() / "schema", database_url=None, secret_key=None
        )
        container = build_container(settings, hasher=fast_hasher(), worker_threads=0)
        upgrade_database(container.engine)
        container.engine.dispose()  # the last connection closing folds the WAL into the file
        _templates["schema"] = settings.data_dir
    return _templates["schema"]


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def any_container(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Container]:
    """The same test on SQLite and on PostgreSQL."""
    if request.param == "postgres":
        base = request.getfixturevalue("postgres_schema")
        container = make_container(tmp_path, backend="postgres", pg_base=base)
    else:
        container = make_container(tmp_path)
    yield container
    container.engine.dispose()


@pytest.fixture
def container(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Container]:
    """A fresh database; for a test that also asks for ``world``, one that holds the world."""
    if "world" in request.fixturenames:
        c = _container_with_world(tmp_path)
    else:
        c = make_container(tmp_path)
    yield c
    c.engine.dispose()


@pytest.fixture
def smtp_server() -> Iterator[SmtpTestServer]:
    """A real SMTP server (aiosmtpd) on a free loopback port, for mail that must really go out."""
    with running_smtp_server() as server:
        yield server


@dataclass
class World:
    """Two clinics; personas of the authorisation matrix."""

    container: Container
    admin: Actor
    clinician: Actor
    other_clinician: Actor
    patient: Patient
    patient_actor: Actor
    other_patient: Patient
    other_patient_actor: Actor
    foreign_patient: Patient  # belongs to the other clinic
    # Admins must sign in with an authenticator app: the world's admin has one set up.
    admin_totp_secret: str = ""
    admin_recovery_codes: list[str] = field(default_factory=list)

    def ctx(self, actor: Actor | None):  # type: ignore[no-untyped-def]
        return self.container.context().acting_as(actor, request_id="test")

    def admin_code(self) -> str:
        """A second-factor code the admin has not used yet: a new recovery code (TOTP codes
        come one per 30 s, and a test may sign in more often)."""
        return fresh_recovery_code(self.container, self.admin.user_id)


def fresh_recovery_code(container: Container, user_id: int) -> str:
    """Replace the user's recovery codes with one new code and return it; sign-in checks it
    as it checks any recovery code (services/mfa.py stores SHA-256 of the code, lower case,
    without dashes)."""
    code = f"{uuid.uuid4().hex[:8]}-{uuid.uuid4().hex[:8]}"
    digest = hashlib.sha256(code.replace("-", "").encode()).hexdigest()
    with container.uow() as uow:
        uow.recovery_codes.replace(user_id, [digest])
        uow.commit()
    return code


def enrol_second_factor(container: Container, actor: Actor) -> tuple[str, list[str]]:
    """Set up an authenticator app for ``actor`` through the services, as the set-up page
    does; return (the TOTP secret, the 10 recovery codes)."""
    ctx = container.context().acting_as(actor, request_id="test-enrol")
    setup = start_mfa(ctx)
    codes = confirm_mfa(ctx, code=pyotp.TOTP(setup.secret).at(container.clock.now().timestamp()))
    return setup.secret, codes


def _staff(container: Container, email: str, role: Role, clinic: str) -> Actor:
    user = create_staff_user(
        container.context(),
        email=email,
        name=email.split("@")[0].title(),
        role=role,
        clinic_name=clinic,
        password=PASSWORD,
    )
    return Actor(user.id, user.role, user.clinic_id, user.name)


# The world's clinic-A patients have been in care this long (their episode started then), so
# tests may enter a history of check-ins: a dated entry before the episode start is refused.
# Longer than the one-year input window, so that window is the bound the tests meet.
CARE_DAYS = 400


def in_care_since(container: Container, patient_ids: list[str], day: date) -> None:
    """Test setup: move the patients' episodes to start on ``day`` (intake in the past)."""
    from sqlalchemy import update

    from painpath.adapters.db.tables import EpisodeRow

    with container.engine.begin() as conn:
        conn.execute(
            update(EpisodeRow).where(EpisodeRow.patient_id.in_(patient_ids)).values(started_on=day)
        )


def walking_since(world: World, start: date) -> None:
    """Test setup: the patient in care since ``start``, with a walking programme (goal 60
    minutes, baseline 10, 12, 14) started that day."""
    from painpath.demo import FixedClock
    from painpath.services.progress import start_programme

    in_care_since(world.container, [world.patient.id], start)
    start_programme(
        replace(world.ctx(world.clinician), clock=FixedClock(start)),
        patient_id=world.patient.id,
        activity="walking",
        unit="minutes",
        goal=60,
        baseline_values=[10.0, 12.0, 14.0],
    )


def store_checkins(world: World, checkins: Iterable[CheckIn]) -> None:
    """Test setup: the patient's past check-ins stored directly, in one transaction (no
    summary refresh, no audit event per day), as a year of history is seeded."""
    from painpath.domain.records import RecordKind
    from painpath.services.progress.checkins import checkin_to_payload

    with world.container.uow() as uow:
        for checkin in checkins:
            uow.records.add(
                kind=RecordKind.CHECKIN,
                patient_id=world.patient.id,
                payload=checkin_to_payload(checkin),
                natural_key=checkin.day.isoformat(),
                created_by=world.clinician.user_id,
            )
        uow.commit()


def assert_summary_is_replay(world: World) -> None:
    """The patient's stored caseload summary equals the full replay (``compute_summary``)."""
    from painpath.services.caseload import compute_summary

    today = world.container.clock.today()
    with world.container.uow() as uow:
        stored = uow.summaries.get(world.patient.id)
        assert stored is not None
        assert stored == compute_summary(uow, world.patient, today)


def build_world(container: Container) -> World:
    admin = _staff(container, "admin@a.test", Role.ADMIN, "Clinic A")
    clinician = _staff(container, "clin@a.test", Role.CLINICIAN, "Clinic A")
    other_clinician = _staff(container, "clin@b.test", Role.CLINICIAN, "Clinic B")
    ctx = container.context().acting_as(clinician)

    def patient(given: str, email: str) -> tuple[Patient, Actor]:
        p = create_patient(
            ctx,
            new=NewPatient(
                given,
                "Tester",
                date(1980, 1, 1),
                Sex.FEMALE,
                None,
                email,
                account_password=PASSWORD,
            ),
        )
        with container.uow() as uow:
            user = uow.users.by_patient(p.id)
        assert user is not None
        return p, Actor(user.id, Role.PATIENT, user.clinic_id, user.name, p.id)

    pat, pat_actor = patient("Pat", "pat@a.test")
    other, other_actor = patient("Otto", "otto@a.test")
    in_care_since(
        container, [pat.id, other.id], container.clock.today() - timedelta(days=CARE_DAYS)
    )
    foreign = create_patient(
        container.context().acting_as(other_clinician),
        new=NewPatient("Fran", "Foreign", None, None, None, None),
    )
    secret, codes = enrol_second_factor(container, admin)
    return World(
        container,
        admin,
        clinician,
        other_clinician,
        pat,
        pat_actor,
        other,
        other_actor,
        foreign,
        admin_totp_secret=secret,
        admin_recovery_codes=codes,
    )


@pytest.fixture
def world(container: Container) -> World:
    """The personas of ``build_world``, in the test's own database (``container``)."""
    _, template = _world_template()
    return replace(
        template, container=container, admin_recovery_codes=list(template.admin_recovery_codes)
    )


def _world_template() -> tuple[Path, World]:
    """A data dir (database, keys, outbox) holding ``build_world``'s personas, made once per
    run and day: building them costs about 0.3 s (password hashes, MFA set-up, audit chain),
    a copy of the result a few milliseconds. Keyed by the day because the world's episodes
    start ``CARE_DAYS`` before the day it was built."""
    key = f"world-{SystemClock().today().isoformat()}"
    if key not in _worlds:
        tmp = _template_root() / key
        container = make_container(tmp)
        world = build_world(container)
        container.engine.dispose()  # the last connection closing folds the WAL into the file
        _worlds[key] = (container.settings.data_dir, world)
    return _worlds[key]


def _container_with_world(tmp_path: Path) -> Container:
    """A container over a copy of the world template's data dir (the same records, audit
    chain and audit key as a world built afresh; ids included, so the template's personas
    name the same rows)."""
    data_dir, _ = _world_template()
    settings = Settings(data_dir=tmp_path / "data", database_url=None, secret_key=None)
    shutil.copytree(data_dir, settings.data_dir)
    return build_container(settings, hasher=fast_hasher(), worker_threads=0)


def csrf_from(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "page has no CSRF token"
    return match.group(1)


def api_client(
    container: Container, email: str, *, follow_redirects: bool = False, code: str | None = None
) -> tuple[TestClient, str]:
    """A TestClient of a fresh app signed in as ``email`` through the JSON API; (client, csrf).
    ``code``: the second factor, for accounts that have one (the world's admin)."""
    from painpath.web.app import create_app

    client = TestClient(
        create_app(container.settings, container=container), follow_redirects=follow_redirects
    )
    body = {"email": email, "password": PASSWORD} | ({"code": code} if code else {})
    resp = client.post("/api/v1/session", json=body)
    assert resp.status_code == 200, resp.text
    return client, resp.json()["csrf_token"]


_demos: dict[tuple[str, str], tuple[Path, str]] = {}


def seed_demo_copy(container: Container, *, today: date | None = None) -> str:
    """``seed_demo(container, today=today)`` for a container with an empty SQLite database.

    Seeding the demo costs about 12 s of CPU; a dozen tests need it. The first call for a day
    and clock seeds a template container with the same clock (and the tests' password hasher);
    each call copies the template's data dir (database, audit and session keys, outbox) over
    the container's and returns seed_demo's summary. Seeding is a function of the day, the
    clock and the empty schema, so the copy holds what seeding the container would have written
    (timestamps of a system clock come from the template's seeding, minutes earlier at most).
    Any other container (PostgreSQL, another clock type) is seeded for real."""
    from painpath.demo import FixedClock, seed_demo

    clock = container.clock
    if isinstance(clock, FixedClock):
        clock_key = f"fixed-{clock.day.isoformat()}"
    elif isinstance(clock, SystemClock):
        clock_key = "system"
    else:
        return seed_demo(container, today=today)
    if not container.settings.is_sqlite:
        return seed_demo(container, today=today)
    day = today or clock.today()
    key = (day.isoformat(), clock_key)
    if key not in _demos:
        template = replace(make_container(_template_root() / f"demo-{len(_demos)}"), clock=clock)
        summary = seed_demo(template, today=day)
        template.engine.dispose()  # the last connection closing folds the WAL into the file
        _demos[key] = (template.settings.data_dir, summary)
    data_dir, summary = _demos[key]
    with container.engine.connect() as conn:  # the copy replaces the database: none yet
        assert conn.execute(text("SELECT count(*) FROM users")).scalar() == 0
    container.engine.dispose()
    shutil.copytree(data_dir, container.settings.data_dir, dirs_exist_ok=True)
    # the audit chain was signed with the template's key, now in this data dir too
    container.extras["audit_key"] = container.settings.resolve_audit_key()
    return summary
