"""The embedded scheduler: one daemon thread in the web process runs periodic tasks by name.

With a broker configured, Celery beat does this instead (``worker/celery_app.py``). Every task
is safe to run from several processes at once (each claims its work in the database), so
several web processes each running this thread send nothing twice.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping

__all__ = ["ThreadScheduler"]

log = logging.getLogger(__name__)


class ThreadScheduler:
    """Every ``tick_s`` seconds, runs each task whose interval has passed (``None``: every tick).

    ``run(name)`` does the work and must not raise (``services.scheduled.run_scheduled``).
    """

    def __init__(
        self,
        run: Callable[[str], object],
        *,
        schedule: Mapping[str, float | None],
        tick_s: float,
        name: str = "painpath-scheduler",
    ) -> None:
        self._run = run
        self._name = name
        self._schedule = dict(schedule)
        self._tick_s = tick_s
        self._last: dict[str, float] = {}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        if self._thread is not None or self._tick_s <= 0:
            return
        self._thread = threading.Thread(target=self._loop, name=self._name, daemon=True)
        self._thread.start()

    def stop(self, timeout: float | None = 10.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def tick(self) -> None:
        """Run whatever is due now (the loop calls this; tests may too)."""
        now = time.monotonic()
        for name, every in self._schedule.items():
            last = self._last.get(name)
            if last is not None and every is not None and now - last < every:
                continue
            self._last[name] = now
            try:
                self._run(name)
            except Exception:  # run() should not raise; the thread must survive if it does
                log.exception("scheduled task %s raised", name)

    def _loop(self) -> None:
        while not self._stop.wait(self._tick_s):
            self.tick()
