"""Calendar feeds a calendar app subscribes to: a member's, through their own link, and a
facilitator's feed of a group they facilitate.

A calendar app cannot sign in, so each feed's address carries a signed token. A member's feed
stops working when they are removed (as their link does); a facilitator's when they no longer
facilitate the group. Nobody's name is in a feed: only the group's name, time and place.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from anyio import to_thread
from fastapi import APIRouter, Request, Response, status
from itsdangerous import BadSignature, URLSafeSerializer

from app.groups.rules import upcoming_meetings
from app.store.groups import Group
from app.translatable import translatable
from app.web.account_services import AccountServices
from app.web.deps import ACCOUNTS, FACILITATING, LINKED_MEMBER, SERVICES
from app.web.groups.meeting_words import feed_words
from app.web.problems import Problem
from app.web.services import Services

router = APIRouter(include_in_schema=False)

ICALENDAR = "text/calendar; charset=utf-8"
# Meetings a feed lists ahead; apps keep the ones already past from earlier fetches.
MEETINGS_AHEAD = 12
# When the group's agenda cannot be found (an agenda since deleted): a usual meeting's length.
USUAL_LENGTH = timedelta(minutes=90)


class FeedGone(Problem):
    """Forged, or its facilitator no longer facilitates the group."""

    status = status.HTTP_404_NOT_FOUND
    code = "not_found"
    title = translatable("This calendar link doesn't work any more")
    message = translatable("Please take a fresh one from the group's page.")


def _signer(svc: Services) -> URLSafeSerializer:
    return URLSafeSerializer(svc.settings.resolved_secret_key(), salt="peer-rounds-calendar")


def facilitator_feed_url(svc: Services, group_id: str, account_id: str) -> str:
    token = _signer(svc).dumps([group_id, account_id])
    return f"{svc.settings.base_url()}/calendars/{token}/meetings.ics"


def member_feed_url(svc: Services, member_token: str) -> str:
    return f"{svc.settings.base_url()}/apologies/{member_token}/meetings.ics"


@router.get("/apologies/{token}/meetings.ics")
async def member_feed(accounts: ACCOUNTS, linked: LINKED_MEMBER) -> Response:
    group = linked.group
    today = accounts.today(group.time_zone)
    apologised = await to_thread.run_sync(accounts.groups.apology_dates, linked.member_id, today)
    return await _feed(accounts, group, apologised)


@router.get("/calendars/{token}/meetings.ics")
async def facilitator_feed(
    token: str, request: Request, svc: SERVICES, accounts: ACCOUNTS
) -> Response:
    try:
        group_id, account_id = _signer(svc).loads(token)
    except (BadSignature, ValueError, TypeError) as forged:
        raise FeedGone from forged
    group = await to_thread.run_sync(accounts.groups.get_for, str(group_id), str(account_id))
    if group is None:
        raise FeedGone
    svc.languages.speak_for_group(request, group.language)
    return await _feed(accounts, group, frozenset())


@router.get("/groups/{group_id}/meetings.ics")
async def signed_in_feed(accounts: ACCOUNTS, mine: FACILITATING) -> Response:
    """The same feed, for a facilitator who opens it from the group page while signed in."""
    return await _feed(accounts, mine.group, frozenset())


async def _feed(accounts: AccountServices, group: Group, apologised: frozenset[date]) -> Response:
    # Imported on the first feed asked for, not at start-up: icalendar is a twentieth of it.
    from app.groups.calendar_feed import GroupMeetings, meetings_feed

    today = accounts.today(group.time_zone)
    length = await to_thread.run_sync(_length_of, accounts, group.template_key)
    changes = await to_thread.run_sync(accounts.groups.meeting_changes, group.id, today)
    hours, minutes = (int(part) for part in group.meeting_time.split(":")[:2])
    meetings = GroupMeetings(
        group_id=group.id,
        name=group.name,
        meeting_time=time(hours, minutes),
        zone=ZoneInfo(group.time_zone),
        zone_name=group.time_zone,
        length=length,
        venue=None if group.online else group.venue or None,
    )
    feed = meetings_feed(
        meetings,
        upcoming_meetings(group.first_meeting_on, group.meeting_pattern, today, MEETINGS_AHEAD),
        datetime.fromtimestamp(accounts.clock(), UTC),
        apologised,
        changes,
        feed_words(),
    )
    return Response(feed, media_type=ICALENDAR, headers={"Cache-Control": "private, max-age=300"})


def _length_of(accounts: AccountServices, template_key: str) -> timedelta:
    stored = accounts.templates.latest(template_key)
    if stored is None:
        return USUAL_LENGTH
    return timedelta(minutes=sum(stage.minutes for stage in stored.template.stages))
