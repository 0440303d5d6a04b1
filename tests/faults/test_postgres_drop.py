"""PostgreSQL drops the servers' connections: the next commands work, no version is lost."""

from __future__ import annotations

import asyncio

import psycopg
import pytest
import sqlalchemy

from tests.support.live_server import LiveServer
from tests.support.processes import Screen, application_name, close_all, session_in_a_round

pytestmark = pytest.mark.anyio

BURST = 30
DROP_EVERY_S = 0.1


def drop_connections(postgres_url: str, servers: list[LiveServer]) -> int:
    """What an admin, a failover or a proxy restart does; the number of connections cut."""
    libpq = sqlalchemy.make_url(postgres_url).set(drivername="postgresql")
    with psycopg.connect(libpq.render_as_string(hide_password=False), autocommit=True) as admin:
        cut = admin.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE application_name = ANY(%s)",
            ([application_name(server) for server in servers],),
        ).fetchone()
    assert cut is not None
    count: int = cut[0]
    return count


async def test_commands_survive_dropped_database_connections(
    servers: list[LiveServer], postgres_url: str
) -> None:
    one, two = servers
    session = session_in_a_round(one, ("Priya", "Tom", "Mere"))
    sam = await Screen.open(one, "facilitator", session.id, session.facilitator_token(0))
    ana = await Screen.open(two, "facilitator", session.id, session.facilitator_token(1))
    room = await Screen.open(two, "room", session.id, session.room_token)
    screens = [sam, ana, room]
    try:
        before = (await sam.client.send_command("share"))["version"]
        assert drop_connections(postgres_url, servers) >= 2
        after = await sam.client.send_command("share")
        assert (after["type"], after["version"]) == ("ack", before + 1)
        assert drop_connections(postgres_url, servers) >= 1
        last = await ana.client.send_command("pause_timer")
        assert (last["type"], last["version"]) == ("ack", before + 2)
        for screen in screens:
            await screen.reach(before + 2)
            screen.assert_in_order(before + 2)
        with one.api() as api:
            assert api.get("/readyz").status_code == 200
    finally:
        await close_all(screens)


async def test_connections_dropped_in_the_middle_of_commits(
    servers: list[LiveServer], postgres_url: str
) -> None:
    """Cut mid-statement, a commit's fate is unknown to the server; it retries the same commit
    and the database settles it (stored once, or refused as a duplicate of itself). Both
    processes write (one session each) while the cuts go on, and watch each other's session."""
    cutting = asyncio.create_task(_keep_dropping(postgres_url, servers))
    try:
        await asyncio.gather(_burst(servers[0], servers[1]), _burst(servers[1], servers[0]))
    finally:
        cutting.cancel()


async def _burst(writer: LiveServer, watcher: LiveServer) -> None:
    session = session_in_a_round(writer, ("Priya", "Tom"))
    sam = await Screen.open(writer, "facilitator", session.id, session.facilitator_token(0))
    rooms = [
        await Screen.open(server, "room", session.id, session.room_token)
        for server in (writer, watcher)
    ]
    try:
        start = sam.client.version
        answers = [
            await sam.client.send_command("extend_time", seconds=1, target="stage")
            for _ in range(BURST)
        ]
        assert [answer["type"] for answer in answers] == ["ack"] * BURST
        final = start + BURST
        assert [answer["version"] for answer in answers] == list(range(start + 1, final + 1))
        for screen in (sam, *rooms):
            await screen.reach(final)
            screen.assert_in_order(final)
        assert rooms[0].view == rooms[1].view
    finally:
        await close_all([sam, *rooms])


async def _keep_dropping(postgres_url: str, servers: list[LiveServer]) -> None:
    while True:
        await asyncio.to_thread(drop_connections, postgres_url, servers)
        await asyncio.sleep(DROP_EVERY_S)
