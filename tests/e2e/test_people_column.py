"""The console's people column in a browser (issue 13): hands in the order raised and marked as
seen (the person's phone says so), removing that asks first and names the person, letting back
in someone removed by mistake (their own link works again), the alerts' chime only when the
group turned it on, axe on each new state, and the round still in view at 1280x800 and
1024x768 with hands up, one seen."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.e2e.test_accessibility import Audit
from tests.e2e.test_console_layout import SIGNALS, STAGE, TURN, UP_NEXT, VIEWPORTS, problems
from tests.support.browser import PHONE, Screens
from tests.support.pages import Session, version_of, wait_version_above

PEOPLE = ("Priya", "Tom", "Lee", "Mo")

# Counts the notes the page plays: Web Audio cannot be heard by a test, its oscillators can.
COUNT_NOTES = """(() => {
  window.__notes = 0;
  const Real = window.AudioContext;
  if (!Real) return;
  window.AudioContext = class extends Real {
    createOscillator() { window.__notes += 1; return super.createOscillator(); }
  };
})();"""


def count_notes(page: Page) -> None:
    page.add_init_script(COUNT_NOTES)


def hands_in_order(page: Page) -> list[str]:
    names: list[str] = page.locator("#hands-list .signal__name").all_inner_texts()
    return names


def click_and_wait(page: Page, locator_text: str) -> None:
    version = version_of(page)
    page.get_by_role("button", name=locator_text, exact=True).click()
    wait_version_above(page, version)


def test_hands_in_the_order_raised_and_seen_reaches_the_phone(
    screens: Screens, session: Session
) -> None:
    session.round_with(*PEOPLE)
    token = {name: session.participants[name]["token"] for name in PEOPLE}
    sam = screens.live(session.sam_url)
    tom = screens.live(session.participants["Tom"]["url"], PHONE)
    audit = Audit()

    for name in ("Mo", "Priya"):
        session.command("raise_hand", token=token[name])
    tom.get_by_role("button", name="Raise my hand").click()
    expect(sam.locator("#hands-list .signal")).to_have_count(3)
    assert hands_in_order(sam) == ["Mo", "Priya", "Tom"]  # not the seating order
    expect(sam.locator("#console-alerts")).to_contain_text("3 hands raised")
    expect(tom.locator("#presence-panel")).to_contain_text("Your hand is raised.")

    click_and_wait(sam, "Seen (tell Tom you have seen their hand)")
    expect(tom.locator("#hand-seen")).to_have_text(
        "A facilitator has seen your hand. They will come to you when they can."
    )
    expect(sam.locator(f"#hand-{session.id_of('Tom')}")).to_contain_text("hand seen by Sam")
    expect(sam.locator("#console-alerts")).to_contain_text("2 hands raised")
    assert hands_in_order(sam) == ["Mo", "Priya", "Tom"]  # a seen hand keeps its place
    audit.check(sam, "console, hands in the order raised, one seen")
    audit.check(tom, "phone, hand seen")

    # Lowered and raised again, a hand goes to the back and waits to be seen anew.
    session.command("lower_hand", token=token["Mo"])
    session.command("raise_hand", token=token["Mo"])
    expect(sam.locator("#hands-list .signal").last).to_contain_text("Mo")
    assert hands_in_order(sam) == ["Priya", "Tom", "Mo"]

    # With three hands up, one seen, and a call for support, the round stays in view.
    session.command("request_support", token=token["Lee"])
    failures = []
    for label in ("1280x800", "1024x768"):
        console = sam if label == "1280x800" else screens.live(session.sam_url, VIEWPORTS[label])
        expect(console.locator("#support-list")).to_be_visible()
        required = STAGE | SIGNALS | TURN | UP_NEXT
        failures += [f"{label}: {p}" for p in problems(console, VIEWPORTS[label], required)]
    assert not failures, "\n".join(failures)
    audit.assert_clean()


def test_removing_asks_first_and_someone_removed_by_mistake_is_let_back_in(
    screens: Screens, session: Session
) -> None:
    session.round_with(*PEOPLE)
    sam = screens.live(session.sam_url)
    lee_url = session.participants["Lee"]["url"]
    lee = screens.live(lee_url, PHONE)
    lee_id = session.id_of("Lee")
    audit = Audit()

    sam.locator(f"#more-{lee_id} > summary").click()
    sam.locator(f"#remove-confirm-{lee_id} > summary").click()
    ask = sam.locator(f"#remove-ask-{lee_id}")
    expect(ask).to_contain_text("Remove Lee from the session?")
    expect(ask).to_contain_text("their turn in this round is skipped")
    assert lee_id in {p["id"] for p in session.view()["participants"]}  # asked: nothing yet
    audit.check(sam, "console, asking before removing someone")

    click_and_wait(sam, "Remove Lee")
    expect(lee.locator("#connection")).to_contain_text("no longer part of this session")
    departed = sam.locator("#departed")
    expect(departed).to_contain_text("Left the session 1")
    departed.locator("summary").click()
    expect(sam.locator(f"#departed-{lee_id}")).to_contain_text("Lee removed")
    audit.check(sam, "console, who left, to let back in")

    click_and_wait(sam, "Let Lee back in")
    expect(sam.locator(f"#person-{lee_id}")).to_be_visible()
    expect(sam.locator("#departed")).to_have_count(0)
    # Their own link opens their screen again, and it works.
    lee.goto(lee_url)
    lee.get_by_role("button", name="Raise my hand").click()
    expect(sam.locator("#hands-list")).to_contain_text("Lee")

    # Ending names what ends.
    sam.get_by_text("End the session…").click()
    expect(sam.locator("#end-session-ask")).to_contain_text(
        "End the session for everyone? Every screen says it has ended"
    )
    audit.check(sam, "console, asking before ending the session")
    audit.assert_clean()


def test_the_alert_chime_sounds_only_when_the_group_turned_it_on(
    screens: Screens, session: Session
) -> None:
    session.round_with(*PEOPLE)
    token = {name: session.participants[name]["token"] for name in PEOPLE}
    sam = screens.live(session.sam_url, prepare=count_notes)
    sam.locator("#stage-heading").click()  # browsers play sound only after a click

    session.command("raise_hand", token=token["Tom"])
    expect(sam.locator("#hands-list")).to_contain_text("Tom")
    assert sam.evaluate("() => window.__notes") == 0  # the group has not turned the chime on

    version = session.command("change_settings", settings={"alert_sound": True})
    wait_version_above(sam, version - 1)
    session.command("raise_hand", token=token["Mo"])
    expect(sam.locator("#hands-list")).to_contain_text("Mo")
    sam.wait_for_function("() => window.__notes === 2")  # two soft notes
    expect(sam.locator("#announcer")).to_contain_text("Hands raised:")

    # Nothing new: a hand marked as seen or lowered neither chimes nor is read out again.
    said = sam.locator("#announcer").inner_text()
    click_and_wait(sam, "Seen (tell Tom you have seen their hand)")
    session.command("lower_hand", token=token["Mo"])
    expect(sam.locator("#console-alerts")).to_be_hidden()
    assert sam.evaluate("() => window.__notes") == 2
    assert sam.locator("#announcer").inner_text() == said
