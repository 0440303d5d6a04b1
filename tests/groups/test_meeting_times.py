"""When a group meets, across daylight saving changes (issue 17), and its time zone as typed.

Rules:
- A meeting is at its wall-clock time in the group's zone on every date: across a change of
  the clocks its words stay "7:00 pm" and its instant moves by the change.
- A wall-clock time skipped when the clocks go forward is read an hour later; a time that
  happens twice when they go back is the first of the two.
- A zone typed in any case, with spaces for underscores, is that zone; a place's name alone is
  not a zone, and the answer names the zone of that place.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo, available_timezones

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.groups.meeting_times import (
    day_text,
    local_text,
    meeting_instant,
    meeting_time,
    place_of,
    time_of_day_text,
)
from app.groups.time_zones import close_zones, pickable_zones, zone_named
from app.web.groups.form_values import zone_problem

ZONES = ("Pacific/Auckland", "America/Chicago", "Europe/London")
KNOWN = frozenset(available_timezones())


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.mark.parametrize(
    ("zone", "before", "after", "instant_before", "instant_after"),
    [
        # New Zealand daylight time starts on Sunday 27 September 2026 (+12 -> +13).
        (
            "Pacific/Auckland",
            date(2026, 9, 22),
            date(2026, 9, 29),
            "2026-09-22T07:00",
            "2026-09-29T06:00",
        ),
        # ...and ends on Sunday 5 April 2026 (+13 -> +12).
        (
            "Pacific/Auckland",
            date(2026, 3, 31),
            date(2026, 4, 7),
            "2026-03-31T06:00",
            "2026-04-07T07:00",
        ),
        # Chicago goes back on Sunday 1 November 2026 (-5 -> -6): the UTC date moves too.
        (
            "America/Chicago",
            date(2026, 10, 27),
            date(2026, 11, 3),
            "2026-10-28T00:00",
            "2026-11-04T01:00",
        ),
        # ...and forward on Sunday 8 March 2026 (-6 -> -5).
        (
            "America/Chicago",
            date(2026, 3, 3),
            date(2026, 3, 10),
            "2026-03-04T01:00",
            "2026-03-11T00:00",
        ),
        # British Summer Time ends on Sunday 25 October 2026 (+1 -> 0).
        (
            "Europe/London",
            date(2026, 10, 20),
            date(2026, 10, 27),
            "2026-10-20T18:00",
            "2026-10-27T19:00",
        ),
        # ...and starts on Sunday 29 March 2026 (0 -> +1).
        (
            "Europe/London",
            date(2026, 3, 24),
            date(2026, 3, 31),
            "2026-03-24T19:00",
            "2026-03-31T18:00",
        ),
    ],
)
def test_a_weekly_meeting_keeps_its_wall_clock_time_across_a_change_of_the_clocks(
    zone: str, before: date, after: date, instant_before: str, instant_after: str
) -> None:
    first, second = meeting_time(before, "19:00", zone), meeting_time(after, "19:00", zone)

    assert (first.instant, second.instant) == (utc(instant_before), utc(instant_after))
    assert first.text.endswith(", 7:00 pm")
    assert second.text.endswith(", 7:00 pm")
    assert second.text.startswith(day_text(after))
    assert abs((second.instant - first.instant) - timedelta(weeks=1)) == timedelta(hours=1)


def test_a_meeting_is_read_in_another_zone_with_both_changes_of_the_clocks() -> None:
    """An Auckland group's Tuesday 7 pm, for a member in London, around both zones' changes."""
    seen = [
        local_text(meeting_instant(on, "19:00", "Pacific/Auckland"), "Europe/London")
        for on in (date(2026, 9, 22), date(2026, 9, 29), date(2026, 10, 20), date(2026, 10, 27))
    ]

    assert seen == [
        "Tuesday 22 September, 8:00 am",  # NZST +12, BST +1
        "Tuesday 29 September, 7:00 am",  # NZDT +13, BST +1
        "Tuesday 20 October, 7:00 am",  # NZDT +13, BST +1
        "Tuesday 27 October, 6:00 am",  # NZDT +13, GMT
    ]


def test_a_skipped_time_is_read_an_hour_later_and_a_repeated_one_is_the_first() -> None:
    skipped = meeting_instant(date(2026, 9, 27), "02:30", "Pacific/Auckland")
    repeated = meeting_instant(date(2026, 10, 25), "01:30", "Europe/London")

    assert local_text(skipped, "Pacific/Auckland") == "Sunday 27 September, 3:30 am"
    assert repeated == utc("2026-10-25T00:30")  # 01:30 BST, before the clocks go back


@given(
    on=st.dates(min_value=date(2000, 1, 1), max_value=date(2037, 12, 31)),
    hour=st.integers(0, 23),
    minute=st.integers(0, 59),
    zone=st.sampled_from(ZONES),
)
def test_a_meeting_reads_as_its_own_date_and_time_unless_the_clocks_skip_it(
    on: date, hour: int, minute: int, zone: str
) -> None:
    at = f"{hour:02d}:{minute:02d}"
    wall = datetime(on.year, on.month, on.day, hour, minute)
    instant = meeting_instant(on, at, zone)
    read = instant.astimezone(ZoneInfo(zone)).replace(tzinfo=None)
    an_hour_on = (datetime.combine(on, wall.time()) + timedelta(hours=1)).time()

    if read == wall:
        assert local_text(instant, zone) == f"{day_text(on)}, {time_of_day_text(wall)}"
    else:  # a time the clocks skipped: an hour later, on an offset that changed that hour
        assert read.time() == an_hour_on
        before = (instant - timedelta(hours=1)).astimezone(ZoneInfo(zone)).utcoffset()
        assert before != instant.astimezone(ZoneInfo(zone)).utcoffset()


def test_times_of_day_are_said_as_people_say_them() -> None:
    said = [
        time_of_day_text(datetime(2026, 1, 1, h, m))
        for h, m in ((0, 5), (9, 0), (12, 0), (18, 30), (23, 59))
    ]

    assert said == ["12:05 am", "9:00 am", "12:00 pm", "6:30 pm", "11:59 pm"]


def test_a_zone_is_named_after_its_place() -> None:
    places = [place_of(z) for z in ("Pacific/Auckland", "America/Argentina/Buenos_Aires", "UTC")]

    assert places == ["Auckland", "Buenos Aires", "UTC"]


@given(zone=st.sampled_from(sorted(KNOWN)), upper=st.booleans(), spaces=st.booleans())
def test_a_zone_typed_in_any_case_with_spaces_is_that_zone(
    zone: str, upper: bool, spaces: bool
) -> None:
    typed = zone.upper() if upper else zone.lower()
    typed = typed.replace("_", " ") if spaces else typed

    assert zone_named(f" {typed} ", KNOWN) == zone
    assert zone_problem(typed, KNOWN) is None


@given(zone=st.sampled_from(pickable_zones(KNOWN)))
def test_a_place_alone_is_answered_with_its_zone(zone: str) -> None:
    place = place_of(zone)

    if zone_named(place, KNOWN) is None:  # not also a zone's name itself (UTC, Kwajalein)
        assert zone in close_zones(place, KNOWN)
        assert zone in (zone_problem(place, KNOWN) or "")


@pytest.mark.parametrize(
    ("typed", "answer"),
    [
        ("Auckland", "We couldn't find that time zone. Did you mean Pacific/Auckland?"),
        ("Pacific/Aukland", "Did you mean Pacific/Auckland"),
        ("chicago", "Did you mean America/Chicago?"),
        ("Londn", "Did you mean Europe/London"),
        ("Mars/Olympus_Mons", "Please choose one from the list"),
        ("", "Please choose the group's time zone"),
        ("x" * 500, "We couldn't find that time zone"),
    ],
)
def test_a_zone_not_found_is_answered_kindly_with_the_close_ones(typed: str, answer: str) -> None:
    problem = zone_problem(typed, KNOWN)

    assert problem is not None
    assert answer in problem


def test_the_picker_lists_places_and_utc_not_old_aliases() -> None:
    listed = pickable_zones(KNOWN)

    assert {"Pacific/Auckland", "America/Chicago", "Europe/London", "UTC"} <= set(listed)
    assert not {"NZ", "US/Central", "GB", "Etc/GMT+5"} & set(listed)
    assert listed == sorted(listed)
