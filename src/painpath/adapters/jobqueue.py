"""Job queues: in-process worker threads (embedded) or Celery (clinic network)."""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["CeleryJobQueue", "ThreadJobQueue"]

log = logging.getLogger(__name__)


class ThreadJobQueue:
    """Runs jobs on daemon threads in this process; pending jobs survive in the database."""

    def __init__(self, run: Callable[[str], None], *, threads: int) -> None:
        self._run = run
        self._queue: queue.Queue[str | None] = queue.Queue()
        self._threads = [
            threading.Thread(target=self._loop, name=f"painpath-worker-{i}", daemon=True)
            for i in range(threads)
        ]
        self._started = False

    @property
    def threads(self) -> int:
        return len(self._threads)

    def start(self, pending: list[str]) -> None:
        if self._started:
            return
        self._started = True
        for thread in self._threads:
            thread.start()
        for job_id in pending:
            self._queue.put(job_id)

    def enqueue(self, job_id: str, kind: str, payload: Mapping[str, Any]) -> None:
        if not self._threads:  # zero threads: run inline (CLI, tests)
            self._run(job_id)
            return
        self._queue.put(job_id)

    def join(self, timeout: float | None = None) -> None:
        """Wait until every queued job has run (tests and shutdown)."""
        self._queue.join()

    def stop(self) -> None:
        for _ in self._threads:
            self._queue.put(None)

    def _loop(self) -> None:
        while True:
            job_id = self._queue.get()
            try:
                if job_id is None:
                    return
                self._run(job_id)
            except Exception:  # the runner stores failures; this guards the thread itself
                log.exception("worker loop error on job %s", job_id)
            finally:
                self._queue.task_done()


class CeleryJobQueue:
    """Sends job ids to Celery workers (``painpath worker``) through the configured broker."""

    TASK = "painpath.run_job"  # defined by painpath.worker.celery_app

    def __init__(self, broker_url: str) -> None:
        self._broker_url = broker_url
        self._app: Any = None

    def enqueue(self, job_id: str, kind: str, payload: Mapping[str, Any]) -> None:
        if self._app is None:
            from celery import Celery

            self._app = Celery("painpath-client", broker=self._broker_url)
        self._app.send_task(self.TASK, args=[job_id])
