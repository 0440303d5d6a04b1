"""What a group form's fields must be: dates, wording and time zones, checked kindly."""

from __future__ import annotations

from datetime import date
from functools import cache
from zoneinfo import available_timezones

from app.plain_text import control_character_problem

MAX_DETAIL = 300


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
    if not text:
        return f"Please enter {what}."
    if len(text) > limit:
        return f"Please keep {what} to {limit} characters or fewer."
    problem = control_character_problem(text)
    return None if problem is None else f"Please check {what}: {problem}"
