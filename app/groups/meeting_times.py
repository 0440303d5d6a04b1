"""When a group meets, as an instant and as the words people read, in the group's own zone.

A group meets at a wall-clock time in its time zone ("18:30 in Pacific/Auckland"), so the
instant of a meeting moves against UTC when the zone changes to or from daylight saving time,
and the words stay "6:30 pm". Pages show these words and, beside them, the instant (ISO 8601,
UTC), from which the browser adds the time where the viewer is (static/js/meeting-times.js,
written to the same rule as local_text() and checked against it).

Pure: the zone rules come from the IANA database (zoneinfo), and nothing reads the clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo


def meeting_instant(on: date, at: str, zone: str) -> datetime:
    """The instant (UTC) of a meeting on `on` at `at` ("HH:MM") on the group's wall clock.

    A time that does not exist that day (skipped when the clocks go forward) is read with the
    offset before the change, as zoneinfo does, so it lands an hour later on the wall clock.
    """
    hours, minutes = (int(part) for part in at.split(":"))
    local = datetime.combine(on, time(hours, minutes), tzinfo=ZoneInfo(zone))
    return local.astimezone(UTC)


def time_of_day_text(moment: datetime | time) -> str:
    """ "7:00 pm", "12:15 am": the hour people say, without a leading zero."""
    hour = moment.hour % 12 or 12
    return f"{hour}:{moment.minute:02d} {'am' if moment.hour < 12 else 'pm'}"


def day_text(moment: date) -> str:
    """ "Tuesday 8 December"."""
    return f"{moment:%A} {moment.day} {moment:%B}"


def local_text(instant: datetime, zone: str) -> str:
    """ "Tuesday 8 December, 7:00 pm": the instant on the wall clock of `zone`."""
    moment = instant.astimezone(ZoneInfo(zone))
    return f"{day_text(moment)}, {time_of_day_text(moment)}"


def place_of(zone: str) -> str:
    """The place a zone is named after: "Pacific/Auckland" -> "Auckland", "America/
    Argentina/Buenos_Aires" -> "Buenos Aires"; a zone not named after a place stays as it is."""
    return zone.rsplit("/", 1)[-1].replace("_", " ")


@dataclass(frozen=True, slots=True)
class MeetingTime:
    """A meeting as a page shows it: its date and the words in the group's zone, and the
    instant itself."""

    on: date
    instant: datetime
    zone: str

    @property
    def iso(self) -> str:
        """The instant for the browser, "2026-12-08T06:00:00Z"."""
        return self.instant.strftime("%Y-%m-%dT%H:%M:%SZ")

    @property
    def text(self) -> str:
        return local_text(self.instant, self.zone)

    @property
    def place(self) -> str:
        return place_of(self.zone)


def meeting_time(on: date, at: str, zone: str) -> MeetingTime:
    return MeetingTime(on=on, instant=meeting_instant(on, at, zone), zone=zone)
