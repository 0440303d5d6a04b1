"""The hub against a real database (SQLite and PostgreSQL): commits, reloads, races, privacy."""

from __future__ import annotations

import itertools
import json
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy

from app.realtime.hub import Committed, SessionHub, load_state
from app.realtime.registry import HubRegistry
from app.realtime.viewers import Viewer
from app.session import commands as cmd
from app.session import evolve as evolve_module
from app.session.command_base import Actor, CommandBase, Role
from app.session.decisions import AlreadyDone, Rejected, RejectionCode
from app.store.event_store import EventStore
from app.store.live_sessions import LiveSessions
from tests.support.hubs import new_hub, render

pytestmark = pytest.mark.anyio


def fake_clock() -> Iterator[float]:
    return itertools.count(start=1_800_000_000.0, step=7.0)


def registry(engine: sqlalchemy.Engine, snapshot_every: int = 1000) -> HubRegistry:
    ticks = fake_clock()
    return HubRegistry(
        store=EventStore(engine),
        sessions=LiveSessions(engine),
        renderer=render,
        clock=lambda: next(ticks),
        snapshot_every=snapshot_every,
    )


def command(kind: type[CommandBase], **fields: Any) -> CommandBase:
    return kind(id=str(uuid.uuid4()), **fields)


async def session_with_round(hubs: HubRegistry, people: int = 4) -> tuple[SessionHub, Actor]:
    hub = await new_hub(hubs)
    sam = Actor(role=Role.FACILITATOR, id=next(iter(hub.state.facilitators)))
    for number in range(people):
        person = Actor(role=Role.PARTICIPANT, id=f"p{number}")
        assert isinstance(
            await hub.execute(command(cmd.Join, name=f"Peer {number}"), person), Committed
        )
        assert isinstance(
            await hub.execute(command(cmd.Admit, participant_id=person.id), sam), Committed
        )
    for kind in (cmd.StartSession, cmd.AdvanceStage, cmd.StartRound):
        assert isinstance(await hub.execute(command(kind), sam), Committed)
    return hub, sam


async def test_state_rebuilt_from_the_store_equals_the_live_state(
    migrated_engine: sqlalchemy.Engine,
) -> None:
    hubs = registry(migrated_engine, snapshot_every=5)
    hub, sam = await session_with_round(hubs)
    for _ in range(3):
        await hub.execute(command(cmd.Share), sam)
    assert hub.state.version > 10
    snapshot = EventStore(migrated_engine).latest_snapshot(hub.record.id)
    assert snapshot is not None
    assert snapshot[0] == hub.state.version - hub.state.version % 5
    assert load_state(EventStore(migrated_engine), hub.record.id) == hub.state
    fresh = await registry(migrated_engine).get(hub.record.id)
    assert fresh is not None
    assert fresh.state == hub.state


async def test_two_processes_on_one_database_never_both_win_a_version(
    migrated_engine: sqlalchemy.Engine,
) -> None:
    hub_one, sam = await session_with_round(registry(migrated_engine))
    other_process = await registry(migrated_engine).get(hub_one.record.id)
    assert other_process is not None
    seen = hub_one.state.version
    ana = Actor(role=Role.FACILITATOR, id=list(hub_one.state.facilitators)[1])
    first = await hub_one.execute(command(cmd.Share, expected_version=seen), sam)
    second = await other_process.execute(command(cmd.Share, expected_version=seen), ana)
    assert first == Committed(seen + 1)
    assert second == Rejected(
        RejectionCode.STALE, "Sam already moved to the next speaker (Peer 1)."
    )
    assert other_process.state == hub_one.state
    third = await other_process.execute(command(cmd.PauseTimer), ana)
    assert third == Committed(seen + 2)


async def test_a_duplicate_arriving_at_another_process_gets_the_original_version(
    migrated_engine: sqlalchemy.Engine,
) -> None:
    hub_one, sam = await session_with_round(registry(migrated_engine))
    other_process = await registry(migrated_engine).get(hub_one.record.id)
    assert other_process is not None
    share = command(cmd.Share)
    first = await hub_one.execute(share, sam)
    assert isinstance(first, Committed)
    assert await other_process.execute(share, sam) == AlreadyDone(first.version)


