"""Engines and schema migrations.

The store is synchronous; the async server calls it from a thread pool, so every engine made here
is safe to share between threads (a connection pool, and SQLite connections that may move between
threads because the pool hands each one to a single thread at a time).
"""

import json
import sqlite3
import time
from pathlib import Path
from typing import Any

import sqlalchemy
from sqlalchemy import event
from sqlalchemy.engine import make_url

# The newest migration's revision (tests/store/test_migrations.py checks it is Alembic's head).
SCHEMA_HEAD = "0009"

# Writers wait this long for SQLite's single write lock before failing with "database is locked".
SQLITE_BUSY_TIMEOUT_MS = 5000


def sqlite_url_for(path: Path) -> str:
    return f"sqlite:///{path.resolve()}"


def create_database_engine(url: str) -> sqlalchemy.Engine:
    parsed = make_url(url)
    # Only psycopg (3) is installed, while hosting platforms hand out postgres:// URLs.
    if parsed.drivername in ("postgres", "postgresql"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return _sqlite_engine(parsed)
    if backend == "postgresql":
        return sqlalchemy.create_engine(
            parsed, pool_pre_ping=True, json_serializer=_json_serializer
        )
    raise ValueError(f"unsupported database {backend!r}: use SQLite or PostgreSQL")


def migrate(engine: sqlalchemy.Engine, revision: str = "head") -> None:
    """Bring the schema up to ``revision``; a no-op when it is there already.

    Safe when several processes (or threads) start at once: they take turns, and those after the
    first find nothing left to do. A database already at the head is recognised without loading
    Alembic, whose import is a tenth of a process's start-up.
    """
    if revision == "head" and schema_revision(engine) == SCHEMA_HEAD:
        return
    from app.store.migrating import upgrade

    upgrade(engine, revision)


def schema_revision(engine: sqlalchemy.Engine) -> str | None:
    """The revision the database is at; None before the first migration."""
    with engine.connect() as connection:
        if not sqlalchemy.inspect(connection).has_table("alembic_version"):
            return None
        found: str | None = connection.execute(
            sqlalchemy.text("SELECT version_num FROM alembic_version")
        ).scalar_one_or_none()
        return found


def _sqlite_engine(url: sqlalchemy.URL) -> sqlalchemy.Engine:
    engine = sqlalchemy.create_engine(
        url,
        connect_args={"check_same_thread": False},
        json_serializer=_json_serializer,
    )
    event.listen(engine, "connect", _on_connect)
    return engine


def _on_connect(connection: sqlite3.Connection, _record: object) -> None:
    configure_sqlite_connection(connection)


def configure_sqlite_connection(connection: sqlite3.Connection) -> None:
    """The settings every connection to the file needs: the engine's, and the writer's own
    raw one (app/store/sqlite_writer.py)."""
    connection.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    _switch_to_wal(connection)
    # In WAL mode NORMAL is still corruption-safe; only the last commits before a power cut
    # may be lost, which an event-sourced session tolerates far better than slow appends.
    connection.execute("PRAGMA synchronous=NORMAL")
    connection.execute("PRAGMA foreign_keys=ON")


def _switch_to_wal(connection: sqlite3.Connection) -> None:
    """WAL lets readers (views being rendered) proceed while one writer appends.

    The mode is kept in the file, so only a new file is switched. Processes racing to switch it
    can get "database is locked" at once, busy timeout or not; the loser retries until the
    winner's switch is done.
    """
    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            connection.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as error:
            if error.sqlite_errorcode != sqlite3.SQLITE_BUSY or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


def _json_serializer(value: Any) -> str:
    # allow_nan=False: NaN/Infinity are not JSON; PostgreSQL would reject them and SQLite would
    # store them silently, so refuse them the same way on both.
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
