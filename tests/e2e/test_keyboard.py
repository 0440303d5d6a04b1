"""A facilitator runs the frequent actions with the keyboard alone: Tab/Enter to reach and press
"Let in" and "Start the round" (with a visible focus ring), then the shortcuts N (next
speaker), Space (pause/resume), S (next stage, asking first while someone is still to speak)
and ? (the list of shortcuts)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.support.browser import Screens
from tests.support.pages import Session

MAX_TABS = 60


def tab_to(page: Page, target: Locator) -> None:
    """Press Tab until `target` has the focus; it must show a visible focus ring."""
    expect(target).to_be_visible()
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if target.evaluate("el => el === document.activeElement"):
            break
    else:
        pytest.fail(f"Tab never reached {target}")
    ring = target.evaluate(
        """el => {
            const style = getComputedStyle(el);
            return {
                focusVisible: el.matches(":focus-visible"),
                outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2,
                boxShadow: style.boxShadow !== "none",
            };
        }"""
    )
    assert ring["focusVisible"], "the focus is visible (keyboard focus)"
    assert ring["outline"] or ring["boxShadow"], f"a focus ring is drawn: {ring}"


def test_a_facilitator_can_run_the_round_from_the_keyboard(
    screens: Screens, session: Session
) -> None:
    for name in ("Priya", "Tom", "Mere"):
        session.join(name)
    sam = screens.live(session.sam_url)
    waiting = sam.locator("#waiting-heading .count")
    expect(waiting).to_have_text("3")

    for count, name in enumerate(("Priya", "Tom", "Mere"), start=1):
        let_in = sam.get_by_role("button", name=f"Let in {name}")
        tab_to(sam, let_in)
        sam.keyboard.press("Enter")
        expect(waiting).to_have_text(str(3 - count))
    expect(sam.locator("#people-heading .count")).to_have_text("3")

    start_session = sam.get_by_role("button", name="Start the session")
    tab_to(sam, start_session)
    sam.keyboard.press("Enter")
    expect(sam.locator("#stage-heading")).to_have_text("Welcome")

    sam.keyboard.press("s")
    expect(sam.locator("#stage-heading")).to_have_text("Round of Good News")

    start_round = sam.get_by_role("button", name="Start the round")
    tab_to(sam, start_round)
    sam.keyboard.press("Enter")
    speaker = sam.locator("#turn-panel .speaker-name")
    expect(speaker).to_have_text("Priya")

    sam.keyboard.press("n")
    expect(speaker).to_have_text("Tom")
    assert session.speaker() == "Tom"

    countdown = sam.locator("#turn-panel .countdown")
    expect(countdown).to_have_attribute("data-state", "running")
    sam.keyboard.press(" ")
    expect(countdown).to_have_attribute("data-state", "paused")
    expect(sam.locator("#turn-pause")).to_contain_text("Resume")
    assert session.view()["speaker"]["timer"]["started_at"] is None
    sam.keyboard.press(" ")
    expect(countdown).to_have_attribute("data-state", "running")
    expect(sam.locator("#turn-pause")).to_contain_text("Pause")
    expect(speaker).to_have_text("Tom")

    sam.keyboard.press("?")
    dialog = sam.get_by_role("dialog", name="Keyboard shortcuts")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Next speaker")
    # While the list is open the shortcuts rest: N does not move the round on.
    sam.keyboard.press("n")
    sam.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(speaker).to_have_text("Tom")

    # Had the N pressed during the list gone through, this one would end the round instead.
    sam.keyboard.press("n")
    expect(speaker).to_have_text("Mere")
    # Mere is still speaking: S asks first, naming her, and S again moves on.
    sam.keyboard.press("s")
    expect(sam.locator("#next-stage-ask")).to_contain_text("Still to speak in this item: Mere.")
    assert session.view()["current_stage"]["title"] == "Round of Good News"
    sam.keyboard.press("s")
    expect(sam.locator("#stage-heading")).to_have_text("Who would like to Take Time today?")
    assert session.view()["current_stage"]["title"] == "Who would like to Take Time today?"
