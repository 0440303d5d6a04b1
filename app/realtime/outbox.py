"""What one connection still has to send: the newest snapshot, then any direct replies.

A snapshot slot holds one message. A slow client therefore skips to the newest version instead
of growing a queue, and the server's memory per connection stays flat whatever the client does.
"""

from __future__ import annotations

import asyncio
from collections import deque

MAX_PENDING_REPLIES = 32


class OutboxFull(Exception):
    """The client sends commands faster than it reads the answers."""


class Outbox:
    def __init__(self) -> None:
        self._snapshot: str | None = None
        self._replies: deque[str] = deque()
        self._ready = asyncio.Event()

    def offer_snapshot(self, message: str) -> None:
        self._snapshot = message
        self._ready.set()

    def reply(self, message: str) -> None:
        if len(self._replies) >= MAX_PENDING_REPLIES:
            raise OutboxFull
        self._replies.append(message)
        self._ready.set()

    async def take(self) -> list[str]:
        """Wait until something is due; the snapshot comes before replies about it."""
        await self._ready.wait()
        self._ready.clear()
        batch = [] if self._snapshot is None else [self._snapshot]
        self._snapshot = None
        batch.extend(self._replies)
        self._replies.clear()
        return batch
