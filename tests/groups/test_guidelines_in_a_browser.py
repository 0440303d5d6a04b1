"""The group page's guidelines in Debian's Chromium, checked by axe: a facilitator changes a
guideline's words, retires one and brings it back, and marks the list reviewed."""

from __future__ import annotations

from playwright.sync_api import Browser, expect

from tests.support.group_pages import AuditedPage, sign_up_with_a_group
from tests.support.groups import today
from tests.support.live_server import LiveServer


def test_a_facilitator_looks_after_the_groups_guidelines(
    server: LiveServer, chromium: Browser
) -> None:
    audited = AuditedPage.open(chromium)
    page, audit = audited.page, audited.audit
    sign_up_with_a_group(audited, server.base_url)

    in_force = page.locator("#guideline-list > li")
    first = in_force.first
    words = first.locator("bdi").inner_text()
    first.get_by_text("Change the words").click()
    audit("changing a guideline's words")
    box = first.get_by_label("The guideline's words")
    box.fill("   ")
    box.evaluate("input => input.removeAttribute('required')")
    first.get_by_role("button", name="Save the words").click()
    expect(page.get_by_role("alert")).to_have_text("Please enter the guideline.")
    audit("a change refused")
    first = page.locator("#guideline-list > li").first
    expect(first.locator("details")).to_have_attribute("open", "")
    first.get_by_label("The guideline's words").fill("We listen with care.")
    first.get_by_role("button", name="Save the words").click()
    expect(page.locator("#guideline-list > li").first.locator("bdi")).to_have_text(
        "We listen with care."
    )

    page.locator("#guideline-list > li").first.get_by_role("button", name="Retire it").click()
    retired = page.locator("#retired-guidelines")
    retired.get_by_text("Retired guidelines (1)").click()
    expect(retired).to_contain_text("We listen with care.")
    expect(page.locator("#guideline-list")).not_to_contain_text("We listen with care.")
    audit("a retired guideline")
    retired.get_by_role("button", name="Bring it back").click()
    expect(page.locator("#guideline-list")).to_contain_text("We listen with care.")
    expect(page.locator("#guideline-list")).not_to_contain_text(words)

    expect(page.locator("#guidelines-reviewed")).to_have_text("Not reviewed together yet.")
    page.get_by_role("button", name="We reviewed our guidelines today").click()
    on = today()
    expect(page.locator("#guidelines-reviewed")).to_have_text(f"Last reviewed {on.day} {on:%B %Y}.")
    audit("the list reviewed")

    audited.assert_no_problems()
