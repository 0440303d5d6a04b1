"""Revision 0002 (groups across weeks) on SQLite and PostgreSQL: up, down, and data kept."""

from dataclasses import asdict
from datetime import date

import sqlalchemy

from app.agenda.carry_over import ActionKind
from app.groups.rules import GroupKind, MeetingPattern
from app.store.accounts import Account, Accounts
from app.store.database import migrate
from app.store.event_store import EventStore
from app.store.groups import Action, Group, Groups
from app.store.migrating import downgrade
from app.store.templates import Templates
from tests.store.test_migrations import (
    assert_data_intact,
    schema_version,
    table_names,
    write_at_first_revision,
)

GROUP_TABLES = {
    "accounts",
    "groups",
    "group_facilitators",
    "group_members",
    "group_invitations",
    "agenda_templates",
    "group_guidelines",
    "group_sessions",
    "housekeeping_actions",
    "member_apologies",
}
TODAY = date(2026, 11, 23)
ACCOUNT = Account(
    id="account-1",
    email="sam@example.org",
    display_name="Sam",
    password_hash="$argon2id$not-a-real-hash",
    credential_version=1,
    created_at=1_763_900_000.0,
)
GROUP = Group(
    id="group-1",
    name="Grüße group",
    kind=GroupKind.WELLBEING,
    meeting_pattern=MeetingPattern.WEEKLY,
    first_meeting_on=date(2026, 11, 2),
    meeting_time="18:30",
    time_zone="Europe/London",
    online=False,
    venue="Hall",
    template_key="peer-support-plus-weekly",
    retention_days=365,
    created_at=1_763_900_000.0,
)
ACTION = Action(
    id="action-1",
    kind=ActionKind.GUARANTEED_TIME,
    detail="Time for Zoë 🌱",
    peer_name="Zoë",
    due_on=date(2026, 11, 30),
    recorded_at=1_763_900_100.0,
)


def write_group_records(engine: sqlalchemy.Engine) -> None:
    """A group with a facilitator, a guideline, a member and an action, at whatever revision the
    database is: the group's own row is written with the columns that revision has, since the
    store of today writes columns added since (0009's language)."""
    Accounts(engine).create(ACCOUNT)
    metadata = sqlalchemy.MetaData()
    tables = {
        name: sqlalchemy.Table(name, metadata, autoload_with=engine)
        for name in ("groups", "group_facilitators", "group_guidelines")
    }
    row = {
        **asdict(GROUP),
        "kind": GROUP.kind.value,
        "meeting_pattern": GROUP.meeting_pattern.value,
    }
    with engine.begin() as connection:
        groups_table = tables["groups"]
        connection.execute(
            groups_table.insert().values({k: v for k, v in row.items() if k in groups_table.c})
        )
        connection.execute(
            tables["group_facilitators"].insert().values(group_id=GROUP.id, account_id=ACCOUNT.id)
        )
        connection.execute(
            tables["group_guidelines"]
            .insert()
            .values(
                id="guideline-1",
                group_id=GROUP.id,
                position=1,
                text="We listen.",
                proposed_on=TODAY,
                agreed_on=TODAY,
            )
        )
    groups = Groups(engine)
    groups.add_member(GROUP.id, "Zoë", TODAY)
    groups.add_action(GROUP.id, ACTION)
    Templates(engine).ensure_seeds(1_763_900_000.0)


def kept_group_names(engine: sqlalchemy.Engine) -> list[str]:
    """The groups' names, read by hand: the store of today reads columns added since."""
    with engine.connect() as connection:
        return list(connection.execute(sqlalchemy.text("SELECT name FROM groups")).scalars())


def test_upgrade_from_empty_creates_the_group_tables(engine: sqlalchemy.Engine) -> None:
    migrate(engine, "0002")

    assert table_names(engine) >= GROUP_TABLES
    assert schema_version(engine) == "0002"


def test_downgrade_to_the_first_revision_removes_only_the_group_tables(
    engine: sqlalchemy.Engine,
) -> None:
    migrate(engine, "0001")
    with engine.begin() as connection:
        write_at_first_revision(connection)
    migrate(engine)
    write_group_records(engine)

    downgrade(engine, "0001")

    assert table_names(engine) & GROUP_TABLES == set()
    assert_data_intact(engine)


def test_group_records_survive_going_down_to_0001_and_up_only_as_far_as_0002_allows(
    engine: sqlalchemy.Engine,
) -> None:
    migrate(engine)
    write_group_records(engine)

    # Downgrading drops what 0002 created: upgrading again starts those tables empty.
    downgrade(engine, "0001")
    migrate(engine)

    assert Groups(engine).for_facilitator(ACCOUNT.id) == []
    assert Accounts(engine).get(ACCOUNT.id) is None


def test_data_written_at_0001_is_kept_by_upgrading_to_0002_and_works_with_new_records(
    engine: sqlalchemy.Engine,
) -> None:
    migrate(engine, "0001")
    with engine.begin() as connection:
        write_at_first_revision(connection)

    migrate(engine)
    write_group_records(engine)

    assert_data_intact(engine)
    assert EventStore(engine).current_version("session-1") == 2
    assert Groups(engine).get_for(GROUP.id, ACCOUNT.id) == GROUP
    assert Groups(engine).actions(GROUP.id) == [ACTION]
    assert [m.preferred_name for m in Groups(engine).members(GROUP.id)] == ["Zoë"]
