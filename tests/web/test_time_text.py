"""How seconds are written (the templates' `clock` and `minutes` filters). The clock text reads
exactly as static/js/clock.js's formatClock(), which redraws every countdown each frame and so
replaces the server's text."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from app.timekeeping.time_text import clock_text
from app.web.lengths import minutes_words
from app.web.rendering import make_templates

CLOCK_JS = Path(__file__).resolve().parents[2] / "static" / "js" / "clock.js"

# Milliseconds, as clock.js gets them, and what it writes: rounding up while counting down, a
# whole second of "0:00", then counting up once over.
BOUNDARIES = {
    0: "0:00",
    1: "0:01",
    400: "0:01",
    999: "0:01",
    1000: "0:01",
    1001: "0:02",
    59_400: "1:00",
    59_500: "1:00",
    59_999: "1:00",
    60_000: "1:00",
    60_001: "1:01",
    245_000: "4:05",
    3_599_000: "59:59",
    3_599_500: "1:00:00",
    3_600_000: "1:00:00",
    3_723_000: "1:02:03",
    36_000_000: "10:00:00",
    -1: "0:00",
    -500: "0:00",
    -999: "0:00",
    -1000: "+0:01",
    -1500: "+0:01",
    -1999: "+0:01",
    -2000: "+0:02",
    -12_400: "+0:12",
    -59_999: "+0:59",
    -60_000: "+1:00",
    -3_600_000: "+1:00:00",
}


def format_clock_in_node(milliseconds: list[float]) -> list[str]:
    script = (
        f"import {{ formatClock }} from {json.dumps(CLOCK_JS.as_uri())};"
        "console.log(JSON.stringify(JSON.parse(process.argv[1]).map(formatClock)));"
    )
    done = subprocess.run(
        ["node", "--no-warnings", "--input-type=module", "-e", script, json.dumps(milliseconds)],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    texts: list[str] = json.loads(done.stdout)
    return texts


@pytest.mark.parametrize(("ms", "text"), BOUNDARIES.items())
def test_clock_text_at_the_boundaries(ms: int, text: str) -> None:
    assert clock_text(ms / 1000) == text


def test_clock_text_is_clock_js_s_own_rule() -> None:
    milliseconds = [*BOUNDARIES, *range(-3_700_000, 3_700_000, 61_337), -0.4, 0.4, 59.4]
    seconds = [ms / 1000 for ms in milliseconds]
    assert [clock_text(s) for s in seconds] == format_clock_in_node(list(milliseconds))
    assert list(BOUNDARIES.values()) == format_clock_in_node(list(BOUNDARIES))


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "0 min"),
        (0.5, "under a minute"),
        (59.9, "under a minute"),
        (60, "1 min"),
        (89, "1 min"),
        (90, "2 min"),
        (150, "2 min"),
        (151, "3 min"),
        (5400, "90 min"),
    ],
)
def test_minutes_words(seconds: float, text: str) -> None:
    assert minutes_words(seconds) == text


def test_templates_write_times_with_them() -> None:
    env = make_templates().env
    assert env.filters["clock"] is clock_text
    assert env.filters["minutes"] is minutes_words
    rendered = env.from_string("{{ 59.4 | clock }} {{ -1.5 | clock }} {{ 30 | minutes }}").render()
    assert rendered == "1:00 +0:01 under a minute"
