"""The group pages at a laptop's 1280x800 (issue 13 item 9, issue 17), in Debian's Chromium
with axe: a navigation bar, two columns that use the width, the time zone proposed from the
browser and a zone not found answered with the close ones, and meeting times in the group's
zone and where the viewer is; a meeting cancelled, on the group page and the member's.
Screenshots go to docs/screenshots/group-*.png with UPDATE_SCREENSHOTS=1 (to a temporary folder
otherwise).
"""

from __future__ import annotations

import os
import re
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect

from tests.support.browser import PHONE, ROOT, WAIT_MS
from tests.support.group_pages import AuditedPage
from tests.support.groups import PASSWORD, today
from tests.support.live_server import LiveServer

LAPTOP: ViewportSize = {"width": 1280, "height": 800}
DOCS_SHOTS = ROOT / "docs" / "screenshots"

# Where each element's box is, or None when it is not shown.
BOXES = """selectors => Object.fromEntries(Object.entries(selectors).map(([name, css]) => {
    const el = document.querySelector(css);
    if (!el || el.getClientRects().length === 0) return [name, null];
    const r = el.getBoundingClientRect();
    return [name, {top: r.top, left: r.left, bottom: r.bottom, right: r.right}];
}))"""


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    return DOCS_SHOTS if os.environ.get("UPDATE_SCREENSHOTS") == "1" else tmp_path


def opened(
    browser: Browser, zone: str, viewport: ViewportSize, problems: list[str] | None = None
) -> AuditedPage:
    """A page whose browser lives in `zone` (its Intl zone, as a person's computer would)."""
    page = browser.new_context(viewport=viewport, timezone_id=zone).new_page()
    page.set_default_timeout(WAIT_MS)
    return AuditedPage(page) if problems is None else AuditedPage(page, problems)


def boxes(page: Page, selectors: dict[str, str]) -> dict[str, dict[str, float] | None]:
    found: dict[str, dict[str, float] | None] = page.evaluate(BOXES, selectors)
    return found


def assert_inside(page: Page, selectors: dict[str, str], where: str) -> None:
    size = page.viewport_size
    assert size is not None
    for name, box in boxes(page, selectors).items():
        assert box is not None, f"{where}: {name} is not shown"
        inside = box["top"] >= 0 and box["left"] >= 0
        inside = inside and box["bottom"] <= size["height"] and box["right"] <= size["width"]
        assert inside, f"{where}: {name} at {box} is outside the {size} viewport"


def assert_no_sideways_scroll(page: Page, where: str) -> None:
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{where}: the page is {overflow}px wider than the screen"


def shoot(page: Page, shots: Path, name: str) -> None:
    assert_no_sideways_scroll(page, name)
    page.screenshot(path=str(shots / name), animations="disabled", caret="hide")


