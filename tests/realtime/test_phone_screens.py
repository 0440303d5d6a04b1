"""Phones and consoles sent only what changed end up with exactly the page a fresh load shows,
whether they read every version or skip some (a slow reader)."""

from __future__ import annotations

import itertools
import uuid
from typing import Any

import pytest
import sqlalchemy

from app.realtime.hub import Committed, SessionHub
from app.realtime.registry import HubRegistry
from app.realtime.viewers import Viewer
from app.session import commands as cmd
from app.session.command_base import Actor, CommandBase, Role
from app.session.views import facilitator_view, participant_view
from app.store.event_store import EventStore
from app.store.live_sessions import LiveSessions
from tests.realtime.test_console_panels import console_renderer
from tests.support.hubs import new_hub
from tests.support.screens import Screen, top_level

pytestmark = pytest.mark.anyio

RENDERER = console_renderer()
PEOPLE = [Actor(role=Role.PARTICIPANT, id=f"p{number}") for number in range(3)]


def registry(engine: sqlalchemy.Engine) -> HubRegistry:
    ticks = itertools.count(start=1_800_000_000.0, step=7.0)
    return HubRegistry(
        store=EventStore(engine),
        sessions=LiveSessions(engine),
        renderer=RENDERER,
        clock=lambda: next(ticks),
        snapshot_every=1000,
    )


async def run(hub: SessionHub, actor: Actor, kind: type[CommandBase], **fields: Any) -> None:
    assert isinstance(await hub.execute(kind(id=str(uuid.uuid4()), **fields), actor), Committed)


def fresh_load(hub: SessionHub, person: str) -> str:
    return RENDERER(participant_view(hub.state, person), hub.record, "en")


def whole_console(hub: SessionHub) -> str:
    """The last version's console whole, at the moment it was published (its schedule block
    reads the time)."""
    frames = hub._last_frames
    assert frames is not None
    return RENDERER(facilitator_view(hub.state, now=frames._now), hub.record, "en")


async def test_a_phone_that_skips_versions_still_ends_up_with_the_whole_page(
    migrated_engine: sqlalchemy.Engine,
) -> None:
    hub = await new_hub(registry(migrated_engine))
    sam = Actor(role=Role.FACILITATOR, id=next(iter(hub.state.facilitators)))
    for person in PEOPLE:
        await run(hub, person, cmd.Join, name=f"Peer {person.id}")
        await run(hub, sam, cmd.Admit, participant_id=person.id)
    await run(hub, sam, cmd.StartSession)
    fast, slow = (Viewer(role=Role.PARTICIPANT, person_id=p.id, format="html") for p in PEOPLE[:2])
    console = Viewer(role=Role.FACILITATOR, person_id="", format="html")
    screens: dict[Viewer, Screen] = {}
    for viewer in (fast, slow, console):
        hub.attach(viewer)
        [first] = await viewer.outbox.take()
        screens[viewer] = Screen(first)
    changes: list[tuple[Actor, type[CommandBase]]] = [
        (sam, cmd.AdvanceStage),
        (sam, cmd.StartRound),
        (PEOPLE[1], cmd.RaiseHand),
        (PEOPLE[0], cmd.Pass),
        (PEOPLE[2], cmd.StepOut),
        (PEOPLE[1], cmd.RequestSupport),
        (sam, cmd.PauseSession),
        (PEOPLE[1], cmd.Share),
    ]
    fast_messages: list[str] = []
    console_messages: list[str] = []
    for step, (actor, kind) in enumerate(changes):
        await run(hub, actor, kind)
        [message] = await fast.outbox.take()
        fast_messages.append(message)
        screens[fast].swap_in(message)
        [message] = await console.outbox.take()
        console_messages.append(message)
        screens[console].swap_in(message)
        if step % 3 == 2:
            for message in await slow.outbox.take():
                screens[slow].swap_in(message)
    for message in await slow.outbox.take():
        screens[slow].swap_in(message)
    assert screens[fast].html == fresh_load(hub, fast.person_id)
    assert screens[slow].html == fresh_load(hub, slow.person_id)
    assert screens[console].html == whole_console(hub)
    # The fast readers were sent changes only: never the whole page after their first.
    assert all(len(top_level(m)) < len(screens[fast].elements) for m in fast_messages)
    assert all(len(m) < len(screens[console].html) / 2 for m in console_messages[2:])
