"""The SQLModel tables of the store.

They describe the schema for queries and for Alembic's autogenerate comparison; the schema itself
is only ever created by the migrations in ``app/store/migrations``. Constraints carry explicit
names so that migrations (including SQLite batch rebuilds) can refer to them on every backend.
"""

from typing import Any

from sqlalchemy import (
    JSON,
    Column,
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


def table_of(row_type: type[SQLModel]) -> Table:
    """The Core table behind a row class, for fast Core statements (no ORM identity map)."""
    return SQLModel.metadata.tables[str(row_type.__tablename__)]
