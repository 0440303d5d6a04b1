"""A tap made on a phone while it is offline is kept: the page says it will be sent when back,
sends it when back and says "Sent." once the server has it. A tap whose socket went quiet
before its answer came is sent again with the same id, and the server stores it once."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, WebSocketRoute, expect

from tests.support.browser import PHONE, Screens, wait_connected
from tests.support.live_server import LiveServer, running_server
from tests.support.pages import Session

QUEUED = "You're offline — we'll send this when you're back."
SENT = "Sent."
# Every notice the page showed, even for a moment.
NOTICE_LOG = """() => {
    window.__notices = [];
    const notices = document.getElementById("notice");
    new MutationObserver(() => window.__notices.push(notices.textContent.replace("×", "").trim()))
        .observe(notices, { subtree: true, childList: true, characterData: true });
}"""


@pytest.fixture
def restartable(tmp_path: Path) -> Iterator[LiveServer]:
    """A server of this test's own, which it kills and starts again."""
    with running_server(tmp_path) as server:
        yield server


def test_a_tap_while_offline_is_sent_when_back_and_confirmed(
    screens: Screens, restartable: LiveServer
) -> None:
    session = Session.create(restartable)
    session.round_with("Priya", "Tom")
    tom = screens.live(session.participants["Tom"]["url"], PHONE)
    expect(tom.locator("#you-heading")).to_have_text("You are next")

    restartable.kill()
    expect(tom.locator("#connection")).to_contain_text("Reconnecting")
    tom.get_by_role("button", name="Raise my hand").click()
    expect(tom.locator("#notice .notice__text")).to_have_text(QUEUED)
    # A second press of the same button is the same wish.
    tom.get_by_role("button", name="Raise my hand").click()
    expect(tom.locator("#notice .notice__text")).to_have_text(QUEUED)

    restartable.start()
    wait_connected(tom, opens=2)
    expect(tom.locator("#notice .notice__text")).to_have_text(SENT)
    expect(tom.locator("#presence-panel")).to_contain_text("Your hand is raised")
    tom_in_view = next(p for p in session.view()["participants"] if p["name"] == "Tom")
    assert tom_in_view["hand_raised"]


class AnswerLosingSockets:
    """Passes a page's websockets through, until `lose_answers()`: from then on, the sockets open
    at that moment still carry the page's messages to the server, but nothing comes back."""

    def __init__(self) -> None:
        self.opened = 0
        self.deaf: set[int] = set()
        self.commands: list[dict[str, object]] = []

    def route(self, page: Page) -> None:
        page.route_web_socket("**/ws/**", self._connect)

    def lose_answers(self) -> None:
        self.deaf = set(range(self.opened))

    def _connect(self, page_side: WebSocketRoute) -> None:
        index = self.opened
        self.opened += 1
        server_side = page_side.connect_to_server()

        def to_server(message: str | bytes) -> None:
            sent = json.loads(message)
            if sent.get("type") not in ("ping", "hello"):
                self.commands.append(sent)
            server_side.send(message)

        def to_page(message: str | bytes) -> None:
            if index not in self.deaf:
                page_side.send(message)

        page_side.on_message(to_server)
        server_side.on_message(to_page)


def test_a_tap_whose_answer_was_lost_is_sent_again_with_its_id_and_stored_once(
    screens: Screens, session: Session
) -> None:
    session.round_with("Priya", "Tom")
    sockets = AnswerLosingSockets()
    tom = screens.live(session.participants["Tom"]["url"], PHONE, prepare=sockets.route)
    expect(tom.locator("#you-heading")).to_have_text("You are next")
    version = session.view()["version"]
    tom.evaluate(NOTICE_LOG)

    sockets.lose_answers()
    tom.get_by_role("button", name="I'd like some support").click()
    # The server has it; the phone does not know yet. Its heartbeat gives the socket up, says
    # the tap waits, and sends it again on the next socket.
    wait_connected(tom, opens=2)
    expect(tom.locator("#notice .notice__text")).to_have_text(SENT)
    expect(tom.locator("#presence-panel")).to_contain_text("The facilitators know")
    shown = [text for text in tom.evaluate("() => window.__notices") if text]
    assert shown == [QUEUED, SENT]

    sent = [c for c in sockets.commands if c.get("type") == "request_support"]
    assert len(sent) == 2
    assert sent[0]["id"] == sent[1]["id"]
    assert session.view()["version"] == version + 1, "stored once"
