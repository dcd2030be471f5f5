"""caseload read model: patient_summaries

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "patient_summaries",
        sa.Column("patient_id", sa.String(length=36), nullable=False),
        sa.Column("clinic_id", sa.Integer(), nullable=False),
        sa.Column("computed_on", sa.Date(), nullable=False),
        sa.Column("quota", sa.Float(), nullable=True),
        sa.Column("unit", sa.String(length=20), nullable=True),
        sa.Column("last_checkin", sa.Date(), nullable=True),
        sa.Column("adherence_7", sa.Float(), nullable=True),
        sa.Column("adherence_28", sa.Float(), nullable=True),
        sa.Column("alert_rank", sa.Integer(), nullable=False),
        sa.Column("alert_count", sa.Integer(), nullable=False),
        sa.Column("alerts", sa.JSON(), nullable=False),
        sa.Column("next_review", sa.Date(), nullable=True),
        sa.Column("pain_trend", sa.Float(), nullable=True),
        sa.Column("function_trend", sa.String(length=40), nullable=True),
        sa.Column("function_rank", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["patients.id"],
        ),
        sa.PrimaryKeyConstraint("patient_id"),
    )
    with op.batch_alter_table("patient_summaries", schema=None) as batch_op:
        batch_op.create_index(
            "ix_patient_summaries_clinic", ["clinic_id", "computed_on"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("patient_summaries", schema=None) as batch_op:
        batch_op.drop_index("ix_patient_summaries_clinic")

    op.drop_table("patient_summaries")
