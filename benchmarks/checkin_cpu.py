"""CPU time of one check-in, in process, for a patient with a year of daily check-ins.

    PYTHONPATH=src:. python benchmarks/checkin_cpu.py [--days 365] [--checkins 60] \\
        [--backend sqlite|postgres] [--records]

Seeds one patient (the test world of ``tests/conftest.py``) with a walking programme and
``--days`` daily check-ins in one transaction, then submits ``--checkins`` check-ins through
the service (each for one of the last 7 days, as the load benchmark does, so most are
revisions) and prints the CPU seconds of this process per check-in (``time.process_time``:
the database server's own time on PostgreSQL is not in it) and the wall time. Runs against
whichever ``src`` is on the path, so the same command compares two checkouts.
``--records``: the patient also has what a patient in care has besides check-ins (an intake,
an examination, questionnaires assigned and answered: ODI and PHQ-4 every four weeks), which
the caseload summary reads too; the load benchmark's patients have none of them.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import time
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from tests.conftest import (
    World,
    build_world,
    make_container,
    store_checkins,
    walking_since,
)

from painpath.bootstrap import Container
from painpath.demo import FixedClock
from painpath.domain.progression.checkins import CheckIn
from painpath.services.progress.checkins import submit_checkin


def seed_year(container: Container, days: int, rng: random.Random) -> tuple[World, date]:
    """The test world's patient in care for ``days`` days, with a walking programme and a
    check-in a day (a flare every 45 days); returns the world and today."""
    world = build_world(container)
    today = container.clock.today()
    start = today - timedelta(days=days)
    walking_since(world, start)
    store_checkins(
        world,
        (
            CheckIn(
                day=start + timedelta(days=i),
                pain_now=float(rng.randint(2, 7)),
                pain_worst=8.0,
                quota_done=float(rng.randint(5, 60)),
                flare=i % 45 == 20,
                flare_severity=2 if i % 45 == 20 else None,
            )
            for i in range(days)
        ),
    )
    return world, today


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--checkins", type=int, default=60)
    parser.add_argument("--backend", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--records", action="store_true", help="intake, exam, questionnaires")
    args = parser.parse_args()
    rng = random.Random(12)
    with tempfile.TemporaryDirectory() as tmp:
        if args.backend == "postgres":
            container = make_container(Path(tmp), backend="postgres", pg_base="pp_cpu")
        else:
            container = make_container(Path(tmp))
        world, today = seed_year(container, args.days, rng)
        start = today - timedelta(days=args.days)
        if args.records:
            _other_records(world, start, today)
        ctx = world.ctx(world.patient_actor)
        cpu, wall = [], []
        for _ in range(args.checkins):
            day = today - timedelta(days=rng.randint(0, 6))
            t_cpu, t_wall = time.process_time(), time.perf_counter()
            submit_checkin(
                ctx,
                patient_id=world.patient.id,
                day=day,
                pain_now=float(rng.randint(0, 10)),
                pain_worst=10.0,
                quota_done=float(rng.randint(0, 30)),
            )
            cpu.append(time.process_time() - t_cpu)
            wall.append(time.perf_counter() - t_wall)
        container.engine.dispose()
    if args.backend == "postgres":
        _drop_schemas("pp_cpu_")
    print(
        json.dumps(
            {
                "backend": args.backend,
                "days": args.days,
                "checkins": args.checkins,
                "cpu_ms_median": round(statistics.median(cpu) * 1000, 1),
                "cpu_ms_mean": round(statistics.mean(cpu) * 1000, 1),
                "wall_ms_median": round(statistics.median(wall) * 1000, 1),
            }
        )
    )


def _other_records(world: Any, start: date, today: date) -> None:
    """An intake and examination, ODI and PHQ-4 assigned every four weeks and answered."""
    from tests.integration.test_assessment_services import KNEE, KNEE_EXAM

    from painpath.services.assessment import save_examination, save_intake
    from painpath.services.questionnaires import assign_instruments, submit_response

    clin = world.ctx(world.clinician)
    pid = world.patient.id
    save_intake(clin, patient_id=pid, intake=KNEE)
    save_examination(clin, patient_id=pid, examination=KNEE_EXAM)
    assign_instruments(
        clin,
        patient_id=pid,
        instruments=["odi", "phq-4"],
        schedule_weeks=list(range(0, 52, 4)),
        start=max(start, today - timedelta(days=360)),
    )
    for n, weeks_ago in enumerate(range(48, -1, -4)):
        day = today - timedelta(weeks=weeks_ago)
        if day < start:
            continue
        on_day = replace(clin, clock=FixedClock(day))
        submit_response(on_day, patient_id=pid, instrument_id="odi", answers=[3 - n % 3] * 10)
        submit_response(on_day, patient_id=pid, instrument_id="phq-4", answers=[1, 1, n % 2, 1])


def _drop_schemas(prefix: str) -> None:
    from sqlalchemy import create_engine, text
    from tests.conftest import POSTGRES_URL

    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        names = conn.execute(
            text("SELECT nspname FROM pg_namespace WHERE nspname LIKE :p"), {"p": prefix + "%"}
        ).scalars()
        for name in list(names):
            conn.execute(text(f'DROP SCHEMA "{name}" CASCADE'))
    admin.dispose()


if __name__ == "__main__":
    main()