async def test_a_resend_the_state_no_longer_remembers_is_answered_by_the_database(
    migrated_engine: sqlalchemy.Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(evolve_module, "REMEMBERED_COMMANDS", 2)
    hub, sam = await session_with_round(registry(migrated_engine))
    pause = command(cmd.PauseTimer)
    first = await hub.execute(pause, sam)
    assert isinstance(first, Committed)
    for kind in (cmd.ResumeTimer, cmd.PauseTimer, cmd.ResumeTimer):
        assert isinstance(await hub.execute(command(kind), sam), Committed)
    assert pause.id not in hub.state.command_versions
    version = hub.state.version
    # Decided again (the clock runs, so a pause applies), refused by the database's record of
    # its commit, answered with its own version; nothing happens twice.
    assert await hub.execute(pause, sam) == AlreadyDone(first.version)
    assert hub.state.version == version


async def test_what_is_said_is_never_written_down(migrated_engine: sqlalchemy.Engine) -> None:
    hubs = registry(migrated_engine, snapshot_every=1)
    hub, sam = await session_with_round(hubs, people=3)
    for kind in (cmd.AdvanceStage, cmd.AdvanceStage):
        await hub.execute(command(kind), sam)
    await hub.execute(command(cmd.ChooseTaker, participant_id="p1"), sam)
    question = "What helped you when the grief was new?"
    assert isinstance(
        await hub.execute(command(cmd.SetAgreedQuestion, question=question), sam), Committed
    )
    assert hub.state.current_stage is not None
    assert hub.state.current_stage.taking_time is not None
    assert hub.state.current_stage.taking_time.agreed_question == question
    with migrated_engine.connect() as connection:
        for table in ("session_commits", "session_snapshots"):
            rows = connection.execute(sqlalchemy.text(f"SELECT * FROM {table}")).all()
            assert rows
            assert "grief was new" not in json.dumps([list(map(str, row)) for row in rows])


async def test_every_viewer_is_offered_the_newest_version(
    migrated_engine: sqlalchemy.Engine,
) -> None:
    hub, sam = await session_with_round(registry(migrated_engine))
    viewers = [Viewer(role=Role.ROOM, person_id="room", format="html") for _ in range(3)]
    for viewer in viewers:
        hub.attach(viewer)
    for _ in range(3):
        await hub.execute(command(cmd.Share), sam)
    for viewer in viewers:
        newest = f"<p id='room' lang='en'>{hub.record.join_code} room {hub.state.version}</p>"
        assert await viewer.outbox.take() == [newest]


async def test_revoking_links_closes_older_viewers_even_one_attaching_just_after(
    migrated_engine: sqlalchemy.Engine,
) -> None:
    hub, _sam = await session_with_round(registry(migrated_engine))
    before = Viewer(role=Role.ROOM, person_id="room", format="html", token_version=1)
    hub.attach(before)
    assert hub.revoke_links_before(2, "replaced") == 1
    assert before.outbox.closing == "replaced"
    # Authenticated with an old link a moment before the revocation, attached a moment after.
    late = Viewer(role=Role.ROOM, person_id="room", format="html", token_version=1)
    fresh = Viewer(role=Role.ROOM, person_id="room", format="html", token_version=2)
    hub.attach(late)
    hub.attach(fresh)
    assert late.outbox.closing == "replaced"
    assert fresh.outbox.closing is None


async def test_commands_are_counted_without_looking_up_a_metric_each_time(
    migrated_engine: sqlalchemy.Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`labels()` takes a lock and hashes its labels: the hot path uses children bound once."""
    from prometheus_client.metrics import MetricWrapperBase

    hubs = registry(migrated_engine)
    hub, sam = await session_with_round(hubs)
    looked_up: list[tuple[Any, ...]] = []
    labels = MetricWrapperBase.labels

    def counting(self: MetricWrapperBase, *values: str, **named: str) -> Any:
        looked_up.append((values, named))
        return labels(self, *values, **named)

    def accepted() -> float | None:
        return hubs.metrics.registry.get_sample_value(
            "peer_rounds_commands_total", {"outcome": "accepted", "code": ""}
        )

    before = accepted()
    monkeypatch.setattr(MetricWrapperBase, "labels", counting)
    for open_door in (False, True, False):
        outcome = await hub.execute(command(cmd.SetJoining, open=open_door), sam)
        assert isinstance(outcome, Committed)
    assert looked_up == []
    assert before is not None
    assert accepted() == before + 3
