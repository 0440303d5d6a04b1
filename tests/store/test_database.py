"""Engines: SQLite pragmas on every connection, PostgreSQL URLs and reconnecting."""

import sqlite3
from pathlib import Path

import psycopg
import pytest
import sqlalchemy

from app.store.database import (
    SQLITE_BUSY_TIMEOUT_MS,
    create_database_engine,
    migrate,
    sqlite_url_for,
)


def test_sqlite_url_for_names_the_absolute_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)

    assert sqlite_url_for(Path("data/peer-rounds.db")) == (
        f"sqlite:///{tmp_path.resolve()}/data/peer-rounds.db"
    )


def test_every_sqlite_connection_is_configured(tmp_path: Path) -> None:
    engine = create_database_engine(sqlite_url_for(tmp_path / "peer-rounds.db"))
    try:
        with engine.connect() as first, engine.connect() as second:
            for connection in (first, second):
                assert pragma(connection, "journal_mode") == "wal"
                assert pragma(connection, "foreign_keys") == 1
                assert pragma(connection, "busy_timeout") == SQLITE_BUSY_TIMEOUT_MS
                assert pragma(connection, "synchronous") == 1  # NORMAL
    finally:
        engine.dispose()


def pragma(connection: sqlalchemy.Connection, name: str) -> object:
    return connection.exec_driver_sql(f"PRAGMA {name}").scalar_one()


def test_a_migrated_sqlite_file_stays_in_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "peer-rounds.db"
    engine = create_database_engine(sqlite_url_for(path))
    migrate(engine)
    engine.dispose()

    # WAL is a property of the file: a plain connection, without the engine's pragmas, sees it.
    with sqlite3.connect(path) as plain:
        assert plain.execute("PRAGMA journal_mode").fetchone() == ("wal",)


@pytest.mark.parametrize(
    "url", ["postgres://u@db/x", "postgresql://u@db/x", "postgresql+psycopg://u@db/x"]
)
def test_postgresql_urls_use_psycopg(url: str) -> None:
    engine = create_database_engine(url)

    assert engine.dialect.driver == "psycopg"


def test_other_databases_are_refused() -> None:
    with pytest.raises(ValueError, match="unsupported database 'mysql'"):
        create_database_engine("mysql://u@db/x")


def test_a_postgresql_connection_killed_by_the_server_is_replaced(postgres_url: str) -> None:
    engine = create_database_engine(postgres_url)
    try:
        with engine.connect() as connection:
            backend = connection.exec_driver_sql("SELECT pg_backend_pid()").scalar_one()
        libpq_url = sqlalchemy.make_url(postgres_url).set(drivername="postgresql")
        with psycopg.connect(libpq_url.render_as_string(hide_password=False)) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", (backend,))

        # The pooled connection is dead; pre-ping notices and hands out a fresh one.
        with engine.connect() as connection:
            assert connection.exec_driver_sql("SELECT pg_backend_pid()").scalar_one() != backend
    finally:
        engine.dispose()
