"""`kill -9` of one of two processes mid-round: its screens move on, nothing is lost."""

from __future__ import annotations

import asyncio
import json

import pytest

from tests.support.live_server import LiveServer, new_command_id, timeless
from tests.support.processes import Screen, close_all, session_in_a_round

pytestmark = pytest.mark.anyio


async def test_a_process_killed_mid_round_loses_nothing(servers: list[LiveServer]) -> None:
    one, two = servers
    session = session_in_a_round(one, ("Priya", "Tom", "Mere", "Lee"))
    sam = await Screen.open(one, "facilitator", session.id, session.facilitator_token(0))
    ana = await Screen.open(two, "facilitator", session.id, session.facilitator_token(1))
    room_one = await Screen.open(one, "room", session.id, session.room_token)
    room_two = await Screen.open(two, "room", session.id, session.room_token)
    tom = await Screen.open(one, "participant", session.id, session.token_of("Tom"))
    mere = await Screen.open(two, "participant", session.id, session.token_of("Mere"))
    screens = [sam, ana, room_one, room_two, tom, mere]
    on_the_killed_process = [sam, room_one, tom]
    try:
        assert (await sam.client.send_command("share"))["type"] == "ack"
        assert (await ana.client.send_command("share"))["type"] == "ack"
        budget = sam.view["current_stage"]["timer"]["budget_s"]
        # Sent, and the process dies before anyone can know whether it was committed.
        extend = {"seconds": 60, "target": "stage"}
        in_flight = new_command_id()
        await sam.client.connection.send(
            json.dumps(
                {"type": "command", "command": {"type": "extend_time", "id": in_flight, **extend}}
            )
        )
        one.kill()
        one.launch()  # boots while the screens carry on with the other process

        for screen in on_the_killed_process:
            await screen.connect(two)
        # Resending with the same id is always safe: the command takes effect exactly once.
        retried = await sam.client.send_command("extend_time", id=in_flight, **extend)
        assert retried["type"] == "ack"
        assert (await tom.client.send_command("raise_hand"))["type"] == "ack"
        assert (await ana.client.send_command("share"))["type"] == "ack"

        await asyncio.to_thread(one.wait_until_serving)
        for screen in (room_one, tom):
            await screen.connect(one)
        final = (await tom.client.send_command("lower_hand"))["version"]

        for screen in screens:
            await screen.reach(final)
            screen.assert_in_order(final)
        assert timeless(sam.view) == timeless(ana.view)
        assert room_one.view == room_two.view
        assert sam.view["current_stage"]["timer"]["budget_s"] == budget + 60
        assert sam.view["round"]["done"] == 3
    finally:
        await close_all(screens)
