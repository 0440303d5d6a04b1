"""A group's sessions as its pages need them: what a new one brings from the group, today's,
and which of its facilitators the signed-in person is."""

from __future__ import annotations

from datetime import date

from anyio import to_thread

from app.agenda.carry_over import CarriedAction, SessionGuideline
from app.groups.rules import PendingAction, actions_for_meeting, in_force, review_due
from app.realtime.hub import SessionHub
from app.session.command_base import Actor, GroupPlan, Role
from app.session.state import SessionStatus
from app.store.groups import Group
from app.store.templates import StoredTemplate
from app.web.account_services import AccountServices
from app.web.services import Services
from app.web.signing_in import SignedIn


def session_plan(
    accounts: AccountServices, group: Group, meeting_on: date, template: StoredTemplate
) -> tuple[GroupPlan, list[str]]:
    """What the session brings from the group, and the ids of the actions it carries."""
    groups = accounts.groups
    guidelines = tuple(
        SessionGuideline(text=g.text, review_due=review_due(g.review_on, meeting_on))
        for g in groups.guidelines(group.id)
        if in_force(g.agreed_on, g.retired_on)
    )
    actions = groups.actions(group.id)
    carried_ids = actions_for_meeting(
        (PendingAction(a.id, a.kind, a.due_on, a.carried_into) for a in actions), meeting_on
    )
    carried = tuple(
        CarriedAction(kind=a.kind, detail=a.detail, peer_name=a.peer_name, action_id=a.id)
        for a in actions
        if a.id in carried_ids
    )
    plan = GroupPlan(
        agenda=template.template.stages,
        guidelines=guidelines,
        carried_over=carried,
        apologies=tuple(groups.apologies(group.id, meeting_on)),
        time_zone=group.time_zone,
        support_resources=groups.confirmed_support_resources(group.id),
    )
    return plan, carried_ids


async def settle_promises(
    svc: Services, accounts: AccountServices, group: Group, *, next_meeting: bool = False
) -> None:
    """Settle the promises of Taking Time of the group's sessions that are over, from each
    session's final state (docs/timekeeping.md). With ``next_meeting`` the group is starting
    its next session, and every earlier one counts as over, ended or not."""
    groups = accounts.groups
    unsettled = await to_thread.run_sync(groups.unsettled_promises, group.id)
    for session_id in unsettled:
        hub = await svc.registry.get(session_id)
        if hub is not None and hub.state.status is not SessionStatus.ENDED and not next_meeting:
            continue
        # A session whose records are gone settled nothing: its promises are owed.
        outcomes = {} if hub is None else {k: o.value for k, o in hub.state.promises.items()}
        await to_thread.run_sync(groups.settle_promises, group.id, session_id, outcomes)


async def open_session_on(
    svc: Services, accounts: AccountServices, group: Group, meeting_on: date
) -> SessionHub | None:
    """The group's session for the meeting on that date, while it is not over: once it has
    ended, the group may start another that day, and that one is the session of the day."""
    session_id = await to_thread.run_sync(accounts.groups.session_on, group.id, meeting_on)
    hub = None if session_id is None else await svc.registry.get(session_id)
    if hub is None or hub.state.status is SessionStatus.ENDED:
        return None
    return hub


async def todays_session(
    svc: Services, accounts: AccountServices, group: Group
) -> SessionHub | None:
    """The group's session for today (the group's own date), while it is not over."""
    return await open_session_on(svc, accounts, group, accounts.today(group.time_zone))


def facilitator_in(hub: SessionHub, me: SignedIn) -> Actor:
    """`me` among the session's facilitators (they are named, not accounts), else the first."""
    facilitators = hub.state.facilitators.values()
    mine = next((f for f in facilitators if f.name == me.account.display_name), None)
    return Actor(role=Role.FACILITATOR, id=(mine or next(iter(facilitators))).id)
