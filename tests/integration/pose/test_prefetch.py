"""The decode-ahead thread: order, errors at the right place, and a clean stop."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

from painpath.adapters.pose.prefetch import prefetch, prefetch_parts
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


def test_a_started_producer_reads_ahead_before_the_first_item_is_asked_for() -> None:
    produced = threading.Event()

    def source() -> Iterator[int]:
        produced.set()
        yield from range(5)

    stream = prefetch(source(), depth=2, start=True)
    assert produced.wait(timeout=5)  # decoding began while the consumer did something else
    assert list(stream) == [0, 1, 2, 3, 4]
    lazy = prefetch(source(), depth=2)
    produced.clear()
    time.sleep(0.2)
    assert not produced.is_set()  # without start: nothing until the first item is asked for
    assert list(lazy) == [0, 1, 2, 3, 4]


def test_a_started_producer_dropped_unread_stops_and_closes_its_source() -> None:
    closed = threading.Event()

    def source() -> Iterator[int]:
        try:
            yield from range(10_000)
        finally:
            closed.set()

    stream = prefetch(source(), depth=2, start=True)
    time.sleep(0.1)
    del stream  # never read (e.g. the other half failed first)
    assert closed.wait(timeout=5)


def _tagged(n: int, split: int) -> Iterator[tuple[int, int]]:
    for i in range(n):
        yield (0 if i < split else 1), i


def test_parts_arrive_in_order_to_two_consumers_at_once() -> None:
    head, tail = prefetch_parts(_tagged(100, 40), depths=(50, 3))
    got: dict[str, list[int]] = {}
    reader = threading.Thread(target=lambda: got.__setitem__("tail", list(tail)))
    reader.start()
    got["head"] = list(head)
    reader.join(timeout=5)
    assert got == {"head": list(range(40)), "tail": list(range(40, 100))}


def test_the_second_part_is_served_before_the_first_is_read() -> None:
    head, tail = prefetch_parts(_tagged(20, 10), depths=(10, 2))
    assert list(tail) == list(range(10, 20))  # the first part waits in its buffer
    assert list(head) == list(range(10))


def test_an_error_reaches_the_consumer_of_its_part() -> None:
    def source() -> Iterator[tuple[int, int]]:
        yield 0, 1
        yield 1, 2
        raise VideoError("the video is truncated")

    head, tail = prefetch_parts(source(), depths=(4, 4))
    assert list(head) == [1]
    got: list[int] = []
    with pytest.raises(VideoError, match="truncated"):
        for item in tail:
            got.append(item)
    assert got == [2]


def test_one_consumer_stopping_stops_the_producer_and_ends_the_other_part() -> None:
    closed = threading.Event()

    def source() -> Iterator[tuple[int, int]]:
        try:
            yield from _tagged(10_000, 5)
        finally:
            closed.set()

    head, tail = prefetch_parts(source(), depths=(8, 2))
    assert next(tail) == 5
    tail.close()  # the second half's consumer failed
    assert closed.wait(timeout=5)
    assert list(head) == list(range(5))  # what was produced, then the part ends
