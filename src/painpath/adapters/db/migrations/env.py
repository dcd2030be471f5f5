"""Alembic environment: runs migrations on the connection ``painpath db upgrade`` hands over."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

import painpath.adapters.db.engagement_tables
import painpath.adapters.db.summaries
import painpath.adapters.db.wording_packs  # noqa: F401  (registers wording_packs on Base)
from painpath.adapters.db.tables import Base

config = context.config
target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    from painpath.adapters.db.engine import make_engine
    from painpath.config import Settings

    engine = make_engine(
        config.get_main_option("sqlalchemy.url") or Settings().effective_database_url
    )
    with engine.connect() as conn:
        _run(conn)
