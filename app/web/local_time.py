"""Times said as the room's clocks read them ("Back at 7:45 pm"), in a group's time zone or,
for a session without a group, the server's (Settings.time_zone)."""

from __future__ import annotations

import math
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def zone_named(name: str | None) -> ZoneInfo | None:
    """The zone of that IANA name, or None when there is no name or the server does not know it:
    a screen then says no local time rather than a wrong one."""
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def back_at_text(at: float, zone: ZoneInfo) -> str:
    """The minute at or just after `at` (seconds since the epoch) on a 12-hour clock, "7:45 pm":
    rounded up, so that whoever is back by the time shown is back in time."""
    minute = datetime.fromtimestamp(math.ceil(at / 60) * 60, zone)
    return f"{minute.hour % 12 or 12}:{minute.minute:02d} {'am' if minute.hour < 12 else 'pm'}"


class LocalTime:
    """The `local_time` filter: `at | local_time(session_zone)` is the time in the session's
    zone, else the server's; empty when there is no time or no zone to say it in."""

    def __init__(self, server_zone: ZoneInfo | None) -> None:
        self._server_zone = server_zone

    def __call__(self, at: float | None, session_zone: str | None) -> str:
        zone = zone_named(session_zone) or self._server_zone
        if at is None or zone is None:
            return ""
        return back_at_text(at, zone)
