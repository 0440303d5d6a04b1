"""Which group a request is about: one that the signed-in facilitator facilitates.

Every group page and action takes ``FACILITATING`` (app/web/deps.py): the group named by the
path's id, found with ``Groups.get_for(group_id, account)``, so someone who does not facilitate
a group gets the same calm "not found" as for a group that does not exist, and nothing about
other groups leaks. A form (any method but GET) must also carry this browser's form key (CSRF).
"""

from __future__ import annotations

from dataclasses import dataclass

from anyio import to_thread
from fastapi import Request, status

from app.store.groups import Group
from app.translatable import translatable
from app.web.account_services import account_services
from app.web.problems import Problem
from app.web.services import services
from app.web.signing_in import SignedIn, require_form, require_signed_in

_READS = frozenset({"GET", "HEAD"})


class GroupNotFound(Problem):
    status = status.HTTP_404_NOT_FOUND
    code = "not_found"
    title = translatable("We couldn't find that group")
    message = translatable(
        "There is no group here that you facilitate. If you were invited, please open the "
        "invitation link you were sent."
    )


@dataclass(frozen=True, slots=True)
class Facilitating:
    """The signed-in facilitator and the group they asked for."""

    me: SignedIn
    group: Group


async def facilitated_group(group_id: str, request: Request) -> Facilitating:
    accounts = account_services(request)
    if request.method in _READS:
        me = await require_signed_in(request, accounts)
    else:
        # Starlette keeps the parsed form, so the endpoint's own Form() fields read it again free.
        key = (await request.form()).get("form_key")
        me = await require_form(request, accounts, key if isinstance(key, str) else "")
    group = await to_thread.run_sync(accounts.groups.get_for, group_id, me.account.id)
    if group is None:
        raise GroupNotFound
    services(request).languages.speak_for_group(request, group.language)
    return Facilitating(me=me, group=group)
