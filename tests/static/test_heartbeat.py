"""static/js/heartbeat.js decides, from the silence on the socket, when to ask with a ping and
when to give the connection up. Its rule, checked in node by running the page's own
`heartbeatMove` on a simulated timeline (a check every CHECK_EVERY_MS, starting at every phase):

- a connection that goes silent is given up (the page says "Reconnecting…") within 5 s of the
  last message, whenever answers had been coming back within 0.8 s;
- a connection that answers every ping, however slowly up to 2.4 s, and with any jitter up to
  that, is never given up; once one slow answer has been seen, even 5 s round trips are not;
- while the connection is alive and quiet it asks at most once every 1.5 s.
"""

from __future__ import annotations

from pathlib import Path

from tests.support.node import run_module

HEARTBEAT_JS = Path(__file__).resolve().parents[2] / "static" / "js" / "heartbeat.js"

SIMULATION = """
import { heartbeatMove, CHECK_EVERY_MS, ASK_AFTER_MS } from %s;

// A seeded generator, so that every run checks the same timelines.
let seed = 12345;
const random = () => ((seed = (seed * 1103515245 + 12345) %% 2 ** 31) / 2 ** 31);

// One page's heartbeat against a network that answers each ping after `delay()` ms, or never
// once `deadAt` has passed (an answer still on its way then is lost too). Returns when it gave
// up (or null) and how often it asked.
function simulate({ phase, delay, deadAt = Infinity, until, slowestSeen = 0 }) {
  let lastHeardAt = 0, lastAskedAt = -Infinity, asks = 0, slowest = slowestSeen;
  const arriving = [];
  for (let now = phase; now <= until; now += CHECK_EVERY_MS) {
    for (let i = arriving.length - 1; i >= 0; i--) {
      if (arriving[i].at <= now) {
        lastHeardAt = Math.max(lastHeardAt, arriving[i].at);
        slowest = Math.max(slowest, arriving[i].took);
        arriving.splice(i, 1);
      }
    }
    const move = heartbeatMove({ now, lastHeardAt, lastAskedAt, slowestAnswerMs: slowest });
    if (move === "give_up") return { gaveUpAt: now, asks, lastHeardAt };
    if (move === "ask") {
      asks += 1;
      lastAskedAt = now;
      const took = delay();
      if (now + took < deadAt) arriving.push({ at: now + took, took });
    }
  }
  return { gaveUpAt: null, asks, lastHeardAt };
}

const problems = [];
let runs = 0;
for (let phase = 0; phase < CHECK_EVERY_MS; phase += 7) {
  // Dead: answers came back within 0.8 s until the connection died at some moment.
  for (let deadAt = 0; deadAt < 20_000; deadAt += 1_333) {
    for (const rtt of [0, 40, 300, 800]) {
      runs += 1;
      const run = simulate({ phase, delay: () => rtt, deadAt, until: deadAt + 60_000 });
      const late = run.gaveUpAt === null ? Infinity : run.gaveUpAt - run.lastHeardAt;
      if (!(late <= 5_000)) problems.push({ dead: true, phase, deadAt, rtt, late });
    }
  }
  // Alive but slow, steady or jittery: never given up; asking at most every ASK_AFTER_MS.
  const networks = [
    ["steady 2.4 s", () => 2_400, 0],
    ["jitter up to 2.4 s", () => random() * 2_400, 0],
    ["steady 5 s after one slow answer", () => 5_000, 5_000],
    ["jitter up to 5 s after one slow answer", () => random() * 5_000, 5_000],
    ["fast", () => 30, 0],
  ];
  for (const [name, delay, slowestSeen] of networks) {
    runs += 1;
    const until = 600_000;
    const run = simulate({ phase, delay, until, slowestSeen });
    if (run.gaveUpAt !== null) problems.push({ alive: name, phase, gaveUpAt: run.gaveUpAt });
    if (run.asks > until / ASK_AFTER_MS + 1) problems.push({ chatty: name, phase, asks: run.asks });
  }
}
console.log(JSON.stringify({ runs, problems: problems.slice(0, 5) }));
"""


def test_a_silent_connection_is_given_up_within_5_s_and_a_slow_one_never() -> None:
    result = run_module(SIMULATION, HEARTBEAT_JS)
    assert result["runs"] > 4_000
    assert result["problems"] == []
