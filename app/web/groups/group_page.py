"""The group's own page: calendar, members, guidelines, actions, sessions and settings.

Every group action that is refused shows this page again, with what to change and what was
typed, so nothing is lost.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time
from typing import Any

from anyio import to_thread
from fastapi import Request
from fastapi.responses import HTMLResponse

from app.groups.cancellations import MAX_REASON, cancelled_only
from app.groups.meeting_times import meeting_time
from app.groups.rules import (
    GroupKind,
    MeetingPattern,
    this_weeks_meeting,
    upcoming_meetings,
    welcomes_new_members,
)
from app.groups.time_zones import pickable_zones
from app.session.state import Presence
from app.store.groups import Group, Member
from app.web.account_services import AccountServices
from app.web.groups.access import Facilitating
from app.web.groups.calendar_feeds import facilitator_feed_url
from app.web.groups.form_values import known_zones
from app.web.groups.group_sessions import settle_promises
from app.web.local_time import time_of_day_words
from app.web.rendering import page
from app.web.services import Services

ATTENDANCE_SHOWN = 12


async def group_page(
    request: Request,
    svc: Services,
    accounts: AccountServices,
    mine: Facilitating,
    status_code: int = 200,
    error: str | None = None,
    notice: str | None = None,
    invitation_url: str | None = None,
    form: dict[str, str] | None = None,
    settings: dict[str, str] | None = None,
) -> HTMLResponse:
    group = mine.group
    today = accounts.today(group.time_zone)
    this_week = this_weeks_meeting(group.first_meeting_on, group.meeting_pattern, today)

    def gather() -> dict[str, Any]:
        groups = accounts.groups
        upcoming = upcoming_meetings(group.first_meeting_on, group.meeting_pattern, today)
        cancelled = cancelled_only(groups.meeting_changes(group.id, today))
        return {
            "facilitators": groups.facilitator_names(group.id),
            "members": groups.members(group.id),
            "guidelines": groups.guidelines(group.id),
            "guidelines_last_reviewed": groups.guidelines_last_reviewed(group.id),
            "support_resources": groups.support_resources(group.id),
            "sessions": groups.sessions(group.id),
            "actions": groups.actions(group.id),
            # Beside a promise of Taking Time: the promised person cannot come this week.
            "apologised_this_week": (
                set() if this_week is None else set(groups.apologies(group.id, this_week))
            ),
            # The facilitators may meet anyway: the page says so beside "Start".
            "this_week_cancelled": None if this_week is None else cancelled.get(this_week),
            "calendar": [
                {
                    "on": on,
                    "welcomes_new_members": welcomes_new_members(
                        group.first_meeting_on, group.meeting_pattern, on, group.new_members_every
                    ),
                    "apologies": groups.apologies(group.id, on),
                    "time": meeting_time(on, group.meeting_time, group.time_zone),
                    "cancelled": cancelled.get(on),
                }
                for on in upcoming
            ],
        }

    await settle_promises(svc, accounts, group)
    records = await to_thread.run_sync(gather)
    # Read from each session's own log: only the recent ones, so the page stays quick.
    members = {m.id: m for m in records["members"]}
    attendance = {
        s.session_id: await _attendance(svc, s.session_id, members)
        for s in records["sessions"][:ATTENDANCE_SHOWN]
    }
    return page(
        svc,
        request,
        "groups/group.html",
        status_code,
        me=mine.me,
        group=group,
        today=today,
        meeting_time_of_day=time_of_day_words(time.fromisoformat(group.meeting_time)),
        this_week=this_week,
        max_reason=MAX_REASON,
        attendance=attendance,
        error=error,
        notice=notice,
        invitation_url=invitation_url,
        feed_url=facilitator_feed_url(svc, group.id, mine.me.account.id),
        form=form or {},
        settings=settings or as_form(group),
        templates=await to_thread.run_sync(accounts.templates.usable_by, mine.me.account.id),
        kinds=list(GroupKind),
        patterns=list(MeetingPattern),
        time_zones=pickable_zones(known_zones()),
        **records,
    )


def as_form(group: Group) -> dict[str, str]:
    return {
        "name": group.name,
        "kind": group.kind.value,
        "meeting_pattern": group.meeting_pattern.value,
        "first_meeting_on": group.first_meeting_on.isoformat(),
        "meeting_time": group.meeting_time,
        "time_zone": group.time_zone,
        "where": "online" if group.online else "room",
        "venue": group.venue,
        "template_key": group.template_key,
        "retention_days": str(group.retention_days),
        "new_members_every": ""
        if group.new_members_every is None
        else str(group.new_members_every),
        "language": group.language,
    }


@dataclass(frozen=True, slots=True)
class Attendee:
    name: str
    member: bool


async def _attendance(svc: Services, session_id: str, members: dict[str, Member]) -> list[Attendee]:
    """Who was present, read from the session itself (never kept twice): members by their
    record, so a member who has been removed is not named; others by the name they gave."""
    hub = await svc.registry.get(session_id)
    if hub is None:
        return []
    present = [
        p for p in hub.state.participants.values() if p.presence is not Presence.WAITING_ROOM
    ]
    return [
        Attendee(name=members[p.member_id].preferred_name, member=True)
        if p.member_id is not None
        else Attendee(name=p.name, member=False)
        for p in present
        if p.member_id is None or p.member_id in members
    ]
