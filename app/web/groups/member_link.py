"""A member's own signed link (no account needed): apologies, a guideline to suggest, and
joining the group's session on the day as themselves.

The link (app/web/groups/member_links.py) names the group and the member. Joining
through it links the participant to the member record (attendance, and the name check: a
prospective member waits until the group has been asked about them).
"""

from __future__ import annotations

from typing import Annotated

from anyio import to_thread
from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from app.groups.cancellations import cancelled_only
from app.groups.meeting_times import meeting_time
from app.groups.rules import next_welcoming_meeting, upcoming_meetings
from app.session.command_base import Role
from app.session.state import Presence
from app.translatable import translatable
from app.web.access import current_token_version
from app.web.account_services import AccountServices
from app.web.deps import ACCOUNTS, LINKED_MEMBER, SERVICES
from app.web.groups.calendar_feeds import member_feed_url
from app.web.groups.form_values import parse_date, text_problem
from app.web.groups.group_sessions import todays_session
from app.web.groups.meeting_words import cancelled_words
from app.web.groups.member_links import LinkedMember
from app.web.languages import gettext
from app.web.links import enter_as, issue, join_session
from app.web.problems import Problem
from app.web.rendering import page
from app.web.services import Services

router = APIRouter(include_in_schema=False)

NO_NEED = translatable("%(cancelled)s, so there is no need to send apologies for it.")


async def _member_page(
    svc: Services,
    request: Request,
    accounts: AccountServices,
    linked: LinkedMember,
    status_code: int = 200,
    **outcome: object,
) -> HTMLResponse:
    """A member's own page (from their link): today's session, apologies, a guideline."""
    group = linked.group
    today = accounts.today(group.time_zone)
    prospective = linked.member.name_checked_on is None
    upcoming = upcoming_meetings(group.first_meeting_on, group.meeting_pattern, today)
    cancelled = cancelled_only(
        await to_thread.run_sync(accounts.groups.meeting_changes, group.id, today)
    )
    context: dict[str, object] = {"sent": None, "proposed": None, "error": None, **outcome}
    return page(
        svc,
        request,
        "groups/apologies.html",
        status_code,
        group=group,
        member=linked.member,
        token=linked.token,
        feed_url=member_feed_url(svc, linked.token),
        meetings=[
            meeting_time(on, group.meeting_time, group.time_zone)
            for on in upcoming
            if on not in cancelled
        ],
        cancellations=[cancelled_words(cancelled[on]) for on in upcoming if on in cancelled],
        session_on_now=await todays_session(svc, accounts, group) is not None,
        prospective=prospective,
        welcoming_on=next_welcoming_meeting(
            group.first_meeting_on, group.meeting_pattern, today, group.new_members_every
        )
        if prospective
        else None,
        **context,
    )


@router.get("/apologies/{token}", response_class=HTMLResponse)
async def apologies_form(
    request: Request, svc: SERVICES, accounts: ACCOUNTS, linked: LINKED_MEMBER
) -> HTMLResponse:
    return await _member_page(svc, request, accounts, linked)


@router.post("/apologies/{token}/join", response_class=HTMLResponse)
async def join_todays_session(
    request: Request, svc: SERVICES, accounts: ACCOUNTS, linked: LINKED_MEMBER
) -> Response:
    """Into the waiting room of the group's session for today, as the member themselves."""
    hub = await todays_session(svc, accounts, linked.group)
    if hub is None:
        return await _member_page(
            svc,
            request,
            accounts,
            linked,
            409,
            error=translatable(
                "There is no session of the group to join just now. The button appears "
                "here on the day, once your facilitators have started the session."
            ),
        )
    member = linked.member
    here = next(
        (
            p.id
            for p in hub.state.participants.values()
            if p.member_id == member.id and p.presence is not Presence.LEFT
        ),
        None,
    )
    if here is not None:
        # Joined already (another device, or a lost cookie): the same place, not a second seat.
        version = await current_token_version(svc, hub)
        return enter_as(
            svc, hub, Role.PARTICIPANT, issue(svc, hub, Role.PARTICIPANT, here, version)
        )
    try:
        joined = await join_session(
            svc,
            hub,
            member.preferred_name,
            member_id=member.id,
            name_check_pending=member.name_checked_on is None,
        )
    except Problem as refused:
        return await _member_page(
            svc, request, accounts, linked, refused.status, error=refused.message
        )
    return enter_as(svc, hub, Role.PARTICIPANT, joined.token)


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
        return await _member_page(
            svc,
            request,
            accounts,
            linked,
            422,
            error=translatable("Please choose one of the meetings listed."),
        )
    changes = await to_thread.run_sync(accounts.groups.meeting_changes, group.id, chosen)
    change = changes.get(chosen)
    if change is not None and change.cancelled:
        # Cancelled while the page was open: nobody will be there to miss them.
        told = gettext(NO_NEED) % {"cancelled": cancelled_words(change)}
        return await _member_page(svc, request, accounts, linked, 409, error=told)
    await to_thread.run_sync(
        accounts.groups.send_apology, linked.member_id, chosen, accounts.clock()
    )
    return await _member_page(svc, request, accounts, linked, sent=chosen)


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
    problem = text_problem(wording, translatable("the guideline"))
    if problem is not None:
        return await _member_page(svc, request, accounts, linked, 422, error=problem)
    group = linked.group
    await to_thread.run_sync(
        accounts.groups.propose_guideline, group.id, wording, accounts.today(group.time_zone)
    )
    return await _member_page(svc, request, accounts, linked, proposed=wording)
