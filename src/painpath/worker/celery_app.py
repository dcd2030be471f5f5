"""The Celery app for clinic-network deployments: thin tasks, ids in, services do the work.

Start a worker with ``painpath worker`` (or ``celery -A painpath.worker.celery_app:app worker``)
with the same ``PAINPATH_*`` settings as the web processes. Periodic work (reminders, message
retention) runs from Celery beat: ``celery -A painpath.worker.celery_app:app beat``; each
scheduled task claims its work in the database, so several workers never send twice.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from celery import Celery

from painpath.bootstrap import Container, build_container, load_feature_services
from painpath.config import Settings
from painpath.services.jobs import run_job
from painpath.services.scheduled import SCHEDULED_TASKS, run_scheduled

__all__ = ["app", "beat_schedule", "make_celery"]


@cache
def _container() -> Container:
    return build_container(Settings(), worker_threads=0)


def beat_schedule(tick_s: float) -> dict[str, dict[str, Any]]:
    """One beat entry per scheduled task; tasks without their own interval run every tick."""
    load_feature_services()
    return {
        f"painpath-{name}": {
            "task": "painpath.run_scheduled",
            "schedule": task.every_s or tick_s,
            "args": [name],
        }
        for name, task in SCHEDULED_TASKS.items()
    }


def make_celery(broker_url: str | None, *, tick_s: float = 60.0) -> Celery:
    celery = Celery("painpath", broker=broker_url)
    celery.conf.update(
        task_acks_late=True,
        worker_prefetch_multiplier=1,
        task_serializer="json",
        beat_schedule=beat_schedule(tick_s or 60.0),
    )

    @celery.task(name="painpath.run_job")  # type: ignore[untyped-decorator]
    def run_job_task(job_id: str) -> None:
        run_job(_container().context(), job_id)

    @celery.task(name="painpath.run_scheduled")  # type: ignore[untyped-decorator]
    def run_scheduled_task(name: str) -> dict[str, Any]:
        return dict(run_scheduled(_container().context(), name))

    return celery


_settings = Settings()
app = make_celery(_settings.broker_url, tick_s=_settings.scheduler_seconds)
