"""decide() for Taking Time: the taker speaks, a question is agreed, a Round of Sharing
without the taker, then the taker's reflection (which may be a pass)."""

from __future__ import annotations

import pytest

from app.rounds.turns import Turn, TurnStatus
from app.session import commands as c
from app.session import events as ev
from app.session.decisions import RejectionCode
from app.session.shares import MINIMUM_REFLECTION_S, REFLECTION_SHARE
from app.session.state import TakingTime, TakingTimePhase
from tests.support.engine import Driver

QUESTION = "What has helped you when you felt left out?"


def taking_time(d: Driver) -> TakingTime:
    taking = d.stage().taking_time
    assert taking is not None
    return taking


def at_taking_time(participants: int = 3) -> Driver:
    d = Driver.weekly(participants)
    d.go_to("Taking Time 1")
    return d


def with_taker(participants: int = 3) -> Driver:
    """Taking Time 1 is on and Priya (p1) is Taking Time."""
    d = at_taking_time(participants)
    d.ok(d.sam, c.ChooseTaker, participant_id="p1")
    return d


def test_the_full_flow() -> None:
    d = with_taker(3)
    taking = taking_time(d)
    assert taking.phase is TakingTimePhase.TAKER_SPEAKING
    assert d.speaker() == "p1"
    assert taking.taker_turn is not None
    assert taking.taker_turn.timer is not None
    assert taking.taker_turn.timer.budget_s == pytest.approx(15 * 60 / 3)

    d.tick(240)
    d.ok(d.person(0), c.Share)
    assert taking_time(d).phase is TakingTimePhase.AGREEING_QUESTION
    assert d.speaker() is None

    d.ok(d.sam, c.SetAgreedQuestion, question=QUESTION)
    assert taking_time(d).agreed_question == QUESTION

    d.ok(d.sam, c.StartRound)
    assert taking_time(d).phase is TakingTimePhase.SHARING_ROUND
    assert d.round().order == ("p2", "p3")  # the taker is not in the Round of Sharing
    assert d.speaker() == "p2"
    d.ok(d.person(1), c.Share)
    d.ok(d.person(2), c.Pass)

    # The round is complete: the taker is offered their reflection at once.
    taking = taking_time(d)
    assert taking.phase is TakingTimePhase.TAKER_REFLECTION
    assert d.speaker() == "p1"
    assert taking.reflection_turn is not None
    assert taking.reflection_turn.timer is not None
    assert taking.reflection_turn.timer.budget_s == pytest.approx(15 * 60 * REFLECTION_SHARE)

    d.ok(d.person(0), c.Share)
    assert taking_time(d).phase is TakingTimePhase.COMPLETE
    assert d.speaker() is None


def test_the_reflection_may_be_a_pass() -> None:
    d = with_taker(2)
    d.ok(d.person(0), c.Share)
    d.ok(d.sam, c.StartRound)
    d.ok(d.person(1), c.Share)
    d.ok(d.person(0), c.PassForNow)  # no "later" for a reflection: it is a pass
    taking = taking_time(d)
    assert taking.phase is TakingTimePhase.COMPLETE
    assert taking.reflection_turn is not None
    assert taking.reflection_turn.status is TurnStatus.PASSED


def test_a_taker_who_passes_completes_taking_time() -> None:
    d = with_taker(2)
    d.ok(d.person(0), c.Pass)
    assert taking_time(d).phase is TakingTimePhase.COMPLETE


@pytest.mark.parametrize("phase", ["complete", "reflection"])
def test_no_round_of_sharing_once_taking_time_is_over(phase: str) -> None:
    # Before the fix a round could start after Taking Time was complete, or in the middle of
    # the reflection: it cut the reflection off and later started a second one over it.
    d = with_taker(3)
    if phase == "complete":
        d.ok(d.person(0), c.Pass)
    else:
        d.ok(d.person(0), c.Share)
        d.ok(d.sam, c.InviteReflection)
        assert d.speaker() == "p1"
    refusal = d.refused(d.sam, c.StartRound)
    assert refusal.code is RejectionCode.INVALID
    assert refusal.message == "Priya's Taking Time has moved past the Round of Sharing."


def test_agreeing_the_question_ends_the_takers_turn() -> None:
    d = with_taker(2)
    d.ok(d.sam, c.SetAgreedQuestion, question=QUESTION)
    taking = taking_time(d)
    assert taking.phase is TakingTimePhase.AGREEING_QUESTION
    assert taking.taker_turn is not None
    assert taking.taker_turn.status is TurnStatus.SHARED


