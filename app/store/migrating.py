"""Running the schema migrations with Alembic (app/store/migrations/), one process at a time."""

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy
from alembic import command
from alembic.config import Config

MIGRATIONS_DIRECTORY = Path(__file__).parent / "migrations"

_in_process_migrations = threading.Lock()
# An arbitrary constant naming this application's migration lock among PostgreSQL advisory locks.
_MIGRATION_LOCK_KEY = 0x5EE2_2005


def upgrade(engine: sqlalchemy.Engine, revision: str = "head") -> None:
    """Bring the schema up to ``revision``; a no-op when it is there already.

    Safe when several processes (or threads) start at once: they take turns, and those after the
    first find nothing left to do.
    """
    with _migration_turn(engine) as connection:
        command.upgrade(alembic_config(connection), revision)


def downgrade(engine: sqlalchemy.Engine, revision: str) -> None:
    """Take the schema back down to ``revision`` ("base" drops every table the store made)."""
    with _migration_turn(engine) as connection:
        command.downgrade(alembic_config(connection), revision)


def alembic_config(connection: sqlalchemy.Connection) -> Config:
    """An Alembic configuration bound to ``connection``; there is no alembic.ini."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIRECTORY))
    # New revisions are numbered by hand (rev_id="0002"); a module name cannot start with one.
    config.set_main_option("file_template", "r%%(rev)s_%%(slug)s")
    config.attributes["connection"] = connection
    return config


@contextmanager
def _migration_turn(engine: sqlalchemy.Engine) -> Iterator[sqlalchemy.Connection]:
    """One transaction holding the database's migration lock, committed at the end.

    Alembic's ``op`` and ``context`` are process-wide globals, so threads take turns on a lock;
    processes take turns on the database: PostgreSQL's transactional DDL under an advisory lock,
    SQLite's write lock taken up front (BEGIN IMMEDIATE) so its DDL is transactional too.
    """
    with _in_process_migrations, engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(
                sqlalchemy.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK_KEY}
            )
        else:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        yield connection
