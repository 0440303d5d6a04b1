"""What an account is called and reached by, checked before anything is stored."""

from __future__ import annotations

import re

from app.plain_text import control_character_problem
from app.translatable import Words, translatable

MAX_EMAIL_LENGTH = 254
MAX_DISPLAY_NAME_LENGTH = 40
_MARKUP = re.compile(r"[<>]")
_EMAIL = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")
# What a name is, said inside the sentences below; a caller's own is Words too, to be
# translated with them ("the group's name").
YOUR_NAME = Words("your name")


def normalise_email(email: str) -> str:
    return email.strip().lower()


def email_problem(email: str) -> str | None:
    if not email or len(email) > MAX_EMAIL_LENGTH or not _EMAIL.match(email):
        return translatable("Please enter your email address, such as sam@example.org.")
    return None


def name_problem(
    name: str, what: str = YOUR_NAME, limit: int = MAX_DISPLAY_NAME_LENGTH
) -> str | None:
    """Names are plain text of a sensible length; markup is shown as typed, never run."""
    if not name:
        return Words("Please enter %(what)s.", what=what)
    if len(name) > limit:
        return Words(
            "Please keep %(what)s to %(limit)s characters or fewer.", what=what, limit=str(limit)
        )
    problem = control_character_problem(name)
    if problem is not None:
        return Words("Please check %(what)s: %(problem)s", what=what, problem=problem)
    if _MARKUP.search(name):
        return Words("Please write %(what)s without < or > signs.", what=what)
    return None
