"""The console's timing settings in a browser: every length in minutes, a refusal is a calm
notice and the drawer keeps what was typed, and a half minute is saved to the second; the open
drawer never hides the alert strip."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.support.browser import Screens
from tests.support.pages import Session


def test_timing_settings_take_minutes_and_a_refusal_keeps_what_was_typed(
    screens: Screens, session: Session
) -> None:
    session.round_with("Priya", "Tom")
    sam = screens.live(session.sam_url)
    session.command("raise_hand", token=session.participants["Tom"]["token"])
    strip = sam.locator("#console-alerts")
    expect(strip).to_contain_text("1 hand raised")
    sam.get_by_text("Links and settings").click()
    drawer = sam.locator("#console-menu .menu__body").bounding_box()
    strip_box = strip.bounding_box()
    assert drawer is not None
    assert strip_box is not None
    assert drawer["y"] + drawer["height"] <= strip_box["y"], "the drawer hides the alerts"
    minimum = sam.get_by_label("Minimum share for each speaker (minutes)")
    longest = sam.get_by_label("Longest share for each speaker (minutes)")
    cue = sam.get_by_label("Gentle cue before the end (minutes)")
    assert (cue.input_value(), minimum.input_value(), longest.input_value()) == ("0.5", "1", "5")

    minimum.fill("10")
    longest.fill("2.5")
    sam.get_by_role("button", name="Save settings").click()
    expect(sam.locator("#notice")).to_contain_text("can't be shorter than the minimum share")
    assert (minimum.input_value(), longest.input_value()) == ("10", "2.5")
    assert session.view()["settings"]["minimum_share_s"] == 60

    minimum.fill("1.5")
    sam.get_by_role("button", name="Save settings").click()
    expect(sam.locator("#notice")).to_contain_text("Settings saved.")
    settings = session.view()["settings"]
    assert (settings["minimum_share_s"], settings["maximum_share_s"]) == (90, 150)
