"""The Celery app for clinic-network deployments: thin tasks, ids in, services do the work.

Start a worker with ``painpath worker`` (or ``celery -A painpath.worker.celery_app:app worker``)
with the same ``PAINPATH_*`` settings as the web processes.
"""

from __future__ import annotations

from functools import cache

from celery import Celery

from painpath.bootstrap import Container, build_container
from painpath.config import Settings
from painpath.services.jobs import run_job

__all__ = ["app", "make_celery"]


@cache
def _container() -> Container:
    return build_container(Settings(), worker_threads=0)


def make_celery(broker_url: str | None) -> Celery:
    celery = Celery("painpath", broker=broker_url)
    celery.conf.update(task_acks_late=True, worker_prefetch_multiplier=1, task_serializer="json")

    @celery.task(name="painpath.run_job")  # type: ignore[untyped-decorator]
    def run_job_task(job_id: str) -> None:
        run_job(_container().context(), job_id)

    return celery


app = make_celery(Settings().broker_url)
