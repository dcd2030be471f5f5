"""Engine and session factory for SQLite (embedded default) and PostgreSQL.

Concurrency (docs/architecture.md, "Concurrency and pools"):

* SQLite runs in WAL mode (readers never block the writer) with a busy timeout, and takes the
  write lock at BEGIN (``BEGIN IMMEDIATE``): every service operation appends to the audit
  chain, so each one is a writer, and taking the lock up front avoids the deadlock of two
  readers upgrading at once. A lock that outlives the busy timeout surfaces as
  ``StorageBusy`` (``is_transient``), which service operations retry.
* PostgreSQL uses a bounded connection pool: ``pool_size`` connections kept open plus
  ``max_overflow`` on demand; a request that waits ``pool_timeout`` seconds for one gets
  ``StorageBusy`` (HTTP 503) instead of a server error. Size it to the web threads of one
  process (40 by default in Starlette's thread pool) times the processes, under the server's
  ``max_connections`` (100 by default).
* No ping on checkout (``pool_pre_ping``): it cost a round trip on every checkout, and a web
  request checks out at least one connection. A pooled connection the server closed (a
  restart, ``pg_terminate_backend``, an idle timeout) instead fails on its first statement;
  SQLAlchemy recognises the disconnect, drops that connection and recycles every connection
  opened before it at its next checkout, and ``is_transient`` reports the disconnect, so the
  unit of work raises ``StorageBusy`` and service operations rerun it on a new connection.
  Nothing was written: the server rolls back a transaction whose connection is gone. The one
  exception is a connection lost *during* COMMIT, when the outcome is unknown: the unit of
  work raises ``StorageLost`` then, which is never rerun (``SqlUnitOfWork.commit``).
  Connections are also replaced after ``RECYCLE_S`` (an hour), before a firewall or server
  idle limit closes them.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy import exc as sa_exc
from sqlalchemy.orm import Session, sessionmaker

__all__ = [
    "RECYCLE_S",
    "PoolSettings",
    "connection_budget_problem",
    "fit_pool",
    "is_disconnect",
    "is_transient",
    "make_engine",
    "make_session_factory",
    "postgres_max_connections",
]

# SQLSTATEs PostgreSQL uses for a transaction that lost a race and may simply be rerun.
_PG_RETRYABLE = {"40001", "40P01", "55P03"}  # serialization failure, deadlock, lock not available
# The server refused a new connection (max_connections, or a role's CONNECTION LIMIT: SQLSTATE
# 53300). psycopg reports a refused connection without a SQLSTATE, so its message is matched.
_PG_REFUSED = ("too many clients already", "too many connections")
_SQLITE_BUSY_MS = 15_000
RECYCLE_S = 3600  # replace a pooled PostgreSQL connection older than this at checkout
_MIN_PER_PROCESS = 20  # fit_pool's floor: see its docstring


class PoolSettings:
    """Connection pool limits (defaults documented in the module docstring)."""

    def __init__(self, *, size: int = 20, max_overflow: int = 30, timeout_s: float = 30.0) -> None:
        self.size = size
        self.max_overflow = max_overflow
        self.timeout_s = timeout_s


def connection_budget_problem(
    pool: PoolSettings, processes: int, max_connections: int, reserved: int = 3
) -> str | None:
    """Why ``processes`` pools may ask PostgreSQL for more connections than it allows, or None.

    Each process may open ``size + max_overflow``; PostgreSQL keeps ``reserved`` (3 by
    default, superuser_reserved_connections) for its administrators, and a refused connection
    surfaces as an error on whichever request asked for it.
    """
    wanted = processes * (pool.size + pool.max_overflow)
    allowed = max_connections - reserved
    if wanted <= allowed:
        return None
    per_process = max(1, allowed // processes)
    return (
        f"{processes} process(es) x ({pool.size} pooled + {pool.max_overflow} overflow) ="
        f" {wanted} database connections at peak, but PostgreSQL allows {allowed}"
        f" (max_connections {max_connections} less {reserved} reserved). Lower"
        f" PAINPATH_DB_POOL_SIZE + PAINPATH_DB_MAX_OVERFLOW to {per_process} or less per"
        " process, or raise max_connections."
    )


def fit_pool(
    pool: PoolSettings, processes: int, max_connections: int, reserved: int = 3
) -> PoolSettings:
    """``pool``, or the largest pool per process with which ``processes`` pools stay within
    PostgreSQL's limit (less ``reserved``): the overflow shrinks first, then the size.

    Not below what a process needs: a web process holds one connection per request between
    the guard's session lookup and the end of its handler, and one waiting for a connection
    blocks its event loop (docs/architecture.md, "Concurrency and pools"); with fewer than
    ``_MIN_PER_PROCESS`` the limit must be raised instead, and the pool is left as it is."""
    allowed = max_connections - reserved
    if processes * (pool.size + pool.max_overflow) <= allowed:
        return pool
    per_process = allowed // processes
    if per_process < _MIN_PER_PROCESS:
        return pool
    size = min(pool.size, per_process)
    return PoolSettings(size=size, max_overflow=per_process - size, timeout_s=pool.timeout_s)


def postgres_max_connections(engine: Engine) -> int | None:
    """The server's ``max_connections`` (None for SQLite)."""
    if engine.dialect.name != "postgresql":
        return None
    from sqlalchemy import text

    with engine.connect() as conn:
        return int(conn.execute(text("SHOW max_connections")).scalar_one())


