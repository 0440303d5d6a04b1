"""Revision 0008 (cancelled meetings) on SQLite and PostgreSQL: up from empty, down and up again
with a group's records kept; and the store's cancelling, restoring and forgetting."""

from datetime import date

import sqlalchemy

from app.store.database import migrate
from app.store.groups import Groups
from app.store.migrating import downgrade
from tests.store.test_migrations import schema_version, table_names
from tests.store.test_migrations_groups import GROUP, kept_group_names, write_group_records

CHRISTMAS_EVE = date(2026, 12, 24)


def test_upgrade_from_empty_creates_the_meeting_changes(engine: sqlalchemy.Engine) -> None:
    migrate(engine, "0008")

    assert "group_meeting_changes" in table_names(engine)
    assert schema_version(engine) == "0008"


def test_downgrade_to_0007_removes_only_the_meeting_changes(engine: sqlalchemy.Engine) -> None:
    migrate(engine, "0008")
    write_group_records(engine)
    Groups(engine).cancel_meeting(GROUP.id, CHRISTMAS_EVE, "Christmas Eve", 1.0)

    downgrade(engine, "0007")

    assert "group_meeting_changes" not in table_names(engine)
    assert schema_version(engine) == "0007"
    assert kept_group_names(engine) == [GROUP.name]


def test_a_group_made_before_0008_can_cancel_a_meeting_after_it(engine: sqlalchemy.Engine) -> None:
    migrate(engine, "0007")
    write_group_records(engine)

    migrate(engine, "0008")
    Groups(engine).cancel_meeting(GROUP.id, CHRISTMAS_EVE, "Christmas Eve", 1.0)

    (change,) = Groups(engine).meeting_changes(GROUP.id, GROUP.first_meeting_on).values()
    assert (change.meeting_on, change.cancelled, change.reason) == (
        CHRISTMAS_EVE,
        True,
        "Christmas Eve",
    )


def test_each_cancelling_and_restoring_counts_as_a_revision(engine: sqlalchemy.Engine) -> None:
    migrate(engine)
    write_group_records(engine)
    groups = Groups(engine)

    groups.cancel_meeting(GROUP.id, CHRISTMAS_EVE, "Christmas Eve", 1.0)
    cancelled = groups.meeting_changes(GROUP.id, CHRISTMAS_EVE)[CHRISTMAS_EVE]
    restored_once = groups.restore_meeting(GROUP.id, CHRISTMAS_EVE, 2.0)
    restored_twice = groups.restore_meeting(GROUP.id, CHRISTMAS_EVE, 3.0)
    restored = groups.meeting_changes(GROUP.id, CHRISTMAS_EVE)[CHRISTMAS_EVE]
    groups.cancel_meeting(GROUP.id, CHRISTMAS_EVE, "", 4.0)
    again = groups.meeting_changes(GROUP.id, CHRISTMAS_EVE)[CHRISTMAS_EVE]

    assert (cancelled.cancelled, cancelled.revision, cancelled.changed_at) == (True, 1, 1.0)
    assert (restored_once, restored_twice) == (True, False)
    assert (restored.cancelled, restored.revision, restored.changed_at) == (False, 2, 2.0)
    assert (again.cancelled, again.reason, again.revision) == (True, "", 3)
    assert groups.meeting_changes(GROUP.id, date(2026, 12, 25)) == {}
    assert groups.meeting_changes("another-group", CHRISTMAS_EVE) == {}


def test_retention_and_closing_the_group_forget_its_cancellations(
    engine: sqlalchemy.Engine,
) -> None:
    migrate(engine)
    write_group_records(engine)
    groups = Groups(engine)
    groups.cancel_meeting(GROUP.id, date(2026, 12, 1), "Hall closed", 1.0)
    groups.cancel_meeting(GROUP.id, CHRISTMAS_EVE, "Christmas Eve", 1.0)

    groups.purge_sessions_before(GROUP.id, date(2026, 12, 2))
    kept = set(groups.meeting_changes(GROUP.id, GROUP.first_meeting_on))
    groups.purge_group(GROUP.id)

    assert kept == {CHRISTMAS_EVE}
    assert groups.meeting_changes(GROUP.id, GROUP.first_meeting_on) == {}
