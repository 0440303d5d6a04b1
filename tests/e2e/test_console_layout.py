"""The console without hunting (issue 13): at a laptop's 1280x800 and 1366x768 and a tablet's
1024x768 (landscape), what a facilitator looks at and presses during a session is on the screen
without scrolling, in every kind of stage. Three consoles of one session, one at each size,
follow it from Welcome to its end; at each step the bounding boxes of the stage, the speaker,
their clock, the turn's buttons, who is next, the hands and the support signals must lie inside
the viewport. Also here: "Next stage" asks first while people are still to speak (click and
key), and a plain round costs the facilitator one click per speaker."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, ViewportSize, expect

from tests.support.browser import Screens
from tests.support.pages import Session, version_of, wait_version_above

VIEWPORTS: dict[str, ViewportSize] = {
    "1280x800": {"width": 1280, "height": 800},
    "1366x768": {"width": 1366, "height": 768},
    "1024x768": {"width": 1024, "height": 768},
}
PEOPLE = ("Priya", "Tom", "Mere", "Lee", "Jo", "Alexandra")

STAGE = {"stage": "#stage-heading", "stage clock": "#stage-panel .countdown"}
SIGNALS = {"hands": "#hands-list", "support": "#support-list"}
TURN = {
    "speaker": "#turn-panel .speaker-name",
    "clock": "#turn-panel .countdown",
    "next speaker": "#turn-share",
    "pass": "#turn-pass",
    "pause": "#turn-pause",
    "more time": "#turn-extend",
}
UP_NEXT = {"up next": "#turn-panel .up-next"}
EVERYTHING = STAGE | SIGNALS | TURN | UP_NEXT
# A burst in the waiting room: how many, and the two actions on all of them.
BURST = {
    "how many wait": "#waiting-burst",
    "let everyone in": "#admit-everyone-confirm > summary",
    "send everyone away": "#send-away-confirm > summary",
}

# Where each of the element's corners is, or None when it is not shown.
BOXES_SCRIPT = """selectors => Object.fromEntries(Object.entries(selectors).map(([name, css]) => {
    const el = document.querySelector(css);
    if (!el || el.getClientRects().length === 0) return [name, null];
    const r = el.getBoundingClientRect();
    return [name, {top: r.top, left: r.left, bottom: r.bottom, right: r.right}];
}))"""


def boxes(page: Page, selectors: dict[str, str] = EVERYTHING) -> dict[str, dict[str, float] | None]:
    found: dict[str, dict[str, float] | None] = page.evaluate(BOXES_SCRIPT, selectors)
    return found


def problems(
    page: Page, size: ViewportSize, required: dict[str, str], selectors: dict[str, str] = EVERYTHING
) -> list[str]:
    """What is missing or not wholly on the screen, as sentences."""
    found = boxes(page, selectors)
    scrolled = page.evaluate("() => [window.scrollX, window.scrollY]")
    said = [] if scrolled == [0, 0] else [f"the page is scrolled to {scrolled}"]
    for name, box in found.items():
        if box is None:
            if name in required:
                said.append(f"{name} is not shown")
            continue
        inside = (
            box["top"] >= 0
            and box["left"] >= 0
            and box["bottom"] <= size["height"]
            and box["right"] <= size["width"]
        )
        if not inside:
            said.append(f"{name} at {box} is outside {size['width']}x{size['height']}")
    return said


class Consoles:
    """Sam's console three times, one at each size, checked together after each step."""

    def __init__(self, screens: Screens, session: Session, locale: str | None = None) -> None:
        self.session = session
        self.pages = {
            label: screens.live(session.sam_url, size, locale=locale)
            for label, size in VIEWPORTS.items()
        }
        self.checked: list[str] = []
        self.failures: list[str] = []
        # The lowest edge of what was checked, per size: `pytest -s` prints the room to spare.
        self.lowest = dict.fromkeys(VIEWPORTS, 0.0)

    def step(self, command: str, /, token: str | None = None, **fields: Any) -> None:
        before = {label: version_of(page) for label, page in self.pages.items()}
        self.session.command(command, token=token, **fields)
        for label, page in self.pages.items():
            wait_version_above(page, before[label])

    def check(self, state: str, required: dict[str, str]) -> None:
        self.checked.append(state)
        for label, page in self.pages.items():
            for problem in problems(page, VIEWPORTS[label], required):
                self.failures.append(f"{state} at {label}: {problem}")
            shown = [box["bottom"] for box in boxes(page).values() if box is not None]
            self.lowest[label] = max([self.lowest[label], *shown])


