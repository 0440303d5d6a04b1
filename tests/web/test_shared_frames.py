"""Frames encoded once and written to many sockets (app/web/frames.py, app/web/connections.py).

Against the real app served by our uvicorn protocols, in a thread of this process so that the
server's count of encodes can be read: what browser-like clients (permessage-deflate offered)
and plain clients receive is exactly the message, and a message sent to many sockets is encoded
once per encoding. A socket whose buffer is full gets the newest version through the outbox's
slot. The plain path (no server of ours) is what every TestClient test in tests/web runs.
"""

from __future__ import annotations

import asyncio
import gc
import json
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from hypothesis import given
from hypothesis import strategies as st
from websockets.asyncio.client import ClientConnection, connect
from websockets.extensions.permessage_deflate import PerMessageDeflate
from websockets.frames import Frame
from websockets.server import ServerProtocol
from websockets.streams import StreamReader

from app.config import Settings
from app.main import create_app
from app.web.connections import ConnectionLimits, CountedWebSocket, ServingConfig
from app.web.frames import PLAIN, SharedFrames, encoding_of
from app.web.live_connection import LiveConnection
from app.web.rate_limits import RateLimitPolicy, install_rate_limits
from bench.load import set_up_session
from bench.loadgen import version_of

pytestmark = pytest.mark.anyio

DEFLATE = (12, (("memLevel", 5),))
SCREENS_PER_KIND = 3
# A facilitator's commands come here hundreds a second, far beyond a person's allowance.
UNLIMITED = RateLimitPolicy(
    command_burst="1000000 per 2 seconds",
    command_sustained="1000000/minute",
    flood="1000000 per 10 seconds",
)


def parsed(data: bytes, extensions: list[PerMessageDeflate]) -> str:
    """The text message in one server frame, as a client with these extensions reads it."""
    reader = StreamReader()
    reader.feed_data(data)
    parser = Frame.parse(reader.read_exact, mask=False, extensions=extensions)
    try:
        next(parser)
    except StopIteration as done:
        frame: Frame = done.value
        assert frame.fin
        assert not reader.buffer
        return bytes(frame.data).decode()
    raise AssertionError("not one whole frame")


def client_deflate() -> PerMessageDeflate:
    # As a browser's side is once the server answered with server_no_context_takeover.
    return PerMessageDeflate(False, True, 12, 12)


@given(st.lists(st.text(max_size=3000), min_size=1, max_size=8))
def test_a_shared_frame_reads_back_as_exactly_its_message(messages: list[str]) -> None:
    """Each frame on its own: a client decodes it whatever came before on its socket."""
    frames = SharedFrames()
    receiver = client_deflate()
    for message in messages:
        assert parsed(frames.text(message, PLAIN), []) == message
        assert parsed(frames.text(message, DEFLATE), [receiver]) == message


def test_a_message_for_many_sockets_is_encoded_once_per_encoding() -> None:
    frames = SharedFrames()
    message = "<div id='room'>" + "a calm room " * 800 + "</div>"
    written = {frames.text(message, encoding) for _ in range(20) for encoding in (PLAIN, DEFLATE)}
    assert frames.encoded == 2
    assert len(written) == 2
    frames.text("another", PLAIN)
    assert frames.encoded == 3
    # A reply goes to one socket: encoded for it, not kept.
    for _ in range(2):
        assert parsed(frames.text("ack", DEFLATE, keep=False), [client_deflate()]) == "ack"
    assert frames.encoded == 5


def test_only_deflate_without_context_takeover_is_shared() -> None:
    assert encoding_of([]) == PLAIN
    assert encoding_of([PerMessageDeflate(False, True, 15, 12, {"memLevel": 5})]) == DEFLATE
    # Compressed in the socket's own context: its bytes depend on what it was sent before.
    assert encoding_of([PerMessageDeflate(False, False, 15, 12)]) is None


def test_the_frames_kept_are_bounded() -> None:
    frames = SharedFrames(keep=4)
    for number in range(10):
        frames.text(f"message {number}", PLAIN)
    frames.text("message 9", PLAIN)
    assert frames.encoded == 10
    frames.text("message 0", PLAIN)
    assert frames.encoded == 11


# --- against the real app, served by our protocols ---------------------------------------------


@dataclass
class ServerInThread:
    server: uvicorn.Server
    config: ServingConfig
    port: int

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def encoded(self) -> int:
        return self.config.shared_frames.encoded


