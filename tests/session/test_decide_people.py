"""decide() for people: joining, the waiting room, stepping out and back, leaving, and the
quiet signals (hands, support requests, offers to Take Time)."""

from __future__ import annotations

import pytest

from app.session import commands as c
from app.session import events as ev
from app.session.command_base import CommandBase
from app.session.decisions import RejectionCode
from app.session.state import Presence, TakingTimePhase
from tests.support.engine import Driver, participant


def presence(d: Driver, index: int) -> Presence:
    return d.state.participants[d.pid(index)].presence


# --- joining and the waiting room ------------------------------------------------------------


def test_joining_puts_you_in_the_waiting_room_until_a_facilitator_lets_you_in() -> None:
    d = Driver.weekly(0)
    events = d.ok(d.person(0), c.Join, name="  Priya ")
    assert events == (ev.ParticipantJoined(participant_id="p1", name="Priya"),)
    assert presence(d, 0) is Presence.WAITING_ROOM
    d.ok(d.ana, c.Admit, participant_id="p1")
    assert presence(d, 0) is Presence.PRESENT


def test_joining_twice_or_as_a_facilitator() -> None:
    d = Driver.weekly(1)
    assert d.refused(d.person(0), c.Join, name="Priya").message == "You have already joined."
    assert d.refused(d.sam, c.Join, name="Sam").message == "Only a participant can do that."


def test_a_session_has_room_for_two_hundred() -> None:
    d = Driver.weekly(0)
    for number in range(c.MAX_PARTICIPANTS):
        d.ok(participant(number), c.Join, name=f"Peer {number}")
    refusal = d.refused(participant(c.MAX_PARTICIPANTS), c.Join, name="One more")
    assert refusal.message == "This session is full."


def test_admit_refusals() -> None:
    d = Driver.weekly(1)
    assert d.refused(d.sam, c.Admit, participant_id="p1").message == (
        "Priya has already been let in."
    )
    assert d.refused(d.sam, c.Admit, participant_id="p9").message == (
        "That person is not in this session."
    )
    assert d.refused(d.person(0), c.Admit, participant_id="p1").message == (
        "Only a facilitator can do that."
    )


def test_admitting_someone_who_has_left_says_so() -> None:
    # Before the fix the facilitator was told they had "already been let in".
    d = Driver.weekly(2)
    d.ok(d.person(0), c.Leave)
    refusal = d.refused(d.sam, c.Admit, participant_id="p1")
    assert refusal.code is RejectionCode.INVALID
    assert refusal.message == "Priya has left the session."


def test_someone_in_the_waiting_room_can_only_leave() -> None:
    d = Driver.weekly(0)
    d.join(0)
    for kind in (c.RaiseHand, c.RequestSupport, c.StepOut, c.Pass, c.OfferToTakeTime):
        refusal = d.refused(d.person(0), kind)
        assert refusal.code is RejectionCode.NOT_ALLOWED
        assert refusal.message == "A facilitator will let you in soon."
    d.ok(d.person(0), c.Leave)
    assert presence(d, 0) is Presence.LEFT


def test_sending_everyone_away_empties_the_waiting_room_of_those_who_came_by_the_code() -> None:
    d = Driver.weekly(1)
    d.join(1)
    d.join(2)
    d.ok(d.person(3), c.Join, name="Mo", member_id="m-mo")  # by her own member's link
    events = d.ok(d.sam, c.SendWaitingAway)
    assert events == (
        ev.ParticipantLeft(participant_id="p2", removed=True),
        ev.ParticipantLeft(participant_id="p3", removed=True),
    )
    assert [presence(d, i) for i in range(4)] == [
        Presence.PRESENT,
        Presence.LEFT,
        Presence.LEFT,
        Presence.WAITING_ROOM,
    ]
    assert [d.state.participants[d.pid(i)].sent_away for i in range(4)] == [
        False,
        True,
        True,
        False,
    ]
    assert d.state.seats_taken == 2
    refusal = d.refused(d.ana, c.SendWaitingAway)
    assert refusal.code is RejectionCode.NOTHING_TO_DO
    assert refusal.message.startswith("Everyone waiting came by their own member's link")
    assert d.rebuilt() == d.state


def test_sending_away_when_nobody_waits_and_who_may_do_it() -> None:
    d = Driver.weekly(1)
    assert d.refused(d.sam, c.SendWaitingAway).message == "Nobody is waiting."
    d.join(1)
    assert d.refused(d.person(0), c.SendWaitingAway).code is RejectionCode.NOT_ALLOWED
    assert d.refused(d.person(1), c.SendWaitingAway).code is RejectionCode.NOT_ALLOWED


