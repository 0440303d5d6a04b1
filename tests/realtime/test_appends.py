"""Appends and snapshots from many hubs at once: on SQLite one long-lived writer thread, on a raw
connection of its own, stores what waits in one transaction; each commit is answered on its own,
on both kinds of database."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import anyio
import pytest
import sqlalchemy

from app.realtime import appends as appends_module
from app.realtime.appends import BatchedAppends, ThreadedAppends, appends_for
from app.store.appending import Refusal, Snapshot
from app.store.commits import Commit, DuplicateCommand, VersionConflict
from app.store.event_store import EventStore
from app.store.sqlite_writer import SqliteWriter, WriterConnection

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


class CountingWriter:
    """The real raw writer, counting the transactions of appends it was asked for (and by
    which thread); it can fail the next one, or hold it until released. Also counts the
    connections it opened and closed."""

    def __init__(self, engine: sqlalchemy.Engine) -> None:
        self.store = EventStore(engine)
        self._writer = SqliteWriter(engine)
        self.batches: list[int] = []
        self.writers: list[threading.Thread] = []
        self.snapshot_batches: list[int] = []
        self.connections: list[CountingConnection] = []
        self.fail_next: Exception | None = None
        self.fail_snapshots: Exception | None = None
        self.hold_next: threading.Event | None = None
        self.started = threading.Semaphore(0)

    def connect(self) -> WriterConnection:
        self.connections.append(CountingConnection(self._writer.connect(), self))
        return self.connections[-1]


class CountingConnection(WriterConnection):
    def __init__(self, connection: WriterConnection, counts: CountingWriter) -> None:
        self._real = connection
        self._counts = counts
        self.closed = False

    def append_all(self, commits: list[Commit]) -> list[Refusal | None]:
        counts = self._counts
        if counts.fail_next is not None:
            error, counts.fail_next = counts.fail_next, None
            raise error
        counts.batches.append(len(commits))
        counts.writers.append(threading.current_thread())
        counts.started.release()
        if counts.hold_next is not None:
            held, counts.hold_next = counts.hold_next, None
            held.wait(timeout=5)
        return self._real.append_all(commits)

    def save_snapshots(self, snapshots: list[Snapshot]) -> None:
        self._counts.snapshot_batches.append(len(snapshots))
        if self._counts.fail_snapshots is not None:
            raise self._counts.fail_snapshots
        self._real.save_snapshots(snapshots)

    def close(self) -> None:
        self.closed = True
        self._real.close()


async def started_writing(writer: CountingWriter) -> None:
    """Until the writer has begun one more transaction."""
    assert await asyncio.to_thread(writer.started.acquire, timeout=5)


async def outcomes(appends: Any, commits: list[Commit]) -> list[BaseException | None]:
    results = await asyncio.gather(*(appends.append(c) for c in commits), return_exceptions=True)
    return [r if isinstance(r, BaseException) else None for r in results]


async def while_the_writer_is_busy(
    appends: BatchedAppends,
    writer: CountingWriter,
    commits: list[Commit],
    failing: Exception | None = None,
) -> list[BaseException | None]:
    """The outcomes of `commits`, all handed over while the writer stores another commit (and,
    given `failing`, stored in one transaction that fails with it)."""
    release = writer.hold_next = threading.Event()
    busy = asyncio.create_task(appends.append(commit(f"busy-{len(writer.batches)}", 1)))
    await started_writing(writer)
    writer.fail_next = failing
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
    sqlite_engine: sqlalchemy.Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    loop = asyncio.get_running_loop()
    wake_ups: list[object] = []
    call_soon_threadsafe = loop.call_soon_threadsafe

    def counted(callback: Any, *args: Any, **options: Any) -> Any:
        if callback is appends_module._answer:
            wake_ups.append(callback)
        return call_soon_threadsafe(callback, *args, **options)

    monkeypatch.setattr(loop, "call_soon_threadsafe", counted)
    writer = CountingWriter(sqlite_engine)
    writer.store.append(commit("retried", 1))
    appends = BatchedAppends(writer.connect)
    sessions = [f"session-{n}" for n in range(30)]

    results = await while_the_writer_is_busy(
        appends,
        writer,
        [commit(s, 1) for s in sessions] + [commit("retried", 2, "retried-1"), commit("gap", 2)],
    )

    assert results[:30] == [None] * 30
    duplicate, gap = results[30:]
    assert isinstance(duplicate, DuplicateCommand)
    assert duplicate.version == 1
    assert isinstance(gap, VersionConflict)
    assert all(writer.store.current_version(s) == 1 for s in sessions)
    # Everything that was waiting when the writer was free again went in one transaction.
    assert writer.batches == [1, 32]
    # And each transaction woke the event loop once, to answer everyone in it.
    assert len(wake_ups) == 2


async def test_a_failed_transaction_reaches_everyone_in_it_and_the_next_append_still_works(
    sqlite_engine: sqlalchemy.Engine,
) -> None:
    writer = CountingWriter(sqlite_engine)
    appends = BatchedAppends(writer.connect)
    failing = sqlalchemy.exc.OperationalError("INSERT", {}, Exception("disk I/O error"))

    results = await while_the_writer_is_busy(
        appends, writer, [commit("a", 1), commit("b", 1)], failing
    )

    assert all(isinstance(r, sqlalchemy.exc.OperationalError) for r in results)
    assert writer.store.current_version("a") == 0
    assert writer.store.current_version("b") == 0
    await appends.append(commit("a", 1))
    assert writer.store.current_version("a") == 1


async def test_one_long_lived_writer_stores_every_commit_and_ends_when_idle(
    sqlite_engine: sqlalchemy.Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(appends_module, "WRITER_IDLE_S", 0.05)
    writer = CountingWriter(sqlite_engine)
    appends = BatchedAppends(writer.connect)

    for version in (1, 2, 3):
        await appends.append(commit("one-by-one", version))
    await asyncio.sleep(0.5)
    first_writer_ended = not writer.writers[0].is_alive()
    await appends.append(commit("one-by-one", 4))

    assert writer.store.current_version("one-by-one") == 4
    # No worker thread per commit: the writer's own thread, started again after a quiet spell.
    assert {thread.name for thread in writer.writers} == {WRITER}
    assert len({*writer.writers[:3]}) == 1
    assert first_writer_ended
    assert writer.writers[3] is not writer.writers[0]
    # Its connection went with it.
    assert [connection.closed for connection in writer.connections] == [True, False]


async def test_a_cancelled_caller_still_learns_whether_its_commit_was_stored(
    sqlite_engine: sqlalchemy.Engine,
) -> None:
    writer = CountingWriter(sqlite_engine)
    appends = BatchedAppends(writer.connect)
    release = writer.hold_next = threading.Event()
    scope = anyio.CancelScope()
    answered = anyio.Event()

    async def append_until_cancelled() -> None:
        with scope:
            await appends.append(commit("cancelled", 1))
        answered.set()

    async with anyio.create_task_group() as group:
        group.start_soon(append_until_cancelled)
        await started_writing(writer)
        scope.cancel()
        await anyio.sleep(0.05)
        answered_before_the_store = answered.is_set()
        release.set()
        with anyio.fail_after(5):
            await answered.wait()

    assert not answered_before_the_store
    assert writer.store.current_version("cancelled") == 1


async def test_snapshots_go_through_the_writer_and_a_failed_one_takes_no_commit_with_it(
    sqlite_engine: sqlalchemy.Engine,
) -> None:
    writer = CountingWriter(sqlite_engine)
    appends = BatchedAppends(writer.connect)
    writer.store.append(commit("kept", 1))
    release = writer.hold_next = threading.Event()
    busy = asyncio.create_task(appends.append(commit("busy", 1)))
    await started_writing(writer)
    writer.fail_snapshots = sqlalchemy.exc.OperationalError("INSERT", {}, Exception("disk full"))
    waiting = asyncio.gather(
        appends.append(commit("kept", 2)),
        appends.save_snapshot("kept", 1, {"version": 1}),
        return_exceptions=True,
    )
    await asyncio.sleep(0.05)
    release.set()
    await busy
    stored, snapshot_failed = await waiting
    writer.fail_snapshots = None
    await appends.save_snapshot("kept", 2, {"version": 2})

    assert stored is None
    assert isinstance(snapshot_failed, sqlalchemy.exc.OperationalError)
    assert writer.store.current_version("kept") == 2
    assert writer.store.latest_snapshot("kept") == (2, {"version": 2})
    # The snapshot waited with the commit, and went in a transaction of its own after it.
    assert writer.batches == [1, 1]
    assert writer.snapshot_batches == [1, 1]
    assert {thread.name for thread in writer.writers} == {WRITER}


async def test_both_kinds_of_appends_keep_a_snapshot(migrated_engine: sqlalchemy.Engine) -> None:
    store = EventStore(migrated_engine)
    appends = appends_for(store)
    await appends.append(commit("snapshotted", 1))

    await appends.save_snapshot("snapshotted", 1, {"at": 1})
    await appends.save_snapshot("snapshotted", 1, {"at": "the same version again"})

    assert store.latest_snapshot("snapshotted") == (1, {"at": 1})


async def test_a_writer_that_cannot_connect_answers_every_caller_and_tries_again(
    sqlite_engine: sqlalchemy.Engine,
) -> None:
    writer = CountingWriter(sqlite_engine)
    failures = [sqlalchemy.exc.OperationalError(None, None, Exception("unable to open file"))]

    def connect() -> WriterConnection:
        if failures:
            raise failures.pop()
        return writer.connect()

    appends = BatchedAppends(connect)

    with pytest.raises(sqlalchemy.exc.OperationalError):
        await appends.append(commit("later", 1))
    await appends.append(commit("later", 1))

    assert writer.store.current_version("later") == 1


def test_a_loop_that_closed_before_its_answer_does_not_stop_the_writer(
    sqlite_engine: sqlalchemy.Engine,
) -> None:
    """The writer answers each job on its caller's loop; one that has closed meanwhile (a
    test's, a worker's) must not end the writer while it is still counted as running, or
    every later append would wait for ever."""
    writer = CountingWriter(sqlite_engine)
    appends = BatchedAppends(writer.connect)
    release = writer.hold_next = threading.Event()
    closed = asyncio.new_event_loop()
    left: list[asyncio.Task[None]] = []

    async def hand_over() -> None:
        left.append(closed.create_task(appends.append(commit("left", 1))))
        await started_writing(writer)

    closed.run_until_complete(hand_over())
    closed.close()
    release.set()

    later = threading.Thread(
        target=asyncio.run, args=(appends.append(commit("later", 1)),), daemon=True
    )
    later.start()
    later.join(timeout=5)

    assert not later.is_alive()
    assert writer.store.current_version("later") == 1
