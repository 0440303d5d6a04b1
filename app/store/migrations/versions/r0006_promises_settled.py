"""How each housekeeping promise of Taking Time was settled (docs/timekeeping.md, promises).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("housekeeping_actions", sa.Column("settled_as", sa.String(), nullable=True))
    # Under the rule before this one, a promise was spent when a session opened with it; those
    # sessions recorded nothing about keeping it, so settling them now would bring back every
    # promise ever made. They stay spent, as "carried" (the group page says "carried into
    # that session", as before).
    op.execute(
        "UPDATE housekeeping_actions SET settled_as = 'carried'"
        " WHERE kind = 'guaranteed_time' AND carried_into IS NOT NULL"
    )


def downgrade() -> None:
    # SQLite cannot drop a column in place: batch mode copies the table without it.
    with op.batch_alter_table("housekeeping_actions") as table:
        table.drop_column("settled_as")
