"""How a number of seconds is written on every screen and in the timing summary."""

from __future__ import annotations

import math


def clock_text(seconds: float) -> str:
    """ "4:05", "1:02:03"; over time "+0:12".

    Exactly formatClock() in static/js/clock.js: the browser redraws each countdown from its
    timer every frame, so the server's first paint must read as the frame that replaces it, and
    the summary's times as the countdowns did. Up while counting down, down once over:
    0:01 → 0:00 → +0:01, each shown for a whole second.
    """
    over_seconds = math.floor(-seconds)
    over = over_seconds >= 1
    total = over_seconds if over else max(0, math.ceil(seconds))
    hours, minutes, secs = total // 3600, total // 60 % 60, total % 60
    text = f"{hours}:{minutes:02d}:{secs:02d}" if hours > 0 else f"{minutes}:{secs:02d}"
    return f"+{text}" if over else text


def rounded_minutes(seconds: float) -> int | None:
    """A planned item's or someone's airtime in whole minutes (89 s → 1, 90 s → 2), or None
    for a length under a minute: said as "under a minute" rather than "0 min"."""
    if 0 < seconds < 60:
        return None
    return round(seconds / 60)


def minutes_and_seconds(seconds: float) -> tuple[int, int]:
    """A length said in passing, to the second: 125.4 → (2, 5)."""
    minutes, secs = divmod(max(0, round(seconds)), 60)
    return minutes, secs


def duration_text(seconds: float) -> str:
    """In English, for what the API says: "12 s", "2 min", "2 min 5 s". Screens say it in
    their own language (app/web/lengths.py)."""
    minutes, secs = minutes_and_seconds(seconds)
    if minutes == 0:
        return f"{secs} s"
    return f"{minutes} min" if secs == 0 else f"{minutes} min {secs} s"
