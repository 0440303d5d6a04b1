"""A screen whose command waits for a busy database stays connected and keeps its clock.

uvicorn stops reading a socket while the application has not taken its last message. Had the
endpoint waited for each command before reading the next frame, a slow commit would leave the
server's keepalive pong unread (the socket closed with 1011) and the screen's clock-sync pings
unanswered; under load that closed facilitators' sockets (bench/README.md).
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from app.web.live_connection import NOT_STORED
from tests.support.live_server import Client, LiveServer, create_session, new_command_id

pytestmark = pytest.mark.anyio

# Keepalive far shorter than the stall below: several pings must be answered during it.
PING_INTERVAL_S = 0.2
PING_TIMEOUT_S = 0.3
STALL_S = 2.0


@pytest.fixture
def quick_keepalive_server(tmp_path: Path) -> Iterator[LiveServer]:
    server = LiveServer(
        tmp_path,
        env={
            "PEER_ROUNDS_WS_PING_INTERVAL_S": str(PING_INTERVAL_S),
            "PEER_ROUNDS_WS_PING_TIMEOUT_S": str(PING_TIMEOUT_S),
        },
    )
    server.start()
    try:
        yield server
    finally:
        server.stop()


async def next_of_type(client: Client, kind: str, wait_s: float) -> dict[str, Any]:
    deadline = time.monotonic() + wait_s
    while True:
        message = await client.receive(max(0.01, deadline - time.monotonic()))
        if message["type"] == kind:
            return message


async def a_console(server: LiveServer) -> Client:
    created = create_session(server)
    return await Client.open(
        server, created["session_id"], "facilitator", created["facilitators"][0]["token"]
    )


@contextmanager
def database_locked(data_dir: Path) -> Iterator[None]:
    """Another writer holds the SQLite file: the server's commits wait in its busy handler."""
    blocker = sqlite3.connect(data_dir / "peer-rounds.db", isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        yield
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()


async def send_start_session(lead: Client) -> str:
    command_id = new_command_id()
    await lead.connection.send(
        json.dumps({"type": "command", "command": {"type": "start_session", "id": command_id}})
    )
    return command_id


async def test_a_command_waiting_for_the_database_neither_drops_nor_deafens_the_screen(
    quick_keepalive_server: LiveServer, tmp_path: Path
) -> None:
    lead = await a_console(quick_keepalive_server)
    with database_locked(tmp_path):
        command_id = await send_start_session(lead)
        await asyncio.sleep(PING_INTERVAL_S)
        sent_at = time.monotonic()
        await lead.connection.send(json.dumps({"type": "ping", "t0": 1.0}))
        pong = await next_of_type(lead, "pong", wait_s=1.0)
        assert pong["t0"] == 1.0
        assert time.monotonic() - sent_at < 1.0
        # Several keepalive rounds go by while the command still waits.
        await asyncio.sleep(STALL_S)
        assert lead.version == 1, "the command cannot have committed while the file is locked"
    ack = await lead.reply_to(command_id)
    assert ack == {"type": "ack", "id": command_id, "version": 2, "duplicate": False}
    await lead.until(lambda view: view["status"] == "live")
    await lead.close()


async def test_a_command_the_database_cannot_take_is_refused_kindly_and_can_be_sent_again(
    quick_keepalive_server: LiveServer, tmp_path: Path
) -> None:
    lead = await a_console(quick_keepalive_server)
    with database_locked(tmp_path):
        command_id = await send_start_session(lead)
        # Locked for longer than SQLite's busy timeout (5 s): the commit fails.
        reply = await lead.reply_to(command_id, wait_s=15)
    assert reply["type"] == "reject"
    assert reply["code"] == "unavailable"
    assert reply["message"] == NOT_STORED
    assert lead.version == 1
    ack = await lead.send_command("start_session", id=command_id)
    assert ack["type"] == "ack"
    assert ack["version"] == 2
    await lead.close()
