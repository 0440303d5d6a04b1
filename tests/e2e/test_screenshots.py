"""Screenshots of each screen, taken from a real session in the states people see most, and
checked for what a screenshot shows best: nothing cut off or overflowing sideways at its size.

They go to a temporary folder, so a test run leaves the work tree clean; with
UPDATE_SCREENSHOTS=1 they replace the ones in docs/screenshots/ (do that when a screen changes).
"""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, ViewportSize, expect

from tests.support.browser import LAPTOP, PHONE, PROJECTOR, Screens
from tests.support.pages import Session

MAX_BYTES = 400_000


def looks_right(page: Page, name: str) -> None:
    """What a look at the screenshots found, kept as checks."""
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{name}: the page is {overflow}px wider than the screen"
    # A summary laid out as flex or grid loses its triangle; each disclosure must still show
    # that it opens ("More", "Not today", "Our guidelines", ...).
    unmarked = page.evaluate(
        """() => Array.from(document.querySelectorAll("summary"))
            .filter((s) => s.getClientRects().length > 0)
            .filter((s) => getComputedStyle(s).display !== "list-item"
                && getComputedStyle(s, "::after").content === "none"
                && getComputedStyle(s, "::before").content === "none")
            .map((s) => s.textContent.trim())"""
    )
    assert not unmarked, f"{name}: disclosures with nothing showing that they open: {unmarked}"
    # The big turn buttons sit in tidy rows: one height, whatever their labels.
    heights = page.evaluate(
        """() => Array.from(document.querySelectorAll(".controls--turn .btn"))
            .map((b) => Math.round(b.getBoundingClientRect().height))"""
    )
    assert len(set(heights)) <= 1, f"{name}: turn buttons of different heights {heights}"


def shoot(page: Page, shots: Path, name: str) -> Path:
    """Save what the screen shows (its viewport, as a person sees it) as SHOTS/NAME."""
    looks_right(page, name)
    path = shots / name
    page.screenshot(path=str(path), animations="disabled", caret="hide")
    assert 0 < path.stat().st_size < MAX_BYTES, f"{name}: {path.stat().st_size} bytes"
    return path


def test_screenshots_of_every_screen(screens: Screens, session: Session, shots: Path) -> None:
    shots.mkdir(parents=True, exist_ok=True)
    base = session.server.base_url

    home = screens.open(f"{base}/", LAPTOP)
    expect(home.get_by_role("heading", level=1)).to_have_text("Start a session")
    shoot(home, shots, "home.png")

    join = screens.open(session.join_url, PHONE)
    join.get_by_label("Your name").fill("Priya")
    shoot(join, shots, "join-phone.png")
    join.get_by_role("button", name="Join").click()
    expect(join.locator("#you-heading")).to_have_text("Welcome, Priya")
    for name in ("Tom", "Mere", "Lee", "Jo"):
        session.join(name)

    sam = screens.live(session.sam_url, LAPTOP)
    expect(sam.locator("#waiting-heading .count")).to_have_text("5")
    shoot(join, shots, "phone-waiting-room.png")
    shoot(sam, shots, "console-waiting-room.png")

    for let_in in ("Priya", "Tom", "Mere", "Lee", "Jo"):
        sam.get_by_role("button", name=f"Let in {let_in}").click()
    expect(sam.locator("#people-heading .count")).to_have_text("5")
    session.command("start_session")
    session.command("advance_stage")
    session.command("start_round", order_policy="join_order")

    tom = screens.live(session.participants["Tom"]["url"], PHONE)
    room = screens.live(session.room_url, PROJECTOR)
    expect(join.locator("#you-heading")).to_have_text("Your turn")
    shoot(join, shots, "phone-your-turn.png")
    join.get_by_role("button", name="I've finished sharing").click()
    expect(tom.locator("#you-heading")).to_have_text("Your turn")
    tom.get_by_role("button", name="Pass", exact=True).click()
    expect(join.locator("#turn-panel .speaker-name")).to_have_text("Mere")
    shoot(join, shots, "phone-idle.png")
    expect(tom.locator("#you-heading")).to_have_text("You passed")
    expect(sam.locator("#turn-panel .speaker-name")).to_have_text("Mere")
    shoot(sam, shots, "console.png")
    # The round's order, with the Move buttons for those still waiting (also draggable).
    order = sam.locator("#round-panel")
    expect(order.get_by_role("button", name="Move Lee down")).to_be_visible()
    order.screenshot(path=str(shots / "console-round-order.png"), animations="disabled")
    expect(room.locator("#room-speaker .room-speaker__name")).to_have_text("Mere")
    shoot(room, shots, "room.png")


