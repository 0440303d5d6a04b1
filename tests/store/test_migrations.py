"""Alembic migrations on SQLite and PostgreSQL: up, down, step by step, data kept, no drift."""

import multiprocessing
import threading
from multiprocessing.synchronize import Barrier

import sqlalchemy
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlmodel import SQLModel

from app.store.commits import Commit
from app.store.database import SCHEMA_HEAD, create_database_engine, migrate, schema_revision
from app.store.event_store import EventStore
from app.store.live_sessions import LiveSessionRecord, LiveSessions
from app.store.migrating import alembic_config, downgrade

STORE_TABLES = {"session_commits", "session_snapshots", "live_sessions"}


def revisions_oldest_first(engine: sqlalchemy.Engine) -> list[str]:
    with engine.connect() as connection:
        scripts = ScriptDirectory.from_config(alembic_config(connection))
    return [script.revision for script in reversed(list(scripts.walk_revisions()))]


def table_names(engine: sqlalchemy.Engine) -> set[str]:
    return set(sqlalchemy.inspect(engine).get_table_names())


def schema_version(engine: sqlalchemy.Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def test_upgrade_from_empty_creates_the_store_tables(engine: sqlalchemy.Engine) -> None:
    migrate(engine)

    assert table_names(engine) >= STORE_TABLES
    assert schema_version(engine) == revisions_oldest_first(engine)[-1]


def test_downgrade_to_base_removes_the_store_tables(engine: sqlalchemy.Engine) -> None:
    migrate(engine)

    downgrade(engine, "base")

    assert table_names(engine) & STORE_TABLES == set()
    assert schema_version(engine) is None


def test_every_revision_goes_down_and_up_again(engine: sqlalchemy.Engine) -> None:
    previous = "base"
    for revision in revisions_oldest_first(engine):
        migrate(engine, revision)
        downgrade(engine, previous)
        migrate(engine, revision)

        assert schema_version(engine) == revision
        previous = revision


def test_the_schema_head_the_store_knows_is_alembics_head(engine: sqlalchemy.Engine) -> None:
    with engine.connect() as connection:
        head = ScriptDirectory.from_config(alembic_config(connection)).get_current_head()
    assert head == SCHEMA_HEAD


def test_the_revision_read_without_alembic_is_alembics(engine: sqlalchemy.Engine) -> None:
    assert schema_revision(engine) is None
    migrate(engine, "0002")
    assert schema_revision(engine) == schema_version(engine) == "0002"
    migrate(engine)
    assert schema_revision(engine) == schema_version(engine) == SCHEMA_HEAD


def test_migrating_an_up_to_date_schema_changes_nothing(engine: sqlalchemy.Engine) -> None:
    migrate(engine)
    tables = table_names(engine)

    migrate(engine)

    assert table_names(engine) == tables


def test_the_models_match_the_migrated_schema(engine: sqlalchemy.Engine) -> None:
    migrate(engine)

    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, SQLModel.metadata)

    assert differences == []


COMMITS = [
    Commit("session-1", 1, "start", "facilitator-1", 1_763_900_000.5, [{"type": "started"}]),
    Commit("session-1", 2, "share", "participant-7", 1_763_900_090.0, [{"name": "Zoë 🌱"}]),
]
LIVE_SESSION = LiveSessionRecord(
    id="session-1",
    join_code="ABC123",
    title="Tuesday peers",
    group_name="Grüße group",
    template_key="weekly-rounds",
    created_at=1_763_899_990.0,
)


def write_at_first_revision(connection: sqlalchemy.Connection) -> None:
    """Rows in the shape of the first revision, written without today's code, which may differ."""
    metadata = sqlalchemy.MetaData()
    commits = sqlalchemy.Table("session_commits", metadata, autoload_with=connection)
    snapshots = sqlalchemy.Table("session_snapshots", metadata, autoload_with=connection)
    live_sessions = sqlalchemy.Table("live_sessions", metadata, autoload_with=connection)
    for commit in COMMITS:
        connection.execute(
            commits.insert().values(
                session_id=commit.session_id,
                version=commit.version,
                command_id=commit.command_id,
                actor_id=commit.actor_id,
                recorded_at=commit.recorded_at,
                events=commit.events,
            )
        )
    connection.execute(
        snapshots.insert().values(session_id="session-1", version=2, state={"stage": "round"})
    )
    connection.execute(
        live_sessions.insert().values(
            id=LIVE_SESSION.id,
            join_code=LIVE_SESSION.join_code,
            title=LIVE_SESSION.title,
            group_name=LIVE_SESSION.group_name,
            template_key=LIVE_SESSION.template_key,
            created_at=LIVE_SESSION.created_at,
            token_secret_version=1,
        )
    )


def assert_data_intact(engine: sqlalchemy.Engine) -> None:
    store = EventStore(engine)
    assert store.load("session-1") == COMMITS
    assert store.latest_snapshot("session-1") == (2, {"stage": "round"})
    assert LiveSessions(engine).get("session-1") == LIVE_SESSION


def test_data_written_at_the_first_revision_survives_upgrading_to_head(
    engine: sqlalchemy.Engine,
) -> None:
    first = revisions_oldest_first(engine)[0]
    migrate(engine, first)
    with engine.begin() as connection:
        write_at_first_revision(connection)

    migrate(engine)
    assert_data_intact(engine)

    # Down to the first revision and up again: what the first revision held is still there.
    downgrade(engine, first)
    migrate(engine)
    assert_data_intact(engine)


def migrate_when_released(database_url: str, barrier: threading.Barrier | Barrier) -> None:
    engine = create_database_engine(database_url)
    try:
        barrier.wait()
        migrate(engine)
    finally:
        engine.dispose()


STARTERS = 3


def test_threads_starting_together_migrate_once(database_url: str) -> None:
    barrier = threading.Barrier(STARTERS)
    failures: list[Exception] = []

    def start() -> None:
        try:
            migrate_when_released(database_url, barrier)
        except Exception as error:  # handed back to the test thread, which asserts on it
            failures.append(error)

    threads = [threading.Thread(target=start) for _ in range(STARTERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert failures == []


def test_processes_starting_together_migrate_once(database_url: str) -> None:
    # fork: the children inherit the imported modules, so they are released within milliseconds.
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(STARTERS)
    processes = [
        context.Process(target=migrate_when_released, args=(database_url, barrier))
        for _ in range(STARTERS)
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=60)

    assert [process.exitcode for process in processes] == [0] * STARTERS
