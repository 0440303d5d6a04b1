"""Meetings the facilitators cancelled (with a reason for members), or cancelled and restored.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "group_meeting_changes",
        sa.Column("group_id", sa.String(), nullable=False),
        sa.Column("meeting_on", sa.Date(), nullable=False),
        sa.Column("cancelled", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.String(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("changed_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("group_id", "meeting_on", name="pk_group_meeting_changes"),
        sa.ForeignKeyConstraint(
            ["group_id"], ["groups.id"], name="fk_group_meeting_changes_group", ondelete="CASCADE"
        ),
    )


def downgrade() -> None:
    op.drop_table("group_meeting_changes")
