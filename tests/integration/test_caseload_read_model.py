"""The caseload's read model: summaries kept current in the writing transaction, a caseload
whose statement count does not grow with history, and its sorting and filtering."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import event

from painpath.bootstrap import Container
from painpath.demo import FixedClock
from painpath.domain.caseload import CaseloadFilter, CaseloadSort
from painpath.domain.progression.checkins import CheckIn
from painpath.domain.records import RecordKind
from painpath.services.caseload import caseload, compute_summary
from painpath.services.episodes import discharge_episode
from painpath.services.patients import NewPatient, create_patient, list_episodes
from painpath.services.progress import start_programme
from painpath.services.progress.checkins import checkin_to_payload, submit_checkin
from tests.conftest import World, api_client, build_world, make_container


@contextmanager
def counted(container: Container) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(container.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(container.engine, "before_cursor_execute", count)


def _history(world: World, days: int) -> None:
    today = world.container.clock.today()
    start = today - timedelta(days=days)
    ctx = replace(world.ctx(world.clinician), clock=FixedClock(start))
    for patient in (world.patient, world.other_patient):
        start_programme(ctx, patient_id=patient.id, activity="walking", unit="minutes", goal=30)
        with world.container.uow() as uow:  # bulk: one transaction, one summary refresh
            for i in range(days):
                day = start + timedelta(days=i)
                uow.records.add(
                    kind=RecordKind.CHECKIN,
                    patient_id=patient.id,
                    payload=checkin_to_payload(CheckIn(day=day, pain_now=4, pain_worst=6)),
                    natural_key=day.isoformat(),
                    created_by=world.clinician.user_id,
                )
            uow.commit()


def _caseload_statements(tmp_path: Any, days: int) -> int:
    container = make_container(tmp_path / f"h{days}")
    world = build_world(container)
    _history(world, days)
    client, _ = api_client(container, "clin@a.test")
    assert client.get("/caseload").status_code == 200  # warm: nothing is stale afterwards
    with counted(container) as statements:
        page = client.get("/caseload")
    assert page.status_code == 200 and "Tester" in page.text
    container.engine.dispose()
    return len(statements)


def test_caseload_statements_do_not_grow_with_history(tmp_path: Any) -> None:
    short, long = _caseload_statements(tmp_path, 10), _caseload_statements(tmp_path, 120)
    assert short == long, (short, long)
    assert short <= 16  # session, audit chain, summaries, message badges; no per-patient query


def test_summary_is_written_with_the_checkin(world: World) -> None:
    today = world.container.clock.today()
    ctx = world.ctx(world.patient_actor)
    submit_checkin(ctx, patient_id=world.patient.id, day=today, pain_now=3, pain_worst=5)
    with world.container.uow() as uow:
        stored = uow.summaries.get(world.patient.id)
        assert stored is not None and stored.last_checkin == today
        assert stored == compute_summary(uow, world.patient, today)


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    writes=st.lists(
        st.tuples(st.integers(0, 40), st.floats(0, 10).map(lambda x: round(x, 1)), st.booleans()),
        min_size=1,
        max_size=12,
    ),
    programme_days=st.one_of(st.none(), st.integers(5, 45)),
)
def test_stored_summary_equals_full_recomputation(
    tmp_path_factory: Any, writes: list[tuple[int, float, bool]], programme_days: int | None
) -> None:
    container = make_container(tmp_path_factory.mktemp("prop"))
    try:
        world = build_world(container)
        today = container.clock.today()
        if programme_days is not None:
            start_programme(
                replace(
                    world.ctx(world.clinician), clock=FixedClock(today - timedelta(programme_days))
                ),
                patient_id=world.patient.id,
                activity="walking",
                unit="minutes",
                goal=20,
            )
        for days_ago, pain, as_clinician in writes:
            actor = world.clinician if as_clinician else world.patient_actor
            submit_checkin(
                world.ctx(actor),
                patient_id=world.patient.id,
                day=today - timedelta(days_ago),
                pain_now=pain,
                pain_worst=min(10.0, pain + 1),
                quota_done=float(days_ago % 7),
            )
        with container.uow() as uow:
            stored = uow.summaries.get(world.patient.id)
            assert stored == compute_summary(uow, world.patient, today)
    finally:
        container.engine.dispose()


def _three_patients(world: World) -> tuple[Any, Any, Any]:
    today = world.container.clock.today()
    ctx = world.ctx(world.clinician)
    quiet = create_patient(ctx, new=NewPatient("Quinn", "Quiet", None, None, "Q1", None))
    start = today - timedelta(days=20)
    for p in (world.patient, world.other_patient):
        start_programme(
            replace(ctx, clock=FixedClock(start)),
            patient_id=p.id,
            activity="walking",
            unit="minutes",
            goal=30,
        )
    for i in range(21):  # Pat: every day, pain rising from 2 to 7; Otto: every third day
        day = start + timedelta(days=i)
        pain = 2.0 if i < 7 else 7.0
        submit_checkin(ctx, patient_id=world.patient.id, day=day, pain_now=pain, pain_worst=8)
        if i % 3 == 0 and i < 18:
            submit_checkin(
                ctx, patient_id=world.other_patient.id, day=day, pain_now=4, pain_worst=5
            )
    return world.patient, world.other_patient, quiet


def test_caseload_sorts_and_filters(world: World) -> None:
    _three_patients(world)
    ctx = world.ctx(world.clinician)

    def names(**kw: Any) -> list[str]:
        where = CaseloadFilter(**{k: v for k, v in kw.items() if k not in ("sort", "desc")})
        rows = caseload(
            ctx,
            where=where,
            sort=kw.get("sort", CaseloadSort.NAME),
            descending=kw.get("desc", False),
        )
        return [r.patient.given_name for r in rows]

    assert names() == ["Quinn", "Otto", "Pat"]  # family name, then given name
    assert names(sort=CaseloadSort.LAST_CHECKIN) == ["Quinn", "Otto", "Pat"]  # never, silent, today
    assert names(sort=CaseloadSort.ADHERENCE) == ["Otto", "Pat", "Quinn"]  # low, full, none
    assert names(silent_days=3) == ["Quinn", "Otto"]
    assert names(adherence_below=0.5) == ["Otto"]
    assert names(pain_worse=True) == ["Pat"]  # +5 points since the first week
    assert names(query="quie") == ["Quinn"]
    assert "Fran" not in names()  # another clinic's patient never shows


def test_caseload_page_columns_and_bad_filter(world: World) -> None:
    _three_patients(world)
    client, _ = api_client(world.container, "clin@a.test")
    page = client.get("/caseload?sort=adherence&pain=worse")
    assert page.status_code == 200
    assert "Tester, Pat" in page.text and "Quiet, Quinn" not in page.text
    assert "worse (+5.0)" in page.text and "100 %" in page.text
    assert client.get("/caseload?sort=shoe-size").status_code == 400
    assert client.get("/caseload?adherence=33").status_code == 400


def test_the_caseload_shows_patients_in_care_by_default(world: World) -> None:
    clin = world.ctx(world.clinician)
    episode = list_episodes(clin, patient_id=world.other_patient.id)[0]
    discharge_episode(
        clin,
        patient_id=world.other_patient.id,
        episode_id=episode.id,
        reason="goals_met",
        outcome_summary="Back to the garden and the bus without a flare.",
    )

    def ids(**where: str) -> set[str]:
        return {r.patient.id for r in caseload(clin, where=CaseloadFilter(**where))}

    assert ids() == {world.patient.id}  # in care now (the default)
    assert ids(episodes="discharged") == {world.other_patient.id}
    assert ids(episodes="all") == {world.patient.id, world.other_patient.id}
    client, _ = api_client(world.container, "clin@a.test")
    page = client.get("/caseload?episodes=discharged")
    assert page.status_code == 200
    assert "Tester, Otto" in page.text and "Tester, Pat" not in page.text
    assert client.get("/caseload?episodes=gone").status_code == 400