@pytest.fixture
def served(tmp_path: Path) -> Iterator[ServerInThread]:
    settings = Settings(data_dir=tmp_path)
    app = create_app(settings)
    install_rate_limits(app, UNLIMITED)
    config = ServingConfig(
        app,
        ConnectionLimits.of(settings),
        host="127.0.0.1",
        port=0,
        # uvicorn's own logging set-up would change this process's loggers (their levels and
        # handlers) for every test after this one.
        log_config=None,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive(), "the server stopped"
        assert time.monotonic() < deadline, "the server did not start in time"
        time.sleep(0.05)
    port: int = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield ServerInThread(server, config, port)
    finally:
        server.should_exit = True
        thread.join(10)


@dataclass
class Screens:
    session_id: str
    facilitator_token: str
    room_token: str
    api: httpx.AsyncClient
    command_count: int = 0

    async def command(self) -> None:
        kind = ("pause_timer", "resume_timer")[self.command_count % 2]
        self.command_count += 1
        response = await self.api.post(
            f"/api/sessions/{self.session_id}/commands",
            json={"type": kind, "id": f"frames-{self.command_count}"},
            headers={"Authorization": f"Bearer {self.facilitator_token}"},
        )
        assert response.status_code == 200, response.text


@pytest.fixture
async def screens(served: ServerInThread) -> AsyncIterator[Screens]:
    async with httpx.AsyncClient(base_url=served.base_url, timeout=10) as api:
        plan = await set_up_session(api, 0, 2, "room", "json")
        facilitator_token = plan["facilitator"]["token"]
        yield Screens(plan["id"], facilitator_token, plan["viewers"][0]["token"], api)


async def room_screen(
    served: ServerInThread, screens: Screens, fmt: str, *, deflate: bool, **options: Any
) -> ClientConnection:
    url = f"ws://127.0.0.1:{served.port}/ws/sessions/{screens.session_id}/room?format={fmt}"
    connection = await connect(url, compression="deflate" if deflate else None, **options)
    await connection.send(json.dumps({"type": "hello", "token": screens.room_token}))
    await asyncio.wait_for(connection.recv(), 10)
    return connection


def version_in(message: str | bytes) -> int:
    assert isinstance(message, str)
    version = version_of(message)
    assert version is not None
    return version


@pytest.mark.parametrize("fmt", ["json", "html"])
async def test_every_screen_reads_the_same_message_encoded_once_per_encoding(
    served: ServerInThread, screens: Screens, fmt: str
) -> None:
    compressed = [
        await room_screen(served, screens, fmt, deflate=True) for _ in range(SCREENS_PER_KIND)
    ]
    plain = [
        await room_screen(served, screens, fmt, deflate=False) for _ in range(SCREENS_PER_KIND)
    ]
    for connection in compressed:
        # The browser's offer is answered with the server's context reset for every message.
        [extension] = connection.protocol.extensions
        assert isinstance(extension, PerMessageDeflate)
        assert extension.remote_no_context_takeover
    for connection in plain:
        assert connection.protocol.extensions == []
    versions: list[int] = []
    for _ in range(3):
        before = served.encoded
        await screens.command()
        received = [
            await asyncio.wait_for(connection.recv(), 10) for connection in compressed + plain
        ]
        # The room's screens see one message: one encode for the deflate sockets, one for
        # the plain ones, however many sockets there are.
        assert len(set(received)) == 1
        assert served.encoded - before == 2
        versions.append(version_in(received[0]))
    assert versions == list(range(versions[0], versions[0] + 3))
    for connection in compressed + plain:
        await connection.close()


def protocol_of(served: ServerInThread, connection: ClientConnection) -> CountedWebSocket:
    """The server's protocol of a client's connection."""
    port = connection.local_address[1]
    [found] = [
        protocol
        for protocol in served.server.server_state.connections
        if isinstance(protocol, CountedWebSocket) and protocol.client == ("127.0.0.1", port)
    ]
    return found


def on_server_loop(protocol: CountedWebSocket, call: Callable[[], None]) -> None:
    done = threading.Event()

    def run() -> None:
        call()
        done.set()

    protocol.loop.call_soon_threadsafe(run)
    assert done.wait(5)


async def test_a_screen_whose_buffer_is_full_skips_to_the_newest_version(
    served: ServerInThread, screens: Screens
) -> None:
    """While the server's transport holds more than its high-water mark for a socket (asyncio
    calls pause_writing, as here), nothing is written to it at once: the outbox's one slot
    holds the newest version until the buffer drains. A screen that reads gets every version."""
    reader = await room_screen(served, screens, "html", deflate=True)
    stalled = await room_screen(served, screens, "html", deflate=True)
    protocol = protocol_of(served, stalled)
    on_server_loop(protocol, protocol.pause_writing)
    versions: list[int] = []
    for _ in range(5):
        await screens.command()
        versions.append(version_in(await asyncio.wait_for(reader.recv(), 10)))
    assert versions == list(range(versions[0], versions[0] + 5))
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(stalled.recv(), 0.3)
    on_server_loop(protocol, protocol.resume_writing)
    # The one the sender took before the buffer filled, then the newest.
    seen = [version_in(await asyncio.wait_for(stalled.recv(), 10)) for _ in range(2)]
    assert seen == [versions[0], versions[-1]]
    # Drained, it is written to at once again.
    await screens.command()
    assert version_in(await asyncio.wait_for(stalled.recv(), 10)) == versions[-1] + 1
    await reader.close()
    await stalled.close()


def alive(kind: type) -> int:
    return sum(1 for thing in gc.get_objects() if type(thing) is kind)


async def test_a_screen_that_goes_leaves_nothing_for_the_collector_to_find(
    served: ServerInThread, screens: Screens
) -> None:
    """Reference counting frees a closed socket's objects at once. A reference cycle would
    leave them for a garbage collection, and one that has lived a second is old enough that
    only a full collection looks: under screens coming and going, hundreds of megabytes and
    pauses of half a second (bench/churn.py)."""
    gc.collect()
    gc.disable()
    try:
        before = {kind: alive(kind) for kind in (CountedWebSocket, LiveConnection, ServerProtocol)}
        for deflate in (True, False):
            connection = await room_screen(served, screens, "html", deflate=deflate)
            await screens.command()
            await asyncio.wait_for(connection.recv(), 10)
            await connection.close()
        deadline = time.monotonic() + 10
        while True:
            left = {kind: alive(kind) - count for kind, count in before.items()}
            if not any(left.values()) or time.monotonic() > deadline:
                break
            await asyncio.sleep(0.05)
        assert left == dict.fromkeys(before, 0)
    finally:
        gc.enable()
