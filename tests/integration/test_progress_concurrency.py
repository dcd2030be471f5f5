"""Two simultaneous check-ins for the same day leave exactly one current version.

Real threads, each with its own transaction. On PostgreSQL the loser of the race hits the
partial unique index (one current version per kind, patient, natural key) and retries as a
revision; on SQLite the IMMEDIATE transactions serialise the writers.
"""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import date

import pytest

from painpath.bootstrap import Container
from painpath.demo import FixedClock
from painpath.domain.records import RecordKind
from painpath.services.progress.checkins import StoredCheckIn, submit_checkin
from tests.conftest import build_world

DAY = date(2026, 3, 2)
WRITERS = 6


def _race(container: Container) -> tuple[str, list[StoredCheckIn], list[BaseException]]:
    world = build_world(container)
    ctx = replace(world.ctx(world.patient_actor), clock=FixedClock(DAY))
    barrier = threading.Barrier(WRITERS)
    results: list[StoredCheckIn] = []
    errors: list[BaseException] = []

    def write(pain: int) -> None:
        barrier.wait()
        try:
            results.append(
                submit_checkin(
                    ctx, patient_id=world.patient.id, day=DAY, pain_now=pain, pain_worst=pain
                )
            )
        except BaseException as err:  # collected and asserted below
            errors.append(err)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(WRITERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return world.patient.id, results, errors


@pytest.mark.parametrize("round_", range(3))
def test_simultaneous_same_day_checkins(any_container: Container, round_: int) -> None:
    """``any_container`` runs this on SQLite and (marked postgres) on a PostgreSQL schema."""
    _assert_one_current(any_container, *_race(any_container))


def _assert_one_current(
    container: Container,
    patient_id: str,
    results: list[StoredCheckIn],
    errors: list[BaseException],
) -> None:
    assert errors == []
    assert len(results) == WRITERS
    with container.uow() as uow:
        current = uow.records.list_current(kind=RecordKind.CHECKIN, patient_id=patient_id)
        assert len(current) == 1
        history = uow.records.history(current[0].record_id)
    # Every submission became one version of the same record: nothing lost, nothing doubled.
    assert len({r.record_id for r in results}) == 1
    assert sorted(h.version for h in history) == list(range(1, WRITERS + 1))
    assert [h.change_reason for h in history[1:]] == ["resubmitted"] * (WRITERS - 1)
    assert sum(h.is_current for h in history) == 1
