"""What one message costs to send on one socket: uvicorn's path against frames encoded once.

    .venv/bin/python bench/frames.py [--blocks 10] [--versions 20]

The HTML fragments are the real app's: captured from bench/stack.py's HTML session (13 screens,
a few commands). Each version's 13 messages are then offered to 13 sockets' outboxes, in blocks
of each path:
- uvicorn (main's path): the outbox, woken, hands the message to the connection's sender task,
  which sends it by Starlette's `WebSocket.send_text` into uvicorn's websockets-sansio protocol
  as uvicorn 0.54 negotiates permessage-deflate with a browser (context takeover, 2^12 window);
- shared: the outbox's sink into `CountedWebSocket.write_text` (app/web/connections.py),
  frames encoded once per message (no context takeover, the same window);
- direct: the same sink and protocol, but with uvicorn's negotiation (each socket compresses in
  its own context): written at once, never shared (the alternative).
Each over real protocol objects after a real handshake, on a fake transport that only counts
bytes. Two message mixes: as the app sends them today (every screen's fragment its own) and as
when phones share one fragment (three distinct fragments a version: one screen's, one for the
11 others in the middle, the last screen's). Printed:
CPU time of the thread per frame (median of the blocks), the ratio, and bytes per frame.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from collections.abc import Callable
from typing import Any

from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from uvicorn.server import ServerState

from app.realtime.outbox import Outbox
from app.web.connections import ConnectionLimits, CountedWebSocket, ServingConfig
from app.web.frames import direct_writer
from bench import stack

HANDSHAKE = (
    b"GET /ws HTTP/1.1\r\nHost: bench\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
    b"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
    b"Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n\r\n"
)
LIMITS = ConnectionLimits(
    idle_timeout_s=5, head_timeout_s=5, body_timeout_s=5, max_head_bytes=8192, max_per_address=9
)


class CountingTransport(asyncio.Transport):
    def __init__(self) -> None:
        super().__init__()
        self.written = 0
        self.writes = 0

    def write(self, data: bytes | bytearray | memoryview) -> None:
        self.written += len(data)
        self.writes += 1

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return ("127.0.0.1", 1) if name in ("peername", "sockname") else default

    def is_closing(self) -> bool:
        return False

    def pause_reading(self) -> None:
        pass

    def resume_reading(self) -> None:
        pass

    def close(self) -> None:
        pass


Sender = Callable[[str], None]
SENDERS: set[asyncio.Task[None]] = set()


class DirectOwnContexts(CountedWebSocket):
    """Written at once like `shared`, but compressed in each socket's own context."""

    own_contexts = True


async def open_sockets(
    kind: type[WebSocketsSansIOProtocol], count: int, finished: asyncio.Event
) -> tuple[list[Sender], list[CountingTransport]]:
    """`count` sockets past their handshake; for each, how the app sends one message."""
    accepted: list[WebSocket] = []
    all_accepted = asyncio.Event()

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        websocket = WebSocket(scope, receive, send)
        await websocket.accept()
        accepted.append(websocket)
        if len(accepted) == count:
            all_accepted.set()
        await finished.wait()

    # Without uvicorn's logging set-up, which would change the process's loggers for whoever
    # runs this after (tests/benchmarks runs it in the test process).
    config = ServingConfig(app, LIMITS, log_config=None)
    config.load()
    state = ServerState()
    transports = []
    for _ in range(count):
        protocol = kind(config, state, {})
        transport = CountingTransport()
        protocol.connection_made(transport)
        protocol.data_received(HANDSHAKE)
        transports.append(transport)
    await asyncio.wait_for(all_accepted.wait(), 10)
    senders: list[Sender] = []
    for websocket in accepted:
        outbox = Outbox()
        write = direct_writer(websocket)
        if write is None:
            # main's path: the connection's sender task takes what the outbox holds.
            sender = asyncio.create_task(send_forever(outbox, websocket, finished))
            SENDERS.add(sender)
            sender.add_done_callback(SENDERS.discard)
        else:
            outbox.sink = write
        senders.append(outbox.offer_snapshot)
    for transport in transports:
        transport.written = transport.writes = 0
    return senders, transports


