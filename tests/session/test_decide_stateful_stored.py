"""The engine's state machine with the real event store: every commit appended to it as the shell
appends it, now and then a snapshot kept, and after every step the session loaded back the way a
new process loads it (app/realtime/hub.py, load_state) must be the live state, minus what is
never written down (an agreed question). On SQLite and on PostgreSQL alike (issue 14: "the
properties pass on SQLite and PostgreSQL event stores alike")."""

from __future__ import annotations

import itertools

import pytest
import sqlalchemy
from hypothesis.stateful import invariant, run_state_machine_as_test

from app.realtime.hub import load_state
from app.session.command_base import Actor, CommandBase
from app.session.storage import events_for_storage, state_for_storage
from app.store.commits import Commit
from app.store.event_store import EventStore
from tests.support.engine import engine_settings
from tests.support.engine_machine import EngineMachine

# A snapshot every so many versions, so loading tries the snapshot and the commits after it.
SNAPSHOT_EVERY = 7
# Each example is a session of its own in the one database.
SESSIONS = itertools.count(1)


class StoredEngineMachine(EngineMachine):
    def __init__(self, store: EventStore) -> None:
        super().__init__(session_id=f"stateful-stored-{next(SESSIONS)}")
        self.store = store

    def execute(self, actor: Actor, command: CommandBase) -> None:
        stored = len(self.commits)
        super().execute(actor, command)
        for commit in self.commits[stored:]:
            self.store.append(
                Commit(
                    session_id=self.session_id,
                    version=commit.version,
                    command_id=commit.command_id,
                    actor_id=commit.actor_id,
                    recorded_at=self.now,
                    events=events_for_storage(commit.events),
                )
            )
            if commit.version % SNAPSHOT_EVERY == 0:
                self.store.save_snapshot(
                    self.session_id, commit.version, state_for_storage(self.state)
                )

    @invariant()
    def the_event_store_gives_back_the_live_state(self) -> None:
        loaded = load_state(self.store, self.session_id)
        assert state_for_storage(loaded) == state_for_storage(self.state)


@pytest.mark.slow
def test_the_engine_replays_from_the_event_store(migrated_engine: sqlalchemy.Engine) -> None:
    store = EventStore(migrated_engine)

    class OnThisDatabase(StoredEngineMachine):
        def __init__(self) -> None:
            super().__init__(store)

    run_state_machine_as_test(OnThisDatabase, settings=engine_settings(15, stateful_step_count=40))
