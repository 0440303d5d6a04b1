"""Calls into the (blocking) store from the event loop: in a worker thread, retried when the
connection died under them."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar, TypeVarTuple

import structlog
from anyio import to_thread
from sqlalchemy.exc import DBAPIError

# A pooled connection can die under a statement (a failover, a restarted proxy, an admin's
# pg_terminate_backend); the pool replaces it at the next checkout, so a retry or two suffice.
STORE_ATTEMPTS = 3

log = structlog.get_logger(__name__)

T = TypeVar("T")
Args = TypeVarTuple("Args")


async def in_thread(call: Callable[[*Args], T], *args: *Args) -> T:
    """Run a store call in a worker thread, again if its connection died under it.

    Only for calls that are safe to repeat: reads, snapshots (only a newer one replaces the
    kept one), and appends (the database refuses a second copy of a command, and the caller is
    told so with DuplicateCommand).
    """
    return await to_thread.run_sync(lambda: retried(call, *args))


def retried(call: Callable[[*Args], T], *args: *Args) -> T:
    """``call(*args)``, again if its connection died under it (the rules of ``in_thread``)."""
    attempt = 1
    while True:
        try:
            return call(*args)
        except DBAPIError as error:
            if not error.connection_invalidated or attempt >= STORE_ATTEMPTS:
                raise
            log.info("store_call_retried", error=str(error.orig))
            attempt += 1
