"""A whole round in real browsers: two consoles, four participants (one on a phone), the room,
every screen in English, and again every screen in Spanish.

Participants join through the join page, Sam lets them in from the waiting room and runs the
session from his console; each click on a phone moves the turn on every other screen within
the same second (measured in the browser, from the click to the change in the page). The words
each screen should say come from the shipped catalog (tests/support/translations.py `said`).
With UPDATE_SCREENSHOTS=1 the Spanish run's screens are written to docs/screenshots/*-es.png.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from app.plain_text import quoted
from tests.support.browser import PHONE, PROJECTOR, Screens, wait_connected
from tests.support.pages import (
    Session,
    axe_violations,
    first_seen_after,
    last_click,
    to_the_top,
    version_of,
    wait_version_above,
)
from tests.support.translations import said

NAMES = ("Priya", "Tom", "Mere", "Lee")
WITHIN_MS = 1_000.0
# Each language, and the browser locale that asks for it.
LANGUAGES = {"en": "en-US", "es": "es-MX"}


def join_through_the_page(
    screens: Screens, session: Session, name: str, phone: bool, language: str
) -> Page:
    say = partial(said, language)
    page = screens.open(
        session.join_url,
        PHONE if phone else {"width": 800, "height": 700},
        locale=LANGUAGES[language],
    )
    expect(page.get_by_role("heading", level=1)).to_have_text(
        say("Join %(title)s", title=quoted("Tuesday evening"))
    )
    page.get_by_label(say("Your name")).fill(name)
    page.get_by_role("button", name=say("Join")).click()
    expect(page.locator("#you-heading")).to_have_text(say("Welcome, %(name)s", name=name))
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


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_whole_round_moves_on_every_screen_within_a_second(
    screens: Screens, session: Session, language: str, shots: Path
) -> None:
    say = partial(said, language)
    locale = LANGUAGES[language]
    sam = screens.live(session.sam_url, locale=locale)
    ana = screens.live(session.ana_url, locale=locale)
    room = screens.live(session.room_url, PROJECTOR, locale=locale)
    expect(room.locator("#room-status-heading")).to_have_text(say("Welcome"))

    phones = {
        name: join_through_the_page(screens, session, name, (name == "Priya"), language)
        for name in NAMES
    }
    for name, phone in phones.items():
        # Someone still waiting to be let in is shown nobody else's name (a whole word: "Tom"
        # is in the Spanish "Tomar Tiempo").
        for other in NAMES:
            if other != name:
                expect(phone.locator("body")).not_to_contain_text(re.compile(rf"\b{other}\b"))
    expect(sam.locator("#waiting-heading .count")).to_have_text("4")
    expect(ana.locator("#waiting-panel")).to_contain_text("Priya")

    for name in NAMES:
        let_in = sam.get_by_role("button", name=say("Let in %(name)s", name=name))
        let_in.click()
        expect(let_in).to_have_count(0)
        expect(phones[name].locator("#you-heading")).to_have_text(
            say("You're in, %(name)s", name=name)
        )
    expect(ana.locator("#waiting-panel")).to_contain_text(say("Nobody is waiting."))
    expect(ana.locator("#people-heading .count")).to_have_text("4")

    sam.get_by_role("button", name=say("Start the session")).click()
    expect(room.locator("#room-stage-heading")).to_have_text("Welcome")
    sam.locator("#next-stage").click()
    for page in (sam, ana, room, phones["Priya"]):
        expect(page.locator("#stage-heading, #room-stage-heading").first).to_have_text(
            "Round of Good News"
        )
    sam.get_by_role("button", name=say("Start the round")).click()

    everyone = [sam, ana, room, *phones.values()]
    for page in everyone:
        expect(page.locator(speaker_on(page))).to_have_text(
            say("You") if page is phones["Priya"] else "Priya"
        )
    expect(phones["Priya"].locator("#you-heading")).to_have_text(say("Your turn"))
    expect(phones["Tom"].locator("#you-heading")).to_have_text(say("You are next"))
    expect(room.locator("#room-next li").first).to_have_text("Tom")
    if language != "en":
        assert axe_violations(sam) == []
        to_the_top(sam)
        sam.screenshot(path=str(shots / f"console-round-start-{language}.png"))

    def now_speaking(name: str, next_name: str | None) -> Callable[[Page], None]:
        def check(page: Page) -> None:
            shown = say("You") if page is phones.get(name) else name
            expect(page.locator(speaker_on(page))).to_have_text(shown)
            if page is phones.get(name):
                expect(page.locator("#you-heading")).to_have_text(say("Your turn"))
            if next_name and page is room:
                expect(room.locator("#room-next li").first).to_have_text(next_name)
            if next_name and page is phones.get(next_name):
                expect(page.locator("#you-heading")).to_have_text(say("You are next"))

        return check

    # Priya shares on her phone (360x640); then Tom passes, Mere passes for now, Lee shares,
    # and Mere, asked once more at the end of the round, shares.
    finished = say("I've finished sharing")
    click_and_follow(phones["Priya"], finished, everyone, now_speaking("Tom", "Mere"), session)
    expect(phones["Priya"].locator("#you-heading")).to_have_text(say("You've shared"))
    click_and_follow(phones["Tom"], say("Pass"), everyone, now_speaking("Mere", "Lee"), session)
    expect(phones["Tom"].locator("#you-heading")).to_have_text(say("You passed"))
    click_and_follow(
        phones["Mere"], say("Pass for now"), everyone, now_speaking("Lee", "Mere"), session
    )
    # Passed for now, and the only one left after Lee: she is next.
    expect(phones["Mere"].locator("#you-heading")).to_have_text(say("You are next"))
    click_and_follow(phones["Lee"], finished, everyone, now_speaking("Mere", None), session)
    expect(sam.locator("#turn-panel .speaker-context")).to_have_text(
        say("Asked once more, after passing for now")
    )

    all_done = say("%(done)s of %(total)s have had their turn", done=4, total=4)

    def round_complete(page: Page) -> None:
        nobody = say("Nobody is speaking just now.")
        if page is room:
            expect(room.locator("#room-speaker")).to_contain_text(
                say("Everyone has had their turn.")
            )
            expect(room.locator("#room-next")).to_contain_text(all_done)
        elif page in (sam, ana):
            expect(page.locator("#turn-panel")).to_contain_text(nobody)
            expect(page.locator("#round-panel")).to_contain_text(all_done)
        else:
            expect(page.locator("#turn-panel")).to_contain_text(nobody)

    click_and_follow(phones["Mere"], finished, everyone, round_complete, session)
    states = {
        name: sam.locator(
            f"#round-panel .order__item:has(.order__name:text-is('{name}')) .order__state"
        )
        for name in NAMES
    }
    expect(states["Priya"]).to_have_text(say("shared"))
    expect(states["Tom"]).to_have_text(say("passed"))
    expect(states["Mere"]).to_have_text(say("shared"))
    expect(states["Lee"]).to_have_text(say("shared"))
    assert version_of(ana) == version_of(sam) == session.view()["version"]
    if language != "en":
        assert axe_violations(sam) == []
        to_the_top(sam)
        sam.screenshot(path=str(shots / f"console-round-complete-{language}.png"))
        room.screenshot(path=str(shots / f"room-round-complete-{language}.png"))
