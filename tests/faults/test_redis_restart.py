"""Redis goes away and comes back: commands never wait for it, and every screen converges."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest

from tests.faults.conftest import CATCH_UP_INTERVAL_S
from tests.support.live_server import LiveServer, timeless
from tests.support.processes import (
    PrivateRedis,
    Screen,
    close_all,
    session_in_a_round,
    times_logged,
    until_logged,
)

pytestmark = pytest.mark.anyio

# Well under the periodic check's interval: only Redis delivers this fast.
PUBSUB_WAIT_S = 0.5


async def test_processes_converge_when_redis_restarts(
    servers: list[LiveServer], redis_server: PrivateRedis
) -> None:
    one, two = servers
    session = session_in_a_round(one, ("Priya", "Tom", "Mere"))
    sam = await Screen.open(one, "facilitator", session.id, session.facilitator_token(0))
    ana = await Screen.open(two, "facilitator", session.id, session.facilitator_token(1))
    room_one = await Screen.open(one, "room", session.id, session.room_token)
    room_two = await Screen.open(two, "room", session.id, session.room_token)
    screens = [sam, ana, room_one, room_two]
    recoveries = {
        (server, event): times_logged(server, event) + 1
        for server in servers
        for event in ("redis_subscriber_recovered", "redis_publish_recovered")
    }
    try:
        redis_server.kill()

        # A command never waits for Redis, and its own process's screens see it at once.
        started = time.monotonic()
        on_one = (await sam.client.send_command("share"))["version"]
        assert time.monotonic() - started < 1.0
        await room_one.reach(on_one, wait_s=1.0)
        # The other process finds it with its periodic check, with Redis still down.
        await room_two.reach(on_one, wait_s=CATCH_UP_INTERVAL_S + 2)
        on_two = (await ana.client.send_command("pause_timer"))["version"]
        await room_one.reach(on_two, wait_s=CATCH_UP_INTERVAL_S + 2)

        redis_server.start()
        # Each process listens again, and has sent what it could not send while Redis was down.
        for (server, event), times in recoveries.items():
            await until_logged(server, event, times)
        # Redis carries the news again, from either side.
        for sender, watcher in ((sam, room_two), (ana, room_one)) * 3:
            ack = await sender.client.send_command("extend_time", seconds=1, target="stage")
            await watcher.reach(ack["version"], wait_s=PUBSUB_WAIT_S)

        final = ack["version"]
        for screen in screens:
            await screen.reach(final)
            screen.assert_in_order(final)
        assert timeless(sam.view) == timeless(ana.view)
        assert room_one.view == room_two.view
    finally:
        await close_all(screens)


async def test_readiness_follows_redis_and_liveness_does_not(
    servers: list[LiveServer], redis_server: PrivateRedis
) -> None:
    async with httpx.AsyncClient(base_url=servers[0].base_url, timeout=5) as api:
        assert (await api.get("/readyz")).json()["status"] == "ready"
        redis_server.kill()
        waiting = await api.get("/readyz")
        assert waiting.status_code == 503
        assert waiting.json() == {
            "status": "waiting",
            "message": "Waiting for redis to answer; this process keeps trying.",
            "checks": {"database": "ok", "redis": "not answering"},
        }
        assert (await api.get("/healthz")).status_code == 200
        redis_server.start()
        async with asyncio.timeout(5):
            while True:
                ready = await api.get("/readyz")
                if ready.status_code == 200:
                    break
                await asyncio.sleep(0.1)
        assert ready.json() == {"status": "ready", "checks": {"database": "ok", "redis": "ok"}}
