"""The decode-ahead thread: order, errors at the right place, and a clean stop."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

from painpath.adapters.pose.prefetch import prefetch
from painpath.domain.errors import VideoError


def test_items_arrive_in_order() -> None:
    assert list(prefetch(range(100), depth=3)) == list(range(100))


def test_producer_error_is_raised_after_the_good_items() -> None:
    def source() -> Iterator[int]:
        yield 1
        yield 2
        raise VideoError("the video is truncated")

    got: list[int] = []
    with pytest.raises(VideoError, match="truncated"):
        for item in prefetch(source()):
            got.append(item)
    assert got == [1, 2]


def test_consumer_stopping_early_stops_and_closes_the_source() -> None:
    closed = threading.Event()
    produced: list[int] = []

    def source() -> Iterator[int]:
        try:
            for i in range(10_000):
                produced.append(i)
                yield i
        finally:
            closed.set()

    stream = prefetch(source(), depth=2)
    assert [next(stream) for _ in range(3)] == [0, 1, 2]
    stream.close()  # what a for-loop does on break or on an exception in its body
    assert closed.wait(timeout=5)
    time.sleep(0.2)
    assert len(produced) < 10  # bounded read-ahead, then stopped
