"""A Spanish group's pages in Debian's Chromium with axe (issue 17): a facilitator whose laptop
asks for no language we ship reads the group's Spanish, meeting times as Spanish says them, and
the browser adds the time where they are in Spanish words too ("— 6:00 donde estás").
With UPDATE_SCREENSHOTS=1 the page is written to docs/screenshots/group-page-es.png."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Browser, expect

from tests.support.browser import WAIT_MS
from tests.support.group_pages import LAPTOP, AuditedPage
from tests.support.groups import PASSWORD, today
from tests.support.live_server import LiveServer


def test_a_portuguese_laptop_in_london_reads_a_spanish_group_in_spanish(
    server: LiveServer, chromium: Browser, shots: Path
) -> None:
    context = chromium.new_context(viewport=LAPTOP, timezone_id="Europe/London", locale="pt-BR")
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    audited = AuditedPage(page)
    page.goto(f"{server.base_url}/account/register")
    page.locator("#email").fill("sam@example.org")
    page.locator("#display_name").fill("Sam")
    page.locator("#password").fill(PASSWORD)
    page.locator("#password_again").fill(PASSWORD)
    page.locator("#password_again").press("Enter")
    page.locator("#name").fill("Riverside")
    page.locator("#first_meeting_on").fill(today().isoformat())
    page.locator("#meeting_time").fill("19:00")
    page.locator("#time_zone").fill("Pacific/Auckland")
    page.locator("#group-language").select_option("es")
    page.locator("form[aria-labelledby=new-group] button[type=submit]").click()

    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_role("heading", name="Próximamente")).to_be_visible()
    first = page.locator("#calendar-list > li").first
    expect(first.locator("time")).to_contain_text(":00 en Auckland")
    expect(first.locator("[data-where-you-are]")).to_contain_text("donde estás")
    expect(first.locator("[data-where-you-are]")).not_to_contain_text("where you are")
    audited.audit("a Spanish group's page")
    audited.assert_no_problems()
    page.screenshot(path=str(shots / "group-page-es.png"), animations="disabled", caret="hide")
