"""The facts a caseload summary keeps from the patient's other records (the alerts of red
flags, worse instruments and a positive PHQ-4, the function trend, the questionnaire schedule)
equal recomputing them after every kind of write that changes those records.

A check-in resumes the stored engine state and uses the stored facts when their records
(responses, assignments, intake, examination) are unchanged and they were computed today;
a response (new, corrected, voided), an assignment, an intake or an examination changes the
digest they were computed from, and a new day recomputes them. After every write the stored
summary must equal ``compute_summary`` (the full replay, which reads every record).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Any
from unittest import mock

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import painpath.services.caseload as caseload_service
from painpath.bootstrap import Container
from painpath.demo import FixedClock
from painpath.domain.progression.checkins import CheckIn
from painpath.domain.records import RecordKind
from painpath.services.assessment import save_examination, save_intake
from painpath.services.caseload import refresh_summaries
from painpath.services.progress import start_programme
from painpath.services.progress.checkins import submit_checkin
from painpath.services.questionnaires import (
    assign_instruments,
    correct_response,
    submit_response,
    void_response,
)
from tests.conftest import (
    World,
    assert_summary_is_replay,
    build_world,
    in_care_since,
    make_container,
    store_checkins,
)
from tests.integration.test_assessment_services import KNEE, KNEE_EXAM

T0 = date(2026, 3, 2)  # the programme's first day
HISTORY_DAYS = 20  # check-ins from T0, so that a check-in resumes the stored state
FLAGS: dict[str, dict[str, bool]] = {
    "none": {},
    "soon": {"prolonged_steroids": True},  # a high alert
    "urgent": {"ces_saddle_numbness": True, "ces_bladder": True},  # an urgent alert
}
EXAMS: dict[str, dict[str, Any]] = {"knee": KNEE_EXAM, "empty": {"findings": []}}

# Each op is one write through the services (or a day passing).
ops_st = st.lists(
    st.one_of(
        st.tuples(st.just("checkin"), st.integers(0, 6), st.integers(0, 10)),
        st.tuples(st.just("next"), st.integers(1, 2), st.booleans()),
        st.tuples(st.just("phq4"), st.lists(st.integers(0, 3), min_size=4, max_size=4)),
        st.tuples(st.just("odi"), st.integers(0, 5)),
        st.tuples(st.just("correct"), st.integers(0, 5), st.integers(0, 5)),
        st.tuples(st.just("void"), st.integers(0, 5)),
        st.tuples(
            st.just("assign"),
            st.sampled_from([["odi"], ["phq-4"], ["odi", "phq-4"]]),
            st.lists(st.integers(0, 8), min_size=1, max_size=3),
            st.integers(-20, 10),
        ),
        st.tuples(st.just("intake"), st.sampled_from(sorted(FLAGS))),
        st.tuples(st.just("exam"), st.sampled_from(sorted(EXAMS))),
    ),
    min_size=1,
    max_size=14,
)


def _start(world: World) -> None:
    """A programme from T0 with a check-in a day; the clock ends on the day after."""
    container = world.container
    in_care_since(container, [world.patient.id], T0 - timedelta(days=30))
    container.clock = FixedClock(T0)
    start_programme(
        world.ctx(world.clinician),
        patient_id=world.patient.id,
        activity="walking",
        unit="minutes",
        goal=40,
        baseline_values=[8.0, 10.0, 12.0],
    )
    container.clock = FixedClock(T0 + timedelta(days=HISTORY_DAYS))
    store_checkins(
        world,
        (
            CheckIn(day=T0 + timedelta(days=i), pain_now=float(i % 7), pain_worst=8.0,
                    quota_done=12.0)
            for i in range(HISTORY_DAYS)
        ),
    )  # fmt: skip


def _checkin(world: World, day: date, pain: int) -> None:
    submit_checkin(
        world.ctx(world.patient_actor),
        patient_id=world.patient.id,
        day=day,
        pain_now=float(pain),
        pain_worst=10.0,
        quota_done=12.0,
    )


def _responses(world: World) -> list[Any]:
    with world.container.uow() as uow:
        return uow.records.list_current(kind=RecordKind.RESPONSE, patient_id=world.patient.id)


def _apply(world: World, op: tuple[Any, ...]) -> None:
    container, pid = world.container, world.patient.id
    clin = world.ctx(world.clinician)
    today = container.clock.today()
    if op[0] == "checkin":
        _checkin(world, today - timedelta(days=op[1]), op[2])
    elif op[0] == "next":
        container.clock = FixedClock(today + timedelta(days=op[1]))
        if op[2]:
            _checkin(world, container.clock.today(), 3)
        else:  # a new day without a write: the caseload's stale refresh
            with container.uow() as uow:
                refresh_summaries(uow, [pid], container.clock.today())
                uow.commit()
    elif op[0] == "phq4":
        submit_response(clin, patient_id=pid, instrument_id="phq-4", answers=op[1])
    elif op[0] == "odi":
        submit_response(clin, patient_id=pid, instrument_id="odi", answers=[op[1]] * 10)
    elif op[0] in ("correct", "void"):
        found = _responses(world)
        if not found:
            return
        record = found[op[1] % len(found)]
        if op[0] == "void":
            void_response(
                clin,
                patient_id=pid,
                record_id=record.record_id,
                expected_version=record.version,
                reason="entered for the wrong patient",
            )
            return
        items = len(record.payload["answers"])
        level = op[2] if record.payload["instrument"] == "odi" else min(op[2], 3)
        correct_response(
            clin,
            patient_id=pid,
            record_id=record.record_id,
            expected_version=record.version,
            answers=[level] * items,
            reason="typed the wrong box",
        )
    elif op[0] == "assign":
        _, instruments, weeks, offset = op
        assign_instruments(
            clin,
            patient_id=pid,
            instruments=instruments,
            schedule_weeks=weeks,
            start=today + timedelta(days=offset),
        )
    elif op[0] == "intake":
        flags = {**KNEE["red_flags"], **FLAGS[op[1]]}
        save_intake(clin, patient_id=pid, intake={**KNEE, "red_flags": flags})
    else:
        save_examination(clin, patient_id=pid, examination=EXAMS[op[1]])


@contextmanager
def _counting_fact_reads() -> Iterator[list[str]]:
    """The patient ids whose other records a refresh read (``_record_facts``)."""
    seen: list[str] = []
    real = caseload_service._record_facts

    def wrapped(uow: Any, patient_id: str, *args: Any, **kwargs: Any) -> Any:
        seen.append(patient_id)
        return real(uow, patient_id, *args, **kwargs)

    with mock.patch.object(caseload_service, "_record_facts", wrapped):
        yield seen


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ops=ops_st)
def test_kept_facts_equal_recomputing_them_after_every_write(
    tmp_path_factory: Any, ops: list[tuple[Any, ...]]
) -> None:
    container = make_container(tmp_path_factory.mktemp("facts"))
    try:
        world = build_world(container)
        _start(world)
        _checkin(world, container.clock.today(), 4)  # the summary now keeps facts
        assert_summary_is_replay(world)
        for op in ops:
            _apply(world, op)
            assert_summary_is_replay(world)
    finally:
        container.engine.dispose()


def test_a_checkin_reuses_the_facts_and_other_writes_renew_them(any_container: Container) -> None:
    """On both backends (the digest of the other records is SQL on PostgreSQL): a check-in
    on the same day reads none of the other records; a response, its correction and void,
    an assignment, an intake, an examination and a new day each read them again; and every
    stored summary equals the full replay."""
    world = build_world(any_container)
    _start(world)
    today = any_container.clock.today()
    steps: list[tuple[tuple[Any, ...], bool]] = [
        (("checkin", 0, 4), True),  # the bulk load's row kept no facts
        (("checkin", 1, 5), False),
        (("checkin", 0, 6), False),
        (("phq4", [3, 2, 2, 1]), True),  # a positive GAD-2: a high alert
        (("checkin", 0, 2), False),
        (("odi", 1), True),
        (("odi", 4), True),  # worse: the function trend
        (("checkin", 2, 3), False),
        (("correct", 1, 2), True),  # the first ODI, corrected
        (("void", 1), True),  # the second ODI, voided
        (("odi", 5), True),
        (("assign", ["odi", "phq-4"], [0, 4], -3), True),
        (("checkin", 0, 7), False),
        (("intake", "soon"), True),
        (("exam", "knee"), True),
        (("checkin", 0, 1), False),
        (("next", 1, True), True),  # a new day: computed again once
        (("checkin", 0, 3), False),
    ]
    with _counting_fact_reads() as reads:
        for op, renewed in steps:
            before = len(reads)
            _apply(world, op)
            assert len(reads) - before == (1 if renewed else 0), op
            assert_summary_is_replay(world)
    with any_container.uow() as uow:
        stored = uow.summaries.get(world.patient.id)
    assert stored is not None and stored.computed_on == today + timedelta(days=1)
    codes = {a.code for a in stored.alerts}
    assert {"red_flag", "anxiety_screen"} <= codes, codes
    assert stored.next_review is not None and stored.function_trend is not None
