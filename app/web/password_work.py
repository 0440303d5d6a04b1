"""Password hashing, bounded: each argon2id hash or check takes 64 MiB and a core for a moment.

Run on the default thread pool, a burst of registrations ran 12 at once and took the server from
156 to 925 MiB (issue 16). Here at most `at_once` run at a time in a process; the next ones wait
their turn on the event loop (costing only their request), and beyond `may_wait` of those the
answer is "try again in a moment" rather than an ever longer queue (docs/security.md).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from anyio import CapacityLimiter, to_thread

from app.accounts.passwords import hash_password, password_matches
from app.translatable import translatable

RETRY_AFTER_S = 5
TOO_MANY_SIGNING_IN = translatable(
    "Too many people are signing in at once. Please try again in a moment."
)


T = TypeVar("T")


class TooManySigningIn(Exception):
    """More password work is waiting than a process takes on; nothing was done."""


class PasswordWork:
    def __init__(self, at_once: int, may_wait: int) -> None:
        self._limiter = CapacityLimiter(at_once)
        self._capacity = at_once + may_wait
        # Running and waiting together, counted before the first await: requests arriving at
        # the same moment cannot all see room for one more.
        self._admitted = 0

    async def hash(self, password: str) -> str:
        return await self._run(hash_password, password)

    async def matches(self, password_hash: str, password: str) -> bool:
        return await self._run(password_matches, password_hash, password)

    async def _run(self, work: Callable[..., T], *args: str) -> T:
        if self._admitted >= self._capacity:
            raise TooManySigningIn
        self._admitted += 1
        try:
            return await to_thread.run_sync(work, *args, limiter=self._limiter)
        finally:
            self._admitted -= 1
