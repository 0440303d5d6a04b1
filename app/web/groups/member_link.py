"""A member's own signed link (no account needed): apologies, and a guideline to suggest.

The link names the group and the member; removing the member makes it useless.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from anyio import to_thread
from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse
from itsdangerous import BadSignature, URLSafeSerializer

from app.groups.rules import upcoming_meetings
from app.store.groups import Group
from app.web.accounts import ACCOUNTS, SERVICES, AccountServices, page
from app.web.groups.access import CalmNotFound
from app.web.groups.form_values import parse_date, text_problem
from app.web.services import Services

router = APIRouter(include_in_schema=False)


def _signer(svc: Services) -> URLSafeSerializer:
    return URLSafeSerializer(svc.settings.resolved_secret_key(), salt="peer-rounds-member")


def member_link_url(svc: Services, group_id: str, member_id: str) -> str:
    token = _signer(svc).dumps([group_id, member_id])
    return f"{svc.settings.base_url()}/apologies/{token}"


class UnknownMemberLink(CalmNotFound):
    """Forged, or the member was removed."""

    title = "This link doesn't work any more"
    message = "Please ask your facilitator for a new one. Thank you for letting us know."


@dataclass(frozen=True, slots=True)
class LinkedMember:
    group: Group
    member_id: str
    token: str


def _member_of_link(svc: Services, accounts: AccountServices, token: str) -> LinkedMember:
    try:
        group_id, member_id = _signer(svc).loads(token)
    except (BadSignature, ValueError, TypeError) as forged:
        raise UnknownMemberLink from forged
    group = accounts.groups.get(str(group_id))
    if group is None or not any(m.id == member_id for m in accounts.groups.members(group.id)):
        raise UnknownMemberLink
    return LinkedMember(group=group, member_id=str(member_id), token=token)


async def linked_member(token: str, svc: SERVICES, accounts: ACCOUNTS) -> LinkedMember:
    return await to_thread.run_sync(_member_of_link, svc, accounts, token)


LINKED_MEMBER = Annotated[LinkedMember, Depends(linked_member)]


def _member_page(
    svc: Services,
    request: Request,
    accounts: AccountServices,
    linked: LinkedMember,
    status_code: int = 200,
    **outcome: object,
) -> HTMLResponse:
    """A member's own page (from their link): apologies, and a guideline to propose."""
    group = linked.group
    upcoming = upcoming_meetings(
        group.first_meeting_on, group.meeting_pattern, accounts.today(group.time_zone)
    )
    context: dict[str, object] = {"sent": None, "proposed": None, "error": None, **outcome}
    return page(
        svc,
        request,
        "groups/apologies.html",
        status_code,
        group=group,
        token=linked.token,
        meetings=upcoming,
        **context,
    )


@router.get("/apologies/{token}", response_class=HTMLResponse)
async def apologies_form(
    request: Request, svc: SERVICES, accounts: ACCOUNTS, linked: LINKED_MEMBER
) -> HTMLResponse:
    return _member_page(svc, request, accounts, linked)


@router.post("/apologies/{token}", response_class=HTMLResponse)
async def send_apologies(
    request: Request,
    svc: SERVICES,
    accounts: ACCOUNTS,
    linked: LINKED_MEMBER,
    meeting_on: Annotated[str, Form()] = "",
) -> HTMLResponse:
    group = linked.group
    upcoming = upcoming_meetings(
        group.first_meeting_on, group.meeting_pattern, accounts.today(group.time_zone)
    )
    chosen = parse_date(meeting_on)
    if chosen is None or chosen not in upcoming:
        return _member_page(
            svc, request, accounts, linked, 422, error="Please choose one of the meetings listed."
        )
    await to_thread.run_sync(
        accounts.groups.send_apology, linked.member_id, chosen, accounts.clock()
    )
    return _member_page(svc, request, accounts, linked, sent=chosen)


@router.post("/apologies/{token}/guideline", response_class=HTMLResponse)
async def member_proposes_guideline(
    request: Request,
    svc: SERVICES,
    accounts: ACCOUNTS,
    linked: LINKED_MEMBER,
    text: Annotated[str, Form()] = "",
) -> HTMLResponse:
    """Any member may propose a guideline; the group agrees it (or not) at a meeting."""
    wording = text.strip()
    problem = text_problem(wording, "the guideline")
    if problem is not None:
        return _member_page(svc, request, accounts, linked, 422, error=problem)
    group = linked.group
    await to_thread.run_sync(
        accounts.groups.propose_guideline, group.id, wording, accounts.today(group.time_zone)
    )
    return _member_page(svc, request, accounts, linked, proposed=wording)
