"""wording packs: a clinic's licensed questionnaire wording

Revision ID: 0005_wording_packs
Revises: 0004_custom_exercises
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_wording_packs"
down_revision = "0004_custom_exercises"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "wording_packs",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("instrument_id", sa.String(length=40), nullable=False),
        sa.Column("scope", sa.String(length=20), nullable=False),
        sa.Column("version", sa.String(length=300), nullable=False),
        sa.Column("licence_holder", sa.String(length=200), nullable=False),
        sa.Column("licence_reference", sa.String(length=300), nullable=False),
        sa.Column("placeholder", sa.Boolean(), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("installed_by", sa.String(length=200), nullable=False),
        sa.Column("installed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("instrument_id", "scope", name="uq_wording_pack_scope"),
    )


def downgrade() -> None:
    op.drop_table("wording_packs")
