"""A socket that stalls while it still looks open (a phone asleep, a NAT that forgot it, a server
gone without closing): the page notices by its heartbeat within 5 s, says it is reconnecting, and
comes back with the current state; a slow network is not mistaken for a lost one. And a screen
whose person was removed shows the server's own words, and its heartbeat does not bring it back
(only being let back in does: tests/e2e/test_let_back_in.py)."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable

import pytest
from playwright.sync_api import Browser, Page, WebSocketRoute, expect

from tests.e2e.test_let_back_in import count_closes
from tests.support.browser import PHONE, ROOT, Screens, wait_connected
from tests.support.pages import Session

RECONNECTING = "Reconnecting… Everything is kept; this page will catch up by itself."
GOODBYE = "You are no longer part of this session. Take care."
LET_BACK_IN = "If a facilitator lets you back in, this page will carry on by itself."
# The heartbeat gives a silent socket up 4 to 4.5 s after its last message (heartbeat.js); the
# heartbeat before it waited up to 10 s to ask, then 5 s for an answer: never less than 5 s.
RECONNECTING_WITHIN_S = 5.0
# Every text the connection banner showed, even for a moment, and when (ms since the epoch).
BANNER_LOG = """() => {
    window.__banners = [];
    window.__bannerTimes = [];
    const banner = document.getElementById("connection");
    new MutationObserver(() => {
        window.__banners.push(banner.textContent);
        window.__bannerTimes.push(performance.timeOrigin + performance.now());
    }).observe(banner, { subtree: true, childList: true, characterData: true });
}"""
# When the banner first said "Reconnecting…" (ms since the epoch), or null.
RECONNECTING_SHOWN_AT = f"""() => {{
    const at = window.__banners.indexOf({json.dumps(RECONNECTING)});
    return at < 0 ? null : window.__bannerTimes[at];
}}"""


class StallableSockets:
    """Passes a page's websockets through to the server, until `stall()`: from then on the
    sockets open at that moment carry nothing either way, yet stay open. Later sockets pass.
    With `delay_ms` set, each frame is held that long (delivered by `deliver_due()`)."""

    def __init__(self) -> None:
        self.opened = 0
        self.stalled: set[int] = set()
        self.stalled_at = 0.0
        self.sent_while_stalled: list[str | bytes] = []
        self.delay_ms = 0
        self.held: list[tuple[float, Callable[[], None]]] = []

    def route(self, page: Page) -> None:
        page.route_web_socket("**/ws/**", self._connect)

    def stall(self) -> None:
        self.stalled = set(range(self.opened))
        self.stalled_at = time.time()  # the page's clock: the same machine's

    def deliver_due(self) -> None:
        now = time.monotonic()
        due = [deliver for at, deliver in self.held if at <= now]
        self.held = [(at, deliver) for at, deliver in self.held if at > now]
        for deliver in due:
            deliver()

    def _pass(self, deliver: Callable[[], None]) -> None:
        if self.delay_ms:
            self.held.append((time.monotonic() + self.delay_ms / 1000, deliver))
        else:
            deliver()

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
                self._pass(lambda: server_side.send(message))

        def to_page(message: str | bytes) -> None:
            if index not in self.stalled:
                self._pass(lambda: page_side.send(message))

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


def test_the_heartbeat_finds_a_stalled_socket_by_itself_within_5_s(
    screens: Screens, session: Session
) -> None:
    round_of_three(session)
    sockets = StallableSockets()
    priya = stalled_phone(screens, session, sockets)
    wait_until(priya, lambda: priya.evaluate(RECONNECTING_SHOWN_AT) is not None, 15)
    took_s = priya.evaluate(RECONNECTING_SHOWN_AT) / 1000 - sockets.stalled_at
    print(f"'Reconnecting…' {took_s:.2f} s after the socket went silent")
    assert took_s <= RECONNECTING_WITHIN_S
    assert sockets.heartbeat_sent_while_stalled()
    expect_caught_up(priya)


def test_a_slow_network_is_not_taken_for_a_lost_connection(
    screens: Screens, session: Session
) -> None:
    """Every frame takes a second each way (a two-second round trip, as on a poor mobile
    signal) for four times as long as a silent socket takes to be given up: no banner, the same
    socket throughout, and the page still follows the session."""
    round_of_three(session)
    sockets = StallableSockets()
    priya = screens.live(session.participants["Priya"]["url"], PHONE, prepare=sockets.route)
    expect(priya.locator("#turn-panel .speaker-name")).to_have_text("You")
    priya.evaluate(BANNER_LOG)
    sockets.delay_ms = 1_000
    deadline = time.monotonic() + 4 * RECONNECTING_WITHIN_S
    session.command("share", participant_id=session.id_of("Priya"))
    while time.monotonic() < deadline:
        sockets.deliver_due()
        priya.wait_for_timeout(50)
    assert priya.evaluate("() => window.__banners") == []
    assert priya.evaluate("() => window.__probe.opens") == 1
    expect(priya.locator("#turn-panel .speaker-name")).to_have_text("Tom")


def test_a_removed_person_sees_the_server_s_words_and_is_not_let_back_by_the_page(
    screens: Screens, session: Session
) -> None:
    round_of_three(session)
    mere = screens.live(session.participants["Mere"]["url"], PHONE, prepare=count_closes)
    session.command("remove_participant", participant_id=session.id_of("Mere"))
    expect(mere.locator("#connection")).to_have_text(f"{GOODBYE} {LET_BACK_IN}")
    # Coming back online checks at once whether Mere has been let back in: she has not, and the
    # page says nothing new (no "Reconnecting…", no reload button).
    mere.evaluate("() => window.dispatchEvent(new Event('online'))")
    mere.wait_for_function("() => window.__closes.filter((code) => code === 4403).length >= 2")
    mere.wait_for_timeout(500)
    expect(mere.locator("#connection")).to_have_text(f"{GOODBYE} {LET_BACK_IN}")


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
