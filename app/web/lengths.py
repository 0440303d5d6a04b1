"""Lengths of time and shares said in words, in the language of the page at hand: "under a
minute", "12 min", "2 min 5 s", "45%". How long each length is stays in
app/timekeeping/time_text.py, so every screen rounds alike; only the words are here."""

from __future__ import annotations

from babel import Locale, UnknownLocaleError
from babel.numbers import format_percent

from app.timekeeping.time_text import minutes_and_seconds, rounded_minutes
from app.translatable import translatable
from app.web.languages import SOURCE_LANGUAGE, current_language, gettext

UNDER_A_MINUTE = translatable("under a minute")
MINUTES = translatable("%(minutes)s min")
SECONDS = translatable("%(seconds)s s")
MINUTES_AND_SECONDS = translatable("%(minutes)s min %(seconds)s s")
PERCENT = translatable("%(percent)s%%")


def minutes_words(seconds: float) -> str:
    """A calm length for planned items and airtime (the `minutes` filter)."""
    minutes = rounded_minutes(seconds)
    if minutes is None:
        return gettext(UNDER_A_MINUTE)
    return gettext(MINUTES) % {"minutes": minutes}


def duration_words(seconds: float) -> str:
    """A length said in passing, to the second (the `duration` filter)."""
    minutes, secs = minutes_and_seconds(seconds)
    if minutes == 0:
        return gettext(SECONDS) % {"seconds": secs}
    if secs == 0:
        return gettext(MINUTES) % {"minutes": minutes}
    return gettext(MINUTES_AND_SECONDS) % {"minutes": minutes, "seconds": secs}


def percent_words(share: float) -> str:
    """A share of a whole (0.45 → "45%"; Spanish "45 %"), as the page's language writes it
    (the `percent` filter): the Unicode CLDR's way where it knows the language, else from the
    catalog."""
    language = current_language()
    if language != SOURCE_LANGUAGE:
        try:
            return format_percent(share, locale=Locale.parse(language, sep="-"))
        except (ValueError, UnknownLocaleError):
            pass
    return gettext(PERCENT) % {"percent": round(share * 100)}
