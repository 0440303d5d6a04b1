"""The event store on SQLite and PostgreSQL: ordering, optimistic concurrency, idempotency."""

import threading
from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy

from app.store.commits import Commit, DuplicateCommand, VersionConflict
from app.store.event_store import EventStore

SESSION = "session-1"
START = 1_763_900_000.25


def make_commit(
    version: int,
    *,
    session_id: str = SESSION,
    command_id: str | None = None,
    events: list[dict[str, Any]] | None = None,
) -> Commit:
    return Commit(
        session_id=session_id,
        version=version,
        command_id=command_id or f"{session_id}-command-{version}",
        actor_id="facilitator-1",
        recorded_at=START + version,
        events=events if events is not None else [{"type": "turn_started", "turn": version}],
    )


@pytest.fixture
def store(migrated_engine: sqlalchemy.Engine) -> EventStore:
    return EventStore(migrated_engine)


def test_append_then_load_returns_every_field(store: EventStore) -> None:
    commit = make_commit(
        1,
        events=[
            {"type": "session_started", "stage": 0},
            {"type": "timer_started", "budget_s": 90.5, "paused": False, "note": None},
        ],
    )

    store.append(commit)

    assert store.load(SESSION) == [commit]


def test_load_is_ordered_by_version_and_keeps_sessions_apart(store: EventStore) -> None:
    for version in range(1, 6):
        store.append(make_commit(version))
        store.append(make_commit(version, session_id="session-2"))

    assert [commit.version for commit in store.load(SESSION)] == [1, 2, 3, 4, 5]
    assert {commit.session_id for commit in store.load("session-2")} == {"session-2"}


def test_load_after_version_returns_only_newer_commits(store: EventStore) -> None:
    commits = [make_commit(version) for version in range(1, 6)]
    for commit in commits:
        store.append(commit)

    assert store.load(SESSION, after_version=3) == commits[3:]
    assert store.load(SESSION, after_version=5) == []
    assert store.load("unknown-session") == []


def test_current_version_counts_commits_and_is_zero_for_none(store: EventStore) -> None:
    assert store.current_version(SESSION) == 0

    store.append(make_commit(1))
    store.append(make_commit(2))

    assert store.current_version(SESSION) == 2
    assert store.current_version("session-2") == 0


def test_a_taken_version_is_a_version_conflict(store: EventStore) -> None:
    first = make_commit(1, command_id="facilitator-a")
    store.append(first)

    with pytest.raises(VersionConflict) as raised:
        store.append(make_commit(1, command_id="facilitator-b"))

    assert (raised.value.session_id, raised.value.version) == (SESSION, 1)
    assert store.load(SESSION) == [first]


@pytest.mark.parametrize("version", [3, 9, 0], ids=["next-but-one", "far-ahead", "zero"])
def test_a_version_other_than_the_next_is_a_version_conflict(
    store: EventStore, version: int
) -> None:
    first = make_commit(1)
    store.append(first)

    with pytest.raises(VersionConflict):
        store.append(make_commit(version))

    assert store.load(SESSION) == [first]


def test_the_first_commit_must_be_version_one(store: EventStore) -> None:
    with pytest.raises(VersionConflict):
        store.append(make_commit(2))

    assert store.current_version(SESSION) == 0


@pytest.mark.parametrize("retry_version", [2, 3, 7], ids=["same", "next", "gap"])
def test_a_retried_command_is_a_duplicate_carrying_its_original_version(
    store: EventStore, retry_version: int
) -> None:
    store.append(make_commit(1, command_id="start"))
    store.append(make_commit(2, command_id="share"))

    with pytest.raises(DuplicateCommand) as raised:
        store.append(make_commit(retry_version, command_id="share"))

    assert raised.value.version == 2
    assert raised.value.command_id == "share"
    assert store.current_version(SESSION) == 2


def test_command_ids_are_scoped_to_their_session(store: EventStore) -> None:
    store.append(make_commit(1, command_id="same-id"))
    store.append(make_commit(1, session_id="session-2", command_id="same-id"))

    assert store.current_version("session-2") == 1