def test_only_someone_removed_from_the_waiting_room_was_sent_away() -> None:
    d = Driver.weekly(2)
    d.join(2)
    d.join(3)
    d.ok(d.sam, c.RemoveParticipant, participant_id=d.pid(0))  # let in, then removed
    d.ok(d.person(1), c.Leave)
    d.ok(d.person(2), c.Leave)  # left the waiting room themselves
    d.ok(d.sam, c.RemoveParticipant, participant_id=d.pid(3))  # "Not today"
    assert [d.state.participants[d.pid(i)].sent_away for i in range(4)] == [
        False,
        False,
        False,
        True,
    ]


def test_letting_everyone_in_admits_all_but_those_whose_name_check_is_due() -> None:
    d = Driver.weekly(2)
    d.ok(d.sam, c.AdvanceStage)
    d.ok(d.sam, c.StartRound)
    d.join(2)
    d.ok(d.person(3), c.Join, name="Mo", member_id="m-mo", name_check_pending=True)
    d.join(4)
    d.ok(d.sam, c.AdmitEveryone)
    assert [presence(d, i) for i in range(5)] == [
        Presence.PRESENT,
        Presence.PRESENT,
        Presence.PRESENT,
        Presence.WAITING_ROOM,
        Presence.PRESENT,
    ]
    # Like anyone let in one by one, they join the round that is on, at its end.
    assert d.round().order[-2:] == (d.pid(2), d.pid(4))
    refusal = d.refused(d.ana, c.AdmitEveryone)
    assert refusal.code is RejectionCode.INVALID
    assert refusal.message.startswith("Everyone waiting needs their name check first")
    d.ok(d.sam, c.RemoveParticipant, participant_id=d.pid(3))
    assert d.refused(d.sam, c.AdmitEveryone).message == "Nobody is waiting."
    assert d.rebuilt() == d.state


def test_while_joining_is_closed_nobody_new_joins_with_the_code() -> None:
    d = Driver.weekly(1)
    events = d.ok(d.sam, c.SetJoining, open=False)
    assert events == (ev.JoiningSet(open=False),)
    refusal = d.refused(d.person(1), c.Join, name="Tom")
    assert refusal.code is RejectionCode.INVALID
    assert refusal.message == (
        "This session is not taking new people right now. Please ask a facilitator."
    )
    # A member with their own link is known to the group: they still come to the waiting room.
    d.ok(d.person(2), c.Join, name="Lee", member_id="m-lee")
    assert d.refused(d.ana, c.SetJoining, open=False).message == "Joining is already closed."
    assert d.refused(d.person(0), c.SetJoining, open=True).code is RejectionCode.NOT_ALLOWED
    d.ok(d.ana, c.SetJoining, open=True)
    d.ok(d.person(1), c.Join, name="Tom")
    assert d.refused(d.sam, c.SetJoining, open=True).message == "New people can already join."
    assert d.rebuilt() == d.state


def test_a_capped_waiting_room_takes_nobody_more_until_someone_is_let_in_or_sent_away() -> None:
    d = Driver.weekly(1)
    d.ok(d.person(1), c.Join, name="Tom", waiting_room_cap=2)
    d.ok(d.person(2), c.Join, name="Lee", waiting_room_cap=2)
    refusal = d.refused(d.person(3), c.Join, name="Mo", waiting_room_cap=2)
    assert refusal.code is RejectionCode.INVALID
    assert refusal.message == (
        "The waiting room is full just now. Please wait a moment, then try again, "
        "or ask a facilitator."
    )
    # Without a cap (a member's own link, the machine itself) only the seats count.
    d.ok(d.person(4), c.Join, name="Jo", member_id="m-jo")
    d.ok(d.sam, c.Admit, participant_id=d.pid(1))
    d.refused(d.person(3), c.Join, name="Mo", waiting_room_cap=2)  # Lee and Jo wait
    d.ok(d.sam, c.RemoveParticipant, participant_id=d.pid(2))
    d.ok(d.person(3), c.Join, name="Mo", waiting_room_cap=2)


