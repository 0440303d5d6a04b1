"""A socket that stalls while it still looks open (a phone asleep, a NAT that forgot it): the page
notices by its heartbeat, says it is reconnecting, and comes back with the current state. And a
screen whose person was removed shows the server's own words and stops trying."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable

import pytest
from playwright.sync_api import Browser, Page, WebSocketRoute, expect

from tests.support.browser import PHONE, ROOT, Screens, wait_connected
from tests.support.pages import Session

RECONNECTING = "Reconnecting… Everything is kept; this page will catch up by itself."
GOODBYE = "You are no longer part of this session. Take care."
HEARTBEAT_EVERY_S = 10
# Every text the connection banner showed, even for a moment.
BANNER_LOG = """() => {
    window.__banners = [];
    const banner = document.getElementById("connection");
    new MutationObserver(() => window.__banners.push(banner.textContent))
        .observe(banner, { subtree: true, childList: true, characterData: true });
}"""


class StallableSockets:
    """Passes a page's websockets through to the server, until `stall()`: from then on the
    sockets open at that moment carry nothing either way, yet stay open. Later sockets pass."""

    def __init__(self) -> None:
        self.opened = 0
        self.stalled: set[int] = set()
        self.sent_while_stalled: list[str | bytes] = []

    def route(self, page: Page) -> None:
        page.route_web_socket("**/ws/**", self._connect)

    def stall(self) -> None:
        self.stalled = set(range(self.opened))

    def heartbeat_sent_while_stalled(self) -> bool:
        """The heartbeat's ping, told from the clock's by its fractional t0 (see heartbeat.js)."""
        for frame in self.sent_while_stalled:
            message = json.loads(frame)
            if message.get("type") == "ping" and message["t0"] % 1 != 0:
                return True
        return False

    def _connect(self, page_side: WebSocketRoute) -> None:
        index = self.opened
        self.opened += 1
        server_side = page_side.connect_to_server()

        def to_server(message: str | bytes) -> None:
            if index in self.stalled:
                self.sent_while_stalled.append(message)
            else:
                server_side.send(message)

        def to_page(message: str | bytes) -> None:
            if index not in self.stalled:
                page_side.send(message)

        page_side.on_message(to_server)
        server_side.on_message(to_page)


def wait_until(page: Page, done: Callable[[], bool], timeout_s: float) -> None:
    """Waits in small steps (Playwright delivers the routed frames while the page waits)."""
    deadline = time.monotonic() + timeout_s
    while not done():
        if time.monotonic() > deadline:
            pytest.fail(f"not within {timeout_s} s")
        page.wait_for_timeout(100)


def round_of_three(session: Session) -> None:
    for name in ("Priya", "Tom", "Mere"):
        session.join(name)
    session.admit_all()
    session.start_first_round()


def stalled_phone(screens: Screens, session: Session, sockets: StallableSockets) -> Page:
    priya = screens.live(session.participants["Priya"]["url"], PHONE, prepare=sockets.route)
    expect(priya.locator("#turn-panel .speaker-name")).to_have_text("You")
    priya.evaluate(BANNER_LOG)
    sockets.stall()
    # The turn moves on while Priya's socket is silent: her page cannot know yet.
    session.command("share", participant_id=session.id_of("Priya"))
    priya.wait_for_timeout(500)
    expect(priya.locator("#turn-panel .speaker-name")).to_have_text("You")
    expect(priya.locator("#connection")).to_be_empty()
    return priya


def expect_caught_up(priya: Page) -> None:
    wait_connected(priya, opens=2)
    expect(priya.locator("#turn-panel .speaker-name")).to_have_text("Tom")
    expect(priya.locator("#you-heading")).to_have_text("You've shared")
    # The stalled socket's end (here at once, on a real network perhaps a minute later) neither
    # says "The connection has closed" nor starts another reconnection.
    priya.wait_for_timeout(1_500)
    assert set(priya.evaluate("() => window.__banners")) == {RECONNECTING, ""}
    expect(priya.locator("#connection")).to_be_empty()
    assert priya.evaluate("() => window.__probe.opens") == 2


def test_coming_back_online_finds_a_stalled_socket_and_reconnects(
    screens: Screens, session: Session
) -> None:
    round_of_three(session)
    sockets = StallableSockets()
    priya = stalled_phone(screens, session, sockets)
    priya.evaluate("() => window.dispatchEvent(new Event('online'))")
    expect_caught_up(priya)


def test_the_heartbeat_finds_a_stalled_socket_by_itself(screens: Screens, session: Session) -> None:
    round_of_three(session)
    sockets = StallableSockets()
    priya = stalled_phone(screens, session, sockets)
    wait_until(priya, lambda: sockets.heartbeat_sent_while_stalled(), HEARTBEAT_EVERY_S + 2)
    expect_caught_up(priya)


def test_a_removed_person_sees_the_server_s_words_and_the_page_stops_trying(
    screens: Screens, session: Session
) -> None:
    round_of_three(session)
    mere = screens.live(session.participants["Mere"]["url"], PHONE)
    session.command("remove_participant", participant_id=session.id_of("Mere"))
    expect(mere.locator("#connection")).to_have_text(GOODBYE)
    mere.evaluate("() => window.dispatchEvent(new Event('online'))")
    mere.wait_for_timeout(1_000)
    expect(mere.locator("#connection")).to_have_text(GOODBYE)
    assert mere.evaluate("() => window.__probe.opens") == 1


def test_every_heartbeat_t0_has_a_fractional_part(browser: Browser) -> None:
    """The page's own function, run in Chromium on timer readings of every fraction, including
    one ending in .5: adding 0.5 to such a reading made a whole t0, and then the test above
    could not tell the heartbeat from the clock's pings (it failed about one run in ten)."""
    script = (ROOT / "static" / "js" / "heartbeat.js").read_text()
    found = re.search(r"function heartbeatT0\([^)]*\) \{.*?\n\}", script, re.DOTALL)
    assert found is not None
    page = browser.new_page()
    try:
        t0s = page.evaluate(
            """(source) => {
                const heartbeatT0 = new Function(`return ${source}`)();
                const readings = [1764652345123.5, 1764652345123.0, 1764652345123.25, 7.5, 0];
                return readings.map(heartbeatT0);
            }""",
            found.group(0),
        )
    finally:
        page.close()
    assert t0s == [1764652345123.5, 1764652345123.5, 1764652345123.5, 7.5, 0.5]
    assert all(t0 % 1 == 0.5 for t0 in t0s)
