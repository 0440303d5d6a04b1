"""A group's guidelines: proposed by anyone, agreed by the group with a date to review them;
their words changed, retired (kept in the group's history) or brought back, and the whole list
marked reviewed by a facilitator."""

from __future__ import annotations

from typing import Annotated

from anyio import to_thread
from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app.groups.rules import default_review_date
from app.translatable import translatable
from app.web.account_services import AccountServices
from app.web.deps import ACCOUNTS, FACILITATING, SERVICES
from app.web.groups.access import Facilitating
from app.web.groups.form_values import parse_date, text_problem
from app.web.groups.group_page import group_page
from app.web.services import Services

router = APIRouter(include_in_schema=False)


@router.post("/groups/{group_id}/guidelines", response_class=HTMLResponse)
async def propose_guideline(
    request: Request,
    svc: SERVICES,
    accounts: ACCOUNTS,
    mine: FACILITATING,
    text: Annotated[str, Form()] = "",
) -> Response:
    group = mine.group
    wording = text.strip()
    problem = text_problem(wording, translatable("the guideline"))
    if problem is not None:
        return await group_page(
            request, svc, accounts, mine, 422, error=problem, form={"guideline": wording[:300]}
        )
    await to_thread.run_sync(
        accounts.groups.propose_guideline, group.id, wording, accounts.today(group.time_zone)
    )
    return RedirectResponse(f"/groups/{group.id}#guidelines", status_code=303)


@router.post("/groups/{group_id}/guidelines/{guideline_id}/agree", response_class=HTMLResponse)
async def agree_guideline(
    guideline_id: str,
    request: Request,
    svc: SERVICES,
    accounts: ACCOUNTS,
    mine: FACILITATING,
    review_on: Annotated[str, Form()] = "",
) -> Response:
    group = mine.group
    today = accounts.today(group.time_zone)
    review = parse_date(review_on) if review_on.strip() else default_review_date(today)
    if review is None or review <= today:
        return await group_page(
            request,
            svc,
            accounts,
            mine,
            422,
            error=translatable("Please choose a review date after today."),
        )
    await to_thread.run_sync(accounts.groups.agree_guideline, group.id, guideline_id, today, review)
    return RedirectResponse(f"/groups/{group.id}#guidelines", status_code=303)


GONE = translatable(
    "That guideline has changed since this page was opened. Here is the list as it is now."
)


@router.post("/groups/{group_id}/guidelines/{guideline_id}/words", response_class=HTMLResponse)
async def edit_guideline(
    guideline_id: str,
    request: Request,
    svc: SERVICES,
    accounts: ACCOUNTS,
    mine: FACILITATING,
    text: Annotated[str, Form()] = "",
) -> Response:
    group = mine.group
    wording = text.strip()
    problem = text_problem(wording, translatable("the guideline"))
    if problem is not None:
        typed = {"edit_id": guideline_id, "edit_text": wording[:300]}
        return await group_page(request, svc, accounts, mine, 422, error=problem, form=typed)
    changed = await to_thread.run_sync(
        accounts.groups.edit_guideline, group.id, guideline_id, wording
    )
    return await _back_to_the_list(request, svc, accounts, mine, done=changed)


@router.post("/groups/{group_id}/guidelines/{guideline_id}/retire", response_class=HTMLResponse)
async def retire_guideline(
    guideline_id: str, request: Request, svc: SERVICES, accounts: ACCOUNTS, mine: FACILITATING
) -> Response:
    group = mine.group
    today = accounts.today(group.time_zone)
    retired = await to_thread.run_sync(
        accounts.groups.retire_guideline, group.id, guideline_id, today
    )
    return await _back_to_the_list(request, svc, accounts, mine, done=retired)


@router.post("/groups/{group_id}/guidelines/{guideline_id}/restore", response_class=HTMLResponse)
async def restore_guideline(
    guideline_id: str, request: Request, svc: SERVICES, accounts: ACCOUNTS, mine: FACILITATING
) -> Response:
    group = mine.group
    restored = await to_thread.run_sync(accounts.groups.restore_guideline, group.id, guideline_id)
    return await _back_to_the_list(request, svc, accounts, mine, done=restored)


@router.post("/groups/{group_id}/guidelines-reviewed", response_class=HTMLResponse)
async def mark_guidelines_reviewed(accounts: ACCOUNTS, mine: FACILITATING) -> Response:
    group = mine.group
    today = accounts.today(group.time_zone)
    await to_thread.run_sync(accounts.groups.mark_guidelines_reviewed, group.id, today)
    return RedirectResponse(f"/groups/{group.id}#guidelines", status_code=303)


async def _back_to_the_list(
    request: Request, svc: Services, accounts: AccountServices, mine: Facilitating, *, done: bool
) -> Response:
    """Back to the guidelines once done; else it was retired, brought back or changed meanwhile
    (another facilitator, another tab): the list as it is now, and why."""
    if not done:
        return await group_page(request, svc, accounts, mine, 409, error=GONE)
    return RedirectResponse(f"/groups/{mine.group.id}#guidelines", status_code=303)
