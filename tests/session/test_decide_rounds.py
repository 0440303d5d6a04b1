"""decide() for rounds: order policies, share / pass / pass for now, skip, return, reorder,
stepping out and coming back, late arrivals, and the fair share each speaker is given."""

from __future__ import annotations

import pytest

from app.rounds.order import OrderPolicy
from app.rounds.turns import TurnStatus
from app.session import commands as c
from app.session import events as ev
from app.session.decisions import RejectionCode
from tests.support.engine import Driver


def in_round(participants: int = 3, **start: object) -> Driver:
    """The Round of Good News is on and its round has started (by Sam)."""
    d = Driver.weekly(participants)
    d.go_to("Round of Good News")
    d.ok(d.sam, c.StartRound, **start)
    return d


# --- order policies --------------------------------------------------------------------------


def test_join_order_is_the_default() -> None:
    d = in_round(3)
    assert d.round().order == ("p1", "p2", "p3")
    assert d.speaker() == "p1"


def test_facilitator_set_order_puts_people_left_out_at_the_end() -> None:
    d = in_round(4, order_policy=OrderPolicy.FACILITATOR_SET, order=("p3", "p1"))
    assert d.round().order == ("p3", "p1", "p2", "p4")
    assert d.speaker() == "p3"


@pytest.mark.parametrize(
    ("policy", "expected"),
    [
        (OrderPolicy.LEFT_OF, ("p2", "p3", "p4", "p1")),
        (OrderPolicy.RIGHT_OF, ("p2", "p1", "p4", "p3")),
    ],
)
def test_round_goes_round_the_circle_from_whoever_starts(
    policy: OrderPolicy, expected: tuple[str, ...]
) -> None:
    d = in_round(4, order_policy=policy, start_with="p2")
    assert d.round().order == expected


def test_left_of_needs_someone_to_start_with() -> None:
    d = Driver.weekly(3)
    d.go_to("Round of Good News")
    refusal = d.refused(d.sam, c.StartRound, order_policy=OrderPolicy.LEFT_OF)
    assert refusal.code is RejectionCode.INVALID
    assert refusal.message == "Choose who the round starts with."


def test_facilitator_set_order_cannot_name_a_stranger() -> None:
    d = Driver.weekly(3)
    d.go_to("Round of Good News")
    refusal = d.refused(
        d.sam, c.StartRound, order_policy=OrderPolicy.FACILITATOR_SET, order=("p9", "p1")
    )
    assert refusal.message == "The order names someone who is not in the session."


def test_random_order_is_decided_by_the_command_id() -> None:
    orders = set()
    for command_id in ("a", "b", "c", "d", "e", "f"):
        once = Driver.weekly(5)
        twice = Driver.weekly(5)
        for d in (once, twice):
            d.go_to("Round of Good News")
            d.run(d.sam, c.StartRound(id=command_id, order_policy=OrderPolicy.RANDOM))
        assert once.round().order == twice.round().order
        assert sorted(once.round().order) == ["p1", "p2", "p3", "p4", "p5"]
        orders.add(once.round().order)
    assert len(orders) > 1


def test_the_round_includes_whoever_stepped_out_but_not_the_waiting_room() -> None:
    d = Driver.weekly(3)
    d.join(3)
    d.ok(d.person(0), c.StepOut)
    d.go_to("Round of Good News")
    d.ok(d.sam, c.StartRound)
    assert d.round().order == ("p1", "p2", "p3")
    assert d.speaker() == "p2"
    assert d.status(0) is TurnStatus.WAITING


def test_a_round_needs_somebody_here() -> None:
    d = Driver.weekly(0)
    d.go_to("Round of Good News")
    refusal = d.refused(d.sam, c.StartRound)
    assert refusal.message == (
        "Nobody is here for the round yet — let people in from the waiting room first."
    )


