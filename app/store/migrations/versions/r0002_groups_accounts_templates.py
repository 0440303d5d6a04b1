"""Groups across weeks: facilitator accounts, groups, members, templates, guidelines, actions.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# A revision is frozen history, so it spells its types out rather than importing the models.
json_document = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def _belongs_to_group(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["group_id"], ["groups.id"], name=f"fk_{table}_group", ondelete="CASCADE"
    )


def upgrade() -> None:
    op.create_table(
        "accounts",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("email", sa.String(), nullable=False),
        sa.Column("display_name", sa.String(), nullable=False),
        sa.Column("password_hash", sa.String(), nullable=False),
        sa.Column("credential_version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_accounts"),
        sa.UniqueConstraint("email", name="uq_accounts_email"),
    )
    op.create_table(
        "groups",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("meeting_pattern", sa.String(), nullable=False),
        sa.Column("first_meeting_on", sa.Date(), nullable=False),
        sa.Column("meeting_time", sa.String(), nullable=False),
        sa.Column("time_zone", sa.String(), nullable=False),
        sa.Column("online", sa.Boolean(), nullable=False),
        sa.Column("venue", sa.String(), nullable=False),
        sa.Column("template_key", sa.String(), nullable=False),
        sa.Column("retention_days", sa.Integer(), nullable=False),
        sa.Column("new_members_every", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_groups"),
    )
    op.create_table(
        "group_facilitators",
        sa.Column("group_id", sa.String(), nullable=False),
        sa.Column("account_id", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("group_id", "account_id", name="pk_group_facilitators"),
        _belongs_to_group("group_facilitators"),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name="fk_group_facilitators_account",
            ondelete="CASCADE",
        ),
    )
    op.create_index("ix_group_facilitators_account_id", "group_facilitators", ["account_id"])
    op.create_table(
        "group_members",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("group_id", sa.String(), nullable=False),
        sa.Column("preferred_name", sa.String(), nullable=False),
        sa.Column("added_on", sa.Date(), nullable=False),
        sa.Column("name_checked_on", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_group_members"),
        _belongs_to_group("group_members"),
    )
    op.create_index("ix_group_members_group_id", "group_members", ["group_id"])
    op.create_table(
        "group_invitations",
        sa.Column("token_hash", sa.String(), nullable=False),
        sa.Column("group_id", sa.String(), nullable=False),
        sa.Column("invited_by", sa.String(), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.Column("accepted_by", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("token_hash", name="pk_group_invitations"),
        _belongs_to_group("group_invitations"),
    )
    op.create_table(
        "agenda_templates",
        sa.Column("key", sa.String(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("owner_account_id", sa.String(), nullable=True),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("description", sa.String(), nullable=False),
        sa.Column("stages", json_document, nullable=False),
        sa.Column("guidelines", json_document, nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("key", "version", name="pk_agenda_templates"),
    )
    op.create_index("ix_agenda_templates_owner", "agenda_templates", ["owner_account_id"])
    op.create_table(
        "group_guidelines",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("group_id", sa.String(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(), nullable=False),
        sa.Column("proposed_on", sa.Date(), nullable=False),
        sa.Column("agreed_on", sa.Date(), nullable=True),
        sa.Column("review_on", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_group_guidelines"),
        _belongs_to_group("group_guidelines"),
    )
    op.create_index("ix_group_guidelines_group_id", "group_guidelines", ["group_id"])
    op.create_table(
        "group_sessions",
        sa.Column("session_id", sa.String(), nullable=False),
        sa.Column("group_id", sa.String(), nullable=False),
        sa.Column("meeting_on", sa.Date(), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("session_id", name="pk_group_sessions"),
        _belongs_to_group("group_sessions"),
    )
    op.create_index("ix_group_sessions_group_id", "group_sessions", ["group_id"])
    op.create_table(
        "housekeeping_actions",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("group_id", sa.String(), nullable=False),
        sa.Column("kind", sa.String(), nullable=False),
        sa.Column("detail", sa.String(), nullable=False),
        sa.Column("peer_name", sa.String(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("recorded_at", sa.Float(), nullable=False),
        sa.Column("carried_into", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_housekeeping_actions"),
        _belongs_to_group("housekeeping_actions"),
    )
    op.create_index("ix_housekeeping_actions_group_id", "housekeeping_actions", ["group_id"])
    op.create_table(
        "member_apologies",
        sa.Column("member_id", sa.String(), nullable=False),
        sa.Column("meeting_on", sa.Date(), nullable=False),
        sa.Column("sent_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("member_id", "meeting_on", name="pk_member_apologies"),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["group_members.id"],
            name="fk_member_apologies_member",
            ondelete="CASCADE",
        ),
    )


def downgrade() -> None:
    op.drop_table("member_apologies")
    op.drop_index("ix_housekeeping_actions_group_id", table_name="housekeeping_actions")
    op.drop_table("housekeeping_actions")
    op.drop_index("ix_group_sessions_group_id", table_name="group_sessions")
    op.drop_table("group_sessions")
    op.drop_index("ix_group_guidelines_group_id", table_name="group_guidelines")
    op.drop_table("group_guidelines")
    op.drop_index("ix_agenda_templates_owner", table_name="agenda_templates")
    op.drop_table("agenda_templates")
    op.drop_table("group_invitations")
    op.drop_index("ix_group_members_group_id", table_name="group_members")
    op.drop_table("group_members")
    op.drop_index("ix_group_facilitators_account_id", table_name="group_facilitators")
    op.drop_table("group_facilitators")
    op.drop_table("groups")
    op.drop_table("accounts")
