"""A group's time zone as people type it: the IANA name it means, or the names it is close to.

Rules (tests/groups/test_time_zones.py):
- A zone's own name is itself, however it is capitalised and with spaces for underscores
  ("america/new york" is America/New_York).
- Anything else is not a zone; the kind answer names up to three it may have meant: zones
  named after that place ("Auckland" -> Pacific/Auckland), then places it begins
  ("Auck"), then names spelled nearly the same ("Pacific/Aukland").

Pure: the zones known are passed in (the web layer reads them from zoneinfo once).
"""

from __future__ import annotations

from collections.abc import Collection
from difflib import get_close_matches

from app.groups.meeting_times import place_of
from app.translatable import translatable

MAX_ZONE_NAME = 64
SUGGESTED = 3
# The regions of the IANA database whose zones are named after places; the picker lists these
# (and UTC), not the old aliases such as "NZ" or "US/Central", which still work when typed.
REGIONS = (
    "Africa/",
    "America/",
    "Antarctica/",
    "Arctic/",
    "Asia/",
    "Atlantic/",
    "Australia/",
    "Europe/",
    "Indian/",
    "Pacific/",
)


def _folded(text: str) -> str:
    return text.strip().replace(" ", "_").casefold()


def zone_named(typed: str, known: Collection[str]) -> str | None:
    """The zone `typed` names, spelled as the database spells it; None if it names none."""
    if not typed.strip() or len(typed.strip()) > MAX_ZONE_NAME:
        return None
    wanted = _folded(typed)
    return next((zone for zone in sorted(known) if zone.casefold() == wanted), None)


def close_zones(typed: str, known: Collection[str]) -> list[str]:
    """Up to three zones someone who typed this may have meant, from the first rule that
    finds any: the place itself, places it begins, then names spelled nearly the same."""
    wanted = _folded(typed)[:MAX_ZONE_NAME]
    if not wanted:
        return []
    listed = pickable_zones(known)
    by_place: dict[str, list[str]] = {}
    for zone in listed:
        by_place.setdefault(_folded(place_of(zone)), []).append(zone)
    by_name = {zone.casefold(): zone for zone in listed}
    wanted_place = wanted.rsplit("/", 1)[-1]
    tiers = [
        by_place.get(wanted_place, []),
        [
            zone
            for place, zones in by_place.items()
            if place.startswith(wanted_place)
            for zone in zones
        ],
        [by_name[name] for name in get_close_matches(wanted, list(by_name), n=SUGGESTED)]
        + [
            zone
            for place in get_close_matches(wanted_place, list(by_place), n=SUGGESTED)
            for zone in by_place[place]
        ],
    ]
    found = next((tier for tier in tiers if tier), [])
    return list(dict.fromkeys(found))[:SUGGESTED]


def pickable_zones(known: Collection[str]) -> list[str]:
    """What the picker offers: UTC and every zone named after a place, in order."""
    return sorted(zone for zone in known if zone == "UTC" or zone.startswith(REGIONS))


NO_ZONE = translatable(
    "Please choose the group's time zone, such as Europe/London or Pacific/Auckland."
)
UNKNOWN_ZONE = translatable(
    "We couldn't find that time zone. Please choose one from the list, such as "
    "Europe/London, America/Chicago or Pacific/Auckland."
)
