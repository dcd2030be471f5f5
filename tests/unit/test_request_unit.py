"""RequestUnit: the guard's blocks share one unit of work, the first block after the hand-over
continues in it and ends it, anything nested or later gets a unit of work of its own."""

from __future__ import annotations

from types import TracebackType
from typing import Any

import pytest

from painpath.services.request_unit import RequestUnit


class _Uow:
    """Records how it was entered and left (a SqlUnitOfWork rolls back and closes on exit)."""

    made: list[_Uow]

    def __init__(self, made: list[_Uow]) -> None:
        self.entered = 0
        self.exits: list[type[BaseException] | None] = []
        made.append(self)

    def __enter__(self) -> _Uow:
        self.entered += 1
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.exits.append(exc_type)


def _unit() -> tuple[RequestUnit, list[_Uow]]:
    made: list[_Uow] = []
    unit = RequestUnit(lambda: _Uow(made))  # type: ignore[arg-type, return-value]
    return unit, made


def test_guard_blocks_share_one_unit_and_the_handover_ends_it_at_the_first_block() -> None:
    unit, made = _unit()
    with unit.uow() as a:
        pass
    with unit.uow() as b:
        pass
    assert a is b and len(made) == 1 and made[0].exits == []  # still open between blocks
    unit.hand_over()
    with unit.uow() as c:
        assert c is a
    assert made[0].exits == [None]  # ended by the block it was handed to
    with unit.uow() as d:  # a second operation of the same request
        assert d is not a
    assert len(made) == 2 and made[1].exits == [None]
    unit.close()
    assert made[0].exits == [None]  # not ended twice


def test_a_block_nested_in_the_shared_one_gets_its_own() -> None:
    unit, made = _unit()
    unit.hand_over()
    with unit.uow() as outer:
        with unit.uow() as inner:
            assert inner is not outer
        assert made[1].exits == [None] and made[0].exits == []
    assert made[0].exits == [None]


def test_an_error_ends_the_shared_unit_and_the_next_block_starts_a_new_one() -> None:
    unit, made = _unit()
    with pytest.raises(KeyError), unit.uow():
        raise KeyError("busy")
    assert made[0].exits == [KeyError]
    with unit.uow() as again:
        assert again is not made[0]
    assert made[1].exits == []  # the guard phase holds it again
    unit.close()
    assert made[1].exits == [None]


def test_close_ends_an_open_unit_once_and_later_blocks_get_their_own() -> None:
    unit, made = _unit()
    unit.close()
    assert made == []  # nothing was opened: nothing to end
    with unit.uow():
        pass
    assert made[0].exits == [None]
    unit2, made2 = _unit()
    with unit2.uow():
        pass
    assert unit2.is_open
    unit2.close()
    unit2.close()
    assert made2[0].exits == [None] and not unit2.is_open


def test_the_handed_over_unit_is_not_left_open_when_its_block_fails() -> None:
    unit, made = _unit()
    with unit.uow():
        pass
    unit.hand_over()
    seen: list[Any] = []
    with pytest.raises(RuntimeError), unit.uow() as uow:
        seen.append(uow)
        raise RuntimeError("operation failed")
    assert seen == [made[0]] and made[0].exits == [RuntimeError]
    assert not unit.is_open
