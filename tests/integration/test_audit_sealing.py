"""The audit chain is sealed at commit: events are linked (seq, HMAC) under the chain head's
row lock only in the last step of a transaction, so the head is never held while a
transaction waits for another row (the lock-order inversion that deadlocked sign-ins under
load on PostgreSQL), and concurrent writers still produce one gap-free, verified chain."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from painpath.bootstrap import Container
from painpath.domain.ports import UnitOfWork
from painpath.services.audit import audit_report

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg(tmp_path: Path, postgres_schema: str) -> Iterator[Container]:
    from tests.conftest import make_container

    container = make_container(tmp_path, backend="postgres", pg_base=postgres_schema)
    yield container
    container.engine.dispose()


def _event(uow: UnitOfWork, name: str) -> None:
    uow.audit.append(action=name, actor_user_id=None, actor_role=None)


def _attempt_row(container: Container) -> int:
    with container.uow() as uow:
        row_id = uow.signin_attempts.add(
            account="a@x.test", client="t", at=datetime.now(UTC), kind="pending"
        )
        uow.commit()
    return row_id


def test_an_open_transaction_with_an_event_does_not_hold_the_chain(pg: Container) -> None:
    """While one unit of work has appended an event and is still working, another commits."""
    done = threading.Event()
    errors: list[BaseException] = []

    def other() -> None:
        try:
            with pg.uow() as uow:
                _event(uow, "test.other")
                uow.commit()
            done.set()
        except BaseException as err:  # asserted below
            errors.append(err)

    with pg.uow() as slow:
        _event(slow, "test.slow")
        t = threading.Thread(target=other)
        t.start()
        finished = done.wait(5)  # before: blocked on the head's row lock until `slow` ended
        slow.commit()
    t.join(10)
    assert finished and not errors, errors
    _, findings = audit_report(pg.context())
    assert findings == []
    with pg.uow() as uow:
        assert [e.action for e in uow.audit.iter_all()] == ["test.other", "test.slow"]


def test_no_deadlock_when_two_transactions_lock_a_row_and_audit_in_opposite_orders(
    pg: Container,
) -> None:
    """A writes a row then audits; B audits then writes the same row. With the head locked at
    append time this was a deadlock (one side aborted by PostgreSQL); sealed at commit, B
    simply waits for A."""
    row_id = _attempt_row(pg)
    a_locked, b_appended = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def b() -> None:
        try:
            assert a_locked.wait(5)
            with pg.uow() as uow:
                _event(uow, "test.b")
                b_appended.set()
                uow.signin_attempts.set_kind(row_id, "b")  # waits for A's row lock
                uow.commit()
        except BaseException as err:  # asserted below
            b_appended.set()
            errors.append(err)

    t = threading.Thread(target=b)
    t.start()
    with pg.uow() as uow:
        uow.signin_attempts.set_kind(row_id, "a")
        a_locked.set()
        assert b_appended.wait(5)
        time.sleep(0.3)  # B is now queued on the attempt row
        _event(uow, "test.a")
        uow.commit()
    t.join(15)
    assert not errors, errors
    _, findings = audit_report(pg.context())
    assert findings == []
    with pg.uow() as uow:
        assert [e.action for e in uow.audit.iter_all()] == ["test.a", "test.b"]


def test_concurrent_writers_produce_one_gap_free_verified_chain(pg: Container) -> None:
    threads_n, units, per_unit = 8, 10, 3
    errors: list[BaseException] = []

    def writer(w: int) -> None:
        try:
            for u in range(units):
                with pg.uow() as uow:
                    for i in range(per_unit):
                        uow.audit.append(
                            action="test.batch",
                            actor_user_id=None,
                            actor_role=None,
                            request_id=f"w{w}-u{u}",
                            detail={"steps": i},
                        )
                    uow.commit()
                with pg.uow() as uow:  # rolled back: its event must leave no gap
                    _event(uow, "test.rolled-back")
        except BaseException as err:  # asserted below
            errors.append(err)

    threads = [threading.Thread(target=writer, args=(w,)) for w in range(threads_n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    checked, findings = audit_report(pg.context())
    assert (checked, findings) == (threads_n * units * per_unit, [])
    with pg.uow() as uow:
        events = list(uow.audit.iter_all())
        head = uow.audit.head()
        checkpoints = [p.seq for p in uow.audit.checkpoints()]
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert head == (events[-1].seq, events[-1].hash)
    assert checkpoints == [100, 200]  # every 100 events, also when a batch crosses the mark
    # One unit of work's events are sealed together: consecutive, in the order appended.
    by_unit: dict[str | None, list[int]] = {}
    for e in events:
        by_unit.setdefault(e.request_id, []).append(e.seq)
    assert all(seqs == list(range(seqs[0], seqs[0] + per_unit)) for seqs in by_unit.values())
    assert not any(e.action == "test.rolled-back" for e in events)


def test_one_event_is_sealed_in_two_statements_and_concurrent_sealing_keeps_one_chain(
    pg: Container,
) -> None:
    """A unit of work with one event (a request's usual commit) locks the head and then moves
    it and inserts the event in one statement; eight writers doing that at once still give
    one gap-free, verified chain with its checkpoint."""
    from sqlalchemy import event

    verbs: list[str] = []

    def count(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        verbs.append(statement.split(None, 1)[0].upper())

    with pg.uow() as uow:
        uow.audit.head()  # opens the transaction
        _event(uow, "test.one")
        event.listen(pg.engine, "before_cursor_execute", count)
        try:
            uow.commit()
        finally:
            event.remove(pg.engine, "before_cursor_execute", count)
    assert verbs == ["SELECT", "WITH"], verbs  # the head FOR UPDATE; move + insert
    errors: list[BaseException] = []

    def writer(w: int) -> None:
        try:
            for u in range(15):
                with pg.uow() as uow:
                    uow.audit.append(
                        action="test.single",
                        actor_user_id=None,
                        actor_role=None,
                        request_id=f"w{w}-u{u}",
                    )
                    uow.commit()
        except BaseException as err:  # asserted below
            errors.append(err)

    threads = [threading.Thread(target=writer, args=(w,)) for w in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    checked, findings = audit_report(pg.context())
    assert (checked, findings) == (121, [])
    with pg.uow() as uow:
        events = list(uow.audit.iter_all())
        head = uow.audit.head()
        checkpoints = [p.seq for p in uow.audit.checkpoints()]
    assert [e.seq for e in events] == list(range(1, 122))
    assert head == (121, events[-1].hash) and checkpoints == [100]
