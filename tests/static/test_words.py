"""static/js/words.js fills a message's values as the server fills its own: each `%(name)s` once,
from the message as written, so a value (a person's name) is never read as a placeholder or a
replacement pattern."""

from __future__ import annotations

from pathlib import Path

from tests.support.node import run_module

WORDS_JS = Path(__file__).resolve().parents[2] / "static" / "js" / "words.js"

CHECK = """
import { fill, gettext } from %s;

const message = gettext("%%(name)s moved to %%(place)s of %%(count)s still to speak.");
console.log(JSON.stringify([
  fill(message, { name: "Jo", place: "2nd", count: 3 }),
  fill(message, { name: "$& %%(place)s $1", place: "2.º", count: 3 }),
  fill("%%(name)s and %%(other)s", { name: "Priya" }),
]));
"""


def test_values_fill_their_placeholders_and_nothing_else() -> None:
    found = run_module(CHECK, WORDS_JS, timeout_s=60)
    assert found == [
        "Jo moved to 2nd of 3 still to speak.",
        "$& %(place)s $1 moved to 2.º of 3 still to speak.",
        "Priya and %(other)s",
    ]