def make_engine(
    url: str,
    *,
    schema: str | None = None,
    echo: bool = False,
    pool: PoolSettings | None = None,
) -> Engine:
    """Create an engine. ``schema`` (PostgreSQL only) isolates a run in its own schema."""
    pool = pool or PoolSettings()
    if url.startswith("sqlite"):
        memory = ":memory:" in url or url.rstrip("/").endswith("sqlite:")
        sizing: dict[str, Any] = (
            {}
            if memory
            else {
                "pool_size": pool.size,
                "max_overflow": pool.max_overflow,
                "pool_timeout": pool.timeout_s,
            }
        )
        engine = create_engine(
            url,
            echo=echo,
            connect_args={"check_same_thread": False, "timeout": _SQLITE_BUSY_MS / 1000},
            **sizing,
        )
        _configure_sqlite(engine)
        return engine
    connect_args: dict[str, Any] = {}
    if schema:
        connect_args["options"] = f"-csearch_path={schema}"
    return create_engine(
        url,
        echo=echo,
        pool_pre_ping=False,  # see the module docstring: disconnects are rerun instead
        pool_recycle=RECYCLE_S,
        pool_size=pool.size,
        max_overflow=pool.max_overflow,
        pool_timeout=pool.timeout_s,
        connect_args=connect_args,
    )


def _configure_sqlite(engine: Engine) -> None:
    # pysqlite's own transaction handling defers BEGIN until the first write, which lets two
    # writers read the same audit head. Take the write lock at BEGIN instead (BEGIN IMMEDIATE).
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={_SQLITE_BUSY_MS}")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")  # safe with WAL; fsync at checkpoints
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def is_transient(err: BaseException) -> bool:
    """A failure that left nothing written and may succeed if the transaction is rerun.

    A lost connection counts (SQLAlchemy has invalidated it, so a rerun gets a new one);
    the caller must not ask about a failure of COMMIT itself, whose outcome is unknown."""
    if isinstance(err, sa_exc.TimeoutError):  # no pooled connection became free in time
        return True
    if is_disconnect(err):
        return True
    if isinstance(err, sa_exc.OperationalError | sa_exc.DBAPIError):
        text = str(err.orig if err.orig is not None else err).lower()
        if "database is locked" in text or "database table is locked" in text:
            return True
        if any(refused in text for refused in _PG_REFUSED):
            return True  # nothing was sent; the next attempt may find a free slot
        code = getattr(err.orig, "sqlstate", None) or getattr(err.orig, "pgcode", None)
        return code in _PG_RETRYABLE
    return False


def is_disconnect(err: BaseException) -> bool:
    """The database connection broke (server restart, killed backend, network)."""
    return isinstance(err, sa_exc.DBAPIError) and bool(err.connection_invalidated)


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False, autoflush=True)
