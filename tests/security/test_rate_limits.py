"""Rate limits: per client address for starting and joining sessions, per websocket connection
for commands (and, as a last line, for every message)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from starlette.types import Message
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from app.config import Settings
from app.main import create_app
from app.web.rate_limits import RateLimitPolicy, RateLimits
from tests.support.api import (
    REMOTE_CLIENT,
    SAME_ORIGIN,
    bearer,
    client_of,
    in_process,
    new_session,
    websocket_scope,
)
from tests.support.live_server import Client, LiveServer, create_session

pytestmark = pytest.mark.anyio

CREATE = {"title": "Tuesday", "group_name": "Riverside", "facilitator_names": ["Sam"]}
CREATE_FORM = {"title": "Tuesday", "group_name": "Riverside", "facilitator_name": "Sam"}


@pytest.fixture
async def remote(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    """The app as seen from one address on the internet."""
    async with in_process(tmp_path, client=REMOTE_CLIENT) as api:
        yield api


async def test_starting_sessions_is_limited_per_address(remote: httpx.AsyncClient) -> None:
    for _ in range(5):
        assert (await remote.post("/api/sessions", json=CREATE)).status_code == 201
    for _ in range(5):  # the form and the API share one allowance
        assert (await remote.post("/sessions", data=CREATE_FORM, headers=SAME_ORIGIN)).is_redirect
    refused = await remote.post("/api/sessions", json=CREATE)
    assert refused.status_code == 429
    assert refused.json() == {
        "code": "slow_down",
        "message": "Several sessions have just been started from here. "
        "Please wait a minute, then try again.",
    }
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    form = await remote.post(
        "/sessions", data={**CREATE_FORM, "title": "Kept as typed"}, headers=SAME_ORIGIN
    )
    assert form.status_code == 429
    assert "Please wait a minute" in form.text
    assert 'value="Kept as typed"' in form.text  # nothing typed is lost


async def test_joining_is_limited_per_address(remote: httpx.AsyncClient) -> None:
    # Over two sessions: one session takes 20 joins a minute (tests/security/test_seats.py).
    first, created = await new_session(remote), await new_session(remote)
    sid, code = created["session_id"], created["join_code"]
    for number in range(30):
        into = first["session_id"] if number % 2 else sid
        joined = await remote.post(
            f"/api/sessions/{into}/participants", json={"name": f"P{number}"}
        )
        assert joined.status_code == 201
    refused = await remote.post(f"/api/sessions/{sid}/participants", json={"name": "Late"})
    assert refused.status_code == 429
    assert refused.json()["code"] == "slow_down"
    assert "retry-after" in refused.headers
    form = await remote.post(f"/join/{code}", data={"name": "Priya"}, headers=SAME_ORIGIN)
    assert form.status_code == 429
    assert "Please wait a moment" in form.text
    assert 'value="Priya"' in form.text


async def test_each_address_has_its_own_allowance(tmp_path: Path) -> None:
    app = create_app(Settings(data_dir=tmp_path))
    async with client_of(app, REMOTE_CLIENT) as first, client_of(app, ("198.51.100.4", 1)) as other:
        for _ in range(10):
            await first.post("/api/sessions", json=CREATE)
        assert (await first.post("/api/sessions", json=CREATE)).status_code == 429
        assert (await other.post("/api/sessions", json=CREATE)).status_code == 201


async def test_the_machine_itself_is_not_limited(api: httpx.AsyncClient) -> None:
    """Loopback: the demo, health checks, tests, or a proxy that does not name its client."""
    for _ in range(15):
        assert (await api.post("/api/sessions", json=CREATE)).status_code == 201


def test_several_processes_can_share_one_count(redis_url: str) -> None:
    policy = RateLimitPolicy(create_session="2/minute", address_storage=redis_url)
    one, two = RateLimits(policy), RateLimits(policy)
    address = f"test-{uuid.uuid4()}"  # its own key: nothing else in Redis is touched
    assert one.wait_for("create_session", address) is None
    assert two.wait_for("create_session", address) is None
    assert one.wait_for("create_session", address) is not None
    assert two.wait_for("create_session", address) is not None


# --- per websocket connection ---------------------------------------------------------------------


def command_frame(type_: str) -> str:
    return json.dumps({"type": "command", "command": {"type": type_, "id": str(uuid.uuid4())}})


async def test_commands_faster_than_the_budget_are_asked_to_slow_down(server: LiveServer) -> None:
    created = create_session(server)
    room = await Client.open(server, created["session_id"], "room", created["room"]["token"])
    # Pipelined, not waiting for answers: 40 fit in the burst, the rest are asked to wait.
    for _ in range(50):
        await room.connection.send(command_frame("start_session"))
    codes = [(await room.receive())["code"] for _ in range(50)]
    assert codes.count("not_allowed") == 40  # the room can only watch, but it was heard
    assert codes.count("slow_down") == 10
    # A calm refusal, not a disconnection: after a pause, commands are heard again.
    await asyncio.sleep(2.1)
    answer = await room.send_command("start_session")
    assert answer["code"] == "not_allowed"
    await room.close()


async def test_the_slow_down_message_is_kind(server: LiveServer) -> None:
    created = create_session(server)
    room = await Client.open(server, created["session_id"], "room", created["room"]["token"])
    for _ in range(41):
        await room.connection.send(command_frame("start_session"))
    replies: list[dict[str, Any]] = [await room.receive() for _ in range(41)]
    assert replies[-1]["code"] == "slow_down"
    assert replies[-1]["message"] == "That was a lot at once. Please wait a moment, then try again."
    await room.close()


async def test_a_flood_of_messages_closes_the_connection(server: LiveServer) -> None:
    created = create_session(server)
    url = f"{server.ws_base}/ws/sessions/{created['session_id']}/room"
    # The client buffers everything it is sent, so only the flood limit can stop it.
    async with connect(url, max_queue=None) as ws:
        await ws.send(json.dumps({"type": "hello", "token": created["room"]["token"]}))
        for t0 in range(250):
            await ws.send(json.dumps({"type": "ping", "t0": t0}))
        messages = await until_closed(ws)
    assert ws.close_code == 4429
    assert [m["type"] for m in messages].count("pong") == 200


async def until_closed(ws: ClientConnection) -> list[dict[str, Any]]:
    """Every message the server sends until it closes the connection."""
    messages: list[dict[str, Any]] = []
    with contextlib.suppress(ConnectionClosed):
        async for raw in ws:
            messages.append(json.loads(raw))
    return messages


async def test_commands_through_the_api_have_the_same_allowance(api: httpx.AsyncClient) -> None:
    """Per person, so that a script cannot get round the websocket's allowance."""
    created = await new_session(api)
    sid, room = created["session_id"], created["room"]["token"]
    url = f"/api/sessions/{sid}/commands"
    codes = []
    for _ in range(41):
        response = await api.post(
            url, json={"type": "start_session", "id": str(uuid.uuid4())}, headers=bearer(room)
        )
        codes.append(response.json()["code"])
    assert codes == ["not_allowed"] * 40 + ["slow_down"]
    # Someone else's allowance is their own.
    sam = bearer(created["facilitators"][0]["token"])
    response = await api.post(url, json={"type": "start_session", "id": "s1"}, headers=sam)
    assert response.status_code == 200


