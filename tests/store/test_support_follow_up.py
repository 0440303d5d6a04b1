"""Marking the support follow-up done rewrites the stored session, on SQLite and PostgreSQL:
the commits no longer say who asked for support, the snapshot that said it is gone, and the
log still folds to the live state (with only the count)."""

from __future__ import annotations

import sqlalchemy

from app.session import commands as c
from app.session.events import EVENTS_ADAPTER
from app.session.evolve import apply_commit
from app.session.state import SessionState
from app.session.storage import events_for_storage, state_for_storage
from app.store.commits import Commit
from app.store.event_store import EventStore
from tests.support.engine import Driver


def stored(d: Driver, commit_index: int, session_id: str | None = None) -> Commit:
    commit = d.commits[commit_index]
    return Commit(
        session_id=session_id or d.state.session_id,
        version=commit.version,
        command_id=commit.command_id,
        actor_id=commit.actor_id,
        recorded_at=1_763_900_000.0 + commit.version,
        events=events_for_storage(commit.events),
    )


def folded(session_id: str, commits: list[Commit]) -> SessionState:
    state = SessionState(session_id=session_id)
    for commit in commits:
        state = apply_commit(
            state,
            EVENTS_ADAPTER.validate_python(commit.events),
            version=commit.version,
            command_id=commit.command_id,
            actor_id=commit.actor_id,
        )
    return state


def test_follow_up_done_leaves_only_the_count_in_the_store(
    migrated_engine: sqlalchemy.Engine,
) -> None:
    store = EventStore(migrated_engine)
    d = Driver.weekly(3)
    d.ok(d.person(0), c.RequestSupport)
    d.ok(d.sam, c.ClearSupportRequest, participant_id=d.pid(0))
    d.ok(d.person(1), c.RequestSupport)
    d.ok(d.ana, c.EndSession)
    for index in range(len(d.commits)):
        store.append(stored(d, index))
    session_id = d.state.session_id
    store.save_snapshot(session_id, d.state.version, state_for_storage(d.state))
    before = store.load(session_id)
    assert any(e["type"] == "support_requested" for c_ in before for e in c_.events)

    d.ok(d.sam, c.FollowUpDone)
    store.append(stored(d, len(d.commits) - 1))

    after = store.load(session_id)
    kinds = [e["type"] for commit in after for e in commit.events]
    assert "support_requested" not in kinds
    assert "support_request_cleared" not in kinds
    assert kinds.count("support_followed_up") == 1
    assert [commit.version for commit in after] == [commit.version for commit in d.commits]
    assert store.latest_snapshot(session_id) is None
    assert folded(session_id, after) == d.state
    assert d.state.support_followed_up == 2


def test_another_session_keeps_its_own_requests(migrated_engine: sqlalchemy.Engine) -> None:
    store = EventStore(migrated_engine)
    other = Driver.weekly(2)
    other.ok(other.person(0), c.RequestSupport)
    for index in range(len(other.commits)):
        store.append(stored(other, index, session_id="another-session"))
    d = Driver.weekly(2)
    d.ok(d.person(1), c.RequestSupport)
    d.ok(d.ana, c.EndSession)
    d.ok(d.sam, c.FollowUpDone)
    for index in range(len(d.commits)):
        store.append(stored(d, index))

    kinds = [e["type"] for commit in store.load("another-session") for e in commit.events]
    assert "support_requested" in kinds