def test_a_round_starts_once_and_only_where_there_is_one() -> None:
    d = Driver.weekly(2)
    refusal = d.refused(d.sam, c.StartRound)
    assert refusal.message == "“Welcome” does not have a round."
    d.go_to("Round of Good News")
    d.ok(d.sam, c.StartRound)
    assert d.refused(d.sam, c.StartRound).message == "The round has already started."


# --- share, pass, pass for now ---------------------------------------------------------------


def test_each_person_shares_or_passes_in_turn_until_the_round_is_complete() -> None:
    d = in_round(3)
    d.ok(d.person(0), c.Share)
    assert d.speaker() == "p2"
    d.ok(d.sam, c.Pass)  # a facilitator can record the speaker's pass
    assert d.speaker() == "p3"
    d.ok(d.ana, c.Share)  # "next speaker"
    assert d.speaker() is None
    assert d.round().complete
    assert [d.status(i) for i in range(3)] == [
        TurnStatus.SHARED,
        TurnStatus.PASSED,
        TurnStatus.SHARED,
    ]


def test_pass_for_now_asks_again_at_the_end_and_a_second_pass_for_now_is_a_pass() -> None:
    d = in_round(3)
    d.ok(d.person(0), c.PassForNow)
    assert d.status(0) is TurnStatus.PASSED_FOR_NOW
    d.ok(d.person(1), c.Share)
    d.ok(d.person(2), c.PassForNow)
    assert d.speaker() == "p1"  # asked again, in the order they passed for now
    assert d.turn(0).asked_again
    d.ok(d.person(0), c.PassForNow)
    assert d.status(0) is TurnStatus.PASSED
    assert d.speaker() == "p3"
    d.ok(d.person(2), c.Share)
    assert d.round().complete


def test_someone_asked_again_may_share_after_all() -> None:
    d = in_round(2)
    d.ok(d.person(0), c.PassForNow)
    d.ok(d.person(1), c.Share)
    d.ok(d.person(0), c.Share)
    assert d.status(0) is TurnStatus.SHARED
    assert d.round().complete


def test_a_participant_cannot_pass_for_someone_else() -> None:
    d = in_round(3)
    refusal = d.refused(d.person(1), c.Pass, participant_id="p1")
    assert refusal.code is RejectionCode.NOT_ALLOWED
    assert refusal.message == "You can only pass for yourself, not for someone else."
    refusal = d.refused(d.person(1), c.Share, participant_id="p1")
    assert refusal.message == "You can only finish a turn for yourself, not for someone else."


def test_a_participant_cannot_end_a_turn_that_is_not_theirs() -> None:
    d = in_round(3)
    refusal = d.refused(d.person(1), c.Pass)
    assert refusal.code is RejectionCode.NOT_YOUR_TURN
    assert refusal.message == "It isn't your turn just now — Priya is speaking."


def test_ending_a_turn_when_nobody_is_speaking() -> None:
    d = Driver.weekly(2)
    assert d.refused(d.sam, c.Share).message == "Nobody is speaking just now."
    assert d.refused(d.person(0), c.Pass).message == "It isn't your turn just now."
    assert d.refused(d.person(0), c.Pass).code is RejectionCode.NOT_YOUR_TURN


def test_a_facilitator_naming_someone_else_than_the_speaker_is_stale() -> None:
    d = in_round(3)
    d.ok(d.sam, c.Share, participant_id="p1")
    refusal = d.refused(d.ana, c.Share, participant_id="p1")
    assert refusal.code is RejectionCode.STALE
    assert refusal.message == "Priya's turn has already ended; Tom is speaking now."


def test_stale_next_speaker_click_names_who_moved_on() -> None:
    d = in_round(3)
    seen = d.state.version
    d.ok(d.sam, c.Share, expected_version=seen)
    refusal = d.refused(d.ana, c.Share, expected_version=seen)
    assert refusal.code is RejectionCode.STALE
    assert refusal.message == "Sam already moved to the next speaker (Tom)."
    # Ana's screen catches up: with the new version her click is accepted.
    d.ok(d.ana, c.Share, expected_version=d.state.version)
    assert d.speaker() == "p3"


