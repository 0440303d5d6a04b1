"""Durations people type in minutes, read and shown at the web's edge.

Facilitators think of an agenda item or a share in minutes ("2.5 minutes"), so every form asks
for minutes: the group pages' agenda items and the console's timing settings. The engine keeps
its own units (an agenda item's minutes, a setting's seconds); only this module converts.
"""

from __future__ import annotations

import re

# Digits with an optional fraction, the decimal mark a point or (as some keyboards type it) a
# comma. No signs, exponents, "inf" or "nan", which float() would accept.
MINUTES = re.compile(r"\d{1,5}(?:[.,]\d*)?|[.,]\d+")


def minutes_in(text: str) -> float:
    """The minutes `text` says ("10", "2.5", "2,5"); ValueError if it says none."""
    cleaned = text.strip()
    if not MINUTES.fullmatch(cleaned):
        raise ValueError(f"not a number of minutes: {cleaned[:20]!r}")
    return float(cleaned.replace(",", "."))


def seconds_in(text: str) -> float:
    """The length `text` says in minutes, in whole seconds (a form never needs finer)."""
    return float(round(minutes_in(text) * 60))


def minutes_value(seconds: float) -> str:
    """What a minutes field shows for `seconds`: "5", "0.5", "0.75", "0.67".

    Two decimals are enough to come back to the same whole second (seconds_in()), and few
    enough to read at a glance.
    """
    return f"{seconds / 60:.2f}".rstrip("0").rstrip(".")
