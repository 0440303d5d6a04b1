"""A hand, a support request or someone waiting reaches the facilitator wherever they are on the
console: a strip fixed to the bottom of the window, and the count in the tab's title."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.support.browser import LAPTOP, Screens
from tests.support.pages import Session


def test_alerts_show_in_a_strip_in_view_and_in_the_tab_title(
    screens: Screens, session: Session
) -> None:
    session.round_with("Priya", "Tom")
    sam = screens.live(session.sam_url)
    plain_title = sam.title()
    strip = sam.locator("#console-alerts")
    expect(strip).to_be_hidden()

    session.command("raise_hand", session.participants["Tom"]["token"])
    session.command("request_support", session.participants["Priya"]["token"])
    session.join("Mere")
    expect(strip).to_be_visible()
    expect(strip).to_contain_text("1 person asking for support")
    expect(strip).to_contain_text("1 hand raised")
    expect(strip).to_contain_text("1 waiting to be let in")
    expect(sam).to_have_title(f"(3) · {plain_title}")
    sam.mouse.wheel(0, 2000)  # scrolled far down the page, the strip stays in view
    box = strip.bounding_box()
    assert box is not None
    assert box["y"] >= 0
    assert box["y"] + box["height"] <= LAPTOP["height"]
    sam.mouse.wheel(0, -4000)
    turn = sam.locator("#turn-share").bounding_box()
    assert turn is not None
    assert turn["y"] + turn["height"] <= box["y"], "the strip never covers Next speaker"

    session.command("lower_hand", session.participants["Tom"]["token"])
    session.command("clear_support_request", session.participants["Priya"]["token"])
    session.command("admit", participant_id=session.id_of("Mere"))
    expect(strip).to_be_hidden()
    expect(sam).to_have_title(plain_title)
