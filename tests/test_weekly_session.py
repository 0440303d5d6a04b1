"""The whole Peer Support Plus weekly session, run over real websockets on a real server.

Two co-facilitators and eight participants (one arriving late) go through every stage of the
seed's weekly structure: shares, passes, a pass-for-now asked again at the end, someone stepping
out during their turn and coming back, two people Taking Time (with and without a Round of
Sharing), skipped stages, an inserted stage, a duplicate command and a stale click.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.live_server import (
    Client,
    LiveServer,
    create_session,
    join,
    new_command_id,
    running_server,
)

pytestmark = pytest.mark.anyio

NAMES = ("Priya", "Tom", "Mere", "Lee", "Jo", "Alex", "Kim")
LATE = "Rawiri"


@pytest.fixture(
    params=[
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgresql", id="postgresql", marks=pytest.mark.services),
    ]
)
def server(
    request: pytest.FixtureRequest, server: LiveServer, tmp_path: Path
) -> Iterator[LiveServer]:
    """The run's shared server on SQLite, and one on PostgreSQL: the same session must run on
    both."""
    if request.param == "sqlite":
        yield server
        return
    with running_server(tmp_path, request.getfixturevalue("empty_postgres_url")) as live:
        yield live


class Group:
    def __init__(self, server: LiveServer, created: Any) -> None:
        self.server = server
        self.created = created
        self.session_id: str = created["session_id"]
        self.people: dict[str, Client] = {}
        self.ids: dict[str, str] = {}
        self.sam: Client
        self.ana: Client
        self.room: Client
        self.latest = 0

    async def connect_facilitators(self) -> None:
        tokens = [link["token"] for link in self.created["facilitators"]]
        self.sam = await Client.open(self.server, self.session_id, "facilitator", tokens[0])
        self.ana = await Client.open(self.server, self.session_id, "facilitator", tokens[1])
        self.room = await Client.open(
            self.server, self.session_id, "room", self.created["room"]["token"]
        )

    async def arrive(self, name: str) -> None:
        joined = join(self.server, self.session_id, name)
        self.ids[name] = joined["participant_id"]
        view = await self.sam.until(lambda v: any(p["name"] == name for p in v["waiting_room"]))
        assert view["waiting_room"]
        await self.ok(self.sam, "admit", participant_id=joined["participant_id"])
        self.people[name] = await Client.open(
            self.server, self.session_id, "participant", joined["token"]
        )

    async def ok(self, client: Client, command: str, **fields: Any) -> int:
        reply = await client.send_command(command, **fields)
        assert reply["type"] == "ack", reply
        version: int = reply["version"]
        self.latest = max(self.latest, version)
        return version

    async def now(self) -> dict[str, Any]:
        """Sam's view once it includes every change acknowledged so far."""
        return await self.sam.until(lambda v: v["version"] >= self.latest)

    async def speaker(self) -> str | None:
        speaker = (await self.now())["speaker"]
        return None if speaker is None else str(speaker["name"])

    async def turn_of(self, name: str) -> Client:
        """Wait until `name` sees on their own phone that it is their turn."""
        client = self.people[name]
        await client.until(lambda v: v["you"]["is_speaking"])
        return client

    async def stage_title(self) -> str:
        return str((await self.now())["current_stage"]["title"])

    async def everyone_at(self, version: int) -> None:
        for client in [self.sam, self.ana, self.room, *self.people.values()]:
            await client.until(lambda v: v["version"] >= version)


