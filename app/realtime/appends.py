"""How this process hands its hubs' commits to the event store.

PostgreSQL takes many writers at once: each append goes to a worker thread of its own
(ThreadedAppends). SQLite lets one connection write at a time; with one worker thread per
append, the writers queue in SQLite's busy handler, each holding a thread that wakes to try
again and competes with the event loop for the interpreter. So on SQLite one writer at a time
takes every append that is waiting and stores them in one transaction (BatchedAppends): one
thread hop and one commit for however many sessions moved on meanwhile (bench/README.md).
Either way each commit stands or falls on its own, and is refused as EventStore.append says.
"""

from __future__ import annotations

import asyncio
from typing import Protocol

from app.realtime.store_calls import in_thread
from app.store.commits import Commit
from app.store.event_store import EventStore, Refusal


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
    def __init__(self, store: EventStore) -> None:
        self._store = store
        self._waiting: list[tuple[Commit, asyncio.Future[Refusal | None]]] = []
        self._writer: asyncio.Task[None] | None = None

    async def append(self, commit: Commit) -> None:
        answer: asyncio.Future[Refusal | None] = asyncio.get_running_loop().create_future()
        self._waiting.append((commit, answer))
        if self._writer is None:
            self._writer = asyncio.create_task(self._write_while_waiting())
        refusal = await answer
        if refusal is not None:
            raise refusal

    async def _write_while_waiting(self) -> None:
        try:
            while self._waiting:
                batch, self._waiting = self._waiting, []
                try:
                    refusals = await in_thread(self._store.append_all, [c for c, _ in batch])
                except Exception as error:
                    # Nothing of the batch was stored (one transaction): each hub hears why.
                    for _commit, answer in batch:
                        if not answer.done():
                            answer.set_exception(error)
                    continue
                for (_commit, answer), refusal in zip(batch, refusals, strict=True):
                    if not answer.done():
                        answer.set_result(refusal)
        finally:
            self._writer = None


def appends_for(store: EventStore) -> Appends:
    return BatchedAppends(store) if store.one_writer_at_a_time else ThreadedAppends(store)
