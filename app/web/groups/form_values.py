"""What a group form's fields must be: dates, wording and time zones, checked kindly."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from functools import cache
from zoneinfo import available_timezones

from app.groups.time_zones import NO_ZONE, UNKNOWN_ZONE, close_zones, zone_named
from app.plain_text import control_character_problem
from app.translatable import translatable
from app.web.languages import gettext, translated
from app.web.local_time import either_words

MAX_DETAIL = 300
ENTER = translatable("Please enter %(what)s.")
KEEP_SHORT = translatable("Please keep %(what)s to %(limit)s characters or fewer.")
CHECK = translatable("Please check %(what)s: %(problem)s")
DID_YOU_MEAN = translatable("We couldn't find that time zone. Did you mean %(zones)s?")


@cache
def known_zones() -> frozenset[str]:
    """Every IANA time zone this server knows (the system's database, or the tzdata package)."""
    return frozenset(available_timezones())


def parse_date(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None


def text_problem(text: str, what: str, limit: int = MAX_DETAIL) -> str | None:
    """What to change about a field's words, in the page's language; `what` names the field
    ("the venue"), marked translatable where it is written."""
    if not text:
        return gettext(ENTER) % {"what": gettext(what)}
    if len(text) > limit:
        return gettext(KEEP_SHORT) % {"what": gettext(what), "limit": limit}
    problem = control_character_problem(text)
    return (
        None
        if problem is None
        else gettext(CHECK) % {"what": gettext(what), "problem": translated(problem)}
    )


def zone_problem(typed: str, known: Collection[str]) -> str | None:
    """None for a zone among `known`; otherwise what to say, kindly, in the page's language,
    naming what they may have meant."""
    if zone_named(typed, known) is not None:
        return None
    if not typed.strip():
        return gettext(NO_ZONE)
    close = close_zones(typed, known)
    if not close:
        return gettext(UNKNOWN_ZONE)
    return gettext(DID_YOU_MEAN) % {"zones": either_words(close)}
