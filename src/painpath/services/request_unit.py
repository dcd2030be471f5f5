"""One unit of work shared by a web request's guard and the first operation it runs.

A signed-in request used three pooled connections, each with its own transaction: the
guard's session lookup, the guard's patient check, and the operation. ``RequestUnit`` lets
them share one: the guard's ``with ctx.uow_factory()`` blocks run in one unit of work that
stays open between them (``holding``); ``hand_over`` then lets the request's *first* unit of
work, normally the operation the handler calls, continue in that same transaction, and ends
it when that block ends (the operation commits it). Every later or nested unit of work of
the request is an ordinary one of its own. Nothing is skipped: the operation still loads
the patient (from the unit of work's identity map), authorises and audits as before.

Only what the guard may hold is held: reads (a session touch or a denial's audit event is
committed at once, as before), on a backend whose transactions take no lock when they begin
(PostgreSQL; SQLite's ``BEGIN IMMEDIATE`` takes the write lock, so there the guard ends its
unit of work before returning). ``close`` ends whatever is still open; the web guard calls it
when the request's handler has returned, whatever happened.
"""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType

from painpath.domain.ports import UnitOfWork

__all__ = ["RequestUnit"]


class RequestUnit:
    """See the module docstring. Used by one request at a time (the event loop, then the
    handler's thread), never concurrently."""

    def __init__(self, factory: Callable[[], UnitOfWork]) -> None:
        self._factory = factory
        self._open: UnitOfWork | None = None  # entered, its transaction possibly begun
        self._holding = True  # keep it open when a block ends without an error
        self._in_use = False
        self._done = False

    def uow(self) -> UnitOfWork:
        """The ``uow_factory`` of the request's ``ServiceContext``."""
        if self._in_use or self._done:
            return self._factory()  # nested, or after the shared one ended: one of its own
        return _Lease(self)  # type: ignore[return-value]

    def hand_over(self) -> None:
        """The next block continues in the open unit of work and ends it."""
        self._holding = False

    def close(self) -> None:
        """End the shared unit of work if it is still open (rolling back what was not
        committed) and give every later block a unit of work of its own."""
        self._done = True
        self._end(None, None, None)

    @property
    def is_open(self) -> bool:
        return self._open is not None

    def _enter(self) -> UnitOfWork:
        if self._open is None:
            uow = self._factory()
            self._open = uow.__enter__()
        self._in_use = True
        return self._open

    def _exit(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._in_use = False
        if exc is None and self._holding:
            return
        if not self._holding:
            self._done = True
        self._end(exc_type, exc, tb)

    def _end(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        uow, self._open = self._open, None
        if uow is not None:
            uow.__exit__(exc_type, exc, tb)  # rolls back; may translate exc to StorageBusy


class _Lease:
    """One ``with`` block on the request's shared unit of work."""

    def __init__(self, unit: RequestUnit) -> None:
        self._unit = unit

    def __enter__(self) -> UnitOfWork:
        return self._unit._enter()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._unit._exit(exc_type, exc, tb)
