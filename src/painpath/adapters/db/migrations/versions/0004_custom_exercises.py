"""custom exercises per clinic

Revision ID: 0004_custom_exercises
Revises: 0003_security
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_custom_exercises"
down_revision = "0003_security"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "custom_exercises",
        sa.Column("id", sa.String(length=60), nullable=False),
        sa.Column("clinic_id", sa.Integer(), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("image", sa.LargeBinary(), nullable=True),
        sa.Column("image_type", sa.String(length=20), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["clinic_id"], ["clinics.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_custom_exercises_clinic", "custom_exercises", ["clinic_id"])


def downgrade() -> None:
    op.drop_index("ix_custom_exercises_clinic", table_name="custom_exercises")
    op.drop_table("custom_exercises")
