"""Limits on connections, below the app: how long one may sit idle or take to send its request,
how large a request's head may be, and how many connections one address may hold open at once
(docs/security.md).

uvicorn's h11 protocol gives two of them: the size of a request's line and headers
(`h11_max_incomplete_event_size`, answered with 400) and the idle time after a response
(`timeout_keep_alive`). It arms that timer only after a response, though, and stops it at the
first byte of the next request: a connection that never sent a byte, or sent its request a
byte at a time, was held for ever. `BoundedHTTP` adds what is missing; `CountedWebSocket` gives
a connection back to its address's count when the websocket it was upgraded to closes, and
writes frames encoded once for many sockets (app/web/frames.py).
"""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import dataclass
from typing import Any, Literal

import h11
import uvicorn
from uvicorn._types import ASGIReceiveEvent, ASGISendEvent
from uvicorn.protocols.http.h11_impl import H11Protocol
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from uvicorn.server import ServerState
from websockets.extensions.permessage_deflate import ServerPerMessageDeflateFactory
from websockets.http11 import Request
from websockets.protocol import State
from websockets.server import ServerProtocol

from app.config import Settings
from app.web.frames import DIRECT_FRAMES, Encoding, SharedFrames, encoding_of
from app.web.rate_limits import LOOPBACK


@dataclass(frozen=True, slots=True)
class ConnectionLimits:
    idle_timeout_s: int
    head_timeout_s: float
    body_timeout_s: float
    max_head_bytes: int
    max_per_address: int
    # As for the rate limits: the machine itself, or a proxy in front that speaks for everyone.
    exempt: frozenset[str] = LOOPBACK

    @classmethod
    def of(cls, settings: Settings) -> ConnectionLimits:
        return cls(
            idle_timeout_s=settings.http_idle_timeout_s,
            head_timeout_s=settings.http_header_timeout_s,
            body_timeout_s=settings.http_body_timeout_s,
            max_head_bytes=settings.http_max_header_bytes,
            max_per_address=settings.max_connections_per_address,
        )


class OpenConnections:
    """Connections open now (plain HTTP and websockets alike), counted per client address."""

    def __init__(self, cap: int, exempt: frozenset[str]) -> None:
        self._cap = cap
        self._exempt = exempt
        self._open: Counter[str] = Counter()

    def admit(self, address: str | None) -> bool:
        """True, and counted until `release`, if `address` may hold one more connection."""
        if address is None or address in self._exempt:
            return True
        if self._open[address] >= self._cap:
            return False
        self._open[address] += 1
        return True

    def release(self, address: str | None) -> None:
        if address is None or address in self._exempt:
            return
        self._open[address] -= 1
        if not self._open[address]:
            del self._open[address]


class ServingConfig(uvicorn.Config):
    """uvicorn's Config with our protocols, carrying the limits and the count to each of them."""

    def __init__(self, app: Any, limits: ConnectionLimits, **options: Any) -> None:
        self.limits = limits
        self.open_connections = OpenConnections(limits.max_per_address, limits.exempt)
        self.shared_frames = SharedFrames()
        super().__init__(
            app,
            http=BoundedHTTP,
            ws=CountedWebSocket,
            timeout_keep_alive=limits.idle_timeout_s,
            h11_max_incomplete_event_size=limits.max_head_bytes,
            **options,
        )


def _plain_response(status: bytes, message: str) -> bytes:
    body = message.encode()
    return (
        b"HTTP/1.1 " + status + b"\r\n"
        b"content-type: text/plain; charset=utf-8\r\n"
        b"x-content-type-options: nosniff\r\n"
        b"content-length: " + str(len(body)).encode() + b"\r\n"
        b"connection: close\r\n\r\n" + body
    )


TOO_MANY_CONNECTIONS = _plain_response(
    b"503 Service Unavailable",
    "Lots of connections from your network are open at once. Please wait a moment, then try again.",
)
REQUEST_TOO_SLOW = _plain_response(
    b"408 Request Timeout",
    "Your request took too long to arrive. Please try again.",
)

Part = Literal["head", "body"]

# permessage-deflate as uvicorn's own protocol negotiates it.
DEFLATE_WINDOW_BITS = 12
DEFLATE_SETTINGS = {"memLevel": 5}


