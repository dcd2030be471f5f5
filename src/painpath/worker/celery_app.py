"""The Celery app for clinic-network deployments: thin tasks, ids in, services do the work."""

from __future__ import annotations

from functools import cache

from celery import Celery

__all__ = ["make_celery"]


@cache
def make_celery(broker_url: str) -> Celery:
    app = Celery("painpath", broker=broker_url)
    app.conf.update(task_acks_late=True, worker_prefetch_multiplier=1, task_serializer="json")

    @app.task(name="painpath.run_job")
    def run_job_task(job_id: str) -> None:
        from painpath.bootstrap import build_container
        from painpath.config import Settings
        from painpath.services.jobs import run_job

        container = build_container(Settings())
        run_job(container.context(), job_id)

    return app
