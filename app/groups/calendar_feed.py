"""A group's meetings as an iCalendar feed (RFC 5545), for a calendar app to subscribe to.

Pure: the meeting dates, the zone and the moment the feed is made are passed in. Each meeting
is its own event at the group's local time, so a change of daylight saving time never moves a
meeting, and the zone's rules travel with the feed (VTIMEZONE) for apps that do not know them.

A cancelled meeting stays in the feed as the same event (same UID) with STATUS:CANCELLED, so apps
strike it or remove it; restored, it is CONFIRMED again. Each change raises its SEQUENCE, which
is how RFC 5545 tells an app that this version of the event replaces the one it kept.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from icalendar import Calendar, Event

from app.groups.cancellations import MeetingChange
from app.groups.feed_words import ENGLISH, FeedWords

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
    changes: Mapping[date, MeetingChange] | None = None,
    words: FeedWords = ENGLISH,
) -> bytes:
    """The feed of ``meetings``; those in ``apologised_for`` (a member's own feed) say so and
    do not block the member's time; those ``changes`` names were cancelled, or restored."""
    changed = changes or {}
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", group.name)
    calendar.add("x-wr-timezone", group.zone_name)
    calendar.add("refresh-interval", REFRESH_INTERVAL, parameters={"VALUE": "DURATION"})
    for meeting_on in meetings:
        change = changed.get(meeting_on)
        calendar.add_component(
            _meeting(group, meeting_on, made_at, meeting_on in apologised_for, change, words)
        )
    calendar.add_missing_timezones()
    feed: bytes = calendar.to_ical()
    return feed


def _meeting(
    group: GroupMeetings,
    meeting_on: date,
    made_at: datetime,
    apologised: bool,
    change: MeetingChange | None,
    words: FeedWords,
) -> Event:
    starts = datetime.combine(meeting_on, group.meeting_time, tzinfo=group.zone)
    cancelled = change is not None and change.cancelled
    event = Event()
    # Stable across every fetch, so an app updates the meeting instead of adding it twice.
    event.add("uid", f"{group.group_id}-{meeting_on.isoformat()}@peer-rounds")
    event.add("dtstamp", made_at)
    event.add("dtstart", starts)
    event.add("dtend", starts + group.length)
    event.add("location", group.venue or words.online)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    if change is not None:
        event.add("sequence", change.revision)
        event.add("last-modified", datetime.fromtimestamp(change.changed_at, UTC))
    if cancelled and change is not None:
        event.add("summary", words.cancelled % {"group": group.name})
        event.add("description", f"{words.no_meeting(change)}.")
    elif apologised:
        event.add("summary", words.apologies_sent % {"group": group.name})
        event.add("description", words.missed)
    else:
        event.add("summary", group.name)
    if cancelled or apologised:
        # Nobody is expected there: the time stays free in the person's calendar.
        event.add("transp", "TRANSPARENT")
    return event
