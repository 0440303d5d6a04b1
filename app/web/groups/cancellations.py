"""Cancelling one of the group's meetings (a holiday, the hall closed), with a few words for
members, and restoring it. Members see it on their own page and in their calendar feed."""

from __future__ import annotations

from typing import Annotated

from anyio import to_thread
from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app.groups.cancellations import MAX_REASON
from app.groups.rules import upcoming_meetings
from app.translatable import translatable
from app.web.deps import ACCOUNTS, FACILITATING, SERVICES
from app.web.groups.form_values import parse_date, text_problem
from app.web.groups.group_page import group_page

router = APIRouter(include_in_schema=False)

NOT_COMING_UP = translatable(
    "That meeting is not one of those coming up, so it cannot be changed. "
    "Here is the calendar as it is now."
)
NOT_CANCELLED = translatable(
    "That meeting is not cancelled: another facilitator may have restored it already. "
    "Here is the calendar as it is now."
)


@router.post("/groups/{group_id}/meetings/{meeting_on}/cancel", response_class=HTMLResponse)
async def cancel_meeting(
    meeting_on: str,
    request: Request,
    svc: SERVICES,
    accounts: ACCOUNTS,
    mine: FACILITATING,
    reason: Annotated[str, Form()] = "",
) -> Response:
    group = mine.group
    today = accounts.today(group.time_zone)
    chosen = parse_date(meeting_on)
    if chosen is None or chosen not in upcoming_meetings(
        group.first_meeting_on, group.meeting_pattern, today
    ):
        return await group_page(request, svc, accounts, mine, 422, error=NOT_COMING_UP)
    words = reason.strip()
    problem = text_problem(words, translatable("the reason"), MAX_REASON) if words else None
    if problem is not None:
        typed = {"cancel_on": chosen.isoformat(), "cancel_reason": words[:MAX_REASON]}
        return await group_page(request, svc, accounts, mine, 422, error=problem, form=typed)
    await to_thread.run_sync(
        accounts.groups.cancel_meeting, group.id, chosen, words, accounts.clock()
    )
    return RedirectResponse(f"/groups/{group.id}#calendar", status_code=303)


@router.post("/groups/{group_id}/meetings/{meeting_on}/restore", response_class=HTMLResponse)
async def restore_meeting(
    meeting_on: str, request: Request, svc: SERVICES, accounts: ACCOUNTS, mine: FACILITATING
) -> Response:
    group = mine.group
    chosen = parse_date(meeting_on)
    restored = chosen is not None and await to_thread.run_sync(
        accounts.groups.restore_meeting, group.id, chosen, accounts.clock()
    )
    if not restored:
        return await group_page(request, svc, accounts, mine, 409, error=NOT_CANCELLED)
    return RedirectResponse(f"/groups/{group.id}#calendar", status_code=303)
