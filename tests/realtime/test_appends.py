"""Appends from many hubs at once: on SQLite one long-lived writer thread stores what waits in
one transaction; each commit is answered on its own, on both kinds of database."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import anyio
import pytest
import sqlalchemy

from app.realtime import appends as appends_module
from app.realtime.appends import BatchedAppends, ThreadedAppends, appends_for
from app.store.commits import Commit, DuplicateCommand, VersionConflict
from app.store.event_store import EventStore, Refusal

pytestmark = pytest.mark.anyio

WRITER = "peer-rounds-writer"


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
    """The real store, counting the transactions it was asked for (and by which thread); it
    can fail the next one, or hold it until released."""

    def __init__(self, engine: sqlalchemy.Engine) -> None:
        super().__init__(engine)
        self.batches: list[int] = []
        self.writers: list[threading.Thread] = []
        self.fail_next: Exception | None = None
        self.hold_next: threading.Event | None = None
        self.started = threading.Semaphore(0)

    def append_all(self, commits: list[Commit]) -> list[Refusal | None]:
        if self.fail_next is not None:
            error, self.fail_next = self.fail_next, None
            raise error
        self.batches.append(len(commits))
        self.writers.append(threading.current_thread())
        self.started.release()
        if self.hold_next is not None:
            held, self.hold_next = self.hold_next, None
            held.wait(timeout=5)
        return super().append_all(commits)


async def started_writing(store: CountingStore) -> None:
    """Until the store has begun one more transaction."""
    assert await asyncio.to_thread(store.started.acquire, timeout=5)


async def outcomes(appends: Any, commits: list[Commit]) -> list[BaseException | None]:
    results = await asyncio.gather(*(appends.append(c) for c in commits), return_exceptions=True)
    return [r if isinstance(r, BaseException) else None for r in results]


async def while_the_writer_is_busy(
    appends: BatchedAppends,
    store: CountingStore,
    commits: list[Commit],
    failing: Exception | None = None,
) -> list[BaseException | None]:
    """The outcomes of `commits`, all handed over while the writer stores another commit (and,
    given `failing`, stored in one transaction that fails with it)."""
    release = store.hold_next = threading.Event()
    busy = asyncio.create_task(appends.append(commit(f"busy-{len(store.batches)}", 1)))
    await started_writing(store)
    store.fail_next = failing
    waiting = asyncio.create_task(outcomes(appends, commits))
    await asyncio.sleep(0.05)
    release.set()
    await busy
    return await waiting


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

    results = await while_the_writer_is_busy(
        appends,
        store,
        [commit(s, 1) for s in sessions] + [commit("retried", 2, "retried-1"), commit("gap", 2)],
    )

    assert results[:30] == [None] * 30
    duplicate, gap = results[30:]
    assert isinstance(duplicate, DuplicateCommand)
    assert duplicate.version == 1
    assert isinstance(gap, VersionConflict)
    assert all(store.current_version(s) == 1 for s in sessions)
    # Everything that was waiting when the writer was free again went in one transaction.
    assert store.batches[1:] == [1, 32]


async def test_a_failed_transaction_reaches_everyone_in_it_and_the_next_append_still_works(
    migrated_engine: sqlalchemy.Engine,
) -> None:
    store = CountingStore(migrated_engine)
    appends = BatchedAppends(store)
    failing = sqlalchemy.exc.OperationalError("INSERT", {}, Exception("disk I/O error"))

    results = await while_the_writer_is_busy(
        appends, store, [commit("a", 1), commit("b", 1)], failing
    )

    assert all(isinstance(r, sqlalchemy.exc.OperationalError) for r in results)
    assert store.current_version("a") == 0
    assert store.current_version("b") == 0
    await appends.append(commit("a", 1))
    assert store.current_version("a") == 1


async def test_one_long_lived_writer_stores_every_commit_and_ends_when_idle(
    migrated_engine: sqlalchemy.Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(appends_module, "WRITER_IDLE_S", 0.05)
    store = CountingStore(migrated_engine)
    appends = BatchedAppends(store)

    for version in (1, 2, 3):
        await appends.append(commit("one-by-one", version))
    await asyncio.sleep(0.5)
    first_writer_ended = not store.writers[0].is_alive()
    await appends.append(commit("one-by-one", 4))

    assert store.current_version("one-by-one") == 4
    # No worker thread per commit: the writer's own thread, started again after a quiet spell.
    assert {thread.name for thread in store.writers} == {WRITER}
    assert len({*store.writers[:3]}) == 1
    assert first_writer_ended
    assert store.writers[3] is not store.writers[0]


async def test_a_cancelled_caller_still_learns_whether_its_commit_was_stored(
    migrated_engine: sqlalchemy.Engine,
) -> None:
    store = CountingStore(migrated_engine)
    appends = BatchedAppends(store)
    release = store.hold_next = threading.Event()
    scope = anyio.CancelScope()
    answered = anyio.Event()

    async def append_until_cancelled() -> None:
        with scope:
            await appends.append(commit("cancelled", 1))
        answered.set()

    async with anyio.create_task_group() as group:
        group.start_soon(append_until_cancelled)
        await started_writing(store)
        scope.cancel()
        await anyio.sleep(0.05)
        answered_before_the_store = answered.is_set()
        release.set()
        with anyio.fail_after(5):
            await answered.wait()

    assert not answered_before_the_store
    assert store.current_version("cancelled") == 1
