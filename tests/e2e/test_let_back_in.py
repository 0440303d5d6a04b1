"""A phone whose person was removed (closed with 4403) checks now and then, slowly and only while
in view, whether a facilitator has let them back in, and then comes back to the live session by
itself, without a reload (static/js/connection.js, docs/protocol.md)."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.support.browser import PHONE, Screens
from tests.support.pages import Session

# Every close the page sees, by code, so the test knows when a check has been refused; and how
# often the connection banner was emptied (a refused check must never clear it, even briefly).
COUNT_CLOSES = """(() => {
  window.__closes = [];
  window.__bannerCleared = 0;
  document.addEventListener("htmx:wsClose", (event) => {
    window.__closes.push(event.detail.event.code);
  });
  document.addEventListener("DOMContentLoaded", () => {
    const banner = document.getElementById("connection");
    new MutationObserver(() => {
      if (!banner.textContent.trim()) window.__bannerCleared += 1;
    }).observe(banner, { childList: true, subtree: true, characterData: true });
  });
})();"""
# The first check comes 3 s after the close, the next 6 s after that (static/js/connection.js).
# Under the 10 s a single wait may take.
NEXT_CHECK_MS = 10_000


def count_closes(page: Page) -> None:
    page.add_init_script(COUNT_CLOSES)


def test_a_removed_phone_comes_back_by_itself_when_let_back_in(
    screens: Screens, session: Session
) -> None:
    session.round_with("Priya", "Lee")
    lee = screens.live(session.participants["Lee"]["url"], PHONE, prepare=count_closes)
    lee.evaluate("window.__sameDocument = true")
    banner = lee.locator("#connection")

    session.command("remove_participant", participant_id=session.id_of("Lee"))
    expect(banner).to_contain_text("You are no longer part of this session. Take care.")
    expect(banner).to_contain_text(
        "If a facilitator lets you back in, this page will carry on by itself."
    )
    # A check while still removed is refused (4403 again) and changes nothing on the screen.
    lee.wait_for_function(
        "() => window.__closes.filter((code) => code === 4403).length >= 2", timeout=NEXT_CHECK_MS
    )
    expect(banner).to_contain_text("If a facilitator lets you back in")
    expect(banner).not_to_contain_text("Reconnecting")
    assert lee.evaluate("() => window.__bannerCleared") == 0

    session.command("readmit", participant_id=session.id_of("Lee"))
    # Every attempt's socket opens before the server reads who is asking: the banner goes only
    # once one has brought the session's state.
    expect(banner).to_be_empty(timeout=NEXT_CHECK_MS)
    lee.get_by_role("button", name="Raise my hand").click()
    expect(lee.locator("#presence-panel")).to_contain_text("Your hand is raised.")
    assert lee.evaluate("window.__sameDocument") is True  # no reload
    raised = [p for p in session.view()["participants"] if p["name"] == "Lee"]
    assert raised[0]["hand_raised"] is True
