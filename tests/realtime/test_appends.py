"""Appends from many hubs at once: on SQLite one writer stores what waits in one transaction;
each commit is answered on its own, on both kinds of database."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
import sqlalchemy

from app.realtime.appends import BatchedAppends, ThreadedAppends, appends_for
from app.store.commits import Commit, DuplicateCommand, VersionConflict
from app.store.event_store import EventStore, Refusal

pytestmark = pytest.mark.anyio


def commit(session_id: str, version: int, command_id: str | None = None) -> Commit:
    return Commit(
        session_id=session_id,
        version=version,
        command_id=command_id or f"{session_id}-{version}",
        actor_id="f1",
        recorded_at=1_000.0 + version,
        events=[{"type": "turn_started", "turn": version}],
    )


class CountingStore(EventStore):
    """The real store, counting the transactions it was asked for."""

    def __init__(self, engine: sqlalchemy.Engine) -> None:
        super().__init__(engine)
        self.batches: list[int] = []
        self.fail_next: Exception | None = None

    def append_all(self, commits: list[Commit]) -> list[Refusal | None]:
        self.batches.append(len(commits))
        if self.fail_next is not None:
            error, self.fail_next = self.fail_next, None
            raise error
        return super().append_all(commits)


async def outcomes(appends: Any, commits: list[Commit]) -> list[BaseException | None]:
    results = await asyncio.gather(*(appends.append(c) for c in commits), return_exceptions=True)
    return [r if isinstance(r, BaseException) else None for r in results]


def test_sqlite_gets_one_writer_and_postgresql_many(migrated_engine: sqlalchemy.Engine) -> None:
    appends = appends_for(EventStore(migrated_engine))
    expected = BatchedAppends if migrated_engine.dialect.name == "sqlite" else ThreadedAppends
    assert type(appends) is expected


async def test_appends_that_wait_together_are_stored_together(
    migrated_engine: sqlalchemy.Engine,
) -> None:
    store = CountingStore(migrated_engine)
    store.append(commit("retried", 1))
    appends = BatchedAppends(store)
    sessions = [f"session-{n}" for n in range(30)]

    results = await outcomes(
        appends,
        [commit(s, 1) for s in sessions] + [commit("retried", 2, "retried-1"), commit("gap", 2)],
    )

    assert results[:30] == [None] * 30
    duplicate, gap = results[30:]
    assert isinstance(duplicate, DuplicateCommand)
    assert duplicate.version == 1
    assert isinstance(gap, VersionConflict)
    assert all(store.current_version(s) == 1 for s in sessions)
    # Everything that was waiting when the writer got its turn went in one transaction.
    assert store.batches[1:] == [32]


async def test_a_failed_transaction_reaches_everyone_in_it_and_the_next_append_still_works(
    migrated_engine: sqlalchemy.Engine,
) -> None:
    store = CountingStore(migrated_engine)
    appends = BatchedAppends(store)
    store.fail_next = sqlalchemy.exc.OperationalError("INSERT", {}, Exception("disk I/O error"))

    results = await outcomes(appends, [commit("a", 1), commit("b", 1)])

    assert all(isinstance(r, sqlalchemy.exc.OperationalError) for r in results)
    assert store.current_version("a") == 0
    await appends.append(commit("a", 1))
    assert store.current_version("a") == 1
