"""evolve(), fold() and apply_commit(): the state is the fold of the log."""

from __future__ import annotations

from typing import get_args

import pytest

from app.session import commands as c
from app.session import events as ev
from app.session.event_base import EventBase
from app.session.evolve import apply_commit, evolve, fold
from app.session.evolve.rule import rule
from app.session.flow_steps import FlowStep
from app.session.state import FlowChange, SessionSettings, SessionState
from app.session.storage import state_for_storage
from tests.support.engine import Driver, rebuild


def a_whole_session() -> Driver:
    d = Driver.weekly(4)
    d.go_to("Round of Good News")
    d.ok(d.sam, c.StartRound)
    d.tick(40)
    d.ok(d.person(0), c.PassForNow)
    d.ok(d.person(1), c.StepOut)
    d.tick(20)
    d.ok(d.person(2), c.Share)
    d.ok(d.person(1), c.ComeBack)
    d.ok(d.person(3), c.Share)
    d.ok(d.person(1), c.Share)
    d.ok(d.person(0), c.Pass)
    d.go_to("Taking Time 1")
    d.ok(d.sam, c.ChooseTaker, participant_id="p3")
    d.tick(200)
    d.ok(d.ana, c.SetAgreedQuestion, question="What helped?")
    d.ok(d.sam, c.StartRound, order_policy="random")
    for _ in range(3):
        d.tick(60)
        d.ok(d.sam, c.Share)
    d.ok(d.person(2), c.Pass)
    d.ok(d.sam, c.EndSession)
    return d


def test_the_log_rebuilds_the_live_state() -> None:
    d = a_whole_session()
    assert d.rebuilt() == d.state
    assert SessionState.model_validate(d.state.model_dump(mode="json")) == d.state


def test_fold_gives_the_same_facts_as_the_commits() -> None:
    d = a_whole_session()
    events = [e for commit in d.commits for e in commit.events]
    folded = fold(SessionState(session_id=d.state.session_id), events)
    bookkeeping = {"version", "command_versions", "flow_change"}
    assert folded.model_dump(exclude=bookkeeping) == d.state.model_dump(exclude=bookkeeping)
    assert folded.version == 0


def test_the_stored_log_rebuilds_everything_but_the_agreed_question() -> None:
    d = a_whole_session()
    stored = [
        type(commit)(
            tuple(e.for_storage() for e in commit.events),
            commit.version,
            commit.command_id,
            commit.actor_id,
        )
        for commit in d.commits
    ]
    from_storage = rebuild(d.state.session_id, stored)
    taking = d.stage_titled("Taking Time 1").taking_time
    assert taking is not None
    assert taking.agreed_question == "What helped?"
    stored_stage = from_storage.stage(d.stage_titled("Taking Time 1").id)
    assert stored_stage is not None
    assert stored_stage.taking_time is not None
    assert stored_stage.taking_time.agreed_question is None
    assert from_storage.model_dump(exclude={"stages"}) == d.state.model_dump(exclude={"stages"})


def test_apply_commit_counts_versions_and_remembers_command_ids() -> None:
    state = SessionState(session_id="x")
    created = ev.SessionCreated(
        title="T",
        group_name="G",
        template_key="k",
        settings=SessionSettings(),
        facilitators=(),
        stages=(),
    )
    state = apply_commit(state, [created], version=1, command_id="a", actor_id="f1")
    joined = ev.ParticipantJoined(participant_id="p1", name="Priya")
    state = apply_commit(state, [joined], version=2, command_id="b", actor_id="p1")
    assert state.version == 2
    assert state.command_versions == {"a": 1, "b": 2}
    assert state.flow_change is None  # neither commit moved the flow
    started = ev.SessionStarted(at=5, planned_end=10)
    state = apply_commit(state, [started], version=3, command_id="c", actor_id="f1")
    assert state.flow_change == FlowChange(
        version=3,
        actor_id="f1",
        description="started the session",
        step=FlowStep.STARTED_SESSION,
        values={},
    )
    state = apply_commit(
        state, [ev.HandRaised(participant_id="p1")], version=4, command_id="d", actor_id="p1"
    )
    assert state.flow_change is not None
    assert state.flow_change.version == 3  # a raised hand is not flow


def test_a_snapshot_from_before_flow_steps_still_loads_and_still_refuses_a_stale_click() -> None:
    d = Driver.weekly(2)
    seen = d.state.version
    d.ok(d.sam, c.AdvanceStage)
    stored = state_for_storage(d.state)
    assert stored["flow_change"]["step"] == "moved_to_stage"
    for kept in (stored["flow_change"], stored["undo_point"]):
        del kept["step"], kept["values"]
    d.state = SessionState.model_validate(stored)
    refusal = d.refused(d.ana, c.AdvanceStage, expected_version=seen)
    assert refusal.message == "Sam already made a change."


def test_an_unknown_event_is_a_programming_error() -> None:
    class Unknown(EventBase):
        pass

    with pytest.raises(TypeError, match="no evolve rule for Unknown"):
        evolve(SessionState(session_id="x"), Unknown())


def test_every_event_has_a_rule_of_its_own() -> None:
    events = set(get_args(get_args(ev.Event)[0]))
    assert events <= set(rule.registry)
    assert len({rule.registry[event] for event in events}) == len(events)
