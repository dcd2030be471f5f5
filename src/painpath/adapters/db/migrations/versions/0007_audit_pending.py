"""audit pending: committed events waiting to be chained by the batch sealer

Revision ID: 0007_audit_pending
Revises: 0006_summary_engine_state
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007_audit_pending"
down_revision = "0006_summary_engine_state"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_pending",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("events", sa.JSON(), nullable=False),
        sa.Column("mac", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade() -> None:
    # Dropping the table would drop committed events that were never chained: seal them
    # first (`painpath audit verify` does).
    left = op.get_bind().execute(sa.text("SELECT count(*) FROM audit_pending")).scalar_one()
    if left:
        raise RuntimeError(
            f"{left} unit(s) of audit events are not sealed yet; run `painpath audit verify`"
        )
    op.drop_table("audit_pending")
