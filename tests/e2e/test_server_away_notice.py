"""The server dies mid-turn (kill -9) and is away for a few seconds: when it is back, every
screen says once, calmly, that the clocks waited (docs/timekeeping.md, "When the server was
away"), and a reload does not say it again."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from app.timekeeping.outage import SHORTEST_OUTAGE_S
from tests.support.browser import PHONE, PROJECTOR, Screens, wait_connected
from tests.support.live_server import LiveServer, running_server
from tests.support.pages import Session

SAID = re.compile(
    r"^We lost the server for \d+ s\. Everyone's time waited, so nobody lost any of theirs\.$"
)


@pytest.fixture
def restartable(tmp_path: Path) -> Iterator[LiveServer]:
    with running_server(tmp_path) as server:
        yield server


def test_every_screen_says_once_that_the_clocks_waited(
    screens: Screens, restartable: LiveServer, tmp_path: Path
) -> None:
    session = Session.create(restartable)
    for name in ("Priya", "Tom"):
        session.join(name)
    session.admit_all()
    session.start_first_round()
    sam = screens.live(session.sam_url)
    room = screens.live(session.room_url, PROJECTOR)
    priya = screens.live(session.participants["Priya"]["url"], PHONE)
    pages = [sam, room, priya]
    for page in pages:
        expect(page.locator("#notice .notice__text")).to_have_count(0)

    restartable.kill()
    time.sleep(SHORTEST_OUTAGE_S)
    restartable.start()

    for page in pages:
        wait_connected(page, opens=2)
        expect(page.locator("#notice .notice__text")).to_have_text(SAID)
    sam.screenshot(path=str(tmp_path / "console-server-away.png"), animations="disabled")
    priya.screenshot(path=str(tmp_path / "phone-server-away.png"), animations="disabled")

    priya.get_by_role("button", name="Dismiss this message").click()
    expect(priya.locator("#notice .notice__text")).to_have_count(0)
    priya.reload()
    wait_connected(priya)
    expect(priya.locator("#live-version")).to_have_attribute("data-server-away", re.compile("."))
    # Said once: the next version (someone moves on) and a reload say nothing more.
    session.command("share", participant_id=session.id_of("Priya"))
    expect(priya.locator("#you-heading")).to_have_text("You've shared")
    expect(priya.locator("#notice .notice__text")).to_have_count(0)
