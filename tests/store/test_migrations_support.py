"""Revision 0007 (support resources) on SQLite and PostgreSQL: a group made before it starts
with the placeholders, unconfirmed; down again, only that table goes."""

import sqlalchemy

from app.groups.support_resources import PLACEHOLDERS
from app.store.database import migrate
from app.store.groups import Groups
from app.store.migrating import downgrade
from tests.store.test_migrations import schema_version, table_names
from tests.store.test_migrations_groups import GROUP, kept_group_names, write_group_records


def test_a_group_made_before_starts_with_the_placeholders_unconfirmed(
    engine: sqlalchemy.Engine,
) -> None:
    migrate(engine, "0006")
    write_group_records(engine)

    migrate(engine, "0007")

    resources = Groups(engine).support_resources(GROUP.id)
    assert [(r.name, r.how_to_reach, r.when_available) for r in resources] == [
        (p.name, p.how_to_reach, p.when_available) for p in PLACEHOLDERS
    ]
    assert all(r.confirmed_on is None for r in resources)
    assert Groups(engine).confirmed_support_resources(GROUP.id) == ()


def test_downgrade_to_0006_removes_the_support_resources_and_keeps_the_group(
    engine: sqlalchemy.Engine,
) -> None:
    migrate(engine, "0007")
    write_group_records(engine)

    downgrade(engine, "0006")

    assert "group_support_resources" not in table_names(engine)
    assert schema_version(engine) == "0006"
    assert kept_group_names(engine) == [GROUP.name]


def test_purging_a_group_removes_its_support_resources(engine: sqlalchemy.Engine) -> None:
    migrate(engine)
    write_group_records(engine)
    groups = Groups(engine)
    groups.add_support_resource(GROUP.id, PLACEHOLDERS[2], GROUP.first_meeting_on)

    groups.purge_group(GROUP.id)

    assert groups.support_resources(GROUP.id) == []
