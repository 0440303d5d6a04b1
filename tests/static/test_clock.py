"""static/js/clock.js sleeps between draws: it must never sleep through a change of a countdown.

For a running countdown showing `remaining` ms, `msUntilChange` says when to draw next. The rule:
nothing a person sees (the text, or the state that sets its colour and words) changes before
then, something does by then, and it never sleeps more than a second. Checked in node, on every
millisecond around each boundary and on a spread of values between.
"""

from __future__ import annotations

from pathlib import Path

from tests.support.node import run_module

CLOCK_JS = Path(__file__).resolve().parents[2] / "static" / "js" / "clock.js"

CHECK = """
import { formatClock, msUntilChange } from %s;
const stateOf = (ms, cue) => (ms <= 0 ? "time" : ms < cue ? "near-end" : "running");
const look = (ms, cue) => `${formatClock(ms)} ${stateOf(ms, cue)}`;
const problems = [];
const values = new Set();
for (let ms = -5_000; ms <= 3_700_000; ms += 997) values.add(ms);
for (const edge of [0, 1_000, 59_000, 60_000, 61_000, 3_600_000, -1_000, -60_000]) {
  for (let ms = edge - 3; ms <= edge + 3; ms++) values.add(ms);
}
for (const cue of [0, 30_000, 60_000]) {
  for (const ms of values) {
    const wait = msUntilChange(ms, cue);
    if (!(wait > 0 && wait <= 1_001)) problems.push({ ms, cue, wait });
    const seen = look(ms, cue);
    for (let t = 1; t < wait - 1; t++) {
      if (look(ms - t, cue) !== seen) { problems.push({ ms, cue, wait, missed: t }); break; }
    }
    if (look(ms - wait, cue) === seen) problems.push({ ms, cue, wait, woke_for_nothing: true });
  }
}
console.log(JSON.stringify({ checked: values.size * 3, problems: problems.slice(0, 5) }));
"""


def test_a_countdown_is_drawn_again_just_as_it_changes() -> None:
    result = run_module(CHECK, CLOCK_JS)
    assert result["checked"] > 10_000
    assert result["problems"] == []