def test_a_double_click_by_the_same_person_reads_you_already() -> None:
    d = in_round(3)
    seen = d.state.version
    d.ok(d.person(0), c.Pass, expected_version=seen)
    refusal = d.refused(d.person(0), c.Pass, expected_version=seen)
    assert refusal.code is RejectionCode.STALE
    assert refusal.message == "You already passed — it is Tom's turn now."
    seen = d.state.version
    d.ok(d.sam, c.Share, expected_version=seen)
    refusal = d.refused(d.sam, c.Share, expected_version=seen)
    assert refusal.message == "You already moved to the next speaker (Lee)."


def test_the_last_turn_of_a_round_reads_as_ended() -> None:
    d = in_round(1)
    seen = d.state.version
    d.ok(d.sam, c.Share, expected_version=seen)
    assert d.refused(d.ana, c.Share, expected_version=seen).message == (
        "Sam already ended Priya's turn."
    )


# --- skip, return to, reorder ----------------------------------------------------------------


def test_skipping_the_speaker_moves_on() -> None:
    d = in_round(3)
    events = d.ok(d.sam, c.SkipTurn, participant_id="p1")
    assert isinstance(events[0], ev.TurnEnded)
    assert events[0].outcome is TurnStatus.SKIPPED
    assert d.status(0) is TurnStatus.SKIPPED
    assert d.speaker() == "p2"


def test_skipping_someone_waiting_leaves_the_speaker_be() -> None:
    d = in_round(3)
    d.ok(d.sam, c.SkipTurn, participant_id="p2")
    assert d.status(1) is TurnStatus.SKIPPED
    assert d.speaker() == "p1"
    d.ok(d.person(0), c.Share)
    assert d.speaker() == "p3"


def test_skipping_someone_without_a_turn_waiting() -> None:
    d = in_round(3)
    d.ok(d.person(0), c.Share)
    refusal = d.refused(d.sam, c.SkipTurn, participant_id="p1")
    assert refusal.code is RejectionCode.NOTHING_TO_DO
    assert refusal.message == "Priya has no turn waiting in this round."


def test_return_to_a_person_who_passed_asks_them_next() -> None:
    d = in_round(3)
    d.ok(d.person(0), c.Pass)
    d.ok(d.sam, c.ReturnTo, participant_id="p1")
    assert d.status(0) is TurnStatus.WAITING
    assert d.speaker() == "p2"
    d.ok(d.person(1), c.Share)
    assert d.speaker() == "p1"
    d.ok(d.person(0), c.Share)
    assert d.speaker() == "p3"


def test_return_to_after_the_round_is_complete_gives_the_turn_at_once() -> None:
    d = in_round(2)
    d.ok(d.person(0), c.Pass)
    d.ok(d.person(1), c.Share)
    assert d.round().complete
    d.ok(d.sam, c.ReturnTo, participant_id="p1")
    assert d.speaker() == "p1"
    assert not d.round().complete


def test_return_to_refusals() -> None:
    d = in_round(3)
    assert (
        d.refused(d.sam, c.ReturnTo, participant_id="p1").message == "It is already Priya's turn."
    )
    assert (
        d.refused(d.sam, c.ReturnTo, participant_id="p9").message == "Someone is not in this round."
    )


def test_return_to_someone_who_has_left_is_refused() -> None:
    # Before the fix their turn was reopened for someone who can never come back, and the round
    # could never be complete (nor the Taking Time reflection start).
    d = in_round(3)
    d.ok(d.person(0), c.Pass)
    d.ok(d.person(0), c.Leave)
    refusal = d.refused(d.sam, c.ReturnTo, participant_id="p1")
    assert refusal.code is RejectionCode.INVALID
    assert refusal.message == "Priya has left the session."


def test_reorder_round_changes_who_is_asked_next() -> None:
    d = in_round(4)
    d.ok(d.sam, c.ReorderRound, order=("p1", "p4", "p3", "p2"))
    d.ok(d.person(0), c.Share)
    assert d.speaker() == "p4"


