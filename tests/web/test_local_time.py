"""A break's "back at" time, and a group's days, meetings and lists, said as the page's language
says them (app/web/local_time.py)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from app.config import Settings
from app.groups.meeting_times import meeting_time
from app.web.languages import LOCALES_DIR, Languages
from app.web.local_time import (
    LocalTime,
    back_at_text,
    date_words,
    either_words,
    list_words,
    meeting_words,
    zone_named,
)
from app.web.rendering import make_templates

SHIPPED = Languages.from_directory(LOCALES_DIR)

# 22:13:20 UTC on Tuesday 14 November 2023.
AT = 1_700_000_000.0
# Zones whose offset never changes, so that a minute on the wall is always sixty seconds.
STEADY_ZONES = ("UTC", "Asia/Kolkata", "Asia/Kathmandu", "Etc/GMT+6", "Pacific/Chatham")


def test_the_time_is_said_on_a_twelve_hour_clock_in_the_zone() -> None:
    assert back_at_text(AT, ZoneInfo("America/Chicago")) == "4:14 pm"
    assert back_at_text(AT, ZoneInfo("Pacific/Auckland")) == "11:14 am"
    assert back_at_text(AT, ZoneInfo("Asia/Kathmandu")) == "3:59 am"
    midnight = datetime(2023, 11, 15, tzinfo=ZoneInfo("UTC")).timestamp()
    assert back_at_text(midnight, ZoneInfo("UTC")) == "12:00 am"
    assert back_at_text(midnight + 12 * 3600, ZoneInfo("UTC")) == "12:00 pm"
    assert back_at_text(midnight - 0.5, ZoneInfo("UTC")) == "12:00 am"


def test_spanish_says_the_time_as_spanish_clocks_read_it() -> None:
    with SHIPPED.speaking("es"):
        assert back_at_text(AT, ZoneInfo("America/Chicago")) == "16:14"
        assert back_at_text(AT, ZoneInfo("Pacific/Auckland")) == "11:14"


@given(
    at=st.floats(min_value=1.5e9, max_value=2.5e9, allow_nan=False),
    zone_name=st.sampled_from(STEADY_ZONES),
)
def test_whoever_is_back_by_the_time_shown_is_back_in_time(at: float, zone_name: str) -> None:
    """Rule: the minute shown is never before the break ends, and less than a minute after."""
    zone = ZoneInfo(zone_name)
    hours_minutes, half = back_at_text(at, zone).split(" ")
    hour, minute = (int(part) for part in hours_minutes.split(":"))
    assert 1 <= hour <= 12
    assert 0 <= minute < 60
    assert half in ("am", "pm")
    hour24 = hour % 12 + (12 if half == "pm" else 0)
    ends = datetime.fromtimestamp(at, zone)
    shown = ends.replace(hour=hour24, minute=minute, second=0, microsecond=0)
    if shown < ends - timedelta(hours=12):
        shown += timedelta(days=1)
    assert 0 <= shown.timestamp() - at < 60


def test_the_sessions_zone_comes_first_then_the_servers_and_else_nothing() -> None:
    on_a_server_in_chicago = LocalTime(zone_named("America/Chicago"))
    assert on_a_server_in_chicago(AT, "Pacific/Auckland") == "11:14 am"
    assert on_a_server_in_chicago(AT, None) == "4:14 pm"
    assert on_a_server_in_chicago(AT, "Not/AZone") == "4:14 pm"
    assert on_a_server_in_chicago(None, "Pacific/Auckland") == ""
    without_a_zone = LocalTime(None)
    assert without_a_zone(AT, None) == ""
    assert without_a_zone(AT, "Europe/London") == "10:14 pm"


def test_the_servers_zone_must_be_one_it_knows() -> None:
    assert Settings(time_zone="Europe/London").time_zone == "Europe/London"
    assert Settings().time_zone is None
    with pytest.raises(ValidationError, match="not a time zone this server knows"):
        Settings(time_zone="Mars/Olympus_Mons")


@pytest.mark.parametrize(
    ("language", "meeting", "day", "listed", "either"),
    [
        (
            "en",
            "Tuesday 8 December, 7:00 pm",
            "8 December 2026",
            "Priya, Tom, Lee",
            "Europe/London or Europe/Lisbon",
        ),
        (
            "es",
            "martes 8 de diciembre, 19:00",
            "8 de diciembre de 2026",
            "Priya, Tom y Lee",
            "Europe/London o Europe/Lisbon",
        ),
    ],
)
def test_a_groups_days_meetings_and_lists_are_said_as_the_language_says_them(
    language: str, meeting: str, day: str, listed: str, either: str
) -> None:
    auckland = meeting_time(date(2026, 12, 8), "19:00", "Pacific/Auckland")
    with SHIPPED.speaking(language):
        assert meeting_words(auckland) == meeting
        assert date_words(date(2026, 12, 8)) == day
        assert list_words(["Priya", "Tom", "Lee"]) == listed
        assert either_words(["Europe/London", "Europe/Lisbon"]) == either


def test_a_spanish_facilitator_reads_a_meeting_in_spanish() -> None:
    """The README's sentence, on the group page's macro: "where you are" is the browser's."""
    auckland = meeting_time(date(2026, 12, 8), "19:00", "Pacific/Auckland")
    macro = make_templates().env.from_string(
        '{% from "groups/_meeting_time.html" import meeting_time %}{{ meeting_time(when) }}'
    )
    with SHIPPED.speaking("es"):
        said = macro.render(when=auckland)
    assert ">martes 8 de diciembre, 19:00 en Auckland</time>" in said