class BoundedHTTP(H11Protocol):
    """uvicorn's h11 protocol with a deadline for each request being read, a closing time for a
    connection that has sent nothing yet, and a cap on connections per address.

    A request's head (line and headers) must arrive whole within `head_timeout_s` of its first
    byte, and its body within `body_timeout_s` of the end of its head: one deadline each, not a
    gap between reads, so trickling cannot stretch them.
    """

    def __init__(
        self,
        config: ServingConfig,
        server_state: ServerState,
        app_state: dict[str, Any],
        _loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        super().__init__(config, server_state, app_state, _loop)
        self.limits = config.limits
        self.open_connections = config.open_connections
        self.admitted = False
        self.upgraded = False
        self.reading: Part | None = None
        self.read_deadline: asyncio.TimerHandle | None = None

    @property
    def address(self) -> str | None:
        return None if self.client is None else self.client[0]

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self.admitted = self.open_connections.admit(self.address)
        if not self.admitted:
            transport.write(TOO_MANY_CONNECTIONS)
            transport.close()
            return
        self.timeout_keep_alive_task = self.loop.call_later(
            self.timeout_keep_alive, self.timeout_keep_alive_handler
        )

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        self._time_reading()

    def handle_websocket_upgrade(self, event: h11.Request) -> None:
        # From here the websocket protocol owns the connection, and gives back its count.
        self.upgraded = True
        self._stop_timing()
        super().handle_websocket_upgrade(event)

    def connection_lost(self, exc: Exception | None) -> None:
        super().connection_lost(exc)
        self._stop_timing()
        # uvicorn stops its idle timer only on a clean close; a reset would leave it holding
        # this connection's objects until it fires.
        self._unset_keepalive_if_required()
        if self.admitted and not self.upgraded:
            self.open_connections.release(self.address)

    def _time_reading(self) -> None:
        part: Part | None = None
        if not self.upgraded and not self.transport.is_closing():
            state = self.conn.their_state
            if state is h11.IDLE:
                part = "head"
            elif state is h11.SEND_BODY:
                part = "body"
        if part == self.reading:
            return
        self._stop_timing()
        self.reading = part
        if part is not None:
            timeout = self.limits.head_timeout_s if part == "head" else self.limits.body_timeout_s
            self.read_deadline = self.loop.call_later(timeout, self._too_slow)

    def _stop_timing(self) -> None:
        self.reading = None
        if self.read_deadline is not None:
            self.read_deadline.cancel()
            self.read_deadline = None

    def _too_slow(self) -> None:
        self.read_deadline = None
        if self.transport.is_closing():
            return
        if self.reading == "head":
            # Nothing has reached the app yet, so the answer is ours to give.
            self.transport.write(REQUEST_TOO_SLOW)
        # A body cut off reaches the app as the client gone (http.disconnect).
        self.transport.close()


class ReceivedEvents:
    """What a websocket has received and its application not yet read, in order: as much of
    asyncio.Queue as uvicorn's websocket protocol uses (`put_nowait`, `get`, `empty`).

    An asyncio.Queue is four deques (its getters, its putters, its items, and the waiters of an
    Event for `join`), some 3 KB per socket before anything is queued; here a list, and a future
    only while the application waits. The application reads from one coroutine at a time, as
    ASGI's `receive` is used.
    """

    __slots__ = ("_events", "_waiter")

    def __init__(self) -> None:
        self._events: list[ASGIReceiveEvent] = []
        self._waiter: asyncio.Future[None] | None = None

    def put_nowait(self, event: ASGIReceiveEvent) -> None:
        self._events.append(event)
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)

    async def get(self) -> ASGIReceiveEvent:
        while not self._events:
            self._waiter = asyncio.get_running_loop().create_future()
            try:
                await self._waiter
            finally:
                self._waiter = None
        return self._events.pop(0)

    def empty(self) -> bool:
        return not self._events


class Writable:
    """Whether a socket's transport takes more now: as much of asyncio.Event as uvicorn's
    websocket protocol uses (`set`, `clear`, `wait`; `is_set` here), without the Event's deque
    of waiters (760 bytes per socket, nearly always empty)."""

    __slots__ = ("_set", "_waiters")

    def __init__(self) -> None:
        self._set = True
        self._waiters: list[asyncio.Future[None]] = []

    def is_set(self) -> bool:
        return self._set

    def set(self) -> None:
        self._set = True
        waiters, self._waiters = self._waiters, []
        for waiter in waiters:
            if not waiter.done():
                waiter.set_result(None)

    def clear(self) -> None:
        self._set = False

    async def wait(self) -> None:
        if self._set:
            return
        waiter = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        try:
            await waiter
        finally:
            if waiter in self._waiters:
                self._waiters.remove(waiter)