def test_with_a_word_set_joining_with_the_code_asks_for_it() -> None:
    d = Driver.weekly(1)
    d.ok(d.sam, c.SetJoinWord, word=" Heron ")
    assert d.state.join_word == "Heron"
    missing = d.refused(d.person(1), c.Join, name="Tom")
    assert missing.message == "Please type the word the facilitators said in the room."
    wrong = d.refused(d.person(1), c.Join, name="Tom", word="egret")
    assert wrong.code is RejectionCode.INVALID
    assert wrong.message == (
        "That isn't the word the facilitators gave. Please check with them and try again."
    )
    d.ok(d.person(1), c.Join, name="Tom", word="heron")  # as heard: capitals do not matter
    d.ok(d.person(2), c.Join, name="Lee", member_id="m-lee")  # a member's own link
    assert d.refused(d.ana, c.SetJoinWord, word="Heron").message == "That is the word now."
    d.ok(d.ana, c.SetJoinWord)
    d.ok(d.person(3), c.Join, name="Mo")
    assert d.refused(d.sam, c.SetJoinWord).message == "Joining does not ask for a word."
    assert d.rebuilt() == d.state


def test_closing_the_door_keeps_the_last_action_undoable() -> None:
    d = Driver.weekly(2)
    d.ok(d.sam, c.AdvanceStage)
    d.ok(d.sam, c.SetJoining, open=False)
    assert d.state.undo_point is not None


# --- stepping out and coming back ------------------------------------------------------------


def test_it_is_ok_to_leave_and_ok_to_come_back() -> None:
    d = Driver.weekly(2)
    d.ok(d.person(0), c.RaiseHand)
    d.ok(d.person(0), c.StepOut)
    assert presence(d, 0) is Presence.STEPPED_OUT
    assert not d.state.participants["p1"].hand_raised  # a raised hand does not wait outside
    d.ok(d.person(0), c.ComeBack)
    assert presence(d, 0) is Presence.PRESENT


def test_a_facilitator_can_mark_someone_out_and_back() -> None:
    d = Driver.weekly(2)
    d.ok(d.sam, c.StepOut, participant_id="p2")
    assert presence(d, 1) is Presence.STEPPED_OUT
    d.ok(d.ana, c.ComeBack, participant_id="p2")
    assert presence(d, 1) is Presence.PRESENT
    refusal = d.refused(d.sam, c.StepOut)
    assert refusal.code is RejectionCode.INVALID
    assert refusal.message == "Choose whose turn this is about."


def test_a_participant_cannot_step_someone_else_out_or_in() -> None:
    d = Driver.weekly(2)
    refusal = d.refused(d.person(0), c.StepOut, participant_id="p2")
    assert refusal.message == "You can only step out for yourself, not for someone else."
    d.ok(d.person(1), c.StepOut)
    refusal = d.refused(d.person(0), c.ComeBack, participant_id="p2")
    assert refusal.message == "You can only come back for yourself, not for someone else."


def test_stepping_out_or_in_twice() -> None:
    d = Driver.weekly(2)
    assert d.refused(d.person(0), c.ComeBack).message == "You are already here."
    d.ok(d.person(0), c.StepOut)
    assert d.refused(d.person(0), c.StepOut).message == (
        "Already stepped out — come back any time."
    )


@pytest.mark.parametrize(
    ("setup", "kind", "message"),
    [
        ("out", c.StepOut, "Priya has already stepped out."),
        ("here", c.ComeBack, "Priya is already here."),
        ("waiting room", c.StepOut, "Priya is still in the waiting room."),
        ("waiting room", c.ComeBack, "Priya is still in the waiting room."),
        ("left", c.StepOut, "Priya has left the session."),
        ("left", c.ComeBack, "Priya has left the session."),
    ],
)
def test_a_facilitator_is_told_where_someone_really_is(
    setup: str, kind: type[CommandBase], message: str
) -> None:
    # Before the fix a facilitator was told "You are already here." or "Already stepped out"
    # about someone who was in the waiting room or had left.
    d = Driver.weekly(0)
    d.join(0)
    if setup != "waiting room":
        d.ok(d.sam, c.Admit, participant_id="p1")
    if setup == "out":
        d.ok(d.person(0), c.StepOut)
    if setup == "left":
        d.ok(d.person(0), c.Leave)
    assert d.refused(d.sam, kind, participant_id="p1").message == message


# --- leaving ---------------------------------------------------------------------------------


def test_leaving_and_being_removed() -> None:
    d = Driver.weekly(2)
    d.ok(d.person(0), c.RequestSupport)
    events = d.ok(d.person(0), c.Leave)
    assert events == (ev.ParticipantLeft(participant_id="p1", removed=False),)
    person = d.state.participants["p1"]
    assert person.presence is Presence.LEFT
    assert not person.support_requested
    events = d.ok(d.sam, c.RemoveParticipant, participant_id="p2")
    assert events == (ev.ParticipantLeft(participant_id="p2", removed=True),)
    assert d.refused(d.sam, c.RemoveParticipant, participant_id="p2").message == (
        "They have already left."
    )


