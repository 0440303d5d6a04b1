"""Slow, idle and endless clients against a real server that has 1,024 file descriptors, as an
outsider found it (issue 16, item 2): the server must drop them on time, hold no more than its
cap per address, and keep answering everyone else.

The clients come from 127.0.0.2 and 127.0.0.3 (the machine's own 127.0.0.1 is not limited);
the health checks come from 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import json
import os
import resource
import selectors
import socket
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import InvalidStatus

from app.config import Settings
from tests.support.live_server import LiveServer, create_session

FD_LIMIT = 1024
DEFAULTS = Settings()
HEAD_TIMEOUT_S = DEFAULTS.http_header_timeout_s
IDLE_TIMEOUT_S = DEFAULTS.http_idle_timeout_s
CAP = DEFAULTS.max_connections_per_address
# Short, so that the test of it is: the default is 30 s.
BODY_TIMEOUT_S = 2.0
# How late a deadline may fire on a busy 2-core machine.
LATE_S = 3.0
MIB = 1024 * 1024


@pytest.fixture(scope="module")
def limited_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    server = LiveServer(
        tmp_path_factory.mktemp("slow-clients"),
        env={"PEER_ROUNDS_HTTP_BODY_TIMEOUT_S": str(BODY_TIMEOUT_S)},
    )
    server.start()
    # As under `ulimit -n 1024`, the default of many a service manager.
    resource.prlimit(pid_of(server), resource.RLIMIT_NOFILE, (FD_LIMIT, FD_LIMIT))
    try:
        yield server
    finally:
        server.stop()


def pid_of(server: LiveServer) -> int:
    assert server.process is not None
    return server.process.pid


def open_fds(server: LiveServer) -> int:
    return len(os.listdir(f"/proc/{pid_of(server)}/fd"))


def rss_bytes(server: LiveServer) -> int:
    for line in Path(f"/proc/{pid_of(server)}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS line")


def connect_from(address: str, server: LiveServer) -> socket.socket:
    sock = socket.socket()
    sock.bind((address, 0))
    sock.connect(("127.0.0.1", server.port))
    return sock


def allow_own_sockets(count: int) -> None:
    """This process holds the attacker's sockets: make sure it may."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < count:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(count, hard), hard))


@dataclass
class Watched:
    """One attacking connection, and what the server did with it."""

    sock: socket.socket
    opened_at: float
    received: bytes = b""
    closed_at: float | None = None

    @classmethod
    def open(cls, address: str, server: LiveServer) -> Watched:
        sock = connect_from(address, server)
        sock.setblocking(False)
        return cls(sock, time.monotonic())

    def send(self, data: bytes) -> None:
        if self.closed_at is not None:
            return
        try:
            self.sock.send(data)
        except (BrokenPipeError, ConnectionResetError):
            self.closed_at = time.monotonic()

    def read(self) -> None:
        """Whatever the server sent; an end of file (or a reset) marks it closed."""
        try:
            while chunk := self.sock.recv(65536):
                self.received += chunk
        except BlockingIOError:
            return
        except ConnectionResetError:
            pass
        if self.closed_at is None:
            self.closed_at = time.monotonic()

    @property
    def lasted(self) -> float:
        assert self.closed_at is not None
        return self.closed_at - self.opened_at


def probe_health(server: LiveServer) -> float:
    """Seconds /healthz took from the machine itself, on a new connection; inf if no answer."""
    started = time.monotonic()
    try:
        answer = httpx.get(f"{server.base_url}/healthz", timeout=2.0)
    except httpx.TransportError:
        return float("inf")
    return time.monotonic() - started if answer.status_code == 200 else float("inf")


def test_slow_and_idle_connections_leave_the_server_answering(limited_server: LiveServer) -> None:
    """300 connections trickling their headers from one address and 1,100 idle ones from
    another, against 1,024 file descriptors: /healthz answers within 1 s throughout, each
    connection is dropped at its deadline or refused at once, and the server never holds more
    than its cap per address."""
    allow_own_sockets(4096)
    slow = [Watched.open("127.0.0.2", limited_server) for _ in range(300)]
    for connection in slow:
        connection.send(b"GET /healthz HTTP/1.1\r\nHost: peer-rounds\r\nX-Slow: ")
    idle = [Watched.open("127.0.0.3", limited_server) for _ in range(1_100)]
    watched = slow + idle
    selector = selectors.DefaultSelector()
    for connection in watched:
        selector.register(connection.sock, selectors.EVENT_READ, connection)

    health: list[float] = []
    most_fds = 0
    until = time.monotonic() + HEAD_TIMEOUT_S + LATE_S
    try:
        while time.monotonic() < until:
            health.append(probe_health(limited_server))
            most_fds = max(most_fds, open_fds(limited_server))
            for connection in slow:
                connection.send(b"a")  # one byte of a header that never ends
            for key, _ in selector.select(timeout=0.25):
                connection = key.data
                connection.read()
                if connection.closed_at is not None:
                    selector.unregister(connection.sock)
    finally:
        selector.close()
        for connection in watched:
            connection.sock.close()

    print(f"\nslow and idle: /healthz at most {max(health):.3f} s; at most {most_fds} fds")
    assert max(health) < 1.0, f"/healthz answers took {sorted(health)[-5:]} s"
    assert len(health) >= HEAD_TIMEOUT_S  # asked throughout, not once
    assert most_fds < 2 * CAP + 100, f"the server held {most_fds} file descriptors"

    assert all(connection.closed_at is not None for connection in watched), "some were held"
    refused_idle = [c for c in idle if c.received.startswith(b"HTTP/1.1 503")]
    assert len(refused_idle) >= len(idle) - CAP
    assert all(
        b"Lots of connections from your network are open at once." in c.received
        for c in refused_idle
    )
    for connection in idle:
        if connection not in refused_idle:
            assert connection.received == b""
            assert IDLE_TIMEOUT_S - 0.5 <= connection.lasted <= IDLE_TIMEOUT_S + LATE_S
    for connection in slow:
        # Refused at once (a 503, or a reset: it had sent its bytes), or cut off at its
        # deadline; never answered as if the request had arrived.
        assert not connection.received.startswith(b"HTTP/1.1 200")
        assert connection.lasted <= HEAD_TIMEOUT_S + LATE_S
        if connection.received.startswith(b"HTTP/1.1 408"):
            assert connection.lasted >= HEAD_TIMEOUT_S - 0.5
    assert sum(c.received.startswith(b"HTTP/1.1 408") for c in slow) >= CAP // 2


