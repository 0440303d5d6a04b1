"""decide() for "undo the last action": a facilitator takes back a change of turn or stage.

Undo puts the agenda back exactly as it was before the undone commit: the speaker who was cut
off speaks on with their clock as if never stopped. It never touches who is present, raised
hands or settings, and it is refused once something has happened that it could not put back.
"""

from __future__ import annotations

from app.rounds.turns import TurnStatus
from app.session import commands as c
from app.session import events as ev
from app.session.command_base import Role
from app.session.decisions import RejectionCode
from app.session.state import StageStatus
from app.session.storage import state_for_storage
from app.session.views import FacilitatorView, ParticipantView, view_for
from tests.support.engine import Driver


def in_round(participants: int = 3) -> Driver:
    d = Driver.weekly(participants)
    d.go_to("Round of Good News")
    d.ok(d.sam, c.StartRound)
    return d


def test_moving_on_by_mistake_is_taken_back_and_the_speaker_goes_on() -> None:
    d = in_round()
    d.tick(40)
    d.ok(d.sam, c.Share, participant_id="p1")
    assert d.speaker() == "p2"
    d.tick(5)
    events = d.ok(d.sam, c.UndoLast)
    assert events == (
        ev.FlowUndone(
            undone_version=d.state.version - 1,
            description="moved to the next speaker (Tom)",
        ),
    )
    assert d.speaker() == "p1"
    assert d.status(1) is TurnStatus.WAITING
    # Priya was still talking during those five seconds: her clock kept them.
    timer = d.turn(0).timer
    assert timer is not None
    assert timer.elapsed(d.now) == 45


def test_after_an_undo_there_is_nothing_more_to_undo() -> None:
    d = in_round()
    d.ok(d.sam, c.Share, participant_id="p1")
    d.ok(d.sam, c.UndoLast)
    refusal = d.refused(d.ana, c.UndoLast)
    assert refusal.code is RejectionCode.NOTHING_TO_DO
    assert refusal.message == "There is nothing to undo just now."


def test_the_other_facilitator_sees_the_undo_as_the_latest_change() -> None:
    d = in_round()
    d.ok(d.sam, c.Share, participant_id="p1")
    seen = d.state.version
    d.ok(d.sam, c.UndoLast)
    refusal = d.refused(d.ana, c.UndoLast, expected_version=seen)
    assert refusal.code is RejectionCode.STALE
    assert refusal.message == "Sam already undid the last step."
    assert d.state.flow_change is not None
    assert d.state.flow_change.description == (
        "undid the last step: moved to the next speaker (Tom)"
    )


def test_undoing_a_move_to_a_title_with_quotes_in_it_never_nests_double_quotes() -> None:
    d = Driver.weekly(2)
    d.go_to("Summary of housekeeping actions")
    d.ok(d.sam, c.AdvanceStage)
    seen = d.state.version
    d.ok(d.sam, c.UndoLast)
    assert d.refused(d.ana, c.UndoLast, expected_version=seen).message == (
        "Sam already undid the last step."
    )
    assert d.state.flow_change is not None
    assert d.state.flow_change.description == (
        "undid the last step: moved to “Round of ‘Something I am taking away’”"
    )


def test_two_facilitators_undoing_at_once_undo_once() -> None:
    d = in_round()
    d.ok(d.sam, c.Share, participant_id="p1")
    seen = d.state.version
    d.ok(d.ana, c.UndoLast, expected_version=seen)
    assert d.refused(d.sam, c.UndoLast, expected_version=seen).code is RejectionCode.STALE
    assert d.speaker() == "p1"


def test_moving_to_the_next_agenda_item_by_mistake_reopens_the_one_before() -> None:
    d = Driver.weekly(2)
    welcome = d.stage()
    d.tick(120)
    d.ok(d.sam, c.AdvanceStage)
    d.tick(10)
    d.ok(d.ana, c.UndoLast)
    assert d.stage().id == welcome.id
    assert d.stage().timer.elapsed(d.now) == 130
    assert [s.status for s in d.state.stages[1:]] == [StageStatus.UPCOMING] * (
        len(d.state.stages) - 1
    )


def test_raised_hands_and_new_arrivals_in_the_waiting_room_keep_the_undo() -> None:
    d = in_round()
    d.ok(d.sam, c.Share, participant_id="p1")
    d.ok(d.person(2), c.RaiseHand)
    d.join(3)
    d.ok(d.sam, c.UndoLast)
    assert d.speaker() == "p1"
    assert d.state.participants["p3"].hand_raised
    assert "p4" in d.state.participants


def test_someone_stepping_out_since_makes_the_last_action_final() -> None:
    d = in_round()
    d.ok(d.sam, c.Share, participant_id="p1")
    d.ok(d.person(2), c.StepOut)
    refusal = d.refused(d.sam, c.UndoLast)
    assert refusal.code is RejectionCode.NOTHING_TO_DO


def test_pausing_the_clock_since_makes_the_last_action_final() -> None:
    d = in_round()
    d.ok(d.sam, c.Share, participant_id="p1")
    d.ok(d.sam, c.PauseTimer)
    assert d.refused(d.sam, c.UndoLast).code is RejectionCode.NOTHING_TO_DO


def test_starting_the_session_cannot_be_undone() -> None:
    d = Driver.weekly(2)
    assert d.refused(d.sam, c.UndoLast).code is RejectionCode.NOTHING_TO_DO


def test_choosing_who_takes_time_cannot_be_undone() -> None:
    d = Driver.weekly(2)
    d.go_to("Taking Time 1")
    d.ok(d.sam, c.ChooseTaker, participant_id="p1")
    assert d.refused(d.sam, c.UndoLast).code is RejectionCode.NOTHING_TO_DO


def test_only_facilitators_see_what_undo_would_take_back() -> None:
    d = in_round()
    assert view_for(d.state, Role.FACILITATOR).model_dump()["undo"]["by"] == "Sam"
    d.ok(d.ana, c.Share, participant_id="p1")
    console = view_for(d.state, Role.FACILITATOR)
    assert isinstance(console, FacilitatorView)
    assert console.undo is not None
    assert (console.undo.by, console.undo.description) == (
        "Ana",
        "moved to the next speaker (Tom)",
    )
    phone = view_for(d.state, Role.PARTICIPANT, "p1")
    assert isinstance(phone, ParticipantView)
    assert "undo" not in phone.model_dump()
    d.ok(d.sam, c.UndoLast)
    undone = view_for(d.state, Role.FACILITATOR)
    assert isinstance(undone, FacilitatorView)
    assert undone.undo is None


def test_a_snapshot_keeps_no_agreed_question_inside_the_undo_point() -> None:
    d = Driver.weekly(3)
    d.go_to("Taking Time 1")
    d.ok(d.sam, c.ChooseTaker, participant_id="p1")
    d.ok(d.person(0), c.Share)
    d.ok(d.sam, c.SetAgreedQuestion, question="What helps when the fear comes back?")
    d.ok(d.sam, c.StartRound)
    assert d.state.undo_point is not None
    assert "fear" in d.state.undo_point.model_dump_json()
    assert "fear" not in str(state_for_storage(d.state))
    assert d.rebuilt() == d.state
