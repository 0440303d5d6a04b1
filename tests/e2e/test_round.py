"""A whole round in real browsers: two consoles, four participants (one on a phone), the room.

Participants join through the join page, Sam lets them in from the waiting room and runs the
session from his console; each click on a phone moves the turn on every other screen within
the same second (measured in the browser, from the click to the change in the page).
"""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Page, expect

from tests.support.browser import PHONE, PROJECTOR, Screens, wait_connected
from tests.support.pages import (
    Session,
    first_seen_after,
    last_click,
    version_of,
    wait_version_above,
)

NAMES = ("Priya", "Tom", "Mere", "Lee")
WITHIN_MS = 1_000.0


def join_through_the_page(screens: Screens, session: Session, name: str, phone: bool) -> Page:
    page = screens.open(session.join_url, PHONE if phone else {"width": 800, "height": 700})
    expect(page.get_by_role("heading", level=1)).to_have_text("Join “Tuesday evening”")
    page.get_by_label("Your name").fill(name)
    page.get_by_role("button", name="Join").click()
    expect(page.locator("#you-heading")).to_have_text(f"Welcome, {name}")
    wait_connected(page)
    return page


def speaker_on(page: Page) -> str:
    """Where each kind of screen names who is speaking."""
    if "/room" in page.url:
        return "#room-speaker .room-speaker__name"
    return "#turn-panel .speaker-name"


def click_and_follow(
    clicker: Page,
    button: str,
    everyone: list[Page],
    check: Callable[[Page], None],
    session: Session,
) -> list[float]:
    """Click `button` on `clicker`; every other page must show the change within 1 s of it."""
    version = session.view()["version"]
    for page in everyone:
        expect(page.locator("#live-version")).to_have_attribute("data-version", str(version))
    clicker.get_by_role("button", name=button, exact=True).click()
    clicked = last_click(clicker)
    delays = []
    for page in everyone:
        wait_version_above(page, version)
        check(page)
        if page is not clicker:
            delays.append(first_seen_after(page, version) - clicked)
    assert max(delays) < WITHIN_MS, f"slowest screen took {max(delays):.0f} ms: {delays}"
    print(f"{button!r}: every screen within {max(delays):.0f} ms of the click")
    return delays


def test_a_whole_round_moves_on_every_screen_within_a_second(
    screens: Screens, session: Session
) -> None:
    sam = screens.live(session.sam_url)
    ana = screens.live(session.ana_url)
    room = screens.live(session.room_url, PROJECTOR)
    expect(room.locator("#room-status-heading")).to_have_text("Welcome")

    phones = {
        name: join_through_the_page(screens, session, name, phone=(name == "Priya"))
        for name in NAMES
    }
    for name, phone in phones.items():
        # Someone still waiting to be let in is shown nobody else's name.
        for other in NAMES:
            if other != name:
                expect(phone.locator("body")).not_to_contain_text(other)
    expect(sam.locator("#waiting-heading .count")).to_have_text("4")
    expect(ana.locator("#waiting-panel")).to_contain_text("Priya")

    for name in NAMES:
        let_in = sam.get_by_role("button", name=f"Let in {name}")
        let_in.click()
        expect(let_in).to_have_count(0)
        expect(phones[name].locator("#you-heading")).to_have_text(f"You're in, {name}")
    expect(ana.locator("#waiting-panel")).to_contain_text("Nobody is waiting.")
    expect(ana.locator("#people-heading .count")).to_have_text("4")

    sam.get_by_role("button", name="Start the session").click()
    expect(room.locator("#room-stage-heading")).to_have_text("Welcome")
    sam.locator("#next-stage").click()
    for page in (sam, ana, room, phones["Priya"]):
        expect(page.locator("#stage-heading, #room-stage-heading").first).to_have_text(
            "Round of Good News"
        )
    sam.get_by_role("button", name="Start the round").click()

    everyone = [sam, ana, room, *phones.values()]
    for page in everyone:
        expect(page.locator(speaker_on(page))).to_have_text(
            "You" if page is phones["Priya"] else "Priya"
        )
    expect(phones["Priya"].locator("#you-heading")).to_have_text("Your turn")
    expect(phones["Tom"].locator("#you-heading")).to_have_text("You are next")
    expect(room.locator("#room-next li").first).to_have_text("Tom")

    def now_speaking(name: str, next_name: str | None) -> Callable[[Page], None]:
        def check(page: Page) -> None:
            shown = "You" if page is phones.get(name) else name
            expect(page.locator(speaker_on(page))).to_have_text(shown)
            if page is phones.get(name):
                expect(page.locator("#you-heading")).to_have_text("Your turn")
            if next_name and page is room:
                expect(room.locator("#room-next li").first).to_have_text(next_name)
            if next_name and page is phones.get(next_name):
                expect(page.locator("#you-heading")).to_have_text("You are next")

        return check

    # Priya shares on her phone (360x640); then Tom passes, Mere passes for now, Lee shares,
    # and Mere, asked once more at the end of the round, shares.
    click_and_follow(
        phones["Priya"], "I've finished sharing", everyone, now_speaking("Tom", "Mere"), session
    )
    expect(phones["Priya"].locator("#you-heading")).to_have_text("You've shared")
    click_and_follow(phones["Tom"], "Pass", everyone, now_speaking("Mere", "Lee"), session)
    expect(phones["Tom"].locator("#you-heading")).to_have_text("You passed")
    click_and_follow(phones["Mere"], "Pass for now", everyone, now_speaking("Lee", "Mere"), session)
    # Passed for now, and the only one left after Lee: she is next.
    expect(phones["Mere"].locator("#you-heading")).to_have_text("You are next")
    click_and_follow(
        phones["Lee"], "I've finished sharing", everyone, now_speaking("Mere", None), session
    )
    expect(sam.locator("#turn-panel .speaker-context")).to_have_text(
        "Asked once more, after passing for now"
    )

    def round_complete(page: Page) -> None:
        if page is room:
            expect(room.locator("#room-speaker")).to_contain_text("Everyone has had their turn.")
            expect(room.locator("#room-next")).to_contain_text("4 of 4 have had their turn")
        elif page in (sam, ana):
            expect(page.locator("#turn-panel")).to_contain_text("Nobody is speaking just now.")
            expect(page.locator("#round-panel")).to_contain_text("4 of 4 have had their turn")
        else:
            expect(page.locator("#turn-panel")).to_contain_text("Nobody is speaking just now.")

    click_and_follow(phones["Mere"], "I've finished sharing", everyone, round_complete, session)
    states = {
        name: sam.locator(f"#round-panel .order__item:has-text('{name}') .order__state")
        for name in NAMES
    }
    expect(states["Priya"]).to_have_text("shared")
    expect(states["Tom"]).to_have_text("passed")
    expect(states["Mere"]).to_have_text("shared")
    expect(states["Lee"]).to_have_text("shared")
    assert version_of(ana) == version_of(sam) == session.view()["version"]
