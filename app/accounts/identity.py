"""What an account is called and reached by, checked before anything is stored."""

from __future__ import annotations

import re

from app.plain_text import control_character_problem

MAX_EMAIL_LENGTH = 254
MAX_DISPLAY_NAME_LENGTH = 40
_MARKUP = re.compile(r"[<>]")
_EMAIL = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")


def normalise_email(email: str) -> str:
    return email.strip().lower()


def email_problem(email: str) -> str | None:
    if not email or len(email) > MAX_EMAIL_LENGTH or not _EMAIL.match(email):
        return "Please enter your email address, such as sam@example.org."
    return None


def name_problem(
    name: str, what: str = "your name", limit: int = MAX_DISPLAY_NAME_LENGTH
) -> str | None:
    """Names are plain text of a sensible length; markup is shown as typed, never run."""
    if not name:
        return f"Please enter {what}."
    if len(name) > limit:
        return f"Please keep {what} to {limit} characters or fewer."
    problem = control_character_problem(name)
    if problem is not None:
        return f"Please check {what}: {problem}"
    if _MARKUP.search(name):
        return f"Please write {what} without < or > signs."
    return None
