"""The console's people column and the phone's hand, rendered from the real engine: hands in the
order raised and marked as seen, removing that asks first and names the person, letting back in,
ending that names its consequence, and what the alert strip reads out."""

from __future__ import annotations

from tests.web.test_templates import (
    Session,
    by_id,
    console_of,
    fragment,
    phone_of,
    ready_session,
    round_session,
    text_of,
)


def test_hands_are_listed_in_the_order_raised_with_seen_beside_each() -> None:
    session = round_session()
    session.by("p-ray", "raise_hand")
    session.by("p-jo", "raise_hand")
    hands = by_id(fragment("console", console_of(session)), "hands-list")
    assert hands.startswith('<ol class="signals" id="hands-list"')
    assert hands.index("Ray") < hands.index("Jo")
    assert 'id="hand-seen-p-ray"' in hands
    assert "Seen (tell Ray you have seen their hand)" in text_of(hands)
    session.facilitate("acknowledge_hand", participant_id="p-ray")
    html = fragment("console", console_of(session))
    hands = by_id(html, "hands-list")
    assert "Ray hand seen by Alex" in text_of(by_id(hands, "hand-p-ray"))
    assert 'id="hand-seen-p-ray"' not in hands
    assert 'id="hand-seen-p-jo"' in hands
    # In the people list too, Ray's hand (and only his) is marked as seen.
    assert html.count("hand raised, seen</li>") == 1
    # The strip counts only the hand still waiting to be seen, and would read out only Jo.
    strip = by_id(html, "console-alerts")
    assert "1 hand raised" in text_of(strip)
    assert 'data-ids="p-jo"' in strip


def test_the_phone_says_a_facilitator_has_seen_the_hand() -> None:
    session = round_session()
    session.by("p-jo", "raise_hand")
    before = fragment("participant", phone_of(session, "p-jo"))
    assert "Your hand is raised." in text_of(before)
    assert 'id="hand-seen"' not in before
    session.facilitate("acknowledge_hand", participant_id="p-jo")
    after = fragment("participant", phone_of(session, "p-jo"))
    assert "A facilitator has seen your hand." in text_of(by_id(after, "hand-seen"))
    panel = by_id(after, "presence-panel")
    assert 'data-announce="A facilitator has seen your hand."' in panel
    assert "seen your hand" not in fragment("participant", phone_of(session, "p-ray"))


def test_removing_asks_first_naming_the_person_and_what_follows() -> None:
    session = round_session()
    ask = by_id(fragment("console", console_of(session)), "remove-confirm-p-jo")
    assert ask.startswith('<details class="more more--remove"')
    words = text_of(ask)
    assert "Remove Jo from the session? Their screen will say they are no longer part of it" in (
        words
    )
    assert "their turn in this round is skipped" in words
    assert "let them back in" in words
    assert 'aria-describedby="remove-ask-p-jo"' in ask
    # Someone who has had their turn loses none by going.
    priya = by_id(fragment("console", console_of(session)), "remove-ask-p-priya")
    assert "skipped" not in text_of(priya)


def test_whoever_left_or_was_removed_can_be_let_back_in_from_the_people_panel() -> None:
    session = round_session()
    assert 'id="departed"' not in fragment("console", console_of(session))
    session.facilitate("remove_participant", participant_id="p-jo")
    session.by("p-ray", "leave")
    departed = by_id(fragment("console", console_of(session)), "departed")
    assert "Left the session 2" in text_of(departed)
    assert "Jo removed Let Jo back in" in text_of(by_id(departed, "departed-p-jo"))
    assert "Ray left Let Ray back in" in text_of(by_id(departed, "departed-p-ray"))
    assert 'value="readmit"' in departed
    session.facilitate("readmit", participant_id="p-jo")
    html = fragment("console", console_of(session))
    assert 'id="departed-p-jo"' not in html
    assert 'id="person-p-jo"' in html


def test_someone_sent_away_from_the_waiting_room_goes_back_there() -> None:
    session = ready_session()
    session.by("p-new", "join", name="Noor")
    session.facilitate("remove_participant", participant_id="p-new")
    departed = by_id(fragment("console", console_of(session)), "departed-p-new")
    assert "Noor removed · back to the waiting room" in text_of(departed)


def test_ending_the_session_names_what_ends() -> None:
    session = round_session()
    ask = text_of(by_id(fragment("console", console_of(session)), "end-session-confirm"))
    assert "End the session for everyone? Every screen says it has ended" in ask
    assert "It cannot be undone." in ask


def test_once_the_session_has_ended_a_raised_hand_is_no_longer_an_alert() -> None:
    session = round_session()
    session.by("p-jo", "raise_hand")
    session.facilitate("end_session")
    strip = by_id(fragment("console", console_of(session)), "console-alerts")
    assert "hand" not in text_of(strip)
    assert strip.startswith('<div id="console-alerts" class="alert-strip" data-count="0" hidden>')


def test_after_the_end_the_console_still_names_who_asked_for_support() -> None:
    """The strip still points at them: the panel names who has not been checked in with."""
    session = round_session()
    session.by("p-jo", "request_support")
    session.by("p-ray", "request_support")
    session.facilitate("end_session")
    html = fragment("console", console_of(session))
    assert "2 people asking for support" in text_of(by_id(html, "console-alerts"))
    panel = text_of(by_id(html, "signals-panel"))
    assert "Not checked in with yet: Jo and Ray. You may like to find them" in panel
    assert "Checked in" not in panel.replace("Not checked in", "")


def test_before_anyone_is_let_in_the_console_says_nobody_is_here_yet() -> None:
    """Not "0 people are here" (a screenshot showed it)."""
    session = Session()
    session.join("p-ray", "Ray", admit=False)
    stage = text_of(by_id(fragment("console", console_of(session)), "stage-panel"))
    assert "Nobody is here yet, and 1 is waiting to be let in." in stage
    session.join("p-jo", "Jo")
    stage = text_of(by_id(fragment("console", console_of(session)), "stage-panel"))
    assert "1 person is here, and 1 is waiting to be let in." in stage
