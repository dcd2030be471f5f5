"""The connection budget of several server processes against PostgreSQL's limit."""

from __future__ import annotations

from painpath.adapters.db.engine import PoolSettings, connection_budget_problem


def test_the_defaults_fit_one_process_but_not_two_under_the_default_limit() -> None:
    pool = PoolSettings()  # 20 + 30
    assert connection_budget_problem(pool, processes=1, max_connections=100) is None
    problem = connection_budget_problem(pool, processes=2, max_connections=100)
    assert problem is not None
    assert "100 database connections" in problem and "allows 97" in problem
    assert "to 48 or less per process" in problem


def test_exactly_at_the_limit_is_allowed() -> None:
    pool = PoolSettings(size=40, max_overflow=8)
    assert connection_budget_problem(pool, processes=2, max_connections=99) is None
    assert connection_budget_problem(pool, processes=2, max_connections=98) is not None
