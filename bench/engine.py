"""Time per command (decide + evolve + commit) and the reload time of a long session.

Run: .venv/bin/python bench/engine.py [--postgres postgresql+psycopg://postgres@127.0.0.1/test]
The machine is shared and noisy, so every timing is also given as a ratio to a baseline measured
in the same run: one bare INSERT of a commit-sized row through the same database engine.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
import uuid
from pathlib import Path

import sqlalchemy

from app.realtime.hub import SessionHub, load_state
from app.realtime.registry import HubRegistry
from app.session import commands as cmd
from app.session.command_base import Actor, CommandBase, Role
from app.session.decide import decide
from app.session.decisions import Accepted
from app.session.evolve import apply_commit
from app.store.database import create_database_engine, migrate
from app.store.event_store import EventStore
from app.store.live_sessions import LiveSessions
from tests.support.frames import render

COMMANDS = 2000


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def baseline_insert(engine: sqlalchemy.Engine, count: int) -> list[float]:
    table = sqlalchemy.Table(
        "bench_baseline",
        sqlalchemy.MetaData(),
        sqlalchemy.Column("id", sqlalchemy.Integer, primary_key=True),
        sqlalchemy.Column("payload", sqlalchemy.Text),
    )
    table.create(engine, checkfirst=True)
    payload = '[{"type":"turn_ended","stage_id":"s2","participant_id":"p1"}]' * 3
    timings = []
    for number in range(count):
        start = time.perf_counter()
        with engine.begin() as connection:
            connection.execute(table.insert().values(id=number, payload=payload))
        timings.append(time.perf_counter() - start)
    table.drop(engine)
    return timings


def next_command(hub: SessionHub, number: int) -> CommandBase:
    stage = hub.state.current_stage
    command_id = str(uuid.uuid4())
    if stage is not None and stage.round is not None and stage.round.current is not None:
        kinds: list[CommandBase] = [
            cmd.PauseTimer(id=command_id),
            cmd.ResumeTimer(id=command_id),
            cmd.ExtendTime(id=command_id, seconds=30),
            cmd.Share(id=command_id),
        ]
        return kinds[number % 4]
    return cmd.Pass(id=command_id)


async def run(url: str, label: str) -> None:
    engine = create_database_engine(url)
    migrate(engine)
    baseline = baseline_insert(engine, 300)
    clock = time.time
    hubs = HubRegistry(
        store=EventStore(engine),
        sessions=LiveSessions(engine),
        renderer=render,
        clock=clock,
        snapshot_every=50,
    )
    hub = await hubs.create(
        title="Bench",
        group_name="Bench",
        template_key="peer-support-plus-weekly",
        facilitator_names=["Sam"],
    )
    sam = Actor(role=Role.FACILITATOR, id=next(iter(hub.state.facilitators)))
    for number in range(8):
        person = Actor(role=Role.PARTICIPANT, id=f"p{number}")
        await hub.execute(cmd.Join(id=str(uuid.uuid4()), name=f"Peer {number}"), person)
        await hub.execute(cmd.Admit(id=str(uuid.uuid4()), participant_id=person.id), sam)
    await hub.execute(cmd.StartSession(id=str(uuid.uuid4())), sam)
    await hub.execute(cmd.AdvanceStage(id=str(uuid.uuid4())), sam)
    executes: list[float] = []
    pure: list[float] = []
    number = 0
    while hub.state.version < COMMANDS:
        stage = hub.state.current_stage
        assert stage is not None
        if stage.round is None or stage.round.complete:
            for kind in (cmd.StartRound,) if stage.round is None else (cmd.InsertStage,):
                extra = (
                    {}
                    if kind is cmd.StartRound
                    else {"kind": "round", "title": "More", "minutes": 5}
                )
                await hub.execute(kind(id=str(uuid.uuid4()), **extra), sam)  # type: ignore[arg-type]
            if stage.round is not None:
                await hub.execute(cmd.AdvanceStage(id=str(uuid.uuid4())), sam)
            continue
        command = next_command(hub, number)
        number += 1
        start = time.perf_counter()
        decision = decide(hub.state, command, sam, clock())
        if isinstance(decision, Accepted):
            apply_commit(
                hub.state,
                decision.events,
                version=hub.state.version + 1,
                command_id=command.id,
                actor_id=sam.id,
            )
        pure.append(time.perf_counter() - start)
        start = time.perf_counter()
        await hub.execute(command, sam)
        executes.append(time.perf_counter() - start)
    store = EventStore(engine)
    start = time.perf_counter()
    with_snapshot = load_state(store, hub.record.id)
    reload_with_snapshot = time.perf_counter() - start
    assert with_snapshot == hub.state
    with engine.begin() as connection:
        connection.execute(sqlalchemy.text("DELETE FROM session_snapshots"))
    start = time.perf_counter()
    assert load_state(store, hub.record.id) == hub.state
    reload_full = time.perf_counter() - start
    base = statistics.median(baseline)
    print(f"\n{label}: {hub.state.version} commits; baseline = one bare INSERT (median)")
    for name, samples in (
        ("decide+evolve (pure)", pure),
        ("execute (decide+evolve+commit)", executes),
    ):
        p50, p99 = percentile(samples, 0.5), percentile(samples, 0.99)
        print(
            f"  {name:32} p50 {p50 * 1e3:7.2f} ms ({p50 / base:5.2f}x)"
            f"   p99 {p99 * 1e3:7.2f} ms ({p99 / base:5.2f}x)"
        )
    for name, seconds in (
        ("newest snapshot + tail", reload_with_snapshot),
        ("no snapshot (full fold)", reload_full),
    ):
        print(
            f"  reload of {hub.state.version} commits, {name:24} {seconds * 1e3:7.1f} ms"
            f" ({seconds / base:6.1f}x)"
        )
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--postgres", help="a PostgreSQL URL to a scratch database")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        asyncio.run(run(f"sqlite:///{Path(folder) / 'bench.db'}", "SQLite (WAL)"))
    if args.postgres:
        asyncio.run(run(args.postgres, "PostgreSQL"))


if __name__ == "__main__":
    main()