def test_the_group_pages_use_the_width_and_speak_each_persons_time_zone(
    server: LiveServer, chromium: Browser, shots: Path
) -> None:
    # Sam's laptop is in Chicago; the group meets in Auckland; Priya reads her link in London.
    audited = opened(chromium, "America/Chicago", LAPTOP)
    page, audit = audited.page, audited.audit
    page.goto(f"{server.base_url}/account/register")
    page.get_by_label("Email address").fill("sam@example.org")
    page.get_by_label("Your name").fill("Sam")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("The same password again").fill(PASSWORD)
    page.get_by_role("button", name="Create the account").click()

    expect(page.get_by_label("Time zone")).to_have_value("America/Chicago")
    expect(page.locator("#time-zone-proposed")).to_contain_text("from this device's setting")
    nav = page.get_by_role("navigation", name="Your account")
    expect(nav.get_by_role("link", name="Your groups")).to_have_attribute("aria-current", "page")
    assert_inside(
        page,
        {
            "navigation": ".site-nav",
            "your groups": "h1",
            "new group form": "#new-group",
            "group name": "#name",
            "date of the first meeting": "#first_meeting_on",
        },
        "groups, none yet",
    )
    side_by_side = boxes(page, {"groups": ".columns__main", "new group": ".columns__side"})
    assert side_by_side["groups"] is not None
    assert side_by_side["new group"] is not None
    assert side_by_side["groups"]["right"] < side_by_side["new group"]["left"]
    audit("groups, none yet")
    shoot(page, shots, "group-list.png")

    page.get_by_label("Group name").fill("Riverside")
    page.get_by_label("Date of the first meeting").fill(today().isoformat())
    page.get_by_label("Meeting time").fill("19:00")
    page.get_by_label("Time zone").fill("Auckland")
    page.get_by_role("button", name="Create the group").click()
    expect(page.get_by_role("alert")).to_contain_text("Did you mean Pacific/Auckland?")
    expect(page.get_by_label("Group name")).to_have_value("Riverside")
    audit("a time zone not found")
    page.get_by_label("Time zone").fill("Pacific/Auckland")
    page.get_by_role("button", name="Create the group").click()
    expect(page.get_by_role("heading", name="Riverside", level=1)).to_be_visible()

    for name in ("Priya", "Tom", "Mere"):
        page.get_by_label("Add a member after the initial conversation (preferred name)").fill(name)
        page.get_by_role("button", name="Add the member").click()
    page.get_by_label("Action", exact=True).select_option("guaranteed_time")
    page.get_by_label("What was agreed").fill("Priya has time first next week")
    page.get_by_label("Peer's preferred name").fill("Priya")
    # A week on: "today" on this machine may already be yesterday in Auckland.
    page.get_by_label("For the meeting on").fill((today() + timedelta(weeks=1)).isoformat())
    page.get_by_role("button", name="Record the action").click()
    expect(page.locator("#action-list")).to_contain_text("Priya has time first next week")
    page.get_by_role("button", name="Their own link for Priya").click()
    link = re.search(r"/apologies/[\w.-]+", page.locator("#group-notice").inner_text())
    assert link is not None

    first = page.locator("#calendar-list > li").first
    expect(first.locator("time")).to_contain_text(", 7:00 pm in Auckland")
    expect(first.locator("[data-where-you-are]")).to_contain_text("where you are")
    assert_inside(
        page,
        {
            "navigation": ".site-nav",
            "group name": "h1",
            "start this week's session": "#start-this-week",
            "next meeting": "#calendar-list > li:first-child",
            "housekeeping actions": "#actions-heading",
        },
        "group page",
    )
    columns = boxes(page, {"calendar": "#calendar", "actions": "#actions"})
    assert columns["calendar"] is not None
    assert columns["actions"] is not None
    assert columns["calendar"]["right"] < columns["actions"]["left"]
    assert_no_sideways_scroll(page, "group page")
    audit("group page")
    shoot(page, shots, "group-page.png")
    page.locator("#members").evaluate("section => section.scrollIntoView()")
    shoot(page, shots, "group-members.png")
    page.locator("#settings").evaluate("section => section.scrollIntoView()")
    shoot(page, shots, "group-details.png")

    # Sam cancels the meeting after next (a holiday): asked first, then struck in the list.
    later = page.locator("#calendar-list > li").nth(1)
    later.locator("summary").click()
    asked = later.locator(".hint").last
    expect(asked).to_contain_text("Members will see “No meeting on")
    later.get_by_label("Reason for members (optional)").fill("Christmas Eve")
    later.get_by_role("button", name=re.compile(r"^Cancel the meeting on")).click()
    cancelled = page.locator("#calendar-list > li").nth(1)
    expect(cancelled.locator(".tag--cancelled")).to_have_text("cancelled")
    expect(cancelled).to_contain_text("Christmas Eve")
    expect(cancelled.get_by_role("button", name=re.compile(r"^Restore it"))).to_be_visible()
    page.locator("#calendar").evaluate("section => section.scrollIntoView()")
    audit("group page, a meeting cancelled")
    shoot(page, shots, "group-cancelled-meeting.png")

    page.goto(f"{server.base_url}/templates/stronger-together-grief-support")
    first_item = boxes(page, {"title": "#stage-title-1", "minutes": "#stage-minutes-1"})
    assert first_item["title"] is not None
    assert first_item["minutes"] is not None
    assert first_item["title"]["top"] == first_item["minutes"]["top"]  # one line an item
    assert_no_sideways_scroll(page, "template editor")
    shoot(page, shots, "group-template.png")

    member = opened(chromium, "Europe/London", PHONE, audited.problems)
    member.page.goto(f"{server.base_url}{link.group(0)}")
    next_meeting = member.page.locator("#next-meeting")
    expect(next_meeting).to_contain_text("7:00 pm in Auckland")
    expect(next_meeting).to_contain_text("6:00 am where you are")
    expect(member.page.locator("#cancelled-meetings")).to_contain_text(": Christmas Eve.")
    assert_no_sideways_scroll(member.page, "a member's own page")
    member.audit("a member's own page")
    shoot(member.page, shots, "group-member-phone.png")

    audited.assert_no_problems()
