"""The registry of live sessions on SQLite and PostgreSQL."""

import dataclasses

import pytest
import sqlalchemy

from app.store.live_sessions import JoinCodeTaken, LiveSessionRecord, LiveSessions

START = 1_763_900_000.5


def make_record(number: int, *, join_code: str | None = None) -> LiveSessionRecord:
    return LiveSessionRecord(
        id=f"session-{number}",
        join_code=join_code or f"CODE{number:02d}",
        title=f"Tuesday peers №{number} — “Taking Time” 🌱",
        group_name="Grüße & Ōkubo group",
        template_key="weekly-rounds",
        created_at=START + number,
    )


@pytest.fixture
def sessions(migrated_engine: sqlalchemy.Engine) -> LiveSessions:
    return LiveSessions(migrated_engine)


def test_a_created_session_is_found_by_id_and_by_join_code(sessions: LiveSessions) -> None:
    record = make_record(1)

    sessions.create(record)

    assert sessions.get("session-1") == record
    assert sessions.by_join_code("CODE01") == record


def test_unknown_ids_and_codes_find_nothing(sessions: LiveSessions) -> None:
    sessions.create(make_record(1))

    assert sessions.get("session-2") is None
    assert sessions.by_join_code("NOPE99") is None


def test_token_secret_version_starts_at_one() -> None:
    assert make_record(1).token_secret_version == 1


def test_a_taken_join_code_is_refused_and_the_holder_is_unchanged(
    sessions: LiveSessions,
) -> None:
    holder = make_record(1, join_code="ABC123")
    sessions.create(holder)

    with pytest.raises(JoinCodeTaken) as raised:
        sessions.create(make_record(2, join_code="ABC123"))

    assert raised.value.join_code == "ABC123"
    assert sessions.by_join_code("ABC123") == holder
    assert sessions.get("session-2") is None


def test_a_reused_id_is_a_programming_error_not_a_taken_code(sessions: LiveSessions) -> None:
    sessions.create(make_record(1))

    with pytest.raises(sqlalchemy.exc.IntegrityError):
        sessions.create(dataclasses.replace(make_record(1), join_code="OTHER1"))


def test_list_recent_is_newest_first_and_limited(sessions: LiveSessions) -> None:
    for number in (3, 1, 4, 2, 5):
        sessions.create(make_record(number))

    recent = sessions.list_recent(limit=3)

    assert [record.id for record in recent] == ["session-5", "session-4", "session-3"]
    assert len(sessions.list_recent()) == 5


def test_list_recent_orders_same_instant_sessions_stably(sessions: LiveSessions) -> None:
    for number in (1, 2):
        sessions.create(dataclasses.replace(make_record(number), created_at=START))

    assert [record.id for record in sessions.list_recent()] == ["session-2", "session-1"]


def test_bumping_the_token_secret_version_revokes_by_counting_up(
    sessions: LiveSessions,
) -> None:
    sessions.create(make_record(1))
    sessions.create(make_record(2))

    assert sessions.bump_token_secret_version("session-1") == 2
    assert sessions.bump_token_secret_version("session-1") == 3

    assert sessions.get("session-1") == dataclasses.replace(make_record(1), token_secret_version=3)
    assert sessions.get("session-2") == make_record(2)


def test_bumping_an_unknown_session_changes_nothing(sessions: LiveSessions) -> None:
    assert sessions.bump_token_secret_version("session-1") is None
