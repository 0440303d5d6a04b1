"""The account and group pages in Debian's Chromium: a facilitator's first week, checked by axe.

Playwright is started and stopped inside the test: its sync API keeps an event loop running in
this thread while open, which the anyio tests that follow must not inherit.
"""

from __future__ import annotations

import re

from playwright.sync_api import Browser, expect

from tests.support.browser import PHONE
from tests.support.group_pages import AuditedPage, sign_up_with_a_group
from tests.support.groups import today
from tests.support.live_server import LiveServer


def test_a_facilitator_sets_up_a_group_and_starts_its_session(
    server: LiveServer, chromium: Browser
) -> None:
    audited = AuditedPage.open(chromium)
    page, audit = audited.page, audited.audit
    sign_up_with_a_group(audited, server.base_url)

    page.get_by_label("Add a member after the initial conversation (preferred name)").fill("Priya")
    page.get_by_role("button", name="Add the member").click()
    page.get_by_label("Action", exact=True).select_option("guaranteed_time")
    page.get_by_label("What was agreed").fill("Priya has time first")
    page.get_by_label("Peer's preferred name").fill("Priya")
    page.get_by_label("For the meeting on").fill("2000-01-01")
    page.get_by_role("button", name="Record the action").click()
    expect(page.get_by_role("alert")).to_contain_text("already passed")
    audit("group page, with an error")
    page.get_by_label("For the meeting on").fill(today().isoformat())
    page.get_by_role("button", name="Record the action").click()
    expect(page.locator("#action-list")).to_contain_text("Priya has time first")

    page.goto(f"{server.base_url}/templates/stronger-together-grief-support")
    audit("template editor")
    page.goto(f"{server.base_url}/privacy")
    audit("privacy page")

    page.goto(f"{server.base_url}/groups")
    page.get_by_role("link", name="Riverside").click()
    page.get_by_role("button", name="Start this week's session").click()
    expect(page.locator("#carried-over")).to_contain_text("Priya has time first")
    expect(page.locator("#promise-1")).to_contain_text("still owed")
    audit("console of the group's session")
    # Priya said she is fine this week: the promise is released, openly, on the console, and
    # "Undo" takes it back.
    page.get_by_role("button", name="Start the session").click()
    page.locator("#release-promise-1").click()
    expect(page.locator("#promise-1")).to_contain_text("released")
    expect(page.locator("#release-promise-1")).to_have_count(0)
    page.locator("#undo-last").click()
    expect(page.locator("#promise-1")).to_contain_text("still owed")

    audited.assert_no_problems()


def test_a_prospective_member_joins_through_their_link_and_waits_for_the_name_check(
    server: LiveServer, chromium: Browser
) -> None:
    on_console = AuditedPage.open(chromium)
    on_phone = AuditedPage.open(chromium, PHONE, on_console.problems)
    console, phone = on_console.page, on_phone.page
    sign_up_with_a_group(on_console, server.base_url, welcome_every="4")
    group_page = console.url
    console.get_by_label("Add a member after the initial conversation (preferred name)").fill("Kim")
    console.get_by_role("button", name="Add the member").click()
    console.get_by_role("button", name="Their own link").click()
    found = re.search(r"/apologies/[\w.-]+", console.locator("#group-notice").inner_text())
    assert found is not None
    console.get_by_role("button", name="Start this week's session").click()
    expect(console.locator("#waiting-panel")).to_contain_text("Nobody is waiting")

    phone.goto(f"{server.base_url}{found.group(0)}")
    expect(phone.locator("#welcoming-meeting")).to_be_visible()
    on_phone.audit("a prospective member's own page, the session on")
    phone.get_by_role("button", name="Join this week's session").click()
    expect(phone.get_by_role("heading", name="Welcome, Kim")).to_be_visible()
    on_phone.audit("a prospective member in the waiting room")

    waiting = console.locator("#waiting-panel")
    expect(waiting).to_contain_text("Name check not recorded yet for Kim")
    expect(waiting).to_contain_text("prospective member")
    expect(console.get_by_role("button", name="Let in Kim")).to_have_count(0)
    on_console.audit("console, a name check not recorded yet")

    console_url = console.url
    console.goto(group_page)
    console.get_by_role("button", name="Name-check done").click()
    console.goto(console_url)
    console.get_by_role("button", name="Let in Kim").click()
    expect(phone.get_by_role("heading", name="Welcome, Kim")).to_have_count(0)
    expect(console.locator("#waiting-panel")).to_contain_text("Nobody is waiting")

    on_console.assert_no_problems()
