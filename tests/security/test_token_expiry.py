"""A screen does not outlive its link (issue 16, item 7).

Rule: a token read by the server carries the moment it stops working, its signed timestamp plus
the maximum age; a socket opened with it is closed at that moment with 4401 and a reason written
for people, whatever the screen is (a script that said hello, a page with the cookie), and the
same token is then refused on reconnecting with the same words.
"""

from __future__ import annotations

import asyncio
import gc
import json
import re
import time
from collections.abc import Iterator
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import given
from hypothesis import strategies as st
from itsdangerous import TimestampSigner
from starlette.types import Message
from websockets.asyncio.client import connect

from app.config import Settings
from app.main import create_app
from app.session.command_base import Role
from app.web.live_connection import LiveConnection
from app.web.tokens import LINK_EXPIRED, Grant, TokenError, Tokens
from tests.security.test_revocation import closed_with, participant_screens
from tests.support.api import client_of, new_session, websocket_scope
from tests.support.live_server import Client, LiveServer, create_session, join

MAX_AGE_S = 6
PRIYA = Grant(session_id="s", role=Role.PARTICIPANT, person_id="p-priya", token_version=3)


@given(
    signed_at=st.integers(min_value=1_600_000_000, max_value=2_000_000_000),
    max_age_s=st.integers(min_value=1, max_value=30 * 24 * 3600),
    read_after=st.floats(min_value=0, max_value=1),
)
def test_a_grant_expires_at_its_signed_time_plus_the_maximum_age(
    signed_at: int, max_age_s: int, read_after: float
) -> None:
    tokens = Tokens("secret", max_age_s)
    with mock.patch.object(TimestampSigner, "get_timestamp", return_value=signed_at):
        token = tokens.issue(PRIYA)
    read_at = signed_at + int(read_after * max_age_s)
    with mock.patch.object(TimestampSigner, "get_timestamp", return_value=read_at):
        grant = tokens.read(token)
    assert grant.expires_at == signed_at + max_age_s
    assert (grant.session_id, grant.role, grant.person_id, grant.token_version) == (
        "s",
        Role.PARTICIPANT,
        "p-priya",
        3,
    )
    with (
        mock.patch.object(TimestampSigner, "get_timestamp", return_value=read_at + max_age_s + 1),
        pytest.raises(TokenError, match=re.escape(LINK_EXPIRED)),
    ):
        tokens.read(token)


@pytest.fixture(scope="module")
def short_lived(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    live = LiveServer(
        tmp_path_factory.mktemp("expiry"), env={"PEER_ROUNDS_TOKEN_MAX_AGE_S": str(MAX_AGE_S)}
    )
    live.start()
    try:
        yield live
    finally:
        live.stop()


@pytest.mark.anyio
async def test_open_screens_close_when_their_link_expires(short_lived: LiveServer) -> None:
    server = short_lived
    before = time.time()
    created = create_session(server)
    sid = created["session_id"]
    priya = join(server, sid, "Priya")
    issued = time.time()
    lead = await Client.open(server, sid, "facilitator", created["facilitators"][0]["token"])
    script, page = await participant_screens(server, sid, priya["token"])
    # Open and working while the links are fresh (signed at a whole second, so from
    # MAX_AGE_S - 1 seconds after `before` they may expire).
    await lead.connection.send(json.dumps({"type": "ping", "t0": 1.0}))
    while (await lead.receive())["type"] != "pong":
        pass
    assert time.time() < before + MAX_AGE_S - 1, "the machine was too slow to check this"

    for screen in (lead.connection, script, page):
        assert await asyncio.wait_for(closed_with(screen), MAX_AGE_S + 5) == (4401, LINK_EXPIRED)
        assert time.time() >= before + MAX_AGE_S - 1
    assert time.time() < issued + MAX_AGE_S + 3

    async with connect(f"{server.ws_base}/ws/sessions/{sid}/participant") as again:
        await again.send(json.dumps({"type": "hello", "token": priya["token"]}))
        assert await closed_with(again) == (4401, LINK_EXPIRED)


@pytest.mark.anyio
async def test_a_closed_screens_expiry_timer_is_cancelled(tmp_path: Path) -> None:
    """Nothing of a screen that has gone is kept until its link would have expired (two days
    by default): the one timer holding it is cancelled when it closes."""
    gc.collect()
    earlier = {id(o) for o in open_connections()}
    app = create_app(Settings(data_dir=tmp_path))
    async with client_of(app) as api:
        created = await new_session(api)
    sid, token = created["session_id"], created["facilitators"][0]["token"]
    to_app: asyncio.Queue[Message] = asyncio.Queue()
    for message in (
        {"type": "websocket.connect"},
        {"type": "websocket.receive", "text": json.dumps({"type": "hello", "token": token})},
    ):
        to_app.put_nowait(message)
    sent: list[Message] = []

    async def send(message: Message) -> None:
        sent.append(message)
        if message["type"] == "websocket.send":  # the first snapshot: the screen goes away
            to_app.put_nowait({"type": "websocket.disconnect", "code": 1001})

    scope = websocket_scope(f"/ws/sessions/{sid}/facilitator")
    await asyncio.wait_for(app(scope, to_app.get, send), timeout=5)
    gc.collect()

    assert [m["type"] for m in sent][:2] == ["websocket.accept", "websocket.send"]
    assert [o for o in open_connections() if id(o) not in earlier] == []


def open_connections() -> list[object]:
    return [o for o in gc.get_objects() if isinstance(o, LiveConnection)]
