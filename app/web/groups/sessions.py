"""Starting this week's session of a group, from the group's stored agenda and its life."""

from __future__ import annotations

from anyio import to_thread
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from app.groups.rules import this_weeks_meeting
from app.realtime.hub import SessionHub
from app.session.command_base import Role
from app.translatable import translatable
from app.web.access import current_token_version
from app.web.deps import ACCOUNTS, FACILITATING, SERVICES
from app.web.groups.group_page import group_page
from app.web.groups.group_sessions import (
    facilitator_in,
    open_session_on,
    session_plan,
    settle_promises,
)
from app.web.links import enter_as, issue, start_session
from app.web.local_time import day_words
from app.web.problems import Problem
from app.web.services import Services
from app.web.signing_in import SignedIn

router = APIRouter(include_in_schema=False)


@router.post("/groups/{group_id}/sessions", response_class=HTMLResponse)
async def start_this_weeks_session(
    request: Request, svc: SERVICES, accounts: ACCOUNTS, mine: FACILITATING
) -> Response:
    group, me = mine.group, mine.me
    meeting_on = this_weeks_meeting(
        group.first_meeting_on, group.meeting_pattern, accounts.today(group.time_zone)
    )
    already = (
        None if meeting_on is None else await open_session_on(svc, accounts, group, meeting_on)
    )
    if already is not None:
        # Pressed again (or by a co-facilitator): back to the same session, never a second one
        # while it is on.
        return await _rejoin(svc, already, me)
    template = await to_thread.run_sync(accounts.templates.latest, group.template_key)
    if meeting_on is None or template is None:
        return await group_page(
            request,
            svc,
            accounts,
            mine,
            409,
            error=translatable(
                "There is no meeting of this group in the coming week, so there is no "
                "session to start yet."
            ),
        )
    await settle_promises(svc, accounts, group, next_meeting=True)
    plan, carried_ids = await to_thread.run_sync(
        session_plan, accounts, group, meeting_on, template
    )
    others = [
        n
        for n in await to_thread.run_sync(accounts.groups.facilitator_names, group.id)
        if n != me.account.display_name
    ]
    # The title is the session's own words from now on, like a title typed in: the group's.
    with svc.languages.speaking(group.language):
        title = day_words(meeting_on)
    try:
        hub = await start_session(
            svc,
            title=title,
            group_name=group.name,
            template_key=template.key,
            facilitator_names=[me.account.display_name, *others][:6],
            group_plan=plan,
        )
    except Problem as refused:
        return await group_page(request, svc, accounts, mine, refused.status, error=refused.message)
    await to_thread.run_sync(
        accounts.groups.record_session,
        group.id,
        hub.record.id,
        meeting_on,
        accounts.clock(),
        carried_ids,
    )
    starter = next(iter(hub.state.facilitators))
    token = issue(svc, hub, Role.FACILITATOR, starter, hub.record.token_secret_version)
    return enter_as(svc, hub, Role.FACILITATOR, token)


async def _rejoin(svc: Services, hub: SessionHub, me: SignedIn) -> Response:
    person = facilitator_in(hub, me).id
    version = await current_token_version(svc, hub)
    return enter_as(svc, hub, Role.FACILITATOR, issue(svc, hub, Role.FACILITATOR, person, version))
