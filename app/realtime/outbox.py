"""What one connection still has to send: the newest snapshot, then any direct replies.

A snapshot slot holds one message. A slow client therefore skips to the newest version instead
of growing a queue, and the server's memory per connection stays flat whatever the client does.

A snapshot may come in two forms: whole, and as only what changed since the version offered
before it (a phone's changed panels, app/realtime/frames.py). The slot says which it takes
(`takes_changes`), and the publisher makes only that one: when the slot is empty, the version
before was taken for sending, so the socket delivers it first and the changes are enough; when
it still holds an unsent snapshot (this screen is skipping a version), or this screen has never
been sent one, only the whole version leaves it whole.

Every open socket has one, so it is kept small: a list and a future that exists only while the
sender waits, rather than a deque and an asyncio.Event (whose own deque of waiters is another
760 bytes) — about 1.5 KB less per connection (bench/README.md).

A connection whose server can write a frame at once attaches a `sink`: a message offered while
nothing is due is handed to it straight away, and kept here only if the sink cannot take it
(the client reads slowly, or the socket is closing), so the slot serves only under backpressure
and the order "a snapshot before the replies about it" holds either way. Whoever takes from the
outbox may attach `on_due` too, told the first time something waits here: a sender task made
then, not for every socket, is one task fewer for each socket that never needs it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

MAX_PENDING_REPLIES = 32


class OutboxFull(Exception):
    """The client sends commands faster than it reads the answers."""


# Takes a message to send now (True), or refuses it (False). The flag says whether it is a
# snapshot, which other screens of the session are offered too.
Sink = Callable[[str, bool], bool]


class Outbox:
    __slots__ = (
        "_due",
        "_replies",
        "_sent_snapshot",
        "_snapshot",
        "_waiter",
        "closing",
        "on_due",
        "sink",
        "taken_over",
    )

    def __init__(self) -> None:
        self._snapshot: str | None = None
        self._sent_snapshot = False
        self._replies: list[str] = []
        self._due = False
        self._waiter: asyncio.Future[None] | None = None
        self.closing: str | None = None
        # Closed because a newer screen of the same link took its place, not because its
        # person's access ended: the page must not try again (docs/protocol.md, 4409).
        self.taken_over = False
        self.sink: Sink | None = None
        self.on_due: Callable[[], None] | None = None

    @property
    def takes_changes(self) -> bool:
        """Whether the next snapshot may be only what changed since the one offered before."""
        return self._snapshot is None and self._sent_snapshot

    def offer_snapshot(self, message: str) -> None:
        """The newest version: whole, or only its changes if `takes_changes` said so."""
        if self._sent_now(message, shared=True):
            self._sent_snapshot = True
            return
        self._snapshot = message
        self._wake()

    def reply(self, message: str) -> None:
        if self._sent_now(message, shared=False):
            return
        if len(self._replies) >= MAX_PENDING_REPLIES:
            raise OutboxFull
        self._replies.append(message)
        self._wake()

    def close(self, reason: str, *, taken_over: bool = False) -> None:
        """Ask the connection to close (its access has ended, or another screen has taken its
        place), after sending what is due."""
        self.closing = reason
        self.taken_over = taken_over
        self._wake()

    def _sent_now(self, message: str, *, shared: bool) -> bool:
        """Handed to the sink, when nothing is waiting to go before it."""
        if self._due or self.closing is not None or self.sink is None:
            return False
        return self.sink(message, shared)

    def _wake(self) -> None:
        self._due = True
        if self.on_due is not None:
            self.on_due()
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)

    async def take(self) -> list[str]:
        """Wait until something is due; the snapshot comes before replies about it."""
        if not self._due:
            self._waiter = asyncio.get_running_loop().create_future()
            try:
                await self._waiter
            finally:
                self._waiter = None
        self._due = False
        batch = [] if self._snapshot is None else [self._snapshot]
        self._sent_snapshot = self._sent_snapshot or self._snapshot is not None
        self._snapshot = None
        batch.extend(self._replies)
        self._replies.clear()
        return batch