# Spanish says most things at greater length than English: the same layout must hold.
@pytest.mark.parametrize("locale", [None, "es-MX"], ids=["en", "es"])
def test_the_console_shows_what_matters_without_scrolling_in_every_stage(
    screens: Screens, session: Session, locale: str | None
) -> None:
    for name in PEOPLE:
        session.join(name)
    session.admit_all()
    consoles = Consoles(screens, session, locale)
    token = {name: session.participants[name]["token"] for name in PEOPLE}
    # A hand and a call for support stay up all along: they must stay in sight throughout.
    consoles.step("raise_hand", token=token["Lee"])
    consoles.step("request_support", token=token["Tom"])
    stages = {s["title"]: s["id"] for s in session.view()["stages"]}
    live = STAGE | SIGNALS
    speaking = live | TURN

    consoles.step("start_session")
    consoles.check("welcome", live)
    consoles.step("advance_stage")
    consoles.step("start_round", order_policy="join_order")
    consoles.check("round", speaking | UP_NEXT)
    consoles.step("advance_stage")
    consoles.check("invite to Take Time", live)
    consoles.step("advance_stage")
    consoles.check("Taking Time: choosing", live)
    consoles.step("choose_taker", participant_id=session.id_of("Mere"))
    consoles.check("Taking Time: voicing", speaking)
    consoles.step("set_agreed_question", question="What helped you when you felt stuck?")
    consoles.check("Taking Time: agreeing a question", live)
    consoles.step("start_round", order_policy="join_order")
    consoles.check("Taking Time: Round of Sharing", speaking | UP_NEXT)
    consoles.step("invite_reflection")
    consoles.check("Taking Time: reflection", speaking)
    consoles.step("share", participant_id=session.id_of("Mere"))
    consoles.check("Taking Time: complete", live)
    consoles.step("go_to_stage", stage_id=stages["Comfort and refreshment break"])
    consoles.check("break", live)
    consoles.step("go_to_stage", stage_id=stages["Summary of housekeeping actions"])
    consoles.check("housekeeping", live)
    consoles.step("go_to_stage", stage_id=stages["Round of “Something I am taking away”"])
    consoles.step("start_round", order_policy="join_order")
    consoles.check("closing round", speaking | UP_NEXT)
    consoles.step("end_session")
    consoles.check("ended", {"stage": STAGE["stage"]})

    assert len(consoles.checked) == 13
    for label, lowest in consoles.lowest.items():
        spare = VIEWPORTS[label]["height"] - lowest
        print(f"{label}: the lowest checked element ends at {lowest:.0f} px ({spare:.0f} px spare)")
    assert not consoles.failures, "\n".join(consoles.failures)


