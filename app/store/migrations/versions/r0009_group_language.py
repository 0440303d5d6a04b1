"""A group's default language: what its pages and sessions read in for a device that asks for
none we ship (docs/translating.md).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Groups made before read as they always did: English.
    op.add_column("groups", sa.Column("language", sa.String(), nullable=False, server_default="en"))


def downgrade() -> None:
    # In place (SQLite 3.35 and later can): batch mode would copy the table, and dropping the
    # old copy, with foreign keys on, would take every group's records with it.
    op.drop_column("groups", "language")
