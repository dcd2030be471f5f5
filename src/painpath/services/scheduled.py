"""Periodic work (reminders, message retention): named tasks any scheduler can run.

Embedded, one thread in the web process ticks (``adapters/scheduler.py``); with a broker,
Celery beat sends ``painpath.run_scheduled`` with the task's name (``worker/celery_app.py``).
Tasks must be safe to run concurrently from several processes: each claims its own work in the
database. ``run_scheduled`` never raises, so a failing task cannot stop the scheduler.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from painpath.services.context import ServiceContext

__all__ = ["SCHEDULED_TASKS", "ScheduledTask", "run_scheduled", "scheduled"]

log = logging.getLogger(__name__)

TaskFn = Callable[[ServiceContext], Mapping[str, Any]]


@dataclass(frozen=True)
class ScheduledTask:
    name: str
    run: TaskFn
    every_s: float | None  # None: on every tick of the scheduler (PAINPATH_SCHEDULER_SECONDS)


SCHEDULED_TASKS: dict[str, ScheduledTask] = {}


def scheduled(name: str, *, every_s: float | None = None) -> Callable[[TaskFn], TaskFn]:
    def register(fn: TaskFn) -> TaskFn:
        SCHEDULED_TASKS[name] = ScheduledTask(name, fn, every_s)
        return fn

    return register


def run_scheduled(ctx: ServiceContext, name: str) -> Mapping[str, Any]:
    task = SCHEDULED_TASKS.get(name)
    if task is None:
        log.error("no scheduled task called %r", name)
        return {"error": "unknown task"}
    try:
        return task.run(ctx)
    except Exception:  # the scheduler thread and the beat worker must keep running
        log.exception("scheduled task %s failed", name)
        return {"error": "failed"}
