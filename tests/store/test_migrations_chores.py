"""Revision 0003 (chore runs) on SQLite and PostgreSQL: up from empty, down, and data kept."""

import sqlalchemy

from app.store.chores import Chores
from app.store.database import migrate
from app.store.groups import Groups
from app.store.migrating import downgrade
from tests.store.test_migrations import schema_version, table_names
from tests.store.test_migrations_groups import GROUP, kept_group_names, write_group_records


def test_upgrade_from_empty_creates_the_chore_runs(engine: sqlalchemy.Engine) -> None:
    migrate(engine, "0003")

    assert "chore_runs" in table_names(engine)
    assert schema_version(engine) == "0003"
    assert Chores(engine).claim("retention_purge", 1_000.0, 60.0)


def test_downgrade_to_0002_removes_only_the_chore_runs(engine: sqlalchemy.Engine) -> None:
    migrate(engine, "0003")
    write_group_records(engine)
    Chores(engine).claim("retention_purge", 1_000.0, 60.0)

    downgrade(engine, "0002")

    assert "chore_runs" not in table_names(engine)
    assert schema_version(engine) == "0002"
    assert kept_group_names(engine) == [GROUP.name]


def test_records_written_at_0002_are_kept_by_upgrading_to_0003(engine: sqlalchemy.Engine) -> None:
    migrate(engine, "0002")
    write_group_records(engine)

    migrate(engine, "0003")

    assert kept_group_names(engine) == [GROUP.name]
    assert [m.preferred_name for m in Groups(engine).members(GROUP.id)] == ["Zoë"]
    chores = Chores(engine)
    assert chores.last_started("retention_purge") is None
    assert chores.claim("retention_purge", 1_000.0, 60.0)
    assert chores.last_started("retention_purge") == 1_000.0
