"""Chores that one process of many should do: when each last started (the retention purge).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "chore_runs",
        sa.Column("chore", sa.String(), nullable=False),
        sa.Column("last_started_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("chore", name="pk_chore_runs"),
    )


def downgrade() -> None:
    op.drop_table("chore_runs")
