"""decide() for the agenda: advancing, going to, skipping, inserting and moving stages,
their budgets, and what closing a stage does to a round still under way."""

from __future__ import annotations

import pytest

from app.agenda.stages import StageKind
from app.rounds.turns import TurnStatus
from app.session import commands as c
from app.session import events as ev
from app.session.decisions import RejectionCode
from app.session.state import StageStatus
from tests.support.engine import Driver


def titles(d: Driver) -> list[str]:
    return [s.title for s in d.state.stages]


def test_advancing_walks_the_agenda_to_its_last_item() -> None:
    d = Driver.weekly(1)
    seen = [d.stage().title]
    while d.stage().title != titles(d)[-1]:
        d.tick(60)
        d.ok(d.sam, c.AdvanceStage)
        seen.append(d.stage().title)
    assert seen == titles(d)
    refusal = d.refused(d.sam, c.AdvanceStage)
    assert refusal.code is RejectionCode.INVALID
    assert refusal.message == (
        "This is the last agenda item. End the session when the group is ready."
    )
    assert all(s.status is StageStatus.DONE for s in d.state.stages[:-1])


def test_a_stage_clock_runs_only_while_it_is_on() -> None:
    d = Driver.weekly(1)
    d.tick(100)
    d.ok(d.sam, c.AdvanceStage)
    welcome = d.stage_titled("Welcome")
    assert not welcome.timer.running
    assert welcome.timer.elapsed(d.now + 500) == 100
    assert d.stage().timer.running


def test_going_to_a_stage_closes_the_current_one() -> None:
    d = Driver.weekly(1)
    events = d.ok(d.sam, c.GoToStage, stage_id="s4")
    assert [type(e) for e in events] == [ev.StageClosed, ev.StageStarted]
    assert d.stage().title == "Taking Time 1"
    assert d.stage_titled("Welcome").status is StageStatus.DONE
    # The stages passed over are still to come, and going back is possible.
    assert d.stage_titled("Round of Good News").status is StageStatus.UPCOMING
    d.ok(d.sam, c.GoToStage, stage_id="s1")
    assert d.stage().title == "Welcome"


def test_go_to_refusals() -> None:
    d = Driver.weekly(1)
    assert d.refused(d.sam, c.GoToStage, stage_id="s1").message == "“Welcome” is already on."
    refusal = d.refused(d.sam, c.GoToStage, stage_id="s99")
    assert refusal.code is RejectionCode.NOT_FOUND
    assert refusal.message == "That agenda item is no longer there."


def test_skipping_a_stage_still_to_come() -> None:
    d = Driver.weekly(1)
    d.ok(d.sam, c.SkipStage, stage_id="s2")
    assert d.stage_titled("Round of Good News").status is StageStatus.SKIPPED
    assert d.stage().title == "Welcome"
    d.ok(d.sam, c.AdvanceStage)
    assert d.stage().title == "Who would like to Take Time today?"


def test_skipping_the_current_stage_moves_on() -> None:
    d = Driver.weekly(1)
    d.ok(d.sam, c.SkipStage, stage_id="s1")
    assert d.stage_titled("Welcome").status is StageStatus.SKIPPED
    assert d.stage().title == "Round of Good News"


def test_skipping_the_last_stage_leaves_nothing_on() -> None:
    d = Driver.weekly(1)
    d.go_to("Round of “Something")
    d.ok(d.sam, c.SkipStage, stage_id=d.stage().id)
    assert d.state.current_stage is None
    refusal = d.refused(d.sam, c.StartRound)
    assert refusal.message == "No agenda item is running just now."


def test_a_finished_stage_cannot_be_skipped_or_rebudgeted() -> None:
    d = Driver.weekly(1)
    d.ok(d.sam, c.AdvanceStage)
    assert d.refused(d.sam, c.SkipStage, stage_id="s1").message == "“Welcome” is already finished."
    assert d.refused(d.sam, c.SetStageBudget, stage_id="s1", minutes=3).message == (
        "“Welcome” has already finished."
    )


def test_inserting_a_stage_after_the_current_one() -> None:
    d = Driver.weekly(1)
    d.ok(d.sam, c.InsertStage, kind=StageKind.ACTIVITY, title="Grounding", minutes=4)
    assert titles(d)[:3] == ["Welcome", "Grounding", "Round of Good News"]
    inserted = d.stage_titled("Grounding")
    assert inserted.id == "s12"
    assert inserted.planned_s == 240
    d.ok(d.sam, c.AdvanceStage)
    assert d.stage().id == "s12"


