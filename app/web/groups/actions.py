"""Housekeeping actions for a meeting to come: from the group page, or the console's summary."""

from __future__ import annotations

from typing import Annotated

from anyio import to_thread
from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app.session.command_base import Role
from app.translatable import translatable
from app.web.access import authorize, cookie_name
from app.web.deps import ACCOUNTS, FACILITATING, SERVICES
from app.web.groups.access import GroupNotFound
from app.web.groups.action_fields import ActionFields
from app.web.groups.group_page import group_page
from app.web.rendering import page

router = APIRouter(include_in_schema=False)


ACTION_FORM = Annotated[ActionFields, Form()]


@router.post("/groups/{group_id}/actions", response_class=HTMLResponse)
async def record_action(
    request: Request, svc: SERVICES, accounts: ACCOUNTS, mine: FACILITATING, fields: ACTION_FORM
) -> Response:
    group = mine.group
    problem = fields.problem(accounts.today(group.time_zone))
    if problem is not None:
        return await group_page(
            request, svc, accounts, mine, 422, error=problem, form=fields.as_typed()
        )
    await to_thread.run_sync(accounts.groups.add_action, group.id, fields.action(accounts.clock()))
    return RedirectResponse(f"/groups/{group.id}#actions", status_code=303)


@router.post("/groups/sessions/{session_id}/actions", response_class=HTMLResponse)
async def record_action_from_console(
    session_id: str, request: Request, svc: SERVICES, accounts: ACCOUNTS, fields: ACTION_FORM
) -> Response:
    """The console's summary-stage form: the console's own link is the facilitator's proof."""
    hub = await svc.registry.get(session_id)
    group_id = await to_thread.run_sync(accounts.groups.group_of_session, session_id)
    if hub is None or group_id is None:
        raise GroupNotFound
    await authorize(
        svc, request.cookies.get(cookie_name(session_id, Role.FACILITATOR)), hub, Role.FACILITATOR
    )
    group = await to_thread.run_sync(accounts.groups.get, group_id)
    if group is None:
        raise GroupNotFound
    svc.languages.speak_for_group(request, group.language)
    problem = fields.problem(accounts.today(group.time_zone))
    recorded = None if problem is not None else fields.action(accounts.clock())
    if recorded is not None:
        await to_thread.run_sync(accounts.groups.add_action, group_id, recorded)
    return page(
        svc,
        request,
        "groups/action_result.html",
        422 if recorded is None else 200,
        title=translatable("That action wasn't recorded")
        if recorded is None
        else translatable("Recorded for next time"),
        error=problem,
        recorded=recorded,
        console_url=f"/s/{session_id}/console",
    )
