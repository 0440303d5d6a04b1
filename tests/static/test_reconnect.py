"""static/js/reconnect.js decides how long a page waits before trying its socket again. Its rule,
checked in node by running the page's own `reconnectWait` on simulated outages (each page last
heard from the server up to 1.5 s, the heartbeat's asking interval, before it went away):

- after a restart of up to 8 s, every page is back within a second of the server answering;
- however long the outage, a page is back within 5 s of the server answering, and while the
  server stays away a page knocks at most once every 2.5 s after the first minute;
- a roomful of pages dropped at the same moment does not knock all at once on the new server:
  their first attempts after it answers are spread over at least half a second.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.support.node import run_module

RECONNECT_JS = Path(__file__).resolve().parents[2] / "static" / "js" / "reconnect.js"

SIMULATION = """
import { reconnectWait } from %s;

// A seeded generator, so that every run checks the same schedules.
let seed = 12345;
const random = () => ((seed = (seed * 1103515245 + 12345) %% 2 ** 31) / 2 ** 31);

// One page whose socket dropped at 0, last heard from `heardBefore` ms earlier, against a
// server answering again from `backAt`: every attempt's time, up to and including the one that
// gets through.
function attempts(heardBefore, backAt) {
  const times = [];
  let now = 0;
  do {
    now += reconnectWait(now + heardBefore, random);
    times.push(now);
  } while (now < backAt);
  return times;
}

const problems = [];
let runs = 0;
for (let heardBefore = 0; heardBefore <= 1_500; heardBefore += 250) {
  for (let backAt = 0; backAt <= 8_000; backAt += 97) {
    runs += 1;
    const late = attempts(heardBefore, backAt).at(-1) - backAt;
    if (!(late <= 1_000)) problems.push({ restart: backAt, heardBefore, late });
  }
  for (let backAt = 8_000; backAt <= 600_000; backAt += 997) {
    runs += 1;
    const times = attempts(heardBefore, backAt);
    const late = times.at(-1) - backAt;
    if (!(late <= 5_000)) problems.push({ outage: backAt, heardBefore, late });
    const afterAMinute = times.filter((t) => t > 60_000 && t <= backAt);
    for (let i = 1; i < afterAMinute.length; i++) {
      const gap = afterAMinute[i] - afterAMinute[i - 1];
      if (gap < 2_500) problems.push({ storm: backAt, heardBefore, gap });
    }
  }
}

// 13 screens in each of 50 sessions, dropped together by a kill -9, the new server answering
// after a restart of 1 to 8 s: when each first knocks on it.
const herds = [];
for (let backAt = 1_000; backAt <= 8_000; backAt += 500) {
  const arrivals = [];
  for (let screen = 0; screen < 13 * 50; screen++) {
    arrivals.push(attempts(random() * 1_500, backAt).at(-1) - backAt);
  }
  arrivals.sort((a, b) => a - b);
  const busiestTenth = Math.max(
    ...arrivals.map((at) => arrivals.filter((other) => other >= at && other < at + 100).length)
  );
  const spreadMs = arrivals.at(-1) - arrivals[0];
  herds.push({ backAt, spreadMs, busiestTenth, screens: arrivals.length });
}
console.log(JSON.stringify({ runs, problems: problems.slice(0, 5), herds }));
"""


def simulate() -> dict[str, Any]:
    result: dict[str, Any] = run_module(SIMULATION, RECONNECT_JS)
    return result


def test_a_restart_is_caught_within_a_second_and_a_long_outage_within_5_s_without_a_storm() -> None:
    result = simulate()
    assert result["runs"] > 4_000
    assert result["problems"] == []
    for herd in result["herds"]:
        assert herd["spreadMs"] >= 500, herd
        # Uniform over half a second would put a fifth of the screens in any tenth of it.
        assert herd["busiestTenth"] <= herd["screens"] * 0.3, herd
