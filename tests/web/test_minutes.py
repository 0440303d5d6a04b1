"""Durations typed in minutes (app/web/minutes.py): one reading for the console's timing
settings and the group pages' agenda items."""

from __future__ import annotations

import pytest

from app.web.minutes import minutes_in, minutes_value, seconds_in


@pytest.mark.parametrize(
    ("typed", "minutes"),
    [("10", 10.0), ("2.5", 2.5), ("2,5", 2.5), (" 0.75 ", 0.75), (".5", 0.5), ("3.", 3.0)],
)
def test_minutes_are_read_as_people_type_them(typed: str, minutes: float) -> None:
    assert minutes_in(typed) == minutes


@pytest.mark.parametrize("typed", ["", "soon", "-1", "+2", "1e3", "nan", "inf", "1:30", "2.5.1"])
def test_anything_else_is_not_minutes(typed: str) -> None:
    with pytest.raises(ValueError, match="not a number of minutes"):
        minutes_in(typed)


def test_every_whole_second_comes_back_from_the_minutes_shown() -> None:
    assert [minutes_value(s) for s in (0, 30, 45, 60, 90, 300, 40)] == [
        "0", "0.5", "0.75", "1", "1.5", "5", "0.67",
    ]  # fmt: skip
    assert all(seconds_in(minutes_value(s)) == s for s in range(3601))
