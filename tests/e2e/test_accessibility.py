"""axe-core (from npm, served by the app) on every screen, in every state people see it in.

Serious and critical problems fail the test; all of them are listed together at the end, so
one run shows everything there is to fix.
"""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.support.browser import PHONE, PROJECTOR, Screens
from tests.support.pages import Session, axe_violations, describe_violations


class Audit:
    def __init__(self) -> None:
        self.checked: list[str] = []
        self.problems: list[str] = []

    def check(self, page: Page, where: str) -> None:
        violations = axe_violations(page)
        self.checked.append(where)
        if violations:
            self.problems.append(describe_violations(where, violations))

    def assert_clean(self) -> None:
        assert not self.problems, "\n\n".join(self.problems)


def test_every_screen_and_state_has_no_serious_accessibility_problem(
    screens: Screens, session: Session
) -> None:
    audit = Audit()
    base = session.server.base_url

    home = screens.open(f"{base}/", PHONE)
    expect(home.get_by_role("heading", level=1)).to_have_text("Start a session")
    audit.check(home, "home")
    home.locator("details summary").first.click()
    audit.check(home, "home, agenda items open")
    for field in ("Session title", "Group name", "Your name"):
        home.get_by_label(field, exact=True).fill(" ")  # passes `required`, not the server
    home.get_by_role("button", name="Create the session").click()
    expect(home.get_by_role("alert")).to_be_visible()
    audit.check(home, "home, with an error")

    join = screens.open(session.join_url, PHONE)
    audit.check(join, "join page")
    join.get_by_label("Your name").fill("   ")
    join.get_by_role("button", name="Join").click()
    expect(join.get_by_role("alert")).to_be_visible()
    audit.check(join, "join page, with an error")

    unknown = screens.open(f"{base}/join/NOSUCH", PHONE)
    expect(unknown.get_by_role("heading", level=1)).to_have_text("We couldn't find that session")
    audit.check(unknown, "message page")

    for name in ("Priya", "Tom", "Mere"):
        session.join(name)
    sam = screens.live(session.sam_url)
    room = screens.live(session.room_url, PROJECTOR)
    priya = screens.live(session.participants["Priya"]["url"], PHONE)
    expect(priya.locator("#you-heading")).to_have_text("Welcome, Priya")
    audit.check(priya, "participant, waiting room")
    priya.get_by_text("Changed your mind?").click()
    audit.check(priya, "participant, waiting room, leave opened")
    expect(sam.locator("#waiting-heading .count")).to_have_text("3")
    audit.check(sam, "console before the session, people waiting")
    audit.check(room, "room before the session")

    session.admit_all()
    expect(priya.locator("#you-heading")).to_have_text("You're in, Priya")
    audit.check(priya, "participant, let in, before the session")
    session.command("start_session")
    session.command("advance_stage")
    expect(sam.get_by_role("button", name="Start the round")).to_be_visible()
    audit.check(sam, "console, round not started")
    session.command("start_round", order_policy="join_order")
    expect(priya.locator("#you-heading")).to_have_text("Your turn")
    audit.check(priya, "participant, your turn")
    audit.check(sam, "console during a round")
    sam.get_by_text("Next stage:").click()
    expect(sam.locator("#next-stage-ask")).to_be_visible()
    audit.check(sam, "console, Next stage asking first")
    sam.get_by_text("Next stage:").click()
    sam.get_by_text("Links and settings").click()
    expect(sam.locator("#timing-settings")).to_be_visible()
    audit.check(sam, "console, links and settings open")
    sam.get_by_text("Links and settings").click()
    audit.check(room, "room during a round")
    sam.get_by_role("button", name="Pause", exact=True).click()
    expect(priya.locator("#turn-panel, #you-panel").first).to_contain_text("Your timer is paused")
    audit.check(priya, "participant, your turn, paused")
    sam.get_by_text("More for Tom").click()
    audit.check(sam, "console, a person's actions open")
    sam.get_by_role("button", name="Keyboard shortcuts").click()
    expect(sam.get_by_role("dialog")).to_be_visible()
    audit.check(sam, "console, shortcuts dialog")
    sam.keyboard.press("Escape")

    session.command("share", participant_id=session.id_of("Priya"))
    expect(priya.locator("#you-heading")).to_have_text("You've shared")
    audit.check(priya, "participant, idle after sharing")
    tom = screens.live(session.participants["Tom"]["url"], PHONE)
    priya.get_by_role("button", name="I'd like some support").click()
    expect(priya.locator("#presence-panel")).to_contain_text("The facilitators know")
    audit.check(priya, "participant, asked for support")
    session.command("raise_hand", token=session.participants["Tom"]["token"])
    expect(sam.locator("#support-list")).to_contain_text("Priya")
    expect(sam.locator("#hands-list")).to_contain_text("Tom")
    audit.check(sam, "console, a hand raised and someone asked for support")

    # Taking Time: Mere takes time, a question is agreed, and the Round of Sharing begins.
    session.command("advance_stage")  # Who would like to Take Time today?
    expect(tom.get_by_role("button", name="I'd like to Take Time")).to_be_visible()
    audit.check(tom, "participant, invited to Take Time")
    tom.get_by_role("button", name="I'd like to Take Time").click()
    later = next(s for s in session.view()["stages"] if s["title"] == "Taking Time 2")
    session.command("choose_taker", participant_id=session.id_of("Tom"), stage_id=later["id"])
    expect(tom.locator("#taking-time-panel")).to_contain_text("planned for you to Take Time")
    audit.check(tom, "participant, planned to Take Time later")
    audit.check(sam, "console, inviting Taking Time")
    session.command("advance_stage")  # Taking Time 1
    expect(sam.get_by_role("button", name="Begin Taking Time")).to_be_visible()
    audit.check(sam, "console, choosing who Takes Time")
    session.command("choose_taker", participant_id=session.id_of("Mere"))
    session.command("set_agreed_question", question="What helped you when you felt stuck?")
    session.command("start_round", order_policy="join_order")
    expect(priya.locator("#you-heading")).to_have_text("Your turn")
    expect(priya.locator(".question blockquote").first).to_have_text(
        "What helped you when you felt stuck?"
    )
    audit.check(priya, "participant, your turn in a Taking Time Round of Sharing")
    expect(tom.locator("#you-heading")).to_have_text("You are next")
    audit.check(tom, "participant, next in a Round of Sharing")
    audit.check(sam, "console, Round of Sharing")
    audit.check(room, "room, Round of Sharing")

    session.command("end_session")
    expect(room.locator("#room-status-heading")).to_have_text("Thank you for being here")
    audit.check(room, "room, session ended")
    audit.check(priya, "participant, session ended")
    audit.check(sam, "console, session ended")

    print(f"axe checked {len(audit.checked)} screens and states")
    audit.assert_clean()