def captured_versions() -> list[list[str]]:
    """Each version's messages, one per HTML screen, from a short bench/stack.py run."""
    by_screen: dict[int, list[str]] = {}
    received = stack.Screen.received

    def keep(screen: stack.Screen, text: str, wire_bytes: int) -> None:
        if screen.session.format == "html" and text.startswith("<"):
            by_screen.setdefault(id(screen), []).append(text)
        received(screen, text, wire_bytes)

    # Listening in on the bench's fake transport, as bench/server_probe.py does on `serve`.
    setattr(stack.Screen, "received", keep)  # noqa: B010
    try:
        stack.main(["--blocks", "1", "--block", "12"], out=lambda _: None)
    finally:
        setattr(stack.Screen, "received", received)  # noqa: B010
    screens = list(by_screen.values())
    versions = min(len(messages) for messages in screens)
    return [[messages[v] for messages in screens] for v in range(versions)]


async def send_forever(outbox: Outbox, websocket: WebSocket, finished: asyncio.Event) -> None:
    """As LiveConnection's sender does (app/web/live_connection.py)."""
    while not finished.is_set():
        for message in await outbox.take():
            await websocket.send_text(message)


async def send_block(
    senders: list[Sender], transports: list[CountingTransport], versions: list[list[str]]
) -> float:
    started = time.thread_time()
    for messages in versions:
        expected = sum(transport.writes for transport in transports) + len(messages)
        for send, message in zip(senders, messages, strict=True):
            send(message)
        # Until every socket has written it (at once, or once the sender tasks ran): one turn
        # of the loop each, what the server's loop gives them too.
        while sum(transport.writes for transport in transports) < expected:  # noqa: ASYNC110
            await asyncio.sleep(0)
    return time.thread_time() - started


async def measure(versions: list[list[str]], blocks: int) -> dict[str, dict[str, float]]:
    screens = len(versions[0])
    finished = asyncio.Event()
    paths = {
        "uvicorn": await open_sockets(WebSocketsSansIOProtocol, screens, finished),
        "direct": await open_sockets(DirectOwnContexts, screens, finished),
        "shared": await open_sockets(CountedWebSocket, screens, finished),
    }
    times: dict[str, list[float]] = {name: [] for name in paths}
    for number in range(blocks):
        order = list(paths)[number % 3 :] + list(paths)[: number % 3]
        for name in order:
            times[name].append(await send_block(*paths[name], versions))
    finished.set()
    await asyncio.sleep(0.01)
    frames = blocks * len(versions) * screens
    results = {}
    for name, (_, transports) in paths.items():
        written = sum(transport.written for transport in transports)
        results[name] = {
            "us_per_frame": 1e6 * statistics.median(times[name]) / (len(versions) * screens),
            "bytes_per_frame": written / frames,
            "writes_per_frame": sum(transport.writes for transport in transports) / frames,
        }
    return results


def phones_alike(versions: list[list[str]]) -> list[list[str]]:
    """The same versions with three distinct fragments: the first screen's, one for every
    screen between, the last screen's (as when the phones share one)."""
    return [
        [messages[0], *([messages[1]] * (len(messages) - 2)), messages[-1]] for messages in versions
    ]


def main(
    argv: list[str] | None = None, out: Callable[[str], None] = print
) -> dict[str, dict[str, dict[str, float]]]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--blocks", type=int, default=10, help="blocks per path and mix")
    args = parser.parse_args(argv)
    versions = captured_versions()
    out(f"{len(versions)} versions x {len(versions[0])} screens per block, {args.blocks} blocks")
    out(
        f"{'mix':30}{'path':10}{'CPU us/frame':>14}{'ratio':>8}{'bytes/frame':>13}"
        f"{'writes/frame':>14}"
    )
    by_mix: dict[str, dict[str, dict[str, float]]] = {}
    for mix, chosen in (
        ("as today (each its own)", versions),
        ("phones alike", phones_alike(versions)),
    ):
        results = by_mix[mix] = asyncio.run(measure(chosen, args.blocks))
        base = results["uvicorn"]["us_per_frame"]
        for name, result in results.items():
            out(
                f"{mix:30}{name:10}{result['us_per_frame']:>14,.1f}"
                f"{result['us_per_frame'] / base:>7.2f}x{result['bytes_per_frame']:>13,.0f}"
                f"{result['writes_per_frame']:>14.2f}"
            )
    return by_mix


if __name__ == "__main__":
    main()
