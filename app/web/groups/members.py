"""A group's members: added after the initial conversation, name-checked, removed and erased."""

from __future__ import annotations

import contextlib
from typing import Annotated

from anyio import to_thread
from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app.accounts.identity import name_problem
from app.realtime.registry import new_command_id
from app.session.commands import ForgetMember, RecordNameCheck
from app.translatable import Words, translatable
from app.web.commands import submit
from app.web.deps import ACCOUNTS, FACILITATING, SERVICES
from app.web.groups.access import GroupNotFound
from app.web.groups.group_page import group_page
from app.web.groups.group_sessions import facilitator_in, todays_session
from app.web.groups.member_links import member_link_url
from app.web.languages import gettext
from app.web.problems import Problem

router = APIRouter(include_in_schema=False)
OWN_LINK = translatable(
    "%(name)s's own link, to send apologies, suggest a guideline or join the group's session "
    "on the day (share it only with them): %(url)s"
)


@router.post("/groups/{group_id}/members", response_class=HTMLResponse)
async def add_member(
    request: Request,
    svc: SERVICES,
    accounts: ACCOUNTS,
    mine: FACILITATING,
    preferred_name: Annotated[str, Form()] = "",
) -> Response:
    group = mine.group
    name = preferred_name.strip()
    problem = name_problem(name, Words("their preferred name"))
    if problem is not None:
        return await group_page(
            request, svc, accounts, mine, 422, error=problem, form={"preferred_name": name[:40]}
        )
    await to_thread.run_sync(
        accounts.groups.add_member, group.id, name, accounts.today(group.time_zone)
    )
    return RedirectResponse(f"/groups/{group.id}#members", status_code=303)


@router.post("/groups/{group_id}/members/{member_id}/name-check")
async def record_name_check(
    member_id: str, svc: SERVICES, accounts: ACCOUNTS, mine: FACILITATING
) -> Response:
    group = mine.group
    recorded = await to_thread.run_sync(
        accounts.groups.record_name_check, group.id, member_id, accounts.today(group.time_zone)
    )
    hub = await todays_session(svc, accounts, group) if recorded else None
    if hub is not None:
        # If they are waiting to be let in, the console can now let them in; if they are
        # not, the session says "nothing to do" and that is fine.
        with contextlib.suppress(Problem):
            await submit(
                hub,
                RecordNameCheck(id=new_command_id(), member_id=member_id),
                facilitator_in(hub, mine.me),
            )
    return RedirectResponse(f"/groups/{group.id}#members", status_code=303)


@router.post("/groups/{group_id}/members/{member_id}/remove")
async def remove_member(
    member_id: str, svc: SERVICES, accounts: ACCOUNTS, mine: FACILITATING
) -> Response:
    hub = await todays_session(svc, accounts, mine.group)
    if hub is not None:
        # First the live session stops naming them (on every screen and in what it stores
        # from now on); then the stored records are rewritten without their name.
        # A member the session never named is "nothing to do": the records are still erased.
        with contextlib.suppress(Problem):
            await submit(
                hub,
                ForgetMember(id=new_command_id(), member_id=member_id),
                facilitator_in(hub, mine.me),
            )
    await to_thread.run_sync(accounts.groups.remove_member, mine.group.id, member_id)
    return RedirectResponse(f"/groups/{mine.group.id}#members", status_code=303)


@router.post("/groups/{group_id}/members/{member_id}/link", response_class=HTMLResponse)
async def member_link(
    member_id: str, request: Request, svc: SERVICES, accounts: ACCOUNTS, mine: FACILITATING
) -> Response:
    member = await to_thread.run_sync(accounts.groups.member, mine.group.id, member_id)
    if member is None:
        raise GroupNotFound
    url = member_link_url(svc, mine.group.id, member.id)
    return await group_page(
        request,
        svc,
        accounts,
        mine,
        notice=gettext(OWN_LINK) % {"name": member.preferred_name, "url": url},
    )
