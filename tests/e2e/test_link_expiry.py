"""A page whose link expires while it is open says so, in the server's words, and stays put:
no reconnecting in a loop with a link that can only be refused (issue 16, item 7)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, WebSocket, expect

from app.web.tokens import LINK_EXPIRED
from tests.support.browser import PHONE, Screens
from tests.support.live_server import LiveServer
from tests.support.pages import Session

MAX_AGE_S = 10


@pytest.fixture
def short_lived(tmp_path: Path) -> Iterator[LiveServer]:
    live = LiveServer(tmp_path, env={"PEER_ROUNDS_TOKEN_MAX_AGE_S": str(MAX_AGE_S)})
    live.start()
    try:
        yield live
    finally:
        live.stop()


def test_a_page_whose_link_expires_asks_for_a_fresh_one_and_stops(
    screens: Screens, short_lived: LiveServer
) -> None:
    session = Session.create(short_lived)
    priya = session.join("Priya")
    sockets: list[WebSocket] = []

    def count_sockets(page: Page) -> None:
        page.on("websocket", lambda socket: sockets.append(socket))

    phone = screens.live(priya["url"], PHONE, prepare=count_sockets)
    expect(phone.locator("#connection")).to_be_empty()

    expect(phone.locator("#connection")).to_have_text(LINK_EXPIRED, timeout=(MAX_AGE_S + 5) * 1000)
    # Longer than the first few reconnect delays (reconnect.js: from half a second).
    time.sleep(3)
    assert len(sockets) == 1
    expect(phone.locator("#connection")).to_have_text(LINK_EXPIRED)