def test_inserting_a_stage_after_a_chosen_one_or_at_the_end() -> None:
    d = Driver.weekly(1, start=False)
    d.ok(d.sam, c.InsertStage, kind=StageKind.FREE_DISCUSSION, title="Open chat", minutes=10)
    assert titles(d)[-1] == "Open chat"
    d.ok(
        d.sam,
        c.InsertStage,
        kind=StageKind.GUIDELINES,
        title="Our guidelines",
        minutes=5,
        after_stage_id="s1",
    )
    assert titles(d)[1] == "Our guidelines"
    assert [s.id for s in d.state.stages if s.title in {"Open chat", "Our guidelines"}] == [
        "s13",
        "s12",
    ]
    refusal = d.refused(
        d.sam, c.InsertStage, kind=StageKind.BREAK, title="Tea", minutes=5, after_stage_id="s99"
    )
    assert refusal.message == "That agenda item is no longer there."


def test_an_inserted_taking_time_works_like_the_others() -> None:
    d = Driver.weekly(2)
    d.ok(d.sam, c.InsertStage, kind=StageKind.TAKING_TIME, title="Guaranteed time", minutes=15)
    d.ok(d.sam, c.AdvanceStage)
    d.ok(d.sam, c.ChooseTaker, participant_id="p2")
    assert d.speaker() == "p2"


def test_moving_a_stage_still_to_come() -> None:
    d = Driver.weekly(1)
    d.ok(d.sam, c.MoveStage, stage_id="s6", to_index=2)
    assert titles(d)[:4] == [
        "Welcome",
        "Round of Good News",
        "Comfort and refreshment break",
        "Who would like to Take Time today?",
    ]
    d.ok(d.sam, c.MoveStage, stage_id="s2", to_index=99)  # past the end: to the end
    assert titles(d)[-1] == "Round of Good News"


def test_move_refusals() -> None:
    d = Driver.weekly(1)
    assert d.refused(d.sam, c.MoveStage, stage_id="s1", to_index=3).message == (
        "Only agenda items still to come can be moved."
    )
    assert d.refused(d.sam, c.MoveStage, stage_id="s3", to_index=2).message == (
        "“Who would like to Take Time today?” is already there."
    )


def test_setting_a_budget_and_extending_the_current_stage() -> None:
    d = Driver.weekly(1)
    d.ok(d.sam, c.SetStageBudget, stage_id="s2", minutes=12)
    assert d.stage_titled("Round of Good News").planned_s == 720
    assert d.stage_titled("Round of Good News").timer.budget_s == 720
    d.ok(d.sam, c.ExtendTime, seconds=120, target="stage")
    assert d.stage().timer.budget_s == 5 * 60 + 120
    assert d.stage().planned_s == 5 * 60  # the plan stays; the clock has more time
    assert d.refused(d.person(0), c.ExtendTime, seconds=60, target="stage").message == (
        "Only a facilitator can do that."
    )


def test_extending_the_stage_needs_a_stage_on() -> None:
    d = Driver.weekly(1)
    d.go_to("Round of “Something")
    d.ok(d.sam, c.SkipStage, stage_id=d.stage().id)
    refusal = d.refused(d.sam, c.ExtendTime, seconds=60, target="stage")
    assert refusal.message == "No agenda item is running just now."


@pytest.mark.parametrize("how", ["advance", "go to", "skip", "end"])
def test_closing_a_stage_mid_round_loses_nobody(how: str) -> None:
    d = Driver.weekly(4)
    d.go_to("Round of Good News")
    d.ok(d.sam, c.StartRound)
    d.ok(d.person(0), c.Share)
    d.ok(d.person(2), c.StepOut)
    stage_id = d.stage().id
    if how == "advance":
        d.ok(d.sam, c.AdvanceStage)
    elif how == "go to":
        d.ok(d.sam, c.GoToStage, stage_id="s10")
    elif how == "skip":
        d.ok(d.sam, c.SkipStage, stage_id=stage_id)
    else:
        d.ok(d.sam, c.EndSession)
    stage = d.state.stage(stage_id)
    assert stage is not None
    assert stage.round is not None
    assert stage.round.current is None
    assert {p: t.status for p, t in stage.round.turns.items()} == {
        "p1": TurnStatus.SHARED,
        "p2": TurnStatus.SHARED,  # Tom was speaking: what he said counts
        "p3": TurnStatus.SKIPPED,  # out of the room: skipped, never lost
        "p4": TurnStatus.SKIPPED,
    }
    assert d.speaker() is None