def test_reorder_round_refusals() -> None:
    d = in_round(3)
    refusal = d.refused(d.sam, c.ReorderRound, order=("p1", "p2"))
    assert refusal.code is RejectionCode.STALE
    assert (
        refusal.message == "The round has changed since you started reordering — please try again."
    )
    refusal = d.refused(d.sam, c.ReorderRound, order=("p1", "p2", "p3"))
    assert refusal.message == "The round is already in that order."
    d.go_to("Welcome")
    refusal = d.refused(d.sam, c.ReorderRound, order=("p1",))
    assert refusal.message == "No round has started in this agenda item."


# --- stepping out and coming back ------------------------------------------------------------


def test_stepping_out_during_your_turn_moves_it_later_and_you_are_asked_when_back() -> None:
    d = in_round(3)
    d.tick(20)
    d.ok(d.person(0), c.StepOut)
    assert d.status(0) is TurnStatus.WAITING
    assert d.speaker() == "p2"
    d.ok(d.person(1), c.Share)
    assert d.speaker() == "p3"  # Priya is still out: her turn waits
    d.ok(d.person(0), c.ComeBack)
    assert d.speaker() == "p3"  # nobody is cut off
    d.ok(d.person(2), c.Share)
    assert d.speaker() == "p1"
    d.ok(d.person(0), c.Share)
    assert d.round().complete


def test_a_stepped_out_person_keeps_the_round_open_and_is_asked_as_soon_as_they_are_back() -> None:
    d = in_round(2)
    d.ok(d.person(1), c.StepOut)
    d.ok(d.person(0), c.Share)
    assert d.speaker() is None
    assert not d.round().complete
    assert d.status(1) is TurnStatus.WAITING
    d.ok(d.person(1), c.ComeBack)
    assert d.speaker() == "p2"


def test_stepping_out_describes_itself_to_a_stale_click() -> None:
    d = in_round(2)
    seen = d.state.version
    d.ok(d.person(0), c.StepOut)
    refusal = d.refused(d.sam, c.Share, expected_version=seen)
    assert refusal.message == "Priya already stepped out — it is Tom's turn now."


def test_time_spoken_before_stepping_out_is_not_lost() -> None:
    # Before the fix the new turn's timer replaced the old one and the first 100 s vanished
    # from the speaker's airtime.
    d = in_round(3)
    d.tick(100)
    d.ok(d.person(0), c.StepOut)
    d.ok(d.person(0), c.ComeBack)
    d.ok(d.person(1), c.Share)
    assert d.speaker() == "p1"
    d.tick(10)
    d.ok(d.person(0), c.Share)
    assert d.turn(0).spoken_s == pytest.approx(110)
    timer = d.turn(0).timer
    assert timer is not None
    assert timer.accumulated_s == pytest.approx(10)  # the clock of this turn only


def test_time_spoken_before_being_returned_to_is_not_lost() -> None:
    d = in_round(2)
    d.tick(40)
    d.ok(d.person(0), c.Share)
    d.ok(d.sam, c.ReturnTo, participant_id="p1")
    d.ok(d.person(1), c.Share)
    d.tick(5)
    d.ok(d.person(0), c.Share)
    assert d.turn(0).spoken_s == pytest.approx(45)


def test_stepping_out_when_asked_again_keeps_the_second_pass_for_now_a_pass() -> None:
    # Before the fix, coming back forgot that they had been asked again, so a second
    # "pass for now" put them straight back at the end of the round.
    d = in_round(2)
    d.ok(d.person(0), c.PassForNow)
    d.ok(d.person(1), c.Share)
    assert d.speaker() == "p1"
    d.ok(d.person(0), c.StepOut)
    d.ok(d.person(0), c.ComeBack)
    assert d.speaker() == "p1"
    assert d.turn(0).asked_again
    d.ok(d.person(0), c.PassForNow)
    assert d.status(0) is TurnStatus.PASSED
    assert d.round().complete


