"""The SQLModel tables of the store.

They describe the schema for queries and for Alembic's autogenerate comparison; the schema itself
is only ever created by the migrations in ``app/store/migrations``. Constraints carry explicit
names so that migrations (including SQLite batch rebuilds) can refer to them on every backend.
"""

from datetime import date
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    ForeignKeyConstraint,
    Index,
    PrimaryKeyConstraint,
    Table,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.types import TypeEngine
from sqlmodel import Field, SQLModel

# PostgreSQL checks JSONB on the way in and can index into it; SQLite keeps the JSON text.
JSON_DOCUMENT: TypeEngine[Any] = JSON().with_variant(JSONB(), "postgresql")


class SessionCommitRow(SQLModel, table=True):
    __tablename__ = "session_commits"
    # The primary key is the (session_id, version) uniqueness that makes append a compare-and-set.
    __table_args__ = (
        PrimaryKeyConstraint("session_id", "version", name="pk_session_commits"),
        UniqueConstraint("session_id", "command_id", name="uq_session_commits_command_id"),
    )

    session_id: str
    version: int
    command_id: str
    actor_id: str
    recorded_at: float
    events: list[dict[str, Any]] = Field(sa_column=Column(JSON_DOCUMENT, nullable=False))


class SessionSnapshotRow(SQLModel, table=True):
    __tablename__ = "session_snapshots"
    __table_args__ = (PrimaryKeyConstraint("session_id", name="pk_session_snapshots"),)

    session_id: str
    version: int
    state: dict[str, Any] = Field(sa_column=Column(JSON_DOCUMENT, nullable=False))


class LiveSessionRow(SQLModel, table=True):
    __tablename__ = "live_sessions"
    __table_args__ = (
        PrimaryKeyConstraint("id", name="pk_live_sessions"),
        UniqueConstraint("join_code", name="uq_live_sessions_join_code"),
        Index("ix_live_sessions_created_at", "created_at"),
    )

    id: str
    join_code: str
    title: str
    group_name: str
    template_key: str
    created_at: float
    token_secret_version: int = 1
    # The last moment a process said it was serving the session (its heartbeat); see
    # app/timekeeping/outage.py for what a gap in it means.
    alive_at: float | None = None


def table_of(row_type: type[SQLModel]) -> Table:
    """The Core table behind a row class, for fast Core statements (no ORM identity map)."""
    return SQLModel.metadata.tables[str(row_type.__tablename__)]


# --- groups across weeks (app/store/accounts.py, app/store/groups.py, app/store/templates.py) ---
# Nothing said in a session is kept here: group structure, attendance facts and promises only.


class AccountRow(SQLModel, table=True):
    __tablename__ = "accounts"
    __table_args__ = (
        PrimaryKeyConstraint("id", name="pk_accounts"),
        UniqueConstraint("email", name="uq_accounts_email"),
    )

    id: str
    # Lower-cased, so one person cannot hold two accounts by changing case.
    email: str
    display_name: str
    password_hash: str
    # Part of the signed login cookie: changing the password signs every other browser out.
    credential_version: int = 1
    created_at: float


class GroupRow(SQLModel, table=True):
    __tablename__ = "groups"
    __table_args__ = (PrimaryKeyConstraint("id", name="pk_groups"),)

    id: str
    name: str
    kind: str
    meeting_pattern: str
    first_meeting_on: date
    meeting_time: str
    # An IANA name: "today" and "this week's meeting" are the group's own, not the server's.
    time_zone: str
    online: bool
    venue: str
    template_key: str
    retention_days: int
    # Wellbeing groups: every n-th meeting welcomes new members (the Tautoko seed: about four).
    new_members_every: int | None = None
    created_at: float
    # The language its pages and sessions read in for a device that asks for none we ship.
    language: str = Field(default="en", sa_column_kwargs={"server_default": "en"})


class GroupFacilitatorRow(SQLModel, table=True):
    __tablename__ = "group_facilitators"
    __table_args__ = (
        PrimaryKeyConstraint("group_id", "account_id", name="pk_group_facilitators"),
        ForeignKeyConstraint(
            ["group_id"], ["groups.id"], name="fk_group_facilitators_group", ondelete="CASCADE"
        ),
        ForeignKeyConstraint(
            ["account_id"],
            ["accounts.id"],
            name="fk_group_facilitators_account",
            ondelete="CASCADE",
        ),
        Index("ix_group_facilitators_account_id", "account_id"),
    )

    group_id: str
    account_id: str


class GroupMemberRow(SQLModel, table=True):
    __tablename__ = "group_members"
    __table_args__ = (
        PrimaryKeyConstraint("id", name="pk_group_members"),
        ForeignKeyConstraint(
            ["group_id"], ["groups.id"], name="fk_group_members_group", ondelete="CASCADE"
        ),
        Index("ix_group_members_group_id", "group_id"),
    )

    id: str
    group_id: str
    preferred_name: str
    added_on: date
    # Joining safely: "does anyone here know this person?" asked before admission.
    name_checked_on: date | None = None


class GroupInvitationRow(SQLModel, table=True):
    __tablename__ = "group_invitations"
    __table_args__ = (
        PrimaryKeyConstraint("token_hash", name="pk_group_invitations"),
        ForeignKeyConstraint(
            ["group_id"], ["groups.id"], name="fk_group_invitations_group", ondelete="CASCADE"
        ),
    )

    # Only a hash: a stolen database does not hand out invitations.
    token_hash: str
    group_id: str
    invited_by: str
    created_at: float
    accepted_by: str | None = None


