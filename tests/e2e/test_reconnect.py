"""The server dies mid-round (kill -9) and comes back on the same port: every screen says calmly
that it is reconnecting, then catches up by itself with the current state, including a change
the facilitator made before the screens were back; a click made while away is sent when back,
and refused kindly when it was about a moment that has passed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.support.browser import PHONE, PROJECTOR, Screens, wait_connected
from tests.support.live_server import LiveServer, running_server
from tests.support.pages import Session

RECONNECTING = "Reconnecting… Everything is kept; this page will catch up by itself."
QUEUED = "You're offline — we'll send this when you're back."
MOVED_ON = "While you were offline, things moved on."


@pytest.fixture
def restartable(tmp_path: Path) -> Iterator[LiveServer]:
    """A server of this test's own, which it kills and starts again."""
    with running_server(tmp_path) as server:
        yield server


def speaker(page: Page) -> str:
    return (
        "#room-speaker .room-speaker__name" if "/room" in page.url else "#turn-panel .speaker-name"
    )


def test_screens_reconnect_after_a_server_restart_and_show_the_current_state(
    screens: Screens, restartable: LiveServer
) -> None:
    session = Session.create(restartable)
    for name in ("Priya", "Tom", "Mere"):
        session.join(name)
    session.admit_all()
    session.start_first_round()
    sam = screens.live(session.sam_url)
    room = screens.live(session.room_url, PROJECTOR)
    priya = screens.live(session.participants["Priya"]["url"], PHONE)
    pages = [sam, room, priya]
    for page in pages:
        expect(page.locator(speaker(page))).to_have_text("You" if page is priya else "Priya")
        expect(page.locator("#connection")).to_be_empty()

    port = restartable.port
    restartable.kill()
    for page in pages:
        expect(page.locator("#connection")).to_have_text(RECONNECTING)
    # While the screens are away, Sam's click waits to be sent, and the page says so.
    sam.get_by_role("button", name="Pass for them").click()
    expect(sam.locator("#notice .notice__text")).to_have_text(QUEUED)
    # Sam's laptop stays offline until the change below is made, so that his click arrives
    # after it whatever the order of the reconnections.
    sam.context.set_offline(True)

    restartable.start()
    assert restartable.port == port, "the screens reconnect to the address they know"
    # A change made as soon as the server is back, before (or while) the screens reconnect.
    session.command("share", participant_id=session.id_of("Priya"))
    sam.context.set_offline(False)

    for page in pages:
        wait_connected(page, opens=2)
        expect(page.locator("#connection")).to_be_empty()
        expect(page.locator(speaker(page))).to_have_text("Tom")
    expect(priya.locator("#you-heading")).to_have_text("You've shared")
    expect(room.locator("#room-next li").first).to_have_text("Mere")
    # Sam's click was about a moment that has passed: refused kindly, and nothing moved twice.
    expect(sam.locator("#notice")).to_contain_text(MOVED_ON)
    expect(sam.locator("#notice")).to_contain_text("already")
    assert session.view()["speaker"]["name"] == "Tom"

    # The reconnected sockets carry commands again, and every screen follows.
    sam.get_by_role("button", name="Next speaker", exact=True).click()
    for page in pages:
        expect(page.locator(speaker(page))).to_have_text("Mere")
    assert session.view()["speaker"]["name"] == "Mere"


def test_a_page_that_has_just_heard_from_the_server_tries_again_within_a_second(
    screens: Screens, session: Session
) -> None:
    """htmx-ext-ws on its own doubles its wait after each attempt, up to 64 s, so a screen could
    stay on "Reconnecting…" long after a restart was over. A page that heard from the server
    moments ago waits 0.5 to 1 s, however many attempts it has made, jittered so that a roomful
    of screens does not knock all at once (the whole schedule: tests/static/test_reconnect.py)."""
    page = screens.live(session.room_url, PROJECTOR)
    expect(page.locator("#connection")).to_be_empty()
    delays: list[float] = page.evaluate(
        "() => Array.from({ length: 50 }, () => htmx.config.wsReconnectDelay(7))"
    )
    assert all(500 <= delay <= 1_000 for delay in delays), delays
    assert len(set(delays)) > 1, "jittered"
