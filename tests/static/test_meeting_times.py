"""static/js/meeting-times.js says a meeting's time where the viewer is in the words the server
uses for the group's zone (app/groups/meeting_times.py), across every change of the clocks.

Checked in node (its Intl has the full IANA database) against the server's local_text() on
the same instants: every half hour for two days around each 2026 change of the clocks in Auckland,
Chicago and London, read in each of those zones and UTC; and what "where you are" adds.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from app.groups.meeting_times import local_text
from tests.support.node import run_module

MEETING_TIMES_JS = Path(__file__).resolve().parents[2] / "static" / "js" / "meeting-times.js"
ZONES = ("Pacific/Auckland", "America/Chicago", "Europe/London", "UTC")
# The changes of the clocks in 2026 (UTC): Auckland 5 Apr and 27 Sep, Chicago 8 Mar and
# 1 Nov, London 29 Mar and 25 Oct.
CHANGES = (
    "2026-04-04T14:00",
    "2026-09-26T14:00",
    "2026-03-08T08:00",
    "2026-11-01T07:00",
    "2026-03-29T01:00",
    "2026-10-25T01:00",
)

CHECK = """
import { readFileSync } from "node:fs";
import { localText, whereYouAre } from %s;
const cases = JSON.parse(readFileSync(0, "utf8"));
console.log(JSON.stringify(cases.map(([ms, zone, other]) =>
  [localText(ms, zone), whereYouAre(ms, zone, other)])));
"""


def instants() -> list[datetime]:
    around = [datetime.fromisoformat(c).replace(tzinfo=UTC) for c in CHANGES]
    return [at + timedelta(minutes=30 * step) for at in around for step in range(-48, 49)]


def expected_where_you_are(instant: datetime, zone: str, other: str) -> str | None:
    theirs, yours = local_text(instant, zone), local_text(instant, other)
    if yours == theirs:
        return None
    same_day = yours.split(", ")[0] == theirs.split(", ")[0]
    return f"{yours.split(', ')[1] if same_day else yours} where you are"


def test_the_browser_says_each_time_as_the_server_does() -> None:
    cases = [(instant, zone, other) for instant in instants() for zone in ZONES for other in ZONES]
    wire = [[int(instant.timestamp() * 1000), zone, other] for instant, zone, other in cases]
    said = run_module(CHECK, MEETING_TIMES_JS, stdin=json.dumps(wire))

    expected = [
        [local_text(instant, zone), expected_where_you_are(instant, zone, other)]
        for instant, zone, other in cases
    ]
    different = [
        (case, got, want)
        for case, got, want in zip(cases, said, expected, strict=True)
        if got != want
    ]
    assert len(cases) > 9_000
    assert different == [], different[:5]
    assert any(where is None for _, where in said)
    assert any(where and where[0].isdigit() for _, where in said)  # the same day: time alone
    assert any(where and not where[0].isdigit() for _, where in said)  # another day


SPANISH = """
import { localText, whereYouAre } from %s;
const ms = Date.parse("2026-12-08T06:00:00Z");
console.log(JSON.stringify([
  localText(ms, "Pacific/Auckland", "es"),
  whereYouAre(ms, "Pacific/Auckland", "Europe/London", "es"),
  whereYouAre(ms, "Pacific/Auckland", "America/Los_Angeles", "es"),
  whereYouAre(ms, "Pacific/Auckland", "Pacific/Auckland", "es"),
]));
"""


def test_on_a_spanish_page_the_browser_says_days_and_times_as_spanish_does() -> None:
    """Spanish clocks and days from the browser's Intl ("19:00", "lunes, 7 de diciembre"); the
    words around them ("where you are") come from the page's catalog, absent in node."""
    found = run_module(SPANISH, MEETING_TIMES_JS, timeout_s=60)

    assert found == [
        "martes, 8 de diciembre, 19:00",
        "6:00 where you are",
        "lunes, 7 de diciembre, 22:00 where you are",
        None,
    ]