def test_the_round_of_sharing_may_start_straight_after_the_taker() -> None:
    d = with_taker(3)
    d.ok(d.sam, c.StartRound)
    taking = taking_time(d)
    assert taking.phase is TakingTimePhase.SHARING_ROUND
    assert taking.taker_turn is not None
    assert taking.taker_turn.status is TurnStatus.SHARED
    assert d.speaker() == "p2"


def test_inviting_the_reflection_early_skips_whoever_is_still_waiting() -> None:
    d = with_taker(4)
    d.ok(d.person(0), c.Share)
    d.ok(d.sam, c.StartRound)
    d.ok(d.person(1), c.Share)
    d.ok(d.sam, c.InviteReflection)
    assert taking_time(d).phase is TakingTimePhase.TAKER_REFLECTION
    assert d.speaker() == "p1"
    assert d.status(2) is TurnStatus.SHARED  # Lee was speaking: she had her say
    assert d.status(3) is TurnStatus.SKIPPED
    assert d.round().complete


def test_the_reflection_can_be_invited_without_a_round() -> None:
    d = with_taker(2)
    d.ok(d.person(0), c.Share)
    d.ok(d.sam, c.InviteReflection)
    assert taking_time(d).phase is TakingTimePhase.TAKER_REFLECTION


def test_invite_reflection_refusals() -> None:
    d = at_taking_time(2)
    refusal = d.refused(d.sam, c.InviteReflection)
    assert refusal.message == "There is no reflection to invite just now."
    d.ok(d.sam, c.ChooseTaker, participant_id="p1")
    d.ok(d.person(0), c.Share)
    d.ok(d.person(0), c.StepOut)
    refusal = d.refused(d.sam, c.InviteReflection)
    assert refusal.message == "Priya has stepped out; invite their reflection when they are back."


def test_a_taker_who_steps_out_at_the_end_of_the_round_reflects_when_back() -> None:
    d = with_taker(2)
    d.ok(d.person(0), c.Share)
    d.ok(d.sam, c.StartRound)
    d.ok(d.person(0), c.StepOut)
    d.ok(d.person(1), c.Share)
    assert taking_time(d).phase is TakingTimePhase.SHARING_ROUND
    assert d.speaker() is None
    d.ok(d.person(0), c.ComeBack)
    assert taking_time(d).phase is TakingTimePhase.TAKER_REFLECTION
    assert d.speaker() == "p1"


def test_a_taker_who_steps_out_while_speaking_is_taking_a_moment() -> None:
    d = with_taker(2)
    d.tick(30)
    d.ok(d.person(0), c.StepOut)
    taker_turn = taking_time(d).taker_turn
    assert taker_turn is not None
    assert taker_turn.status is TurnStatus.SPEAKING
    assert taker_turn.timer is not None
    assert not taker_turn.timer.running
    assert taker_turn.timer.accumulated_s == 30


def test_a_taker_who_leaves_while_speaking_ends_taking_time() -> None:
    d = with_taker(2)
    d.ok(d.person(0), c.Leave)
    taking = taking_time(d)
    assert taking.phase is TakingTimePhase.COMPLETE
    assert taking.taker_turn is not None
    assert taking.taker_turn.status is TurnStatus.SKIPPED


def test_choosing_a_taker_ahead_starts_their_turn_when_the_stage_comes() -> None:
    d = Driver.weekly(3)
    stage = d.stage_titled("Taking Time 2")
    d.ok(d.ana, c.ChooseTaker, participant_id="p2", stage_id=stage.id)
    assert d.speaker() is None
    d.go_to("Taking Time 2")
    assert taking_time(d).phase is TakingTimePhase.TAKER_SPEAKING
    assert d.speaker() == "p2"


def test_choosing_someone_who_stepped_out_starts_their_turn_when_they_are_back() -> None:
    # Before the fix they came back to a Taking Time that never started: choosing them again
    # was refused ("That is already the plan.") and so was the round.
    d = at_taking_time(3)
    d.ok(d.person(0), c.StepOut)
    d.ok(d.sam, c.ChooseTaker, participant_id="p1")
    assert taking_time(d).phase is TakingTimePhase.CHOOSING
    assert d.speaker() is None
    d.ok(d.person(0), c.ComeBack)
    assert taking_time(d).phase is TakingTimePhase.TAKER_SPEAKING
    assert d.speaker() == "p1"


def test_the_takers_time_is_never_negative_when_the_stage_has_run_over() -> None:
    # Before the fix a late choice gave the taker a third of a negative remainder: a clock
    # that was already -100 s when they began.
    d = at_taking_time(2)
    d.tick(20 * 60)
    d.ok(d.sam, c.ChooseTaker, participant_id="p1")
    turn = taking_time(d).taker_turn
    assert turn is not None
    assert turn.timer is not None
    assert turn.timer.budget_s == d.state.settings.minimum_share_s


