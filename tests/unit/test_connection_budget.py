"""The connection budget of several server processes against PostgreSQL's limit."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from painpath.adapters.db.engine import PoolSettings, connection_budget_problem, fit_pool
from painpath.config import Settings


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


def test_default_pools_are_fitted_to_the_limit_overflow_first() -> None:
    pool = PoolSettings()  # 20 + 30
    assert fit_pool(pool, processes=1, max_connections=100) is pool
    two = fit_pool(pool, processes=2, max_connections=100)  # 97 usable: 48 each
    assert (two.size, two.max_overflow) == (20, 28)
    assert connection_budget_problem(two, processes=2, max_connections=100) is None
    four = fit_pool(pool, processes=4, max_connections=100)  # 24 each: the size too
    assert (four.size, four.max_overflow) == (20, 4)
    five = fit_pool(pool, processes=5, max_connections=100)  # 19 each: raise the limit
    assert five is pool
    assert connection_budget_problem(five, processes=5, max_connections=100) is not None


def test_one_process_per_core_on_postgresql_and_one_on_sqlite(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from painpath.cli.admin import default_workers

    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    sqlite = Settings(data_dir=tmp_path, database_url=None)
    postgres = Settings(data_dir=tmp_path, database_url="postgresql+psycopg://h/db")
    assert (default_workers(sqlite), default_workers(postgres)) == (1, 2)
    monkeypatch.setattr(os, "cpu_count", lambda: 64)
    assert default_workers(postgres) == 8