def test_leaving_during_your_turn_skips_it() -> None:
    d = in_round(3)
    d.ok(d.person(0), c.Leave)
    assert d.status(0) is TurnStatus.SKIPPED
    assert d.speaker() == "p2"


def test_leaving_while_waiting_skips_your_turn_so_the_round_can_complete() -> None:
    d = in_round(2)
    d.ok(d.person(1), c.StepOut)
    d.ok(d.person(0), c.Share)
    d.ok(d.sam, c.RemoveParticipant, participant_id="p2")
    assert d.status(1) is TurnStatus.SKIPPED
    assert d.round().complete


# --- late arrivals ---------------------------------------------------------------------------


def test_a_late_arrival_joins_the_current_round_at_the_end() -> None:
    d = in_round(2)
    d.join(2)
    d.ok(d.sam, c.Admit, participant_id="p3")
    assert d.round().order == ("p1", "p2", "p3")
    d.ok(d.person(0), c.Share)
    d.ok(d.person(1), c.Share)
    assert d.speaker() == "p3"


def test_a_late_arrival_is_asked_at_once_when_everyone_else_is_done() -> None:
    d = in_round(1)
    d.ok(d.person(0), c.StepOut)  # the round waits for Priya
    d.join(1)
    d.ok(d.sam, c.Admit, participant_id="p2")
    assert d.speaker() == "p2"


def test_nobody_is_added_to_a_round_that_is_complete() -> None:
    d = in_round(1)
    d.ok(d.person(0), c.Share)
    d.join(1)
    d.ok(d.sam, c.Admit, participant_id="p2")
    assert d.round().turn("p2") is None
    assert d.round().complete


def test_someone_who_came_after_the_round_can_still_be_given_a_turn() -> None:
    # Before: "Tom is not in this round." — a late arrival could never share in it.
    d = in_round(1)
    d.ok(d.person(0), c.Share)
    d.join(1)
    d.ok(d.sam, c.Admit, participant_id="p2")
    d.ok(d.sam, c.ReturnTo, participant_id="p2")
    assert d.speaker() == "p2"
    d.ok(d.person(1), c.Pass)
    assert d.round().complete
    assert d.status(1) is TurnStatus.PASSED


def test_a_late_arrival_given_a_turn_while_someone_speaks_is_asked_next() -> None:
    d = in_round(2)
    d.ok(d.person(0), c.Share)
    d.ok(d.person(1), c.Share)
    d.join(2)
    d.ok(d.sam, c.Admit, participant_id="p3")
    d.ok(d.sam, c.ReturnTo, participant_id="p1")
    d.ok(d.sam, c.ReturnTo, participant_id="p3")
    assert d.speaker() == "p1"
    d.ok(d.person(0), c.Share)
    assert d.speaker() == "p3"


def test_nobody_is_given_a_turn_who_is_not_here() -> None:
    d = in_round(2)
    d.ok(d.person(0), c.Share)
    d.ok(d.person(1), c.Share)
    d.join(2)  # still in the waiting room
    refusal = d.refused(d.sam, c.ReturnTo, participant_id="p3")
    assert refusal.code is RejectionCode.NOT_FOUND
    assert refusal.message == "Lee is not in this round."


# --- fair share ------------------------------------------------------------------------------


def turn_budget(d: Driver) -> float:
    turn = d.round().current_turn
    assert turn is not None
    assert turn.timer is not None
    return turn.timer.budget_s


def test_each_speaker_gets_a_fair_share_and_passes_give_time_back() -> None:
    d = in_round(4)  # a 10-minute round, four people
    assert turn_budget(d) == pytest.approx(150)
    d.ok(d.person(0), c.Pass)
    assert turn_budget(d) == pytest.approx(200)
    d.tick(300)  # Tom overruns
    d.ok(d.person(1), c.Share)
    assert turn_budget(d) == pytest.approx(150)


def test_the_fair_share_never_drops_below_the_minimum() -> None:
    d = in_round(4)
    d.tick(20 * 60)
    d.ok(d.person(0), c.Share)
    assert turn_budget(d) == d.state.settings.minimum_share_s