async def test_a_whole_weekly_session(server: LiveServer) -> None:
    group = Group(server, create_session(server, ("Sam", "Ana")))
    await group.connect_facilitators()
    for name in NAMES:
        await group.arrive(name)

    await group.ok(group.sam, "start_session")
    assert await group.stage_title() == "Welcome"

    # Round of Good News: starting with Tom, going round to his left.
    await group.ok(group.ana, "advance_stage")
    assert await group.stage_title() == "Round of Good News"
    await group.ok(group.sam, "start_round", order_policy="left_of", start_with=group.ids["Tom"])
    await group.ok(await group.turn_of("Tom"), "share")
    await group.ok(await group.turn_of("Mere"), "pass")
    await group.ok(await group.turn_of("Lee"), "pass_for_now")
    jo = await group.turn_of("Jo")
    await group.ok(jo, "step_out")  # it is OK to leave: Jo's turn waits for Jo
    alex = await group.turn_of("Alex")
    await group.arrive(LATE)  # a late arrival joins the round at its end
    duplicate = new_command_id()
    first = await alex.send_command("share", id=duplicate)
    again = await alex.send_command("share", id=duplicate)
    assert again == {**first, "duplicate": True}
    await group.ok(await group.turn_of("Kim"), "share")
    await group.ok(group.sam, "share")  # Priya finishes; Sam moves on from the console
    await group.ok(await group.turn_of(LATE), "share")
    assert await group.speaker() == "Lee"  # asked again at the end of the round
    await group.ok(await group.turn_of("Lee"), "share")
    view = await group.sam.until(lambda v: v["round"]["waiting_for_return"] != [])
    assert [p["name"] for p in view["round"]["waiting_for_return"]] == ["Jo"]
    await group.ok(jo, "come_back")
    await group.ok(await group.turn_of("Jo"), "pass")
    view = await group.sam.until(lambda v: v["round"]["complete"])
    statuses = {p["name"]: p["turn_status"] for p in view["participants"]}
    assert statuses == {
        "Priya": "shared",
        "Tom": "shared",
        "Mere": "passed",
        "Lee": "shared",
        "Jo": "passed",
        "Alex": "shared",
        "Kim": "shared",
        LATE: "shared",
    }

    # Who would like to Take Time today? Mere and Kim offer; the facilitators plan both.
    await group.ok(group.sam, "advance_stage")
    assert await group.stage_title() == "Who would like to Take Time today?"
    await group.ok(group.people["Mere"], "offer_to_take_time")
    await group.ok(group.people["Kim"], "offer_to_take_time")
    view = await group.sam.until(
        lambda v: sum(p["offered_to_take_time"] for p in v["participants"]) == 2
    )
    taking_time = [s["id"] for s in view["stages"] if s["kind"] == "taking_time"]
    await group.ok(
        group.sam, "choose_taker", participant_id=group.ids["Mere"], stage_id=taking_time[0]
    )
    await group.ok(
        group.ana, "choose_taker", participant_id=group.ids["Kim"], stage_id=taking_time[1]
    )

    # Taking Time 1: Mere speaks, a question is agreed, a Round of Sharing, then her reflection.
    await group.ok(group.sam, "advance_stage")
    mere = await group.turn_of("Mere")
    await group.ok(mere, "share")
    await group.ok(group.ana, "set_agreed_question", question="What helped when you felt unheard?")
    await group.ok(group.ana, "start_round")
    sharing = await group.people["Tom"].until(
        lambda v: (v["taking_time"] or {}).get("phase") == "sharing_round"
    )
    assert sharing["taking_time"]["agreed_question"] == "What helped when you felt unheard?"
    for name in ("Priya", "Tom", "Lee", "Jo", "Alex", "Kim", LATE):
        speaker = await group.turn_of(name)
        await group.ok(speaker, "pass" if name == "Alex" else "share")
    mere_view = await mere.until(
        lambda v: (v["taking_time"] or {}).get("phase") == "taker_reflection"
    )
    assert mere_view["you"]["is_speaking"] is True
    await group.ok(mere, "pass")  # the reflection may be a pass
    await group.sam.until(lambda v: (v["taking_time"] or {}).get("phase") == "complete")

    # Taking Time 2: Kim does not want a Round of Sharing; straight to her reflection.
    await group.ok(group.sam, "advance_stage")
    kim = await group.turn_of("Kim")
    await group.ok(kim, "share")
    await group.ok(group.sam, "invite_reflection")
    await group.ok(await group.turn_of("Kim"), "share")

    # Break, then nobody else would like to Take Time: the facilitators skip both slots.
    await group.ok(group.ana, "advance_stage")
    assert await group.stage_title() == "Comfort and refreshment break"
    await group.ok(group.ana, "advance_stage")
    assert await group.stage_title() == "Would anyone else like to Take Time today?"
    await group.ok(group.sam, "advance_stage")
    view = await group.sam.until(lambda v: v["current_stage"]["title"] == "Taking Time 3")
    await group.ok(group.sam, "skip_stage", stage_id=view["current_stage"]["id"])
    view = await group.sam.until(lambda v: v["current_stage"]["title"] == "Taking Time 4")
    await group.ok(group.sam, "skip_stage", stage_id=view["current_stage"]["id"])
    assert await group.stage_title() == "Summary of housekeeping actions"

    # Ana and Sam both click "next stage" having seen the same moment: one move, one kind no.
    seen = (await group.now())["version"]
    await group.ana.until(lambda v: v["version"] == seen)
    await group.ok(group.sam, "advance_stage", expected_version=seen)
    stale = await group.ana.send_command("advance_stage", expected_version=seen)
    assert stale["code"] == "stale"
    assert stale["message"] == "Sam already moved to “Round of ‘Something I am taking away’”."

    await group.ok(group.sam, "start_round", order_policy="random")
    for _ in range(len(NAMES) + 1):
        current = await group.speaker()
        assert current is not None
        await group.ok(await group.turn_of(current), "share")
    version = await group.ok(group.sam, "end_session")
    await group.everyone_at(version)

    final = await group.room.until(lambda v: v["status"] == "ended")
    assert "participants" not in final
    for client in [group.sam, group.ana, group.room, *group.people.values()]:
        seen_versions = client.versions_seen
        assert seen_versions == sorted(set(seen_versions)), "versions went backwards or repeated"
