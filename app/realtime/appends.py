"""How this process hands its hubs' commits to the event store.

PostgreSQL takes many writers at once: each append goes to a worker thread of its own
(ThreadedAppends). SQLite lets one connection write at a time; with one worker thread per
append, the writers queue in SQLite's busy handler, each holding a thread that wakes to try
again and competes with the event loop for the interpreter. So on SQLite one long-lived writer
thread takes every append that is waiting and stores them in one transaction (BatchedAppends):
no thread hop per commit, one commit and one wake-up of the event loop for however many
sessions moved on meanwhile (bench/README.md). Either way each commit stands or falls on its
own, and is refused as EventStore.append says.
"""

from __future__ import annotations

import asyncio
import queue
import threading
from dataclasses import dataclass
from typing import Protocol

import anyio

from app.realtime.store_calls import in_thread, retried
from app.store.commits import Commit
from app.store.event_store import EventStore, Refusal

# How long the SQLite writer thread waits for another append before it ends (the next append
# starts a new one: a few hundred microseconds, once per quiet spell).
WRITER_IDLE_S = 10.0


class Appends(Protocol):
    async def append(self, commit: Commit) -> None:
        """Store the commit, or raise DuplicateCommand / VersionConflict and store nothing."""
        ...


class ThreadedAppends:
    def __init__(self, store: EventStore) -> None:
        self._store = store

    async def append(self, commit: Commit) -> None:
        await in_thread(self._store.append, commit)


class BatchedAppends:
    """On SQLite: one long-lived writer thread stores every append that is waiting in one
    transaction, and wakes the event loop once per batch to answer them all.

    The thread is started by the first append and ends after WRITER_IDLE_S with nothing to
    write, so a process (or a test) that stops appending leaves no thread behind.
    """

    def __init__(self, store: EventStore) -> None:
        self._store = store
        self._waiting: queue.SimpleQueue[_Waiting] = queue.SimpleQueue()
        # Held while deciding whether the writer runs: an append never lands in a queue that
        # a writer has just decided is empty for good.
        self._writer_lock = threading.Lock()
        self._writer: threading.Thread | None = None

    async def append(self, commit: Commit) -> None:
        loop = asyncio.get_running_loop()
        answer: asyncio.Future[Refusal | None] = loop.create_future()
        with self._writer_lock:
            self._waiting.put(_Waiting(commit, answer, loop))
            if self._writer is None:
                self._writer = threading.Thread(
                    target=self._write_while_waiting, name="peer-rounds-writer", daemon=True
                )
                self._writer.start()
        # Once handed over, the commit may be stored whatever happens here: like a worker
        # thread's call, its answer is waited for even by a cancelled caller, so the hub never
        # mistakes a stored commit for one that was not.
        with anyio.CancelScope(shield=True):
            refusal = await answer
        if refusal is not None:
            raise refusal

    def _write_while_waiting(self) -> None:
        while (batch := self._next_batch()) is not None:
            try:
                outcome: list[Refusal | None] | Exception = retried(
                    self._store.append_all, [waiting.commit for waiting in batch]
                )
            except Exception as error:
                # Nothing of the batch was stored (one transaction): each hub hears why.
                outcome = error
            for loop in {waiting.loop for waiting in batch}:
                loop.call_soon_threadsafe(_answer, batch, outcome)

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
    commit: Commit
    answer: asyncio.Future[Refusal | None]
    loop: asyncio.AbstractEventLoop


def _answer(batch: list[_Waiting], outcome: list[Refusal | None] | Exception) -> None:
    """On the event loop: settle every answer of the batch (those of this loop)."""
    for index, waiting in enumerate(batch):
        if waiting.answer.done() or waiting.answer.get_loop() is not asyncio.get_running_loop():
            continue
        if isinstance(outcome, Exception):
            waiting.answer.set_exception(outcome)
        else:
            waiting.answer.set_result(outcome[index])


def appends_for(store: EventStore) -> Appends:
    return BatchedAppends(store) if store.one_writer_at_a_time else ThreadedAppends(store)
