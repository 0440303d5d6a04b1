"""The facilitator reorders the round by keyboard and by drag, and undoes the last action: the
other facilitator's console and the room view follow at once."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.support.browser import PROJECTOR, Screens
from tests.support.pages import Session


def order_of(page: Page) -> list[str]:
    return page.locator("#round-order .order__name").all_inner_texts()


def round_of_four(session: Session) -> None:
    for name in ("Priya", "Tom", "Mere", "Jo"):
        session.join(name)
    session.admit_all()
    session.start_first_round()


def test_the_round_is_reordered_by_keyboard_and_by_drag(screens: Screens, session: Session) -> None:
    round_of_four(session)
    sam = screens.live(session.sam_url)
    ana = screens.live(session.ana_url)
    room = screens.live(session.room_url, PROJECTOR)
    room_next = room.locator("#room-next li")
    expect(room_next).to_have_text(["Tom", "Mere"])
    # Priya is speaking: she holds her place and has no Move buttons.
    expect(sam.locator("#round-order li").first).to_have_attribute("data-turn", "speaking")
    expect(sam.get_by_role("button", name="Move Priya up")).to_have_count(0)

    # Keyboard: Alt+ArrowUp on Jo's row moves Jo before Mere; the focus stays with Jo.
    jo_up = sam.get_by_role("button", name="Move Jo up")
    jo_up.focus()
    sam.keyboard.press("Alt+ArrowUp")
    expect(ana.locator("#round-order .order__name")).to_have_text(["Priya", "Tom", "Jo", "Mere"])
    expect(room_next).to_have_text(["Tom", "Jo"])
    expect(sam.get_by_role("button", name="Move Jo up")).to_be_focused()
    expect(sam.locator("#announcer")).to_have_text("Jo moved to 2nd of 3 still to speak.")

    # Again, with the button itself: Jo is first of those waiting, so "up" is no longer
    # offered and the focus moves to Jo's other button rather than being lost.
    sam.keyboard.press("Enter")
    expect(ana.locator("#round-order .order__name")).to_have_text(["Priya", "Jo", "Tom", "Mere"])
    expect(room_next).to_have_text(["Jo", "Tom"])
    expect(sam.get_by_role("button", name="Move Jo down")).to_be_focused()

    # Drag: Mere dropped on Jo takes Jo's place.
    sam.locator("#round-order li", has_text="Mere").drag_to(
        sam.locator("#round-order li", has_text="Jo")
    )
    expect(ana.locator("#round-order .order__name")).to_have_text(["Priya", "Mere", "Jo", "Tom"])
    expect(room_next).to_have_text(["Mere", "Jo"])
    assert [p["name"] for p in session.view()["order"]] == ["Priya", "Mere", "Jo", "Tom"]

    # The order holds when the turn moves on.
    sam.get_by_role("button", name="Next speaker", exact=True).click()
    expect(ana.locator("#turn-panel .speaker-name")).to_have_text("Mere")
    expect(room_next).to_have_text(["Jo", "Tom"])


def test_undo_the_last_action_brings_the_previous_speaker_back_on_every_console(
    screens: Screens, session: Session
) -> None:
    round_of_four(session)
    sam = screens.live(session.sam_url)
    ana = screens.live(session.ana_url)
    undo = sam.locator("#undo-last")
    expect(undo).to_have_text("Undo: Sam moved to the next speaker (Priya). U")

    ana.get_by_role("button", name="Next speaker", exact=True).click()
    expect(sam.locator("#turn-panel .speaker-name")).to_have_text("Tom")
    expect(undo).to_have_text("Undo: Ana moved to the next speaker (Tom). U")

    sam.keyboard.press("u")
    expect(ana.locator("#turn-panel .speaker-name")).to_have_text("Priya")
    expect(sam.locator("#turn-panel .speaker-name")).to_have_text("Priya")
    assert session.speaker() == "Priya"

    # A click does the same as U.
    ana.get_by_role("button", name="Next speaker", exact=True).click()
    expect(sam.locator("#turn-panel .speaker-name")).to_have_text("Tom")
    sam.locator("#undo-last").click()
    expect(ana.locator("#turn-panel .speaker-name")).to_have_text("Priya")
    assert session.speaker() == "Priya"

    # Someone stepping out makes the last action final: the button says so and U does nothing.
    session.command("step_out", participant_id=session.id_of("Jo"))
    expect(undo).to_have_text("Nothing to undo")
    expect(undo).to_be_disabled()
    sam.keyboard.press("u")
    sam.wait_for_timeout(300)
    expect(sam.locator("#notice")).to_be_empty()
    expect(ana.locator("#turn-panel .speaker-name")).to_have_text("Priya")
