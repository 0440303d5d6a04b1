"""Revision 0005 (when a process last served each live session) on SQLite and PostgreSQL: up
from 0004 with sessions kept and nobody's heartbeat known, and down again keeping them."""

import pytest
import sqlalchemy

from app.store.database import migrate
from app.store.live_sessions import LiveSessionRecord, LiveSessions
from app.store.migrating import downgrade
from tests.store.test_migrations import schema_version

RECORD = LiveSessionRecord(
    id="s-before",
    join_code="ABC234",
    title="Tuesday",
    group_name="Riverside",
    template_key="peer-support-plus-weekly",
    created_at=1_000.0,
)


def write_session_at_0004(engine: sqlalchemy.Engine, session_id: str = RECORD.id) -> None:
    columns = ", ".join(["id", "join_code", "title", "group_name", "template_key", "created_at"])
    with engine.begin() as connection:
        connection.execute(
            sqlalchemy.text(
                f"INSERT INTO live_sessions ({columns}, token_secret_version) VALUES "
                "(:id, :join_code, :title, :group_name, :template_key, :created_at, 1)"
            ),
            {
                "id": session_id,
                "join_code": RECORD.join_code,
                "title": RECORD.title,
                "group_name": RECORD.group_name,
                "template_key": RECORD.template_key,
                "created_at": RECORD.created_at,
            },
        )


def columns_of_live_sessions(engine: sqlalchemy.Engine) -> set[str]:
    return {column["name"] for column in sqlalchemy.inspect(engine).get_columns("live_sessions")}


def test_sessions_from_before_have_no_heartbeat_until_a_process_serves_them(
    engine: sqlalchemy.Engine,
) -> None:
    migrate(engine, "0004")
    write_session_at_0004(engine)

    migrate(engine, "0005")

    assert schema_version(engine) == "0005"
    sessions = LiveSessions(engine)
    assert sessions.get(RECORD.id) == RECORD
    assert sessions.alive_at(RECORD.id) is None
    sessions.mark_alive([RECORD.id], 2_000.0)
    assert sessions.alive_at(RECORD.id) == 2_000.0


def test_downgrade_to_0004_keeps_every_session_and_its_join_code(
    engine: sqlalchemy.Engine,
) -> None:
    migrate(engine, "0005")
    sessions = LiveSessions(engine)
    sessions.create(RECORD)
    sessions.mark_alive([RECORD.id], 2_000.0)

    downgrade(engine, "0004")

    assert schema_version(engine) == "0004"
    assert "alive_at" not in columns_of_live_sessions(engine)
    with engine.connect() as connection:
        kept = connection.execute(sqlalchemy.text("SELECT id, join_code FROM live_sessions")).all()
    assert [tuple(row) for row in kept] == [(RECORD.id, RECORD.join_code)]
    with pytest.raises(sqlalchemy.exc.IntegrityError):
        write_session_at_0004(engine, "s-another")  # the join code is still unique
