"""Run Alembic migrations from code (``painpath db upgrade``, tests, the demo)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine

__all__ = ["upgrade_database"]

_SCRIPTS = Path(__file__).parent / "migrations"


def upgrade_database(engine: Engine, *, revision: str = "head") -> None:
    config = Config()
    config.set_main_option("script_location", str(_SCRIPTS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
