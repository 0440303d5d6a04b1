"""Appending a commit and keeping a snapshot: the statements and the steps, written once.

Two things run them: EventStore, through SQLAlchemy connections (PostgreSQL, and SQLite's
readers and occasional writers), and SQLite's one writer thread, through a raw ``sqlite3``
connection (app/store/sqlite_writer.py, which compiles these same statements for SQLite once).
Both hand a ``Transaction`` to the functions here, so the SQL and the rules cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import sqlalchemy
from sqlalchemy import bindparam, delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.dml import UpdateBase

from app.session.storage import closes_support_follow_up, forget_support_requests
from app.store.commits import Commit, DuplicateCommand, VersionConflict
from app.store.tables import JSON_DOCUMENT, SessionCommitRow, SessionSnapshotRow, table_of

# Statements are built once, at import: building one per call cost several times what executing
# it does, and SQLAlchemy caches their compiled form.
COMMITS = table_of(SessionCommitRow)
SNAPSHOTS = table_of(SessionSnapshotRow)

CURRENT_VERSION = select(func.coalesce(func.max(COMMITS.c.version), 0)).where(
    COMMITS.c.session_id == bindparam("session_id")
)


def _append(
    insert: type[postgresql.Insert] | type[sqlite.Insert],
) -> postgresql.Insert | sqlite.Insert:
    statement = insert(COMMITS).from_select(
        ["session_id", "version", "command_id", "actor_id", "recorded_at", "events"],
        select(
            bindparam("session_id", type_=sqlalchemy.String()),
            bindparam("version", type_=sqlalchemy.Integer()),
            bindparam("command_id", type_=sqlalchemy.String()),
            bindparam("actor_id", type_=sqlalchemy.String()),
            bindparam("recorded_at", type_=sqlalchemy.Float()),
            bindparam("events", type_=JSON_DOCUMENT),
        ).where(CURRENT_VERSION.scalar_subquery() == bindparam("version") - 1),
    )
    return (
        # A refused row is not an error: several appends share one transaction (append_all),
        # and on PostgreSQL an error would abort the others with it.
        statement.on_conflict_do_nothing()
        # Drivers need not report the row count of an INSERT unless asked to.
        .execution_options(preserve_rowcount=True)
    )


APPEND = {"postgresql": _append(postgresql.Insert), "sqlite": _append(sqlite.Insert)}

VERSION_OF_COMMAND = select(COMMITS.c.version).where(
    COMMITS.c.session_id == bindparam("session_id"),
    COMMITS.c.command_id == bindparam("command_id"),
)


def _snapshot_upsert(
    insert: type[postgresql.Insert] | type[sqlite.Insert],
) -> postgresql.Insert | sqlite.Insert:
    statement = insert(SNAPSHOTS).values(
        session_id=bindparam("session_id"), version=bindparam("version"), state=bindparam("state")
    )
    return statement.on_conflict_do_update(
        index_elements=[SNAPSHOTS.c.session_id],
        set_={"version": statement.excluded.version, "state": statement.excluded.state},
        # Only a newer snapshot replaces the kept one, so a late, slow writer cannot undo it.
        where=SNAPSHOTS.c.version < statement.excluded.version,
    )


SAVE_SNAPSHOT = {
    "postgresql": _snapshot_upsert(postgresql.Insert),
    "sqlite": _snapshot_upsert(sqlite.Insert),
}

_EVENTS_OF_SESSION = select(COMMITS.c.version, COMMITS.c.events).where(
    COMMITS.c.session_id == bindparam("session_id")
)
# Not named after their columns: an UPDATE keeps those names for its SET clause.
_REWRITE_EVENTS = (
    update(COMMITS)
    .where(
        COMMITS.c.session_id == bindparam("of_session"),
        COMMITS.c.version == bindparam("at_version"),
    )
    .values(events=bindparam("forgotten", type_=JSON_DOCUMENT))
)
_FORGET_SNAPSHOT = delete(SNAPSHOTS).where(SNAPSHOTS.c.session_id == bindparam("session_id"))

Refusal = DuplicateCommand | VersionConflict
# What a Transaction runs: this module's statements.
Statement = sqlalchemy.Select[Any] | UpdateBase


@dataclass(frozen=True, slots=True)
class Snapshot:
    """A session's state as of ``version``: a cache that makes loading it fast."""

    session_id: str
    version: int
    state: dict[str, Any]


class Transaction(Protocol):
    """One open transaction that runs the statements of this module."""

    def changed(self, statement: Statement, parameters: Mapping[str, Any]) -> int:
        """Run a statement that writes; how many rows it changed."""
        ...

    def rows(self, statement: Statement, parameters: Mapping[str, Any]) -> Sequence[Sequence[Any]]:
        """Run a query; its rows."""
        ...


def append_in(transaction: Transaction, append: Statement, commit: Commit) -> Refusal | None:
    """Store ``commit`` in the transaction (``append`` is APPEND of its kind of database);
    None if stored, else why not, having stored nothing of it (EventStore.append says how)."""
    parameters = {
        "session_id": commit.session_id,
        "version": commit.version,
        "command_id": commit.command_id,
        "actor_id": commit.actor_id,
        "recorded_at": commit.recorded_at,
        "events": commit.events,
    }
    if transaction.changed(append, parameters) == 1:
        if closes_support_follow_up(commit.events):
            _forget_support_requests(transaction, commit.session_id)
        return None
    committed = transaction.rows(
        VERSION_OF_COMMAND, {"session_id": commit.session_id, "command_id": commit.command_id}
    )
    if committed:
        return DuplicateCommand(commit.session_id, commit.command_id, committed[0][0])
    return VersionConflict(commit.session_id, commit.version)


def save_snapshot_in(transaction: Transaction, save: Statement, snapshot: Snapshot) -> None:
    """Keep the snapshot as its session's only one, unless one as new or newer is kept
    (``save`` is SAVE_SNAPSHOT of the transaction's kind of database)."""
    parameters = {
        "session_id": snapshot.session_id,
        "version": snapshot.version,
        "state": snapshot.state,
    }
    transaction.changed(save, parameters)


def _forget_support_requests(transaction: Transaction, session_id: str) -> None:
    """Rewrite the session's stored commits without who asked for support, in the transaction
    that stores the follow-up (so the log never holds both), as erasing a member does
    (app/store/groups/members.py). The snapshot goes too: it is only a cache of the events,
    and would still say who asked."""
    for version, events in transaction.rows(_EVENTS_OF_SESSION, {"session_id": session_id}):
        forgotten = forget_support_requests(events)
        if forgotten is not events:
            transaction.changed(
                _REWRITE_EVENTS,
                {"of_session": session_id, "at_version": version, "forgotten": forgotten},
            )
    transaction.changed(_FORGET_SNAPSHOT, {"session_id": session_id})
