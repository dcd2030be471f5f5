"""Decode ahead in a background thread so decoding and pose inference overlap on two cores.

PyAV (decode, swscale) and the pose models (inference) release the GIL in their native code,
so a small bounded queue lets the pipeline run at about the speed of the slower stage instead
of the sum of both, while memory stays bounded by ``depth`` frames.

:func:`prefetch_parts` does the same for one stream read by two consumers, each taking one
part of it (the two halves of a clip, one decode for both).
"""

from __future__ import annotations

import queue
import threading
import weakref
from collections.abc import Iterable, Iterator
from typing import TypeVar

__all__ = ["prefetch", "prefetch_parts"]

T = TypeVar("T")
_DONE = object()
_POLL_S = 0.1  # how often a blocked producer checks whether the consumer has gone


class _Failure:
    def __init__(self, error: BaseException) -> None:
        self.error = error


def prefetch(items: Iterable[T], *, depth: int = 8, start: bool = False) -> Iterator[T]:
    """Yield ``items`` in order, produced up to ``depth`` ahead by a daemon thread.

    An exception raised by the producer is re-raised in the consumer at the same position;
    when the consumer stops early (break, exception, garbage collection) the producer stops
    too and closes its source iterator. The producer starts at the first item asked for, or at
    once with ``start`` (e.g. a decoder opening its file while the caller loads its models);
    an iterator started so and dropped unread stops its producer when it is collected.
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

    def consume() -> Iterator[T]:
        if worker.ident is None:  # not started yet
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

    consumer = consume()
    if start:
        worker.start()
        weakref.finalize(consumer, stop.set)  # never read: the producer must not wait forever
    return consumer


def prefetch_parts(
    items: Iterable[tuple[int, T]], *, depths: tuple[int, int]
) -> tuple[Iterator[T], Iterator[T]]:
    """Two iterators over one stream of ``(part, item)`` (every part 0 before any part 1),
    produced by one daemon thread: the first yields the items of part 0, the second those of
    part 1, each read ahead up to its ``depths`` (the memory held), so that two threads can
    consume the parts at once.

    An exception raised by the producer is re-raised in the consumer of the part it happened
    in (and in the other one if that one is still waiting). When either consumer stops early
    (break, exception, garbage collection) the producer stops, closes its source, and the
    other consumer's part simply ends: the two parts are one job.
    """
    # one more place than the depth for the end marker: a full part never waits for a reader
    buffers: tuple[queue.Queue[object], queue.Queue[object]] = (
        queue.Queue(maxsize=max(1, depths[0]) + 1),
        queue.Queue(maxsize=max(1, depths[1]) + 1),
    )
    stop = threading.Event()
    finished = threading.Event()  # set once the producer has put its last item

    def put(part: int, item: object) -> bool:
        while not stop.is_set():
            try:
                buffers[part].put(item, timeout=_POLL_S)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        source = iter(items)
        open_parts = [0, 1]
        try:
            for part, item in source:
                while open_parts[0] < part:  # part 0 is over
                    put(open_parts.pop(0), _DONE)
                if not put(part, item):
                    return
            for part in open_parts:
                put(part, _DONE)
        except BaseException as err:  # handed to the consumers, which re-raise it
            for part in open_parts:
                put(part, _Failure(err))
        finally:
            finished.set()
            close = getattr(source, "close", None)
            if close is not None:
                close()

    def consume(part: int) -> Iterator[T]:
        complete = False
        try:
            while True:
                try:
                    item = buffers[part].get(timeout=_POLL_S)
                except queue.Empty:
                    if finished.is_set() and buffers[part].empty():
                        return  # the producer stopped for the other consumer
                    continue
                if item is _DONE:
                    complete = True
                    return
                if isinstance(item, _Failure):
                    raise item.error
                yield item  # type: ignore[misc]
        finally:
            if not complete:
                stop.set()

    threading.Thread(target=produce, name="painpath-decode-parts", daemon=True).start()
    return consume(0), consume(1)
