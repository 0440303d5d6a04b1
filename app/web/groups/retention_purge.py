"""The retention purge: every group's session records older than the group keeps them are
forgotten, by whichever process finds the chore due (a background job from the start)."""

from __future__ import annotations

import asyncio

import sqlalchemy
import structlog
from anyio import to_thread
from fastapi import FastAPI

from app.groups.rules import retention_cutoff
from app.store.chores import Chores
from app.store.groups import Groups
from app.web.account_services import AccountServices, local_date

log = structlog.get_logger(__name__)

PURGE_CHORE = "retention_purge"
PURGE_EVERY_S = 6 * 60 * 60
# Every process asks this often whether the purge is due; one of them does it (Chores.claim).
PURGE_ASK_EVERY_S = 10 * 60


def purge_expired(groups: Groups, at: float) -> int:
    """Forget every group's session records older than the group keeps them, counting days
    in the group's own time zone; how many sessions were forgotten."""
    return sum(
        groups.purge_sessions_before(
            group.id, retention_cutoff(local_date(at, group.time_zone), group.retention_days)
        )
        for group in groups.all_groups()
    )


def purge_if_due(accounts: AccountServices, chores: Chores) -> int | None:
    """Purge, unless some process started a purge less than six hours ago (then None)."""
    now = accounts.clock()
    if not chores.claim(PURGE_CHORE, now, PURGE_EVERY_S):
        return None
    return purge_expired(accounts.groups, now)


async def purge_expired_forever(
    app: FastAPI, chores: Chores, ask_every_s: float = PURGE_ASK_EVERY_S
) -> None:
    accounts: AccountServices = app.state.account_services
    while True:
        try:
            purged = await to_thread.run_sync(purge_if_due, accounts, chores)
        except sqlalchemy.exc.SQLAlchemyError as error:
            log.warning("retention_purge_failed", error=str(error))
        else:
            if purged:
                log.info("retention_purged", sessions=purged)
        await asyncio.sleep(ask_every_s)
