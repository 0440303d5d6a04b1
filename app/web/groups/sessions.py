"""Starting this week's session of a group, from the group's stored agenda and its life."""

from __future__ import annotations

from datetime import date

from anyio import to_thread
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from app.agenda.carry_over import CarriedAction, SessionGuideline
from app.groups.rules import PendingAction, actions_for_meeting, review_due, this_weeks_meeting
from app.realtime.hub import SessionHub
from app.realtime.registry import SessionNotCreated
from app.session.commands import Actor, GroupPlan, Role
from app.session.state import SessionStatus
from app.store.groups import Group
from app.store.templates import StoredTemplate
from app.web.access import current_token_version
from app.web.accounts import ACCOUNTS, SERVICES, AccountServices, SignedIn
from app.web.api import issue
from app.web.groups.access import FACILITATING, GroupNotFound
from app.web.groups.group_page import group_page
from app.web.pages import enter_as
from app.web.services import Services

router = APIRouter(include_in_schema=False)


def session_plan(
    accounts: AccountServices, group: Group, meeting_on: date, template: StoredTemplate
) -> tuple[GroupPlan, list[str]]:
    """What the session brings from the group, and the ids of the actions it carries."""
    groups = accounts.groups
    guidelines = tuple(
        SessionGuideline(text=g.text, review_due=review_due(g.review_on, meeting_on))
        for g in groups.guidelines(group.id)
        if g.agreed_on is not None
    )
    actions = groups.actions(group.id)
    carried_ids = actions_for_meeting(
        (PendingAction(a.id, a.kind, a.due_on, a.carried_into) for a in actions), meeting_on
    )
    carried = tuple(
        CarriedAction(kind=a.kind, detail=a.detail, peer_name=a.peer_name)
        for a in actions
        if a.id in carried_ids
    )
    plan = GroupPlan(
        agenda=template.template.stages,
        guidelines=guidelines,
        carried_over=carried,
        apologies=tuple(groups.apologies(group.id, meeting_on)),
    )
    return plan, carried_ids


@router.post("/groups/{group_id}/sessions", response_class=HTMLResponse)
async def start_this_weeks_session(
    request: Request, svc: SERVICES, accounts: ACCOUNTS, mine: FACILITATING
) -> Response:
    group, me = mine.group, mine.me
    meeting_on = this_weeks_meeting(
        group.first_meeting_on, group.meeting_pattern, accounts.today(group.time_zone)
    )
    already = (
        None
        if meeting_on is None
        else await to_thread.run_sync(accounts.groups.session_on, group.id, meeting_on)
    )
    if already is not None:
        # Pressed again (or by a co-facilitator): back to the same session, never a second one.
        return await _rejoin(svc, already, me)
    template = await to_thread.run_sync(accounts.templates.latest, group.template_key)
    if meeting_on is None or template is None:
        return await group_page(
            request,
            svc,
            accounts,
            mine,
            409,
            error="There is no meeting of this group in the coming week, so there is no "
            "session to start yet.",
        )
    plan, carried_ids = await to_thread.run_sync(
        session_plan, accounts, group, meeting_on, template
    )
    others = [
        n
        for n in await to_thread.run_sync(accounts.groups.facilitator_names, group.id)
        if n != me.account.display_name
    ]
    try:
        hub = await svc.registry.create(
            title=f"{meeting_on:%A} {meeting_on.day} {meeting_on:%B}",
            group_name=group.name,
            template_key=template.key,
            facilitator_names=[me.account.display_name, *others][:6],
            group_plan=plan,
        )
    except SessionNotCreated as refused:
        return await group_page(request, svc, accounts, mine, 422, error=str(refused))
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


async def todays_session(
    svc: Services, accounts: AccountServices, group: Group
) -> SessionHub | None:
    """The group's session for today (the group's own date), while it is not over."""
    today = accounts.today(group.time_zone)
    session_id = await to_thread.run_sync(accounts.groups.session_on, group.id, today)
    hub = None if session_id is None else await svc.registry.get(session_id)
    if hub is None or hub.state.status is SessionStatus.ENDED:
        return None
    return hub


def facilitator_in(hub: SessionHub, me: SignedIn) -> Actor:
    """`me` among the session's facilitators (they are named, not accounts), else the first."""
    facilitators = hub.state.facilitators.values()
    mine = next((f for f in facilitators if f.name == me.account.display_name), None)
    return Actor(role=Role.FACILITATOR, id=(mine or next(iter(facilitators))).id)


async def _rejoin(svc: Services, session_id: str, me: SignedIn) -> Response:
    hub = await svc.registry.get(session_id)
    if hub is None:
        raise GroupNotFound
    person = facilitator_in(hub, me).id
    version = await current_token_version(svc, hub)
    return enter_as(svc, hub, Role.FACILITATOR, issue(svc, hub, Role.FACILITATOR, person, version))
