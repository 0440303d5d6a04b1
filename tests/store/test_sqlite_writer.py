"""SQLite's raw writer: the rows it stores are the SQLAlchemy path's, byte for byte, and so are
its refusals; its connection is set up as the engine's; the driver's errors reach callers as
SQLAlchemy's."""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy
from hypothesis import example, given
from hypothesis import strategies as st

from app.store.appending import Refusal, Snapshot
from app.store.commits import Commit
from app.store.database import (
    SQLITE_BUSY_TIMEOUT_MS,
    create_database_engine,
    migrate,
    sqlite_url_for,
)
from app.store.event_store import EventStore
from app.store.sqlite_writer import SqliteWriter
from tests.support.engine import engine_settings

SESSIONS = ("session-a", "session-b")
# The support events make a follow-up rewrite the session's stored commits (both paths must).
EVENT_TYPES = (
    "turn_started",
    "support_requested",
    "support_request_cleared",
    "support_followed_up",
)

json_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**53), max_value=2**53),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=12),
)
events = st.lists(
    st.fixed_dictionaries(
        {"type": st.sampled_from(EVENT_TYPES)},
        optional={"person": st.text(max_size=8), "value": json_values},
    ),
    max_size=3,
)
commits = st.builds(
    Commit,
    session_id=st.sampled_from(SESSIONS),
    # Small versions and a few command ids: conflicts, gaps and duplicates are common.
    version=st.integers(min_value=1, max_value=4),
    command_id=st.sampled_from(["c1", "c2", "c3", "c4", "c5"]),
    actor_id=st.text(min_size=1, max_size=8),
    recorded_at=st.floats(min_value=0, max_value=2e9, allow_nan=False),
    events=events,
)
snapshots = st.builds(
    Snapshot,
    session_id=st.sampled_from(SESSIONS),
    version=st.integers(min_value=1, max_value=4),
    state=st.dictionaries(st.text(max_size=6), json_values, max_size=4),
)
# Each batch is what the writer took in one go: its commits, then its snapshots.
batches = st.lists(
    st.tuples(st.lists(commits, max_size=4), st.lists(snapshots, max_size=2)),
    min_size=1,
    max_size=5,
)


@pytest.fixture(scope="module")
def migrated_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, copied by each example (migrating is slow)."""
    path = tmp_path_factory.mktemp("template") / "peer-rounds.db"
    engine = create_database_engine(sqlite_url_for(path))
    migrate(engine)
    engine.dispose()
    return path


def engine_on_copy(template: Path, folder: Path, name: str) -> sqlalchemy.Engine:
    path = folder / name
    shutil.copy(template, path)
    return create_database_engine(sqlite_url_for(path))


def said(refusal: Refusal | None) -> tuple[Any, ...] | None:
    return None if refusal is None else (type(refusal), *vars(refusal).items())


def stored_rows(engine: sqlalchemy.Engine) -> list[tuple[Any, ...]]:
    """Every row of the two tables, as the file holds them (JSON as its text)."""
    assert engine.url.database is not None
    with sqlite3.connect(engine.url.database) as connection:
        return [
            *connection.execute("SELECT * FROM session_commits ORDER BY session_id, version"),
            *connection.execute("SELECT * FROM session_snapshots ORDER BY session_id"),
        ]


ASKED = Commit("session-a", 1, "c1", "p1", 5.0, [{"type": "support_requested", "person": "p1"}])
FOLLOWED_UP = Commit("session-a", 2, "c2", "f1", 9.0, [{"type": "support_followed_up"}])


@given(batches=batches)
# Always among the examples: a follow-up that rewrites a stored commit and drops the snapshot.
@example(batches=[([ASKED], [Snapshot("session-a", 1, {"asked": ["p1"]})]), ([FOLLOWED_UP], [])])
@engine_settings(40)
def test_the_raw_writer_stores_what_the_sqlalchemy_path_stores(
    migrated_file: Path, batches: list[tuple[list[Commit], list[Snapshot]]]
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        through_sqlalchemy = engine_on_copy(migrated_file, Path(folder), "sqlalchemy.db")
        through_raw = engine_on_copy(migrated_file, Path(folder), "raw.db")
        store = EventStore(through_sqlalchemy)
        writer = SqliteWriter(through_raw).connect()
        try:
            for appended, kept in batches:
                expected = [said(r) for r in store.append_all(appended)]
                for snapshot in kept:
                    store.save_snapshot(snapshot.session_id, snapshot.version, snapshot.state)
                assert [said(r) for r in writer.append_all(appended)] == expected
                writer.save_snapshots(kept)
            assert stored_rows(through_raw) == stored_rows(through_sqlalchemy)
        finally:
            writer.close()
            through_sqlalchemy.dispose()
            through_raw.dispose()


def test_the_writers_connection_is_set_up_as_the_engines(
    sqlite_engine: sqlalchemy.Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[sqlite3.Connection] = []
    real_connect = sqlite3.connect

    def connect(path: str, **options: Any) -> sqlite3.Connection:
        opened.append(real_connect(path, **options))
        return opened[-1]

    monkeypatch.setattr(sqlite3, "connect", connect)
    pragmas = ("journal_mode", "synchronous", "busy_timeout", "foreign_keys")
    with sqlite_engine.connect() as connection:
        engines = [connection.exec_driver_sql(f"PRAGMA {p}").scalar() for p in pragmas]
    writer = SqliteWriter(sqlite_engine).connect()
    try:
        writers = [opened[0].execute(f"PRAGMA {p}").fetchone()[0] for p in pragmas]
    finally:
        writer.close()

    # WAL and synchronous=NORMAL (1): a commit survives the process being killed.
    assert engines == ["wal", 1, SQLITE_BUSY_TIMEOUT_MS, 1]
    assert writers == engines


def test_a_failed_transaction_stores_nothing_and_raises_as_sqlalchemy_does(
    sqlite_engine: sqlalchemy.Engine,
) -> None:
    writer = SqliteWriter(sqlite_engine).connect()
    nan_events = [{"type": "turn_started", "budget_s": float("nan")}]
    fine = Commit("session-a", 1, "c1", "f1", 1.0, [{"type": "turn_started"}])
    refused_by_json = Commit("session-b", 1, "c1", "f1", 1.0, nan_events)
    try:
        with pytest.raises(sqlalchemy.exc.StatementError) as through_raw:
            writer.append_all([fine, refused_by_json])
        # The connection is still good for the next transaction.
        assert writer.append_all([fine]) == [None]
    finally:
        writer.close()
    with pytest.raises(sqlalchemy.exc.StatementError) as through_sqlalchemy:
        EventStore(sqlite_engine).append_all([refused_by_json])

    assert type(through_raw.value.orig) is type(through_sqlalchemy.value.orig)
    assert EventStore(sqlite_engine).current_version("session-a") == 1
    assert EventStore(sqlite_engine).current_version("session-b") == 0


def test_a_driver_error_is_sqlalchemys(tmp_path: Path) -> None:
    never_migrated = create_database_engine(sqlite_url_for(tmp_path / "empty.db"))
    writer = SqliteWriter(never_migrated).connect()
    try:
        with pytest.raises(sqlalchemy.exc.OperationalError, match="no such table"):
            writer.append_all([Commit("session-a", 1, "c1", "f1", 1.0, [])])
    finally:
        writer.close()
        never_migrated.dispose()
