"""The embedded scheduler thread and the scheduled-task registry (no real minutes waited)."""

from __future__ import annotations

import threading

from painpath.adapters.scheduler import ThreadScheduler
from painpath.services.scheduled import SCHEDULED_TASKS, run_scheduled, scheduled


def test_tasks_run_every_tick_or_at_their_own_interval() -> None:
    runs: list[str] = []
    scheduler = ThreadScheduler(runs.append, schedule={"often": None, "hourly": 3600.0}, tick_s=1)
    scheduler.tick()
    scheduler.tick()
    scheduler.tick()
    assert runs.count("often") == 3 and runs.count("hourly") == 1


def test_the_thread_keeps_running_when_a_task_raises_and_stops_cleanly() -> None:
    seen: list[str] = []
    enough = threading.Event()

    def run(name: str) -> None:
        seen.append(name)
        if len(seen) >= 3:
            enough.set()
        raise RuntimeError("boom")

    scheduler = ThreadScheduler(run, schedule={"flaky": None}, tick_s=0.01)
    scheduler.start()
    assert enough.wait(5) and scheduler.running
    scheduler.stop()
    assert not scheduler.running
    off = ThreadScheduler(run, schedule={"flaky": None}, tick_s=0)
    off.start()
    assert not off.running  # PAINPATH_SCHEDULER_SECONDS=0 turns it off


def test_run_scheduled_never_raises() -> None:
    @scheduled("test-explodes")
    def explode(ctx):  # type: ignore[no-untyped-def]
        raise ValueError("bad")

    try:
        assert run_scheduled(None, "test-explodes") == {"error": "failed"}  # type: ignore[arg-type]
        assert run_scheduled(None, "no-such-task") == {"error": "unknown task"}  # type: ignore[arg-type]
    finally:
        SCHEDULED_TASKS.pop("test-explodes")


def test_reminders_and_retention_are_registered() -> None:
    import painpath.services.engagement  # noqa: F401  (registers its tasks)

    assert SCHEDULED_TASKS["reminders"].every_s is None
    assert SCHEDULED_TASKS["message-retention"].every_s == 3600
