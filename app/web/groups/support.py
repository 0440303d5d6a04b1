"""A group's support resources on its page: added, confirmed (with the words checked) and
removed by its facilitators. Only confirmed ones reach the group's sessions: a new one brings
them, and today's, if it is on, is told of each change at once (docs/groups.md)."""

from __future__ import annotations

import contextlib
from typing import Annotated

from anyio import to_thread
from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app.agenda.carry_over import SupportResource
from app.realtime.registry import new_command_id
from app.session.commands import SetSupportResources
from app.translatable import translatable
from app.web.account_services import AccountServices
from app.web.commands import submit
from app.web.deps import ACCOUNTS, FACILITATING, SERVICES
from app.web.groups.access import Facilitating
from app.web.groups.form_values import text_problem
from app.web.groups.group_page import group_page
from app.web.groups.group_sessions import facilitator_in, todays_session
from app.web.problems import Problem
from app.web.services import Services

router = APIRouter(include_in_schema=False)

NAME_LIMIT = 120
GONE = translatable("That support resource was removed meanwhile. Here is the list as it is now.")


def _typed(
    name: str, how_to_reach: str, when_available: str
) -> tuple[SupportResource | None, str | None]:
    """The resource as typed, or the first thing to change about it."""
    fields = (
        (name.strip(), translatable("its name"), NAME_LIMIT),
        (how_to_reach.strip(), translatable("how to reach it"), 300),
        (when_available.strip(), translatable("when it is available"), 300),
    )
    for text, what, limit in fields:
        problem = text_problem(text, what, limit)
        if problem is not None:
            return None, problem
    words = [text for text, _what, _limit in fields]
    return SupportResource(name=words[0], how_to_reach=words[1], when_available=words[2]), None


def _form(prefix: str, name: str, how_to_reach: str, when_available: str) -> dict[str, str]:
    """What was typed, to show again with the problem (nothing typed is lost)."""
    return {
        f"{prefix}name": name.strip()[:NAME_LIMIT],
        f"{prefix}how_to_reach": how_to_reach.strip()[:300],
        f"{prefix}when_available": when_available.strip()[:300],
    }


@router.post("/groups/{group_id}/support-resources", response_class=HTMLResponse)
async def add_support_resource(
    request: Request,
    svc: SERVICES,
    accounts: ACCOUNTS,
    mine: FACILITATING,
    name: Annotated[str, Form()] = "",
    how_to_reach: Annotated[str, Form()] = "",
    when_available: Annotated[str, Form()] = "",
) -> Response:
    group = mine.group
    resource, problem = _typed(name, how_to_reach, when_available)
    if resource is None:
        typed = _form("support_", name, how_to_reach, when_available)
        return await group_page(request, svc, accounts, mine, 422, error=problem, form=typed)
    await to_thread.run_sync(
        accounts.groups.add_support_resource, group.id, resource, accounts.today(group.time_zone)
    )
    await _tell_todays_session(svc, accounts, mine)
    return RedirectResponse(f"/groups/{group.id}#support", status_code=303)


@router.post(
    "/groups/{group_id}/support-resources/{resource_id}/confirm", response_class=HTMLResponse
)
async def confirm_support_resource(
    resource_id: str,
    request: Request,
    svc: SERVICES,
    accounts: ACCOUNTS,
    mine: FACILITATING,
    name: Annotated[str, Form()] = "",
    how_to_reach: Annotated[str, Form()] = "",
    when_available: Annotated[str, Form()] = "",
) -> Response:
    group = mine.group
    resource, problem = _typed(name, how_to_reach, when_available)
    if resource is None:
        typed = {"confirm_id": resource_id, **_form("confirm_", name, how_to_reach, when_available)}
        return await group_page(request, svc, accounts, mine, 422, error=problem, form=typed)
    confirmed = await to_thread.run_sync(
        accounts.groups.confirm_support_resource,
        group.id,
        resource_id,
        resource,
        accounts.today(group.time_zone),
    )
    return await _back_to_the_list(request, svc, accounts, mine, done=confirmed)


@router.post(
    "/groups/{group_id}/support-resources/{resource_id}/remove", response_class=HTMLResponse
)
async def remove_support_resource(
    resource_id: str, request: Request, svc: SERVICES, accounts: ACCOUNTS, mine: FACILITATING
) -> Response:
    removed = await to_thread.run_sync(
        accounts.groups.remove_support_resource, mine.group.id, resource_id
    )
    return await _back_to_the_list(request, svc, accounts, mine, done=removed)


async def _back_to_the_list(
    request: Request, svc: Services, accounts: AccountServices, mine: Facilitating, *, done: bool
) -> Response:
    if not done:
        return await group_page(request, svc, accounts, mine, 409, error=GONE)
    await _tell_todays_session(svc, accounts, mine)
    return RedirectResponse(f"/groups/{mine.group.id}#support", status_code=303)


async def _tell_todays_session(
    svc: Services, accounts: AccountServices, mine: Facilitating
) -> None:
    """Today's session, if it is on, shows the group's confirmed list from now on."""
    hub = await todays_session(svc, accounts, mine.group)
    if hub is None:
        return
    confirmed = await to_thread.run_sync(accounts.groups.confirmed_support_resources, mine.group.id)
    # A change that leaves the confirmed list as it was (a placeholder removed) is "nothing
    # to do" for the session, and that is fine.
    with contextlib.suppress(Problem):
        await submit(
            hub,
            SetSupportResources(id=new_command_id(), support_resources=confirmed),
            facilitator_in(hub, mine.me),
        )
