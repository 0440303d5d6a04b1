"""How this process hands its hubs' commits, and their snapshots, to the event store.

PostgreSQL takes many writers at once: each append goes to a worker thread of its own
(ThreadedAppends). SQLite lets one connection write at a time; with one worker thread per
append, the writers queue in SQLite's busy handler, each holding a thread that wakes to try
again and competes with the event loop for the interpreter. So on SQLite one long-lived writer
thread, with a raw ``sqlite3`` connection of its own (app/store/sqlite_writer.py), takes every
append and snapshot that is waiting and stores them: no thread hop per commit, one commit and
one wake-up of the event loop for however many sessions moved on meanwhile (bench/README.md).
Either way each commit stands or falls on its own, and is refused as EventStore.append says.
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

import anyio

from app.realtime.store_calls import in_thread
from app.store.appending import Snapshot
from app.store.commits import Commit
from app.store.event_store import EventStore
from app.store.sqlite_writer import WriterConnection

# How long the SQLite writer thread waits for another job before it ends, closing its
# connection (the next job starts a new one: a few hundred microseconds, once per quiet spell).
WRITER_IDLE_S = 10.0


class Appends(Protocol):
    async def append(self, commit: Commit) -> None:
        """Store the commit, or raise DuplicateCommand / VersionConflict and store nothing."""
        ...

    async def save_snapshot(self, session_id: str, version: int, state: dict[str, Any]) -> None:
        """Keep the snapshot, unless one as new or newer is kept (EventStore.save_snapshot)."""
        ...


class ThreadedAppends:
    def __init__(self, store: EventStore) -> None:
        self._store = store

    async def append(self, commit: Commit) -> None:
        await in_thread(self._store.append, commit)

    async def save_snapshot(self, session_id: str, version: int, state: dict[str, Any]) -> None:
        await in_thread(self._store.save_snapshot, session_id, version, state)


class BatchedAppends:
    """On SQLite: one long-lived writer thread stores every append that is waiting in one
    transaction (then the snapshots waiting, in one of their own, so that a snapshot that
    fails takes no commit with it), and wakes the event loop once per batch to answer them all.

    The thread is started by the first job and ends after WRITER_IDLE_S with nothing to
    write, so a process (or a test) that stops appending leaves no thread behind.
    """

    def __init__(self, connect: Callable[[], WriterConnection]) -> None:
        self._connect = connect
        self._waiting: queue.SimpleQueue[_Waiting] = queue.SimpleQueue()
        # Held while deciding whether the writer runs: a job never lands in a queue that a
        # writer has just decided is empty for good.
        self._writer_lock = threading.Lock()
        self._writer: threading.Thread | None = None

    async def append(self, commit: Commit) -> None:
        await self._handed_over(commit)

    async def save_snapshot(self, session_id: str, version: int, state: dict[str, Any]) -> None:
        await self._handed_over(Snapshot(session_id, version, state))

    async def _handed_over(self, job: Commit | Snapshot) -> None:
        loop = asyncio.get_running_loop()
        answer: asyncio.Future[Exception | None] = loop.create_future()
        with self._writer_lock:
            self._waiting.put(_Waiting(job, answer, loop))
            if self._writer is None:
                self._writer = threading.Thread(
                    target=self._write_while_waiting, name="peer-rounds-writer", daemon=True
                )
                self._writer.start()
        # Once handed over, the job may be stored whatever happens here: like a worker
        # thread's call, its answer is waited for even by a cancelled caller, so the hub never
        # mistakes a stored commit for one that was not.
        with anyio.CancelScope(shield=True):
            refusal = await answer
        if refusal is not None:
            raise refusal

    def _write_while_waiting(self) -> None:
        connection: WriterConnection | None = None
        try:
            while (batch := self._next_batch()) is not None:
                jobs = [waiting.job for waiting in batch]
                try:
                    connection = connection or self._connect()
                    outcomes = _written(connection, jobs)
                except Exception as error:
                    outcomes = [error] * len(jobs)
                for loop in {waiting.loop for waiting in batch}:
                    # A loop closed meanwhile has nobody left to answer; the writer goes on
                    # for the others, and for whoever hands over the next job.
                    with contextlib.suppress(RuntimeError):
                        loop.call_soon_threadsafe(_answer, batch, outcomes)
        finally:
            if connection is not None:
                connection.close()

    def _next_batch(self) -> list[_Waiting] | None:
        """Everything waiting, once there is something; None when the writer should end."""
        try:
            first = self._waiting.get(timeout=WRITER_IDLE_S)
        except queue.Empty:
            with self._writer_lock:
                if self._waiting.empty():
                    self._writer = None
                    return None
            first = self._waiting.get()
        batch = [first]
        while not self._waiting.empty():
            batch.append(self._waiting.get())
        return batch


@dataclass(frozen=True, slots=True)
class _Waiting:
    job: Commit | Snapshot
    answer: asyncio.Future[Exception | None]
    loop: asyncio.AbstractEventLoop


def _written(connection: WriterConnection, jobs: list[Commit | Snapshot]) -> list[Exception | None]:
    """Each job's outcome: None if stored, else its refusal, or the error that failed its
    transaction (nothing of which was stored)."""
    commits = [job for job in jobs if isinstance(job, Commit)]
    snapshots = [job for job in jobs if isinstance(job, Snapshot)]
    refusals: list[Exception | None] = []
    if commits:
        try:
            refusals.extend(connection.append_all(commits))
        except Exception as error:
            refusals = [error] * len(commits)
    failure: Exception | None = None
    if snapshots:
        try:
            connection.save_snapshots(snapshots)
        except Exception as error:
            failure = error
    of_commits = iter(refusals)
    return [next(of_commits) if isinstance(job, Commit) else failure for job in jobs]


def _answer(batch: list[_Waiting], outcomes: list[Exception | None]) -> None:
    """On the event loop: settle every answer of the batch (those of this loop)."""
    for waiting, outcome in zip(batch, outcomes, strict=True):
        if waiting.answer.done() or waiting.answer.get_loop() is not asyncio.get_running_loop():
            continue
        waiting.answer.set_result(outcome)


def appends_for(store: EventStore) -> Appends:
    if store.one_writer_at_a_time:
        return BatchedAppends(store.sqlite_writer().connect)
    return ThreadedAppends(store)