class AgendaTemplateRow(SQLModel, table=True):
    __tablename__ = "agenda_templates"
    __table_args__ = (
        PrimaryKeyConstraint("key", "version", name="pk_agenda_templates"),
        Index("ix_agenda_templates_owner", "owner_account_id"),
    )

    key: str
    # A new version per save; sessions name the version they were created from.
    version: int
    # None for the seed templates everyone can copy.
    owner_account_id: str | None = None
    name: str
    description: str
    stages: list[dict[str, Any]] = Field(sa_column=Column(JSON_DOCUMENT, nullable=False))
    guidelines: list[str] = Field(sa_column=Column(JSON_DOCUMENT, nullable=False))
    created_at: float


class GroupGuidelineRow(SQLModel, table=True):
    __tablename__ = "group_guidelines"
    __table_args__ = (
        PrimaryKeyConstraint("id", name="pk_group_guidelines"),
        ForeignKeyConstraint(
            ["group_id"], ["groups.id"], name="fk_group_guidelines_group", ondelete="CASCADE"
        ),
        Index("ix_group_guidelines_group_id", "group_id"),
    )

    id: str
    group_id: str
    # The group's own order (the template's, then each proposal after the last).
    position: int
    text: str
    proposed_on: date
    # Empty while proposed; set when the group agrees it.
    agreed_on: date | None = None
    review_on: date | None = None
    # Set when the group retires it: kept in the group's history, no longer read at meetings.
    retired_on: date | None = None


class GroupGuidelineReviewRow(SQLModel, table=True):
    """A day the group looked over its guidelines together (the newest is shown)."""

    __tablename__ = "group_guideline_reviews"
    __table_args__ = (
        PrimaryKeyConstraint("group_id", "reviewed_on", name="pk_group_guideline_reviews"),
        ForeignKeyConstraint(
            ["group_id"], ["groups.id"], name="fk_group_guideline_reviews_group", ondelete="CASCADE"
        ),
    )

    group_id: str
    reviewed_on: date


class GroupSupportResourceRow(SQLModel, table=True):
    """Where the group's members can find support: shown to someone who asks for it, and on
    the ended page, once a facilitator has confirmed it."""

    __tablename__ = "group_support_resources"
    __table_args__ = (
        PrimaryKeyConstraint("id", name="pk_group_support_resources"),
        ForeignKeyConstraint(
            ["group_id"], ["groups.id"], name="fk_group_support_resources_group", ondelete="CASCADE"
        ),
        Index("ix_group_support_resources_group_id", "group_id"),
    )

    id: str
    group_id: str
    # The group's own order: the placeholders first, then each one added after the last.
    position: int
    name: str
    how_to_reach: str
    when_available: str
    # Empty for a placeholder or a change nobody has checked: not shown outside the group page.
    confirmed_on: date | None = None


class GroupSessionRow(SQLModel, table=True):
    __tablename__ = "group_sessions"
    __table_args__ = (
        PrimaryKeyConstraint("session_id", name="pk_group_sessions"),
        ForeignKeyConstraint(
            ["group_id"], ["groups.id"], name="fk_group_sessions_group", ondelete="CASCADE"
        ),
        Index("ix_group_sessions_group_id", "group_id"),
    )

    session_id: str
    group_id: str
    meeting_on: date
    created_at: float


class GroupMeetingChangeRow(SQLModel, table=True):
    """A meeting the facilitators cancelled, or cancelled and then restored (kept, so calendar
    apps see its change count go on rising: app/groups/calendar_feed.py)."""

    __tablename__ = "group_meeting_changes"
    __table_args__ = (
        PrimaryKeyConstraint("group_id", "meeting_on", name="pk_group_meeting_changes"),
        ForeignKeyConstraint(
            ["group_id"], ["groups.id"], name="fk_group_meeting_changes_group", ondelete="CASCADE"
        ),
    )

    group_id: str
    meeting_on: date
    cancelled: bool
    # Shown to members with the date; empty when the facilitator gave none.
    reason: str
    # Every cancelling and restoring of this meeting, counted from 1.
    revision: int
    changed_at: float


class HousekeepingActionRow(SQLModel, table=True):
    __tablename__ = "housekeeping_actions"
    __table_args__ = (
        PrimaryKeyConstraint("id", name="pk_housekeeping_actions"),
        ForeignKeyConstraint(
            ["group_id"], ["groups.id"], name="fk_housekeeping_actions_group", ondelete="CASCADE"
        ),
        Index("ix_housekeeping_actions_group_id", "group_id"),
    )

    id: str
    group_id: str
    kind: str
    detail: str
    peer_name: str | None = None
    # The meeting the action is for; never in the past when recorded.
    due_on: date
    recorded_at: float
    # The session that opened with it, once one has. A promise of Taking Time the session did
    # not settle is cleared again, so the next meeting opens with it (docs/timekeeping.md).
    carried_into: str | None = None
    # A promise of Taking Time only: "kept" or "released" in the session it was carried into.
    settled_as: str | None = None


class MemberApologyRow(SQLModel, table=True):
    __tablename__ = "member_apologies"
    __table_args__ = (
        PrimaryKeyConstraint("member_id", "meeting_on", name="pk_member_apologies"),
        ForeignKeyConstraint(
            ["member_id"],
            ["group_members.id"],
            name="fk_member_apologies_member",
            ondelete="CASCADE",
        ),
    )

    member_id: str
    meeting_on: date
    sent_at: float


# --- work that one process of many should do (app/store/chores.py) ----------------------------


class ChoreRunRow(SQLModel, table=True):
    __tablename__ = "chore_runs"
    __table_args__ = (PrimaryKeyConstraint("chore", name="pk_chore_runs"),)

    chore: str
    last_started_at: float
