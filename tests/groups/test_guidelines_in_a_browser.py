"""The group page's guidelines in Debian's Chromium, checked by axe: a facilitator changes a
guideline's words, retires one and brings it back, and marks the list reviewed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.support.browser import WAIT_MS
from tests.support.groups import PASSWORD, today
from tests.support.live_server import LiveServer, running_server
from tests.support.pages import axe_violations, describe_violations


@pytest.fixture
def server(tmp_path: Path) -> Iterator[LiveServer]:
    with running_server(tmp_path) as live:
        yield live


def test_a_facilitator_looks_after_the_groups_guidelines(
    server: LiveServer, chromium: Browser
) -> None:
    page: Page = chromium.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.set_default_timeout(WAIT_MS)
    problems: list[str] = []

    def audit(where: str) -> None:
        violations = axe_violations(page)
        if violations:
            problems.append(describe_violations(where, violations))

    page.goto(f"{server.base_url}/account/register")
    page.get_by_label("Email address").fill("sam@example.org")
    page.get_by_label("Your name").fill("Sam")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("The same password again").fill(PASSWORD)
    page.get_by_role("button", name="Create the account").click()
    page.get_by_label("Group name").fill("Riverside")
    page.get_by_label("Date of the first meeting").fill(today().isoformat())
    page.get_by_label("Meeting time").fill("18:30")
    page.get_by_role("button", name="Create the group").click()
    expect(page.get_by_role("heading", name="Riverside", level=1)).to_be_visible()

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

    assert not problems, "\n\n".join(problems)
