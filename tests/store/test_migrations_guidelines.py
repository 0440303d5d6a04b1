"""Revision 0004 (guidelines retired, the list's reviews) on SQLite and PostgreSQL: up from 0003
with the guidelines kept, down again with them kept, and a purged group leaves no review."""

import sqlalchemy

from app.store.database import migrate
from app.store.groups import Groups
from app.store.migrating import downgrade
from tests.store.test_migrations import schema_version, table_names
from tests.store.test_migrations_groups import GROUP, TODAY, write_group_records


def column_names(engine: sqlalchemy.Engine, table: str) -> set[str]:
    return {c["name"] for c in sqlalchemy.inspect(engine).get_columns(table)}


def test_guidelines_written_at_0003_are_in_force_after_upgrading(
    engine: sqlalchemy.Engine,
) -> None:
    migrate(engine, "0003")
    write_group_records(engine)

    migrate(engine, "0004")

    assert schema_version(engine) == "0004"
    groups = Groups(engine)
    [guideline] = groups.guidelines(GROUP.id)
    assert (guideline.text, guideline.agreed_on, guideline.retired_on) == (
        "We listen.",
        TODAY,
        None,
    )
    assert groups.guidelines_last_reviewed(GROUP.id) is None
    assert groups.retire_guideline(GROUP.id, guideline.id, TODAY)


def test_downgrade_to_0003_keeps_every_guideline_and_drops_the_reviews(
    engine: sqlalchemy.Engine,
) -> None:
    migrate(engine, "0004")
    write_group_records(engine)
    groups = Groups(engine)
    [guideline] = groups.guidelines(GROUP.id)
    groups.edit_guideline(GROUP.id, guideline.id, "We listen with care.")
    groups.mark_guidelines_reviewed(GROUP.id, TODAY)

    downgrade(engine, "0003")

    assert "group_guideline_reviews" not in table_names(engine)
    assert "retired_on" not in column_names(engine, "group_guidelines")
    with engine.connect() as connection:
        texts = connection.execute(sqlalchemy.text("SELECT text FROM group_guidelines")).all()
    assert [t for (t,) in texts] == ["We listen with care."]
    migrate(engine, "0004")
    assert Groups(engine).guidelines_last_reviewed(GROUP.id) is None


def test_purging_a_group_removes_its_reviews(engine: sqlalchemy.Engine) -> None:
    migrate(engine)
    write_group_records(engine)
    groups = Groups(engine)
    groups.mark_guidelines_reviewed(GROUP.id, TODAY)

    groups.purge_group(GROUP.id)

    with engine.connect() as connection:
        left = connection.execute(
            sqlalchemy.text("SELECT count(*) FROM group_guideline_reviews")
        ).scalar_one()
    assert left == 0