def test_choose_taker_refusals() -> None:
    d = Driver.weekly(3)
    refusal = d.refused(d.sam, c.ChooseTaker, participant_id="p1")
    assert refusal.message == "“Welcome” is not a Taking Time."
    d.go_to("Taking Time 1")
    assert d.refused(d.sam, c.ChooseTaker, participant_id="p9").message == (
        "That person is not in this session."
    )
    assert d.refused(d.sam, c.ChooseTaker, participant_id=None).message == (
        "That is already the plan."
    )
    d.join(3)
    assert d.refused(d.sam, c.ChooseTaker, participant_id="p4").message == (
        "Only someone in the session can Take Time."
    )
    d.ok(d.sam, c.ChooseTaker, participant_id="p1")
    refusal = d.refused(d.ana, c.ChooseTaker, participant_id="p2")
    assert refusal.code is RejectionCode.STALE
    assert refusal.message == "Priya is already Taking Time."
    d.go_to("Taking Time 2")
    first = d.stage_titled("Taking Time 1")
    refusal = d.refused(d.sam, c.ChooseTaker, participant_id="p2", stage_id=first.id)
    assert refusal.message == "“Taking Time 1” has already finished."


def test_a_participant_cannot_choose_or_steer_taking_time() -> None:
    d = with_taker(2)
    for kind, fields in (
        (c.ChooseTaker, {"participant_id": "p2"}),
        (c.SetAgreedQuestion, {"question": QUESTION}),
        (c.InviteReflection, {}),
    ):
        refusal = d.refused(d.person(0), kind, **fields)
        assert refusal.message == "Only a facilitator can do that."


def test_no_agreed_question_without_a_taker() -> None:
    d = at_taking_time(2)
    refusal = d.refused(d.sam, c.SetAgreedQuestion, question=QUESTION)
    assert refusal.message == "There is nobody Taking Time just now."


def test_the_round_of_sharing_needs_a_taker_first() -> None:
    d = at_taking_time(2)
    assert d.refused(d.sam, c.StartRound).message == "Choose who is Taking Time first."


def test_a_late_arrival_joins_the_round_of_sharing() -> None:
    d = with_taker(2)
    d.ok(d.sam, c.StartRound)
    d.join(2)
    d.ok(d.sam, c.Admit, participant_id="p3")
    assert d.round().order == ("p2", "p3")


def test_return_to_is_refused_once_the_round_of_sharing_is_over() -> None:
    d = with_taker(2)
    d.ok(d.sam, c.StartRound)
    d.ok(d.person(1), c.Share)
    assert d.refused(d.sam, c.ReturnTo, participant_id="p2").message == (
        "The Round of Sharing has finished."
    )


def test_the_agreed_question_is_never_stored() -> None:
    d = with_taker(2)
    events = d.ok(d.sam, c.SetAgreedQuestion, question=QUESTION)
    question_set = next(e for e in events if isinstance(e, ev.AgreedQuestionSet))
    assert question_set.question == QUESTION
    stored = question_set.for_storage()
    assert stored.question is None
    assert stored.stage_id == question_set.stage_id
    # Every other event is stored as it is.
    ended = next(e for e in events if isinstance(e, ev.TurnEnded))
    assert ended.for_storage() is ended


def test_a_short_taking_time_still_leaves_a_minute_to_reflect() -> None:
    d = at_taking_time(2)
    d.ok(d.sam, c.SetStageBudget, stage_id=d.stage().id, minutes=4)
    d.ok(d.sam, c.ChooseTaker, participant_id="p1")
    d.ok(d.sam, c.InviteReflection)
    turn = taking_time(d).reflection_turn
    assert turn is not None
    assert turn.timer is not None
    assert turn.timer.budget_s == MINIMUM_REFLECTION_S


def test_airtime_of_the_taker_counts_both_their_turns() -> None:
    d = with_taker(2)
    d.tick(100)
    d.ok(d.person(0), c.Share)
    d.ok(d.sam, c.InviteReflection)
    d.tick(20)
    d.ok(d.person(0), c.Share)
    taking = taking_time(d)
    turns: list[Turn | None] = [taking.taker_turn, taking.reflection_turn]
    assert sum(t.spoken_s for t in turns if t is not None) == pytest.approx(120)


def test_the_taker_is_never_given_a_turn_in_their_own_round_of_sharing() -> None:
    d = with_taker(3)
    d.ok(d.person(0), c.Share)
    d.ok(d.sam, c.StartRound)
    refusal = d.refused(d.sam, c.ReturnTo, participant_id="p1")
    assert refusal.code is RejectionCode.NOT_FOUND
    assert refusal.message == "Priya is not in this round."
