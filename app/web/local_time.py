"""Times and dates said as the page's language says them: a break's "Back at 7:45 pm" in a
group's time zone or, for a session without a group, the server's (Settings.time_zone); a
group's days and meetings ("Tuesday 8 December, 7:00 pm in Auckland", Spanish "martes 8 de
diciembre, 19:00 en Auckland"); lists of names ("Priya, Tom y Lee")."""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import date, datetime, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_time
from babel.lists import format_list

from app.groups.meeting_times import MeetingTime
from app.translatable import translatable
from app.web.languages import SOURCE_LANGUAGE, current_language, gettext

AM = translatable("%(time)s am")
PM = translatable("%(time)s pm")
# Unicode CLDR date patterns (EEEE the weekday, d the day, MMMM the month, y the year; words in
# single quotes stay as written): each language orders a date its own way.
DAY_PATTERN = translatable("EEEE d MMMM")
DATE_PATTERN = translatable("d MMMM y")
MONTH_PATTERN = translatable("MMMM y")
DAY_AND_TIME = translatable("%(day)s, %(time)s")
EITHER = translatable("%(some)s or %(last)s")


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
    return time_of_day_words(datetime.fromtimestamp(math.ceil(at / 60) * 60, zone))


def time_of_day_words(moment: datetime | time) -> str:
    """A wall-clock time as this page's language says it: English on a 12-hour clock
    ("7:45 pm"); a language the Unicode CLDR knows as its people write it (Spanish "19:45"); any
    other on the English clock, its "am"/"pm" from its catalog."""
    locale = _cldr_locale()
    if locale is not None:
        return format_time(moment, format="short", locale=locale)
    hour_minute = f"{moment.hour % 12 or 12}:{moment.minute:02d}"
    half = AM if moment.hour < 12 else PM
    return gettext(half) % {"time": hour_minute}


def day_words(on: date) -> str:
    """ "Tuesday 8 December", Spanish "martes 8 de diciembre" (the `day` filter)."""
    return _formatted(on, DAY_PATTERN)


def date_words(on: date) -> str:
    """ "8 December 2026", Spanish "8 de diciembre de 2026" (the `date` filter)."""
    return _formatted(on, DATE_PATTERN)


def month_words(on: date) -> str:
    """ "December 2026", Spanish "diciembre de 2026" (the `month` filter)."""
    return _formatted(on, MONTH_PATTERN)


def meeting_words(when: MeetingTime) -> str:
    """A meeting on the group's wall clock: "Tuesday 8 December, 7:00 pm" (the
    `meeting_words` filter; where it is said by the template)."""
    moment = when.instant.astimezone(ZoneInfo(when.zone))
    return gettext(DAY_AND_TIME) % {
        "day": day_words(moment.date()),
        "time": time_of_day_words(moment),
    }


def list_words(items: Iterable[str]) -> str:
    """Names listed as this page's language lists them (the `listed` filter): Spanish "Priya,
    Tom y Lee" (the Unicode CLDR's way); English, and a language CLDR does not know, with
    commas alone ("Priya, Tom, Lee"), which are no language's."""
    listed = list(items)
    locale = _cldr_locale()
    if locale is None or not listed:
        return ", ".join(listed)
    return format_list(listed, locale=locale)


def either_words(items: list[str]) -> str:
    """ "Europe/London or Europe/Lisbon": a choice among a few, as this page's language offers
    one (Spanish "… o …"); English, and a language the Unicode CLDR does not know, from the
    catalog's "or"."""
    locale = _cldr_locale()
    if locale is not None:
        return format_list(items, style="or", locale=locale)
    if len(items) == 1:
        return items[0]
    return gettext(EITHER) % {"some": ", ".join(items[:-1]), "last": items[-1]}


def _formatted(on: date, pattern: str) -> str:
    # Names of days and months from the language's CLDR data; one CLDR does not know (a
    # translator's new catalog) still has its own order, with English names.
    return format_date(on, gettext(pattern), locale=_cldr_locale() or Locale(SOURCE_LANGUAGE))


def _cldr_locale() -> Locale | None:
    """The Unicode CLDR's data for this page's language; None for English, said as the
    catalog's words have it, and for a language CLDR does not know."""
    language = current_language()
    if language == SOURCE_LANGUAGE:
        return None
    try:
        return Locale.parse(language, sep="-")
    except (ValueError, UnknownLocaleError):
        return None


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
