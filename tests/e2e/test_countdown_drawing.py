"""A countdown is drawn when its digits or its state can change, not sixty times a second.

A phone showing a share of several minutes would otherwise keep its CPU (and battery) busy the
whole time. The page's animation frames are counted (requestAnimationFrame wrapped before the
page loads) while two countdowns run on a phone: the speaker's and the stage's.
"""

from __future__ import annotations

import time

from playwright.sync_api import Page

from tests.support.browser import PHONE, Screens
from tests.support.pages import Session

COUNT_FRAMES = """
window.__frames = 0;
const request = window.requestAnimationFrame.bind(window);
window.requestAnimationFrame = (callback) => {
  window.__frames += 1;
  return request(callback);
};
"""
SPEAKER_CLOCK = ".speaker-time [data-timer]"
WATCH_S = 5.0


def count_frames(page: Page) -> None:
    page.add_init_script(COUNT_FRAMES)


def frames_over(page: Page, seconds: float) -> int:
    before = int(page.evaluate("window.__frames"))
    time.sleep(seconds)
    return int(page.evaluate("window.__frames")) - before


def shown_and_due(page: Page) -> tuple[str, str]:
    """The speaker's countdown as shown, and as clock.js says it should read now."""
    due = page.evaluate(
        """async () => {
          const { formatClock, remainingNowMs } = await import("/static/js/clock.js");
          return formatClock(remainingNowMs(document.querySelector(arguments[0])));
        }""".replace("arguments[0]", repr(SPEAKER_CLOCK))
    )
    return page.locator(SPEAKER_CLOCK).first.inner_text(), str(due)


def test_a_running_countdown_is_drawn_once_a_second(screens: Screens, session: Session) -> None:
    for name in ("Priya", "Tom"):
        session.join(name)
    session.admit_all()
    session.start_first_round()
    phone = screens.live(session.participants["Tom"]["url"], PHONE, prepare=count_frames)
    phone.locator(SPEAKER_CLOCK).first.wait_for()
    steps: list[str] = []
    for _ in range(3):
        before = phone.locator(SPEAKER_CLOCK).first.inner_text()
        time.sleep(1.1)
        steps.append(before)
    assert len(set(steps)) == 3, f"the countdown did not step each second: {steps}"

    frames = frames_over(phone, WATCH_S)
    # A draw a second for each of the two countdowns, and one for a heartbeat's pong; drawing
    # every frame would be some 300.
    assert frames <= 3 * WATCH_S, f"{frames} frames in {WATCH_S} s"
    shown, due = shown_and_due(phone)
    assert shown == due
