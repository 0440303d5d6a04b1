"""Access ends when it should: removal and leaving close open screens at once; links expire;
bumping a session's token version refuses every link issued before."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from itsdangerous import TimestampSigner
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from app.config import Settings
from app.main import create_app
from app.store.database import create_database_engine, sqlite_url_for
from app.store.live_sessions import LiveSessions
from app.web.tokens import LINK_EXPIRED
from tests.support.api import bearer, client_of, new_session, websocket_until_closed
from tests.support.live_server import Client, LiveServer, create_session, join
from tests.support.processes import running, servers_on

pytestmark = pytest.mark.anyio

GOODBYE = "You are no longer part of this session. Take care."


async def admitted(server: LiveServer, created: Any, lead: Client, name: str) -> Any:
    joined = join(server, created["session_id"], name)
    assert (await lead.send_command("admit", participant_id=joined["participant_id"]))["type"] == (
        "ack"
    )
    return joined


async def participant_screens(
    server: LiveServer, session_id: str, token: str
) -> tuple[ClientConnection, ClientConnection]:
    """The same person on two devices: a script (hello) and a browser page (cookie, html)."""
    base = f"{server.ws_base}/ws/sessions/{session_id}/participant"
    script = await connect(base)
    await script.send(json.dumps({"type": "hello", "token": token}))
    cookie = f"pr_participant_{session_id}={token}"
    page = await connect(f"{base}?format=html", additional_headers={"Cookie": cookie}, origin=None)
    for screen in (script, page):
        await screen.recv()  # the first snapshot
    return script, page


async def closed_with(screen: ClientConnection) -> tuple[int | None, str | None]:
    with contextlib.suppress(ConnectionClosed):
        async for _message in screen:
            pass
    return screen.close_code, screen.close_reason


async def test_a_removed_participant_s_screens_close_at_once(server: LiveServer) -> None:
    created = create_session(server)
    sid = created["session_id"]
    lead = await Client.open(server, sid, "facilitator", created["facilitators"][0]["token"])
    priya = await admitted(server, created, lead, "Priya")
    tom = await admitted(server, created, lead, "Tom")
    script, page = await participant_screens(server, sid, priya["token"])
    toms = await Client.open(server, sid, "participant", tom["token"])
    ack = await lead.send_command("remove_participant", participant_id=priya["participant_id"])
    assert ack["type"] == "ack"
    for screen in (script, page):
        assert await closed_with(screen) == (4403, GOODBYE)
    # Everyone else carries on.
    assert (await toms.send_command("raise_hand"))["type"] == "ack"
    # And the link no longer opens anything.
    async with httpx.AsyncClient(base_url=server.base_url) as api:
        view = await api.get(f"/api/sessions/{sid}/view", headers=bearer(priya["token"]))
    assert view.status_code == 403
    assert view.json()["message"] == GOODBYE


async def test_someone_let_back_in_opens_the_session_again_with_their_own_link(
    server: LiveServer,
) -> None:
    created = create_session(server)
    sid = created["session_id"]
    lead = await Client.open(server, sid, "facilitator", created["facilitators"][0]["token"])
    priya = await admitted(server, created, lead, "Priya")
    phone = await Client.open(server, sid, "participant", priya["token"])
    await lead.send_command("remove_participant", participant_id=priya["participant_id"])
    assert await closed_with(phone.connection) == (4403, GOODBYE)
    ack = await lead.send_command("readmit", participant_id=priya["participant_id"])
    assert ack["type"] == "ack"
    async with httpx.AsyncClient(base_url=server.base_url) as api:
        view = await api.get(f"/api/sessions/{sid}/view", headers=bearer(priya["token"]))
    assert view.status_code == 200
    assert view.json()["you"]["presence"] == "present"
    again = await Client.open(server, sid, "participant", priya["token"])
    assert (await again.send_command("raise_hand"))["type"] == "ack"


async def test_leaving_on_one_device_closes_the_other(server: LiveServer) -> None:
    created = create_session(server)
    sid = created["session_id"]
    lead = await Client.open(server, sid, "facilitator", created["facilitators"][0]["token"])
    priya = await admitted(server, created, lead, "Priya")
    script, page = await participant_screens(server, sid, priya["token"])
    phone = await Client.open(server, sid, "participant", priya["token"])
    assert (await phone.send_command("leave"))["type"] == "ack"
    for screen in (script, page, phone.connection):
        assert await closed_with(screen) == (4403, GOODBYE)


async def test_someone_in_the_waiting_room_who_leaves_is_closed_too(server: LiveServer) -> None:
    created = create_session(server)
    joined = join(server, created["session_id"], "Wen")
    wen = await Client.open(server, created["session_id"], "participant", joined["token"])
    assert (await wen.send_command("leave"))["type"] == "ack"
    assert await closed_with(wen.connection) == (4403, GOODBYE)


async def test_bumping_the_token_version_refuses_every_earlier_link(server: LiveServer) -> None:
    """Bumped from outside the server (another process, an operator): the server's next check
    reads the stored version, so no earlier link opens anything any more."""
    created = create_session(server)
    sid = created["session_id"]
    sam = created["facilitators"][0]["token"]
    engine = create_database_engine(sqlite_url_for(server.data_dir / "peer-rounds.db"))
    try:
        assert LiveSessions(engine).bump_token_secret_version(sid) == 2
    finally:
        engine.dispose()
    async with httpx.AsyncClient(base_url=server.base_url) as api:
        view = await api.get(f"/api/sessions/{sid}/view", headers=bearer(sam))
        assert view.status_code == 401
        assert view.json()["message"] == (
            "This link is no longer valid. Ask a facilitator for a new one."
        )
        page = await api.get(f"/enter/{sam}")
        assert page.status_code == 401
        assert "no longer valid" in page.text
    url = f"{server.ws_base}/ws/sessions/{sid}/facilitator"
    async with connect(url) as ws:
        await ws.send(json.dumps({"type": "hello", "token": sam}))
        assert (await closed_with(ws))[0] == 4401
    # Links issued from now on carry the new version, and work.
    newcomer = join(server, sid, "Priya")
    async with httpx.AsyncClient(base_url=server.base_url) as api:
        own = await api.get(f"/api/sessions/{sid}/view", headers=bearer(newcomer["token"]))
    assert own.status_code == 200


async def test_links_expire(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """In-process, with the token clock moved on past the maximum age."""
    app = create_app(Settings(data_dir=tmp_path, token_max_age_s=3600))
    async with client_of(app) as api:
        created = await new_session(api)
        sid, sam = created["session_id"], created["facilitators"][0]["token"]
        assert (await api.get(f"/api/sessions/{sid}/view", headers=bearer(sam))).is_success
        later = int(time.time()) + 3600 + 5
        monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda _self: later)
        expired = LINK_EXPIRED
        view = await api.get(f"/api/sessions/{sid}/view", headers=bearer(sam))
        assert (view.status_code, view.json()["message"]) == (401, expired)
        page = await api.get(f"/enter/{sam}")
        assert page.status_code == 401
        assert expired in page.text
    hello = json.dumps({"type": "hello", "token": sam})
    sent = await websocket_until_closed(app, f"/ws/sessions/{sid}/facilitator", hello)
    assert sent[-1] == {"type": "websocket.close", "code": 4401, "reason": expired}


LINKS_REPLACED = "The links to this session were replaced. Please ask a facilitator for a new one."


async def test_revoking_the_links_closes_every_screen_and_hands_out_new_ones(
    server: LiveServer,
) -> None:
    created = create_session(server)
    sid = created["session_id"]
    sam_token = created["facilitators"][0]["token"]
    lead = await Client.open(server, sid, "facilitator", sam_token)
    priya = await admitted(server, created, lead, "Priya")
    script, page = await participant_screens(server, sid, priya["token"])
    room = await Client.open(server, sid, "room", created["room"]["token"])
    async with httpx.AsyncClient(base_url=server.base_url) as api:
        url = f"/api/sessions/{sid}/links/revoke"
        refused = await api.post(url, headers=bearer(priya["token"]))
        assert (refused.status_code, refused.json()["message"]) == (
            403,
            "Only a facilitator can replace the links.",
        )
        revoked = await api.post(url, headers=bearer(sam_token))
        assert revoked.status_code == 200, revoked.text
        for screen in (script, page, room.connection, lead.connection):
            assert await closed_with(screen) == (4403, LINKS_REPLACED)
        assert (
            await api.get(f"/api/sessions/{sid}/view", headers=bearer(sam_token))
        ).status_code == (401)
    new_sam = revoked.json()["facilitators"][0]["token"]
    again = await Client.open(server, sid, "facilitator", new_sam)
    assert again.version == lead.version


@pytest.fixture(scope="module")
def two_servers(
    tmp_path_factory: pytest.TempPathFactory, postgres_url: str, redis_url: str
) -> Iterator[list[LiveServer]]:
    pair = servers_on(tmp_path_factory.mktemp("revocation"), 2, postgres_url, redis_url)
    with running(pair):
        yield pair


async def test_screens_on_another_process_close_at_once_too(two_servers: list[LiveServer]) -> None:
    """Removal, leaving and revocation on process 1 close screens open on process 2, well
    before the periodic check (5 s) could: Redis carries the news."""
    one, two = two_servers
    created = create_session(one)
    sid = created["session_id"]
    sam_token = created["facilitators"][0]["token"]
    lead = await Client.open(one, sid, "facilitator", sam_token)
    priya = await admitted(one, created, lead, "Priya")
    tom = await admitted(one, created, lead, "Tom")
    priyas = await Client.open(two, sid, "participant", priya["token"])
    toms = await Client.open(two, sid, "participant", tom["token"])
    room = await Client.open(two, sid, "room", created["room"]["token"])
    started = time.monotonic()
    assert (await lead.send_command("remove_participant", participant_id=priya["participant_id"]))[
        "type"
    ] == "ack"
    assert await asyncio.wait_for(closed_with(priyas.connection), 2) == (4403, GOODBYE)
    async with httpx.AsyncClient(base_url=one.base_url) as api:
        revoked = await api.post(f"/api/sessions/{sid}/links/revoke", headers=bearer(sam_token))
    assert revoked.status_code == 200
    for screen in (toms.connection, room.connection):
        assert await asyncio.wait_for(closed_with(screen), 2) == (4403, LINKS_REPLACED)
    assert time.monotonic() - started < 4
