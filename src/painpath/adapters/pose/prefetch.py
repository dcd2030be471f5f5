"""Decode ahead in a background thread so decoding and pose inference overlap on two cores.

PyAV (decode, swscale) and mediapipe (inference) both release the GIL in their native code,
so a small bounded queue lets the pipeline run at about the speed of the slower stage instead
of the sum of both, while memory stays bounded by ``depth`` frames.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterable, Iterator
from typing import TypeVar

__all__ = ["prefetch"]

T = TypeVar("T")
_DONE = object()
_POLL_S = 0.1  # how often a blocked producer checks whether the consumer has gone


class _Failure:
    def __init__(self, error: BaseException) -> None:
        self.error = error


def prefetch(items: Iterable[T], *, depth: int = 8) -> Iterator[T]:
    """Yield ``items`` in order, produced up to ``depth`` ahead by a daemon thread.

    An exception raised by the producer is re-raised in the consumer at the same position;
    when the consumer stops early (break, exception, garbage collection) the producer stops
    too and closes its source iterator.
    """
    buffer: queue.Queue[object] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(item: object) -> bool:
        while not stop.is_set():
            try:
                buffer.put(item, timeout=_POLL_S)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        source = iter(items)
        try:
            for item in source:
                if not put(item):
                    break
            else:
                put(_DONE)
        except BaseException as err:  # handed to the consumer, which re-raises it
            put(_Failure(err))
        finally:
            close = getattr(source, "close", None)
            if close is not None:
                close()

    worker = threading.Thread(target=produce, name="painpath-decode", daemon=True)
    worker.start()
    try:
        while True:
            item = buffer.get()
            if item is _DONE:
                return
            if isinstance(item, _Failure):
                raise item.error
            yield item  # type: ignore[misc]
    finally:
        stop.set()
        worker.join(timeout=5)
