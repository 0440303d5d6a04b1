"""A group's meetings as an iCalendar feed (RFC 5545), for a calendar app to subscribe to.

Pure: the meeting dates, the zone and the moment the feed is made are passed in. Each meeting
is its own event at the group's local time, so a change of daylight saving time never moves a
meeting, and the zone's rules travel with the feed (VTIMEZONE) for apps that do not know them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from icalendar import Calendar, Event

PRODUCT_ID = "-//Peer Rounds//Group meetings//EN"
# Apps ask again about this often; any sooner is wasted on a weekly calendar.
REFRESH_INTERVAL = timedelta(hours=6)


@dataclass(frozen=True, slots=True)
class GroupMeetings:
    """What a feed says about a group: never a member's name, nor anything said."""

    group_id: str
    name: str
    meeting_time: time
    zone: tzinfo
    zone_name: str
    length: timedelta
    # Where: the venue, or None for a group that meets online (the link is given at the time).
    venue: str | None


def meetings_feed(
    group: GroupMeetings,
    meetings: Iterable[date],
    made_at: datetime,
    apologised_for: frozenset[date] = frozenset(),
) -> bytes:
    """The feed of ``meetings``; those in ``apologised_for`` (a member's own feed) say so and
    do not block the member's time."""
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", group.name)
    calendar.add("x-wr-timezone", group.zone_name)
    calendar.add("refresh-interval", REFRESH_INTERVAL, parameters={"VALUE": "DURATION"})
    for meeting_on in meetings:
        calendar.add_component(_meeting(group, meeting_on, made_at, meeting_on in apologised_for))
    calendar.add_missing_timezones()
    feed: bytes = calendar.to_ical()
    return feed


def _meeting(group: GroupMeetings, meeting_on: date, made_at: datetime, apologised: bool) -> Event:
    starts = datetime.combine(meeting_on, group.meeting_time, tzinfo=group.zone)
    event = Event()
    # Stable across every fetch, so an app updates the meeting instead of adding it twice.
    event.add("uid", f"{group.group_id}-{meeting_on.isoformat()}@peer-rounds")
    event.add("dtstamp", made_at)
    event.add("dtstart", starts)
    event.add("dtend", starts + group.length)
    event.add("summary", f"{group.name} (apologies sent)" if apologised else group.name)
    event.add("location", group.venue or "Online")
    if apologised:
        event.add("transp", "TRANSPARENT")
        event.add("description", "You sent apologies for this meeting. You are missed.")
    return event
