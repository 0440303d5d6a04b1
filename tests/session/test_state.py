"""The session state: its helpers, and that it is plain data (JSON in, JSON out)."""

from __future__ import annotations

from app.rounds.turns import TurnStatus
from app.session import commands as c
from app.session.state import Presence, SessionState, TakingTimePhase
from tests.support.engine import Driver


def test_seating_is_everyone_admitted_and_not_gone_in_join_order() -> None:
    d = Driver.weekly(4)
    d.join(4)
    d.ok(d.person(1), c.StepOut)
    d.ok(d.person(2), c.Leave)
    assert d.state.seating == ("p1", "p2", "p4")
    assert d.state.is_present("p1")
    assert not d.state.is_present("p2")
    assert not d.state.is_present("p5")
    assert not d.state.is_present("nobody")
    assert d.state.participants["p5"].presence is Presence.WAITING_ROOM


def test_names() -> None:
    d = Driver.weekly(1)
    assert d.state.name_of("f2") == "Ana"
    assert d.state.name_of("p1") == "Priya"
    assert d.state.name_of("p-unknown") == "Someone"


def test_the_active_turn_follows_taking_time() -> None:
    d = Driver.weekly(3)
    d.go_to("Taking Time 1")
    assert d.stage().active_turn is None  # choosing
    d.ok(d.sam, c.ChooseTaker, participant_id="p1")
    taking = d.stage().taking_time
    assert taking is not None
    assert d.stage().active_turn == taking.taker_turn
    d.ok(d.person(0), c.Share)
    assert d.stage().active_turn is None  # agreeing the question
    d.ok(d.sam, c.StartRound)
    assert d.stage().active_turn == d.round().current_turn
    d.ok(d.sam, c.Share)
    d.ok(d.sam, c.Share)
    taking = d.stage().taking_time
    assert taking is not None
    assert taking.phase is TakingTimePhase.TAKER_REFLECTION
    assert d.stage().active_turn == taking.reflection_turn
    d.ok(d.sam, c.Share)
    assert d.stage().active_turn is None  # complete


def test_stage_lookup() -> None:
    d = Driver.weekly(0)
    assert d.state.stage("s3") is not None
    assert d.state.stage("s99") is None
    assert d.state.stage_index("s3") == 2
    assert d.state.current_stage is not None
    assert d.state.current_stage.id == "s1"


def test_a_busy_state_survives_json() -> None:
    d = Driver.weekly(3)
    d.go_to("Round of Good News")
    d.ok(d.sam, c.StartRound)
    d.tick(12.5)
    d.ok(d.person(0), c.PassForNow)
    d.ok(d.person(1), c.PauseTimer)
    d.ok(d.person(2), c.StepOut)
    assert d.status(0) is TurnStatus.PASSED_FOR_NOW
    dumped = d.state.model_dump(mode="json")
    assert SessionState.model_validate(dumped) == d.state
    assert SessionState.model_validate_json(d.state.model_dump_json()) == d.state