def test_someone_who_left_can_do_nothing_more() -> None:
    d = Driver.weekly(1)
    d.ok(d.person(0), c.Leave)
    for kind in (c.Leave, c.RaiseHand, c.ComeBack):
        refusal = d.refused(d.person(0), kind)
        assert refusal.code is RejectionCode.NOT_ALLOWED
        assert refusal.message == "You are no longer part of this session."


def test_a_stranger_is_not_part_of_the_session() -> None:
    d = Driver.weekly(1)
    refusal = d.refused(participant(7), c.RaiseHand)
    assert refusal.message == "You are no longer part of this session."


# --- hands, support requests, offers ---------------------------------------------------------


def test_raising_and_lowering_a_hand() -> None:
    d = Driver.weekly(2)
    d.ok(d.person(0), c.RaiseHand)
    assert d.state.participants["p1"].hand_raised
    assert d.refused(d.person(0), c.RaiseHand).message == "Your hand is already raised."
    d.ok(d.sam, c.LowerHand, participant_id="p1")  # a facilitator acknowledges it
    assert not d.state.participants["p1"].hand_raised
    assert d.refused(d.person(0), c.LowerHand).message == "That hand is already lowered."
    d.ok(d.person(1), c.RaiseHand)
    d.ok(d.person(1), c.LowerHand)
    assert d.refused(d.sam, c.RaiseHand).message == "Only a participant can do that."


def test_a_stepped_out_person_cannot_raise_a_hand() -> None:
    d = Driver.weekly(1)
    d.ok(d.person(0), c.StepOut)
    refusal = d.refused(d.person(0), c.RaiseHand)
    assert refusal.message == "Come back in first, then raise your hand."


def test_support_requests_are_quiet_and_cleared_by_either_side() -> None:
    d = Driver.weekly(2)
    d.ok(d.person(0), c.RequestSupport)
    assert d.state.participants["p1"].support_requested
    assert d.refused(d.person(0), c.RequestSupport).message == (
        "The facilitators already know; one of them will check in."
    )
    d.ok(d.ana, c.ClearSupportRequest, participant_id="p1")
    assert not d.state.participants["p1"].support_requested
    assert d.refused(d.person(0), c.ClearSupportRequest).message == (
        "There is no support request to clear."
    )
    d.ok(d.person(1), c.RequestSupport)
    d.ok(d.person(1), c.ClearSupportRequest)
    assert d.refused(d.person(0), c.ClearSupportRequest, participant_id="p2").message == (
        "You can only clear a support request for yourself, not for someone else."
    )


def test_offering_to_take_time_and_being_chosen() -> None:
    d = Driver.weekly(2)
    d.ok(d.person(0), c.OfferToTakeTime)
    assert d.state.participants["p1"].offered_to_take_time
    assert d.refused(d.person(0), c.OfferToTakeTime).message == "You have already offered."
    d.ok(d.person(1), c.OfferToTakeTime)
    d.ok(d.person(1), c.OfferToTakeTime, offered=False)
    assert d.refused(d.person(1), c.OfferToTakeTime, offered=False).message == (
        "You have not offered."
    )
    d.go_to("Taking Time 1")
    d.ok(d.sam, c.ChooseTaker, participant_id="p1")
    assert not d.state.participants["p1"].offered_to_take_time


# --- the taker leaving -----------------------------------------------------------------------


def test_when_the_taker_has_left_taking_time_completes_with_the_round() -> None:
    # Before the fix Taking Time stayed in its Round of Sharing for good, and inviting the
    # reflection said they had "stepped out".
    d = Driver.weekly(3)
    d.go_to("Taking Time 1")
    d.ok(d.sam, c.ChooseTaker, participant_id="p1")
    d.ok(d.person(0), c.Share)
    d.ok(d.sam, c.StartRound)
    d.ok(d.person(0), c.Leave)
    assert d.refused(d.sam, c.InviteReflection).message == "Priya has left the session."
    d.ok(d.person(1), c.Share)
    d.ok(d.person(2), c.Share)
    taking = d.stage().taking_time
    assert taking is not None
    assert taking.phase is TakingTimePhase.COMPLETE
    assert taking.reflection_turn is None
