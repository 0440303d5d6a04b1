"""Times said as the room's clocks read them ("Back at 7:45 pm"), in a group's time zone or,
for a session without a group, the server's (Settings.time_zone)."""

from __future__ import annotations

import math
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale, UnknownLocaleError
from babel.dates import format_time

from app.translatable import translatable
from app.web.languages import SOURCE_LANGUAGE, current_language, gettext

AM = translatable("%(time)s am")
PM = translatable("%(time)s pm")


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
    """The minute at or just after `at` (seconds since the epoch), as this page's language says
    a time: rounded up, so that whoever is back by the time shown is back in time. English on a
    12-hour clock ("7:45 pm"); a language the Unicode CLDR knows as its people write it
    (Spanish "19:45"); any other on the English clock, its "am"/"pm" from its catalog."""
    minute = datetime.fromtimestamp(math.ceil(at / 60) * 60, zone)
    language = current_language()
    if language != SOURCE_LANGUAGE:
        try:
            return format_time(minute, format="short", locale=Locale.parse(language, sep="-"))
        except (ValueError, UnknownLocaleError):
            pass
    hour_minute = f"{minute.hour % 12 or 12}:{minute.minute:02d}"
    half = AM if minute.hour < 12 else PM
    return gettext(half) % {"time": hour_minute}


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