async def test_guessing_join_codes_is_limited(remote: httpx.AsyncClient) -> None:
    """A wrong code counts as a try at joining; the right one still opens its form meanwhile."""
    code = (await new_session(remote))["join_code"]
    for guess in range(30):
        assert (await remote.get(f"/join/WRONG{guess}")).status_code == 404
    refused = await remote.get("/join/WRONG99")
    assert refused.status_code == 429
    assert "Please wait a moment" in refused.text
    assert (await remote.get(f"/join/{code}")).status_code == 200


class SilentSocket:
    """A websocket to the app in-process that connects, then says nothing until told to."""

    def __init__(self, app: FastAPI, path: str, client: tuple[str, int]) -> None:
        self.to_app: asyncio.Queue[Message] = asyncio.Queue()
        self.to_app.put_nowait({"type": "websocket.connect"})
        self.sent: list[Message] = []
        self.accepted = asyncio.Event()
        self.closed = asyncio.Event()
        scope = websocket_scope(path, client)
        self.task = asyncio.create_task(app(scope, self.to_app.get, self._send))

    async def _send(self, message: Message) -> None:
        self.sent.append(message)
        if message["type"] == "websocket.accept":
            self.accepted.set()
        if message["type"] == "websocket.close":
            self.closed.set()
            self.to_app.put_nowait({"type": "websocket.disconnect", "code": 1000})

    def say(self, payload: dict[str, Any]) -> None:
        self.to_app.put_nowait({"type": "websocket.receive", "text": json.dumps(payload)})

    async def close_message(self, wait_s: float) -> Message:
        await asyncio.wait_for(self.closed.wait(), wait_s)
        return self.sent[-1]

    async def hang_up(self) -> None:
        if not self.closed.is_set():
            self.to_app.put_nowait({"type": "websocket.disconnect", "code": 1000})
        await asyncio.wait_for(self.task, 5)


