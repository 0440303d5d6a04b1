"""Reading a calendar feed back with the library that wrote it."""

from __future__ import annotations

from datetime import datetime

from icalendar import Calendar


def meetings_in(feed: bytes) -> list[tuple[datetime, datetime, str]]:
    """Each event's start, end and summary; every meeting has a time, never a whole day."""
    found = []
    for event in Calendar.from_ical(feed).events:
        start, end = event.start, event.end
        assert isinstance(start, datetime), start
        assert isinstance(end, datetime), end
        found.append((start, end, str(event["SUMMARY"])))
    return found
