"""A fire alarm mid-round: the facilitator presses H, every screen says calmly that everything
is paused and every countdown stops; "Carry on" brings them all back where they were."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.support.browser import PHONE, PROJECTOR, Screens
from tests.support.pages import Session

PAUSED = "Paused for a moment. Everyone's time is kept; we'll carry on shortly."
STANDING_S = 2.5


def countdowns(page: Page) -> list[str]:
    texts: list[str] = page.locator(".countdown").all_inner_texts()
    return texts


def test_pausing_everything_shows_on_every_screen_and_stops_every_clock(
    screens: Screens, session: Session
) -> None:
    session.round_with("Priya", "Tom")
    sam = screens.live(session.sam_url)
    room = screens.live(session.room_url, PROJECTOR)
    tom = screens.live(session.participants["Tom"]["url"], PHONE)
    expect(sam.locator("#pause-session")).to_be_visible()

    sam.keyboard.press("h")
    for page in (room, tom):
        expect(page.locator("#paused-note")).to_have_text(PAUSED)
    expect(sam.locator("#paused-heading")).to_have_text("Everything is paused")
    expect(sam.locator("#pause-session")).to_have_count(0)
    expect(sam.locator("#turn-pause")).to_have_count(0)  # the speaker's clock waits with the rest
    for page in (sam, room, tom):
        expect(page.locator('.countdown[data-state="running"]')).to_have_count(0)
    frozen = {page: countdowns(page) for page in (sam, room, tom)}
    sam.wait_for_timeout(STANDING_S * 1000)
    for page, texts in frozen.items():
        assert countdowns(page) == texts, page.url

    sam.get_by_role("button", name="Carry on").click()
    for page in (room, tom):
        expect(page.locator("#paused-note")).to_be_hidden()
    expect(sam.locator("#paused-panel")).to_be_hidden()
    expect(sam.locator('#turn-panel .countdown[data-state="running"]')).to_have_count(1)
    assert session.view()["paused_since"] is None
