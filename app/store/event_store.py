"""The event store: per-session commits with optimistic concurrency, and snapshot caching."""

from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy
from sqlalchemy import bindparam, select

from app.store.appending import (
    APPEND,
    COMMITS,
    CURRENT_VERSION,
    SAVE_SNAPSHOT,
    SNAPSHOTS,
    Refusal,
    Snapshot,
    Statement,
    append_in,
    save_snapshot_in,
)
from app.store.commits import Commit
from app.store.sqlite_writer import SqliteWriter

_CURRENT_VERSIONS = (
    select(COMMITS.c.session_id, sqlalchemy.func.max(COMMITS.c.version))
    .where(COMMITS.c.session_id.in_(bindparam("session_ids", expanding=True)))
    .group_by(COMMITS.c.session_id)
)

_LOAD = (
    select(
        COMMITS.c.version,
        COMMITS.c.command_id,
        COMMITS.c.actor_id,
        COMMITS.c.recorded_at,
        COMMITS.c.events,
    )
    .where(
        COMMITS.c.session_id == bindparam("session_id"),
        COMMITS.c.version > bindparam("after_version"),
    )
    .order_by(COMMITS.c.version)
)

_LATEST_SNAPSHOT = select(SNAPSHOTS.c.version, SNAPSHOTS.c.state).where(
    SNAPSHOTS.c.session_id == bindparam("session_id")
)


class EventStore:
    """Shared by every thread of a process: it holds nothing but the engine."""

    def __init__(self, engine: sqlalchemy.Engine) -> None:
        self._engine = engine
        self._append = APPEND[engine.dialect.name]
        self._save_snapshot = SAVE_SNAPSHOT[engine.dialect.name]

    @property
    def one_writer_at_a_time(self) -> bool:
        """SQLite lets one connection write at a time; the others wait in its busy handler."""
        return self._engine.dialect.name == "sqlite"

    def sqlite_writer(self) -> SqliteWriter:
        """The one writer of this store's SQLite file, on a raw connection of its own."""
        return SqliteWriter(self._engine)

    def append(self, commit: Commit) -> None:
        """Store ``commit`` as the session's next version, or raise and store nothing.

        One statement does both checks: ``INSERT ... SELECT ... WHERE <current version> =
        version - 1``. The primary key on (session_id, version) settles two writers of the same
        version (the database lets exactly one insert it). The WHERE clause refuses a gap, and
        does so without a race: to insert version n a writer must see version n - 1 committed,
        and committed versions never go away, so no interleaving can leave a hole. A separate
        SELECT-then-INSERT would give the same guarantee at the cost of a second round trip.

        A refusal is told apart with a follow-up read, needed only on that rare path: if the
        command is already stored, its retry is answered with ``DuplicateCommand`` (carrying the
        version it produced) whatever version the retry asked for; otherwise ``VersionConflict``.
        """
        refusal = self.append_all([commit])[0]
        if refusal is not None:
            raise refusal

    def append_all(self, commits: list[Commit]) -> list[Refusal | None]:
        """Append each commit as ``append`` does, all in one transaction; for each, None if it
        was stored, else why not. A refusal stores nothing of that commit and stops no other."""
        with self._engine.begin() as connection:
            transaction = _InConnection(connection)
            return [append_in(transaction, self._append, commit) for commit in commits]

    def load(self, session_id: str, after_version: int = 0) -> list[Commit]:
        """The session's commits with a version above ``after_version``, oldest first."""
        parameters = {"session_id": session_id, "after_version": after_version}
        with self._engine.connect() as connection:
            rows = connection.execute(_LOAD, parameters).all()
        return [
            Commit(
                session_id=session_id,
                version=version,
                command_id=command_id,
                actor_id=actor_id,
                recorded_at=recorded_at,
                events=events,
            )
            for version, command_id, actor_id, recorded_at, events in rows
        ]

    def current_version(self, session_id: str) -> int:
        """The session's newest version; 0 when it has no commits."""
        with self._engine.connect() as connection:
            result = connection.execute(CURRENT_VERSION, {"session_id": session_id})
            version: int = result.scalar_one()
        return version

    def last_recorded_at(self, session_id: str) -> float | None:
        """When the session's newest commit was recorded; None when it has none."""
        query = (
            select(COMMITS.c.recorded_at)
            .where(COMMITS.c.session_id == session_id)
            .order_by(COMMITS.c.version.desc())
            .limit(1)
        )
        with self._engine.connect() as connection:
            recorded_at: float | None = connection.execute(query).scalar_one_or_none()
        return recorded_at

    def current_versions(self, session_ids: list[str]) -> dict[str, int]:
        """Each session's newest version in one query; a session with no commits is left out."""
        if not session_ids:
            return {}
        with self._engine.connect() as connection:
            rows = connection.execute(_CURRENT_VERSIONS, {"session_ids": session_ids}).all()
        return {session_id: version for session_id, version in rows}

    def save_snapshot(self, session_id: str, version: int, state: dict[str, Any]) -> None:
        """Keep ``state`` as the session's only snapshot, unless one as new or newer is kept."""
        with self._engine.begin() as connection:
            save_snapshot_in(
                _InConnection(connection), self._save_snapshot, Snapshot(session_id, version, state)
            )

    def latest_snapshot(self, session_id: str) -> tuple[int, dict[str, Any]] | None:
        with self._engine.connect() as connection:
            row = connection.execute(_LATEST_SNAPSHOT, {"session_id": session_id}).one_or_none()
        if row is None:
            return None
        version, state = row
        return version, state


class _InConnection:
    """A SQLAlchemy connection's open transaction, as app/store/appending.py runs it."""

    def __init__(self, connection: sqlalchemy.Connection) -> None:
        self._connection = connection

    def changed(self, statement: Statement, parameters: Mapping[str, Any]) -> int:
        return self._connection.execute(statement, parameters).rowcount

    def rows(self, statement: Statement, parameters: Mapping[str, Any]) -> Sequence[Sequence[Any]]:
        return self._connection.execute(statement, parameters).all()
