"""static/js/commands.js keeps a tap until the server answers it. Its rules, checked in node on
the page's own `UnansweredTaps`, over random runs of taps, losses, reconnections and answers:

- every tap is sent again after every reconnection until it is answered, always with the id it
  first had (so the server stores it once), oldest first;
- offline, a second press of the same button is the same wish, kept once; at most MOST_KEPT
  wait;
- its person is told "Sent." (answered "told") exactly for the taps they were told wait: made
  offline, or carried by a socket that went away before the answer.
"""

from __future__ import annotations

from pathlib import Path

from tests.support.node import run_module

COMMANDS_JS = Path(__file__).resolve().parents[2] / "static" / "js" / "commands.js"

CHECK = """
import { UnansweredTaps, MOST_KEPT } from %s;

let seed = 7;
const random = () => ((seed = (seed * 1103515245 + 12345) %% 2 ** 31) / 2 ** 31);
const pick = (list) => list[Math.floor(random() * list.length)];
const BUTTONS = ["raise_hand", "lower_hand", "share", "step_out"].map((type) => ({ type }));

const problems = [];
let steps = 0;
for (let run = 0; run < 400; run++) {
  const taps = new UnansweredTaps();
  let online = random() < 0.5;
  let next = 0;
  // The model: each waiting tap's id, message and whether its person was told it waits.
  const model = [];
  for (let step = 0; step < 40; step++) {
    steps += 1;
    const what = pick(["tap", "tap", "lose", "open", "answer", "answer_unknown"]);
    if (what === "tap") {
      const message = { ...pick(BUTTONS), id: `c${next++}`, expected_version: step };
      const same = model.some((t) => t.message.type === message.type);
      const result = taps.keep(message, { offline: !online });
      let expected = "kept";
      if (!online && same) expected = "already_waiting";
      else if (!online && model.length >= MOST_KEPT) expected = "full";
      if (result !== expected) problems.push({ run, step, what, result, expected });
      if (result === "kept") model.push({ message, told: !online });
    } else if (what === "lose") {
      const untold = model.some((t) => !t.told);
      const result = taps.connectionLost();
      for (const t of model) t.told = true;
      online = false;
      if (result !== untold) problems.push({ run, step, what, result, untold });
    } else if (what === "open") {
      online = true;
      const resent = taps.toResend().map((m) => m.id).join(",");
      const expected = model.map((t) => t.message.id).join(",");
      if (resent !== expected) problems.push({ run, step, what, resent, expected });
    } else if (what === "answer" && model.length) {
      const t = model.splice(Math.floor(random() * model.length), 1)[0];
      const result = taps.answered(t.message.id);
      const told = t.told ? "told" : "untold";
      if (result !== told) problems.push({ run, step, what, result, told });
    } else if (what === "answer_unknown") {
      if (taps.answered("never-sent") !== "unknown") problems.push({ run, step, what });
    }
    if (taps.size !== model.length) problems.push({ run, step, size: taps.size });
  }
}
console.log(JSON.stringify({ steps, problems: problems.slice(0, 5) }));
"""


def test_taps_wait_until_answered_and_keep_their_ids() -> None:
    result = run_module(CHECK, COMMANDS_JS)
    assert result["steps"] == 16_000
    assert result["problems"] == []