TABLET: ViewportSize = {"width": 1024, "height": 768}


def test_screenshots_of_the_console_in_each_stage(
    screens: Screens, session: Session, shots: Path
) -> None:
    """The console as a facilitator sees it through a session (issue 13), at a laptop's size,
    and the round at a tablet's, with a hand raised and someone asking for support."""
    shots.mkdir(parents=True, exist_ok=True)
    for name in ("Priya", "Tom", "Mere", "Lee", "Jo"):
        session.join(name)
    session.admit_all()
    sam = screens.live(session.sam_url, LAPTOP)
    tablet = screens.live(session.sam_url, TABLET)
    heading = sam.locator("#stage-heading")
    session.command("start_session")
    session.command("raise_hand", token=session.participants["Lee"]["token"])
    expect(sam.locator("#hands-list")).to_contain_text("Lee")
    shoot(sam, shots, "console-welcome.png")

    session.command("advance_stage")
    session.command("start_round", order_policy="join_order")
    session.command("share", participant_id=session.id_of("Priya"))
    session.command("request_support", token=session.participants["Tom"]["token"])
    expect(sam.locator("#support-list")).to_contain_text("Tom")
    expect(tablet.locator("#support-list")).to_contain_text("Tom")
    shoot(tablet, shots, "console-tablet.png")
    sam.get_by_text("Next stage:").click()
    expect(sam.locator("#next-stage-ask")).to_be_visible()
    shoot(sam, shots, "console-next-stage-asks.png")
    sam.get_by_role("button", name="Move on").click()
    expect(heading).to_have_text("Who would like to Take Time today?")

    session.command("offer_to_take_time", token=session.participants["Mere"]["token"], offered=True)
    session.command("advance_stage")
    session.command("choose_taker", participant_id=session.id_of("Mere"))
    expect(sam.locator("#turn-panel .speaker-name")).to_have_text("Mere")
    shoot(sam, shots, "console-taking-time.png")

    stages = {s["title"]: s["id"] for s in session.view()["stages"]}
    session.command("go_to_stage", stage_id=stages["Comfort and refreshment break"])
    expect(heading).to_have_text("Comfort and refreshment break")
    shoot(sam, shots, "console-break.png")

    sam.get_by_text("Links and settings").click()
    expect(sam.locator("#timing-settings")).to_be_visible()
    shoot(sam, shots, "console-menu.png")
    sam.get_by_text("Links and settings").click()
    sam.mouse.move(400, 600)  # off the menu, which shows where the pointer rests

    session.command("end_session")
    expect(heading).to_have_text("The session has ended")
    shoot(sam, shots, "console-ended.png")


def test_screenshots_of_the_people_column(screens: Screens, session: Session, shots: Path) -> None:
    """Hands in the order raised, one marked as seen (and the phone that says so), removing
    someone asked first, and who left, to let back in (issue 13)."""
    shots.mkdir(parents=True, exist_ok=True)
    session.round_with("Priya", "Tom", "Mere", "Lee", "Jo")
    sam = screens.live(session.sam_url, LAPTOP)
    tom = screens.live(session.participants["Tom"]["url"], PHONE)
    for name in ("Jo", "Tom", "Mere"):
        session.command("raise_hand", token=session.participants[name]["token"])
    session.command("acknowledge_hand", participant_id=session.id_of("Tom"))
    session.command("leave", token=session.participants["Lee"]["token"])
    expect(tom.locator("#hand-seen")).to_be_visible()
    # Where the person raised their hand, so the shot shows what it is named after.
    tom.locator("#presence-panel").scroll_into_view_if_needed()
    shoot(tom, shots, "phone-hand-seen.png")
    mere = session.id_of("Mere")
    sam.locator(f"#more-{mere} > summary").click()
    sam.locator(f"#remove-confirm-{mere} > summary").click()
    sam.locator("#departed > summary").click()
    expect(sam.locator(f"#remove-ask-{mere}")).to_be_visible()
    column = sam.locator("#console-people")
    looks_right(sam, "console-people.png")
    column.screenshot(path=str(shots / "console-people.png"), animations="disabled")
