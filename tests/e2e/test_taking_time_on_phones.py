"""Taking Time on two phones in Chromium, step by step, as a group lives it: Priya offers, is
planned for the first Taking Time, voices, agrees a question, Tom shares in the Round of Sharing,
Priya reflects, and it is complete. Each phone says what is true at each step (the full table
is docs/taking-time-words.md; tests/web/test_phone_taking_time.py checks every wording)."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect

from tests.support.browser import PHONE, Screens
from tests.support.pages import Session

QUESTION = "What helped when the evenings felt long?"
SHOTS = Path(__file__).resolve().parents[2] / "test-results" / "phone-taking-time"


def stage_id(session: Session, title: str) -> str:
    return str(next(s["id"] for s in session.view()["stages"] if s["title"].startswith(title)))


def shows(page: Page, words: str) -> None:
    expect(page.locator("main")).to_contain_text(words)


def test_two_phones_follow_taking_time_from_offer_to_complete(
    screens: Screens, session: Session
) -> None:
    for name in ("Priya", "Tom"):
        session.join(name)
    session.admit_all()
    session.command("start_session")
    session.command("go_to_stage", stage_id=stage_id(session, "Who would like to Take Time"))
    priya = screens.live(session.participants["Priya"]["url"], PHONE)
    tom = screens.live(session.participants["Tom"]["url"], PHONE)

    priya.get_by_role("button", name="I'd like to Take Time").click()
    shows(priya, "You've offered to Take Time. The facilitators will let you know when.")

    session.command(
        "choose_taker",
        participant_id=session.id_of("Priya"),
        stage_id=stage_id(session, "Taking Time 1"),
    )
    shows(priya, "A facilitator has planned for you to Take Time in “Taking Time 1”.")

    session.command("advance_stage")
    shows(priya, "You are Taking Time")
    shows(tom, "Priya is Taking Time. Listen with care; silence is fine.")
    SHOTS.mkdir(parents=True, exist_ok=True)
    priya.screenshot(path=SHOTS / "taker-voicing.png", full_page=True)

    priya.get_by_role("button", name="I've finished", exact=True).click()
    shows(priya, "A facilitator will agree a question with you, if you'd like the group to share.")
    shows(tom, "A facilitator is agreeing a question with Priya.")

    session.command("set_agreed_question", question=QUESTION)
    shows(priya, "Your question is agreed. The Round of Sharing will begin soon.")
    expect(priya.locator("main")).not_to_contain_text("will agree a question")
    shows(tom, "The question is agreed.")
    shows(tom, QUESTION)
    priya.screenshot(path=SHOTS / "taker-question-agreed.png", full_page=True)

    session.command("start_round", order_policy="join_order")
    shows(priya, "The group is sharing now.")
    shows(tom, "Your turn")

    tom.get_by_role("button", name="I've finished sharing").click()
    shows(priya, "Your reflection")
    shows(tom, "You've shared")

    priya.get_by_role("button", name="I've finished", exact=True).click()
    shows(priya, "Taking Time is complete. Take gentle care of yourself.")
    shows(tom, "Priya Took Time.")
    tom.screenshot(path=SHOTS / "others-complete.png", full_page=True)