def race(appenders: int, attempt: Callable[[int], None]) -> list[Exception | None]:
    """Run ``attempt(i)`` in ``appenders`` threads released together; what each one raised."""
    barrier = threading.Barrier(appenders)
    outcomes: list[Exception | None] = [None] * appenders

    def run(index: int) -> None:
        barrier.wait()
        try:
            attempt(index)
        except Exception as error:  # handed back to the test thread, which asserts on it
            outcomes[index] = error

    threads = [threading.Thread(target=run, args=(index,)) for index in range(appenders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


ROUNDS = 10
APPENDERS = 4


def test_racing_writers_of_one_version_let_exactly_one_win(store: EventStore) -> None:
    for version in range(1, ROUNDS + 1):

        def append_as_writer(index: int, version: int = version) -> None:
            store.append(make_commit(version, command_id=f"writer-{index}-{version}"))

        outcomes = race(APPENDERS, append_as_writer)

        assert outcomes.count(None) == 1, outcomes
        assert all(isinstance(error, VersionConflict) for error in outcomes if error is not None)
    commits = store.load(SESSION)
    assert [commit.version for commit in commits] == list(range(1, ROUNDS + 1))


def test_racing_retries_of_one_command_commit_it_once(store: EventStore) -> None:
    outcomes = race(APPENDERS, lambda _index: store.append(make_commit(1, command_id="share")))

    assert outcomes.count(None) == 1, outcomes
    losers = [error for error in outcomes if error is not None]
    assert all(isinstance(error, DuplicateCommand) and error.version == 1 for error in losers)
    assert store.current_version(SESSION) == 1


UNICODE_EVENTS: list[dict[str, Any]] = [
    {"type": "participant_admitted", "name": "Zoë Ōkubo-Núñez", "pronouns": "they/them"},
    {"type": "stage_renamed", "title": "Taking Time — 聞く時間 · وقت للاستماع · 🌱🫶"},
    {"type": "guideline", "text": "“Quotes”, 'apostrophes', back\\slash, tab\tand newline\n"},
    {"type": "nested", "payload": {"list": [1, 2.5, -3e-7, True, None, "ß"], "empty": {}}},
]


def test_unicode_and_nested_json_roundtrip(store: EventStore) -> None:
    commit = make_commit(1, events=UNICODE_EVENTS)

    store.append(commit)

    assert store.load(SESSION)[0].events == UNICODE_EVENTS


def test_non_finite_numbers_are_refused_on_every_database(store: EventStore) -> None:
    # NaN is not JSON: a bug upstream, so the driver's own error type is good enough here.
    with pytest.raises((ValueError, sqlalchemy.exc.StatementError)):
        store.append(make_commit(1, events=[{"type": "timer", "remaining_s": float("nan")}]))

    assert store.current_version(SESSION) == 0


def test_latest_snapshot_is_none_before_any_is_saved(store: EventStore) -> None:
    assert store.latest_snapshot(SESSION) is None


def test_saving_a_snapshot_replaces_an_older_one(store: EventStore) -> None:
    store.save_snapshot(SESSION, 3, {"stage": "welcome"})
    store.save_snapshot(SESSION, 5, {"stage": "round", "speaker": "Zoë 🌱"})

    assert store.latest_snapshot(SESSION) == (5, {"stage": "round", "speaker": "Zoë 🌱"})


@pytest.mark.parametrize("older", [1, 5], ids=["older", "same-version"])
def test_a_snapshot_never_goes_backwards(store: EventStore, older: int) -> None:
    store.save_snapshot(SESSION, 5, {"stage": "round"})

    store.save_snapshot(SESSION, older, {"stage": "late writer"})

    assert store.latest_snapshot(SESSION) == (5, {"stage": "round"})


def test_snapshots_are_kept_per_session(store: EventStore) -> None:
    store.save_snapshot(SESSION, 2, {"stage": "welcome"})
    store.save_snapshot("session-2", 9, {"stage": "break"})

    assert store.latest_snapshot(SESSION) == (2, {"stage": "welcome"})
    assert store.latest_snapshot("session-2") == (9, {"stage": "break"})


def test_appends_in_one_transaction_stand_or_fall_each_on_its_own(store: EventStore) -> None:
    store.append(make_commit(1, session_id="taken"))
    store.append(make_commit(1, session_id="retried", command_id="retry-me"))

    refusals = store.append_all(
        [
            make_commit(1, session_id="fresh"),
            make_commit(1, session_id="taken", command_id="second-writer"),
            make_commit(2, session_id="retried", command_id="retry-me"),
            make_commit(3, session_id="gap"),
            make_commit(2, session_id="fresh"),
        ]
    )

    fresh_1, taken, retried, gap, fresh_2 = refusals
    assert fresh_1 is None
    assert fresh_2 is None
    assert isinstance(taken, VersionConflict)
    assert isinstance(retried, DuplicateCommand)
    assert retried.version == 1
    assert isinstance(gap, VersionConflict)
    assert [c.version for c in store.load("fresh")] == [1, 2]
    assert [c.command_id for c in store.load("taken")] == ["taken-command-1"]
    assert store.current_version("gap") == 0


def test_current_versions_of_many_sessions_in_one_query(store: EventStore) -> None:
    for version in range(1, 4):
        store.append(make_commit(version, session_id="three"))
    store.append(make_commit(1, session_id="one"))

    assert store.current_versions(["three", "one", "none"]) == {"three": 3, "one": 1}
    assert store.current_versions([]) == {}
