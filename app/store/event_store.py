"""The event store: per-session commits with optimistic concurrency, and snapshot caching."""

from typing import Any

import sqlalchemy
from sqlalchemy import bindparam, delete, func, select
from sqlalchemy.dialects import postgresql, sqlite

from app.session.storage import closes_support_follow_up, forget_support_requests
from app.store.commits import Commit, DuplicateCommand, VersionConflict
from app.store.tables import JSON_DOCUMENT, SessionCommitRow, SessionSnapshotRow, table_of

# Statements are built once, at import: building one per call cost several times what executing
# it does, and SQLAlchemy caches their compiled form.
_COMMITS = table_of(SessionCommitRow)
_SNAPSHOTS = table_of(SessionSnapshotRow)

_CURRENT_VERSION = select(func.coalesce(func.max(_COMMITS.c.version), 0)).where(
    _COMMITS.c.session_id == bindparam("session_id")
)


def _append(
    insert: type[postgresql.Insert] | type[sqlite.Insert],
) -> postgresql.Insert | sqlite.Insert:
    statement = insert(_COMMITS).from_select(
        ["session_id", "version", "command_id", "actor_id", "recorded_at", "events"],
        select(
            bindparam("session_id", type_=sqlalchemy.String()),
            bindparam("version", type_=sqlalchemy.Integer()),
            bindparam("command_id", type_=sqlalchemy.String()),
            bindparam("actor_id", type_=sqlalchemy.String()),
            bindparam("recorded_at", type_=sqlalchemy.Float()),
            bindparam("events", type_=JSON_DOCUMENT),
        ).where(_CURRENT_VERSION.scalar_subquery() == bindparam("version") - 1),
    )
    return (
        # A refused row is not an error: several appends share one transaction (append_all),
        # and on PostgreSQL an error would abort the others with it.
        statement.on_conflict_do_nothing()
        # Drivers need not report the row count of an INSERT unless asked to.
        .execution_options(preserve_rowcount=True)
    )


_CURRENT_VERSIONS = (
    select(_COMMITS.c.session_id, func.max(_COMMITS.c.version))
    .where(_COMMITS.c.session_id.in_(bindparam("session_ids", expanding=True)))
    .group_by(_COMMITS.c.session_id)
)

_APPEND = {"postgresql": _append(postgresql.Insert), "sqlite": _append(sqlite.Insert)}

_LOAD = (
    select(
        _COMMITS.c.version,
        _COMMITS.c.command_id,
        _COMMITS.c.actor_id,
        _COMMITS.c.recorded_at,
        _COMMITS.c.events,
    )
    .where(
        _COMMITS.c.session_id == bindparam("session_id"),
        _COMMITS.c.version > bindparam("after_version"),
    )
    .order_by(_COMMITS.c.version)
)

_VERSION_OF_COMMAND = select(_COMMITS.c.version).where(
    _COMMITS.c.session_id == bindparam("session_id"),
    _COMMITS.c.command_id == bindparam("command_id"),
)

_LATEST_SNAPSHOT = select(_SNAPSHOTS.c.version, _SNAPSHOTS.c.state).where(
    _SNAPSHOTS.c.session_id == bindparam("session_id")
)


def _snapshot_upsert(
    insert: type[postgresql.Insert] | type[sqlite.Insert],
) -> postgresql.Insert | sqlite.Insert:
    statement = insert(_SNAPSHOTS).values(
        session_id=bindparam("session_id"), version=bindparam("version"), state=bindparam("state")
    )
    return statement.on_conflict_do_update(
        index_elements=[_SNAPSHOTS.c.session_id],
        set_={"version": statement.excluded.version, "state": statement.excluded.state},
        # Only a newer snapshot replaces the kept one, so a late, slow writer cannot undo it.
        where=_SNAPSHOTS.c.version < statement.excluded.version,
    )


_SAVE_SNAPSHOT = {
    "postgresql": _snapshot_upsert(postgresql.Insert),
    "sqlite": _snapshot_upsert(sqlite.Insert),
}


Refusal = DuplicateCommand | VersionConflict


class EventStore:
    """Shared by every thread of a process: it holds nothing but the engine."""

    def __init__(self, engine: sqlalchemy.Engine) -> None:
        self._engine = engine
        self._append = _APPEND[engine.dialect.name]
        self._save_snapshot = _SAVE_SNAPSHOT[engine.dialect.name]

    @property
    def one_writer_at_a_time(self) -> bool:
        """SQLite lets one connection write at a time; the others wait in its busy handler."""
        return self._engine.dialect.name == "sqlite"

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
            return [self._append_on(connection, commit) for commit in commits]

    def _append_on(self, connection: sqlalchemy.Connection, commit: Commit) -> Refusal | None:
        parameters = {
            "session_id": commit.session_id,
            "version": commit.version,
            "command_id": commit.command_id,
            "actor_id": commit.actor_id,
            "recorded_at": commit.recorded_at,
            "events": commit.events,
        }
        if connection.execute(self._append, parameters).rowcount == 1:
            if closes_support_follow_up(commit.events):
                _forget_support_requests(connection, commit.session_id)
            return None
        committed = connection.execute(
            _VERSION_OF_COMMAND,
            {"session_id": commit.session_id, "command_id": commit.command_id},
        ).scalar_one_or_none()
        if committed is not None:
            return DuplicateCommand(commit.session_id, commit.command_id, committed)
        return VersionConflict(commit.session_id, commit.version)

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
            result = connection.execute(_CURRENT_VERSION, {"session_id": session_id})
            version: int = result.scalar_one()
        return version

    def last_recorded_at(self, session_id: str) -> float | None:
        """When the session's newest commit was recorded; None when it has none."""
        query = (
            select(_COMMITS.c.recorded_at)
            .where(_COMMITS.c.session_id == session_id)
            .order_by(_COMMITS.c.version.desc())
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
        parameters = {"session_id": session_id, "version": version, "state": state}
        with self._engine.begin() as connection:
            connection.execute(self._save_snapshot, parameters)

    def latest_snapshot(self, session_id: str) -> tuple[int, dict[str, Any]] | None:
        with self._engine.connect() as connection:
            row = connection.execute(_LATEST_SNAPSHOT, {"session_id": session_id}).one_or_none()
        if row is None:
            return None
        version, state = row
        return version, state


def _forget_support_requests(connection: sqlalchemy.Connection, session_id: str) -> None:
    """Rewrite the session's stored commits without who asked for support, in the transaction
    that stores the follow-up (so the log never holds both), as erasing a member does
    (app/store/groups/members.py). The snapshot goes too: it is only a cache of the events,
    and would still say who asked."""
    commits = connection.execute(
        select(_COMMITS.c.version, _COMMITS.c.events).where(_COMMITS.c.session_id == session_id)
    ).all()
    for version, events in commits:
        forgotten = forget_support_requests(events)
        if forgotten is not events:
            connection.execute(
                _COMMITS.update()
                .where(_COMMITS.c.session_id == session_id, _COMMITS.c.version == version)
                .values(events=forgotten)
            )
    connection.execute(delete(_SNAPSHOTS).where(_SNAPSHOTS.c.session_id == session_id))