def test_next_stage_asks_first_while_people_are_still_to_speak(
    screens: Screens, session: Session
) -> None:
    for name in PEOPLE[:3]:
        session.join(name)
    session.admit_all()
    session.start_first_round()
    sam = screens.live(session.sam_url)
    heading = sam.locator("#stage-heading")
    expect(heading).to_have_text("Round of Good News")

    # A click opens the question, naming who would lose their turn; nothing has moved yet.
    sam.get_by_text("Next stage:").click()
    ask = sam.locator("#next-stage-ask")
    expect(ask).to_contain_text("Still to speak in this item: Priya, Tom and Mere.")
    assert session.view()["current_stage"]["title"] == "Round of Good News"
    # The question follows the round while it is open.
    session.command("share", participant_id=session.id_of("Priya"))
    expect(ask).to_contain_text("Still to speak in this item: Tom and Mere.")
    sam.get_by_role("button", name="Move on").click()
    expect(heading).to_have_text("Who would like to Take Time today?")

    # With the keyboard: S asks; Space or Escape stays; S and S again moves on.
    sam.keyboard.press("u")  # undo: back to the round, Tom speaking
    expect(heading).to_have_text("Round of Good News")
    expect(sam.locator("#turn-panel .speaker-name")).to_have_text("Tom")
    sam.keyboard.press("s")
    expect(ask).to_be_visible()
    expect(sam.locator("#announcer")).to_contain_text("Still to speak in this item: Tom and Mere.")
    sam.keyboard.press(" ")  # out of habit, to pause: it only closes the question
    expect(ask).to_be_hidden()
    sam.keyboard.press("s")
    expect(ask).to_be_visible()
    sam.keyboard.press("Escape")
    expect(ask).to_be_hidden()
    assert session.view()["current_stage"]["title"] == "Round of Good News"
    sam.keyboard.press("s")
    expect(ask).to_contain_text("Tom and Mere")
    sam.keyboard.press("s")
    expect(heading).to_have_text("Who would like to Take Time today?")

    # Once nobody is still to speak, S moves on at once.
    expect(sam.locator("details.ask-first")).to_have_count(0)
    sam.keyboard.press("s")
    expect(heading).to_have_text("Taking Time 1")


def test_a_plain_round_costs_one_click_per_speaker(screens: Screens, session: Session) -> None:
    for name in PEOPLE:
        session.join(name)
    session.admit_all()
    session.start_first_round()
    sam = screens.live(session.sam_url)
    speaker = sam.locator("#turn-panel .speaker-name")
    clicks_before = sam.evaluate("() => window.__probe.clicks.length")
    for index, name in enumerate(PEOPLE):
        expect(speaker).to_have_text(name)
        version = version_of(sam)
        sam.locator("#turn-share").click()
        wait_version_above(sam, version)
        if index + 1 < len(PEOPLE):
            expect(speaker).to_have_text(PEOPLE[index + 1])
    clicks = sam.evaluate("() => window.__probe.clicks.length") - clicks_before
    assert sam.locator("#turn-panel .speaker-name").count() == 0
    assert clicks == len(PEOPLE), f"{clicks} clicks for {len(PEOPLE)} speakers"
    assert session.view()["round"]["complete"] is True


def test_forty_strangers_waiting_are_counted_and_sent_away_in_one_action(
    screens: Screens, session: Session
) -> None:
    for name in PEOPLE:
        session.join(name)
    session.admit_all()
    session.start_first_round()
    session.command("raise_hand", token=session.participants["Lee"]["token"])
    session.command("request_support", token=session.participants["Tom"]["token"])
    for number in range(40):
        session.join(f"Stranger {number}")
    consoles = {label: screens.live(session.sam_url, size) for label, size in VIEWPORTS.items()}
    failures = []
    for label, page in consoles.items():
        expect(page.locator("#waiting-burst")).to_contain_text("40 people are waiting")
        # Each stranger's row waits behind the disclosure; the round is still in sight.
        expect(page.locator("#waiting-all .waiting__person").first).to_be_hidden()
        for problem in problems(page, VIEWPORTS[label], EVERYTHING | BURST, EVERYTHING | BURST):
            failures.append(f"40 waiting at {label}: {problem}")
    assert not failures, "\n".join(failures)

    sam = consoles["1280x800"]
    sam.get_by_text("Send everyone away…").click()
    expect(sam.locator("#send-away-ask")).to_contain_text(
        "Send all 40 people in the waiting room away?"
    )
    assert len(session.view()["waiting_room"]) == 40  # asked first: nothing has happened yet
    version = version_of(sam)
    sam.get_by_role("button", name="Send them away").click()
    wait_version_above(sam, version)
    expect(sam.locator("#waiting-panel")).to_contain_text("Nobody is waiting.")
    view = session.view()
    assert view["waiting_room"] == []
    assert [p["name"] for p in view["participants"]] == list(PEOPLE)
    assert view["speaker"]["name"] == PEOPLE[0]
