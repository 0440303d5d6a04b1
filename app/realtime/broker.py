"""Tells the other processes that a session moved on, so their viewers see it too.

The database decides every version; a broker only carries the news "session S reached version V"
(and "session S's links before generation G are revoked", so their screens close everywhere).
A process that hears it catches up from the database, so a lost, late or repeated message can
never make a screen wrong, only late — and the registry's periodic check bounds how late.
"""

from __future__ import annotations

from typing import Protocol


class Listener(Protocol):
    """Whoever keeps this process's hubs current (the registry)."""

    def moved_on(self, session_id: str, version: int) -> None:
        """Another process committed ``version`` of the session."""

    def may_have_missed(self, session_id: str) -> None:
        """News of the session may have been lost (just subscribed, or reconnected): reload."""

    def links_revoked(self, session_id: str, token_version: int) -> None:
        """Links older than ``token_version`` were revoked: close the screens opened with them."""


class Broker(Protocol):
    def publish(self, session_id: str, version: int) -> None:
        """Announce a commit made here. Never blocks, never raises: the commit already stands."""

    def revoke(self, session_id: str, token_version: int) -> None:
        """Announce that links older than ``token_version`` are revoked. Never blocks or raises:
        the revocation is stored, and a screen that misses this news still cannot reconnect."""

    def watch(self, session_id: str) -> None:
        """The session's first viewer in this process arrived: start hearing about it."""

    def unwatch(self, session_id: str) -> None:
        """Its last viewer here left: stop hearing about it."""

    async def run(self, listener: Listener) -> None:
        """Deliver news to ``listener`` until cancelled; runs for the life of the app."""

    async def ping(self) -> None:
        """Raise if the broker does not answer (for readiness)."""

    async def aclose(self) -> None: ...


class MemoryBroker:
    """One process: its hubs publish to their own viewers, so there is nobody else to tell."""

    def publish(self, session_id: str, version: int) -> None:
        pass

    def revoke(self, session_id: str, token_version: int) -> None:
        pass

    def watch(self, session_id: str) -> None:
        pass

    def unwatch(self, session_id: str) -> None:
        pass

    async def run(self, listener: Listener) -> None:
        pass

    async def ping(self) -> None:
        pass

    async def aclose(self) -> None:
        pass
