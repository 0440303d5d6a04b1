"""The console's schedule view and the timing summary in a real browser: charts drawn under the
Content-Security-Policy, no serious accessibility problem, settings saved from the console, and
screenshots for the README (docs/screenshots/ with UPDATE_SCREENSHOTS=1, else a temporary
folder, as tests/e2e/test_screenshots.py does)."""

from __future__ import annotations

import time
from pathlib import Path

from playwright.sync_api import ConsoleMessage, Page, expect

from tests.e2e.test_screenshots import shoot
from tests.support.browser import LAPTOP, Screens
from tests.support.pages import Session, axe_violations, describe_violations

# Seconds each person speaks (0: passes). Seconds, not minutes: the bars are drawn to scale.
ROUND = {"Priya": 3.0, "Tom": 0.0, "Mere": 2.0, "Lee": 1.0}
CSP_WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => window.__csp.push(e.violatedDirective));
"""


def refusals(page: Page, console: list[str]) -> list[str]:
    found: list[str] = page.evaluate("() => window.__csp")
    return found + [text for text in console if "Content Security Policy" in text]


def test_schedule_view_and_summary_charts(
    screens: Screens,
    session: Session,
    shots: Path,
) -> None:
    shots.mkdir(parents=True, exist_ok=True)
    for name in ROUND:
        session.join(name)
    session.admit_all()
    session.start_first_round()
    sam = screens.live(session.sam_url, LAPTOP)
    sam.context.add_init_script(CSP_WATCH)
    console: list[str] = []
    sam.on("console", lambda message: _note(console, message))
    sam.reload()
    for name, seconds in ROUND.items():
        time.sleep(seconds)
        token = session.participants[name]["token"]
        session.command("share" if seconds else "pass", token=token)
    expect(sam.locator("#schedule-line")).to_contain_text("Schedule:")
    expect(sam.locator("#schedule-block")).to_have_attribute("hx-trigger", "every 15s")
    shoot(sam, shots, "console-schedule.png")
    # A screenshot leaves an empty style attribute on inputs, which a later swap would copy
    # over (htmx settles "style") and the policy would refuse: carry on in a fresh page.
    sam.reload()
    sam.get_by_text("Links and settings").click()  # the console's drawer
    sam.get_by_label("Gentle cue before the end (minutes)").fill("0.75")
    sam.get_by_label("A soft sound with the cue").check()
    sam.get_by_role("button", name="Save settings").click()
    expect(sam.locator("#notice")).to_contain_text("Settings saved.")
    assert session.view()["settings"]["sound_cue"] is True

    sam.get_by_role("link", name="Timing summary").click()
    expect(sam.get_by_role("heading", name="Agenda: planned and actual")).to_be_visible()
    expect(sam.locator("#round-1 svg rect")).to_have_count(len(ROUND))
    heights = [
        float(h or 0)
        for h in sam.locator("#round-1 svg rect").evaluate_all(
            "rects => rects.map((r) => r.getAttribute('height'))"
        )
    ]
    assert heights[0] == max(heights)  # Priya spoke longest; bars stay in the order asked
    assert heights[1] < min(heights[2:])  # Tom passed at once
    assert refusals(sam, console) == []
    problems = axe_violations(sam)
    assert not problems, describe_violations("summary", problems)
    shoot(sam, shots, "summary.png")
    sam.locator("#round-1").scroll_into_view_if_needed()
    shoot(sam, shots, "summary-airtime.png")


def _note(console: list[str], message: ConsoleMessage) -> None:
    console.append(message.text)
