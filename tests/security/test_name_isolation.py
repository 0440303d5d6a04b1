"""A name is shown as its own bidirectional run (issue 16, item 6).

The plain-text types refuse the characters that turn text around (tests/security/
test_plain_text.py); names in right-to-left scripts are welcome, and still must not reorder the
words beside them: every name within a sentence is a <bdi>, and names in their own spans are
isolated by one CSS rule.
"""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from app.session import commands as c
from app.session.views import facilitator_view, participant_view
from app.web.rendering import make_templates
from tests.support.engine import Driver

# Sara, in Arabic: a right-to-left name between left-to-right words.
ARABIC = "سارا"
RECORD = SimpleNamespace(id="s", join_code="HX7K2Q", title="Tuesday", group_name="Riverside")
CSS = Path(__file__).parents[2] / "static" / "css" / "app.css"


def fragment(name: str, view: Any) -> str:
    template = make_templates().env.get_template(f"live/{name}.html")
    return template.render(view=view, session=RECORD, join_code=RECORD.join_code)


def waiting_session() -> tuple[Driver, str]:
    """A started session with Sara in the waiting room."""
    driver = Driver.weekly(participants=2)
    sara = driver.person(5)
    driver.ok(sara, c.Join, name=ARABIC)
    return driver, sara.id


def test_a_waiting_name_is_isolated_on_the_console() -> None:
    driver, _sara = waiting_session()
    console = fragment("console", facilitator_view(driver.state))
    assert f"<bdi>{ARABIC}</bdi> will be told they can't join this session." in console
    # What the alert strip reads out is plain text (read out, <bdi> would be heard as a tag):
    # each name is isolated by the characters that mean the same.
    assert f'data-say="Waiting to be let in: \u2068{ARABIC}\u2069."' in console
    assert not re.search(r'data-(say|announce)="[^"]*<', console)


def test_a_name_is_isolated_on_the_phone() -> None:
    driver, sara = waiting_session()
    phone = fragment("participant", participant_view(driver.state, sara))
    assert f"<bdi>{ARABIC}</bdi>" in phone
    assert ARABIC not in re.sub(f"<bdi>{ARABIC}</bdi>", "", phone)


def test_names_in_their_own_spans_are_isolated_by_css() -> None:
    rule = re.search(
        r"\.person__name,\s*\.order__name\s*\{\s*unicode-bidi: isolate;", CSS.read_text()
    )
    assert rule is not None
