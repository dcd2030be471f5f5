"""The demo clinic that ``make run`` seeds: every feature adds its part here.

``seed_demo`` creates the clinics, staff and patients through the real services (so the audit
log is real too), then runs each feature's seeder (modules in this package that define
``seed(world)``), so a newcomer sees every feature on the first click.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta

from painpath.bootstrap import Container
from painpath.domain.accounts import Actor, Patient, Role
from painpath.domain.types import Sex
from painpath.services.context import ServiceContext
from painpath.services.patients import NewPatient, create_patient
from painpath.services.system import create_staff_user

__all__ = ["DEMO_PASSWORD", "DemoPatient", "DemoWorld", "FixedClock", "seed_demo"]

DEMO_PASSWORD = "demo-painpath-2026"  # demo data only; `painpath demo` refuses production mode


@dataclass(frozen=True)
class FixedClock:
    day: date

    def now(self) -> datetime:
        return datetime(self.day.year, self.day.month, self.day.day, 9, 30, tzinfo=UTC)

    def today(self) -> date:
        return self.day


@dataclass(frozen=True)
class DemoPatient:
    key: str
    given: str
    family: str
    born: date
    sex: Sex
    weeks_in_care: int
    story: str  # what the feature seeders build for this person
    email: str | None = None
    episode: str = "Chronic pain"  # the episode title the patient sees


PATIENTS: tuple[DemoPatient, ...] = (
    DemoPatient(
        "maria",
        "Maria",
        "Lopez",
        date(1980, 3, 14),
        Sex.FEMALE,
        8,
        "non-specific low back pain for 5 months, high fear of bending and lifting",
        "maria@demo.painpath.local",
        episode="Persistent low back pain",
    ),
    DemoPatient(
        "james",
        "James",
        "O'Connor",
        date(1991, 7, 2),
        Sex.MALE,
        6,
        "front-of-knee pain on stairs and running; weak hip abductors, knee drifts in",
        episode="Knee pain (right)",
    ),
    DemoPatient(
        "aisha",
        "Aisha",
        "Khan",
        date(1974, 11, 20),
        Sex.FEMALE,
        5,
        "shoulder pain reaching overhead; stiff upper back, shoulder hitches",
        episode="Shoulder pain (right)",
    ),
    DemoPatient(
        "tom",
        "Tom",
        "Becker",
        date(1965, 1, 9),
        Sex.MALE,
        4,
        "neck pain and headaches after long desk days",
        episode="Neck pain",
    ),
    DemoPatient(
        "helen",
        "Helen",
        "Park",
        date(1987, 5, 30),
        Sex.FEMALE,
        10,
        "widespread pain, poor sleep, sensitive to touch: a nociplastic picture",
        episode="Widespread pain",
    ),
    DemoPatient(
        "samuel",
        "Samuel",
        "Osei",
        date(1968, 9, 12),
        Sex.MALE,
        3,
        "back pain with burning pain down the leg: a neuropathic component",
        episode="Back and leg pain",
    ),
    DemoPatient(
        "peter",
        "Peter",
        "Novak",
        date(1959, 2, 3),
        Sex.MALE,
        0,
        "new back pain with saddle numbness: urgent referral, no plan",
        episode="Low back pain",
    ),
)


@dataclass
class DemoWorld:
    container: Container
    today: date
    clinician: Actor
    clinician2: Actor
    admin: Actor
    patients: dict[str, Patient] = field(default_factory=dict)
    patient_actors: dict[str, Actor] = field(default_factory=dict)
    specs: dict[str, DemoPatient] = field(default_factory=dict)

    def ctx(self, actor: Actor, *, on: date | None = None) -> ServiceContext:
        base = self.container.context().acting_as(actor, request_id="demo-seed")
        return replace(base, clock=FixedClock(on or self.today))

    def intake_day(self, key: str) -> date:
        return self.today - timedelta(weeks=self.specs[key].weeks_in_care)


def _staff(container: Container, email: str, name: str, role: Role, clinic: str) -> Actor:
    user = create_staff_user(
        container.context(),
        email=email,
        name=name,
        role=role,
        clinic_name=clinic,
        password=DEMO_PASSWORD,
    )
    return Actor(user.id, user.role, user.clinic_id, user.name)


def seed_demo(container: Container, *, today: date | None = None) -> str:
    day = today or container.clock.today()
    clinic = "Riverside Physiotherapy"
    world = DemoWorld(
        container=container,
        today=day,
        admin=_staff(container, "admin@demo.painpath.local", "Alex Admin", Role.ADMIN, clinic),
        clinician=_staff(
            container, "clinician@demo.painpath.local", "Dr Sam Rivera, PT", Role.CLINICIAN, clinic
        ),
        clinician2=_staff(
            container, "clinician2@demo.painpath.local", "Jo Lee, PT", Role.CLINICIAN, clinic
        ),
    )
    other = _staff(
        container, "other@demo.painpath.local", "Kim Other, PT", Role.CLINICIAN, "Hillside Clinic"
    )
    create_patient(
        world.ctx(other),
        new=NewPatient("Olivia", "Other", date(1990, 1, 1), Sex.FEMALE, "H-001"),
    )
    for n, spec in enumerate(PATIENTS, start=1):
        world.specs[spec.key] = spec
        new = NewPatient(
            given_name=spec.given,
            family_name=spec.family,
            birth_date=spec.born,
            sex=spec.sex,
            mrn=f"R-{1000 + n}",
            email=spec.email,
            episode_title=spec.episode,
            account_password=DEMO_PASSWORD if spec.email else None,
        )
        patient = create_patient(world.ctx(world.clinician, on=world.intake_day(spec.key)), new=new)
        world.patients[spec.key] = patient
        if spec.email:
            with container.uow() as uow:
                user = uow.users.by_patient(patient.id)
            assert user is not None
            world.patient_actors[spec.key] = Actor(
                user.id, Role.PATIENT, user.clinic_id, user.name, patient.id
            )
    done = [f"seeded {len(world.patients) + 1} patients in 2 clinics"]
    for name in _feature_seeders():
        module = importlib.import_module(f"{__name__}.{name}")
        done.append(module.seed(world))
    return "\n".join(done)


def _feature_seeders() -> list[str]:
    return sorted(
        info.name for info in pkgutil.iter_modules(__path__) if not info.name.startswith("_")
    )
