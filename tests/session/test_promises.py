"""Housekeeping promises of Taking Time in the engine (docs/timekeeping.md, "Housekeeping
promises"): kept only when the promised person is given the taker's turn, or released by a
facilitator; nothing else uses a promise up, and undo owes it again."""

from __future__ import annotations

from typing import Any

from app.agenda.carry_over import ActionKind, CarriedAction
from app.session import commands as c
from app.session import events as ev
from app.session.decisions import RejectionCode
from app.session.state import PromiseOutcome, StageStatus
from app.session.views import facilitator_view
from tests.support.engine import Driver

PRIYA_TIME = CarriedAction(
    kind=ActionKind.GUARANTEED_TIME,
    detail="Time first next week",
    peer_name="Priya",
    action_id="a-priya",
)
HANDOUT = CarriedAction(kind=ActionKind.HANDOUT, detail="The grounding handout", action_id="a-h")


def promised_week(participants: int = 3, **plan: Any) -> Driver:
    """The weekly session, with Priya (p1) promised a chance to Take Time."""
    return Driver.weekly(participants, carried_over=(PRIYA_TIME, HANDOUT), for_group=True, **plan)


def test_starting_the_session_does_not_use_the_promise_up() -> None:
    d = promised_week()
    assert d.state.open_promises == [PRIYA_TIME]
    assert d.state.promises == {}


def test_going_past_the_taking_time_items_with_go_to_leaves_the_promise_owed() -> None:
    d = promised_week()
    d.go_to("Comfort and refreshment break")
    d.go_to("Round of “Something")
    d.ok(d.sam, c.EndSession)
    assert d.stage_titled("Taking Time 1").status is StageStatus.UPCOMING  # gone past
    assert d.state.open_promises == [PRIYA_TIME]
    assert d.rebuilt().promises == {}


def test_the_promise_is_kept_when_priya_is_given_the_takers_turn() -> None:
    d = promised_week()
    d.go_to("Taking Time 1")
    events = d.ok(d.sam, c.ChooseTaker, participant_id="p1")
    assert ev.PromiseKept(promise="a-priya", stage_id=d.stage().id) in events
    assert d.state.promises == {"a-priya": PromiseOutcome.KEPT}
    assert d.state.open_promises == []
    assert d.rebuilt() == d.state


def test_someone_else_taking_time_keeps_nobodys_promise() -> None:
    d = promised_week()
    d.go_to("Taking Time 1")
    events = d.ok(d.sam, c.ChooseTaker, participant_id="p2")
    assert not any(isinstance(e, ev.PromiseKept) for e in events)
    assert d.state.open_promises == [PRIYA_TIME]


def test_planning_priya_is_not_keeping_the_promise_and_undo_owes_it_again() -> None:
    d = promised_week()
    d.go_to("Who would like to Take Time")
    taking_time_1 = d.stage_titled("Taking Time 1").id
    d.ok(d.sam, c.ChooseTaker, participant_id="p1", stage_id=taking_time_1)
    assert d.state.open_promises == [PRIYA_TIME]

    d.ok(d.sam, c.AdvanceStage)  # Taking Time 1 begins with Priya's turn
    assert d.speaker() == "p1"
    assert d.state.promises == {"a-priya": PromiseOutcome.KEPT}

    d.ok(d.sam, c.UndoLast)
    assert d.speaker() is None
    assert d.state.open_promises == [PRIYA_TIME]
    assert d.rebuilt() == d.state


def test_a_promise_made_to_priya_is_kept_when_she_comes_back_into_the_room() -> None:
    d = promised_week()
    d.go_to("Taking Time 1")
    d.ok(d.person(0), c.StepOut)
    d.ok(d.sam, c.ChooseTaker, participant_id="p1")
    assert d.state.open_promises == [PRIYA_TIME]
    d.ok(d.person(0), c.ComeBack)
    assert d.speaker() == "p1"
    assert d.state.promises == {"a-priya": PromiseOutcome.KEPT}


def test_a_facilitator_releases_the_promise_and_can_undo_it() -> None:
    d = promised_week()
    d.go_to("Round of Good News")
    events = d.ok(d.ana, c.ReleasePromise, promise="a-priya")
    assert events == (ev.PromiseReleased(promise="a-priya"),)
    assert d.state.promises == {"a-priya": PromiseOutcome.RELEASED}
    assert d.state.flow_change is not None
    assert d.state.flow_change.description == "released the promise of Taking Time to Priya"
    again = d.refused(d.sam, c.ReleasePromise, promise="a-priya")
    assert again.code is RejectionCode.NOTHING_TO_DO

    d.ok(d.sam, c.UndoLast)
    assert d.state.open_promises == [PRIYA_TIME]
    assert d.stage().title == "Round of Good News"
    assert d.rebuilt() == d.state


def test_only_a_promise_of_this_session_can_be_released_and_not_once_kept() -> None:
    ready = promised_week(start=False)
    # Not before the start: "Undo" could not take it back then.
    assert ready.refused(ready.sam, c.ReleasePromise, promise="a-priya").code is (
        RejectionCode.NOT_STARTED
    )
    d = promised_week()
    assert d.refused(d.sam, c.ReleasePromise, promise="a-h").code is RejectionCode.NOT_FOUND
    assert d.refused(d.sam, c.ReleasePromise, promise="else").code is RejectionCode.NOT_FOUND
    d.go_to("Taking Time 1")
    d.ok(d.sam, c.ChooseTaker, participant_id="p1")
    kept = d.refused(d.sam, c.ReleasePromise, promise="a-priya")
    assert kept.code is RejectionCode.NOTHING_TO_DO
    assert kept.message == "Priya has already been given their time to Take Time today."
    assert d.refused(d.person(1), c.ReleasePromise, promise="a-priya").code is (
        RejectionCode.NOT_ALLOWED
    )


def test_the_console_lists_the_promise_with_apologies_and_preselects_priya() -> None:
    d = promised_week(apologies=("Priya",))
    view = facilitator_view(d.state)
    [row] = view.promises
    assert (row.key, row.peer_name, row.outcome, row.apologised, row.in_session) == (
        "a-priya",
        "Priya",
        None,
        True,
        True,
    )
    assert [p.id for p in view.promised_takers] == ["p1"]

    d.go_to("Taking Time 1")
    d.ok(d.sam, c.ChooseTaker, participant_id="p1")
    view = facilitator_view(d.state)
    assert view.promises[0].outcome is PromiseOutcome.KEPT
    assert view.promised_takers == []


def test_nobody_is_preselected_when_the_promised_person_is_not_here() -> None:
    d = Driver.weekly(2, carried_over=(PRIYA_TIME.model_copy(update={"peer_name": "Wen"}),))
    view = facilitator_view(d.state)
    assert view.promised_takers == []
    assert view.promises[0].in_session is False
