"""Each group's support resources (helplines, a text line, the facilitators), seeded with
placeholders its facilitators confirm before anyone else sees them.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03
"""

import secrets
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The placeholders as they were when this revision was written (app/groups/support_resources.py
# may change later; a migration must not).
PLACEHOLDERS = (
    (
        "Your local crisis line",
        "Number to be confirmed by the facilitators",
        "Day and night, every day (to be confirmed)",
    ),
    (
        "A crisis text line",
        "Text number to be confirmed by the facilitators",
        "Day and night, every day (to be confirmed)",
    ),
    (
        "The facilitators",
        "Speak to one of us at the break or after the session",
        "During and just after each meeting",
    ),
)


def upgrade() -> None:
    resources = op.create_table(
        "group_support_resources",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("group_id", sa.String(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("how_to_reach", sa.String(), nullable=False),
        sa.Column("when_available", sa.String(), nullable=False),
        sa.Column("confirmed_on", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_group_support_resources"),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["groups.id"],
            name="fk_group_support_resources_group",
            ondelete="CASCADE",
        ),
    )
    op.create_index("ix_group_support_resources_group_id", "group_support_resources", ["group_id"])
    # Groups made before this revision start with the placeholders too, unconfirmed.
    groups = op.get_bind().execute(sa.text("SELECT id FROM groups")).scalars().all()
    if not groups:
        return
    op.bulk_insert(
        resources,
        [
            {
                "id": secrets.token_urlsafe(9),
                "group_id": group_id,
                "position": position,
                "name": name,
                "how_to_reach": how,
                "when_available": when,
                "confirmed_on": None,
            }
            for group_id in groups
            for position, (name, how, when) in enumerate(PLACEHOLDERS, start=1)
        ],
    )


def downgrade() -> None:
    op.drop_index("ix_group_support_resources_group_id", table_name="group_support_resources")
    op.drop_table("group_support_resources")
