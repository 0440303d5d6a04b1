"""A group's members: added after the initial conversation, name-checked, removed and erased."""

from __future__ import annotations

from typing import Annotated

from anyio import to_thread
from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app.accounts.identity import name_problem
from app.web.accounts import ACCOUNTS, SERVICES
from app.web.groups.access import FACILITATING, GroupNotFound
from app.web.groups.group_page import group_page
from app.web.groups.member_link import member_link_url

router = APIRouter(include_in_schema=False)


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
    problem = name_problem(name, "their preferred name")
    if problem is not None:
        return await group_page(
            request, svc, accounts, mine, 422, error=problem, form={"preferred_name": name[:40]}
        )
    await to_thread.run_sync(
        accounts.groups.add_member, group.id, name, accounts.today(group.time_zone)
    )
    return RedirectResponse(f"/groups/{group.id}#members", status_code=303)


@router.post("/groups/{group_id}/members/{member_id}/name-check")
async def record_name_check(member_id: str, accounts: ACCOUNTS, mine: FACILITATING) -> Response:
    group = mine.group
    await to_thread.run_sync(
        accounts.groups.record_name_check, group.id, member_id, accounts.today(group.time_zone)
    )
    return RedirectResponse(f"/groups/{group.id}#members", status_code=303)


@router.post("/groups/{group_id}/members/{member_id}/remove")
async def remove_member(member_id: str, accounts: ACCOUNTS, mine: FACILITATING) -> Response:
    await to_thread.run_sync(accounts.groups.remove_member, mine.group.id, member_id)
    return RedirectResponse(f"/groups/{mine.group.id}#members", status_code=303)


@router.post("/groups/{group_id}/members/{member_id}/link", response_class=HTMLResponse)
async def member_link(
    member_id: str, request: Request, svc: SERVICES, accounts: ACCOUNTS, mine: FACILITATING
) -> Response:
    members = await to_thread.run_sync(accounts.groups.members, mine.group.id)
    member = next((m for m in members if m.id == member_id), None)
    if member is None:
        raise GroupNotFound
    url = member_link_url(svc, mine.group.id, member.id)
    return await group_page(
        request,
        svc,
        accounts,
        mine,
        notice=f"{member.preferred_name}'s own link, to send apologies or suggest a guideline "
        f"(share it only with them): {url}",
    )
