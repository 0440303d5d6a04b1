"""The heartbeat and the outage a restarted process finds, on SQLite and PostgreSQL (the rule:
docs/timekeeping.md, "When the server was away")."""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy

from app.realtime.hub import Committed, SessionHub
from app.realtime.registry import HubRegistry
from app.session import commands as cmd
from app.session import events as ev
from app.session.command_base import Actor, Role
from app.store.event_store import EventStore
from app.store.live_sessions import LiveSessions
from tests.support.hubs import new_hub, render

pytestmark = pytest.mark.anyio

START = 1_800_000_000.0


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def registry(engine: sqlalchemy.Engine, clock: Clock) -> HubRegistry:
    return HubRegistry(
        store=EventStore(engine),
        sessions=LiveSessions(engine),
        renderer=render,
        clock=clock,
        snapshot_every=1000,
    )


async def speaking(hubs: HubRegistry) -> tuple[SessionHub, Actor]:
    """A live round with Priya speaking."""
    hub = await new_hub(hubs)
    sam = Actor(role=Role.FACILITATOR, id=next(iter(hub.state.facilitators)))
    priya = Actor(role=Role.PARTICIPANT, id="priya")
    for kind, actor, fields in [
        (cmd.Join, priya, {"name": "Priya"}),
        (cmd.Admit, sam, {"participant_id": "priya"}),
        (cmd.StartSession, sam, {}),
        (cmd.AdvanceStage, sam, {}),
        (cmd.StartRound, sam, {}),
    ]:
        outcome = await hub.execute(kind(id=str(uuid.uuid4()), **fields), actor)
        assert isinstance(outcome, Committed)
    return hub, sam


def clocks(hub: SessionHub, now: float) -> tuple[float, float]:
    stage = hub.state.current_stage
    assert stage is not None
    turn = stage.active_turn
    assert turn is not None
    assert turn.timer is not None
    return stage.timer.elapsed(now), turn.timer.elapsed(now)


async def test_the_heartbeat_marks_live_sessions_only(migrated_engine: sqlalchemy.Engine) -> None:
    clock = Clock(START)
    hubs = registry(migrated_engine, clock)
    live, _ = await speaking(hubs)
    ready = await new_hub(hubs)
    sessions = LiveSessions(migrated_engine)
    assert sessions.alive_at(live.record.id) == START  # since it was created
    clock.now += 30
    await hubs.keep_alive()
    assert sessions.alive_at(live.record.id) == START + 30
    assert sessions.alive_at(ready.record.id) == START
    sessions.mark_alive([live.record.id], START + 10)  # a late heartbeat never goes back
    assert sessions.alive_at(live.record.id) == START + 30
    assert sessions.alive_at("no-such-session") is None


async def test_a_restarted_process_holds_every_clock_through_the_outage(
    migrated_engine: sqlalchemy.Engine,
) -> None:
    clock = Clock(START)
    first = registry(migrated_engine, clock)
    hub, _ = await speaking(first)
    clock.now += 40
    await first.keep_alive()
    used = clocks(hub, clock.now)
    went_away = clock.now
    clock.now += 1.5  # between heartbeats, the process is killed

    clock.now += 12  # the new process starts serving
    second = registry(migrated_engine, clock)
    clock.now += 4  # and a screen reconnects
    reloaded = await second.get(hub.record.id)

    assert reloaded is not None
    assert reloaded.state.version == hub.state.version + 1
    assert reloaded.state.outage is not None
    assert reloaded.state.outage.down_at == went_away
    assert reloaded.state.outage.back_at == second.serving_since
    assert clocks(reloaded, clock.now) == (used[0] + 4, used[1] + 4)
    stored = EventStore(migrated_engine).load(hub.record.id, after_version=hub.state.version)
    assert [e["type"] for commit in stored for e in commit.events] == [
        ev.ServerWasAway.model_fields["type"].default
    ]


async def test_a_commit_after_the_last_heartbeat_is_proof_of_life(
    migrated_engine: sqlalchemy.Engine,
) -> None:
    clock = Clock(START)
    first = registry(migrated_engine, clock)
    hub, sam = await speaking(first)
    clock.now += 0.8  # the newest commit, after the heartbeat written at creation
    await hub.execute(cmd.ExtendTime(id=str(uuid.uuid4()), seconds=60), sam)
    last_commit = clock.now
    clock.now += 20
    reloaded = await registry(migrated_engine, clock).get(hub.record.id)
    assert reloaded is not None
    assert reloaded.state.outage is not None
    assert reloaded.state.outage.down_at == last_commit


async def test_a_process_that_was_up_while_another_served_finds_no_outage(
    migrated_engine: sqlalchemy.Engine,
) -> None:
    clock = Clock(START)
    second = registry(migrated_engine, clock)  # up all along, serving other sessions
    clock.now += 60
    first = registry(migrated_engine, clock)
    hub, _ = await speaking(first)
    clock.now += 100
    await first.keep_alive()
    clock.now += 5  # the first process dies; its screens reconnect to the second
    taken_over = await second.get(hub.record.id)
    assert taken_over is not None
    assert taken_over.state == hub.state


async def test_a_gap_shorter_than_a_few_seconds_is_not_an_outage(
    migrated_engine: sqlalchemy.Engine,
) -> None:
    clock = Clock(START)
    first = registry(migrated_engine, clock)
    hub, _ = await speaking(first)
    clock.now += 2.5
    reloaded = await registry(migrated_engine, clock).get(hub.record.id)
    assert reloaded is not None
    assert reloaded.state.version == hub.state.version
    assert reloaded.state.outage is None


async def test_two_processes_back_after_the_same_outage_record_it_once(
    migrated_engine: sqlalchemy.Engine,
) -> None:
    clock = Clock(START)
    hub, _ = await speaking(registry(migrated_engine, clock))
    clock.now += 30
    one, other = registry(migrated_engine, clock), registry(migrated_engine, clock)
    first = await one.get(hub.record.id)
    second = await other.get(hub.record.id)
    assert first is not None
    assert second is not None
    assert first.state.version == second.state.version == hub.state.version + 1
