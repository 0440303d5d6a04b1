"""Revision 0009 (a group's default language) on SQLite and PostgreSQL: a database with groups
upgrades keeping them, each reading English until its facilitators choose; down and up again."""

from dataclasses import replace

import sqlalchemy

from app.store.database import migrate
from app.store.groups import Groups
from app.store.migrating import downgrade
from tests.store.test_migrations import schema_version
from tests.store.test_migrations_groups import (
    ACCOUNT,
    ACTION,
    GROUP,
    kept_group_names,
    write_group_records,
)


def group_columns(engine: sqlalchemy.Engine) -> set[str]:
    return {column["name"] for column in sqlalchemy.inspect(engine).get_columns("groups")}


def test_groups_made_before_0009_are_kept_and_read_english(engine: sqlalchemy.Engine) -> None:
    migrate(engine, "0008")
    write_group_records(engine)

    migrate(engine, "0009")

    assert schema_version(engine) == "0009"
    kept = Groups(engine).get_for(GROUP.id, ACCOUNT.id)
    assert kept == GROUP
    assert kept is not None
    assert kept.language == "en"
    assert [member.preferred_name for member in Groups(engine).members(GROUP.id)] == ["Zoë"]


def test_a_groups_language_is_kept_and_changed(engine: sqlalchemy.Engine) -> None:
    migrate(engine)
    write_group_records(engine)
    groups = Groups(engine)

    groups.update(replace(GROUP, language="es"))

    assert groups.get_for(GROUP.id, ACCOUNT.id) == replace(GROUP, language="es")


def test_downgrade_to_0008_removes_only_the_language(engine: sqlalchemy.Engine) -> None:
    migrate(engine, "0009")
    write_group_records(engine)

    downgrade(engine, "0008")

    assert schema_version(engine) == "0008"
    assert "language" not in group_columns(engine)
    assert kept_group_names(engine) == [GROUP.name]
    # Nothing that belongs to the group went with the column.
    with engine.connect() as connection:
        actions = connection.execute(sqlalchemy.text("SELECT id FROM housekeeping_actions"))
        assert list(actions.scalars()) == [ACTION.id]