def let_go_of(conn: ServerProtocol) -> None:
    """A websockets protocol and its parser, a generator suspended in one of its methods, hold
    each other for as long as either lives (by design: it waits at its last `yield` after the
    end); closed, the generator lets go."""
    conn.parser.close()


class CountedWebSocket(WebSocketsSansIOProtocol):
    """uvicorn's websocket protocol, giving its connection back to the address's count, and
    writing the application's messages as frames shared with other sockets when it can.

    permessage-deflate is negotiated as uvicorn does (same window bits and memory level), but
    with `server_no_context_takeover` always (RFC 7692 lets the server add it unasked): each
    message is compressed on its own, so one compressed frame serves every socket of the same
    settings.
    """

    # Compress in each socket's own context, as uvicorn does: frames then are written at once
    # but not shared. The alternative measured by bench/frames.py (docs/architecture.md).
    own_contexts = False

    def __init__(
        self,
        config: ServingConfig,
        server_state: ServerState,
        app_state: dict[str, Any],
        _loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        super().__init__(config, server_state, app_state, _loop)
        # uvicorn uses only a few of a Queue's and an Event's methods: see ReceivedEvents and
        # Writable.
        self.queue = ReceivedEvents()  # type: ignore[assignment]
        self.writable = Writable()  # type: ignore[assignment]
        self.open_connections = config.open_connections
        self.shared_frames = config.shared_frames
        # How this socket's frames are encoded, known once its handshake is answered; None if
        # they cannot be shared.
        self.encoding: Encoding | None = None
        # Whether the application is done with this socket; once it is and the socket is
        # closed, its reference cycles are broken (_let_go).
        self.app_done = False
        if config.ws_per_message_deflate and not self.own_contexts:
            let_go_of(self.conn)
            self.conn = ServerProtocol(
                extensions=[
                    ServerPerMessageDeflateFactory(
                        server_no_context_takeover=True,
                        server_max_window_bits=DEFLATE_WINDOW_BITS,
                        client_max_window_bits=DEFLATE_WINDOW_BITS,
                        compress_settings=DEFLATE_SETTINGS,
                    )
                ],
                max_size=config.ws_max_size,
                logger=self.conn.logger,
            )

    def handle_connect(self, event: Request) -> None:
        super().handle_connect(event)
        # The request's headers are in the scope now, as the application reads them; the
        # request itself (some 2 KB with them) stays referenced for as long as the socket is
        # open, a local of websockets' parser, which never reads it again.
        event.headers.clear()
        if self.response.status_code == 101:
            self.encoding = encoding_of(self.conn.extensions)
            self.scope.setdefault("extensions", {})[DIRECT_FRAMES] = {"write": self.write_text}

    async def send(self, message: ASGISendEvent) -> None:
        await super().send(message)
        if message["type"] == "websocket.accept" and self.handshake_complete:
            # The handshake's answer, headers and all, is written: uvicorn would keep it for as
            # long as the socket is open.
            del self.response

    def write_text(self, message: str, shared: bool) -> bool:
        """Write `message` as one text frame now, unless the socket cannot take it at once
        (not open yet or any more, or its buffer above the high-water mark): then False, and
        the caller sends it the ordinary way, which waits."""
        if (
            self.disconnected
            or self.close_sent
            or not self.writable.is_set()
            or self.conn.state is not State.OPEN
            or self.transport.is_closing()
        ):
            return False
        if self.encoding is not None:
            # Replies too: the socket's own compressor (some 38 KiB of zlib state at these
            # settings) is then never made, unless its buffer fills and uvicorn's send is used.
            self.transport.write(self.shared_frames.text(message, self.encoding, keep=shared))
        else:
            self.conn.send_text(message.encode())
            self.transport.write(b"".join(self.conn.data_to_send()))
        return True

    def connection_lost(self, exc: Exception | None) -> None:
        try:
            super().connection_lost(exc)
        finally:
            self.open_connections.release(None if self.client is None else self.client[0])
            self._let_go()

    async def run_asgi(self) -> None:
        try:
            await super().run_asgi()
        finally:
            self.app_done = True
            self._let_go()

    def _let_go(self) -> None:
        """Once the socket is closed and the application done with it, break the reference
        cycles it is in, so that reference counting frees it at once. Left to the collector, a
        socket that lived a second is old enough that only a full collection looks at it: with
        screens coming and going, hundreds of megabytes held and pauses of half a second
        (bench/churn.py)."""
        if not (self.app_done and self.disconnected):
            return
        # This protocol, through the scope's direct writer, a bound method of its own.
        self.scope.get("extensions", {}).pop(DIRECT_FRAMES, None)
        let_go_of(self.conn)
