"""Support resources in Debian's Chromium, as a group lives them (issue 17): Sam confirms the
group's crisis line on the group page and starts the session; Priya asks for support on her
phone (360 by 640) and her phone alone shows the group's resources at once, with "a facilitator
will check in with you"; Tom's phone shows nothing of it. At the end every phone offers the
resources, the console lists who asked so someone follows up, and "Follow-up done" leaves
only the count. axe on every step; the phone's screenshot goes to docs/screenshots/ with
UPDATE_SCREENSHOTS=1."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.support.browser import LAPTOP, PHONE, Screens, wait_connected
from tests.support.group_pages import AuditedPage, sign_up_with_a_group
from tests.support.live_server import LiveServer, running_server


@pytest.fixture
def server(tmp_path: Path) -> Iterator[LiveServer]:
    """A server of its own: the test signs up an account, which the shared server may hold."""
    with running_server(tmp_path) as live:
        yield live


def confirm_the_crisis_line(page: Page) -> None:
    first = page.locator("#support-resources > li").first
    expect(first.locator(".tag--unconfirmed")).to_have_text(
        "Not confirmed: nobody is shown this yet"
    )
    first.get_by_text("Check and confirm it").click()
    first.get_by_label("Name").fill("Samaritans")
    first.get_by_label("How to reach it (a number, an address, a person)").fill(
        "Call 116 123 (free)"
    )
    first.get_by_label("When it is available").fill("Day and night, every day")
    first.get_by_role("button", name="I have checked it: confirm").click()
    first = page.locator("#support-resources > li").first
    expect(first).to_contain_text("Samaritans: Call 116 123 (free)")
    expect(first.locator(".tag--unconfirmed")).to_have_count(0)


def joined_phone(screens: Screens, server: LiveServer, session_id: str, name: str) -> Page:
    with server.api() as api:
        response = api.post(f"/api/sessions/{session_id}/participants", json={"name": name})
    assert response.status_code == 201, response.text
    return screens.live(str(response.json()["url"]), PHONE)


def test_a_person_who_asks_for_support_sees_the_groups_resources_on_their_phone_alone(
    screens: Screens, server: LiveServer, shots: Path
) -> None:
    problems: list[str] = []
    sam = AuditedPage(screens.open(f"{server.base_url}/", LAPTOP), problems)
    sign_up_with_a_group(sam, server.base_url)
    console = sam.page
    confirm_the_crisis_line(console)
    sam.audit("group page, support resources, one confirmed")
    console.locator("#support").screenshot(
        path=str(shots / "group-support.png"), animations="disabled"
    )

    console.get_by_role("button", name=re.compile("Start this week's session")).click()
    found = re.search(r"/s/([^/]+)/console", console.url)
    assert found is not None
    wait_connected(console)
    priya = AuditedPage(joined_phone(screens, server, found.group(1), "Priya"), problems)
    tom = joined_phone(screens, server, found.group(1), "Tom")
    for name in ("Priya", "Tom"):
        console.get_by_role("button", name=f"Let in {name}").click()
    console.get_by_role("button", name="Start the session").click()
    expect(priya.page.locator("#support")).to_have_text("I'd like some support")

    priya.page.get_by_role("button", name="I'd like some support").click()
    asked = priya.page.locator("#support-asked")
    expect(asked).to_contain_text("A facilitator will check in with you quietly.")
    resources = priya.page.locator("#support-resources")
    expect(resources).to_contain_text("Samaritans: Call 116 123 (free) · Day and night")
    # Only the confirmed one: the placeholders still waiting for Sam are not shown.
    expect(resources.locator("li")).to_have_count(1)
    expect(priya.page.locator("#presence-panel")).to_contain_text(
        "please call your local emergency number now"
    )
    priya.audit("phone, asked for support")
    asked.evaluate("element => element.scrollIntoView({block: 'start'})")
    priya.page.screenshot(path=str(shots / "phone-support.png"), animations="disabled")
    expect(console.locator("#support-list")).to_contain_text("Priya")
    expect(tom.locator("main")).not_to_contain_text("Samaritans")

    console.get_by_text("End the session…").click()
    console.get_by_role("button", name="End the session for everyone").click()
    for phone in (priya.page, tom):
        expect(phone.locator("#support-resources-ended")).to_contain_text("Samaritans")
    priya.audit("phone, the session has ended")
    priya.page.screenshot(path=str(shots / "phone-ended-support.png"), animations="disabled")
    follow_up = console.locator("#follow-up-list")
    expect(follow_up).to_have_text("Priya")
    sam.audit("console, ended, who asked for support")
    console.locator("#signals-panel").screenshot(
        path=str(shots / "console-support-follow-up.png"), animations="disabled"
    )

    console.get_by_role("button", name="Follow-up done").click()
    expect(console.locator("#follow-up-count")).to_have_text(
        "Follow-up done. 1 person asked for support; who is no longer kept."
    )
    expect(follow_up).to_have_count(0)
    sam.audit("console, ended, follow-up done")
    assert not problems, "\n\n".join(problems)
