"""What a group form's fields must be: dates, wording and time zones, checked kindly."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from app.plain_text import control_character_problem

MAX_DETAIL = 300


def known_zone(name: str) -> bool:
    if not name or len(name) > 64:
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


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
