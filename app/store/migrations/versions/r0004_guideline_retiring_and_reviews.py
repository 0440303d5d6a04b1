"""Guidelines retired (kept in the group's history) and the days a group reviewed its list.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("group_guidelines", sa.Column("retired_on", sa.Date(), nullable=True))
    op.create_table(
        "group_guideline_reviews",
        sa.Column("group_id", sa.String(), nullable=False),
        sa.Column("reviewed_on", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("group_id", "reviewed_on", name="pk_group_guideline_reviews"),
        sa.ForeignKeyConstraint(
            ["group_id"], ["groups.id"], name="fk_group_guideline_reviews_group", ondelete="CASCADE"
        ),
    )


def downgrade() -> None:
    op.drop_table("group_guideline_reviews")
    # SQLite cannot drop a column in place: batch mode copies the table without it.
    with op.batch_alter_table("group_guidelines") as table:
        table.drop_column("retired_on")