def test_an_endless_header_line_is_cut_off_at_a_small_cost(limited_server: LiveServer) -> None:
    """One connection streaming a header line that never ends is closed after the header limit
    (16 KiB), and the server's memory hardly moves: it was ~1 MiB more per MiB sent."""
    for _ in range(20):
        assert probe_health(limited_server) < 5
    before = rss_bytes(limited_server)
    sent = 0
    cut_off = False
    with connect_from("127.0.0.2", limited_server) as sock:
        sock.settimeout(10)
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: peer-rounds\r\nX-Endless: ")
        chunk = b"a" * 65536
        while sent < 32 * MIB:
            try:
                sock.sendall(chunk)
            except (BrokenPipeError, ConnectionResetError):
                cut_off = True
                break
            sent += len(chunk)
    after = rss_bytes(limited_server)
    growth = after / before
    print(f"\nendless header: cut off after {sent / MIB:.2f} MiB sent; RSS x{growth:.3f}")
    assert cut_off, f"the server read all {sent / MIB:.0f} MiB"
    assert sent < 8 * MIB
    assert after / before < 1.05, f"RSS went from {before / MIB:.0f} to {after / MIB:.0f} MiB"


def post_head(length: int) -> bytes:
    return (
        b"POST /api/sessions HTTP/1.1\r\nHost: peer-rounds\r\n"
        b"Content-Type: application/json\r\nContent-Length: " + str(length).encode() + b"\r\n\r\n"
    )


def test_a_body_trickled_slower_than_its_deadline_is_dropped(limited_server: LiveServer) -> None:
    body = b'{"title": "Tuesday", "group_name": "Riverside", "facilitator_names": ["Sam"]}'
    connection = Watched.open("127.0.0.2", limited_server)
    connection.send(post_head(len(body)))
    headers_sent = time.monotonic()
    for byte in body:
        connection.send(bytes([byte]))
        time.sleep(0.25)
        connection.read()
        if connection.closed_at is not None:
            break
    connection.sock.close()
    assert connection.closed_at is not None, "the whole body was taken in"
    assert BODY_TIMEOUT_S - 0.25 <= connection.closed_at - headers_sent <= BODY_TIMEOUT_S + LATE_S
    assert connection.received == b""  # nothing reached the app to answer


def test_a_body_that_arrives_in_time_is_served(limited_server: LiveServer) -> None:
    body = b'{"title": "Tuesday", "group_name": "Riverside", "facilitator_names": ["Sam"]}'
    with connect_from("127.0.0.2", limited_server) as sock:
        sock.settimeout(10)
        sock.sendall(post_head(len(body)))
        for part in (body[:20], body[20:40], body[40:]):
            time.sleep(BODY_TIMEOUT_S / 4)
            sock.sendall(part)
        answer = sock.recv(65536)
    assert answer.startswith(b"HTTP/1.1 201"), answer[:200]


def test_a_websocket_gives_its_place_back_when_it_closes(tmp_path: Path) -> None:
    """Connections are counted per address until they close, websockets included."""
    server = LiveServer(tmp_path, env={"PEER_ROUNDS_MAX_CONNECTIONS_PER_ADDRESS": "3"})
    server.start()
    try:
        asyncio.run(_three_at_a_time(server))
    finally:
        server.stop()


async def _three_at_a_time(server: LiveServer) -> None:
    created = create_session(server)
    room = f"{server.ws_base}/ws/sessions/{created['session_id']}/room"
    hello = json.dumps({"type": "hello", "token": created["room"]["token"]})

    async def room_screen(address: str) -> ClientConnection:
        ws = await connect(room, local_addr=(address, 0))
        await ws.send(hello)
        assert json.loads(await ws.recv())["type"] == "snapshot"
        return ws

    for _ in range(2):
        screens = [await room_screen("127.0.0.2") for _ in range(3)]
        with pytest.raises(InvalidStatus) as refused:
            await room_screen("127.0.0.2")
        assert refused.value.response.status_code == 503
        elsewhere = await room_screen("127.0.0.3")  # another address has its own count
        for ws in [*screens, elsewhere]:
            await ws.close()
        await asyncio.sleep(0.2)
