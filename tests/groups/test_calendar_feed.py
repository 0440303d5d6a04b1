"""A group's meetings as iCalendar: parsed back with the library, across daylight saving time."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from app.groups.calendar_feed import GroupMeetings, meetings_feed
from app.groups.cancellations import MeetingChange
from app.groups.rules import MeetingPattern, upcoming_meetings
from tests.support.calendars import meetings_in

MADE_AT = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)

# Each zone's clocks change between the first and the last of these weekly meetings.
ACROSS_A_CHANGE = {
    "Pacific/Auckland": date(2026, 3, 24),  # NZDT ends on 5 April
    "America/Chicago": date(2026, 2, 24),  # CDT starts on 8 March
    "Europe/London": date(2026, 3, 17),  # BST starts on 29 March
}


def group_in(zone: str, venue: str | None = "Community hall") -> GroupMeetings:
    return GroupMeetings(
        group_id="g1",
        name="Riverside",
        meeting_time=time(19, 0),
        zone=ZoneInfo(zone),
        zone_name=zone,
        length=timedelta(minutes=90),
        venue=venue,
    )


def parsed(feed: bytes) -> Calendar:
    return Calendar.from_ical(feed)


@pytest.mark.parametrize("zone", sorted(ACROSS_A_CHANGE))
def test_every_meeting_is_at_seven_local_time_on_both_sides_of_a_clock_change(zone: str) -> None:
    meetings = upcoming_meetings(ACROSS_A_CHANGE[zone], MeetingPattern.WEEKLY, MADE_AT.date(), 4)
    feed = meetings_feed(group_in(zone), meetings, MADE_AT)
    calendar = parsed(feed)

    starts = [start for start, _, _ in meetings_in(feed)]
    assert [start.date() for start in starts] == meetings
    assert {(start.hour, start.minute) for start in starts} == {(19, 0)}
    assert {str(start.tzinfo) for start in starts} == {zone}
    assert len({start.utcoffset() for start in starts}) == 2  # the clocks did change
    assert [end - start for start, end, _ in meetings_in(feed)] == [timedelta(minutes=90)] * 4
    assert [tz.tz_name for tz in calendar.timezones] == [zone]
    assert calendar["X-WR-CALNAME"] == "Riverside"


def test_a_meeting_keeps_its_uid_from_one_fetch_to_the_next_and_no_two_share_one() -> None:
    meetings = upcoming_meetings(date(2026, 3, 3), MeetingPattern.FORTNIGHTLY, MADE_AT.date(), 6)
    first = parsed(meetings_feed(group_in("Europe/London"), meetings, MADE_AT))
    later = parsed(meetings_feed(group_in("Europe/London"), meetings, MADE_AT + timedelta(days=1)))

    uids = [str(event["UID"]) for event in first.events]
    assert uids == [str(event["UID"]) for event in later.events]
    assert len(set(uids)) == len(uids) == 6


def test_a_meeting_the_member_sent_apologies_for_says_so_and_leaves_their_time_free() -> None:
    meetings = [date(2026, 3, 3), date(2026, 3, 10)]
    feed = meetings_feed(group_in("America/Chicago"), meetings, MADE_AT, frozenset(meetings[1:]))
    kept, missed = parsed(feed).events

    assert str(kept["SUMMARY"]) == "Riverside"
    assert "TRANSP" not in kept
    assert str(missed["SUMMARY"]) == "Riverside (apologies sent)"
    assert str(missed["TRANSP"]) == "TRANSPARENT"


def test_an_online_group_meets_online_and_no_feed_names_anyone() -> None:
    feed = meetings_feed(group_in("Europe/London", venue=None), [date(2026, 3, 3)], MADE_AT)
    (event,) = parsed(feed).events

    assert str(event["LOCATION"]) == "Online"
    assert set(event) == {"UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY", "LOCATION", "STATUS"}


def change_on(on: date, *, cancelled: bool, revision: int, reason: str = "") -> MeetingChange:
    return MeetingChange(
        meeting_on=on, cancelled=cancelled, reason=reason, revision=revision, changed_at=1.8e9
    )


@pytest.mark.parametrize(
    ("zone", "cancelled_on"),
    [
        ("Pacific/Auckland", date(2026, 4, 7)),  # the first meeting after NZDT ends
        ("America/Chicago", date(2026, 3, 10)),  # the first meeting after CDT starts
    ],
)
def test_a_cancelled_meeting_stays_the_same_event_and_is_confirmed_again_once_restored(
    zone: str, cancelled_on: date
) -> None:
    meetings = upcoming_meetings(ACROSS_A_CHANGE[zone], MeetingPattern.WEEKLY, MADE_AT.date(), 4)
    assert cancelled_on in meetings
    cancelled = change_on(cancelled_on, cancelled=True, revision=1, reason="Easter holidays")
    restored = change_on(cancelled_on, cancelled=False, revision=2)

    before = parsed(meetings_feed(group_in(zone), meetings, MADE_AT)).events
    during = parsed(
        meetings_feed(group_in(zone), meetings, MADE_AT, changes={cancelled_on: cancelled})
    ).events
    after = parsed(
        meetings_feed(group_in(zone), meetings, MADE_AT, changes={cancelled_on: restored})
    ).events

    at = meetings.index(cancelled_on)
    assert [str(e["UID"]) for e in before] == [str(e["UID"]) for e in during]
    assert [str(e["UID"]) for e in during] == [str(e["UID"]) for e in after]
    assert [str(e["STATUS"]) for e in during] == [
        "CANCELLED" if i == at else "CONFIRMED" for i in range(4)
    ]
    event = during[at]
    assert event.start == datetime.combine(cancelled_on, time(19, 0), tzinfo=ZoneInfo(zone))
    assert str(event["SUMMARY"]) == "Cancelled: Riverside"
    day = f"{cancelled_on:%A} {cancelled_on.day} {cancelled_on:%B}"
    assert str(event["DESCRIPTION"]) == f"No meeting on {day}: Easter holidays."
    assert str(event["TRANSP"]) == "TRANSPARENT"
    assert "SEQUENCE" not in before[at]
    assert (event["SEQUENCE"], after[at]["SEQUENCE"]) == (1, 2)
    assert str(after[at]["STATUS"]) == "CONFIRMED"
    assert str(after[at]["SUMMARY"]) == "Riverside"
    assert "DESCRIPTION" not in after[at]
    assert "TRANSP" not in after[at]


def test_a_meeting_cancelled_without_a_reason_says_only_that_and_outranks_an_apology() -> None:
    on = date(2026, 3, 3)
    feed = meetings_feed(
        group_in("Europe/London"),
        [on],
        MADE_AT,
        frozenset({on}),
        {on: change_on(on, cancelled=True, revision=3)},
    )
    (event,) = parsed(feed).events

    assert str(event["STATUS"]) == "CANCELLED"
    assert str(event["SUMMARY"]) == "Cancelled: Riverside"
    assert str(event["DESCRIPTION"]) == "No meeting on Tuesday 3 March."
    assert event["SEQUENCE"] == 3
