"""When a process last said it was serving each live session (docs/timekeeping.md, outages).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Empty for sessions created before: nobody knows when they were last served, so no outage
    # is ever recorded for them.
    op.add_column("live_sessions", sa.Column("alive_at", sa.Float(), nullable=True))


def downgrade() -> None:
    # SQLite cannot drop a column in place: batch mode copies the table without it.
    with op.batch_alter_table("live_sessions") as table:
        table.drop_column("alive_at")
