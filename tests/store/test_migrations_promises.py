"""Revision 0006 (how each promise of Taking Time was settled) on SQLite and PostgreSQL: up from
0005 with the group's actions kept as they were, and down again keeping them."""

from dataclasses import replace

import sqlalchemy

from app.store.database import migrate
from app.store.groups import Groups
from app.store.migrating import downgrade
from tests.store.test_migrations import schema_version
from tests.store.test_migrations_groups import ACTION, GROUP, write_group_records


def action_columns(engine: sqlalchemy.Engine) -> set[str]:
    inspector = sqlalchemy.inspect(engine)
    return {column["name"] for column in inspector.get_columns("housekeeping_actions")}


def test_a_promise_carried_before_stays_carried_and_nothing_is_settled(
    engine: sqlalchemy.Engine,
) -> None:
    migrate(engine, "0005")
    write_group_records(engine)
    with engine.begin() as connection:
        connection.execute(
            sqlalchemy.text("UPDATE housekeeping_actions SET carried_into = 'old-session'")
        )

    migrate(engine, "0006")

    assert schema_version(engine) == "0006"
    [action] = Groups(engine).actions(GROUP.id)
    assert action == replace(ACTION, carried_into="old-session", settled_as="carried")
    # Spent under the old rule when that session opened: nothing to settle, nothing comes back.
    assert Groups(engine).unsettled_promises(GROUP.id) == {}


def test_a_promise_not_yet_carried_is_still_owed_after_the_upgrade(
    engine: sqlalchemy.Engine,
) -> None:
    migrate(engine, "0005")
    write_group_records(engine)

    migrate(engine, "0006")

    assert Groups(engine).actions(GROUP.id) == [ACTION]


def test_going_down_to_0005_keeps_the_actions(engine: sqlalchemy.Engine) -> None:
    migrate(engine)
    write_group_records(engine)
    Groups(engine).settle_promises(GROUP.id, "no-session", {})

    downgrade(engine, "0005")

    assert "settled_as" not in action_columns(engine)
    with engine.connect() as connection:
        ids = connection.execute(sqlalchemy.text("SELECT id FROM housekeeping_actions")).scalars()
        assert list(ids) == [ACTION.id]