async def test_sockets_that_never_say_hello_are_capped_per_address_and_timed_out(
    tmp_path: Path,
) -> None:
    app = create_app(
        Settings(data_dir=tmp_path, max_unauthenticated_per_address=3, hello_timeout_s=1.5)
    )
    async with client_of(app) as api:
        created = await new_session(api)
    path = f"/ws/sessions/{created['session_id']}/room"
    other_address = ("198.51.100.9", 50000)
    silent = [SilentSocket(app, path, REMOTE_CLIENT) for _ in range(3)]
    for socket in silent:
        await asyncio.wait_for(socket.accepted.wait(), 5)
    one_too_many = SilentSocket(app, path, REMOTE_CLIENT)
    assert await one_too_many.close_message(2) == {
        "type": "websocket.close",
        "code": 4429,
        "reason": "Lots of screens from your network are connecting at once. Please wait a "
        "moment; yours will try again by itself.",
    }
    # Other addresses, and the machine itself, are not held back by that one.
    elsewhere = SilentSocket(app, path, other_address)
    local = SilentSocket(app, path, ("127.0.0.1", 50001))
    for socket in (elsewhere, local):
        await asyncio.wait_for(socket.accepted.wait(), 5)
        socket.say({"type": "hello", "token": created["room"]["token"]})
    await asyncio.sleep(0.2)
    for socket in (elsewhere, local):
        assert not socket.closed.is_set()
        assert '"type":"snapshot"' in socket.sent[1]["text"]
    # Silence ends with a calm close once the hello timeout passes, and frees the address.
    for socket in silent:
        assert await socket.close_message(3) == {
            "type": "websocket.close",
            "code": 4401,
            "reason": "We did not hear from this screen in time. Please connect again.",
        }
    latecomer = SilentSocket(app, path, REMOTE_CLIENT)
    await asyncio.wait_for(latecomer.accepted.wait(), 5)
    latecomer.say({"type": "hello", "token": created["room"]["token"]})
    await asyncio.sleep(0.2)
    assert not latecomer.closed.is_set()
    for socket in (*silent, one_too_many, elsewhere, local, latecomer):
        await socket.hang_up()


class FakeClock:
    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


def test_a_connection_s_command_allowance_is_a_moving_window() -> None:
    clock = FakeClock()
    budget = RateLimits(RateLimitPolicy(command_burst="3 per 2 seconds")).connection(clock)
    assert [budget.command() for _ in range(4)] == [True, True, True, False]
    clock.now += 1.9
    assert budget.command() is False, "still three in the last two seconds"
    clock.now += 0.1
    # The first three are two seconds old now: out of the window, all of them.
    assert [budget.command() for _ in range(4)] == [True, True, True, False]


def test_a_refused_command_uses_up_no_allowance() -> None:
    clock = FakeClock()
    policy = RateLimitPolicy(command_burst="2 per 1 second", command_sustained="3/minute")
    budget = RateLimits(policy).connection(clock)
    assert budget.command()
    assert budget.command()
    assert budget.command() is False
    clock.now += 1.0
    # Had the refusal above counted against the minute, this one would be the fourth.
    assert budget.command() is True
    clock.now += 1.0
    assert budget.command() is False, "three in the last minute"


def test_a_connection_s_messages_are_capped_against_a_flood() -> None:
    clock = FakeClock()
    budget = RateLimits(RateLimitPolicy(flood="5 per 10 seconds")).connection(clock)
    assert sum(budget.message() for _ in range(8)) == 5
    clock.now += 10.0
    assert budget.message() is True


def test_counting_connections_starts_no_threads(monkeypatch: pytest.MonkeyPatch) -> None:
    """The library's memory storage starts a thread every 10 ms to walk all its keys: with
    hundreds of facilitators' sockets, a fifth of a core (bench/README.md)."""
    limits = RateLimits()
    budgets = [limits.connection() for _ in range(200)]
    started: list[threading.Thread] = []
    start = threading.Thread.start

    def counted_start(thread: threading.Thread) -> None:
        started.append(thread)
        start(thread)

    monkeypatch.setattr(threading.Thread, "start", counted_start)
    for budget in budgets:
        assert budget.message()
        assert budget.command()
        time.sleep(0.0001)
    assert started == []
