"""Event store (commits, snapshots) and the registry of live sessions.

Revision ID: 0001
Revises:
Create Date: 2025-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# A revision is frozen history, so it spells its types out rather than importing the models.
json_document = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "session_commits",
        sa.Column("session_id", sa.String(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("command_id", sa.String(), nullable=False),
        sa.Column("actor_id", sa.String(), nullable=False),
        sa.Column("recorded_at", sa.Float(), nullable=False),
        sa.Column("events", json_document, nullable=False),
        sa.PrimaryKeyConstraint("session_id", "version", name="pk_session_commits"),
        sa.UniqueConstraint("session_id", "command_id", name="uq_session_commits_command_id"),
    )
    op.create_table(
        "session_snapshots",
        sa.Column("session_id", sa.String(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("state", json_document, nullable=False),
        sa.PrimaryKeyConstraint("session_id", name="pk_session_snapshots"),
    )
    op.create_table(
        "live_sessions",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("join_code", sa.String(), nullable=False),
        sa.Column("title", sa.String(), nullable=False),
        sa.Column("group_name", sa.String(), nullable=False),
        sa.Column("template_key", sa.String(), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.Column("token_secret_version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_live_sessions"),
        sa.UniqueConstraint("join_code", name="uq_live_sessions_join_code"),
    )
    op.create_index("ix_live_sessions_created_at", "live_sessions", ["created_at"])


def downgrade() -> None:
    op.drop_index("ix_live_sessions_created_at", table_name="live_sessions")
    op.drop_table("live_sessions")
    op.drop_table("session_snapshots")
    op.drop_table("session_commits")
