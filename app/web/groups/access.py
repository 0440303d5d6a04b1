"""Which group a request is about: one that the signed-in facilitator facilitates.

Every group page and action takes ``FACILITATING``: the group named by the path's id, found
with ``Groups.get_for(group_id, account)``, so someone who does not facilitate a group gets the
same calm "not found" as for a group that does not exist, and nothing about other groups
leaks. A form (any method but GET) must also carry this browser's form key (CSRF).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, ClassVar

from anyio import to_thread
from fastapi import Depends, Request
from fastapi.responses import Response

from app.store.groups import Group
from app.web.accounts import ACCOUNTS, SignedIn, require_form, require_signed_in
from app.web.rendering import page
from app.web.services import Services

_READS = frozenset({"GET", "HEAD"})


class CalmNotFound(Exception):
    """Something a page asked for that is not there (or not theirs): a calm 404 that says
    what to do, never whether it exists."""

    title: ClassVar[str]
    message: ClassVar[str]


async def calm_not_found_handler(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, CalmNotFound)
    svc: Services = request.app.state.services
    return page(svc, request, "message.html", 404, title=exc.title, message=exc.message)


class GroupNotFound(CalmNotFound):
    title = "We couldn't find that group"
    message = (
        "There is no group here that you facilitate. If you were invited, please open the "
        "invitation link you were sent."
    )


@dataclass(frozen=True, slots=True)
class Facilitating:
    """The signed-in facilitator and the group they asked for."""

    me: SignedIn
    group: Group


async def facilitated_group(group_id: str, request: Request, accounts: ACCOUNTS) -> Facilitating:
    if request.method in _READS:
        me = await require_signed_in(request, accounts)
    else:
        # Starlette keeps the parsed form, so the endpoint's own Form() fields read it again free.
        key = (await request.form()).get("form_key")
        me = await require_form(request, accounts, key if isinstance(key, str) else "")
    group = await to_thread.run_sync(accounts.groups.get_for, group_id, me.account.id)
    if group is None:
        raise GroupNotFound
    return Facilitating(me=me, group=group)


FACILITATING = Annotated[Facilitating, Depends(facilitated_group)]
