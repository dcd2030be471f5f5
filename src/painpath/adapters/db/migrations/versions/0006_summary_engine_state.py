"""summary engine state: what resumes a patient's caseload summary for the next day

Revision ID: 0006_summary_engine_state
Revises: 0005_wording_packs
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_summary_engine_state"
down_revision = "0005_wording_packs"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Nullable: existing rows have no state and are replayed in full on their next refresh.
    op.add_column("patient_summaries", sa.Column("engine_state", sa.JSON(), nullable=True))


def downgrade() -> None:
    op.drop_column("patient_summaries", "engine_state")
